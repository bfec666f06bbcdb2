//===- AllocateShared.cpp - place shared buffers ----------------*- C++ -*-===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"
#include "bsattn/Schedule/Passes.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::bsattn {
#define GEN_PASS_DEF_BSATTNALLOCATESHARED
#include "bsattn/Schedule/Passes.h.inc"
} // namespace mlir::bsattn

using namespace mlir;
using namespace mlir::bsattn;

namespace {

/// What one CTA of sm_90 may use: 227 KiB of dynamic shared memory.
constexpr int64_t kMaxSharedBytes = 227 * 1024;
/// The alignment of the 128-byte swizzle's 8-row pattern, and of the
/// other buffers (the widest vector access).
constexpr int64_t kAlignment = 1024;
constexpr int64_t kUnswizzledAlignment = 16;

struct AllocateSharedPass
    : public bsattn::impl::BSAttnAllocateSharedBase<AllocateSharedPass> {
  void runOnOperation() override {
    LLVM::LLVMFuncOp kernel = getOperation();
    if (!kernel->hasAttr(NVVM::NVVMDialect::getKernelFuncAttrName()))
      return;
    // Swizzled buffers first, each at a multiple of 1024 bytes; the others
    // after them, packed, so that a small one costs no 1024-byte gap.
    int64_t offset = 0;
    kernel.walk([&](SharedAllocOp alloc) {
      if (alloc.getSwizzle() == 0)
        return;
      alloc.setOffset(offset);
      offset = llvm::alignTo(offset + alloc.getByteSize(), kAlignment);
    });
    kernel.walk([&](SharedAllocOp alloc) {
      if (alloc.getSwizzle() != 0)
        return;
      alloc.setOffset(offset);
      offset =
          llvm::alignTo(offset + alloc.getByteSize(), kUnswizzledAlignment);
    });
    // The dynamic area's start is aligned to 1024 bytes at run time.
    int64_t bytes = offset + kAlignment;
    if (bytes > kMaxSharedBytes) {
      kernel.emitOpError() << "needs " << bytes
                           << " bytes of shared memory (buffers and "
                              "alignment), over the "
                           << kMaxSharedBytes << " an sm_90 CTA can have";
      return signalPassFailure();
    }
    kernel->setAttr(
        "bsattn.shared_bytes",
        IntegerAttr::get(IntegerType::get(&getContext(), 64), bytes));
  }
};

} // namespace
