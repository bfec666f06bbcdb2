"""Reads SASS on stdin and prints, for each warp vote (VOTE.ANY: the lazy
rescale's branch), how many MUFU.EX2 and F2FP (P's packing) follow it up to
the next backward branch (a loop's back edge) or the kernel's end: the
packing should stay among exponentials after the join, not trail them.
Fails if there is no vote.
"""
import re
import sys

INSTRUCTION = re.compile(r"/\*([0-9a-f]{4,5})\*/\s+(.*?)\s*;")
code = [(int(m.group(1), 16), m.group(2))
        for m in map(INSTRUCTION.search, sys.stdin) if m]
votes = [i for i, (_, text) in enumerate(code) if "VOTE.ANY" in text]
for start in votes:
    mufu = pack = trailing = 0
    for address, text in code[start + 1:]:
        target = re.search(r"BRA.*0x([0-9a-f]+)", text)
        if target and int(target.group(1), 16) < address:
            break
        if "MUFU.EX2" in text:
            mufu += 1
            trailing = 0
        elif "F2FP" in text:
            pack += 1
            trailing += 1
    print(f"vote: EX2 {mufu} F2FP {pack} F2FP after the last EX2 {trailing}")
if not votes:
    sys.exit(1)
