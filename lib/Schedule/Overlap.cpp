//===- Overlap.cpp - the softmax overlaps the previous block's P.V --------===//
//
// FlashAttention-3's intra-warpgroup overlap. The consumers' key-block loop
//
//   for j: S(j) = Q.K(j)^T; wait; softmax(S(j)) -> P(j), alpha(j);
//          O = alpha(j) O; O += P(j).V(j); wait; release slot j
//
// is software-pipelined by one stage: the first block's S and softmax are
// peeled before the loop, the last block's P.V after it, and iteration j
// issues S(j) and P(j-1).V(j-1) back to back, waits for S(j) only
// (`pending = 1`), runs the softmax while P.V is in flight, then waits for
// O, releases slot j-1 and rescales O by alpha(j):
//
//   for j >= 1: issue S(j); issue O += P(j-1).V(j-1); wait S(j);
//               softmax(S(j)); wait O; release slot j-1; O = alpha(j) O
//
// With the tuning's `rescale_before_pv`, O = alpha(j-1) O moves in between
// the two issues, where its multiplies run beside S(j)'s products instead
// of after the softmax (alpha(j) is carried to the next iteration):
//
//   for j >= 1: issue S(j); O = alpha(j-1) O; issue O += P(j-1).V(j-1);
//               wait S(j); softmax(S(j)); wait O; release slot j-1
//
// With the tuning's `pv_wait_columns = N` the wait for O moves into the
// softmax, after the exponentials of S(j)'s first N columns, so that the
// rest of them share their issue slots with O's rescale and P's packing:
//
//   for j >= 1: issue S(j); issue O += P(j-1).V(j-1); wait S(j);
//               row max; exp columns [0, N); wait O; release slot j-1;
//               exp the other columns; sum; O = alpha(j) O
//
//===----------------------------------------------------------------------===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"
#include "bsattn/Schedule/Kernel.h"
#include "bsattn/Schedule/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::bsattn {
#define GEN_PASS_DEF_BSATTNOVERLAP
#include "bsattn/Schedule/Passes.h.inc"
} // namespace mlir::bsattn

using namespace mlir;
using namespace mlir::bsattn;

