"""Drives runtime/python/bsattn_cuda.Kernel.launch against a fake libcuda
that prints the calls the launcher makes (no GPU needed).

  python3 fake_driver_launch.py RUNTIME_PYTHON_DIR MANIFEST opaque|word1|derived

With `opaque` the fake driver keeps a map's global address where the
launcher cannot find it; with `word1` it keeps it as is in the map's second
64-bit word, which the launcher then rewrites itself; with `derived` it
keeps it there too but also a value derived from it in the third word, so
that a store into the second alone would be wrong.
"""

import ctypes
import json
import sys

sys.path.insert(0, sys.argv[1])
import bsattn_cuda  # noqa: E402

maps = {}
layout = sys.argv[3]


def words(tmap):
    return (ctypes.c_uint64 * 16).from_address(tmap)


def store_address(tmap, address):
    # `opaque`: a scrambled copy the launcher cannot recognise.
    words(tmap)[1] = address ^ 0xff if layout == "opaque" else address
    if layout == "derived":
        words(tmap)[2] = address >> 4


def encode(tmap, dtype, rank, address, dims, strides, box, elem, interleave,
           swizzle, l2, oob):
    maps[tmap.value] = f"map{len(maps)}"
    store_address(tmap.value, address.value)
    print(f"encode dims={list(dims[:rank])} box={list(box[:rank])} "
          f"swizzle={swizzle}")
    return 0


def retarget(tmap, address):
    store_address(tmap, address)
    print(f"retarget {maps[tmap]} -> {hex(address)}")
    return 0


def launch(function, *args):
    # What ctypes would pass to C: plain numbers for the ctypes values.
    gx, gy, gz, bx, by, bz, shared, stream, params, extra = [
        getattr(arg, "value", arg) for arg in args]
    values = []
    for i, param in enumerate(manifest["params"]):
        pointer = params[i]
        if param["kind"] == "tensor_map":
            address = words(pointer)[1]
            if layout == "opaque":
                address ^= 0xff
            elif layout == "derived" and words(pointer)[2] != address >> 4:
                address = "inconsistent"
            values.append(f"{maps[pointer]}@{hex(address)}")
        elif param["kind"] == "pointer":
            values.append(hex(ctypes.c_uint64.from_address(pointer).value))
        else:
            values.append(str(ctypes.c_int64.from_address(pointer).value))
    print(f"launch grid=({gx}, {gy}, {gz}) block=({bx}, {by}, {bz}) "
          f"shared={shared} params=[{', '.join(values)}]")
    return 0


with open(sys.argv[2]) as f:
    manifest = json.load(f)
bsattn_cuda._CU.update({"cuTensorMapEncodeTiled": encode,
                        "cuTensorMapReplaceAddress": retarget,
                        "cuLaunchKernel": launch})
# A Kernel without loading a module: only the parameter block is exercised.
kernel = bsattn_cuda.Kernel.__new__(bsattn_cuda.Kernel)
kernel.manifest = manifest
kernel._function = None
kernel._multiprocessors = 132
kernel._build_parameter_block()

B, H, T = 1, 16, 4096
roles = {"q": 0x1000, "k": 0x2000, "v": 0x6000, "seq_lens": 0x3000,
         "row_ptr": 0x4000, "col_idx": 0x5000, "o": 0x7000, "lse": 0x8000}
shapes = {"q": (B, H, T, 128), "k": (B, H, T, 128), "v": (B, H, T, 128),
          "seq_lens": (B,), "row_ptr": (B, H, T // 128 + 1),
          "col_idx": (B, H, 86), "o": (B, H, T, 128), "lse": (B, H, T)}


def call(roles, shapes):
    order = [a["role"] for a in manifest["arguments"]]
    kernel.launch([roles[r] for r in order], [shapes[r] for r in order])


call(roles, shapes)
call({**roles, "q": 0x11000, "k": 0x12000, "v": 0x13000},
     {**shapes, "col_idx": (B, H, 90)})
try:
    call({**roles, "q": 0x11008}, shapes)
except bsattn_cuda.ArgumentError as error:
    print(f"ArgumentError: {error}")
