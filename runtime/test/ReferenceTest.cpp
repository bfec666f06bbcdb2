//===- ReferenceTest.cpp - the fp64 reference and the comparison ----------===//

#include "bsattn/runtime/Reference.h"
#include "bsattn/runtime/BFloat16.h"
#include "bsattn/runtime/Compare.h"
#include "bsattn/runtime/Error.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace bsattn::runtime;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Tiny problems with hand-checkable answers: D = 4, bf16 inputs set
/// element by element (zeros elsewhere).
struct Tiny {
  Tiny(int64_t batch, int64_t heads, int64_t t, double scale = 0.5)
      : problem{batch, heads, t, 4, scale}, q(problem.rows() * 4),
        k(problem.rows() * 4), v(problem.rows() * 4) {}

  void set(std::vector<uint16_t> &tensor, int64_t row, int64_t d, float value) {
    tensor[row * problem.headDim + d] = floatToBf16(value);
  }

  ReferenceOutputs run(const Csr &csr, std::vector<int32_t> seqLens) {
    return referenceAttention(problem, q, k, v, seqLens, csr);
  }

  Problem problem;
  std::vector<uint16_t> q, k, v;
};

TEST(Reference, OneKeyGivesItsValue) {
  // seq_len 1: row 0 sees key 0 alone; o = v[0], lse = scale * q.k.
  Tiny tiny(1, 1, 128);
  tiny.set(tiny.q, 0, 0, 1.0f);
  tiny.set(tiny.q, 0, 1, 2.0f);
  tiny.set(tiny.k, 0, 0, 3.0f);
  tiny.set(tiny.k, 0, 1, -0.5f);
  for (int d = 0; d < 4; ++d)
    tiny.set(tiny.v, 0, d, 1.5f * d - 1);
  ReferenceOutputs out = tiny.run(makeCsr({{{0}}}, 1, 1, 1), {1});
  for (int d = 0; d < 4; ++d)
    EXPECT_DOUBLE_EQ(out.o[d], 1.5 * d - 1);
  EXPECT_DOUBLE_EQ(out.lse[0], 0.5 * (3.0 - 1.0));
  // Rows at or past seq_len: o = 0, lse = -inf.
  for (int64_t s = 1; s < 128; ++s) {
    EXPECT_EQ(out.lse[s], -kInf);
    EXPECT_EQ(out.o[s * 4], 0.0);
  }
}

TEST(Reference, DiagonalBlockIsCausal) {
  // q = 0: uniform weights over the visible keys; v[t] = t in every dim.
  Tiny tiny(1, 1, 128);
  for (int64_t t = 0; t < 128; ++t)
    for (int d = 0; d < 4; ++d)
      tiny.set(tiny.v, t, d, static_cast<float>(t));
  ReferenceOutputs out = tiny.run(makeCsr({{{0}}}, 1, 1, 1), {128});
  for (int64_t s = 0; s < 128; ++s) {
    EXPECT_DOUBLE_EQ(out.o[s * 4 + 2], s / 2.0); // mean of 0 .. s
    EXPECT_NEAR(out.lse[s], std::log(s + 1.0), 1e-12);
  }
}

TEST(Reference, MaskedRows) {
  // T = 512, seq_len 300 (valid blocks 0..2). Row 0 lists nothing, row 1
  // only a future block, row 2 only bad entries (-1, 3 past the end).
  Tiny tiny(1, 1, 512);
  for (int64_t t = 0; t < 512; ++t)
    tiny.set(tiny.v, t, 0, 1.0f);
  Csr csr = makeCsr({{{}, {2}, {-1, 3}, {0}}}, 1, 1, 4);
  ReferenceOutputs out = tiny.run(csr, {300});
  for (int64_t s = 0; s < 512; ++s) {
    EXPECT_EQ(out.lse[s], -kInf) << s;
    EXPECT_EQ(out.o[s * 4], 0.0) << s;
  }
}

TEST(Reference, DuplicatesCountTwice) {
  // q = 0. Row 1 (tokens 128..255) lists block 0 twice and block 1: query
  // 133 sees keys 0..127 twice and 128..133 once.
  Tiny tiny(1, 1, 256);
  for (int64_t t = 0; t < 256; ++t)
    tiny.set(tiny.v, t, 3, t < 128 ? 1.0f : 2.0f);
  ReferenceOutputs twice =
      tiny.run(makeCsr({{{0}, {0, 0, 1}}}, 1, 1, 2), {256});
  EXPECT_DOUBLE_EQ(twice.o[133 * 4 + 3], (256 * 1.0 + 6 * 2.0) / 262);
  EXPECT_NEAR(twice.lse[133], std::log(262.0), 1e-12);
  // Listing one block twice only shifts lse by ln 2.
  ReferenceOutputs once = tiny.run(makeCsr({{{0}, {0}}}, 1, 1, 2), {256});
  ReferenceOutputs doubled = tiny.run(makeCsr({{{0}, {0, 0}}}, 1, 1, 2), {256});
  EXPECT_DOUBLE_EQ(doubled.o[200 * 4 + 3], once.o[200 * 4 + 3]);
  EXPECT_NEAR(doubled.lse[200] - once.lse[200], std::log(2.0), 1e-12);
}

