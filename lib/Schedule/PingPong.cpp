//===- PingPong.cpp - consumer warpgroups take turns at the tensor cores --===//
//
// Consumer warpgroups that run the same schedule in lockstep issue their
// products together and then all sit in the softmax while the tensor cores
// idle. Here they take turns: a warpgroup waits for its turn (a named barrier
// of its own) before it issues a group of products and hands the turn to the
// next warpgroup (an arrive on its barrier) once they are committed, so that
// one warpgroup's softmax runs while another's products do. In a persistent
// kernel the turns carry across the tile loop: every warpgroup takes the
// same turns in every tile, so the first warpgroup's first turn of a tile
// follows the last one's last turn of the previous one.
//
//===----------------------------------------------------------------------===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"
#include "bsattn/Schedule/Kernel.h"
#include "bsattn/Schedule/NamedBarriers.h"
#include "bsattn/Schedule/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::bsattn {
#define GEN_PASS_DEF_BSATTNPINGPONG
#include "bsattn/Schedule/Passes.h.inc"
} // namespace mlir::bsattn

using namespace mlir;
using namespace mlir::bsattn;

namespace {

constexpr int64_t kWarpgroupThreads = 128;

/// One turn: the fences, products and commits a warpgroup issues in a row,
/// from the first fence to the last commit.
struct Turn {
  Operation *first;
  Operation *last;
  int64_t products;
};

bool isProduct(Operation *op) {
  return isa<WgmmaSharedOp, WgmmaRegisterOp>(op);
}

/// The turns in `block`, in order: each starts at a `wgmma.fence` that is
/// followed by a product, and runs to the commit after its last product;
/// groups with only pure ops between them are one turn.
SmallVector<Turn> turnsIn(Block &block) {
  SmallVector<Turn> turns;
  Operation *fence = nullptr;
  int64_t issued = 0;
  for (Operation &op : block) {
    if (isa<NVVM::WgmmaFenceAlignedOp>(op)) {
      if (!fence)
        fence = &op;
      continue;
    }
    if (fence && isProduct(&op)) {
      ++issued;
      continue;
    }
    if (fence && issued && isa<NVVM::WgmmaGroupSyncAlignedOp>(op)) {
      if (!turns.empty() && turns.back().first == fence)
        turns.back().last = &op;
      else
        turns.push_back({fence, &op, 0});
      turns.back().products += issued;
      issued = 0;
      continue;
    }
    // Pure ops (addresses, constants) between two groups keep the turn open.
    if (fence && !turns.empty() && turns.back().first == fence &&
        isMemoryEffectFree(&op))
      continue;
    fence = nullptr;
    issued = 0;
  }
  return turns;
}

/// The values of `kernel` that may differ between its threads: everything
/// computed from a thread index, and what control flow makes of it.
DenseSet<Value> threadDependentValues(LLVM::LLVMFuncOp kernel) {
  DenseSet<Value> divergent;
  SmallVector<Value> worklist;
  auto mark = [&](Value value) {
    if (divergent.insert(value).second)
      worklist.push_back(value);
  };
  kernel.walk([&](Operation *op) {
    if (isa<NVVM::ThreadIdXOp, NVVM::ThreadIdYOp, NVVM::ThreadIdZOp,
            NVVM::LaneIdOp, NVVM::WarpIdOp>(op))
      mark(op->getResult(0));
  });
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (Operation *user : value.getUsers()) {
      // A yielded value reaches the results (and loop arguments) of the op
      // that holds the region; an op with regions passes it everywhere.
      Operation *owner = isa<scf::YieldOp>(user) ? user->getParentOp() : user;
      for (Value result : owner->getResults())
        mark(result);
      for (Region &region : owner->getRegions())
        for (Block &block : region)
          for (BlockArgument arg : block.getArguments())
            mark(arg);
    }
  }
  return divergent;
}

WalkResult emitUnsupported(Operation *product, Operation *parent,
                           StringRef why) {
  product->emitOpError() << "is issued under '" << parent->getName() << "'"
                         << why
                         << ": bsattn-pingpong needs every consumer "
                            "warpgroup to issue every product";
  return WalkResult::interrupt();
}

struct PingPongPass : public bsattn::impl::BSAttnPingPongBase<PingPongPass> {
  using BSAttnPingPongBase::BSAttnPingPongBase;

