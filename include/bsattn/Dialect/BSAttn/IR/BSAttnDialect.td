//===- BSAttnDialect.td - bsattn dialect definition --------*- tablegen -*-===//
//
// The bsattn dialect states *what* block-sparse attention to compute; the
// passes decide how.
//
//===----------------------------------------------------------------------===//

#ifndef BSATTN_DIALECT_BSATTN_IR_BSATTNDIALECT_TD
#define BSATTN_DIALECT_BSATTN_IR_BSATTNDIALECT_TD

include "mlir/IR/OpBase.td"

def BSAttn_Dialect : Dialect {
  let name = "bsattn";
  let cppNamespace = "::mlir::bsattn";
  let summary = "Declarative block-sparse attention for Hopper GPUs";
  let description = [{
    The `bsattn` dialect describes block-sparse attention declaratively:
    the shapes and dtypes of `q`, `k` and `v`, which key blocks each query
    block sees (a sparsity pattern attribute), the softmax scale, and the
    precision of the `P.V` product. Passes lower it to tiled online-softmax
    code and on to TMA/WGMMA kernels for sm_90a.
  }];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
  // The schedule level's ops carry these dialects' types.
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::nvgpu::NVGPUDialect"];
}

#endif // BSATTN_DIALECT_BSATTN_IR_BSATTNDIALECT_TD