namespace {

/// The parts of a key-block loop the rotation moves.
struct LoopParts {
  WgmmaWaitOp scoresWait; // retires S(j)
  RescaleOp rescale;      // O = alpha(j) O, before P(j).V(j)
  unsigned outputArg = 0; // the iter_arg index of O
  /// From the fence before P.V to its wait, then what follows the wait
  /// (the slot's release): the second stage, run one iteration later.
  SetVector<Operation *> secondStage;
};

/// The op of `block` that holds `op` (itself if it is directly in it).
Operation *inBlock(Block *block, Operation *op) {
  return block->findAncestorOpInBlock(*op);
}

FailureOr<LoopParts> matchLoop(scf::ForOp loop) {
  Block *body = loop.getBody();
  auto fail = [&](const Twine &why) -> FailureOr<LoopParts> {
    loop.emitOpError() << "cannot be overlapped: " << why;
    return failure();
  };
  WalkResult nested = loop.getRegion().walk([&](Operation *op) {
    return isa<WgmmaSharedOp, WgmmaRegisterOp>(op) && op->getBlock() != body
               ? WalkResult::interrupt()
               : WalkResult::advance();
  });
  if (nested.wasInterrupted())
    return fail("a product is issued under a branch of the loop (the skip "
                "of an ignored CSR entry, say)");
  auto scores = llvm::to_vector(body->getOps<WgmmaSharedOp>());
  auto values = llvm::to_vector(body->getOps<WgmmaRegisterOp>());
  if (scores.size() != 1 || values.empty())
    return fail("the key-block loop needs one Q.K^T product and a P.V "
                "group");

  LoopParts parts;
  Operation *product = scores.front();
  if (!product->hasOneUse() || !isa<WgmmaWaitOp>(*product->user_begin()))
    return fail("S has no wgmma_wait of its own");
  parts.scoresWait = cast<WgmmaWaitOp>(*product->user_begin());

  // The P.V chain: its first accumulator is alpha(j) O of the loop's O.
  WgmmaRegisterOp first = values.front();
  parts.rescale = first.getAcc().getDefiningOp<RescaleOp>();
  auto output = parts.rescale ? dyn_cast<BlockArgument>(parts.rescale.getAcc())
                              : BlockArgument();
  if (!output || output.getOwner() != body || output.getArgNumber() == 0 ||
      !output.hasOneUse())
    return fail("P.V does not accumulate into the loop's rescaled O");
  parts.outputArg = output.getArgNumber() - 1;
  // The product verifier gives the last P.V product of the body one use,
  // and no later product in the body can take it as its accumulator.
  auto outputWait = cast<WgmmaWaitOp>(*values.back()->user_begin());
  auto yield = cast<scf::YieldOp>(body->getTerminator());
  if (yield.getOperand(parts.outputArg) != outputWait.getResult(0))
    return fail("the loop does not carry the P.V result as O");

  // The second stage: the fence before the first P.V product up to the
  // yield.
  Operation *fence = first->getPrevNode();
  if (!fence || !isa<NVVM::WgmmaFenceAlignedOp>(fence))
    return fail("no wgmma fence right before P.V");
  if (!parts.scoresWait->isBeforeInBlock(fence) ||
      !parts.scoresWait->isBeforeInBlock(parts.rescale))
    return fail("P.V comes before the wait for S");
  for (Operation *op = fence; op != yield; op = op->getNextNode()) {
    if (op == parts.rescale)
      continue;
    parts.secondStage.insert(op);
  }
  // Only the stage itself reads what it makes (O leaves through the
  // yield).
  for (Operation *op : parts.secondStage)
    for (Operation *user : op->getUsers())
      if (!parts.secondStage.contains(inBlock(body, user)) &&
          user != yield.getOperation())
        return fail("a value of the P.V stage is read outside it");
  for (auto [index, operand] : llvm::enumerate(yield.getOperands())) {
    Operation *def = operand.getDefiningOp();
    if (index != parts.outputArg && def &&
        parts.secondStage.contains(inBlock(body, def)))
      return fail("the loop carries a value of the P.V stage");
  }
  return parts;
}

/// The second stage, built for the previous block. Register values of the
/// first stage it reads are carried to the next iteration; block arguments
/// (the induction variable, iter_args) it reads are carried as they were in
/// the previous iteration; the pure index and address arithmetic between
/// them is recomputed.
class SecondStage {
public:
  /// With `rescaleFirst` the stage starts with O = alpha O, alpha carried
  /// from the block it runs for.
  SecondStage(scf::ForOp loop, const LoopParts &parts, bool rescaleFirst)
      : parts(parts), rescaleFirst(rescaleFirst) {
    Block *body = loop.getBody();
    if (rescaleFirst)
      collect(body, RescaleOp(parts.rescale).getFactor());
    bool committed = false;
    for (Operation *op : parts.secondStage) {
      (committed ? retire : issue).push_back(op);
      if (isa<NVVM::WgmmaGroupSyncAlignedOp>(op))
        committed = true;
      op->walk([&](Operation *nested) {
        for (Value operand : nested->getOperands())
          collect(body, operand);
      });
    }
  }

  LogicalResult check() const { return success(!unsupported); }
  ArrayRef<Value> getCarried() const { return carried.getArrayRef(); }
  ArrayRef<BlockArgument> getPrevious() const { return previous.getArrayRef(); }

  /// The recomputed arithmetic, O = alpha O where the stage starts with
  /// it, the fence, the products and the commit. `mapping` maps the
  /// carried values, the previous block arguments and O (rescaled unless
  /// the stage rescales it) to what holds them for the block the stage
  /// runs for.
  void emitIssue(OpBuilder &b, IRMapping &mapping) const {
    for (Operation *op : recomputed)
      b.clone(*op, mapping);
    if (rescaleFirst)
      b.clone(*parts.rescale, mapping);
    for (Operation *op : issue)
      b.clone(*op, mapping);
  }

  bool rescalesFirst() const { return rescaleFirst; }

