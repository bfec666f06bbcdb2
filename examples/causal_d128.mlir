// Dense causal attention in f16 (the FlashAttention-3 benchmark shape:
// 16k tokens, hidden size 2048, so H = 2048 / D = 16), D = 128.
!act = memref<1x16x16384x128xf16>
func.func @causal_d128(%q: !act, %k: !act, %v: !act,
                      %seq_lens: memref<1xi32>, %o: !act,
                      %lse: memref<1x16x16384xf32>) {
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !act, memref<1x16x16384xf32>)
      {tuning = #bsattn.tuning<warp_specialize = true>}
  return
}
