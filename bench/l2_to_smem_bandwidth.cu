// How fast the L2 (or DRAM) can fill shared memory on every SM at once:
// one CTA per SM copies 32 KiB blocks (the size of one 128x128 K or V tile
// of 16-bit values) from a global buffer into a ring of shared-memory slots
// with the TMA engine (cp.async.bulk, plain or through a tensor map), as
// the attention kernels load K and V, and nothing else. A buffer that fits
// in L2 measures L2 -> SM bandwidth, a large one DRAM's. An attention key
// block moves 64 KiB (K and V) into shared memory.
//
// Two further questions decide whether loading K/V once for two query tiles
// (TMA multicast in a two-CTA cluster) can help:
//  - with fewer SMs reading, does each SM get more (the limit is the L2's
//    aggregate) or the same (the limit is each SM's port)?
//  - in a two-CTA cluster where each CTA fetches half of every block and
//    multicasts it to both, how fast does each SM's shared memory fill,
//    beside the same pair loading whole blocks on its own?
// As in the attention kernels, a producer warp issues the copies and waits
// for slots to be released, a consumer warp waits for them to land, reads
// them and releases them: in a pair, on its own and its peer's "empty"
// barrier, since a multicast refills both CTAs' slot. Copies are plain
// bulk ones or tensor-map boxes (128 rows of 64 bf16 columns, 128-byte
// swizzle, the attention kernels' K/V boxes).
//
//   nvcc -O3 -gencode arch=compute_90a,code=sm_90a -o l2bw \
//       bench/l2_to_smem_bandwidth.cu -L/usr/local/cuda/lib64/stubs -lcuda
//   ./l2bw            # prints one JSON line per configuration
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <cuda.h>
#include <cuda_runtime.h>

constexpr int kBlockBytes = 32 * 1024;
constexpr int kHalfBytes = kBlockBytes / 2;
constexpr int kBoxRows = kHalfBytes / 128;
constexpr int kSlots = 6;

enum class Mode {
  Single,        // one CTA, whole blocks, bulk copies
  SingleTensor,  // one CTA, whole blocks, tensor-map boxes
  PairLocal,     // a pair, each CTA whole blocks for itself, bulk
  PairMulticast, // a pair, each CTA one half for both, bulk
  PairLocalTensor,
  PairMulticastTensor,
};

__host__ __device__ constexpr bool isPair(Mode mode) {
  return mode != Mode::Single && mode != Mode::SingleTensor;
}
__host__ __device__ constexpr bool isTensor(Mode mode) {
  return mode == Mode::SingleTensor || mode == Mode::PairLocalTensor ||
         mode == Mode::PairMulticastTensor;
}
__host__ __device__ constexpr bool isMulticast(Mode mode) {
  return mode == Mode::PairMulticast || mode == Mode::PairMulticastTensor;
}

__device__ inline void waitParity(uint32_t bar, uint32_t parity) {
  asm volatile("{\n .reg .pred p;\n W: "
               "mbarrier.try_wait.parity.acquire.cluster.shared::cta.b64 p, "
               "[%0], %1;\n @!p bra W;\n}\n" ::"r"(bar),
               "r"(parity)
               : "memory");
}

__device__ inline void clusterSync() {
  asm volatile("barrier.cluster.arrive.release.aligned;\n"
               "barrier.cluster.wait.acquire.aligned;" ::
                   : "memory");
}

