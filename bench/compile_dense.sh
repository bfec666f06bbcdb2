#!/usr/bin/env bash
# Compiles the dense causal kernels bench/dense_vs_fa4.py times (dynamic
# B, H, T; each D of HEAD_DIMS, default "128"; files d<D>_<variant>) into
# DIR (default .device/dense): f16, bf16 with P.V in
# f16 (the challenge's numerics) and in bf16, each with the examples' tuning
# (warp specialization) and the ablations: ping-pong added (suffix _pp),
# warp specialization off (_nows), a third ring stage (_s3), intra-warpgroup
# overlap with it (_ov), ping-pong on top of that (_ovpp) and the producer
# converting V (_pc; the same kernel as the first but for bf16 with f16 P.V),
# the overlap with two ring stages (_ov2, with ping-pong _ovpp2: what fits
# D = 256) and with four (_ovpp4, where they fit: D = 64), and the overlap
# with V in a ring of its own as deep as K's (_vrov, with ping-pong
# _vrovpp): 4 + 4 slots at D = 64, 2 + 2 at D = 256, 3 + 3 otherwise; at
# D = 192 and 256 key tiles across blocks (_kt, _ktvr, below), at D = 64
# 192-row query tiles (_q192, _q192ov, _q192s4, below).
# GQA=1 adds grouped-query kernels of D = 128 with kv_group = 4
# (d128_<dtype>_g4, the examples' tuning) for bench/dense_vs_fa4.py --gqa,
# NONCAUSAL=1 bidirectional ones (#bsattn.full, d128_<dtype>_full, and at
# D = 64 d64_<dtype>_full[_q192s4]) for --noncausal. CHOSEN=1 writes only
# the d<D>_<dtype> kernels (with NONCAUSAL=1 also d<D>_<dtype>_full, with
# GQA=1 also d128_<dtype>_g4),
# without a tuning attribute (the compiler's choice, bsattn-choose-tuning),
# for an A/B against the examples' tuning (dense_vs_fa4.py --baseline).
# CHOSEN_PLUS='params' (with CHOSEN=1) gives each of those kernels the
# compiler's choice plus these tuning parameters, for an A/B of a knob
# against the choice; a kernel whose choice they do not fit (its tuning
# fails to verify) is left out with a note.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/.device/dense}
mkdir -p "$out"
variant() { # name dtype pv tuning (- for none, + for the choice plus CHOSEN_PLUS) head_dim [kv_group] [sparsity]
  local tuning=", tuning = #bsattn.tuning<$4>"
  [[ $4 == - || $4 == + ]] && tuning=""
  write_mlir "$@"
  if [[ $4 == + ]]; then
    local chosen
    chosen=$("$root/build/bin/bsattn-opt" \
      --pass-pipeline='builtin.module(func.func(bsattn-choose-tuning))' \
      "$out/$1.mlir" | grep -o '#bsattn.tuning<[^>]*>')
    tuning=", tuning = ${chosen%>}, $CHOSEN_PLUS>"
    write_mlir "$@"
    if ! "$root/build/bin/bsattn-translate" --emit-cubin "$out/$1.mlir" \
        -o "$out/$1.cubin" 2> "$out/$1.err"; then
      echo "$1: the choice plus '$CHOSEN_PLUS' does not verify; left out" \
           "($(head -c 200 "$out/$1.err"))"
      rm -f "$out/$1".{mlir,cubin,err}
      return 0
    fi
    rm -f "$out/$1.err"
  fi
  "$root/build/bin/bsattn-translate" --emit-cubin "$out/$1.mlir" -o "$out/$1.cubin"
  "$root/build/bin/bsattn-translate" --emit-manifest "$out/$1.mlir" -o "$out/$1.json"
}
write_mlir() { # as variant; reads its `tuning`
  cat > "$out/$1.mlir" <<MLIR
!act = memref<?x?x?x$5x$2>
func.func @$1(%q: !act, %k: !act, %v: !act, %seq_lens: memref<?xi32>,
              %o: !act, %lse: memref<?x?x?xf32>) {
  bsattn.attention ${7:-#bsattn.causal} pv = $3
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<?xi32>)
      outs(%o, %lse : !act, memref<?x?x?xf32>)
      {kv_group = ${6:-1}$tuning}
  return
}
MLIR
}
tunings=("warp_specialize = true"
         "warp_specialize = true, pingpong = true"
         ""
         "stages = 3, warp_specialize = true"
         "stages = 3, warp_specialize = true, overlap = true"
         "stages = 3, warp_specialize = true, overlap = true, pingpong = true"
         "warp_specialize = true, producer_convert = true"
         "warp_specialize = true, overlap = true"
         "warp_specialize = true, overlap = true, pingpong = true"
         "stages = 4, warp_specialize = true, overlap = true, pingpong = true")
