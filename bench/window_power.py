"""Clock and power while challenge kernels run the tile-cost sweep's
windows back to back (GPU machine): whether a kernel's time per tile at
w blocks is set by the power limit. For each kernel and each w, the kernel
runs for --seconds over rotated inputs while nvidia-smi samples the SM
clock and board power (bench/sustained.py); reported per run: ms per call
and the samples' medians after the first half second.

  python3 bench/window_power.py --kernels .device/ps --variants main,p5 \
      --widths 2,8 [--fa4 .device/fa4/b] --out F.json

With --fa4, FlashAttention-4's block-sparse kernel runs the same windows
(at seq_len = T, as bench/blocksparse.py times it).
"""
import argparse
import json
import os
import sys
from types import SimpleNamespace

import torch

sys.path.insert(0, os.path.dirname(__file__))
import blocksparse  # noqa: E402
from sustained import Sampler, run_for  # noqa: E402
from tile_cost_sweep import (B, D, H, T, load_fa4, pattern,  # noqa: E402
                             sweep_inputs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernels", required=True)
    parser.add_argument("--variants", required=True)
    parser.add_argument("--widths", default="2,8")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--fa4", help="folder holding bench_fa4.py")
    parser.add_argument("--out", required=True)
    a = parser.parse_args()
    fa4 = load_fa4(a.fa4)
    sets, seq_lens = sweep_inputs()
    sampler = Sampler()
    rows = []
    try:
        for w in [int(x) for x in a.widths.split(",")]:
            row_ptr, col_idx = pattern(T // 128, w, True)
            case = SimpleNamespace(row_ptr=row_ptr, col_idx=col_idx)
            runs = [(name, None) for name in a.variants.split(",")]
            if fa4 is not None:
                runs.append(("fa4", fa4))
            for name, module in runs:
                if module is None:
                    path = os.path.join(a.kernels, name)
                    kernel = blocksparse.bsattn_cuda.Kernel.from_files(
                        path + ".cubin", path + ".json")
                    run = blocksparse.Runner(kernel, case, seq_lens, sets)
                else:
                    run, _ = blocksparse.fa4_launcher(module, case, sets)
                ms, start, end = run_for(run, list(range(len(sets))),
                                         a.seconds)
                row = {"variant": name, "w": w, "ms": round(ms, 5),
                       **sampler.summary(start + 0.5, end)}
                rows.append(row)
                print(json.dumps(row), flush=True)
                del run
    finally:
        sampler.stop()
    with open(a.out, "w") as out:
        json.dump({"device": torch.cuda.get_device_name(),
                   "commit": os.environ.get("BSATTN_COMMIT", ""),
                   "shape": {"B": B, "H": H, "T": T, "D": D},
                   "seconds": a.seconds, "rows": rows}, out, indent=1)


if __name__ == "__main__":
    main()
