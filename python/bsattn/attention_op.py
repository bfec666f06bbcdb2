"""bsattn.attention: checks the call, names the kernel it needs and runs it
through the custom op `bsattn::attention`.

The op is registered with torch.library, with a fake implementation (the
shapes and dtypes of o and lse) so that torch.compile(fullgraph=True)
traces through it, and a backward that refuses clearly. Its real
implementation compiles the kernel on first use (bsattn.compiler: disk
cache, then bsattn-translate) and launches it through the manifest launcher
of runtime/python (bsattn_cuda, bsattn_torch) on torch's current stream.
"""

import math
import threading
from typing import Optional

import torch

import bsattn_cuda
import bsattn_torch

from . import compiler
from .kernel_source import (HEAD_DIMS, KernelKey, choose_pv, f32_literal,
                            tuning_attr)
from .patterns import Causal, Csr, Full, SlidingWindow, WindowGlobal

_DTYPE_NAMES = {torch.bfloat16: "bf16", torch.float16: "f16"}
_PATTERNS = (Causal, Full, SlidingWindow, WindowGlobal, Csr)
# The scale is compiled in as an f32 attribute.
_FLOAT32_NORMAL_MIN = 1.1754943508222875e-38
_FLOAT32_MAX = 3.4028234663852886e+38
_PATTERN_TYPE_ERROR = ("pattern must be bsattn.causal(), full(), "
                       "sliding_window(w), window_global(w, g), "
                       "csr(row_ptr, col_idx) or block_mask(...), got ")


def attention(q, k, v, pattern, *, seq_lens=None, scale=None, pv="auto",
              tuning=None):
    """Block-sparse attention of CUDA tensors q [B, H, T, D] and k, v
    [B, H_kv, T, D] (bf16 or f16, any T >= 1, D in 64/128/192/256; H
    a multiple of H_kv: grouped-query attention, query head h reading head
    h / (H / H_kv) of k and v) under `pattern`
    (bsattn.causal(), full(), sliding_window(w), window_global(w, g),
    csr(...) or block_mask(...); all causal but full() and csr(...,
    causal=False)). Returns (o, lse): o [B, H, T, D] in q's dtype and lse
    [B, H, T] float32, natural log.

    seq_lens: int32 [B], the valid tokens of each batch entry (default T);
    rows at or past it get o = 0 and lse = -inf. scale: default 1/sqrt(D).
    pv: the precision of P in P.V, "auto", "bf16", "f16" or "split_bf16"
    (docs/python.md). tuning: optional compiler hints, a dict with any of
    block_q, block_k, stages, warpgroups, persistent, warp_specialize,
    pingpong, overlap, producer_convert, dynamic_tiles, value_stages,
    rescale_before_pv, descending_keys, single_query_buffer, carry_schedule,
    pv_wait_columns, early_next_query, padding_tiles_last,
    prefetch_indices, prefetch_blocks, poly_exp2_columns,
    rescale_threshold, early_scalar_loads, warp_kept_maxima,
    announce_blocks (the rest at their defaults); None lets the compiler
    choose for the head dimension.

    q, k and v that are not contiguous are copied. The first call for a
    kernel compiles it (about a second) and caches it on disk."""
    dtype, head_dim = _check_inputs(q, k, v)
    batch, heads, seq_len, _ = q.shape
    if not isinstance(pattern, _PATTERNS):
        raise TypeError(_PATTERN_TYPE_ERROR + type(pattern).__name__)
    row_ptr = col_idx = None
    if isinstance(pattern, Csr):
        pattern.check_fits(batch, heads, seq_len, k.shape[1])
        _check_device("csr row_ptr", pattern.row_ptr, q)
        row_ptr = pattern.row_ptr.contiguous()
        col_idx = pattern.col_idx.contiguous()
    if seq_lens is not None:
        _check_seq_lens(seq_lens, batch, q)
        seq_lens = seq_lens.contiguous()
    scale = _checked_scale(scale)
    chosen_pv = choose_pv(pv, dtype)
    tuning_text = tuning_attr(tuning)
    if not q.is_cuda:
        raise ValueError(f"bsattn.attention runs on CUDA tensors; q is on "
                         f"{q.device}")
    args = (q.contiguous(), k.contiguous(), v.contiguous(), seq_lens, row_ptr,
            col_idx, pattern.sparsity_attr(), chosen_pv, scale, tuning_text)
    if _needs_dispatcher(q, k, v):
        return torch.ops.bsattn.attention(*args)
    return _run_kernel(*args, checked=True)


_dispatch_mode_count = getattr(torch._C, "_len_torch_dispatch_stack", None)


def _needs_dispatcher(q, k, v):
    """Whether the call must go through the custom op: while torch.compile
    traces, where autograd would record it, for tensor subclasses (fake
    tensors among them) and under dispatch modes (make_fx, FakeTensorMode).
    Any other call runs the op's implementation directly, which saves the
    dispatcher's 20 us or so (measured on the CPU with torch 2.15)."""
    return (torch.compiler.is_compiling()
            or _dispatch_mode_count is None or _dispatch_mode_count() > 0
            or type(q) is not torch.Tensor or type(k) is not torch.Tensor
            or type(v) is not torch.Tensor
            or (torch.is_grad_enabled() and
                (q.requires_grad or k.requires_grad or v.requires_grad)))


