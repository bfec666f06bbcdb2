//===- Passes.td - bsattn conversion passes ----------------*- tablegen -*-===//

#ifndef BSATTN_CONVERSION_PASSES_TD
#define BSATTN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertBSAttnToSchedule : Pass<"convert-bsattn-to-schedule", "ModuleOp"> {
  let summary = "Outline fused query tiles into schedule-level sm_90a kernels";
  let description = [{
    Outlines every function that holds a `bsattn.query_tile` (as produced
    by `bsattn-tile` and `bsattn-fuse-softmax`) into an `llvm.func` kernel
    in a `gpu.module` named `<function>_kernels`, and erases the host
    function. The kernel's structure becomes IR:

    - tensor maps for q, k, v and o passed by value (`bsattn.tensor_map`);
    - shared-memory buffers (`bsattn.shared_alloc`): the Q buffer(s) and a
      K/V ring of the tuning's `stages` slots (with `value_stages`, a K
      ring and a V ring of their own), 128-byte swizzled;
    - `nvgpu` mbarrier groups (Q landed; a slot's K landed, V landed,
      empty, V converted; with a V ring, V's slots empty apart) and
      TMA loads issued by thread 0, TMA stores of o by each warpgroup's
      first thread;
    - asynchronous warpgroup products (`bsattn.wgmma_ss` for Q.K^T,
      `bsattn.wgmma_rs` for P.V) between `nvvm` fences and commits, retired
      by `bsattn.wgmma_wait`;
    - the consumers' register math (`bsattn.mask`, `bsattn.online_softmax`,
      `bsattn.rescale`, `bsattn.truncf` / `bsattn.split_bf16`,
      `bsattn.normalize`).

    One CTA with a consumer warpgroup per 64 query rows of the tuning's
    `block_q` (two for 128 rows, three for 192) computes a query tile, or with a persistent tuning a sequence of them.
    The kernel carries the `bsattn.*` attributes (ABI, block, sparsity, pv,
    scale, tuning) from which the manifest is written. Unsupported
    configurations are diagnosed.
  }];
  let dependentDialects = ["arith::ArithDialect", "gpu::GPUDialect",
                           "LLVM::LLVMDialect", "memref::MemRefDialect",
                           "NVVM::NVVMDialect", "nvgpu::NVGPUDialect",
                           "scf::SCFDialect"];
}

def ConvertBSAttnScheduleToNVVM
    : Pass<"convert-bsattn-schedule-to-nvvm", "gpu::GPUModuleOp"> {
  let summary = "Lower schedule-level kernels to NVVM and LLVM";
  let description = [{
    Lowers every schedule-level op 1:1 to the instructions of the threads
    that run it, together with the upstream `nvgpu` (mbarriers, TMA) and
    `memref` (views, loads) ops of the kernel. Register tiles become
    per-thread `!llvm.struct`s: an f32 tile holds the thread's wgmma
    accumulator fragment (half the columns of two rows), a 16-bit tile
    those values rounded and packed in pairs. Needs the shared buffers'
    offsets (`bsattn-allocate-shared`). `arith`, `scf` and `index` are left
    to the upstream conversions that follow.
  }];
  let dependentDialects = ["affine::AffineDialect", "arith::ArithDialect",
                           "LLVM::LLVMDialect", "memref::MemRefDialect",
                           "NVVM::NVVMDialect", "scf::SCFDialect"];
}

#endif // BSATTN_CONVERSION_PASSES_TD
