//===- Json.h - JSON through nlohmann-json ----------------------*- C++ -*-===//
//
// The runtime reads kernel manifests and bsattn-run writes its results with
// nlohmann-json (header-only, so the runtime still needs no LLVM). Objects
// keep their members in the order they were read or set.
//
//===----------------------------------------------------------------------===//

#ifndef BSATTN_RUNTIME_JSON_H
#define BSATTN_RUNTIME_JSON_H

#include <nlohmann/json.hpp>

#include <string_view>

namespace bsattn::runtime {

using Json = nlohmann::ordered_json;

/// Parses one JSON document, strictly: besides syntax errors (which name
/// the line and column), a key repeated within an object is an error rather
/// than a silent overwrite. Throws JsonError prefixed with `source`.
Json parseJson(std::string_view text, std::string_view source);

/// The kind of a value for messages: "an integer", "a number", "a string",
/// "an array", ...
const char *describeJson(const Json &value);

} // namespace bsattn::runtime

#endif // BSATTN_RUNTIME_JSON_H
