"""Sparsity patterns: which key blocks each query block attends to.

Tokens are grouped in blocks of BLOCK_SIZE. Static patterns (causal, sliding
window, window + global blocks) are compiled into the kernel, which then
loads no indices; a CSR pattern is read at run time, so one kernel serves
every CSR pattern of its dtype and head dimension. Whatever a pattern lists,
the kernel keeps only key blocks that hold a key before seq_len and, for a
causal pattern (all but full() and csr/sliding_window(..., causal=False)),
only blocks
j <= i and inside block i only keys at or before the query
(docs/semantics.md).
"""

import dataclasses

import torch

BLOCK_SIZE = 128


class PatternError(ValueError):
    """A pattern's parameters or index tensors are invalid."""


def _check_count(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, int):
        raise PatternError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise PatternError(f"{name} must be >= {minimum}, got {value}")


@dataclasses.dataclass(frozen=True)
class Causal:
    """Every key block 0 .. i: dense causal attention."""

    causal = True  # whether a query sees only keys at or before it


    def sparsity_attr(self):
        return "#bsattn.causal"


@dataclasses.dataclass(frozen=True)
class Full:
    """Every key block, every key: dense bidirectional attention."""

    causal = False

    def sparsity_attr(self):
        return "#bsattn.full"


@dataclasses.dataclass(frozen=True)
class SlidingWindow:
    """Key blocks max(0, i - window + 1) .. i; the window counts the
    diagonal block. causal=False: blocks max(0, i - window + 1) ..
    i + window - 1, no key hidden for coming after the query."""

    window: int
    causal: bool = True

    def __post_init__(self):
        _check_count("sliding_window: window (key blocks)", self.window, 1)
        if not isinstance(self.causal, bool):
            raise PatternError(f"sliding_window: causal must be a bool, got "
                               f"{type(self.causal).__name__}")

    def sparsity_attr(self):
        both_ways = "" if self.causal else ", causal = false"
        return f"#bsattn.sliding_window<{self.window}{both_ways}>"


@dataclasses.dataclass(frozen=True)
class WindowGlobal:
    """The sliding window plus the key blocks 0 .. globals - 1."""

    causal = True

    window: int
    globals: int

    def __post_init__(self):
        _check_count("window_global: window (key blocks)", self.window, 1)
        _check_count("window_global: globals (key blocks)", self.globals, 0)

    def sparsity_attr(self):
        return f"#bsattn.window_global<{self.window}, {self.globals}>"