  void runOnOperation() override {
    LLVM::LLVMFuncOp kernel = getOperation();
    TuningAttr tuning = getKernelTuning(kernel);
    if (!tuning || !tuning.getPingpong())
      return;
    FailureOr<WarpSpecializeOp> found =
        getWarpSpecialized(kernel, getArgument());
    if (failed(found))
      return signalPassFailure();
    WarpSpecializeOp specialized = *found;
    int64_t warpgroups = specialized.getConsumerThreads() / kWarpgroupThreads;
    if (warpgroups < 2 || warpgroups > kMaxConsumerWarpgroups) {
      specialized.emitOpError()
          << "bsattn-pingpong needs 2 to " << kMaxConsumerWarpgroups
          << " consumer warpgroups, got " << warpgroups;
      return signalPassFailure();
    }
    Region &consumers = specialized.getConsumers();

    // All warpgroups must take the same turns, so a product may only sit
    // under control flow that every consumer thread takes alike.
    DenseSet<Value> divergent = threadDependentValues(kernel);
    SmallVector<Block *> blocks;
    int64_t products = 0;
    WalkResult walk = consumers.walk([&](Operation *op) {
      if (!isProduct(op))
        return WalkResult::advance();
      for (Operation *parent = op->getParentOp(); parent != specialized;
           parent = parent->getParentOp()) {
        SmallVector<Value> conditions;
        if (auto loop = dyn_cast<scf::ForOp>(parent))
          conditions = {loop.getLowerBound(), loop.getUpperBound(),
                        loop.getStep()};
        else if (auto loop = dyn_cast<scf::WhileOp>(parent))
          conditions = {loop.getConditionOp().getCondition()};
        else if (auto branch = dyn_cast<scf::IfOp>(parent))
          conditions = {branch.getCondition()};
        else
          return emitUnsupported(op, parent, "");
        if (llvm::any_of(conditions,
                         [&](Value v) { return divergent.contains(v); }))
          return emitUnsupported(op, parent,
                                 " whose condition or bounds "
                                 "depend on the thread");
      }
      ++products;
      if (!llvm::is_contained(blocks, op->getBlock()))
        blocks.push_back(op->getBlock());
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    // Warpgroup g waits on barrier PingPongTurn + g and hands over to the
    // next one's, round the ring; the first warpgroup starts with the turn.
    Location loc = specialized.getLoc();
    OpBuilder b = OpBuilder::atBlockBegin(&consumers.front());
    auto i32 = [&](int64_t value) {
      return arith::ConstantIntOp::create(b, loc, value, 32).getResult();
    };
    Value tid = NVVM::ThreadIdXOp::create(b, loc, b.getI32Type());
    Value group = arith::ShRUIOp::create(b, loc, tid, i32(7));
    int32_t base = int32_t(NamedBarrier::PingPongTurn);
    Value mine = arith::AddIOp::create(b, loc, group, i32(base));
    Value next = arith::AddIOp::create(
        b, loc,
        arith::RemUIOp::create(b, loc,
                               arith::AddIOp::create(b, loc, group, i32(1)),
                               i32(warpgroups)),
        i32(base));
    // A turn's barrier counts the waiting warpgroup and the one handing over.
    Value threads = i32(2 * kWarpgroupThreads);
    Value starts =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, group, i32(0));
    auto first = scf::IfOp::create(b, loc, starts, /*withElseRegion=*/false);
    b.setInsertionPoint(first.thenBlock()->getTerminator());
    NVVM::BarrierArriveOp::create(b, loc, mine, threads);

    SmallVector<Turn> turns;
    for (Block *block : blocks)
      llvm::append_range(turns, turnsIn(*block));
    int64_t inTurns = 0;
    for (const Turn &turn : turns)
      inTurns += turn.products;
    if (products == 0 || inTurns != products) {
      specialized.emitOpError()
          << "has " << products << " products, " << inTurns
          << " of them between a wgmma fence and a commit: bsattn-pingpong "
             "needs every product in such a group";
      return signalPassFailure();
    }
    for (const Turn &turn : turns) {
      b.setInsertionPoint(turn.first);
      NVVM::BarrierOp::create(b, loc, Type(), mine, threads,
                              NVVM::BarrierReductionAttr(), Value());
      b.setInsertionPointAfter(turn.last);
      NVVM::BarrierArriveOp::create(b, loc, next, threads);
    }
  }
};

} // namespace
