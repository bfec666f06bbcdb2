//===- GpuReference.h - bsattn-run's device-side helpers --------*- C++ -*-===//

#ifndef BSATTN_RUN_GPUREFERENCE_H
#define BSATTN_RUN_GPUREFERENCE_H

#include "bsattn/runtime/Cuda.h"
#include "bsattn/runtime/Reference.h"

namespace bsattn::run {

/// The kernels of ReferenceKernels.cu, embedded at build time.
class GpuReference {
public:
  GpuReference();

  /// Fills `buffer` with standard normal bf16 values drawn from `seed`.
  void fillNormal(runtime::DeviceBuffer &buffer, uint64_t seed);

  /// Keeps the device busy for `nanoseconds` (on the default stream).
  void spin(int64_t nanoseconds);

  /// The fp32 reference: o and lse as float buffers of the problem's sizes.
  void run(const runtime::Problem &problem, const runtime::DeviceBuffer &q,
           const runtime::DeviceBuffer &k, const runtime::DeviceBuffer &v,
           const runtime::DeviceBuffer &seqLens,
           const runtime::DeviceBuffer &rowPtr,
           const runtime::DeviceBuffer &colIdx, int64_t nnz,
           runtime::DeviceBuffer &o, runtime::DeviceBuffer &lse);

private:
  runtime::Module module;
  CUfunction fill;
  CUfunction spinner;
  CUfunction reference;
};

} // namespace bsattn::run

#endif // BSATTN_RUN_GPUREFERENCE_H
