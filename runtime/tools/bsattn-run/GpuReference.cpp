//===- GpuReference.cpp - bsattn-run's device-side helpers ----------------===//

#include "GpuReference.h"
#include "bsattn/runtime/Error.h"

#include <algorithm>

#include "ReferenceKernels.inc"

using namespace bsattn::run;
using namespace bsattn::runtime;

namespace {
constexpr unsigned kThreads = 128;
constexpr int64_t kMaxHeadDim = 4 * 128;
} // namespace

GpuReference::GpuReference()
    : module(kReferenceKernels, "bsattn-run reference kernels"),
      fill(module.getFunction("bsattnFillNormalBf16")),
      spinner(module.getFunction("bsattnSpin")),
      reference(module.getFunction("bsattnReferenceFp32")) {}

void GpuReference::fillNormal(DeviceBuffer &buffer, uint64_t seed) {
  CUdeviceptr out = buffer.getAddress();
  int64_t count = static_cast<int64_t>(buffer.getSize() / 2);
  void *params[] = {&out, &count, &seed};
  unsigned blocks =
      static_cast<unsigned>(std::min<int64_t>((count + 255) / 256, 4096));
  launch(fill, "bsattnFillNormalBf16", {std::max(blocks, 1u), 1, 1},
         {256, 1, 1}, 0, nullptr, params);
}

void GpuReference::spin(int64_t nanoseconds) {
  void *params[] = {&nanoseconds};
  launch(spinner, "bsattnSpin", {1, 1, 1}, {1, 1, 1}, 0, nullptr, params);
}

void GpuReference::run(const Problem &problem, const DeviceBuffer &q,
                       const DeviceBuffer &k, const DeviceBuffer &v,
                       const DeviceBuffer &seqLens, const DeviceBuffer &rowPtr,
                       const DeviceBuffer &colIdx, int64_t nnz, DeviceBuffer &o,
                       DeviceBuffer &lse) {
  if (problem.headDim > kMaxHeadDim)
    throw Error("the GPU reference handles head sizes up to " +
                std::to_string(kMaxHeadDim) + ", got " +
                std::to_string(problem.headDim));
  CUdeviceptr pointers[] = {q.getAddress(),      k.getAddress(),
                            v.getAddress(),      seqLens.getAddress(),
                            rowPtr.getAddress(), colIdx.getAddress(),
                            o.getAddress(),      lse.getAddress()};
  int64_t heads = problem.heads, t = problem.t, headDim = problem.headDim;
  float scale = static_cast<float>(problem.scale);
  void *params[] = {&pointers[0], &pointers[1], &pointers[2], &pointers[3],
                    &pointers[4], &pointers[5], &pointers[6], &pointers[7],
                    &heads,       &t,           &headDim,     &nnz,
                    &scale};
  unsigned shared =
      static_cast<unsigned>((headDim + kThreads + 4) * sizeof(float));
  launch(reference, "bsattnReferenceFp32",
         {static_cast<unsigned>(t), static_cast<unsigned>(heads),
          static_cast<unsigned>(problem.batch)},
         {kThreads, 1, 1}, shared, nullptr, params);
}
