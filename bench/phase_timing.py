"""Where a challenge kernel's CTAs spend their time, from timestamps taken
inside the kernel.

`instrument` rewrites the PTX of a warp-specialized challenge kernel
(`bsattn-translate --emit-ptx`) so that it records %globaltimer and clock64
at a few points into a global array `bsattn_phase_log` (20 words per entry:
10 timers, the SM, 9 cycle counts). One CTA per tile: an entry per CTA, with
consumer thread 0 recording

  start     first instruction
  ready     before the consumers' first mbarrier wait (for Q)
  first_s   before the first Q.K^T is issued (Q and the first K landed)
  o_smem    before O's TMA store (O normalized and in shared memory)
  o_stored  the TMA store has read O out of shared memory
  end       before `ret`

and the producer's issuing thread `q_issued` and `kv_issued` (its first
and second expect-tx). `--persistent`: an entry per tile of each CTA, from
the named barrier that starts a tile (`arrive_top`, `tile_start`), then
`first_s`, `o_smem`, `o_stored`, the producer's and the converting
warps' arrival at the tile's barrier, and the producer's `q_issued` (each
tile) and `kv_issued` (the CTA's first tile); the first tile's phases are
also reported apart. The points are found by the
instructions the lowering emits there; a PTX without one is refused. `run`
(GPU) launches the instrumented cubin on challenge cases (quick and full
shapes), or a dense causal or full kernel on B2 T8192 (H = 2048 / D, as
bench/dense_vs_fa4.py), beside the uninstrumented kernel and reports each
phase's median and share of SM time, the gaps between CTAs on an SM and
the idle tail.
`--prologue` (one CTA per tile) records, in place of `ready` and
`o_stored`, when consumer thread 0 and the producer's issuing thread pass
the set-up barrier: where a CTA's start goes before its first TMA loads.
Instrumentation costs a few percent: compare phases within a kernel.
A timestamp also pins what ptxas may move past it: in the persistent CSR
kernels the tests of the first block's `col_idx` entry stay before
`ready`'s clock read, so the instrumented tile waits for that load before
its first mbarrier wait, which the uninstrumented kernel's ptxas schedule
moves after the wait (check the SASS before reading `tile_start->ready`
as the consumers' own instructions).

  python3 bench/phase_timing.py instrument [--persistent | --prologue] \
      --ptx K.ptx --out K-phases.ptx
  ptxas -arch=sm_90a K-phases.ptx -o K-phases.cubin
  python3 bench/phase_timing.py run --cubin K-phases.cubin --manifest K.json \
      [--baseline K.cubin [--baseline-manifest B.json]] [--prologue] --out F
"""

import argparse
import ctypes
import json
import os
import re
import statistics
import sys

