// Grouped-query dense causal attention, bf16, D = 128: every 4 query heads
// share one head of k and v (kv_group = 4; H = 32, H_kv = 8 in Llama-3-8B),
// any B, H_kv and T. P.V in f16, as the challenge's numerics.
!act = memref<?x?x?x128xbf16>
func.func @causal_gqa(%q: !act, %k: !act, %v: !act,
                      %seq_lens: memref<?xi32>, %o: !act,
                      %lse: memref<?x?x?xf32>) {
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<?xi32>)
      outs(%o, %lse : !act, memref<?x?x?xf32>)
      {kv_group = 4, tuning = #bsattn.tuning<warp_specialize = true>}
  return
}
