// Grouped-query block-sparse attention whose CSR lists belong to the heads
// of k and v: kv_group = 4 query heads share a head of k and v and its list
// of key blocks (row_ptr [B, H_kv, ceil(T/128) + 1], col_idx [B, H_kv, NNZ]),
// as when a sparsity pattern is chosen per K/V head. bf16, D = 128, any B,
// H_kv and T (the last block may be partial). P.V in f16.
!act = memref<?x?x?x128xbf16>
!index = memref<?x?x?xi32>
func.func @gqa_csr_per_kv_head(%q: !act, %k: !act, %v: !act,
                               %seq_lens: memref<?xi32>, %row_ptr: !index,
                               %col_idx: !index, %o: !act,
                               %lse: memref<?x?x?xf32>) {
  bsattn.attention #bsattn.csr<per_kv_head = true> pv = f16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<?xi32>)
      indices(%row_ptr, %col_idx : !index, !index)
      outs(%o, %lse : !act, memref<?x?x?xf32>)
      {kv_group = 4, tuning = #bsattn.tuning<warp_specialize = true>}
  return
}
