"""Fixed cost per CTA wave of a compiled challenge kernel.

Times sliding-window cases whose every query tile sees exactly `w` key
blocks (full sequences), for several w and grid sizes. Kernel time per wave
against w is a line: its slope is the cost of one key block per tile, its
intercept the cost of a tile that does no block (launch, prologue, first
loads, epilogue) -- what a persistent kernel can overlap.

  python3 bench/fixed_cost.py --cubin K.cubin --manifest K.json [--out F]
"""

import argparse
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
import check_kernel  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cubin", required=True)
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--out")
    a = parser.parse_args()
    kernel = check_kernel.bsattn_cuda.Kernel.from_files(a.cubin, a.manifest)
    sms = torch.cuda.get_device_properties(0).multi_processor_count
    floors = {"flops": 723e12, "bytes": 4.2e12}
    T = 4096
    rows = []
    for heads in (4, 16, 64):
        for w in (1, 2, 4, 8, 16):
            name = f"window-w{w}-H{heads}"
            csr = check_kernel.challenge_case("sliding_window", 1, heads, T,
                                              w, ratio=1.0, seed=w)
            r = check_kernel.run_case(kernel, name, 1, heads, T, *csr, True,
                                      floors)
            tiles = heads * T // check_kernel.BLOCK
            waves = math.ceil(tiles / sms)
            rows.append({**r, "window": w, "tiles": tiles, "waves": waves,
                         "us_per_wave": round(r["device_us"] / waves, 2)})
    # Least squares of us_per_wave on w for each grid size.
    fits = []
    for heads in (4, 16, 64):
        pts = [(r["window"], r["us_per_wave"]) for r in rows
               if r["H"] == heads]
        n = len(pts)
        mx = sum(x for x, _ in pts) / n
        my = sum(y for _, y in pts) / n
        slope = (sum((x - mx) * (y - my) for x, y in pts) /
                 sum((x - mx) ** 2 for x, _ in pts))
        fits.append({"H": heads, "us_per_block": round(slope, 3),
                     "us_fixed_per_wave": round(my - slope * mx, 3)})
    summary = {"device": torch.cuda.get_device_name(), "sms": sms,
               "fits": fits}
    print(json.dumps(summary), flush=True)
    if a.out:
        with open(a.out, "a") as f:
            for r in rows:
                f.write(json.dumps(r) + "\n")
            f.write(json.dumps(summary) + "\n")


if __name__ == "__main__":
    main()