// Copies half `half` of block `block` into shared address `dst`,
// completing on barrier `bar`, into both CTAs of the pair if `multicast`.
template <Mode kMode>
__device__ inline void copyHalf(const char *src, uint64_t map, uint32_t dst,
                                size_t block, int half, uint32_t bar,
                                bool multicast) {
  if (isTensor(kMode)) {
    int row = (int)(block * 2 + half) * kBoxRows;
    if (multicast)
      asm volatile("cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::"
                   "complete_tx::bytes.multicast::cluster [%0], [%1, {%2, "
                   "%3}], [%4], %5;" ::"r"(dst),
                   "l"(map), "r"(0), "r"(row), "r"(bar), "h"((uint16_t)3)
                   : "memory");
    else
      asm volatile("cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::"
                   "complete_tx::bytes [%0], [%1, {%2, %3}], [%4];" ::"r"(dst),
                   "l"(map), "r"(0), "r"(row), "r"(bar)
                   : "memory");
    return;
  }
  const char *from = src + block * kBlockBytes + half * kHalfBytes;
  if (multicast)
    asm volatile(
        "cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::"
        "bytes.multicast::cluster [%0], [%1], %2, [%3], %4;" ::"r"(dst),
        "l"(from), "r"(kHalfBytes), "r"(bar), "h"((uint16_t)3)
        : "memory");
  else
    asm volatile("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::"
                 "bytes [%0], [%1], %2, [%3];" ::"r"(dst),
                 "l"(from), "r"(kHalfBytes), "r"(bar)
                 : "memory");
}

// Warp 0's first lane issues, warp 1's first lane consumes. A pair's CTAs
// walk the same blocks from the pair's start; single CTAs each from their
// own, so that the SMs read different blocks at any moment, as attention
// CTAs do.
template <Mode kMode>
__global__ void __launch_bounds__(64, 1)
    streamBlocks(const char *src, const __grid_constant__ CUtensorMap boxes,
                 size_t blocks, int iterations, unsigned *sink) {
  extern __shared__ __align__(1024) char smem[];
  __shared__ __align__(8) uint64_t full[kSlots];
  __shared__ __align__(8) uint64_t empty[kSlots];
  constexpr bool kPair = isPair(kMode);
  int tid = threadIdx.x;
  uint32_t rank = 0;
  if (kPair)
    asm volatile("mov.u32 %0, %%cluster_ctarank;" : "=r"(rank));
  uint32_t fullAddr = (uint32_t)__cvta_generic_to_shared(full);
  uint32_t emptyAddr = (uint32_t)__cvta_generic_to_shared(empty);
  if (tid == 0) {
    for (int s = 0; s < kSlots; ++s) {
      asm volatile(
          "mbarrier.init.shared::cta.b64 [%0], 1;" ::"r"(fullAddr + 8 * s));
      asm volatile(
          "mbarrier.init.shared::cta.b64 [%0], %1;" ::"r"(emptyAddr + 8 * s),
          "r"(kPair ? 2 : 1));
    }
    asm volatile("fence.mbarrier_init.release.cluster;");
  }
  // A peer's barriers must be initialized before anything arrives on them.
  if (kPair)
    clusterSync();
  else
    __syncthreads();
  uint32_t smemAddr = (uint32_t)__cvta_generic_to_shared(smem);
  size_t start = (size_t)(kPair ? blockIdx.x / 2 : blockIdx.x) * 7919 % blocks;
  uint64_t map = reinterpret_cast<uint64_t>(&boxes);
  if (tid == 0) {
    for (int i = 0; i < iterations; ++i) {
      int s = i % kSlots;
      if (i >= kSlots)
        waitParity(emptyAddr + 8 * s, ((i / kSlots) - 1) & 1);
      uint32_t bar = fullAddr + 8 * s, slot = smemAddr + s * kBlockBytes;
      size_t block = (start + i) % blocks;
      asm volatile(
          "mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" ::"r"(bar),
          "r"(kBlockBytes)
          : "memory");
      if (isMulticast(kMode)) {
        copyHalf<kMode>(src, map, slot + rank * kHalfBytes, block, rank, bar,
                        true);
      } else {
        copyHalf<kMode>(src, map, slot, block, 0, bar, false);
        copyHalf<kMode>(src, map, slot + kHalfBytes, block, 1, bar, false);
      }
    }
  } else if (tid == 32) {
    unsigned acc = 0;
    for (int i = 0; i < iterations; ++i) {
      int s = i % kSlots;
      waitParity(fullAddr + 8 * s, (i / kSlots) & 1);
      acc += *(volatile const unsigned *)(smem + s * kBlockBytes);
      uint32_t local = emptyAddr + 8 * s;
      asm volatile(
          "mbarrier.arrive.release.cluster.shared::cta.b64 _, [%0];" ::"r"(
              local)
          : "memory");
      if (kPair) {
        uint32_t remote;
        asm volatile("mapa.shared::cluster.u32 %0, %1, %2;"
                     : "=r"(remote)
                     : "r"(local), "r"(rank ^ 1));
        asm volatile("mbarrier.arrive.release.cluster.shared::cluster.b64 _, "
                     "[%0];" ::"r"(remote)
                     : "memory");
      }
    }
    sink[blockIdx.x] = acc;
  }
  // No CTA may exit while its peer can still arrive on its barriers or
  // write into its shared memory.
  if (kPair)
    clusterSync();
}

