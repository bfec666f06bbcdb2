//===- BSAttnScheduleOps.cpp - the kernel-schedule level --------*- C++ -*-===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::bsattn;

#define GET_OP_CLASSES
#include "bsattn/Dialect/BSAttn/IR/BSAttnScheduleOps.cpp.inc"

/// Whether `type` lives in a CTA's shared memory.
static bool isShared(MemRefType type) {
  return gpu::GPUDialect::hasWorkgroupMemoryAddressSpace(type);
}

int64_t SharedAllocOp::getByteSize() {
  MemRefType type = getType();
  return type.getNumElements() * type.getElementTypeBitWidth() / 8;
}

LogicalResult SharedAllocOp::verify() {
  MemRefType type = getType();
  if (!isShared(type))
    return emitOpError() << "buffer must be in workgroup memory, got " << type;
  if (!type.hasStaticShape() || !type.getLayout().isIdentity())
    return emitOpError() << "buffer must have a static shape and the identity "
                            "layout, got "
                         << type;
  int64_t swizzle = getSwizzle();
  if (swizzle != 0 && swizzle != 128)
    return emitOpError() << "swizzle must be 0 or 128 bytes, got " << swizzle;
  int64_t rowBytes = type.getShape().back() * type.getElementTypeBitWidth() / 8;
  if (swizzle == 128 && rowBytes != 128)
    return emitOpError() << "a 128-byte swizzled buffer needs rows of 128 "
                            "bytes, got "
                         << rowBytes;
  // The 128-byte swizzle repeats every 8 rows of 128 bytes.
  int64_t alignment = swizzle == 128 ? 1024 : 16;
  if (std::optional<int64_t> offset = getOffset();
      offset && (*offset < 0 || *offset % alignment != 0))
    return emitOpError() << "offset must be a non-negative multiple of "
                         << alignment << ", got " << *offset;
  return success();
}

LogicalResult TensorMapOp::verify() {
  if (cast<LLVM::LLVMPointerType>(getParameter().getType()).getAddressSpace())
    return emitOpError() << "parameter must be a generic pointer (a by-value "
                            "kernel parameter)";
  return success();
}

LogicalResult PrefetchL2Op::verify() {
  auto type = cast<MemRefType>(getSource().getType());
  auto space = dyn_cast_or_null<gpu::AddressSpaceAttr>(type.getMemorySpace());
  if (!space || space.getValue() != gpu::AddressSpace::Global ||
      !type.getLayout().isIdentity())
    return emitOpError() << "source must be a contiguous memref in "
                            "#gpu.address_space<global>, got "
                         << type;
  return success();
}

LogicalResult GlobalMemRefOp::verify() {
  MemRefType type = getType();
  auto space = dyn_cast_or_null<gpu::AddressSpaceAttr>(type.getMemorySpace());
  if (!space || space.getValue() != gpu::AddressSpace::Global)
    return emitOpError() << "memref must be in #gpu.address_space<global>, got "
                         << type;
  if (!type.getLayout().isIdentity())
    return emitOpError() << "memref must have the identity layout, got "
                         << type;
  if (int64_t dynamic = type.getNumDynamicDims();
      dynamic != static_cast<int64_t>(getSizes().size()))
    return emitOpError() << "needs one size per dynamic dimension (" << dynamic
                         << "), got " << getSizes().size();
  return success();
}

LogicalResult WarpSpecializeOp::verify() {
  // What setmaxnreg accepts, and what one SM's register file holds.
  for (int64_t registers : {getConsumerRegisters(), getProducerRegisters()})
    if (registers < 24 || registers > 256 || registers % 8 != 0)
      return emitOpError() << "register budgets must be multiples of 8 in "
                              "[24, 256], got "
                           << registers;
  for (int64_t threads : {getConsumerThreads(), getProducerThreads()})
    if (threads % 128 != 0)
      return emitOpError() << "each role must be whole warpgroups (128 "
                              "threads), got "
                           << threads;
  int64_t total = getConsumerThreads() * getConsumerRegisters() +
                  getProducerThreads() * getProducerRegisters();
  if (total > kRegistersPerSM)
    return emitOpError() << "register budgets need " << total
                         << " registers, over the " << kRegistersPerSM
                         << " of an SM";
  return success();
}

/// Whether a `cols`-column tile fills `chunks` 64-column chunks: all of
/// them, or all but the last half (D = 96: the rest of the last chunk is
/// TMA's zero fill past the tensor's D).
static bool fillsChunks(int64_t cols, int64_t chunks) {
  return cols == 64 * chunks || cols == 64 * chunks - 32;
}

