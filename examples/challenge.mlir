// The Attention Kernel Challenge kernel: CSR block sparsity read at run time
// (all three families: sliding_window, sliding_window_global,
// sliding_window_retrieval), bf16, D = 128, any B, H, T and NNZ.
// P.V in split bf16 passes the challenge's tolerances on every case
// (docs/numerics.md).
func.func @challenge(%q: memref<?x?x?x128xbf16>, %k: memref<?x?x?x128xbf16>,
                     %v: memref<?x?x?x128xbf16>, %seq_lens: memref<?xi32>,
                     %row_ptr: memref<?x?x?xi32>, %col_idx: memref<?x?x?xi32>,
                     %o: memref<?x?x?x128xbf16>, %lse: memref<?x?x?xf32>) {
  bsattn.attention #bsattn.csr pv = split_bf16
      ins(%q, %k, %v : memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>,
                       memref<?x?x?x128xbf16>)
      seq_lens(%seq_lens : memref<?xi32>)
      indices(%row_ptr, %col_idx : memref<?x?x?xi32>, memref<?x?x?xi32>)
      outs(%o, %lse : memref<?x?x?x128xbf16>, memref<?x?x?xf32>)
  return
}
