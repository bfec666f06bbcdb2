// The challenge kernel in two variants: one CTA per tile for sequences up
// to 8191 tokens, a persistent grid that takes tiles from a counter from
// 8192 on.
func.func @challenge(%q: memref<?x?x?x128xbf16>, %k: memref<?x?x?x128xbf16>,
                     %v: memref<?x?x?x128xbf16>, %seq_lens: memref<?xi32>,
                     %row_ptr: memref<?x?x?xi32>, %col_idx: memref<?x?x?xi32>,
                     %o: memref<?x?x?x128xbf16>, %lse: memref<?x?x?xf32>) {
  bsattn.attention #bsattn.csr pv = f16
      ins(%q, %k, %v : memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>,
                       memref<?x?x?x128xbf16>)
      seq_lens(%seq_lens : memref<?xi32>)
      indices(%row_ptr, %col_idx : memref<?x?x?xi32>, memref<?x?x?xi32>)
      outs(%o, %lse : memref<?x?x?x128xbf16>, memref<?x?x?xf32>)
      {variants = [
        #bsattn.variant<"few_tiles", tuning = #bsattn.tuning<stages = 3, warp_specialize = true, overlap = true, pingpong = true, producer_convert = true>, max_t_max = 8191>,
        #bsattn.variant<"many_tiles", tuning = #bsattn.tuning<stages = 3, persistent = true, dynamic_tiles = true, single_query_buffer = true, warp_specialize = true, overlap = true, pingpong = true, producer_convert = true>, min_t_max = 8192>]}
  return
}
