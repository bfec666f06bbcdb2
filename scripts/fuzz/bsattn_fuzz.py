#!/usr/bin/env python3
"""bsattn's own fuzzer: generates valid-but-unusual and mutated .mlir for
every op level and runs each input through every tool and pipeline.

Levels (the grammar follows the ODS in include/bsattn/Dialect/BSAttn/IR):
  attention  bsattn.attention in custom and generic form, with unusual
             shapes, attributes, operand segments and host functions;
  tile       bsattn.query_tile programs (the output of bsattn-tile and
             bsattn-fuse-softmax on valid inputs) with mutated types,
             attributes and ops;
  kernel     llvm.func kernels (the output of --bsattn-to-kernel) with
             mutated bsattn.* attributes and names, and gpu.binary input;
  tokens     token-level mutations of examples/*.mlir.

A run fails on a crash (a signal, 'LLVM ERROR', 'PLEASE submit a bug
report', a sanitizer report, a failed assertion), a hang past --timeout,
an exit 0 without the expected artefact (or with a wrong one: the
manifest's roles must be the operands the input names), an exit 0 on an
input the generator knows is invalid, or a refusal without a diagnostic.
The failing inputs are written to --out with the command that failed.

Exit status: 0 when every run passed, 1 otherwise.
"""

import argparse
import base64
import glob
import concurrent.futures
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CRASH_MARKERS = (
    "LLVM ERROR",
    "PLEASE submit a bug report",
    "Stack dump",
    "AddressSanitizer",
    "LeakSanitizer",
    "UndefinedBehaviorSanitizer",
    "runtime error:",
    "Assertion `",
    "Segmentation fault",
    "terminate called",
)

IDENT = re.compile(r"^(?:[A-Za-z][A-Za-z0-9_]*|_[A-Za-z0-9_]+)$")
# An op of the bsattn dialect (not an attribute or type), custom or generic.
BSATTN_OP = re.compile(r'^\s*(?:%[^=\n]*=\s*)?"?bsattn\.(attention|query_tile|'
                       r"key_block_loop|yield_key_block|load_q|load_kv|wait_kv|"
                       r"release_kv|next_tile|ring_start|ring_end|qk|mask|"
                       r'online_softmax|pv|store_output|splat)\b', re.M)

# --------------------------------------------------------------------------
# Generators
# --------------------------------------------------------------------------

EXTREME_SIZES = [0, 1, 2, 3, 64, 100, 127, 128, 129, 256, 384, 65535, 65536,
                 2**31 - 1, 2**31, 2**32, 2**40, 2**62, 2**63 - 1]
# The start of an llvm.extractvalue / llvm.insertvalue position list, up to
# a number inside it.
AGGREGATE_POSITION = re.compile(r"llvm\.(extract|insert)value [^\[]*\[[\d, ]*$")
UNUSUAL_NAMES = ["a b", "", "bsattn_smem", "bsattn_x", "0abc", "a.b", "a$b",
                 "a-b", "\\u00e9t\\u00e9", "_", "_private", "ret", "add",
                 "entry", "x" * 300, "f_kernels", "main", "a\\09b"]
SCALES = ["0.5 : f32", "1.0 : f32", "0.0 : f32", "-1.0 : f32",
          "0x7FC00000 : f32", "0x7F800000 : f32", "1.0e-30 : f32",
          "3.0e38 : f32", "1 : i64", "0.5 : f64", "\"x\""]


class Case:
    """One input and what the generator knows about it."""

    def __init__(self, level, text, expect="any", roles=None, kernels=None,
                 note=""):
        self.level = level
        self.text = text
        # "ok": every tool must accept it; "reject": every tool must refuse
        # it with a diagnostic; "reject-pipelines": the lowering pipelines
        # and emitters must refuse it; "many": the emitters must refuse it;
        # "variants": bsattn-opt must accept it, the pipelines and the
        # emitters but the challenge submission's refuse it (an op with
        # variants compiles only one at a time); "any": either, without a
        # crash.
        self.expect = expect
        # Function argument of each operand role (checked in manifests).
        self.roles = roles
        # How many kernels a successful --bsattn-to-kernel must produce.
        self.kernels = kernels
        self.note = note
        # The schedule passes alone only make sense on schedule-level input.
        self.skip_tools = set() if level == "schedule" else {"opt-schedule"}
        # Whether a kernel is in a nested module.
        self.nested = False


def memref(shape, elem, layout="", space=""):
    dims = "x".join("?" if d is None else str(d) for d in shape)
    extra = "".join(", " + x for x in (layout, space) if x)
    return "memref<%s%s%s%s>" % (dims, "x" if dims else "", elem, extra)