suffixes=("" _pp _nows _s3 _ov _ovpp _pc _ov2 _ovpp2 _ovpp4)
if [[ ${CHOSEN:-0} == 1 ]]; then
  chosen=-
  [[ -n ${CHOSEN_PLUS:-} ]] && chosen=+
  for d in ${HEAD_DIMS:-128}; do
    variant "d${d}_f16" f16 f16 $chosen "$d"
    variant "d${d}_bf16_pvf16" bf16 f16 $chosen "$d"
    variant "d${d}_bf16_pvbf16" bf16 bf16 $chosen "$d"
    if [[ ${NONCAUSAL:-0} == 1 ]]; then
      variant "d${d}_f16_full" f16 f16 $chosen "$d" 1 "#bsattn.full"
      variant "d${d}_bf16_pvf16_full" bf16 f16 $chosen "$d" 1 "#bsattn.full"
      variant "d${d}_bf16_pvbf16_full" bf16 bf16 $chosen "$d" 1 "#bsattn.full"
    fi
  done
  if [[ ${GQA:-0} == 1 ]]; then
    variant d128_f16_g4 f16 f16 $chosen 128 4
    variant d128_bf16_pvf16_g4 bf16 f16 $chosen 128 4
    variant d128_bf16_pvbf16_g4 bf16 bf16 $chosen 128 4
  fi
  exit 0
