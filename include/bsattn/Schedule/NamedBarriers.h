//===- NamedBarriers.h - which user takes which named barrier ---*- C++ -*-===//
//
// The schedule level's named barriers (`bar.sync` / `bar.arrive` ids) in one
// place, so that passes adding barriers do not collide with the lowering's.
//
//===----------------------------------------------------------------------===//

#ifndef BSATTN_SCHEDULE_NAMEDBARRIERS_H
#define BSATTN_SCHEDULE_NAMEDBARRIERS_H

#include <cstdint>

namespace mlir::bsattn {

enum class NamedBarrier : int32_t {
  /// `nvvm.barrier0`: the whole CTA.
  Cta = 0,
  /// The epilogue's store of `o`: one per consumer warpgroup (1 to 3).
  EpilogueStore = 1,
  /// `bsattn-pingpong`'s turns: one per consumer warpgroup (4 to 6).
  PingPongTurn = 4,
  /// A warp-specialized persistent kernel's tile start: the consumers and
  /// the producer's load-issuing warp.
  TileStart = 7,
};

/// Consumer warpgroups that may each own a barrier of the kinds above.
constexpr int32_t kMaxConsumerWarpgroups = 3;

} // namespace mlir::bsattn

#endif // BSATTN_SCHEDULE_NAMEDBARRIERS_H
