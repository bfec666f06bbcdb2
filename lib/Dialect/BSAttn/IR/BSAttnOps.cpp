//===- BSAttnOps.cpp - bsattn operations ------------------------*- C++ -*-===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>
#include <limits>

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

bool mlir::bsattn::isKernelName(StringRef name) {
  // PTX takes a leading underscore only with more characters after it.
  return !name.empty() &&
         (llvm::isAlpha(name.front()) ||
          (name.front() == '_' && name.size() > 1)) &&
         llvm::all_of(name,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

namespace {

/// The largest extent and tile count the kernels' 32-bit indices hold.
constexpr int64_t kMaxIndex = std::numeric_limits<int32_t>::max();

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

/// Positions of [B, H, T, D] and of k's and v's heads H_kv in the extents a
/// buffer's dimensions give.
enum Extent : int { kBatch, kHeads, kTokens, kHeadDim, kKVHeads, kFree };

/// Verifies the buffers of an attention op or a query tile; each check
/// emits one message. The static sizes of every buffer checked so far
/// give the extents B, H, T and D the next one must agree with, so two
/// buffers cannot contradict each other when a third is dynamic.
class BufferVerifier {
public:
  /// `kvGroup` query heads share each head of k and v (H = kvGroup * H_kv).
  BufferVerifier(Operation *op, int64_t kvGroup) : op(op), kvGroup(kvGroup) {}

  /// Checks q, k, v, o and lse and returns q's element type.
  FailureOr<Type> verifyActivations(Value q, Value k, Value v, Value o,
                                    Value lse);
  /// Checks the CSR index buffers against the extents.
  /// `perKVHead`: one list per head of k and v ([B, H_kv, ...]).
  LogicalResult verifyIndices(Value rowPtr, Value colIdx, int64_t blockSize,
                              bool perKVHead);
  /// Checks `seq_lens` [B].
  LogicalResult verifySeqLens(Value seqLens);
  /// Checks the extents against the block size (checked to be 128) and
  /// the 32-bit limits.
  LogicalResult verifyExtents(int64_t blockSize);

private:
  /// Checks that `value` is a contiguous memref of `rank` and `elementType`
  /// (when given) in the default memory space and returns its type.
  FailureOr<MemRefType> checkMemRef(Value value, StringRef name, int64_t rank,
                                    StringRef layout, Type elementType);
  /// Checks that `type` agrees with `expected`, then records its static
  /// sizes at the extents `dims` names.
  LogicalResult join(MemRefType type, StringRef name,
                     ArrayRef<int64_t> expected, ArrayRef<Extent> dims,
                     StringRef what);
  /// The extents at `dims`, and `type`'s own size where a dim is free.
  SmallVector<int64_t> expectedShape(MemRefType type, ArrayRef<Extent> dims);
  /// Derives H from H_kv or H_kv from H once one is static, checking that
  /// H is a multiple of the group.
  LogicalResult relateHeads();

  Operation *op;
  int64_t kvGroup;
  std::array<int64_t, 5> extents = {ShapedType::kDynamic, ShapedType::kDynamic,
                                    ShapedType::kDynamic, ShapedType::kDynamic,
                                    ShapedType::kDynamic};
  /// ceil(T / block) where only row_ptr gives it.
  int64_t queryBlocks = ShapedType::kDynamic;
};

FailureOr<MemRefType> BufferVerifier::checkMemRef(Value value, StringRef name,
                                                  int64_t rank,
                                                  StringRef layout,
                                                  Type elementType) {
  auto type = dyn_cast<MemRefType>(value.getType());
  if (!type)
    return op->emitOpError() << "'" << name << "' must be a ranked memref "
                             << layout << ", got " << value.getType();
  if (type.getRank() != rank)
    return op->emitOpError()
           << "'" << name << "' must have rank " << rank << " " << layout
           << ", got rank " << type.getRank();
  if (elementType && type.getElementType() != elementType)
    return op->emitOpError()
           << "'" << name << "' element type must be " << elementType
           << ", got " << type.getElementType();
  if (!type.getLayout().isIdentity())
    return op->emitOpError()
           << "'" << name << "' must be contiguous (identity layout), got "
           << type;
  if (Attribute space = type.getMemorySpace())
    return op->emitOpError() << "'" << name
                             << "' must be in the default (global) memory "
                                "space, got "
                             << space;
  return type;
}

SmallVector<int64_t> BufferVerifier::expectedShape(MemRefType type,
                                                   ArrayRef<Extent> dims) {
  SmallVector<int64_t> shape;
  for (auto [i, dim] : llvm::enumerate(dims))
    shape.push_back(dim == kFree ? type.getDimSize(i) : extents[dim]);
  return shape;
}

LogicalResult BufferVerifier::join(MemRefType type, StringRef name,
                                   ArrayRef<int64_t> expected,
                                   ArrayRef<Extent> dims, StringRef what) {
  if (!shapesCompatible(type.getShape(), expected))
    return op->emitOpError()
           << "'" << name << "' shape " << formatShape(type.getShape())
           << " does not match " << what << " = " << formatShape(expected)
           << " of the operands before it";
  for (auto [size, dim] : llvm::zip(type.getShape(), dims))
    if (dim != kFree && !ShapedType::isDynamic(size))
      extents[dim] = size;
  return relateHeads();
}

LogicalResult BufferVerifier::relateHeads() {
  int64_t &heads = extents[kHeads], &kvHeads = extents[kKVHeads];
  if (!ShapedType::isDynamic(heads) && ShapedType::isDynamic(kvHeads)) {
    if (heads % kvGroup != 0)
      return op->emitOpError()
             << "number of heads H = " << heads
             << " must be a multiple of kv_group = " << kvGroup
             << " (each head of k and v serves kv_group query heads)";
    kvHeads = heads / kvGroup;
  } else if (ShapedType::isDynamic(heads) && !ShapedType::isDynamic(kvHeads)) {
    // H = kv_group * H_kv must fit the kernel's 32-bit head index (and an
    // int64 product must not wrap into the dynamic marker).
    if (kvHeads > kMaxIndex / kvGroup)
      return op->emitOpError()
             << "number of K/V heads H_kv = " << kvHeads
             << " times kv_group = " << kvGroup << " exceeds " << kMaxIndex
             << ", the largest the kernel's 32-bit indices hold";
    heads = kvHeads * kvGroup;
  }
  return success();
}

FailureOr<Type> BufferVerifier::verifyActivations(Value q, Value k, Value v,
                                                  Value o, Value lse) {
  FailureOr<MemRefType> qType =
      checkMemRef(q, "q", 4, "[B, H, T, D]", /*elementType=*/{});
  if (failed(qType))
    return failure();
  Type elementType = qType->getElementType();
  if (!elementType.isBF16() && !elementType.isF16())
    return op->emitOpError()
           << "'q' element type must be bf16 or f16, got " << elementType;
  int64_t headDim = qType->getDimSize(3);
  if (ShapedType::isDynamic(headDim))
    return op->emitOpError() << "head dimension D must be static";
  if (!llvm::is_contained({64, 96, 128, 192, 256}, headDim))
    return op->emitOpError()
           << "head dimension D must be 64, 96, 128, 192 or 256, got "
           << headDim;

  const Extent bhtd[] = {kBatch, kHeads, kTokens, kHeadDim};
  const Extent bhkvtd[] = {kBatch, kKVHeads, kTokens, kHeadDim};
  if (failed(join(*qType, "q", qType->getShape(), bhtd, "[B, H, T, D]")))
    return failure();
  StringRef kvLayout =
      kvGroup == 1 ? "[B, H, T, D]" : "[B, H / kv_group, T, D]";
  for (auto [value, name, dims, layout] :
       {std::tuple{k, "k", ArrayRef(bhkvtd), kvLayout},
        {v, "v", ArrayRef(bhkvtd), kvLayout},
        {o, "o", ArrayRef(bhtd), StringRef("[B, H, T, D]")}}) {
    FailureOr<MemRefType> type =
        checkMemRef(value, name, 4, layout, elementType);
    if (failed(type) ||
        failed(join(*type, name, expectedShape(*type, dims), dims, layout)))
      return failure();
  }
  FailureOr<MemRefType> lseType = checkMemRef(
      lse, "lse", 3, "[B, H, T]", Float32Type::get(op->getContext()));
  ArrayRef<Extent> bht = ArrayRef(bhtd).take_front(3);
  if (failed(lseType) ||
      failed(join(*lseType, "lse", expectedShape(*lseType, bht), bht,
                  "[B, H, T]")))
    return failure();
  return elementType;
}

LogicalResult BufferVerifier::verifySeqLens(Value seqLens) {
  Type i32 = IntegerType::get(op->getContext(), 32);
  FailureOr<MemRefType> type = checkMemRef(seqLens, "seq_lens", 1, "[B]", i32);
  const Extent b[] = {kBatch};
  return failure(
      failed(type) ||
      failed(join(*type, "seq_lens", expectedShape(*type, b), b, "[B]")));
}

LogicalResult BufferVerifier::verifyIndices(Value rowPtr, Value colIdx,
                                            int64_t blockSize, bool perKVHead) {
  Type i32 = IntegerType::get(op->getContext(), 32);
  const Extent bhFree[] = {kBatch, perKVHead ? kKVHeads : kHeads, kFree};
  StringRef rowPtrLayout =
      perKVHead ? "[B, H_kv, ceil(T/block) + 1]" : "[B, H, ceil(T/block) + 1]";
  StringRef colIdxLayout = perKVHead ? "[B, H_kv, NNZ]" : "[B, H, NNZ]";
  FailureOr<MemRefType> rowPtrType =
      checkMemRef(rowPtr, "row_ptr", 3, rowPtrLayout, i32);
  if (failed(rowPtrType))
    return failure();
  int64_t seqLen = extents[kTokens];
  // With T dynamic elsewhere, row_ptr's static ceil(T/block) + 1 gives the
  // number of query blocks, which the extent limits then hold for.
  int64_t rowCount = rowPtrType->getDimSize(2);
  if (ShapedType::isDynamic(seqLen) && !ShapedType::isDynamic(rowCount)) {
    if (rowCount < 2)
      return op->emitOpError()
             << "'row_ptr' has " << rowCount
             << " rows per head, fewer than the 2 of one query block";
    int64_t maxBlocks = llvm::divideCeil(kMaxIndex, blockSize);
    if (rowCount - 1 > maxBlocks)
      return op->emitOpError()
             << "'row_ptr' has " << rowCount
             << " rows per head: " << rowCount - 1
             << " query blocks, more than the " << maxBlocks
             << " that T <= " << kMaxIndex
             << " (the largest the kernel's 32-bit indices hold) makes";
    queryBlocks = rowCount - 1;
  }
  SmallVector<int64_t> rows = expectedShape(*rowPtrType, bhFree);
  rows[2] = ShapedType::isDynamic(seqLen)
                ? ShapedType::kDynamic
                : llvm::divideCeil(seqLen, blockSize) + 1;
  if (failed(join(*rowPtrType, "row_ptr", rows, bhFree, rowPtrLayout)))
    return failure();
  FailureOr<MemRefType> colIdxType =
      checkMemRef(colIdx, "col_idx", 3, colIdxLayout, i32);
  return failure(
      failed(colIdxType) ||
      failed(join(*colIdxType, "col_idx", expectedShape(*colIdxType, bhFree),
                  bhFree, colIdxLayout)));
}

LogicalResult BufferVerifier::verifyExtents(int64_t blockSize) {
  auto isStatic = [](int64_t size) { return !ShapedType::isDynamic(size); };
  int64_t batch = extents[kBatch], heads = extents[kHeads],
          seqLen = extents[kTokens];
  if (isStatic(seqLen) && seqLen < 1)
    return op->emitOpError()
           << "sequence length T must be at least 1, got " << seqLen;
  if (isStatic(batch) && batch < 1)
    return op->emitOpError()
           << "batch size B must be at least 1, got " << batch;
  if (isStatic(heads) && heads < 1)
    return op->emitOpError()
           << "number of heads H must be at least 1, got " << heads;
  for (auto [size, what] : {std::pair{batch, "batch size B"},
                            {heads, "number of heads H"},
                            {seqLen, "sequence length T"}})
    if (isStatic(size) && size > kMaxIndex)
      return op->emitOpError()
             << what << " = " << size << " exceeds " << kMaxIndex
             << ", the largest the kernel's 32-bit indices hold";
  // Query tiles of T, the last one partial; from row_ptr when T is dynamic.
  int64_t blocks =
      isStatic(seqLen) ? llvm::divideCeil(seqLen, blockSize) : queryBlocks;
  // Each factor fits 31 bits, so the product of the static ones fits 93:
  // multiply in 128 bits.
  unsigned __int128 tiles = 1;
  for (int64_t size : {batch, heads, blocks})
    if (isStatic(size))
      tiles *= static_cast<uint64_t>(size);
  if (tiles > static_cast<unsigned __int128>(kMaxIndex)) {
    auto format = [](int64_t size) {
      return ShapedType::isDynamic(size) ? std::string("?")
                                         : std::to_string(size);
    };
    return op->emitOpError()
           << "B * H * ceil(T/" << blockSize << ") = " << format(batch) << " * "
           << format(heads) << " * " << format(blocks) << " query tiles exceed "
           << kMaxIndex
           << ", the largest the kernel's 32-bit tile indices hold";
  }
  return success();
}

/// The block size the extents are checked against (and divided by).
LogicalResult verifyBlockSize(Operation *op, int64_t blockSize) {
  if (blockSize != 128)
    return op->emitOpError() << "block size must be 128, got " << blockSize;
  return success();
}

/// The query heads per head of k and v: at least 1, and within the 32-bit
/// head index.
LogicalResult verifyKVGroup(Operation *op, int64_t kvGroup) {
  if (kvGroup < 1 || kvGroup > kMaxIndex)
    return op->emitOpError()
           << "kv_group must be in [1, " << kMaxIndex << "], got " << kvGroup;
  return success();
}

/// The checks every function that becomes a kernel passes: it is directly
/// in a module (whether that module is the one compiled is the pipeline's
/// check, bsattn-check-host) and its name can be a PTX entry name.
LogicalResult verifyKernelFunction(Operation *op) {
  auto func = cast<func::FuncOp>(op->getParentOp());
  if (!isa_and_nonnull<ModuleOp>(func->getParentOp()))
    return op->emitOpError() << "must be in a function directly in a module";
  StringRef name = func.getSymName();
  if (!isKernelName(name))
    return op->emitOpError()
           << "needs a function name that is a PTX identifier "
              "([A-Za-z][A-Za-z0-9_]* or _[A-Za-z0-9_]+) to name its kernel, "
              "got '"
           << name << "'";
  if (name.starts_with("bsattn_"))
    return op->emitOpError()
           << "needs a function name that does not start with 'bsattn_' "
              "(reserved for the compiler's symbols), got '"
           << name << "'";
  return success();
}

/// The host function contract of bsattn.attention (see the op's
/// description): the function becomes the kernel, so it holds nothing the
/// kernel would drop.
LogicalResult verifyHostFunction(AttentionOp op) {
  if (failed(verifyKernelFunction(op)))
    return failure();
  auto func = cast<func::FuncOp>(op->getParentOp());
  if (func.getNumResults() != 0)
    return op.emitOpError() << "must be in a function that returns nothing "
                               "(the function becomes the kernel)";
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
    auto memref = dyn_cast<MemRefType>(type);
    if (!memref || memref.getMemorySpace())
      return op.emitOpError()
             << "must be in a function whose arguments are all memrefs in "
                "the default (global) memory space (the kernel takes "
                "buffers only), but argument #"
             << i << " is " << type;
  }
  if (!func.getBody().hasOneBlock())
    return op.emitOpError() << "must be in a function with a single block "
                               "(the function becomes the kernel)";
  for (Operation &other : func.getBody().front()) {
    if (isa<AttentionOp, func::ReturnOp>(other))
      continue;
    InFlightDiagnostic diag = op.emitOpError()
                              << "must be in a function that holds only "
                                 "'bsattn.attention' ops and its return (the "
                                 "function becomes the kernel, anything else "
                                 "would be dropped), found '"
                              << other.getName() << "'";
    diag.attachNote(other.getLoc()) << "this op";
    return diag;
  }
  return success();
}

/// The operand segments of the generic form: one value each, except for
/// the optional CSR indices (which ODS checks).
LogicalResult verifyOperandSegments(AttentionOp op) {
  static constexpr StringLiteral names[] = {
      "q", "k", "v", "seq_lens", "row_ptr", "col_idx", "o", "lse"};
  for (auto [i, name] : llvm::enumerate(names)) {
    if (name == "row_ptr" || name == "col_idx")
      continue;
    unsigned size = op.getODSOperandIndexAndLength(i).second;
    if (size != 1)
      return op.emitOpError()
             << "needs exactly one '" << name << "' operand, got " << size
             << " (operandSegmentSizes)";
  }
  return success();
}

} // namespace

/// Key or query tiles across the blocks of a pattern only cover patterns
/// that use every key up to a bound (causal, full).
static LogicalResult verifyTilesAcrossBlocks(Operation *op, Attribute sparsity,
                                             TuningAttr tuning,
                                             int64_t blockSize,
                                             int64_t headDim) {
  if (isa<CausalAttr, FullAttr>(sparsity))
    return success();
  if (blockSize % tuning.getKeyTileSize(headDim))
    return op->emitOpError() << "tuning block_k = " << tuning.getBlockK()
                             << " does not divide the " << blockSize
                             << "-token blocks of " << sparsity
                             << ": only #bsattn.causal and #bsattn.full take "
                                "key tiles across blocks";
  if (blockSize % tuning.getBlockQ())
    return op->emitOpError() << "tuning block_q = " << tuning.getBlockQ()
                             << " does not divide the " << blockSize
                             << "-token blocks of " << sparsity
                             << ": only #bsattn.causal and #bsattn.full take "
                                "query tiles across blocks";
  return success();
}

/// The values at which the variants' ranges on one axis start or end,
/// within [lo, hi]: every point between two consecutive ones is served by
/// the same variants.
static SmallVector<int64_t> rangeStarts(int64_t lo, int64_t hi,
                                        ArrayRef<std::optional<int64_t>> mins,
                                        ArrayRef<std::optional<int64_t>> maxs) {
  SmallVector<int64_t> starts{lo};
  for (std::optional<int64_t> min : mins)
    if (min && *min > lo && *min <= hi)
      starts.push_back(*min);
  for (std::optional<int64_t> max : maxs)
    if (max && *max >= lo && *max < hi)
      starts.push_back(*max + 1);
  llvm::sort(starts);
  starts.erase(llvm::unique(starts), starts.end());
  return starts;
}

/// Every shape `op` accepts (its static T and B * H, or any) is served by
/// exactly one variant, and every variant serves one.
static LogicalResult verifyVariants(AttentionOp op, ArrayAttr variants) {
  if (variants.empty())
    return op.emitOpError() << "'variants' must list at least one variant";
  if (op.getTuningAttr())
    return op.emitOpError() << "takes either 'tuning' or 'variants' (each "
                               "variant carries its tuning), not both";
  auto list = llvm::to_vector(variants.getAsRange<VariantAttr>());
  llvm::StringSet<> names;
  for (VariantAttr variant : list)
    if (!names.insert(variant.getName()).second)
      return op.emitOpError()
             << "has two variants named '" << variant.getName() << "'";

  // The harness's bounds (2^30) are far beyond any tensor.
  constexpr int64_t unbounded = int64_t(1) << 62;
  ArrayRef<int64_t> shape = cast<MemRefType>(op.getQ().getType()).getShape();
  bool staticT = !ShapedType::isDynamic(shape[2]);
  bool staticBH =
      !ShapedType::isDynamic(shape[0]) && !ShapedType::isDynamic(shape[1]);
  int64_t tLo = staticT ? shape[2] : 1, tHi = staticT ? shape[2] : unbounded;
  int64_t bhLo = staticBH ? shape[0] * shape[1] : 1,
          bhHi = staticBH ? bhLo : unbounded;
  SmallVector<std::optional<int64_t>> minT, maxT, minBH, maxBH;
  for (VariantAttr variant : list) {
    minT.push_back(variant.getMinTMax());
    maxT.push_back(variant.getMaxTMax());
    minBH.push_back(variant.getMinBatchHeads());
    maxBH.push_back(variant.getMaxBatchHeads());
  }
  SmallVector<bool> used(list.size(), false);
  for (int64_t t : rangeStarts(tLo, tHi, minT, maxT)) {
    for (int64_t bh : rangeStarts(bhLo, bhHi, minBH, maxBH)) {
      std::optional<size_t> server;
      for (auto [i, variant] : llvm::enumerate(list)) {
        if (!variant.covers(t, bh))
          continue;
        if (server)
          return op.emitOpError()
                 << "variants '" << list[*server].getName() << "' and '"
                 << variant.getName() << "' both serve t_max = " << t
                 << ", batch_heads = " << bh;
        server = i;
        used[i] = true;
      }
      if (!server)
        return op.emitOpError()
               << "no variant serves t_max = " << t << ", batch_heads = " << bh;
    }
  }
  for (auto [variant, isUsed] : llvm::zip(list, used)) {
    if (isUsed)
      continue;
    InFlightDiagnostic diag = op.emitOpError()
                              << "variant '" << variant.getName()
                              << "' serves no shape of this op (";
    if (staticT)
      diag << "t_max = " << tLo;
    else
      diag << "any t_max";
    diag << ", ";
    if (staticBH)
      diag << "batch_heads = " << bhLo;
    else
      diag << "any batch_heads";
    return diag << ")";
  }
  return success();
}

LogicalResult AttentionOp::verify() {
  // The accessors below read the segments: check them first.
  if (failed(verifyOperandSegments(*this)) ||
      failed(verifyBlockSize(*this, getBlockSize())) ||
      failed(verifyKVGroup(*this, getKvGroup())))
    return failure();
  BufferVerifier buffers(*this, getKvGroup());
  FailureOr<Type> elementType =
      buffers.verifyActivations(getQ(), getK(), getV(), getO(), getLse());
  if (failed(elementType) || failed(buffers.verifySeqLens(getSeqLens())))
    return failure();

  SparsityAttrInterface sparsity = getSparsity();
  Value rowPtr = getRowPtr();
  Value colIdx = getColIdx();
  if (!sparsity.needsIndexOperands()) {
    if (rowPtr || colIdx)
      return emitOpError() << "sparsity " << sparsity
                           << " takes no index operands, but '"
                           << (rowPtr ? "row_ptr" : "col_idx") << "' was given";
  } else if (!rowPtr || !colIdx) {
    return emitOpError() << "sparsity " << sparsity << " needs '"
                         << (rowPtr ? "col_idx" : "row_ptr") << "' operand";
  } else if (auto csr = dyn_cast<CSRAttr>(sparsity);
             failed(buffers.verifyIndices(rowPtr, colIdx, getBlockSize(),
                                          csr && csr.getPerKvHead()))) {
    return failure();
  }
  if (failed(buffers.verifyExtents(getBlockSize())))
    return failure();

  if (std::optional<APFloat> scale = getScale()) {
    if (!scale->isFiniteNonZero() || scale->isNegative())
      return emitOpError() << "scale must be positive and finite, got "
                           << scale->convertToDouble();
  }

  if (TuningAttr tuning = getTuningAttr();
      tuning && failed(verifyTilesAcrossBlocks(*this, sparsity, tuning,
                                               getBlockSize(), getHeadDim())))
    return failure();
  if (ArrayAttr variants = getVariantsAttr()) {
    if (failed(verifyVariants(*this, variants)))
      return failure();
    for (VariantAttr variant : variants.getAsRange<VariantAttr>())
      if (failed(verifyTilesAcrossBlocks(*this, sparsity, variant.getTuning(),
                                         getBlockSize(), getHeadDim())))
        return failure();
  }

  PVPrecision pv = getPv();
  if (elementType->isF16() && pv != PVPrecision::f16)
    return emitOpError() << "P.V precision '" << stringifyPVPrecision(pv)
                         << "' needs bf16 inputs; f16 inputs take 'f16'";
  return verifyHostFunction(*this);
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
  return TuningAttr::get(getContext(), TuningParameters());
}

LogicalResult AttentionOp::verifyNoVariants() {
  ArrayAttr variants = getVariantsAttr();
  if (!variants)
    return success();
  InFlightDiagnostic diag = emitOpError() << "has variants (";
  llvm::interleaveComma(
      variants.getAsRange<VariantAttr>(), diag,
      [&](VariantAttr variant) { diag << "'" << variant.getName() << "'"; });
  return diag << "): compile one with bsattn-select-variant "
                 "(bsattn-translate --bsattn-variant=NAME), or emit a "
                 "challenge submission, which carries them all";
}

//===----------------------------------------------------------------------===//
// Tile level
//===----------------------------------------------------------------------===//

/// A tile body's `bsattn.tile_carried` and `bsattn.tile_carry`: at most one
/// of each, both or neither, with the same types.
static LogicalResult verifyCarriedValues(QueryTileOp tile, Block &body) {
  auto carried = llvm::to_vector(body.getOps<TileCarriedOp>());
  auto carries = llvm::to_vector(body.getOps<TileCarryOp>());
  if (carried.size() > 1 || carries.size() > 1)
    return tile.emitOpError()
           << "body holds more than one 'bsattn.tile_carried' or "
              "'bsattn.tile_carry'";
  if (carried.size() != carries.size())
    return tile.emitOpError()
           << "body holds a '"
           << (carried.empty() ? "bsattn.tile_carry" : "bsattn.tile_carried")
           << "' without a '"
           << (carried.empty() ? "bsattn.tile_carried" : "bsattn.tile_carry")
           << "'";
  if (!carried.empty() && carried.front().getResultTypes() !=
                              carries.front().getValues().getTypes())
    return tile.emitOpError()
           << "body's 'bsattn.tile_carry' must pass the types "
              "of its 'bsattn.tile_carried'";
  return success();
}

LogicalResult QueryTileOp::verify() {
  if (failed(verifyKernelFunction(*this)) ||
      failed(verifyBlockSize(*this, getBlockSize())) ||
      failed(verifyKVGroup(*this, getKvGroup())))
    return failure();
  BufferVerifier buffers(*this, getKvGroup());
  FailureOr<Type> elementType =
      buffers.verifyActivations(getQ(), getK(), getV(), getO(), getLse());
  if (failed(elementType) || failed(buffers.verifyExtents(getBlockSize())))
    return failure();
  APFloat scale = getScale();
  if (!scale.isFiniteNonZero() || scale.isNegative())
    return emitOpError() << "scale must be positive and finite, got "
                         << scale.convertToDouble();
  if (failed(verifyTilesAcrossBlocks(*this, getSparsity(), getTuning(),
                                     getBlockSize(), getHeadDim())))
    return failure();
  PVPrecision pv = getPv();
  if (elementType->isF16() && pv != PVPrecision::f16)
    return emitOpError() << "P.V precision '" << stringifyPVPrecision(pv)
                         << "' needs bf16 inputs; f16 inputs take 'f16'";

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

LogicalResult QueryTileOp::verifyRegions() {
  return verifyCarriedValues(*this, getBody().front());
}

int64_t QueryTileOp::getHeadDim() {
  return cast<MemRefType>(getQ().getType()).getDimSize(3);
}

Type QueryTileOp::getElementType() {
  return cast<MemRefType>(getQ().getType()).getElementType();
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
  if (count == 0)
    return getEnclosingQueryTile(*this);
  FailureOr<QueryTileOp> tile =
      getPersistentQueryTile(*this, "loads the next tile");
  if (failed(tile))
    return failure();
  // One buffer: the next Q overwrites the current one's, which the tile
  // must say it is done with.
  if (tile->getTuning().getSingleQueryBuffer() && !tile->releasesQueryBuffer())
    return emitOpError() << "loads the next tile into the single query buffer "
                            "only in a tile that frees it with "
                            "'bsattn.release_q'";
  return success();
}

bool QueryTileOp::releasesQueryBuffer() {
  return getBody()
      .walk([](ReleaseQOp) { return WalkResult::interrupt(); })
      .wasInterrupted();
}

LogicalResult ReleaseQOp::verify() {
  FailureOr<QueryTileOp> tile =
      getPersistentQueryTile(*this, "releases the query buffer");
  if (failed(tile))
    return failure();
  if (!tile->getTuning().getSingleQueryBuffer())
    return emitOpError() << "releases the query buffer only with a single "
                            "query buffer (tuning single_query_buffer = true)";
  return success();
}

LogicalResult PrefetchQOp::verify() {
  return getPersistentQueryTile(*this, "prefetches the next tile");
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

/// The persistent query tile of `op`, which must be directly in its body.
static LogicalResult verifyInPersistentBody(Operation *op) {
  FailureOr<QueryTileOp> tile = getPersistentQueryTile(op, "exists");
  if (failed(tile))
    return failure();
  if (op->getParentOp() != *tile)
    return op->emitOpError() << "must be directly in the query tile's body";
  return success();
}

LogicalResult TileCarriedOp::verify() { return verifyInPersistentBody(*this); }

LogicalResult TileCarryOp::verify() { return verifyInPersistentBody(*this); }

LogicalResult RingEndOp::verify() { return verifyInPersistentBody(*this); }
LogicalResult WaitKVOp::verify() { return getEnclosingQueryTile(*this); }
LogicalResult ReleaseKVOp::verify() { return getEnclosingQueryTile(*this); }

LogicalResult AnnouncedBlockOp::verify() {
  FailureOr<QueryTileOp> tile = getEnclosingQueryTile(*this);
  if (failed(tile))
    return failure();
  // Without an announcing load the slots' records are never written.
  WalkResult announcing = tile->walk([](LoadKVOp load) {
    return load.getAnnounce() ? WalkResult::interrupt() : WalkResult::advance();
  });
  if (!announcing.wasInterrupted())
    return emitOpError() << "reads a block that no 'bsattn.load_kv' of its "
                            "query tile announces";
  return success();
}

LogicalResult QKOp::verify() {
  FailureOr<QueryTileOp> tile = getEnclosingQueryTile(*this);
  if (failed(tile))
    return failure();
  return checkTile(*this, getScores().getType(), "scores",
                   tile->getQueryTileSize(), tile->getKeyTileSize());
}

// Mask and the softmax step also run outside a query tile, at the schedule
// level, where the mask names its query block; inside one, their tiles are
// the tile's and the tile gives the query block.
LogicalResult MaskOp::verify() {
  auto tile = (*this)->getParentOfType<QueryTileOp>();
  if (!tile) {
    if (!getQueryBlock())
      return emitOpError() << "needs a 'query_block' outside a "
                              "'bsattn.query_tile'";
    return success();
  }
  if (getQueryBlock())
    return emitOpError() << "takes no 'query_block' inside a "
                            "'bsattn.query_tile' (the tile gives it)";
  if (getCausal() != tile.getSparsity().isCausal())
    return emitOpError() << "must have causal = "
                         << (tile.getSparsity().isCausal() ? "true" : "false")
                         << ", as the tile's sparsity " << tile.getSparsity();
  return checkTile(*this, getScores().getType(), "scores",
                   tile.getQueryTileSize(), tile.getKeyTileSize());
}

LogicalResult OnlineSoftmaxOp::verify() {
  TileType scores = getScores().getType();
  if (failed(verifyPolyColumns(*this, getPolyColumns(), 0, scores.getCols())) ||
      failed(verifyRescaleThreshold(*this, getRescaleThreshold())))
    return failure();
  if (getVoteKeptMaxima() && !getRescaleThreshold())
    return emitOpError() << "keeps row maxima by a warp vote, which needs a "
                            "rescale_threshold";
  if (getWarpMoved() && !getVoteKeptMaxima())
    return emitOpError() << "returns warp_moved, the warp vote of "
                            "vote_kept_maxima, without that vote";
  auto tile = (*this)->getParentOfType<QueryTileOp>();
  if (!tile)
    return checkRows(*this, getMax().getType(), "row state", scores.getRows());
  int64_t block = tile.getQueryTileSize();
  if (failed(checkTile(*this, scores, "scores", block, tile.getKeyTileSize())))
    return failure();
  return checkRows(*this, getMax().getType(), "row state", block);
}

LogicalResult PVOp::verify() {
  FailureOr<QueryTileOp> tile = getEnclosingQueryTile(*this);
  if (failed(tile))
    return failure();
  int64_t block = tile->getQueryTileSize();
  if (failed(checkTile(*this, getProbs().getType(), "probabilities", block,
                       tile->getKeyTileSize())) ||
      failed(checkTile(*this, getAcc().getType(), "accumulator", block,
                       tile->getHeadDim())))
    return failure();
  return checkRows(*this, getAlpha().getType(), "alpha", block);
}

LogicalResult StoreOutputOp::verify() {
  FailureOr<QueryTileOp> tile = getEnclosingQueryTile(*this);
  if (failed(tile))
    return failure();
  int64_t block = tile->getQueryTileSize();
  if (failed(checkTile(*this, getAcc().getType(), "accumulator", block,
                       tile->getHeadDim())))
    return failure();
  if (failed(checkRows(*this, getMax().getType(), "row state", block)))
    return failure();
  size_t steps = getRingSteps().size();
  if (steps != 0 && steps != 2)
    return emitOpError() << "takes no ring steps or the tile's first and end "
                            "ring steps, got "
                         << steps << " values";
  if (steps == 0)
    return success();
  // o fills the K half of a slot, after every thread has said it is done
  // with Q (and so with its products).
  if (tile->getKeyTileSize() != block)
    return emitOpError() << "stages o in a ring slot's K half, which needs key "
                            "tiles of the query tile's "
                         << block << " rows, got " << tile->getKeyTileSize();
  if (!tile->releasesQueryBuffer())
    return emitOpError() << "stages o in a ring slot only in a tile that "
                            "releases its query buffer with "
                            "'bsattn.release_q' after its products";
  return success();
}

LogicalResult SplatOp::verify() {
  auto tile = (*this)->getParentOfType<QueryTileOp>();
  if (!tile)
    return success();
  int64_t block = tile.getQueryTileSize();
  if (auto rows = dyn_cast<RowsType>(getType()))
    return checkRows(*this, rows, "result", block);
  auto result = cast<TileType>(getType());
  if (result.getCols() != tile.getHeadDim())
    return checkTile(*this, result, "result", block, tile.getKeyTileSize());
  return checkTile(*this, result, "result", block, tile.getHeadDim());
}