fi
for d in ${HEAD_DIMS:-128}; do
  for i in "${!tunings[@]}"; do
    # A third 64 KiB ring stage of D = 256 outgrows shared memory.
    [[ $d == 256 && ${tunings[i]} == *"stages = 3"* ]] && continue
    [[ $d -gt 64 && ${tunings[i]} == *"stages = 4"* ]] && continue
    variant "d${d}_f16${suffixes[i]}" f16 f16 "${tunings[i]}" "$d"
    variant "d${d}_bf16_pvf16${suffixes[i]}" bf16 f16 "${tunings[i]}" "$d"
    variant "d${d}_bf16_pvbf16${suffixes[i]}" bf16 bf16 "${tunings[i]}" "$d"
  done
  # Key tiles across the 128-token blocks, FlashAttention-3's: 80 keys at
  # D = 256 and 112 at 192, with warp specialization (and the producer
  # converting V) (_kt) and with the overlap on 2 K + 2 V slots (_ktvr).
  if [[ $d == 192 || $d == 256 ]]; then
    keys=112
    [[ $d == 256 ]] && keys=80
    wide="block_k = $keys, warp_specialize = true"
    variant "d${d}_f16_kt" f16 f16 "$wide" "$d"
    variant "d${d}_bf16_pvf16_kt" bf16 f16 "$wide, producer_convert = true" "$d"
    variant "d${d}_bf16_pvbf16_kt" bf16 bf16 "$wide" "$d"
    wide="$wide, value_stages = 2, overlap = true"
    variant "d${d}_f16_ktvr" f16 f16 "$wide" "$d"
    variant "d${d}_bf16_pvf16_ktvr" bf16 f16 "$wide, producer_convert = true" "$d"
    variant "d${d}_bf16_pvbf16_ktvr" bf16 bf16 "$wide" "$d"
    # Bidirectional ones for bsattn-run's tails (T and seq_len no multiple
    # of the key tile; bsattn-run draws bf16 inputs).
    variant "d${d}_bf16_pvf16_kt_full" bf16 f16 \
      "block_k = $keys, warp_specialize = true, producer_convert = true" \
      "$d" 1 "#bsattn.full"
  fi
  # FlashAttention-3's 192-row query tiles at D = 64: three consumer
  # warpgroups of 160 registers, the overlap on three ring stages with
  # ping-pong round the three (_q192), without ping-pong (_q192ov), on four
  # stages (_q192s4).
  if [[ $d == 64 ]]; then
    rows="block_q = 192, warpgroups = 3, warp_specialize = true, overlap = true"
    for spec in "_q192:stages = 3, pingpong = true" "_q192ov:stages = 3" \
                "_q192s4:stages = 4, pingpong = true"; do
      suffix=${spec%%:*} rest=${spec#*:}
      variant "d${d}_f16$suffix" f16 f16 "$rows, $rest" "$d"
      variant "d${d}_bf16_pvf16$suffix" bf16 f16 "$rows, $rest, producer_convert = true" "$d"
      variant "d${d}_bf16_pvbf16$suffix" bf16 bf16 "$rows, $rest" "$d"
    done
    # Bidirectional: 128-row tiles on three stages with the overlap and
    # ping-pong (d64_<dtype>_full) beside the 192-row ones on four
    # (d64_<dtype>_full_q192s4), for --noncausal-head-dims 64.
    if [[ ${NONCAUSAL:-0} == 1 ]]; then
      pc=", producer_convert = true"
      for spec in ":stages = 3, warp_specialize = true, overlap = true, pingpong = true" \
                  "_q192s4:$rows, stages = 4, pingpong = true"; do
        suffix=${spec%%:*} rest=${spec#*:}
        variant "d${d}_f16_full$suffix" f16 f16 "$rest" "$d" 1 "#bsattn.full"
        variant "d${d}_bf16_pvf16_full$suffix" bf16 f16 "$rest$pc" "$d" 1 "#bsattn.full"
        variant "d${d}_bf16_pvbf16_full$suffix" bf16 bf16 "$rest" "$d" 1 "#bsattn.full"
      done
    fi
  fi
  depth=3
  [[ $d == 64 ]] && depth=4
  [[ $d == 256 ]] && depth=2
  ring="stages = $depth, value_stages = $depth, warp_specialize = true, overlap = true"
  for pp in "" ", pingpong = true"; do
    suffix=_vrov${pp:+pp}
    variant "d${d}_f16$suffix" f16 f16 "$ring$pp" "$d"
    variant "d${d}_bf16_pvf16$suffix" bf16 f16 "$ring$pp, producer_convert = true" "$d"
    variant "d${d}_bf16_pvbf16$suffix" bf16 bf16 "$ring$pp" "$d"
  done
done
if [[ ${GQA:-0} == 1 ]]; then
  variant d128_f16_g4 f16 f16 "warp_specialize = true" 128 4
  variant d128_bf16_pvf16_g4 bf16 f16 "warp_specialize = true" 128 4
  variant d128_bf16_pvbf16_g4 bf16 bf16 "warp_specialize = true" 128 4
fi
if [[ ${NONCAUSAL:-0} == 1 ]]; then
  variant d128_f16_full f16 f16 "warp_specialize = true" 128 1 "#bsattn.full"
  variant d128_bf16_pvf16_full bf16 f16 "warp_specialize = true" 128 1 "#bsattn.full"
  variant d128_bf16_pvbf16_full bf16 bf16 "warp_specialize = true" 128 1 "#bsattn.full"
fi
