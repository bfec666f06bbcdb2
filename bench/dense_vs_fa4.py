"""Dense causal attention: bsattn, FlashAttention-4 and cuDNN in one process
(GPU machine).

  HEAD_DIMS="64 128 192 256" bash bench/compile_dense.sh .device/dense  # here
  # there, after ../shared/anchors/fa4's device_install.sh:
  python3 bench/dense_vs_fa4.py --kernels .device/dense --fa4 .device/fa4/b \
      --head-dims 64,128,192,256 --out $OUT/dense.json

An ablation whose kernel is missing from --kernels is left out of its rows.
--baseline DIR times DIR's kernels of the same names (another commit's
build) beside each one, as baseline_<variant>, on causal and bidirectional
rows: an A/B in one process, the pair timed in the order A B B A.

Every shape has 16k tokens (B * T = 16384, H = 2048 / D), so each call runs about
a millisecond and launch overheads (FA4's Python path costs ~0.18 ms) hide
behind the queue. Each implementation is timed by CUDA events around bursts
of 20 back-to-back calls over 4 rotating input sets (the L2 does not hold
them); the median of 5 bursts is reported. --seconds S runs each instead
back to back for S seconds (bench/sustained.py): the H200 then sits at its
power limit, and a short burst's result depends on the power state the
previous implementation left. Before timing, bsattn's o and
lse are checked against a float32 reference on the first 512 queries of
one head (o within 1e-3 + 1e-2 |ref|, the challenge's tolerance; lse within
1e-2); o's largest difference from SDPA is recorded too (SDPA's own P is
bf16, so bf16 outputs may differ from it by an ulp). A row passes when every
kernel meets its configuration's contract: bf16 P.V within 1e-2 of SDPA,
the other P.V precisions the challenge's tolerance against float32. TFLOP/s = 2 * B * H * T^2 *
D / time (causal: half of 4 * B * H * T^2 * D).

--gqa adds grouped-query rows (GQA=1 bash bench/compile_dense.sh): D = 128,
B2 T8192 H32 with H_kv = 8 (kv_group = 4) for bsattn, FA4 and cuDNN, beside
bsattn's kernel without a group on the same H = 32 (k and v of 32 heads):
the issue's target is GQA within 3% of that.

--noncausal adds bidirectional rows (NONCAUSAL=1 bash
bench/compile_dense.sh): each D of --noncausal-head-dims (default 128),
B2 T8192 H = 2048 / D, #bsattn.full (and its ablations) against FA4 and
cuDNN with causal=False; TFLOP/s = 4 * B * H * T^2 * D / time.
"""
import argparse
import json
import math
import os
import statistics
import sys

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "runtime",
                                "python"))
import bsattn_cuda  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from sustained import run_for  # noqa: E402

# (B, T) with 16k tokens; H = 2048 / D (a hidden size of 2048, as in
# FlashAttention-3's benchmark).
SHAPES = [(2, 8192), (1, 16384), (8, 2048), (4, 4096)]
# bench/compile_dense.sh's kernel suffixes: the examples' tuning, then the
# ablations (ping-pong added, warp specialization off, three ring stages,
# intra-warpgroup overlap with them, ping-pong on top of that, the producer
# converting V, the overlap with two ring stages, with ping-pong, and with
# four stages, the overlap with V in a ring of its own, with ping-pong, key
# tiles of 80 / 112 keys at D = 256 / 192, with the V-ring overlap; 192-row
# query tiles at D = 64, without ping-pong, on four stages).
ABLATIONS = (("", "bsattn"), ("_pp", "bsattn_pingpong"),
             ("_nows", "bsattn_no_ws"), ("_s3", "bsattn_stages3"),
             ("_ov", "bsattn_overlap"), ("_ovpp", "bsattn_overlap_pingpong"),
             ("_pc", "bsattn_producer_convert"),
             ("_ov2", "bsattn_overlap_stages2"),
             ("_ovpp2", "bsattn_overlap_pingpong_stages2"),
             ("_ovpp4", "bsattn_overlap_pingpong_stages4"),
             ("_vrov", "bsattn_value_ring_overlap"),
             ("_vrovpp", "bsattn_value_ring_overlap_pingpong"),
             ("_kt", "bsattn_wide_key_tiles"),
             ("_ktvr", "bsattn_wide_key_tiles_value_ring"),
             ("_q192", "bsattn_query_tiles_192"),
             ("_q192ov", "bsattn_query_tiles_192_no_pingpong"),
             ("_q192s4", "bsattn_query_tiles_192_stages4"))