class AttentionGen:
    """bsattn.attention, valid with unusual choices or with one mistake."""

    def __init__(self, rng):
        self.rng = rng

    def sparsity(self):
        r = self.rng
        return r.choice(["#bsattn.csr", "#bsattn.causal", "#bsattn.full",
                         "#bsattn.csr<causal = false>",
                         "#bsattn.csr<per_kv_head = true>",
                         "#bsattn.sliding_window<2, causal = false>",
                         "#bsattn.sliding_window<%d>" % r.choice([1, 2, 8, 0, -1, 2**40]),
                         "#bsattn.window_global<%d, %d>" % (r.choice([1, 3, 0]),
                                                             r.choice([0, 2, -1]))])

    def case(self):
        r = self.rng
        bad = []  # what makes this input invalid, if anything
        sparsity = self.sparsity()
        if re.search(r"<(0|-1)[,>]|, -1>", sparsity):
            bad.append("sparsity parameter")
        csr = sparsity.startswith("#bsattn.csr")
        dtype = r.choice(["bf16"] * 6 + ["f16"] * 3 + ["f32"])
        if dtype == "f32":
            bad.append("dtype")
        pv = r.choice(["bf16", "f16", "split_bf16"])
        if dtype == "f16" and pv != "f16":
            bad.append("pv")
        B = r.choice([1, 2, None, None] + ([0, 2**31, 65536] if r.random() < 0.2 else []))
        H = r.choice([1, 2, 16, None] + ([0, 2**20, 2**31] if r.random() < 0.2 else []))
        T = r.choice([128, 256, 1000, None, None] +
                     ([0, 100, 2**62, 2**31, 2**31 - 128] if r.random() < 0.2 else []))
        D = r.choice([128] * 6 + [64, 96, 192, 256] + ([80, None] if r.random() < 0.3 else []))
        for name, size in (("B", B), ("H", H)):
            if size is not None and (size < 1 or size > 2**31 - 1):
                bad.append(name)
        if T is not None and (T < 1 or T > 2**31 - 1):
            bad.append("T")
        if D not in (64, 96, 128, 192, 256):
            bad.append("D")
        tiles = 1
        for size in (B, H, None if T is None else -(-T // 128)):
            if size is not None:
                tiles *= size
        if tiles > 2**31 - 1:
            bad.append("tiles")

        def pick(size):
            # Each operand may hide a static size behind '?'.
            return None if size is None or r.random() < 0.25 else size

        shapes = {
            "q": [pick(B), pick(H), pick(T), D if r.random() < 0.9 else pick(D)],
            "k": [pick(B), pick(H), pick(T), pick(D)],
            "v": [pick(B), pick(H), pick(T), pick(D)],
            "o": [pick(B), pick(H), pick(T), pick(D)],
            "lse": [pick(B), pick(H), pick(T)],
            "seq_lens": [pick(B)],
            "row_ptr": [pick(B), pick(H),
                        None if T is None or r.random() < 0.3
                        else -(-T // 128) + 1],
            "col_idx": [pick(B), pick(H), r.choice([None, 1, 4, 0])],
        }
        # Grouped-query attention: k and v with H / kv_group heads.
        kv_group = r.choice([1, 2, 4, 0, -3, 2 ** 31]) if r.random() < 0.15 \
            else None
        kv_heads_fit = True
        if kv_group in (2, 4):
            kv_heads_fit = H is None or H % kv_group == 0
            # CSR lists per K/V head have H / kv_group heads too; sometimes
            # they keep H (per query head), a contradiction where both are
            # static.
            per_kv_lists = "per_kv_head" in sparsity
            if per_kv_lists and r.random() < 0.2:
                per_kv_lists = False
                bad.append("contradiction?")
            lists = ("k", "v") + (("row_ptr", "col_idx") if per_kv_lists
                                  else ())
            for n in lists:
                if kv_heads_fit and shapes[n][1] is not None:
                    shapes[n][1] = H // kv_group
        if shapes["q"][3] is None:
            bad.append("dynamic D")
        elems = {n: dtype for n in ("q", "k", "v", "o")}
        elems.update(lse="f32", seq_lens="i32", row_ptr="i32", col_idx="i32")
        layouts = {n: "" for n in shapes}
        spaces = {n: "" for n in shapes}
        # One contradiction or odd type, sometimes.
        if r.random() < 0.35:
            # Only an operand the op takes (row_ptr and col_idx are CSR's).
            victim = r.choice(sorted(n for n in shapes
                                     if csr or n not in ("row_ptr", "col_idx")))
            kind = r.choice(["size", "rank", "elem", "layout", "space", "unranked"])
            shape = shapes[victim]
            if kind == "size":
                i = r.randrange(len(shape))
                shape[i] = r.choice(EXTREME_SIZES)
                bad.append("contradiction?")  # may or may not contradict
            elif kind == "rank":
                if r.random() < 0.5:
                    shape.pop()
                else:
                    shape.append(r.choice([1, None]))
                bad.append("rank")
            elif kind == "elem":
                elems[victim] = r.choice(["f32", "i32", "bf16", "f16", "i64", "f8E4M3FN"])
                bad.append("elem?")
            elif kind == "layout":
                # A dynamic offset: not the identity layout at any rank
                # (strided<[1]> alone is, for rank 1).
                layouts[victim] = "strided<[%s], offset: ?>" % ", ".join(
                    ["?"] * (len(shape) - 1) + ["1"])
                bad.append("layout")
            elif kind == "space":
                spaces[victim] = r.choice(["1", "3", "#gpu.address_space<workgroup>",
                                           "#gpu.address_space<global>"])
                bad.append("space")
            else:
                bad.append("unranked")
                shapes[victim] = "unranked"
        types = {}
        for n, shape in shapes.items():
            if shape == "unranked":
                types[n] = "memref<*x%s>" % elems[n]
            else:
                types[n] = memref(shape, elems[n], layouts[n], spaces[n])
        if "contradiction?" in bad or "elem?" in bad:
            bad = [b for b in bad if not b.endswith("?")]
            expect_base = "any" if not bad else "reject"
        else:
            expect_base = "reject" if bad else "ok"

        # The operands: each its own argument, or q shared by k and v.
        names = ["q", "k", "v", "seq_lens"] + (["row_ptr", "col_idx"] if csr else []) + ["o", "lse"]
        if csr and r.random() < 0.05:
            names.remove("col_idx")
            expect_base = "reject"
        if not csr and r.random() < 0.05:
            names[4:4] = ["row_ptr", "col_idx"]
            expect_base = "reject"
        attrs = []
        if r.random() < 0.3:
            scale = r.choice(SCALES)
            attrs.append("scale = " + scale)
            if scale not in ("0.5 : f32", "1.0 : f32", "1.0e-30 : f32", "3.0e38 : f32"):
                expect_base = "reject"
        if r.random() < 0.1:
            bs = r.choice([128, 64, 0, 256, -128])
            attrs.append("block_size = %d" % bs)
            if bs != 128:
                expect_base = "reject"
        tuning = "#bsattn.tuning<>"
        if r.random() < 0.2:
            tuning = r.choice(["#bsattn.tuning<>", "#bsattn.tuning<persistent = true>",
                               "#bsattn.tuning<stages = 3>", "#bsattn.tuning<block_q = 64>",
                               "#bsattn.tuning<stages = 0>", "#bsattn.tuning<warpgroups = 9>",
                               "#bsattn.tuning<warp_specialize = true>",
                               "#bsattn.tuning<warp_specialize = true, persistent = true>",
                               "#bsattn.tuning<warp_specialize = true, pingpong = true>",
                               "#bsattn.tuning<pingpong = true>",
                               "#bsattn.tuning<stages = 3, warp_specialize = true, overlap = true>",
                               "#bsattn.tuning<warp_specialize = true, pingpong = true, overlap = true>",
                               "#bsattn.tuning<stages = 3, warp_specialize = true, overlap = true, rescale_before_pv = true>",
                               "#bsattn.tuning<overlap = true>",
                               "#bsattn.tuning<rescale_before_pv = true>",
                               "#bsattn.tuning<warp_specialize = true, overlap = true, persistent = true>",
                               "#bsattn.tuning<warp_specialize = true, pingpong = true, persistent = true, dynamic_tiles = true>",
                               "#bsattn.tuning<block_k = 64>",
                               "#bsattn.tuning<block_k = 128>",
                               "#bsattn.tuning<descending_keys = true>",
                               "#bsattn.tuning<stages = 3, warp_specialize = true, overlap = true, descending_keys = true>",
                               "#bsattn.tuning<stages = 3, warp_specialize = true, pingpong = true, persistent = true, dynamic_tiles = true, single_query_buffer = true>",
                               "#bsattn.tuning<single_query_buffer = true>",
                               "#bsattn.tuning<warp_specialize = true, overlap = true, persistent = true, dynamic_tiles = true, carry_schedule = true>",
                               "#bsattn.tuning<carry_schedule = true>",
                               "#bsattn.tuning<stages = 3, warp_specialize = true, overlap = true, pingpong = true, pv_wait_columns = 48>",
                               "#bsattn.tuning<pv_wait_columns = 48>",
                               "#bsattn.tuning<stages = 3, warp_specialize = true, overlap = true, persistent = true, single_query_buffer = true, early_next_query = true>",
                               "#bsattn.tuning<early_next_query = true>",
                               "#bsattn.tuning<padding_tiles_last = true>",
                               "#bsattn.tuning<persistent = true, dynamic_tiles = true, padding_tiles_last = true>",
                               "#bsattn.tuning<prefetch_indices = true>",
                               "#bsattn.tuning<persistent = true, prefetch_indices = true>",
                               "#bsattn.tuning<prefetch_blocks = true>",
                               "#bsattn.tuning<poly_exp2_columns = 16>",
                               "#bsattn.tuning<stages = 3, warp_specialize = true, overlap = true, pingpong = true, pv_wait_columns = 48, poly_exp2_columns = 24>",
                               "#bsattn.tuning<poly_exp2_columns = 12>",
                               "#bsattn.tuning<rescale_threshold = 8>",
                               "#bsattn.tuning<stages = 3, warp_specialize = true, overlap = true, pingpong = true, pv_wait_columns = 48, rescale_threshold = 8>",
                               "#bsattn.tuning<rescale_threshold = 15>",
                               "#bsattn.tuning<block_q = 192, warpgroups = 3>",
                               "#bsattn.tuning<early_scalar_loads = true>",
                               "#bsattn.tuning<stages = 3, warp_specialize = true, persistent = true, dynamic_tiles = true, early_scalar_loads = true>"])
            attrs.append("tuning = " + tuning)
            if "= 0" in tuning or "= 9" in tuning or tuning in (
                    "#bsattn.tuning<pingpong = true>", "#bsattn.tuning<overlap = true>",
                    "#bsattn.tuning<rescale_before_pv = true>",
                    "#bsattn.tuning<single_query_buffer = true>",
                    "#bsattn.tuning<carry_schedule = true>",
                    "#bsattn.tuning<pv_wait_columns = 48>",
                    "#bsattn.tuning<poly_exp2_columns = 12>",
                    "#bsattn.tuning<rescale_threshold = 15>",
                    "#bsattn.tuning<early_next_query = true>",
                    "#bsattn.tuning<persistent = true, prefetch_indices = true>"):
                expect_base = "reject"
            elif tuning not in ("#bsattn.tuning<>", "#bsattn.tuning<persistent = true>",
                                "#bsattn.tuning<warp_specialize = true>",
                                "#bsattn.tuning<warp_specialize = true, pingpong = true>",
                                "#bsattn.tuning<stages = 3, warp_specialize = true, overlap = true>",
                                "#bsattn.tuning<warp_specialize = true, pingpong = true, overlap = true>",
                                "#bsattn.tuning<stages = 3, warp_specialize = true, overlap = true, rescale_before_pv = true>",
                                "#bsattn.tuning<block_k = 64>",
                                "#bsattn.tuning<descending_keys = true>",
                                "#bsattn.tuning<stages = 3, warp_specialize = true, overlap = true, descending_keys = true>",
                                "#bsattn.tuning<stages = 3, warp_specialize = true, pingpong = true, persistent = true, dynamic_tiles = true, single_query_buffer = true>",
                                "#bsattn.tuning<warp_specialize = true, pingpong = true, persistent = true, dynamic_tiles = true>",
                                "#bsattn.tuning<warp_specialize = true, overlap = true, persistent = true>",
                                "#bsattn.tuning<warp_specialize = true, overlap = true, persistent = true, dynamic_tiles = true, carry_schedule = true>",
                                "#bsattn.tuning<stages = 3, warp_specialize = true, overlap = true, pingpong = true, pv_wait_columns = 48>",
                                "#bsattn.tuning<poly_exp2_columns = 16>",
                                "#bsattn.tuning<stages = 3, warp_specialize = true, overlap = true, pingpong = true, pv_wait_columns = 48, poly_exp2_columns = 24>",
                                "#bsattn.tuning<rescale_threshold = 8>",
                                "#bsattn.tuning<stages = 3, warp_specialize = true, overlap = true, pingpong = true, pv_wait_columns = 48, rescale_threshold = 8>",
                                "#bsattn.tuning<warp_specialize = true, persistent = true>") and not (
                                    tuning == "#bsattn.tuning<block_k = 128>" and D in (64, 128)):
                # Valid, but the Hopper lowering refuses it.
                expect_base = "any" if expect_base == "ok" else expect_base
        if kv_group is not None:
            attrs.append("kv_group = %d" % kv_group)
            if kv_group not in (1, 2, 4):
                expect_base = "reject"
            elif not kv_heads_fit and expect_base == "ok":
                expect_base = "any"  # H not a multiple of the group
        if D not in (64, 96, 128, 192, 256) and expect_base == "ok":
            expect_base = "any"  # a dynamic D (the verifier's message)
        if D == 256 and ("persistent" in tuning or "stages = 3" in tuning) and \
                expect_base == "ok":
            expect_base = "any"  # two Q buffers or a third stage overflow shared memory
        if any(size is not None and size > 65535 for size in (B, H)) and \
                expect_base == "ok":
            expect_base = "any"  # over the grid's y/z unless persistent
        if r.random() < 0.05 and not any(a.startswith("tuning") for a in attrs):
            variants, valid = self.variants(shapes["q"])
            attrs.append("variants = [%s]" % ", ".join(variants))
            if not valid:
                expect_base = "reject"
                bad.append("variants")
            elif expect_base == "ok":
                expect_base = "variants"

        alias = r.random() < 0.2
        args, roles = [], {}
        for n in names:
            if alias and n in ("k", "v") and types[n] == types["q"]:
                roles[n] = roles["q"]
                continue
            roles[n] = len(args)
            args.append((n, types[n]))
        return self.host(sparsity, pv, names, types, roles, args, attrs,
                         expect_base, ",".join(bad))

    def variants(self, q_shape):
        """A `variants` list with bounds up to 12 (half of them a partition
        of the shapes, then perhaps one bound moved), and whether it gives
        every shape q's static sizes allow exactly one variant. Checked
        point by point: past 12 every value is served as 13 is."""
        r = self.rng
        keys = ("min_t_max", "max_t_max", "min_batch_heads", "max_batch_heads")
        if r.random() < 0.5:
            cut = r.randint(2, 12)
            axis = r.choice(["t_max", "batch_heads"])
            lists = r.choice([[{}], [{"max_" + axis: cut - 1}, {"min_" + axis: cut}],
                              [{"max_t_max": cut - 1}, {"min_t_max": cut, "max_batch_heads": 4},
                               {"min_t_max": cut, "min_batch_heads": 5}]])
            if r.random() < 0.3:
                bounds = r.choice(lists)
                key = r.choice(keys)
                bounds[key] = bounds.get(key, 6) + r.choice([-1, 1])
        else:
            lists = [{key: r.choice(list(range(1, 13)) + [0, -4])
                      for key in keys if r.random() < 0.45}
                     for _ in range(r.randint(1, 4))]
        texts, served = [], []
        valid = True
        names = set()
        for bounds in lists:
            name = r.choice(["few", "many", "long_grids", "v2"] * 4 + ["2v", "a-b"])
            while name in names and r.random() < 0.9:
                name += "x"
            valid &= bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name)) and name not in names
            names.add(name)
            fields = ['"%s"' % name, "tuning = " + r.choice(
                ["#bsattn.tuning<>", "#bsattn.tuning<persistent = true>",
                 "#bsattn.tuning<warp_specialize = true>"])]
            fields += ["%s = %d" % (key, bounds[key]) for key in keys if key in bounds]
            valid &= all(value >= 1 for value in bounds.values())
            for axis in ("t_max", "batch_heads"):
                valid &= bounds.get("min_" + axis, 1) <= bounds.get("max_" + axis, 13)
            served.append(lambda t, bh, b=bounds: (
                b.get("min_t_max", 1) <= t <= b.get("max_t_max", t) and
                b.get("min_batch_heads", 1) <= bh <= b.get("max_batch_heads", bh)))
            texts.append("#bsattn.variant<%s>" % ", ".join(fields))
        # Sizes a contradiction made odd (not ints) leave the op invalid
        # anyway; they count as dynamic here.
        B, H, T = (size if isinstance(size, int) else None for size in q_shape[:3])
        ts = [min(T, 13)] if T is not None else range(1, 14)
        bhs = [min(B * H, 13)] if B is not None and H is not None else range(1, 14)
        used = [False] * len(served)
        for t in ts:
            for bh in bhs:
                serving = [i for i, serves in enumerate(served) if serves(t, bh)]
                valid &= len(serving) == 1
                for i in serving:
                    used[i] = True
        return texts, valid and all(used)

    def op_text(self, sparsity, pv, names, types, attrs, generic, argname):
        r = self.rng
        if generic:
            sizes = [1, 1, 1, 1, int("row_ptr" in names), int("col_idx" in names), 1, 1]
            expect = None
            if r.random() < 0.5:
                # Move one operand between segments, or drop it.
                i = r.randrange(8)
                size = r.choice([0, 2])
                # An empty index segment of a static pattern stays valid.
                if size != sizes[i]:
                    sizes[i] = size
                    expect = "reject"
            operands = [argname(n) for n in names]
            if sum(sizes) != len(operands):
                if r.random() < 0.5:
                    operands = operands[:sum(sizes)] if sum(sizes) <= len(operands) else operands + operands[:sum(sizes) - len(operands)]
            props = ["operandSegmentSizes = array<i32: %s>" % ", ".join(map(str, sizes)),
                     "pv = #bsattn<pv_precision %s>" % pv, "sparsity = " + sparsity]
            props += attrs
            all_types = [types[n] for n in names]
            while len(all_types) < len(operands):
                all_types.append(all_types[len(all_types) % len(names)])
            all_types = all_types[:len(operands)]
            return ('  "bsattn.attention"(%s) <{%s}> : (%s) -> ()\n' % (
                ", ".join(operands), ", ".join(props), ", ".join(all_types)), expect)
        text = "  bsattn.attention %s pv = %s\n" % (sparsity, pv)
        text += "      ins(%s, %s, %s : %s, %s, %s)\n" % (
            argname("q"), argname("k"), argname("v"), types["q"], types["k"], types["v"])
        text += "      seq_lens(%s : %s)\n" % (argname("seq_lens"), types["seq_lens"])
        if "row_ptr" in names and "col_idx" in names:
            text += "      indices(%s, %s : %s, %s)\n" % (
                argname("row_ptr"), argname("col_idx"), types["row_ptr"], types["col_idx"])
        text += "      outs(%s, %s : %s, %s)" % (argname("o"), argname("lse"), types["o"], types["lse"])
        if attrs:
            text += " {%s}" % ", ".join(attrs)
        return text + "\n", None

    def host(self, sparsity, pv, names, types, roles, args, attrs, expect, note):
        r = self.rng
        name = "f%d" % r.randrange(1000)
        if r.random() < 0.1:
            name = r.choice(UNUSUAL_NAMES)
            if not IDENT.match(name) or name.startswith("bsattn_"):
                expect = "reject"
        pre, post, extra_args, results = "", "", [], ""
        wrap = r.random()
        body_indent = ""
        if wrap < 0.04:
            extra_args.append(("n", "index"))
            pre = "  %c0 = arith.constant 0 : index\n  %c1 = arith.constant 1 : index\n  scf.for %i = %c0 to %n step %c1 {\n"
            post = "  }\n"
            expect = "reject"
        elif wrap < 0.08:
            extra_args.append(("x", "i1"))
            pre = "  scf.if %x {\n"
            post = "  }\n"
            expect = "reject"
        elif wrap < 0.12:
            extra_args.append((r.choice(["x", "n", "t", "u"]),
                               r.choice(["i1", "index", "tensor<4xf32>", "memref<*xf32>",
                                         "memref<4xf32, 3>", "!bsattn.tile<128 x 128, f32>"])))
            expect = "reject" if extra_args[-1][1] != "memref<4xf32, 3>" or True else expect
        elif wrap < 0.16:
            pre = "  %a = memref.alloc() : memref<4xi32>\n"
            expect = "reject"
        elif wrap < 0.18:
            results = " -> i32"
            post = "  %r = arith.constant 0 : i32\n"
            expect = "reject"
        elif wrap < 0.20:
            pre = "  cf.br ^bb1\n^bb1:\n"
            expect = "reject"
        all_args = list(args)
        position = r.randrange(len(all_args) + 1) if extra_args else 0
        for extra in extra_args:
            all_args.insert(position, extra)
        shifted = {n: i + (1 if extra_args and i >= position else 0) for n, i in roles.items()}
        argnames = {}
        for i, (n, _) in enumerate(all_args):
            argnames.setdefault(n, "%%%s%d" % (n, i))
        def argname(n):
            return "%%arg%d" % shifted[n]
        generic = r.random() < 0.2
        op, generic_expect = self.op_text(sparsity, pv, names, types, attrs, generic, argname)
        if generic_expect:
            expect = generic_expect
        if generic and expect == "ok":
            expect = "ok"
        copies = 1
        if r.random() < 0.05:
            # Valid IR, but one kernel per function.
            copies = 2
            expect = "reject" if expect == "reject" else "reject-pipelines"
        arglist = ", ".join("%%arg%d: %s" % (i, t) for i, (_, t) in enumerate(all_args))
        quoted = '"%s"' % name if not IDENT.match(name) else name
        text = "func.func @%s(%s)%s {\n%s%s%s" % (quoted, arglist, results, pre, op * copies, post)
        text += "  return%s\n}\n" % (" %r : i32" if results else "")
        kernels = 1
        nested = False
        if r.random() < 0.05:
            # A nested module (a sibling keeps it from being the top level).
            text = "module {\n" + text + "}\nfunc.func @sibling() {\n  return\n}\n"
            expect = "reject" if expect == "reject" else "reject-pipelines"
            # A lone pass nests on the top-level functions only.
            nested = True
        if r.random() < 0.05:
            # A second kernel: fine for bsattn-opt, refused by the emitters.
            second = text.replace("@%s(" % quoted, "@%s_second(" % (name if IDENT.match(name) else "g"), 1)
            text = text + second
            kernels = 2
            expect = "many" if expect == "ok" else expect
        case = Case("attention", text, expect, kernels=kernels, note=note,
                    roles=shifted if expect == "ok" else None)
        case.nested = nested
        return case


def many_kernels(rng):
    count = rng.choice([3, 30, 300])
    funcs = []
    for i in range(count):
        funcs.append(
            "func.func @k%d(%%q: memref<1x1x128x128xbf16>, %%s: memref<1xi32>, "
            "%%o: memref<1x1x128x128xbf16>, %%l: memref<1x1x128xf32>) {\n"
            "  bsattn.attention #bsattn.causal pv = f16\n"
            "      ins(%%q, %%q, %%q : memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>)\n"
            "      seq_lens(%%s : memref<1xi32>)\n"
            "      outs(%%o, %%l : memref<1x1x128x128xbf16>, memref<1x1x128xf32>)\n"
            "  return\n}\n" % i)
    case = Case("attention", "".join(funcs), "many", kernels=count,
                note="%d kernels" % count)
    if count > 3:
        # Lowering hundreds of kernels is real work for bsattn-opt; the
        # emitters must refuse them at once.
        case.skip_tools |= {"opt-to-kernel", "opt-to-ptx"}
    return case


TILE_TYPE = re.compile(r"!bsattn\.tile<(\d+) x (\d+), f32>|<(\d+) x (\d+), f32>")
ROWS_TYPE = re.compile(r"!bsattn\.rows<(\d+), f32>|<(\d+), f32>")
MEMREF = re.compile(r"memref<([0-9?x]*)(bf16|f16|f32|i32)>")


def mutate_ir(rng, text, level):
    """One mutation of printed tile-, schedule- or kernel-level IR."""
    choices = ["memref", "attr", "delete_line", "dup_line", "number", "name"]
    if level == "tile":
        choices += ["tile", "rows", "tile", "capture"]
    elif level == "schedule":
        choices += ["tile", "rows", "abi", "kernel_attr", "pending", "swap_lines",
                    "attr", "attr"]
    else:
        choices += ["abi", "abi", "abi", "kernel_attr", "kernel_attr"]
    kind = rng.choice(choices)
    lines = text.split("\n")
    if kind == "pending":
        matches = list(re.finditer(r"pending = \d+", text))
        if matches:
            m = rng.choice(matches)
            return text[:m.start()] + "pending = %d" % rng.choice([0, 1, 2, 7, -1]) + \
                text[m.end():], kind
    if kind == "swap_lines" and len(lines) > 3:
        i = rng.randrange(len(lines) - 1)
        lines[i], lines[i + 1] = lines[i + 1], lines[i]
        return "\n".join(lines), kind
    if kind == "tile":
        matches = list(TILE_TYPE.finditer(text))
        if matches:
            m = rng.choice(matches)
            new = "<%d x %d, %s>" % (rng.choice(EXTREME_SIZES[:10] + [-1]),
                                     rng.choice(EXTREME_SIZES[:10]),
                                     rng.choice(["f32", "f32", "bf16", "i1"]))
            prefix = "!bsattn.tile" if m.group(0).startswith("!") else ""
            return text[:m.start()] + prefix + new + text[m.end():], kind
    if kind == "rows":
        matches = list(ROWS_TYPE.finditer(text))
        if matches:
            m = rng.choice(matches)
            prefix = "!bsattn.rows" if m.group(0).startswith("!") else ""
            new = "<%d, %s>" % (rng.choice(EXTREME_SIZES[:10] + [-1]), rng.choice(["f32", "f16"]))
            return text[:m.start()] + prefix + new + text[m.end():], kind
    if kind == "memref":
        matches = list(MEMREF.finditer(text))
        if matches:
            m = rng.choice(matches)
            dims = [d for d in m.group(1).split("x") if d]
            op = rng.choice(["drop", "add", "size", "elem", "space"])
            elem = m.group(2)
            space = ""
            if op == "drop" and dims:
                dims.pop(rng.randrange(len(dims)))
            elif op == "add":
                dims.insert(rng.randrange(len(dims) + 1), rng.choice(["1", "?"]))
            elif op == "size" and dims:
                dims[rng.randrange(len(dims))] = rng.choice(["0", "?", "96", "129", str(2**62)])
            elif op == "elem":
                elem = rng.choice(["f32", "bf16", "f16", "i32", "i64"])
            else:
                space = ", 3"
            new = "memref<%s%s%s>" % ("x".join(dims) + ("x" if dims else ""), elem, space)
            # Rename every use of that exact type so the IR stays consistent,
            # or only this one.
            if rng.random() < 0.5:
                return text.replace(m.group(0), new), kind + "-all"
            return text[:m.start()] + new + text[m.end():], kind
    if kind == "capture":
        return re.sub(r'capture_names = \[[^\]]*\]',
                      rng.choice(['capture_names = []', 'capture_names = ["x"]',
                                  'capture_names = [1]']), text, count=1), kind
    if kind == "attr":
        subs = [(r"block_size = \d+ : i64", "block_size = %d : i64" % rng.choice([64, 0, -1, 256])),
                (r"scale = [^,}]+ : f32", "scale = %s" % rng.choice(SCALES)),
                (r"tuning = #bsattn\.tuning<[^>]*>", "tuning = #bsattn.tuning<%s>" % rng.choice(
                    ["persistent = true", "", "stages = 3", "block_q = 64",
                     "block_q = 192, warpgroups = 3",
                     "block_q = 192, warpgroups = 3, warp_specialize = true, pingpong = true",
                     "warp_specialize = true",
                     "warp_specialize = true, pingpong = true",
                     "pingpong = true",
                     "stages = 3, warp_specialize = true, overlap = true",
                     "warp_specialize = true, overlap = true, pingpong = true",
                     "warp_specialize = true, overlap = true, rescale_before_pv = true",
                     "rescale_before_pv = true",
                     "descending_keys = true",
                     "warp_specialize = true, overlap = true, persistent = true, descending_keys = true",
                     "warp_specialize = true, producer_convert = true",
                     "producer_convert = true"])),
                (r"#bsattn\.(csr|causal)", rng.choice(["#bsattn.causal", "#bsattn.csr",
                                                       "#bsattn.sliding_window<2>"])),
                (r"pv = (bf16|f16|split_bf16)", "pv = " + rng.choice(["bf16", "f16", "split_bf16"]))]
        pattern, repl = rng.choice(subs)
        return re.sub(pattern, repl, text, count=1), kind
    if kind == "abi":
        subs = [(r'arg = (\d+) : i64', lambda m: "arg = %d : i64" % rng.choice([-1, 99, 2**40, int(m.group(1)) + 1])),
                (r'kind = "\w+"', lambda m: 'kind = "%s"' % rng.choice(["pointer", "dim", "tensor_map", "x", ""])),
                (r'name = "\w+"', lambda m: 'name = %s' % rng.choice(['""', '"q"', '"zz"', '1 : i64'])),
                (r'box = \[[^\]]*\]', lambda m: rng.choice(["box = []", "box = [1, 2]", 'box = "x"', "box = [0, 1, 1, 1]"])),
                (r', swizzle = \d+ : i64', lambda m: rng.choice(["", ", swizzle = \"x\""])),
                (r'dim = (\d+) : i64', lambda m: "dim = %d : i64" % rng.choice([-1, 7, 2**40])),
                (r'\{arg = [^{}]*\}, ', lambda m: ""),
                (r'bsattn\.abi = \[', lambda m: "bsattn.abi = [1 : i64, ")]
        pattern, repl = rng.choice(subs)
        matches = list(re.finditer(pattern, text))
        if matches:
            m = rng.choice(matches)
            return text[:m.start()] + repl(m) + text[m.end():], kind
    if kind == "kernel_attr":
        attrs = ["bsattn.block", "bsattn.shared_bytes", "bsattn.sparsity", "bsattn.pv",
                 "bsattn.scale", "bsattn.function_type", "bsattn.persistent", "bsattn.abi"]
        name = rng.choice(attrs)
        values = ["1 : i64", "\"x\"", "[1, 2]", "unit", "#bsattn.csr", "f32",
                  "(i1) -> ()", "(memref<?xf32>) -> i32", "-5 : i64", "0x7FC00000 : f32",
                  "[128 : i64, 1 : i64]", "[0 : i64, 1 : i64, 1 : i64]"]
        m = re.search(r'%s = ' % re.escape(name), text)
        if m:
            # Replace the value up to the next ", bsattn." or "}".
            end = re.compile(r", (bsattn|nvvm)\.|\}\s*\{").search(text, m.end())
            if end:
                if rng.random() < 0.3:
                    start = text.rfind(",", 0, m.start())
                    return text[:start] + text[end.start():], "drop " + name
                return text[:m.end()] + rng.choice(values) + text[end.start():], "retype " + name
        elif name == "bsattn.persistent":
            return text.replace("bsattn.pv =", "bsattn.persistent = %s, bsattn.pv =" % rng.choice(values), 1), "add persistent"
    if kind == "name":
        name = rng.choice(UNUSUAL_NAMES)
        quoted = '@"%s"' % name if not IDENT.match(name) else "@" + name
        m = re.search(r"(llvm\.func|func\.func) @(\w+)\(", text)
        if m:
            return text[:m.start(2) - 1] + quoted + text[m.end(2):], kind
    if kind == "delete_line" and len(lines) > 3:
        i = rng.randrange(len(lines))
        del lines[i]
        return "\n".join(lines), kind
    if kind == "dup_line" and len(lines) > 3:
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i])
        return "\n".join(lines), kind
    # number (outside string literals: the kernels' inline assembly is the
    # lowering's own text, not input a user writes)
    strings = [m.span() for m in re.finditer(r'"(?:[^"\\\n]|\\.)*"', text)]
    matches = [m for m in re.finditer(r"(?<![%#@\w.])\d+(?![\w.])", text)
               if not any(a <= m.start() < b for a, b in strings)]
    if matches:
        m = rng.choice(matches)
        sizes = EXTREME_SIZES + [-1]
        # MLIR 22's own parser segfaults on an llvm.extractvalue or
        # llvm.insertvalue position of 2^32 or more (`mlir-opt` alone does:
        # docs/usage.md); that is upstream's bug, not one bsattn can fix.
        if AGGREGATE_POSITION.search(text[text.rfind("\n", 0, m.start()) + 1:m.start()]):
            sizes = [s for s in sizes if s < 2**32]
        return text[:m.start()] + str(rng.choice(sizes)) + text[m.end():], "number"
    return text, "none"


