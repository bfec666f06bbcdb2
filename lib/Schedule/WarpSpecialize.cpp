//===- WarpSpecialize.cpp - a producer warpgroup for the loads --*- C++ -*-===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"
#include "bsattn/Schedule/Kernel.h"
#include "bsattn/Schedule/NamedBarriers.h"
#include "bsattn/Schedule/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::bsattn {
#define GEN_PASS_DEF_BSATTNWARPSPECIALIZE
#include "bsattn/Schedule/Passes.h.inc"
} // namespace mlir::bsattn

using namespace mlir;
using namespace mlir::bsattn;

namespace {

constexpr int64_t kWarpgroupThreads = 128;

/// A load group: the load issuer's `scf.if` around TMA loads (and the wait
/// for a free slot and the expected bytes that go with them).
bool isLoadGroup(Operation *op) {
  auto ifOp = dyn_cast<scf::IfOp>(op);
  if (!ifOp)
    return false;
  WalkResult found = ifOp.getThenRegion().walk(
      [](nvgpu::TmaAsyncLoadOp) { return WalkResult::interrupt(); });
  // Only the innermost `scf.if` that holds the loads directly.
  return found.wasInterrupted() &&
         llvm::any_of(ifOp.thenBlock()->getOperations(), [](Operation &inner) {
           return isa<nvgpu::TmaAsyncLoadOp>(inner);
         });
}

/// Whether the producer keeps `op`: control flow, reads and pure values
/// (dead ones are removed later); every other write belongs to the
/// consumers.
bool producerKeeps(Operation *op) {
  if (isa<scf::ForOp, scf::IfOp, scf::YieldOp, scf::WhileOp, scf::ConditionOp>(
          op))
    return true;
  if (isMemoryEffectFree(op))
    return true;
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  return effects && effects.onlyHasEffect<MemoryEffects::Read>();
}

/// Whether nothing that keeps running observes `value`: it reaches only
/// pure ops, the results of `scf.if`s through their yields and the
/// conditions of `scf.if`s left empty, and those reach nothing else (the
/// dynamic tile claims of the consumers' leader, for example).
bool isUnobserved(Value value) {
  SmallVector<Value> worklist{value};
  DenseSet<Value> seen;
  while (!worklist.empty()) {
    Value current = worklist.pop_back_val();
    if (!seen.insert(current).second)
      continue;
    for (OpOperand &use : current.getUses()) {
      Operation *user = use.getOwner();
      if (isa<scf::YieldOp>(user) && isa<scf::IfOp>(user->getParentOp())) {
        worklist.push_back(
            user->getParentOp()->getResult(use.getOperandNumber()));
        continue;
      }
      auto branch = dyn_cast<scf::IfOp>(user);
      if (branch && branch.getNumResults() == 0 &&
          llvm::all_of(branch->getRegions(), [](Region &region) {
            return region.empty() ||
                   llvm::all_of(region.front(), [](Operation &op) {
                     return op.getNumRegions() == 0 && isMemoryEffectFree(&op);
                   });
          }))
        continue;
      if (user->getNumRegions() || !isMemoryEffectFree(user))
        return false;
      llvm::append_range(worklist, user->getResults());
    }
  }
  return true;
}

/// A stand-in for a result of a dropped op: zeros for register values and
/// for scalars nothing observes.
FailureOr<Value> zerosOf(OpBuilder &b, Location loc, Value result) {
  Type type = result.getType();
  if (isa<TileType, RowsType>(type)) {
    Value zero =
        arith::ConstantFloatOp::create(b, loc, b.getF32Type(), APFloat(0.0f));
    return SplatOp::create(b, loc, type, zero).getResult();
  }
  if (type.isIntOrIndex() && isUnobserved(result))
    return arith::ConstantOp::create(b, loc,
                                     cast<TypedAttr>(b.getZeroAttr(type)))
        .getResult();
  return failure();
}

/// The V conversions of a region (bf16 inputs, f16 P.V): each
/// `convert_shared`, the proxy fence and the mbarrier arrival that follow
/// it, and the wait for V's landing that comes before it. The groups the
/// arrivals signal are added to `groups`.
DenseSet<Operation *> conversionGroups(Region &region,
                                       SetVector<Value> *groups = nullptr) {
  DenseSet<Operation *> ops;
  region.walk([&](ConvertSharedOp convert) {
    ops.insert(convert);
    for (Operation *op = convert->getPrevNode(); op; op = op->getPrevNode())
      if (isa<nvgpu::MBarrierTryWaitParityOp>(op)) {
        ops.insert(op);
        break;
      }
    auto fence = dyn_cast_or_null<NVVM::FenceProxyOp>(convert->getNextNode());
    if (!fence)
      return;
    ops.insert(fence);
    auto arrive =
        dyn_cast_or_null<nvgpu::MBarrierArriveOp>(fence->getNextNode());
    if (!arrive)
      return;
    ops.insert(arrive);
    if (groups)
      groups->insert(arrive.getBarriers());
  });
  return ops;
}

/// Drops from a copy of the schedule every op `producerKeeps` does not keep,
/// except those in `kept` and whole groups `group` accepts; register values
/// of dropped ops become zeros.
LogicalResult keepOnly(Region &region, function_ref<bool(Operation *)> group,
                       const DenseSet<Operation *> &kept) {
  SmallVector<Operation *> dropped;
  region.walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (group && group(op))
      return WalkResult::skip();
    if (!kept.contains(op) && !producerKeeps(op))
      dropped.push_back(op);
    return WalkResult::advance();
  });
  // Users come after their definitions: drop the last ones first.
  for (Operation *op : llvm::reverse(dropped)) {
    OpBuilder zeros(op);
    for (Value result : op->getResults()) {
      if (result.use_empty())
        continue;
      FailureOr<Value> replacement = zerosOf(zeros, op->getLoc(), result);
      if (failed(replacement))
        return op->emitOpError() << "makes a value the producer needs, which "
                                    "bsattn-warp-specialize cannot drop";
      result.replaceAllUsesWith(*replacement);
    }
    op->erase();
  }
  return success();
}

