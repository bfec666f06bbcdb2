"""Host time of one call of an emitted challenge submission's adapter,
outside the harness: the Python work plus the launch, without the kernel.

  python3 bench/adapter_overhead.py SUBMISSION_DIR

Calls block_sparse_attn_fwd on a quick-suite-shaped case; each timed call
gets a fresh set of inputs (as the harness does) drawn from 8 preallocated
sets whose col_idx differ in NNZ (as the harness's realizations do). Prints
one JSON line: median host microseconds per call, the median wall time per
call including torch.cuda.synchronize, and, when the harness is importable,
the host time per call inside its runtime guard and the guard's own cost.
"""

import json
import statistics
import sys
import time

import torch

sys.path.insert(0, sys.argv[1])
import submission  # noqa: E402


def main():
    B, H, T, D, w = 1, 16, 4096, 128, 4
    QB = T // 128
    rows = [list(range(max(0, qb - w + 1), qb + 1)) for qb in range(QB)]
    flat = [j for r in rows for j in r]
    row_ptr = torch.zeros(B, H, QB + 1, dtype=torch.int32)
    row_ptr[:, :, 1:] = torch.tensor([len(r) for r in rows]).cumsum(0)
    col_idx = torch.tensor(flat, dtype=torch.int32).repeat(B, H, 1)
    seq_lens = torch.full((B,), T, dtype=torch.int32)
    sets = [tuple(torch.randn(B, H, T, D, device="cuda").to(torch.bfloat16)
                  for _ in range(3)) +
            (row_ptr.cuda(),
             torch.cat([col_idx, torch.zeros(B, H, i, dtype=torch.int32)],
                       dim=2).cuda(),
             seq_lens.cuda())
            for i in range(8)]
    submission.setup()
    for s in sets:
        submission.block_sparse_attn_fwd(*s)
    torch.cuda.synchronize()

    host, wall = [], []
    for i in range(400):
        s = sets[i % 8]
        start = time.perf_counter()
        submission.block_sparse_attn_fwd(*s)
        host.append((time.perf_counter() - start) * 1e6)
        if i % 4 == 0:
            torch.cuda.synchronize()
    for i in range(100):
        start = time.perf_counter()
        submission.block_sparse_attn_fwd(*sets[i % 8])
        torch.cuda.synchronize()
        wall.append((time.perf_counter() - start) * 1e6)
    result = {"case": "quick-window shape B1 H16 T4096 w4",
              "host_us_per_call_median": round(statistics.median(host), 2),
              "host_us_per_call_p90": round(sorted(host)[360], 2),
              "wall_us_per_call_with_sync_median":
                  round(statistics.median(wall), 2),
              "device": torch.cuda.get_device_name()}
    try:
        from attention_kernel_challenge.execution_policy import \
            submission_runtime_guard
    except ImportError:
        submission_runtime_guard = None
    if submission_runtime_guard is not None:
        def guarded(fn, args):
            times = []
            for i in range(200):
                start = time.perf_counter()
                with submission_runtime_guard():
                    fn(*args(i))
                times.append((time.perf_counter() - start) * 1e6)
                if i % 4 == 0:
                    torch.cuda.synchronize()
            return round(statistics.median(times), 2)
        result["guard_only_us_median"] = guarded(lambda: None, lambda i: ())
        result["guarded_call_host_us_median"] = guarded(
            submission.block_sparse_attn_fwd, lambda i: sets[i % 8])
    print(json.dumps(result))


if __name__ == "__main__":
    main()
