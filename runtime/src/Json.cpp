//===- Json.cpp - JSON through nlohmann-json ------------------------------===//

#include "bsattn/runtime/Json.h"
#include "bsattn/runtime/Error.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace bsattn::runtime;

Json bsattn::runtime::parseJson(std::string_view text,
                                std::string_view source) {
  // The keys seen so far in each object being read, innermost last.
  std::vector<std::set<std::string>> openObjects;
  std::optional<std::string> duplicate;
  auto rejectDuplicateKeys = [&](int, Json::parse_event_t event, Json &parsed) {
    if (event == Json::parse_event_t::object_start)
      openObjects.emplace_back();
    else if (event == Json::parse_event_t::object_end)
      openObjects.pop_back();
    else if (event == Json::parse_event_t::key && !duplicate &&
             !openObjects.back().insert(parsed.get<std::string>()).second)
      duplicate = parsed.get<std::string>();
    return true;
  };
  Json document;
  try {
    document = Json::parse(text.begin(), text.end(), rejectDuplicateKeys);
  } catch (const Json::exception &error) {
    // Syntax errors, and numbers beyond a double's range.
    throw JsonError(std::string(source) + ": " + error.what());
  }
  if (duplicate)
    throw JsonError(std::string(source) + ": duplicate key \"" + *duplicate +
                    "\"");
  return document;
}

const char *bsattn::runtime::describeJson(const Json &value) {
  switch (value.type()) {
  case Json::value_t::null:
    return "null";
  case Json::value_t::boolean:
    return "a boolean";
  case Json::value_t::number_integer:
  case Json::value_t::number_unsigned:
    return "an integer";
  case Json::value_t::number_float:
    return "a number";
  case Json::value_t::string:
    return "a string";
  case Json::value_t::array:
    return "an array";
  case Json::value_t::object:
    return "an object";
  default:
    return "a binary value";
  }
}
