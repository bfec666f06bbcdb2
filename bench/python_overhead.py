"""Warm host overhead of one bsattn.attention call (GPU machine).

  BSATTN_CACHE_DIR=... BSATTN_TRANSLATE=... python3 bench/python_overhead.py

On a problem so small that the GPU finishes each kernel before the host
issues the next (B1 H1 T128 D128), the wall time per call of N back-to-back
calls is the host's cost: the Python checks, the output allocations and the
launch. Prints one JSON line per case with the median over 5 repeats of
1000 calls: wall_us (until the GPU is done) and enqueue_us (until the
host returns from the last call). Besides each pattern, the parts of one
call: the launcher (bsattn_torch.AttentionLauncher, what bsattn.attention
calls after its checks), the bare kernel launch (bsattn_cuda.Kernel.launch)
and the two output allocations; and for scale F.scaled_dot_product_attention
and torch.empty_like, the floor of any torch call.
"""

import json
import pathlib
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "python"))
import bsattn  # noqa: E402
from bsattn import attention_op  # noqa: E402


def per_call_us(call, calls=1000, repeats=5):
    """(median wall us, median enqueue us) per call."""
    for _ in range(50):
        call()
    torch.cuda.synchronize()
    wall, enqueue = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            call()
        enqueue.append((time.perf_counter() - start) / calls * 1e6)
        torch.cuda.synchronize()
        wall.append((time.perf_counter() - start) / calls * 1e6)
    return (round(statistics.median(wall), 2),
            round(statistics.median(enqueue), 2))


def main():
    q, k, v = [torch.randn(1, 1, 128, 128, device="cuda",
                           dtype=torch.bfloat16) for _ in range(3)]
    seq_lens = torch.tensor([128], dtype=torch.int32, device="cuda")
    csr = bsattn.block_mask(lambda b, h, qb, kb: kb <= qb, 1, 1, 128,
                            device="cuda")
    launcher = attention_op._launcher(
        (q.dtype, 128, bsattn.causal().sparsity_attr(), "f16", None, None, 1),
        q.device)
    kernel = launcher._kernel
    o, lse = torch.empty_like(q), q.new_empty(q.shape[:3],
                                              dtype=torch.float32)
    by_role = {"q": q, "k": k, "v": v, "seq_lens": seq_lens, "o": o,
               "lse": lse}
    arguments = [by_role[a["role"]] for a in kernel.manifest["arguments"]]
    addresses = [t.data_ptr() for t in arguments]
    shapes = [tuple(t.shape) for t in arguments]
    stream = torch.cuda.current_stream().cuda_stream
    cases = {
        "bsattn causal": lambda: bsattn.attention(q, k, v, bsattn.causal()),
        "bsattn causal, seq_lens given": lambda: bsattn.attention(
            q, k, v, bsattn.causal(), seq_lens=seq_lens),
        "bsattn sliding_window(3)": lambda: bsattn.attention(
            q, k, v, bsattn.sliding_window(3)),
        "bsattn csr": lambda: bsattn.attention(q, k, v, csr),
        "part: launcher": lambda: launcher(q, k, v, seq_lens, seq_lens,
                                           seq_lens),
        "part: kernel launch": lambda: kernel.launch(addresses, shapes,
                                                     stream),
        "part: o and lse allocations": lambda: (
            torch.empty_like(q),
            q.new_empty(q.shape[:3], dtype=torch.float32)),
        "sdpa causal": lambda: F.scaled_dot_product_attention(
            q, k, v, is_causal=True),
        "torch.empty_like": lambda: torch.empty_like(q),
    }
    for name, call in cases.items():
        wall, enqueue = per_call_us(call)
        print(json.dumps({"case": name, "wall_us": wall,
                          "enqueue_us": enqueue}), flush=True)


if __name__ == "__main__":
    main()
