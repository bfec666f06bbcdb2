"""Where a consumer warpgroup's key-block iterations go in a ping-pong
kernel, from clock64 stamps inside the loop (GPU machine for `run`).

`instrument` rewrites the PTX of a warp-specialized kernel with ping-pong
and the intra-warpgroup overlap (`bsattn-translate --emit-ptx`) so that
thread 0 of each consumer warpgroup records %clock64 at six points of the
overlapped key-block loop, for ITERS consecutive iterations starting at
iteration FIRST (counted per warpgroup), into a global array
`bsattn_turn_log`:

  turn_wait   before the ping-pong turn's bar.sync
  turn        after it (the warpgroup holds the tensor cores' turn)
  issued      after the turn's bar.arrive (S(j) and P(j-1).V issued)
  s_ready     after wgmma.wait_group 1 (S(j) done)
  softmax     before wgmma.wait_group 0 (the softmax's instructions issued)
  pv_done     after it (P(j-1).V done)

`run` launches the instrumented cubin once on a dense shape (B2 T8192,
H = 2048 / D, random inputs), beside the uninstrumented kernel for its
time, and reports the median cycles of each step, of the tail from
pv_done to the next turn_wait, of the period between a warpgroup's turns,
and of the hand-off from one warpgroup's issue to the next warpgroup's
turn (clock64 is the SM's, so stamps of one CTA compare across warps).

  python3 bench/turn_timing.py instrument --ptx K.ptx --out K-turns.ptx
  ptxas -arch=sm_90a K-turns.ptx -o K-turns.cubin
  python3 bench/turn_timing.py run --cubin K-turns.cubin --manifest K.json \
      --baseline K.cubin --out F
"""

import argparse
import json
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(__file__))
from phase_timing import (clear_log, dense_problem,  # noqa: E402
                          first_instruction, read_words, splice)

POINTS = ["turn", "issued", "s_ready", "softmax", "pv_done",
          "next_turn_wait"]
WORDS = 8  # the six points, the SM, unused
FIRST, ITERS = 4, 8
MAX_CTAS = 2048
MAX_WARPGROUPS = 3
LOG = "bsattn_turn_log"


def prologue(warpgroups):
    """At the kernel's start: %tt_b, the log entry of this CTA's and
    warpgroup's iteration FIRST, and %tt_r, whether this thread records
    (thread 0 of a consumer warpgroup in a CTA below MAX_CTAS)."""
    return "\n".join([
        ".reg .b32 %tt_n;", ".reg .pred %tt_p, %tt_r;",
        ".reg .b64 %tt_a, %tt_b;",
        "mov.u32 %tt_n, 0;",
        "{",
        ".reg .pred %tt_q;",
        ".reg .b32 %tt_t, %tt_w, %tt_l, %tt_x, %tt_y, %tt_z, %tt_nx, %tt_ny;",
        ".reg .b64 %tt_o;",
        "mov.u32 %tt_t, %tid.x;",
        "and.b32 %tt_w, %tt_t, 127;",
        "setp.eq.u32 %tt_r, %tt_w, 0;",
        f"setp.lt.u32 %tt_q, %tt_t, {128 * warpgroups};",
        "and.pred %tt_r, %tt_r, %tt_q;",
        "mov.u32 %tt_x, %ctaid.x;", "mov.u32 %tt_y, %ctaid.y;",
        "mov.u32 %tt_z, %ctaid.z;", "mov.u32 %tt_nx, %nctaid.x;",
        "mov.u32 %tt_ny, %nctaid.y;",
        "mad.lo.u32 %tt_l, %tt_z, %tt_ny, %tt_y;",
        "mad.lo.u32 %tt_l, %tt_l, %tt_nx, %tt_x;",
        f"setp.lt.u32 %tt_q, %tt_l, {MAX_CTAS};",
        "and.pred %tt_r, %tt_r, %tt_q;",
        f"min.u32 %tt_l, %tt_l, {MAX_CTAS - 1};",
        "shr.u32 %tt_w, %tt_t, 7;",
        f"min.u32 %tt_w, %tt_w, {MAX_WARPGROUPS - 1};",
        f"mad.lo.u32 %tt_l, %tt_l, {MAX_WARPGROUPS}, %tt_w;",
        f"mul.lo.u32 %tt_l, %tt_l, {ITERS};",
        f"mul.wide.u32 %tt_o, %tt_l, {WORDS * 8};",
        f"mov.u64 %tt_b, {LOG};",
        "add.u64 %tt_b, %tt_b, %tt_o;",
        "mov.u64 %tt_a, %tt_b;",
        "setp.ne.and.u32 %tt_p, %tt_n, %tt_n, %tt_r;",
        "}",
    ]) + "\n"