def precompile(pattern, *, dtype=torch.bfloat16, head_dim=128, scale=None,
               pv="auto", tuning=None, kv_group=1):
    """Compiles, or finds in the cache, the kernel that attention() uses for
    q of `dtype` and `head_dim` with these arguments (kv_group: H / H_kv of
    q and k); no GPU needed. This
    fills BSATTN_CACHE_DIR ahead of time, on a machine that has the
    compiler, for one that has the GPU. Returns the kernel's manifest."""
    if dtype not in _DTYPE_NAMES:
        raise ValueError(f"dtype must be torch.bfloat16 or torch.float16, got "
                         f"{dtype}")
    if head_dim not in HEAD_DIMS:
        raise ValueError(f"head_dim must be one of {list(HEAD_DIMS)}, got "
                         f"{head_dim}")
    if not isinstance(pattern, _PATTERNS):
        raise TypeError(_PATTERN_TYPE_ERROR + type(pattern).__name__)
    signature = (dtype, head_dim, pattern.sparsity_attr(),
                 choose_pv(pv, _DTYPE_NAMES[dtype]), _checked_scale(scale),
                 tuning_attr(tuning), kv_group)
    return compiler.load_kernel(_kernel_key(signature))[1]


def _checked_scale(scale):
    if scale is None:
        return None
    if isinstance(scale, bool) or not isinstance(scale, (int, float)):
        raise TypeError(f"scale must be a float, got {type(scale).__name__}")
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be positive and finite, got {scale}")
    if not _FLOAT32_NORMAL_MIN <= scale <= _FLOAT32_MAX:
        raise ValueError(f"scale must be a normal float32 value "
                         f"({_FLOAT32_NORMAL_MIN:g} .. {_FLOAT32_MAX:g}), "
                         f"got {scale}")
    return float(scale)


def _check_inputs(q, k, v):
    """(dtype name, D) of q, k and v: the usual case in one expression,
    anything else step by step to name the first problem."""
    if (isinstance(q, torch.Tensor) and isinstance(k, torch.Tensor)
            and isinstance(v, torch.Tensor)):
        shape, kv_shape, dtype, device = q.shape, k.shape, q.dtype, q.device
        if (len(shape) == 4 and len(kv_shape) == 4 and v.shape == kv_shape
                and kv_shape[0] == shape[0] and kv_shape[2:] == shape[2:]
                and k.dtype == dtype and v.dtype == dtype
                and dtype in _DTYPE_NAMES and shape[3] in HEAD_DIMS
                and shape[0] > 0 and shape[1] > 0 and kv_shape[1] > 0
                and shape[2] > 0 and shape[1] % kv_shape[1] == 0
                and k.device == device and v.device == device):
            return _DTYPE_NAMES[dtype], shape[3]
    return _check_inputs_step_by_step(q, k, v)


def _check_inputs_step_by_step(q, k, v):
    for name, tensor in (("q", q), ("k", k), ("v", v)):
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got "
                            f"{type(tensor).__name__}")
    if q.dim() != 4:
        raise ValueError(f"q must be [B, H, T, D], got shape {list(q.shape)}")
    for name, tensor in (("k", k), ("v", v)):
        if (tensor.dim() != 4 or tensor.shape[0] != q.shape[0]
                or tensor.shape[2:] != q.shape[2:]):
            raise ValueError(f"{name} must be [B, H_kv, T, D] with q's B, T "
                             f"and D (q: {list(q.shape)}), got "
                             f"{list(tensor.shape)}")
        if tensor.dtype != q.dtype:
            raise ValueError(f"{name} must have q's dtype {q.dtype}, got "
                             f"{tensor.dtype}")
        _check_device(name, tensor, q)
    if q.dtype not in _DTYPE_NAMES:
        raise ValueError(f"q, k and v must be bfloat16 or float16, got "
                         f"{q.dtype}")
    batch, heads, seq_len, head_dim = q.shape
    if head_dim not in HEAD_DIMS:
        raise ValueError(f"head dimension D must be one of {list(HEAD_DIMS)}, "
                         f"got {head_dim}")
    if seq_len == 0:
        raise ValueError("sequence length T must be positive, got 0")
    if batch == 0 or heads == 0:
        raise ValueError(f"B and H must be positive, got shape {list(q.shape)}")
    if v.shape != k.shape:
        raise ValueError(f"v must have k's shape {list(k.shape)}, got "
                         f"{list(v.shape)}")
    kv_heads = k.shape[1]
    if kv_heads == 0 or heads % kv_heads:
        raise ValueError(f"q's H = {heads} must be a multiple of k's and v's "
                         f"H_kv = {kv_heads} (grouped-query attention: each "
                         "head of k and v serves H / H_kv query heads)")
    return _DTYPE_NAMES[q.dtype], head_dim


