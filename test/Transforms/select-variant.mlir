// RUN: bsattn-opt %s | bsattn-opt | FileCheck %s --check-prefix=ROUNDTRIP
// RUN: bsattn-opt %s --pass-pipeline='builtin.module(func.func(bsattn-select-variant{name=many_tiles}))' | FileCheck %s --check-prefix=MANY
// RUN: bsattn-opt %s --pass-pipeline='builtin.module(func.func(bsattn-select-variant{name=few_tiles}))' | FileCheck %s --check-prefix=FEW
// RUN: not bsattn-opt %s --pass-pipeline='builtin.module(func.func(bsattn-select-variant{name=tiny}))' 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not bsattn-opt %s --pass-pipeline='builtin.module(func.func(bsattn-select-variant))' 2>&1 | FileCheck %s --check-prefix=NONAME
// RUN: not bsattn-opt %s --bsattn-choose-tuning 2>&1 | FileCheck %s --check-prefix=LOWER
// RUN: not bsattn-opt %s --bsattn-tile 2>&1 | FileCheck %s --check-prefix=LOWER
// RUN: not bsattn-opt %s --pass-pipeline='builtin.module(func.func(bsattn-select-variant{name=few_tiles},bsattn-select-variant{name=few_tiles}))' 2>&1 | FileCheck %s --check-prefix=TWICE

// A kernel with two variants: one CTA per tile up to T = 8191, a persistent
// grid from T = 8192 on.
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
        #bsattn.variant<"few_tiles", tuning = #bsattn.tuning<stages = 3, warp_specialize = true>, max_t_max = 8191>,
        #bsattn.variant<"many_tiles", tuning = #bsattn.tuning<persistent = true, warp_specialize = true>, min_t_max = 8192>]}
  return
}

// ROUNDTRIP:      {variants = [#bsattn.variant<"few_tiles", tuning = #bsattn.tuning<stages = 3, warp_specialize = true>, max_t_max = 8191>,
// ROUNDTRIP-SAME: #bsattn.variant<"many_tiles", tuning = #bsattn.tuning<persistent = true, warp_specialize = true>, min_t_max = 8192>]}

// The selected variant's tuning replaces the list.
// MANY:     bsattn.attention
// MANY-NOT: variants
// MANY-SAME: {tuning = #bsattn.tuning<persistent = true, warp_specialize = true>}
// FEW:      {tuning = #bsattn.tuning<stages = 3, warp_specialize = true>}

// UNKNOWN: error: 'bsattn.attention' op has no variant 'tiny'; its variants are 'few_tiles', 'many_tiles'
// NONAME: error: bsattn-select-variant needs the variant's name (name=NAME)
// TWICE: error: 'bsattn.attention' op has no variants, so there is no variant 'few_tiles' to select

// The lowering compiles one variant at a time (bsattn-tile, which takes
// the default tuning for an op without one, does not take it for variants).
// LOWER: error: 'bsattn.attention' op has variants ('few_tiles', 'many_tiles'): compile one with bsattn-select-variant (bsattn-translate --bsattn-variant=NAME), or emit a challenge submission, which carries them all
