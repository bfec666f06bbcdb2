"""The order of a kernel's key-block loop in its SASS (no GPU needed).

Finds the consumers' loop (the innermost back edge whose body holds at least
8 HGMMA and 32 MUFU) with cuobjdump and reports, per cubin: its length, how
many MUFU (the softmax's exponentials) issue before and after the wait for
the previous block's P.V (the last WARPGROUP.DEPBAR of the body), how many
FMUL / F2FP (O's rescale, P's packing) share the stretch after that wait
with MUFU, and the serial tail (instructions after the last MUFU), plus the
body's opcode runs; `every_iteration` leaves out what a forward branch
inside the loop can jump over without skipping a product (the diagonal
block's masking, say): one
issue slot each, set beside 8 cycles per MUFU.EX2 and the products' tensor
cycles, it tells what bounds a key block. With the kernel's manifest beside the
cubin (A.json) it also prints that budget: tensor cycles per SM, MUFU
cycles and issue slots per SM sub-partition. Also the producer's first instructions after its
register release, up to its first TMA load, with the loads and their first
uses marked: a TMA issue behind a use of a global load waits for that load.

  python3 bench/sass_loop.py A.cubin [B.cubin ...] [--out F.json]

cuobjdump comes from PyPI (scripts/install-deps.sh puts it under
build/cuda-tools); $CUOBJDUMP overrides.
"""

import argparse
import json
import os
import re
import shutil
import subprocess

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
INSTRUCTION = re.compile(r"/\*([0-9a-f]{4,5})\*/\s+(.*?)\s*;")
KINDS = ("HGMMA", "MUFU", "FMUL", "F2FP", "FMNMX", "FADD", "FFMA", "SHFL")


def cuobjdump():
    found = os.environ.get("CUOBJDUMP") or shutil.which("cuobjdump")
    bundled = os.path.join(ROOT, "build", "cuda-tools", "nvidia", "cu13",
                           "bin", "cuobjdump")
    return found or bundled


def instructions(cubin):
    sass = subprocess.run([cuobjdump(), "-sass", cubin], check=True,
                          capture_output=True, text=True).stdout
    return [(int(m.group(1), 16), m.group(2))
            for m in map(INSTRUCTION.search, sass.splitlines()) if m]


def opcode(text):
    return re.sub(r"^@!?U?P\w+\s+", "", text).split()[0]


def kind(text):
    op = opcode(text)
    base = op.split(".")[0]
    if base in KINDS:
        return base
    if base in ("WARPGROUP", "BAR", "SYNCS", "DEPBAR", "BRA", "LDG",
                "UTMALDG", "USETMAXREG"):
        return op
    return "."


def key_block_loop(code):
    best = None
    for address, text in code:
        target = re.search(r"BRA.*0x([0-9a-f]+)", text)
        if not target or int(target.group(1), 16) >= address:
            continue
        body = [(a, t) for a, t in code
                if int(target.group(1), 16) <= a <= address]
        kinds = [kind(t) for _, t in body]
        if kinds.count("HGMMA") >= 8 and kinds.count("MUFU") >= 32 and (
                best is None or len(body) < len(best)):
            best = body
    return best


def runs(kinds):
    out = []
    for k in kinds:
        if out and out[-1][0] == k:
            out[-1][1] += 1
        else:
            out.append([k, 1])
    return " ".join(f"{k}x{n}" if n > 1 else k for k, n in out)


def conditional_instructions(body):
    """How many of the loop's instructions a forward branch inside it can
    jump over without skipping a product (the diagonal block's masking, say;
    not the skip of an ignored CSR entry, which skips the block): the rest
    run on every iteration."""
    end = body[-1][0]
    skipped = set()
    for address, text in body:
        target = re.search(r"BRA.*0x([0-9a-f]+)", text)
        if not target or not address < int(target.group(1), 16) <= end:
            continue
        region = [(a, t) for a, t in body
                  if address < a < int(target.group(1), 16)]
        if not any(kind(t) == "HGMMA" for _, t in region):
            skipped.update(a for a, _ in region)
    return len(skipped)


