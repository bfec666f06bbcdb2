"""Launch bsattn kernels from a cubin and its manifest (CUDA driver API).

Nothing here is specific to one kernel: the manifest written by
`bsattn-translate --emit-manifest` says which function arguments become
tensor maps, pointers or sizes, how the grid follows from the shapes, and how
much shared memory the kernel takes. Only libcuda is loaded (through ctypes),
so the same code runs inside the Attention Kernel Challenge's sandbox.
"""

import ctypes
import json

_TENSOR_MAP_DTYPES = {"bf16": 9, "f16": 6}  # CUtensorMapDataType
_ELEMENT_BYTES = {"bf16": 2, "f16": 2, "f32": 4, "i32": 4}
_SWIZZLES = {0: 0, 32: 1, 64: 2, 128: 3}  # CUtensorMapSwizzle
_L2_PROMOTION_256B = 3
_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8  # CUfunction_attribute


class CudaError(RuntimeError):
    """A CUDA driver call failed; the message names the call."""


class ArgumentError(ValueError):
    """A launch argument does not fit the kernel's manifest."""


_CU = {}


def load_driver():
    """Opens libcuda and resolves every entry point, once. Called on first
    use rather than at import, so that importing needs no GPU; the challenge
    sandbox allows symbol look-ups only in the scope that opened the
    library, so they all happen here."""
    if _CU:
        return
    lib = ctypes.CDLL("libcuda.so.1")
    names = ["cuInit", "cuGetErrorName", "cuCtxGetCurrent",
             "cuDevicePrimaryCtxRetain", "cuCtxSetCurrent", "cuDeviceGet",
             "cuModuleLoadData", "cuModuleGetFunction", "cuFuncSetAttribute",
             "cuTensorMapEncodeTiled", "cuTensorMapReplaceAddress",
             "cuLaunchKernel"]
    _CU.update({name: getattr(lib, name) for name in names})
    _CU["cuLaunchKernel"].argtypes = [
        ctypes.c_void_p, ctypes.c_uint, ctypes.c_uint, ctypes.c_uint,
        ctypes.c_uint, ctypes.c_uint, ctypes.c_uint, ctypes.c_uint,
        ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    _CU["cuTensorMapReplaceAddress"].argtypes = [ctypes.c_void_p,
                                                 ctypes.c_void_p]


def _check(result, call):
    if result != 0:
        name = ctypes.c_char_p()
        _CU["cuGetErrorName"](result, ctypes.byref(name))
        text = name.value.decode() if name.value else "unknown error"
        raise CudaError(f"{call} failed: {text} ({result})")


def _ensure_context(device=0):
    load_driver()
    _check(_CU["cuInit"](0), "cuInit")
    context = ctypes.c_void_p()
    _check(_CU["cuCtxGetCurrent"](ctypes.byref(context)), "cuCtxGetCurrent")
    if not context.value:
        handle = ctypes.c_int()
        _check(_CU["cuDeviceGet"](ctypes.byref(handle), device), "cuDeviceGet")
        _check(_CU["cuDevicePrimaryCtxRetain"](ctypes.byref(context), handle),
               "cuDevicePrimaryCtxRetain")
        _check(_CU["cuCtxSetCurrent"](context), "cuCtxSetCurrent")


class TensorMap:
    """A 128-byte, 64-byte aligned CUtensorMap for a [B, H, T, D] tensor."""

    def __init__(self, address, shape, dtype, box, swizzle):
        self._storage = (ctypes.c_uint8 * (128 + 64))()
        base = ctypes.addressof(self._storage)
        self.address = (base + 63) // 64 * 64
        elem = _ELEMENT_BYTES[dtype]
        rank = len(shape)
        # The driver counts dimensions innermost first.
        dims = (ctypes.c_uint64 * rank)(*reversed(shape))
        strides, stride = [], elem
        for size in reversed(shape[1:]):
            stride *= size
            strides.append(stride)
        stride_arr = (ctypes.c_uint64 * (rank - 1))(*strides)
        box_arr = (ctypes.c_uint32 * rank)(*box)
        ones = (ctypes.c_uint32 * rank)(*([1] * rank))
        _check(_CU["cuTensorMapEncodeTiled"](
            ctypes.c_void_p(self.address), _TENSOR_MAP_DTYPES[dtype], rank,
            ctypes.c_void_p(address), dims, stride_arr, box_arr, ones, 0,
            _SWIZZLES[swizzle], _L2_PROMOTION_256B, 0),
            f"cuTensorMapEncodeTiled(shape={list(shape)}, box={list(box)})")
        self.global_address = address

    def retarget(self, address):
        """Points the map at another tensor of the same shape."""
        if address != self.global_address:
            _check(_CU["cuTensorMapReplaceAddress"](self.address, address),
                   "cuTensorMapReplaceAddress")
            self.global_address = address


class Kernel:
    """One compiled kernel: load once, launch many times."""

    def __init__(self, cubin, manifest, device=0):
        self.manifest = manifest
        _ensure_context(device)
        self._image = ctypes.create_string_buffer(cubin, len(cubin))
        self._module = ctypes.c_void_p()
        _check(_CU["cuModuleLoadData"](ctypes.byref(self._module),
                                       self._image), "cuModuleLoadData")
        self._function = ctypes.c_void_p()
        _check(_CU["cuModuleGetFunction"](
            ctypes.byref(self._function), self._module,
            manifest["entry"].encode()),
            f"cuModuleGetFunction({manifest['entry']})")
        _check(_CU["cuFuncSetAttribute"](
            self._function, _MAX_DYNAMIC_SHARED_SIZE_BYTES,
            manifest["shared_bytes"]),
            f"cuFuncSetAttribute(shared_bytes={manifest['shared_bytes']})")
        self._states = {}

    @classmethod
    def from_files(cls, cubin_path, manifest_path, device=0):
        with open(cubin_path, "rb") as f:
            cubin = f.read()
        with open(manifest_path) as f:
            manifest = json.load(f)
        return cls(cubin, manifest, device)

    def check_arguments(self, args):
        """Raises ArgumentError unless `args` (address, shape, dtype) per
        function argument fit the manifest."""
        specs = self.manifest["arguments"]
        if len(args) != len(specs):
            raise ArgumentError(
                f"expected {len(specs)} arguments, got {len(args)}")
        for spec, (address, shape, dtype) in zip(specs, args):
            role = spec["role"]
            if dtype != spec["dtype"]:
                raise ArgumentError(
                    f"'{role}' must be {spec['dtype']}, got {dtype}")
            if len(shape) != len(spec["shape"]) or any(
                    want not in (-1, got)
                    for want, got in zip(spec["shape"], shape)):
                raise ArgumentError(
                    f"'{role}' shape {list(shape)} does not fit "
                    f"{spec['shape']} (-1: any)")
            if address % 16:
                raise ArgumentError(f"'{role}' must be 16-byte aligned")

    def prepare(self, args):
        """Checks `args` (address, shape, dtype per function argument) and
        returns a LaunchState for their shapes: reusable for every later
        call with the same shapes and dtypes."""
        self.check_arguments(args)
        return LaunchState(self, args)

    def launch(self, args, stream=0):
        """`args`: one (address, shape, dtype) per function argument, all
        contiguous device tensors; `stream`: a CUstream handle."""
        key = tuple((shape, dtype) for _, shape, dtype in args)
        state = self._states.get(key)
        if state is None:
            state = self._states[key] = self.prepare(args)
        state.launch([address for address, _, _ in args], stream)


class LaunchState:
    """The parameter block of one kernel for one set of argument shapes.

    Storage is allocated once; a launch only writes the new addresses (and
    retargets the tensor maps) before calling cuLaunchKernel."""

    def __init__(self, kernel, args):
        self._function = kernel._function
        manifest = kernel.manifest
        self._shared = manifest["shared_bytes"]
        self._block = manifest["block"]
        self._grid = [args[g["arg"]][1][g["dim"]] // g["divide_by"]
                      for g in manifest["grid"]]
        self._maps, self._pointers, self._storage = [], [], []
        addresses = []
        for param in manifest["params"]:
            address, shape, dtype = args[param["arg"]]
            if param["kind"] == "tensor_map":
                tmap = TensorMap(address, shape, dtype, param["box"],
                                 param["swizzle"])
                self._maps.append((param["arg"], tmap))
                addresses.append(tmap.address)
            elif param["kind"] == "pointer":
                value = ctypes.c_uint64(address)
                self._pointers.append((param["arg"], value))
                self._storage.append(value)
                addresses.append(ctypes.addressof(value))
            else:
                value = ctypes.c_int64(shape[param["dim"]])
                self._storage.append(value)
                addresses.append(ctypes.addressof(value))
        self._params = (ctypes.c_void_p * len(addresses))(*addresses)

    def launch(self, addresses, stream=0):
        """`addresses`: the device address of each function argument."""
        for arg, tmap in self._maps:
            if addresses[arg] % 16:
                raise ArgumentError("tensors read by TMA must be 16-byte "
                                    "aligned")
            tmap.retarget(addresses[arg])
        for arg, value in self._pointers:
            value.value = addresses[arg]
        gx, gy, gz = self._grid
        bx, by, bz = self._block
        _check(_CU["cuLaunchKernel"](
            self._function, gx, gy, gz, bx, by, bz, self._shared, stream,
            self._params, None),
            f"cuLaunchKernel(grid={self._grid}, block={self._block})")
