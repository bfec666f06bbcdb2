"""Reads SASS on stdin and prints, for each wait that leaves one product group
in flight (WARPGROUP.DEPBAR.LE gsb0, 0x1), how many MUFU.EX2 (the softmax's
exponentials) run before the next wait for all groups: the work that
overlaps the product still in flight. Fails if there is no such wait.
"""
import re
import sys

counts = []
open_wait = None
for line in sys.stdin:
    if re.search(r"WARPGROUP\.DEPBAR\.LE\s+gsb0,\s*0x1\b", line):
        open_wait = 0
    elif "WARPGROUP.DEPBAR" in line and open_wait is not None:
        counts.append(open_wait)
        open_wait = None
    elif "MUFU.EX2" in line and open_wait is not None:
        open_wait += 1
print("EX2 between waits:", " ".join(map(str, counts)) or "none")
if not counts:
    sys.exit(1)
