"""The pattern builders: their attributes, the CSR that block_mask builds,
and the errors for bad parameters."""

import re

import pytest
import torch

import bsattn
from bsattn import PatternError


def test_static_pattern_attributes():
    assert bsattn.causal().sparsity_attr() == "#bsattn.causal"
    assert bsattn.sliding_window(8).sparsity_attr() == \
        "#bsattn.sliding_window<8>"
    assert bsattn.window_global(5, 2).sparsity_attr() == \
        "#bsattn.window_global<5, 2>"
    assert bsattn.window_global(1, 0).sparsity_attr() == \
        "#bsattn.window_global<1, 0>"
    assert bsattn.full().sparsity_attr() == "#bsattn.full"
    assert [p.causal for p in (bsattn.causal(), bsattn.full(),
                               bsattn.sliding_window(2),
                               bsattn.window_global(2, 1))] == \
        [True, False, True, True]


def test_sliding_window_both_ways():
    assert bsattn.sliding_window(4, causal=False).sparsity_attr() == \
        "#bsattn.sliding_window<4, causal = false>"
    assert not bsattn.sliding_window(4, causal=False).causal
    with pytest.raises(PatternError,
                       match="sliding_window: causal must be a bool"):
        bsattn.sliding_window(4, causal="no")


def test_csr_causal_flag():
    row_ptr = torch.zeros(1, 1, 2, dtype=torch.int32)
    col_idx = torch.zeros(1, 1, 1, dtype=torch.int32)
    assert bsattn.csr(row_ptr, col_idx).sparsity_attr() == "#bsattn.csr"
    assert bsattn.csr(row_ptr, col_idx, causal=False).sparsity_attr() == \
        "#bsattn.csr<causal = false>"
    with pytest.raises(PatternError, match="csr: causal must be a bool, got int"):
        bsattn.csr(row_ptr, col_idx, causal=0)


def test_csr_lists_per_kv_head():
    row_ptr = torch.zeros(1, 2, 3, dtype=torch.int32)
    col_idx = torch.zeros(1, 2, 1, dtype=torch.int32)
    pattern = bsattn.csr(row_ptr, col_idx, per_kv_head=True)
    assert pattern.sparsity_attr() == "#bsattn.csr<per_kv_head = true>"
    assert bsattn.csr(row_ptr, col_idx, causal=False,
                      per_kv_head=True).sparsity_attr() == \
        "#bsattn.csr<causal = false, per_kv_head = true>"
    # Lists for H_kv = 2 heads of k and v serve H = 8 query heads.
    pattern.check_fits(1, 8, 256, kv_heads=2)
    with pytest.raises(PatternError, match=(
            r"csr: row_ptr must have shape \[1, 4, 3\] "
            r"\(\[B, H_kv, ceil\(T/128\) \+ 1\]\) for q of B=1, H_kv=4, "
            r"T=256, got \[1, 2, 3\]")):
        pattern.check_fits(1, 8, 256, kv_heads=4)
    with pytest.raises(PatternError,
                       match="csr: per_kv_head must be a bool, got str"):
        bsattn.csr(row_ptr, col_idx, per_kv_head="yes")
    masked = bsattn.block_mask(lambda b, h, q, kv: kv <= q, 1, 2, 256,
                               device="cpu", per_kv_head=True)
    assert masked.per_kv_head and masked.row_ptr.shape == (1, 2, 3)


@pytest.mark.parametrize("build, message", [
    (lambda: bsattn.sliding_window(0),
     "sliding_window: window (key blocks) must be >= 1, got 0"),
    (lambda: bsattn.sliding_window(2.0),
     "sliding_window: window (key blocks) must be an int, got float"),
    (lambda: bsattn.sliding_window(True),
     "sliding_window: window (key blocks) must be an int, got bool"),
    (lambda: bsattn.window_global(0, 1),
     "window_global: window (key blocks) must be >= 1, got 0"),
    (lambda: bsattn.window_global(4, -1),
     "window_global: globals (key blocks) must be >= 0, got -1"),
])
def test_static_pattern_errors(build, message):
    with pytest.raises(PatternError, match=f"^{re.escape(message)}$"):
        build()


def i32(*shape):
    return torch.zeros(shape, dtype=torch.int32)


@pytest.mark.parametrize("row_ptr, col_idx, message", [
    ([0, 1], i32(1, 1, 1), "csr: row_ptr must be a torch.Tensor, got list"),
    (i32(1, 1, 2).long(), i32(1, 1, 1),
     "csr: row_ptr must be int32, got torch.int64"),
    (i32(1, 1, 2), i32(1, 1, 1).float(),
     "csr: col_idx must be int32, got torch.float32"),
    (i32(1, 2), i32(1, 1, 1),
     r"csr: row_ptr must have 3 dimensions \(\[B, H, ...\]\), got shape \[1, 2\]"),
    (i32(1, 2, 3), i32(1, 1, 4),
     r"csr: row_ptr \[1, 2, 3\] and col_idx \[1, 1, 4\] must agree on \[B, H\]"),
    (i32(1, 1, 1), i32(1, 1, 4),
     r"csr: row_ptr must hold ceil\(T/128\) \+ 1 >= 2 offsets per head"),
    (i32(1, 1, 2), i32(1, 1, 4).to("meta"),
     "csr: row_ptr is on cpu, col_idx on meta"),
])
def test_csr_errors(row_ptr, col_idx, message):
    with pytest.raises(PatternError, match=message):
        bsattn.csr(row_ptr, col_idx)


