// RUN: bsattn-opt %s --bsattn-choose-tuning --split-input-file | FileCheck %s

// An op without tuning hints gets the compiler's choice: at D = 128 warp
// specialization, a third ring stage, overlap and ping-pong, and with bf16
// inputs and f16 P.V the producer converting V. From D = 128 up the
// overlapped loop waits for the previous P.V among the exponentials: after
// 48 key columns on causal and full patterns, after 64 of the 128 on the
// others (the block-sparse ones). Causal and full patterns take
// conditional rescaling (rescale_threshold = 8, each warp voting on its
// lanes' own maxima first), but with split bf16 P.V.

// CHECK-LABEL: func.func @d128_bf16_pv_f16
// CHECK: tuning = #bsattn.tuning<stages = 3, warp_specialize = true, pingpong = true, overlap = true, producer_convert = true, pv_wait_columns = 48, rescale_threshold = 8, warp_kept_maxima = true>
!act = memref<1x2x256x128xbf16>
func.func @d128_bf16_pv_f16(%q: !act, %k: !act, %v: !act,
                            %seq_lens: memref<1xi32>, %o: !act,
                            %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !act, memref<1x2x256xf32>)
  return
}

// -----

// A CSR pattern at D = 128 (the challenge's op) waits for the previous P.V
// after 64 of the 128 key columns and rescales lazily on the warp vote.

// CHECK-LABEL: func.func @d128_bf16_csr
// CHECK: tuning = #bsattn.tuning<stages = 3, warp_specialize = true, pingpong = true, overlap = true, producer_convert = true, pv_wait_columns = 64, rescale_threshold = 8, warp_kept_maxima = true>
!act = memref<1x2x256x128xbf16>
func.func @d128_bf16_csr(%q: !act, %k: !act, %v: !act,
                         %seq_lens: memref<1xi32>, %row_ptr: memref<1x2x3xi32>,
                         %col_idx: memref<1x2x3xi32>, %o: !act,
                         %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.csr pv = f16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<1xi32>)
      indices(%row_ptr, %col_idx : memref<1x2x3xi32>, memref<1x2x3xi32>)
      outs(%o, %lse : !act, memref<1x2x256xf32>)
  return
}

// -----

// Causal f16 at D = 128: 160 keys across the blocks, on 2 K + 2 V slots.

// CHECK-LABEL: func.func @d128_f16_causal
// CHECK: tuning = #bsattn.tuning<block_k = 160, warp_specialize = true, pingpong = true, overlap = true, value_stages = 2, pv_wait_columns = 48, rescale_threshold = 8, warp_kept_maxima = true>
!act = memref<1x2x256x128xf16>
func.func @d128_f16_causal(%q: !act, %k: !act, %v: !act,
                           %seq_lens: memref<1xi32>, %o: !act,
                           %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !act, memref<1x2x256xf32>)
  return
}

// -----

// f16 inputs (nothing to convert) at D = 96: a full pattern takes 192-row
// query tiles across the blocks with 96-key tiles on three stages, the
// overlapped loop rescaling O before the previous block's P.V, and
// conditional rescaling.

// CHECK-LABEL: func.func @d96_f16
// CHECK: tuning = #bsattn.tuning<block_q = 192, block_k = 96, stages = 3, warpgroups = 3, warp_specialize = true, pingpong = true, overlap = true, rescale_before_pv = true, rescale_threshold = 8, warp_kept_maxima = true>
!act = memref<1x2x256x96xf16>
func.func @d96_f16(%q: !act, %k: !act, %v: !act, %seq_lens: memref<1xi32>,
                   %o: !act, %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.full pv = f16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !act, memref<1x2x256xf32>)
  return
}

// -----

// A causal pattern at D = 96 also runs its key tiles from the diagonal down.

// CHECK-LABEL: func.func @d96_causal
// CHECK: tuning = #bsattn.tuning<block_q = 192, block_k = 96, stages = 3, warpgroups = 3, warp_specialize = true, pingpong = true, overlap = true, rescale_before_pv = true, descending_keys = true, rescale_threshold = 8, warp_kept_maxima = true>
!act = memref<1x2x256x96xf16>
func.func @d96_causal(%q: !act, %k: !act, %v: !act, %seq_lens: memref<1xi32>,
                      %o: !act, %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !act, memref<1x2x256xf32>)
  return
}

// -----

// bf16 P.V converts nothing.

// CHECK-LABEL: func.func @d128_bf16_pv_bf16
// CHECK: tuning = #bsattn.tuning<stages = 3, warp_specialize = true, pingpong = true, overlap = true, pv_wait_columns = 48, rescale_threshold = 8, warp_kept_maxima = true>
!act = memref<1x2x256x128xbf16>
func.func @d128_bf16_pv_bf16(%q: !act, %k: !act, %v: !act,
                             %seq_lens: memref<1xi32>, %o: !act,
                             %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.causal pv = bf16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !act, memref<1x2x256xf32>)
  return
}