/// Checks that `type` is a `C x rows x 64` 16-bit float buffer in shared
/// memory with C in [1, 4]: the 64-column chunks of a `rows x 64C`
/// operand.
static LogicalResult checkOperandChunks(Operation *op, MemRefType type,
                                        StringRef name) {
  ArrayRef<int64_t> shape = type.getShape();
  Type element = type.getElementType();
  SmallVector<int64_t> strides;
  int64_t offset;
  // The chunks are read as one block: rows of 64 elements, back to back
  // (the stride of a single chunk does not matter).
  if (isShared(type) && shape.size() == 3 && shape[0] >= 1 && shape[0] <= 4 &&
      shape[2] == 64 && (element.isBF16() || element.isF16()) &&
      succeeded(type.getStridesAndOffset(strides, offset)) &&
      (shape[0] == 1 || strides[0] == 64 * shape[1]) &&
      ArrayRef(strides).drop_front() == ArrayRef<int64_t>{64, 1})
    return success();
  return op->emitOpError() << "operand '" << name
                           << "' must be a contiguous CxRx64 bf16 or f16 "
                              "buffer in workgroup memory with C in [1, 4], "
                              "got "
                           << type;
}

/// Checks that the only use of `value` is a `bsattn.wgmma_wait` or, for a
/// register-A product, the next `bsattn.wgmma_rs` of its group.
static LogicalResult checkRetired(Operation *op, Value value) {
  if (value.hasOneUse()) {
    Operation *user = *value.user_begin();
    if (isa<WgmmaWaitOp>(user))
      return success();
    if (auto next = dyn_cast<WgmmaRegisterOp>(user);
        next && next.getAcc() == value)
      return success();
  }
  return op->emitOpError() << "result must have exactly one use, by "
                              "'bsattn.wgmma_wait' or as the accumulator of "
                              "the next 'bsattn.wgmma_rs'";
}

/// Checks that `b`'s rows (the keys: the product's N, or its K for P.V)
/// are whole k16 steps that one wgmma can take (N at most 256).
static LogicalResult checkKeyRows(Operation *op, MemRefType b) {
  int64_t rows = b.getShape()[1];
  if (rows % 16 == 0 && rows <= 256)
    return success();
  return op->emitOpError() << "operand 'b' must have a multiple of 16 rows, "
                              "at most 256, got "
                           << rows;
}

LogicalResult WgmmaSharedOp::verify() {
  if (failed(checkOperandChunks(*this, getA().getType(), "a")) ||
      failed(checkOperandChunks(*this, getB().getType(), "b")) ||
      failed(checkKeyRows(*this, getB().getType())))
    return failure();
  MemRefType a = getA().getType(), b = getB().getType();
  if (a.getElementType() != b.getElementType())
    return emitOpError() << "operands must have one element type, got "
                         << a.getElementType() << " and " << b.getElementType();
  if (a.getShape()[0] != b.getShape()[0])
    return emitOpError() << "operands must have one number of 64-column "
                            "chunks (the product's K), got "
                         << a.getShape()[0] << " and " << b.getShape()[0];
  if (std::optional<int64_t> depth = getDepth();
      depth && !fillsChunks(*depth, a.getShape()[0]))
    return emitOpError() << "depth must be " << 64 * a.getShape()[0] << " or "
                         << 64 * a.getShape()[0] - 32
                         << " (the operands' 64-column chunks, the last one "
                            "whole or half), got "
                         << *depth;
  TileType result = getResult().getType();
  if (result.getRows() != a.getShape()[1] ||
      result.getCols() != b.getShape()[1] || !result.getElementType().isF32())
    return emitOpError() << "result must be a " << a.getShape()[1] << "x"
                         << b.getShape()[1] << " f32 tile, got " << result;
  return checkRetired(*this, getResult());
}

LogicalResult WgmmaRegisterOp::verify() {
  if (failed(checkOperandChunks(*this, getB().getType(), "b")) ||
      failed(checkKeyRows(*this, getB().getType())))
    return failure();
  TileType acc = getAcc().getType(), a = getA().getType();
  ArrayRef<int64_t> b = getB().getType().getShape();
  if (!a.getElementType().isBF16() && !a.getElementType().isF16())
    return emitOpError() << "operand 'a' must be a bf16 or f16 tile, got " << a;
  if (!acc.getElementType().isF32() || acc.getRows() != a.getRows() ||
      a.getCols() != b[1] || !fillsChunks(acc.getCols(), b[0]))
    return emitOpError() << "shapes do not chain: acc " << acc << ", a " << a
                         << ", b " << getB().getType();
  return checkRetired(*this, getResult());
}

LogicalResult WgmmaWaitOp::verify() {
  if (getInputs().empty())
    return emitOpError() << "needs at least one accumulator";
  return success();
}

LogicalResult TruncFOp::verify() {
  TileType input = getInput().getType(), result = getResult().getType();
  if (!input.getElementType().isF32() ||
      !(result.getElementType().isBF16() || result.getElementType().isF16()) ||
      input.getRows() != result.getRows() ||
      input.getCols() != result.getCols())
    return emitOpError() << "rounds an f32 tile to a bf16 or f16 tile of its "
                            "shape, got "
                         << input << " to " << result;
  return success();
}

LogicalResult SplitBF16Op::verify() {
  TileType input = getInput().getType(), high = getHigh().getType();
  if (!input.getElementType().isF32() || !high.getElementType().isBF16() ||
      input.getRows() != high.getRows() || input.getCols() != high.getCols())
    return emitOpError() << "splits an f32 tile into bf16 tiles of its shape, "
                            "got "
                         << input << " to " << high;
  return success();
}

