//===- bsattn-translate.cpp - bsattn translation driver ---------*- C++ -*-===//
//
// MlirTranslateMain with the bsattn emitters (--emit-ptx, --emit-cubin,
// --emit-manifest, --emit-challenge-submission) and the upstream
// translations (LLVM IR and friends).
//
//===----------------------------------------------------------------------===//

#include "bsattn/Target/Emitters.h"

#include "mlir/InitAllTranslations.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"

int main(int argc, char **argv) {
  mlir::registerAllTranslations();
  mlir::bsattn::registerBSAttnTranslations();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "bsattn translation driver\n"));
}
