//===- PatternsTest.cpp - pattern generators and CSR ----------------------===//

#include "TestUtil.h"

#include "bsattn/runtime/Contract.h"
#include "bsattn/runtime/Error.h"
#include "bsattn/runtime/Patterns.h"

#include <gtest/gtest.h>

#include <set>

using namespace bsattn::runtime;
using namespace bsattn::runtime::test;

namespace {

using Row = std::vector<int32_t>;

PatternSpec spec(Family family, int64_t window, int64_t globals = 0,
                 int64_t retrieval = 0, double bias = 0.7) {
  return {family, window, globals, retrieval, bias};
}

Row row(const PatternSpec &pattern, int64_t qb, int64_t valid,
        uint64_t seed = 1) {
  Rng rng(seed);
  return challengeRow(pattern, qb, valid, rng);
}

/// Row qb of (b, h) as listed in the CSR.
Row csrRow(const Csr &csr, int64_t b, int64_t h, int64_t qb) {
  const int32_t *rowPtr = csr.rowPtrOf(b, h);
  const int32_t *colIdx = csr.colIdxOf(b, h);
  return Row(colIdx + rowPtr[qb], colIdx + rowPtr[qb + 1]);
}

TEST(Families, Names) {
  for (Family family :
       {Family::SlidingWindow, Family::SlidingWindowGlobal,
        Family::SlidingWindowRetrieval, Family::Causal, Family::Adversarial})
    EXPECT_EQ(parseFamily(familyName(family)), family);
  EXPECT_EQ(parseFamily("dense"), std::nullopt);
}

TEST(ChallengeRow, WindowIncludesTheDiagonal) {
  PatternSpec window = spec(Family::SlidingWindow, 4);
  EXPECT_EQ(row(window, 10, 64), (Row{7, 8, 9, 10}));
  EXPECT_EQ(row(window, 2, 64), (Row{0, 1, 2}));
  EXPECT_EQ(row(spec(Family::SlidingWindow, 1), 5, 64), (Row{5}));
}

TEST(ChallengeRow, Globals) {
  PatternSpec global = spec(Family::SlidingWindowGlobal, 3, 2);
  EXPECT_EQ(row(global, 10, 64), (Row{0, 1, 8, 9, 10}));
  EXPECT_EQ(row(global, 1, 64), (Row{0, 1}));
  // Globals at or past seq_len's blocks are dropped.
  EXPECT_EQ(row(spec(Family::SlidingWindowGlobal, 1, 4), 0, 1), (Row{0}));
}

TEST(ChallengeRow, Causal) {
  EXPECT_EQ(row(spec(Family::Causal, 1), 3, 64), (Row{0, 1, 2, 3}));
}

TEST(ChallengeRow, RetrievalDrawsDistinctBlocksBeforeTheWindow) {
  for (uint64_t seed = 0; seed < 50; ++seed) {
    Row blocks =
        row(spec(Family::SlidingWindowRetrieval, 2, 0, 3), 20, 64, seed);
    ASSERT_EQ(blocks.size(), 5u); // the window {19, 20} and 3 draws
    EXPECT_TRUE(std::is_sorted(blocks.begin(), blocks.end()));
    EXPECT_EQ(std::set<int32_t>(blocks.begin(), blocks.end()).size(), 5u);
    EXPECT_EQ(blocks[3], 19);
    EXPECT_EQ(blocks[4], 20);
    EXPECT_LT(blocks[2], 19);
  }
}

TEST(ChallengeRow, RetrievalPools) {
  // qb 20, w 2: local pool [12, 19), far pool [0, 12).
  for (uint64_t seed = 0; seed < 20; ++seed) {
    Row local =
        row(spec(Family::SlidingWindowRetrieval, 2, 0, 3, 1.0), 20, 64, seed);
    for (int i = 0; i < 3; ++i)
      EXPECT_TRUE(local[i] >= 12 && local[i] < 19) << local[i];
    Row far =
        row(spec(Family::SlidingWindowRetrieval, 2, 0, 3, 0.0), 20, 64, seed);
    for (int i = 0; i < 3; ++i)
      EXPECT_LT(far[i], 12);
  }
  // Fewer candidates than draws: all of them.
  EXPECT_EQ(row(spec(Family::SlidingWindowRetrieval, 2, 0, 3), 3, 64),
            (Row{0, 1, 2, 3}));
  // Query block 0 draws nothing.
  EXPECT_EQ(row(spec(Family::SlidingWindowRetrieval, 2, 0, 3), 0, 64),
            (Row{0}));
}

TEST(ChallengeRow, RetrievalDependsOnTheSeed) {
  PatternSpec retrieval = spec(Family::SlidingWindowRetrieval, 2, 0, 2);
  std::set<Row> rows;
  for (uint64_t seed = 0; seed < 10; ++seed)
    rows.insert(row(retrieval, 40, 64, seed));
  EXPECT_GT(rows.size(), 1u);
  EXPECT_EQ(row(retrieval, 40, 64, 7), row(retrieval, 40, 64, 7));
}

TEST(MakeCsr, OffsetsPerHead) {
  // Two heads: rows {0}, {}, {0, 2} and {1}, {0, 1}, {2}.
  Csr csr = makeCsr({{{0}, {}, {0, 2}}, {{1}, {0, 1}, {2}}}, 1, 2, 3);
  EXPECT_EQ(csr.nnz, 4);
  EXPECT_EQ(csr.rowPtr, (std::vector<int32_t>{0, 1, 1, 3, 0, 1, 3, 4}));
  EXPECT_EQ(csr.colIdx, (std::vector<int32_t>{0, 0, 2, 0, 1, 0, 1, 2}));
  EXPECT_EQ(csrRow(csr, 0, 1, 1), (Row{0, 1}));
  EXPECT_THROW(makeCsr({{{0}}}, 1, 2, 1), Error);
}

TEST(MakeCsr, EmptyPatternHasOneEntry) {
  Csr csr = makeCsr({{{}, {}}}, 1, 1, 2);
  EXPECT_EQ(csr.nnz, 1);
  EXPECT_EQ(csr.colIdx.size(), 1u);
}

TEST(ChallengePattern, RowsPastSeqLenAreEmpty) {
  PatternSpec window = spec(Family::SlidingWindow, 3);
  Csr csr = challengePattern(window, 2, 3, 1024, {300, 1024}, 5);
  EXPECT_EQ(csr.queryBlocks, 8);
  for (int64_t h = 0; h < 3; ++h) {
    EXPECT_EQ(csrRow(csr, 0, h, 2), (Row{0, 1, 2}));
    for (int64_t qb = 3; qb < 8; ++qb)
      EXPECT_TRUE(csrRow(csr, 0, h, qb).empty());
    EXPECT_EQ(csrRow(csr, 1, h, 7), (Row{5, 6, 7}));
    EXPECT_EQ(csr.rowPtrOf(1, h)[0], 0);
  }
  EXPECT_EQ(csr.nnz, 1 + 2 + 3 * 6); // the longest head, batch entry 1
  EXPECT_THROW(
      challengePattern(spec(Family::Adversarial, 1), 1, 1, 128, {128}, 0),
      Error);
}

TEST(ChallengePattern, PartialLastBlock) {
  // T = 200: a whole block and one of 72 tokens, each a row.
  Csr csr =
      challengePattern(spec(Family::SlidingWindow, 2), 1, 1, 200, {200}, 0);
  EXPECT_EQ(csr.queryBlocks, 2);
  EXPECT_EQ(csr.rowPtr, (std::vector<int32_t>{0, 1, 3}));
  EXPECT_EQ(csr.colIdx, (std::vector<int32_t>{0, 0, 1}));
}

TEST(ChallengePattern, HeadsDrawIndependently) {
  PatternSpec retrieval = spec(Family::SlidingWindowRetrieval, 2, 0, 2);
  Csr csr = challengePattern(retrieval, 1, 8, 8192, {8192}, 3);
  std::set<Row> rows;
  for (int64_t h = 0; h < 8; ++h)
    rows.insert(csrRow(csr, 0, h, 60));
  EXPECT_GT(rows.size(), 1u);
  Csr again = challengePattern(retrieval, 1, 8, 8192, {8192}, 3);
  EXPECT_EQ(csr.colIdx, again.colIdx);
}

TEST(AdversarialPattern, BadEntriesDuplicatesAndEmptyRows) {
  Csr csr = adversarialPattern(2, 4, 1024, 9);
  int64_t empty = 0, duplicated = 0, negative = 0, future = 0, pastEnd = 0;
  for (int64_t b = 0; b < 2; ++b) {
    for (int64_t h = 0; h < 4; ++h) {
      EXPECT_EQ(csr.rowPtrOf(b, h)[0], 0);
      for (int64_t qb = 0; qb < 8; ++qb) {
        Row entries = csrRow(csr, b, h, qb);
        empty += entries.empty();
        duplicated += std::set<int32_t>(entries.begin(), entries.end()).size() <
                      entries.size();
        for (int32_t j : entries) {
          EXPECT_TRUE(j >= -3 && j < 8 + 3) << j;
          negative += j < 0;
          future += j > qb;
          pastEnd += j >= 8;
        }
      }
    }
  }
  EXPECT_GT(empty, 0);
  EXPECT_GT(duplicated, 0);
  EXPECT_GT(negative, 0);
  EXPECT_GT(future, 0);
  EXPECT_GT(pastEnd, 0);
}

TEST(SingleEntryPattern, NnzOne) {
  Csr csr = singleEntryPattern(2, 3, 512);
  EXPECT_EQ(csr.nnz, 1);
  EXPECT_EQ(csrRow(csr, 0, 0, 0), (Row{0}));
  EXPECT_TRUE(csrRow(csr, 0, 0, 1).empty());
  EXPECT_TRUE(csrRow(csr, 1, 2, 0).empty());
}

TEST(StaticPattern, Attributes) {
  Csr global = staticPattern("#bsattn.window_global<5, 2>", 1, 2, 2048);
  EXPECT_EQ(csrRow(global, 0, 1, 10), (Row{0, 1, 6, 7, 8, 9, 10}));
  EXPECT_EQ(csrRow(global, 0, 0, 3), (Row{0, 1, 2, 3}));
  EXPECT_EQ(csrRow(global, 0, 0, 5), (Row{0, 1, 2, 3, 4, 5}));
  Csr window = staticPattern("#bsattn.sliding_window<8>", 1, 1, 2048);
  EXPECT_EQ(csrRow(window, 0, 0, 15), (Row{8, 9, 10, 11, 12, 13, 14, 15}));
  Csr causal = staticPattern("#bsattn.causal", 1, 1, 512);
  EXPECT_EQ(csrRow(causal, 0, 0, 3), (Row{0, 1, 2, 3}));
  for (const char *bad : {"#bsattn.csr", "#bsattn.sliding_window<x>",
                          "#bsattn.window_global<5>", "causal"})
    EXPECT_THROW(staticPattern(bad, 1, 1, 512), Error) << bad;
}

TEST(SeqLens, ChallengeRule) {
  EXPECT_EQ(sampleSeqLens(3, 4096, 1.0, 0),
            (std::vector<int32_t>{4096, 4096, 4096}));
  // max(128, int(128 * 0.5)) >= 128: full.
  EXPECT_EQ(sampleSeqLens(2, 128, 0.5, 0), (std::vector<int32_t>{128, 128}));
  std::set<int32_t> seen;
  for (int32_t len : sampleSeqLens(64, 8192, 0.625, 4)) {
    EXPECT_TRUE(len >= 5120 && len <= 8192) << len;
    seen.insert(len);
  }
  EXPECT_GT(seen.size(), 1u);
}

TEST(UsedPairs, CountsUsedEntriesAsListed) {
  // T = 512 (4 blocks), seq_len 300 (3 valid blocks). Row 2 lists 0, 0
  // (twice), 2, 3 (future), -1; row 3 is past seq_len.
  Csr csr = makeCsr({{{0}, {1, 5}, {0, 0, 2, 3, -1}, {0, 1, 2, 3}}}, 1, 1, 4);
  EXPECT_EQ(usedPairs(csr, {300}, 512), 1 + 1 + 3);
  EXPECT_EQ(usedPairs(csr, {0}, 512), 0);
}

TEST(Contract, Rules) {
  EXPECT_EQ(validBlocks(300, 512), 3);
  EXPECT_EQ(validBlocks(5000, 512), 4);
  EXPECT_EQ(validBlocks(-5, 512), 0);
  EXPECT_TRUE(isUsedEntry(0, 0, 1));
  EXPECT_FALSE(isUsedEntry(-1, 2, 3));
  EXPECT_FALSE(isUsedEntry(3, 2, 4));
  EXPECT_FALSE(isUsedEntry(2, 2, 2));
  int32_t rowPtr[] = {5, -3, 100};
  EXPECT_EQ(rowRange(rowPtr, 0, 10), (std::pair<int64_t, int64_t>{5, 5}));
  EXPECT_EQ(rowRange(rowPtr, 1, 10), (std::pair<int64_t, int64_t>{0, 10}));
}

TEST(Rng, ReproducibleAndInRange) {
  Rng a(42), b(42), c(43);
  EXPECT_EQ(a.next(), b.next());
  EXPECT_NE(a.next(), c.next());
  for (int i = 0; i < 1000; ++i) {
    EXPECT_LT(a.below(7), 7u);
    int64_t value = a.range(-3, 4);
    EXPECT_TRUE(value >= -3 && value < 4);
    double u = a.uniform();
    EXPECT_TRUE(u >= 0 && u < 1);
  }
}

} // namespace
