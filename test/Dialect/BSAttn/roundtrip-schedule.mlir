// RUN: bsattn-opt %s | bsattn-opt | FileCheck %s

// The schedule-level ops print and parse back.

!smem = memref<2x128x64xbf16, #gpu.address_space<workgroup>>
!tile = !bsattn.tile<128 x 128, f32>
// CHECK-LABEL: func.func @ops
func.func @ops(%map: !llvm.ptr, %lsep: !llvm.ptr<1>, %n: i64, %qb: index, %len: index) {
  // CHECK: bsattn.tensor_map %{{.*}} : !llvm.ptr -> <tensor = memref<1x1x128x64xbf16
  %t = bsattn.tensor_map %map : !llvm.ptr -> !nvgpu.tensormap.descriptor<tensor = memref<1x1x128x64xbf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
  // CHECK: bsattn.global_memref %{{.*}} sizes(%{{.*}}) : memref<1x2x?xf32, #gpu.address_space<global>>
  %lse = bsattn.global_memref %lsep sizes(%n) : memref<1x2x?xf32, #gpu.address_space<global>>
  // CHECK: bsattn.shared_alloc swizzle = 128 offset = 0 : memref<2x128x64xbf16, #gpu.address_space<workgroup>>
  %q = bsattn.shared_alloc swizzle = 128 offset = 0 : !smem
  %k = bsattn.shared_alloc swizzle = 128 : !smem
  // CHECK: %[[S:.*]] = bsattn.wgmma_ss
  %s = bsattn.wgmma_ss %q, %k : !smem, !smem -> !tile
  // CHECK: bsattn.wgmma_wait %[[S]] pending = 0
  %sw = bsattn.wgmma_wait %s pending = 0 : !tile
  %zero = arith.constant 0.0 : f32
  %max = bsattn.splat %zero : !bsattn.rows<128, f32>
  // CHECK: bsattn.rescale %{{.*}}, %{{.*}} : <128 x 128, f32>, <128, f32>
  %r = bsattn.rescale %sw, %max : !tile, !bsattn.rows<128, f32>
  // CHECK: bsattn.rescale %{{.*}}, %{{.*}} skip_unit_factors : <128 x 128, f32>, <128, f32>
  %rskip = bsattn.rescale %sw, %max skip_unit_factors : !tile, !bsattn.rows<128, f32>
  // CHECK: %[[MAX:.*]], %[[ALPHA:.*]] = bsattn.row_max %[[SW:.*]], %{{.*}} scale_log2 = 5.000000e-01 : <128 x 128, f32>, <128, f32>
  %mx, %alpha = bsattn.row_max %sw, %max scale_log2 = 0.5 : !tile, !bsattn.rows<128, f32>
  // CHECK: bsattn.row_max %[[SW]], %{{.*}} scale_log2 = 5.000000e-01 rescale_threshold = 8 : <128 x 128, f32>, <128, f32>
  %mx8, %alpha8 = bsattn.row_max %sw, %max scale_log2 = 0.5 rescale_threshold = 8 : !tile, !bsattn.rows<128, f32>
  // CHECK: %{{.*}}, %[[VALPHA:.*]], %[[MOVED:.*]] = bsattn.row_max %[[SW]], %{{.*}} scale_log2 = 5.000000e-01 rescale_threshold = 8 vote_kept_maxima : <128 x 128, f32>, <128, f32> -> i1
  %mxv, %alphav, %moved = bsattn.row_max %sw, %max scale_log2 = 0.5 rescale_threshold = 8 vote_kept_maxima : !tile, !bsattn.rows<128, f32> -> i1
  // CHECK: bsattn.rescale %{{.*}}, %[[VALPHA]] if %[[MOVED]] : <128 x 128, f32>, <128, f32>
  %rmoved = bsattn.rescale %sw, %alphav if %moved : !tile, !bsattn.rows<128, f32>
  // CHECK: %[[P:.*]], %[[RS:.*]] = bsattn.exp_scores %[[SW]], %[[MAX]], %[[SW]], %[[ALPHA]] first_column = 16 columns = 32 scale_log2 = 5.000000e-01 : <128 x 128, f32>, <128, f32>
  %pe, %rs = bsattn.exp_scores %sw, %mx, %sw, %alpha first_column = 16 columns = 32 scale_log2 = 0.5 : !tile, !bsattn.rows<128, f32>
  // CHECK: bsattn.exp_scores %[[SW]], %[[MAX]], %[[SW]], %[[ALPHA]] first_column = 48 columns = 80 scale_log2 = 5.000000e-01 poly_columns = [56, 120] : <128 x 128, f32>, <128, f32>
  %pp, %rsp = bsattn.exp_scores %sw, %mx, %sw, %alpha first_column = 48 columns = 80 scale_log2 = 0.5 poly_columns = [56, 120] : !tile, !bsattn.rows<128, f32>
  // CHECK: bsattn.online_softmax %[[SW]], %[[MAX]], %[[ALPHA]] scale_log2 = 5.000000e-01 poly_columns = [0, 64] : <128 x 128, f32>, <128, f32>
  %po, %mo, %so, %ao = bsattn.online_softmax %sw, %mx, %alpha scale_log2 = 0.5 poly_columns = [0, 64] : !tile, !bsattn.rows<128, f32>
  // CHECK: bsattn.online_softmax %[[SW]], %[[MAX]], %[[ALPHA]] scale_log2 = 5.000000e-01 poly_columns = [8] rescale_threshold = 0 : <128 x 128, f32>, <128, f32>
  %pt, %mt, %st, %at = bsattn.online_softmax %sw, %mx, %alpha scale_log2 = 0.5 poly_columns = [8] rescale_threshold = 0 : !tile, !bsattn.rows<128, f32>
  // CHECK: bsattn.rows_fma %[[ALPHA]], %[[MAX]], %[[RS]] : <128, f32>
  %sum = bsattn.rows_fma %alpha, %mx, %rs : !bsattn.rows<128, f32>
  // CHECK: bsattn.truncf %{{.*}} : <128 x 128, f32> to <128 x 128, f16>
  %p = bsattn.truncf %sw : !tile to !bsattn.tile<128 x 128, f16>
  // CHECK: bsattn.split_bf16
  %hi, %lo = bsattn.split_bf16 %sw : !tile to !bsattn.tile<128 x 128, bf16>
  // CHECK: bsattn.wgmma_rs
  %a1 = bsattn.wgmma_rs %r, %hi, %k : !tile, !bsattn.tile<128 x 128, bf16>, !smem
  %a2 = bsattn.wgmma_rs %a1, %lo, %k : !tile, !bsattn.tile<128 x 128, bf16>, !smem
  %a = bsattn.wgmma_wait %a2 pending = 1 : !tile
  // CHECK: bsattn.mask %{{.*}}, key_block %{{.*}}, seq_len %{{.*}}, query_block %{{.*}} : <128 x 128, f32>
  %m = bsattn.mask %a, key_block %qb, seq_len %len, query_block %qb : !tile
  // CHECK: bsattn.normalize
  %o, %l = bsattn.normalize %m, %max, %max, query_block %qb, seq_len %len : !tile, !bsattn.rows<128, f32> to !bsattn.tile<128 x 128, bf16>
  // CHECK: bsattn.store_swizzled
  bsattn.store_swizzled %o, %q : !bsattn.tile<128 x 128, bf16>, !smem
  // CHECK: bsattn.store_rows
  bsattn.store_rows %l, %lse[%qb, %qb, %qb] : !bsattn.rows<128, f32>, memref<1x2x?xf32, #gpu.address_space<global>>
  // CHECK: bsattn.convert_shared %{{.*}} : memref
  bsattn.convert_shared %k : !smem
  // CHECK: bsattn.convert_shared %{{.*}} {first_thread = 288 : i64, threads = 96 : i64}
  bsattn.convert_shared %k {first_thread = 288 : i64, threads = 96 : i64} : !smem
  // CHECK: bsattn.warp_specialize consumers(256 threads, 240 registers) {
  // CHECK: } producer(128 threads, 24 registers) {
  bsattn.warp_specialize consumers(256 threads, 240 registers) {
    bsattn.convert_shared %k : !smem
  } producer(128 threads, 24 registers) {
    %c1 = arith.constant 1 : i32
  }
  return
}

