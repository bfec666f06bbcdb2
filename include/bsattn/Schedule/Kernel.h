//===- Kernel.h - what schedule passes look up in a kernel ------*- C++ -*-===//

#ifndef BSATTN_SCHEDULE_KERNEL_H
#define BSATTN_SCHEDULE_KERNEL_H

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

namespace mlir::bsattn {

/// The kernel's `bsattn.tuning`, or null where it has none.
TuningAttr getKernelTuning(LLVM::LLVMFuncOp kernel);

/// The kernel's `bsattn.warp_specialize`; emits an error naming `pass`,
/// which needs it, where the kernel has none.
FailureOr<WarpSpecializeOp> getWarpSpecialized(LLVM::LLVMFuncOp kernel,
                                               StringRef pass);

/// The barrier that ends the kernel's set-up (mbarrier initialization): the
/// last `nvvm.barrier0` of its entry block, or null where it has none. The
/// schedule starts after it.
NVVM::Barrier0Op getSetUpBarrier(LLVM::LLVMFuncOp kernel);

} // namespace mlir::bsattn

#endif // BSATTN_SCHEDULE_KERNEL_H