LogicalResult RescaleOp::verify() {
  if (getAcc().getType().getRows() != getFactor().getType().getRows())
    return emitOpError() << "needs one factor per row";
  if (getWarpRescales() && getSkipUnitFactors())
    return emitOpError() << "skips unit factors either by its own vote "
                            "(skip_unit_factors) or by a flag, not both";
  return success();
}

LogicalResult RowMaxOp::verify() {
  if (getScores().getType().getRows() != getMax().getType().getRows())
    return emitOpError() << "needs one maximum per row";
  if (getVoteKeptMaxima() && !getRescaleThreshold())
    return emitOpError() << "keeps row maxima by a warp vote, which needs a "
                            "rescale_threshold";
  if (getWarpMoved() && !getVoteKeptMaxima())
    return emitOpError() << "returns warp_moved, the warp vote of "
                            "vote_kept_maxima, without that vote";
  return verifyRescaleThreshold(*this, getRescaleThreshold());
}

LogicalResult ExpScoresOp::verify() {
  TileType scores = getScores().getType();
  if (scores.getRows() != getMax().getType().getRows())
    return emitOpError() << "needs one maximum per row";
  int64_t first = getFirstColumn(), columns = getColumns();
  // The accumulator fragment holds columns in chunks of 8.
  if (first < 0 || columns <= 0 || first % 8 || columns % 8 ||
      first + columns > scores.getCols())
    return emitOpError() << "needs a range of whole 8-column chunks in the "
                            "tile's "
                         << scores.getCols() << " columns, got " << columns
                         << " from " << first;
  return verifyPolyColumns(*this, getPolyColumns(), first, first + columns);
}

LogicalResult
mlir::bsattn::verifyPolyColumns(Operation *op,
                                std::optional<ArrayRef<int64_t>> polyColumns,
                                int64_t first, int64_t end) {
  if (!polyColumns)
    return success();
  int64_t previous = first - 8;
  for (int64_t column : *polyColumns) {
    if (column % 8 || column < previous + 8 || column + 8 > end)
      return op->emitOpError()
             << "poly_columns must be increasing multiples of 8 that start "
                "8-column chunks in columns ["
             << first << ", " << end << "), got " << column;
    previous = column;
  }
  return success();
}

LogicalResult
mlir::bsattn::verifyRescaleThreshold(Operation *op,
                                     std::optional<int64_t> threshold) {
  if (threshold && (*threshold < 0 || *threshold > kMaxRescaleThreshold))
    return op->emitOpError()
           << "rescale_threshold must be in [0, " << kMaxRescaleThreshold
           << "] (probabilities up to 2^N in f16), got " << *threshold;
  return success();
}

LogicalResult NormalizeOp::verify() {
  TileType acc = getAcc().getType(), output = getOutput().getType();
  if (!acc.getElementType().isF32() || acc.getRows() != output.getRows() ||
      acc.getCols() != output.getCols() ||
      !(output.getElementType().isBF16() || output.getElementType().isF16()))
    return emitOpError() << "turns an f32 accumulator into a bf16 or f16 tile "
                            "of its shape, got "
                         << acc << " to " << output;
  if (getMax().getType().getRows() != acc.getRows())
    return emitOpError() << "needs one row value per accumulator row";
  return success();
}

LogicalResult StoreSwizzledOp::verify() {
  if (failed(checkOperandChunks(*this, getDest().getType(), "dest")))
    return failure();
  TileType tile = getTile().getType();
  MemRefType dest = getDest().getType();
  if (tile.getElementType() != dest.getElementType() ||
      tile.getRows() != dest.getShape()[1] ||
      !fillsChunks(tile.getCols(), dest.getShape()[0]))
    return emitOpError() << "tile " << tile << " does not fit buffer " << dest;
  return success();
}

LogicalResult StoreRowsOp::verify() {
  auto dest = dyn_cast<MemRefType>(getDest().getType());
  if (!dest || dest.getRank() != 3 || !dest.getElementType().isF32() ||
      isShared(dest))
    return emitOpError() << "destination must be a rank-3 f32 memref in "
                            "global memory, got "
                         << getDest().getType();
  if (!getRows().getType().getElementType().isF32())
    return emitOpError() << "rows must be f32";
  return success();
}

LogicalResult ConvertSharedOp::verify() {
  MemRefType type = getBuffer().getType();
  if (!isShared(type) || !type.getElementType().isBF16() ||
      type.getNumElements() % 8 != 0)
    return emitOpError() << "buffer must be bf16 in workgroup memory, whole "
                            "16-byte chunks, got "
                         << type;
  if (getThreads() < 32 || getThreads() % 32 != 0 ||
      static_cast<int64_t>(getFirstThread()) < 0 || getFirstThread() % 32 != 0)
    return emitOpError() << "needs whole warps: threads " << getThreads()
                         << " from thread " << getFirstThread();
  return success();
}