  /// The wait for O and what follows it (the slot's release); returns O.
  Value emitRetire(OpBuilder &b, IRMapping &mapping) const {
    Value output;
    for (Operation *op : retire) {
      Operation *copy = b.clone(*op, mapping);
      if (isa<WgmmaWaitOp>(copy) && !output)
        output = copy->getResult(0);
    }
    return output;
  }

private:
  void collect(Block *body, Value value) {
    if (auto arg = dyn_cast<BlockArgument>(value)) {
      if (arg.getOwner() == body)
        previous.insert(arg);
      return;
    }
    Operation *def = value.getDefiningOp();
    if (def->getBlock() != body || parts.secondStage.contains(def) ||
        def == parts.rescale)
      return;
    bool pure = isMemoryEffectFree(def) && def->getNumRegions() == 0;
    if (isa<TileType, RowsType>(value.getType()) ||
        (!pure && value.getType().isIntOrIndex())) {
      carried.insert(value);
      return;
    }
    if (!pure) {
      unsupported = true;
      return;
    }
    if (llvm::is_contained(recomputed, def))
      return;
    for (Value operand : def->getOperands())
      collect(body, operand);
    recomputed.push_back(def);
  }

  const LoopParts &parts;
  bool rescaleFirst;
  SmallVector<Operation *> issue, retire;
  SetVector<Value> carried;
  SetVector<BlockArgument> previous;
  // Operands before users.
  SmallVector<Operation *> recomputed;
  bool unsupported = false;
};

/// A placeholder of `type` for a stage that does not run (no key block).
FailureOr<Value> placeholder(OpBuilder &b, Location loc, Type type) {
  if (type.isIntOrIndex())
    return arith::ConstantOp::create(b, loc, type, b.getZeroAttr(type))
        .getResult();
  auto tile = dyn_cast<TileType>(type);
  if (!tile && !isa<RowsType>(type))
    return failure();
  Value zero =
      arith::ConstantFloatOp::create(b, loc, b.getF32Type(), APFloat(0.0f));
  if (!tile || tile.getElementType().isF32())
    return SplatOp::create(b, loc, type, zero).getResult();
  auto wide = TileType::get(b.getContext(), tile.getRows(), tile.getCols(),
                            b.getF32Type());
  Value zeros = SplatOp::create(b, loc, wide, zero);
  return TruncFOp::create(b, loc, type, zeros).getResult();
}

/// Maps the second stage's inputs to `state`: the loop's values (O, which
/// the state holds rescaled unless the stage rescales it), then the
/// carried ones, then the previous block arguments.
IRMapping stageInputs(LoopParts &parts, const SecondStage &stage,
                      unsigned numArgs, ValueRange state) {
  IRMapping mapping;
  mapping.map(stage.rescalesFirst() ? parts.rescale.getAcc()
                                    : parts.rescale.getResult(),
              state[parts.outputArg]);
  for (auto [index, value] : llvm::enumerate(stage.getCarried()))
    mapping.map(value, state[numArgs + index]);
  for (auto [index, arg] : llvm::enumerate(stage.getPrevious()))
    mapping.map(Value(arg), state[numArgs + stage.getCarried().size() + index]);
  return mapping;
}

/// Yields the state between the stages after a block's first stage, cloned
/// with `mapping`: the loop's values (O as `output`), the carried values
/// and the block arguments the block ran with.
void yieldState(OpBuilder &b, Location loc, scf::YieldOp yield,
                LoopParts &parts, const SecondStage &stage,
                const IRMapping &mapping, Value output) {
  SmallVector<Value> state;
  for (auto [index, operand] : llvm::enumerate(yield.getOperands()))
    state.push_back(
        index == parts.outputArg ? output : mapping.lookupOrDefault(operand));
  for (Value value : stage.getCarried())
    state.push_back(mapping.lookup(value));
  for (BlockArgument arg : stage.getPrevious())
    state.push_back(mapping.lookup(Value(arg)));
  scf::YieldOp::create(b, loc, state);
}

/// The online softmax of S(j) split so that the wait for the previous P.V
/// can sit among its exponentials: the row maxima and the first `columns`
/// columns' exponentials before the wait (`emitBefore`), the rest and the
/// row sums after it (`emitAfter`). Each maps the original op's results it
/// makes.
class SplitSoftmax {
public:
  SplitSoftmax(OnlineSoftmaxOp softmax, int64_t columns)
      : softmax(softmax), columns(columns) {}

