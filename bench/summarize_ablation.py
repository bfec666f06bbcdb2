"""Summarizes bench/run_ablation.sh's JSON lines: per case, the best device
time of each variant over the rounds and its ratio to the `main` variant
(the example's tuning); correctness counts per variant.

  python3 bench/summarize_ablation.py ablation.jsonl [--json out.json]
"""
import argparse
import collections
import json
import os


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("jsonl")
    parser.add_argument("--json", help="write the summary here")
    a = parser.parse_args()
    best = collections.defaultdict(dict)
    correct = collections.Counter()
    wrong = collections.Counter()
    for line in open(a.jsonl):
        row = json.loads(line)
        variant = os.path.splitext(os.path.basename(row["manifest"]))[0]
        (correct if row["pass"] else wrong)[variant] += 1
        if "device_us" in row:
            old = best[row["case"]].get(variant)
            if old is None or row["device_us"] < old:
                best[row["case"]][variant] = row["device_us"]
    variants = sorted({v for times in best.values() for v in times})
    rows = []
    print(f"{'case':36s} " + " ".join(f"{v:>8s}" for v in variants))
    for case, times in sorted(best.items()):
        base = times.get("main")
        ratios = {v: round(t / base, 3) for v, t in times.items()} if base else {}
        rows.append({"case": case, "device_us": times, "ratio_to_main": ratios})
        print(f"{case:36s} " + " ".join(
            f"{ratios.get(v, float('nan')):8.3f}" for v in variants))
    summary = {"correct": dict(correct), "wrong": dict(wrong), "cases": rows}
    print("correct:", dict(correct), "wrong:", dict(wrong))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
