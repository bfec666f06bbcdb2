//===- Patterns.cpp - sparsity patterns for checks and benchmarks ---------===//

#include "bsattn/runtime/Patterns.h"
#include "bsattn/runtime/Contract.h"
#include "bsattn/runtime/Error.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <string>

using namespace bsattn::runtime;

using Rows = std::vector<std::vector<int32_t>>;

static const char *const kFamilyNames[] = {
    "sliding_window", "sliding_window_global", "sliding_window_retrieval",
    "causal", "adversarial"};

std::optional<Family> bsattn::runtime::parseFamily(std::string_view name) {
  for (int i = 0; i < 5; ++i)
    if (name == kFamilyNames[i])
      return static_cast<Family>(i);
  return std::nullopt;
}

const char *bsattn::runtime::familyName(Family family) {
  return kFamilyNames[static_cast<int>(family)];
}

Csr bsattn::runtime::makeCsr(const std::vector<Rows> &rows, int64_t batch,
                             int64_t heads, int64_t queryBlocks) {
  Csr csr;
  csr.batch = batch;
  csr.heads = heads;
  csr.queryBlocks = queryBlocks;
  if (static_cast<int64_t>(rows.size()) != batch * heads)
    throw Error("makeCsr: " + std::to_string(rows.size()) +
                " heads of rows for B * H = " + std::to_string(batch * heads));
  for (const Rows &head : rows) {
    if (static_cast<int64_t>(head.size()) != queryBlocks)
      throw Error("makeCsr: a head has " + std::to_string(head.size()) +
                  " rows, expected " + std::to_string(queryBlocks));
    int64_t count = 0;
    for (const auto &row : head)
      count += row.size();
    csr.nnz = std::max(csr.nnz, count);
  }
  csr.rowPtr.assign(batch * heads * (queryBlocks + 1), 0);
  csr.colIdx.assign(batch * heads * csr.nnz, 0);
  for (int64_t bh = 0; bh < batch * heads; ++bh) {
    int32_t *rowPtr = csr.rowPtr.data() + bh * (queryBlocks + 1);
    int32_t *colIdx = csr.colIdx.data() + bh * csr.nnz;
    int32_t offset = 0;
    for (int64_t qb = 0; qb < queryBlocks; ++qb) {
      for (int32_t j : rows[bh][qb])
        colIdx[offset++] = j;
      rowPtr[qb + 1] = offset;
    }
  }
  return csr;
}

std::vector<int32_t> bsattn::runtime::challengeRow(const PatternSpec &spec,
                                                   int64_t qb, int64_t valid,
                                                   Rng &rng) {
  int64_t start = spec.family == Family::Causal
                      ? 0
                      : std::max<int64_t>(0, qb - spec.window + 1);
  std::set<int64_t> blocks;
  for (int64_t j = start; j <= qb; ++j)
    blocks.insert(j);
  if (spec.family == Family::SlidingWindowGlobal) {
    for (int64_t j = 0; j < std::min(spec.globals, valid); ++j)
      blocks.insert(j);
  } else if (spec.family == Family::SlidingWindowRetrieval && qb > 0 &&
             spec.retrieval > 0) {
    // The window starts at or after the local pool, so the pools are the
    // challenge's candidates minus the window.
    int64_t localStart = std::max<int64_t>(0, qb - 4 * spec.window);
    std::vector<int64_t> local, far;
    for (int64_t j = localStart; j < start; ++j)
      local.push_back(j);
    for (int64_t j = 0; j < localStart; ++j)
      far.push_back(j);
    int64_t draws =
        std::min<int64_t>(spec.retrieval, local.size() + far.size());
    for (int64_t i = 0; i < draws; ++i) {
      bool useLocal =
          !local.empty() && (far.empty() || rng.uniform() < spec.bias);
      std::vector<int64_t> &pool = useLocal ? local : far;
      auto pick = pool.begin() + rng.below(pool.size());
      blocks.insert(*pick);
      pool.erase(pick);
    }
  }
  std::vector<int32_t> row;
  for (int64_t j : blocks)
    if (isUsedEntry(j, qb, valid))
      row.push_back(static_cast<int32_t>(j));
  return row;
}

Csr bsattn::runtime::challengePattern(const PatternSpec &spec, int64_t batch,
                                      int64_t heads, int64_t t,
                                      const std::vector<int32_t> &seqLens,
                                      uint64_t seed) {
  if (spec.family == Family::Adversarial)
    throw Error("challengePattern: 'adversarial' is not a challenge family");
  int64_t queryBlocks = blockCount(t);
  Rng root(seed);
  std::vector<Rows> rows;
  for (int64_t b = 0; b < batch; ++b) {
    int64_t valid = validBlocks(seqLens.at(b), t);
    for (int64_t h = 0; h < heads; ++h) {
      Rng rng(root.next());
      Rows &head = rows.emplace_back(queryBlocks);
      for (int64_t qb = 0; qb < valid; ++qb)
        head[qb] = challengeRow(spec, qb, valid, rng);
    }
  }
  return makeCsr(rows, batch, heads, queryBlocks);
}

