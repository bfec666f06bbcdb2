//===- Kernel.cpp - a manifest-driven bsattn kernel -----------------------===//

#include "bsattn/runtime/Kernel.h"
#include "bsattn/runtime/Error.h"

using namespace bsattn::runtime;

static CUtensorMapDataType tensorMapType(DType dtype) {
  switch (dtype) {
  case DType::BF16:
    return CU_TENSOR_MAP_DATA_TYPE_BFLOAT16;
  case DType::F16:
    return CU_TENSOR_MAP_DATA_TYPE_FLOAT16;
  case DType::F32:
    return CU_TENSOR_MAP_DATA_TYPE_FLOAT32;
  case DType::I32:
    return CU_TENSOR_MAP_DATA_TYPE_INT32;
  }
  throw Error("no tensor map type for this dtype");
}

static CUtensorMapSwizzle tensorMapSwizzle(int bytes) {
  switch (bytes) {
  case 32:
    return CU_TENSOR_MAP_SWIZZLE_32B;
  case 64:
    return CU_TENSOR_MAP_SWIZZLE_64B;
  case 128:
    return CU_TENSOR_MAP_SWIZZLE_128B;
  default:
    return CU_TENSOR_MAP_SWIZZLE_NONE;
  }
}

static std::string formatList(const std::vector<uint64_t> &values) {
  std::string text = "[";
  for (size_t i = 0; i < values.size(); ++i)
    text += (i ? ", " : "") + std::to_string(values[i]);
  return text + "]";
}

CUtensorMap bsattn::runtime::encodeTensorMap(const Param &param,
                                             const ArgumentSpec &spec,
                                             const TensorArg &arg) {
  size_t rank = arg.shape.size();
  // The driver counts dimensions innermost first; stride i is that of
  // dimension i + 1, in bytes (dimension 0 is contiguous).
  std::vector<uint64_t> dims(rank), strides(rank - 1);
  uint64_t stride = dtypeBytes(arg.dtype);
  for (size_t i = 0; i < rank; ++i) {
    dims[i] = static_cast<uint64_t>(arg.shape[rank - 1 - i]);
    if (i > 0)
      strides[i - 1] = stride;
    stride *= dims[i];
  }
  std::vector<uint32_t> elementStrides(rank, 1);
  CUtensorMap map;
  checkCuda(cuTensorMapEncodeTiled(
                &map, tensorMapType(arg.dtype), static_cast<cuuint32_t>(rank),
                reinterpret_cast<void *>(arg.address), dims.data(),
                strides.data(), param.box.data(), elementStrides.data(),
                CU_TENSOR_MAP_INTERLEAVE_NONE, tensorMapSwizzle(param.swizzle),
                CU_TENSOR_MAP_L2_PROMOTION_L2_256B,
                CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE),
            "cuTensorMapEncodeTiled('" + spec.role + "', dims=" +
                formatList(dims) + ", strides=" + formatList(strides) +
                ", box=" + formatList({param.box.begin(), param.box.end()}) +
                ", swizzle=" + std::to_string(param.swizzle) + ")");
  return map;
}

Kernel::Kernel(const std::string &cubin, Manifest manifestIn)
    : manifest(std::move(manifestIn)) {
  module = std::make_unique<Module>(cubin.data(),
                                    "cubin of '" + manifest.entry + "'");
  function = module->getFunction(manifest.entry);
  checkCuda(cuFuncSetAttribute(function,
                               CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                               static_cast<int>(manifest.sharedBytes)),
            "cuFuncSetAttribute('" + manifest.entry +
                "', MAX_DYNAMIC_SHARED_SIZE_BYTES, " +
                std::to_string(manifest.sharedBytes) + ")");
  CUdevice device;
  checkCuda(cuCtxGetDevice(&device), "cuCtxGetDevice");
  int count = 0;
  checkCuda(cuDeviceGetAttribute(
                &count, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device),
            "cuDeviceGetAttribute(MULTIPROCESSOR_COUNT)");
  multiprocessors = static_cast<unsigned>(count);
}

void Kernel::launch(const std::vector<TensorArg> &args, CUstream stream) {
  checkArguments(manifest, args);
  // Kernel parameters are passed as pointers to their values; `scalars` is
  // sized up front so that the pointers stay put.
  std::vector<uint64_t> scalars;
  scalars.reserve(manifest.params.size());
  std::vector<void *> params;
  for (size_t i = 0; i < manifest.params.size(); ++i) {
    const Param &param = manifest.params[i];
    const TensorArg &arg = args[param.arg];
    switch (param.kind) {
    case Param::Kind::TensorMap: {
      auto key = std::make_tuple(i, arg.address, arg.shape);
      auto found = tensorMaps.find(key);
      if (found == tensorMaps.end())
        found =
            tensorMaps
                .emplace(key, encodeTensorMap(
                                  param, manifest.arguments[param.arg], arg))
                .first;
      params.push_back(&found->second);
      break;
    }
    case Param::Kind::Pointer:
      scalars.push_back(arg.address);
      params.push_back(&scalars.back());
      break;
    case Param::Kind::Dim:
      scalars.push_back(static_cast<uint64_t>(arg.shape[param.dim]));
      params.push_back(&scalars.back());
      break;
    }
  }
  bsattn::runtime::launch(function, "'" + manifest.entry + "'",
                          gridOf(manifest, args, multiprocessors),
                          manifest.block, manifest.sharedBytes, stream,
                          params.data(), manifest.cluster);
}
