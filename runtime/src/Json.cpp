//===- Json.cpp - a small JSON value, parser and writer -------------------===//

#include "bsattn/runtime/Json.h"
#include "bsattn/runtime/Error.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>

using namespace bsattn::runtime;
using namespace bsattn::runtime::json;

const char *Value::describe(Kind kind) {
  switch (kind) {
  case Kind::Null:
    return "null";
  case Kind::Bool:
    return "a boolean";
  case Kind::Integer:
    return "an integer";
  case Kind::Double:
    return "a number";
  case Kind::String:
    return "a string";
  case Kind::Array:
    return "an array";
  case Kind::Object:
    return "an object";
  }
  return "?";
}

static void expectKind(bool ok, const char *wanted, Value::Kind actual) {
  if (!ok)
    throw JsonError(std::string("expected ") + wanted + ", got " +
                    Value::describe(actual));
}

bool Value::getBool() const {
  expectKind(isBool(), "a boolean", kind);
  return boolean;
}

int64_t Value::getInteger() const {
  expectKind(isInteger(), "an integer", kind);
  return integer;
}

double Value::getNumber() const {
  expectKind(isNumber(), "a number", kind);
  return kind == Kind::Integer ? static_cast<double>(integer) : number;
}

const std::string &Value::getString() const {
  expectKind(isString(), "a string", kind);
  return string;
}

const Array &Value::getArray() const {
  expectKind(isArray(), "an array", kind);
  return array;
}

Array &Value::getArray() {
  expectKind(isArray(), "an array", kind);
  return array;
}

const Object &Value::getObject() const {
  expectKind(isObject(), "an object", kind);
  return object;
}

Object &Value::getObject() {
  expectKind(isObject(), "an object", kind);
  return object;
}

const Value *Value::get(std::string_view key) const {
  for (const auto &[name, value] : getObject())
    if (name == key)
      return &value;
  return nullptr;
}

Value *Value::get(std::string_view key) {
  return const_cast<Value *>(std::as_const(*this).get(key));
}

void Value::set(std::string_view key, Value value) {
  expectKind(isObject(), "an object", kind);
  for (auto &[name, member] : object) {
    if (name == key) {
      member = std::move(value);
      return;
    }
  }
  object.emplace_back(std::string(key), std::move(value));
}

static void writeString(std::string &out, std::string_view text) {
  out += '"';
  for (char c : text) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char escape[8];
        std::snprintf(escape, sizeof(escape), "\\u%04x", c);
        out += escape;
      } else {
        out += c;
      }
    }
  }
  out += '"';
}

void Value::serializeTo(std::string &out) const {
  switch (kind) {
  case Kind::Null:
    out += "null";
    return;
  case Kind::Bool:
    out += boolean ? "true" : "false";
    return;
  case Kind::Integer:
    out += std::to_string(integer);
    return;
  case Kind::Double: {
    if (!std::isfinite(number)) {
      out += "null";
      return;
    }
    // Shortest text that reads back as the same double.
    char buffer[32];
    auto result = std::to_chars(buffer, buffer + sizeof(buffer), number);
    out.append(buffer, result.ptr);
    return;
  }
  case Kind::String:
    writeString(out, string);
    return;
  case Kind::Array:
    out += '[';
    for (size_t i = 0; i < array.size(); ++i) {
      if (i)
        out += ", ";
      array[i].serializeTo(out);
    }
    out += ']';
    return;
  case Kind::Object:
    out += '{';
    for (size_t i = 0; i < object.size(); ++i) {
      if (i)
        out += ", ";
      writeString(out, object[i].first);
      out += ": ";
      object[i].second.serializeTo(out);
    }
    out += '}';
    return;
  }
}

std::string Value::serialize() const {
  std::string out;
  serializeTo(out);
  return out;
}

namespace {

class Parser {
public:
  explicit Parser(std::string_view text) : text(text) {}

  Value parseDocument() {
    skipSpace();
    Value value = parseValue(0);
    skipSpace();
    if (pos != text.size())
      fail("unexpected text after the JSON value");
    return value;
  }

private:
  static constexpr int kMaxDepth = 256;

  [[noreturn]] void fail(const std::string &message) const {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < pos && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw JsonError("JSON line " + std::to_string(line) + ", column " +
                    std::to_string(column) + ": " + message);
  }

  bool atEnd() const { return pos >= text.size(); }
  char peek() const { return atEnd() ? '\0' : text[pos]; }