  void emitBefore(OpBuilder &b, IRMapping &mapping) {
    Location loc = softmax.getLoc();
    Value scores = mapping.lookupOrDefault(softmax.getScores());
    Type rowsType = softmax.getMax().getType();
    auto rowMax = RowMaxOp::create(
        b, loc, rowsType, rowsType, /*warp_moved=*/Type(), scores,
        mapping.lookupOrDefault(softmax.getMax()), softmax.getScaleLog2Attr(),
        softmax.getRescaleThresholdAttr(), softmax.getVoteKeptMaximaAttr());
    Value zero =
        arith::ConstantFloatOp::create(b, loc, b.getF32Type(), APFloat(0.0f));
    auto first = ExpScoresOp::create(
        b, loc, scores, rowMax.getMaxNew(),
        SplatOp::create(b, loc, scores.getType(), zero),
        SplatOp::create(b, loc, softmax.getSum().getType(), zero),
        softmax.getScaleLog2Attr(), b.getI64IntegerAttr(0),
        b.getI64IntegerAttr(columns), /*poly_columns=*/nullptr);
    mapping.map(softmax.getMaxNew(), rowMax.getMaxNew());
    mapping.map(softmax.getAlpha(), rowMax.getAlpha());
    firstProbs = first.getProbs();
    firstRowSum = first.getRowSum();
  }

  void emitAfter(OpBuilder &b, IRMapping &mapping) {
    Location loc = softmax.getLoc();
    int64_t width = softmax.getScores().getType().getCols();
    auto rest = ExpScoresOp::create(
        b, loc, mapping.lookupOrDefault(softmax.getScores()),
        mapping.lookup(softmax.getMaxNew()), firstProbs, firstRowSum,
        softmax.getScaleLog2Attr(), b.getI64IntegerAttr(columns),
        b.getI64IntegerAttr(width - columns), /*poly_columns=*/nullptr);
    mapping.map(softmax.getProbs(), rest.getProbs());
    mapping.map(softmax.getSumNew(),
                RowsFmaOp::create(b, loc, mapping.lookup(softmax.getAlpha()),
                                  mapping.lookupOrDefault(softmax.getSum()),
                                  rest.getRowSum()));
  }

private:
  OnlineSoftmaxOp softmax;
  int64_t columns;
  Value firstProbs, firstRowSum;
};

LogicalResult rotate(scf::ForOp loop, bool anchorSoftmax, bool rescaleFirst,
                     int64_t pvWaitColumns) {
  FailureOr<LoopParts> matched = matchLoop(loop);
  if (failed(matched))
    return failure();
  LoopParts &parts = *matched;
  SecondStage stage(loop, parts, rescaleFirst);
  if (failed(stage.check()))
    return loop.emitOpError()
           << "cannot be overlapped: the P.V stage reads a value it can "
              "neither carry nor recompute";
  Block *body = loop.getBody();
  Location loc = loop.getLoc();
  auto yield = cast<scf::YieldOp>(body->getTerminator());
  unsigned numArgs = loop.getInitArgs().size();
  Value oldOutput = parts.rescale.getAcc();

  // The first stage, in order, split at the wait for S.
  SmallVector<Operation *> beforeWait, afterWait;
  for (Operation &op : body->without_terminator()) {
    if (parts.secondStage.contains(&op) || &op == parts.rescale ||
        &op == parts.scoresWait)
      continue;
    (op.isBeforeInBlock(parts.scoresWait) ? beforeWait : afterWait)
        .push_back(&op);
  }

  // With pv_wait_columns, the loop's softmax is split around the wait for
  // the previous P.V; what reads its probabilities or sums must come after
  // that wait.
  std::optional<SplitSoftmax> split;
  if (pvWaitColumns) {
    auto softmaxes = llvm::to_vector(body->getOps<OnlineSoftmaxOp>());
    if (softmaxes.size() != 1)
      return loop.emitOpError()
             << "cannot wait for P.V inside the softmax: the loop needs one "
                "'bsattn.online_softmax', got "
             << softmaxes.size();
    OnlineSoftmaxOp softmax = softmaxes.front();
    int64_t width = softmax.getScores().getType().getCols();
    if (pvWaitColumns >= width)
      return loop.emitOpError()
             << "cannot wait for P.V inside the softmax: pv_wait_columns = "
             << pvWaitColumns << " leaves none of the key tile's " << width
             << " columns after the wait";
    split.emplace(softmax, pvWaitColumns);
  }

  // The tile's Q landing: the block's wait on the same barrier and phase
  // in every iteration (K's waits on the block's ring slot). It stays
  // complete for the whole tile once the first block has waited for it,
  // where K's slot may go back (and be refilled) right after Q.K^T.
  Operation *queryWait = nullptr;
  if (auto found = llvm::find_if(
          beforeWait,
          [&](Operation *op) {
            return isa<nvgpu::MBarrierTryWaitParityOp>(op) &&
                   llvm::all_of(op->getOperands(), [&](Value operand) {
                     return loop.isDefinedOutsideOfLoop(operand) ||
                            matchPattern(operand, m_Constant());
                   });
          });
      found != beforeWait.end())
    queryWait = *found;
  Operation *anchor = anchorSoftmax ? queryWait : nullptr;

  OpBuilder b(loop);
  Value lower = loop.getLowerBound(), upper = loop.getUpperBound(),
        step = loop.getStep();
  Value any =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, lower, upper);
  SmallVector<Type> stateTypes(loop.getResultTypes());
  for (Value value : stage.getCarried())
    stateTypes.push_back(value.getType());
  for (BlockArgument arg : stage.getPrevious())
    stateTypes.push_back(arg.getType());

