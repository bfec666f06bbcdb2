//===- FuseSoftmax.cpp - key-block loops -> online softmax ------*- C++ -*-===//
//
// A key-block loop states "attend to these blocks"; this pass makes the
// online softmax and the K/V ring explicit.
//
//===----------------------------------------------------------------------===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"
#include "bsattn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <cmath>
#include <limits>

namespace mlir::bsattn {
#define GEN_PASS_DEF_BSATTNFUSESOFTMAX
#include "bsattn/Transforms/Passes.h.inc"
} // namespace mlir::bsattn

using namespace mlir;
using namespace mlir::bsattn;

namespace {

/// The key-block schedule of one query tile: the loop that lists its
/// entries and, for another tile than the loop's own, the values that
/// stand for the loop's operands and captured values (a clone of the
/// query tile's prologue) and the (b, h) its blocks are loaded from.
struct Schedule {
  KeyBlockLoopOp loop;
  IRMapping mapping;
  SmallVector<Value, 2> batchHead;
  /// Whether an ignored entry still runs its products, on block 0 with
  /// every key masked, instead of being skipped under a branch
  /// (`#bsattn.tuning<overlap = true>`: `bsattn-overlap` pipelines only a
  /// loop whose every iteration issues its products).
  bool maskIgnored = false;
  /// Whether each load announces its entry's block to the consumers
  /// (`#bsattn.tuning<announce_blocks = true>`, which masks ignored entries
  /// too).
  bool announce = false;