def test_csr_checks_shape_against_q():
    pattern = bsattn.csr(i32(2, 4, 9), i32(2, 4, 10))
    pattern.check_fits(2, 4, 1024)
    with pytest.raises(PatternError, match=(
            r"csr: row_ptr must have shape \[2, 4, 17\] "
            r"\(\[B, H, ceil\(T/128\) \+ 1\]\)"
            r" for q of B=2, H=4, T=2048, got \[2, 4, 9\]")):
        pattern.check_fits(2, 4, 2048)


def rows_of(pattern):
    """The CSR rows of every head as lists of key blocks."""
    row_ptr, col_idx = pattern.row_ptr, pattern.col_idx
    B, H, rows = row_ptr.shape
    return [[[col_idx[b, h, row_ptr[b, h, i]:row_ptr[b, h, i + 1]].tolist()
              for i in range(rows - 1)] for h in range(H)] for b in range(B)]


def test_block_mask_sliding_window_matches_the_static_rule():
    window = 3
    pattern = bsattn.block_mask(
        lambda b, h, q, kv: (q - kv < window) & (kv <= q), 2, 3, 6 * 128,
        device="cpu")
    assert pattern.row_ptr.dtype == pattern.col_idx.dtype == torch.int32
    assert pattern.row_ptr.shape == (2, 3, 7)
    expected = [list(range(max(0, i - window + 1), i + 1)) for i in range(6)]
    assert rows_of(pattern) == [[expected] * 3] * 2
    pattern.check_fits(2, 3, 6 * 128)


def test_block_mask_drops_blocks_above_the_diagonal():
    pattern = bsattn.block_mask(lambda b, h, q, kv: kv >= 0, 1, 1, 3 * 128,
                                device="cpu")
    assert rows_of(pattern) == [[[[0], [0, 1], [0, 1, 2]]]]


def test_block_mask_keeps_every_block_when_not_causal():
    pattern = bsattn.block_mask(lambda b, h, q, kv: kv >= 0, 1, 1, 3 * 128,
                                device="cpu", causal=False)
    assert not pattern.causal
    assert rows_of(pattern) == [[[[0, 1, 2], [0, 1, 2], [0, 1, 2]]]]


def test_block_mask_counts_a_partial_last_block():
    # T = 300: blocks of 128, 128 and 44 tokens.
    pattern = bsattn.block_mask(lambda b, h, q, kv: kv >= 0, 1, 1, 300,
                                device="cpu")
    assert rows_of(pattern) == [[[[0], [0, 1], [0, 1, 2]]]]
    pattern.check_fits(1, 1, 300)


def test_block_mask_heads_and_batches_differ():
    # Head h sees only its own key block h; batch entry 1 also sees block 0.
    pattern = bsattn.block_mask(
        lambda b, h, q, kv: (kv == h) | ((b == 1) & (kv == 0)), 2, 2, 2 * 128,
        device="cpu")
    assert rows_of(pattern) == [[[[0], [0]], [[], [1]]],
                                [[[0], [0]], [[0], [0, 1]]]]
    # col_idx is as long as the fullest head's list; the others' tails are
    # padding past their last row.
    assert pattern.col_idx.shape == (2, 2, 3)
    assert pattern.row_ptr[0, 1].tolist() == [0, 0, 1]


def test_block_mask_with_no_block_keeps_one_unread_entry():
    pattern = bsattn.block_mask(lambda b, h, q, kv: q < 0, 1, 2, 256,
                                device="cpu")
    assert pattern.row_ptr.tolist() == [[[0, 0, 0], [0, 0, 0]]]
    assert pattern.col_idx.shape == (1, 2, 1)


@pytest.mark.parametrize("args, message", [
    (("not callable", 1, 1, 128),
     "block_mask: predicate must be callable, got str"),
    ((lambda b, h, q, kv: q, 1, 1, 128),
     "block_mask: predicate must return a bool tensor, got torch.int64"),
    ((lambda b, h, q, kv: True, 1, 1, 128),
     "block_mask: predicate must return a bool tensor, got <class 'bool'>"),
    ((lambda b, h, q, kv: torch.ones(3, 5, dtype=torch.bool), 1, 1, 256),
     r"block_mask: predicate returned shape \[3, 5\], not broadcastable to "
     r"\[B, H, N, N\] = \[1, 1, 2, 2\]"),
    ((lambda b, h, q, kv: kv <= q, 1, 1, 0),
     "block_mask: T must be >= 1, got 0"),
    ((lambda b, h, q, kv: kv <= q, 0, 1, 128),
     "block_mask: B must be >= 1, got 0"),
    ((lambda b, h, q, kv: kv <= q, 1, "2", 128),
     "block_mask: H must be an int, got str"),
])
def test_block_mask_errors(args, message):
    with pytest.raises(PatternError, match=message):
        bsattn.block_mask(*args, device="cpu")