  // Prologue: the first block's first stage and, unless the second stage
  // starts with it, its O = alpha O.
  auto prologue = scf::IfOp::create(b, loc, stateTypes, any,
                                    /*withElseRegion=*/true);
  {
    OpBuilder pb = OpBuilder::atBlockBegin(prologue.thenBlock());
    IRMapping first;
    first.map(loop.getInductionVar(), lower);
    first.map(loop.getRegionIterArgs(), loop.getInitArgs());
    for (Operation *op : beforeWait)
      pb.clone(*op, first);
    pb.clone(*parts.scoresWait, first);
    for (Operation *op : afterWait)
      pb.clone(*op, first);
    Value output = rescaleFirst ? first.lookupOrDefault(oldOutput)
                                : pb.clone(*parts.rescale, first)->getResult(0);
    yieldState(pb, loc, yield, parts, stage, first, output);

    OpBuilder eb = OpBuilder::atBlockBegin(prologue.elseBlock());
    SmallVector<Value> none(loop.getInitArgs());
    for (Type type : ArrayRef(stateTypes).drop_front(numArgs)) {
      FailureOr<Value> value = placeholder(eb, loc, type);
      if (failed(value))
        return loop.emitOpError()
               << "cannot be overlapped: it would carry a " << type;
      none.push_back(*value);
    }
    scf::YieldOp::create(eb, loc, none);
  }

