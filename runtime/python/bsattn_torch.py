"""PyTorch front end of a bsattn attention kernel.

`AttentionLauncher(kernel)(q, k, v, row_ptr, col_idx, seq_lens)` allocates
`o` and `lse`, hands every tensor to the kernel by the role the manifest
gives its function argument, and launches on torch's current stream. The
per-shape work (argument checks, parameter block, tensor maps) is done once
per distinct set of shapes; a call then only reads addresses.
"""

import torch

import bsattn_cuda

_DTYPES = {torch.bfloat16: "bf16", torch.float16: "f16", torch.float32: "f32",
           torch.int32: "i32"}


def _stream_getter():
    """A function from a device index to torch's current stream there (a
    CUstream handle), the cheapest the installed torch offers."""
    raw = getattr(torch._C, "_cuda_getCurrentRawStream", None)
    if raw is not None:
        return raw
    return lambda device: torch.cuda.current_stream(device).cuda_stream


class AttentionLauncher:
    def __init__(self, kernel):
        self._kernel = kernel
        self._roles = [a["role"] for a in kernel.manifest["arguments"]]
        # Where each function argument is among (q, k, v, row_ptr, col_idx,
        # seq_lens, o, lse).
        given = ("q", "k", "v", "row_ptr", "col_idx", "seq_lens", "o", "lse")
        self._order = [given.index(role) for role in self._roles]
        self._checked = set()
        self._current_stream = _stream_getter()

    def _check(self, tensors):
        by_role = dict(zip(self._roles, tensors))
        q = by_role["q"]
        B, H, T, D = q.shape
        expected = {"k": q.shape, "v": q.shape, "o": q.shape,
                    "lse": (B, H, T), "seq_lens": (B,),
                    "row_ptr": (B, H, T // 128 + 1)}
        for role, shape in expected.items():
            if role in by_role and tuple(by_role[role].shape) != tuple(shape):
                raise bsattn_cuda.ArgumentError(
                    f"'{role}' must have shape {list(shape)} for q of shape "
                    f"{list(q.shape)}, got {list(by_role[role].shape)}")
        col_idx = by_role.get("col_idx")
        if col_idx is not None and tuple(col_idx.shape[:2]) != (B, H):
            raise bsattn_cuda.ArgumentError(
                f"'col_idx' must have shape [{B}, {H}, NNZ], got "
                f"{list(col_idx.shape)}")
        for role, tensor in zip(self._roles, tensors):
            if not tensor.is_cuda or not tensor.is_contiguous():
                raise bsattn_cuda.ArgumentError(
                    f"'{role}' must be a contiguous CUDA tensor")
            if tensor.dtype not in _DTYPES:
                raise bsattn_cuda.ArgumentError(
                    f"'{role}' has unsupported dtype {tensor.dtype}")
        self._kernel.check_arguments(
            [(t.data_ptr(), tuple(t.shape), _DTYPES[t.dtype])
             for t in tensors])

    def __call__(self, q, k, v, row_ptr, col_idx, seq_lens):
        shape = q.shape
        device = q.device
        o = torch.empty_like(q)
        lse = torch.empty(shape[:3], dtype=torch.float32, device=device)
        given = (q, k, v, row_ptr, col_idx, seq_lens, o, lse)
        tensors = [given[i] for i in self._order]
        shapes = [t.shape for t in tensors]
        # The checks depend on shapes, dtypes and strides, except that NNZ
        # (col_idx's last size, new with every pattern) does not matter as
        # long as col_idx is contiguous.
        key = (shape, k.shape, v.shape, q.dtype, q.stride(), k.stride(),
               v.stride(), k.dtype, v.dtype, row_ptr.shape, row_ptr.dtype,
               row_ptr.stride(), seq_lens.shape, seq_lens.dtype,
               col_idx.shape[:2], col_idx.dtype, col_idx.is_contiguous())
        if key not in self._checked:
            self._check(tensors)
            if len(self._checked) > 64:
                self._checked.clear()
            self._checked.add(key)
        self._kernel.launch([t.data_ptr() for t in tensors], shapes,
                            self._current_stream(device.index))
        return o, lse
