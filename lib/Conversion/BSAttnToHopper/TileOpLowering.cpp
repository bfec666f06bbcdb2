//===- TileOpLowering.cpp - bsattn tile ops -> NVVM -------------*- C++ -*-===//
//
// Each tile op becomes the instructions of the threads that hold its tiles.
// A thread of consumer warpgroup g holds, of every 64 x N accumulator, the
// wgmma fragment: element i is at row 64g + 16w + lane/4 + 8 * ((i/2) % 2)
// and column 8 * (i/4) + 2 * (lane % 4) + i % 2 (w = warp in group).
//
//===----------------------------------------------------------------------===//

#include "HopperKernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <cmath>

using namespace mlir;
using namespace mlir::bsattn;
using namespace mlir::bsattn::hopper;

namespace {

using L = KernelLayout;

/// Row half of fragment element i: 0 for row0, 1 for row0 + 8.
int64_t rowHalf(int64_t i) { return (i / 2) % 2; }

/// Column offset of fragment element i inside a 64 x N fragment, minus the
/// thread's chunk column.
int64_t fragmentColumn(int64_t i) { return 8 * (i / 4) + i % 2; }

MLIRContext *contextOf(KernelContext k) { return k.tile.getContext(); }

template <typename Op> struct TilePattern : public OpConversionPattern<Op> {
  TilePattern(const TypeConverter &converter, const KernelContext &k)
      : OpConversionPattern<Op>(converter, contextOf(k)), k(k) {}

  /// The ring slot (i32) of ring step `step`.
  Value slotOf(HopperBuilder &h, Value step) const {
    return slotAndParity(h, step).first;
  }

  /// The ring slot (i32) and mbarrier parity (i32) of ring step `step`.
  std::pair<Value, Value> slotAndParity(HopperBuilder &h, Value step) const {
    Value step32 = h.toI32(step);
    Value slot =
        arith::AndIOp::create(h.b, h.loc, step32, h.i32(L::kStages - 1));
    Value parity = arith::AndIOp::create(
        h.b, h.loc, arith::ShRUIOp::create(h.b, h.loc, step32, h.i32(1)),
        h.i32(1));
    return {slot, parity};
  }

  /// Byte offset (i32) of the K tile of `slot`; V follows one tile later.
  Value keyOffset(HopperBuilder &h, Value slot) const {
    return arith::AddIOp::create(
        h.b, h.loc, h.i32(L::kKVOffset),
        arith::MulIOp::create(h.b, h.loc, slot, h.i32(L::kSlotBytes)));
  }

  /// The mbarrier that completes when query buffer `buffer` has landed.
  Value queryBarrier(HopperBuilder &h, Value buffer) const {
    return barrierAt(h, 0, buffer);
  }

  /// Byte offset (i32) of query buffer `buffer`.
  Value queryOffset(HopperBuilder &h, Value buffer) const {
    return arith::AddIOp::create(
        h.b, h.loc, h.i32(L::kQOffset),
        arith::MulIOp::create(h.b, h.loc, buffer, h.i32(L::kTileBytes)));
  }

  /// The mbarrier that completes when the slot's K and V have landed.
  Value slotBarrier(HopperBuilder &h, Value slot) const {
    return barrierAt(h, L::kFullBarriers, slot);
  }

  /// The mbarrier that completes when every thread released the slot.
  Value emptyBarrier(HopperBuilder &h, Value slot) const {
    return barrierAt(h, L::kEmptyBarriers, slot);
  }

  /// The mbarrier that completes when every thread converted its share of
  /// the slot's V to f16.
  Value convertedBarrier(HopperBuilder &h, Value slot) const {
    return barrierAt(h, L::kConvertedBarriers, slot);
  }

  Value barrierAt(HopperBuilder &h, int64_t first, Value slot) const {
    Value offset = arith::AddIOp::create(
        h.b, h.loc, h.i32(L::kBarrierOffset + first),
        arith::MulIOp::create(h.b, h.loc, slot, h.i32(8)));
    return h.sharedPtr(k, offset);
  }

  /// Runs `body` in the threads where `condition` holds.
  void onlyWhere(HopperBuilder &h, Value condition,
                 function_ref<void()> body) const {
    auto ifOp = scf::IfOp::create(h.b, h.loc, condition, /*withElse=*/false);
    OpBuilder::InsertionGuard guard(h.b);
    h.b.setInsertionPointToStart(ifOp.thenBlock());
    body();
  }

  /// Runs `body` in thread 0 only.
  void inLeader(HopperBuilder &h, function_ref<void()> body) const {
    onlyWhere(h, k.isLeader, body);
  }

  /// Loads the 128-row tile starting at token `row` of `tmap` (two boxes).
  void loadTile(HopperBuilder &h, Value tmap, Value offset, Value barrier,
                Value row, Value head, Value batch) const {
    for (int64_t half = 0; half < 2; ++half) {
      Value dst =
          h.sharedPtr(k, arith::AddIOp::create(h.b, h.loc, offset,
                                               h.i32(half * L::kHalfBytes)));
      h.tmaLoad(tmap, dst, barrier, h.i32(half * L::kHalfCols), row, head,
                batch);
    }
  }

  KernelContext k;
};

struct SplatLowering : public TilePattern<SplatOp> {
  using TilePattern::TilePattern;
  LogicalResult
  matchAndRewrite(SplatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    HopperBuilder h(rewriter, op.getLoc());
    auto type = cast<LLVM::LLVMStructType>(
        getTypeConverter()->convertType(op.getType()));
    SmallVector<Value> values(type.getBody().size(), adaptor.getValue());
    rewriter.replaceOp(op, h.pack(values));
    return success();
  }
};

struct LoadQLowering : public TilePattern<LoadQOp> {
  using TilePattern::TilePattern;
  LogicalResult
  matchAndRewrite(LoadQOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    HopperBuilder h(rewriter, op.getLoc());
    // The current tile's Q, or the next tile's into the other buffer.
    Value batch = k.batch, head = k.head, queryBlock = k.queryBlock,
          buffer = k.queryBuffer;
    if (ValueRange next = adaptor.getNextTile(); !next.empty()) {
      batch = h.toI32(next[0]);
      head = h.toI32(next[1]);
      queryBlock = h.toI32(next[2]);
      buffer = arith::XOrIOp::create(rewriter, op.getLoc(), buffer, h.i32(1));
    }
    Value row = arith::MulIOp::create(rewriter, op.getLoc(), queryBlock,
                                      h.i32(L::kTileRows));
    inLeader(h, [&] {
      Value barrier = queryBarrier(h, buffer);
      h.mbarrierExpectTx(barrier, L::kTileBytes);
      loadTile(h, k.tmapQ, queryOffset(h, buffer), barrier, row, head, batch);
    });
    rewriter.eraseOp(op);
    return success();
  }
};

struct LoadKVLowering : public TilePattern<LoadKVOp> {
  using TilePattern::TilePattern;
  LogicalResult
  matchAndRewrite(LoadKVOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    HopperBuilder h(rewriter, op.getLoc());
    auto [slot, parity] = slotAndParity(h, adaptor.getStep());
    Value batch = k.batch, head = k.head;
    if (ValueRange batchHead = adaptor.getBatchHead(); !batchHead.empty()) {
      batch = h.toI32(batchHead[0]);
      head = h.toI32(batchHead[1]);
    }
    Value row = arith::MulIOp::create(rewriter, op.getLoc(),
                                      h.toI32(adaptor.getKeyBlock()),
                                      h.i32(L::kTileRows));
    Value keys = keyOffset(h, slot);
    Value values = arith::AddIOp::create(rewriter, op.getLoc(), keys,
                                         h.i32(L::kTileBytes));
    inLeader(h, [&] {
      // The slot's previous step must be released by every thread; the
      // first use of a slot waits on the phase before the barrier's first
      // one, which counts as complete.
      h.mbarrierWait(
          emptyBarrier(h, slot),
          arith::XOrIOp::create(rewriter, op.getLoc(), parity, h.i32(1)));
      Value barrier = slotBarrier(h, slot);
      h.mbarrierExpectTx(barrier, L::kKVStepBytes);
      loadTile(h, k.tmapK, keys, barrier, row, head, batch);
      loadTile(h, k.tmapV, values, barrier, row, head, batch);
    });
    rewriter.eraseOp(op);
    return success();
  }
};

struct WaitKVLowering : public TilePattern<WaitKVOp> {
  using TilePattern::TilePattern;

