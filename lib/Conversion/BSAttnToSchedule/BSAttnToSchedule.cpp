//===- BSAttnToSchedule.cpp - query tiles -> schedule-level kernels -------===//
//
// Outlines each function's query tile into an llvm.func kernel in a
// gpu.module and rewrites the tile ops into the kernel-schedule level:
// shared-memory buffers, nvgpu mbarrier pipelines and TMA copies, and
// asynchronous warpgroup products retired by explicit waits.
//
//===----------------------------------------------------------------------===//

#include "bsattn/Conversion/Passes.h"
#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"
#include "bsattn/Schedule/NamedBarriers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::bsattn {
#define GEN_PASS_DEF_CONVERTBSATTNTOSCHEDULE
#include "bsattn/Conversion/Passes.h.inc"
} // namespace mlir::bsattn

using namespace mlir;
using namespace mlir::bsattn;

namespace {

/// The CTA this level starts from: a consumer warpgroup per 64 query rows
/// of the tuning's query tile (128 or 192 rows), K/V tiles of its key tile
/// (64 to 256 keys, in steps of 16). A D-column 16-bit tile is D / 64
/// chunks, rows x 64 TMA boxes (128-byte swizzled rows).
constexpr int64_t kGroupRows = 64;
constexpr int64_t kWarpgroupThreads = 128;
constexpr int64_t kChunkCols = 64;
constexpr int64_t kMBarrierTicks = 10000000;

/// The body argument of the query tile's capture named `name`, or null.
Value captureNamed(QueryTileOp tile, StringRef name) {
  for (auto [i, captureName] : llvm::enumerate(tile.getCaptureNames()))
    if (cast<StringAttr>(captureName).getValue() == name)
      return tile.getCaptureArgument(i);
  return {};
}

/// Checks what this lowering supports; each limit gets its own message.
LogicalResult checkSupported(QueryTileOp tile) {
  auto fail = [&](const Twine &what) {
    return tile.emitOpError()
           << "convert-bsattn-to-schedule does not support " << what << " yet";
  };
  TuningAttr tuning = tile.getTuning();
  int64_t rows = tuning.getBlockQ(), warpgroups = tuning.getWarpgroups();
  // The attribute ties warpgroups to block_q (64 rows each).
  if (rows != 128 && rows != 192)
    return fail("tuning block_q = " + Twine(rows) + " (only 128 and 192)");
  // A consumer thread holds D / 2 accumulator values, block_k / 2 scores
  // and, under the overlap, the previous block's block_k / 4 packed
  // probabilities. Of two warpgroups' 240 registers, 188 of them (D = 256
  // with 80 keys, FlashAttention-3's tile) leave enough to addresses and
  // row state; of three warpgroups' 160, 128 (D = 64 with 128 keys, its
  // tile): ptxas 13.0 spills above 128 (152 at D = 64 with 160 keys, 144
  // at D = 96 with 128). Two warpgroups compile clean up to 208 (D = 128
  // with 192 keys), but nothing above 188 was faster
  // (bench/results/2026-12-06-h100-d128-wide-key-tiles.json).
  int64_t headDim = tile.getHeadDim(), keyTile = tile.getKeyTileSize();
  int64_t tileRegisters = headDim / 2 + 3 * keyTile / 4;
  int64_t limit = warpgroups == 2 ? 188 : 128;
  if (tileRegisters > limit)
    return fail("head dimension " + Twine(headDim) +
                " with block_k = " + Twine(keyTile) + " and " +
                Twine(warpgroups) + " warpgroups (" + Twine(tileRegisters) +
                " accumulator, score and probability registers per thread, "
                "over " +
                Twine(limit) + ")");
  if (keyTile < 64)
    return fail("key tiles of " + Twine(keyTile) + " keys (at least 64)");
  // Thread 0 loads the next block before it computes the current one, so
  // a one-slot ring would wait on its own release.
  if (tuning.getStages() < 2)
    return fail("a K/V ring of " + Twine(tuning.getStages()) +
                " stage (at least 2)");
  if (tuning.getPaddingTilesLast()) {
    // bsattn-tile always captures seq_lens; a hand-written query tile may
    // not.
    if (!captureNamed(tile, "seq_lens"))
      return tile.emitOpError()
             << "has tuning padding_tiles_last but no 'seq_lens' capture to "
                "tell the padding tiles by";
    if (!tuning.getPersistent() && isa<CausalAttr>(tile.getSparsity()))
      return fail("tuning padding_tiles_last for a causal pattern's one CTA "
                  "per tile (its tiles go in sections)");
  }
  if (tuning.getPrefetchIndices() &&
      !(captureNamed(tile, "row_ptr") && captureNamed(tile, "col_idx")))
    return tile.emitOpError()
           << "has tuning prefetch_indices but no 'row_ptr' and 'col_idx' "
              "captures (a #bsattn.csr pattern's) to prefetch";
  if ((tuning.getPrefetchIndices() || tuning.getPrefetchBlocks()) &&
      isa<CausalAttr>(tile.getSparsity()))
    return fail("tuning prefetch_indices or prefetch_blocks for a causal "
                "pattern's one CTA per tile (its tiles go in sections, not "
                "head after head)");
  // One CTA per tile puts heads and batch entries on the grid's y and z.
  if (!tuning.getPersistent()) {
    auto shape = cast<MemRefType>(tile.getLse().getType()).getShape();
    for (auto [dim, name] : {std::pair{1, "heads"}, {0, "batch entries"}})
      if (!ShapedType::isDynamic(shape[dim]) && shape[dim] > 65535)
        return tile.emitOpError()
               << "has " << shape[dim] << " " << name
               << ", over the 65535 a grid dimension holds (use "
                  "#bsattn.tuning<persistent = true>)";
  }
  return success();
}

/// How the host computes an argument of the kernel ABI; becomes one entry
/// of the kernel's `bsattn.abi` attribute (and of the manifest).
DictionaryAttr abiEntry(Builder &b, StringRef kind, StringRef name,
                        int64_t funcArg, ArrayRef<NamedAttribute> extra = {}) {
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("kind", b.getStringAttr(kind)),
      b.getNamedAttr("name", b.getStringAttr(name)),
      b.getNamedAttr("arg", b.getI64IntegerAttr(funcArg))};
  llvm::append_range(attrs, extra);
  return b.getDictionaryAttr(attrs);
}

/// A memref kernel argument: its pointer and its dynamic sizes (i64).
struct MemRefArg {
  Value ptr;
  SmallVector<Value> dynamicSizes;
};

/// The kernel's structure that the tile-op patterns build on; every value
/// is defined in the kernel's entry block or the tile loop's body.
struct Schedule {
  QueryTileOp tile;
  Value tmapQ, tmapK, tmapV, tmapO;
  /// lse as a global memref.
  Value lse;
  /// Q buffers [buffer][chunk][row][col] and the K/V ring
  /// [slot][K or V][chunk][row][col], 128-byte swizzled: a D-column tile is
  /// ceil(D / 64) chunks of 64 columns (128 bytes). With a ring of V's own
  /// (`value_stages`), `ring` holds only K ([slot][0][...]) and
  /// `valueRing` V.
  Value queryBuffers, ring, valueRing;
  /// The key block each ring slot holds, or -1 for an ignored entry
  /// (`memref<stages x i32>`), where the loads announce their blocks.
  Value announced;
  int64_t headDim = 128;
  int64_t chunks = 2;
  /// Query rows per tile (64 per consumer warpgroup) and the CTA's threads.
  int64_t tileRows = 128, threads = 256;
  /// Keys per K/V tile (rows of a ring chunk).
  int64_t keyRows = 128;
  /// mbarrier groups: a Q buffer has landed; a slot's K has landed, its V
  /// has landed (apart, so that S(j) need not wait for V(j)), the slot was
  /// released by every thread, had its V converted to f16 by every thread.
  /// With a ring of V's own (`value_stages`), `slotEmpty` is K's (released
  /// after Q.K^T) and `valuesEmpty` V's; `valuesLanded` and `slotConverted`
  /// then count V's slots.
  Value queryLanded, keysLanded, valuesLanded, slotEmpty, valuesEmpty,
      slotConverted;
  /// A single query buffer's "released by every thread" mbarrier, where the
  /// tile has a `bsattn.release_q`.
  Value queryEmpty;
  /// seq_lens as a global memref where the tiles holding no valid row go
  /// last (`padding_tiles_last`).
  Value seqLens;
  /// Whether P.V converts V (bf16 inputs, f16 products).
  bool convertValues = false;
  /// The depth of the K/V ring, and of V's own ring (0: none).
  int64_t stages = 2, valueStages = 0;
  /// Query heads per head of K and V.
  int64_t kvGroup = 1;
  /// i32 thread index; i1 "this is thread 0", which issues the loads.
  Value tid, isLeader;
  /// Index coordinates of the tile being computed, its query buffer and
  /// the parity of that buffer's mbarrier phase for this use.
  Value batch, head, queryBlock, queryBuffer, queryParity;
};

/// Builds schedule-level IR at a builder's point.
struct ScheduleBuilder {
  ScheduleBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  Value i32(int64_t value) {
    return arith::ConstantIntOp::create(b, loc, value, 32);
  }
  Value toIndex(Value value) {
    if (value.getType().isIndex())
      return value;
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), value);
  }
  Value add(Value lhs, Value rhs) {
    return arith::AddIOp::create(b, loc, lhs, rhs);
  }
  Value mul(Value lhs, Value rhs) {
    return arith::MulIOp::create(b, loc, lhs, rhs);
  }

  /// The `C x R x 64` chunks of `buffer[prefix...]`, a buffer whose last
  /// three dimensions are [chunk][row][column].
  Value chunksOf(Value buffer, ArrayRef<OpFoldResult> prefix) {
    auto type = cast<MemRefType>(buffer.getType());
    ArrayRef<int64_t> tail = type.getShape().take_back(3);
    return subview(buffer, prefix, {b.getIndexAttr(0), b.getIndexAttr(0)},
                   {tail[0], tail[1]}, tail);
  }

  /// The `[1, 1, rows, 64]` box of `buffer[prefix..., chunk, firstRow]`
  /// that one TMA copy moves (the tensor maps are of rank 4).
  Value box(Value buffer, ArrayRef<OpFoldResult> prefix, int64_t chunk,
            OpFoldResult firstRow, int64_t rows) {
    return subview(buffer, prefix, {b.getIndexAttr(chunk), firstRow}, {1, rows},
                   {1, 1, rows, kChunkCols});
  }

  OpBuilder &b;
  Location loc;