  Value count() { return mapping.lookupOrDefault(loop.getCount()); }
};

/// One entry of the key-block list: the block to load and compute, whether
/// it runs its products, and the sequence length its keys are masked with;
/// `listed` whether the pattern uses it (where an ignored entry runs
/// masked, `used` is true and `listed` tells).
struct Entry {
  Value keyBlock;
  Value used;
  Value seqLen;
  Value listed;
};

/// The schedule of `tile`'s key-block loop `loop`, as the tuning runs it.
Schedule scheduleOf(QueryTileOp tile, KeyBlockLoopOp loop) {
  TuningAttr tuning = tile.getTuning();
  Schedule schedule{loop, {}, {}};
  schedule.announce = tuning.getAnnounceBlocks();
  schedule.maskIgnored = tuning.getOverlap() || schedule.announce;
  return schedule;
}

/// Clones the loop body for entry `n` at the builder's insertion point.
Entry emitEntry(OpBuilder &b, Schedule &schedule, Value n) {
  Block &body = schedule.loop.getBody().front();
  IRMapping mapping = schedule.mapping;
  mapping.map(body.getArgument(0), n);
  for (Operation &op : body.without_terminator())
    b.clone(op, mapping);
  auto yield = cast<YieldKeyBlockOp>(body.getTerminator());
  Value used = mapping.lookupOrDefault(yield.getValid());
  Entry entry{mapping.lookupOrDefault(yield.getKeyBlock()), used,
              mapping.lookupOrDefault(schedule.loop.getSeqLen()), used};
  if (!schedule.maskIgnored)
    return entry;
  Location loc = yield.getLoc();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  return {arith::SelectOp::create(b, loc, used, entry.keyBlock, zero),
          arith::ConstantIntOp::create(b, loc, 1, 1),
          arith::SelectOp::create(b, loc, used, entry.seqLen, zero), used};
}

/// Builds `then` under `if (condition)` at the builder's point.
void emitIf(OpBuilder &b, Location loc, Value condition,
            function_ref<void()> then) {
  auto ifOp = scf::IfOp::create(b, loc, condition, /*withElse=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  then();
}

/// Issues the load of entry `n` as ring step `step` if the entry is used.
void emitLoadIfUsed(OpBuilder &b, Location loc, Schedule &schedule, Value n,
                    Value step) {
  Entry entry = emitEntry(b, schedule, n);
  emitIf(b, loc, entry.used, [&] {
    LoadKVOp::create(b, loc, entry.keyBlock, step,
                     schedule.announce ? entry.listed : Value(),
                     schedule.batchHead);
  });
}

/// Issues the load of entry `n` as ring step `step` if `n < count` and the
/// entry is used.
void emitPrefetch(OpBuilder &b, Location loc, Schedule &schedule, Value n,
                  Value step) {
  Value inRange = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, n,
                                        schedule.count());
  emitIf(b, loc, inRange, [&] { emitLoadIfUsed(b, loc, schedule, n, step); });
}

/// The schedule of the tile the CTA computes after this one: the query
/// tile's `prologue` (the ops before the loop, which compute the schedule
/// from b, h, qb and the captures) evaluated at the next tile's
/// coordinates.
FailureOr<Schedule> emitNextSchedule(OpBuilder &b, QueryTileOp tile,
                                     KeyBlockLoopOp loop,
                                     ArrayRef<Operation *> prologue,
                                     NextTileOp next) {
  // The next tile's entry 0 is loaded as its consumers will run it: with
  // the overlap, an ignored entry too (on block 0), or they would wait for
  // a load that never comes.
  Schedule schedule = scheduleOf(tile, loop);
  schedule.batchHead = {next.getBatch(), next.getHead()};
  schedule.mapping.map(tile.getBatchIndex(), next.getBatch());
  schedule.mapping.map(tile.getHeadIndex(), next.getHead());
  schedule.mapping.map(tile.getQueryBlockIndex(), next.getQueryBlock());
  for (Operation *op : prologue) {
    if (!isMemoryEffectFree(op) && !isa<memref::LoadOp>(op))
      return op->emitOpError()
             << "has side effects, so the persistent query tile cannot "
                "evaluate the next tile's schedule ahead";
    b.clone(*op, schedule.mapping);
  }
  return schedule;
}

/// Makes the index loads of a persistent tile's schedule ones the CTA
/// issued before the tile: each load of the `prologue` (the ops that
/// compute the schedule) becomes a value of `bsattn.tile_carried` (the
/// tile loop evaluates the CTA's first tile's before it starts), and the
/// body hands `next`'s loads to the next tile. The arithmetic on the
/// loaded values stays, for every tile: it is cheaper than carrying its
/// results.
LogicalResult carrySchedule(OpBuilder &b, ArrayRef<Operation *> prologue,
                            NextTileOp nextTile, const Schedule &next) {
  SmallVector<memref::LoadOp> loads;
  for (Operation *op : prologue) {
    auto load = dyn_cast<memref::LoadOp>(op);
    if (!load)
      continue;
    if (!isa<IndexType, IntegerType, FloatType>(load.getType()))
      return load.emitOpError()
             << "reads " << load.getType()
             << ", which cannot be carried to the next query tile "
                "(carry_schedule carries integers, indices and floats)";
    loads.push_back(load);
  }
  SmallVector<Value> handed =
      llvm::map_to_vector(loads, [&](memref::LoadOp load) {
        return next.mapping.lookup(load.getResult());
      });
  Block *body = nextTile->getBlock();
  Location loc = nextTile.getLoc();
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(body);
  auto carried = TileCarriedOp::create(
      b, loc, llvm::map_to_vector(loads, [](memref::LoadOp load) -> Type {
        return load.getType();
      }));
  for (auto [load, value] : llvm::zip(loads, carried.getResults())) {
    load.getResult().replaceAllUsesWith(value);
    load.erase();
  }
  b.setInsertionPointToEnd(body);
  TileCarryOp::create(b, loc, handed);
  return success();
}

LogicalResult fuseLoop(KeyBlockLoopOp loop) {
  auto tile = loop->getParentOfType<QueryTileOp>();
  if (loop->getParentOp() != tile)
    return loop.emitOpError()
           << "must be directly in the query tile's body to be fused";
  bool persistent = tile.getTuning().getPersistent();
  SmallVector<Operation *> prologue;
  for (Operation &op : tile.getBody().front()) {
    if (&op == loop.getOperation())
      break;
    prologue.push_back(&op);
  }
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  int64_t rows = tile.getQueryTileSize();
  auto scoresType = TileType::get(b.getContext(), rows, tile.getKeyTileSize(),
                                  b.getF32Type());
  auto accType =
      TileType::get(b.getContext(), rows, tile.getHeadDim(), b.getF32Type());
  auto rowsType = RowsType::get(b.getContext(), rows, b.getF32Type());
  // exp(x * scale) == exp2(x * scale * log2(e)): the scale folds into exp2.
  auto scaleLog2 = b.getF32FloatAttr(
      static_cast<float>(tile.getScale().convertToDouble() * M_LOG2E));

  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value zeroF =
      arith::ConstantFloatOp::create(b, loc, b.getF32Type(), APFloat(0.0f));
  Value minusInf = arith::ConstantFloatOp::create(
      b, loc, b.getF32Type(), APFloat::getInf(APFloat::IEEEsingle(), true));
  Value max0 = SplatOp::create(b, loc, rowsType, minusInf);
  Value sum0 = SplatOp::create(b, loc, rowsType, zeroF);
  Value acc0 = SplatOp::create(b, loc, accType, zeroF);

  Schedule current = scheduleOf(tile, loop);
  std::optional<Schedule> next;
  NextTileOp nextTile;
  Value hasNext, firstStep = zero;
  bool earlyNextQuery = tile.getTuning().getEarlyNextQuery();
  if (earlyNextQuery && tile.getKeyTileSize() != rows)
    return tile.emitOpError()
           << "has tuning early_next_query, which stages o in the K half of a "
              "ring slot: its key tiles must be as tall as its query tile ("
           << rows << " rows), got " << tile.getKeyTileSize();
  if (persistent) {
    // The previous tile of the CTA loaded this one's Q and first K/V block;
    // this one loads the next tile's.
    Type index = b.getIndexType();
    RingStartOp start;
    if (earlyNextQuery) {
      // Only the CTA's first tile loads its own Q, first in the tile.
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(&tile.getBody().front());
      start = RingStartOp::create(b, loc, b.getI1Type(), index);
      emitIf(b, loc, start.getFirst(),
             [&] { LoadQOp::create(b, loc, ValueRange{}); });
    } else {
      start = RingStartOp::create(b, loc, b.getI1Type(), index);
    }
    nextTile = NextTileOp::create(b, loc, index, index, index, b.getI1Type());
    firstStep = start.getStep();
    hasNext = nextTile.getHasNext();
    FailureOr<Schedule> schedule =
        emitNextSchedule(b, tile, loop, prologue, nextTile);
    if (failed(schedule))
      return failure();
    next = std::move(*schedule);
    if (tile.getTuning().getSingleQueryBuffer()) {
      // One Q buffer: each tile loads its own Q once the previous tile's o
      // has left it, from L2, where the previous tile had it prefetched.
      // The load comes first in the tile: its issue then does not wait for
      // the schedule's index loads. With early_next_query the previous
      // tile loads it, after its loop.
      if (!earlyNextQuery) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(&tile.getBody().front());
        LoadQOp::create(b, loc, ValueRange{});
      }
      emitIf(b, loc, hasNext, [&] {
        PrefetchQOp::create(b, loc, nextTile.getBatch(), nextTile.getHead(),
                            nextTile.getQueryBlock());
      });
      emitIf(b, loc, start.getFirst(),
             [&] { emitPrefetch(b, loc, current, zero, firstStep); });
    } else {
      emitIf(b, loc, start.getFirst(), [&] {
        LoadQOp::create(b, loc, ValueRange{});
        emitPrefetch(b, loc, current, zero, firstStep);
      });
      emitIf(b, loc, hasNext, [&] {
        LoadQOp::create(b, loc,
                        SmallVector<Value>{nextTile.getBatch(),
                                           nextTile.getHead(),
                                           nextTile.getQueryBlock()});
      });
    }
    // A tile without entries hands the next one its first block at once.
    Value noEntries = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                            loop.getCount(), zero);
    emitIf(b, loc, arith::AndIOp::create(b, loc, noEntries, hasNext),
           [&] { emitPrefetch(b, loc, *next, zero, firstStep); });
  } else {
    // Q's load comes first in the tile: its issue then does not wait for the
    // loads (seq_lens, CSR offsets) that the key-block schedule reads.
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(&tile.getBody().front());
      LoadQOp::create(b, loc, ValueRange{});
    }
    emitPrefetch(b, loc, current, zero, zero);
  }

  // Carried: running max, running sum, accumulator and the ring step of the
  // next used entry.
  auto forOp = scf::ForOp::create(b, loc, zero, loop.getCount(), one,
                                  ValueRange{max0, sum0, acc0, firstStep});
  {
    OpBuilder::InsertionGuard guard(b);
    Block *body = forOp.getBody();
    b.setInsertionPointToStart(body);
    Value n = forOp.getInductionVar();
    Value max = body->getArgument(1), sum = body->getArgument(2),
          acc = body->getArgument(3), step = body->getArgument(4);

    Entry entry = emitEntry(b, current, n);
    Value keyBlock = entry.keyBlock, valid = entry.used, seqLen = entry.seqLen;
    // The next used entry's load goes to the slot after this one's.
    Value nextStep = arith::AddIOp::create(
        b, loc, step,
        arith::IndexCastOp::create(
            b, loc, b.getIndexType(),
            arith::ExtUIOp::create(b, loc, b.getI64Type(), valid)));
    Value nextEntry = arith::AddIOp::create(b, loc, n, one);
    Value inTile;
    if (persistent) {
      // After the last entry comes the next tile's first.
      inTile = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                     nextEntry, loop.getCount());
      auto ifInTile = scf::IfOp::create(b, loc, inTile, /*withElse=*/true);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(ifInTile.thenBlock());
      emitLoadIfUsed(b, loc, current, nextEntry, nextStep);
      b.setInsertionPointToStart(ifInTile.elseBlock());
      emitIf(b, loc, hasNext,
             [&] { emitPrefetch(b, loc, *next, zero, nextStep); });
    } else {
      emitPrefetch(b, loc, current, nextEntry, nextStep);
    }