def _check_device(name, tensor, q):
    if tensor.device != q.device:
        raise ValueError(f"{name} is on {tensor.device}, q on {q.device}")


def _check_seq_lens(seq_lens, batch, q):
    if not isinstance(seq_lens, torch.Tensor):
        raise TypeError(f"seq_lens must be a torch.Tensor, got "
                        f"{type(seq_lens).__name__}")
    if seq_lens.dtype != torch.int32 or tuple(seq_lens.shape) != (batch,):
        raise ValueError(f"seq_lens must be int32 of shape [B] = [{batch}], "
                         f"got {seq_lens.dtype} {list(seq_lens.shape)}")
    _check_device("seq_lens", seq_lens, q)


@torch.library.custom_op("bsattn::attention", mutates_args=())
def _attention_op(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                  seq_lens: Optional[torch.Tensor],
                  row_ptr: Optional[torch.Tensor],
                  col_idx: Optional[torch.Tensor], sparsity: str, pv: str,
                  scale: Optional[float],
                  tuning: Optional[str]) -> tuple[torch.Tensor, torch.Tensor]:
    # attention() checked this; a direct call of the op may not have.
    if k.shape[1] == 0 or q.shape[1] % k.shape[1]:
        raise ValueError(f"q's H = {q.shape[1]} must be a multiple of k's "
                         f"H_kv = {k.shape[1]}")
    return _run_kernel(q, k, v, seq_lens, row_ptr, col_idx, sparsity, pv,
                       scale, tuning)


def _run_kernel(q, k, v, seq_lens, row_ptr, col_idx, sparsity, pv, scale,
                tuning, checked=False):
    """The op's implementation: finds or compiles the kernel, launches it.
    checked: attention() checked the tensors as the launcher's call_checked
    asks (the custom op's calls go through the launcher's own checks)."""
    launcher = _launcher((q.dtype, q.shape[3], sparsity, pv, scale, tuning,
                          q.shape[1] // k.shape[1]), q.device)
    if seq_lens is None:
        seq_lens = _full_seq_lens(q)
    if row_ptr is None:
        # A static pattern's kernel takes no indices: its manifest has no
        # row_ptr or col_idx, so whatever fills those places is not read.
        row_ptr = col_idx = seq_lens
    launch = launcher.call_checked if checked else launcher
    if q.is_cuda and q.get_device() != _current_device():
        # The launch goes to the current context, which must be the one
        # the kernel's module was loaded into.
        with torch.cuda.device(q.device):
            return launch(q, k, v, row_ptr, col_idx, seq_lens)
    return launch(q, k, v, row_ptr, col_idx, seq_lens)


# The current CUDA device, without torch.cuda.current_device()'s lazy-init
# check (the tensors are on CUDA, so it is initialized) where torch has it.
_current_device = getattr(torch._C, "_cuda_getDevice",
                          torch.cuda.current_device)


@_attention_op.register_fake
def _attention_shapes(q, k, v, seq_lens, row_ptr, col_idx, sparsity, pv,
                      scale, tuning):
    return torch.empty_like(q), q.new_empty(q.shape[:3], dtype=torch.float32)


def _refuse_backward(ctx, grad_o, grad_lse):
    raise RuntimeError(
        "bsattn.attention has no backward yet: it computes the forward pass "
        "only. Call it under torch.no_grad() or torch.inference_mode(), or "
        "use another attention where a gradient is needed.")


_attention_op.register_autograd(_refuse_backward)

# Launchers and full-length seq_lens per thread: a launcher rewrites its
# kernel's parameter block on every call, so threads do not share one.
_per_thread = threading.local()


def _launcher(signature, device):
    """The launcher of the kernel for `signature` (q's dtype and D, the
    op's sparsity, pv, scale and tuning, then H / H_kv) on `device`."""
    launchers = _per_thread.__dict__.setdefault("launchers", {})
    index = device.index if device.index is not None else \
        torch.cuda.current_device()
    launcher = launchers.get((signature, index))
    if launcher is None:
        cubin, manifest = compiler.load_kernel(_kernel_key(signature))
        # The module goes into torch's context on that device (its primary
        # context, made current by the device guard).
        with torch.cuda.device(index):
            kernel = bsattn_cuda.Kernel(cubin, manifest, index)
        launcher = bsattn_torch.AttentionLauncher(kernel)
        launchers[(signature, index)] = launcher
    return launcher


def _kernel_key(signature):
    dtype, head_dim, sparsity, pv, scale, tuning, kv_group = signature
    return KernelKey(_DTYPE_NAMES[dtype], head_dim, sparsity, pv,
                     None if scale is None else f32_literal(scale), tuning,
                     kv_group)


def _full_seq_lens(q):
    """seq_lens = T for every batch entry, made once per (B, T, device)."""
    cache = _per_thread.__dict__.setdefault("full_seq_lens", {})
    batch, _, seq_len, _ = q.shape
    key = (batch, seq_len, q.device)
    if key not in cache:
        cache[key] = torch.full((batch,), seq_len, dtype=torch.int32,
                                device=q.device)
    return cache[key]