private:
  /// `buffer[prefix..., chunk, row, 0]` of sizes (1..., chunks, rows, 64)
  /// as a view of shape `shape`.
  Value subview(Value buffer, ArrayRef<OpFoldResult> prefix,
                ArrayRef<OpFoldResult> chunkAndRow,
                ArrayRef<int64_t> chunkAndRowSizes, ArrayRef<int64_t> shape) {
    auto type = cast<MemRefType>(buffer.getType());
    SmallVector<OpFoldResult> offsets(prefix), sizes, strides;
    llvm::append_range(offsets, chunkAndRow);
    offsets.push_back(b.getIndexAttr(0));
    sizes.append(prefix.size(), b.getIndexAttr(1));
    for (int64_t size : chunkAndRowSizes)
      sizes.push_back(b.getIndexAttr(size));
    sizes.push_back(b.getIndexAttr(kChunkCols));
    strides.append(type.getRank(), b.getIndexAttr(1));
    auto viewType = memref::SubViewOp::inferRankReducedResultType(
        shape, type, offsets, sizes, strides);
    return memref::SubViewOp::create(b, loc, cast<MemRefType>(viewType), buffer,
                                     offsets, sizes, strides);
  }
};

/// The L2 bytes a section of heads may fill with K and V (H100 / H200: 50
/// MiB, FlashAttention-4's budget).
constexpr int64_t kL2Bytes = 50 * 1024 * 1024;

/// `padding_tiles_last`: the head and query block (i32) of the
/// `position`-th tile of batch entry `batch` (i32) when the query tiles
/// that hold a valid row (below ceil(seq_lens[batch] / rows)) come first
/// and those of padding last, each group head by head, a head's query
/// blocks last first.
std::pair<Value, Value> paddingLastTile(ScheduleBuilder &sb, const Schedule &s,
                                        Value batch, Value position,
                                        Value heads, Value queryBlocks) {
  OpBuilder &b = sb.b;
  Location loc = sb.loc;
  Type i32 = b.getI32Type();
  Value length =
      memref::LoadOp::create(b, loc, s.seqLens, ValueRange{sb.toIndex(batch)});
  Value tokens = arith::IndexCastOp::create(
      b, loc, i32, memref::DimOp::create(b, loc, s.lse, 2));
  length = arith::MinSIOp::create(
      b, loc, arith::MaxSIOp::create(b, loc, length, sb.i32(0)), tokens);
  Value valid = arith::CeilDivUIOp::create(b, loc, length, sb.i32(s.tileRows));
  Value validTiles = arith::MulIOp::create(b, loc, heads, valid);
  Value inValid = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                        position, validTiles);
  auto pick = [&](Value ifValid, Value ifPadding) -> Value {
    return arith::SelectOp::create(b, loc, inValid, ifValid, ifPadding);
  };
  // The group's tiles per head (never 0 for a tile in it) and the query
  // block after its last.
  Value width = pick(valid, arith::SubIOp::create(b, loc, queryBlocks, valid));
  Value offset =
      arith::SubIOp::create(b, loc, position, pick(sb.i32(0), validTiles));
  width = arith::MaxUIOp::create(b, loc, width, sb.i32(1));
  Value head = arith::DivUIOp::create(b, loc, offset, width);
  Value fromLast = arith::RemUIOp::create(b, loc, offset, width);
  Value end = pick(valid, queryBlocks);
  Value queryBlock = arith::SubIOp::create(
      b, loc, arith::SubIOp::create(b, loc, end, sb.i32(1)), fromLast);
  return {head, queryBlock};
}

/// Sets `s`'s batch, head and query block for a CTA of the one-per-tile
/// grid (x: query tiles, y: heads, z: batch entries) of a causal pattern.
/// The hardware starts CTAs in block index order, so the mapping
/// is the schedule. Heads go in sections of as many as L2 holds K and V for
/// (a power of 2, at least one); a section's tiles run query tile by query
/// tile, last (a causal schedule's longest) first, each across the
/// section's heads (FlashAttention-4's SingleTileLPTScheduler). Longest
/// first over one head at a time left a tail of the last heads' long rows:
/// dense causal 1-15% faster at B2 T8192 and B4 T4096, neutral at B1
/// T16384 (bench/results/2026-12-04-h200-tile-sections.json).
void assignTileInSections(ScheduleBuilder &sb, Schedule &s) {
  OpBuilder &b = sb.b;
  Location loc = sb.loc;
  Type i32 = b.getI32Type();
  auto div = [&](Value lhs, Value rhs) -> Value {
    return arith::DivUIOp::create(b, loc, lhs, rhs);
  };
  auto rem = [&](Value lhs, Value rhs) -> Value {
    return arith::RemUIOp::create(b, loc, lhs, rhs);
  };
  // Sequenced so that the IR's order does not depend on the C++
  // compiler's order of evaluating arguments.
  Value tiles = NVVM::GridDimXOp::create(b, loc, i32);
  Value heads = NVVM::GridDimYOp::create(b, loc, i32);
  Value batches = NVVM::GridDimZOp::create(b, loc, i32);
  Value x = NVVM::BlockIdXOp::create(b, loc, i32);
  Value y = NVVM::BlockIdYOp::create(b, loc, i32);
  Value z = NVVM::BlockIdZOp::create(b, loc, i32);
  Value allHeads = sb.mul(heads, batches);
  Value headIndex = sb.add(y, sb.mul(heads, z));
  Value linear = sb.add(x, sb.mul(tiles, headIndex));
  // A head's K and V: a query tile's rows of both, 2 bytes an element, per
  // query tile.
  int64_t tileBytes = s.tileRows * s.headDim * 2 * 2;
  Value fitTiles = sb.i32(kL2Bytes / tileBytes);
  Value fitHeads = div(fitTiles, tiles);
  Value fit = arith::MaxUIOp::create(b, loc, fitHeads, sb.i32(1));
  Value leadingZeros = LLVM::CountLeadingZerosOp::create(b, loc, i32, fit,
                                                         /*is_zero_poison=*/
                                                         true);
  Value log2 = arith::SubIOp::create(b, loc, sb.i32(31), leadingZeros);
  Value sectionHeads = arith::ShLIOp::create(b, loc, sb.i32(1), log2);
  Value sectionTiles = sb.mul(sectionHeads, tiles);
  Value section = div(linear, sectionTiles);
  Value inSection = rem(linear, sectionTiles);
  // The last section holds what is left of the heads.
  Value full = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, section,
                                     div(allHeads, sectionHeads));
  Value width = arith::SelectOp::create(b, loc, full, sectionHeads,
                                        rem(allHeads, sectionHeads));
  Value tile = div(inSection, width);
  Value firstHead = sb.mul(section, sectionHeads);
  Value head = sb.add(firstHead, rem(inSection, width));
  Value lastTile = arith::SubIOp::create(b, loc, tiles, sb.i32(1));
  s.queryBlock = sb.toIndex(arith::SubIOp::create(b, loc, lastTile, tile));
  s.head = sb.toIndex(rem(head, heads));
  s.batch = sb.toIndex(div(head, heads));
}

/// The same for every other pattern: head by head, each head's query
/// blocks last first, so that a head's tiles (which share K and V blocks)
/// run together. Their rows cost the same (full, windows) or differ by
/// their indices rather than their position (CSR): sections lost 0-9% on
/// the challenge cases (median 3%).
void assignTileHeadByHead(ScheduleBuilder &sb, Schedule &s) {
  OpBuilder &b = sb.b;
  Location loc = sb.loc;
  Type i32 = b.getI32Type();
  Value queryBlocks = NVVM::GridDimXOp::create(b, loc, i32);
  if (s.seqLens) {
    Value x = NVVM::BlockIdXOp::create(b, loc, i32);
    Value y = NVVM::BlockIdYOp::create(b, loc, i32);
    Value z = NVVM::BlockIdZOp::create(b, loc, i32);
    Value position = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, y, queryBlocks), x);
    auto [head, queryBlock] = paddingLastTile(
        sb, s, z, position, NVVM::GridDimYOp::create(b, loc, i32), queryBlocks);
    s.head = sb.toIndex(head);
    s.queryBlock = sb.toIndex(queryBlock);
    s.batch = sb.toIndex(z);
    return;
  }
  Value lastTile = arith::SubIOp::create(b, loc, queryBlocks, sb.i32(1));
  Value x = NVVM::BlockIdXOp::create(b, loc, i32);
  s.queryBlock = sb.toIndex(arith::SubIOp::create(b, loc, lastTile, x));
  s.head = sb.toIndex(NVVM::BlockIdYOp::create(b, loc, i32));
  s.batch = sb.toIndex(NVVM::BlockIdZOp::create(b, loc, i32));
}

/// The (batch entry, head) whose tiles a one-CTA-per-tile grid starts
/// about a wave after this tile's, and whether there is one: the grid runs
/// head after head, `gridDim.x` tiles each, and a wave is one CTA per SM,
/// so it is `%nsmid / gridDim.x + 1` heads on.
struct HeadAhead {
  Value batch, head, exists;
};

HeadAhead headAWaveAhead(ScheduleBuilder &sb, const Schedule &s) {
  OpBuilder &b = sb.b;
  Location loc = sb.loc;
  Type i32 = b.getI32Type();
  Value tiles = sb.toIndex(NVVM::GridDimXOp::create(b, loc, i32));
  Value heads = sb.toIndex(NVVM::GridDimYOp::create(b, loc, i32));
  Value batches = sb.toIndex(NVVM::GridDimZOp::create(b, loc, i32));
  Value sms = sb.toIndex(NVVM::SmDimOp::create(b, loc, i32));
  Value ahead = sb.add(arith::DivUIOp::create(b, loc, sms, tiles), sb.index(1));
  Value position = sb.add(sb.add(sb.mul(s.batch, heads), s.head), ahead);
  Value exists = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                       position, sb.mul(heads, batches));
  return {arith::DivUIOp::create(b, loc, position, heads),
          arith::RemUIOp::create(b, loc, position, heads), exists};
}

