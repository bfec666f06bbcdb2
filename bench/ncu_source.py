"""Summarise Nsight Compute source pages (no GPU needed).

On the GPU machine, export a report's SASS with its warp-stall samples:

  ncu -i REPORT --launch-skip I --launch-count 1 --page source --csv \\
      --print-source sass > src_I.csv

then here:

  python3 bench/ncu_source.py src_0.csv [src_1.csv ...] [--top 12]
      [--sequence] [--out F.json]

For each kernel it prints the samples in total, the key-block loop (the
instructions executed as often as the most executed HGMMA) with its share
of the samples, its stall reasons and opcode counts, the instructions that
drew the most samples with their main stall reasons, and the mbarrier
retry paths that ptxas places out of line (a SYNCS try-wait loop entered
from the try-wait it retries), with how often each was entered and
retried. --sequence adds the loop's opcodes in order, runs collapsed
(`MUFUx34`), the form in which two kernels' schedules compare best.
"""
import argparse
import collections
import csv
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from sass_loop import opcode as full_opcode, runs  # noqa: E402


def load(path):
    """The kernel's name and its instructions as dicts: address, text,
    samples, executions and the stall-reason sample counts."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    name = rows[0][1] if rows and len(rows[0]) > 1 else path
    header = rows[1]
    column = {h: i for i, h in enumerate(header)}
    reasons = [h for h in header
               if h.startswith("stall_") and "Not Issued" not in h]
    code = []
    for row in rows[2:]:
        if len(row) < len(header):
            continue
        code.append({
            "address": row[column["Address"]],
            "text": row[column["Source"]].strip(),
            "samples": int(row[column["Warp Stall Sampling (All Samples)"]]
                           or 0),
            "executions": int(row[column["Instructions Executed"]] or 0),
            "stalls": {r[len("stall_"):]: int(row[column[r]] or 0)
                       for r in reasons},
        })
    return name, code


def opcode(text):
    return full_opcode(text).split(".")[0]


def stall_shares(instructions):
    total = collections.Counter()
    for ins in instructions:
        total.update(ins["stalls"])
    samples = sum(total.values()) or 1
    return {k: round(v / samples * 100, 1) for k, v in total.most_common()
            if v}


def retry_paths(code):
    """Out-of-line try-wait loops: a SYNCS try-wait followed, within four
    instructions, by a predicated branch back to it (or to the move of the
    barrier's address just before it) and then an unconditional branch
    out. Tries are the executions of the loop's first instruction, entries
    those of the branch out."""
    paths = []
    for i, ins in enumerate(code):
        if "SYNCS.PHASECHK.TRANS64.TRYWAIT" not in ins["text"]:
            continue
        heads = {int(ins["address"], 16): ins}
        if i and code[i - 1]["text"].startswith("IMAD"):
            heads[int(code[i - 1]["address"], 16)] = code[i - 1]
        for j in range(i + 1, min(i + 5, len(code) - 1)):
            back = re.match(r"@!P\d+\s+BRA\s+(0x[0-9a-f]+)", code[j]["text"])
            if not back:
                continue
            head = heads.get(int(back.group(1), 16))
            leave = code[j + 1]
            if head is None or not re.match(r"BRA\b", leave["text"]):
                break
            first = code.index(head)
            target = int(head["address"], 16)
            # The in-line branch that enters the path when the first try
            # fails.
            entered_from = [
                c["address"] for c in code[:first]
                if (m := re.search(r"BRA\s+(0x[0-9a-f]+)", c["text"]))
                and int(m.group(1), 16) == target]
            paths.append({
                "address": head["address"],
                "entered_from": entered_from,
                "barrier": ins["text"],
                "tries": head["executions"],
                "entries": leave["executions"],
                "samples": sum(c["samples"] for c in code[first:j + 2]),
            })
            break
    return paths


def summarise(path, top, with_sequence):
    name, code = load(path)
    total = sum(ins["samples"] for ins in code)
    hgmma = [ins["executions"] for ins in code if "HGMMA" in ins["text"]]
    loop = []
    if hgmma:
        count = max(hgmma)
        loop = [ins for ins in code if ins["executions"] == count]
    summary = {
        "kernel": name[:120],
        "instructions": len(code),
        "samples": total,
        "stall_pct": stall_shares(code),
        "loop": {
            "executions": loop[0]["executions"] if loop else 0,
            "instructions": len(loop),
            "share_of_samples": round(
                sum(i["samples"] for i in loop) / (total or 1), 3),
            "stall_pct": stall_shares(loop),
            "opcodes": dict(collections.Counter(
                opcode(i["text"]) for i in loop).most_common(20)),
        },
        "top": [{
            "address": ins["address"][-5:],
            "text": ins["text"][:70],
            "share": round(ins["samples"] / (total or 1) * 100, 2),
            "executions": ins["executions"],
            "stalls": dict(collections.Counter(ins["stalls"]).most_common(2)),
        } for ins in sorted(code, key=lambda i: -i["samples"])[:top]],
        "retry_paths": retry_paths(code),
    }
    if with_sequence:
        summary["loop"]["sequence"] = runs(opcode(i["text"]) for i in loop)
    return summary


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("csv", nargs="+")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--sequence", action="store_true")
    parser.add_argument("--out")
    a = parser.parse_args()
    summaries = [summarise(p, a.top, a.sequence) for p in a.csv]
    for s in summaries:
        print(f"{s['kernel']}: {s['instructions']} instructions, "
              f"{s['samples']} samples")
        print(f"  stalls %: {s['stall_pct']}")
        l = s["loop"]
        print(f"  loop: {l['instructions']} instructions x {l['executions']}"
              f" executions, {l['share_of_samples']:.1%} of the samples")
        print(f"  loop stalls %: {l['stall_pct']}")
        print(f"  loop opcodes: {l['opcodes']}")
        if "sequence" in l:
            print(f"  loop sequence: {l['sequence']}")
        for t in s["top"]:
            print(f"  {t['share']:5.2f}% {t['address']} {t['executions']:>9}"
                  f"  {t['text']:<70} {t['stalls']}")
        for r in s["retry_paths"]:
            sources = ",".join(a[-5:] for a in r["entered_from"]) or "-"
            print(f"  retry {r['address'][-5:]} (from {sources}): entered "
                  f"{r['entries']}, {r['tries']} tries, {r['samples']} "
                  f"samples ({r['barrier']})")
    if a.out:
        with open(a.out, "w") as f:
            json.dump(summaries, f, indent=1)


if __name__ == "__main__":
    main()
