// Dense causal D = 64 with the compiler's tuning for it and 16 key columns'
// exponentials on the FMA units.
!act = memref<1x32x16384x64xf16>
func.func @poly_exp2_d64(%q: !act, %k: !act, %v: !act,
                         %seq_lens: memref<1xi32>, %o: !act,
                         %lse: memref<1x32x16384xf32>) {
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !act, memref<1x32x16384xf32>)
      {tuning = #bsattn.tuning<block_q = 192, stages = 4, warpgroups = 3, warp_specialize = true, pingpong = true, overlap = true, poly_exp2_columns = 16>}
  return
}