/// prefetch_indices: brings into L2 this tile's share of the `row_ptr` and
/// `col_idx` lines of the index list of `ahead`, whose tiles then find
/// their two dependent index loads in L2, not DRAM: the tiles of a head
/// take lines `qb, qb + gridDim.x, ...` of each array, at most
/// `kLinesPerTile`.
void prefetchIndexLines(ScheduleBuilder &sb, const Schedule &s,
                        const HeadAhead &ahead, Value rowPtr, Value colIdx,
                        bool perKvHead) {
  constexpr int64_t kLinesPerTile = 4;
  constexpr int64_t kIndicesPerLine = 128 / 4;
  OpBuilder &b = sb.b;
  Location loc = sb.loc;
  Value tiles = sb.toIndex(NVVM::GridDimXOp::create(b, loc, b.getI32Type()));
  Value listHead = perKvHead ? arith::DivUIOp::create(b, loc, ahead.head,
                                                      sb.index(s.kvGroup))
                                   .getResult()
                             : ahead.head;
  Value list = sb.add(
      sb.mul(ahead.batch, memref::DimOp::create(b, loc, rowPtr, 1)), listHead);
  auto prefetchList = [&](Value array) {
    Value length = memref::DimOp::create(b, loc, array, 2);
    Value first = sb.mul(list, length);
    Value firstLine =
        arith::DivUIOp::create(b, loc, first, sb.index(kIndicesPerLine));
    Value endLine = arith::CeilDivUIOp::create(b, loc, sb.add(first, length),
                                               sb.index(kIndicesPerLine));
    auto flat = MemRefType::get(
        {ShapedType::kDynamic}, b.getI32Type(), MemRefLayoutAttrInterface(),
        cast<MemRefType>(array.getType()).getMemorySpace());
    Value flatArray = memref::CollapseShapeOp::create(
        b, loc, flat, array, ArrayRef<ReassociationIndices>{{0, 1, 2}});
    for (int64_t k = 0; k < kLinesPerTile; ++k) {
      Value line =
          sb.add(sb.add(firstLine, s.queryBlock), sb.mul(sb.index(k), tiles));
      Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                           line, endLine);
      auto ifOp = scf::IfOp::create(b, loc, inside, /*withElse=*/false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(ifOp.thenBlock());
      PrefetchL2Op::create(b, loc, flatArray,
                           sb.mul(line, sb.index(kIndicesPerLine)));
    }
  };
  prefetchList(rowPtr);
  prefetchList(colIdx);
}

/// prefetch_blocks: brings into L2 the rows of Q, K and V that the tile
/// of query block qb of `ahead` starts with (its Q, and K and V at the
/// same tokens), by TMA: a head's tiles together prefetch its Q, K and V.
void prefetchBlocks(ScheduleBuilder &sb, const Schedule &s,
                    const HeadAhead &ahead) {
  OpBuilder &b = sb.b;
  Location loc = sb.loc;
  auto i32 = [&](Value index) -> Value {
    return arith::IndexCastOp::create(b, loc, b.getI32Type(), index);
  };
  Value kvHead = s.kvGroup == 1 ? ahead.head
                                : arith::DivUIOp::create(b, loc, ahead.head,
                                                         sb.index(s.kvGroup))
                                      .getResult();
  Value firstRow = sb.mul(s.queryBlock, sb.index(s.tileRows));
  auto prefetch = [&](Value tmap, Value row, Value head) {
    Value descriptor = tmap.getDefiningOp<TensorMapOp>().getParameter();
    for (int64_t chunk = 0; chunk < s.chunks; ++chunk)
      NVVM::CpAsyncBulkTensorPrefetchOp::create(
          b, loc, descriptor,
          ValueRange{sb.i32(chunk * kChunkCols), i32(row), i32(head),
                     i32(ahead.batch)},
          ValueRange{}, NVVM::TMALoadMode::TILE, Value());
  };
  prefetch(s.tmapQ, firstRow, ahead.head);
  for (int64_t rows = 0; rows < s.tileRows; rows += s.keyRows) {
    Value row = sb.add(firstRow, sb.index(rows));
    prefetch(s.tmapK, row, kvHead);
    prefetch(s.tmapV, row, kvHead);
  }
}

template <typename Op> struct TilePattern : public OpConversionPattern<Op> {
  TilePattern(MLIRContext *ctx, const Schedule &s)
      : OpConversionPattern<Op>(ctx), s(s) {}

  /// The ring slot and the parity of its mbarriers' phase at ring step
  /// `step`. In 32 bits: a step counts key tiles, and the 64-bit division
  /// by a stage count that is not a power of two costs twice the uniform
  /// instructions on every key block.
  std::pair<Value, Value> slotAndParity(ScheduleBuilder &sb, Value step) const {
    return slotAndParity(sb, step, s.stages);
  }

  /// The slot of V and its barriers' parity at ring step `step`.
  std::pair<Value, Value> valueSlotAndParity(ScheduleBuilder &sb,
                                             Value step) const {
    return slotAndParity(sb, step, s.valueStages ? s.valueStages : s.stages);
  }

  std::pair<Value, Value> slotAndParity(ScheduleBuilder &sb, Value step,
                                        int64_t depth) const {
    Type i32 = sb.b.getI32Type();
    Value step32 = arith::IndexCastUIOp::create(sb.b, sb.loc, i32, step);
    Value stages = sb.i32(depth);
    Value slot = arith::IndexCastUIOp::create(
        sb.b, sb.loc, sb.b.getIndexType(),
        arith::RemUIOp::create(sb.b, sb.loc, step32, stages));
    Value round = arith::DivUIOp::create(sb.b, sb.loc, step32, stages);
    Value parity =
        arith::TruncIOp::create(sb.b, sb.loc, sb.b.getI1Type(), round);
    return {slot, parity};
  }

  void waitOn(ScheduleBuilder &sb, Value group, Value index,
              Value parity) const {
    nvgpu::MBarrierTryWaitParityOp::create(sb.b, sb.loc, group, parity,
                                           sb.index(kMBarrierTicks), index);
  }

  /// Runs `body` in the threads where `condition` holds.
  void onlyWhere(ScheduleBuilder &sb, Value condition,
                 function_ref<void()> body) const {
    auto ifOp = scf::IfOp::create(sb.b, sb.loc, condition, /*withElse=*/false);
    OpBuilder::InsertionGuard guard(sb.b);
    sb.b.setInsertionPointToStart(ifOp.thenBlock());
    body();
  }

  /// TMA-loads the `rows`-row tile at token `row` of `tmap` into the
  /// chunks of `buffer[prefix...]`, completing on `group[index]`.
  void loadTile(ScheduleBuilder &sb, Value tmap, Value buffer,
                ArrayRef<OpFoldResult> prefix, Value group, Value index,
                int64_t rows, Value row, Value head, Value batch) const {
    for (int64_t chunk = 0; chunk < s.chunks; ++chunk)
      nvgpu::TmaAsyncLoadOp::create(
          sb.b, sb.loc,
          sb.box(buffer, prefix, chunk, sb.b.getIndexAttr(0), rows), group,
          tmap, ValueRange{sb.index(chunk * kChunkCols), row, head, batch},
          index, Value(), Value());
  }

  /// The chunks of V at V's ring `slot`.
  Value valueChunks(ScheduleBuilder &sb, Value slot) const {
    if (s.valueStages)
      return sb.chunksOf(s.valueRing, {slot, sb.b.getIndexAttr(0)});
    return sb.chunksOf(s.ring, {slot, sb.b.getIndexAttr(1)});
  }

  /// Bytes of one `rows`-row tile of 16-bit elements.
  int64_t tileBytes(int64_t rows) const {
    return rows * s.chunks * kChunkCols * 2;
  }

  Schedule s;
};

/// `view` cast to the same shape with dynamic outer strides (rows of 64
/// contiguous elements), so that views of different buffers share a type.
static Value withDynamicStrides(ScheduleBuilder &sb, Value view) {
  auto type = cast<MemRefType>(view.getType());
  SmallVector<int64_t> strides(type.getRank() - 2, ShapedType::kDynamic);
  strides.append({kChunkCols, 1});
  auto layout =
      StridedLayoutAttr::get(sb.b.getContext(), ShapedType::kDynamic, strides);
  return memref::CastOp::create(sb.b, sb.loc,
                                MemRefType::get(type.getShape(),
                                                type.getElementType(), layout,
                                                type.getMemorySpace()),
                                view);
}

struct LoadQToSchedule : public TilePattern<LoadQOp> {
  using TilePattern::TilePattern;
  LogicalResult
  matchAndRewrite(LoadQOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ScheduleBuilder sb(rewriter, op.getLoc());
    // The current tile's Q, or the next tile's into the other buffer.
    Value batch = s.batch, head = s.head, queryBlock = s.queryBlock,
          buffer = s.queryBuffer;
    bool intoReleased = false;
    if (ValueRange next = adaptor.getNextTile(); !next.empty()) {
      batch = next[0];
      head = next[1];
      queryBlock = next[2];
      // A single buffer is refilled once the tile's release_q freed it
      // (the verifier asks for one); two alternate.
      intoReleased = bool(s.queryEmpty);
      if (!intoReleased)
        buffer =
            arith::XOrIOp::create(rewriter, op.getLoc(), buffer, sb.index(1));
    }
    Value row = sb.mul(queryBlock, sb.index(s.tileRows));
    onlyWhere(sb, s.isLeader, [&] {
      if (intoReleased)
        waitOn(sb, s.queryEmpty, buffer, s.queryParity);
      nvgpu::MBarrierArriveExpectTxOp::create(
          rewriter, op.getLoc(), s.queryLanded, sb.index(tileBytes(s.tileRows)),
          buffer, Value());
      loadTile(sb, s.tmapQ, s.queryBuffers, {buffer}, s.queryLanded, buffer,
               s.tileRows, row, head, batch);
    });
    rewriter.eraseOp(op);
    return success();
  }
};

struct ReleaseQToSchedule : public TilePattern<ReleaseQOp> {
  using TilePattern::TilePattern;
  LogicalResult
  matchAndRewrite(ReleaseQOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ScheduleBuilder sb(rewriter, op.getLoc());
    // A tile that used no key block never waited for its Q: the next one's
    // must not be issued while it is landing. Every consumer thread then
    // arrives and waits for the others, so that after this op no one reads
    // Q or K of the tile's products any more (o may go to the last K).
    waitOn(sb, s.queryLanded, s.queryBuffer, s.queryParity);
    nvgpu::MBarrierArriveOp::create(rewriter, op.getLoc(),
                                    nvgpu::MBarrierTokenType::get(getContext()),
                                    s.queryEmpty, s.queryBuffer);
    waitOn(sb, s.queryEmpty, s.queryBuffer, s.queryParity);
    rewriter.eraseOp(op);
    return success();
  }
};

struct PrefetchQToSchedule : public TilePattern<PrefetchQOp> {
  using TilePattern::TilePattern;
  LogicalResult
  matchAndRewrite(PrefetchQOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ScheduleBuilder sb(rewriter, loc);
    Value row = sb.mul(adaptor.getQueryBlock(), sb.index(s.tileRows));
    auto i32 = [&](Value index) -> Value {
      return arith::IndexCastOp::create(rewriter, loc, rewriter.getI32Type(),
                                        index);
    };
    Value descriptor = s.tmapQ.getDefiningOp<TensorMapOp>().getParameter();
    onlyWhere(sb, s.isLeader, [&] {
      for (int64_t chunk = 0; chunk < s.chunks; ++chunk)
        NVVM::CpAsyncBulkTensorPrefetchOp::create(
            rewriter, loc, descriptor,
            ValueRange{sb.i32(chunk * kChunkCols), i32(row),
                       i32(adaptor.getHead()), i32(adaptor.getBatch())},
            ValueRange{}, NVVM::TMALoadMode::TILE, Value());
    });
    rewriter.eraseOp(op);
    return success();
  }
};

