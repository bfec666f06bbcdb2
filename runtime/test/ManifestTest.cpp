//===- ManifestTest.cpp - kernel manifests, good and malformed ------------===//

#include "TestUtil.h"

#include "bsattn/runtime/Error.h"

#include <gtest/gtest.h>

#include <functional>

using namespace bsattn::runtime;
using namespace bsattn::runtime::test;

namespace {

TEST(Manifest, ChallengeKernel) {
  Manifest manifest = inputManifest("challenge.json");
  EXPECT_EQ(manifest.entry, "challenge");
  EXPECT_EQ(manifest.arch, "sm_90a");
  EXPECT_EQ(manifest.block, (std::array<unsigned, 3>{256, 1, 1}));
  EXPECT_EQ(manifest.cluster, (std::array<unsigned, 3>{1, 1, 1}));
  EXPECT_EQ(manifest.sharedBytes, 164864u);
  EXPECT_EQ(manifest.sparsity, "#bsattn.csr");
  EXPECT_EQ(manifest.pv, "split_bf16");
  EXPECT_DOUBLE_EQ(manifest.scale, 0.088388346135616302);

  ASSERT_EQ(manifest.arguments.size(), 8u);
  const char *roles[] = {"q",       "k",       "v", "seq_lens",
                         "row_ptr", "col_idx", "o", "lse"};
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(manifest.arguments[i].role, roles[i]);
    EXPECT_EQ(manifest.findArgument(roles[i]), i);
  }
  EXPECT_EQ(manifest.findArgument("nope"), -1);
  EXPECT_EQ(manifest.arguments[0].dtype, DType::BF16);
  EXPECT_EQ(manifest.arguments[0].shape,
            (std::vector<int64_t>{-1, -1, -1, 128}));
  EXPECT_EQ(manifest.arguments[7].dtype, DType::F32);
  EXPECT_EQ(manifest.arguments[4].dtype, DType::I32);

  ASSERT_EQ(manifest.grid.size(), 3u);
  EXPECT_EQ(manifest.grid[0].arg, 0);
  EXPECT_EQ(manifest.grid[0].dim, 2);
  EXPECT_EQ(manifest.grid[0].divideBy, 128);
  EXPECT_EQ(manifest.grid[2].dim, 0);
  // Written before persistent kernels: one CTA per tile.
  EXPECT_FALSE(manifest.persistent);

  ASSERT_EQ(manifest.params.size(), 23u);
  const Param &q = manifest.params[0];
  EXPECT_EQ(q.kind, Param::Kind::TensorMap);
  EXPECT_EQ(q.arg, 0);
  EXPECT_EQ(q.box, (std::vector<uint32_t>{64, 128, 1, 1}));
  EXPECT_EQ(q.swizzle, 128);
  EXPECT_EQ(manifest.params[3].kind, Param::Kind::Pointer);
  EXPECT_EQ(manifest.params[3].arg, 6);
  EXPECT_EQ(manifest.params[4].kind, Param::Kind::Dim);
  EXPECT_EQ(manifest.params[4].dim, 0);
  EXPECT_EQ(manifest.params[22].name, "nnz");
}

TEST(Manifest, StaticKernel) {
  Manifest manifest = inputManifest("sliding_window.json");
  EXPECT_EQ(manifest.sparsity, "#bsattn.sliding_window<8>");
  EXPECT_EQ(manifest.findArgument("row_ptr"), -1);
  EXPECT_EQ(manifest.arguments[0].shape,
            (std::vector<int64_t>{2, 16, 8192, 128}));
}

TEST(Manifest, DTypes) {
  for (DType dtype : {DType::BF16, DType::F16, DType::F32, DType::I32})
    EXPECT_EQ(parseDType(dtypeName(dtype)), dtype);
  EXPECT_EQ(parseDType("f64"), std::nullopt);
  EXPECT_EQ(dtypeBytes(DType::BF16), 2);
  EXPECT_EQ(dtypeBytes(DType::I32), 4);
}

/// The error of the challenge manifest after `mutate`.
std::string mutatedError(const std::function<void(Json &)> &mutate) {
  Json document = parseJson(inputText("challenge.json"), "challenge.json");
  mutate(document);
  return errorOf<Error>([&] { parseManifest(document.dump(), "k.json"); });
}

TEST(Manifest, MalformedJson) {
  std::string text = inputText("challenge.json");
  EXPECT_EQ(
      errorOf<JsonError>(
          [&] { parseManifest(text.substr(0, text.size() / 2), "k.json"); })
          .rfind("k.json: [json.exception.parse_error.101] parse error at "
                 "line ",
                 0),
      0u);
  EXPECT_NE(errorOf<JsonError>([] {
              parseManifest("{} {}", "k.json");
            }).find("expected end of input"),
            std::string::npos);
  EXPECT_EQ(errorOf<JsonError>([] {
              parseManifest(R"({"entry": "a", "entry": "b"})", "k.json");
            }),
            "k.json: duplicate key \"entry\"");
}

