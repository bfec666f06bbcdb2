// How fast the L2 (or DRAM) can fill shared memory on every SM at once:
// one CTA per SM copies 32 KiB blocks (the size of one 128x128 K or V tile
// of 16-bit values) from a global buffer into a ring of shared-memory slots
// with cp.async.bulk, the engine the attention kernels' TMA loads use, and
// nothing else. A buffer that fits in L2 measures L2 -> SM bandwidth, a
// large one DRAM's. This bounds what a kernel that streams K/V tiles can
// reach: an attention key block moves 64 KiB (K and V) into shared memory.
//
// Two further questions decide whether loading K/V once for two query tiles
// (TMA multicast in a two-CTA cluster) can help:
//  - with fewer SMs reading, does each SM get more (the limit is the L2's
//    aggregate) or the same (the limit is each SM's port)?
//  - in a two-CTA cluster where each CTA fetches half of every block and
//    multicasts it to both, how fast does each SM's shared memory fill?
//    With plain bulk copies and with tensor-map copies (128-row boxes of
//    64 bf16 columns, 128-byte swizzle, as the attention kernels load K
//    and V), each beside the same pair loading whole blocks on its own.
//    One thread per CTA both consumes and issues here, so a pair's refill
//    waits on its peer's release before the next slot is read: this caps
//    the pair modes alike (bench/results/2026-12-07-h100-multicast-tensor-
//    and-pair-protocol.json); a producer warp of its own would not.
//
//   nvcc -O3 -gencode arch=compute_90a,code=sm_90a -o l2bw
//   bench/l2_to_smem_bandwidth.cu
//   ./l2bw            # prints one JSON line per configuration
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <cuda.h>
#include <cuda_runtime.h>

constexpr int kBlockBytes = 32 * 1024;
constexpr int kSlots = 6;

__device__ inline void waitParity(uint32_t bar, uint32_t parity) {
  asm volatile("{\n .reg .pred p;\n W: "
               "mbarrier.try_wait.parity.shared::cta.b64 p, [%0], %1;\n"
               " @!p bra W;\n}\n" ::"r"(bar),
               "r"(parity)
               : "memory");
}

// Thread 0's loop: keeps kSlots blocks in flight, reads a word of each as
// it lands, hands its slot to `release` and issues the block kSlots later.
template <typename Issue, typename Release>
__device__ unsigned consumeBlocks(int iterations, uint32_t fullAddr,
                                  const char *smem, Issue issue,
                                  Release release) {
  unsigned acc = 0;
  for (int i = 0; i < kSlots && i < iterations; ++i)
    issue(i);
  for (int i = 0; i < iterations; ++i) {
    int s = i % kSlots;
    waitParity(fullAddr + 8 * s, (i / kSlots) & 1);
    acc += *(volatile const unsigned *)(smem + s * kBlockBytes);
    release(s);
    if (i + kSlots < iterations)
      issue(i + kSlots);
  }
  return acc;
}

__global__ void __launch_bounds__(128, 1)
    stream(const char *src, size_t blocks, int iterations, unsigned *sink) {
  extern __shared__ __align__(1024) char smem[];
  __shared__ __align__(8) uint64_t full[kSlots];
  int tid = threadIdx.x;
  uint32_t fullAddr = (uint32_t)__cvta_generic_to_shared(full);
  if (tid == 0) {
    for (int s = 0; s < kSlots; ++s)
      asm volatile(
          "mbarrier.init.shared::cta.b64 [%0], 1;" ::"r"(fullAddr + 8 * s));
    asm volatile("fence.mbarrier_init.release.cluster;");
  }
  __syncthreads();
  uint32_t smemAddr = (uint32_t)__cvta_generic_to_shared(smem);
  // Each CTA walks the buffer from its own start, so the SMs read different
  // blocks at any moment, as attention CTAs do.
  size_t block = (size_t)blockIdx.x * 7919 % blocks;
  auto issue = [&](int i) {
    int s = i % kSlots;
    uint32_t bar = fullAddr + 8 * s;
    const char *from = src + ((block + i) % blocks) * kBlockBytes;
    asm volatile(
        "mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" ::"r"(bar),
        "r"(kBlockBytes)
        : "memory");
    asm volatile(
        "cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes "
        "[%0], [%1], %2, [%3];" ::"r"(smemAddr + s * kBlockBytes),
        "l"(from), "r"(kBlockBytes), "r"(bar)
        : "memory");
  };
  if (tid == 0)
    sink[blockIdx.x] =
        consumeBlocks(iterations, fullAddr, smem, issue, [](int) {});
}

