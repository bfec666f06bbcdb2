//===- Kernel.h - a manifest-driven bsattn kernel ---------------*- C++ -*-===//

#ifndef BSATTN_RUNTIME_KERNEL_H
#define BSATTN_RUNTIME_KERNEL_H

#include "bsattn/runtime/Arguments.h"
#include "bsattn/runtime/Cuda.h"
#include "bsattn/runtime/Manifest.h"

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

namespace bsattn::runtime {

/// Encodes the tiled tensor map of `param` (a TensorMap parameter) for `arg`:
/// dimensions innermost first, strides in bytes, the manifest's box and
/// swizzle, 256-byte L2 promotion.
CUtensorMap encodeTensorMap(const Param &param, const ArgumentSpec &spec,
                            const TensorArg &arg);

/// One compiled kernel: loaded once, launched many times. Needs a current
/// context (see Context); not thread-safe.
class Kernel {
public:
  /// Loads `cubin` and prepares the entry point the manifest names.
  Kernel(const std::string &cubin, Manifest manifest);

  const Manifest &getManifest() const { return manifest; }

  /// Checks `args` (one per manifest argument, see checkArguments) and
  /// launches on `stream`. Tensor maps are encoded once per (parameter,
  /// address, shape) and passed by value.
  void launch(const std::vector<TensorArg> &args, CUstream stream = nullptr);

private:
  Manifest manifest;
  std::unique_ptr<Module> module;
  CUfunction function = nullptr;
  /// The SM count of the current context's device (persistent grids).
  unsigned multiprocessors = 0;
  std::map<std::tuple<size_t, uint64_t, std::vector<int64_t>>, CUtensorMap>
      tensorMaps;
};

} // namespace bsattn::runtime

#endif // BSATTN_RUNTIME_KERNEL_H