TEST(Reference, SeqLenTailAndClamping) {
  // seq_len 129, T = 256: query 128 sees keys 0..128; query 129 is past
  // seq_len. seq_len past T is T; a negative one is 0.
  Tiny tiny(3, 1, 256);
  Csr csr = makeCsr({{{0}, {0, 1}}, {{0}, {0, 1}}, {{0}, {0, 1}}}, 3, 1, 2);
  ReferenceOutputs out = tiny.run(csr, {129, 5000, -4});
  EXPECT_NEAR(out.lse[128], std::log(129.0), 1e-12);
  EXPECT_EQ(out.lse[129], -kInf);
  EXPECT_NEAR(out.lse[256 + 255], std::log(256.0), 1e-12);
  for (int64_t s = 0; s < 256; ++s)
    EXPECT_EQ(out.lse[512 + s], -kInf);
}

TEST(Reference, HeadsAndBatchesAreSeparate) {
  Tiny tiny(2, 2, 128);
  // Row (b 1, h 1, s 0) has its own q, k, v.
  int64_t row = (1 * 2 + 1) * 128;
  tiny.set(tiny.q, row, 0, 2.0f);
  tiny.set(tiny.k, row, 0, 2.0f);
  tiny.set(tiny.v, row, 1, 7.0f);
  Csr csr = makeCsr({{{0}}, {{0}}, {{0}}, {{0}}}, 2, 2, 1);
  ReferenceOutputs out = tiny.run(csr, {128, 128});
  EXPECT_DOUBLE_EQ(out.o[row * 4 + 1], 7.0);
  EXPECT_DOUBLE_EQ(out.lse[row], 0.5 * 4.0);
  EXPECT_DOUBLE_EQ(out.o[1], 0.0);
}

TEST(Reference, RejectsMismatchedInputs) {
  Tiny tiny(1, 1, 128);
  tiny.q.pop_back();
  EXPECT_THROW(tiny.run(makeCsr({{{0}}}, 1, 1, 1), {128}), Error);
}

TEST(BFloat16, RoundsToNearestEven) {
  EXPECT_EQ(bf16ToFloat(floatToBf16(1.0f)), 1.0f);
  EXPECT_EQ(bf16ToFloat(floatToBf16(1.0f + 0x1p-8f)), 1.0f); // tie: even
  EXPECT_EQ(bf16ToFloat(floatToBf16(1.0f + 0x1p-7f + 0x1p-8f)),
            1.0f + 0x1p-6f); // tie: even
  EXPECT_EQ(bf16ToFloat(floatToBf16(1.0f + 3 * 0x1p-9f)), 1.0f + 0x1p-7f);
  EXPECT_TRUE(std::isnan(bf16ToFloat(floatToBf16(NAN))));
  EXPECT_EQ(bf16ToFloat(floatToBf16(-INFINITY)), -INFINITY);
  EXPECT_DOUBLE_EQ(roundToBf16(0.1), 0.10009765625);
}

TEST(Compare, ChallengeTolerances) {
  std::vector<double> oRef = {1.0, -2.0, 0.0, 0.5};
  std::vector<double> lseRef = {3.0, -kInf};
  auto bf16 = [](std::vector<float> values) {
    std::vector<uint16_t> bits;
    for (float value : values)
      bits.push_back(floatToBf16(value));
    return bits;
  };
  // Within 1e-3 + 1e-2 * |ref| everywhere.
  Comparison good = compareOutputs(bf16({1.0078125f, -2.0f, 0.0f, 0.5f}),
                                   {3.00002f, -INFINITY}, oRef, lseRef);
  EXPECT_TRUE(good.pass);
  EXPECT_DOUBLE_EQ(good.oMaxDiff, 0.0078125);
  EXPECT_NEAR(good.lseMaxDiff, 2e-5, 1e-6);

  // o off by 0.03 at |ref| = 1 fails (tolerance 0.011).
  Comparison badO = compareOutputs(bf16({1.03125f, -2.0f, 0.0f, 0.5f}),
                                   {3.0f, -INFINITY}, oRef, lseRef);
  EXPECT_FALSE(badO.pass);
  EXPECT_EQ(badO.oMismatches, 1);

  // lse off by 1e-4 fails; -inf against a finite value is an inf mismatch.
  Comparison badLse = compareOutputs(bf16({1.0f, -2.0f, 0.0f, 0.5f}),
                                     {3.0001f, 0.0f}, oRef, lseRef);
  EXPECT_FALSE(badLse.pass);
  EXPECT_FALSE(badLse.lseInfMatch);
  EXPECT_EQ(badLse.lseMismatches, 2);

  // +inf where -inf is expected, and NaN anywhere, fail.
  Comparison sign = compareOutputs(bf16({1.0f, -2.0f, 0.0f, 0.5f}),
                                   {3.0f, INFINITY}, oRef, lseRef);
  EXPECT_FALSE(sign.lseInfMatch);
  Comparison nan = compareOutputs(bf16({1.0f, NAN, 0.0f, 0.5f}),
                                  {3.0f, -INFINITY}, oRef, lseRef);
  EXPECT_TRUE(nan.nan);
  EXPECT_FALSE(nan.pass);
}

TEST(Compare, ReferenceIsRoundedToBf16) {
  // ref 0.1 rounds to 0.10009765625; o equal to that passes with diff 0.
  Comparison result =
      compareOutputs<double>({floatToBf16(0.1f)}, {0.0f}, {0.1}, {0.0});
  EXPECT_TRUE(result.pass);
  EXPECT_EQ(result.oMaxDiff, 0.0);
}

TEST(Compare, MaxAbsDiff) {
  EXPECT_EQ(maxAbsDiff(std::vector<float>{1.0f, -INFINITY},
                       std::vector<double>{1.5, -kInf}),
            0.5);
  EXPECT_EQ(maxAbsDiff(std::vector<float>{0.0f}, std::vector<double>{-kInf}),
            kInf);
}

} // namespace