// D = 96: the product's depth, the accumulator and the output tile fill
// one and a half of the two 64-column chunks.
// CHECK-LABEL: func.func @half_chunk
func.func @half_chunk(%acc: !bsattn.tile<128 x 96, f32>, %p: !bsattn.tile<128 x 128, bf16>, %v: !smem, %o: !bsattn.tile<128 x 96, bf16>) {
  // CHECK: bsattn.wgmma_ss %{{.*}}, %{{.*}} {depth = 96 : i64}
  %s = bsattn.wgmma_ss %v, %v {depth = 96 : i64} : !smem, !smem -> !bsattn.tile<128 x 128, f32>
  %sw = bsattn.wgmma_wait %s pending = 0 : !bsattn.tile<128 x 128, f32>
  // CHECK: bsattn.wgmma_rs %{{.*}} : <128 x 96, f32>, <128 x 128, bf16>, memref<2x128x64xbf16
  %a = bsattn.wgmma_rs %acc, %p, %v : !bsattn.tile<128 x 96, f32>, !bsattn.tile<128 x 128, bf16>, !smem
  %w = bsattn.wgmma_wait %a pending = 0 : !bsattn.tile<128 x 96, f32>
  // CHECK: bsattn.store_swizzled %{{.*}} : <128 x 96, bf16>, memref<2x128x64xbf16
  bsattn.store_swizzled %o, %v : !bsattn.tile<128 x 96, bf16>, !smem
  return
}
