// Dense bidirectional (non-causal) attention, bf16, D = 128: every query
// sees every key before its sequence's length, as in encoders. Any B, H
// and T. P.V in f16.
!act = memref<?x?x?x128xbf16>
func.func @bidirectional(%q: !act, %k: !act, %v: !act,
                         %seq_lens: memref<?xi32>, %o: !act,
                         %lse: memref<?x?x?xf32>) {
  bsattn.attention #bsattn.full pv = f16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<?xi32>)
      outs(%o, %lse : !act, memref<?x?x?xf32>)
      {tuning = #bsattn.tuning<warp_specialize = true>}
  return
}
