// RUN: bsattn-translate --emit-cubin %s -split-input-file -verify-diagnostics -o /dev/null

// A cubin whose kernel has a stack frame gets a warning: the kernels call
// nothing and keep no local arrays, so the frame holds spilled registers.
// ptxas 13.0 spills a persistent causal D = 64 kernel of three consumer
// warpgroups (160 registers each) outside its key-block loop; the same
// tile one CTA per tile spills nothing (no warning, second case).

!act = memref<?x?x?x64xf16>
func.func @persistent_d64(%q: !act, %k: !act, %v: !act,
                          %seq_lens: memref<?xi32>, %o: !act,
                          %lse: memref<?x?x?xf32>) {
  // expected-warning @+1 {{ptxas spilled registers of kernel 'persistent_d64' to a}}
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<?xi32>)
      outs(%o, %lse : !act, memref<?x?x?xf32>)
      {tuning = #bsattn.tuning<block_q = 192, warpgroups = 3, stages = 4,
                               warp_specialize = true, pingpong = true,
                               overlap = true, rescale_threshold = 8,
                               persistent = true>}
  return
}

// -----

!act = memref<?x?x?x64xf16>
func.func @one_cta_per_tile_d64(%q: !act, %k: !act, %v: !act,
                                %seq_lens: memref<?xi32>, %o: !act,
                                %lse: memref<?x?x?xf32>) {
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<?xi32>)
      outs(%o, %lse : !act, memref<?x?x?xf32>)
      {tuning = #bsattn.tuning<block_q = 192, warpgroups = 3, stages = 4,
                               warp_specialize = true, pingpong = true,
                               overlap = true, rescale_threshold = 8>}
  return
}