struct LoadKVToSchedule : public TilePattern<LoadKVOp> {
  using TilePattern::TilePattern;
  LogicalResult
  matchAndRewrite(LoadKVOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ScheduleBuilder sb(rewriter, loc);
    auto [slot, parity] = slotAndParity(sb, adaptor.getStep());
    Value batch = s.batch, head = s.head;
    if (ValueRange batchHead = adaptor.getBatchHead(); !batchHead.empty()) {
      batch = batchHead[0];
      head = batchHead[1];
    }
    // Grouped-query attention: kv_group query heads share a head of K, V.
    if (s.kvGroup != 1)
      head = arith::DivUIOp::create(rewriter, loc, head, sb.index(s.kvGroup));
    Value row = sb.mul(adaptor.getKeyBlock(), sb.index(s.keyRows));
    onlyWhere(sb, s.isLeader, [&] {
      // The slot's previous step must be released by every thread; the
      // first use of a slot waits on the phase before the barrier's first
      // one, which counts as complete.
      auto previous = [&](Value parity) -> Value {
        return arith::XOrIOp::create(
            rewriter, loc, parity,
            arith::ConstantIntOp::create(rewriter, loc, 1, 1));
      };
      waitOn(sb, s.slotEmpty, slot, previous(parity));
      // The record goes before the arrival, whose release makes it visible
      // to the threads that see the slot land.
      if (Value used = adaptor.getAnnounce()) {
        Type i32 = rewriter.getI32Type();
        Value block = arith::IndexCastOp::create(rewriter, loc, i32,
                                                 adaptor.getKeyBlock());
        memref::StoreOp::create(
            rewriter, loc,
            arith::SelectOp::create(rewriter, loc, used, block, sb.i32(-1)),
            s.announced, slot);
      }
      nvgpu::MBarrierArriveExpectTxOp::create(rewriter, loc, s.keysLanded,
                                              sb.index(tileBytes(s.keyRows)),
                                              slot, Value());
      loadTile(sb, s.tmapK, s.ring, {slot, rewriter.getIndexAttr(0)},
               s.keysLanded, slot, s.keyRows, row, head, batch);
      // In a ring of its own, V waits for its own slot to be released.
      auto [valueSlot, valueParity] =
          s.valueStages ? valueSlotAndParity(sb, adaptor.getStep())
                        : std::pair{slot, parity};
      if (s.valueStages)
        waitOn(sb, s.valuesEmpty, valueSlot, previous(valueParity));
      nvgpu::MBarrierArriveExpectTxOp::create(rewriter, loc, s.valuesLanded,
                                              sb.index(tileBytes(s.keyRows)),
                                              valueSlot, Value());
      loadTile(sb, s.tmapV, s.valueStages ? s.valueRing : s.ring,
               {valueSlot, rewriter.getIndexAttr(s.valueStages ? 0 : 1)},
               s.valuesLanded, valueSlot, s.keyRows, row, head, batch);
    });
    rewriter.eraseOp(op);
    return success();
  }
};

struct WaitKVToSchedule : public TilePattern<WaitKVOp> {
  using TilePattern::TilePattern;
  LogicalResult
  matchAndRewrite(WaitKVOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ScheduleBuilder sb(rewriter, loc);
    auto [slot, parity] = slotAndParity(sb, adaptor.getStep());
    // The tile's Q barrier phase stays complete for the whole tile, so
    // waiting on it again returns at once.
    waitOn(sb, s.queryLanded, s.queryBuffer, s.queryParity);
    waitOn(sb, s.keysLanded, slot, parity);
    auto [valueSlot, valueParity] =
        s.valueStages ? valueSlotAndParity(sb, adaptor.getStep())
                      : std::pair{slot, parity};
    if (s.convertValues) {
      waitOn(sb, s.valuesLanded, valueSlot, valueParity);
      // As soon as the block has landed, every thread converts its share
      // of V to f16, makes the writes visible to the tensor cores' proxy
      // and arrives on the slot's "converted" barrier, which P.V waits on
      // much later: the warpgroups never wait for each other here.
      ConvertSharedOp::create(rewriter, loc, valueChunks(sb, valueSlot),
                              /*first_thread=*/0, s.threads);
      NVVM::FenceProxyOp::create(
          rewriter, loc,
          NVVM::ProxyKindAttr::get(getContext(), NVVM::ProxyKind::async_shared),
          NVVM::SharedSpaceAttr::get(getContext(),
                                     NVVM::SharedSpace::shared_cta));
      nvgpu::MBarrierArriveOp::create(
          rewriter, loc, nvgpu::MBarrierTokenType::get(getContext()),
          s.slotConverted, valueSlot);
    }
    rewriter.eraseOp(op);
    return success();
  }
};

struct AnnouncedBlockToSchedule : public TilePattern<AnnouncedBlockOp> {
  using TilePattern::TilePattern;
  LogicalResult
  matchAndRewrite(AnnouncedBlockOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ScheduleBuilder sb(rewriter, loc);
    Value record = memref::LoadOp::create(
        rewriter, loc, s.announced, slotAndParity(sb, adaptor.getStep()).first);
    Value used = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sge,
                                       record, sb.i32(0));
    Value block = arith::MaxSIOp::create(rewriter, loc, record, sb.i32(0));
    rewriter.replaceOp(op, {sb.toIndex(block), used});
    return success();
  }
};

struct ReleaseKVToSchedule : public TilePattern<ReleaseKVOp> {
  using TilePattern::TilePattern;
  LogicalResult
  matchAndRewrite(ReleaseKVOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // Every product of this thread's warpgroup that read the slot was
    // waited for before this point; the warpgroups release
    // independently.
    // With a ring of V's own, K's slot went back after Q.K^T.
    ScheduleBuilder sb(rewriter, op.getLoc());
    nvgpu::MBarrierArriveOp::create(
        rewriter, op.getLoc(), nvgpu::MBarrierTokenType::get(getContext()),
        s.valueStages ? s.valuesEmpty : s.slotEmpty,
        valueSlotAndParity(sb, adaptor.getStep()).first);
    rewriter.eraseOp(op);
    return success();
  }
};

struct QKToSchedule : public TilePattern<QKOp> {
  using TilePattern::TilePattern;
  LogicalResult
  matchAndRewrite(QKOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ScheduleBuilder sb(rewriter, loc);
    Value slot = slotAndParity(sb, adaptor.getStep()).first;
    Value queries = sb.chunksOf(s.queryBuffers, {s.queryBuffer});
    Value keys = sb.chunksOf(s.ring, {slot, rewriter.getIndexAttr(0)});
    NVVM::WgmmaFenceAlignedOp::create(rewriter, loc);
    // D = 96: the last chunk's second half is zero fill, no product needed.
    IntegerAttr depth;
    if (s.headDim % kChunkCols)
      depth = rewriter.getI64IntegerAttr(s.headDim);
    Value scores = WgmmaSharedOp::create(rewriter, loc, op.getType(), queries,
                                         keys, depth);
    NVVM::WgmmaGroupSyncAlignedOp::create(rewriter, loc);
    auto wait = WgmmaWaitOp::create(rewriter, loc, TypeRange{op.getType()},
                                    ValueRange{scores}, 0);
    // With a ring of V's own, K's slot goes back as soon as S is done, not
    // with V's after P.V.
    if (s.valueStages)
      nvgpu::MBarrierArriveOp::create(
          rewriter, loc, nvgpu::MBarrierTokenType::get(getContext()),
          s.slotEmpty, slot);
    rewriter.replaceOp(op, wait.getResults());
    return success();
  }
};

struct MaskToSchedule : public TilePattern<MaskOp> {
  using TilePattern::TilePattern;
  LogicalResult
  matchAndRewrite(MaskOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<MaskOp>(
        op, op.getType(), adaptor.getScores(), adaptor.getKeyBlock(),
        adaptor.getSeqLen(), s.queryBlock, op.getCausal());
    return success();
  }
};

struct PVToSchedule : public TilePattern<PVOp> {
  using TilePattern::TilePattern;
  LogicalResult
  matchAndRewrite(PVOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ScheduleBuilder sb(rewriter, loc);
    QueryTileOp tile = s.tile;
    PVPrecision precision = tile.getPv();
    auto [slot, parity] = valueSlotAndParity(sb, adaptor.getStep());
    waitOn(sb, s.convertValues ? s.slotConverted : s.valuesLanded, slot,
           parity);
    Value values = valueChunks(sb, slot);
    // Everything the products read is computed before the fence, so that
    // no register they read is written while they are in flight.
    Value acc =
        RescaleOp::create(rewriter, loc, adaptor.getAcc(), adaptor.getAlpha(),
                          /*warp_rescales=*/Value());
    TileType probsType = op.getProbs().getType();
    auto rounded = [&](Type element) {
      return TileType::get(getContext(), probsType.getRows(),
                           probsType.getCols(), element);
    };
    SmallVector<Value> parts;
    if (precision == PVPrecision::split_bf16) {
      auto split = SplitBF16Op::create(
          rewriter, loc, rounded(rewriter.getBF16Type()),
          rounded(rewriter.getBF16Type()), adaptor.getProbs());
      parts = {split.getHigh(), split.getLow()};
    } else {
      Type element = precision == PVPrecision::f16
                         ? Type(rewriter.getF16Type())
                         : Type(rewriter.getBF16Type());
      parts = {TruncFOp::create(rewriter, loc, rounded(element),
                                adaptor.getProbs())};
    }
    NVVM::WgmmaFenceAlignedOp::create(rewriter, loc);
    for (Value part : parts)
      acc = WgmmaRegisterOp::create(rewriter, loc, acc, part, values);
    NVVM::WgmmaGroupSyncAlignedOp::create(rewriter, loc);
    rewriter.replaceOpWithNewOp<WgmmaWaitOp>(op, TypeRange{acc.getType()},
                                             ValueRange{acc}, 0);
    return success();
  }
};

