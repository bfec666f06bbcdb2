//===- Reference.cpp - the fp64 CPU reference -----------------------------===//

#include "bsattn/runtime/Reference.h"
#include "bsattn/runtime/BFloat16.h"
#include "bsattn/runtime/Contract.h"
#include "bsattn/runtime/Error.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <thread>

using namespace bsattn::runtime;

namespace {

/// The rows of one (batch entry, head); inputs already widened to float.
void referenceHead(const Problem &problem, const std::vector<float> &q,
                   const std::vector<float> &k, const std::vector<float> &v,
                   int64_t seqLen, const int32_t *rowPtr, const int32_t *colIdx,
                   int64_t nnz, int64_t base, ReferenceOutputs &out) {
  const int64_t d = problem.headDim;
  const int64_t valid = validBlocks(seqLen, problem.t);
  std::vector<double> scores, acc(d);
  std::vector<int64_t> keys;
  for (int64_t s = 0; s < seqLen; ++s) {
    const int64_t qb = s / kBlockSize;
    const float *query = &q[(base + s) * d];
    // Every visible key once per listing of its block.
    keys.clear();
    scores.clear();
    auto [begin, end] = rowRange(rowPtr, qb, nnz);
    for (int64_t n = begin; n < end; ++n) {
      int64_t j = colIdx[n];
      if (!isUsedEntry(j, qb, valid))
        continue;
      int64_t last = std::min({(j + 1) * kBlockSize, seqLen, s + 1});
      for (int64_t key = j * kBlockSize; key < last; ++key) {
        const float *row = &k[(base + key) * d];
        double dot = 0;
        for (int64_t i = 0; i < d; ++i)
          dot += double(query[i]) * row[i];
        keys.push_back(key);
        scores.push_back(dot * problem.scale);
      }
    }
    if (keys.empty())
      continue;
    double max = *std::max_element(scores.begin(), scores.end());
    double sum = 0;
    std::fill(acc.begin(), acc.end(), 0.0);
    for (size_t n = 0; n < keys.size(); ++n) {
      double p = std::exp(scores[n] - max);
      sum += p;
      const float *row = &v[(base + keys[n]) * d];
      for (int64_t i = 0; i < d; ++i)
        acc[i] += p * row[i];
    }
    for (int64_t i = 0; i < d; ++i)
      out.o[(base + s) * d + i] = acc[i] / sum;
    out.lse[base + s] = max + std::log(sum);
  }
}

std::vector<float> widen(const std::vector<uint16_t> &values) {
  std::vector<float> result(values.size());
  for (size_t i = 0; i < values.size(); ++i)
    result[i] = bf16ToFloat(values[i]);
  return result;
}

} // namespace

ReferenceOutputs bsattn::runtime::referenceAttention(
    const Problem &problem, const std::vector<uint16_t> &q,
    const std::vector<uint16_t> &k, const std::vector<uint16_t> &v,
    const std::vector<int32_t> &seqLens, const Csr &pattern) {
  const size_t elements = problem.rows() * problem.headDim;
  if (q.size() != elements || k.size() != elements || v.size() != elements ||
      static_cast<int64_t>(seqLens.size()) != problem.batch ||
      pattern.batch != problem.batch || pattern.heads != problem.heads ||
      pattern.queryBlocks != blockCount(problem.t))
    throw Error("referenceAttention: inputs do not match the problem");

  ReferenceOutputs out;
  out.o.assign(elements, 0.0);
  out.lse.assign(problem.rows(), -std::numeric_limits<double>::infinity());
  std::vector<float> qf = widen(q), kf = widen(k), vf = widen(v);
  // Heads are independent: hand them out to all cores.
  const int64_t heads = problem.batch * problem.heads;
  std::atomic<int64_t> next{0};
  auto work = [&] {
    for (int64_t head = next++; head < heads; head = next++) {
      int64_t b = head / problem.heads, h = head % problem.heads;
      referenceHead(problem, qf, kf, vf, clampSeqLen(seqLens[b], problem.t),
                    pattern.rowPtrOf(b, h), pattern.colIdxOf(b, h), pattern.nnz,
                    head * problem.t, out);
    }
  };
  std::vector<std::thread> threads(
      std::min<int64_t>(heads,
                        std::max(1u, std::thread::hardware_concurrency())) -
      1);
  for (std::thread &thread : threads)
    thread = std::thread(work);
  work();
  for (std::thread &thread : threads)
    thread.join();
  return out;
}

int64_t bsattn::runtime::referenceWork(const Problem &problem,
                                       int64_t usedPairs) {
  // Each used pair: 128 x 128 scores and 128 x 128 weighted rows of v.
  return 2 * usedPairs * kBlockSize * kBlockSize * problem.headDim;
}
