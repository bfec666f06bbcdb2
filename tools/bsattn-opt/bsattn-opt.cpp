//===- bsattn-opt.cpp - bsattn optimizer driver -----------------*- C++ -*-===//
//
// The MLIR-standard driver: every upstream dialect and pass, plus bsattn.
//
//===----------------------------------------------------------------------===//

#include "bsattn/Conversion/Passes.h"
#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"
#include "bsattn/Pipelines/Pipelines.h"
#include "bsattn/Schedule/Passes.h"
#include "bsattn/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::bsattn::registerBSAttnTransformsPasses();
  mlir::bsattn::registerBSAttnConversionPasses();
  mlir::bsattn::registerBSAttnSchedulePasses();
  mlir::bsattn::registerBSAttnPipelines();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  // gpu-module-to-binary translates the kernels to LLVM IR.
  mlir::registerAllToLLVMIRTranslations(registry);
  registry.insert<mlir::bsattn::BSAttnDialect>();

  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "bsattn optimizer driver\n", registry));
}