# (point, anchor, occurrence, before/after, recording thread or None for
# whichever thread runs it, whether the point starts a new tile).
ONE_TILE = [
    ("start", None, 1, "before", 0, False),
    ("ready", r"mbarrier\.try_wait", 1, "before", 0, False),
    ("first_s", r"wgmma\.fence", 1, "before", 0, False),
    ("o_smem", r"cp\.async\.bulk\.tensor.*global\.shared::cta", 1,
     "before", 0, False),
    ("o_stored", r"cp\.async\.bulk\.wait_group\.read", 1, "after", 0,
     False),
    ("end", r"ret;", 1, "before", 0, False),
    ("q_issued", r"mbarrier\.arrive\.expect_tx", 1, "before", None, False),
    ("kv_issued", r"mbarrier\.arrive\.expect_tx", 2, "before", None, False),
]
# A persistent kernel's tile loop starts at the named barrier that the
# consumers (first), the producer's issuing warp and the converting warps
# reach at the top of each tile; a tile's epilogue ends where the next
# tile's top starts.
TILE_TOP = r"barrier\.sync\s+7, 384;"
PERSISTENT = [
    ("arrive_top", TILE_TOP, 1, "before", 0, True),
    ("tile_start", TILE_TOP, 1, "after", 0, False),
    ("first_s", r"wgmma\.fence", 1, "before", 0, False),
    ("o_smem", r"cp\.async\.bulk\.tensor.*global\.shared::cta", 1,
     "before", 0, False),
    ("o_stored", r"cp\.async\.bulk\.wait_group\.read", 1, "after", 0,
     False),
    ("producer_top", TILE_TOP, 2, "before", 256, True),
    ("convert_top", TILE_TOP, 3, "before", 288, True),
    ("ready", r"mbarrier\.try_wait", 1, "before", 0, False),
    # The producer's Q load of each tile; its first K/V load in the text is
    # the CTA's first tile's (later tiles get theirs from the tile before).
    ("q_issued", r"mbarrier\.arrive\.expect_tx", 1, "before", 256, False),
    ("kv_issued", r"mbarrier\.arrive\.expect_tx", 2, "before", 256, False),
]
# `--prologue`: where a one-CTA-per-tile kernel's start goes, with the
# set-up barrier passed by consumer thread 0 and by the producer's issuing
# thread (256) in place of `ready` and `o_stored` (slots 0, 2, 3 and 5 keep
# their meaning: start, first_s, o_smem, end).
PROLOGUE = [
    ONE_TILE[0],
    ("c_barrier", r"bar\.sync\s+0;", 1, "after", 0, False),
    ONE_TILE[2],
    ONE_TILE[3],
    ("p_barrier", r"bar\.sync\s+0;", 1, "after", 256, False),
    ONE_TILE[5],
    ONE_TILE[6],
    ONE_TILE[7],
]
# Each point set's phases: consecutive points of the chain, and the other
# points' offsets from the start.
CHAINS = {
    "one_tile": (["start", "ready", "first_s", "o_smem", "o_stored", "end"],
                 ["q_issued", "kv_issued"]),
    "prologue": (["start", "first_s", "o_smem", "end"],
                 ["c_barrier", "p_barrier", "q_issued", "kv_issued"]),
}
TIMERS = 10  # %globaltimer words, one per point
WORDS = 20  # the timers, smid, 9 clock64 (of the first 9 points)
MAX_ENTRIES = 1 << 16  # CTAs, or CTAs x TILES_PER_CTA
TILES_PER_CTA = 256  # persistent kernels: log entries per CTA
LOG = "bsattn_phase_log"


def record(slot, thread, new_tile, persistent):
    """A PTX block storing %globaltimer (word `slot`) and clock64 (word
    TIMERS + 1 + slot, for the first WORDS - TIMERS - 1 slots) into the log
    entry of this CTA (or, persistent, of the CTA's current tile); slot 0
    also stores %smid (word TIMERS)."""
    lines = [
        "{",
        ".reg .pred %ph_p;",
        ".reg .b32 %ph_t, %ph_x, %ph_y, %ph_z, %ph_nx, %ph_ny, %ph_l;",
        ".reg .b64 %ph_g, %ph_c, %ph_a, %ph_o, %ph_s;",
        "mov.u64 %ph_g, %globaltimer;",
        "mov.u64 %ph_c, %clock64;",
        "mov.u32 %ph_x, %ctaid.x;", "mov.u32 %ph_y, %ctaid.y;",
        "mov.u32 %ph_z, %ctaid.z;", "mov.u32 %ph_nx, %nctaid.x;",
        "mov.u32 %ph_ny, %nctaid.y;",
        "mad.lo.u32 %ph_l, %ph_z, %ph_ny, %ph_y;",
        "mad.lo.u32 %ph_l, %ph_l, %ph_nx, %ph_x;",
    ]
    if persistent:
        if new_tile:
            lines.append("add.u32 %ph_n, %ph_n, 1;")
        lines += [f"min.u32 %ph_t, %ph_n, {TILES_PER_CTA - 1};",
                  f"mad.lo.u32 %ph_l, %ph_l, {TILES_PER_CTA}, %ph_t;"]
    lines += [
        f"min.u32 %ph_l, %ph_l, {MAX_ENTRIES - 1};",
        f"mul.wide.u32 %ph_o, %ph_l, {WORDS * 8};",
        f"mov.u64 %ph_a, {LOG};",
        "add.u64 %ph_a, %ph_a, %ph_o;",
    ]
    guard = ""
    if thread is not None:
        lines += ["mov.u32 %ph_t, %tid.x;",
                  f"setp.eq.u32 %ph_p, %ph_t, {thread};"]
        guard = "@%ph_p "
    lines.append(f"{guard}st.global.u64 [%ph_a+{8 * slot}], %ph_g;")
    if slot < WORDS - TIMERS - 1:
        lines.append(
            f"{guard}st.global.u64 [%ph_a+{8 * (TIMERS + 1 + slot)}], %ph_c;")
    if slot == 0:
        lines += ["mov.u32 %ph_t, %smid;", "cvt.u64.u32 %ph_s, %ph_t;",
                  f"{guard}st.global.u64 [%ph_a+{8 * TIMERS}], %ph_s;"]
    lines.append("}")
    return "\n".join(lines) + "\n"


