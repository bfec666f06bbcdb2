"""What a query tile past `seq_lens` costs (GPU machine): the challenge
kernel on a window pattern of the full suite's shape (B2 H16, w = 4, the
diagonal included) where every row is valid, where the second half of
every sequence lies past seq_len, and on a grid of half the length with
the same valid rows. The challenge's cases leave 0-34% of their tiles
past seq_len (about a quarter typically); such a tile only writes o = 0
and lse = -inf.

  python3 bench/empty_tiles.py --kernel .device/c13/k/main --out F.json

Per empty tile and SM wave: (time with the empty half - time of the
half-length grid) / (empty tiles / 132). Timing, inputs and correctness
as bench/blocksparse.py's (whose helpers this uses); needs the harness in
.harness for its reference.
"""
import argparse
import json
import os
import sys
from types import SimpleNamespace

import torch

sys.path.insert(0, os.path.dirname(__file__))
import blocksparse  # noqa: E402
from tile_cost_sweep import SMS, pattern  # noqa: E402

B, H, D, W = 2, 16, 128, 4


def measure(kernel, t, seq_len):
    """ms and correctness of the kernel on B, H, t with every batch's
    seq_len set, the window pattern over all t // 128 query blocks."""
    sets = [tuple(torch.randn(B, H, t, D, device="cuda", dtype=torch.bfloat16)
                  for _ in range(3)) for _ in range(4)]
    seq_lens = torch.full((B,), seq_len, dtype=torch.int32, device="cuda")
    row_ptr, col_idx = pattern(t // 128, W, True)
    case = SimpleNamespace(row_ptr=row_ptr, col_idx=col_idx)
    run = blocksparse.Runner(kernel, case, seq_lens, sets)
    run(0)
    torch.cuda.synchronize()
    ref_o, ref_lse = blocksparse.reference_block_sparse_attn_fwd(
        *sets[0], row_ptr, col_idx, seq_lens)
    ok, diff = blocksparse.correct(*run.outputs(0), ref_o, ref_lse)
    return {"T": t, "seq_len": seq_len, "correct": ok, "o_max_diff": diff,
            "ms": blocksparse.event_ms(run, len(sets))}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernel", required=True,
                        help="path without extension of the .cubin/.json")
    parser.add_argument("--t", type=int, default=8192)
    parser.add_argument("--out", required=True)
    a = parser.parse_args()
    kernel = blocksparse.bsattn_cuda.Kernel.from_files(a.kernel + ".cubin",
                                                      a.kernel + ".json")
    torch.manual_seed(0)
    half = a.t // 2
    rows = [measure(kernel, a.t, a.t), measure(kernel, a.t, half),
            measure(kernel, half, half)]
    for row in rows:
        print(json.dumps(row), flush=True)
    empty_tiles = B * H * (a.t - half) // 128
    per_empty_us = (rows[1]["ms"] - rows[2]["ms"]) * 1e3 / (empty_tiles / SMS)
    print(f"per empty tile and SM wave {per_empty_us:.3f} us")
    with open(a.out, "w") as out:
        json.dump({"device": torch.cuda.get_device_name(),
                   "commit": os.environ.get("BSATTN_COMMIT", ""),
                   "shape": {"B": B, "H": H, "D": D, "w": W},
                   "rows": rows,
                   "per_empty_tile_us": round(per_empty_us, 3)}, out,
                  indent=1)


if __name__ == "__main__":
    main()
