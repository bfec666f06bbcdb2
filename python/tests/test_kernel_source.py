"""The op text written for each kernel key: bsattn-opt parses and verifies
it and prints it back unchanged; the real compiler builds a kernel from it
whose manifest has the key's arguments."""

import itertools
import json
import re
import subprocess
from pathlib import Path

import pytest

import bsattn
from bsattn import compiler
from bsattn.kernel_source import (TUNING_PARAMETERS, KernelKey, choose_pv,
                                  f32_literal, tuning_attr)

PATTERNS = [bsattn.causal(), bsattn.full(), bsattn.sliding_window(8),
            bsattn.sliding_window(3, causal=False), bsattn.window_global(5, 2)]
SPARSITIES = [p.sparsity_attr() for p in PATTERNS] + [
    "#bsattn.csr", "#bsattn.csr<causal = false>"]
KEYS = [KernelKey(dtype, head_dim, sparsity, pv, scale, tuning, kv_group)
        for (dtype, pv), head_dim, sparsity, scale, tuning, kv_group
        in itertools.product(
            [("bf16", "f16"), ("bf16", "split_bf16"), ("bf16", "bf16"),
             ("f16", "f16")],
            [64, 96, 128, 192, 256], SPARSITIES, [None, f32_literal(0.1)],
            [None, tuning_attr({"stages": 3, "persistent": True})], [1, 4])]


