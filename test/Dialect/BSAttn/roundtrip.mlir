// RUN: bsattn-opt %s | bsattn-opt | FileCheck %s
// RUN: bsattn-opt %s -mlir-print-op-generic | bsattn-opt | FileCheck %s

!act = memref<2x16x8192x128xbf16>
!lse = memref<2x16x8192xf32>

// CHECK-LABEL: func.func @csr
// CHECK: bsattn.attention #bsattn.csr pv = split_bf16
// CHECK-SAME: ins(%{{.*}}, %{{.*}}, %{{.*}} : memref<2x16x8192x128xbf16>, memref<2x16x8192x128xbf16>, memref<2x16x8192x128xbf16>)
// CHECK-SAME: seq_lens(%{{.*}} : memref<2xi32>)
// CHECK-SAME: indices(%{{.*}}, %{{.*}} : memref<2x16x65xi32>, memref<2x16x?xi32>)
// CHECK-SAME: outs(%{{.*}}, %{{.*}} : memref<2x16x8192x128xbf16>, memref<2x16x8192xf32>)
// CHECK-NOT: block_size
func.func @csr(%q: !act, %k: !act, %v: !act, %seq_lens: memref<2xi32>,
               %row_ptr: memref<2x16x65xi32>, %col_idx: memref<2x16x?xi32>,
               %o: !act, %lse: !lse) {
  bsattn.attention #bsattn.csr pv = split_bf16
      ins(%q, %k, %v : !act, !act, !act)
      seq_lens(%seq_lens : memref<2xi32>)
      indices(%row_ptr, %col_idx : memref<2x16x65xi32>, memref<2x16x?xi32>)
      outs(%o, %lse : !act, !lse)
  return
}

// CHECK-LABEL: func.func @causal_dynamic
// CHECK: bsattn.attention #bsattn.causal pv = bf16
// CHECK-SAME: memref<?x?x?x128xbf16>
// CHECK-SAME: {scale = 1.250000e-01 : f32}
func.func @causal_dynamic(%q: memref<?x?x?x128xbf16>, %k: memref<?x?x?x128xbf16>,
                          %v: memref<?x?x?x128xbf16>, %seq_lens: memref<?xi32>,
                          %o: memref<?x?x?x128xbf16>, %lse: memref<?x?x?xf32>) {
  bsattn.attention #bsattn.causal pv = bf16
      ins(%q, %k, %v : memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>)
      seq_lens(%seq_lens : memref<?xi32>)
      outs(%o, %lse : memref<?x?x?x128xbf16>, memref<?x?x?xf32>)
      {scale = 0.125 : f32}
  return
}

