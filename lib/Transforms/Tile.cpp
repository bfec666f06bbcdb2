//===- Tile.cpp - bsattn.attention -> query tiles + schedules ---*- C++ -*-===//
//
// Each query tile's key-block schedule is computed here, once per pattern
// kind; everything after this pass is independent of the pattern.
//
//===----------------------------------------------------------------------===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"
#include "bsattn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

namespace mlir::bsattn {
#define GEN_PASS_DEF_BSATTNTILE
#include "bsattn/Transforms/Passes.h.inc"
} // namespace mlir::bsattn

using namespace mlir;
using namespace mlir::bsattn;

namespace {

/// The values a schedule is built from, inside the query tile's body.
struct TileContext {
  Value batch, head, queryBlock;
  /// Number of key blocks that hold a key before the sequence length.
  Value validBlocks;
  /// Whether the query tile holds a query before the sequence length.
  Value tileIsValid;
  /// CSR operands (null for static patterns), the NNZ extent and the head
  /// whose lists the tile reads (its K/V head with per-K/V-head indices).
  Value rowPtr, colIdx, nnz, indexHead;
};

/// A schedule: the entry count, and a builder for the body of the
/// key-block loop that yields the key block of entry `n` and its validity.
struct Schedule {
  Value count;
  std::function<std::pair<Value, Value>(OpBuilder &, Location, Value)> entry;
};

Value constantIndex(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

/// `max(0, qb - window + 1)`: the first key block of the sliding window.
Value windowStart(OpBuilder &b, Location loc, Value qb, int64_t window) {
  Value shifted =
      arith::SubIOp::create(b, loc, qb, constantIndex(b, loc, window - 1));
  return arith::MaxSIOp::create(b, loc, shifted, constantIndex(b, loc, 0));
}

/// Entries of a tile that holds no valid query are dropped.
Value countIfTileValid(OpBuilder &b, Location loc, const TileContext &ctx,
                       Value count) {
  return arith::SelectOp::create(b, loc, ctx.tileIsValid, count,
                                 constantIndex(b, loc, 0));
}

Value alwaysValid(OpBuilder &b, Location loc) {
  return arith::ConstantIntOp::create(b, loc, 1, 1);
}

Schedule buildCausal(OpBuilder &b, Location loc, const TileContext &ctx) {
  Value count =
      arith::AddIOp::create(b, loc, ctx.queryBlock, constantIndex(b, loc, 1));
  return {countIfTileValid(b, loc, ctx, count),
          [](OpBuilder &b, Location loc, Value n) {
            return std::make_pair(n, alwaysValid(b, loc));
          }};
}

/// Key blocks `start .. qb` (causal) or `start .. min(qb + window,
/// validBlocks) - 1` (a window that looks both ways).
Schedule buildSlidingWindow(OpBuilder &b, Location loc, const TileContext &ctx,
                            int64_t window, bool causal) {
  Value start = windowStart(b, loc, ctx.queryBlock, window);
  Value end = arith::AddIOp::create(b, loc, ctx.queryBlock,
                                    constantIndex(b, loc, causal ? 1 : window));
  if (!causal)
    end = arith::MinSIOp::create(b, loc, end, ctx.validBlocks);
  Value count = arith::SubIOp::create(b, loc, end, start);
  return {countIfTileValid(b, loc, ctx, count),
          [start](OpBuilder &b, Location loc, Value n) {
            return std::make_pair(
                Value(arith::AddIOp::create(b, loc, start, n)),
                alwaysValid(b, loc));
          }};
}

/// The global blocks below the window come first (each block once), then
/// the window: entry n < numGlobals is block n, later ones start + n - g.
Schedule buildWindowGlobal(OpBuilder &b, Location loc, const TileContext &ctx,
                           int64_t window, int64_t globals) {
  Value start = windowStart(b, loc, ctx.queryBlock, window);
  Value numGlobals =
      arith::MinSIOp::create(b, loc, constantIndex(b, loc, globals), start);
  Value windowCount = arith::SubIOp::create(
      b, loc,
      arith::AddIOp::create(b, loc, ctx.queryBlock, constantIndex(b, loc, 1)),
      start);
  Value count = arith::AddIOp::create(b, loc, numGlobals, windowCount);
  return {countIfTileValid(b, loc, ctx, count),
          [start, numGlobals](OpBuilder &b, Location loc, Value n) {
            Value isGlobal = arith::CmpIOp::create(
                b, loc, arith::CmpIPredicate::slt, n, numGlobals);
            Value inWindow = arith::AddIOp::create(
                b, loc, start, arith::SubIOp::create(b, loc, n, numGlobals));
            Value block =
                arith::SelectOp::create(b, loc, isGlobal, n, inWindow);
            return std::make_pair(block, alwaysValid(b, loc));
          }};
}

/// Loads `memref[b, h, index]` (i32) as an index.
Value loadIndex(OpBuilder &b, Location loc, Value memref, Value batch,
                Value head, Value index) {
  Value loaded =
      memref::LoadOp::create(b, loc, memref, ValueRange{batch, head, index});
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), loaded);
}

