//===- BSAttnToHopper.cpp - query tiles -> sm_90a kernels -------*- C++ -*-===//
//
// Outlines each function's query tile into an llvm.func kernel in a
// gpu.module, then lowers the tile ops inside it (TileOpLowering.cpp).
//
//===----------------------------------------------------------------------===//

#include "HopperKernel.h"
#include "bsattn/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

namespace mlir::bsattn {
#define GEN_PASS_DEF_CONVERTBSATTNTOHOPPER
#include "bsattn/Conversion/Passes.h.inc"
} // namespace mlir::bsattn

using namespace mlir;
using namespace mlir::bsattn;
using namespace mlir::bsattn::hopper;

namespace {

using L = KernelLayout;

/// Checks what this lowering supports; each limit gets its own message.
LogicalResult checkSupported(QueryTileOp tile) {
  auto fail = [&](const Twine &what) {
    return tile.emitOpError()
           << "convert-bsattn-to-hopper does not support " << what << " yet";
  };
  if (tile.getHeadDim() != 128)
    return fail("head dimension " + Twine(tile.getHeadDim()) + " (only 128)");
  TuningAttr tuning = tile.getTuning();
  if (tuning.getBlockQ() != 128 || tuning.getBlockK() != 128 ||
      tuning.getStages() != 2 || tuning.getWarpgroups() != 2)
    return fail("tuning " + Twine("block_q = ") + Twine(tuning.getBlockQ()) +
                ", block_k = " + Twine(tuning.getBlockK()) +
                ", stages = " + Twine(tuning.getStages()) + ", warpgroups = " +
                Twine(tuning.getWarpgroups()) + " (only 128, 128, 2, 2)");
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
  /// The sizes of memref argument `first` (its pointer) in the kernel.
  MemRefArg memRefArg(OpBuilder &builder, Location loc, MemRefType type,
                      unsigned first);
  void lowerCaptureLoads(Block *body, const DenseMap<Value, MemRefArg> &args);
  /// Clones the tile's body at the builder's point, with (b, h, qb) the
  /// tile coordinates of `k`; returns the clone of its `bsattn.ring_end`
  /// operand (null if it has none).
  Value cloneBody(OpBuilder &builder, const KernelContext &k,
                  IRMapping &mapping);
  /// A persistent kernel: each CTA loops over tiles blockIdx.x,
  /// blockIdx.x + gridDim.x, ... and fills in the tile values of `k`.
  LogicalResult buildTileLoop(OpBuilder &builder, KernelContext &k,
                              IRMapping &mapping);

  func::FuncOp func;
  QueryTileOp tile;
  Builder b;
  SmallVector<Type> argTypes;
  SmallVector<DictionaryAttr> argAttrs;
  SmallVector<Attribute> abi;
  /// First kernel argument of each memref or index value passed.
  DenseMap<Value, unsigned> firstArg;
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

MemRefArg KernelBuilder::memRefArg(OpBuilder &builder, Location loc,
                                   MemRefType type, unsigned first) {
  Block &entry = builder.getBlock()->getParent()->front();
  MemRefArg arg;
  arg.ptr = entry.getArgument(first);
  unsigned next = first + 1;
  for (int64_t size : type.getShape())
    arg.sizes.push_back(
        ShapedType::isDynamic(size)
            ? Value(entry.getArgument(next++))
            : Value(arith::ConstantIntOp::create(builder, loc, size, 64)));
  return arg;
}

/// The tiling pass reads its captured memrefs (sequence lengths, CSR
/// indices) with memref.load; in the kernel they are plain global pointers.
void KernelBuilder::lowerCaptureLoads(Block *body,
                                      const DenseMap<Value, MemRefArg> &args) {
  SmallVector<memref::LoadOp> loads;
  body->walk([&](memref::LoadOp load) {
    if (args.count(load.getMemRef()))
      loads.push_back(load);
  });
  for (memref::LoadOp load : loads) {
    OpBuilder builder(load);
    HopperBuilder h(builder, load.getLoc());
    const MemRefArg &arg = args.lookup(load.getMemRef());
    Value linear = h.i64(0);
    for (auto [size, index] : llvm::zip(arg.sizes, load.getIndices()))
      linear = arith::AddIOp::create(
          builder, load.getLoc(),
          arith::MulIOp::create(builder, load.getLoc(), linear, size),
          h.toI64(index));
    Value address =
        LLVM::GEPOp::create(builder, load.getLoc(), arg.ptr.getType(),
                            load.getType(), arg.ptr, ValueRange{linear});
    Value value =
        LLVM::LoadOp::create(builder, load.getLoc(), load.getType(), address);
    load.replaceAllUsesWith(value);
    load.erase();
  }
}

Value KernelBuilder::cloneBody(OpBuilder &builder, const KernelContext &k,
                               IRMapping &mapping) {
  Location loc = tile.getLoc();
  Type index = builder.getIndexType();
  mapping.map(tile.getBatchIndex(),
              arith::IndexCastOp::create(builder, loc, index, k.batch));
  mapping.map(tile.getHeadIndex(),
              arith::IndexCastOp::create(builder, loc, index, k.head));
  mapping.map(tile.getQueryBlockIndex(),
              arith::IndexCastOp::create(builder, loc, index, k.queryBlock));
  Value ringEnd;
  for (Operation &op : tile.getBody().front()) {
    if (auto end = dyn_cast<RingEndOp>(op))
      ringEnd = mapping.lookup(end.getStep());
    else if (!isa<RingStartOp, NextTileOp>(op)) // Mapped by the tile loop.
      builder.clone(op, mapping);
  }
  return ringEnd;
}

/// The (b, h, qb) of linear tile `index` (i32) of `tiles` = B * H * QB
/// tiles: query blocks vary fastest, last block first, so that the longest
/// rows of causal schedules start early.
static std::array<Value, 3> tileCoordinates(HopperBuilder &h, Value index,
                                            Value heads, Value queryBlocks) {
  OpBuilder &b = h.b;
  Value row = arith::DivUIOp::create(b, h.loc, index, queryBlocks);
  Value fromLast = arith::RemUIOp::create(b, h.loc, index, queryBlocks);
  Value queryBlock = arith::SubIOp::create(
      b, h.loc, arith::SubIOp::create(b, h.loc, queryBlocks, h.i32(1)),
      fromLast);
  return {arith::DivUIOp::create(b, h.loc, row, heads),
          arith::RemUIOp::create(b, h.loc, row, heads), queryBlock};
}

LogicalResult KernelBuilder::buildTileLoop(OpBuilder &builder, KernelContext &k,
                                           IRMapping &mapping) {
  Location loc = tile.getLoc();
  HopperBuilder h(builder, loc);
  Type i32 = builder.getI32Type();
  // Tiles of lse's [B, H, T] (T a multiple of 128, checked by the
  // runtimes).
  auto narrow = [&](Value value) {
    return arith::TruncIOp::create(builder, loc, i32, value);
  };
  Value heads = narrow(k.lse.sizes[1]);
  Value queryBlocks = arith::DivUIOp::create(
      builder, loc, narrow(k.lse.sizes[2]), h.i32(L::kTileRows));
  Value tiles = arith::MulIOp::create(
      builder, loc,
      arith::MulIOp::create(builder, loc, narrow(k.lse.sizes[0]), heads),
      queryBlocks);
  Value firstTile = NVVM::BlockIdXOp::create(builder, loc, i32);
  Value stride = NVVM::GridDimXOp::create(builder, loc, i32);

  // Carried: the tile, the ring step of its first K/V block and how many
  // tiles the CTA computed before it.
  Value zero = h.i32(0);
  auto loop = scf::WhileOp::create(builder, loc, TypeRange{i32, i32, i32},
                                   ValueRange{firstTile, zero, zero});
  {
    OpBuilder::InsertionGuard guard(builder);
    Block *before = builder.createBlock(&loop.getBefore(), {}, {i32, i32, i32},
                                        {loc, loc, loc});
    Value inRange = arith::CmpIOp::create(
        builder, loc, arith::CmpIPredicate::ult, before->getArgument(0), tiles);
    scf::ConditionOp::create(builder, loc, inRange, before->getArguments());
  }
  OpBuilder::InsertionGuard guard(builder);
  Block *body = builder.createBlock(&loop.getAfter(), {}, {i32, i32, i32},
                                    {loc, loc, loc});
  Value current = body->getArgument(0), ringStep = body->getArgument(1),
        count = body->getArgument(2);
  auto [batch, head, queryBlock] =
      tileCoordinates(h, current, heads, queryBlocks);
  k.batch = batch;
  k.head = head;
  k.queryBlock = queryBlock;
  k.queryBuffer = arith::AndIOp::create(builder, loc, count, h.i32(1));
  k.queryParity = arith::AndIOp::create(
      builder, loc, arith::ShRUIOp::create(builder, loc, count, h.i32(1)),
      h.i32(1));
  Value following = arith::AddIOp::create(builder, loc, current, stride);
  Value hasNext = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::ult,
                                        following, tiles);
  // Without a next tile, the current one's coordinates keep the body's
  // reads in bounds.
  auto [nextBatch, nextHead, nextQueryBlock] = tileCoordinates(
      h, arith::SelectOp::create(builder, loc, hasNext, following, current),
      heads, queryBlocks);
  Value first = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq,
                                      count, zero);