def instrument(ptx, persistent, prologue=False):
    spec = PERSISTENT if persistent else PROLOGUE if prologue else ONE_TILE
    lines = ptx.splitlines(keepends=True)
    before = {}  # line index -> blocks to insert before it
    after = {}
    counts = {}
    found = set()
    in_asm = None  # index of the "// begin inline asm" we are inside
    body = None
    for i, line in enumerate(lines):
        s = line.strip()
        if s == "// begin inline asm":
            in_asm = i
        elif s == "// end inline asm":
            in_asm = None
        if body is None and i and lines[i - 1].strip() == "{" and \
                ".entry" in "".join(lines[max(0, i - 40):i]):
            body = i
        for slot, (name, anchor, nth, where, thread, new_tile) in \
                enumerate(spec):
            if anchor is None or not re.search(anchor, s):
                continue
            counts[name] = counts.get(name, 0) + 1
            if counts[name] != nth:
                continue
            block = record(slot, thread, new_tile, persistent)
            if where == "before":
                at = in_asm if in_asm is not None else i
                before.setdefault(at, []).append(block)
            else:
                after.setdefault(i, []).append(block)
            found.add(name)
    first = first_instruction(lines, body)
    prologue = []
    if persistent:
        prologue.append(".reg .b32 %ph_n;\nmov.u32 %ph_n, -1;\n")
    elif spec[0][1] is None:
        prologue.append(record(0, spec[0][4], False, False))
        found.add(spec[0][0])
    before.setdefault(first, [])[:0] = prologue
    missing = [p[0] for p in spec if p[0] not in found]
    if missing:
        sys.exit(f"phase_timing: no place found for {missing}")
    return splice(lines, before, after, LOG, MAX_ENTRIES * WORDS)


def first_instruction(lines, body):
    """The index of the entry's first instruction: after its declarations,
    from `body`, the line after the entry's opening brace."""
    return next(i for i in range(body, len(lines))
                if lines[i].strip() and not lines[i].strip().startswith(
                    (".reg", ".shared", ".local", "//")))


def splice(lines, before, after, log, words):
    """The PTX with the blocks of `before` / `after` (line index -> list of
    PTX blocks) around their lines and, before the entry, the log: a
    zero-initialized global array of `words` 64-bit words named `log`."""
    out = []
    for i, line in enumerate(lines):
        if line.lstrip().startswith(".visible .entry"):
            out.append(f".visible .global .align 8 .b64 {log}[{words}];"
                       "\n\n")
        out += before.get(i, [])
        out.append(line)
        out += after.get(i, [])
    return "".join(out)


def log_address(kernel, log=LOG):
    cuda = ctypes.CDLL("libcuda.so.1")
    address, size = ctypes.c_uint64(), ctypes.c_size_t()
    result = cuda.cuModuleGetGlobal_v2(ctypes.byref(address),
                                       ctypes.byref(size), kernel._module,
                                       log.encode())
    if result:
        sys.exit(f"cuModuleGetGlobal({log}) failed: {result}")
    return cuda, address, size.value


