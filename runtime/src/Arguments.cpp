//===- Arguments.cpp - launch arguments and their checks ------------------===//

#include "bsattn/runtime/Arguments.h"
#include "bsattn/runtime/Contract.h"
#include "bsattn/runtime/Error.h"

#include <algorithm>
#include <cstdint>
#include <sstream>

using namespace bsattn::runtime;

std::string bsattn::runtime::formatShape(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

namespace {

[[noreturn]] void fail(const std::string &message) {
  throw ArgumentError(message);
}

std::string quoted(const std::string &role) { return "'" + role + "'"; }

void checkOne(const ArgumentSpec &spec, const TensorArg &arg) {
  std::string name = quoted(spec.role);
  if (arg.dtype != spec.dtype)
    fail(name + " must be " + dtypeName(spec.dtype) + ", got " +
         dtypeName(arg.dtype));
  if (arg.shape.size() != spec.shape.size())
    fail(name + " must have rank " + std::to_string(spec.shape.size()) + " " +
         formatShape(spec.shape) + ", got shape " + formatShape(arg.shape));
  // A product of sizes must stay far from int64 overflow: 2^40 elements is
  // more than any device holds.
  int64_t elements = 1;
  for (size_t d = 0; d < arg.shape.size(); ++d) {
    if (spec.shape[d] != -1 && arg.shape[d] != spec.shape[d])
      fail(name + " shape " + formatShape(arg.shape) + " does not fit " +
           formatShape(spec.shape) + " (-1: any size)");
    if (arg.shape[d] < 1)
      fail(name + " shape " + formatShape(arg.shape) +
           " has a size below 1 in dimension " + std::to_string(d));
    if (arg.shape[d] > (int64_t(1) << 40) / elements)
      fail(name + " shape " + formatShape(arg.shape) + " is too large");
    elements *= arg.shape[d];
  }
  if (arg.address == 0)
    fail(name + " is a null pointer");
  // TMA reads from 16-byte aligned addresses; every kernel here may use it.
  if (arg.address % 16) {
    std::ostringstream address;
    address << std::hex << arg.address;
    fail(name + " address 0x" + address.str() + " is not 16-byte aligned");
  }
}

void checkTensorMap(const ArgumentSpec &spec, const TensorArg &arg) {
  // cuTensorMapEncodeTiled: sizes <= 2^32, strides multiples of 16 bytes and
  // below 2^40.
  int64_t stride = dtypeBytes(arg.dtype);
  for (size_t i = arg.shape.size(); i-- > 0;) {
    if (arg.shape[i] > (int64_t(1) << 32))
      fail(quoted(spec.role) + " size " + std::to_string(arg.shape[i]) +
           " in dimension " + std::to_string(i) +
           " exceeds a tensor map's 2^32");
    if (i + 1 < arg.shape.size() && (stride % 16 || stride >= int64_t(1) << 40))
      fail(quoted(spec.role) + " shape " + formatShape(arg.shape) +
           " gives dimension " + std::to_string(i) + " a stride of " +
           std::to_string(stride) +
           " bytes; a tensor map needs a multiple of 16 below 2^40");
    stride *= arg.shape[i];
  }
}

/// The contract's shapes among the roles that the manifest has.
void checkContract(const Manifest &manifest,
                   const std::vector<TensorArg> &args) {
  auto shapeOf = [&](const char *role) -> const std::vector<int64_t> * {
    int index = manifest.findArgument(role);
    return index < 0 ? nullptr : &args[index].shape;
  };
  const std::vector<int64_t> *q = shapeOf("q");
  if (!q)
    return;
  if (q->size() != 4)
    fail("'q' must be [B, H, T, D], got " + formatShape(*q));
  int64_t b = (*q)[0], h = (*q)[1], t = (*q)[2];
  auto expect = [&](const char *role, const std::vector<int64_t> &want,
                    const std::string &what) {
    const std::vector<int64_t> *shape = shapeOf(role);
    if (shape && *shape != want)
      fail(quoted(role) + " must be " + what + " = " + formatShape(want) +
           " for q " + formatShape(*q) + ", got " + formatShape(*shape));
  };
  if (h % manifest.kvGroup)
    fail("'q' shape " + formatShape(*q) + ": H = " + std::to_string(h) +
         " is not a multiple of the kernel's kv_group = " +
         std::to_string(manifest.kvGroup));
  std::vector<int64_t> kv = {b, h / manifest.kvGroup, t, (*q)[3]};
  for (const char *role : {"k", "v"})
    expect(role, kv,
           manifest.kvGroup == 1 ? "[B, H, T, D]" : "[B, H / kv_group, T, D]");
  expect("o", *q, "[B, H, T, D]");
  expect("lse", {b, h, t}, "[B, H, T]");
  expect("seq_lens", {b}, "[B]");
  // Index lists per query head, or per head of k and v.
  int64_t listHeads = manifest.indicesPerKVHead ? h / manifest.kvGroup : h;
  std::string heads = manifest.indicesPerKVHead ? "H / kv_group" : "H";
  expect("row_ptr", {b, listHeads, blockCount(t) + 1},
         "[B, " + heads + ", ceil(T/128) + 1]");
  if (const std::vector<int64_t> *colIdx = shapeOf("col_idx"))
    expect("col_idx", {b, listHeads, colIdx->back()},
           "[B, " + heads + ", NNZ]");
}

} // namespace

/// The number of tiles along each grid axis (a partial last tile counts).
static std::array<int64_t, 3> tilesOf(const Manifest &manifest,
                                      const std::vector<TensorArg> &args) {
  std::array<int64_t, 3> tiles;
  for (size_t i = 0; i < 3; ++i) {
    const GridDim &dim = manifest.grid[i];
    tiles[i] = (args[dim.arg].shape[dim.dim] + dim.divideBy - 1) / dim.divideBy;
  }
  return tiles;
}

void bsattn::runtime::checkArguments(const Manifest &manifest,
                                     const std::vector<TensorArg> &args) {
  if (args.size() != manifest.arguments.size()) {
    std::string roles;
    for (const ArgumentSpec &spec : manifest.arguments)
      roles += (roles.empty() ? "" : ", ") + spec.role;
    fail("expected " + std::to_string(manifest.arguments.size()) +
         " arguments (" + roles + "), got " + std::to_string(args.size()));
  }
  for (size_t i = 0; i < args.size(); ++i)
    checkOne(manifest.arguments[i], args[i]);
  for (const Param &param : manifest.params)
    if (param.kind == Param::Kind::TensorMap)
      checkTensorMap(manifest.arguments[param.arg], args[param.arg]);
  checkContract(manifest, args);

  static const char *axes[] = {"x", "y", "z"};
  // CUDA's limits: x < 2^31, y and z <= 65535.
  const int64_t limits[] = {(int64_t(1) << 31) - 1, 65535, 65535};
  std::array<int64_t, 3> tiles = tilesOf(manifest, args);
  for (size_t i = 0; i < manifest.grid.size(); ++i)
    if (tiles[i] > limits[i])
      fail("grid " + std::string(axes[i]) + " = " + std::to_string(tiles[i]) +
           " exceeds CUDA's limit " + std::to_string(limits[i]));
  // A persistent kernel numbers its tiles with 32-bit integers.
  if (manifest.persistent && tiles[0] * tiles[1] * tiles[2] > INT32_MAX)
    fail("grid of " + std::to_string(tiles[0] * tiles[1] * tiles[2]) +
         " tiles exceeds the persistent kernel's limit " +
         std::to_string(INT32_MAX));
}

std::array<unsigned, 3>
bsattn::runtime::gridOf(const Manifest &manifest,
                        const std::vector<TensorArg> &args,
                        unsigned multiprocessors) {
  std::array<int64_t, 3> tiles = tilesOf(manifest, args);
  if (manifest.persistent)
    return {static_cast<unsigned>(std::min<int64_t>(
                tiles[0] * tiles[1] * tiles[2], multiprocessors)),
            1, 1};
  return {static_cast<unsigned>(tiles[0]), static_cast<unsigned>(tiles[1]),
          static_cast<unsigned>(tiles[2])};
}
