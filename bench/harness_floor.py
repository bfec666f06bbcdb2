"""What the official harness's timed call costs around a submission: its
scores, in --serverlike mode and timing only (no correctness check), for
floor submissions written here and for the given submission directories,
in one process so that all share the host and the lease.

  python3 bench/harness_floor.py [--suites quick,full] [--measure-iters N]
      [--rounds R] [--floors inputs,...] [--probe-log FILE] SUBMISSION_DIR...

Floors, none of which launches anything:
  inputs         returns (q, q): the guard, the IPC round trip and the
                 synchronisation alone;
  o-only         allocates o only and returns (o, q);
  outputs        allocates o and lse the way the emitted adapter does;
  outputs-timed  (with --probe-log) the same, appending per call to FILE a
                 JSON line with its own host time for each allocation and
                 how many device allocations (cudaMalloc) the caching
                 allocator made meanwhile.
Each round runs every submission on every suite; rounds alternate the
order. Prints one JSON object: per submission, suite and round the
geometric-mean score and the per-case medians (ms). Needs the harness on
PYTHONPATH (.harness, patched).
"""

import argparse
import json
import os
import sys
import tempfile
import textwrap

from attention_kernel_challenge import submission_loader
from attention_kernel_challenge.evaluator import evaluate_submission_dir
from attention_kernel_challenge.spec import EvaluationConfig

# Unpatched, the harness's import guard re-enters itself on Python 3.12 and
# every submission fails with a RecursionError deep in pathlib.
if "_guard_busy" not in open(submission_loader.__file__).read():
    sys.exit(f"{submission_loader.__file__} is not patched for Python 3.12: "
             "run python3 .harness/patch_harness.py .harness first "
             "(bench/run_harness.sh does)")

FLOORS = {
    "inputs": "return q, q",
    "o-only": "return torch.empty_like(q), q",
    "outputs": """\
        return (torch.empty_like(q),
                q.new_empty(q.shape[:3], dtype=torch.float32))""",
}

TIMED_FLOOR = """\
    mallocs = torch.cuda.memory_stats().get("num_device_alloc", -1)
    start = time.perf_counter()
    o = torch.empty_like(q)
    allocated_o = time.perf_counter()
    lse = q.new_empty(q.shape[:3], dtype=torch.float32)
    allocated_lse = time.perf_counter()
    mallocs = torch.cuda.memory_stats().get("num_device_alloc", -1) - mallocs
    with open(LOG, "a") as log:
        log.write(json.dumps({"o_us": (allocated_o - start) * 1e6,
                              "lse_us": (allocated_lse - allocated_o) * 1e6,
                              "device_allocs": mallocs}) + "\\n")
    return o, lse"""


def write_floor(root, name, body, log=None):
    directory = os.path.join(root, name)
    os.makedirs(directory)
    with open(os.path.join(directory, "submission.py"), "w") as f:
        f.write("import json\nimport time\n\nimport torch\n\n"
                f"LOG = {log!r}\n"
                "VARIANT_MANIFEST = [{\"name\": \"default\"}]\n\n\n"
                "def block_sparse_attn_fwd(q, k, v, row_ptr, col_idx, "
                "seq_lens):\n" +
                textwrap.indent(textwrap.dedent(body), "    ") + "\n")
    return directory


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("submissions", nargs="*")
    parser.add_argument("--suites", default="quick,full")
    parser.add_argument("--measure-iters", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--probe-log")
    parser.add_argument("--floors", default=",".join(FLOORS),
                        help="comma-separated floors to score (all by "
                        "default; each costs a full pass of the suites)")
    args = parser.parse_args()
    config = EvaluationConfig(device="cuda", setup_device="cuda",
                              measure_iters=args.measure_iters,
                              check_correctness=False,
                              isolate_submission_process=True)
    result = {"measure_iters": args.measure_iters, "scores": []}
    with tempfile.TemporaryDirectory() as root:
        runs = [(name, write_floor(root, name, FLOORS[name]))
                for name in args.floors.split(",") if name]
        if args.probe_log:
            log = os.path.abspath(args.probe_log)
            runs.append(("outputs-timed", write_floor(
                root, "outputs-timed", TIMED_FLOOR, log)))
        runs += [(os.path.normpath(path), path) for path in args.submissions]
        for round_index in range(args.rounds):
            order = runs if round_index % 2 == 0 else runs[::-1]
            for name, path in order:
                for suite in args.suites.split(","):
                    summary = evaluate_submission_dir(path, suite, config)
                    entry = {
                        "submission": name, "suite": suite,
                        "round": round_index,
                        "score_ms": summary.geometric_mean_family_latency_ms,
                        "cases_ms": {c.case_id: c.latency_ms
                                     for c in summary.case_results}}
                    if summary.failure_reason:
                        entry["failure"] = summary.failure_reason
                    print(json.dumps(entry), file=sys.stderr)
                    result["scores"].append(entry)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
