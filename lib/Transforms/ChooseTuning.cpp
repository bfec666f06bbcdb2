//===- ChooseTuning.cpp - the tuning where none is given --------*- C++ -*-===//
//
// Users who give no tuning hints get the fastest tuning measured for their
// head dimension, not the slowest one (every technique off).
//
//===----------------------------------------------------------------------===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"
#include "bsattn/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::bsattn {
#define GEN_PASS_DEF_BSATTNCHOOSETUNING
#include "bsattn/Transforms/Passes.h.inc"
} // namespace mlir::bsattn

using namespace mlir;
using namespace mlir::bsattn;

namespace {

/// The tuning measured fastest for `op` on the H200: warp specialization
/// everywhere (5-15% over none at every D); up to D = 128 the
/// intra-warpgroup overlap with a third ring stage and ping-pong on top
/// (bench/results/2026-12-03-h200-default-tuning.json, -tile-order.json,
/// -head-dim-96.json, and every challenge case), which lost at D = 192
/// (2026-12-02-h200-head-dims-192-256.json, 2026-12-03-dense-vs-fa4.json);
/// at D = 256, where a third stage does not fit, the overlap with V in a
/// ring of its own (two K and two V slots: K's go back after Q.K^T) where
/// P.V takes V as it is (2026-12-03-h200-value-ring.json); the producer
/// converting V wherever V is converted. Causal and full patterns at
/// D = 192 / 256 take key tiles across the blocks, as many keys as the
/// consumers' registers hold (112 / 80), with the V-ring overlap where V
/// is not converted (2-21% over the 64-key choice,
/// 2026-12-03-h200-key-tiles-across-blocks.json) and at D = 192 ping-pong
/// on top. Causal f16 at D = 128
/// takes 160 keys across the blocks on 2 K + 2 V slots (1-10% over 128
/// keys in three shared slots; with bf16, or bidirectional, it did not pay:
/// 2026-12-03-h200-wider-key-tiles-d64-d128.json). Full patterns at
/// D = 128 where V is not converted take 144 keys on 2 K + 2 V slots
/// +1.1 to +1.8% over 128 keys, 160 +0.6%, with V converted -8%
/// (2026-12-06-h100-full-d128-key-tiles.json, H100); FlashAttention-3's
/// 176 and 192, which compile without spills under a raised register
/// check, take 0.97 and 1.00x (2026-12-06-h100-d128-wide-key-tiles.json).
/// Causal and full patterns at D = 64 take 192-row query tiles across the
/// blocks on three consumer warpgroups with four ring stages
/// (FlashAttention-3's tile: causal -0.1 to +9%, bidirectional +14 to +19% over
/// 128 rows, 2026-12-03-h200-query-tiles-192-d64.json; two stages,
/// FlashAttention-4's, -22%, 2026-12-06-h100-vote-carried-d64-stages.json), at
/// D = 96 with 96 keys on three stages (what 160 registers and shared memory
/// hold: causal -0.1 to +10%, bidirectional +4 to +6%,
/// 2026-12-03-h200-query-tiles-192-d96.json).
/// There and at causal D = 256 on 80 keys the overlapped loop rescales O
/// right before the previous block's P.V, beside the current Q.K^T
/// (FlashAttention-3's choice above D = 128): median +1.4 / +2.9% at
/// D = 96, +2.5 / +3.0% at D = 256 (two runs), bidirectional D = 96 +2.4
/// to +3.4%; bidirectional D = 256 -1 to -3% (f16); at D = 192 it was
/// mixed (-8 to +7%), at D = 64 and 128, with
/// ping-pong, and on the challenge cases neutral to slower
/// (2026-12-04-h200-rescale-before-pv.json).
TuningAttr chooseTuning(AttentionOp op) {
  int64_t headDim = op.getHeadDim();
  bool pipelined = headDim <= 128;
  bool convertsV =
      op.getElementType().isBF16() && op.getPv() == PVPrecision::f16;
  bool splitPV = op.getPv() == PVPrecision::split_bf16;
  bool causal = isa<CausalAttr>(op.getSparsity());
  // Patterns that use every key up to a bound take tiles across the blocks.
  bool inOrder = !splitPV && (causal || isa<FullAttr>(op.getSparsity()));
  TuningParameters chosen;
  chosen.warpSpecialize = true;
  chosen.producerConvert = convertsV;
  chosen.stages = pipelined ? 3 : 2;
  if (inOrder && (headDim == 64 || headDim == 96)) {
    chosen.blockQ = 192;
    chosen.warpgroups = 3;
    if (headDim == 64)
      chosen.stages = 4;
    else
      chosen.blockK = 96;
  } else if (headDim == 128 && causal && op.getElementType().isF16()) {
    chosen.blockK = 160;
    chosen.stages = 2;
    chosen.valueStages = 2;
  } else if (headDim == 128 && inOrder && !causal && !convertsV) {
    chosen.blockK = 144;
    chosen.stages = 2;
    chosen.valueStages = 2;
  } else if (inOrder && headDim >= 192) {
    chosen.blockK = headDim == 256 ? 80 : 112;
  }
  // The V ring at D = 256, and at D = 192 with its wide key tiles, where P.V
  // takes V as it is.
  if (!convertsV && !splitPV &&
      (headDim == 256 || (headDim == 192 && chosen.blockK)))
    chosen.valueStages = 2;
  // O rescaled beside Q.K^T rather than after the softmax: where measured to
  // pay, D = 96 on 192 rows and causal D = 256 on 80 keys.
  chosen.rescaleBeforePv =
      (headDim == 96 && chosen.blockQ == 192) ||
      (headDim == 256 && chosen.blockK == 80 && chosen.valueStages && causal);
  // Key tiles from the diagonal down (FlashAttention-4's order): a causal
  // grid then reads a quarter fewer DRAM bytes, which paid under the power
  // limit at D = 96 (bench/results/2026-12-04-h200-descending-keys.json),
  // and at D = 64 on 192-row tiles once lazy rescaling and the warp vote
  // were in (+0.1 to +1.3% beside a 1.000-1.004 noise control,
  // 2026-12-06-h100-d64-descending-static-windows.json, H100).
  chosen.descendingKeys =
      causal && (headDim == 96 || (headDim == 64 && chosen.blockQ == 192));
  // Ping-pong round the consumers up to D = 128, and at D = 192 on 112-key
  // tiles with the V ring (+1.9% causal,
  // +2.1% full under the power limit; at D = 256 it lost 2-3%,
  // 2026-12-04-h200-sustained-tunings.json).
  chosen.pingpong =
      pipelined || (headDim == 192 && chosen.blockK && chosen.valueStages);
  // The wait for the previous P.V among the exponentials, after the first
  // pvWaitColumns columns (FlashAttention-4's order): from D = 128 up
  // (2026-12-05-h200-pv-wait-columns.json: dense causal under the power
  // limit +0.7 to +1.7% at D = 128, +2.5 to +3.5% at D = 192, +1.5 to +2.3%
  // at D = 256 with 48 columns, -0.3 to -2.2% at D = 64 and 96; the
  // challenge's block-sparse cases 0.935-0.997x the time with 64 of 128
  // columns, median 0.984, where 48 gave 0.990).
  chosen.overlap = pipelined || chosen.valueStages;
  if (chosen.overlap && headDim >= 128 && !splitPV)
    chosen.pvWaitColumns = inOrder ? 48 : headDim == 128 ? 64 : 0;
  // Lazy rescaling (a row's maximum kept until a block grows it by more
  // than 2^8, O's rescale skipped where no row's moved): dense causal +2.5
  // to +5.6% at D = 64, 96, 192 and 256, +0.7 to +1.5% at D = 128; on the
  // challenge's CSR cases neutral to 6% slower, their rows holding few
  // blocks (bench/results/2026-12-05-h100-lazy-rescale-two-ctas.json, H100).
  // At D = 128 with bf16 inputs and f16 P.V it lost 0.9 to 1.7% then; with
  // the warp vote and O's rescale on it, +2.8 to +3.4%
  // (2026-12-06-h100-d128-converted-v-lazy-rescale.json).
  // Bidirectional +2.1 to +2.4% at D = 64, +4.3 to +7.8% at D = 256
  // (2026-12-05-h100-full-rescale-shared-probs-poly-alpha.json); at D = 96,
  // 128 and 192 full patterns follow the causal measurements. With the warp
  // vote the challenge's CSR kernel (D = 128, bf16 with f16 P.V) takes
  // 0.97-1.00x the time on every quick, full and broad case, median 0.990
  // beside a copy of itself at 0.999-1.000
  // (2026-12-06-h100-challenge-warp-vote-noise-control.json); other CSR
  // configurations are not measured and keep eager rescaling.
  bool csrChallenge =
      isa<CSRAttr>(op.getSparsity()) && headDim == 128 && convertsV;
  chosen.rescaleThreshold = inOrder || csrChallenge ? 8 : 0;
  // Each warp votes on its lanes' own maxima before the quad shuffles, which
  // then run only where a row moved: dense +2.4 to +3.5% at D = 64, +1.5 to
  // +2.3% at D = 96, -0.2 to +3.7% at D = 128..256
  // (bench/results/2026-12-06-h100-warp-kept-maxima.json, H100).
  chosen.warpKeptMaxima = chosen.rescaleThreshold > 0;
  return TuningAttr::get(op.getContext(), chosen);
}

struct ChooseTuningPass
    : public bsattn::impl::BSAttnChooseTuningBase<ChooseTuningPass> {
  void runOnOperation() override {
    WalkResult result = getOperation().walk([](AttentionOp op) {
      if (failed(op.verifyNoVariants()))
        return WalkResult::interrupt();
      if (!op.getTuningAttr())
        op.setTuningAttr(chooseTuning(op));
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
