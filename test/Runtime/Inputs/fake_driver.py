"""A fake libcuda for runtime/python/bsattn_cuda.py that prints the calls
the launcher makes (no GPU needed), and a Kernel built on it without loading
a module.

Tensor-map layouts: with `opaque` the fake driver keeps a map's global
address where the launcher cannot find it; with `word1` it keeps it as is in
the map's second 64-bit word, which the launcher then rewrites itself; with
`derived` it keeps it there too but also a value derived from it in the
third word, so that a store into the second alone would be wrong.
"""

import ctypes


def words(tmap):
    return (ctypes.c_uint64 * 16).from_address(tmap)


def install(bsattn_cuda, manifest, layout):
    """Replaces the driver entry points bsattn_cuda uses per launch and
    returns a Kernel for `manifest` (on device 0, with 132 SMs)."""
    maps = {}

    def store_address(tmap, address):
        # `opaque`: a scrambled copy the launcher cannot recognise.
        words(tmap)[1] = address ^ 0xff if layout == "opaque" else address
        if layout == "derived":
            words(tmap)[2] = address >> 4

    def encode(tmap, dtype, rank, address, dims, strides, box, elem,
               interleave, swizzle, l2, oob):
        maps[tmap.value] = f"map{len(maps)}"
        store_address(tmap.value, address.value)
        print(f"encode dims={list(dims[:rank])} box={list(box[:rank])} "
              f"swizzle={swizzle}")
        return 0

    def retarget(tmap, address):
        store_address(tmap, address)
        print(f"retarget {maps[tmap]} -> {hex(address)}")
        return 0

    def parameters(params):
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
        return ", ".join(values)

    def launch(function, *args):
        # What ctypes would pass to C: plain numbers for the ctypes values.
        gx, gy, gz, bx, by, bz, shared, stream, params, extra = [
            getattr(arg, "value", arg) for arg in args]
        print(f"launch grid=({gx}, {gy}, {gz}) block=({bx}, {by}, {bz}) "
              f"shared={shared} stream={hex(stream)} "
              f"params=[{parameters(params)}]")
        return 0

    def launch_ex(config, function, params, extra):
        # `config` arrives as ctypes.byref(CUlaunchConfig).
        config = config._obj
        attributes = [config.attrs[i] for i in range(config.num_attrs)]
        described = ", ".join(
            f"id={a.id} value=({a.value[0]}, {a.value[1]}, {a.value[2]})"
            for a in attributes)
        print(f"launch_ex grid={tuple(config.grid)} block={tuple(config.block)}"
              f" shared={config.shared_bytes} stream={hex(config.stream or 0)}"
              f" attrs=[{described}] params=[{parameters(params)}]")
        return 0

    bsattn_cuda._CU.update({"cuTensorMapEncodeTiled": encode,
                            "cuTensorMapReplaceAddress": retarget,
                            "cuLaunchKernel": launch,
                            "cuLaunchKernelEx": launch_ex})
    # A Kernel without loading a module: only the parameter block is
    # exercised.
    kernel = bsattn_cuda.Kernel.__new__(bsattn_cuda.Kernel)
    kernel.manifest = manifest
    kernel._function = None
    kernel._multiprocessors = 132
    kernel.device = 0
    kernel._build_parameter_block()
    return kernel