// -----

// A full pattern at D = 128 takes 144 keys across the blocks on 2 K + 2 V
// slots where V is not converted; with V converted it keeps 128 keys on
// three shared slots.

// CHECK-LABEL: func.func @d128_bf16_full
// CHECK: tuning = #bsattn.tuning<block_k = 144, warp_specialize = true, pingpong = true, overlap = true, value_stages = 2, pv_wait_columns = 48, rescale_threshold = 8, warp_kept_maxima = true>
// CHECK-LABEL: func.func @d128_bf16_full_pv_f16
// CHECK: tuning = #bsattn.tuning<stages = 3, warp_specialize = true, pingpong = true, overlap = true, producer_convert = true, pv_wait_columns = 48, rescale_threshold = 8, warp_kept_maxima = true>
!act = memref<1x2x256x128xbf16>
func.func @d128_bf16_full(%q: !act, %k: !act, %v: !act,
                          %seq_lens: memref<1xi32>, %o: !act,
                          %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.full pv = bf16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !act, memref<1x2x256xf32>)
  return
}
func.func @d128_bf16_full_pv_f16(%q: !act, %k: !act, %v: !act,
                                 %seq_lens: memref<1xi32>, %o: !act,
                                 %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.full pv = f16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !act, memref<1x2x256xf32>)
  return
}

// -----

// D = 64 as D = 128, but causal and full patterns take 192-row query tiles
// across the blocks (three consumer warpgroups, four ring stages), causal
// ones from the diagonal down; D = 192
// and 256: warp specialization alone (and the
// producer converting V), but for D = 256 where P.V takes V as it is: the
// overlap with V in a ring of its own (2 K and 2 V slots). Causal and full
// patterns there take key tiles across the blocks (112 keys at D = 192, 80
// at 256), with that overlap at D = 192 too, and ping-pong there (not at
// D = 256); split bf16 P.V does not. At
// causal D = 256 on 80 keys the overlap rescales O before the previous P.V
// (not for a full pattern).

