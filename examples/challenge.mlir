// The Attention Kernel Challenge kernel: CSR block sparsity read at run time
// (all three families: sliding_window, sliding_window_global,
// sliding_window_retrieval), bf16, D = 128, any B, H, T and NNZ.
// P.V in f16 (P rounded to f16, V converted to f16 in shared memory) passed
// every smoke, quick, full and broad case of the official harness and is
// 20-25% faster than split_bf16 (two bf16 products), which keeps P exact to
// about fp32 and is the choice where margin matters more than speed
// (bench/results/2026-11-21-h200-kernels-pv-f16.json). A producer warpgroup
// issues the loads (warp_specialize): 4-12% faster on the quick and full
// cases (bench/results/2026-12-02-h200-warp-specialize.json). On top of it
// a third ring stage, intra-warpgroup overlap, ping-pong and the producer's
// warps converting V together take another 1-7% off every quick and full
// case, where each alone gains at most half of that
// (bench/results/2026-12-02-h200-ablation-overlap-producer-convert.json).
// Waiting for the previous block's P.V after the first 64 of the 128
// exponentials (pv_wait_columns, FlashAttention-4's order) instead of before
// them takes 0.935-0.997x the time on every quick, full and broad case
// (median 0.984, bench/results/2026-12-05-h200-pv-wait-columns.json).
// Rescaling only when a row maximum grows by more than 8 (log2 units), with
// the warp voting once per key block whether any row must rescale, takes
// 0.97-1.00x the time on every quick, full and broad case (median 0.990 in
// two runs beside a copy of the kernel, whose own median was 0.999-1.000;
// bench/results/2026-12-06-h100-challenge-warp-vote-noise-control.json).
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
      {tuning = #bsattn.tuning<stages = 3, warp_specialize = true, overlap = true, pingpong = true, producer_convert = true, pv_wait_columns = 64, rescale_threshold = 8, warp_kept_maxima = true>}
  return
}
