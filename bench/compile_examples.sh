#!/usr/bin/env bash
# Compiles every example the lowering supports to cubin + manifest under DIR (default
# .device/), for carrying to the GPU machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/.device}
mkdir -p "$out"
compile() {
  "$root/build/bin/bsattn-translate" --emit-cubin "$1" -o "$out/$2.cubin"
  "$root/build/bin/bsattn-translate" --emit-manifest "$1" -o "$out/$2.json"
}
for name in challenge sliding_window sliding_window_global \
            sliding_window_retrieval causal_d128; do
  compile "$root/examples/$name.mlir" "$name"
done
# The challenge kernel at D = 96 (two chunks, the second half zero-filled),
# 192 (its tuning fits, but its key tiles are 64 wide, all of them before
# pv_wait_columns = 64) and 256 (two ring
# stages: a third outgrows shared memory), for run_gpu_checks.sh's fuzzer.
sed 's/x128xbf16/x96xbf16/g' "$root/examples/challenge.mlir" > "$out/challenge_d96.mlir"
compile "$out/challenge_d96.mlir" challenge_d96
sed 's/x128xbf16/x192xbf16/g; s/pv_wait_columns = 64, //' "$root/examples/challenge.mlir" > "$out/challenge_d192.mlir"
compile "$out/challenge_d192.mlir" challenge_d192
sed 's/x128xbf16/x256xbf16/g; s/tuning = #bsattn.tuning<[^>]*>/tuning = #bsattn.tuning<warp_specialize = true, producer_convert = true>/' \
  "$root/examples/challenge.mlir" > "$out/challenge_d256.mlir"
compile "$out/challenge_d256.mlir" challenge_d256
# D = 256 with V in a ring of its own (2 K and 2 V slots) under the
# overlap: what the compiler chooses where P.V takes V as it is, here with
# the challenge's numerics (bsattn-run draws bf16 inputs; bf16 P.V misses
# its tolerance), so the converters read V's ring too.
sed 's/x128xbf16/x256xbf16/g; s/tuning = #bsattn.tuning<[^>]*>/tuning = #bsattn.tuning<stages = 2, value_stages = 2, warp_specialize = true, overlap = true, producer_convert = true>/' \
  "$root/examples/challenge.mlir" > "$out/challenge_d256_value_ring.mlir"
compile "$out/challenge_d256_value_ring.mlir" challenge_d256_value_ring
# The challenge kernel as a persistent kernel with tiles claimed from a
# counter, ping-pong and the producer converting V (two ring stages: the
# second Q buffer takes the third's room), for the fuzzer too.
sed 's/tuning = #bsattn.tuning<[^>]*>/tuning = #bsattn.tuning<stages = 2, warp_specialize = true, pingpong = true, producer_convert = true, persistent = true, dynamic_tiles = true>/' \
  "$root/examples/challenge.mlir" > "$out/challenge_persistent.mlir"
compile "$out/challenge_persistent.mlir" challenge_persistent
# The challenge kernel with P.V in split bf16 (two products, P exact to
# about fp32), for comparison.
sed 's/pv = f16/pv = split_bf16/' "$root/examples/challenge.mlir" > "$out/challenge_split_bf16.mlir"
compile "$out/challenge_split_bf16.mlir" challenge_split_bf16
