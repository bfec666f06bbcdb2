//===- ArgumentsTest.cpp - launch argument checks -------------------------===//

#include "TestUtil.h"

#include "bsattn/runtime/Arguments.h"
#include "bsattn/runtime/Error.h"

#include <gtest/gtest.h>

using namespace bsattn::runtime;
using namespace bsattn::runtime::test;

namespace {

/// Well-formed arguments of the challenge kernel, at aligned fake addresses.
std::vector<TensorArg> challengeArgs(int64_t b, int64_t h, int64_t t,
                                     int64_t nnz) {
  std::vector<int64_t> act = {b, h, t, 128};
  return {{0x10000, act, DType::BF16},
          {0x20000, act, DType::BF16},
          {0x30000, act, DType::BF16},
          {0x40000, {b}, DType::I32},
          {0x50000, {b, h, (t + 127) / 128 + 1}, DType::I32},
          {0x60000, {b, h, nnz}, DType::I32},
          {0x70000, act, DType::BF16},
          {0x80000, {b, h, t}, DType::F32}};
}

class Arguments : public ::testing::Test {
protected:
  std::string check(const std::vector<TensorArg> &args) {
    return errorOf<ArgumentError>([&] { checkArguments(manifest, args); });
  }

  Manifest manifest = inputManifest("challenge.json");
  std::vector<TensorArg> args = challengeArgs(2, 16, 4096, 40);
};

TEST_F(Arguments, WellFormed) {
  EXPECT_EQ(check(args), "no error");
  EXPECT_EQ(gridOf(manifest, args, 132), (std::array<unsigned, 3>{32, 16, 2}));
}

TEST_F(Arguments, PersistentGrid) {
  // One CTA per SM, or per tile when there are fewer tiles than SMs.
  manifest.persistent = true;
  EXPECT_EQ(gridOf(manifest, args, 132), (std::array<unsigned, 3>{132, 1, 1}));
  std::vector<TensorArg> small = challengeArgs(1, 2, 256, 4);
  EXPECT_EQ(gridOf(manifest, small, 132), (std::array<unsigned, 3>{4, 1, 1}));
}

TEST_F(Arguments, GroupedQueryHeads) {
  // kv_group = 4: k and v have H / 4 heads.
  manifest.kvGroup = 4;
  EXPECT_EQ(check(args), "'k' must be [B, H / kv_group, T, D] = "
                         "[2, 4, 4096, 128] for q [2, 16, 4096, 128], got "
                         "[2, 16, 4096, 128]");
  args[1].shape = args[2].shape = {2, 4, 4096, 128};
  EXPECT_EQ(check(args), "no error");
  // Index lists per head of k and v: [B, H / 4, ...].
  manifest.indicesPerKVHead = true;
  EXPECT_EQ(check(args), "'row_ptr' must be [B, H / kv_group, ceil(T/128) + "
                         "1] = [2, 4, 33] for q [2, 16, 4096, 128], got "
                         "[2, 16, 33]");
  args[4].shape = {2, 4, 33};
  args[5].shape = {2, 4, 40};
  EXPECT_EQ(check(args), "no error");
  manifest.indicesPerKVHead = false;
  std::vector<TensorArg> odd = challengeArgs(2, 6, 4096, 40);
  EXPECT_EQ(errorOf<ArgumentError>([&] { checkArguments(manifest, odd); }),
            "'q' shape [2, 6, 4096, 128]: H = 6 is not a multiple of the "
            "kernel's kv_group = 4");
}

TEST_F(Arguments, Count) {
  args.pop_back();
  EXPECT_EQ(check(args), "expected 8 arguments (q, k, v, seq_lens, row_ptr, "
                         "col_idx, o, lse), got 7");
}

TEST_F(Arguments, DType) {
  args[0].dtype = DType::F16;
  EXPECT_EQ(check(args), "'q' must be bf16, got f16");
}

TEST_F(Arguments, Rank) {
  args[7].shape = {2, 16};
  EXPECT_EQ(check(args),
            "'lse' must have rank 3 [-1, -1, -1], got shape [2, 16]");
}

TEST_F(Arguments, StaticSize) {
  args[1].shape = {2, 16, 4096, 64};
  EXPECT_EQ(check(args), "'k' shape [2, 16, 4096, 64] does not fit "
                         "[-1, -1, -1, 128] (-1: any size)");
}

TEST_F(Arguments, StaticSizesOfAStaticKernel) {
  Manifest fixed = inputManifest("sliding_window.json");
  std::vector<TensorArg> all = challengeArgs(1, 16, 8192, 1);
  std::vector<TensorArg> some = {all[0], all[1], all[2],
                                 all[3], all[6], all[7]};
  EXPECT_EQ(errorOf<ArgumentError>([&] { checkArguments(fixed, some); }),
            "'q' shape [1, 16, 8192, 128] does not fit [2, 16, 8192, 128] "
            "(-1: any size)");
}

TEST_F(Arguments, EmptySize) {
  args[5].shape = {2, 16, 0};
  EXPECT_EQ(check(args),
            "'col_idx' shape [2, 16, 0] has a size below 1 in dimension 2");
}

TEST_F(Arguments, NullAndMisaligned) {
  args[2].address = 0;
  EXPECT_EQ(check(args), "'v' is a null pointer");
  args[2].address = 0x30008;
  EXPECT_EQ(check(args), "'v' address 0x30008 is not 16-byte aligned");
}

TEST_F(Arguments, SameShapeForQkvo) {
  args[6].shape = {2, 16, 2048, 128};
  EXPECT_EQ(check(args), "'o' must be [B, H, T, D] = [2, 16, 4096, 128] for q "
                         "[2, 16, 4096, 128], got [2, 16, 2048, 128]");
}

TEST_F(Arguments, PartialLastBlock) {
  // T = 200: a full block and one of 72 tokens, each a query tile.
  args = challengeArgs(2, 16, 200, 4);
  EXPECT_EQ(check(args), "no error");
  EXPECT_EQ(gridOf(manifest, args, 132), (std::array<unsigned, 3>{2, 16, 2}));
  args[4].shape = {2, 16, 2};
  EXPECT_EQ(check(args), "'row_ptr' must be [B, H, ceil(T/128) + 1] = "
                         "[2, 16, 3] for q [2, 16, 200, 128], got [2, 16, 2]");
}

TEST_F(Arguments, ContractShapes) {
  std::vector<TensorArg> good = args;
  args[7].shape = {2, 16, 4095};
  EXPECT_EQ(check(args), "'lse' must be [B, H, T] = [2, 16, 4096] for q "
                         "[2, 16, 4096, 128], got [2, 16, 4095]");
  args = good;
  args[3].shape = {3};
  EXPECT_EQ(check(args), "'seq_lens' must be [B] = [2] for q "
                         "[2, 16, 4096, 128], got [3]");
  args = good;
  args[4].shape = {2, 16, 32};
  EXPECT_EQ(check(args), "'row_ptr' must be [B, H, ceil(T/128) + 1] = "
                         "[2, 16, 33] for q [2, 16, 4096, 128], got "
                         "[2, 16, 32]");
  args = good;
  args[5].shape = {2, 8, 40};
  EXPECT_EQ(check(args), "'col_idx' must be [B, H, NNZ] = [2, 16, 40] for q "
                         "[2, 16, 4096, 128], got [2, 8, 40]");
}

TEST_F(Arguments, GridLimits) {
  args = challengeArgs(1, 70000, 128, 1);
  EXPECT_EQ(check(args), "grid y = 70000 exceeds CUDA's limit 65535");
}

TEST_F(Arguments, PersistentTileCount) {
  // A grid of one tile per token (x = T) fits CUDA's per-axis limits, but a
  // persistent kernel numbers its 65535 * 65536 tiles with 32-bit integers.
  manifest.grid[0].divideBy = 1;
  args = challengeArgs(1, 65535, 65536, 1);
  EXPECT_EQ(check(args), "no error");
  manifest.persistent = true;
  EXPECT_EQ(check(args), "grid of 4294901760 tiles exceeds the persistent "
                         "kernel's limit 2147483647");
}

TEST_F(Arguments, TensorMapStrides) {
  // With a dynamic head size, D = 4 gives q rows of 8 bytes: no tensor map.
  Json document = parseJson(inputText("challenge.json"), "challenge.json");
  for (int i : {0, 1, 2, 6})
    document["arguments"][i]["shape"][3] = -1;
  Manifest dynamic = parseManifest(document.dump());
  std::vector<TensorArg> small = challengeArgs(1, 2, 128, 1);
  for (int i : {0, 1, 2, 6})
    small[i].shape[3] = 4;
  EXPECT_EQ(errorOf<ArgumentError>([&] { checkArguments(dynamic, small); }),
            "'q' shape [1, 2, 128, 4] gives dimension 2 a stride of 8 bytes; "
            "a tensor map needs a multiple of 16 below 2^40");
}

TEST(FormatShape, Lists) {
  EXPECT_EQ(formatShape({}), "[]");
  EXPECT_EQ(formatShape({2, 16}), "[2, 16]");
}

} // namespace