struct StoreOutputToSchedule : public TilePattern<StoreOutputOp> {
  using TilePattern::TilePattern;
  LogicalResult
  matchAndRewrite(StoreOutputOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ScheduleBuilder sb(rewriter, loc);
    TileType accType = op.getAcc().getType();
    QueryTileOp tile = s.tile;
    auto outputType = TileType::get(getContext(), accType.getRows(),
                                    accType.getCols(), tile.getElementType());
    auto normalized = NormalizeOp::create(
        rewriter, loc, outputType, adaptor.getMax().getType(), adaptor.getAcc(),
        adaptor.getMax(), adaptor.getSum(), s.queryBlock, adaptor.getSeqLen());

    // o goes through the tile's query buffer (Q is read no more), or with
    // ring steps through the K half of the last key block's slot. A tile
    // that used no key block never waited for its Q, which may still be
    // landing in the buffer about to be overwritten; one that did may have
    // the next tile's Q landing there already, so it must not wait for its
    // own again (the barrier's phase may have moved on).
    Value staging = sb.chunksOf(s.queryBuffers, {s.queryBuffer});
    // With ring steps: whether o goes to the ring, and the slot.
    Value inRing, slot;
    if (ValueRange steps = adaptor.getRingSteps(); !steps.empty()) {
      inRing = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ugt,
                                     steps[1], steps[0]);
      Value inQuery = arith::XOrIOp::create(
          rewriter, loc, inRing,
          arith::ConstantIntOp::create(rewriter, loc, 1, 1));
      onlyWhere(sb, inQuery, [&] {
        waitOn(sb, s.queryLanded, s.queryBuffer, s.queryParity);
      });
      Value last = arith::SelectOp::create(
          rewriter, loc, inRing,
          arith::SubIOp::create(rewriter, loc, steps[1], sb.index(1)),
          steps[0]);
      slot = slotAndParity(sb, last).first;
      staging = arith::SelectOp::create(
          rewriter, loc, inRing,
          sb.chunksOf(s.ring, {slot, rewriter.getIndexAttr(0)}), staging);
    } else {
      waitOn(sb, s.queryLanded, s.queryBuffer, s.queryParity);
    }
    // The 64-row box of `chunk` that the TMA store reads. The ring's and
    // the Q buffer's differ in their strides, which TMA does not read.
    auto stagingBox = [&](int64_t chunk, Value groupRow) -> Value {
      Value box =
          sb.box(s.queryBuffers, {s.queryBuffer}, chunk, groupRow, kGroupRows);
      if (!inRing)
        return box;
      Value ringBox = sb.box(s.ring, {slot, rewriter.getIndexAttr(0)}, chunk,
                             groupRow, kGroupRows);
      return arith::SelectOp::create(rewriter, loc, inRing,
                                     withDynamicStrides(sb, ringBox),
                                     withDynamicStrides(sb, box));
    };
    StoreSwizzledOp::create(rewriter, loc, normalized.getOutput(), staging);
    // The TMA engine reads the box: fence the generic writes, wait for the
    // warpgroup's 128 threads (its own named barrier), and let its first
    // thread store. It waits only until the box has been read out, and
    // only after its lse rows are stored: the CTA's last warp then ends
    // when the slower of the two does, not after both.
    NVVM::FenceProxyOp::create(
        rewriter, loc,
        NVVM::ProxyKindAttr::get(getContext(), NVVM::ProxyKind::async_shared),
        NVVM::SharedSpaceAttr::get(getContext(),
                                   NVVM::SharedSpace::shared_cta));
    Value group = arith::ShRUIOp::create(rewriter, loc, s.tid, sb.i32(7));
    NVVM::BarrierOp::create(
        rewriter, loc, Type(),
        sb.add(group, sb.i32(int32_t(NamedBarrier::EpilogueStore))),
        sb.i32(kWarpgroupThreads), NVVM::BarrierReductionAttr(), Value());
    Value groupLeader = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq,
        arith::AndIOp::create(rewriter, loc, s.tid, sb.i32(127)), sb.i32(0));
    onlyWhere(sb, groupLeader, [&] {
      Value groupRow = sb.mul(sb.toIndex(group), sb.index(kGroupRows));
      Value firstRow =
          sb.add(sb.mul(s.queryBlock, sb.index(s.tileRows)), groupRow);
      for (int64_t chunk = 0; chunk < s.chunks; ++chunk)
        nvgpu::TmaAsyncStoreOp::create(
            rewriter, loc, stagingBox(chunk, groupRow), s.tmapO,
            ValueRange{sb.index(chunk * kChunkCols), firstRow, s.head, s.batch},
            Value());
      NVVM::CpAsyncBulkCommitGroupOp::create(rewriter, loc);
    });
    StoreRowsOp::create(rewriter, loc, normalized.getLse(), s.lse, s.batch,
                        s.head, sb.mul(s.queryBlock, sb.index(s.tileRows)));
    onlyWhere(sb, groupLeader, [&] {
      NVVM::CpAsyncBulkWaitGroupOp::create(
          rewriter, loc, rewriter.getI32IntegerAttr(0), rewriter.getUnitAttr());
    });
    rewriter.eraseOp(op);
    return success();
  }
};

/// The kernel being built: its signature (with the ABI entries) and, once
/// the entry block exists, how each host value maps into it.
class KernelBuilder {
public:
  KernelBuilder(func::FuncOp func, QueryTileOp tile)
      : func(func), tile(tile), b(func.getContext()) {}

  LogicalResult build(gpu::GPUModuleOp module);

private:
  /// The position of `value` among the function's arguments, or a
  /// diagnostic: the kernel ABI only passes function arguments through.
  FailureOr<int64_t> funcArgNumber(Value value, StringRef name);
  /// Adds a memref argument: its pointer, then one i64 per dynamic size.
  LogicalResult addMemRef(Value value, StringRef name);
  /// Adds an index capture, which must be `memref.dim` of a function
  /// argument with a constant dimension.
  LogicalResult addIndexCapture(Value value, StringRef name);
  /// The global memref of a memref argument passed to the kernel.
  Value globalMemRef(OpBuilder &builder, Value value);
  /// What a persistent tile's body hands to the next tile.
  struct TileHandOver {
    /// The clone of its `bsattn.ring_end` operand (null if it has none).
    Value ringStep;
    /// The clones of its `bsattn.tile_carry` operands.
    SmallVector<Value> carried;
  };
  /// Clones the tile's body at the builder's point, with (b, h, qb) the
  /// tile coordinates of `s`.
  TileHandOver cloneBody(OpBuilder &builder, const Schedule &s,
                         IRMapping &mapping);
  /// The tile body's `bsattn.tile_carry` operands evaluated at the
  /// builder for a tile that the values of `next` (a `bsattn.next_tile`'s
  /// results) describe, with `mapping` holding the captures: what a tile
  /// before it would have handed over.
  FailureOr<SmallVector<Value>> evaluateHandOver(OpBuilder &builder,
                                                 TileCarryOp carry,
                                                 IRMapping mapping,
                                                 ValueRange next);
  /// A persistent kernel: each CTA starts at tile blockIdx.x and loops
  /// over the tiles it claims from `module`'s tile counter (or, without
  /// dynamic tiles, blockIdx.x + gridDim.x, ...), filling in the tile
  /// values of `s`.
  LogicalResult buildTileLoop(OpBuilder &builder, gpu::GPUModuleOp module,
                              Schedule &s, IRMapping &mapping);

  func::FuncOp func;
  QueryTileOp tile;
  Builder b;
  SmallVector<Type> argTypes;
  SmallVector<DictionaryAttr> argAttrs;
  SmallVector<Attribute> abi;
  /// First kernel argument of each memref or index value passed.
  DenseMap<Value, unsigned> firstArg;
  Block *entry = nullptr;
};

FailureOr<int64_t> KernelBuilder::funcArgNumber(Value value, StringRef name) {
  auto arg = dyn_cast<BlockArgument>(value);
  if (!arg || arg.getOwner() != &func.getBody().front())
    return func.emitOpError() << "'" << name
                              << "' must be a function argument to be passed "
                                 "to the kernel";
  return arg.getArgNumber();
}

LogicalResult KernelBuilder::addMemRef(Value value, StringRef name) {
  FailureOr<int64_t> number = funcArgNumber(value, name);
  if (failed(number))
    return failure();
  auto type = cast<MemRefType>(value.getType());
  firstArg[value] = argTypes.size();
  argTypes.push_back(LLVM::LLVMPointerType::get(b.getContext(), 1));
  argAttrs.push_back(b.getDictionaryAttr({}));
  abi.push_back(abiEntry(b, "pointer", name, *number));
  for (auto [dim, size] : llvm::enumerate(type.getShape())) {
    if (!ShapedType::isDynamic(size))
      continue;
    argTypes.push_back(b.getI64Type());
    argAttrs.push_back(b.getDictionaryAttr({}));
    abi.push_back(abiEntry(b, "dim", name, *number,
                           {b.getNamedAttr("dim", b.getI64IntegerAttr(dim))}));
  }
  return success();
}

LogicalResult KernelBuilder::addIndexCapture(Value value, StringRef name) {
  // A constant (a static extent) is rebuilt inside the kernel.
  if (matchPattern(value, m_Constant()))
    return success();
  auto dim = value.getDefiningOp<memref::DimOp>();
  std::optional<int64_t> index = dim ? dim.getConstantIndex() : std::nullopt;
  if (!index)
    return tile.emitOpError() << "capture '" << name
                              << "' must be a constant or a memref.dim with "
                                 "a constant dimension";
  FailureOr<int64_t> number = funcArgNumber(dim.getSource(), name);
  if (failed(number))
    return failure();
  firstArg[value] = argTypes.size();
  argTypes.push_back(b.getI64Type());
  argAttrs.push_back(b.getDictionaryAttr({}));
  abi.push_back(abiEntry(b, "dim", name, *number,
                         {b.getNamedAttr("dim", b.getI64IntegerAttr(*index))}));
  return success();
}

Value KernelBuilder::globalMemRef(OpBuilder &builder, Value value) {
  auto type = cast<MemRefType>(value.getType());
  unsigned first = firstArg.lookup(value);
  SmallVector<Value> sizes;
  for (int64_t i = 0, e = type.getNumDynamicDims(); i < e; ++i)
    sizes.push_back(entry->getArgument(first + 1 + i));
  // The kernel reads it in global memory, whatever the host's memory space.
  auto globalType = MemRefType::get(
      type.getShape(), type.getElementType(), MemRefLayoutAttrInterface(),
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Global));
  return GlobalMemRefOp::create(builder, tile.getLoc(), globalType,
                                entry->getArgument(first), sizes);
}

KernelBuilder::TileHandOver KernelBuilder::cloneBody(OpBuilder &builder,
                                                     const Schedule &s,
                                                     IRMapping &mapping) {
  mapping.map(tile.getBatchIndex(), s.batch);
  mapping.map(tile.getHeadIndex(), s.head);
  mapping.map(tile.getQueryBlockIndex(), s.queryBlock);
  TileHandOver handOver;
  for (Operation &op : tile.getBody().front()) {
    if (auto end = dyn_cast<RingEndOp>(op))
      handOver.ringStep = mapping.lookup(end.getStep());
    else if (auto carry = dyn_cast<TileCarryOp>(op))
      handOver.carried = llvm::map_to_vector(
          carry.getValues(), [&](Value v) { return mapping.lookup(v); });
    else if (!isa<RingStartOp, NextTileOp, TileCarriedOp>(op))
      builder.clone(op, mapping); // The others are mapped by the tile loop.
  }
  return handOver;
}