def clear_log(kernel, log=LOG):
    cuda, address, size = log_address(kernel, log)
    if cuda.cuMemsetD8_v2(address, 0, ctypes.c_size_t(size)):
        sys.exit("cuMemsetD8 failed")


def read_words(kernel, count, log=LOG):
    """The first `count` 64-bit words of the log, after the launches."""
    import torch
    cuda, address, _ = log_address(kernel, log)
    host = (ctypes.c_uint64 * count)()
    torch.cuda.synchronize()
    if cuda.cuMemcpyDtoH_v2(host, address, ctypes.c_size_t(count * 8)):
        sys.exit("cuMemcpyDtoH failed")
    return list(host)


def read_log(kernel, entries):
    words = read_words(kernel, entries * WORDS)
    return [words[e * WORDS:(e + 1) * WORDS] for e in range(entries)]


def summarize(log, blocks_per_tile=None, points="one_tile"):
    """Phases over the tiles that have key blocks (a tile past its
    sequence's end skips the products and leaves those points unwritten);
    gaps and span over every CTA (each records its start and end). Without
    `blocks_per_tile` (a dense kernel, whose tile order the log does not
    tell) every tile counts and the loop's time per block is left out."""
    t0 = min(r[0] for r in log)
    span = max(r[5] for r in log) - t0
    by_sm = {}
    for r in log:
        by_sm.setdefault(r[TIMERS], []).append(r)
    sm_time = span * len(by_sm)
    known = blocks_per_tile is not None
    if not known:
        blocks_per_tile = [1] * len(log)
    used = [(r, n) for r, n in zip(log, blocks_per_tile) if n > 0]
    names = [p[0] for p in (PROLOGUE if points == "prologue" else ONE_TILE)]
    chain, offsets = CHAINS[points]
    phases = {}
    for a, b in zip(chain, chain[1:]):
        ia, ib = names.index(a), names.index(b)
        ds = [r[ib] - r[ia] for r, _ in used]
        phases[f"{a}->{b}"] = {
            "median_ns": statistics.median(ds),
            "share_of_sm_time": round(sum(ds) / sm_time, 3)}
    for p in offsets:
        ds = [r[names.index(p)] - r[0] for r, _ in used]
        phases[f"start->{p}"] = {"median_ns": statistics.median(ds)}
    gaps, idle_tail = [], []
    for rows in by_sm.values():
        rows.sort(key=lambda r: r[0])
        idle_tail.append(t0 + span - rows[-1][5])
        gaps += [nxt[0] - prev[5] for prev, nxt in zip(rows, rows[1:])]
    busy_empty = sum(r[5] - r[0] for r, n in zip(log, blocks_per_tile)
                     if n == 0)
    # The first CTA of each SM starts with every SM loading at once: its
    # start to first product, beside the median CTA's.
    blocks_of = {id(r): n for r, n in zip(log, blocks_per_tile)}
    i_first = names.index("first_s")
    first_wave = [rows[0][i_first] - rows[0][0] for rows in by_sm.values()
                  if blocks_of[id(rows[0])] > 0]
    per_block = {}
    if known:
        per_block = {
            "loop_ns_per_block_median": round(statistics.median(
                (r[3] - r[2]) / n for r, n in used)),
            "loop_cycles_per_block_median": round(statistics.median(
                (r[TIMERS + 1 + 3] - r[TIMERS + 1 + 2]) / n
                for r, n in used))}
    return {"span_us": round(span / 1e3, 2), "sms": len(by_sm),
            "ctas": len(log), "ctas_with_blocks": len(used),
            "ctas_per_sm_max": max(len(v) for v in by_sm.values()),
            "phases": phases,
            "empty_tiles_share_of_sm_time": round(busy_empty / sm_time, 3),
            "first_wave_start_to_first_s_median_ns":
                statistics.median(first_wave) if first_wave else None,
            "gap_end_to_next_start": {
                "median_ns": statistics.median(gaps) if gaps else None,
                "share_of_sm_time": round(sum(gaps) / sm_time, 3)},
            "idle_tail_share": round(sum(idle_tail) / sm_time, 3),
            **per_block}


