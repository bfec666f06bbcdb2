// RUN: bsattn-opt %s -split-input-file -verify-diagnostics

// One case per attribute verifier and parser message.

// expected-error @+1 {{sliding window must span at least 1 key block, got 0}}
func.func @f() attributes {p = #bsattn.sliding_window<0>} { return }

// -----

// expected-error @+1 {{sliding window must span at least 1 key block, got -3}}
func.func @f() attributes {p = #bsattn.window_global<-3, 1>} { return }

// -----

// expected-error @+1 {{number of global key blocks must be >= 0, got -1}}
func.func @f() attributes {p = #bsattn.window_global<4, -1>} { return }

// -----

// expected-error @+1 {{tuning block_q must be 64, 128 or 192, got 96}}
func.func @f() attributes {t = #bsattn.tuning<block_q = 96>} { return }

// -----

// expected-error @+1 {{tuning block_k must be a multiple of 16 in [16, 256] (or 0: chosen per head dimension), got 272}}
func.func @f() attributes {t = #bsattn.tuning<block_k = 272>} { return }

// -----

// expected-error @+1 {{tuning block_k must be a multiple of 16 in [16, 256] (or 0: chosen per head dimension), got 72}}
func.func @f() attributes {t = #bsattn.tuning<block_k = 72>} { return }

// -----

// expected-error @+1 {{tuning stages must be in [1, 8], got 0}}
func.func @f() attributes {t = #bsattn.tuning<stages = 0>} { return }

// -----

// expected-error @+1 {{tuning value_stages must be 0 (V shares K's slots) or in [2, 8], got 1}}
func.func @f() attributes {t = #bsattn.tuning<stages = 2, value_stages = 1>} { return }

// -----

// expected-error @+1 {{tuning warpgroups must be in [1, 3], got 4}}
func.func @f() attributes {t = #bsattn.tuning<warpgroups = 4>} { return }

// -----

// expected-error @+1 {{tuning pingpong needs warp_specialize = true and at least 2 warpgroups}}
func.func @f() attributes {t = #bsattn.tuning<pingpong = true>} { return }

// -----

// expected-error @+1 {{tuning pingpong needs warp_specialize = true and at least 2 warpgroups}}
func.func @f() attributes {t = #bsattn.tuning<block_q = 64, warpgroups = 1, warp_specialize = true, pingpong = true>} { return }

// -----

// warpgroups follows from block_q; the two cannot disagree.
// expected-error @+1 {{tuning block_q = 192 needs 3 warpgroups (64 query rows each), got warpgroups = 2}}
func.func @f() attributes {t = #bsattn.tuning<block_q = 192>} { return }

// -----

// expected-error @+1 {{tuning block_q = 128 needs 2 warpgroups (64 query rows each), got warpgroups = 1}}
func.func @f() attributes {t = #bsattn.tuning<warpgroups = 1>} { return }

// -----

// expected-error @+2 {{expected ::mlir::bsattn::PVPrecision to be one of: bf16, f16, split_bf16}}
// expected-error @+1 {{failed to parse BSAttn_PVPrecisionAttr parameter 'value'}}
func.func @f() attributes {p = #bsattn<pv_precision fp8>} { return }

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %s: memref<1xi32>,
             %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{unknown P.V precision 'fp8', expected one of: bf16, f16, split_bf16}}
  bsattn.attention #bsattn.causal pv = fp8
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %s: memref<1xi32>,
             %o: memref<1x2x256x128xbf16>, %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{expected attribute value}}
  bsattn.attention pv = bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%o, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
  return
}

// -----

// expected-error @+1 {{unknown attribute `dense_window` in dialect `bsattn`}}
func.func @f() attributes {p = #bsattn.dense_window<2>} { return }

// -----

// expected-error @+1 {{tuning overlap needs warp_specialize = true}}
func.func @f() attributes {t = #bsattn.tuning<overlap = true>} { return }

// -----

// expected-error @+1 {{tuning rescale_before_pv needs overlap = true}}
func.func @f() attributes {t = #bsattn.tuning<warp_specialize = true, rescale_before_pv = true>} { return }

// -----

// expected-error @+1 {{tuning producer_convert needs warp_specialize = true}}
func.func @f() attributes {t = #bsattn.tuning<producer_convert = true>} { return }

// -----

// expected-error @+1 {{tuning dynamic_tiles needs persistent = true}}
func.func @f() attributes {t = #bsattn.tuning<dynamic_tiles = true>} { return }

// -----

// expected-error @+1 {{duplicate or unknown struct parameter name: cause}}
func.func @f() attributes {p = #bsattn.csr<cause = false>} { return }

// -----

// expected-error @+1 {{tuning single_query_buffer needs persistent = true}}
func.func @f() attributes {t = #bsattn.tuning<single_query_buffer = true>} { return }

// -----

// expected-error @+1 {{tuning carry_schedule needs persistent = true}}
func.func @f() attributes {t = #bsattn.tuning<carry_schedule = true>} { return }

// -----

// expected-error @+1 {{tuning prefetch_indices and prefetch_blocks are for one CTA per tile (persistent = false)}}
func.func @f() attributes {t = #bsattn.tuning<persistent = true, prefetch_indices = true>} { return }

// -----

// expected-error @+1 {{tuning pv_wait_columns needs overlap = true}}
func.func @f() attributes {t = #bsattn.tuning<pv_wait_columns = 48>} { return }

// -----

// expected-error @+1 {{tuning pv_wait_columns must be a multiple of 8 in [0, 248], got 20}}
func.func @f() attributes {t = #bsattn.tuning<warp_specialize = true, overlap = true, pv_wait_columns = 20>} { return }

// -----

// expected-error @+1 {{tuning poly_exp2_columns must be a multiple of 8 in [0, 256], got 12}}
func.func @f() attributes {t = #bsattn.tuning<poly_exp2_columns = 12>} { return }

// -----

// expected-error @+1 {{tuning poly_exp2_columns must be a multiple of 8 in [0, 256], got 264}}
func.func @f() attributes {t = #bsattn.tuning<poly_exp2_columns = 264>} { return }

// -----

// expected-error @+1 {{tuning rescale_threshold must be in [0, 14], got 15}}
func.func @f() attributes {t = #bsattn.tuning<rescale_threshold = 15>} { return }

// -----

// expected-error @+1 {{tuning warp_kept_maxima needs rescale_threshold > 0}}
func.func @f() attributes {t = #bsattn.tuning<warp_kept_maxima = true>} { return }

// -----

// expected-error @+1 {{tuning early_next_query needs single_query_buffer = true, overlap = true and value_stages = 0}}
func.func @f() attributes {t = #bsattn.tuning<persistent = true, warp_specialize = true, overlap = true, early_next_query = true>} { return }

// -----

// expected-error @+1 {{tuning early_next_query needs single_query_buffer = true, overlap = true and value_stages = 0}}
func.func @f() attributes {t = #bsattn.tuning<persistent = true, single_query_buffer = true, warp_specialize = true, overlap = true, value_stages = 2, early_next_query = true>} { return }
