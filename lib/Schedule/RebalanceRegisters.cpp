//===- RebalanceRegisters.cpp - the producer's registers to the consumers -===//
//
// A producer that only issues loads needs few registers; consumers holding
// S, P and O tiles need many. setmaxnreg moves them at run time, within the
// SM's register file.
//
//===----------------------------------------------------------------------===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"
#include "bsattn/Schedule/Kernel.h"
#include "bsattn/Schedule/Passes.h"

namespace mlir::bsattn {
#define GEN_PASS_DEF_BSATTNREBALANCEREGISTERS
#include "bsattn/Schedule/Passes.h.inc"
} // namespace mlir::bsattn

using namespace mlir;
using namespace mlir::bsattn;

namespace {

/// setmaxnreg's largest budget.
constexpr int64_t kMaxRegisters = 256;
/// The producer's budget: FlashAttention-3's for loads alone, and what a
/// persistent kernel's producer needs to run the tile loop without spills.
constexpr int64_t kProducerRegisters = 24;
constexpr int64_t kPersistentProducerRegisters = 56;
/// What a consumer thread of three warpgroups needs for its 64 rows
/// (FlashAttention-3's 160 / 32 split): a persistent producer gives up
/// registers beyond 56 rather than the consumers spill in the key-block loop.
constexpr int64_t kConsumerRegistersFloor = 160;

struct RebalanceRegistersPass
    : public bsattn::impl::BSAttnRebalanceRegistersBase<
          RebalanceRegistersPass> {
  using BSAttnRebalanceRegistersBase::BSAttnRebalanceRegistersBase;

  void runOnOperation() override {
    TuningAttr tuning = getKernelTuning(getOperation());
    bool persistent = tuning && tuning.getPersistent();
    WalkResult result = getOperation().walk([&](WarpSpecializeOp op) {
      int64_t consumerThreads = op.getConsumerThreads();
      int64_t producerThreads = op.getProducerThreads();
      int64_t producer = producerRegisters;
      if (producer == 0 && persistent)
        producer = std::clamp((WarpSpecializeOp::kRegistersPerSM -
                               consumerThreads * kConsumerRegistersFloor) /
                                  producerThreads / 8 * 8,
                              kProducerRegisters, kPersistentProducerRegisters);
      else if (producer == 0)
        producer = kProducerRegisters;
      int64_t left =
          WarpSpecializeOp::kRegistersPerSM - producerThreads * producer;
      int64_t consumers =
          std::min(kMaxRegisters, left / consumerThreads / 8 * 8);
      Builder b(op.getContext());
      op.setProducerRegistersAttr(b.getI64IntegerAttr(producer));
      op.setConsumerRegistersAttr(b.getI64IntegerAttr(consumers));
      if (failed(op.verify()))
        return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
