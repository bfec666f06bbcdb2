//===- bsattn-translate.cpp - bsattn translation driver ---------*- C++ -*-===//
//
// MlirTranslateMain with the upstream translations (LLVM IR and friends) and
// the bsattn dialect registered, so that a bsattn program or the output of
// its lowering can be translated.
//
//===----------------------------------------------------------------------===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"

#include "mlir/InitAllTranslations.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"

int main(int argc, char **argv) {
  mlir::registerAllTranslations();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "bsattn translation driver\n"));
}