# Seconds each implementation runs back to back (--seconds); None: bursts.
SUSTAINED_SECONDS = None
# The ratio to FA4 each configuration must reach (the schedule-level
# issue): fp16 1.05x, bf16 with bf16 P.V 1.0x, bf16 with f16 P.V 0.95x.
TARGETS = {("f16", "f16"): 1.05, ("bf16", "bf16"): 1.0, ("bf16", "f16"): 0.95}
# (row name, input dtype, bsattn kernel, P.V precision)
CONFIGS = [("f16", torch.float16, "f16", "f16"),
           ("bf16", torch.bfloat16, "bf16_pvf16", "f16"),
           ("bf16", torch.bfloat16, "bf16_pvbf16", "bf16")]


def time_ms(run, sets, calls=20, bursts=5):
    """Milliseconds per call of `run` over the rotated `sets`: the median of
    `bursts` bursts of `calls` back-to-back calls, or with --seconds the
    mean over that many seconds back to back (sustained load)."""
    if SUSTAINED_SECONDS:
        return run_for(run, sets, SUSTAINED_SECONDS)[0]
    for s in sets:
        run(s)
    times = []
    for _ in range(bursts):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        for i in range(calls):
            run(sets[i % len(sets)])
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) / calls)
    return statistics.median(times)


def bsattn_runner(kernel, B, H, T, dtype):
    dtypes = {torch.bfloat16: "bf16", torch.float16: "f16",
              torch.float32: "f32", torch.int32: "i32"}
    seq_lens = torch.full((B,), T, dtype=torch.int32, device="cuda")
    stream = torch.cuda.current_stream().cuda_stream

    def pack(q, k, v, o, lse):
        roles = {"q": q, "k": k, "v": v, "seq_lens": seq_lens, "o": o,
                 "lse": lse}
        return [(t.data_ptr(), tuple(t.shape), dtypes[t.dtype])
                for t in (roles[a["role"]]
                          for a in kernel.manifest["arguments"])]

    def run(packed):
        kernel.launch([a for a, _, _ in packed], [s for _, s, _ in packed],
                      stream)

    return pack, run


def check(kernel, q, k, v, dtype, causal=True):
    B, H, T, head_dim = q.shape
    pack, run = bsattn_runner(kernel, B, H, T, dtype)
    o = torch.full_like(q, float("nan"))
    lse = torch.full((B, H, T), float("nan"), device="cuda")
    args = pack(q, k, v, o, lse)
    kernel.check_arguments(args)
    run(args)
    torch.cuda.synchronize()
    with sdpa_kernel(SDPBackend.CUDNN_ATTENTION):
        ref = F.scaled_dot_product_attention(q, k, v, is_causal=causal,
                                             enable_gqa=k.shape[1] != H)
    o_diff = (o.float() - ref.float()).abs().max().item()
    # lse against float32 on the first 512 queries of one head (a full
    # float32 reference is too big): causal, they see the first 512 keys.
    n = 512
    keys = k[0, 0, :n] if causal else k[0, 0]
    scores = (q[0, 0, :n].float() @ keys.float().T) / math.sqrt(head_dim)
    if causal:
        scores.masked_fill_(torch.ones(n, n, device="cuda").triu(1).bool(),
                            float("-inf"))
    lse_diff = (lse[0, 0, :n] - torch.logsumexp(scores, -1)).abs().max().item()
    # o on the same slice against float32, within the challenge's
    # tolerance (1e-3 + 1e-2 |ref|, after rounding ref to o's dtype).
    values = v[0, 0, :n] if causal else v[0, 0]
    ref_o = (torch.softmax(scores, -1) @ values.float()).to(o.dtype).float()
    o_fp32_ok = bool(((o[0, 0, :n].float() - ref_o).abs() <=
                      1e-3 + 1e-2 * ref_o.abs()).all())
    return o_diff, lse_diff, o_fp32_ok


