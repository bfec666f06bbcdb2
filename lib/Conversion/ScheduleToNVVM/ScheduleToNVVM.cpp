//===- ScheduleToNVVM.cpp - schedule-level kernels -> NVVM ------*- C++ -*-===//
//
// Each schedule-level op becomes the instructions of the threads that run
// it. A thread of consumer warpgroup g holds, of every 64 x N accumulator,
// the wgmma fragment: element i is at row 64g + 16w + lane/4 + 8 * ((i/2) %
// 2) and column 8 * (i/4) + 2 * (lane % 4) + i % 2 (w = warp in group). A
// 16-bit tile holds the same elements rounded, packed in pairs (2i, 2i + 1).
//
//===----------------------------------------------------------------------===//

#include "HopperBuilder.h"
#include "bsattn/Conversion/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/GPUCommon/GPUCommonPass.h"
#include "mlir/Conversion/LLVMCommon/MemRefBuilder.h"
#include "mlir/Conversion/LLVMCommon/Pattern.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/NVGPUToNVVM/NVGPUToNVVM.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"

#include <cmath>

namespace mlir::bsattn {
#define GEN_PASS_DEF_CONVERTBSATTNSCHEDULETONVVM
#include "bsattn/Conversion/Passes.h.inc"
} // namespace mlir::bsattn

using namespace mlir;
using namespace mlir::bsattn;
using namespace mlir::bsattn::hopper;

namespace {

constexpr int64_t kGroupRows = 64;
constexpr StringLiteral kSharedSymbol = "bsattn_smem";

/// Independent maximum chains per row half in the online softmax: four
/// took 0.6% off the challenge cases' median time over one chain (two
/// runs, bench/results/2026-12-04-h200-rescale-before-pv.json); full
/// pairwise trees lost (2026-12-03-h200-tree-reductions.json).
constexpr int64_t kMaxChains = 4;

/// Row half of fragment element i: 0 for row0, 1 for row0 + 8.
int64_t rowHalf(int64_t i) { return (i / 2) % 2; }

/// Column offset of fragment element i inside a 64 x N fragment, minus the
/// thread's chunk column.
int64_t fragmentColumn(int64_t i) { return 8 * (i / 4) + i % 2; }

/// The thread's place in the consumer warpgroups, as i32 values.
struct ThreadPlace {
  explicit ThreadPlace(HopperBuilder &h) {
    OpBuilder &b = h.b;
    tid = NVVM::ThreadIdXOp::create(b, h.loc, b.getI32Type());
    lane = arith::AndIOp::create(b, h.loc, tid, h.i32(31));
    group = arith::ShRUIOp::create(b, h.loc, tid, h.i32(7));
    // Warp w of the CTA is warp w % 4 of warpgroup w / 4; its 16 rows start
    // at 16 * w (64 * group + 16 * warp in group).
    Value warp = arith::ShRUIOp::create(b, h.loc, tid, h.i32(5));
    row0 = arith::AddIOp::create(
        b, h.loc, arith::MulIOp::create(b, h.loc, warp, h.i32(16)),
        arith::ShRUIOp::create(b, h.loc, lane, h.i32(2)));
    chunkCol = arith::MulIOp::create(
        b, h.loc, arith::AndIOp::create(b, h.loc, lane, h.i32(3)), h.i32(2));
  }
  /// Thread, lane, consumer warpgroup; the first of the two tile rows the
  /// thread holds (row0 and row0 + 8); `2 * (lane % 4)`, its first column
  /// in each 8-column chunk of a fragment.
  Value tid, lane, group, row0, chunkCol;
};

template <typename Op>
struct SchedulePattern : public ConvertOpToLLVMPattern<Op> {
  using ConvertOpToLLVMPattern<Op>::ConvertOpToLLVMPattern;

  /// The shared address (i32) of the first element of memref `value`.
  Value sharedAddress(HopperBuilder &h, Value converted,
                      MemRefType type) const {
    Value ptr = MemRefDescriptor(converted).bufferPtr(
        h.b, h.loc, *this->getTypeConverter(), type);
    return LLVM::PtrToIntOp::create(h.b, h.loc, h.b.getI32Type(), ptr);
  }
};

struct SharedAllocLowering : public SchedulePattern<SharedAllocOp> {
  using SchedulePattern::SchedulePattern;
  LogicalResult
  matchAndRewrite(SharedAllocOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::optional<int64_t> offset = op.getOffset();
    if (!offset)
      return rewriter.notifyMatchFailure(
          op, "no offset (run bsattn-allocate-shared first)");
    Location loc = op.getLoc();
    HopperBuilder h(rewriter, loc);
    // The dynamic shared memory: a zero-sized external array. It starts
    // after the static shared memory, 16-byte aligned; the buffers are
    // placed from the next multiple of 1024.
    auto module = op->getParentOfType<gpu::GPUModuleOp>();
    auto ptrType = LLVM::LLVMPointerType::get(getContext(), 3);
    if (!module.lookupSymbol(kSharedSymbol)) {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(module.getBody());
      LLVM::GlobalOp::create(
          rewriter, loc, LLVM::LLVMArrayType::get(rewriter.getI8Type(), 0),
          /*isConstant=*/false, LLVM::Linkage::External, kSharedSymbol,
          Attribute(), /*alignment=*/16, /*addrSpace=*/3);
    }
    Value base =
        LLVM::AddressOfOp::create(rewriter, loc, ptrType, kSharedSymbol);
    Value address =
        LLVM::PtrToIntOp::create(rewriter, loc, rewriter.getI32Type(), base);
    Value aligned = arith::AndIOp::create(
        rewriter, loc,
        arith::AddIOp::create(rewriter, loc, address, h.i32(1023)),
        h.i32(~int64_t(1023)));
    Value start = arith::AddIOp::create(
        rewriter, loc, arith::SubIOp::create(rewriter, loc, aligned, address),
        h.i32(*offset));
    Value ptr = h.sharedPtr(base, start);
    rewriter.replaceOp(
        op, Value(MemRefDescriptor::fromStaticShape(
                rewriter, loc, *getTypeConverter(), op.getType(), ptr)));
    return success();
  }
};

struct TensorMapLowering : public SchedulePattern<TensorMapOp> {
  using SchedulePattern::SchedulePattern;
  LogicalResult
  matchAndRewrite(TensorMapOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getParameter());
    return success();
  }
};