TEST(Manifest, MalformedFields) {
  struct Case {
    std::function<void(Json &)> mutate;
    const char *message;
  };
  std::vector<Case> cases = {
      {[](Json &) {}, "no error"},
      {[](Json &m) { m = Json::array(); },
       "k.json: manifest: expected an object"},
      {[](Json &m) { m["format"] = "other"; },
       "k.json: manifest.format: expected \"bsattn-kernel-manifest\", got "
       "\"other\""},
      {[](Json &m) { m["version"] = 2; },
       "k.json: manifest.version: 2 is outside [1, 1]"},
      {[](Json &m) { m.erase("entry"); },
       "k.json: manifest: missing field \"entry\""},
      {[](Json &m) { m["entry"] = 5; },
       "k.json: manifest.entry: expected a string, got an integer"},
      {[](Json &m) { m["entry"] = ""; },
       "k.json: manifest.entry: empty entry point name"},
      {[](Json &m) { m["block"][0] = 0; },
       "k.json: manifest.block[0]: 0 is outside [1, 1024]"},
      {[](Json &m) {
         m["block"] = Json::array({256, 1});
       },
       "k.json: manifest.block: expected 3 elements, got 2"},
      {[](Json &m) {
         m["block"] = Json::array({512, 4, 1});
       },
       "k.json: manifest.block: more than 1024 threads per block"},
      {[](Json &m) { m["shared_bytes"] = -1; },
       "k.json: manifest.shared_bytes: -1 is outside [0, 2147483647]"},
      {[](Json &m) { m["scale"] = -0.5; },
       "k.json: manifest.scale: expected a positive finite number"},
      {[](Json &m) { m["arguments"] = Json::array(); },
       "k.json: manifest.arguments: expected 1 to 64 elements, got 0"},
      {[](Json &m) { m["arguments"][1]["index"] = 0; },
       "k.json: manifest.arguments[1].index: 0 is outside [1, 1]"},
      {[](Json &m) { m["arguments"][0]["dtype"] = "f64"; },
       "k.json: manifest.arguments[0].dtype: unknown dtype \"f64\" (expected "
       "bf16, f16, f32 or i32)"},
      {[](Json &m) { m["arguments"][1]["role"] = "q"; },
       "k.json: manifest.arguments[1].role: duplicate role \"q\""},
      {[](Json &m) { m["arguments"][0]["shape"][3] = 0; },
       "k.json: manifest.arguments[0].shape[3]: a size must be positive, or "
       "-1 for dynamic"},
      {[](Json &m) { m["grid"][0]["arg"] = 8; },
       "k.json: manifest.grid[0].arg: 8 is outside [0, 7]"},
      {[](Json &m) { m["grid"][0]["dim"] = 4; },
       "k.json: manifest.grid[0].dim: 4 is outside [0, 3]"},
      {[](Json &m) { m["grid"][1]["divide_by"] = 0; },
       "k.json: manifest.grid[1].divide_by: 0 is outside [1, 2147483647]"},
      {[](Json &m) { m["persistent"] = 1; },
       "k.json: manifest.persistent: expected a boolean, got an integer"},
      {[](Json &m) { m["kv_group"] = 0; },
       "k.json: manifest.kv_group: 0 is outside [1, 2147483647]"},
      {[](Json &m) { m["causal"] = "no"; },
       "k.json: manifest.causal: expected a boolean, got a string"},
      {[](Json &m) { m["params"][0]["kind"] = "scalar"; },
       "k.json: manifest.params[0].kind: unknown parameter kind \"scalar\" "
       "(expected tensor_map, pointer or dim)"},
      {[](Json &m) { m["params"][0].erase("arg"); },
       "k.json: manifest.params[0]: missing field \"arg\""},
      {[](Json &m) { m["params"][4]["dim"] = 4; },
       "k.json: manifest.params[4].dim: 4 is outside [0, 3]"},
      {[](Json &m) {
         m["params"][0]["box"] = Json::array({64, 128, 1});
       },
       "k.json: manifest.params[0].box: expected 4 elements, got 3"},
      {[](Json &m) {
         m["params"][0]["box"] = Json::array({64, 512, 1, 1});
       },
       "k.json: manifest.params[0].box[1]: 512 is outside [1, 256]"},
      {[](Json &m) {
         m["params"][0]["box"] = Json::array({128, 128, 1, 1});
       },
       "k.json: manifest.params[0].box: the innermost box dimension is 256 "
       "bytes, more than the 128-byte swizzle span"},
      {[](Json &m) {
         m["params"][0]["box"] = Json::array({4, 128, 1, 1});
       },
       "k.json: manifest.params[0].box: the innermost box dimension is 8 "
       "bytes, not a multiple of 16"},
      {[](Json &m) { m["params"][0]["swizzle"] = 48; },
       "k.json: manifest.params[0].swizzle: expected 0, 32, 64 or 128"},
  };
  for (const Case &c : cases)
    EXPECT_EQ(mutatedError(c.mutate), c.message);
}

TEST(Manifest, KVGroup) {
  Json document = parseJson(inputText("challenge.json"), "challenge.json");
  EXPECT_EQ(parseManifest(document.dump(), "k.json").kvGroup, 1);
  document["kv_group"] = 4;
  EXPECT_EQ(parseManifest(document.dump(), "k.json").kvGroup, 4);
}

TEST(Manifest, Causal) {
  Json document = parseJson(inputText("challenge.json"), "challenge.json");
  EXPECT_TRUE(parseManifest(document.dump(), "k.json").causal);
  document["causal"] = false;
  EXPECT_FALSE(parseManifest(document.dump(), "k.json").causal);
}

TEST(Manifest, IndicesPerKVHead) {
  Json document = parseJson(inputText("challenge.json"), "challenge.json");
  EXPECT_FALSE(parseManifest(document.dump(), "k.json").indicesPerKVHead);
  document["indices_per_kv_head"] = true;
  EXPECT_TRUE(parseManifest(document.dump(), "k.json").indicesPerKVHead);
  EXPECT_EQ(mutatedError([](Json &m) { m["indices_per_kv_head"] = 1; }),
            "k.json: manifest.indices_per_kv_head: expected a boolean, got "
            "an integer");
}

TEST(Manifest, Persistent) {
  Json document = parseJson(inputText("challenge.json"), "challenge.json");
  document["persistent"] = true;
  EXPECT_TRUE(parseManifest(document.dump(), "k.json").persistent);
}

} // namespace