void eraseLoadGroups(Region &region) {
  SmallVector<Operation *> groups;
  region.walk([&](Operation *op) {
    if (isLoadGroup(op))
      groups.push_back(op);
  });
  for (Operation *op : groups)
    op->erase();
}

/// No register value is observable in the producer: cuts every one loose
/// (zeros in its place) so that canonicalization drops the loop-carried
/// tiles it would otherwise keep in 24 registers.
void cutRegisterValues(Region &region) {
  SmallVector<Value> registerValues;
  region.walk([&](Block *nested) {
    for (BlockArgument arg : nested->getArguments())
      if (isa<TileType, RowsType>(arg.getType()) && !arg.use_empty())
        registerValues.push_back(arg);
  });
  region.walk([&](Operation *op) {
    if (isa<SplatOp>(op))
      return;
    for (Value result : op->getResults())
      if (isa<TileType, RowsType>(result.getType()) && !result.use_empty())
        registerValues.push_back(result);
  });
  for (Value value : registerValues) {
    OpBuilder zeros(value.getContext());
    if (auto arg = dyn_cast<BlockArgument>(value))
      zeros.setInsertionPointToStart(arg.getOwner());
    else
      zeros.setInsertionPointAfter(value.getDefiningOp());
    // Tile and rows types always have zeros.
    value.replaceAllUsesWith(*zerosOf(zeros, value.getLoc(), value));
  }
}