struct GlobalMemRefLowering : public SchedulePattern<GlobalMemRefOp> {
  using SchedulePattern::SchedulePattern;
  LogicalResult
  matchAndRewrite(GlobalMemRefOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    HopperBuilder h(rewriter, loc);
    MemRefType type = op.getType();
    Type descriptorType = getTypeConverter()->convertType(type);
    if (!descriptorType)
      return failure();
    // Sizes from the parameters, row-major strides from the sizes.
    SmallVector<Value> sizes;
    ValueRange dynamic = adaptor.getSizes();
    for (int64_t size : type.getShape()) {
      if (!ShapedType::isDynamic(size)) {
        sizes.push_back(h.i64(size));
        continue;
      }
      sizes.push_back(dynamic.front());
      dynamic = dynamic.drop_front();
    }
    auto descriptor = MemRefDescriptor::poison(rewriter, loc, descriptorType);
    descriptor.setAllocatedPtr(rewriter, loc, adaptor.getPointer());
    descriptor.setAlignedPtr(rewriter, loc, adaptor.getPointer());
    descriptor.setConstantOffset(rewriter, loc, 0);
    Value stride = h.i64(1);
    for (int64_t d = type.getRank() - 1; d >= 0; --d) {
      descriptor.setSize(rewriter, loc, d, sizes[d]);
      descriptor.setStride(rewriter, loc, d, stride);
      stride = arith::MulIOp::create(rewriter, loc, stride, sizes[d]);
    }
    rewriter.replaceOp(op, Value(descriptor));
    return success();
  }
};

struct WgmmaSharedLowering : public SchedulePattern<WgmmaSharedOp> {
  using SchedulePattern::SchedulePattern;
  LogicalResult
  matchAndRewrite(WgmmaSharedOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    HopperBuilder h(rewriter, loc);
    ThreadPlace thread(h);
    // The warpgroup's 64 rows of A: 64 rows of 128 bytes into each chunk.
    Value queries = arith::AddIOp::create(
        rewriter, loc, sharedAddress(h, adaptor.getA(), op.getA().getType()),
        arith::MulIOp::create(rewriter, loc, thread.group,
                              h.i32(kGroupRows * 128)));
    Value keys = sharedAddress(h, adaptor.getB(), op.getB().getType());
    Type element = op.getA().getType().getElementType();
    int64_t chunks = op.getA().getType().getShape()[0];
    int64_t chunkBytes = op.getA().getType().getShape()[1] * 128;
    int64_t keyRows = op.getB().getType().getShape()[1];
    int64_t keyChunkBytes = keyRows * 128;
    Value acc = LLVM::PoisonOp::create(
        rewriter, loc, getTypeConverter()->convertType(op.getType()));
    // One descriptor per operand; each product's is a constant step from
    // it (offset / 16). K = 64 per chunk is 4 k16 steps; inside a 128-byte
    // swizzled row a k16 step is 32 bytes. The first step does not
    // accumulate.
    Value baseA = h.wgmmaDescriptor(queries);
    Value baseB = h.wgmmaDescriptor(keys);
    int64_t steps = op.getDepth().value_or(64 * chunks) / 16;
    for (int64_t chunk = 0; chunk < chunks; ++chunk) {
      for (int64_t step = 0; step < 4 && 4 * chunk + step < steps; ++step) {
        Value a = arith::AddIOp::create(
            rewriter, loc, baseA, h.i64((chunk * chunkBytes + 32 * step) / 16));
        Value b = arith::AddIOp::create(
            rewriter, loc, baseB,
            h.i64((chunk * keyChunkBytes + 32 * step) / 16));
        acc =
            h.wgmmaSharedShared(acc, a, b, keyRows,
                                /*accumulate=*/chunk > 0 || step > 0, element);
      }
    }
    rewriter.replaceOp(op, acc);
    return success();
  }
};

struct WgmmaRegisterLowering : public SchedulePattern<WgmmaRegisterOp> {
  using SchedulePattern::SchedulePattern;
  LogicalResult
  matchAndRewrite(WgmmaRegisterOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    HopperBuilder h(rewriter, loc);
    Type element = op.getA().getType().getElementType();
    Value values = sharedAddress(h, adaptor.getB(), op.getB().getType());
    int64_t keys = op.getB().getType().getShape()[1];
    int64_t chunkBytes = keys * 128;
    // One m64nD product per k16 step, D the accumulator's columns: B spans
    // the chunks, one 64-column swizzle atom each, `chunkBytes` apart (the
    // descriptor's leading byte offset); a k16 step is 16 swizzled rows of
    // 128 bytes. The accumulator's chunks in order are exactly the m64nD
    // fragment; D = 96 reads half of the last chunk.
    Value baseB = h.wgmmaDescriptor(values, chunkBytes);
    Value acc = adaptor.getAcc();
    // The fragment of keys 16kb .. 16kb + 15 is exactly the register-A
    // fragment of k16 step kb: four packed pairs.
    SmallVector<Value> a = h.unpack(adaptor.getA());
    for (int64_t kb = 0; kb < keys / 16; ++kb) {
      Value descB = arith::AddIOp::create(rewriter, loc, baseB,
                                          h.i64(kb * 16 * 128 / 16));
      acc =
          h.wgmmaRegisterShared(acc, ArrayRef<Value>(a).slice(4 * kb, 4), descB,
                                op.getAcc().getType().getCols(), element);
    }
    rewriter.replaceOp(op, acc);
    return success();
  }
};

