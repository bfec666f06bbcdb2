//===- ReferenceKernels.cu - bsattn-run's fp32 reference and inputs -------===//
//
// Built by nvcc into a fatbin that bsattn-run embeds and loads through the
// driver API like any other module. Deliberately simple: one CTA of 128
// threads per (query row, head, batch entry), fp32 throughout, accurate
// expf/logf, so that it is easy to trust. It shares no code with the fp64
// CPU reference (src/Reference.cpp), so that `--reference both` checks one
// against the other.
//
//===----------------------------------------------------------------------===//

#include <cstdint>

namespace {

constexpr int kThreads = 128; // one key of a 128-token block per thread
constexpr int kMaxSlices = 4; // head dimensions up to 4 * 128

__device__ float bf16ToFloat(uint16_t bits) {
  return __uint_as_float(static_cast<uint32_t>(bits) << 16);
}

__device__ uint16_t floatToBf16(float value) {
  uint32_t word = __float_as_uint(value);
  if ((word & 0x7FFFFFFFu) > 0x7F800000u)
    return static_cast<uint16_t>((word >> 16) | 0x40);
  word += 0x7FFFu + ((word >> 16) & 1);
  return static_cast<uint16_t>(word >> 16);
}

__device__ uint64_t splitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/// The max (or sum) of `value` over the CTA; `scratch` holds 4 floats. Ends
/// with a barrier, so shared memory written before the call is visible.
template <bool Max> __device__ float reduce(float value, float *scratch) {
  for (int offset = 16; offset > 0; offset /= 2) {
    float other = __shfl_xor_sync(0xFFFFFFFFu, value, offset);
    value = Max ? fmaxf(value, other) : value + other;
  }
  if (threadIdx.x % 32 == 0)
    scratch[threadIdx.x / 32] = value;
  __syncthreads();
  float result = scratch[0];
  for (int w = 1; w < kThreads / 32; ++w)
    result = Max ? fmaxf(result, scratch[w]) : result + scratch[w];
  __syncthreads();
  return result;
}

} // namespace

/// Standard normal bf16 values, a hash of (seed, index) each, so that any
/// launch shape gives the same tensor.
extern "C" __global__ void bsattnFillNormalBf16(uint16_t *out, int64_t count,
                                                uint64_t seed) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < count;
       i += int64_t(gridDim.x) * blockDim.x) {
    uint64_t bits = splitMix64(seed ^ splitMix64(static_cast<uint64_t>(i)));
    // Box-Muller on two 24-bit uniforms, u1 in (0, 1].
    float u1 = (static_cast<float>(bits >> 40) + 1.0f) * 0x1.0p-24f;
    float u2 = static_cast<float>(bits & 0xFFFFFFu) * 0x1.0p-24f;
    out[i] = floatToBf16(sqrtf(-2.0f * logf(u1)) * cospif(2.0f * u2));
  }
}

/// Keeps the GPU busy for `nanoseconds`, so that the host can queue a timed
/// series of launches ahead of the device and no launch gap gets timed.
extern "C" __global__ void bsattnSpin(int64_t nanoseconds) {
  uint64_t start, now;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(start));
  do
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(now));
  while (now - start < static_cast<uint64_t>(nanoseconds));
}

/// The contract in fp32: o [B, H, T, D] and lse [B, H, T] for q, k, v bf16
/// [B, H, T, D], entries counted as listed. Grid (T, H, B), 128 threads,
/// (D + 128 + 4) floats of dynamic shared memory.
extern "C" __global__ void __launch_bounds__(kThreads)
    bsattnReferenceFp32(const uint16_t *q, const uint16_t *k, const uint16_t *v,
                        const int32_t *seqLens, const int32_t *rowPtr,
                        const int32_t *colIdx, float *o, float *lse,
                        int64_t heads, int64_t t, int64_t headDim, int64_t nnz,
                        float scale) {
  extern __shared__ float shared[];
  float *query = shared;
  float *probs = query + headDim;
  float *scratch = probs + kThreads;

  const int64_t s = blockIdx.x, h = blockIdx.y, b = blockIdx.z;
  const int64_t head = b * heads + h;
  const int64_t base = head * t;
  const int tid = threadIdx.x;
  const int64_t seqLen =
      min(max(static_cast<int64_t>(seqLens[b]), int64_t(0)), t);

  float runningMax = -INFINITY, sum = 0.0f;
  float acc[kMaxSlices] = {};
  if (s < seqLen) {
    for (int64_t d = tid; d < headDim; d += kThreads)
      query[d] = bf16ToFloat(q[(base + s) * headDim + d]);
    __syncthreads();
    const int64_t qb = s / kThreads;
    const int64_t valid = (seqLen + kThreads - 1) / kThreads;
    const int32_t *rows = rowPtr + head * ((t + kThreads - 1) / kThreads + 1);
    const int64_t begin =
        min(max(static_cast<int64_t>(rows[qb]), int64_t(0)), nnz);
    const int64_t end =
        min(max(static_cast<int64_t>(rows[qb + 1]), begin), nnz);
    for (int64_t n = begin; n < end; ++n) {
      const int64_t j = colIdx[head * nnz + n];
      if (j < 0 || j > qb || j >= valid)
        continue;
      const int64_t key = j * kThreads + tid;
      const bool visible = key < seqLen && key <= s;
      float score = -INFINITY;
      if (visible) {
        float dot = 0.0f;
        for (int64_t d = 0; d < headDim; ++d)
          dot = fmaf(query[d], bf16ToFloat(k[(base + key) * headDim + d]), dot);
        score = dot * scale;
      }
      // Key j * 128 is visible (j < valid, j <= qb), so the max is finite.
      const float newMax = fmaxf(runningMax, reduce<true>(score, scratch));
      const float alpha =
          runningMax == -INFINITY ? 0.0f : expf(runningMax - newMax);
      const float p = visible ? expf(score - newMax) : 0.0f;
      probs[tid] = p;
      sum = sum * alpha + reduce<false>(p, scratch);
      for (int slice = 0; slice < kMaxSlices; ++slice) {
        const int64_t d = tid + slice * kThreads;
        if (d >= headDim)
          break;
        float value = acc[slice] * alpha;
        // Keys at or past seq_len have p = 0; those past T do not exist.
        const int64_t keys = min(int64_t(kThreads), seqLen - j * kThreads);
        for (int other = 0; other < keys; ++other)
          value =
              fmaf(probs[other],
                   bf16ToFloat(v[(base + j * kThreads + other) * headDim + d]),
                   value);
        acc[slice] = value;
      }
      runningMax = newMax;
      __syncthreads(); // probs is rewritten by the next entry
    }
  }
  for (int slice = 0; slice < kMaxSlices; ++slice) {
    const int64_t d = tid + slice * kThreads;
    if (d < headDim)
      o[(base + s) * headDim + d] = sum > 0.0f ? acc[slice] / sum : 0.0f;
  }
  if (tid == 0)
    lse[base + s] = sum > 0.0f ? runningMax + logf(sum) : -INFINITY;
}
