// How fast the L2 (or DRAM) can fill shared memory on every SM at once:
// one CTA per SM copies 32 KiB blocks (the size of one 128x128 K or V tile
// of 16-bit values) from a global buffer into a ring of shared-memory slots
// with cp.async.bulk, the engine the attention kernels' TMA loads use, and
// nothing else. A buffer that fits in L2 measures L2 -> SM bandwidth, a
// large one DRAM's. This bounds what a kernel that streams K/V tiles can
// reach: an attention key block moves 64 KiB (K and V) into shared memory.
//
//   nvcc -O3 -arch=sm_90a -o l2bw bench/l2_to_smem_bandwidth.cu
//   ./l2bw            # prints one JSON line per buffer size
#include <cstdio>
#include <cstdint>
#include <cuda_runtime.h>

constexpr int kBlockBytes = 32 * 1024;
constexpr int kSlots = 6;

__device__ inline void waitParity(uint32_t bar, uint32_t parity) {
  asm volatile("{\n .reg .pred p;\n W: mbarrier.try_wait.parity.shared::cta.b64 p, [%0], %1;\n"
               " @!p bra W;\n}\n" ::"r"(bar), "r"(parity) : "memory");
}

__global__ void __launch_bounds__(128, 1)
    stream(const char *src, size_t blocks, int iterations, unsigned *sink) {
  extern __shared__ __align__(128) char smem[];
  __shared__ __align__(8) uint64_t full[kSlots];
  int tid = threadIdx.x;
  uint32_t fullAddr = (uint32_t)__cvta_generic_to_shared(full);
  if (tid == 0) {
    for (int s = 0; s < kSlots; ++s)
      asm volatile("mbarrier.init.shared::cta.b64 [%0], 1;" ::"r"(fullAddr + 8 * s));
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
    asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" ::"r"(bar), "r"(kBlockBytes) : "memory");
    asm volatile("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1], %2, [%3];"
                 ::"r"(smemAddr + s * kBlockBytes), "l"(from), "r"(kBlockBytes), "r"(bar) : "memory");
  };
  unsigned acc = 0;
  if (tid == 0) {
    for (int i = 0; i < kSlots && i < iterations; ++i)
      issue(i);
    for (int i = 0; i < iterations; ++i) {
      int s = i % kSlots;
      waitParity(fullAddr + 8 * s, (i / kSlots) & 1);
      acc += *(volatile unsigned *)(smem + s * kBlockBytes);
      if (i + kSlots < iterations)
        issue(i + kSlots);
    }
    sink[blockIdx.x] = acc;
  }
}

int main() {
  int sms = 0;
  cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0);
  cudaDeviceProp prop;
  cudaGetDeviceProperties(&prop, 0);
  size_t smemBytes = (size_t)kSlots * kBlockBytes;
  cudaFuncSetAttribute(stream, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smemBytes);
  size_t maxBytes = (size_t)4 << 30;
  char *buf;
  unsigned *sink;
  cudaMalloc(&buf, maxBytes);
  cudaMalloc(&sink, sms * sizeof(unsigned));
  cudaMemset(buf, 1, maxBytes);
  const size_t sizes[] = {(size_t)8 << 20, (size_t)24 << 20, (size_t)4 << 30};
  for (size_t bytes : sizes) {
    size_t blocks = bytes / kBlockBytes;
    int iterations = 4000;
    cudaEvent_t a, b;
    cudaEventCreate(&a);
    cudaEventCreate(&b);
    float best = 1e30f;
    for (int rep = 0; rep < 7; ++rep) {
      cudaEventRecord(a);
      stream<<<sms, 128, smemBytes>>>(buf, blocks, iterations, sink);
      cudaEventRecord(b);
      cudaEventSynchronize(b);
      float ms;
      cudaEventElapsedTime(&ms, a, b);
      if (rep > 0 && ms < best)
        best = ms;
    }
    cudaError_t err = cudaGetLastError();
    double moved = (double)sms * iterations * kBlockBytes;
    printf("{\"device\": \"%s\", \"sms\": %d, \"buffer_bytes\": %zu, \"slots\": %d, "
           "\"block_bytes\": %d, \"best_ms\": %.4f, \"tb_per_s\": %.3f, "
           "\"us_per_64kib_per_sm\": %.4f, \"error\": \"%s\"}\n",
           prop.name, sms, bytes, kSlots, kBlockBytes, best, moved / (best * 1e-3) / 1e12,
           best * 1e3 / (iterations / 2.0), cudaGetErrorString(err));
  }
  return 0;
}
