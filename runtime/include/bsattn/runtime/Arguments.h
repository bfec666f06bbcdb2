//===- Arguments.h - launch arguments and their checks ----------*- C++ -*-===//

#ifndef BSATTN_RUNTIME_ARGUMENTS_H
#define BSATTN_RUNTIME_ARGUMENTS_H

#include "bsattn/runtime/Manifest.h"

#include <array>
#include <cstdint>
#include <vector>

namespace bsattn::runtime {

/// One argument of a launch: a contiguous (row-major) device tensor.
struct TensorArg {
  uint64_t address;
  std::vector<int64_t> shape;
  DType dtype;
};

/// Throws ArgumentError, naming the argument by role, unless `args` (one per
/// manifest argument, in order) fit the kernel: dtypes, ranks, static sizes,
/// positive sizes, 16-byte aligned addresses and strides (TMA), the grid's
/// divisibility and limits, and the contract's shapes among the roles that
/// are present: q, k, v, o [B, H, T, D] alike, lse [B, H, T], seq_lens [B],
/// row_ptr [B, H, ceil(T/128) + 1], col_idx [B, H, NNZ].
void checkArguments(const Manifest &manifest,
                    const std::vector<TensorArg> &args);

/// The launch grid that the manifest derives from `args` (checked ones): its
/// tiles, or for a persistent kernel (min(tiles, multiprocessors), 1, 1).
std::array<unsigned, 3> gridOf(const Manifest &manifest,
                               const std::vector<TensorArg> &args,
                               unsigned multiprocessors);

/// "[2, 16, 8192, 128]".
std::string formatShape(const std::vector<int64_t> &shape);

} // namespace bsattn::runtime

#endif // BSATTN_RUNTIME_ARGUMENTS_H