TOKEN = re.compile(r'"[^"\n]*"|[%@^#!]?[\w.$-]+|->|\S')
VOCAB = ["bf16", "f16", "f32", "i32", "index", "?", "0", "1", "128", "2147483648",
         "#bsattn.csr", "#bsattn.causal", "pv", "ins", "outs", "seq_lens",
         "indices", "memref<*xbf16>", ",", "(", ")", "{", "}", "x", "%q", "%k"]


def mutate_tokens(rng, text):
    tokens = [m.group(0) for m in TOKEN.finditer(text)]
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(tokens))
        op = rng.random()
        if op < 0.3:
            del tokens[i]
        elif op < 0.5:
            tokens.insert(i, tokens[i])
        elif op < 0.7 and re.match(r"^\d+$", tokens[i]):
            tokens[i] = str(rng.choice(EXTREME_SIZES))
        elif op < 0.85:
            tokens[i] = rng.choice(VOCAB)
        else:
            j = rng.randrange(len(tokens))
            tokens[i], tokens[j] = tokens[j], tokens[i]
    return " ".join(tokens) + "\n"


# --------------------------------------------------------------------------
# Running the tools
# --------------------------------------------------------------------------

class Runner:
    def __init__(self, opt, translate, timeout, workdir):
        self.opt = opt
        self.translate = translate
        self.timeout = timeout
        self.workdir = workdir

    def tools(self, level):
        """(name, argv builder, artefact check) for each tool an input of
        `level` goes through."""
        opt, tr = self.opt, self.translate
        all_tools = [
            ("opt-parse", lambda i, o: [opt, i], self.check_opt(None)),
            ("opt-tile", lambda i, o: [opt, i, "--bsattn-tile"], self.check_opt("tile")),
            ("opt-fuse-softmax", lambda i, o: [opt, i, "--bsattn-tile", "--bsattn-fuse-softmax"],
             self.check_opt("fuse")),
            ("opt-to-kernel", lambda i, o: [opt, i, "--bsattn-to-kernel"], self.check_opt("kernel")),
            ("opt-to-ptx", lambda i, o: [opt, i, "--bsattn-to-ptx"], self.check_opt("ptx")),
            ("opt-schedule", lambda i, o: [opt, i, "--pass-pipeline=" + SCHEDULE_PIPELINE],
             self.check_opt("kernel")),
            ("emit-ptx", lambda i, o: [tr, "--emit-ptx", i, "-o", o], self.check_ptx),
            ("emit-cubin", lambda i, o: [tr, "--emit-cubin", i, "-o", o], self.check_cubin),
            ("emit-manifest", lambda i, o: [tr, "--emit-manifest", i, "-o", o], self.check_manifest),
            ("emit-challenge-submission",
             lambda i, o: [tr, "--emit-challenge-submission", "--bsattn-submission-dir", o, i],
             self.check_submission),
        ]
        return all_tools

    # Each check returns None when the artefact is right, else a reason.
    def check_opt(self, stage):
        def check(case, out, stdout):
            if not stdout.strip():
                return "exit 0 with no output"
            if stage in ("kernel", "ptx"):
                m = BSATTN_OP.search(stdout)
                if m:
                    return "exit 0 but a bsattn op is left: %r" % m.group(0).strip()
                if case.kernels is not None:
                    found = len(re.findall(r"\bbsattn\.abi = ", stdout)) if stage == "kernel" \
                        else len(re.findall(r"gpu\.binary @", stdout))
                    if found != case.kernels:
                        return "exit 0 with %d kernels for %d" % (found, case.kernels)
            if case.nested:
                return None
            if stage == "tile" and re.search(r'(^|\s)"?bsattn\.attention\b', stdout, re.M):
                return "exit 0 but bsattn.attention is left"
            if stage == "fuse" and re.search(r'(^|\s)"?bsattn\.key_block_loop\b', stdout, re.M):
                return "exit 0 but bsattn.key_block_loop is left"
            return None
        return check

    def check_ptx(self, case, out, stdout):
        text = read(out)
        if ".entry" not in text or ".target sm_" not in text:
            return "exit 0 but the .ptx holds no kernel"
        return None

    def check_cubin(self, case, out, stdout):
        if not read(out, binary=True).startswith(b"\x7fELF"):
            return "exit 0 but the .cubin is not an ELF file"
        return None

    def check_manifest(self, case, out, stdout):
        try:
            manifest = json.loads(read(out))
        except ValueError as error:
            return "exit 0 but the manifest is not JSON: %s" % error
        if manifest.get("format") != "bsattn-kernel-manifest":
            return "exit 0 but the manifest has no format"
        if not IDENT.match(manifest.get("entry", "")):
            return "exit 0 with entry name %r" % manifest.get("entry")
        if case.roles:
            for param in manifest.get("params", []):
                if param.get("kind") in ("tensor_map", "pointer"):
                    want = case.roles.get(param.get("name"))
                    if want is not None and want != param.get("arg"):
                        return "manifest passes argument %s as '%s', the input names %s" % (
                            param.get("arg"), param.get("name"), want)
        return None

    def check_submission(self, case, out, stdout):
        for name in ["submission.py", "bsattn_cuda.py", "bsattn_torch.py"]:
            if not os.path.isfile(os.path.join(out, name)):
                return "exit 0 but the submission has no %s" % name
        manifests = glob.glob(os.path.join(out, "bsattn_kernel_*.json"))
        if not manifests:
            return "exit 0 but the submission has no kernel manifest"
        for manifest in manifests:
            cubin_path = manifest[:-len(".json")] + "_cubin.txt"
            if not os.path.isfile(cubin_path):
                return "exit 0 but %s has no cubin" % os.path.basename(manifest)
            if not base64.b64decode(read(cubin_path)).startswith(b"\x7fELF"):
                return "exit 0 but the submission's cubin is not an ELF file"
            reason = self.check_manifest(case, manifest, stdout)
            if reason:
                return reason
        return None

    def run(self, case, index, tool):
        name, argv, check = tool
        work = tempfile.mkdtemp(dir=self.workdir)
        try:
            path = os.path.join(work, "input.mlir")
            with open(path, "w") as f:
                f.write(case.text)
            out = os.path.join(work, "out")
            cmd = argv(path, out)
            start = time.monotonic()
            try:
                proc = subprocess.run(cmd, capture_output=True, timeout=self.timeout,
                                      env=dict(os.environ, LLVM_DISABLE_CRASH_REPORT="1"))
            except subprocess.TimeoutExpired:
                return name, "hang", "no exit after %d s" % self.timeout, cmd
            elapsed = time.monotonic() - start
            stdout = proc.stdout.decode(errors="replace")
            stderr = proc.stderr.decode(errors="replace")
            for marker in CRASH_MARKERS:
                if marker in stderr:
                    line = next(l for l in stderr.splitlines() if marker in l)
                    outcome = "upstream" if upstream_parser_crash(stderr) else "crash"
                    return name, outcome, "%s (exit %d): %s" % (marker, proc.returncode,
                                                                line.strip()[:300]), cmd
            if proc.returncode < 0 or proc.returncode > 1:
                return name, "crash", "exit %d: %s" % (proc.returncode, tail(stderr)), cmd
            if proc.returncode == 1:
                if "error:" not in stderr:
                    return name, "silent", "exit 1 without a diagnostic: %s" % tail(stderr), cmd
                # The challenge's contract is narrower (bf16 CSR kernels with
                # D = 128 and every tensor passed separately).
                if (case.expect == "ok" and name != "emit-challenge-submission") or \
                        (case.expect == "variants" and name == "opt-parse"):
                    return name, "refused", tail(stderr), cmd
                return name, "ok", None, cmd
            # Exit 0.
            # bsattn-opt compiles any number of kernels and leaves compiled
            # gpu.binary input alone; the emitters take exactly one kernel
            # that is not compiled yet.
            emitter = not name.startswith("opt-")
            pipeline = emitter or name in ("opt-to-kernel", "opt-to-ptx")
            if (case.expect == "reject" and (emitter or case.level != "binary")) or \
                    (case.expect == "reject-pipelines" and pipeline) or \
                    (case.expect == "many" and emitter) or \
                    (case.expect == "variants" and name not in (
                        "opt-parse", "emit-challenge-submission")):
                return name, "silent", "exit 0 on an input it must refuse (%s)" % case.note, cmd
            if elapsed > self.timeout / 2:
                return name, "hang", "took %.1f s" % elapsed, cmd
            reason = check(case, out, stdout)
            if reason:
                return name, "silent", reason, cmd
            return name, "ok", None, cmd
        finally:
            shutil.rmtree(work, ignore_errors=True)