FailureOr<SmallVector<Value>>
KernelBuilder::evaluateHandOver(OpBuilder &builder, TileCarryOp carry,
                                IRMapping mapping, ValueRange next) {
  // The ops the operands need, from the next tile's coordinates, the
  // captures and constants: pure ops and loads (bsattn-fuse-softmax's
  // clone of the schedule's prologue).
  SetVector<Operation *> slice;
  SmallVector<Value> worklist(carry.getValues());
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    if (mapping.contains(value))
      continue;
    Operation *def = value.getDefiningOp();
    if (auto nextTile = dyn_cast_or_null<NextTileOp>(def)) {
      mapping.map(nextTile.getResults(), next);
      continue;
    }
    if (!def || def->getBlock() != carry->getBlock() || def->getNumRegions() ||
        !(isMemoryEffectFree(def) || isa<memref::LoadOp>(def)))
      return carry.emitOpError()
             << "hands over a value that is not computed from the next "
                "tile's coordinates, the captures and constants by pure ops "
                "and loads, so the CTA's first tile cannot have it evaluated "
                "before the tile loop";
    if (slice.insert(def))
      llvm::append_range(worklist, def->getOperands());
  }
  SmallVector<Operation *> ordered = slice.takeVector();
  llvm::sort(ordered,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  for (Operation *op : ordered)
    builder.clone(*op, mapping);
  return llvm::map_to_vector(
      carry.getValues(), [&](Value value) { return mapping.lookup(value); });
}

/// The (b, h, qb) of linear tile `index` (i32) of `tiles` = B * H * QB
/// tiles: query blocks vary fastest, last block first, so that the longest
/// rows of causal schedules start early.
static std::array<Value, 3> tileCoordinates(ScheduleBuilder &sb,
                                            const Schedule &s, Value index,
                                            Value heads, Value queryBlocks) {
  OpBuilder &b = sb.b;
  if (s.seqLens) {
    Value perBatch = arith::MulIOp::create(b, sb.loc, heads, queryBlocks);
    Value batch = arith::DivUIOp::create(b, sb.loc, index, perBatch);
    auto [head, queryBlock] = paddingLastTile(
        sb, s, batch, arith::RemUIOp::create(b, sb.loc, index, perBatch), heads,
        queryBlocks);
    return {sb.toIndex(batch), sb.toIndex(head), sb.toIndex(queryBlock)};
  }
  Value row = arith::DivUIOp::create(b, sb.loc, index, queryBlocks);
  Value fromLast = arith::RemUIOp::create(b, sb.loc, index, queryBlocks);
  Value queryBlock = arith::SubIOp::create(
      b, sb.loc, arith::SubIOp::create(b, sb.loc, queryBlocks, sb.i32(1)),
      fromLast);
  return {sb.toIndex(arith::DivUIOp::create(b, sb.loc, row, heads)),
          sb.toIndex(arith::RemUIOp::create(b, sb.loc, row, heads)),
          sb.toIndex(queryBlock)};
}

/// A zero-initialized `memref.global` of `type` in `module` (renamed when
/// `name` is taken), read through `memref.get_global` at the builder.
static Value moduleGlobal(OpBuilder &builder, gpu::GPUModuleOp module,
                          StringRef name, MemRefType type) {
  OpBuilder detached(module.getContext());
  auto zeros = DenseElementsAttr::get(
      RankedTensorType::get(type.getShape(), type.getElementType()),
      detached.getZeroAttr(type.getElementType()));
  auto global = memref::GlobalOp::create(
      detached, module.getLoc(), name, detached.getStringAttr("private"), type,
      zeros, /*constant=*/false, /*alignment=*/nullptr);
  StringAttr symbol =
      SymbolTable(module).insert(global, module.getBody()->begin());
  return memref::GetGlobalOp::create(builder, module.getLoc(), type,
                                     symbol.getValue());
}

LogicalResult KernelBuilder::buildTileLoop(OpBuilder &builder,
                                           gpu::GPUModuleOp module, Schedule &s,
                                           IRMapping &mapping) {
  Location loc = tile.getLoc();
  ScheduleBuilder sb(builder, loc);
  Type i32 = builder.getI32Type();
  // Tiles of lse's [B, H, T], the last query tile of each head partial.
  auto extent = [&](int64_t dim) {
    return arith::IndexCastOp::create(
        builder, loc, i32, memref::DimOp::create(builder, loc, s.lse, dim));
  };
  Value heads = extent(1);
  Value queryBlocks =
      arith::CeilDivUIOp::create(builder, loc, extent(2), sb.i32(s.tileRows));
  Value tiles = arith::MulIOp::create(
      builder, loc, arith::MulIOp::create(builder, loc, extent(0), heads),
      queryBlocks);
  Value firstTile = NVVM::BlockIdXOp::create(builder, loc, i32);
  Value stride = NVVM::GridDimXOp::create(builder, loc, i32);

  Value zero = sb.i32(0);
  Type index = builder.getIndexType();

  // Dynamic tiles: counter[0] hands out the tiles after the first grid's
  // worth, counter[1] counts the CTAs done; the last one done zeroes both
  // for the next launch (so launches of one kernel must not overlap).
  // Memory barriers order each CTA's last claim before its increment of
  // counter[1], and the last increment before the zeroing (NVPTX emits
  // the atomics relaxed). Claims only grow, so a CTA that claims past the
  // last tile has no valid tile left to lose.
  bool dynamicTiles = tile.getTuning().getDynamicTiles();
  Value counter, claimed;
  if (dynamicTiles) {
    MLIRContext *ctx = builder.getContext();
    counter =
        moduleGlobal(builder, module, "bsattn_tile_counter",
                     MemRefType::get({2}, i32, MemRefLayoutAttrInterface(),
                                     gpu::AddressSpaceAttr::get(
                                         ctx, gpu::AddressSpace::Global)));
    // The leader claims one tile ahead, so that the claim's round trip
    // overlaps a tile's work: during tile k it claims the CTA's tile k + 2
    // and, at the end of tile k, hands it over through shared memory slot
    // k % 2, which tile k + 1 reads after its top barrier. The slot's
    // readers (at the top of tile k) have all passed that barrier. The
    // CTA's second tile is claimed before the loop.
    claimed =
        moduleGlobal(builder, module, "bsattn_claimed_tile",
                     MemRefType::get({2}, i32, MemRefLayoutAttrInterface(),
                                     gpu::AddressSpaceAttr::get(
                                         ctx, gpu::AddressSpace::Workgroup)));
    auto leader = scf::IfOp::create(builder, loc, s.isLeader, false);
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(leader.thenBlock());
    Value claim = memref::AtomicRMWOp::create(
        builder, loc, arith::AtomicRMWKind::addi, sb.i32(1), counter,
        ValueRange{sb.index(0)});
    memref::StoreOp::create(builder, loc,
                            arith::AddIOp::create(builder, loc, claim, stride),
                            claimed, ValueRange{sb.index(1)});
  }
  // Carried: the tile, the ring step of its first K/V block, how many
  // tiles the CTA computed before it and the body's `bsattn.tile_carried`
  // values (zero for the first tile).
  SmallVector<Type> carriedTypes{i32, index, i32};
  SmallVector<Value> initial{firstTile, sb.index(0), zero};
  auto carriedOps = tile.getBody().front().getOps<TileCarriedOp>();
  TileCarriedOp tileCarried =
      carriedOps.empty() ? TileCarriedOp() : *carriedOps.begin();
  if (tileCarried) {
    // The CTA's first tile's, evaluated here (if it has one) as a tile
    // before it would have.
    llvm::append_range(carriedTypes, tileCarried.getResultTypes());
    Value exists = arith::CmpIOp::create(
        builder, loc, arith::CmpIPredicate::ult, firstTile, tiles);
    auto first = scf::IfOp::create(builder, loc, tileCarried.getResultTypes(),
                                   exists, /*withElseRegion=*/true);
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(first.thenBlock());
    auto [batch, head, queryBlock] =
        tileCoordinates(sb, s, firstTile, heads, queryBlocks);
    FailureOr<SmallVector<Value>> handOver = evaluateHandOver(
        builder, *tile.getBody().front().getOps<TileCarryOp>().begin(), mapping,
        ValueRange{batch, head, queryBlock, exists});
    if (failed(handOver))
      return failure();
    scf::YieldOp::create(builder, loc, *handOver);
    builder.setInsertionPointToStart(first.elseBlock());
    scf::YieldOp::create(
        builder, loc,
        llvm::map_to_vector(tileCarried.getResultTypes(), [&](Type type) {
          return Value(arith::ConstantOp::create(
              builder, loc, cast<TypedAttr>(builder.getZeroAttr(type))));
        }));
    llvm::append_range(initial, first.getResults());
  }
  // With padding_tiles_last a tile's coordinates follow from a load of
  // seq_lens: the loop carries them from the tile before (the CTA's first
  // tile's are computed here), so that a tile does not start with a load.
  // In 32 bits, as the tile index: the key-block loop keeps them live.
  bool carryCoordinates = bool(s.seqLens);
  auto narrow = [&](ArrayRef<Value> coordinates) {
    return llvm::map_to_vector(coordinates, [&](Value value) -> Value {
      return arith::IndexCastOp::create(builder, loc, i32, value);
    });
  };
  if (carryCoordinates) {
    Value exists = arith::CmpIOp::create(
        builder, loc, arith::CmpIPredicate::ult, firstTile, tiles);
    SmallVector<Type> types(3, i32);
    auto first = scf::IfOp::create(builder, loc, types, exists,
                                   /*withElseRegion=*/true);
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(first.thenBlock());
    scf::YieldOp::create(
        builder, loc,
        narrow(tileCoordinates(sb, s, firstTile, heads, queryBlocks)));
    builder.setInsertionPointToStart(first.elseBlock());
    scf::YieldOp::create(builder, loc, SmallVector<Value>(3, zero));
    llvm::append_range(carriedTypes, types);
    llvm::append_range(initial, first.getResults());
  }
  auto loop = scf::WhileOp::create(builder, loc, carriedTypes, initial);
  if (dynamicTiles) {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointAfter(loop);
    auto leader = scf::IfOp::create(builder, loc, s.isLeader, false);
    builder.setInsertionPointToStart(leader.thenBlock());
    NVVM::MembarOp::create(builder, loc, NVVM::MemScopeKind::GPU);
    Value done = memref::AtomicRMWOp::create(
        builder, loc, arith::AtomicRMWKind::addi, sb.i32(1), counter,
        ValueRange{sb.index(1)});
    Value last = arith::CmpIOp::create(
        builder, loc, arith::CmpIPredicate::eq, done,
        arith::SubIOp::create(builder, loc, stride, sb.i32(1)));
    auto reset = scf::IfOp::create(builder, loc, last, false);
    builder.setInsertionPointToStart(reset.thenBlock());
    NVVM::MembarOp::create(builder, loc, NVVM::MemScopeKind::GPU);
    for (int64_t i = 0; i < 2; ++i)
      memref::StoreOp::create(builder, loc, zero, counter,
                              ValueRange{sb.index(i)});
  }
  {
    OpBuilder::InsertionGuard guard(builder);
    SmallVector<Location> locs(carriedTypes.size(), loc);
    Block *before =
        builder.createBlock(&loop.getBefore(), {}, carriedTypes, locs);
    Value inRange = arith::CmpIOp::create(
        builder, loc, arith::CmpIPredicate::ult, before->getArgument(0), tiles);
    scf::ConditionOp::create(builder, loc, inRange, before->getArguments());
  }
  OpBuilder::InsertionGuard guard(builder);
  SmallVector<Location> locs(carriedTypes.size(), loc);
  Block *body = builder.createBlock(&loop.getAfter(), {}, carriedTypes, locs);
  Value current = body->getArgument(0), ringStep = body->getArgument(1),
        count = body->getArgument(2);
  std::array<Value, 3> coordinates;
  if (carryCoordinates)
    for (auto [coordinate, carried] :
         llvm::zip(coordinates, body->getArguments().take_back(3)))
      coordinate = sb.toIndex(carried);
  else
    coordinates = tileCoordinates(sb, s, current, heads, queryBlocks);
  s.batch = coordinates[0];
  s.head = coordinates[1];
  s.queryBlock = coordinates[2];
  // Tiles alternate between two Q buffers (each buffer's barrier then
  // completes a phase every second tile), or reuse one.
  Value alternate =
      sb.toIndex(arith::AndIOp::create(builder, loc, count, sb.i32(1)));
  bool singleQueryBuffer = s.tile.getTuning().getSingleQueryBuffer();
  s.queryBuffer = singleQueryBuffer ? sb.index(0) : alternate;
  s.queryParity = arith::TruncIOp::create(
      builder, loc, builder.getI1Type(),
      singleQueryBuffer
          ? count
          : arith::ShRUIOp::create(builder, loc, count, sb.i32(1)));
  Value following, aheadClaim;
  if (dynamicTiles) {
    // The next tile, handed over at the end of the previous one (or before
    // the loop); then the leader claims the one after it.
    NVVM::Barrier0Op::create(builder, loc);
    Value nextSlot =
        arith::SubIOp::create(builder, loc, sb.index(1), alternate);
    following =
        memref::LoadOp::create(builder, loc, claimed, ValueRange{nextSlot});
    auto leader = scf::IfOp::create(builder, loc, TypeRange{i32}, s.isLeader,
                                    /*addThenBlock=*/true,
                                    /*addElseBlock=*/true);
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(leader.thenBlock());
    scf::YieldOp::create(builder, loc,
                         ValueRange{memref::AtomicRMWOp::create(
                             builder, loc, arith::AtomicRMWKind::addi,
                             sb.i32(1), counter, ValueRange{sb.index(0)})});
    builder.setInsertionPointToStart(leader.elseBlock());
    scf::YieldOp::create(builder, loc, ValueRange{zero});
    aheadClaim = leader.getResult(0);
  } else {
    following = arith::AddIOp::create(builder, loc, current, stride);
  }
  Value hasNext = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::ult,
                                        following, tiles);
  // Without a next tile, the current one's coordinates keep the body's
  // reads in bounds.
  auto [nextBatch, nextHead, nextQueryBlock] = tileCoordinates(
      sb, s, arith::SelectOp::create(builder, loc, hasNext, following, current),
      heads, queryBlocks);
  Value first = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq,
                                      count, zero);

  // Every thread is done with the previous tile, whose query buffer this
  // tile's prologue refills with the next tile's Q, or with a single buffer
  // with its own (its store_output waited for that buffer's load and for
  // the TMA store that read o out of it).
  // Dynamic tiles put this barrier between the claim and its read. A
  // tile that releases its query buffer to the previous tile's load
  // (early_next_query) needs none: that load waits for the release.
  if (!dynamicTiles && !s.queryEmpty)
    NVVM::Barrier0Op::create(builder, loc);
  for (Operation &op : tile.getBody().front()) {
    if (auto start = dyn_cast<RingStartOp>(op)) {
      mapping.map(start.getFirst(), first);
      mapping.map(start.getStep(), ringStep);
    } else if (auto next = dyn_cast<NextTileOp>(op)) {
      mapping.map(next.getBatch(), nextBatch);
      mapping.map(next.getHead(), nextHead);
      mapping.map(next.getQueryBlock(), nextQueryBlock);
      mapping.map(next.getHasNext(), hasNext);
    }
  }
  if (tileCarried)
    mapping.map(tileCarried.getResults(),
                body->getArguments().slice(3, tileCarried.getNumResults()));
  TileHandOver handOver = cloneBody(builder, s, mapping);
  if (!handOver.ringStep)
    return tile.emitOpError()
           << "is persistent but has no 'bsattn.ring_end' (run "
              "bsattn-fuse-softmax before convert-bsattn-to-schedule)";
  if (dynamicTiles) {
    auto leader = scf::IfOp::create(builder, loc, s.isLeader, false);
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(leader.thenBlock());
    memref::StoreOp::create(
        builder, loc, arith::AddIOp::create(builder, loc, aheadClaim, stride),
        claimed, ValueRange{alternate});
  }
  SmallVector<Value> yielded{
      following, handOver.ringStep,
      arith::AddIOp::create(builder, loc, count, sb.i32(1))};
  llvm::append_range(yielded, handOver.carried);
  if (carryCoordinates)
    llvm::append_range(yielded, narrow({nextBatch, nextHead, nextQueryBlock}));
  scf::YieldOp::create(builder, loc, yielded);
  return success();
}