struct WgmmaWaitLowering : public SchedulePattern<WgmmaWaitOp> {
  using SchedulePattern::SchedulePattern;
  LogicalResult
  matchAndRewrite(WgmmaWaitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    NVVM::WgmmaWaitGroupSyncOp::create(rewriter, op.getLoc(),
                                       op.getPendingAttr());
    rewriter.replaceOp(op, adaptor.getInputs());
    return success();
  }
};

struct TruncFLowering : public SchedulePattern<TruncFOp> {
  using SchedulePattern::SchedulePattern;
  LogicalResult
  matchAndRewrite(TruncFOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    HopperBuilder h(rewriter, op.getLoc());
    Type element = op.getType().getElementType();
    SmallVector<Value> values = h.unpack(adaptor.getInput()), packed;
    for (int64_t i = 0, e = values.size(); i < e; i += 2)
      packed.push_back(h.packPair(values[i], values[i + 1], element));
    rewriter.replaceOp(op, h.pack(packed));
    return success();
  }
};

struct SplitBF16Lowering : public SchedulePattern<SplitBF16Op> {
  using SchedulePattern::SchedulePattern;
  LogicalResult
  matchAndRewrite(SplitBF16Op op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    HopperBuilder h(rewriter, loc);
    Type bf16 = rewriter.getBF16Type();
    SmallVector<Value> values = h.unpack(adaptor.getInput()), high, low;
    for (int64_t i = 0, e = values.size(); i < e; i += 2) {
      Value packed = h.packPair(values[i], values[i + 1], bf16);
      auto [r0, r1] = h.unpackPair(packed, bf16);
      high.push_back(packed);
      low.push_back(h.packPair(
          arith::SubFOp::create(rewriter, loc, values[i], r0),
          arith::SubFOp::create(rewriter, loc, values[i + 1], r1), bf16));
    }
    rewriter.replaceOp(op, {h.pack(high), h.pack(low)});
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

struct RescaleLowering : public SchedulePattern<RescaleOp> {
  using SchedulePattern::SchedulePattern;
  LogicalResult
  matchAndRewrite(RescaleOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    HopperBuilder h(rewriter, loc);
    SmallVector<Value> factor = h.unpack(adaptor.getFactor());
    assert(factor.size() == 2 && "a thread holds two row halves");
    auto multiply = [&] {
      SmallVector<Value> acc = h.unpack(adaptor.getAcc());
      for (int64_t i = 0, e = acc.size(); i < e; ++i)
        acc[i] =
            arith::MulFOp::create(rewriter, loc, acc[i], factor[rowHalf(i)]);
      return h.pack(acc);
    };
    Value warpRescales = adaptor.getWarpRescales();
    if (!warpRescales && !op.getSkipUnitFactors()) {
      rewriter.replaceOp(op, multiply());
      return success();
    }
    // The vote makes the branch warp-uniform, which ptxas needs to keep
    // the products around it asynchronous (a given flag is one already).
    if (!warpRescales) {
      SmallVector<Value, 2> notUnit;
      for (Value rowFactor : factor)
        notUnit.push_back(arith::CmpFOp::create(
            rewriter, loc, arith::CmpFPredicate::UNE, rowFactor, h.f32(1.0)));
      Value anyNotUnit =
          arith::OrIOp::create(rewriter, loc, notUnit[0], notUnit[1]);
      warpRescales = NVVM::VoteSyncOp::create(
          rewriter, loc, rewriter.getI1Type(), h.i32(-1), anyNotUnit,
          NVVM::VoteSyncKind::any);
    }
    auto ifOp =
        scf::IfOp::create(rewriter, loc, TypeRange{adaptor.getAcc().getType()},
                          warpRescales, /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(ifOp.thenBlock());
      scf::YieldOp::create(rewriter, loc, multiply());
      rewriter.setInsertionPointToStart(ifOp.elseBlock());
      scf::YieldOp::create(rewriter, loc, adaptor.getAcc());
    }
    rewriter.replaceOp(op, ifOp.getResult(0));
    return success();
  }
};

struct NormalizeLowering : public SchedulePattern<NormalizeOp> {
  using SchedulePattern::SchedulePattern;
  LogicalResult
  matchAndRewrite(NormalizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    HopperBuilder h(rewriter, loc);
    ThreadPlace thread(h);
    SmallVector<Value> acc = h.unpack(adaptor.getAcc());
    SmallVector<Value> max = h.unpack(adaptor.getMax());
    // bsattn.online_softmax leaves each lane its partial row sum.
    SmallVector<Value> sum;
    for (Value partial : h.unpack(adaptor.getSum()))
      sum.push_back(quadReduce(h, partial, /*isMax=*/false));
    Value seqLen = h.toI32(adaptor.getSeqLen());
    Value zero = h.f32(0.0), one = h.f32(1.0), minusInf = h.f32(-INFINITY);
    Value firstRow = arith::AddIOp::create(
        rewriter, loc,
        arith::MulIOp::create(rewriter, loc, h.toI32(adaptor.getQueryBlock()),
                              h.i32(op.getAcc().getType().getRows())),
        thread.row0);
    SmallVector<Value> inverse(2), lse(2);
    for (int64_t half = 0; half < 2; ++half) {
      Value row =
          arith::AddIOp::create(rewriter, loc, firstRow, h.i32(8 * half));
      // A row is written as computed only if it is before seq_len and saw a
      // key; otherwise o = 0 and lse = -inf.
      Value inSequence = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::slt, row, seqLen);
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
    Type element = op.getOutput().getType().getElementType();
    SmallVector<Value> output;
    for (int64_t i = 0, e = acc.size(); i < e; i += 2) {
      Value scale = inverse[rowHalf(i)];
      output.push_back(h.packPair(
          arith::MulFOp::create(rewriter, loc, acc[i], scale),
          arith::MulFOp::create(rewriter, loc, acc[i + 1], scale), element));
    }
    rewriter.replaceOp(op, {h.pack(output), h.pack(lse)});
    return success();
  }
};

struct StoreSwizzledLowering : public SchedulePattern<StoreSwizzledOp> {
  using SchedulePattern::SchedulePattern;
  LogicalResult
  matchAndRewrite(StoreSwizzledOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    HopperBuilder h(rewriter, loc);
    ThreadPlace thread(h);
    MemRefType type = op.getDest().getType();
    int64_t chunkBytes = type.getShape()[1] * 128;
    // In row r, 16-byte group c lands at group c ^ (r % 8), and r % 8 is
    // the thread's lane / 4.
    Value swizzle = arith::ShLIOp::create(
        rewriter, loc,
        arith::ShRUIOp::create(rewriter, loc, thread.lane, h.i32(2)), h.i32(4));
    Value base = MemRefDescriptor(adaptor.getDest())
                     .bufferPtr(rewriter, loc, *getTypeConverter(), type);
    SmallVector<Value> pairs = h.unpack(adaptor.getTile());
    for (auto [p, pair] : llvm::enumerate(pairs)) {
      int64_t i = 2 * p;
      Value row = arith::AddIOp::create(rewriter, loc, thread.row0,
                                        h.i32(8 * rowHalf(i)));
      Value byteInRow = arith::MulIOp::create(
          rewriter, loc,
          arith::AddIOp::create(rewriter, loc, thread.chunkCol,
                                h.i32(fragmentColumn(i % 32))),
          h.i32(2));
      Value offset = arith::AddIOp::create(
          rewriter, loc, h.i32((i / 32) * chunkBytes),
          arith::AddIOp::create(
              rewriter, loc,
              arith::MulIOp::create(rewriter, loc, row, h.i32(128)),
              arith::XOrIOp::create(rewriter, loc, byteInRow, swizzle)));
      LLVM::StoreOp::create(rewriter, loc, pair, h.sharedPtr(base, offset),
                            /*alignment=*/4);
    }
    rewriter.eraseOp(op);
    return success();
  }
};

struct PrefetchL2Lowering : public SchedulePattern<PrefetchL2Op> {
  using SchedulePattern::SchedulePattern;
  LogicalResult
  matchAndRewrite(PrefetchL2Op op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<MemRefType>(op.getSource().getType());
    Value base = MemRefDescriptor(adaptor.getSource())
                     .bufferPtr(rewriter, loc, *getTypeConverter(), type);
    Type element = getTypeConverter()->convertType(type.getElementType());
    Value address = LLVM::GEPOp::create(rewriter, loc, base.getType(), element,
                                        base, adaptor.getIndex());
    NVVM::PrefetchOp::create(rewriter, loc,
                             NVVM::PrefetchCacheLevelAttr::get(
                                 getContext(), NVVM::PrefetchCacheLevel::L2),
                             /*evictPriority=*/nullptr, address,
                             /*predicate=*/Value());
    rewriter.eraseOp(op);
    return success();
  }
};

struct StoreRowsLowering : public SchedulePattern<StoreRowsOp> {
  using SchedulePattern::SchedulePattern;
  LogicalResult
  matchAndRewrite(StoreRowsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    HopperBuilder h(rewriter, loc);
    ThreadPlace thread(h);
    auto type = cast<MemRefType>(op.getDest().getType());
    SmallVector<Value> rows = h.unpack(adaptor.getRows());
    // One lane of each quad writes the quad's two rows.
    Value quadLeader = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq,
        arith::AndIOp::create(rewriter, loc, thread.lane, h.i32(3)), h.i32(0));
    auto ifOp = scf::IfOp::create(rewriter, loc, quadLeader, false);
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(ifOp.thenBlock());
    Value firstRow = arith::AddIOp::create(
        rewriter, loc, h.toI64(adaptor.getFirstRow()), h.toI64(thread.row0));
    Value extent =
        MemRefDescriptor(adaptor.getDest()).size(rewriter, loc, /*pos=*/2);
    for (int64_t half = 0; half < 2; ++half) {
      Value row =
          arith::AddIOp::create(rewriter, loc, firstRow, h.i64(8 * half));
      Value inside = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::slt, row, extent);
      auto inBounds = scf::IfOp::create(rewriter, loc, inside, false);
      OpBuilder::InsertionGuard rowGuard(rewriter);
      rewriter.setInsertionPointToStart(inBounds.thenBlock());
      Value address =
          getStridedElementPtr(rewriter, loc, type, adaptor.getDest(),
                               {adaptor.getBatch(), adaptor.getHead(), row});
      LLVM::StoreOp::create(rewriter, loc, rows[half], address,
                            /*alignment=*/4);
    }
    rewriter.eraseOp(op);
    return success();
  }
};

