//===- BSAttnOps.cpp - bsattn operations ------------------------*- C++ -*-===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::bsattn;

/// Parses the P.V precision as a bare keyword (`pv = split_bf16`).
static ParseResult parsePVPrecision(OpAsmParser &parser,
                                    PVPrecisionAttr &precision) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef keyword;
  if (parser.parseKeyword(&keyword))
    return failure();
  std::optional<PVPrecision> value = symbolizePVPrecision(keyword);
  if (!value)
    return parser.emitError(loc) << "unknown P.V precision '" << keyword
                                 << "', expected one of: bf16, f16, split_bf16";
  precision = PVPrecisionAttr::get(parser.getContext(), *value);
  return success();
}

static void printPVPrecision(OpAsmPrinter &printer, Operation *,
                             PVPrecisionAttr precision) {
  printer << stringifyPVPrecision(precision.getValue());
}

#define GET_OP_CLASSES
#include "bsattn/Dialect/BSAttn/IR/BSAttnOps.cpp.inc"

namespace {

/// Writes a shape the way users read it: [2, 16, ?, 128].
std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "[";
  llvm::interleaveComma(shape, os, [&](int64_t dim) {
    if (ShapedType::isDynamic(dim))
      os << "?";
    else
      os << dim;
  });
  os << "]";
  return text;
}

/// Two shapes agree where both dimensions are static.
bool shapesCompatible(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs) {
  return lhs.size() == rhs.size() &&
         llvm::all_of(llvm::zip(lhs, rhs), [](auto dims) {
           auto [a, b] = dims;
           return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) ||
                  a == b;
         });
}

/// Verifies the operands of one attention op; each check emits one message.
class AttentionVerifier {
public:
  explicit AttentionVerifier(AttentionOp op) : op(op) {}

  LogicalResult verify();

private:
  /// Checks that `value` is a contiguous memref of `rank` and `elementType`
  /// (when given) and returns its type.
  FailureOr<MemRefType> checkMemRef(Value value, StringRef name, int64_t rank,
                                    StringRef layout, Type elementType);
  /// Checks that `type` has `expected` shape, up to dynamic dimensions.
  LogicalResult checkShape(MemRefType type, StringRef name,
                           ArrayRef<int64_t> expected, StringRef what);
  LogicalResult verifyIndices(ArrayRef<int64_t> qShape);

  AttentionOp op;
};

FailureOr<MemRefType>
AttentionVerifier::checkMemRef(Value value, StringRef name, int64_t rank,
                               StringRef layout, Type elementType) {
  auto type = dyn_cast<MemRefType>(value.getType());
  if (!type)
    return op.emitOpError() << "'" << name << "' must be a ranked memref "
                            << layout << ", got " << value.getType();
  if (type.getRank() != rank)
    return op.emitOpError() << "'" << name << "' must have rank " << rank << " "
                            << layout << ", got rank " << type.getRank();
  if (elementType && type.getElementType() != elementType)
    return op.emitOpError() << "'" << name << "' element type must be "
                            << elementType << ", got " << type.getElementType();
  if (!type.getLayout().isIdentity())
    return op.emitOpError()
           << "'" << name << "' must be contiguous (identity layout), got "
           << type;
  return type;
}

LogicalResult AttentionVerifier::checkShape(MemRefType type, StringRef name,
                                            ArrayRef<int64_t> expected,
                                            StringRef what) {
  if (shapesCompatible(type.getShape(), expected))
    return success();
  return op.emitOpError() << "'" << name << "' shape "
                          << formatShape(type.getShape()) << " does not match "
                          << what << " " << formatShape(expected);
}

