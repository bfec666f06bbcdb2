//===- BSAttnAttrs.cpp - bsattn attribute verifiers -------------*- C++ -*-===//

#include "bsattn/Dialect/BSAttn/IR/BSAttn.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::bsattn;

#include "bsattn/Dialect/BSAttn/IR/BSAttnAttrInterfaces.cpp.inc"

bool CSRAttr::needsIndexOperands() const { return true; }
bool CSRAttr::isCausal() const { return getCausal(); }
bool FullAttr::isCausal() const { return false; }

bool SlidingWindowAttr::isCausal() const { return getCausal(); }

LogicalResult
SlidingWindowAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                          int64_t window, bool) {
  if (window < 1)
    return emitError() << "sliding window must span at least 1 key block, got "
                       << window;
  return success();
}

LogicalResult
WindowGlobalAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                         int64_t window, int64_t globals) {
  if (window < 1)
    return emitError() << "sliding window must span at least 1 key block, got "
                       << window;
  if (globals < 0)
    return emitError() << "number of global key blocks must be >= 0, got "
                       << globals;
  return success();
}

int64_t TuningAttr::getKeyTileSize(int64_t headDim) const {
  if (int64_t blockK = getBlockK())
    return blockK;
  // Above D = 128 a K/V ring stage of 128 keys outgrows shared memory and
  // the D-column accumulator leaves too few registers for 128-key scores.
  return headDim > 128 ? 64 : 128;
}

LogicalResult TuningAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, int64_t blockQ,
    int64_t blockK, int64_t stages, int64_t warpgroups, bool persistent,
    bool warpSpecialize, bool pingpong, bool overlap, bool producerConvert,
    bool dynamicTiles, int64_t valueStages, bool rescaleBeforePv,
    bool descendingKeys, bool singleQueryBuffer, bool carrySchedule,
    int64_t pvWaitColumns, bool earlyNextQuery, bool paddingTilesLast,
    bool prefetchIndices, bool prefetchBlocks, int64_t polyExp2Columns,
    int64_t rescaleThreshold, bool earlyScalarLoads, bool warpKeptMaxima,
    bool announceBlocks) {
  if (blockQ != 64 && blockQ != 128 && blockQ != 192)
    return emitError() << "tuning block_q must be 64, 128 or 192, got "
                       << blockQ;
  // Products take keys in steps of 16, and wgmma's N and TMA's boxes stop
  // at 256; whether a tile fits beside the accumulators the lowering
  // decides per head dimension.
  if (blockK < 0 || blockK > 256 || blockK % 16)
    return emitError()
           << "tuning block_k must be a multiple of 16 in [16, 256] (or 0: "
              "chosen per head dimension), got "
           << blockK;
  if (stages < 1 || stages > 8)
    return emitError() << "tuning stages must be in [1, 8], got " << stages;
  if (warpgroups < 1 || warpgroups > 3)
    return emitError() << "tuning warpgroups must be in [1, 3], got "
                       << warpgroups;
  // Each consumer warpgroup computes 64 of the tile's query rows.
  if (warpgroups * 64 != blockQ)
    return emitError() << "tuning block_q = " << blockQ << " needs "
                       << blockQ / 64 << " warpgroups (64 query rows each), "
                       << "got warpgroups = " << warpgroups;
  if (pingpong && (!warpSpecialize || warpgroups < 2))
    return emitError() << "tuning pingpong needs warp_specialize = true and "
                          "at least 2 warpgroups";
  if (overlap && !warpSpecialize)
    return emitError() << "tuning overlap needs warp_specialize = true";
  if (rescaleBeforePv && !overlap)
    return emitError() << "tuning rescale_before_pv needs overlap = true";
  if (producerConvert && !warpSpecialize)
    return emitError()
           << "tuning producer_convert needs warp_specialize = true";
  if (valueStages == 1 || valueStages < 0 || valueStages > 8)
    return emitError() << "tuning value_stages must be 0 (V shares K's "
                          "slots) or in [2, 8], got "
                       << valueStages;
  // Only a persistent grid has tiles to hand out.
  if (dynamicTiles && !persistent)
    return emitError() << "tuning dynamic_tiles needs persistent = true";
  if (singleQueryBuffer && !persistent)
    return emitError() << "tuning single_query_buffer needs persistent = true";
  if (carrySchedule && !persistent)
    return emitError() << "tuning carry_schedule needs persistent = true";
  if (pvWaitColumns < 0 || pvWaitColumns > 248 || pvWaitColumns % 8)
    return emitError() << "tuning pv_wait_columns must be a multiple of 8 in "
                          "[0, 248], got "
                       << pvWaitColumns;
  if (polyExp2Columns < 0 || polyExp2Columns > 256 || polyExp2Columns % 8)
    return emitError() << "tuning poly_exp2_columns must be a multiple of 8 "
                          "in [0, 256], got "
                       << polyExp2Columns;
  if (rescaleThreshold < 0 || rescaleThreshold > kMaxRescaleThreshold)
    return emitError() << "tuning rescale_threshold must be in [0, "
                       << kMaxRescaleThreshold << "], got " << rescaleThreshold;
  if (pvWaitColumns && !overlap)
    return emitError() << "tuning pv_wait_columns needs overlap = true";
  // Only a threshold lets a warp keep its rows' maxima.
  if (warpKeptMaxima && !rescaleThreshold)
    return emitError() << "tuning warp_kept_maxima needs rescale_threshold > 0";
  // The producer loads the next Q while the consumers finish (a load
  // issuer among the consumers, without warp_specialize, which overlap
  // needs, would wait for a release it makes only after the store in a
  // tile without entries), every entry of the overlapped loop takes a ring
  // step (so the last slot is known before the loop), and K's slots are
  // held until P.V is done.
  if (earlyNextQuery && (!singleQueryBuffer || !overlap || valueStages))
    return emitError() << "tuning early_next_query needs single_query_buffer "
                          "= true, overlap = true and value_stages = 0";
  // Persistent grids carry the next tile's index loads (carry_schedule).
  if ((prefetchIndices || prefetchBlocks) && persistent)
    return emitError() << "tuning prefetch_indices and prefetch_blocks are "
                          "for one CTA per tile (persistent = false)";
  return success();
}