def run_opt(opt, text):
    result = subprocess.run([opt, "-"], input=text, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_every_key_round_trips_through_bsattn_opt(opt):
    # One bsattn-opt process for all keys: a module of every function.
    source = "\n".join(key.op_text().replace("func.func @", f"func.func @k{i}_")
                       for i, key in enumerate(KEYS))
    printed = run_opt(opt, source)
    assert run_opt(opt, printed) == printed
    ops = [line.strip() for line in printed.splitlines()
           if "bsattn.attention" in line]
    assert len(ops) == len(KEYS)
    for key, op in zip(KEYS, ops):
        assert op.startswith(f"bsattn.attention {key.sparsity} pv = {key.pv} ")
        assert f"x{key.head_dim}x{key.dtype}>" in op
        assert ("indices(" in op) == key.sparsity.startswith("#bsattn.csr")
        assert ("scale = 1.000000e-01 : f32" in op) == (key.scale is not None)
        assert ("#bsattn.tuning<stages = 3, persistent = true>" in op) == \
            (key.tuning is not None)
        assert ("kv_group = 4 : i64" in op) == (key.kv_group == 4)


def test_op_text_names_the_kernel_by_what_it_computes():
    key = KernelKey("f16", 64, "#bsattn.window_global<5, 2>", "f16")
    assert key.entry == "attention_window_global_f16_d64"
    assert key.op_text().startswith(
        "// Written by the bsattn Python package: f16, D = 64, "
        "#bsattn.window_global<5, 2>, pv = f16.\n"
        "func.func @attention_window_global_f16_d64(%q: memref<?x?x?x64xf16>,")


def test_grouped_query_key():
    key = KernelKey("bf16", 128, "#bsattn.causal", "f16", kv_group=8)
    assert key.entry == "attention_causal_bf16_d128_g8"
    assert "{kv_group = 8}" in key.op_text()
    # Without a group the op text, and so the cache entry, is as before.
    assert "kv_group" not in KernelKey("bf16", 128, "#bsattn.causal",
                                       "f16").op_text()
    for bad in (0, 2.0, True):
        with pytest.raises(ValueError, match="kv_group must be a positive int"):
            KernelKey("bf16", 128, "#bsattn.causal", "f16", kv_group=bad)


def test_bidirectional_csr_kernel_has_its_own_name():
    key = KernelKey("bf16", 128, "#bsattn.csr<causal = false>", "f16")
    assert key.needs_indices
    assert key.entry == "attention_csr_bidirectional_bf16_d128"
    assert KernelKey("f16", 64, "#bsattn.sliding_window<3, causal = false>",
                     "f16").entry == \
        "attention_sliding_window_bidirectional_f16_d64"
    assert KernelKey("bf16", 128, "#bsattn.csr<per_kv_head = true>", "f16",
                     kv_group=4).entry == "attention_csr_kv_lists_bf16_d128_g4"


def test_scale_literal_is_the_float32_value():
    # Spellings of one float32 give one op text, so one cache entry.
    assert f32_literal(0.125) == "0.125"
    assert f32_literal(128 ** -0.5) == f32_literal(0.08838834764831845)
    assert f32_literal(0.1) == "0.10000000149011612"
    assert f32_literal(0.1) != f32_literal(0.1000001)


def test_pv_auto_and_its_errors():
    assert choose_pv("auto", "bf16") == "f16"
    assert choose_pv("auto", "f16") == "f16"
    assert choose_pv("split_bf16", "bf16") == "split_bf16"
    with pytest.raises(ValueError, match=r"pv='split_bf16' needs bf16 inputs; "
                       r"f16 inputs take pv='f16' \(or 'auto'\)"):
        choose_pv("split_bf16", "f16")
    with pytest.raises(ValueError, match=r"pv must be 'auto' or one of "
                       r"\['bf16', 'f16', 'split_bf16'\], got 'fp8'"):
        choose_pv("fp8", "bf16")


def test_tuning_parameters_are_the_attributes():
    # The front end knows exactly the parameters the dialect declares.
    td = (Path(__file__).resolve().parents[2] / "include" / "bsattn" /
          "Dialect" / "BSAttn" / "IR" / "BSAttnAttrs.td").read_text()
    tuning = td[td.index('def BSAttn_TuningAttr'):]
    start = tuning.index("let parameters")
    tuning = tuning[start:tuning.index(");", start)]
    declared = re.findall(
        r'DefaultValuedParameter<"(\w+)", "[^"]*",\s*"[^"]*">\s*:\$(\w+)',
        tuning)
    kinds = {"int64_t": int, "bool": bool}
    assert [(name, kinds[kind]) for kind, name in declared] == \
        list(TUNING_PARAMETERS.items())


def test_tuning_attribute_and_its_errors():
    assert tuning_attr(None) is None
    assert tuning_attr({}) == "#bsattn.tuning<>"
    assert tuning_attr({"persistent": False, "block_q": 64,
                        "warpgroups": 1}) == \
        "#bsattn.tuning<block_q = 64, warpgroups = 1, persistent = false>"
    with pytest.raises(ValueError, match=r"unknown tuning parameters "
                       r"\['warps'\]; known: \['block_q', 'block_k', 'stages',"
                       r" 'warpgroups', 'persistent', 'warp_specialize', "
                       r"'pingpong', 'overlap', 'producer_convert', "
                       r"'dynamic_tiles', 'value_stages', "
                       r"'rescale_before_pv', 'descending_keys', "
                       r"'single_query_buffer', 'carry_schedule', "
                       r"'pv_wait_columns', 'early_next_query', "
                       r"'padding_tiles_last', 'prefetch_indices', "
                       r"'prefetch_blocks', 'poly_exp2_columns', "
                       r"'rescale_threshold', 'early_scalar_loads', "
                       r"'warp_kept_maxima', 'announce_blocks'\]"):
        tuning_attr({"warps": 4})
    with pytest.raises(ValueError, match="tuning 'stages' must be int, got '2'"):
        tuning_attr({"stages": "2"})
    with pytest.raises(ValueError, match="tuning 'persistent' must be bool, "
                       "got 1"):
        tuning_attr({"persistent": 1})
    with pytest.raises(ValueError, match="tuning must be a dict, got list"):
        tuning_attr([("stages", 2)])


@pytest.mark.parametrize("sparsity", SPARSITIES)
def test_real_compiler_builds_each_pattern_kind(translate, monkeypatch,
                                                isolated_cache, sparsity):
    monkeypatch.setenv("BSATTN_TRANSLATE", translate)
    key = KernelKey("bf16", 128, sparsity, "f16")
    cubin, manifest = compiler.load_kernel(key)
    assert cubin.startswith(b"\x7fELF")
    assert manifest["entry"] == key.entry
    assert manifest["sparsity"] == sparsity
    roles = [argument["role"] for argument in manifest["arguments"]]
    indices = ["row_ptr", "col_idx"] if key.needs_indices else []
    assert roles == ["q", "k", "v", "seq_lens", *indices, "o", "lse"]
    [entry] = isolated_cache.iterdir()
    assert json.loads((entry / "kernel.json").read_text()) == manifest
    assert (entry / "kernel.mlir").read_text() == key.op_text()