  // Every thread is done with the previous tile, whose query buffer this
  // tile's prologue refills with the next tile's Q (its store_output waited
  // for that buffer's load and for the TMA store that read o out of it).
  NVVM::Barrier0Op::create(builder, loc);
  Type index = builder.getIndexType();
  auto toIndex = [&](Value value) {
    return arith::IndexCastOp::create(builder, loc, index, value);
  };
  for (Operation &op : tile.getBody().front()) {
    if (auto start = dyn_cast<RingStartOp>(op)) {
      mapping.map(start.getFirst(), first);
      mapping.map(start.getStep(), toIndex(ringStep));
    } else if (auto next = dyn_cast<NextTileOp>(op)) {
      mapping.map(next.getBatch(), toIndex(nextBatch));
      mapping.map(next.getHead(), toIndex(nextHead));
      mapping.map(next.getQueryBlock(), toIndex(nextQueryBlock));
      mapping.map(next.getHasNext(), hasNext);
    }
  }
  Value ringEnd = cloneBody(builder, k, mapping);
  if (!ringEnd)
    return tile.emitOpError()
           << "is persistent but has no 'bsattn.ring_end' (run "
              "bsattn-fuse-softmax before convert-bsattn-to-hopper)";
  scf::YieldOp::create(
      builder, loc,
      ValueRange{following,
                 arith::IndexCastOp::create(builder, loc, i32, ringEnd),
                 arith::AddIOp::create(builder, loc, count, h.i32(1))});
  return success();
}