def start_entry():
    """At a turn: count the iteration, point %tt_a at its log entry and
    set %tt_p where it is recorded (iterations FIRST .. FIRST + ITERS - 1);
    the iteration's later stamps reuse both."""
    return "\n".join([
        "add.u32 %tt_n, %tt_n, 1;",
        "{",
        ".reg .b32 %tt_i;",
        ".reg .b64 %tt_o;",
        f"sub.u32 %tt_i, %tt_n, {FIRST};",
        f"setp.lt.and.u32 %tt_p, %tt_i, {ITERS}, %tt_r;",
        f"min.u32 %tt_i, %tt_i, {ITERS - 1};",
        f"mul.wide.u32 %tt_o, %tt_i, {WORDS * 8};",
        "add.u64 %tt_a, %tt_b, %tt_o;",
        "@%tt_p mov.u32 %tt_i, %smid;",
        "@%tt_p cvt.u64.u32 %tt_o, %tt_i;",
        f"@%tt_p st.global.u64 [%tt_a+{8 * len(POINTS)}], %tt_o;",
        "}",
    ]) + "\n"


def stamp(slot):
    """%clock64 into word `slot` of the current entry."""
    return ("{\n.reg .b64 %tt_c;\nmov.u64 %tt_c, %clock64;\n"
            f"@%tt_p st.global.u64 [%tt_a+{8 * slot}], %tt_c;\n}}\n")


def loop_anchors(lines):
    """Line indices of the points in the overlapped loop: its one
    `wgmma.wait_group 1`, the last ping-pong bar.sync and bar.arrive
    before it, and the first `wgmma.wait_group 0` after it."""
    waits = [i for i, l in enumerate(lines)
             if re.search(r"wgmma\.wait_group\.sync\.aligned\s+1;", l)]
    if len(waits) != 1:
        sys.exit(f"turn_timing: expected one wgmma.wait_group 1 (the "
                 f"overlapped loop), found {len(waits)}")
    s_ready = waits[0]
    turn = max((i for i in range(s_ready)
                if re.search(r"\bbar(rier)?\.sync\s+%r\w+,\s*\d+;",
                             lines[i])), default=None)
    arrive = max((i for i in range(s_ready)
                  if re.search(r"\bbar(rier)?\.arrive\s", lines[i])),
                 default=None)
    pv = next((i for i in range(s_ready + 1, len(lines))
               if re.search(r"wgmma\.wait_group\.sync\.aligned\s+0;",
                            lines[i])), None)
    if turn is None or arrive is None or pv is None or not \
            turn < arrive < s_ready:
        sys.exit("turn_timing: no ping-pong turn (bar.sync, bar.arrive) "
                 "before the loop's wgmma.wait_group 1, or no "
                 "wgmma.wait_group 0 after it")
    return {"next_turn_wait": (turn, "before"), "turn": (turn, "after"),
            "issued": (arrive, "after"), "s_ready": (s_ready, "after"),
            "softmax": (pv, "before"), "pv_done": (pv, "after")}


def instrument(ptx, warpgroups):
    lines = ptx.splitlines(keepends=True)
    anchors = loop_anchors(lines)
    before, after = {}, {}
    for slot, name in enumerate(POINTS):
        line, where = anchors[name]
        # The turn starts the iteration's entry, then stamps it; the wait
        # before the next turn still writes the previous iteration's.
        block = start_entry() + stamp(slot) if name == "turn" \
            else stamp(slot)
        (before if where == "before" else after).setdefault(
            line, []).append(block)
    body = next(i for i, l in enumerate(lines) if l.strip() == "{" and
                ".entry" in "".join(lines[max(0, i - 40):i])) + 1
    before.setdefault(first_instruction(lines, body), []).insert(
        0, prologue(warpgroups))
    return splice(lines, before, after, LOG,
                  MAX_CTAS * MAX_WARPGROUPS * ITERS * WORDS)


