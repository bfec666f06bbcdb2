//===- Kernel.cpp - what schedule passes look up in a kernel ----*- C++ -*-===//

#include "bsattn/Schedule/Kernel.h"

using namespace mlir;
using namespace mlir::bsattn;

TuningAttr bsattn::getKernelTuning(LLVM::LLVMFuncOp kernel) {
  return kernel->getAttrOfType<TuningAttr>("bsattn.tuning");
}

FailureOr<WarpSpecializeOp> bsattn::getWarpSpecialized(LLVM::LLVMFuncOp kernel,
                                                       StringRef pass) {
  WarpSpecializeOp specialized;
  kernel.walk([&](WarpSpecializeOp op) { specialized = op; });
  if (specialized)
    return specialized;
  return kernel.emitOpError() << pass
                              << " needs a warp-specialized kernel (run "
                                 "bsattn-warp-specialize first)";
}

NVVM::Barrier0Op bsattn::getSetUpBarrier(LLVM::LLVMFuncOp kernel) {
  for (Operation &op : llvm::reverse(kernel.getBody().front()))
    if (auto barrier = dyn_cast<NVVM::Barrier0Op>(op))
      return barrier;
  return {};
}