/// The tensor map type of a rank-4 [B, H, T, D] tensor of `element` copied
/// by `rows` x 64 boxes with 128-byte swizzle.
static nvgpu::TensorMapDescriptorType tensorMapType(Type element,
                                                    int64_t rows) {
  MLIRContext *ctx = element.getContext();
  auto box = MemRefType::get(
      {1, 1, rows, kChunkCols}, element, MemRefLayoutAttrInterface(),
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup));
  return nvgpu::TensorMapDescriptorType::get(
      ctx, box, nvgpu::TensorMapSwizzleKind::SWIZZLE_128B,
      nvgpu::TensorMapL2PromoKind::L2PROMO_NONE,
      nvgpu::TensorMapOOBKind::OOB_ZERO,
      nvgpu::TensorMapInterleaveKind::INTERLEAVE_NONE);
}

/// A 128-byte swizzled buffer of `chunks` rows x 64 chunks with leading
/// dimensions `leading`.
static Value allocChunks(ScheduleBuilder &sb, ArrayRef<int64_t> leading,
                         int64_t chunks, int64_t rows, Type element) {
  SmallVector<int64_t> shape(leading);
  llvm::append_range(shape, ArrayRef<int64_t>{chunks, rows, kChunkCols});
  auto type =
      MemRefType::get(shape, element, MemRefLayoutAttrInterface(),
                      gpu::AddressSpaceAttr::get(element.getContext(),
                                                 gpu::AddressSpace::Workgroup));
  return SharedAllocOp::create(sb.b, sb.loc, type, /*swizzle=*/128,
                               /*offset=*/nullptr);
}

static Value createBarriers(ScheduleBuilder &sb, int64_t count) {
  MLIRContext *ctx = sb.b.getContext();
  auto type = nvgpu::MBarrierGroupType::get(
      ctx, gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup),
      count);
  return nvgpu::MBarrierCreateOp::create(sb.b, sb.loc, type);
}