LogicalResult KernelBuilder::build(gpu::GPUModuleOp module) {
  MLIRContext *ctx = b.getContext();
  Location loc = tile.getLoc();

  // Tensor maps for q, k, v (loaded by 128-row boxes) and o (stored by
  // each warpgroup's 64 rows), passed by value as __grid_constant__ params.
  auto tmapAttrs = b.getDictionaryAttr(
      {b.getNamedAttr(
           LLVM::LLVMDialect::getByValAttrName(),
           TypeAttr::get(LLVM::LLVMArrayType::get(b.getI8Type(), 128))),
       b.getNamedAttr(LLVM::LLVMDialect::getAlignAttrName(),
                      b.getI64IntegerAttr(64)),
       b.getNamedAttr(NVVM::NVVMDialect::getGridConstantAttrName(),
                      b.getUnitAttr())});
  for (auto [value, name, rows] : {std::tuple{tile.getQ(), "q", L::kTileRows},
                                   {tile.getK(), "k", L::kTileRows},
                                   {tile.getV(), "v", L::kTileRows},
                                   {tile.getO(), "o", L::kGroupRows}}) {
    FailureOr<int64_t> number = funcArgNumber(value, name);
    if (failed(number))
      return failure();
    argTypes.push_back(LLVM::LLVMPointerType::get(ctx));
    argAttrs.push_back(tmapAttrs);
    abi.push_back(abiEntry(
        b, "tensor_map", name, *number,
        {b.getNamedAttr("box", b.getI64ArrayAttr({L::kHalfCols, rows, 1, 1})),
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
                  b.getDenseI32ArrayAttr({L::kThreads, 1, 1}));
  // One CTA per SM at most (shared memory decides that anyway); telling
  // ptxas lets it budget registers for 256 threads.
  kernel->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(),
                  b.getI32IntegerAttr(1));
  kernel->setAttr("bsattn.abi", b.getArrayAttr(abi));
  kernel->setAttr("bsattn.block", b.getI64ArrayAttr({L::kThreads, 1, 1}));
  kernel->setAttr("bsattn.shared_bytes", b.getI64IntegerAttr(L::kSharedBytes));
  kernel->setAttr("bsattn.sparsity", tile.getSparsity());
  kernel->setAttr("bsattn.pv", tile.getPvAttr());
  kernel->setAttr("bsattn.scale", tile.getScaleAttr());
  kernel->setAttr("bsattn.function_type",
                  TypeAttr::get(func.getFunctionType()));
  if (tile.getTuning().getPersistent())
    kernel->setAttr("bsattn.persistent", b.getUnitAttr());

  Block *entry = kernel.addEntryBlock(builder);
  builder.setInsertionPointToStart(entry);
  HopperBuilder h(builder, loc);

  KernelContext k;
  k.tile = tile;
  k.tmapQ = entry->getArgument(0);
  k.tmapK = entry->getArgument(1);
  k.tmapV = entry->getArgument(2);
  k.tmapO = entry->getArgument(3);
  k.lse = memRefArg(builder, loc, cast<MemRefType>(tile.getLse().getType()),
                    firstArg[tile.getLse()]);
  Type i32 = builder.getI32Type();
  k.tid = NVVM::ThreadIdXOp::create(builder, loc, i32);
  k.lane = arith::AndIOp::create(builder, loc, k.tid, h.i32(31));
  Value warp = arith::ShRUIOp::create(builder, loc, k.tid, h.i32(5));
  // Warp w of the CTA is warp w % 4 of warpgroup w / 4; its 16 rows start
  // at 16 * w (64 * group + 16 * warp in group).
  k.row0 = arith::AddIOp::create(
      builder, loc, arith::MulIOp::create(builder, loc, warp, h.i32(16)),
      arith::ShRUIOp::create(builder, loc, k.lane, h.i32(2)));
  k.chunkCol = arith::MulIOp::create(
      builder, loc, arith::AndIOp::create(builder, loc, k.lane, h.i32(3)),
      h.i32(2));
  Value group = arith::ShRUIOp::create(builder, loc, k.tid, h.i32(7));
  k.groupQOffset =
      arith::MulIOp::create(builder, loc, group, h.i32(L::kGroupRows * 128));
  k.convertValues =
      tile.getPv() == PVPrecision::f16 && tile.getElementType().isBF16();
  k.isLeader = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq,
                                     k.tid, h.i32(0));

  // Dynamic shared memory: a zero-sized external array, 1024-byte aligned
  // for the 128B swizzle.
  auto smemType = LLVM::LLVMArrayType::get(builder.getI8Type(), 0);
  {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPoint(kernel);
    if (!module.lookupSymbol("bsattn_smem"))
      LLVM::GlobalOp::create(builder, loc, smemType, /*isConstant=*/false,
                             LLVM::Linkage::External, "bsattn_smem",
                             Attribute(), /*alignment=*/1024,
                             /*addrSpace=*/3);
  }
  k.smemBase = LLVM::AddressOfOp::create(
      builder, loc, LLVM::LLVMPointerType::get(ctx, 3), "bsattn_smem");
  k.smemAddr =
      LLVM::PtrToIntOp::create(builder, loc, builder.getI32Type(), k.smemBase);

  // Thread 0 sets up the mbarriers.
  {
    auto ifOp = scf::IfOp::create(builder, loc, k.isLeader, false);
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(ifOp.thenBlock());
    // Fetch the tensor maps now rather than on each one's first TMA
    // instruction, which would wait for it.
    for (Value tmap : {k.tmapQ, k.tmapK, k.tmapV, k.tmapO})
      NVVM::PrefetchOp::create(builder, loc, /*cacheLevel=*/nullptr,
                               /*evictPriority=*/nullptr, tmap,
                               /*predicate=*/Value(), /*tensormap=*/true,
                               /*uniform=*/false, /*in_param_space=*/true);
    // The Q buffers' and the slots' "full" barriers expect thread 0's
    // arrival with the transaction bytes; "empty" and "converted" ones
    // expect every thread.
    for (int64_t offset = 0; offset < L::kSharedBytes - L::kBarrierOffset;
         offset += 8)
      h.mbarrierInit(h.sharedPtr(k, h.i32(L::kBarrierOffset + offset)),
                     offset < L::kEmptyBarriers ? 1 : L::kThreads);
    NVVM::FenceMbarrierInitOp::create(builder, loc);
  }
  NVVM::Barrier0Op::create(builder, loc);

  // The captures from the kernel arguments.
  IRMapping mapping;
  Type index = builder.getIndexType();
  DenseMap<Value, MemRefArg> captureArgs;
  SmallVector<Operation *> placeholders;
  for (auto [i, capture] : llvm::enumerate(tile.getCaptures())) {
    Value arg = tile.getCaptureArgument(i);
    unsigned first = firstArg.lookup(capture);
    if (auto type = dyn_cast<MemRefType>(capture.getType())) {
      // A stand-in of the memref type until its loads are rewritten.
      auto placeholder = UnrealizedConversionCastOp::create(
          builder, loc, TypeRange{type}, ValueRange{entry->getArgument(first)});
      placeholders.push_back(placeholder);
      mapping.map(arg, placeholder.getResult(0));
      captureArgs[placeholder.getResult(0)] =
          memRefArg(builder, loc, type, first);
    } else if (Operation *constant = capture.getDefiningOp();
               constant && matchPattern(capture, m_Constant())) {
      mapping.map(arg, builder.clone(*constant)->getResult(0));
    } else {
      mapping.map(arg, arith::IndexCastOp::create(builder, loc, index,
                                                  entry->getArgument(first)));
    }
  }
  if (tile.getTuning().getPersistent()) {
    if (failed(buildTileLoop(builder, k, mapping)))
      return failure();
  } else {
    // One tile per CTA, at the block index.
    k.queryBlock = NVVM::BlockIdXOp::create(builder, loc, i32);
    k.head = NVVM::BlockIdYOp::create(builder, loc, i32);
    k.batch = NVVM::BlockIdZOp::create(builder, loc, i32);
    k.queryBuffer = k.queryParity = h.i32(0);
    cloneBody(builder, k, mapping);
  }
  LLVM::ReturnOp::create(builder, loc, ValueRange{});
  lowerCaptureLoads(entry, captureArgs);
  for (Operation *placeholder : placeholders) {
    if (!placeholder->use_empty())
      return tile.emitOpError()
             << "a captured memref is used by something other than "
                "memref.load";
    placeholder->erase();
  }

  // Tile ops -> NVVM, with tiles and row values as per-thread structs.
  TypeConverter converter;
  addTileTypeConversions(converter);
  RewritePatternSet patterns(ctx);
  populateTileOpLoweringPatterns(converter, k, patterns);
  ConversionTarget target(*ctx);
  target.addIllegalDialect<BSAttnDialect>();
  target.addLegalDialect<arith::ArithDialect, LLVM::LLVMDialect,
                         NVVM::NVVMDialect, scf::SCFDialect>();
  scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                       target);
  return applyPartialConversion(kernel, target, std::move(patterns));
}

struct ConvertBSAttnToHopperPass
    : public bsattn::impl::ConvertBSAttnToHopperBase<
          ConvertBSAttnToHopperPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<std::pair<func::FuncOp, QueryTileOp>> kernels;
    WalkResult walk = module.walk([&](func::FuncOp func) {
      SmallVector<QueryTileOp> tiles;
      func.walk([&](QueryTileOp tile) { tiles.push_back(tile); });
      if (tiles.empty())
        return WalkResult::advance();
      if (tiles.size() > 1) {
        func.emitOpError() << "convert-bsattn-to-hopper makes one kernel per "
                              "function, but this one holds "
                           << tiles.size() << " query tiles";
        return WalkResult::interrupt();
      }
      if (failed(checkSupported(tiles.front())))
        return WalkResult::interrupt();
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