/// Clamps `value` into `[lo, hi]`.
Value clamp(OpBuilder &b, Location loc, Value value, Value lo, Value hi) {
  return arith::MinSIOp::create(b, loc,
                                arith::MaxSIOp::create(b, loc, value, lo), hi);
}

/// Every key block that holds a valid key, in order.
Schedule buildFull(OpBuilder &b, Location loc, const TileContext &ctx) {
  return {countIfTileValid(b, loc, ctx, ctx.validBlocks),
          [](OpBuilder &b, Location loc, Value n) {
            return std::make_pair(n, alwaysValid(b, loc));
          }};
}

/// CSR rows are read at run time. Row offsets are clamped to `[0, NNZ]` (and
/// the end to at least the start), so `col_idx` is never read out of
/// bounds; an entry is used only if `0 <= j`, `j <= qb` (causal patterns
/// only) and `j < validBlocks`.
Schedule buildCSR(OpBuilder &b, Location loc, const TileContext &ctx,
                  bool causal) {
  Value zero = constantIndex(b, loc, 0);
  Value next =
      arith::AddIOp::create(b, loc, ctx.queryBlock, constantIndex(b, loc, 1));
  Value begin = clamp(
      b, loc,
      loadIndex(b, loc, ctx.rowPtr, ctx.batch, ctx.indexHead, ctx.queryBlock),
      zero, ctx.nnz);
  Value end = clamp(
      b, loc, loadIndex(b, loc, ctx.rowPtr, ctx.batch, ctx.indexHead, next),
      begin, ctx.nnz);
  Value count = arith::SubIOp::create(b, loc, end, begin);
  TileContext c = ctx;
  return {
      countIfTileValid(b, loc, ctx, count),
      [c, begin, causal](OpBuilder &b, Location loc, Value n) {
        Value slot = arith::AddIOp::create(b, loc, begin, n);
        Value block = loadIndex(b, loc, c.colIdx, c.batch, c.indexHead, slot);
        Value valid = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                            block, constantIndex(b, loc, 0));
        Value notAfterQuery =
            causal ? arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle,
                                           block, c.queryBlock)
                   : Value();
        Value inSequence = arith::CmpIOp::create(
            b, loc, arith::CmpIPredicate::slt, block, c.validBlocks);
        if (causal)
          valid = arith::AndIOp::create(b, loc, valid, notAfterQuery);
        valid = arith::AndIOp::create(b, loc, valid, inSequence);
        return std::make_pair(block, valid);
      }};
}

/// The schedule entry that the key-block loop's iteration `n` runs: `n`, or
/// with `descending_keys` `count - 1 - n`, the entries from the last (for a
/// causal tile the diagonal block, the one that needs a mask) to the first.
Value entryOfIteration(OpBuilder &b, Location loc, KeyBlockLoopOp loop, Value n,
                       bool descending) {
  if (!descending)
    return n;
  Value last =
      arith::SubIOp::create(b, loc, loop.getCount(), constantIndex(b, loc, 1));
  return arith::SubIOp::create(b, loc, last, n);
}