# A frame of a crash's backtrace (LLVM's or a sanitizer's) and the module it
# is in.
FRAME = re.compile(r"^\s*#\d+ 0x[0-9a-f]+ (?:in )?(.*)$")
PARSE_FRAME = re.compile(r"parse(Asm)?SourceFile")


def upstream_parser_crash(stderr):
    """Whether a crash happened inside MLIR's own parsing of the input, with
    none of bsattn's code between the parser's entry and the crash: a bug of
    upstream MLIR on malformed input (docs/usage.md), not one of bsattn's."""
    frames = [m.group(1) for m in map(FRAME.match, stderr.splitlines()) if m]
    entry = next((i for i, frame in enumerate(frames) if PARSE_FRAME.search(frame)), None)
    if entry is None:
        return False
    # Frames from the crash down to the parser: upstream libraries only.
    return not any("bsattn" in frame for frame in frames[:entry + 1])


def read(path, binary=False):
    try:
        with open(path, "rb" if binary else "r") as f:
            return f.read()
    except (OSError, UnicodeDecodeError):
        return b"" if binary else ""


def tail(text, lines=3):
    return " | ".join(text.strip().splitlines()[-lines:])[:400]


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------

def seeds_for(runner, levels):
    """Valid tile- and kernel-level programs, made by the tools themselves
    from valid attention inputs."""
    base = []
    if not any(level in levels for level in ("tile", "schedule", "kernel", "binary")):
        return {}
    for sparsity, extra in (("#bsattn.csr", ""), ("#bsattn.causal", ""),
                            ("#bsattn.sliding_window<2>", " {tuning = #bsattn.tuning<persistent = true>}")):
        csr = sparsity == "#bsattn.csr"
        text = ("func.func @seed(%q: memref<?x?x?x128xbf16>, %k: memref<?x?x?x128xbf16>, "
                "%v: memref<?x?x?x128xbf16>, %s: memref<?xi32>, " +
                ("%rp: memref<?x?x?xi32>, %ci: memref<?x?x?xi32>, " if csr else "") +
                "%o: memref<?x?x?x128xbf16>, %l: memref<?x?x?xf32>) {\n"
                "  bsattn.attention " + sparsity + " pv = f16\n" +
                "      ins(%q, %k, %v : memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>)\n"
                "      seq_lens(%s : memref<?xi32>)\n" +
                ("      indices(%rp, %ci : memref<?x?x?xi32>, memref<?x?x?xi32>)\n" if csr else "") +
                "      outs(%o, %l : memref<?x?x?x128xbf16>, memref<?x?x?xf32>)" + extra + "\n  return\n}\n")
        base.append(text)
    for tuning in SCHEDULE_TUNINGS:
        for text in base[:2]:
            base.append(text.replace(")\n  return", ") {tuning = #bsattn.tuning<%s>}\n  return" % tuning))
    tiles, fused, schedules, kernels, binaries = [], [], [], [], []
    with tempfile.TemporaryDirectory(dir=runner.workdir) as work:
        for i, text in enumerate(base):
            path = os.path.join(work, "seed%d.mlir" % i)
            with open(path, "w") as f:
                f.write(text)
            def opt(*args):
                return subprocess.run([runner.opt, path] + list(args), capture_output=True,
                                      check=True, text=True).stdout
            schedule = opt("--bsattn-to-schedule")
            schedules.append(schedule)
            if i >= 3:
                # Schedule passes only for the tuned seeds.
                continue
            tiles.append(opt("--bsattn-tile"))
            fused.append(opt("--bsattn-tile", "--bsattn-fuse-softmax"))
            kernels.append(opt("--bsattn-to-kernel"))
            if i == 0:
                binaries.append(opt("--bsattn-to-ptx"))
    return {"tile": tiles + fused, "schedule": schedules, "kernel": kernels,
            "binary": binaries}