    auto ifValid =
        scf::IfOp::create(b, loc, TypeRange{rowsType, rowsType, accType}, valid,
                          /*withElseRegion=*/true);
    b.setInsertionPointToStart(ifValid.thenBlock());
    WaitKVOp::create(b, loc, step);
    if (current.announce) {
      // The load issuer evaluated the entry: the block it announced and
      // whether the pattern uses it stand for the consumers' own.
      auto announced = AnnouncedBlockOp::create(b, loc, b.getIndexType(),
                                                b.getI1Type(), step);
      keyBlock = announced.getKeyBlock();
      seqLen = arith::SelectOp::create(b, loc, announced.getUsed(),
                                       loop.getSeqLen(), zero);
    }
    Value scores = QKOp::create(b, loc, scoresType, step);
    Value masked =
        MaskOp::create(b, loc, scoresType, scores, keyBlock, seqLen,
                       /*queryBlock=*/Value(), tile.getSparsity().isCausal());
    auto softmax = OnlineSoftmaxOp::create(
        b, loc, scoresType, rowsType, rowsType, rowsType, /*warp_moved=*/Type(),
        masked, max, sum, scaleLog2,
        /*poly_columns=*/nullptr,
        /*rescale_threshold=*/nullptr,
        /*vote_kept_maxima=*/nullptr);
    Value newAcc = PVOp::create(b, loc, accType, acc, softmax.getAlpha(),
                                softmax.getProbs(), step);
    // With early_next_query the last entry's slot holds o until it is
    // stored.
    if (earlyNextQuery)
      emitIf(b, loc, inTile, [&] { ReleaseKVOp::create(b, loc, step); });
    else
      ReleaseKVOp::create(b, loc, step);
    scf::YieldOp::create(b, loc,
                         ValueRange{Value(softmax.getMaxNew()),
                                    Value(softmax.getSumNew()), newAcc});
    b.setInsertionPointToStart(ifValid.elseBlock());
    scf::YieldOp::create(b, loc, ValueRange{max, sum, acc});

