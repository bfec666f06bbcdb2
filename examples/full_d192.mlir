// Bidirectional (full) attention in bf16 with D = 192 (the compiler takes
// 64-key tiles above D = 128) and a T that is not a multiple of 128.
!act = memref<2x16x4000x192xbf16>
func.func @full_d192(%q: !act, %k: !act, %v: !act,
                     %seq_lens: memref<2xi32>, %o: !act,
                     %lse: memref<2x16x4000xf32>) {
  bsattn.attention #bsattn.full pv = f16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<2xi32>)
      outs(%o, %lse : !act, memref<2x16x4000xf32>)
  return
}