  /// P.V in f16 with bf16 inputs: as soon as the tile has landed, the 256
  /// threads convert V to f16 in place (elementwise, so the swizzled layout
  /// stays), 16 bytes each at a time, make their writes visible to the
  /// tensor cores' proxy and arrive on the slot's "converted" barrier,
  /// which P.V waits on much later: the warpgroups never wait for each
  /// other here.
  void convertValues(HopperBuilder &h, Value slot) const {
    Value offset = arith::AddIOp::create(h.b, h.loc, keyOffset(h, slot),
                                         h.i32(L::kTileBytes));
    Value threadOffset = arith::AddIOp::create(
        h.b, h.loc, offset,
        arith::MulIOp::create(h.b, h.loc, k.tid, h.i32(16)));
    for (int64_t i = 0; i < L::kTileBytes / (16 * L::kThreads); ++i)
      h.convertBF16ToF16InPlace(
          h.sharedPtr(k, arith::AddIOp::create(h.b, h.loc, threadOffset,
                                               h.i32(i * 16 * L::kThreads))));
    h.fenceSharedForAsyncProxy();
    h.mbarrierArrive(convertedBarrier(h, slot));
  }

  LogicalResult
  matchAndRewrite(WaitKVOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    HopperBuilder h(rewriter, op.getLoc());
    auto [slot, parity] = slotAndParity(h, adaptor.getStep());
    // The tile's Q barrier phase stays complete for the whole tile, so
    // waiting on it again returns at once.
    h.mbarrierWait(queryBarrier(h, k.queryBuffer), k.queryParity);
    h.mbarrierWait(slotBarrier(h, slot), parity);
    if (k.convertValues)
      convertValues(h, slot);
    rewriter.eraseOp(op);
    return success();
  }
};

struct ReleaseKVLowering : public TilePattern<ReleaseKVOp> {
  using TilePattern::TilePattern;
  LogicalResult
  matchAndRewrite(ReleaseKVOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // Every wgmma of this thread's warpgroup that read the slot was waited
    // for before this point; the two warpgroups release independently.
    HopperBuilder h(rewriter, op.getLoc());
    h.mbarrierArrive(emptyBarrier(h, slotOf(h, adaptor.getStep())));
    rewriter.eraseOp(op);
    return success();
  }
};

struct QKLowering : public TilePattern<QKOp> {
  using TilePattern::TilePattern;
  LogicalResult
  matchAndRewrite(QKOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    HopperBuilder h(rewriter, loc);
    Value slot = slotOf(h, adaptor.getStep());
    Value keys =
        arith::AddIOp::create(rewriter, loc, k.smemAddr, keyOffset(h, slot));
    Value queries = arith::AddIOp::create(
        rewriter, loc, k.smemAddr,
        arith::AddIOp::create(rewriter, loc, queryOffset(h, k.queryBuffer),
                              k.groupQOffset));
    QueryTileOp tile = k.tile;
    NVVM::WgmmaFenceAlignedOp::create(rewriter, loc);
    Value acc = LLVM::PoisonOp::create(rewriter, loc, h.fragmentType(64));
    // D = 128 is 8 k16 steps, 4 in each 64-column half; inside a 128-byte
    // swizzled row a k16 step is 32 bytes (descriptor + 2).
    for (int64_t half = 0; half < 2; ++half) {
      Value descA = h.wgmmaDescriptor(arith::AddIOp::create(
          rewriter, loc, queries, h.i32(half * L::kHalfBytes)));
      Value descB = h.wgmmaDescriptor(arith::AddIOp::create(
          rewriter, loc, keys, h.i32(half * L::kHalfBytes)));
      for (int64_t step = 0; step < 4; ++step) {
        Value a = arith::AddIOp::create(rewriter, loc, descA, h.i64(2 * step));
        Value b = arith::AddIOp::create(rewriter, loc, descB, h.i64(2 * step));
        acc = h.wgmmaSharedShared(acc, a, b,
                                  /*accumulate=*/half > 0 || step > 0,
                                  tile.getElementType());
      }
    }
    NVVM::WgmmaGroupSyncAlignedOp::create(rewriter, loc);
    NVVM::WgmmaWaitGroupSyncOp::create(rewriter, loc,
                                       rewriter.getI64IntegerAttr(0));
    rewriter.replaceOp(op, acc);
    return success();
  }
};

struct MaskLowering : public TilePattern<MaskOp> {
  using TilePattern::TilePattern;
  LogicalResult
  matchAndRewrite(MaskOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    HopperBuilder h(rewriter, loc);
    Value block = h.toI32(adaptor.getKeyBlock());
    Value seqLen = h.toI32(adaptor.getSeqLen());
    Value firstKey =
        arith::MulIOp::create(rewriter, loc, block, h.i32(L::kTileRows));
    Value endKey =
        arith::AddIOp::create(rewriter, loc, firstKey, h.i32(L::kTileRows));
    // Only the diagonal block and a block that reaches past seq_len need a
    // mask; every other block passes through.
    Value diagonal = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq, block, k.queryBlock);
    Value tail = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sgt,
                                       endKey, seqLen);
    Value needed = arith::OrIOp::create(rewriter, loc, diagonal, tail);
    Type type = adaptor.getScores().getType();
    auto ifOp = scf::IfOp::create(rewriter, loc, TypeRange{type}, needed,
                                  /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(ifOp.thenBlock());
      Value queryBase = arith::AddIOp::create(
          rewriter, loc,
          arith::MulIOp::create(rewriter, loc, k.queryBlock,
                                h.i32(L::kTileRows)),
          k.row0);
      Value keyBase =
          arith::AddIOp::create(rewriter, loc, firstKey, k.chunkCol);
      Value minusInf = h.f32(-INFINITY);
      SmallVector<Value> scores = h.unpack(adaptor.getScores());
      for (int64_t i = 0, e = scores.size(); i < e; ++i) {
        Value query = arith::AddIOp::create(rewriter, loc, queryBase,
                                            h.i32(8 * rowHalf(i)));
        Value key = arith::AddIOp::create(rewriter, loc, keyBase,
                                          h.i32(fragmentColumn(i)));
        Value future = arith::CmpIOp::create(
            rewriter, loc, arith::CmpIPredicate::sgt, key, query);
        Value pastEnd = arith::CmpIOp::create(
            rewriter, loc, arith::CmpIPredicate::sge, key, seqLen);
        Value hidden = arith::OrIOp::create(rewriter, loc, future, pastEnd);
        scores[i] =
            arith::SelectOp::create(rewriter, loc, hidden, minusInf, scores[i]);
      }
      scf::YieldOp::create(rewriter, loc, h.pack(scores));
      rewriter.setInsertionPointToStart(ifOp.elseBlock());
      scf::YieldOp::create(rewriter, loc, adaptor.getScores());
    }
    rewriter.replaceOp(op, ifOp.getResult(0));
    return success();
  }
};

