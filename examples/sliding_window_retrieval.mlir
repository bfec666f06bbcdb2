// Challenge family `sliding_window_retrieval`: the retrieved blocks differ
// per batch entry, head and query block, so the pattern comes in CSR form.
// B2 H16 T8192 (64 query blocks, so row_ptr has 65 entries per head).
!act = memref<2x16x8192x128xbf16>
func.func @sliding_window_retrieval(%q: !act, %k: !act, %v: !act,
                                    %seq_lens: memref<2xi32>,
                                    %row_ptr: memref<2x16x65xi32>,
                                    %col_idx: memref<2x16x?xi32>, %o: !act,
                                    %lse: memref<2x16x8192xf32>) {
  bsattn.attention #bsattn.csr pv = split_bf16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<2xi32>)
      indices(%row_ptr, %col_idx : memref<2x16x65xi32>, memref<2x16x?xi32>)
      outs(%o, %lse : !act, memref<2x16x8192xf32>)
      {tuning = #bsattn.tuning<warp_specialize = true>}
  return
}
