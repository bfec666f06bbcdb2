"""One launch of each of several dense causal kernels (bsattn variants from
bench/compile_dense.sh, then FlashAttention-4) inside a profiler range, for
Nsight Compute (GPU machine):

  ncu --profile-from-start off --clock-control none --set full \
      -o $OUT/dense python3 bench/ncu_dense.py --kernels .device/dense \
      --fa4 .device/fa4/b --variants d128_f16,d128_f16_pp

Every kernel runs once unprofiled first (FA4 JIT-compiles on its first call),
on the same random inputs; the profiled launches follow in the order given,
FA4 last, so the report's kernel IDs name them.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from dense_vs_fa4 import bsattn_runner  # noqa: E402  (puts bsattn_cuda on the path)
import bsattn_cuda  # noqa: E402


def profile(launches):
    """Runs each (name, launch) once unprofiled (warm-up, JIT), then once
    each inside the profiler range, in order."""
    for _, launch in launches:
        launch()
    torch.cuda.synchronize()
    torch.cuda.cudart().cudaProfilerStart()
    for name, launch in launches:
        launch()
        torch.cuda.synchronize()
        print(f"profiled {name}", flush=True)
    torch.cuda.cudart().cudaProfilerStop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernels", required=True)
    parser.add_argument("--fa4", help="folder holding bench_fa4.py")
    parser.add_argument("--variants", required=True,
                        help="comma-separated kernel names under --kernels")
    parser.add_argument("--dtype", choices=("f16", "bf16"), default="f16")
    parser.add_argument("--shape", default="2,16,8192,128", help="B,H,T,D")
    a = parser.parse_args()
    B, H, T, D = (int(x) for x in a.shape.split(","))
    dtype = torch.float16 if a.dtype == "f16" else torch.bfloat16
    torch.manual_seed(0)
    q, k, v = (torch.randn(B, H, T, D, device="cuda", dtype=dtype)
               for _ in range(3))
    o = torch.empty_like(q)
    lse = torch.empty(B, H, T, device="cuda")
    launches = []
    for name in a.variants.split(","):
        base = os.path.join(a.kernels, name)
        kernel = bsattn_cuda.Kernel.from_files(base + ".cubin", base + ".json")
        pack, run = bsattn_runner(kernel, B, H, T, dtype)
        args = pack(q, k, v, o, lse)
        launches.append((name, lambda run=run, args=args: run(args)))
    if a.fa4:
        sys.path.insert(0, a.fa4)
        from bench_fa4 import FA4Dense  # noqa: E402
        launches.append(("fa4", FA4Dense(q, k, v)))
    profile(launches)


if __name__ == "__main__":
    main()