/// The number of keys, from the first, that a causal or full pattern reads
/// for the tile of `queryRows` rows: causal, up to the tile's last query (or
/// seq_len); full, seq_len.
Value keysInOrder(OpBuilder &b, Location loc, AttentionOp op,
                  const TileContext &ctx, Value seqLen, int64_t queryRows) {
  if (isa<FullAttr>(op.getSparsity()))
    return seqLen;
  Value nextTile =
      arith::AddIOp::create(b, loc, ctx.queryBlock, constantIndex(b, loc, 1));
  Value end =
      arith::MulIOp::create(b, loc, nextTile, constantIndex(b, loc, queryRows));
  return arith::MinSIOp::create(b, loc, end, seqLen);
}

LogicalResult tileAttention(AttentionOp op) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  TuningAttr tuning = op.getTuningOrDefault();
  int64_t blockSize = op.getBlockSize();
  int64_t queryRows = tuning.getBlockQ();
  if (queryRows != blockSize && !isa<CausalAttr, FullAttr>(op.getSparsity()))
    return op.emitOpError()
           << "bsattn-tile does not support query tiles of " << queryRows
           << " rows inside the " << blockSize << "-token blocks of "
           << op.getSparsity() << " yet";

  // Values the schedule reads: the sequence lengths, T (to clamp them) and,
  // for CSR, the index tensors and their NNZ extent.
  SmallVector<Value> captures = {
      op.getSeqLens(), memref::DimOp::create(b, loc, op.getQ(), 2).getResult()};
  SmallVector<StringRef> captureNames = {"seq_lens", "seq_limit"};
  bool isCSR = op.getSparsity().needsIndexOperands();
  if (isCSR) {
    captures.push_back(op.getRowPtr());
    captures.push_back(op.getColIdx());
    captures.push_back(
        memref::DimOp::create(b, loc, op.getColIdx(), 2).getResult());
    llvm::append_range(captureNames,
                       ArrayRef<StringRef>{"row_ptr", "col_idx", "nnz"});
  }

  auto tile = QueryTileOp::create(
      b, loc, op.getSparsity(), op.getPvAttr(),
      b.getF32FloatAttr(static_cast<float>(op.getEffectiveScale())),
      b.getI64IntegerAttr(blockSize), op.getKvGroupAttr(), tuning,
      b.getStrArrayAttr(captureNames), op.getQ(), op.getK(), op.getV(),
      op.getO(), op.getLse(), captures);
  Block *body = b.createBlock(&tile.getBody());
  SmallVector<Type> argTypes(3, b.getIndexType());
  for (Value capture : captures)
    argTypes.push_back(capture.getType());
  for (Type type : argTypes)
    body->addArgument(type, loc);

  b.setInsertionPointToStart(body);
  TileContext ctx;
  ctx.batch = tile.getBatchIndex();
  ctx.head = tile.getHeadIndex();
  ctx.queryBlock = tile.getQueryBlockIndex();
  Value seqLens = tile.getCaptureArgument(0);
  Value seqLimit = tile.getCaptureArgument(1);
  if (isCSR) {
    ctx.rowPtr = tile.getCaptureArgument(2);
    ctx.colIdx = tile.getCaptureArgument(3);
    ctx.nnz = tile.getCaptureArgument(4);
    ctx.indexHead = ctx.head;
    if (cast<CSRAttr>(op.getSparsity()).getPerKvHead())
      ctx.indexHead = arith::DivUIOp::create(
          b, loc, ctx.head, constantIndex(b, loc, op.getKvGroup()));
  }

  // seq_len clamped to [0, T]: a bad length never makes a key past T visible.
  Value seqLen = arith::IndexCastOp::create(
      b, loc, b.getIndexType(),
      memref::LoadOp::create(b, loc, seqLens, ValueRange{ctx.batch}));
  seqLen = clamp(b, loc, seqLen, constantIndex(b, loc, 0), seqLimit);
  ctx.validBlocks = arith::CeilDivSIOp::create(
      b, loc, seqLen, constantIndex(b, loc, blockSize));
  // The tile index counts query tiles of queryRows rows.
  ctx.tileIsValid =
      queryRows == blockSize
          ? arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                  ctx.queryBlock, ctx.validBlocks)
          : arith::CmpIOp::create(
                b, loc, arith::CmpIPredicate::slt,
                arith::MulIOp::create(b, loc, ctx.queryBlock,
                                      constantIndex(b, loc, queryRows)),
                seqLen);

  int64_t keyTile = tile.getKeyTileSize();
  if (blockSize % keyTile || queryRows != blockSize) {
    // Key tiles across block boundaries (FlashAttention-3's 80 keys at
    // D = 256) or query tiles of another size (its 192 rows at D = 64),
    // which the verifier allows for causal and full patterns only: they
    // cover every key up to a bound, the last tile masked.
    Value count = arith::CeilDivSIOp::create(
        b, loc, keysInOrder(b, loc, op, ctx, seqLen, queryRows),
        constantIndex(b, loc, keyTile));
    auto loop = KeyBlockLoopOp::create(
        b, loc, countIfTileValid(b, loc, ctx, count), seqLen);
    Block *loopBody = b.createBlock(&loop.getBody());
    Value entry = entryOfIteration(b, loc, loop,
                                   loopBody->addArgument(b.getIndexType(), loc),
                                   tuning.getDescendingKeys());
    YieldKeyBlockOp::create(b, loc, entry, alwaysValid(b, loc));
    op.erase();
    return success();
  }

  Schedule schedule =
      llvm::TypeSwitch<Attribute, Schedule>(op.getSparsity())
          .Case([&](CSRAttr attr) {
            return buildCSR(b, loc, ctx, attr.getCausal());
          })
          .Case([&](CausalAttr) { return buildCausal(b, loc, ctx); })
          .Case([&](FullAttr) { return buildFull(b, loc, ctx); })
          .Case([&](SlidingWindowAttr attr) {
            return buildSlidingWindow(b, loc, ctx, attr.getWindow(),
                                      attr.getCausal());
          })
          .Case([&](WindowGlobalAttr attr) {
            return buildWindowGlobal(b, loc, ctx, attr.getWindow(),
                                     attr.getGlobals());
          })
          .Default([](Attribute) { return Schedule(); });
  if (!schedule.count)
    return op.emitOpError()
           << "bsattn-tile does not know sparsity " << op.getSparsity();

  // Key tiles narrower than a block: each entry of the block schedule
  // becomes its `tilesPerBlock` key tiles, and a tile entirely past seq_len
  // is not used.
  int64_t tilesPerBlock = blockSize / keyTile;
  Value count = schedule.count;
  Value validKeyTiles;
  if (tilesPerBlock > 1) {
    count = arith::MulIOp::create(b, loc, count,
                                  constantIndex(b, loc, tilesPerBlock));
    validKeyTiles = arith::CeilDivSIOp::create(b, loc, seqLen,
                                               constantIndex(b, loc, keyTile));
  }
  auto loop = KeyBlockLoopOp::create(b, loc, count, seqLen);
  Block *loopBody = b.createBlock(&loop.getBody());
  Value entry = entryOfIteration(b, loc, loop,
                                 loopBody->addArgument(b.getIndexType(), loc),
                                 tuning.getDescendingKeys());
  if (tilesPerBlock == 1) {
    auto [block, valid] = schedule.entry(b, loc, entry);
    YieldKeyBlockOp::create(b, loc, block, valid);
  } else {
    Value perBlock = constantIndex(b, loc, tilesPerBlock);
    auto [block, valid] =
        schedule.entry(b, loc, arith::DivUIOp::create(b, loc, entry, perBlock));
    Value firstTile = arith::MulIOp::create(b, loc, block, perBlock);
    Value tile = arith::AddIOp::create(
        b, loc, firstTile, arith::RemUIOp::create(b, loc, entry, perBlock));
    Value beforeEnd = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                            tile, validKeyTiles);
    YieldKeyBlockOp::create(b, loc, tile,
                            arith::AndIOp::create(b, loc, valid, beforeEnd));
  }

  op.erase();
  return success();
}

struct BSAttnTilePass : public bsattn::impl::BSAttnTileBase<BSAttnTilePass> {
  void runOnOperation() override {
    SmallVector<AttentionOp> ops;
    getOperation().walk([&](AttentionOp op) { ops.push_back(op); });
    for (AttentionOp op : ops)
      if (failed(op.verifyNoVariants()) || failed(tileAttention(op)))
        return signalPassFailure();
  }
};

} // namespace
