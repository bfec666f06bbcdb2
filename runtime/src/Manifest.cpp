//===- Manifest.cpp - the bsattn kernel manifest --------------------------===//

#include "bsattn/runtime/Manifest.h"
#include "bsattn/runtime/Error.h"
#include "bsattn/runtime/Json.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

using namespace bsattn::runtime;

std::optional<DType> bsattn::runtime::parseDType(std::string_view name) {
  if (name == "bf16")
    return DType::BF16;
  if (name == "f16")
    return DType::F16;
  if (name == "f32")
    return DType::F32;
  if (name == "i32")
    return DType::I32;
  return std::nullopt;
}

const char *bsattn::runtime::dtypeName(DType dtype) {
  switch (dtype) {
  case DType::BF16:
    return "bf16";
  case DType::F16:
    return "f16";
  case DType::F32:
    return "f32";
  case DType::I32:
    return "i32";
  }
  return "?";
}

int64_t bsattn::runtime::dtypeBytes(DType dtype) {
  return dtype == DType::BF16 || dtype == DType::F16 ? 2 : 4;
}

int Manifest::findArgument(std::string_view role) const {
  for (size_t i = 0; i < arguments.size(); ++i)
    if (arguments[i].role == role)
      return static_cast<int>(i);
  return -1;
}

std::string bsattn::runtime::readFile(const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw Error("cannot open '" + path + "'");
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad())
    throw Error("cannot read '" + path + "'");
  return contents.str();
}

namespace {

/// A JSON value and the path that leads to it, so that every complaint names
/// the field: "challenge.json: params[3].box[0]: ...".
class Field {
public:
  Field(const Json &value, std::string path, std::string_view source)
      : value(value), path(std::move(path)), source(source) {}

  [[noreturn]] void fail(const std::string &message) const {
    throw ManifestError(std::string(source) + ": " + path + ": " + message);
  }

  Field member(std::string_view key) const {
    if (!value.is_object())
      fail(std::string("expected an object, got ") + describeJson(value));
    auto found = value.find(key);
    if (found == value.end())
      fail("missing field \"" + std::string(key) + "\"");
    return Field(*found, path + "." + std::string(key), source);
  }

  bool has(std::string_view key) const {
    return value.is_object() && value.contains(key);
  }

  int64_t integer(int64_t min, int64_t max) const {
    if (!value.is_number_integer())
      fail(std::string("expected an integer, got ") + describeJson(value));
    // Integers past int64 are read as unsigned; all of them are too large.
    if (value.is_number_unsigned() &&
        value.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()))
      fail(std::to_string(value.get<uint64_t>()) + " is outside [" +
           std::to_string(min) + ", " + std::to_string(max) + "]");
    int64_t result = value.get<int64_t>();
    if (result < min || result > max)
      fail(std::to_string(result) + " is outside [" + std::to_string(min) +
           ", " + std::to_string(max) + "]");
    return result;
  }

  double number() const {
    if (!value.is_number())
      fail(std::string("expected a number, got ") + describeJson(value));
    return value.get<double>();
  }

  bool boolean() const {
    if (!value.is_boolean())
      fail(std::string("expected a boolean, got ") + describeJson(value));
    return value.get<bool>();
  }

  const std::string &string() const {
    if (!value.is_string())
      fail(std::string("expected a string, got ") + describeJson(value));
    return value.get_ref<const std::string &>();
  }

  std::vector<Field> elements(size_t minSize, size_t maxSize) const {
    if (!value.is_array())
      fail(std::string("expected an array, got ") + describeJson(value));
    if (value.size() < minSize || value.size() > maxSize)
      fail("expected " +
           (minSize == maxSize
                ? std::to_string(minSize)
                : std::to_string(minSize) + " to " + std::to_string(maxSize)) +
           " elements, got " + std::to_string(value.size()));
    std::vector<Field> result;
    for (size_t i = 0; i < value.size(); ++i)
      result.emplace_back(value[i], path + "[" + std::to_string(i) + "]",
                          source);
    return result;
  }

  std::array<unsigned, 3> triple(int64_t max) const {
    std::vector<Field> items = elements(3, 3);
    return {static_cast<unsigned>(items[0].integer(1, max)),
            static_cast<unsigned>(items[1].integer(1, max)),
            static_cast<unsigned>(items[2].integer(1, max))};
  }

private:
  const Json &value;
  std::string path;
  std::string_view source;
};

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
// cuTensorMapEncodeTiled: rank <= 5, box sizes <= 256.
constexpr size_t kMaxTensorMapRank = 5;
constexpr int64_t kMaxBoxSize = 256;

ArgumentSpec parseArgument(const Field &field, size_t index) {
  ArgumentSpec spec;
  field.member("index").integer(static_cast<int64_t>(index),
                                static_cast<int64_t>(index));
  spec.role = field.member("role").string();
  if (spec.role.empty())
    field.member("role").fail("empty role");
  Field dtype = field.member("dtype");
  std::optional<DType> parsed = parseDType(dtype.string());
  if (!parsed)
    dtype.fail("unknown dtype \"" + dtype.string() +
               "\" (expected bf16, f16, f32 or i32)");
  spec.dtype = *parsed;
  for (const Field &size : field.member("shape").elements(1, 8)) {
    int64_t value = size.integer(-1, std::numeric_limits<int64_t>::max());
    if (value == 0)
      size.fail("a size must be positive, or -1 for dynamic");
    spec.shape.push_back(value);
  }
  return spec;
}

