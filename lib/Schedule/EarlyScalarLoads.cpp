//===- EarlyScalarLoads.cpp - scalar loads before the set-up ----*- C++ -*-===//
//
// Moves the tile's loads of seq_lens and row_ptr above the kernel's set-up
// barrier, so that their latency overlaps the mbarrier set-up instead of
// delaying the first TMA loads that depend on them.
//
//===----------------------------------------------------------------------===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"
#include "bsattn/Schedule/Kernel.h"
#include "bsattn/Schedule/Passes.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::bsattn {
#define GEN_PASS_DEF_BSATTNEARLYSCALARLOADS
#include "bsattn/Schedule/Passes.h.inc"
} // namespace mlir::bsattn

using namespace mlir;
using namespace mlir::bsattn;

namespace {

bool isGlobal(MemRefType type) {
  auto space = dyn_cast_or_null<gpu::AddressSpaceAttr>(type.getMemorySpace());
  return space && space.getValue() == gpu::AddressSpace::Global;
}

/// Whether every op after `barrier` that `load` depends on is free of
/// memory effects: a load indexed by another load, or by a shared-memory
/// value another thread wrote before the barrier, stays after it.
bool onlyPureAfter(memref::LoadOp load, Operation *barrier) {
  BackwardSliceOptions options;
  options.omitBlockArguments = true;
  options.filter = [&](Operation *op) {
    return op->getBlock() == barrier->getBlock() &&
           barrier->isBeforeInBlock(op);
  };
  SetVector<Operation *> slice;
  if (failed(getBackwardSlice(load.getOperation(), &slice, options)))
    return false;
  return llvm::all_of(slice, [](Operation *op) {
    return op->getNumRegions() == 0 && isMemoryEffectFree(op);
  });
}

struct EarlyScalarLoadsPass
    : public bsattn::impl::BSAttnEarlyScalarLoadsBase<EarlyScalarLoadsPass> {
  using BSAttnEarlyScalarLoadsBase::BSAttnEarlyScalarLoadsBase;

  void runOnOperation() override {
    LLVM::LLVMFuncOp kernel = getOperation();
    TuningAttr tuning = getKernelTuning(kernel);
    if (!tuning || !tuning.getEarlyScalarLoads())
      return;
    Operation *barrier = getSetUpBarrier(kernel);
    if (!barrier) {
      kernel.emitOpError() << "has no set-up barrier (nvvm.barrier0) for "
                              "bsattn-early-scalar-loads to move loads above";
      return signalPassFailure();
    }
    SmallVector<memref::LoadOp> loads;
    for (Operation *op = barrier->getNextNode(); op; op = op->getNextNode())
      if (auto load = dyn_cast<memref::LoadOp>(op))
        loads.push_back(load);
    IRRewriter rewriter(kernel.getContext());
    for (memref::LoadOp load : loads)
      if (isGlobal(load.getMemRefType()) && onlyPureAfter(load, barrier) &&
          succeeded(moveOperationDependencies(rewriter, load, barrier)))
        load->moveBefore(barrier);
  }
};

} // namespace
