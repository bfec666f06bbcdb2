//===- Contract.h - the block-sparse attention contract ---------*- C++ -*-===//
//
// The rules every bsattn kernel meets (docs/semantics.md), shared by
// argument checks, pattern generators and references.
//
//===----------------------------------------------------------------------===//

#ifndef BSATTN_RUNTIME_CONTRACT_H
#define BSATTN_RUNTIME_CONTRACT_H

#include <algorithm>
#include <cstdint>

namespace bsattn::runtime {

/// Query and key blocks are 128 tokens.
constexpr int64_t kBlockSize = 128;

/// The number of blocks `tokens` tokens fill (the last may be partial).
inline int64_t blockCount(int64_t tokens) {
  return (tokens + kBlockSize - 1) / kBlockSize;
}

/// seq_len as kernels read it: clamped to [0, T].
inline int64_t clampSeqLen(int64_t seqLen, int64_t t) {
  return std::clamp<int64_t>(seqLen, 0, t);
}

/// The number of key blocks that hold a token before seq_len.
inline int64_t validBlocks(int64_t seqLen, int64_t t) {
  return blockCount(clampSeqLen(seqLen, t));
}

/// Whether entry `j` of query block `qb` is used; others are ignored.
inline bool isUsedEntry(int64_t j, int64_t qb, int64_t valid) {
  return j >= 0 && j <= qb && j < valid;
}

/// CSR row `qb` of one (batch, head) is [begin, end) of its col_idx, with
/// row_ptr values clamped to [0, nnz] and end >= begin.
inline std::pair<int64_t, int64_t> rowRange(const int32_t *rowPtr, int64_t qb,
                                            int64_t nnz) {
  int64_t begin = std::clamp<int64_t>(rowPtr[qb], 0, nnz);
  int64_t end = std::clamp<int64_t>(rowPtr[qb + 1], begin, nnz);
  return {begin, end};
}

} // namespace bsattn::runtime

#endif // BSATTN_RUNTIME_CONTRACT_H
