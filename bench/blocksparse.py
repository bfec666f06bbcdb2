"""Block-sparse challenge cases: bsattn kernels beside their floor and
FlashAttention-4's block-sparse mode (GPU machine).

  bash bench/compile_ablation.sh .device/abl    # here
  # there, with the challenge harness in .harness (or on PYTHONPATH) and,
  # for FA4, after ../shared/anchors/fa4's device_install.sh:
  python3 bench/blocksparse.py --kernels .device/abl --variants all,ws,pwspc \
      --fa4 .device/fa4/b --suites quick,full,broad --out $OUT/blocksparse.json
  # BSATTN_COMMIT=<commit> names the commit the kernels came from in the
  # result file (the GPU machine's .git may be older than its tree).

Every case of the harness's public quick, full and broad distributions
(their local sample, built by the harness's own generator), for each kernel:
o and lse against the harness's reference (its tolerances), then device
time by CUDA events (the median of 40 launches over 4 rotated input sets,
so that the L2 does not hold them; each launch queued behind a GPU spin of
--lead-us, so that the events time the kernel and not the host's launch
path), in --rounds rounds over the kernels in
alternating order (a clock that drifts within a case favours none), the
median of the rounds. The floor is DESIGN.md's:
max(FLOPs / 700e12, bytes / 4.25e12), FLOPs = 4 * 128^3 per used (query
block, key block) pair, bytes = q, k, v of the valid tokens plus o and lse.

FA4 has no per-batch sequence lengths in block-sparse mode, so it runs the
same pattern at seq_len = T; the first kernel of --fa4-variants (default:
of --variants) is timed there too (`seq_t_ms`), and `fa4_speedup` = FA4
time / that time. More --fa4-variants are timed at seq_len = T too
(`seq_t_variant_ms`, `fa4_speedup_variant`): a kernel with bf16 P.V beside
FA4, which rounds P to bf16 too, compares the two at the same numerics.
FA4's Python launch path costs ~0.18 ms a call, so it is replayed from CUDA
graphs (`fa4_timing` says "burst" where capture failed and back-to-back
calls were timed instead).
"""
import argparse
import copy
import importlib
import json
import os
import statistics
import subprocess
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "runtime",
                                "python"))
# The harness's copy in the checkout (CHALLENGE.md), so that PYTHONPATH is
# left to what ../shared/anchors/fa4's device_install.sh sets.
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".harness"))
import bsattn_cuda  # noqa: E402
from attention_kernel_challenge.cases import (build_suite,  # noqa: E402
                                              materialize_case)
from attention_kernel_challenge.reference import \
    reference_block_sparse_attn_fwd  # noqa: E402
from attention_kernel_challenge.spec import Tolerances  # noqa: E402

BLOCK = 128
PEAK_FLOPS, PEAK_BYTES = 700e12, 4.25e12