def summarize_persistent(log, ctas):
    """Per tile of each CTA (log entries in tile order): the wait at the
    tile's top barrier, the wait for the first Q.K^T's operands, the loop,
    the TMA store's read of O, and the rest of the epilogue (until the
    next tile's top); the producer's and the converting warps' arrival at
    the top relative to the consumers'."""
    index = {p[0]: slot for slot, p in enumerate(PERSISTENT)}
    tiles = []
    for c in range(ctas):
        rows = [r for r in log[c * TILES_PER_CTA:(c + 1) * TILES_PER_CTA]
                if r[index["arrive_top"]]]
        for n, r in enumerate(rows):
            nxt = rows[n + 1][index["arrive_top"]] if n + 1 < len(rows) \
                else None
            tiles.append((c, n, r, nxt))
    t0 = min(r[0] for _, _, r, _ in tiles)
    t1 = max(r[index["o_stored"]] for _, _, r, _ in tiles)
    sm_time = (t1 - t0) * ctas

    def phase(name, fn, only=lambda c, n, r, nxt: True):
        ds = [fn(r, nxt) for c, n, r, nxt in tiles if only(c, n, r, nxt)]
        return name, {"median_ns": statistics.median(ds),
                      "share_of_sm_time": round(sum(ds) / sm_time, 3),
                      "tiles": len(ds)}

    i = index
    has_blocks = (lambda c, n, r, nxt: r[i["first_s"]] and
                  r[i["first_s"]] < r[i["o_smem"]])
    phases = dict([
        phase("arrive_top->tile_start",
              lambda r, _: r[i["tile_start"]] - r[i["arrive_top"]]),
        phase("tile_start->first_s",
              lambda r, _: r[i["first_s"]] - r[i["tile_start"]], has_blocks),
        phase("tile_start->ready",
              lambda r, _: r[i["ready"]] - r[i["tile_start"]], has_blocks),
        phase("first_s->o_smem",
              lambda r, _: r[i["o_smem"]] - r[i["first_s"]], has_blocks),
        phase("o_smem->o_stored",
              lambda r, _: r[i["o_stored"]] - r[i["o_smem"]]),
        phase("o_stored->next_arrive_top",
              lambda r, nxt: nxt - r[i["o_stored"]],
              lambda c, n, r, nxt: nxt is not None),
    ])
    late = {}
    for who in ("producer_top", "convert_top"):
        ds = [r[i[who]] - r[i["arrive_top"]] for _, _, r, _ in tiles
              if r[i[who]]]
        late[f"{who}_minus_consumer_arrive_median_ns"] = (
            statistics.median(ds) if ds else None)
    first_tile = [r[i["first_s"]] - r[i["arrive_top"]]
                  for _, n, r, _ in tiles if n == 0 and r[i["first_s"]]]
    def first_tile_median(a, b):
        ds = [r[i[b]] - r[i[a]] for _, n, r, _ in tiles
              if n == 0 and r[i["first_s"]] and r[i[a]] and r[i[b]]]
        return statistics.median(ds) if ds else None
    counts = [sum(1 for c2, _, _, _ in tiles if c2 == c)
              for c in range(ctas)]
    return {"span_us": round((t1 - t0) / 1e3, 2), "ctas": ctas,
            "tiles": len(tiles), "tiles_per_cta": [min(counts),
                                                   max(counts)],
            "phases": phases, **late,
            "first_tile_arrive_to_first_s_median_ns":
                statistics.median(first_tile) if first_tile else None,
            "first_tile_ns": {
                f"{a}->{b}": first_tile_median(a, b) for a, b in (
                    ("arrive_top", "tile_start"), ("tile_start", "ready"),
                    ("ready", "first_s"), ("tile_start", "q_issued"),
                    ("tile_start", "kv_issued"))},
            "later_tiles_start_to_q_issued_median_ns": statistics.median(
                [r[i["q_issued"]] - r[i["tile_start"]]
                 for _, n, r, _ in tiles if n and r[i["q_issued"]]] or
                [None]),
            "idle_tail_share": round(sum(
                t1 - max(r[i["o_stored"]] for c2, _, r, _ in tiles
                         if c2 == c) for c in range(ctas)) / sm_time, 3)}