def passes(row, key, pv):
    """The configuration's own contract: bf16 P.V is held to SDPA (largest
    difference below 1e-2, the schedule-level issue's bar for it; its bf16
    P is not meant to meet the challenge's tolerance), every other P.V to
    the challenge's tolerance against float32; lse within 1e-2."""
    o_ok = (row[f"{key}_o_max_diff"] < 1e-2 if pv == "bf16" else
            row[f"{key}_o_fp32_ok"])
    return o_ok and row[f"{key}_lse_max_diff"] < 1e-2


def time_kernels(row, folders, stem, sets, dtype, flops, causal):
    """Checks and times, for each ablation whose kernel `stem<suffix>` is in
    folders[0], that kernel and, as baseline_<key>, folders[1]'s of the
    same name (if given): a kernel and its baseline in the order A B B A
    (the mean of both), so that a clock drifting within the pair favours
    neither. Fills `row`; returns the keys timed."""
    B, H, T, _ = sets[0][0].shape
    timed = []
    for suffix, key in ABLATIONS:
        runs = {}
        for prefix, folder in zip(("", "baseline_"), folders):
            base = os.path.join(folder or "", stem + suffix)
            # Some ablations do not exist for every D (a third ring stage of
            # D = 256 outgrows shared memory).
            if not folder or not os.path.exists(base + ".cubin"):
                continue
            kernel = bsattn_cuda.Kernel.from_files(base + ".cubin",
                                                   base + ".json")
            (row[f"{prefix}{key}_o_max_diff"],
             row[f"{prefix}{key}_lse_max_diff"],
             row[f"{prefix}{key}_o_fp32_ok"]) = check(
                 kernel, *sets[0], dtype, causal=causal)
            pack, run = bsattn_runner(kernel, B, H, T, dtype)
            outs = [(torch.empty_like(q), torch.empty(B, H, T, device="cuda"))
                    for q, _, _ in sets]
            runs[prefix + key] = (run, [pack(*s, *o) for s, o in
                                        zip(sets, outs)])
        order = list(runs)
        if len(order) == 2:
            order += order[::-1]
        times = {kernel_key: [] for kernel_key in runs}
        for kernel_key in order:
            times[kernel_key].append(time_ms(*runs[kernel_key]))
        for kernel_key, ms in times.items():
            timed.append(kernel_key)
            row[f"{kernel_key}_tflops"] = round(
                flops / statistics.mean(ms) / 1e9, 1)
        del runs
    return timed


def bidirectional(folders, FA4Dense, D=128, B=2, T=8192):
    """Non-causal rows: bsattn's #bsattn.full kernels (d<D>_<dtype>_full and
    its ablations, d<D>_<dtype>_full<suffix>, with their baselines where
    `folders` has a second folder), FA4 and cuDNN with causal=False on the
    same inputs."""
    H = 2048 // D
    flops = 4 * B * H * T * T * D
    rows = []
    for name, dtype, variant, pv in CONFIGS:
        torch.manual_seed(B * T)
        sets = [tuple(torch.randn(B, H, T, D, device="cuda", dtype=dtype)
                      for _ in range(3)) for _ in range(4)]
        row = {"name": f"bidirectional B{B} H{H} T{T}", "dtype": name,
               "D": D, "causal": False, "pv": pv}
        timed = time_kernels(row, folders, f"d{D}_{variant}_full", sets,
                             dtype, flops, causal=False)
        with sdpa_kernel(SDPBackend.CUDNN_ATTENTION):
            ms = time_ms(lambda s: F.scaled_dot_product_attention(
                *s, is_causal=False), sets)
        row["cudnn_tflops"] = round(flops / ms / 1e9, 1)
        if FA4Dense is not None:
            fa4 = [FA4Dense(*s, causal=False) for s in sets]
            row["fa4_tflops"] = round(flops / time_ms(lambda f: f(), fa4)
                                      / 1e9, 1)
            row["bsattn_vs_fa4"] = round(row["bsattn_tflops"] /
                                         row["fa4_tflops"], 3)
        row["pass"] = all(passes(row, key, pv) for key in timed)
        print(json.dumps(row), flush=True)
        rows.append(row)
        del sets
        torch.cuda.empty_cache()
    return rows


