#!/usr/bin/env bash
# Compiles the challenge kernel (examples/challenge.mlir) and, beside it,
# the same kernel with one of its techniques taken out (with those that
# need it) into DIR (default .device/ablation), for bench/blocksparse.py or
# bench/run_ablation.sh on the GPU machine. The variants' tunings:
#   main      the example's: three ring stages, warp specialization,
#             overlap, ping-pong, the producer converting V, the wait for
#             the previous P.V after 64 exponentials, lazy rescaling with
#             the warp vote
#   novote    without the warp vote on its lanes' maxima
#   nolazy    without lazy rescaling (nor the vote, which needs it)
#   nopvwait  waiting for the previous P.V after the whole softmax
#   nopc      the consumers convert V
#   nopp      without ping-pong
#   noov      without the overlap (nor pv_wait_columns, which needs it)
#   s2        two ring stages
#   nows      without warp specialization (nor what needs it)
#   none      no technique
#   pers      a persistent kernel with tiles from a counter, one Q buffer
#             and the next tile's index loads carried, with main's
#             techniques but lazy rescaling (with it ptxas spills)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/.device/ablation}
mkdir -p "$out"
declare -A tunings=(
  [main]="stages = 3, warp_specialize = true, overlap = true, pingpong = true, producer_convert = true, pv_wait_columns = 64, rescale_threshold = 8, warp_kept_maxima = true"
  [novote]="stages = 3, warp_specialize = true, overlap = true, pingpong = true, producer_convert = true, pv_wait_columns = 64, rescale_threshold = 8"
  [nolazy]="stages = 3, warp_specialize = true, overlap = true, pingpong = true, producer_convert = true, pv_wait_columns = 64"
  [nopvwait]="stages = 3, warp_specialize = true, overlap = true, pingpong = true, producer_convert = true, rescale_threshold = 8, warp_kept_maxima = true"
  [nopc]="stages = 3, warp_specialize = true, overlap = true, pingpong = true, pv_wait_columns = 64, rescale_threshold = 8, warp_kept_maxima = true"
  [nopp]="stages = 3, warp_specialize = true, overlap = true, producer_convert = true, pv_wait_columns = 64, rescale_threshold = 8, warp_kept_maxima = true"
  [noov]="stages = 3, warp_specialize = true, pingpong = true, producer_convert = true, rescale_threshold = 8, warp_kept_maxima = true"
  [s2]="stages = 2, warp_specialize = true, overlap = true, pingpong = true, producer_convert = true, pv_wait_columns = 64, rescale_threshold = 8, warp_kept_maxima = true"
  [nows]="stages = 3, rescale_threshold = 8, warp_kept_maxima = true"
  [none]=""
  [pers]="stages = 3, warp_specialize = true, overlap = true, pingpong = true, producer_convert = true, pv_wait_columns = 64, persistent = true, dynamic_tiles = true, single_query_buffer = true, carry_schedule = true"
)
for name in "${!tunings[@]}"; do
  sed "s/tuning = #bsattn.tuning<[^>]*>/tuning = #bsattn.tuning<${tunings[$name]}>/" \
    "$root/examples/challenge.mlir" > "$out/$name.mlir"
  grep -q "tuning = #bsattn.tuning<${tunings[$name]}>" "$out/$name.mlir"
  "$root/build/bin/bsattn-translate" --emit-cubin "$out/$name.mlir" -o "$out/$name.cubin"
  "$root/build/bin/bsattn-translate" --emit-manifest "$out/$name.mlir" -o "$out/$name.json"
done
