//===- Reference.h - the fp64 CPU reference ---------------------*- C++ -*-===//

#ifndef BSATTN_RUNTIME_REFERENCE_H
#define BSATTN_RUNTIME_REFERENCE_H

#include "bsattn/runtime/Patterns.h"

#include <cstdint>
#include <vector>

namespace bsattn::runtime {

/// Shapes of one attention call: q, k, v, o [batch, heads, t, headDim].
struct Problem {
  int64_t batch, heads, t, headDim;
  double scale;

  int64_t rows() const { return batch * heads * t; }
};

struct ReferenceOutputs {
  std::vector<double> o;   // [B, H, T, D]
  std::vector<double> lse; // [B, H, T], natural log
};

/// The contract in fp64 from bf16 inputs: every used entry counted as listed
/// (duplicates twice), keys at or past seq_len and after the query in the
/// diagonal block invisible, rows that see no key o = 0 and lse = -inf.
ReferenceOutputs referenceAttention(const Problem &problem,
                                    const std::vector<uint16_t> &q,
                                    const std::vector<uint16_t> &k,
                                    const std::vector<uint16_t> &v,
                                    const std::vector<int32_t> &seqLens,
                                    const Csr &pattern);

/// Multiply-adds of referenceAttention, to decide where to run a reference.
int64_t referenceWork(const Problem &problem, int64_t usedPairs);

} // namespace bsattn::runtime

#endif // BSATTN_RUNTIME_REFERENCE_H
