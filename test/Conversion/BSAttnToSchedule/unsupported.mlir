// RUN: bsattn-opt %s --convert-bsattn-to-schedule -split-input-file -verify-diagnostics

// Each configuration the Hopper lowering does not support gets its own message.

func.func @f(%q: memref<1x2x256x256xbf16>, %o: memref<1x2x256x256xbf16>, %lse: memref<1x2x256xf32>) {
  // expected-error @+1 {{convert-bsattn-to-schedule does not support head dimension 256 with block_k = 96 and 2 warpgroups (200 accumulator, score and probability registers per thread, over 188) yet}}
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x256xbf16>, memref<1x2x256x256xbf16>, memref<1x2x256x256xbf16>) outs(%o, %lse : memref<1x2x256x256xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<block_k = 96>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  // expected-error @+1 {{convert-bsattn-to-schedule does not support key tiles of 32 keys (at least 64) yet}}
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<block_k = 32>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  // expected-error @+1 {{convert-bsattn-to-schedule does not support a K/V ring of 1 stage (at least 2) yet}}
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<stages = 1>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %n: index) {
  // expected-error @+1 {{capture 'n' must be a constant or a memref.dim with a constant dimension}}
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      captures(%n : index)
      attributes {block_size = 128 : i64, capture_names = ["n"], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index, %nn: index):
  }
  return
}

// -----

// expected-error @+1 {{'q' must be a function argument to be passed to the kernel}}
func.func @f(%o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  %a = memref.alloc() : memref<1x2x256x128xbf16>
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%a, %a, %a : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}

// -----

// expected-error @+1 {{convert-bsattn-to-schedule makes one kernel per function, but this one holds 2 query tiles}}
func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  // expected-error @+1 {{'bsattn.query_tile' op is persistent but has no 'bsattn.ring_end' (run bsattn-fuse-softmax before convert-bsattn-to-schedule)}}
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<persistent = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}

// -----

// The host function is erased: anything but the tile and what it captures
// would be lost.
func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %x: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %one = arith.constant 1.0 : f32
  // expected-error @+1 {{'memref.store' op would be dropped: a function holding a 'bsattn.query_tile' may hold only the tile, side-effect-free values and the return}}
  memref.store %one, %x[%c0] : memref<1xf32>
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}

// -----

func.func @f(%q: memref<1x70000x128x128xbf16>, %o: memref<1x70000x128x128xbf16>, %lse: memref<1x70000x128xf32>) {
  // expected-error @+1 {{has 70000 heads, over the 65535 a grid dimension holds (use #bsattn.tuning<persistent = true>)}}
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x70000x128x128xbf16>, memref<1x70000x128x128xbf16>, memref<1x70000x128x128xbf16>) outs(%o, %lse : memref<1x70000x128x128xbf16>, memref<1x70000x128xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  // expected-error @+1 {{convert-bsattn-to-schedule does not support tuning block_q = 64 (only 128 and 192) yet}}
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<block_q = 64, warpgroups = 1>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}

// -----

// Three warpgroups have 160 registers each: 160 keys at D = 64 do not fit.
func.func @f(%q: memref<1x2x256x64xf16>, %o: memref<1x2x256x64xf16>, %lse: memref<1x2x256xf32>) {
  // expected-error @+1 {{convert-bsattn-to-schedule does not support head dimension 64 with block_k = 160 and 3 warpgroups (152 accumulator, score and probability registers per thread, over 128) yet}}
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x64xf16>, memref<1x2x256x64xf16>, memref<1x2x256x64xf16>) outs(%o, %lse : memref<1x2x256x64xf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<block_q = 192, block_k = 160, warpgroups = 3>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}

// -----

// A CTA's first tile gets the handed-over values evaluated before the tile
// loop, from the coordinates of the tile: one that reads the current
// tile's cannot be.
func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<persistent = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %first, %step = bsattn.ring_start
    %c = bsattn.tile_carried : index
    bsattn.ring_end %step
    // expected-error @+1 {{'bsattn.tile_carry' op hands over a value that is not computed from the next tile's coordinates, the captures and constants by pure ops and loads, so the CTA's first tile cannot have it evaluated before the tile loop}}
    bsattn.tile_carry %qb : index
  }
  return
}

// -----

// Padding tiles are told by seq_lens.
func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  // expected-error @+1 {{'bsattn.query_tile' op has tuning padding_tiles_last but no 'seq_lens' capture to tell the padding tiles by}}
  bsattn.query_tile #bsattn.full pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<padding_tiles_last = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %lens: memref<1xi32>) {
  // expected-error @+1 {{convert-bsattn-to-schedule does not support tuning padding_tiles_last for a causal pattern's one CTA per tile (its tiles go in sections) yet}}
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      captures(%lens : memref<1xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"], scale = 0.5 : f32, tuning = #bsattn.tuning<padding_tiles_last = true>} {
  ^bb0(%b: index, %h: index, %qb: index, %l: memref<1xi32>):
  }
  return
}

// -----

// Index lines to prefetch come from a CSR pattern's captures.
func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  // expected-error @+1 {{'bsattn.query_tile' op has tuning prefetch_indices but no 'row_ptr' and 'col_idx' captures (a #bsattn.csr pattern's) to prefetch}}
  bsattn.query_tile #bsattn.full pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<prefetch_indices = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}

// -----

// A wave later is a head later only where the grid runs head after head.
func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  // expected-error @+1 {{convert-bsattn-to-schedule does not support tuning prefetch_indices or prefetch_blocks for a causal pattern's one CTA per tile (its tiles go in sections, not head after head) yet}}
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<prefetch_blocks = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}
