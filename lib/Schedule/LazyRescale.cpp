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

/// Moves the rescale up to right after the last of its operands'
/// definitions in its block: its branch splits the block, and LLVM sinks
/// what comes before it with no use there (P's packing) into the join, out
/// of the exponentials ptxas interleaves it with; what follows the join
/// stays one stretch for ptxas. A rescale of operands from outside the
/// block (O = alpha(j-1) O between two issues, with rescale_before_pv)
/// stays where the schedule put it.
static void hoistAfterOperands(RescaleOp rescale) {
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

/// The softmax (bsattn.online_softmax or bsattn.row_max) whose alpha
/// `factor` is, if any.
static Operation *softmaxOfAlpha(Value factor) {
  Operation *def = factor.getDefiningOp();
  if (!def)
    return nullptr;
  Value alpha = TypeSwitch<Operation *, Value>(def)
                    .Case<OnlineSoftmaxOp, RowMaxOp>(
                        [](auto softmax) { return softmax.getAlpha(); })
                    .Default([](Operation *) { return Value(); });
  return alpha == factor ? def : nullptr;
}

/// The warp vote of `softmax` (which has vote_kept_maxima), as its
/// `warp_moved` result: the op is built again with that result where it
/// has none yet.
static Value warpMovedOf(Operation *softmax) {
  Value moved =
      TypeSwitch<Operation *, Value>(softmax).Case<OnlineSoftmaxOp, RowMaxOp>(
          [](auto op) { return op.getWarpMoved(); });
  if (moved)
    return moved;
  OpBuilder b(softmax);
  SmallVector<Type> types(softmax->getResultTypes());
  types.push_back(b.getI1Type());
  OperationState state(softmax->getLoc(), softmax->getName(),
                       softmax->getOperands(), types, softmax->getAttrs());
  Operation *voting = b.create(state);
  softmax->replaceAllUsesWith(voting->getResults().drop_back());
  softmax->erase();
  return voting->getResults().back();
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
    SmallVector<RescaleOp> rescales;
    getOperation().walk([&](Operation *op) {
      TypeSwitch<Operation *>(op)
          .Case<OnlineSoftmaxOp, RowMaxOp>([&](auto softmax) {
            softmax.setRescaleThresholdAttr(threshold);
            softmax.setVoteKeptMaxima(tuning.getWarpKeptMaxima());
          })
          .Case<RescaleOp>([&](RescaleOp op) { rescales.push_back(op); });
    });
    // A rescale by a voting softmax's alpha branches on that vote: where
    // no row of the warp moved, every factor is 1. Others (alpha carried
    // from the previous iteration) vote on their factors.
    for (RescaleOp rescale : rescales) {
      Operation *softmax = tuning.getWarpKeptMaxima()
                               ? softmaxOfAlpha(rescale.getFactor())
                               : nullptr;
      if (softmax)
        rescale.getWarpRescalesMutable().assign(warpMovedOf(softmax));
      else
        rescale.setSkipUnitFactors(true);
      hoistAfterOperands(rescale);
    }
  }
};

} // namespace
