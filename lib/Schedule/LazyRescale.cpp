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

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

#include "llvm/ADT/DenseSet.h"
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

/// Whether `flagOf` can give `factor` a flag: a voting softmax's alpha, a
/// splat, or one carried through scf.if results and scf.for iter_args
/// from those. `visiting` holds the iter_args under test (a loop may carry
/// alpha through unchanged).
static bool isTraceable(Value factor, DenseSet<Value> &visiting) {
  if (softmaxOfAlpha(factor) || factor.getDefiningOp<SplatOp>())
    return true;
  if (auto result = dyn_cast<OpResult>(factor)) {
    unsigned index = result.getResultNumber();
    if (auto ifOp = dyn_cast<scf::IfOp>(result.getOwner()))
      return ifOp.elseBlock() &&
             isTraceable(ifOp.thenYield().getOperand(index), visiting) &&
             isTraceable(ifOp.elseYield().getOperand(index), visiting);
    if (auto forOp = dyn_cast<scf::ForOp>(result.getOwner()))
      return isTraceable(forOp.getRegionIterArgs()[index], visiting);
    return false;
  }
  auto forOp = dyn_cast<scf::ForOp>(factor.getParentBlock()->getParentOp());
  auto arg = cast<BlockArgument>(factor);
  if (!forOp || arg.getArgNumber() == 0)
    return false;
  if (!visiting.insert(factor).second)
    return true;
  unsigned index = arg.getArgNumber() - 1;
  return isTraceable(forOp.getInitArgs()[index], visiting) &&
         isTraceable(forOp.getYieldedValues()[index], visiting);
}

/// A warp-uniform i1 that is false only where every factor of `factor` in
/// the warp is 1, for a `factor` isTraceable accepts: a voting softmax's
/// `warp_moved`, a constant for a splat, and for a factor carried through
/// scf.if results or scf.for iter_args a flag carried beside it (the op
/// is built again with one more result). `flags` maps the factors already
/// given one, including the iter_args of loops being rebuilt.
static Value flagOf(Value factor, RewriterBase &rewriter,
                    DenseMap<Value, Value> &flags) {
  if (Value flag = flags.lookup(factor))
    return flag;
  if (Operation *softmax = softmaxOfAlpha(factor))
    return warpMovedOf(softmax);
  if (auto splat = factor.getDefiningOp<SplatOp>()) {
    rewriter.setInsertionPointAfter(splat);
    auto value = splat.getValue().getDefiningOp<arith::ConstantFloatOp>();
    bool unit = value && value.value().isExactlyValue(1.0);
    return arith::ConstantIntOp::create(rewriter, splat.getLoc(), !unit, 1);
  }
  if (auto result = dyn_cast<OpResult>(factor)) {
    unsigned index = result.getResultNumber();
    if (auto ifOp = dyn_cast<scf::IfOp>(result.getOwner())) {
      Value thenFlag =
          flagOf(ifOp.thenYield().getOperand(index), rewriter, flags);
      Value elseFlag =
          flagOf(ifOp.elseYield().getOperand(index), rewriter, flags);
      SmallVector<Type> types(ifOp.getResultTypes());
      types.push_back(rewriter.getI1Type());
      rewriter.setInsertionPoint(ifOp);
      auto flagged =
          scf::IfOp::create(rewriter, ifOp.getLoc(), types, ifOp.getCondition(),
                            /*addThenBlock=*/false,
                            /*addElseBlock=*/false);
      flagged.getThenRegion().takeBody(ifOp.getThenRegion());
      flagged.getElseRegion().takeBody(ifOp.getElseRegion());
      flagged.thenYield().getResultsMutable().append(thenFlag);
      flagged.elseYield().getResultsMutable().append(elseFlag);
      rewriter.replaceOp(ifOp, flagged.getResults().drop_back());
      flags[flagged.getResult(index)] = flagged.getResults().back();
      return flagged.getResults().back();
    }
    // The loop's result carries its iter_arg's flag.
    auto forOp = cast<scf::ForOp>(result.getOwner());
    auto carried = cast<BlockArgument>(
        flagOf(forOp.getRegionIterArgs()[index], rewriter, flags));
    auto flagged = cast<scf::ForOp>(carried.getOwner()->getParentOp());
    return flagged.getTiedLoopResult(carried);
  }
  // An iter_arg: the loop carries its flag in one more.
  auto arg = cast<BlockArgument>(factor);
  auto forOp = cast<scf::ForOp>(arg.getOwner()->getParentOp());
  unsigned index = arg.getArgNumber() - 1;
  Value initFlag = flagOf(forOp.getInitArgs()[index], rewriter, flags);
  // The yielded factor's flag may be the new iter_arg itself: a
  // placeholder stands for it until the loop is built again.
  rewriter.setInsertionPoint(forOp);
  Value placeholder =
      arith::ConstantIntOp::create(rewriter, forOp.getLoc(), true, 1);
  flags[factor] = placeholder;
  Value yieldedFlag = flagOf(forOp.getYieldedValues()[index], rewriter, flags);
  auto flagged = cast<scf::ForOp>(*forOp.replaceWithAdditionalYields(
      rewriter, initFlag, /*replaceInitOperandUsesInLoop=*/false,
      [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
        return SmallVector<Value>{yieldedFlag};
      }));
  Value carried = flagged.getRegionIterArgs().back();
  rewriter.replaceAllUsesWith(placeholder, carried);
  rewriter.eraseOp(placeholder.getDefiningOp());
  flags.erase(factor);
  flags[flagged.getRegionIterArgs()[index]] = carried;
  return carried;
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
    // no row of the warp moved, every factor is 1. An alpha carried from
    // the previous iteration (rescale_before_pv) takes its vote along.
    // Others vote on their factors.
    IRRewriter rewriter(&getContext());
    DenseMap<Value, Value> flags;
    for (RescaleOp rescale : rescales) {
      DenseSet<Value> visiting;
      if (tuning.getWarpKeptMaxima() &&
          isTraceable(rescale.getFactor(), visiting))
        rescale.getWarpRescalesMutable().assign(
            flagOf(rescale.getFactor(), rewriter, flags));
      else
        rescale.setSkipUnitFactors(true);
      hoistAfterOperands(rescale);
    }
  }
};

} // namespace