  // From the second block on: issue S(j) and the previous block's P.V,
  // wait for S(j), softmax, wait for O, release, O = alpha(j) O.
  Value second = arith::AddIOp::create(b, loc, lower, step);
  auto rotated =
      scf::ForOp::create(b, loc, second, upper, step, prologue.getResults());
  {
    OpBuilder lb = OpBuilder::atBlockBegin(rotated.getBody());
    // Nothing is in flight here. Saying so lets ptxas see that O, made by
    // the previous iteration's P.V, may be rescaled while S(j) is: without
    // this wait it injects one before the rescale (C7517).
    if (rescaleFirst)
      NVVM::WgmmaWaitGroupSyncOp::create(lb, loc, 0);
    ValueRange state = rotated.getRegionIterArgs();
    IRMapping now;
    now.map(loop.getInductionVar(), rotated.getInductionVar());
    now.map(loop.getRegionIterArgs(), state.take_front(numArgs));
    // The prologue's block waited for Q; the later ones need not, which
    // takes a barrier round trip off each block's way to its products.
    for (Operation *op : beforeWait)
      if (op != queryWait)
        lb.clone(*op, now);
    IRMapping previous = stageInputs(parts, stage, numArgs, state);
    stage.emitIssue(lb, previous);
    auto scoresWait = cast<WgmmaWaitOp>(lb.clone(*parts.scoresWait, now));
    scoresWait.setPending(1);
    // The next P is made after the wait for O: the P.V in flight still
    // reads the previous one, and its registers must not be reused early.
    auto makesNextP = [&](Operation *op) {
      return isMemoryEffectFree(op) && op->getNumResults() > 0 &&
             llvm::all_of(op->getResults(), [&](Value result) {
               return llvm::is_contained(stage.getCarried(), result);
             });
    };
    for (Operation *op : afterWait) {
      if (makesNextP(op))
        continue;
      if (split && isa<OnlineSoftmaxOp>(op)) {
        split->emitBefore(lb, now);
        continue;
      }
      if (split && llvm::any_of(op->getOperands(), [&](Value operand) {
            return operand.getDefiningOp<OnlineSoftmaxOp>() &&
                   !now.contains(operand);
          }))
        return op->emitOpError()
               << "reads the softmax's probabilities or sums before the "
                  "wait for P.V that pv_wait_columns puts among its "
                  "exponentials";
      lb.clone(*op, now);
    }
    // ptxas moves a wgmma wait up to the last memory operation before it,
    // which would put the softmax after the wait for O: checking again the
    // tile's Q landing (complete until the tile ends) keeps the softmax
    // (or its first exponentials) between the two waits.
    if (anchor)
      lb.clone(*anchor, now);
    Value output = stage.emitRetire(lb, previous);
    if (split)
      split->emitAfter(lb, now);
    for (Operation *op : afterWait)
      if (makesNextP(op))
        lb.clone(*op, now);
    if (!rescaleFirst) {
      now.map(oldOutput, output);
      output = lb.clone(*parts.rescale, now)->getResult(0);
    }
    yieldState(lb, loc, yield, parts, stage, now, output);
  }

  // Epilogue: the last block's P.V.
  Type outputType = loop.getResult(parts.outputArg).getType();
  auto epilogue = scf::IfOp::create(b, loc, TypeRange{outputType}, any,
                                    /*withElseRegion=*/true);
  {
    OpBuilder tb = OpBuilder::atBlockBegin(epilogue.thenBlock());
    IRMapping last = stageInputs(parts, stage, numArgs, rotated.getResults());
    stage.emitIssue(tb, last);
    scf::YieldOp::create(tb, loc, stage.emitRetire(tb, last));
    OpBuilder eb = OpBuilder::atBlockBegin(epilogue.elseBlock());
    scf::YieldOp::create(eb, loc, rotated.getResult(parts.outputArg));
  }

  SmallVector<Value> results(rotated.getResults().take_front(numArgs));
  results[parts.outputArg] = epilogue.getResult(0);
  loop.replaceAllUsesWith(results);
  loop.erase();
  return success();
}

struct OverlapPass : public bsattn::impl::BSAttnOverlapBase<OverlapPass> {
  using BSAttnOverlapBase::BSAttnOverlapBase;

  void runOnOperation() override {
    LLVM::LLVMFuncOp kernel = getOperation();
    TuningAttr tuning = getKernelTuning(kernel);
    if (!tuning || !tuning.getOverlap())
      return;
    FailureOr<WarpSpecializeOp> found =
        getWarpSpecialized(kernel, getArgument());
    if (failed(found))
      return signalPassFailure();
    WarpSpecializeOp specialized = *found;
    // The key-block loops: the innermost loops around P.V products.
    SetVector<scf::ForOp> loops;
    specialized.getConsumers().walk([&](WgmmaRegisterOp product) {
      if (auto loop = product->getParentOfType<scf::ForOp>())
        loops.insert(loop);
    });
    if (loops.empty()) {
      specialized.emitOpError() << "has no key-block loop for bsattn-overlap";
      return signalPassFailure();
    }
    for (scf::ForOp loop : loops)
      if (failed(rotate(loop, anchorSoftmax, tuning.getRescaleBeforePv(),
                        tuning.getPvWaitColumns())))
        return signalPassFailure();
  }
};

} // namespace