// The tensor map of a buffer seen as rows of 64 bf16 (128 bytes), copied by
// boxes of half a block's rows with 128-byte swizzle.
static CUtensorMap boxesOf(char *buffer, size_t bytes) {
  CUtensorMap map{};
  cuuint64_t dims[2] = {64, bytes / 128};
  cuuint64_t strides[1] = {128};
  cuuint32_t box[2] = {64, kBoxRows};
  cuuint32_t unit[2] = {1, 1};
  CUresult result = cuTensorMapEncodeTiled(
      &map, CU_TENSOR_MAP_DATA_TYPE_BFLOAT16, 2, buffer, dims, strides, box,
      unit, CU_TENSOR_MAP_INTERLEAVE_NONE, CU_TENSOR_MAP_SWIZZLE_128B,
      CU_TENSOR_MAP_L2_PROMOTION_NONE, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (result != CUDA_SUCCESS)
    fprintf(stderr, "cuTensorMapEncodeTiled failed: %d\n", (int)result);
  return map;
}

struct Config {
  const char *name;
  Mode mode;
  int ctas;
  size_t bufferBytes;
};

template <Mode kMode>
static cudaError_t launch(int ctas, size_t smemBytes, char *buf,
                          const CUtensorMap &boxes, size_t blocks,
                          int iterations, unsigned *sink) {
  auto kernel = streamBlocks<kMode>;
  cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                       (int)smemBytes);
  cudaLaunchConfig_t config{};
  config.gridDim = dim3(ctas);
  config.blockDim = dim3(64);
  config.dynamicSmemBytes = smemBytes;
  cudaLaunchAttribute cluster{};
  cluster.id = cudaLaunchAttributeClusterDimension;
  cluster.val.clusterDim.x = isPair(kMode) ? 2 : 1;
  cluster.val.clusterDim.y = 1;
  cluster.val.clusterDim.z = 1;
  config.attrs = &cluster;
  config.numAttrs = 1;
  return cudaLaunchKernelEx(&config, kernel, (const char *)buf, boxes, blocks,
                            iterations, sink);
}

static cudaError_t launchMode(Mode mode, int ctas, size_t smemBytes, char *buf,
                              const CUtensorMap &boxes, size_t blocks,
                              int iterations, unsigned *sink) {
  switch (mode) {
  case Mode::Single:
    return launch<Mode::Single>(ctas, smemBytes, buf, boxes, blocks, iterations,
                                sink);
  case Mode::SingleTensor:
    return launch<Mode::SingleTensor>(ctas, smemBytes, buf, boxes, blocks,
                                      iterations, sink);
  case Mode::PairLocal:
    return launch<Mode::PairLocal>(ctas, smemBytes, buf, boxes, blocks,
                                   iterations, sink);
  case Mode::PairMulticast:
    return launch<Mode::PairMulticast>(ctas, smemBytes, buf, boxes, blocks,
                                       iterations, sink);
  case Mode::PairLocalTensor:
    return launch<Mode::PairLocalTensor>(ctas, smemBytes, buf, boxes, blocks,
                                         iterations, sink);
  case Mode::PairMulticastTensor:
    return launch<Mode::PairMulticastTensor>(ctas, smemBytes, buf, boxes,
                                             blocks, iterations, sink);
  }
  return cudaErrorInvalidValue;
}