/// Reduces a row value over the four lanes that share the row.
Value quadReduce(HopperBuilder &h, Value value, bool isMax) {
  for (int64_t offset : {1, 2}) {
    Value other = h.shuffleXor(value, offset);
    value = isMax ? h.maxNum(value, other)
                  : Value(arith::AddFOp::create(h.b, h.loc, value, other));
  }
  return value;
}

struct OnlineSoftmaxLowering : public TilePattern<OnlineSoftmaxOp> {
  using TilePattern::TilePattern;
  LogicalResult
  matchAndRewrite(OnlineSoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    HopperBuilder h(rewriter, loc);
    SmallVector<Value> scores = h.unpack(adaptor.getScores());
    SmallVector<Value> maxOld = h.unpack(adaptor.getMax());
    SmallVector<Value> sumOld = h.unpack(adaptor.getSum());
    Value scale = h.f32(op.getScaleLog2().convertToDouble());
    Value minusInf = h.f32(-INFINITY);
    Value zero = h.f32(0.0);

    SmallVector<Value> maxNew(2), maxUsed(2), negMaxUsed(2), alpha(2);
    for (int64_t half = 0; half < 2; ++half) {
      Value local = minusInf;
      for (auto [i, score] : llvm::enumerate(scores))
        if (rowHalf(i) == half)
          local = h.maxNum(local, score);
      // The scale is positive, so it commutes with the maximum.
      local = arith::MulFOp::create(
          rewriter, loc, quadReduce(h, local, /*isMax=*/true), scale);
      maxNew[half] = h.maxNum(maxOld[half], local);
      // A row that has seen no key keeps max = -inf; exponents use 0 there
      // so that exp2(-inf - -inf) never makes a NaN.
      Value empty = arith::CmpFOp::create(
          rewriter, loc, arith::CmpFPredicate::OEQ, maxNew[half], minusInf);
      maxUsed[half] =
          arith::SelectOp::create(rewriter, loc, empty, zero, maxNew[half]);
      negMaxUsed[half] = arith::NegFOp::create(rewriter, loc, maxUsed[half]);
      alpha[half] = h.exp2(
          arith::SubFOp::create(rewriter, loc, maxOld[half], maxUsed[half]));
    }
    SmallVector<Value> probs, rowSum = {zero, zero};
    for (auto [i, score] : llvm::enumerate(scores)) {
      int64_t half = rowHalf(i);
      Value p = h.exp2(h.fma(score, scale, negMaxUsed[half]));
      probs.push_back(p);
      rowSum[half] = arith::AddFOp::create(rewriter, loc, rowSum[half], p);
    }
    SmallVector<Value> sumNew;
    for (int64_t half = 0; half < 2; ++half)
      sumNew.push_back(h.fma(alpha[half], sumOld[half],
                             quadReduce(h, rowSum[half], /*isMax=*/false)));
    rewriter.replaceOp(
        op, {h.pack(probs), h.pack(maxNew), h.pack(sumNew), h.pack(alpha)});
    return success();
  }
};

