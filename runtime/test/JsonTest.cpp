//===- JsonTest.cpp - the runtime's use of nlohmann-json ------------------===//

#include "TestUtil.h"

#include "bsattn/runtime/Error.h"
#include "bsattn/runtime/Json.h"

#include <gtest/gtest.h>

#include <limits>

using namespace bsattn::runtime;
using namespace bsattn::runtime::test;

namespace {

std::string parseError(const std::string &text) {
  return errorOf<JsonError>([&] { parseJson(text, "k.json"); });
}

TEST(Json, SyntaxErrorsNameTheSourceLineAndColumn) {
  EXPECT_EQ(
      parseError("{\n  \"a\": ?\n}")
          .rfind("k.json: [json.exception.parse_error.101] parse error at "
                 "line 2, column 8",
                 0),
      0u);
  EXPECT_NE(parseError("[1, 2,]").find("parse error"), std::string::npos);
  EXPECT_NE(parseError("{} x").find("parse error"), std::string::npos);
  EXPECT_NE(parseError("").find("parse error"), std::string::npos);
}

TEST(Json, NumbersBeyondDoubleAreErrors) {
  EXPECT_EQ(parseError("1e400").rfind("k.json: ", 0), 0u);
  EXPECT_NE(parseError("1e400").find("number overflow"), std::string::npos);
}

TEST(Json, RepeatedKeysAreErrorsAtAnyDepth) {
  EXPECT_EQ(parseError(R"({"a": 1, "a": 2})"), "k.json: duplicate key \"a\"");
  EXPECT_EQ(parseError(R"({"a": [{"b": 1}, {"c": 1, "c": 2}]})"),
            "k.json: duplicate key \"c\"");
  // The same key in sibling objects is fine.
  EXPECT_EQ(parseError(R"([{"a": 1}, {"a": 2}, {"a": {"a": 3}}])"), "no error");
}

TEST(Json, IntegersAndNumbers) {
  Json value = parseJson(R"([42, -7, 3.0, 9223372036854775807, 1e-5])", "x");
  EXPECT_TRUE(value[0].is_number_integer());
  EXPECT_TRUE(value[1].is_number_integer());
  // A fraction or an exponent makes a number, not an integer.
  EXPECT_TRUE(value[2].is_number_float());
  EXPECT_EQ(value[3].get<int64_t>(), std::numeric_limits<int64_t>::max());
  EXPECT_DOUBLE_EQ(value[4].get<double>(), 1e-5);
}

TEST(Json, DescribesKindsForMessages) {
  Json value = parseJson(
      R"({"n": null, "b": true, "i": -1, "u": 1, "d": 0.5, "s": "",
          "a": [], "o": {}})",
      "x");
  const char *expected[] = {"null",     "a boolean", "an integer", "an integer",
                            "a number", "a string",  "an array",   "an object"};
  int i = 0;
  for (const auto &[key, member] : value.items())
    EXPECT_EQ(describeJson(member), std::string(expected[i++])) << key;
}

TEST(Json, WritesMembersInOrderAndNonFiniteAsNull) {
  Json value = Json::object();
  value["name"] = "a\"b\n";
  value["count"] = 3;
  value["ratio"] = 0.25;
  value["list"] = Json::array({1, true, nullptr, "x"});
  value["inf"] = std::numeric_limits<double>::infinity();
  value["count"] = 4; // replaces, keeps the position
  EXPECT_EQ(value.dump(), R"({"name":"a\"b\n","count":4,"ratio":0.25,)"
                          R"("list":[1,true,null,"x"],"inf":null})");
}

} // namespace
