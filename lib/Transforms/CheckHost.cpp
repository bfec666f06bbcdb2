//===- CheckHost.cpp - kernels only in the compiled module ------*- C++ -*-===//
//
// The pipelines nest their function passes on the module they run on, so a
// kernel in a nested module would pass through them unlowered.
//
//===----------------------------------------------------------------------===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"
#include "bsattn/Transforms/Passes.h"

namespace mlir::bsattn {
#define GEN_PASS_DEF_BSATTNCHECKHOST
#include "bsattn/Transforms/Passes.h.inc"
} // namespace mlir::bsattn

using namespace mlir;
using namespace mlir::bsattn;

namespace {

struct BSAttnCheckHostPass
    : public bsattn::impl::BSAttnCheckHostBase<BSAttnCheckHostPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    WalkResult result = module.walk([&](Operation *op) {
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