LogicalResult KernelBuilder::build(gpu::GPUModuleOp module) {
  MLIRContext *ctx = b.getContext();
  Location loc = tile.getLoc();

  // Tensor maps for q (loaded by query-tile boxes), k and v (by key-tile
  // boxes) and o (stored by each warpgroup's 64 rows), passed by value as
  // __grid_constant__ params.
  auto tmapAttrs = b.getDictionaryAttr(
      {b.getNamedAttr(
           LLVM::LLVMDialect::getByValAttrName(),
           TypeAttr::get(LLVM::LLVMArrayType::get(b.getI8Type(), 128))),
       b.getNamedAttr(LLVM::LLVMDialect::getAlignAttrName(),
                      b.getI64IntegerAttr(64)),
       b.getNamedAttr(NVVM::NVVMDialect::getGridConstantAttrName(),
                      b.getUnitAttr())});
  int64_t keyRows = tile.getKeyTileSize();
  int64_t tileRows = tile.getQueryTileSize();
  int64_t threads = tileRows / kGroupRows * kWarpgroupThreads;
  for (auto [value, name, rows] : {std::tuple{tile.getQ(), "q", tileRows},
                                   {tile.getK(), "k", keyRows},
                                   {tile.getV(), "v", keyRows},
                                   {tile.getO(), "o", kGroupRows}}) {
    FailureOr<int64_t> number = funcArgNumber(value, name);
    if (failed(number))
      return failure();
    argTypes.push_back(LLVM::LLVMPointerType::get(ctx));
    argAttrs.push_back(tmapAttrs);
    abi.push_back(abiEntry(
        b, "tensor_map", name, *number,
        {b.getNamedAttr("box", b.getI64ArrayAttr({kChunkCols, rows, 1, 1})),
         b.getNamedAttr("swizzle", b.getI64IntegerAttr(128))}));
  }
  if (failed(addMemRef(tile.getLse(), "lse")))
    return failure();
  for (auto [capture, name] :
       llvm::zip(tile.getCaptures(), tile.getCaptureNames())) {
    StringRef captureName = cast<StringAttr>(name).getValue();
    if (failed(isa<MemRefType>(capture.getType())
                   ? addMemRef(capture, captureName)
                   : addIndexCapture(capture, captureName)))
      return failure();
  }

  OpBuilder builder(module.getBodyRegion());
  builder.setInsertionPointToEnd(&module.getBodyRegion().front());
  auto kernel = LLVM::LLVMFuncOp::create(
      builder, loc, func.getSymName(),
      LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), argTypes));
  kernel.setArgAttrsAttr(
      b.getArrayAttr(SmallVector<Attribute>(argAttrs.begin(), argAttrs.end())));
  kernel->setAttr(NVVM::NVVMDialect::getKernelFuncAttrName(), b.getUnitAttr());
  kernel->setAttr(NVVM::NVVMDialect::getReqntidAttrName(),
                  b.getDenseI32ArrayAttr({int32_t(threads), 1, 1}));
  // One CTA per SM at most (shared memory decides that anyway); telling
  // ptxas lets it budget registers for the CTA's threads.
  kernel->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(),
                  b.getI32IntegerAttr(1));
  kernel->setAttr("bsattn.abi", b.getArrayAttr(abi));
  kernel->setAttr("bsattn.block", b.getI64ArrayAttr({threads, 1, 1}));
  kernel->setAttr("bsattn.sparsity", tile.getSparsity());
  kernel->setAttr("bsattn.pv", tile.getPvAttr());
  kernel->setAttr("bsattn.scale", tile.getScaleAttr());
  // Grouped-query kernels tell the runtimes H = kv_group * H_kv.
  if (tile.getKvGroup() != 1)
    kernel->setAttr("bsattn.kv_group", tile.getKvGroupAttr());
  kernel->setAttr("bsattn.tuning", tile.getTuning());
  kernel->setAttr("bsattn.function_type",
                  TypeAttr::get(func.getFunctionType()));
  bool persistent = tile.getTuning().getPersistent();
  if (persistent)
    kernel->setAttr("bsattn.persistent", b.getUnitAttr());

  entry = kernel.addEntryBlock(builder);
  builder.setInsertionPointToStart(entry);
  ScheduleBuilder sb(builder, loc);

  Schedule s;
  s.tile = tile;
  Type element = tile.getElementType();
  s.tileRows = tileRows;
  s.threads = threads;
  s.tmapQ = TensorMapOp::create(builder, loc, tensorMapType(element, tileRows),
                                entry->getArgument(0));
  s.keyRows = keyRows;
  s.tmapK = TensorMapOp::create(builder, loc, tensorMapType(element, keyRows),
                                entry->getArgument(1));
  s.tmapV = TensorMapOp::create(builder, loc, tensorMapType(element, keyRows),
                                entry->getArgument(2));
  s.tmapO = TensorMapOp::create(
      builder, loc, tensorMapType(element, kGroupRows), entry->getArgument(3));
  s.lse = globalMemRef(builder, tile.getLse());
  s.tid = NVVM::ThreadIdXOp::create(builder, loc, builder.getI32Type());
  s.isLeader = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq,
                                     s.tid, sb.i32(0));
  s.convertValues =
      tile.getPv() == PVPrecision::f16 && tile.getElementType().isBF16();

  // A persistent CTA loads its next tile's Q into the other buffer while
  // it computes with one, unless the tuning keeps one buffer.
  int64_t queryBuffers =
      persistent && !tile.getTuning().getSingleQueryBuffer() ? 2 : 1;
  // D = 96 takes two chunks: TMA fills the second one's last 32 columns
  // (past the tensor's D) with zeros on load and drops them on store.
  s.headDim = tile.getHeadDim();
  s.chunks = llvm::divideCeil(s.headDim, kChunkCols);
  s.kvGroup = tile.getKvGroup();
  s.queryBuffers = allocChunks(sb, {queryBuffers}, s.chunks, tileRows, element);
  s.stages = tile.getTuning().getStages();
  s.valueStages = tile.getTuning().getValueStages();
  int64_t valueSlots = s.valueStages ? s.valueStages : s.stages;
  s.ring = allocChunks(sb, {s.stages, s.valueStages ? 1 : 2}, s.chunks, keyRows,
                       element);
  if (s.valueStages)
    s.valueRing =
        allocChunks(sb, {s.valueStages, 1}, s.chunks, keyRows, element);
  if (tile->walk([](LoadKVOp load) {
            return load.getAnnounce() ? WalkResult::interrupt()
                                      : WalkResult::advance();
          })
          .wasInterrupted())
    s.announced = SharedAllocOp::create(
        builder, loc,
        MemRefType::get(
            {s.stages}, builder.getI32Type(), MemRefLayoutAttrInterface(),
            gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup)),
        /*swizzle=*/0, /*offset=*/nullptr);
  s.queryLanded = createBarriers(sb, queryBuffers);
  s.keysLanded = createBarriers(sb, s.stages);
  s.valuesLanded = createBarriers(sb, valueSlots);
  s.slotEmpty = createBarriers(sb, s.stages);
  if (s.valueStages)
    s.valuesEmpty = createBarriers(sb, s.valueStages);
  if (s.convertValues)
    s.slotConverted = createBarriers(sb, valueSlots);
  if (tile.releasesQueryBuffer())
    s.queryEmpty = createBarriers(sb, queryBuffers);

  // Thread 0 fetches the tensor maps (rather than on each one's first TMA
  // instruction, which would wait for it) and sets up the mbarriers: the Q
  // buffers' and the slots' "landed" ones expect its arrival with the
  // transaction bytes, "empty" and "converted" ones every thread's.
  {
    auto ifOp = scf::IfOp::create(builder, loc, s.isLeader, false);
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(ifOp.thenBlock());
    for (Value tmap : {s.tmapQ, s.tmapK, s.tmapV, s.tmapO})
      nvgpu::TmaPrefetchOp::create(builder, loc, tmap, Value());
    auto init = [&](Value group, int64_t count, int64_t arrivals) {
      for (int64_t i = 0; i < count; ++i)
        nvgpu::MBarrierInitOp::create(builder, loc, group, sb.index(arrivals),
                                      sb.index(i), Value());
    };
    init(s.queryLanded, queryBuffers, 1);
    init(s.keysLanded, s.stages, 1);
    init(s.valuesLanded, valueSlots, 1);
    init(s.slotEmpty, s.stages, threads);
    if (s.valueStages)
      init(s.valuesEmpty, s.valueStages, threads);
    if (s.convertValues)
      init(s.slotConverted, valueSlots, threads);
    if (s.queryEmpty)
      init(s.queryEmpty, queryBuffers, threads);
    NVVM::FenceMbarrierInitOp::create(builder, loc);
  }
  NVVM::Barrier0Op::create(builder, loc);

  // The captures from the kernel arguments.
  IRMapping mapping;
  Type index = builder.getIndexType();
  for (auto [i, capture] : llvm::enumerate(tile.getCaptures())) {
    Value arg = tile.getCaptureArgument(i);
    if (isa<MemRefType>(capture.getType()))
      mapping.map(arg, globalMemRef(builder, capture));
    else if (Operation *constant = capture.getDefiningOp();
             constant && matchPattern(capture, m_Constant()))
      mapping.map(arg, builder.clone(*constant)->getResult(0));
    else
      mapping.map(arg, arith::IndexCastOp::create(
                           builder, loc, index,
                           entry->getArgument(firstArg.lookup(capture))));
  }
  if (tile.getTuning().getPaddingTilesLast())
    s.seqLens = mapping.lookup(captureNamed(tile, "seq_lens"));
  if (persistent) {
    if (failed(buildTileLoop(builder, module, s, mapping)))
      return failure();
  } else {
    if (isa<CausalAttr>(tile.getSparsity()))
      assignTileInSections(sb, s);
    else
      assignTileHeadByHead(sb, s);
    TuningAttr tuning = tile.getTuning();
    if (tuning.getPrefetchIndices() || tuning.getPrefetchBlocks()) {
      HeadAhead ahead = headAWaveAhead(sb, s);
      auto leader = scf::IfOp::create(
          builder, loc,
          arith::AndIOp::create(builder, loc, s.isLeader, ahead.exists),
          /*withElse=*/false);
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToStart(leader.thenBlock());
      if (tuning.getPrefetchIndices()) {
        auto csr = dyn_cast<CSRAttr>(tile.getSparsity());
        prefetchIndexLines(sb, s, ahead,
                           mapping.lookup(captureNamed(tile, "row_ptr")),
                           mapping.lookup(captureNamed(tile, "col_idx")),
                           csr && csr.getPerKvHead());
      }
      if (tuning.getPrefetchBlocks())
        prefetchBlocks(sb, s, ahead);
    }
    s.queryBuffer = sb.index(0);
    s.queryParity = arith::ConstantIntOp::create(builder, loc, 0, 1);
    cloneBody(builder, s, mapping);
  }
  LLVM::ReturnOp::create(builder, loc, ValueRange{});

  // Tile ops -> the schedule level. `bsattn.mask` stays, with its query
  // block made explicit.
  RewritePatternSet patterns(ctx);
  patterns.add<LoadQToSchedule, ReleaseQToSchedule, PrefetchQToSchedule,
               LoadKVToSchedule, WaitKVToSchedule, AnnouncedBlockToSchedule,
               ReleaseKVToSchedule, QKToSchedule, MaskToSchedule, PVToSchedule,
               StoreOutputToSchedule>(ctx, s);
  ConversionTarget target(*ctx);
  target
      .addIllegalOp<LoadQOp, ReleaseQOp, PrefetchQOp, LoadKVOp, WaitKVOp,
                    AnnouncedBlockOp, ReleaseKVOp, QKOp, PVOp, StoreOutputOp>();
  target.addDynamicallyLegalOp<MaskOp>(
      [](MaskOp op) { return op.getQueryBlock() != nullptr; });
  target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
  return applyPartialConversion(kernel, target, std::move(patterns));
}

struct ConvertBSAttnToSchedulePass
    : public bsattn::impl::ConvertBSAttnToScheduleBase<
          ConvertBSAttnToSchedulePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<std::pair<func::FuncOp, QueryTileOp>> kernels;
    WalkResult walk = module.walk([&](func::FuncOp func) {
      SmallVector<QueryTileOp> tiles;
      func.walk([&](QueryTileOp tile) { tiles.push_back(tile); });
      if (tiles.empty())
        return WalkResult::advance();
      if (tiles.size() > 1) {
        func.emitOpError() << "convert-bsattn-to-schedule makes one kernel "
                              "per function, but this one holds "
                           << tiles.size() << " query tiles";
        return WalkResult::interrupt();
      }
      if (failed(checkSupported(tiles.front())))
        return WalkResult::interrupt();
      // The function becomes the kernel's interface and is erased: besides
      // the tile and the return, only values without side effects (what the
      // tile captures) may be lost. Operands of the tile made in the
      // function are refused by the kernel's ABI, with their role named.
      QueryTileOp tile = tiles.front();
      for (Operation &op : func.getBody().front()) {
        if (isa<QueryTileOp, func::ReturnOp>(op) || isMemoryEffectFree(&op) ||
            llvm::is_contained(op.getUsers(), tile.getOperation()))
          continue;
        op.emitOpError() << "would be dropped: a function holding a "
                            "'bsattn.query_tile' may hold only the tile, "
                            "side-effect-free values and the return";
        return WalkResult::interrupt();
      }
      kernels.emplace_back(func, tiles.front());
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    OpBuilder builder(module.getBodyRegion());
    builder.setInsertionPointToEnd(module.getBody());
    for (auto [func, tile] : kernels) {
      auto gpuModule = gpu::GPUModuleOp::create(
          builder, func.getLoc(), (func.getSymName() + "_kernels").str());
      if (failed(KernelBuilder(func, tile).build(gpuModule)))
        return signalPassFailure();
      func.erase();
    }
    if (!kernels.empty())
      module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                      builder.getUnitAttr());
  }
};

} // namespace
