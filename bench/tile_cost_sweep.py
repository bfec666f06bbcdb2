"""What a query tile costs beside its key blocks (GPU machine): the challenge
kernel and FA4 on synthetic CSR windows of the full suite's shape (B2 H16
T8192, seq_len = T), with and without the diagonal block.

  python3 bench/tile_cost_sweep.py --kernel .device/c13/k/main \
      --fa4 .device/fa4/b --out $OUT/tile_cost.json

Two families of patterns, every query tile with the same number of key
blocks:
  diagonal w = 1..8      blocks i-w+1 .. i (the diagonal masked)
  off_diagonal w = 1..7  blocks i-w .. i-1 (no mask; tile 0 has none)
Within a family device time is a line in the used (query block, key block)
pairs: its slope is what a key block costs, its intercept what the tiles
cost beside their blocks (start, epilogue, the gap to the next CTA, the
first and last blocks the overlapped loop cannot pair), both reported per
SM wave; the two families' intercepts differ by what the diagonal's mask
adds. Timing, inputs and correctness as bench/blocksparse.py's (whose
helpers this uses); needs the harness in .harness for its reference.
"""
import argparse
import importlib
import json
import os
import sys
from types import SimpleNamespace

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import blocksparse  # noqa: E402

B, H, T, D = 2, 16, 8192, 128
SMS = 132


def pattern(blocks, w, diagonal):
    """row_ptr, col_idx of the family's window w, ascending in each row."""
    rows = []
    for i in range(blocks):
        last = i if diagonal else i - 1
        rows.append(list(range(max(0, last - w + 1), last + 1)))
    counts = torch.tensor([0] + [len(r) for r in rows]).cumsum(0)
    flat = [j for r in rows for j in r] or [0]
    row_ptr = counts.to(torch.int32).repeat(B, H, 1)
    col_idx = torch.tensor(flat, dtype=torch.int32).repeat(B, H, 1)
    return row_ptr.cuda().contiguous(), col_idx.cuda().contiguous()


def load_fa4(folder):
    """FA4's bench module from `folder` (bench_fa4.py), or None."""
    if not folder:
        return None
    sys.path.insert(0, folder)
    return importlib.import_module("bench_fa4")


def sweep_inputs():
    """Four rotated (q, k, v) sets of the sweep's shape (seeded) and
    seq_lens = T for every batch entry."""
    torch.manual_seed(0)
    sets = [tuple(torch.randn(B, H, T, D, device="cuda",
                              dtype=torch.bfloat16) for _ in range(3))
            for _ in range(4)]
    return sets, torch.full((B,), T, dtype=torch.int32, device="cuda")


def fit(points):
    """(intercept, slope) of ms against used pairs, per SM wave in us."""
    pairs = np.array([p["used_pairs"] for p in points], dtype=float)
    ms = np.array([p["ms"] for p in points])
    slope, intercept = np.polyfit(pairs, ms, 1)
    tiles = B * H * T // 128
    return {"per_tile_us": round(intercept * 1e3 / (tiles / SMS), 3),
            "per_block_us": round(slope * 1e3 * SMS, 3),
            "max_abs_rel_residual": round(float(np.max(np.abs(
                (intercept + slope * pairs) / ms - 1))), 4)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernel", required=True,
                        help="path without extension of the .cubin/.json")
    parser.add_argument("--fa4", help="folder holding bench_fa4.py")
    parser.add_argument("--out", required=True)
    a = parser.parse_args()
    kernel = blocksparse.bsattn_cuda.Kernel.from_files(a.kernel + ".cubin",
                                                      a.kernel + ".json")
    fa4 = load_fa4(a.fa4)
    sets, seq_lens = sweep_inputs()
    blocks = T // 128
    results = {"bsattn": {}, "fa4": {}}
    for family, diagonal, widths in (("diagonal", True, range(1, 9)),
                                     ("off_diagonal", False, range(1, 8))):
        for name in results:
            results[name][family] = []
        for w in widths:
            row_ptr, col_idx = pattern(blocks, w, diagonal)
            case = SimpleNamespace(row_ptr=row_ptr, col_idx=col_idx)
            pairs = blocksparse.used_pairs(row_ptr, col_idx, seq_lens)
            run = blocksparse.Runner(kernel, case, seq_lens, sets)
            run(0)
            torch.cuda.synchronize()
            ref_o, ref_lse = blocksparse.reference_block_sparse_attn_fwd(
                *sets[0], row_ptr, col_idx, seq_lens)
            ok, diff = blocksparse.correct(*run.outputs(0), ref_o, ref_lse)
            point = {"w": w, "used_pairs": pairs, "correct": ok,
                     "o_max_diff": diff,
                     "ms": blocksparse.event_ms(run, len(sets))}
            results["bsattn"][family].append(point)
            fa4_point = None
            if fa4 is not None:
                try:
                    ms, timing = blocksparse.fa4_ms(fa4, case, sets)
                    fa4_point = {"w": w, "used_pairs": pairs, "ms": ms,
                                 "timing": timing}
                    results["fa4"][family].append(fa4_point)
                except Exception as error:  # noqa: BLE001 - recorded
                    point["fa4_error"] = str(error)[:300]
            print(json.dumps({"family": family, **point, "fa4": fa4_point}),
                  flush=True)
            del run, ref_o, ref_lse
    fits = {name: {family: fit(points) for family, points in fams.items()
                   if len(points) > 1}
            for name, fams in results.items()}
    for name, fams in fits.items():
        for family, f in fams.items():
            print(f"{name:7s} {family:13s} per tile {f['per_tile_us']:6.3f} us"
                  f", per block {f['per_block_us']:6.3f} us (per SM wave)")
    with open(a.out, "w") as out:
        json.dump({"device": torch.cuda.get_device_name(),
                   "commit": os.environ.get("BSATTN_COMMIT", ""),
                   "shape": {"B": B, "H": H, "T": T, "D": D},
                   "points": results, "fits": fits}, out, indent=1)


if __name__ == "__main__":
    main()