def dense_problem(kernel):
    """The dense shape a dense `kernel` is timed on here and in
    bench/turn_timing.py: B2 T8192, H = 2048 / D (bench/dense_vs_fa4.py's
    first), random inputs of its dtype in four rotated sets. Returns the
    shape's description, the packed sets and a launcher per kernel:
    launcher(k)(packed set)."""
    import torch
    from dense_vs_fa4 import bsattn_runner
    manifest = kernel.manifest
    q = next(x for x in manifest["arguments"] if x["role"] == "q")
    D = q["shape"][-1]
    dtype = {"f16": torch.float16, "bf16": torch.bfloat16}[q["dtype"]]
    B, T, H = 2, 8192, 2048 // D
    torch.manual_seed(0)
    sets = []
    for _ in range(4):
        q, k, v = (torch.randn(B, H, T, D, device="cuda", dtype=dtype)
                   for _ in range(3))
        sets.append((q, k, v, torch.empty_like(q),
                     torch.empty(B, H, T, device="cuda")))
    tiles = (T + manifest["grid"][0]["divide_by"] - 1) // \
        manifest["grid"][0]["divide_by"] * B * H
    shape = {"D": D, "dtype": str(dtype), "B": B, "H": H, "T": T,
             "tiles": tiles}
    runners = {}

    def launcher(k):
        if k not in runners:
            pack, launch = bsattn_runner(k, B, H, T, dtype)
            runners[k] = (launch, [pack(*s) for s in sets])
        launch, packed = runners[k]
        return launch, packed
    return shape, launcher


def run_dense(kernel, baseline, meta, out):
    """Phases of a one-CTA-per-tile dense kernel (causal or full) on
    dense_problem's shape, beside the uninstrumented kernel's time."""
    from dense_vs_fa4 import time_ms
    shape, launcher = dense_problem(kernel)
    row = {"case": "dense", **shape}
    for label, k in (("instrumented", kernel), ("baseline", baseline)):
        if k is not None:
            launch, packed = launcher(k)
            row[f"{label}_ms"] = round(time_ms(launch, packed), 4)
    clear_log(kernel)
    launch, packed = launcher(kernel)
    launch(packed[0])
    row.update(summarize(read_log(kernel, shape["tiles"])))
    print(json.dumps(row), flush=True)
    if out:
        with open(out, "w") as f:
            json.dump({**meta, "rows": [row]}, f, indent=1)


