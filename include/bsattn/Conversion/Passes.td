//===- Passes.td - bsattn conversion passes ----------------*- tablegen -*-===//

#ifndef BSATTN_CONVERSION_PASSES_TD
#define BSATTN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertBSAttnToHopper : Pass<"convert-bsattn-to-hopper", "ModuleOp"> {
  let summary = "Lower fused query tiles to sm_90a kernels (TMA + WGMMA)";
  let description = [{
    Outlines every function that holds a `bsattn.query_tile` (as produced
    by `bsattn-tile` and `bsattn-fuse-softmax`) into an `llvm.func` kernel
    in a `gpu.module` named `<function>_kernels`, and erases the host
    function. One CTA of 256 threads (two consumer warpgroups of 64 query
    rows each) computes one query tile:

    - `q`, `k`, `v` are read by TMA (`cp.async.bulk.tensor`) as 128x64
      boxes with 128-byte swizzle through tensor maps passed by value
      (`__grid_constant__`), completing on `mbarrier`s; K and V go through
      a two-slot ring so the next key block loads while one is computed.
    - `S = Q.K^T` is `wgmma.m64n128k16` with both operands in shared memory;
      `P.V` is the register-A form `wgmma.m64n64k16` (through inline PTX,
      which NVVM lacks), with P as bf16 or as bf16 hi + lo parts.
    - The softmax runs on the accumulator registers (`ex2.approx.ftz`,
      quad shuffles); `o` and `lse` are stored from registers.

    The kernel carries `bsattn.*` attributes (grid, block, shared memory,
    argument ABI) from which `bsattn-translate --emit-manifest` writes the
    manifest. Unsupported configurations are diagnosed.
  }];
  let dependentDialects = ["arith::ArithDialect", "gpu::GPUDialect",
                           "LLVM::LLVMDialect", "NVVM::NVVMDialect",
                           "scf::SCFDialect"];
}

#endif // BSATTN_CONVERSION_PASSES_TD
