//===- Patterns.h - sparsity patterns for checks and benchmarks -*- C++ -*-===//
//
// CSR patterns drawn by the rules of the Attention Kernel Challenge's
// generator (its cases.py, also ported in bench/check_kernel.py), adversarial
// ones, and the CSR form of static pattern attributes. Draws come from Rng,
// so a seed gives the same pattern everywhere (not numpy's draws).
//
//===----------------------------------------------------------------------===//

#ifndef BSATTN_RUNTIME_PATTERNS_H
#define BSATTN_RUNTIME_PATTERNS_H

#include "bsattn/runtime/Random.h"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace bsattn::runtime {

enum class Family {
  SlidingWindow,
  SlidingWindowGlobal,
  SlidingWindowRetrieval,
  Causal,
  Adversarial,
};

/// "sliding_window", "sliding_window_global", "sliding_window_retrieval",
/// "causal", "adversarial".
std::optional<Family> parseFamily(std::string_view name);
const char *familyName(Family family);

struct PatternSpec {
  Family family = Family::SlidingWindow;
  /// Window size in blocks (the window includes the diagonal block).
  int64_t window = 1;
  /// sliding_window_global: blocks 0 .. globals - 1.
  int64_t globals = 0;
  /// sliding_window_retrieval: blocks drawn per query block, and the
  /// probability of drawing from the local pool.
  int64_t retrieval = 0;
  double bias = 0.7;
};

/// A CSR pattern: row_ptr [B, H, QB + 1] and col_idx [B, H, NNZ], NNZ >= 1.
struct Csr {
  int64_t batch = 0, heads = 0, queryBlocks = 0, nnz = 1;
  std::vector<int32_t> rowPtr;
  std::vector<int32_t> colIdx;

  const int32_t *rowPtrOf(int64_t b, int64_t h) const {
    return rowPtr.data() + (b * heads + h) * (queryBlocks + 1);
  }
  const int32_t *colIdxOf(int64_t b, int64_t h) const {
    return colIdx.data() + (b * heads + h) * nnz;
  }
};

/// rows[b * H + h][qb] lists the key blocks of query block qb, as listed
/// (kept in order, duplicates and bad entries included). NNZ is the longest
/// head's entry count (at least 1); shorter heads are padded with zeros.
Csr makeCsr(const std::vector<std::vector<std::vector<int32_t>>> &rows,
            int64_t batch, int64_t heads, int64_t queryBlocks);

/// The key blocks of query block `qb` (below `valid` = ceil(seq_len / 128)),
/// as the challenge lists them: the window, plus globals 0 .. g - 1 or
/// retrieval blocks, as a set, causally and seq_len filtered, sorted.
/// Retrieval draws (for qb > 0) come from the local pool
/// [max(0, qb - 4 w), start) with probability `bias`, else the far pool
/// [0, local start), without repeats. `causal` lists 0 .. qb.
std::vector<int32_t> challengeRow(const PatternSpec &spec, int64_t qb,
                                  int64_t valid, Rng &rng);

/// A whole challenge case: one generator per (batch, head) seeded from a root
/// generator, rows at or past seq_len empty.
Csr challengePattern(const PatternSpec &spec, int64_t batch, int64_t heads,
                     int64_t t, const std::vector<int32_t> &seqLens,
                     uint64_t seed);

/// Rows that are empty (1 in 5) or list 1-5 entries in [-3, QB + 2]:
/// negative, future and past-the-end ones; 1 in 5 repeats its first entry.
Csr adversarialPattern(int64_t batch, int64_t heads, int64_t t, uint64_t seed);

/// NNZ = 1: only (batch 0, head 0, query block 0) lists block 0.
Csr singleEntryPattern(int64_t batch, int64_t heads, int64_t t);

/// The CSR form of a static pattern attribute ("#bsattn.causal",
/// "#bsattn.sliding_window<w>", "#bsattn.window_global<w, g>"), the same
/// for every head. Throws Error for anything else.
Csr staticPattern(std::string_view sparsity, int64_t batch, int64_t heads,
                  int64_t t);

/// seq_lens as the challenge draws them: T if max(128, int(T * ratio)) >= T,
/// else uniform in [that, T].
std::vector<int32_t> sampleSeqLens(int64_t batch, int64_t t, double minRatio,
                                   uint64_t seed);

/// Used (query block, key block) entries, duplicates counted: the work.
int64_t usedPairs(const Csr &pattern, const std::vector<int32_t> &seqLens,
                  int64_t t);

} // namespace bsattn::runtime

#endif // BSATTN_RUNTIME_PATTERNS_H
