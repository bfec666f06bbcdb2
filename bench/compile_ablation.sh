#!/usr/bin/env bash
# Compiles the challenge kernel (examples/challenge.mlir) with each schedule
# technique switched on or off into DIR (default .device/ablation), for
# bench/run_ablation.sh on the GPU machine. The variants' tunings:
#   ws      the example's (warp specialization)
#   pp      + ping-pong
#   s3      + a third ring stage
#   ov      + intra-warpgroup overlap (with three stages)
#   ovpp    + overlap and ping-pong
#   pc      + the producer converts V (the challenge's bf16 with f16 P.V)
#   pppc    ping-pong and the producer converting V
#   ovpc    overlap (three stages) and the producer converting V
#   all     every technique
#   k64s6   every technique on 64-key tiles in a six-slot ring (the same
#           shared memory): a slot is held two half-length iterations by
#           the overlap, so V's TMA and conversion get twice the lead
#   splitv  every technique with V in a ring of its own: 2 K slots
#           (released after Q.K^T) and 4 V slots, the same shared memory
#   vr33    every technique with 3 K slots (released after Q.K^T) and 3
#           V slots, the same shared memory as three K/V slots
#   pdvr    persistent, tiles from a counter, every technique, with 2 K
#           and 3 V slots beside the two Q buffers (224 KiB)
#   nows    no technique
#   pst     persistent, static tiles (blockIdx.x + k gridDim.x)
#   pdyn    persistent, tiles claimed from a counter (dynamic_tiles)
#   pws     persistent with warp specialization (static tiles)
#   pwspc   + the producer converts V
#   pdpp    persistent with tiles from a counter, warp specialization,
#           ping-pong and the producer converting V (two ring stages: a
#           persistent kernel's second Q buffer leaves no room for a third)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/.device/ablation}
mkdir -p "$out"
declare -A tunings=(
  [ws]="warp_specialize = true"
  [pp]="warp_specialize = true, pingpong = true"
  [s3]="stages = 3, warp_specialize = true"
  [ov]="stages = 3, warp_specialize = true, overlap = true"
  [ovpp]="stages = 3, warp_specialize = true, overlap = true, pingpong = true"
  [pc]="warp_specialize = true, producer_convert = true"
  [pppc]="warp_specialize = true, pingpong = true, producer_convert = true"
  [ovpc]="stages = 3, warp_specialize = true, overlap = true, producer_convert = true"
  [all]="stages = 3, warp_specialize = true, overlap = true, pingpong = true, producer_convert = true"
  [k64s6]="block_k = 64, stages = 6, warp_specialize = true, overlap = true, pingpong = true, producer_convert = true"
  [splitv]="stages = 2, value_stages = 4, warp_specialize = true, overlap = true, pingpong = true, producer_convert = true"
  [vr33]="stages = 3, value_stages = 3, warp_specialize = true, overlap = true, pingpong = true, producer_convert = true"
  [pdvr]="stages = 2, value_stages = 3, warp_specialize = true, overlap = true, pingpong = true, producer_convert = true, persistent = true, dynamic_tiles = true"
  [nows]=""
  [pst]="persistent = true"
  [pdyn]="persistent = true, dynamic_tiles = true"
  [pws]="warp_specialize = true, persistent = true"
  [pwspc]="warp_specialize = true, producer_convert = true, persistent = true"
  [pdpp]="stages = 2, warp_specialize = true, pingpong = true, producer_convert = true, persistent = true, dynamic_tiles = true"
)
for name in "${!tunings[@]}"; do
  sed "s/tuning = #bsattn.tuning<[^>]*>/tuning = #bsattn.tuning<${tunings[$name]}>/" \
    "$root/examples/challenge.mlir" > "$out/$name.mlir"
  grep -q "tuning = #bsattn.tuning<${tunings[$name]}>" "$out/$name.mlir"
  "$root/build/bin/bsattn-translate" --emit-cubin "$out/$name.mlir" -o "$out/$name.cubin"
  "$root/build/bin/bsattn-translate" --emit-manifest "$out/$name.mlir" -o "$out/$name.json"
done