  void skipSpace() {
    while (!atEnd() && (text[pos] == ' ' || text[pos] == '\t' ||
                        text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }

  void expectWord(std::string_view word) {
    if (text.substr(pos, word.size()) != word)
      fail("invalid literal (expected '" + std::string(word) + "')");
    pos += word.size();
  }

  Value parseValue(int depth) {
    if (depth > kMaxDepth)
      fail("nesting deeper than " + std::to_string(kMaxDepth));
    switch (peek()) {
    case '{':
      return parseObject(depth);
    case '[':
      return parseArray(depth);
    case '"':
      return Value(parseString());
    case 't':
      expectWord("true");
      return Value(true);
    case 'f':
      expectWord("false");
      return Value(false);
    case 'n':
      expectWord("null");
      return Value();
    default:
      if (peek() == '-' || (peek() >= '0' && peek() <= '9'))
        return parseNumber();
      if (atEnd())
        fail("unexpected end of input, expected a value");
      fail(std::string("unexpected character '") + peek() +
           "', expected a value");
    }
  }

  Value parseObject(int depth) {
    ++pos; // '{'
    Object members;
    skipSpace();
    if (peek() == '}') {
      ++pos;
      return Value(std::move(members));
    }
    while (true) {
      skipSpace();
      if (peek() != '"')
        fail("expected a string key in object");
      size_t keyPos = pos;
      std::string key = parseString();
      for (const auto &member : members) {
        if (member.first == key) {
          pos = keyPos;
          fail("duplicate key \"" + key + "\"");
        }
      }
      skipSpace();
      if (peek() != ':')
        fail("expected ':' after object key");
      ++pos;
      skipSpace();
      Value value = parseValue(depth + 1);
      members.emplace_back(std::move(key), std::move(value));
      skipSpace();
      if (peek() == ',') {
        ++pos;
        continue;
      }
      if (peek() == '}') {
        ++pos;
        return Value(std::move(members));
      }
      fail("expected ',' or '}' in object");
    }
  }

  Value parseArray(int depth) {
    ++pos; // '['
    Array elements;
    skipSpace();
    if (peek() == ']') {
      ++pos;
      return Value(std::move(elements));
    }
    while (true) {
      skipSpace();
      elements.push_back(parseValue(depth + 1));
      skipSpace();
      if (peek() == ',') {
        ++pos;
        continue;
      }
      if (peek() == ']') {
        ++pos;
        return Value(std::move(elements));
      }
      fail("expected ',' or ']' in array");
    }
  }

  unsigned parseHex4() {
    if (pos + 4 > text.size())
      fail("truncated \\u escape");
    unsigned code = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text[pos++];
      code <<= 4;
      if (c >= '0' && c <= '9')
        code |= c - '0';
      else if (c >= 'a' && c <= 'f')
        code |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        code |= c - 'A' + 10;
      else
        fail("invalid hex digit in \\u escape");
    }
    return code;
  }

  static void appendUtf8(std::string &out, unsigned code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  std::string parseString() {
    ++pos; // '"'
    std::string out;
    while (true) {
      if (atEnd())
        fail("unterminated string");
      char c = text[pos];
      if (c == '"') {
        ++pos;
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20)
        fail("control character in string");
      if (c != '\\') {
        out += c;
        ++pos;
        continue;
      }
      ++pos;
      if (atEnd())
        fail("unterminated escape");
      char escape = text[pos++];
      switch (escape) {
      case '"':
      case '\\':
      case '/':
        out += escape;
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        unsigned code = parseHex4();
        if (code >= 0xDC00 && code <= 0xDFFF)
          fail("unpaired low surrogate in \\u escape");
        if (code >= 0xD800 && code <= 0xDBFF) {
          if (text.substr(pos, 2) != "\\u")
            fail("unpaired high surrogate in \\u escape");
          pos += 2;
          unsigned low = parseHex4();
          if (low < 0xDC00 || low > 0xDFFF)
            fail("invalid low surrogate in \\u escape");
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        }
        appendUtf8(out, code);
        break;
      }
      default:
        --pos;
        fail(std::string("invalid escape '\\") + escape + "'");
      }
    }
  }

  Value parseNumber() {
    // Check the RFC 8259 grammar first: from_chars accepts more ("inf",
    // leading zeros, a leading '+').
    size_t start = pos;
    bool integral = true;
    if (peek() == '-')
      ++pos;
    auto digits = [&] {
      size_t first = pos;
      while (peek() >= '0' && peek() <= '9')
        ++pos;
      return pos - first;
    };
    if (peek() == '0') {
      ++pos;
      if (peek() >= '0' && peek() <= '9')
        fail("leading zero in number");
    } else if (digits() == 0) {
      fail("expected digits in number");
    }
    if (peek() == '.') {
      integral = false;
      ++pos;
      if (digits() == 0)
        fail("expected digits after '.' in number");
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      ++pos;
      if (peek() == '+' || peek() == '-')
        ++pos;
      if (digits() == 0)
        fail("expected digits in exponent");
    }
    const char *first = text.data() + start;
    const char *last = text.data() + pos;
    if (integral) {
      int64_t value;
      auto result = std::from_chars(first, last, value);
      if (result.ec == std::errc() && result.ptr == last)
        return Value(value);
    }
    double value;
    auto result = std::from_chars(first, last, value);
    if (result.ec != std::errc() || result.ptr != last ||
        !std::isfinite(value)) {
      pos = start;
      fail("number out of range");
    }
    return Value(value);
  }

  std::string_view text;
  size_t pos = 0;
};

} // namespace

Value json::parse(std::string_view text) {
  return Parser(text).parseDocument();
}