struct PVLowering : public TilePattern<PVOp> {
  using TilePattern::TilePattern;

  LogicalResult
  matchAndRewrite(PVOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    HopperBuilder h(rewriter, loc);
    QueryTileOp tile = k.tile;
    PVPrecision precision = tile.getPv();
    Type bf16 = rewriter.getBF16Type();
    // The operand type of the P.V products.
    Type pvType =
        precision == PVPrecision::f16 ? Type(rewriter.getF16Type()) : bf16;
    auto [slot, parity] = slotAndParity(h, adaptor.getStep());
    Value valueOffset = arith::AddIOp::create(rewriter, loc, keyOffset(h, slot),
                                              h.i32(L::kTileBytes));
    if (k.convertValues)
      h.mbarrierWait(convertedBarrier(h, slot), parity);
    Value values =
        arith::AddIOp::create(rewriter, loc, k.smemAddr, valueOffset);

    SmallVector<Value> alpha = h.unpack(adaptor.getAlpha());
    SmallVector<Value> acc = h.unpack(adaptor.getAcc());
    for (int64_t i = 0, e = acc.size(); i < e; ++i)
      acc[i] = arith::MulFOp::create(rewriter, loc, acc[i], alpha[rowHalf(i)]);
    // The two 64-column halves of O are separate m64n64 accumulators.
    SmallVector<Value> halves = {h.pack(ArrayRef<Value>(acc).take_front(32)),
                                 h.pack(ArrayRef<Value>(acc).drop_front(32))};
    // The S fragment of keys 16kb .. 16kb + 15 is exactly the register-A
    // fragment of k16 step kb: pairs of adjacent elements, packed. All of
    // them are packed before the fence so that no register the wgmmas read
    // is written between them.
    SmallVector<Value> probs = h.unpack(adaptor.getProbs());
    SmallVector<SmallVector<Value>> parts(8);
    for (int64_t kb = 0; kb < 8; ++kb) {
      SmallVector<Value> hi, lo;
      for (int64_t r = 0; r < 4; ++r) {
        Value p0 = probs[8 * kb + 2 * r], p1 = probs[8 * kb + 2 * r + 1];
        Value packed = h.packPair(p0, p1, pvType);
        hi.push_back(packed);
        if (precision == PVPrecision::split_bf16) {
          auto [r0, r1] = h.unpackPair(packed, bf16);
          lo.push_back(h.packPair(arith::SubFOp::create(rewriter, loc, p0, r0),
                                  arith::SubFOp::create(rewriter, loc, p1, r1),
                                  bf16));
        }
      }
      parts[kb] = hi;
      llvm::append_range(parts[kb], lo);
    }
    NVVM::WgmmaFenceAlignedOp::create(rewriter, loc);
    for (int64_t kb = 0; kb < 8; ++kb) {
      ArrayRef<Value> regs = parts[kb];
      // V is [keys][d]: a k16 step is 16 swizzled rows of 128 bytes.
      for (int64_t half = 0; half < 2; ++half) {
        Value descB = h.wgmmaDescriptor(
            arith::AddIOp::create(rewriter, loc, values,
                                  h.i32(half * L::kHalfBytes + kb * 16 * 128)));
        for (int64_t part = 0; part * 4 < int64_t(regs.size()); ++part)
          halves[half] = h.wgmmaRegisterShared(
              halves[half], regs.slice(4 * part, 4), descB, pvType);
      }
    }
    NVVM::WgmmaGroupSyncAlignedOp::create(rewriter, loc);
    NVVM::WgmmaWaitGroupSyncOp::create(rewriter, loc,
                                       rewriter.getI64IntegerAttr(0));
    SmallVector<Value> result = h.unpack(halves[0]);
    llvm::append_range(result, h.unpack(halves[1]));
    rewriter.replaceOp(op, h.pack(result));
    return success();
  }
};

