"""SM clock and board power while dense causal kernels run for seconds
(GPU machine): whether a kernel's lead in sustained bursts comes from the
clock the power limit leaves it rather than from its cycles.

  python3 bench/burst_clocks.py --kernels .device/dense --variants d128_f16 \
      --fa4 .device/fa4/b --shape 2,16,8192,128 --out $OUT/clocks.json

Each implementation (the bsattn kernels of --variants, then FA4) runs
back to back over 4 rotated input sets for --seconds, twice, in the order
A B .. B A, while `nvidia-smi` samples the SM clock, power draw,
temperature and active clock-event reasons every 50 ms. Per run: TFLOP/s
of the whole run (CUDA events), and the medians of the samples taken after
its first second (when the clock has settled). nvidia-smi only reads here.
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(__file__))
from dense_vs_fa4 import bsattn_runner  # noqa: E402  (puts bsattn_cuda on the path)
from sustained import Sampler, run_for  # noqa: E402
import bsattn_cuda  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernels", required=True)
    parser.add_argument("--variants", required=True,
                        help="comma-separated kernel names under --kernels")
    parser.add_argument("--fa4", help="folder holding bench_fa4.py")
    parser.add_argument("--dtype", choices=("f16", "bf16"), default="f16")
    parser.add_argument("--shape", default="2,16,8192,128", help="B,H,T,D")
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--out", required=True)
    a = parser.parse_args()
    B, H, T, D = (int(x) for x in a.shape.split(","))
    dtype = torch.float16 if a.dtype == "f16" else torch.bfloat16
    flops = 2 * B * H * T * T * D
    torch.manual_seed(0)
    sets = [tuple(torch.randn(B, H, T, D, device="cuda", dtype=dtype)
                  for _ in range(3)) for _ in range(4)]
    impls = []
    for name in a.variants.split(","):
        base = os.path.join(a.kernels, name)
        kernel = bsattn_cuda.Kernel.from_files(base + ".cubin", base + ".json")
        pack, run = bsattn_runner(kernel, B, H, T, dtype)
        packed = [pack(*s, torch.empty_like(s[0]),
                       torch.empty(B, H, T, device="cuda")) for s in sets]
        impls.append((name, run, packed))
    if a.fa4:
        sys.path.insert(0, a.fa4)
        from bench_fa4 import FA4Dense  # noqa: E402
        impls.append(("fa4", lambda f: f(), [FA4Dense(*s) for s in sets]))
    sampler = Sampler()
    time.sleep(1.0)
    runs = []
    for name, call, inputs in impls + impls[::-1]:
        ms, t0, t1 = run_for(call, inputs, a.seconds)
        run = {"name": name, "ms": round(ms, 4),
               "tflops": round(flops / ms / 1e9, 1),
               **sampler.summary(t0 + 1.0, t1)}
        print(json.dumps(run), flush=True)
        runs.append(run)
        time.sleep(1.0)
    sampler.stop()
    with open(a.out, "w") as f:
        json.dump({"device": torch.cuda.get_device_name(), "shape": a.shape,
                   "dtype": a.dtype, "seconds": a.seconds, "runs": runs}, f,
                  indent=1)


if __name__ == "__main__":
    main()