LogicalResult VariantAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  StringRef name, TuningAttr tuning,
                                  std::optional<int64_t> minTMax,
                                  std::optional<int64_t> maxTMax,
                                  std::optional<int64_t> minBatchHeads,
                                  std::optional<int64_t> maxBatchHeads) {
  // The name becomes part of file names and of Python identifiers.
  if (name.empty() || !llvm::isAlpha(name.front()) ||
      !llvm::all_of(name, [](char c) { return llvm::isAlnum(c) || c == '_'; }))
    return emitError() << "variant name must match [A-Za-z][A-Za-z0-9_]*, got '"
                       << name << "'";
  if (!tuning)
    return emitError() << "variant '" << name << "' needs a tuning";
  struct Range {
    StringRef axis;
    std::optional<int64_t> min, max;
  };
  for (const Range &range :
       {Range{"t_max", minTMax, maxTMax},
        Range{"batch_heads", minBatchHeads, maxBatchHeads}}) {
    for (auto [bound, value] :
         {std::pair{"min_", range.min}, std::pair{"max_", range.max}})
      if (value && *value < 1)
        return emitError() << "variant '" << name << "' " << bound << range.axis
                           << " must be at least 1, got " << *value;
    if (range.min && range.max && *range.min > *range.max)
      return emitError() << "variant '" << name << "' has min_" << range.axis
                         << " = " << *range.min << " above max_" << range.axis
                         << " = " << *range.max;
  }
  return success();
}

bool VariantAttr::covers(int64_t tMax, int64_t batchHeads) const {
  auto within = [](int64_t value, std::optional<int64_t> min,
                   std::optional<int64_t> max) {
    return value >= min.value_or(1) && (!max || value <= *max);
  };
  return within(tMax, getMinTMax(), getMaxTMax()) &&
         within(batchHeads, getMinBatchHeads(), getMaxBatchHeads());
}