__device__ inline void clusterSync() {
  asm volatile("barrier.cluster.arrive.release.aligned;\n"
               "barrier.cluster.wait.acquire.aligned;" ::
                   : "memory");
}

// How a pair of CTAs fills its slots: each CTA fetches one half of every
// block and multicasts it into both CTAs' slot (the L2 reads each byte once
// per pair), or fetches whole blocks for itself alone; with plain bulk
// copies or tensor-map boxes.
enum class PairMode { BulkMulticast, BulkLocal, TensorMulticast, TensorLocal };

// The stream for a pair of CTAs walking the same blocks. A slot is refilled
// once both CTAs released it (each CTA's consumer arrives on its own and
// its peer's empty barrier), as an attention kernel sharing K/V between two
// query tiles would have to; the local modes keep that protocol so that
// they differ from the multicast ones in the copies alone.
template <PairMode kMode>
__global__ void __cluster_dims__(2, 1, 1) __launch_bounds__(128, 1)
    streamPair(const char *src, const __grid_constant__ CUtensorMap boxes,
               size_t blocks, int iterations, unsigned *sink) {
  extern __shared__ __align__(1024) char smem[];
  __shared__ __align__(8) uint64_t full[kSlots];
  __shared__ __align__(8) uint64_t empty[kSlots];
  int tid = threadIdx.x;
  uint32_t rank;
  asm volatile("mov.u32 %0, %%cluster_ctarank;" : "=r"(rank));
  uint32_t peer = rank ^ 1;
  uint32_t fullAddr = (uint32_t)__cvta_generic_to_shared(full);
  uint32_t emptyAddr = (uint32_t)__cvta_generic_to_shared(empty);
  if (tid == 0) {
    for (int s = 0; s < kSlots; ++s) {
      asm volatile(
          "mbarrier.init.shared::cta.b64 [%0], 1;" ::"r"(fullAddr + 8 * s));
      asm volatile(
          "mbarrier.init.shared::cta.b64 [%0], 2;" ::"r"(emptyAddr + 8 * s));
    }
    asm volatile("fence.mbarrier_init.release.cluster;");
  }
  // The peer's barriers must be initialized before anything arrives on them.
  clusterSync();
  uint32_t smemAddr = (uint32_t)__cvta_generic_to_shared(smem);
  size_t block = (size_t)(blockIdx.x / 2) * 7919 % blocks;
  constexpr int kHalf = kBlockBytes / 2;
  constexpr int kBoxRows = kHalf / 128;
  uint64_t map = reinterpret_cast<uint64_t>(&boxes);
  auto copyHalf = [&](uint32_t dst, size_t blockIndex, int half, uint32_t bar,
                      bool multicast) {
    if (kMode == PairMode::TensorMulticast || kMode == PairMode::TensorLocal) {
      int row = (int)(blockIndex * 2 + half) * kBoxRows;
      if (multicast)
        asm volatile("cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::"
                     "complete_tx::bytes.multicast::cluster"
                     " [%0], [%1, {%2, %3}], [%4], %5;" ::"r"(dst),
                     "l"(map), "r"(0), "r"(row), "r"(bar), "h"((uint16_t)3)
                     : "memory");
      else
        asm volatile("cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::"
                     "complete_tx::bytes"
                     " [%0], [%1, {%2, %3}], [%4];" ::"r"(dst),
                     "l"(map), "r"(0), "r"(row), "r"(bar)
                     : "memory");
    } else {
      const char *from = src + blockIndex * kBlockBytes + half * kHalf;
      if (multicast)
        asm volatile(
            "cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes."
            "multicast::cluster [%0], [%1], %2, [%3], %4;" ::"r"(dst),
            "l"(from), "r"(kHalf), "r"(bar), "h"((uint16_t)3)
            : "memory");
      else
        asm volatile("cp.async.bulk.shared::cluster.global.mbarrier::complete_"
                     "tx::bytes [%0], [%1], %2, [%3];" ::"r"(dst),
                     "l"(from), "r"(kHalf), "r"(bar)
                     : "memory");
    }
  };
  auto issue = [&](int i) {
    int s = i % kSlots;
    if (i >= kSlots)
      waitParity(emptyAddr + 8 * s, ((i / kSlots) - 1) & 1);
    uint32_t bar = fullAddr + 8 * s;
    size_t blockIndex = (block + i) % blocks;
    uint32_t slot = smemAddr + s * kBlockBytes;
    asm volatile(
        "mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" ::"r"(bar),
        "r"(kBlockBytes)
        : "memory");
    if (kMode == PairMode::BulkMulticast ||
        kMode == PairMode::TensorMulticast) {
      copyHalf(slot + rank * kHalf, blockIndex, rank, bar, true);
    } else {
      copyHalf(slot, blockIndex, 0, bar, false);
      copyHalf(slot + kHalf, blockIndex, 1, bar, false);
    }
  };
  auto release = [&](int s) {
    uint32_t local = emptyAddr + 8 * s, remote;
    asm volatile("mapa.shared::cluster.u32 %0, %1, %2;"
                 : "=r"(remote)
                 : "r"(local), "r"(peer));
    asm volatile(
        "mbarrier.arrive.release.cluster.shared::cta.b64 _, [%0];" ::"r"(local)
        : "memory");
    asm volatile(
        "mbarrier.arrive.release.cluster.shared::cluster.b64 _, [%0];" ::"r"(
            remote)
        : "memory");
  };
  if (tid == 0)
    sink[blockIdx.x] =
        consumeBlocks(iterations, fullAddr, smem, issue, release);
  // No CTA may exit while its peer can still arrive on its barriers or
  // write into its shared memory.
  clusterSync();
}

