"""Drives runtime/python/bsattn_torch.AttentionLauncher with a fake torch
(tensors that carry a shape, dtype, device, layout and address) on the fake
libcuda of fake_driver.py, and prints each launch, argument check and error.

  python3 fake_torch_launch.py RUNTIME_PYTHON_DIR MANIFEST
"""

import itertools
import json
import os
import sys
import types

addresses = itertools.count(0x10000, 0x10000)


class Tensor:
    def __init__(self, shape, dtype, device=0, contiguous=True):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.device = f"cuda:{device}" if device >= 0 else "cpu"
        self.is_cuda = device >= 0
        self._device = device
        self._contiguous = contiguous
        self._address = next(addresses)

    def is_contiguous(self):
        return self._contiguous

    def get_device(self):
        return self._device

    def misaligned(self):
        self._address += 8
        return self

    def data_ptr(self):
        return self._address

    def new_empty(self, *shape, dtype):
        # torch's forms: new_empty((B, H, T), dtype=...) and new_empty(B, H,
        # T, dtype=...).
        if len(shape) == 1 and isinstance(shape[0], tuple):
            shape = shape[0]
        return Tensor(shape, dtype, self._device)


torch = types.ModuleType("torch")
torch.bfloat16, torch.float16, torch.float32, torch.int32 = (
    "bf16", "f16", "f32", "i32")
torch.empty_like = lambda t: Tensor(t.shape, t.dtype, t._device)
current_stream = [0x5000]
torch._C = types.SimpleNamespace(
    _cuda_getCurrentRawStream=lambda d: current_stream[0] + d)
sys.modules["torch"] = torch

sys.path.insert(0, sys.argv[1])
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bsattn_cuda  # noqa: E402
import bsattn_torch  # noqa: E402
import fake_driver  # noqa: E402

with open(sys.argv[2]) as f:
    manifest = json.load(f)
kernel = fake_driver.install(bsattn_cuda, manifest, "word1")
check_arguments = kernel.check_arguments


def counted_check(args):
    print("check")
    check_arguments(args)


kernel.check_arguments = counted_check
launcher = bsattn_torch.AttentionLauncher(kernel)


def inputs(B=1, H=16, T=4096, nnz=86, **changes):
    tensors = {"q": Tensor((B, H, T, 128), "bf16"),
               "k": Tensor((B, H, T, 128), "bf16"),
               "v": Tensor((B, H, T, 128), "bf16"),
               "row_ptr": Tensor((B, H, T // 128 + 1), "i32"),
               "col_idx": Tensor((B, H, nnz), "i32"),
               "seq_lens": Tensor((B,), "i32")}
    tensors.update(changes)
    return [tensors[r] for r in ("q", "k", "v", "row_ptr", "col_idx",
                                 "seq_lens")]


def call(name, args, entry=launcher):
    print(f"-- {name}")
    try:
        o, lse = entry(*args)
        print(f"o {list(o.shape)} {o.dtype} {hex(o.data_ptr())}, "
              f"lse {list(lse.shape)} {lse.dtype} {hex(lse.data_ptr())}")
    except bsattn_cuda.ArgumentError as error:
        print(f"ArgumentError: {error}")


call("first", inputs())
call("new tensors, another NNZ", inputs(nnz=90))
current_stream[0] = 0x6000
call("another stream", inputs())
current_stream[0] = 0x5000
call("k in f16", inputs(k=Tensor((1, 16, 4096, 128), "f16")))
call("v not contiguous",
     inputs(v=Tensor((1, 16, 4096, 128), "bf16", contiguous=False)))
call("seq_lens not contiguous",
     inputs(seq_lens=Tensor((1,), "i32", contiguous=False)))
call("col_idx on another device",
     inputs(col_idx=Tensor((1, 16, 86), "i32", device=1)))
call("row_ptr of another length", inputs(row_ptr=Tensor((1, 16, 32), "i32")))
call("col_idx of another head count",
     inputs(col_idx=Tensor((1, 8, 86), "i32")))
call("all on another device",
     [Tensor(t.shape, t.dtype, device=1) for t in inputs()])
call("q on the CPU", inputs(q=Tensor((1, 16, 4096, 128), "bf16", device=-1)))
call("q misaligned", inputs(q=Tensor((1, 16, 4096, 128), "bf16").misaligned()))
call("another T", inputs(T=2048))
call("call_checked, first", inputs(T=1024), launcher.call_checked)
call("call_checked, new tensors", inputs(T=1024), launcher.call_checked)
call("call_checked, k not contiguous",
     inputs(T=1024, k=Tensor((1, 16, 1024, 128), "bf16", contiguous=False)),
     launcher.call_checked)
call("call_checked, another T", inputs(T=512), launcher.call_checked)
call("k and v with a quarter of q's heads",
     inputs(k=Tensor((1, 4, 4096, 128), "bf16"),
            v=Tensor((1, 4, 4096, 128), "bf16")))