int main() {
  int sms = 0;
  cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0);
  cudaDeviceProp prop;
  cudaGetDeviceProperties(&prop, 0);
  size_t smemBytes = (size_t)kSlots * kBlockBytes;
  size_t maxBytes = (size_t)4 << 30;
  char *buf;
  unsigned *sink;
  cudaMalloc(&buf, maxBytes);
  cudaMalloc(&sink, sms * sizeof(unsigned));
  cudaMemset(buf, 1, maxBytes);
  const size_t l2 = (size_t)8 << 20, l2Large = (size_t)24 << 20;
  int pairs = sms / 2 * 2;
  const Config configs[] = {
      {"single", Mode::Single, sms, l2},
      {"single", Mode::Single, sms, l2Large},
      {"single", Mode::Single, sms, maxBytes},
      {"single", Mode::Single, sms / 2, l2},
      {"single", Mode::Single, sms / 4, l2},
      {"single_tensor", Mode::SingleTensor, sms, l2},
      {"pair_local", Mode::PairLocal, pairs, l2},
      {"multicast2", Mode::PairMulticast, pairs, l2},
      {"multicast2", Mode::PairMulticast, pairs, l2Large},
      {"multicast2", Mode::PairMulticast, pairs, maxBytes},
      {"pair_local_tensor", Mode::PairLocalTensor, pairs, l2},
      {"pair_local_tensor", Mode::PairLocalTensor, pairs, maxBytes},
      {"multicast2_tensor", Mode::PairMulticastTensor, pairs, l2},
      {"multicast2_tensor", Mode::PairMulticastTensor, pairs, l2Large},
      {"multicast2_tensor", Mode::PairMulticastTensor, pairs, maxBytes},
  };
  for (const Config &config : configs) {
    size_t blocks = config.bufferBytes / kBlockBytes;
    CUtensorMap boxes = boxesOf(buf, config.bufferBytes);
    int iterations = 4000;
    cudaEvent_t a, b;
    cudaEventCreate(&a);
    cudaEventCreate(&b);
    float best = 1e30f;
    cudaError_t err = cudaSuccess;
    for (int rep = 0; rep < 7 && err == cudaSuccess; ++rep) {
      cudaEventRecord(a);
      err = launchMode(config.mode, config.ctas, smemBytes, buf, boxes, blocks,
                       iterations, sink);
      cudaEventRecord(b);
      cudaEventSynchronize(b);
      float ms;
      cudaEventElapsedTime(&ms, a, b);
      if (rep > 0 && ms < best)
        best = ms;
    }
    if (err == cudaSuccess)
      err = cudaGetLastError();
    // Bytes that arrive in shared memory (every CTA receives whole blocks)
    // and bytes read from L2 or DRAM (half of them under multicast).
    double received = (double)config.ctas * iterations * kBlockBytes;
    double read = isMulticast(config.mode) ? received / 2 : received;
    printf("{\"device\": \"%s\", \"mode\": \"%s\", \"ctas\": %d, "
           "\"buffer_bytes\": %zu, \"slots\": %d, \"block_bytes\": %d, "
           "\"best_ms\": %.4f, \"received_tb_per_s\": %.3f, "
           "\"read_tb_per_s\": %.3f, \"us_per_64kib_per_sm\": %.4f, "
           "\"error\": \"%s\"}\n",
           prop.name, config.name, config.ctas, config.bufferBytes, kSlots,
           kBlockBytes, best, received / (best * 1e-3) / 1e12,
           read / (best * 1e-3) / 1e12, best * 1e3 / (iterations / 2.0),
           cudaGetErrorString(err));
  }
  return 0;
}
