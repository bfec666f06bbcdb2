//===- Passes.td - passes on the kernel-schedule level -----*- tablegen -*-===//

#ifndef BSATTN_SCHEDULE_PASSES_TD
#define BSATTN_SCHEDULE_PASSES_TD

include "mlir/Pass/PassBase.td"

def BSAttnAllocateShared
    : Pass<"bsattn-allocate-shared", "LLVM::LLVMFuncOp"> {
  let summary = "Place a kernel's shared buffers in its dynamic shared memory";
  let description = [{
    Gives every `bsattn.shared_alloc` of a kernel (an `llvm.func` with
    `nvvm.kernel`) a byte offset, in order of appearance and 1024-aligned
    (the 128-byte swizzle of TMA and wgmma needs it), and sets the
    kernel's `bsattn.shared_bytes` to the dynamic shared memory it needs:
    the buffers plus 1024 bytes, since the dynamic area starts after the
    static one (the `nvgpu` mbarriers) and is only 16-byte aligned.
    Fails if that is more than an sm_90 CTA can have.
  }];
}

#endif // BSATTN_SCHEDULE_PASSES_TD