Csr bsattn::runtime::adversarialPattern(int64_t batch, int64_t heads, int64_t t,
                                        uint64_t seed) {
  int64_t queryBlocks = blockCount(t);
  Rng rng(seed);
  std::vector<Rows> rows(batch * heads, Rows(queryBlocks));
  for (Rows &head : rows) {
    for (auto &row : head) {
      uint64_t kind = rng.below(5);
      if (kind == 0)
        continue;
      int64_t count = rng.range(1, 6);
      for (int64_t i = 0; i < count; ++i)
        row.push_back(static_cast<int32_t>(rng.range(-3, queryBlocks + 3)));
      if (kind == 1)
        row.push_back(row.front());
    }
  }
  return makeCsr(rows, batch, heads, queryBlocks);
}

Csr bsattn::runtime::singleEntryPattern(int64_t batch, int64_t heads,
                                        int64_t t) {
  int64_t queryBlocks = blockCount(t);
  std::vector<Rows> rows(batch * heads, Rows(queryBlocks));
  rows[0][0] = {0};
  return makeCsr(rows, batch, heads, queryBlocks);
}

Csr bsattn::runtime::staticPattern(std::string_view sparsity, int64_t batch,
                                   int64_t heads, int64_t t) {
  std::string_view prefix = "#bsattn.";
  auto bad = [&]() -> Error {
    return Error("unsupported static sparsity \"" + std::string(sparsity) +
                 "\" (expected #bsattn.causal, #bsattn.sliding_window<w> or "
                 "#bsattn.window_global<w, g>)");
  };
  if (sparsity.substr(0, prefix.size()) != prefix)
    throw bad();
  std::string_view rest = sparsity.substr(prefix.size());
  size_t open = rest.find('<');
  std::string_view name = rest.substr(0, open);
  // The integer parameters between '<' and '>', separated by ", ".
  std::vector<int64_t> values;
  if (open != std::string_view::npos) {
    if (rest.back() != '>')
      throw bad();
    std::string list(rest.substr(open + 1, rest.size() - open - 2));
    const char *cursor = list.c_str();
    while (*cursor) {
      char *end;
      long long value = std::strtoll(cursor, &end, 10);
      if (end == cursor || value < 0)
        throw bad();
      values.push_back(value);
      cursor = end;
      if (*cursor == ',')
        ++cursor;
      while (*cursor == ' ')
        ++cursor;
    }
  }
  int64_t window, globals = 0;
  if (name == "causal" && values.empty())
    window = blockCount(t);
  else if (name == "sliding_window" && values.size() == 1)
    window = values[0];
  else if (name == "window_global" && values.size() == 2)
    window = values[0], globals = values[1];
  else
    throw bad();

  int64_t queryBlocks = blockCount(t);
  Rows head(queryBlocks);
  for (int64_t qb = 0; qb < queryBlocks; ++qb) {
    int64_t start = std::max<int64_t>(0, qb - window + 1);
    for (int64_t j = 0; j < std::min(globals, start); ++j)
      head[qb].push_back(static_cast<int32_t>(j));
    for (int64_t j = start; j <= qb; ++j)
      head[qb].push_back(static_cast<int32_t>(j));
  }
  return makeCsr(std::vector<Rows>(batch * heads, head), batch, heads,
                 queryBlocks);
}

std::vector<int32_t> bsattn::runtime::sampleSeqLens(int64_t batch, int64_t t,
                                                    double minRatio,
                                                    uint64_t seed) {
  int64_t low =
      std::max<int64_t>(kBlockSize, static_cast<int64_t>(t * minRatio));
  std::vector<int32_t> seqLens(batch, static_cast<int32_t>(t));
  if (low >= t)
    return seqLens;
  Rng rng(seed ^ 0xABCDEF);
  for (int32_t &seqLen : seqLens)
    seqLen = static_cast<int32_t>(rng.range(low, t + 1));
  return seqLens;
}

int64_t bsattn::runtime::usedPairs(const Csr &pattern,
                                   const std::vector<int32_t> &seqLens,
                                   int64_t t) {
  int64_t total = 0;
  for (int64_t b = 0; b < pattern.batch; ++b) {
    int64_t valid = validBlocks(seqLens.at(b), t);
    for (int64_t h = 0; h < pattern.heads; ++h) {
      const int32_t *colIdx = pattern.colIdxOf(b, h);
      for (int64_t qb = 0; qb < std::min(pattern.queryBlocks, valid); ++qb) {
        auto [begin, end] = rowRange(pattern.rowPtrOf(b, h), qb, pattern.nnz);
        for (int64_t n = begin; n < end; ++n)
          total += isUsedEntry(colIdx[n], qb, valid);
      }
    }
  }
  return total;
}