struct WarpSpecializePass
    : public bsattn::impl::BSAttnWarpSpecializeBase<WarpSpecializePass> {
  using BSAttnWarpSpecializeBase::BSAttnWarpSpecializeBase;

  void runOnOperation() override {
    LLVM::LLVMFuncOp kernel = getOperation();
    TuningAttr tuning = getKernelTuning(kernel);
    if (!tuning || !tuning.getWarpSpecialize())
      return;
    auto block = kernel->getAttrOfType<ArrayAttr>("bsattn.block");
    if (!block || block.size() != 3) {
      kernel.emitOpError() << "has no 'bsattn.block' of three sizes";
      return signalPassFailure();
    }
    int64_t consumers = cast<IntegerAttr>(block[0]).getInt();
    if (failed(specialize(kernel, consumers, tuning.getProducerConvert(),
                          tuning.getPersistent(), tuning.getDynamicTiles())))
      return signalPassFailure();
    Builder b(kernel.getContext());
    int64_t threads = consumers + kWarpgroupThreads;
    kernel->setAttr("bsattn.block", b.getI64ArrayAttr({threads, 1, 1}));
    kernel->setAttr(NVVM::NVVMDialect::getReqntidAttrName(),
                    b.getDenseI32ArrayAttr({int32_t(threads), 1, 1}));
  }

  LogicalResult specialize(LLVM::LLVMFuncOp kernel, int64_t consumers,
                           bool convertInProducer, bool persistent,
                           bool dynamicTiles) {
    Block &entry = kernel.getBody().front();
    NVVM::Barrier0Op setUp = getSetUpBarrier(kernel);
    if (!setUp)
      return kernel.emitOpError() << "has no set-up barrier (nvvm.barrier0) "
                                     "before its schedule";
    SmallVector<Operation *> schedule;
    for (Operation *op = setUp->getNextNode(); op != entry.getTerminator();
         op = op->getNextNode())
      schedule.push_back(op);
    // The load issuer's predicate: the condition of every load group.
    Value issuer;
    WalkResult walk = kernel.walk([&](scf::IfOp ifOp) {
      if (!isLoadGroup(ifOp))
        return WalkResult::advance();
      if (issuer && issuer != ifOp.getCondition())
        return WalkResult::interrupt();
      issuer = ifOp.getCondition();
      return WalkResult::advance();
    });
    if (walk.wasInterrupted() || !issuer)
      return kernel.emitOpError() << "needs load groups that share one load "
                                     "issuer predicate";

    Location loc = kernel.getLoc();
    OpBuilder b(entry.getTerminator());
    int64_t even =
        WarpSpecializeOp::evenRegisterBudget(consumers + kWarpgroupThreads);
    auto specialized = WarpSpecializeOp::create(b, loc, consumers,
                                                kWarpgroupThreads, even, even);
    Block *consumerBlock = b.createBlock(&specialized.getConsumers());
    for (Operation *op : schedule)
      op->moveBefore(consumerBlock, consumerBlock->end());
    bool convert = convertInProducer && consumerBlock
                                            ->walk([](ConvertSharedOp) {
                                              return WalkResult::interrupt();
                                            })
                                            .wasInterrupted();
    // A persistent kernel's tile start waits until every thread is done
    // with the previous tile, whose query buffer the producer refills: the
    // consumers and the producer's load-issuing warp, and with dynamic
    // tiles the converting warps too (they read the claimed tile that the
    // barrier hands over). The roles reach it from different instructions,
    // which the aligned form (nvvm.barrier, bar.sync) does not allow: this
    // is barrier.sync.
    bool convertersAtTileStart = dynamicTiles && convert;
    int64_t tileStartThreads =
        consumers + (convertersAtTileStart ? kWarpgroupThreads : 32);
    SmallVector<Operation *> tileStarts;
    if (persistent) {
      SmallVector<NVVM::Barrier0Op> ctaBarriers;
      consumerBlock->walk(
          [&](NVVM::Barrier0Op barrier) { ctaBarriers.push_back(barrier); });
      for (NVVM::Barrier0Op barrier : ctaBarriers) {
        OpBuilder at(barrier);
        auto i32 = [&](int64_t value) -> Value {
          return arith::ConstantIntOp::create(at, loc, value, 32);
        };
        tileStarts.push_back(LLVM::CallIntrinsicOp::create(
            at, loc, at.getStringAttr("llvm.nvvm.barrier.cta.sync.count"),
            ValueRange{i32(int32_t(NamedBarrier::TileStart)),
                       i32(tileStartThreads)}));
        barrier->erase();
      }
    }

    // The producer: its first warp runs the schedule's control flow with
    // the load groups, its first thread issuing them; with the tuning's
    // producer_convert, its other three warps run it with the V
    // conversions.
    Block *producerBlock = b.createBlock(&specialized.getProducer());
    b.setInsertionPointToStart(producerBlock);
    Value tid = NVVM::ThreadIdXOp::create(b, loc, b.getI32Type());
    auto thread = [&](int64_t index) {
      return arith::ConstantIntOp::create(b, loc, index, 32);
    };
    int64_t converters = consumers + 32;
    Value firstWarp = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                            tid, thread(converters));
    Value producerIssuer = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::eq, tid, thread(consumers));
    auto roles = scf::IfOp::create(b, loc, firstWarp, /*withElse=*/convert);
    // A copy of the schedule before `before`; each copy needs a mapping of
    // its own (a mapped block argument is not cloned again).
    auto copySchedule = [&](Operation *before) {
      IRMapping mapping;
      mapping.map(issuer, producerIssuer);
      b.setInsertionPoint(before);
      for (Operation &op : *consumerBlock)
        b.clone(op, mapping);
      return mapping;
    };
    IRMapping issuerCopy = copySchedule(roles.thenBlock()->getTerminator());
    DenseSet<Operation *> issuerBarriers;
    for (Operation *barrier : tileStarts)
      issuerBarriers.insert(issuerCopy.lookup(barrier));
    if (failed(keepOnly(roles.getThenRegion(), isLoadGroup, issuerBarriers)))
      return failure();
    if (convert) {
      IRMapping converterCopy =
          copySchedule(roles.elseBlock()->getTerminator());
      eraseLoadGroups(roles.getElseRegion());
      DenseSet<Operation *> conversions =
          conversionGroups(roles.getElseRegion());
      if (convertersAtTileStart)
        for (Operation *barrier : tileStarts)
          conversions.insert(converterCopy.lookup(barrier));
      if (failed(keepOnly(roles.getElseRegion(), nullptr, conversions)))
        return failure();
      int64_t threads = kWarpgroupThreads - 32;
      roles.getElseRegion().walk([&](ConvertSharedOp op) {
        op.setFirstThread(converters);
        op.setThreads(threads);
      });
      // The consumers no longer convert nor wait for V's landing (P.V waits
      // for the conversion), and the conversion barriers count the
      // converters' arrivals.
      SetVector<Value> convertedGroups;
      for (Operation *op :
           conversionGroups(specialized.getConsumers(), &convertedGroups))
        op->erase();
      for (Value group : convertedGroups)
        for (Operation *user : group.getUsers())
          if (auto init = dyn_cast<nvgpu::MBarrierInitOp>(user)) {
            OpBuilder count(init);
            init.getCountMutable().assign(
                arith::ConstantIndexOp::create(count, loc, threads));
          }
    }
    eraseLoadGroups(specialized.getConsumers());
    cutRegisterValues(specialized.getProducer());
    return success();
  }
};

} // namespace