def summarize(log, ctas, warpgroups):
    def entry(c, w, i):
        base = ((c * MAX_WARPGROUPS + w) * ITERS + i) * WORDS
        return log[base:base + WORDS]

    steps = {f"{a}->{b}": [] for a, b in zip(POINTS, POINTS[1:])}
    steps["next_turn_wait->next turn"] = []
    steps["turn->next turn (period)"] = []
    handoff = []
    for c in range(min(ctas, MAX_CTAS)):
        for w in range(warpgroups):
            for i in range(ITERS):
                e = entry(c, w, i)
                for a, b in zip(range(len(POINTS)), range(1, len(POINTS))):
                    if e[a] and e[b]:
                        steps[f"{POINTS[a]}->{POINTS[b]}"].append(
                            e[b] - e[a])
                n = entry(c, w, i + 1) if i + 1 < ITERS else None
                if n and n[0] and e[0]:
                    steps["turn->next turn (period)"].append(n[0] - e[0])
                    if e[5]:
                        steps["next_turn_wait->next turn"].append(
                            n[0] - e[5])
                # The next turn in the ring: warpgroup w + 1 in the same
                # iteration, or warpgroup 0 in the next.
                nw, ni = (w + 1, i) if w + 1 < warpgroups else (0, i + 1)
                if ni < ITERS and e[1]:
                    n = entry(c, nw, ni)
                    if n[0]:
                        handoff.append(n[0] - e[1])
    out = {name: {"median_cycles": statistics.median(v), "samples": len(v)}
           for name, v in steps.items() if v}
    if handoff:
        out["issued->next warpgroup's turn (hand-off)"] = {
            "median_cycles": statistics.median(handoff),
            "samples": len(handoff)}
    return out


def run(a):
    import torch
    from dense_vs_fa4 import time_ms  # noqa: E402
    import bsattn_cuda  # noqa: E402  (dense_vs_fa4 puts it on the path)
    kernel = bsattn_cuda.Kernel.from_files(a.cubin, a.manifest)
    shape, launcher = dense_problem(kernel)
    warpgroups = kernel.manifest["block"][0] // 128 - 1
    row = {**shape, "consumer_warpgroups": warpgroups}
    for label, path in (("instrumented", a.cubin), ("baseline", a.baseline)):
        if not path:
            continue
        k = kernel if label == "instrumented" else \
            bsattn_cuda.Kernel.from_files(path, a.manifest)
        launch, packed = launcher(k)
        row[f"{label}_ms"] = round(time_ms(launch, packed), 4)
    clear_log(kernel, LOG)
    launch, packed = launcher(kernel)
    launch(packed[0])
    log = read_words(kernel, MAX_CTAS * MAX_WARPGROUPS * ITERS * WORDS, LOG)
    row["steps"] = summarize(log, shape["tiles"], warpgroups)
    print(json.dumps(row, indent=1))
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"device": torch.cuda.get_device_name(),
                       "command": " ".join(sys.argv),
                       "commit": os.environ.get("BSATTN_COMMIT"),
                       "first_iteration": FIRST, "iterations": ITERS,
                       "rows": [row]}, f, indent=1)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("instrument")
    p.add_argument("--ptx", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--warpgroups", type=int, default=MAX_WARPGROUPS,
                   help="consumer warpgroups that record (at most 3)")
    p = sub.add_parser("run")
    p.add_argument("--cubin", required=True)
    p.add_argument("--manifest", required=True)
    p.add_argument("--baseline", help="the uninstrumented cubin, timed")
    p.add_argument("--out")
    a = parser.parse_args()
    if a.command == "instrument":
        if not 1 <= a.warpgroups <= MAX_WARPGROUPS:
            sys.exit(f"--warpgroups must be 1 to {MAX_WARPGROUPS}")
        with open(a.ptx) as f:
            text = instrument(f.read(), a.warpgroups)
        with open(a.out, "w") as f:
            f.write(text)
    else:
        run(a)


if __name__ == "__main__":
    main()