/// Element address `ptr + linear(indices)` of a row-major memref argument.
Value elementAddress(HopperBuilder &h, const MemRefArg &arg, Type elementType,
                     ArrayRef<Value> indices) {
  Value linear = h.i64(0);
  for (auto [size, index] : llvm::zip(arg.sizes, indices))
    linear = arith::AddIOp::create(
        h.b, h.loc, arith::MulIOp::create(h.b, h.loc, linear, size),
        h.toI64(index));
  return LLVM::GEPOp::create(h.b, h.loc, arg.ptr.getType(), elementType,
                             arg.ptr, ValueRange{linear});
}

struct StoreOutputLowering : public TilePattern<StoreOutputOp> {
  using TilePattern::TilePattern;
  LogicalResult
  matchAndRewrite(StoreOutputOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    HopperBuilder h(rewriter, loc);
    SmallVector<Value> acc = h.unpack(adaptor.getAcc());
    SmallVector<Value> max = h.unpack(adaptor.getMax());
    SmallVector<Value> sum = h.unpack(adaptor.getSum());
    Value seqLen = h.toI32(adaptor.getSeqLen());
    Value zero = h.f32(0.0);
    Value one = h.f32(1.0);
    Value minusInf = h.f32(-INFINITY);
    Value firstRow = arith::AddIOp::create(
        rewriter, loc,
        arith::MulIOp::create(rewriter, loc, k.queryBlock, h.i32(L::kTileRows)),
        k.row0);

    SmallVector<Value> rows(2), inverse(2), lse(2);
    for (int64_t half = 0; half < 2; ++half) {
      rows[half] =
          arith::AddIOp::create(rewriter, loc, firstRow, h.i32(8 * half));
      // A row is written as computed only if it is before seq_len and saw a
      // key; otherwise o = 0 and lse = -inf.
      Value inSequence = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::slt, rows[half], seqLen);
      Value sawKey = arith::CmpFOp::create(
          rewriter, loc, arith::CmpFPredicate::OGT, sum[half], zero);
      Value valid = arith::AndIOp::create(rewriter, loc, inSequence, sawKey);
      Value safeSum =
          arith::SelectOp::create(rewriter, loc, valid, sum[half], one);
      inverse[half] = arith::SelectOp::create(
          rewriter, loc, valid,
          arith::DivFOp::create(rewriter, loc, one, safeSum), zero);
      Value log2Sum =
          arith::AddFOp::create(rewriter, loc, max[half], h.log2(safeSum));
      lse[half] = arith::SelectOp::create(
          rewriter, loc, valid,
          arith::MulFOp::create(rewriter, loc, log2Sum, h.f32(M_LN2)),
          minusInf);
    }

