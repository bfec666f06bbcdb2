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

def BSAttnWarpSpecialize
    : Pass<"bsattn-warp-specialize", "LLVM::LLVMFuncOp"> {
  let summary = "Give the loads to a producer warpgroup";
  let description = [{
    For a kernel whose `bsattn.tuning` has `warp_specialize = true`, wraps
    the tile's schedule (everything after the set-up's CTA barrier) in a
    `bsattn.warp_specialize`:

    - the consumers run it without the load groups (the `scf.if`s of the
      load issuer that hold `nvgpu.tma.async.load`);
    - one warp of a producer warpgroup runs the same control flow with only
      the load groups and what they depend on (its first thread is the
      load issuer); every other write (products, waits, arrivals, stores)
      is dropped and the register values it made become zeros, which the
      later dead-code elimination removes.

    The CTA grows by the producer's 128 threads, and `setmaxnreg` gives the
    consumers more registers and the producer fewer. Other kernels are left
    alone, so leaving the tuning out switches the technique off. Persistent
    kernels are refused for now: their per-tile CTA barrier would need the
    producer too.
  }];
  let options = [
    Option<"consumerRegisters", "consumer-registers", "int64_t", "240",
           "Registers per consumer thread">,
    Option<"producerRegisters", "producer-registers", "int64_t", "24",
           "Registers per producer thread">,
  ];
  let dependentDialects = ["scf::SCFDialect", "arith::ArithDialect",
                           "NVVM::NVVMDialect"];
}

#endif // BSATTN_SCHEDULE_PASSES_TD
