//===- Json.h - a small JSON value, parser and writer -----------*- C++ -*-===//
//
// The runtime builds with the CUDA toolkit alone, so it carries its own JSON:
// enough to read kernel manifests (strictly, RFC 8259) and to write the
// one-line results of bsattn-run.
//
//===----------------------------------------------------------------------===//

#ifndef BSATTN_RUNTIME_JSON_H
#define BSATTN_RUNTIME_JSON_H

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace bsattn::runtime::json {

class Value;
using Array = std::vector<Value>;
/// Members in the order they were read or set.
using Object = std::vector<std::pair<std::string, Value>>;

class Value {
public:
  /// Integers are numbers written without fraction or exponent that fit
  /// int64; every other number is a Double.
  enum class Kind { Null, Bool, Integer, Double, String, Array, Object };

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool value) : kind(Kind::Bool), boolean(value) {}
  template <typename T,
            std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>,
                             int> = 0>
  Value(T value) : kind(Kind::Integer), integer(static_cast<int64_t>(value)) {}
  Value(double value) : kind(Kind::Double), number(value) {}
  Value(const char *value) : kind(Kind::String), string(value) {}
  Value(std::string value) : kind(Kind::String), string(std::move(value)) {}
  Value(Array value) : kind(Kind::Array), array(std::move(value)) {}
  Value(Object value) : kind(Kind::Object), object(std::move(value)) {}

  Kind getKind() const { return kind; }
  bool isNull() const { return kind == Kind::Null; }
  bool isBool() const { return kind == Kind::Bool; }
  bool isInteger() const { return kind == Kind::Integer; }
  bool isNumber() const {
    return kind == Kind::Integer || kind == Kind::Double;
  }
  bool isString() const { return kind == Kind::String; }
  bool isArray() const { return kind == Kind::Array; }
  bool isObject() const { return kind == Kind::Object; }

  // The accessors throw JsonError when the kind does not match.
  bool getBool() const;
  int64_t getInteger() const;
  double getNumber() const;
  const std::string &getString() const;
  const Array &getArray() const;
  Array &getArray();
  const Object &getObject() const;
  Object &getObject();

  /// The member `key` of an object, or null if absent.
  const Value *get(std::string_view key) const;
  Value *get(std::string_view key);
  /// Sets member `key` of an object (appended if new).
  void set(std::string_view key, Value value);

  /// One line of JSON; non-finite doubles become null.
  std::string serialize() const;

  /// The name of a kind, for messages ("an integer", "an object", ...).
  static const char *describe(Kind kind);

private:
  void serializeTo(std::string &out) const;

  Kind kind = Kind::Null;
  bool boolean = false;
  int64_t integer = 0;
  double number = 0;
  std::string string;
  Array array;
  Object object;
};

/// Parses one JSON document. Throws JsonError naming the line and column of
/// the first problem (syntax, duplicate key, nesting deeper than 256).
Value parse(std::string_view text);

} // namespace bsattn::runtime::json

#endif // BSATTN_RUNTIME_JSON_H