def run(a):
    import torch
    sys.path.insert(0, os.path.dirname(__file__))
    import check_kernel
    kernel = check_kernel.bsattn_cuda.Kernel.from_files(a.cubin, a.manifest)
    baseline = (check_kernel.bsattn_cuda.Kernel.from_files(
        a.baseline, a.baseline_manifest or a.manifest)
        if a.baseline else None)
    persistent = kernel.manifest.get("persistent", False)
    meta = {"device": torch.cuda.get_device_name(), "cubin": a.cubin,
            "baseline": a.baseline, "command": " ".join(sys.argv),
            "commit": os.environ.get("BSATTN_COMMIT")}
    sparsity = kernel.manifest["sparsity"]
    if sparsity in ("#bsattn.causal", "#bsattn.full"):
        if persistent:
            sys.exit("phase_timing run: dense kernels one CTA per tile only")
        return run_dense(kernel, baseline, meta, a.out)
    if not sparsity.startswith("#bsattn.csr"):
        sys.exit(f"phase_timing run: no cases for {sparsity} (CSR: the "
                 "challenge's; causal or full: dense)")
    sms = torch.cuda.get_device_properties(0).multi_processor_count
    fam = ("sliding_window", "sliding_window_global",
           "sliding_window_retrieval")
    cases = [("quick-window", 1, 16, 4096, (fam[0], 4, 0, 0, 0.7, 0.625)),
             ("quick-retrieval", 1, 16, 4096, (fam[2], 4, 0, 2, 0.75, 0.625)),
             ("full-window-w4", 2, 16, 8192, (fam[0], 4, 0, 0, 0.7, 0.625)),
             ("full-window-w8", 2, 16, 8192, (fam[0], 8, 0, 0, 0.7, 1.0)),
             ("full-global-w7", 2, 16, 8192, (fam[1], 7, 4, 0, 0.7, 1.0)),
             ("full-retrieval-w7", 2, 16, 8192, (fam[2], 7, 0, 4, 0.2, 1.0))]
    floors = {"flops": 723e12, "bytes": 4.2e12}
    results = []
    for i, (name, B, H, T, spec) in enumerate(cases):
        row_ptr, col_idx, seq_lens = check_kernel.challenge_case(
            spec[0], B, H, T, spec[1], spec[2], spec[3], spec[4], spec[5],
            seed=i)
        timed = {}
        for label, k in (("instrumented", kernel), ("baseline", baseline)):
            if k is not None:
                timed[label] = check_kernel.run_case(
                    k, name, B, H, T, row_ptr, col_idx, seq_lens, True,
                    floors)
        # One more launch into a cleared log (a persistent CTA's tile
        # count varies between launches).
        clear_log(kernel)
        check = check_kernel.run_case(kernel, name, B, H, T, row_ptr,
                                      col_idx, seq_lens, False, floors)
        QB = T // check_kernel.BLOCK
        if persistent:
            ctas = min(sms, B * H * QB)
            summary = summarize_persistent(
                read_log(kernel, ctas * TILES_PER_CTA), ctas)
        else:
            # CTA x of head (b, h) computes query block QB - 1 - x; the
            # log runs z (b), y (h), x.
            rp = row_ptr.numpy()
            blocks = [int(rp[b, h, QB - x] - rp[b, h, QB - 1 - x])
                      for b in range(B) for h in range(H) for x in range(QB)]
            summary = summarize(read_log(kernel, B * H * QB), blocks,
                                "prologue" if a.prologue else "one_tile")
        row = {"case": name, "B": B, "H": H, "T": T,
               "device_us": timed["instrumented"]["device_us"],
               "baseline_us": (timed["baseline"]["device_us"]
                               if "baseline" in timed else None),
               "correct": all(t["pass"] for t in [check, *timed.values()]),
               **summary}
        print(json.dumps(row), flush=True)
        results.append(row)
    if a.out:
        with open(a.out, "w") as f:
            json.dump({**meta, "rows": results}, f, indent=1)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("instrument")
    p.add_argument("--ptx", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--persistent", action="store_true",
                   help="log per tile of a persistent kernel's tile loop")
    p.add_argument("--prologue", action="store_true",
                   help="log when the set-up barrier is passed instead of "
                   "the consumers' first wait and O's store")
    p = sub.add_parser("run")
    p.add_argument("--cubin", required=True)
    p.add_argument("--manifest", required=True)
    p.add_argument("--baseline")
    p.add_argument("--baseline-manifest")
    p.add_argument("--out")
    p.add_argument("--prologue", action="store_true",
                   help="the cubin was instrumented with --prologue")
    a = parser.parse_args()
    if a.command == "instrument":
        if a.persistent and a.prologue:
            sys.exit("phase_timing instrument: --prologue is for one CTA "
                     "per tile")
        with open(a.ptx) as f:
            text = instrument(f.read(), a.persistent, a.prologue)
        with open(a.out, "w") as f:
            f.write(text)
    else:
        run(a)


if __name__ == "__main__":
    main()