Param parseParam(const Field &field, const std::vector<ArgumentSpec> &args) {
  Param param;
  Field kind = field.member("kind");
  if (kind.string() == "tensor_map")
    param.kind = Param::Kind::TensorMap;
  else if (kind.string() == "pointer")
    param.kind = Param::Kind::Pointer;
  else if (kind.string() == "dim")
    param.kind = Param::Kind::Dim;
  else
    kind.fail("unknown parameter kind \"" + kind.string() +
              "\" (expected tensor_map, pointer or dim)");
  param.name = field.member("name").string();
  param.arg = static_cast<int>(
      field.member("arg").integer(0, static_cast<int64_t>(args.size()) - 1));
  const ArgumentSpec &arg = args[param.arg];
  int64_t rank = static_cast<int64_t>(arg.shape.size());
  if (param.kind == Param::Kind::Dim)
    param.dim = static_cast<int>(field.member("dim").integer(0, rank - 1));
  if (param.kind != Param::Kind::TensorMap)
    return param;

  if (arg.shape.size() > kMaxTensorMapRank)
    field.fail("a tensor map of '" + arg.role + "' needs rank <= 5, got " +
               std::to_string(rank));
  Field swizzle = field.member("swizzle");
  param.swizzle = static_cast<int>(swizzle.integer(0, 128));
  if (param.swizzle != 0 && param.swizzle != 32 && param.swizzle != 64 &&
      param.swizzle != 128)
    swizzle.fail("expected 0, 32, 64 or 128");
  Field box = field.member("box");
  for (const Field &size : box.elements(arg.shape.size(), arg.shape.size()))
    param.box.push_back(static_cast<uint32_t>(size.integer(1, kMaxBoxSize)));
  // TMA moves the innermost box dimension in 16-byte units, and a swizzled
  // box row must fit the swizzle span.
  int64_t rowBytes = param.box[0] * dtypeBytes(arg.dtype);
  if (rowBytes % 16)
    box.fail("the innermost box dimension is " + std::to_string(rowBytes) +
             " bytes, not a multiple of 16");
  if (param.swizzle && rowBytes > param.swizzle)
    box.fail("the innermost box dimension is " + std::to_string(rowBytes) +
             " bytes, more than the " + std::to_string(param.swizzle) +
             "-byte swizzle span");
  return param;
}

} // namespace

Manifest bsattn::runtime::parseManifest(std::string_view text,
                                        std::string_view source) {
  Json document = parseJson(text, source);
  Field root(document, "manifest", source);
  if (!document.is_object())
    root.fail("expected an object");

  Field format = root.member("format");
  if (format.string() != "bsattn-kernel-manifest")
    format.fail("expected \"bsattn-kernel-manifest\", got \"" +
                format.string() + "\"");
  root.member("version").integer(1, 1);

  Manifest manifest;
  manifest.entry = root.member("entry").string();
  if (manifest.entry.empty())
    root.member("entry").fail("empty entry point name");
  manifest.arch = root.member("arch").string();
  manifest.block = root.member("block").triple(1024);
  if (int64_t(manifest.block[0]) * manifest.block[1] * manifest.block[2] > 1024)
    root.member("block").fail("more than 1024 threads per block");
  manifest.cluster = root.member("cluster").triple(16);
  manifest.sharedBytes =
      static_cast<unsigned>(root.member("shared_bytes").integer(0, kInt32Max));
  manifest.sparsity = root.member("sparsity").string();
  manifest.pv = root.member("pv").string();
  Field scale = root.member("scale");
  manifest.scale = scale.number();
  if (!(manifest.scale > 0) || !std::isfinite(manifest.scale))
    scale.fail("expected a positive finite number");

  std::vector<Field> arguments = root.member("arguments").elements(1, 64);
  for (size_t i = 0; i < arguments.size(); ++i) {
    manifest.arguments.push_back(parseArgument(arguments[i], i));
    if (manifest.findArgument(manifest.arguments.back().role) !=
        static_cast<int>(i))
      arguments[i].member("role").fail("duplicate role \"" +
                                       manifest.arguments.back().role + "\"");
  }
  int64_t lastArg = static_cast<int64_t>(manifest.arguments.size()) - 1;

  for (const Field &field : root.member("grid").elements(3, 3)) {
    GridDim dim;
    dim.arg = static_cast<int>(field.member("arg").integer(0, lastArg));
    int64_t rank = manifest.arguments[dim.arg].shape.size();
    dim.dim = static_cast<int>(field.member("dim").integer(0, rank - 1));
    dim.divideBy = field.member("divide_by").integer(1, kInt32Max);
    manifest.grid.push_back(dim);
  }

  // Optional: manifests without it have one CTA per tile.
  if (root.has("persistent"))
    manifest.persistent = root.member("persistent").boolean();
  // Optional: manifests without it have as many K/V heads as query heads.
  if (root.has("kv_group"))
    manifest.kvGroup = root.member("kv_group").integer(1, kInt32Max);
  // Optional: manifests without it are causal.
  if (root.has("causal"))
    manifest.causal = root.member("causal").boolean();
  // Optional: manifests without it have indices per query head.
  if (root.has("indices_per_kv_head"))
    manifest.indicesPerKVHead = root.member("indices_per_kv_head").boolean();

  for (const Field &field : root.member("params").elements(1, 256))
    manifest.params.push_back(parseParam(field, manifest.arguments));
  return manifest;
}