@dataclasses.dataclass(frozen=True, eq=False)
class Csr:
    """Row i of head (b, h) lists the key blocks
    col_idx[b, h, row_ptr[b, h, i] : row_ptr[b, h, i + 1]].

    row_ptr is [B, H, ceil(T/128) + 1] and col_idx [B, H, NNZ], int32 on the
    device of q. Entries are used as listed: duplicates count twice, and
    entries outside 0 <= j <= i (outside 0 <= j when not causal) are
    ignored rather than read. causal=False: blocks after the query's are
    used too, and no key is hidden for coming after the query.
    per_kv_head=True (grouped-query attention): the lists are [B, H_kv, ...],
    one per head of k and v, shared by the query heads that read it."""

    row_ptr: torch.Tensor
    col_idx: torch.Tensor
    causal: bool = True
    per_kv_head: bool = False

    def __post_init__(self):
        for name, tensor in (("row_ptr", self.row_ptr),
                             ("col_idx", self.col_idx)):
            if not isinstance(tensor, torch.Tensor):
                raise PatternError(f"csr: {name} must be a torch.Tensor, got "
                                   f"{type(tensor).__name__}")
            if tensor.dtype != torch.int32:
                raise PatternError(f"csr: {name} must be int32, got "
                                   f"{tensor.dtype}")
            if tensor.dim() != 3:
                raise PatternError(
                    f"csr: {name} must have 3 dimensions ([B, H, ...]), got "
                    f"shape {list(tensor.shape)}")
        if self.row_ptr.shape[:2] != self.col_idx.shape[:2]:
            raise PatternError(
                f"csr: row_ptr {list(self.row_ptr.shape)} and col_idx "
                f"{list(self.col_idx.shape)} must agree on [B, H]")
        if self.row_ptr.shape[2] < 2:
            raise PatternError(
                "csr: row_ptr must hold ceil(T/128) + 1 >= 2 offsets per head, "
                "got "
                f"shape {list(self.row_ptr.shape)}")
        if self.row_ptr.device != self.col_idx.device:
            raise PatternError(
                f"csr: row_ptr is on {self.row_ptr.device}, col_idx on "
                f"{self.col_idx.device}")
        for name in ("causal", "per_kv_head"):
            if not isinstance(getattr(self, name), bool):
                raise PatternError(f"csr: {name} must be a bool, got "
                                   f"{type(getattr(self, name)).__name__}")

    def sparsity_attr(self):
        params = ([] if self.causal else ["causal = false"]) + \
            (["per_kv_head = true"] if self.per_kv_head else [])
        return f"#bsattn.csr<{', '.join(params)}>" if params else "#bsattn.csr"

    def check_fits(self, batch, heads, seq_len, kv_heads=None):
        """Raises PatternError unless the indices fit q of [B, H, T, D] (and
        k, v of H_kv = kv_heads heads, default H)."""
        rows = -(-seq_len // BLOCK_SIZE) + 1
        lists, name = heads, "H"
        if self.per_kv_head:
            lists, name = (heads if kv_heads is None else kv_heads), "H_kv"
        if tuple(self.row_ptr.shape) != (batch, lists, rows):
            raise PatternError(
                f"csr: row_ptr must have shape [{batch}, {lists}, {rows}] "
                f"([B, {name}, ceil(T/128) + 1]) for q of B={batch}, "
                f"{name}={lists}, T={seq_len}, got "
                f"{list(self.row_ptr.shape)}")
        # Checked at construction too, but a tensor can be resized in place.
        if tuple(self.col_idx.shape[:2]) != (batch, lists):
            raise PatternError(
                f"csr: col_idx must have shape [{batch}, {lists}, NNZ], got "
                f"{list(self.col_idx.shape)}")


def causal():
    """Dense causal attention: query block i sees key blocks 0 .. i."""
    return Causal()


def full():
    """Dense bidirectional attention: every query sees every key (before
    seq_len), as in encoders."""
    return Full()


def sliding_window(window, *, causal=True):
    """Query block i sees the `window` key blocks ending at i; with
    causal=False also the window - 1 blocks after i (bidirectional)."""
    return SlidingWindow(window, causal)


def window_global(window, globals):
    """A sliding window of `window` key blocks plus blocks 0 .. globals-1."""
    return WindowGlobal(window, globals)


def csr(row_ptr, col_idx, *, causal=True, per_kv_head=False):
    """A pattern read at run time from CSR indices (see Csr); causal=False
    uses entries after the query block too (bidirectional); per_kv_head=True
    takes one list per head of k and v ([B, H_kv, ...])."""
    return Csr(row_ptr, col_idx, causal, per_kv_head)


def block_mask(predicate, B, H, T, *, device="cuda", causal=True,
               per_kv_head=False):
    """Builds the CSR pattern of a block-level predicate, like
    FlexAttention's create_block_mask one level up.

    `predicate(b, h, q_block, kv_block)` is called once with int64 index
    tensors shaped [B,1,1,1], [1,H,1,1], [1,1,N,1] and [1,1,1,N] (N = ceil(T/128))
    and returns a bool tensor broadcastable to [B, H, N, N]: True where
    query block q_block attends to key block kv_block. Blocks above the
    diagonal are dropped unless causal=False (a bidirectional pattern).
    per_kv_head=True: H is the number of heads of k and v (H_kv) and each
    list serves the query heads of its group."""
    if not callable(predicate):
        raise PatternError(f"block_mask: predicate must be callable, got "
                           f"{type(predicate).__name__}")
    _check_count("block_mask: B", B, 1)
    _check_count("block_mask: H", H, 1)
    _check_count("block_mask: T", T, 1)
    blocks = -(-T // BLOCK_SIZE)
    index = torch.arange(blocks, device=device)
    b = torch.arange(B, device=device).view(B, 1, 1, 1)
    h = torch.arange(H, device=device).view(1, H, 1, 1)
    q_block, kv_block = index.view(1, 1, blocks, 1), index.view(1, 1, 1, blocks)
    mask = predicate(b, h, q_block, kv_block)
    if not isinstance(mask, torch.Tensor) or mask.dtype != torch.bool:
        kind = mask.dtype if isinstance(mask, torch.Tensor) else type(mask)
        raise PatternError(
            f"block_mask: predicate must return a bool tensor, got {kind}")
    try:
        mask = mask.broadcast_to(B, H, blocks, blocks)
    except RuntimeError:
        raise PatternError(
            f"block_mask: predicate returned shape {list(mask.shape)}, not "
            f"broadcastable to [B, H, N, N] = [{B}, {H}, {blocks}, {blocks}]"
        ) from None
    if causal:
        mask = mask & (kv_block <= q_block)
    return _mask_to_csr(mask.reshape(B * H, blocks, blocks), B, H, causal,
                        per_kv_head)


def _mask_to_csr(mask, B, H, causal, per_kv_head):
    """CSR of a [B*H, N, N] bool mask, columns ascending in each row.
    col_idx is as long as the fullest head's list (at least 1, so that it
    is never empty); the other heads' tails are never read."""
    heads, blocks, _ = mask.shape
    counts = mask.sum(dim=2, dtype=torch.int32)
    row_ptr = torch.zeros(heads, blocks + 1, dtype=torch.int32,
                          device=mask.device)
    row_ptr[:, 1:] = counts.cumsum(dim=1)
    nnz = max(int(row_ptr[:, -1].max()), 1)
    flat = mask.reshape(heads, blocks * blocks)
    # A stable sort on "not set" brings the set positions to the front in
    # row-major order, which is CSR order.
    order = torch.sort((~flat).to(torch.int8), dim=1, stable=True).indices
    col_idx = (order[:, :nnz] % blocks).to(torch.int32)
    used = torch.arange(nnz, device=mask.device) < row_ptr[:, -1:]
    col_idx = torch.where(used, col_idx, torch.zeros_like(col_idx))
    return Csr(row_ptr.reshape(B, H, blocks + 1),
               col_idx.reshape(B, H, nnz).contiguous(), causal, per_kv_head)