LogicalResult AttentionVerifier::verify() {
  FailureOr<MemRefType> qType =
      checkMemRef(op.getQ(), "q", 4, "[B, H, T, D]", /*elementType=*/{});
  if (failed(qType))
    return failure();
  Type elementType = qType->getElementType();
  if (!elementType.isBF16() && !elementType.isF16())
    return op.emitOpError()
           << "'q' element type must be bf16 or f16, got " << elementType;

  ArrayRef<int64_t> qShape = qType->getShape();
  int64_t headDim = qShape[3];
  if (ShapedType::isDynamic(headDim))
    return op.emitOpError() << "head dimension D must be static";
  if (headDim != 64 && headDim != 128 && headDim != 256)
    return op.emitOpError()
           << "head dimension D must be 64, 128 or 256, got " << headDim;

  int64_t blockSize = op.getBlockSize();
  if (blockSize != 128)
    return op.emitOpError() << "block size must be 128, got " << blockSize;
  int64_t seqLen = qShape[2];
  if (!ShapedType::isDynamic(seqLen) &&
      (seqLen <= 0 || seqLen % blockSize != 0))
    return op.emitOpError()
           << "sequence length T = " << seqLen
           << " must be a positive multiple of the block size " << blockSize;

  for (auto [value, name] :
       {std::pair{op.getK(), "k"}, {op.getV(), "v"}, {op.getO(), "o"}}) {
    FailureOr<MemRefType> type =
        checkMemRef(value, name, 4, "[B, H, T, D]", elementType);
    if (failed(type) ||
        failed(checkShape(*type, name, qShape, "the shape of 'q'")))
      return failure();
  }

  SmallVector<int64_t> bhtShape(qShape.take_front(3));
  FailureOr<MemRefType> lseType = checkMemRef(
      op.getLse(), "lse", 3, "[B, H, T]", Float32Type::get(op.getContext()));
  if (failed(lseType) ||
      failed(checkShape(*lseType, "lse", bhtShape, "[B, H, T] of 'q'")))
    return failure();

  Type i32 = IntegerType::get(op.getContext(), 32);
  FailureOr<MemRefType> seqLensType =
      checkMemRef(op.getSeqLens(), "seq_lens", 1, "[B]", i32);
  if (failed(seqLensType) ||
      failed(checkShape(*seqLensType, "seq_lens", qShape.take_front(1),
                        "[B] of 'q'")))
    return failure();

  if (failed(verifyIndices(qShape)))
    return failure();

  if (std::optional<APFloat> scale = op.getScale()) {
    if (!scale->isFiniteNonZero() || scale->isNegative())
      return op.emitOpError() << "scale must be positive and finite, got "
                              << scale->convertToDouble();
  }

  PVPrecision pv = op.getPv();
  if (elementType.isF16() && pv != PVPrecision::f16)
    return op.emitOpError() << "P.V precision '" << stringifyPVPrecision(pv)
                            << "' needs bf16 inputs; f16 inputs take 'f16'";
  return success();
}

LogicalResult AttentionVerifier::verifyIndices(ArrayRef<int64_t> qShape) {
  SparsityAttrInterface sparsity = op.getSparsity();
  Value rowPtr = op.getRowPtr();
  Value colIdx = op.getColIdx();
  if (!sparsity.needsIndexOperands()) {
    if (rowPtr || colIdx)
      return op.emitOpError()
             << "sparsity " << sparsity << " takes no index operands, but '"
             << (rowPtr ? "row_ptr" : "col_idx") << "' was given";
    return success();
  }
  if (!rowPtr || !colIdx)
    return op.emitOpError() << "sparsity " << sparsity << " needs '"
                            << (rowPtr ? "col_idx" : "row_ptr") << "' operand";

  Type i32 = IntegerType::get(op.getContext(), 32);
  int64_t seqLen = qShape[2];
  int64_t numRows = ShapedType::isDynamic(seqLen)
                        ? ShapedType::kDynamic
                        : seqLen / op.getBlockSize() + 1;
  FailureOr<MemRefType> rowPtrType =
      checkMemRef(rowPtr, "row_ptr", 3, "[B, H, T/block + 1]", i32);
  if (failed(rowPtrType) ||
      failed(checkShape(*rowPtrType, "row_ptr", {qShape[0], qShape[1], numRows},
                        "[B, H, T/block + 1] of 'q'")))
    return failure();

  FailureOr<MemRefType> colIdxType =
      checkMemRef(colIdx, "col_idx", 3, "[B, H, NNZ]", i32);
  if (failed(colIdxType) ||
      failed(checkShape(*colIdxType, "col_idx",
                        {qShape[0], qShape[1], colIdxType->getDimSize(2)},
                        "[B, H, NNZ] of 'q'")))
    return failure();
  return success();
}

} // namespace