def loop_report(body):
    kinds = [kind(t) for _, t in body]
    conditional = conditional_instructions(body)
    waits = [i for i, k in enumerate(kinds) if k.startswith("WARPGROUP.DEPBAR")]
    wait = waits[-1]
    mufu = [i for i, k in enumerate(kinds) if k == "MUFU"]
    after = kinds[wait + 1:mufu[-1] + 1] if mufu[-1] > wait else []
    return {
        "instructions": len(body),
        "every_iteration": len(body) - conditional,
        "mufu_before_pv_wait": sum(1 for i in mufu if i < wait),
        "mufu_after_pv_wait": sum(1 for i in mufu if i > wait),
        "fmul_f2fp_among_mufu_after_wait":
            sum(1 for k in after if k in ("FMUL", "F2FP")),
        "serial_tail_after_last_mufu": len(kinds) - 1 - mufu[-1],
        "fmul_f2fp_in_tail":
            sum(1 for k in kinds[mufu[-1] + 1:] if k in ("FMUL", "F2FP")),
        "runs": runs(kinds),
    }


def key_block_budget(body, code, consumer_warpgroups):
    """Cycles a key block takes each unit, if nothing else limits it: the
    tensor cores per SM (every consumer warpgroup's HGMMA FLOPs at 4096 per
    cycle), and per SM sub-partition, which holds one warp of each consumer
    warpgroup, the MUFU unit (8 cycles per warp's MUFU) and the issue slots
    (one per instruction that runs on every iteration)."""
    flops = 0
    for _, text in body:
        shape = re.search(r"HGMMA\.(\d+)x(\d+)x(\d+)", text)
        if shape:
            m, n, k = map(int, shape.groups())
            flops += 2 * m * n * k
    kinds = [kind(t) for _, t in body]
    every = len(body) - conditional_instructions(body)
    return {
        "consumer_warpgroups": consumer_warpgroups,
        "tensor_cycles_per_sm": consumer_warpgroups * flops // 4096,
        "mufu_cycles_per_subpartition":
            consumer_warpgroups * kinds.count("MUFU") * 8,
        "issue_slots_per_subpartition": consumer_warpgroups * every,
    }


def consumer_warpgroups(cubin, code):
    """From the manifest beside the cubin (its block's threads), less the
    producer warpgroup where the kernel is warp-specialized (it releases
    registers with USETMAXREG); None without a manifest."""
    manifest = os.path.splitext(cubin)[0] + ".json"
    if not os.path.exists(manifest):
        return None
    with open(manifest) as f:
        warpgroups = json.load(f)["block"][0] // 128
    specialized = any("USETMAXREG" in t for _, t in code)
    return warpgroups - 1 if specialized else warpgroups


def producer_start(code):
    """From the producer's register release to its second TMA load: global
    loads, the first instruction naming each loaded register (which waits
    for the load) and the TMA issues."""
    start = next(i for i, (_, t) in enumerate(code)
                 if "USETMAXREG.DEALLOC" in t)
    pending, lines, tma = set(), [], 0
    for address, text in code[start:]:
        load = re.search(r"\bLDG\S*\s+(R\d+)", text)
        note = ""
        if load:
            pending.add(load.group(1))
            note = "global load"
        else:
            used = sorted(r for r in pending if re.search(rf"\b{r}\b", text))
            pending.difference_update(used)
            if used:
                note = "waits for the load of " + ", ".join(used)
        tma += "UTMALDG" in text
        if note or "UTMALDG" in text:
            lines.append(f"{address:05x} {text}" + (f"  <- {note}" if note
                                                   else ""))
        if tma == 2:
            break
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cubins", nargs="+")
    parser.add_argument("--out")
    args = parser.parse_args()
    report = {}
    for cubin in args.cubins:
        code = instructions(cubin)
        body = key_block_loop(code)
        entry = {"loop": loop_report(body) if body else None,
                 "producer_start": producer_start(code)}
        warpgroups = consumer_warpgroups(cubin, code)
        if body and warpgroups:
            entry["key_block_budget"] = key_block_budget(body, code,
                                                         warpgroups)
        report[cubin] = entry
        loop = entry["loop"]
        print(cubin)
        if loop:
            print("  loop:", {k: v for k, v in loop.items() if k != "runs"})
        if "key_block_budget" in entry:
            print("  key block budget:", entry["key_block_budget"])
        for line in entry["producer_start"]:
            print("  producer:", line)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
