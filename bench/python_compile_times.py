"""First-use compile time of bsattn's Python package (no GPU needed): for
each pattern kind, the wall time of bsattn.precompile into an empty cache
(the op text, bsattn-translate's whole pipeline, ptxas, the cache write),
then of the same call again (a hit in the process's memory) and after
forgetting the loaded kernels (a hit on disk). One JSON line per case.

  python3 bench/python_compile_times.py

The first line also pays the one-time hash of the compiler binary that
keys the cache.
"""
import json
import os
import pathlib
import sys
import tempfile
import time

import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "python"))
import bsattn  # noqa: E402
from bsattn import compiler  # noqa: E402


def main():
    no_indices = (torch.zeros(1, 1, 2, dtype=torch.int32),
                  torch.zeros(1, 1, 0, dtype=torch.int32))
    cases = [("causal bf16", bsattn.causal(), {}),
             ("causal f16", bsattn.causal(), {"dtype": torch.float16}),
             ("causal bf16 D=64", bsattn.causal(), {"head_dim": 64}),
             ("sliding_window(3) bf16", bsattn.sliding_window(3), {}),
             ("window_global(3, 1) bf16", bsattn.window_global(3, 1), {}),
             ("csr bf16", bsattn.csr(*no_indices), {}),
             ("csr bf16 split_bf16", bsattn.csr(*no_indices),
              {"pv": "split_bf16"})]
    with tempfile.TemporaryDirectory() as cache:
        os.environ["BSATTN_CACHE_DIR"] = cache
        for name, pattern, options in cases:
            times = []
            for forget in (False, False, True):
                if forget:
                    compiler.clear_memory()
                start = time.perf_counter()
                bsattn.precompile(pattern, **options)
                times.append(time.perf_counter() - start)
            print(json.dumps({"case": name, "first_use_s": round(times[0], 3),
                              "memory_hit_s": round(times[1], 5),
                              "disk_hit_s": round(times[2], 5)}), flush=True)


if __name__ == "__main__":
    main()