def used_pairs(row_ptr, col_idx, seq_lens):
    """(query block, key block) pairs the contract uses: in-range, causal,
    below the batch's valid blocks, each once per row."""
    rp, ci = row_ptr.cpu(), col_idx.cpu()
    B, H, rows = rp.shape[0], rp.shape[1], rp.shape[2] - 1
    total = 0
    for b in range(B):
        valid = min(rows, -(-int(seq_lens[b]) // BLOCK))
        for h in range(H):
            for i in range(valid):
                cols = ci[b, h, rp[b, h, i]:rp[b, h, i + 1]].tolist()
                total += len({j for j in cols if 0 <= j <= i and j < valid})
    return total


def floor_ms(case, pairs):
    B, H, T, D = case.q.shape
    tokens = sum(min(int(s), T) for s in case.seq_lens.cpu()) * H
    bytes_ = 3 * tokens * D * 2 + B * H * T * (D * 2 + 4)
    return max(4 * BLOCK**3 * pairs / PEAK_FLOPS, bytes_ / PEAK_BYTES) * 1e3


# Host time the GPU is kept busy for before each timed launch (0: none).
LEAD_US = 200


def event_ms(launch, count, launches=40):
    for i in range(count):
        launch(i)
    times = []
    for i in range(launches):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        # The stream is idle after the last synchronize: without work ahead
        # of the start event, the events would also time the host's launch
        # path (Python, tensor-map updates, the driver call) between them.
        # A spin of LEAD_US (at most 2 GHz) queued first lets the launch
        # reach the stream before the start event runs.
        if LEAD_US:
            torch.cuda._sleep(LEAD_US * 2000)
        start.record()
        launch(i % count)
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


class Runner:
    """One kernel on one case's shapes, over rotated input sets."""

    def __init__(self, kernel, case, seq_lens, sets):
        self.kernel = kernel
        self.stream = torch.cuda.current_stream().cuda_stream
        dtypes = {torch.bfloat16: "bf16", torch.float32: "f32",
                  torch.int32: "i32"}
        self.packed = []
        for q, k, v in sets:
            roles = {"q": q, "k": k, "v": v, "seq_lens": seq_lens,
                     "row_ptr": case.row_ptr, "col_idx": case.col_idx,
                     "o": torch.empty_like(q),
                     "lse": torch.empty(q.shape[:3], device=q.device)}
            self.packed.append(
                (roles, [(t.data_ptr(), tuple(t.shape), dtypes[t.dtype])
                         for t in (roles[a["role"]]
                                   for a in kernel.manifest["arguments"])]))
        kernel.check_arguments(self.packed[0][1])

    def __call__(self, i):
        args = self.packed[i][1]
        self.kernel.launch([a for a, _, _ in args], [s for _, s, _ in args],
                           self.stream)

    def outputs(self, i):
        return self.packed[i][0]["o"], self.packed[i][0]["lse"]


def correct(o, lse, ref_o, ref_lse):
    tol = Tolerances()
    o_ok = torch.allclose(o.float(), ref_o.float(), atol=tol.output_atol,
                          rtol=tol.output_rtol)
    finite = torch.isfinite(ref_lse)
    lse_ok = bool((torch.isfinite(lse) == finite).all()) and torch.allclose(
        lse[finite], ref_lse[finite], atol=tol.lse_atol, rtol=tol.lse_rtol)
    return bool(o_ok and lse_ok), (o.float() - ref_o.float()).abs().max().item()


def fa4_launcher(fa4, case, sets):
    """(launch, how): `launch(i)` runs FA4 on rotated set i, replaying a
    CUDA graph ('graph'; its host path would dominate small cases) or, if
    capture fails, calling it ('call')."""
    first = fa4.FA4BlockSparse(*sets[0], case.row_ptr, case.col_idx)
    calls = [first]
    for q, k, v in sets[1:]:
        call = copy.copy(first)  # the same block lists, other inputs
        call.args = [fa4._bshd(x) for x in (q, k, v)]
        calls.append(call)
    for call in calls:
        call()
    torch.cuda.synchronize()
    try:
        graphs = []
        for call in calls:
            graph = torch.cuda.CUDAGraph()
            with torch.cuda.graph(graph):
                call()
            graphs.append(graph)
        return (lambda i: graphs[i].replay()), "graph"
    except Exception:  # noqa: BLE001 - not capturable: plain calls
        torch.cuda.synchronize()
        return (lambda i: calls[i]()), "call"


def fa4_ms(fa4, case, sets):
    """FA4 over the rotated sets from fa4_launcher; bursts of calls if
    capture fails."""
    launch, how = fa4_launcher(fa4, case, sets)
    if how == "graph":
        return event_ms(launch, len(sets)), "graph"
    start = torch.cuda.Event(enable_timing=True)
    end = torch.cuda.Event(enable_timing=True)
    start.record()
    for i in range(40):
        launch(i % len(sets))
    end.record()
    end.synchronize()
    return start.elapsed_time(end) / 40, "burst"


def main():
    global LEAD_US
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernels", required=True)
    parser.add_argument("--variants", required=True,
                        help="comma-separated kernel names under --kernels")
    parser.add_argument("--fa4", help="folder holding bench_fa4.py")
    parser.add_argument("--fa4-variants",
                        help="kernels timed at seq_len = T beside FA4 "
                        "(default: the first of --variants)")
    parser.add_argument("--suites", default="quick,full,broad")
    parser.add_argument("--rounds", type=int, default=2,
                        help="timing rounds per case, in alternating order")
    parser.add_argument("--lead-us", type=int, default=LEAD_US,
                        help="GPU spin queued before each timed launch, "
                        "so that the host's launch path is not timed "
                        "(0: none, as before 2026-12-07)")
    parser.add_argument("--out", required=True)
    a = parser.parse_args()
    LEAD_US = a.lead_us
    variants = a.variants.split(",")
    fa4_variants = (a.fa4_variants or variants[0]).split(",")
    unknown = sorted(set(fa4_variants) - set(variants))
    if unknown:
        parser.error(f"--fa4-variants not in --variants: {unknown}")
    kernels = {v: bsattn_cuda.Kernel.from_files(
        os.path.join(a.kernels, v + ".cubin"),
        os.path.join(a.kernels, v + ".json")) for v in variants}
    fa4 = None
    if a.fa4:
        sys.path.insert(0, a.fa4)
        fa4 = importlib.import_module("bench_fa4")
    rows = []
    for suite in a.suites.split(","):
        for spec in build_suite(suite):
            case = materialize_case(spec, device="cuda")
            B, H, T, _ = case.q.shape
            sets = [(case.q, case.k, case.v)] + [
                tuple(torch.randn_like(case.q) for _ in range(3))
                for _ in range(3)]
            ref_o, ref_lse = reference_block_sparse_attn_fwd(
                case.q, case.k, case.v, case.row_ptr, case.col_idx,
                case.seq_lens)
            pairs = used_pairs(case.row_ptr, case.col_idx, case.seq_lens)
            row = {"case": spec.case_id, "suite": suite, "family": spec.family,
                   "B": B, "H": H, "T": T, "window_blocks": spec.window_blocks,
                   "global_blocks": spec.global_blocks,
                   "retrieval_blocks": spec.retrieval_blocks,
                   "used_pairs": pairs, "floor_ms": floor_ms(case, pairs),
                   "variant_ms": {}, "correct": {}, "o_max_diff": {}}
            runs = {}
            for name, kernel in kernels.items():
                runs[name] = Runner(kernel, case, case.seq_lens, sets)
                runs[name](0)
                torch.cuda.synchronize()
                ok, diff = correct(*runs[name].outputs(0), ref_o, ref_lse)
                row["correct"][name] = ok
                row["o_max_diff"][name] = diff
            # Rounds in alternating order, so that a clock that drifts
            # during the case (the GPU warming up) favours no variant.
            times = {name: [] for name in kernels}
            for r in range(a.rounds):
                for name in (variants if r % 2 == 0 else variants[::-1]):
                    times[name].append(event_ms(runs[name], len(sets)))
            row["variant_ms"] = {name: statistics.median(t)
                                 for name, t in times.items()}
            del runs
            first = variants[0]
            row["device_ms"] = row["variant_ms"][first]
            row["ratio_to_floor"] = row["device_ms"] / row["floor_ms"]
            if fa4 is not None:
                full = torch.full_like(case.seq_lens, T)
                seq_t = {name: event_ms(
                    Runner(kernels[name], case, full, sets), len(sets))
                    for name in fa4_variants}
                row["seq_t_ms"] = seq_t[fa4_variants[0]]
                if len(fa4_variants) > 1:
                    row["seq_t_variant_ms"] = seq_t
                try:
                    row["fa4_ms"], row["fa4_timing"] = fa4_ms(fa4, case, sets)
                    row["fa4_speedup"] = row["fa4_ms"] / row["seq_t_ms"]
                    if len(fa4_variants) > 1:
                        row["fa4_speedup_variant"] = {
                            name: row["fa4_ms"] / ms
                            for name, ms in seq_t.items()}
                except Exception as error:  # noqa: BLE001 - recorded
                    row["fa4_error"] = str(error)[:300]
            print(json.dumps(row), flush=True)
            rows.append(row)
            del case, sets, ref_o, ref_lse
            torch.cuda.empty_cache()
    # The GPU machine's copy of the tree may carry an older .git than the
    # tree it runs: the caller can name the commit (BSATTN_COMMIT).
    commit = os.environ.get("BSATTN_COMMIT", "")
    if not commit:
        try:
            commit = subprocess.run(["git", "rev-parse", "HEAD"],
                                    capture_output=True,
                                    text=True).stdout.strip()
        except OSError:  # no git on the machine: the result file says it
            commit = ""
    with open(a.out, "w") as f:
        json.dump({"device": torch.cuda.get_device_name(), "commit": commit,
                   "variants": variants, "lead_us": LEAD_US, "rows": rows},
                  f, indent=1)
    print(f"{'case':22s} " + " ".join(f"{v:>8s}" for v in variants) +
          f" {'floor':>8s} {'x floor':>7s} {'FA4 x':>6s}")
    for r in rows:
        print(f"{r['case']:22s} " +
              " ".join(f"{r['variant_ms'][v]:8.4f}" for v in variants) +
              f" {r['floor_ms']:8.4f} {r['ratio_to_floor']:7.2f}"
              f" {r.get('fa4_speedup', float('nan')):6.2f}" +
              "".join(f" {name}:{x:.2f}" for name, x in
                      r.get("fa4_speedup_variant", {}).items()) +
              ("" if all(r["correct"].values()) else "  WRONG"))


if __name__ == "__main__":
    main()
