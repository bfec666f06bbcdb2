"""One launch of each of several bsattn kernels and of FlashAttention-4's
block-sparse mode on one challenge case, inside a profiler range, for
Nsight Compute (GPU machine, the challenge harness on PYTHONPATH):

  ncu --profile-from-start off --clock-control none --set full \\
      -o $OUT/bs python3 bench/ncu_blocksparse.py --kernels .device/abl \\
      --variants all,ws --fa4 .device/fa4/b --case full-window-1

FA4 has no per-batch sequence lengths in block-sparse mode, so every kernel
runs the case's pattern at seq_len = T (bench/blocksparse.py's `seq_t_ms`
comparison). Each kernel runs once unprofiled first (FA4 JIT-compiles on
its first call); the profiled launches follow in the order given, FA4
last, so the report's kernel IDs name them.
"""
import argparse
import importlib
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from blocksparse import Runner  # noqa: E402  (puts bsattn_cuda on the path)
from ncu_dense import profile  # noqa: E402
import bsattn_cuda  # noqa: E402
from attention_kernel_challenge.cases import (build_suite,  # noqa: E402
                                              materialize_case)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernels", required=True)
    parser.add_argument("--variants", required=True,
                        help="comma-separated kernel names under --kernels")
    parser.add_argument("--fa4", help="folder holding bench_fa4.py")
    parser.add_argument("--case", required=True,
                        help="a case id of the quick, full or broad suite")
    a = parser.parse_args()
    specs = {spec.case_id: spec for suite in ("quick", "full", "broad")
             for spec in build_suite(suite)}
    case = materialize_case(specs[a.case], device="cuda")
    seq_t = torch.full_like(case.seq_lens, case.q.shape[2])
    sets = [(case.q, case.k, case.v)]
    launches = []
    for name in a.variants.split(","):
        base = os.path.join(a.kernels, name)
        kernel = bsattn_cuda.Kernel.from_files(base + ".cubin", base + ".json")
        launches.append((name, lambda run=Runner(kernel, case, seq_t, sets):
                         run(0)))
    if a.fa4:
        sys.path.insert(0, a.fa4)
        fa4 = importlib.import_module("bench_fa4")
        launches.append(("fa4", fa4.FA4BlockSparse(
            case.q, case.k, case.v, case.row_ptr, case.col_idx)))
    profile(launches)


if __name__ == "__main__":
    main()