LEVELS = ("attention", "many", "tile", "schedule", "kernel", "binary", "tokens")
# How often each level is drawn.
WEIGHTS = {"attention": 40, "many": 2, "tile": 18, "schedule": 12, "kernel": 14,
           "binary": 2, "tokens": 12}
# The passes bsattn-to-kernel runs on the schedule level, for schedule-level
# inputs.
SCHEDULE_PIPELINE = ("builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, "
                     "bsattn-rebalance-registers, bsattn-overlap, bsattn-pingpong), "
                     "canonicalize, "
                     "llvm.func(bsattn-allocate-shared), "
                     "convert-bsattn-schedule-to-nvvm))")
# Tunings the schedule-level seeds are made with.
SCHEDULE_TUNINGS = ("warp_specialize = true",
                    "stages = 3, warp_specialize = true, overlap = true, pingpong = true, "
                    "producer_convert = true")


def generate(rng, levels, seeds, examples):
    level = rng.choices(levels, [WEIGHTS[l] for l in levels])[0]
    if level == "attention":
        return AttentionGen(rng).case()
    if level == "many":
        return many_kernels(rng)
    if level in ("tile", "schedule"):
        text = rng.choice(seeds[level])
        kinds = []
        for _ in range(rng.randint(1, 2)):
            text, kind = mutate_ir(rng, text, level)
            kinds.append(kind)
        return Case(level, text, "any", note=",".join(kinds))
    if level == "kernel":
        text, kind = mutate_ir(rng, rng.choice(seeds["kernel"]), "kernel")
        return Case("kernel", text, "any", note=kind)
    if level == "binary":
        return Case("binary", rng.choice(seeds["binary"]), "reject",
                    note="gpu.binary input")
    return Case("tokens", mutate_tokens(rng, rng.choice(examples)), "any",
                note="token mutation")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"),
                        help="folder with bsattn-opt and bsattn-translate")
    parser.add_argument("--opt", help="bsattn-opt (default: in --bin)")
    parser.add_argument("--translate", help="bsattn-translate (default: in --bin)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=200, help="inputs to generate")
    parser.add_argument("--time-budget", type=float, default=0,
                        help="stop generating after this many seconds (0: no limit)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds per run")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", default=os.path.join(ROOT, "out", "fuzz"),
                        help="where failing inputs are written")
    parser.add_argument("--tools", default="", help="comma-separated subset of the tools")
    parser.add_argument("--levels", default=",".join(LEVELS),
                        help="comma-separated subset of: " + ", ".join(LEVELS))
    args = parser.parse_args()

    os.makedirs(args.out, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="bsattn-fuzz-")
    runner = Runner(args.opt or os.path.join(args.bin, "bsattn-opt"),
                    args.translate or os.path.join(args.bin, "bsattn-translate"),
                    args.timeout, workdir)
    rng = random.Random(args.seed)
    examples = []
    for name in sorted(os.listdir(os.path.join(ROOT, "examples"))):
        with open(os.path.join(ROOT, "examples", name)) as f:
            examples.append(f.read())
    levels = args.levels.split(",")
    unknown = set(levels) - set(LEVELS)
    if unknown:
        parser.error("unknown levels: %s" % ", ".join(sorted(unknown)))
    seeds = seeds_for(runner, levels)
    tools = runner.tools(None)
    if args.tools:
        wanted = args.tools.split(",")
        tools = [t for t in tools if t[0] in wanted]

    start = time.monotonic()
    counts = {t[0]: 0 for t in tools}
    outcomes = {"crash": 0, "hang": 0, "silent": 0, "refused": 0, "upstream": 0}
    drawn = {}
    inputs = 0
    failures = []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        pending = {}

        def more():
            return inputs < args.count and (not args.time_budget or
                                            time.monotonic() - start < args.time_budget)
        while more() or pending:
            while more() and len(pending) < 4 * args.jobs:
                case = generate(rng, levels, seeds, examples)
                drawn[case.level] = drawn.get(case.level, 0) + 1
                for tool in tools:
                    if tool[0] not in case.skip_tools:
                        pending[pool.submit(runner.run, case, inputs, tool)] = (inputs, case)
                inputs += 1
            done, _ = concurrent.futures.wait(list(pending),
                                              return_when="FIRST_COMPLETED")
            for future in done:
                index, case = pending.pop(future)
                name, outcome, reason, cmd = future.result()
                counts[name] += 1
                if outcome not in outcomes:
                    continue
                outcomes[outcome] += 1
                path = os.path.join(args.out, "seed%d-input%d-%s.mlir" % (args.seed, index, name))
                with open(path, "w") as f:
                    f.write("// %s: %s\n// %s\n// level %s, expect %s, %s\n" % (
                        outcome, reason, " ".join(cmd), case.level, case.expect, case.note))
                    f.write(case.text)
                failures.append((outcome, name, reason, path))
    shutil.rmtree(workdir, ignore_errors=True)
    return report(args, inputs, drawn, counts, outcomes, failures,
                  time.monotonic() - start)


def report(args, inputs, levels, counts, outcomes, failures, elapsed):
    for outcome, name, reason, path in failures:
        print("FUZZ %s in %s: %s\n  input: %s" % (outcome.upper(), name, reason, path))
    runs = sum(counts.values())
    print("fuzz: seed %d, %d inputs (%s), %d runs in %.0f s" % (
        args.seed, inputs, ", ".join("%s %d" % kv for kv in sorted(levels.items())),
        runs, elapsed))
    print("fuzz: runs per tool: " + ", ".join("%s %d" % kv for kv in counts.items()))
    print("fuzz: %d crashes, %d hangs, %d silent failures, %d refused valid inputs" % (
        outcomes["crash"], outcomes["hang"], outcomes["silent"], outcomes["refused"]))
    if outcomes["upstream"]:
        print("fuzz: %d crashes inside MLIR's own parser (upstream bugs, reported, "
              "not failures)" % outcomes["upstream"])
    return 1 if any(outcome != "upstream" for outcome, _, _, _ in failures) else 0


if __name__ == "__main__":
    sys.exit(main())
