// RUN: bsattn-translate --emit-cubin %s -split-input-file -verify-diagnostics -o /dev/null

// A cubin whose kernel has a stack frame gets a warning: the kernels call
// nothing and keep no local arrays, so the frame holds spilled registers.
// ptxas 13.0 spills the persistent form of the challenge kernel (CSR, bf16
// with f16 P.V) with lazy rescaling, whose consumers have 224 registers
// beside the persistent producer's 56; the same tuning one CTA per tile
// (240 registers each) spills nothing (no warning, second case).

!act = memref<?x?x?x128xbf16>
!idx = memref<?x?x?xi32>
func.func @persistent_csr(%q: !act, %k: !act, %v: !act,
                          %seq_lens: memref<?xi32>, %row_ptr: !idx,
                          %col_idx: !idx, %o: !act,
                          %lse: memref<?x?x?xf32>) {
  // expected-warning @+1 {{ptxas spilled registers of kernel 'persistent_csr' to a}}
  bsattn.attention #bsattn.csr pv = f16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<?xi32>)
      indices(%row_ptr, %col_idx : !idx, !idx)
      outs(%o, %lse : !act, memref<?x?x?xf32>)
      {tuning = #bsattn.tuning<stages = 3, warp_specialize = true,
                               overlap = true, pingpong = true,
                               producer_convert = true, pv_wait_columns = 64,
                               rescale_threshold = 8, warp_kept_maxima = true,
                               persistent = true, dynamic_tiles = true,
                               single_query_buffer = true,
                               carry_schedule = true>}
  return
}

// -----

!act = memref<?x?x?x128xbf16>
!idx = memref<?x?x?xi32>
func.func @one_cta_per_tile_csr(%q: !act, %k: !act, %v: !act,
                                %seq_lens: memref<?xi32>, %row_ptr: !idx,
                                %col_idx: !idx, %o: !act,
                                %lse: memref<?x?x?xf32>) {
  bsattn.attention #bsattn.csr pv = f16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<?xi32>)
      indices(%row_ptr, %col_idx : !idx, !idx)
      outs(%o, %lse : !act, memref<?x?x?xf32>)
      {tuning = #bsattn.tuning<stages = 3, warp_specialize = true,
                               overlap = true, pingpong = true,
                               producer_convert = true, pv_wait_columns = 64,
                               rescale_threshold = 8, warp_kept_maxima = true>}
  return
}
