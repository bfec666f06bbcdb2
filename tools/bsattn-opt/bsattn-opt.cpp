//===- bsattn-opt.cpp - bsattn optimizer driver -----------------*- C++ -*-===//
//
// The MLIR-standard driver: every upstream dialect and pass, plus bsattn.
//
//===----------------------------------------------------------------------===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<mlir::bsattn::BSAttnDialect>();

  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "bsattn optimizer driver\n", registry));
}