struct ConvertSharedLowering : public SchedulePattern<ConvertSharedOp> {
  using SchedulePattern::SchedulePattern;
  LogicalResult
  matchAndRewrite(ConvertSharedOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    HopperBuilder h(rewriter, loc);
    ThreadPlace thread(h);
    MemRefType type = op.getBuffer().getType();
    Value base = MemRefDescriptor(adaptor.getBuffer())
                     .bufferPtr(rewriter, loc, *getTypeConverter(), type);
    // The op's threads take 16-byte chunks (8 elements) in turn; where
    // they do not divide the buffer, the last round is predicated.
    int64_t threads = op.getThreads(), chunks = type.getNumElements() / 8;
    Value index = arith::SubIOp::create(rewriter, loc, thread.tid,
                                        h.i32(op.getFirstThread()));
    Value threadOffset = arith::MulIOp::create(rewriter, loc, index, h.i32(16));
    for (int64_t i = 0; i * threads < chunks; ++i) {
      Value offset = arith::AddIOp::create(rewriter, loc, threadOffset,
                                           h.i32(i * 16 * threads));
      auto convert = [&] {
        h.convertBF16ToF16InPlace(h.sharedPtr(base, offset));
      };
      if ((i + 1) * threads <= chunks) {
        convert();
        continue;
      }
      Value inside =
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::slt, index,
                                h.i32(chunks - i * threads));
      auto ifOp = scf::IfOp::create(rewriter, loc, inside, /*withElse=*/false);
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(ifOp.thenBlock());
      convert();
    }
    rewriter.eraseOp(op);
    return success();
  }
};
struct MaskLowering : public SchedulePattern<MaskOp> {
  using SchedulePattern::SchedulePattern;
  LogicalResult
  matchAndRewrite(MaskOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    HopperBuilder h(rewriter, loc);
    int64_t queryRows = op.getScores().getType().getRows();
    int64_t keyCols = op.getScores().getType().getCols();
    Value block = h.toI32(adaptor.getKeyBlock());
    Value seqLen = h.toI32(adaptor.getSeqLen());
    Value firstKey =
        arith::MulIOp::create(rewriter, loc, block, h.i32(keyCols));
    Value endKey =
        arith::AddIOp::create(rewriter, loc, firstKey, h.i32(keyCols));
    // Only a key tile that reaches past seq_len and, if causal, one whose
    // last key is after the tile's first query need a mask; every other
    // tile passes through.
    bool causal = op.getCausal();
    Value queryBlock = h.toI32(adaptor.getQueryBlock());
    Value firstQuery =
        arith::MulIOp::create(rewriter, loc, queryBlock, h.i32(queryRows));
    Value diagonal;
    if (causal) {
      Value lastKey = arith::SubIOp::create(rewriter, loc, endKey, h.i32(1));
      diagonal = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sgt,
                                       lastKey, firstQuery);
    }
    Value needed = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::sgt, endKey, seqLen);
    if (causal)
      needed = arith::OrIOp::create(rewriter, loc, diagonal, needed);
    Type type = adaptor.getScores().getType();
    auto ifOp = scf::IfOp::create(rewriter, loc, TypeRange{type}, needed,
                                  /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(ifOp.thenBlock());
      ThreadPlace thread(h);
      Value keyBase =
          arith::AddIOp::create(rewriter, loc, firstKey, thread.chunkCol);
      // Each of the thread's two rows hides the keys at or past its limit,
      // min(query + 1, seq_len) if causal and seq_len if not. Taken relative
      // to the thread's first key, the limit leaves one compare of a
      // constant column per score.
      Value queryBase =
          causal ? arith::AddIOp::create(rewriter, loc, firstQuery, thread.row0)
                 : Value();
      Value columnLimits[2];
      for (int64_t half = 0; half < 2; ++half) {
        Value limit = seqLen;
        if (causal) {
          Value query = arith::AddIOp::create(rewriter, loc, queryBase,
                                              h.i32(8 * half + 1));
          limit = arith::MinSIOp::create(rewriter, loc, query, seqLen);
        }
        columnLimits[half] =
            arith::SubIOp::create(rewriter, loc, limit, keyBase);
      }
      Value minusInf = h.f32(-INFINITY);
      SmallVector<Value> scores = h.unpack(adaptor.getScores());
      for (int64_t i = 0, e = scores.size(); i < e; ++i) {
        Value hidden = arith::CmpIOp::create(
            rewriter, loc, arith::CmpIPredicate::sge, h.i32(fragmentColumn(i)),
            columnLimits[rowHalf(i)]);
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

/// The online softmax's new row maxima, rescale factors and exponent
/// offsets (-max, see usedMaximum), per row half of the thread's fragment.
struct RowMaxima {
  SmallVector<Value, 2> maxNew, alpha, offset;
  /// With a warp vote: whether a row of the warp moved its maximum.
  Value warpMoved;
};

/// A row half's maximum as the exponentials subtract it: 0 while it is
/// -inf (a row that has seen no key), so that exp2(-inf - -inf) never
/// makes a NaN.
Value usedMaximum(HopperBuilder &h, Value max) {
  Value empty = arith::CmpFOp::create(h.b, h.loc, arith::CmpFPredicate::OEQ,
                                      max, h.f32(-INFINITY));
  return arith::SelectOp::create(h.b, h.loc, empty, h.f32(0.0), max);
}

/// The lane's maximum of its scores in row half `half`, in kMaxChains
/// interleaved chains (FlashAttention-4's form): each max waits on one
/// issued kMaxChains * 2 instructions earlier instead of on the one before.
/// A chain starts at its first score: a -inf seed would cost an instruction
/// per chain that LLVM may not fold (maxnum(-inf, x) is -inf for a NaN x),
/// and every NaN the seed would absorb is dropped by the next maxnum all
/// the same.
Value laneMaximum(HopperBuilder &h, ArrayRef<Value> scores, int64_t half) {
  SmallVector<Value> chains;
  int64_t position = 0;
  for (auto [i, score] : llvm::enumerate(scores)) {
    if (rowHalf(i) != half)
      continue;
    if (chains.size() < kMaxChains) {
      chains.push_back(score);
      continue;
    }
    Value &chain = chains[position++ % kMaxChains];
    chain = h.maxNum(chain, score);
  }
  assert(!chains.empty() && "a thread holds scores of both row halves");
  // Pairwise, in place: chain c / 2 takes the maximum of chains c and c + 1.
  while (chains.size() > 1) {
    size_t count = chains.size();
    for (size_t c = 0; c + 1 < count; c += 2)
      chains[c / 2] = h.maxNum(chains[c], chains[c + 1]);
    if (count % 2)
      chains[count / 2] = chains[count - 1];
    chains.resize((count + 1) / 2);
  }
  return chains[0];
}

/// Whether a row maximum `maxOld` moves to `grown` (its maximum with a
/// block's) under a rescale threshold N: by more than N. The growth, not
/// old + N, which rounds at large maxima; a row's first finite maximum
/// grows by +inf, one still at -inf by NaN (no move).
Value movesPast(HopperBuilder &h, Value maxOld, Value grown,
                int64_t threshold) {
  Value growth = arith::SubFOp::create(h.b, h.loc, grown, maxOld);
  return arith::CmpFOp::create(h.b, h.loc, arith::CmpFPredicate::OGT, growth,
                               h.f32(static_cast<double>(threshold)));
}

/// With a `rescaleThreshold` N a row keeps its old maximum, and alpha = 1,
/// unless the block's exceeds it by more than N. With `voteKept` (which
/// needs N) a warp first votes on its lanes' own maxima: where none moves
/// past N, no row's maximum does (a row's is its four lanes' largest), and
/// the warp keeps its maxima without reducing them across the lanes.
RowMaxima emitRowMaxima(HopperBuilder &h, ArrayRef<Value> scores,
                        ArrayRef<Value> maxOld, Value scale,
                        std::optional<int64_t> rescaleThreshold,
                        bool voteKept) {
  SmallVector<Value, 2> lane(2);
  auto laneOf = [&](int64_t half) {
    if (!lane[half])
      lane[half] = laneMaximum(h, scores, half);
    return lane[half];
  };
  // The scale is positive, so it commutes with the maximum.
  auto scaled = [&](Value max) {
    return arith::MulFOp::create(h.b, h.loc, max, scale).getResult();
  };
  auto reduce = [&] {
    RowMaxima maxima;
    for (int64_t half = 0; half < 2; ++half) {
      Value local = scaled(quadReduce(h, laneOf(half), /*isMax=*/true));
      Value maxNew = h.maxNum(maxOld[half], local);
      Value moved;
      if (rescaleThreshold) {
        moved = movesPast(h, maxOld[half], maxNew, *rescaleThreshold);
        maxNew =
            arith::SelectOp::create(h.b, h.loc, moved, maxNew, maxOld[half]);
      }
      Value used = usedMaximum(h, maxNew);
      Value alpha =
          h.exp2(arith::SubFOp::create(h.b, h.loc, maxOld[half], used));
      // Exactly 1 where the maximum stayed, whatever exp2(0) rounds to, so
      // that bsattn.rescale's skip_unit_factors sees it.
      if (moved)
        alpha = arith::SelectOp::create(h.b, h.loc, moved, alpha, h.f32(1.0));
      maxima.maxNew.push_back(maxNew);
      maxima.offset.push_back(arith::NegFOp::create(h.b, h.loc, used));
      maxima.alpha.push_back(alpha);
    }
    return maxima;
  };
  if (!voteKept)
    return reduce();
  assert(rescaleThreshold && "the verifier asks for a threshold");
  // The vote makes the branch warp-uniform, which ptxas needs to keep the
  // products around it asynchronous.
  // A lane's maximum grows past the threshold iff scale * lane - maxOld
  // exceeds it (the maximum with maxOld only clamps growth at 0), one FFMA.
  // Rounded once instead of twice, the vote may differ from the reduction's
  // test at the threshold's last ulp, where either maximum keeps the
  // probabilities inside f16's range.
  auto laneMoves = [&](int64_t half) {
    Value negOld = arith::NegFOp::create(h.b, h.loc, maxOld[half]);
    Value growth = h.fma(laneOf(half), scale, negOld);
    return arith::CmpFOp::create(h.b, h.loc, arith::CmpFPredicate::OGT, growth,
                                 h.f32(static_cast<double>(*rescaleThreshold)));
  };
  Value firstMoves = laneMoves(0);
  Value secondMoves = laneMoves(1);
  Value anyLaneMoves =
      arith::OrIOp::create(h.b, h.loc, firstMoves, secondMoves);
  Value warpMoves =
      NVVM::VoteSyncOp::create(h.b, h.loc, h.b.getI1Type(), h.i32(-1),
                               anyLaneMoves, NVVM::VoteSyncKind::any);
  Type f32 = h.b.getF32Type();
  auto ifOp = scf::IfOp::create(h.b, h.loc, SmallVector<Type>(6, f32),
                                warpMoves, /*withElseRegion=*/true);
  {
    OpBuilder::InsertionGuard guard(h.b);
    h.b.setInsertionPointToStart(ifOp.thenBlock());
    RowMaxima moved = reduce();
    scf::YieldOp::create(h.b, h.loc,
                         ValueRange{moved.maxNew[0], moved.maxNew[1],
                                    moved.alpha[0], moved.alpha[1],
                                    moved.offset[0], moved.offset[1]});
    h.b.setInsertionPointToStart(ifOp.elseBlock());
    Value one = h.f32(1.0);
    scf::YieldOp::create(
        h.b, h.loc,
        ValueRange{
            maxOld[0], maxOld[1], one, one,
            arith::NegFOp::create(h.b, h.loc, usedMaximum(h, maxOld[0])),
            arith::NegFOp::create(h.b, h.loc, usedMaximum(h, maxOld[1]))});
  }
  RowMaxima maxima;
  maxima.maxNew = {ifOp.getResult(0), ifOp.getResult(1)};
  maxima.alpha = {ifOp.getResult(2), ifOp.getResult(3)};
  maxima.offset = {ifOp.getResult(4), ifOp.getResult(5)};
  maxima.warpMoved = warpMoves;
  return maxima;
}

/// The exponent offsets of row maxima `max` (bsattn.row_max's results).
SmallVector<Value, 2> exponentOffsets(HopperBuilder &h, ArrayRef<Value> max) {
  return llvm::map_to_vector<2>(max, [&](Value rowMax) -> Value {
    return arith::NegFOp::create(h.b, h.loc, usedMaximum(h, rowMax));
  });
}

/// probs[i] = exp2(scale * scores[i] + offset) for the fragment elements
/// in columns [firstColumn, endColumn), each added to its row half's
/// rowSum; in the 8-column chunks starting at polyColumns with the FMA
/// units' polynomial.
void emitExponentials(HopperBuilder &h, ArrayRef<Value> scores,
                      ArrayRef<Value> offset, Value scale, int64_t firstColumn,
                      int64_t endColumn,
                      std::optional<ArrayRef<int64_t>> polyColumns,
                      MutableArrayRef<Value> probs,
                      MutableArrayRef<Value> rowSum) {
  for (auto [i, score] : llvm::enumerate(scores)) {
    int64_t column = fragmentColumn(i) - fragmentColumn(i) % 8;
    if (column < firstColumn || column >= endColumn)
      continue;
    int64_t half = rowHalf(i);
    Value exponent = h.fma(score, scale, offset[half]);
    probs[i] = polyColumns && llvm::is_contained(*polyColumns, column)
                   ? h.exp2Polynomial(exponent)
                   : h.exp2(exponent);
    rowSum[half] = arith::AddFOp::create(h.b, h.loc, rowSum[half], probs[i]);
  }
}

struct OnlineSoftmaxLowering : public SchedulePattern<OnlineSoftmaxOp> {
  using SchedulePattern::SchedulePattern;
  LogicalResult
  matchAndRewrite(OnlineSoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    HopperBuilder h(rewriter, op.getLoc());
    SmallVector<Value> scores = h.unpack(adaptor.getScores());
    SmallVector<Value> sumOld = h.unpack(adaptor.getSum());
    Value scale = h.f32(op.getScaleLog2().convertToDouble());
    RowMaxima maxima =
        emitRowMaxima(h, scores, h.unpack(adaptor.getMax()), scale,
                      op.getRescaleThreshold(), op.getVoteKeptMaxima());
    SmallVector<Value> probs(scores.size());
    // -0 + p is p exactly, so LLVM folds the first add away (0 + p is not
    // p for p = -0).
    SmallVector<Value, 2> rowSum(2, h.f32(-0.0));
    emitExponentials(h, scores, maxima.offset, scale, 0,
                     op.getScores().getType().getCols(), op.getPolyColumns(),
                     probs, rowSum);
    // The sum stays the lane's partial sum over its own columns (the
    // quad's four add up to the row's): alpha is the same in every lane of
    // the quad, and only bsattn.normalize needs the whole row's.
    SmallVector<Value> sumNew;
    for (int64_t half = 0; half < 2; ++half)
      sumNew.push_back(h.fma(maxima.alpha[half], sumOld[half], rowSum[half]));
    SmallVector<Value, 5> results = {h.pack(probs), h.pack(maxima.maxNew),
                                     h.pack(sumNew), h.pack(maxima.alpha)};
    if (op.getWarpMoved())
      results.push_back(maxima.warpMoved);
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct RowMaxLowering : public SchedulePattern<RowMaxOp> {
  using SchedulePattern::SchedulePattern;
  LogicalResult
  matchAndRewrite(RowMaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    HopperBuilder h(rewriter, op.getLoc());
    SmallVector<Value> scores = h.unpack(adaptor.getScores());
    SmallVector<Value> max = h.unpack(adaptor.getMax());
    RowMaxima maxima = emitRowMaxima(
        h, scores, max, h.f32(op.getScaleLog2().convertToDouble()),
        op.getRescaleThreshold(), op.getVoteKeptMaxima());
    SmallVector<Value, 3> results = {h.pack(maxima.maxNew),
                                     h.pack(maxima.alpha)};
    if (op.getWarpMoved())
      results.push_back(maxima.warpMoved);
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct ExpScoresLowering : public SchedulePattern<ExpScoresOp> {
  using SchedulePattern::SchedulePattern;
  LogicalResult
  matchAndRewrite(ExpScoresOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    HopperBuilder h(rewriter, op.getLoc());
    SmallVector<Value> scores = h.unpack(adaptor.getScores());
    SmallVector<Value> max = h.unpack(adaptor.getMax());
    SmallVector<Value> probs = h.unpack(adaptor.getProbsIn());
    SmallVector<Value> rowSum = h.unpack(adaptor.getRowSumIn());
    int64_t first = op.getFirstColumn();
    emitExponentials(h, scores, exponentOffsets(h, max),
                     h.f32(op.getScaleLog2().convertToDouble()), first,
                     first + op.getColumns(), op.getPolyColumns(), probs,
                     rowSum);
    rewriter.replaceOp(op, {h.pack(probs), h.pack(rowSum)});
    return success();
  }
};

struct RowsFmaLowering : public SchedulePattern<RowsFmaOp> {
  using SchedulePattern::SchedulePattern;
  LogicalResult
  matchAndRewrite(RowsFmaOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    HopperBuilder h(rewriter, op.getLoc());
    SmallVector<Value> a = h.unpack(adaptor.getA());
    SmallVector<Value> b = h.unpack(adaptor.getB());
    SmallVector<Value> c = h.unpack(adaptor.getC());
    for (auto [ai, bi, ci] : llvm::zip(a, b, c))
      ci = h.fma(ai, bi, ci);
    rewriter.replaceOp(op, h.pack(c));
    return success();
  }
};

struct WarpSpecializeLowering : public SchedulePattern<WarpSpecializeOp> {
  using SchedulePattern::SchedulePattern;
  LogicalResult
  matchAndRewrite(WarpSpecializeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    HopperBuilder h(rewriter, loc);
    // The warpgroup index broadcast from lane 0: ptxas then knows the role
    // branch is warp-uniform, which it needs to give each role its own
    // register budget.
    Value tid = NVVM::ThreadIdXOp::create(rewriter, loc, rewriter.getI32Type());
    Value group = NVVM::ShflOp::create(
        rewriter, loc, rewriter.getI32Type(), h.i32(-1),
        arith::ShRUIOp::create(rewriter, loc, tid, h.i32(7)), h.i32(0),
        h.i32(0x1f), NVVM::ShflKindAttr::get(getContext(), NVVM::ShflKind::idx),
        UnitAttr());
    Value isConsumer =
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ult, group,
                              h.i32(op.getConsumerThreads() / 128));
    auto ifOp = scf::IfOp::create(rewriter, loc, isConsumer,
                                  /*withElseRegion=*/true);
    // A budget other than the launch's even split is set at the role's
    // start.
    int64_t even = op.getEvenRegisters();
    auto role = [&](Block *block, Region &region, int64_t registers) {
      rewriter.setInsertionPoint(block->getTerminator());
      if (registers != even)
        NVVM::SetMaxRegisterOp::create(
            rewriter, loc, registers,
            registers > even ? NVVM::SetMaxRegisterAction::increase
                             : NVVM::SetMaxRegisterAction::decrease);
      rewriter.inlineBlockBefore(&region.front(), block->getTerminator());
    };
    role(ifOp.thenBlock(), op.getConsumers(), op.getConsumerRegisters());
    role(ifOp.elseBlock(), op.getProducer(), op.getProducerRegisters());
    rewriter.eraseOp(op);
    return success();
  }
};

struct SplatLowering : public SchedulePattern<SplatOp> {
  using SchedulePattern::SchedulePattern;
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

/// Register tiles and rows -> per-thread structs; nvgpu's types as its own
/// conversion pass converts them.
void addScheduleTypeConversions(LLVMTypeConverter &converter) {
  MLIRContext *ctx = &converter.getContext();
  converter.addConversion([ctx](TileType type) -> Type {
    // Each consumer warpgroup holds 64 rows: cols / 2 values per thread,
    // 16-bit ones packed in pairs.
    Type element = type.getElementType();
    if (element.isF32())
      return LLVM::LLVMStructType::getLiteral(
          ctx, SmallVector<Type>(type.getCols() / 2, element));
    return LLVM::LLVMStructType::getLiteral(
        ctx, SmallVector<Type>(type.getCols() / 4, IntegerType::get(ctx, 32)));
  });
  converter.addConversion([ctx](RowsType type) -> Type {
    // Two rows per thread: row0 and row0 + 8. A softmax sum is the lane's
    // partial sum (bsattn.online_softmax, bsattn.normalize).
    auto f32 = Float32Type::get(ctx);
    return LLVM::LLVMStructType::getLiteral(ctx, {f32, f32});
  });
  converter.addConversion([&converter](nvgpu::MBarrierTokenType type) {
    return converter.convertType(IntegerType::get(type.getContext(), 64));
  });
  converter.addConversion([&converter](nvgpu::MBarrierGroupType type) {
    return converter.convertType(
        nvgpu::getMBarrierMemrefType(type.getContext(), type));
  });
  converter.addConversion([](nvgpu::TensorMapDescriptorType type) -> Type {
    return LLVM::LLVMPointerType::get(type.getContext());
  });
  populateGpuMemorySpaceAttributeConversions(
      converter, [](gpu::AddressSpace space) -> unsigned {
        switch (space) {
        case gpu::AddressSpace::Global:
          return 1;
        case gpu::AddressSpace::Workgroup:
          return 3;
        case gpu::AddressSpace::Private:
          return 0;
        }
        llvm_unreachable("unknown GPU address space");
      });
}

struct ConvertBSAttnScheduleToNVVMPass
    : public bsattn::impl::ConvertBSAttnScheduleToNVVMBase<
          ConvertBSAttnScheduleToNVVMPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    LLVMTypeConverter converter(ctx);
    addScheduleTypeConversions(converter);
    RewritePatternSet patterns(ctx);
    patterns.add<SharedAllocLowering, TensorMapLowering, GlobalMemRefLowering,
                 WgmmaSharedLowering, WgmmaRegisterLowering, WgmmaWaitLowering,
                 TruncFLowering, SplitBF16Lowering, RescaleLowering,
                 NormalizeLowering, PrefetchL2Lowering, StoreSwizzledLowering,
                 StoreRowsLowering, ConvertSharedLowering, MaskLowering,
                 OnlineSoftmaxLowering, RowMaxLowering, ExpScoresLowering,
                 RowsFmaLowering, SplatLowering, WarpSpecializeLowering>(
        converter);
    populateNVGPUToNVVMConversionPatterns(converter, patterns);
    // Subviews become descriptor arithmetic, then LLVM.
    memref::populateExpandStridedMetadataPatterns(patterns);
    populateAffineToStdConversionPatterns(patterns);
    populateFinalizeMemRefToLLVMConversionPatterns(converter, patterns);
    // A choice between two shared buffers (o's staging) needs their
    // address space converted with them; other arith ops stay.
    arith::populateArithToLLVMConversionPatterns(converter, patterns);
    ConversionTarget target(*ctx);
    target.addIllegalDialect<BSAttnDialect, nvgpu::NVGPUDialect,
                             memref::MemRefDialect, affine::AffineDialect>();
    target.addLegalDialect<arith::ArithDialect, LLVM::LLVMDialect,
                           NVVM::NVVMDialect, gpu::GPUDialect>();
    target.addDynamicallyLegalOp<arith::SelectOp>(
        [](arith::SelectOp op) { return !isa<MemRefType>(op.getType()); });
    target.addLegalOp<UnrealizedConversionCastOp>();
    scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                         target);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
