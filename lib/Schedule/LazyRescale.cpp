//===- LazyRescale.cpp - rescale O only where a row maximum moved ---------===//
//
// FlashAttention-4's conditional rescaling: each row keeps its running
// maximum until a key block's scores exceed it by more than a threshold,
// and O's rescale is skipped by every warp whose rows all kept theirs.
//
//===----------------------------------------------------------------------===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"
#include "bsattn/Schedule/Kernel.h"
#include "bsattn/Schedule/Passes.h"

#include "llvm/ADT/TypeSwitch.h"

namespace mlir::bsattn {
#define GEN_PASS_DEF_BSATTNLAZYRESCALE
#include "bsattn/Schedule/Passes.h.inc"
} // namespace mlir::bsattn

using namespace mlir;
using namespace mlir::bsattn;

/// Marks the rescale and moves it up to right after the last of its
/// operands' definitions in its block: its branch splits the block, and
/// LLVM sinks what comes before it with no use there (P's packing) into
/// the join, out of the exponentials ptxas interleaves it with; what
/// follows the join stays one stretch for ptxas. A rescale of operands
/// from outside the block (O = alpha(j-1) O between two issues, with
/// rescale_before_pv) stays where the schedule put it.
static void skipUnitFactorsAndHoist(RescaleOp rescale) {
  rescale.setSkipUnitFactors(true);
  Block *block = rescale->getBlock();
  Operation *ready = nullptr;
  for (Value operand : rescale->getOperands()) {
    Operation *def = operand.getDefiningOp();
    if (!def)
      continue;
    def = block->findAncestorOpInBlock(*def);
    if (def && (!ready || ready->isBeforeInBlock(def)))
      ready = def;
  }
  if (ready)
    rescale->moveAfter(ready);
}

namespace {

struct LazyRescalePass
    : public bsattn::impl::BSAttnLazyRescaleBase<LazyRescalePass> {
  using BSAttnLazyRescaleBase::BSAttnLazyRescaleBase;

  void runOnOperation() override {
    TuningAttr tuning = getKernelTuning(getOperation());
    if (!tuning || !tuning.getRescaleThreshold())
      return;
    Builder b(&getContext());
    IntegerAttr threshold = b.getI64IntegerAttr(tuning.getRescaleThreshold());
    getOperation().walk([&](Operation *op) {
      TypeSwitch<Operation *>(op)
          .Case<OnlineSoftmaxOp, RowMaxOp>([&](auto softmax) {
            softmax.setRescaleThresholdAttr(threshold);
            softmax.setVoteKeptMaxima(tuning.getWarpKeptMaxima());
          })
          .Case<RescaleOp>(skipUnitFactorsAndHoist);
    });
  }
};

} // namespace