    // The warpgroup's 64 rows of o go through its rows of the tile's query
    // buffer (Q is read no more), laid out as a 128B-swizzled TMA box: in
    // row r, 16-byte chunk c lands at chunk c ^ (r % 8), and r % 8 is the
    // thread's lane / 4. Then one TMA store per 64-column half.
    // A tile that used no key block never waited for its Q, which may
    // still be landing in the buffer about to be overwritten.
    h.mbarrierWait(queryBarrier(h, k.queryBuffer), k.queryParity);
    QueryTileOp tile = k.tile;
    Type elementType = tile.getElementType();
    Value groupRow =
        arith::AndIOp::create(rewriter, loc, k.row0, h.i32(L::kGroupRows - 1));
    Value swizzle = arith::ShLIOp::create(
        rewriter, loc, arith::ShRUIOp::create(rewriter, loc, k.lane, h.i32(2)),
        h.i32(4));
    Value staging = arith::AddIOp::create(
        rewriter, loc, queryOffset(h, k.queryBuffer), k.groupQOffset);
    for (int64_t i = 0; i < 64; i += 2) {
      Value row =
          arith::AddIOp::create(rewriter, loc, groupRow, h.i32(8 * rowHalf(i)));
      Value byteInRow = arith::MulIOp::create(
          rewriter, loc,
          arith::AddIOp::create(rewriter, loc, k.chunkCol,
                                h.i32(fragmentColumn(i % 32))),
          h.i32(2));
      Value offset = arith::AddIOp::create(
          rewriter, loc,
          arith::AddIOp::create(rewriter, loc, staging,
                                h.i32((i / 32) * L::kHalfBytes)),
          arith::AddIOp::create(
              rewriter, loc,
              arith::MulIOp::create(rewriter, loc, row, h.i32(128)),
              arith::XOrIOp::create(rewriter, loc, byteInRow, swizzle)));
      Value lo =
          arith::MulFOp::create(rewriter, loc, acc[i], inverse[rowHalf(i)]);
      Value hi =
          arith::MulFOp::create(rewriter, loc, acc[i + 1], inverse[rowHalf(i)]);
      LLVM::StoreOp::create(rewriter, loc, h.packPair(lo, hi, elementType),
                            h.sharedPtr(k, offset), /*alignment=*/4);
    }
    // The tensor cores' proxy reads the box: fence the generic writes, wait
    // for the warpgroup's 128 threads (named barrier 1 + group), and let its
    // first thread store, waiting only until the box has been read out.
    h.fenceSharedForAsyncProxy();
    Value group = arith::ShRUIOp::create(rewriter, loc, k.tid, h.i32(7));
    NVVM::BarrierOp::create(
        rewriter, loc, Type(),
        arith::AddIOp::create(rewriter, loc, group, h.i32(1)),
        h.i32(L::kThreads / 2), NVVM::BarrierReductionAttr(), Value());
    Value groupLeader = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq,
        arith::AndIOp::create(rewriter, loc, k.tid, h.i32(127)), h.i32(0));
    onlyWhere(h, groupLeader, [&] {
      Value groupFirstRow = arith::AddIOp::create(
          rewriter, loc,
          arith::MulIOp::create(rewriter, loc, k.queryBlock,
                                h.i32(L::kTileRows)),
          arith::MulIOp::create(rewriter, loc, group, h.i32(L::kGroupRows)));
      for (int64_t half = 0; half < 2; ++half)
        h.tmaStore(
            k.tmapO,
            h.sharedPtr(k, arith::AddIOp::create(rewriter, loc, staging,
                                                 h.i32(half * L::kHalfBytes))),
            h.i32(half * L::kHalfCols), groupFirstRow, k.head, k.batch);
      NVVM::CpAsyncBulkCommitGroupOp::create(rewriter, loc);
      NVVM::CpAsyncBulkWaitGroupOp::create(
          rewriter, loc, rewriter.getI32IntegerAttr(0), rewriter.getUnitAttr());
    });

    // One lane of each quad writes the quad's two lse values.
    Value quadLeader = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq,
        arith::AndIOp::create(rewriter, loc, k.lane, h.i32(3)), h.i32(0));
    onlyWhere(h, quadLeader, [&] {
      for (int64_t half = 0; half < 2; ++half) {
        Value address = elementAddress(h, k.lse, h.f32Type(),
                                       {k.batch, k.head, rows[half]});
        LLVM::StoreOp::create(rewriter, loc, lse[half], address,
                              /*alignment=*/4);
      }
    });
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void mlir::bsattn::hopper::addTileTypeConversions(TypeConverter &converter) {
  converter.addConversion([](Type type) { return type; });
  converter.addConversion([](TileType type) -> Type {
    // Each consumer warpgroup holds 64 rows: N/2 values per thread.
    SmallVector<Type> body(type.getCols() / 2,
                           Float32Type::get(type.getContext()));
    return LLVM::LLVMStructType::getLiteral(type.getContext(), body);
  });
  converter.addConversion([](RowsType type) -> Type {
    // Two rows per thread: row0 and row0 + 8.
    auto f32 = Float32Type::get(type.getContext());
    return LLVM::LLVMStructType::getLiteral(type.getContext(), {f32, f32});
  });
}

void mlir::bsattn::hopper::populateTileOpLoweringPatterns(
    const TypeConverter &converter, const KernelContext &k,
    RewritePatternSet &patterns) {
  patterns.add<SplatLowering, LoadQLowering, LoadKVLowering, WaitKVLowering,
               ReleaseKVLowering, QKLowering, MaskLowering,
               OnlineSoftmaxLowering, PVLowering, StoreOutputLowering>(
      converter, k);
}
