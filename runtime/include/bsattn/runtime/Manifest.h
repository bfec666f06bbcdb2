//===- Manifest.h - the bsattn kernel manifest ------------------*- C++ -*-===//
//
// `bsattn-translate --emit-manifest` describes a compiled kernel in JSON: its
// entry point, launch shape, the function's arguments and how they become the
// kernel's parameters (docs/lowering.md, "The kernel manifest"). The runtime
// reads only this, never a kernel-specific header.
//
//===----------------------------------------------------------------------===//

#ifndef BSATTN_RUNTIME_MANIFEST_H
#define BSATTN_RUNTIME_MANIFEST_H

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bsattn::runtime {

enum class DType { BF16, F16, F32, I32 };

/// "bf16", "f16", "f32", "i32" as the manifest spells them.
std::optional<DType> parseDType(std::string_view name);
const char *dtypeName(DType dtype);
int64_t dtypeBytes(DType dtype);

/// One argument of the compiled function: its role ("q", "row_ptr", ...),
/// element type and shape, -1 for a size known only at launch.
struct ArgumentSpec {
  std::string role;
  DType dtype;
  std::vector<int64_t> shape;
};

/// One launch grid dimension: size `dim` of argument `arg` / `divideBy`,
/// rounded up.
struct GridDim {
  int arg;
  int dim;
  int64_t divideBy;
};

/// One kernel parameter, in the kernel's order.
struct Param {
  enum class Kind {
    /// A CUtensorMap of argument `arg`, 128 bytes passed by value.
    TensorMap,
    /// The device address of argument `arg`, as a 64-bit value.
    Pointer,
    /// Size `dim` of argument `arg`, as int64.
    Dim,
  };
  Kind kind;
  std::string name;
  int arg;
  int dim = 0;
  /// TensorMap only: the box, innermost dimension first, and the swizzle
  /// span in bytes (0, 32, 64 or 128).
  std::vector<uint32_t> box;
  int swizzle = 0;
};

struct Manifest {
  std::string entry;
  std::string arch;
  std::array<unsigned, 3> block;
  std::array<unsigned, 3> cluster;
  /// The grid's x * y * z tiles; a persistent kernel runs at most one CTA
  /// per SM, each looping over tiles blockIdx.x, + gridDim.x, ...
  std::vector<GridDim> grid;
  bool persistent = false;
  /// Query heads per head of k and v (grouped-query attention): k and v
  /// are [B, H / kvGroup, T, D].
  int64_t kvGroup = 1;
  /// Whether a query sees only keys at or before it (the pattern's
  /// `causal`; bidirectional patterns have false).
  bool causal = true;
  /// Whether row_ptr and col_idx hold one list per head of k and v
  /// ([B, H / kvGroup, ...]) rather than per query head.
  bool indicesPerKVHead = false;
  unsigned sharedBytes;
  std::string sparsity;
  std::string pv;
  double scale;
  std::vector<ArgumentSpec> arguments;
  std::vector<Param> params;

  /// The index of the argument with `role`, or -1.
  int findArgument(std::string_view role) const;
};

/// Parses and validates a manifest. Throws JsonError for malformed JSON and
/// ManifestError naming `source` and the offending field otherwise.
Manifest parseManifest(std::string_view text,
                       std::string_view source = "manifest");

/// Reads a whole file; throws Error naming `path` if it cannot.
std::string readFile(const std::string &path);

} // namespace bsattn::runtime

#endif // BSATTN_RUNTIME_MANIFEST_H
