//===- CheckHost.cpp - kernels only in the compiled module ------*- C++ -*-===//
//
// The pipelines nest their function passes on the module they run on, so a
// kernel in a nested module would pass through them unlowered.
//
//===----------------------------------------------------------------------===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"
#include "bsattn/Transforms/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringExtras.h"

namespace mlir::bsattn {
#define GEN_PASS_DEF_BSATTNCHECKHOST
#include "bsattn/Transforms/Passes.h.inc"
} // namespace mlir::bsattn

using namespace mlir;
using namespace mlir::bsattn;

namespace {

/// A PTX identifier: the NVPTX backend aborts on other symbol names.
bool isPTXName(StringRef name) {
  auto isPTXChar = [](char c) {
    return llvm::isAlnum(c) || c == '_' || c == '$';
  };
  return !name.empty() && !llvm::isDigit(name.front()) &&
         llvm::all_of(name, isPTXChar);
}

struct BSAttnCheckHostPass
    : public bsattn::impl::BSAttnCheckHostBase<BSAttnCheckHostPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    WalkResult result = module.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (isa_and_nonnull<gpu::GPUModuleOp>(op->getParentOp())) {
        auto name =
            op->getAttrOfType<StringAttr>(SymbolTable::getSymbolAttrName());
        if (!name || isPTXName(name.getValue()))
          return WalkResult::skip();
        op->emitOpError() << "has symbol name '" << name.getValue()
                          << "', which is not a PTX identifier "
                             "([A-Za-z_$][A-Za-z0-9_$]*)";
        return WalkResult::interrupt();
      }
      if (!isa<AttentionOp, QueryTileOp>(op) ||
          op->getParentOp()->getParentOp() == module)
        return WalkResult::advance();
      op->emitOpError() << "is in a nested module, which the bsattn "
                           "pipelines do not compile (they compile the "
                           "functions of the module they run on)";
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