// The tensor map of a buffer seen as rows of 64 bf16 (128 bytes), copied by
// boxes of half a block's rows with 128-byte swizzle.
static CUtensorMap boxesOf(char *buffer, size_t bytes) {
  using Encode = CUresult (*)(CUtensorMap *, CUtensorMapDataType, cuuint32_t,
                              void *, const cuuint64_t *, const cuuint64_t *,
                              const cuuint32_t *, const cuuint32_t *,
                              CUtensorMapInterleave, CUtensorMapSwizzle,
                              CUtensorMapL2promotion, CUtensorMapFloatOOBfill);
  void *entry = nullptr;
  cudaDriverEntryPointQueryResult found;
  cudaGetDriverEntryPointByVersion("cuTensorMapEncodeTiled", &entry, 12000,
                                   cudaEnableDefault, &found);
  CUtensorMap map{};
  cuuint64_t dims[2] = {64, bytes / 128};
  cuuint64_t strides[1] = {128};
  cuuint32_t box[2] = {64, (cuuint32_t)(kBlockBytes / 2 / 128)};
  cuuint32_t unit[2] = {1, 1};
  CUresult result = ((Encode)entry)(
      &map, CU_TENSOR_MAP_DATA_TYPE_BFLOAT16, 2, buffer, dims, strides, box,
      unit, CU_TENSOR_MAP_INTERLEAVE_NONE, CU_TENSOR_MAP_SWIZZLE_128B,
      CU_TENSOR_MAP_L2_PROMOTION_NONE, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (result != CUDA_SUCCESS)
    fprintf(stderr, "cuTensorMapEncodeTiled failed: %d\n", (int)result);
  return map;
}

struct Config {
  const char *mode;
  int ctas;
  size_t bufferBytes;
};

// A launch of the configuration's kernel; false for an unknown mode.
static bool launch(const Config &config, int ctas, char *buf,
                   const CUtensorMap &boxes, size_t blocks, int iterations,
                   unsigned *sink, size_t smemBytes) {
  auto pair = [&](auto kernel) {
    kernel<<<ctas, 128, smemBytes>>>(buf, boxes, blocks, iterations, sink);
  };
  const char *mode = config.mode;
  if (!strcmp(mode, "single"))
    stream<<<ctas, 128, smemBytes>>>(buf, blocks, iterations, sink);
  else if (!strcmp(mode, "multicast2"))
    pair(streamPair<PairMode::BulkMulticast>);
  else if (!strcmp(mode, "pair_local"))
    pair(streamPair<PairMode::BulkLocal>);
  else if (!strcmp(mode, "multicast2_tensor"))
    pair(streamPair<PairMode::TensorMulticast>);
  else if (!strcmp(mode, "pair_local_tensor"))
    pair(streamPair<PairMode::TensorLocal>);
  else
    return false;
  return true;
}

int main() {
  int sms = 0;
  cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0);
  cudaDeviceProp prop;
  cudaGetDeviceProperties(&prop, 0);
  size_t smemBytes = (size_t)kSlots * kBlockBytes;
  cudaFuncSetAttribute(stream, cudaFuncAttributeMaxDynamicSharedMemorySize,
                       (int)smemBytes);
  for (auto kernel :
       {streamPair<PairMode::BulkMulticast>, streamPair<PairMode::BulkLocal>,
        streamPair<PairMode::TensorMulticast>,
        streamPair<PairMode::TensorLocal>})
    cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                         (int)smemBytes);
  size_t maxBytes = (size_t)4 << 30;
  char *buf;
  unsigned *sink;
  cudaMalloc(&buf, maxBytes);
  cudaMalloc(&sink, sms * sizeof(unsigned));
  cudaMemset(buf, 1, maxBytes);
  const size_t l2Bytes = (size_t)8 << 20, l2LargeBytes = (size_t)24 << 20;
  const Config configs[] = {
      {"single", sms, l2Bytes},
      {"single", sms, l2LargeBytes},
      {"single", sms, maxBytes},
      {"single", sms / 2, l2Bytes},
      {"single", sms / 4, l2Bytes},
      {"multicast2", sms, l2Bytes},
      {"multicast2", sms, l2LargeBytes},
      {"multicast2", sms, maxBytes},
      {"multicast2", sms / 2, l2Bytes},
      {"pair_local", sms, l2Bytes},
      {"multicast2_tensor", sms, l2Bytes},
      {"multicast2_tensor", sms, l2LargeBytes},
      {"multicast2_tensor", sms, maxBytes},
      {"pair_local_tensor", sms, l2Bytes},
      {"pair_local_tensor", sms, maxBytes},
  };
  for (const Config &config : configs) {
    size_t blocks = config.bufferBytes / kBlockBytes;
    bool pair = strcmp(config.mode, "single") != 0;
    bool multicast = strncmp(config.mode, "multicast", 9) == 0;
    int ctas = pair ? config.ctas / 2 * 2 : config.ctas;
    CUtensorMap boxes = boxesOf(buf, config.bufferBytes);
    int iterations = 4000;
    cudaEvent_t a, b;
    cudaEventCreate(&a);
    cudaEventCreate(&b);
    float best = 1e30f;
    for (int rep = 0; rep < 7; ++rep) {
      cudaEventRecord(a);
      launch(config, ctas, buf, boxes, blocks, iterations, sink, smemBytes);
      cudaEventRecord(b);
      cudaEventSynchronize(b);
      float ms;
      cudaEventElapsedTime(&ms, a, b);
      if (rep > 0 && ms < best)
        best = ms;
    }
    cudaError_t err = cudaGetLastError();
    // Bytes that arrive in shared memory (every CTA receives whole blocks)
    // and bytes read from L2 or DRAM (half of them under multicast).
    double received = (double)ctas * iterations * kBlockBytes;
    double read = multicast ? received / 2 : received;
    printf("{\"device\": \"%s\", \"mode\": \"%s\", \"ctas\": %d, "
           "\"buffer_bytes\": %zu, "
           "\"slots\": %d, \"block_bytes\": %d, \"best_ms\": %.4f, "
           "\"received_tb_per_s\": %.3f, \"read_tb_per_s\": %.3f, "
           "\"us_per_64kib_per_sm\": %.4f, \"error\": \"%s\"}\n",
           prop.name, config.mode, ctas, config.bufferBytes, kSlots,
           kBlockBytes, best, received / (best * 1e-3) / 1e12,
           read / (best * 1e-3) / 1e12, best * 1e3 / (iterations / 2.0),
           cudaGetErrorString(err));
  }
  return 0;
}