// CHECK-LABEL: func.func @d64_f16
// CHECK: tuning = #bsattn.tuning<block_q = 192, stages = 4, warpgroups = 3, warp_specialize = true, pingpong = true, overlap = true, descending_keys = true, rescale_threshold = 8, warp_kept_maxima = true>
// CHECK-LABEL: func.func @d64_bf16_full
// CHECK: tuning = #bsattn.tuning<block_q = 192, stages = 4, warpgroups = 3, warp_specialize = true, pingpong = true, overlap = true, producer_convert = true, rescale_threshold = 8, warp_kept_maxima = true>
// CHECK-LABEL: func.func @d64_bf16_window
// CHECK: tuning = #bsattn.tuning<stages = 3, warp_specialize = true, pingpong = true, overlap = true>
// CHECK-LABEL: func.func @d64_bf16_split
// CHECK: tuning = #bsattn.tuning<stages = 3, warp_specialize = true, pingpong = true, overlap = true>
// CHECK-LABEL: func.func @d192_bf16_pv_f16
// CHECK: tuning = #bsattn.tuning<block_k = 112, warp_specialize = true, producer_convert = true, rescale_threshold = 8, warp_kept_maxima = true>
// CHECK-LABEL: func.func @d192_f16_full
// CHECK: tuning = #bsattn.tuning<block_k = 112, warp_specialize = true, pingpong = true, overlap = true, value_stages = 2, pv_wait_columns = 48, rescale_threshold = 8, warp_kept_maxima = true>
// CHECK-LABEL: func.func @d192_f16_window
// CHECK: tuning = #bsattn.tuning<warp_specialize = true>
// CHECK-LABEL: func.func @d256_bf16_split
// CHECK: tuning = #bsattn.tuning<warp_specialize = true>
// CHECK-LABEL: func.func @d256_f16
// CHECK: tuning = #bsattn.tuning<block_k = 80, warp_specialize = true, overlap = true, value_stages = 2, rescale_before_pv = true, pv_wait_columns = 48, rescale_threshold = 8, warp_kept_maxima = true>
// CHECK-LABEL: func.func @d256_f16_full
// CHECK: tuning = #bsattn.tuning<block_k = 80, warp_specialize = true, overlap = true, value_stages = 2, pv_wait_columns = 48, rescale_threshold = 8, warp_kept_maxima = true>
// CHECK-LABEL: func.func @d256_f16_window
// CHECK: tuning = #bsattn.tuning<warp_specialize = true, overlap = true, value_stages = 2>
// CHECK-LABEL: func.func @d256_bf16_pv_f16
// CHECK: tuning = #bsattn.tuning<block_k = 80, warp_specialize = true, producer_convert = true, rescale_threshold = 8, warp_kept_maxima = true>
!d64 = memref<1x2x256x64xf16>
func.func @d64_f16(%q: !d64, %k: !d64, %v: !d64, %seq_lens: memref<1xi32>,
                   %o: !d64, %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : !d64, !d64, !d64)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !d64, memref<1x2x256xf32>)
  return
}
!d64b = memref<1x2x256x64xbf16>
func.func @d64_bf16_full(%q: !d64b, %k: !d64b, %v: !d64b,
                         %seq_lens: memref<1xi32>, %o: !d64b,
                         %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.full pv = f16
      ins(%q, %k, %v : !d64b, !d64b, !d64b)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !d64b, memref<1x2x256xf32>)
  return
}
func.func @d64_bf16_window(%q: !d64b, %k: !d64b, %v: !d64b,
                           %seq_lens: memref<1xi32>, %o: !d64b,
                           %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.sliding_window<2> pv = bf16
      ins(%q, %k, %v : !d64b, !d64b, !d64b)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !d64b, memref<1x2x256xf32>)
  return
}
func.func @d64_bf16_split(%q: !d64b, %k: !d64b, %v: !d64b,
                          %seq_lens: memref<1xi32>, %o: !d64b,
                          %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : !d64b, !d64b, !d64b)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !d64b, memref<1x2x256xf32>)
  return
}
!d192 = memref<1x2x256x192xbf16>
func.func @d192_bf16_pv_f16(%q: !d192, %k: !d192, %v: !d192,
                            %seq_lens: memref<1xi32>, %o: !d192,
                            %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : !d192, !d192, !d192)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !d192, memref<1x2x256xf32>)
  return
}
!d192f16 = memref<1x2x256x192xf16>
func.func @d192_f16_full(%q: !d192f16, %k: !d192f16, %v: !d192f16,
                         %seq_lens: memref<1xi32>, %o: !d192f16,
                         %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.full pv = f16
      ins(%q, %k, %v : !d192f16, !d192f16, !d192f16)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !d192f16, memref<1x2x256xf32>)
  return
}
func.func @d192_f16_window(%q: !d192f16, %k: !d192f16, %v: !d192f16,
                           %seq_lens: memref<1xi32>, %o: !d192f16,
                           %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.sliding_window<2> pv = f16
      ins(%q, %k, %v : !d192f16, !d192f16, !d192f16)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !d192f16, memref<1x2x256xf32>)
  return
}
!d256 = memref<1x2x256x256xbf16>
func.func @d256_bf16_split(%q: !d256, %k: !d256, %v: !d256,
                           %seq_lens: memref<1xi32>, %o: !d256,
                           %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : !d256, !d256, !d256)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !d256, memref<1x2x256xf32>)
  return
}
!d256f16 = memref<1x2x256x256xf16>
func.func @d256_f16(%q: !d256f16, %k: !d256f16, %v: !d256f16,
                    %seq_lens: memref<1xi32>, %o: !d256f16,
                    %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : !d256f16, !d256f16, !d256f16)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !d256f16, memref<1x2x256xf32>)
  return
}
func.func @d256_f16_full(%q: !d256f16, %k: !d256f16, %v: !d256f16,
                         %seq_lens: memref<1xi32>, %o: !d256f16,
                         %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.full pv = f16
      ins(%q, %k, %v : !d256f16, !d256f16, !d256f16)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !d256f16, memref<1x2x256xf32>)
  return
}
func.func @d256_f16_window(%q: !d256f16, %k: !d256f16, %v: !d256f16,
                           %seq_lens: memref<1xi32>, %o: !d256f16,
                           %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.sliding_window<2> pv = f16
      ins(%q, %k, %v : !d256f16, !d256f16, !d256f16)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !d256f16, memref<1x2x256xf32>)
  return
}
func.func @d256_bf16_pv_f16(%q: !d256, %k: !d256, %v: !d256,
                            %seq_lens: memref<1xi32>, %o: !d256,
                            %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : !d256, !d256, !d256)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !d256, memref<1x2x256xf32>)
  return
}

// -----

// Hints given, even none at all, are the user's: nothing changes.

// CHECK-LABEL: func.func @given
// CHECK: tuning = #bsattn.tuning<stages = 3>
// CHECK-LABEL: func.func @opted_out
// CHECK: tuning = #bsattn.tuning<>
!act = memref<1x2x256x128xbf16>
func.func @given(%q: !act, %k: !act, %v: !act, %seq_lens: memref<1xi32>,
                 %o: !act, %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !act, memref<1x2x256xf32>)
      {tuning = #bsattn.tuning<stages = 3>}
  return
}
func.func @opted_out(%q: !act, %k: !act, %v: !act, %seq_lens: memref<1xi32>,
                     %o: !act, %lse: memref<1x2x256xf32>) {
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !act, memref<1x2x256xf32>)
      {tuning = #bsattn.tuning<>}
  return
}
