// RUN: bsattn-opt %s --bsattn-tile --split-input-file -verify-diagnostics

// Query tiles inside the blocks would need each block's schedule per half;
// the pass says so rather than reading the tile index as a block index.
func.func @half_blocks(%q: memref<1x2x256x128xbf16>, %s: memref<1xi32>,
                       %l: memref<1x2x256xf32>) {
  // expected-error @+1 {{bsattn-tile does not support query tiles of 64 rows inside the 128-token blocks of #bsattn.sliding_window<2> yet}}
  bsattn.attention #bsattn.sliding_window<2> pv = bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>)
      seq_lens(%s : memref<1xi32>)
      outs(%q, %l : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      {tuning = #bsattn.tuning<block_q = 64, warpgroups = 1>}
  return
}