LogicalResult AttentionOp::verify() {
  return AttentionVerifier(*this).verify();
}

double AttentionOp::getEffectiveScale() {
  if (std::optional<APFloat> scale = getScale())
    return scale->convertToDouble();
  return 1.0 / std::sqrt(static_cast<double>(getHeadDim()));
}

int64_t AttentionOp::getHeadDim() {
  return cast<MemRefType>(getQ().getType()).getDimSize(3);
}

Type AttentionOp::getElementType() {
  return cast<MemRefType>(getQ().getType()).getElementType();
}

TuningAttr AttentionOp::getTuningOrDefault() {
  if (TuningAttr tuning = getTuningAttr())
    return tuning;
  return TuningAttr::get(getContext(), 128, 128, 2, 2, false, false);
}

//===----------------------------------------------------------------------===//
// Tile level
//===----------------------------------------------------------------------===//

LogicalResult QueryTileOp::verify() {
  Block &body = getBody().front();
  unsigned expected = 3 + getCaptures().size();
  if (body.getNumArguments() != expected)
    return emitOpError() << "body must take " << expected
                         << " arguments (b, h, qb, then one per capture), got "
                         << body.getNumArguments();
  for (unsigned i = 0; i < 3; ++i)
    if (!body.getArgument(i).getType().isIndex())
      return emitOpError() << "body argument #" << i << " must be 'index'";
  if (getCaptureNames().size() != getCaptures().size())
    return emitOpError() << "needs one capture name per capture, got "
                         << getCaptureNames().size() << " for "
                         << getCaptures().size();
  for (auto [i, capture] : llvm::enumerate(getCaptures()))
    if (getCaptureArgument(i).getType() != capture.getType())
      return emitOpError() << "body argument for capture #" << i
                           << " must have its type " << capture.getType();
  auto ringEnds = body.getOps<RingEndOp>();
  if (std::distance(ringEnds.begin(), ringEnds.end()) > 1)
    return emitOpError() << "body holds more than one 'bsattn.ring_end'";
  return success();
}

/// The query tile an op of the tile level works for, or a diagnostic.
static FailureOr<QueryTileOp> getEnclosingQueryTile(Operation *op) {
  auto tile = op->getParentOfType<QueryTileOp>();
  if (!tile)
    return op->emitOpError() << "must be nested in a 'bsattn.query_tile'";
  return tile;
}

/// Checks that `type` is a tile of `rows x cols` f32.
static LogicalResult checkTile(Operation *op, TileType type, StringRef name,
                               int64_t rows, int64_t cols) {
  if (type.getRows() == rows && type.getCols() == cols &&
      type.getElementType().isF32())
    return success();
  return op->emitOpError() << name << " must be a " << rows << "x" << cols
                           << " f32 tile, got " << type;
}

/// Checks that `type` holds one f32 per row of a `rows`-row tile.
static LogicalResult checkRows(Operation *op, RowsType type, StringRef name,
                               int64_t rows) {
  if (type.getRows() == rows && type.getElementType().isF32())
    return success();
  return op->emitOpError() << name << " must hold " << rows << " f32 rows, got "
                           << type;
}

LogicalResult KeyBlockLoopOp::verify() {
  if (failed(getEnclosingQueryTile(*this)))
    return failure();
  Block &body = getBody().front();
  if (body.getNumArguments() != 1 || !body.getArgument(0).getType().isIndex())
    return emitOpError() << "body must take one 'index' argument (the entry)";
  return success();
}

