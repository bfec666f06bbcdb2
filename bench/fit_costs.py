"""Splits a bench/blocksparse.py result into a cost per launch, per query
tile and per key block, for bsattn and for FA4, by least squares over its
cases:

  device_ms ~ launch + per_tile * tiles / SMs + per_block * used_pairs / SMs

`tiles` is B * H * T / 128 (one CTA each), `used_pairs` the (query block,
key block) pairs the CSR pattern uses, so `per_tile` is what a CTA pays
once (its start, the first blocks' latency, the diagonal's mask, the
epilogue, the gap to the next CTA) and `per_block` what each further block
costs an SM. No GPU: it reads recorded rows.

  python3 bench/fit_costs.py bench/results/X.json [--rows KEY] [--sms 132]
      [--out fit.json]
"""
import argparse
import json

import numpy as np


def fit(rows, key, sms):
    """Least-squares (launch, per_tile, per_block) in microseconds for the
    times in rows[i][key] (ms), with each case's relative residual."""
    features = np.array([[1.0, r["B"] * r["H"] * r["T"] / 128 / sms,
                          r["used_pairs"] / sms] for r in rows])
    times = np.array([r[key] * 1000 for r in rows])
    coef = np.linalg.lstsq(features, times, rcond=None)[0]
    residual = features @ coef / times - 1
    return {"launch_us": round(coef[0], 2), "per_tile_us": round(coef[1], 3),
            "per_block_us": round(coef[2], 3),
            "max_abs_rel_residual": round(float(np.max(np.abs(residual))), 3),
            "residuals": {r["case"]: round(float(e), 3)
                          for r, e in zip(rows, residual)}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("result")
    parser.add_argument("--rows", default="rows",
                        help="the result's key holding the case rows")
    parser.add_argument("--sms", type=int, default=132)
    parser.add_argument("--out")
    args = parser.parse_args()
    rows = json.load(open(args.result))[args.rows]
    fits = {"bsattn": fit(rows, "device_ms", args.sms)}
    if all(r.get("fa4_ms") for r in rows):
        fits["fa4"] = fit(rows, "fa4_ms", args.sms)
    for name, f in fits.items():
        print(f"{name:7s} launch {f['launch_us']:6.1f} us, per tile "
              f"{f['per_tile_us']:6.3f} us, per block {f['per_block_us']:6.3f}"
              f" us (per SM wave); largest residual "
              f"{f['max_abs_rel_residual']:.1%}")
    if args.out:
        with open(args.out, "w") as out:
            json.dump({"source": args.result, "sms": args.sms, "fits": fits},
                      out, indent=1)


if __name__ == "__main__":
    main()
