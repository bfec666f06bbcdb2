//===- JsonTest.cpp - the runtime's JSON parser and writer ----------------===//

#include "bsattn/runtime/Json.h"
#include "bsattn/runtime/Error.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace bsattn::runtime;

namespace {

std::string parseError(const std::string &text) {
  try {
    json::parse(text);
  } catch (const JsonError &error) {
    return error.what();
  }
  return "no error";
}

TEST(Json, Scalars) {
  EXPECT_TRUE(json::parse("null").isNull());
  EXPECT_TRUE(json::parse(" true ").getBool());
  EXPECT_FALSE(json::parse("false").getBool());
  EXPECT_EQ(json::parse("42").getInteger(), 42);
  EXPECT_EQ(json::parse("-7").getInteger(), -7);
  EXPECT_TRUE(json::parse("1.5").getKind() == json::Value::Kind::Double);
  EXPECT_DOUBLE_EQ(json::parse("0.088388346135616302").getNumber(),
                   0.088388346135616302);
  EXPECT_DOUBLE_EQ(json::parse("-2.5e-3").getNumber(), -2.5e-3);
  EXPECT_DOUBLE_EQ(json::parse("3").getNumber(), 3.0);
}

TEST(Json, IntegerLimits) {
  EXPECT_EQ(json::parse("9223372036854775807").getInteger(),
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(json::parse("-9223372036854775808").getInteger(),
            std::numeric_limits<int64_t>::min());
  // One past int64 is still a number, as a double.
  json::Value big = json::parse("9223372036854775808");
  EXPECT_FALSE(big.isInteger());
  EXPECT_DOUBLE_EQ(big.getNumber(), 9223372036854775808.0);
  EXPECT_NE(parseError("1e400").find("number out of range"), std::string::npos);
}

TEST(Json, Strings) {
  EXPECT_EQ(json::parse(R"("a\"b\\c\/d\n\t")").getString(), "a\"b\\c/d\n\t");
  EXPECT_EQ(json::parse(R"("\u00e9")").getString(), "\xC3\xA9");
  EXPECT_EQ(json::parse(R"("\u20AC")").getString(), "\xE2\x82\xAC");
  // A surrogate pair is one code point, U+1F600.
  EXPECT_EQ(json::parse(R"("\ud83d\ude00")").getString(), "\xF0\x9F\x98\x80");
}

TEST(Json, Containers) {
  json::Value value = json::parse(R"({"b": [1, 2.5, "x", [], {}], "a": {}})");
  ASSERT_TRUE(value.isObject());
  const json::Object &members = value.getObject();
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].first, "b"); // order kept
  const json::Array &array = value.get("b")->getArray();
  ASSERT_EQ(array.size(), 5u);
  EXPECT_EQ(array[0].getInteger(), 1);
  EXPECT_EQ(array[2].getString(), "x");
  EXPECT_TRUE(array[3].getArray().empty());
  EXPECT_TRUE(array[4].getObject().empty());
  EXPECT_EQ(value.get("missing"), nullptr);
}

TEST(Json, Errors) {
  EXPECT_NE(parseError("").find("unexpected end of input"), std::string::npos);
  EXPECT_NE(parseError("[1, 2,]").find("expected a value"), std::string::npos);
  EXPECT_NE(parseError("[1 2]").find("expected ',' or ']'"), std::string::npos);
  EXPECT_NE(parseError(R"({"a" 1})").find("expected ':'"), std::string::npos);
  EXPECT_NE(parseError(R"({"a": 1,})").find("expected a string key"),
            std::string::npos);
  EXPECT_NE(parseError(R"({"a": 1 "b": 2})").find("expected ',' or '}'"),
            std::string::npos);
  EXPECT_NE(parseError(R"("abc)").find("unterminated string"),
            std::string::npos);
  EXPECT_NE(parseError("\"a\nb\"").find("control character"),
            std::string::npos);
  EXPECT_NE(parseError(R"("\x")").find("invalid escape"), std::string::npos);
  EXPECT_NE(parseError(R"("\ud83d")").find("unpaired high surrogate"),
            std::string::npos);
  EXPECT_NE(parseError(R"("\ude00")").find("unpaired low surrogate"),
            std::string::npos);
  EXPECT_NE(parseError("012").find("leading zero"), std::string::npos);
  EXPECT_NE(parseError("1.").find("digits after '.'"), std::string::npos);
  EXPECT_NE(parseError("1e").find("digits in exponent"), std::string::npos);
  EXPECT_NE(parseError("-").find("expected digits"), std::string::npos);
  EXPECT_NE(parseError("+1").find("unexpected character '+'"),
            std::string::npos);
  EXPECT_NE(parseError("NaN").find("unexpected character 'N'"),
            std::string::npos);
  EXPECT_NE(parseError("tru").find("invalid literal"), std::string::npos);
  EXPECT_NE(parseError("{} x").find("unexpected text after"),
            std::string::npos);
  EXPECT_NE(parseError(R"({"a": 1, "a": 2})").find("duplicate key \"a\""),
            std::string::npos);
  std::string deep(300, '[');
  EXPECT_NE(parseError(deep).find("nesting deeper than 256"),
            std::string::npos);
}

TEST(Json, ErrorsNameLineAndColumn) {
  EXPECT_EQ(parseError("{\n  \"a\": ?\n}"),
            "JSON line 2, column 8: unexpected character '?', expected a "
            "value");
}

TEST(Json, WrongKindThrows) {
  json::Value value = json::parse(R"({"a": "text"})");
  EXPECT_THROW(value.get("a")->getInteger(), JsonError);
  EXPECT_THROW(value.getArray(), JsonError);
  EXPECT_THROW(json::parse("1.5").getInteger(), JsonError);
}

TEST(Json, Serialize) {
  json::Value value{json::Object{}};
  value.set("name", "a\"b\n");
  value.set("count", 3);
  value.set("ratio", 0.25);
  value.set("list", json::Array{1, true, nullptr, "x"});
  value.set("inf", std::numeric_limits<double>::infinity());
  value.set("count", 4); // replaces, keeps the position
  EXPECT_EQ(value.serialize(),
            R"({"name": "a\"b\n", "count": 4, "ratio": 0.25, )"
            R"("list": [1, true, null, "x"], "inf": null})");
}

TEST(Json, RoundTrip) {
  std::string text =
      R"({"a": [1, -2, 0.1, 1e-05, "\u0001"], "b": {"c": false}})";
  json::Value value = json::parse(text);
  EXPECT_EQ(json::parse(value.serialize()).serialize(), value.serialize());
  EXPECT_DOUBLE_EQ(
      json::parse(value.serialize()).get("a")->getArray()[2].getNumber(), 0.1);
}

} // namespace
