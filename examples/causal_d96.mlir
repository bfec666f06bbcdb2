// Dense causal attention in f16, D = 96, 16k tokens and 16 heads. D = 96
// runs in two 64-column chunks: TMA fills the second one's last 32 columns
// (past the tensor's D) with zeros on load and drops them on store; Q.K^T
// runs the six k16 steps of the 96 columns and P.V is one m64n96k16 a step.
!act = memref<1x16x16384x96xf16>
func.func @causal_d96(%q: !act, %k: !act, %v: !act,
                      %seq_lens: memref<1xi32>, %o: !act,
                      %lse: memref<1x16x16384xf32>) {
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !act, memref<1x16x16384xf32>)
      {tuning = #bsattn.tuning<warp_specialize = true>}
  return
}
