// RUN: bsattn-opt %s --bsattn-to-kernel -split-input-file -verify-diagnostics
// RUN: bsattn-opt %s --bsattn-to-ptx -split-input-file -verify-diagnostics
// RUN: bsattn-translate --emit-manifest %s -split-input-file -verify-diagnostics -o /dev/null

// The pipelines compile the functions of the module they run on; a kernel
// in a nested module used to be left unlowered, with exit status 0.

module {
  func.func @f(%q: memref<1x1x128x128xbf16>, %s: memref<1xi32>, %o: memref<1x1x128x128xbf16>, %l: memref<1x1x128xf32>) {
    // expected-error @+1 {{'bsattn.attention' op is in a nested module, which the bsattn pipelines do not compile (they compile the functions of the module they run on)}}
    bsattn.attention #bsattn.causal pv = f16
        ins(%q, %q, %q : memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>)
        seq_lens(%s : memref<1xi32>)
        outs(%o, %l : memref<1x1x128x128xbf16>, memref<1x1x128xf32>)
    return
  }
}
func.func @g() {
  return
}

// -----

module @inner {
  func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
    // expected-error @+1 {{'bsattn.query_tile' op is in a nested module}}
    bsattn.query_tile #bsattn.causal pv = split_bf16
        ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
        attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
    ^bb0(%b: index, %h: index, %qb: index):
    }
    return
  }
}
func.func @g() {
  return
}
