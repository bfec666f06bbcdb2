//===- WarpSpecialize.cpp - a producer warpgroup for the loads --*- C++ -*-===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"
#include "bsattn/Schedule/Kernel.h"
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

/// Zeros of `type` for the register values of a dropped op.
FailureOr<Value> zerosOf(OpBuilder &b, Location loc, Type type) {
  if (!isa<TileType, RowsType>(type))
    return failure();
  Value zero =
      arith::ConstantFloatOp::create(b, loc, b.getF32Type(), APFloat(0.0f));
  return SplatOp::create(b, loc, type, zero).getResult();
}

struct WarpSpecializePass
    : public bsattn::impl::BSAttnWarpSpecializeBase<WarpSpecializePass> {
  using BSAttnWarpSpecializeBase::BSAttnWarpSpecializeBase;

  void runOnOperation() override {
    LLVM::LLVMFuncOp kernel = getOperation();
    TuningAttr tuning = getKernelTuning(kernel);
    if (!tuning || !tuning.getWarpSpecialize())
      return;
    if (tuning.getPersistent()) {
      kernel.emitOpError() << "bsattn-warp-specialize does not support "
                              "persistent kernels yet";
      return signalPassFailure();
    }
    auto block = kernel->getAttrOfType<ArrayAttr>("bsattn.block");
    if (!block || block.size() != 3) {
      kernel.emitOpError() << "has no 'bsattn.block' of three sizes";
      return signalPassFailure();
    }
    int64_t consumers = cast<IntegerAttr>(block[0]).getInt();
    if (failed(specialize(kernel, consumers)))
      return signalPassFailure();
    Builder b(kernel.getContext());
    int64_t threads = consumers + kWarpgroupThreads;
    kernel->setAttr("bsattn.block", b.getI64ArrayAttr({threads, 1, 1}));
    kernel->setAttr(NVVM::NVVMDialect::getReqntidAttrName(),
                    b.getDenseI32ArrayAttr({int32_t(threads), 1, 1}));
  }

  LogicalResult specialize(LLVM::LLVMFuncOp kernel, int64_t consumers) {
    Block &entry = kernel.getBody().front();
    // The schedule starts after the set-up's CTA barrier.
    auto setUp = llvm::find_if(llvm::reverse(entry), [](Operation &op) {
      return isa<NVVM::Barrier0Op>(op);
    });
    if (setUp == entry.rend())
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

    // The producer: its first warp runs the schedule's control flow with
    // the load groups, its first thread issuing them.
    Block *producerBlock = b.createBlock(&specialized.getProducer());
    b.setInsertionPointToStart(producerBlock);
    Value tid = NVVM::ThreadIdXOp::create(b, loc, b.getI32Type());
    auto thread = [&](int64_t index) {
      return arith::ConstantIntOp::create(b, loc, index, 32);
    };
    Value firstWarp = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                            tid, thread(consumers + 32));
    Value producerIssuer = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::eq, tid, thread(consumers));
    auto loadWarp = scf::IfOp::create(b, loc, firstWarp, /*withElse=*/false);
    b.setInsertionPoint(loadWarp.thenBlock()->getTerminator());
    IRMapping mapping;
    mapping.map(issuer, producerIssuer);
    for (Operation &op : *consumerBlock)
      b.clone(op, mapping);

    // Each side drops the other's work.
    SmallVector<Operation *> loadGroups;
    consumerBlock->walk([&](Operation *op) {
      if (isLoadGroup(op))
        loadGroups.push_back(op);
    });
    for (Operation *op : loadGroups)
      op->erase();
    SmallVector<Operation *> dropped;
    loadWarp.getThenRegion().walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (isLoadGroup(op))
        return WalkResult::skip();
      if (!producerKeeps(op))
        dropped.push_back(op);
      return WalkResult::advance();
    });
    // Users come after their definitions: drop the last ones first.
    for (Operation *op : llvm::reverse(dropped)) {
      OpBuilder zeros(op);
      for (Value result : op->getResults()) {
        if (result.use_empty())
          continue;
        FailureOr<Value> replacement =
            zerosOf(zeros, op->getLoc(), result.getType());
        if (failed(replacement))
          return op->emitOpError() << "makes a value the producer needs, which "
                                      "bsattn-warp-specialize cannot drop";
        result.replaceAllUsesWith(*replacement);
      }
      op->erase();
    }
    // No register value is observable in the producer any more: cut every
    // one loose (zeros in its place) so that canonicalization drops the
    // loop-carried tiles it would otherwise keep in 24 registers.
    SmallVector<Value> registerValues;
    loadWarp.getThenRegion().walk([&](Block *nested) {
      for (BlockArgument arg : nested->getArguments())
        if (isa<TileType, RowsType>(arg.getType()) && !arg.use_empty())
          registerValues.push_back(arg);
    });
    loadWarp.getThenRegion().walk([&](Operation *op) {
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
      FailureOr<Value> replacement =
          zerosOf(zeros, value.getLoc(), value.getType());
      value.replaceAllUsesWith(*replacement);
    }
    return success();
  }
};

} // namespace