    b.setInsertionPointToEnd(body);
    scf::YieldOp::create(b, loc,
                         ValueRange{ifValid.getResult(0), ifValid.getResult(1),
                                    ifValid.getResult(2), nextStep});
  }
  // early_next_query: o goes through the last entry's ring slot, so the Q
  // buffer is free after the loop and the producer loads the next Q into
  // it while the epilogue runs. A tile without entries stages o in its Q
  // buffer and frees it after the store.
  Value ringEnd = forOp.getResult(3), anyEntry;
  if (earlyNextQuery) {
    anyEntry = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt,
                                     loop.getCount(), zero);
    emitIf(b, loc, anyEntry, [&] { ReleaseQOp::create(b, loc); });
    emitIf(b, loc, hasNext, [&] {
      LoadQOp::create(b, loc,
                      SmallVector<Value>{nextTile.getBatch(),
                                         nextTile.getHead(),
                                         nextTile.getQueryBlock()});
    });
  }
  // The next tile's schedule as carry_schedule hands it over: evaluated
  // again after the key-block loop (the epilogue then covers its loads'
  // latency), so that the loaded values do not hold the consumers'
  // registers through the loop, as the clone at the top would.
  std::optional<Schedule> handedOver;
  if (tile.getTuning().getCarrySchedule()) {
    FailureOr<Schedule> late =
        emitNextSchedule(b, tile, loop, prologue, nextTile);
    if (failed(late))
      return failure();
    handedOver = std::move(*late);
  }
  SmallVector<Value, 2> ringSteps;
  if (earlyNextQuery)
    ringSteps = {firstStep, ringEnd};
  StoreOutputOp::create(b, loc, forOp.getResult(2), forOp.getResult(0),
                        forOp.getResult(1), loop.getSeqLen(), ringSteps);
  if (earlyNextQuery) {
    Value noEntry = arith::XOrIOp::create(
        b, loc, anyEntry, arith::ConstantIntOp::create(b, loc, 1, 1));
    emitIf(b, loc, noEntry, [&] { ReleaseQOp::create(b, loc); });
    emitIf(b, loc, anyEntry, [&] {
      ReleaseKVOp::create(b, loc, arith::SubIOp::create(b, loc, ringEnd, one));
    });
  }
  if (persistent)
    RingEndOp::create(b, loc, ringEnd);
  loop.erase();
  if (handedOver)
    return carrySchedule(b, prologue, nextTile, *handedOver);
  return success();
}

struct BSAttnFuseSoftmaxPass
    : public bsattn::impl::BSAttnFuseSoftmaxBase<BSAttnFuseSoftmaxPass> {
  void runOnOperation() override {
    SmallVector<KeyBlockLoopOp> loops;
    getOperation().walk([&](KeyBlockLoopOp loop) { loops.push_back(loop); });
    for (KeyBlockLoopOp loop : loops)
      if (failed(fuseLoop(loop)))
        return signalPassFailure();
  }
};

} // namespace