/// The persistent query tile `op` works for, or a diagnostic.
static FailureOr<QueryTileOp> getPersistentQueryTile(Operation *op,
                                                     StringRef what) {
  FailureOr<QueryTileOp> tile = getEnclosingQueryTile(op);
  if (failed(tile))
    return failure();
  if (!tile->getTuning().getPersistent())
    return op->emitOpError()
           << what << " only in a 'bsattn.query_tile' with a persistent tuning";
  return tile;
}

LogicalResult LoadQOp::verify() {
  size_t count = getNextTile().size();
  if (count != 0 && count != 3)
    return emitOpError() << "takes no tile or the next tile's (b, h, qb), got "
                         << count << " values";
  if (count == 3 &&
      failed(getPersistentQueryTile(*this, "loads the next tile")))
    return failure();
  return getEnclosingQueryTile(*this);
}

LogicalResult LoadKVOp::verify() {
  size_t count = getBatchHead().size();
  if (count != 0 && count != 2)
    return emitOpError() << "takes no head or a (b, h) pair, got " << count
                         << " values";
  if (count == 2 &&
      failed(getPersistentQueryTile(*this, "loads another head's block")))
    return failure();
  return getEnclosingQueryTile(*this);
}

LogicalResult NextTileOp::verify() {
  return getPersistentQueryTile(*this, "exists");
}

LogicalResult RingStartOp::verify() {
  return getPersistentQueryTile(*this, "exists");
}

LogicalResult RingEndOp::verify() {
  FailureOr<QueryTileOp> tile = getPersistentQueryTile(*this, "exists");
  if (failed(tile))
    return failure();
  if ((*this)->getParentOp() != *tile)
    return emitOpError() << "must be directly in the query tile's body";
  return success();
}
LogicalResult WaitKVOp::verify() { return getEnclosingQueryTile(*this); }
LogicalResult ReleaseKVOp::verify() { return getEnclosingQueryTile(*this); }

LogicalResult QKOp::verify() {
  FailureOr<QueryTileOp> tile = getEnclosingQueryTile(*this);
  if (failed(tile))
    return failure();
  int64_t block = tile->getBlockSize();
  return checkTile(*this, getScores().getType(), "scores", block, block);
}

LogicalResult MaskOp::verify() {
  bool inTile = (*this)->getParentOfType<QueryTileOp>() != nullptr;
  if (inTile && getQueryBlock())
    return emitOpError() << "takes no 'query_block' inside a "
                            "'bsattn.query_tile' (the tile gives it)";
  if (!inTile && !getQueryBlock())
    return emitOpError() << "needs a 'query_block' outside a "
                            "'bsattn.query_tile'";
  return success();
}

// The softmax step is the same at the tile and the schedule level.
LogicalResult OnlineSoftmaxOp::verify() {
  TileType scores = getScores().getType();
  return checkRows(*this, getMax().getType(), "row state", scores.getRows());
}

LogicalResult PVOp::verify() {
  FailureOr<QueryTileOp> tile = getEnclosingQueryTile(*this);
  if (failed(tile))
    return failure();
  int64_t rows = getProbs().getType().getRows();
  if (failed(checkTile(*this, getAcc().getType(), "accumulator", rows,
                       tile->getHeadDim())))
    return failure();
  return checkRows(*this, getAlpha().getType(), "alpha", rows);
}

LogicalResult StoreOutputOp::verify() {
  FailureOr<QueryTileOp> tile = getEnclosingQueryTile(*this);
  if (failed(tile))
    return failure();
  int64_t rows = getAcc().getType().getRows();
  if (failed(checkTile(*this, getAcc().getType(), "accumulator", rows,
                       tile->getHeadDim())))
    return failure();
  return checkRows(*this, getMax().getType(), "row state", rows);
}
