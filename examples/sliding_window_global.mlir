// Challenge family `sliding_window_global` with a static pattern: a window
// of 5 key blocks plus the first 2 blocks of the sequence. B2 H16 T8192.
!act = memref<2x16x8192x128xbf16>
func.func @sliding_window_global(%q: !act, %k: !act, %v: !act,
                                 %seq_lens: memref<2xi32>, %o: !act,
                                 %lse: memref<2x16x8192xf32>) {
  bsattn.attention #bsattn.window_global<5, 2> pv = split_bf16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<2xi32>)
      outs(%o, %lse : !act, memref<2x16x8192xf32>)
      {tuning = #bsattn.tuning<warp_specialize = true>}
  return
}