def gqa(kernels, FA4Dense, B=2, T=8192, H=32, kv_heads=8, D=128):
    """Grouped-query rows: bsattn's kv_group = H / kv_heads kernel, FA4 and
    cuDNN on k, v of kv_heads heads, and bsattn's kernel without a group on
    k, v of H heads."""
    flops = 2 * B * H * T * T * D
    rows = []
    for name, dtype, variant, pv in CONFIGS:
        torch.manual_seed(B * T)
        sets = [(torch.randn(B, H, T, D, device="cuda", dtype=dtype),
                 torch.randn(B, kv_heads, T, D, device="cuda", dtype=dtype),
                 torch.randn(B, kv_heads, T, D, device="cuda", dtype=dtype))
                for _ in range(4)]
        row = {"name": f"causal GQA B{B} H{H} Hkv{kv_heads} T{T}",
               "dtype": name, "D": D, "causal": True, "pv": pv}
        for key, suffix, expand in (("bsattn", "_g4", 1),
                                    ("bsattn_without_group", "",
                                     H // kv_heads)):
            kernel = bsattn_cuda.Kernel.from_files(
                os.path.join(kernels, f"d{D}_{variant}{suffix}.cubin"),
                os.path.join(kernels, f"d{D}_{variant}{suffix}.json"))
            # Without a group, each K/V head is repeated for its query heads.
            inputs = [(q, k.repeat_interleave(expand, 1),
                       v.repeat_interleave(expand, 1)) for q, k, v in sets]
            (row[f"{key}_o_max_diff"], row[f"{key}_lse_max_diff"],
             row[f"{key}_o_fp32_ok"]) = check(kernel, *inputs[0], dtype)
            pack, run = bsattn_runner(kernel, B, H, T, dtype)
            packed = [pack(*s, torch.empty_like(s[0]),
                           torch.empty(B, H, T, device="cuda"))
                      for s in inputs]
            row[f"{key}_tflops"] = round(flops / time_ms(run, packed) / 1e9,
                                         1)
            del inputs, packed
        with sdpa_kernel(SDPBackend.CUDNN_ATTENTION):
            ms = time_ms(lambda s: F.scaled_dot_product_attention(
                *s, is_causal=True, enable_gqa=True), sets)
        row["cudnn_tflops"] = round(flops / ms / 1e9, 1)
        if FA4Dense is not None:
            fa4 = [FA4Dense(*s) for s in sets]
            row["fa4_tflops"] = round(flops / time_ms(lambda f: f(), fa4)
                                      / 1e9, 1)
            row["bsattn_vs_fa4"] = round(row["bsattn_tflops"] /
                                         row["fa4_tflops"], 3)
        row["gqa_vs_without_group"] = round(
            row["bsattn_tflops"] / row["bsattn_without_group_tflops"], 3)
        row["pass"] = all(passes(row, key, pv)
                          for key in ("bsattn", "bsattn_without_group"))
        print(json.dumps(row), flush=True)
        rows.append(row)
        del sets
        torch.cuda.empty_cache()
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernels", required=True)
    parser.add_argument("--fa4", help="folder holding bench_fa4.py")
    parser.add_argument("--out", required=True)
    parser.add_argument("--head-dims", default="128",
                        help="comma-separated D of the kernels to time "
                        "(empty: none, with --gqa only the GQA rows)")
    parser.add_argument("--shapes", type=int, default=len(SHAPES),
                        help="time only the first N shapes")
    parser.add_argument("--gqa", action="store_true",
                        help="add the grouped-query rows")
    parser.add_argument("--noncausal", action="store_true",
                        help="add the bidirectional rows")
    parser.add_argument("--noncausal-head-dims", default="128",
                        help="comma-separated D of the bidirectional rows")
    parser.add_argument("--baseline",
                        help="a folder of kernels with the same names (from "
                        "another commit), timed in the same process under "
                        "keys baseline_<variant>, beside each kernel")
    parser.add_argument("--seconds", type=float,
                        help="time each implementation by running it back to "
                        "back for this many seconds (the board at its power "
                        "limit, bench/sustained.py) instead of in 100 ms "
                        "bursts")
    a = parser.parse_args()
    global SUSTAINED_SECONDS
    SUSTAINED_SECONDS = a.seconds
    FA4Dense = None
    if a.fa4:
        sys.path.insert(0, a.fa4)
        from bench_fa4 import FA4Dense  # noqa: E402
    rows = []
    cases = [(D, B, 2048 // D, T)
             for D in (int(d) for d in a.head_dims.split(",") if d)
             for B, T in SHAPES[:a.shapes]]
    for D, B, H, T in cases:
        flops = 2 * B * H * T * T * D
        for name, dtype, variant, pv in CONFIGS:
            torch.manual_seed(B * T)
            sets = [tuple(torch.randn(B, H, T, D, device="cuda",
                                      dtype=dtype) for _ in range(3))
                    for _ in range(4)]
            row = {"name": f"causal B{B} H{H} T{T}", "dtype": name,
                   "D": D, "causal": True, "pv": pv}
            timed = time_kernels(row, (a.kernels, a.baseline),
                                 f"d{D}_{variant}", sets, dtype, flops,
                                 causal=True)
            with sdpa_kernel(SDPBackend.CUDNN_ATTENTION):
                ms = time_ms(lambda s: F.scaled_dot_product_attention(
                    *s, is_causal=True), sets)
            row["cudnn_tflops"] = round(flops / ms / 1e9, 1)
            if FA4Dense is not None:
                try:
                    fa4 = [FA4Dense(*s) for s in sets]
                    ms = time_ms(lambda f: f(), fa4)
                    row["fa4_tflops"] = round(flops / ms / 1e9, 1)
                    del fa4
                except Exception as error:  # noqa: BLE001 - a D FA4 lacks
                    row["fa4_error"] = str(error)[:300]
            row["pass"] = all(passes(row, key, pv) for key in timed)
            if "fa4_tflops" in row:
                # The schedule-level issue's targets against FA4.
                best = max((key for key in timed
                            if not key.startswith("baseline_")),
                           key=lambda key: row[key + "_tflops"])
                row["best_variant"] = best
                row["best_vs_fa4"] = round(row[best + "_tflops"] /
                                           row["fa4_tflops"], 3)
                row["target_vs_fa4"] = TARGETS[(name, pv)]
            print(json.dumps(row), flush=True)
            rows.append(row)
            del sets
            torch.cuda.empty_cache()
    gqa_rows = gqa(a.kernels, FA4Dense) if a.gqa else []
    noncausal_rows = [
        row for D in (int(d) for d in a.noncausal_head_dims.split(",") if d)
        for row in bidirectional((a.kernels, a.baseline), FA4Dense, D)
    ] if a.noncausal else []
    with open(a.out, "w") as f:
        json.dump({"device": torch.cuda.get_device_name(),
                   "timing": (f"back to back for {a.seconds} s" if a.seconds
                              else "median of 5 bursts of 20 calls"),
                   "rows": rows,
                   "gqa_rows": gqa_rows, "noncausal_rows": noncausal_rows}, f,
                  indent=1)
    print(f"{'shape':24s} {'dtype':5s} {'pv':4s} " +
          " ".join(f"{suffix or 'bsattn':>7s}" for suffix, _ in ABLATIONS) +
          f" {'FA4':>7s} {'cuDNN':>7s}")
    for r in rows:
        print(f"{r['name']:24s} {r['dtype']:5s} {r['pv']:4s} " +
              " ".join(f"{r.get(key + '_tflops', float('nan')):7.1f}"
                       for _, key in ABLATIONS) +
              f" {r.get('fa4_tflops', float('nan')):7.1f}"
              f" {r['cudnn_tflops']:7.1f}" +
              (f"  best {r['best_variant']}: {r['best_vs_fa4']:.3f}x FA4"
               f" (target {r['target_vs_fa4']})" if "best_vs_fa4" in r
               else ""))


if __name__ == "__main__":
    main()