// CHECK-LABEL: func.func @static_patterns
// CHECK: bsattn.attention #bsattn.sliding_window<8> pv = f16
// CHECK: bsattn.attention #bsattn.window_global<5, 2> pv = split_bf16
// CHECK-SAME: {tuning = #bsattn.tuning<block_q = 64, stages = 3, warpgroups = 1>}
// CHECK: bsattn.attention #bsattn.window_global<1, 0> pv = bf16
// CHECK-SAME: {tuning = #bsattn.tuning<block_k = 64, stages = 4>}
// CHECK: bsattn.attention #bsattn.causal pv = f16
// CHECK-SAME: {tuning = #bsattn.tuning<persistent = true, dynamic_tiles = true>}
// CHECK: bsattn.attention #bsattn.causal pv = f16
// CHECK-SAME: {tuning = #bsattn.tuning<value_stages = 4>}
// CHECK: bsattn.attention #bsattn.causal pv = f16
// CHECK-SAME: {tuning = #bsattn.tuning<poly_exp2_columns = 16>}
// CHECK: bsattn.attention #bsattn.causal pv = f16
// CHECK-SAME: {tuning = #bsattn.tuning<stages = 3, rescale_threshold = 8>}
func.func @static_patterns(%q: !act, %k: !act, %v: !act, %seq_lens: memref<2xi32>,
                           %o: !act, %lse: !lse) {
  bsattn.attention #bsattn.sliding_window<8> pv = f16
      ins(%q, %k, %v : !act, !act, !act) seq_lens(%seq_lens : memref<2xi32>)
      outs(%o, %lse : !act, !lse)
  bsattn.attention #bsattn.window_global<5, 2> pv = split_bf16
      ins(%q, %k, %v : !act, !act, !act) seq_lens(%seq_lens : memref<2xi32>)
      outs(%o, %lse : !act, !lse) {tuning = #bsattn.tuning<stages = 3, block_q = 64, warpgroups = 1>}
  bsattn.attention #bsattn.window_global<1, 0> pv = bf16
      ins(%q, %k, %v : !act, !act, !act) seq_lens(%seq_lens : memref<2xi32>)
      outs(%o, %lse : !act, !lse)
      {tuning = #bsattn.tuning<block_q = 128, block_k = 64, stages = 4, warpgroups = 2>}
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : !act, !act, !act) seq_lens(%seq_lens : memref<2xi32>)
      outs(%o, %lse : !act, !lse)
      {tuning = #bsattn.tuning<dynamic_tiles = true, persistent = true>}
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : !act, !act, !act) seq_lens(%seq_lens : memref<2xi32>)
      outs(%o, %lse : !act, !lse)
      {tuning = #bsattn.tuning<value_stages = 4, stages = 2>}
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : !act, !act, !act) seq_lens(%seq_lens : memref<2xi32>)
      outs(%o, %lse : !act, !lse)
      {tuning = #bsattn.tuning<poly_exp2_columns = 16>}
  bsattn.attention #bsattn.causal pv = f16
      ins(%q, %k, %v : !act, !act, !act) seq_lens(%seq_lens : memref<2xi32>)
      outs(%o, %lse : !act, !lse)
      {tuning = #bsattn.tuning<rescale_threshold = 8, stages = 3>}
  return
}

// CHECK-LABEL: func.func @f16_head_dims
// CHECK: bsattn.attention #bsattn.causal pv = f16 ins({{.*}} : memref<1x32x16384x64xf16>
// CHECK: bsattn.attention #bsattn.causal pv = f16 ins({{.*}} : memref<1x8x16384x256xf16>
func.func @f16_head_dims(%q64: memref<1x32x16384x64xf16>, %o64: memref<1x32x16384x64xf16>,
                         %lse64: memref<1x32x16384xf32>,
                         %q256: memref<1x8x16384x256xf16>, %o256: memref<1x8x16384x256xf16>,
                         %lse256: memref<1x8x16384xf32>, %seq_lens: memref<1xi32>) {
  bsattn.attention #bsattn.causal pv = f16
      ins(%q64, %q64, %q64 : memref<1x32x16384x64xf16>, memref<1x32x16384x64xf16>, memref<1x32x16384x64xf16>)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o64, %lse64 : memref<1x32x16384x64xf16>, memref<1x32x16384xf32>)
  bsattn.attention #bsattn.causal pv = f16
      ins(%q256, %q256, %q256 : memref<1x8x16384x256xf16>, memref<1x8x16384x256xf16>, memref<1x8x16384x256xf16>)
      seq_lens(%seq_lens : memref<1xi32>)
      outs(%o256, %lse256 : memref<1x8x16384x256xf16>, memref<1x8x16384xf32>)
  return
}

// Bidirectional patterns, and grouped-query heads. `causal = true` is the
// default and prints as plain #bsattn.csr.
// CHECK-LABEL: func.func @bidirectional_and_grouped
// CHECK: bsattn.attention #bsattn.full pv = f16
// CHECK: bsattn.attention #bsattn.csr<causal = false> pv = f16
// CHECK: bsattn.attention #bsattn.csr pv = f16
// CHECK-SAME: {kv_group = 8 : i64}
// CHECK: bsattn.attention #bsattn.sliding_window<4, causal = false> pv = f16
// CHECK: bsattn.attention #bsattn.sliding_window<4> pv = f16
func.func @bidirectional_and_grouped(%q: !act, %kv: memref<2x2x8192x128xbf16>,
                                     %seq_lens: memref<2xi32>,
                                     %row_ptr: memref<2x16x65xi32>,
                                     %col_idx: memref<2x16x?xi32>,
                                     %o: !act, %lse: !lse) {
  bsattn.attention #bsattn.full pv = f16
      ins(%q, %q, %q : !act, !act, !act) seq_lens(%seq_lens : memref<2xi32>)
      outs(%o, %lse : !act, !lse)
  bsattn.attention #bsattn.csr<causal = false> pv = f16
      ins(%q, %q, %q : !act, !act, !act) seq_lens(%seq_lens : memref<2xi32>)
      indices(%row_ptr, %col_idx : memref<2x16x65xi32>, memref<2x16x?xi32>)
      outs(%o, %lse : !act, !lse)
  bsattn.attention #bsattn.csr<causal = true> pv = f16
      ins(%q, %kv, %kv : !act, memref<2x2x8192x128xbf16>, memref<2x2x8192x128xbf16>)
      seq_lens(%seq_lens : memref<2xi32>)
      indices(%row_ptr, %col_idx : memref<2x16x65xi32>, memref<2x16x?xi32>)
      outs(%o, %lse : !act, !lse) {kv_group = 8}
  bsattn.attention #bsattn.sliding_window<4, causal = false> pv = f16
      ins(%q, %q, %q : !act, !act, !act) seq_lens(%seq_lens : memref<2xi32>)
      outs(%o, %lse : !act, !lse)
  bsattn.attention #bsattn.sliding_window<4, causal = true> pv = f16
      ins(%q, %q, %q : !act, !act, !act) seq_lens(%seq_lens : memref<2xi32>)
      outs(%o, %lse : !act, !lse)
  return
}

// T = 1000, no multiple of the block: the last block holds 104 tokens and
// row_ptr has ceil(1000 / 128) + 1 = 9 rows per head.
// CHECK-LABEL: func.func @partial_last_block
// CHECK: bsattn.attention #bsattn.csr pv = f16
// CHECK-SAME: indices(%{{.*}}, %{{.*}} : memref<1x2x9xi32>, memref<1x2x12xi32>)
func.func @partial_last_block(%q: memref<1x2x1000x128xbf16>,
                              %seq_lens: memref<1xi32>,
                              %row_ptr: memref<1x2x9xi32>,
                              %col_idx: memref<1x2x12xi32>,
                              %o: memref<1x2x1000x128xbf16>,
                              %lse: memref<1x2x1000xf32>) {
  bsattn.attention #bsattn.csr pv = f16
      ins(%q, %q, %q : memref<1x2x1000x128xbf16>, memref<1x2x1000x128xbf16>,
                       memref<1x2x1000x128xbf16>)
      seq_lens(%seq_lens : memref<1xi32>)
      indices(%row_ptr, %col_idx : memref<1x2x9xi32>, memref<1x2x12xi32>)
      outs(%o, %lse : memref<1x2x1000x128xbf16>, memref<1x2x1000xf32>)
  return
}

// Index lists per K/V head, alone and with a bidirectional pattern.
// CHECK-LABEL: func.func @lists_per_kv_head
// CHECK: bsattn.attention #bsattn.csr<per_kv_head = true> pv = f16
// CHECK: bsattn.attention #bsattn.csr<causal = false, per_kv_head = true> pv = f16
func.func @lists_per_kv_head(%q: memref<1x8x256x128xbf16>,
                             %kv: memref<1x2x256x128xbf16>,
                             %seq_lens: memref<1xi32>,
                             %row_ptr: memref<1x2x3xi32>,
                             %col_idx: memref<1x2x4xi32>,
                             %o: memref<1x8x256x128xbf16>,
                             %lse: memref<1x8x256xf32>) {
  bsattn.attention #bsattn.csr<per_kv_head = true> pv = f16
      ins(%q, %kv, %kv : memref<1x8x256x128xbf16>, memref<1x2x256x128xbf16>,
                         memref<1x2x256x128xbf16>)
      seq_lens(%seq_lens : memref<1xi32>)
      indices(%row_ptr, %col_idx : memref<1x2x3xi32>, memref<1x2x4xi32>)
      outs(%o, %lse : memref<1x8x256x128xbf16>, memref<1x8x256xf32>)
      {kv_group = 4}
  bsattn.attention #bsattn.csr<per_kv_head = true, causal = false> pv = f16
      ins(%q, %kv, %kv : memref<1x8x256x128xbf16>, memref<1x2x256x128xbf16>,
                         memref<1x2x256x128xbf16>)
      seq_lens(%seq_lens : memref<1xi32>)
      indices(%row_ptr, %col_idx : memref<1x2x3xi32>, memref<1x2x4xi32>)
      outs(%o, %lse : memref<1x8x256x128xbf16>, memref<1x8x256xf32>)
      {kv_group = 4}
  return
}
