// RUN: bsattn-opt %s -split-input-file -verify-diagnostics

// A shared buffer must live in workgroup memory.
func.func @f() {
  // expected-error @+1 {{'bsattn.shared_alloc' op buffer must be in workgroup memory, got 'memref<2x128x64xbf16>'}}
  %a = bsattn.shared_alloc swizzle = 0 : memref<2x128x64xbf16>
  return
}

// -----

// A shared buffer's size is known when the kernel's shared memory is laid out.
func.func @f() {
  // expected-error @+1 {{'bsattn.shared_alloc' op buffer must have a static shape and the identity layout, got 'memref<?x64xbf16, #gpu.address_space<workgroup>>'}}
  %a = bsattn.shared_alloc swizzle = 0 : memref<?x64xbf16, #gpu.address_space<workgroup>>
  return
}

// -----

// A shared buffer is dense: rows of 64 elements 128 apart are not.
func.func @f() {
  // expected-error @+1 {{'bsattn.shared_alloc' op buffer must have a static shape and the identity layout, got 'memref<128x64xbf16, strided<[128, 1]>, #gpu.address_space<workgroup>>'}}
  %a = bsattn.shared_alloc swizzle = 0 : memref<128x64xbf16, strided<[128, 1]>, #gpu.address_space<workgroup>>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{a 128-byte swizzled buffer needs rows of 128 bytes, got 64}}
  %a = bsattn.shared_alloc swizzle = 128 : memref<2x128x32xbf16, #gpu.address_space<workgroup>>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{swizzle must be 0 or 128 bytes, got 64}}
  %a = bsattn.shared_alloc swizzle = 64 : memref<2x128x64xbf16, #gpu.address_space<workgroup>>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{offset must be a non-negative multiple of 1024, got 1040}}
  %a = bsattn.shared_alloc swizzle = 128 offset = 1040 : memref<2x128x64xbf16, #gpu.address_space<workgroup>>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{offset must be a non-negative multiple of 16, got 100}}
  %a = bsattn.shared_alloc swizzle = 0 offset = 100 : memref<4xi32, #gpu.address_space<workgroup>>
  return
}

// -----

func.func @f(%p: !llvm.ptr<1>) {
  // expected-error @+1 {{needs one size per dynamic dimension (1), got 0}}
  %a = bsattn.global_memref %p : memref<?xf32, #gpu.address_space<global>>
  return
}

// -----

func.func @f(%p: !llvm.ptr<1>) {
  // expected-error @+1 {{memref must be in #gpu.address_space<global>}}
  %a = bsattn.global_memref %p : memref<4xf32>
  return
}

// -----

// The rebuilt memref is contiguous: its strides follow from its sizes.
func.func @f(%p: !llvm.ptr<1>) {
  // expected-error @+1 {{'bsattn.global_memref' op memref must have the identity layout, got 'memref<4xf32, strided<[2]>, #gpu.address_space<global>>'}}
  %a = bsattn.global_memref %p : memref<4xf32, strided<[2]>, #gpu.address_space<global>>
  return
}

// -----

// A by-value tensor map parameter is a generic pointer, not a global one.
func.func @f(%map: !llvm.ptr<1>) {
  // expected-error @+1 {{'bsattn.tensor_map' op parameter must be a generic pointer (a by-value kernel parameter)}}
  %t = bsattn.tensor_map %map : !llvm.ptr<1> -> !nvgpu.tensormap.descriptor<tensor = memref<1x1x128x64xbf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
  return
}

// -----

func.func @f(%a: memref<4xi32, #gpu.address_space<workgroup>>, %i: index) {
  // expected-error @+1 {{source must be a contiguous memref in #gpu.address_space<global>, got 'memref<4xi32, #gpu.address_space<workgroup>>'}}
  bsattn.prefetch_l2 %a[%i] : memref<4xi32, #gpu.address_space<workgroup>>
  return
}

// -----

!smem = memref<2x128x64xbf16, #gpu.address_space<workgroup>>
func.func @f(%q: !smem, %r: !bsattn.rows<128, f32>) {
  // expected-error @+1 {{result must have exactly one use, by 'bsattn.wgmma_wait' or as the accumulator of the next 'bsattn.wgmma_rs'}}
  %s = bsattn.wgmma_ss %q, %q : !smem, !smem -> !bsattn.tile<128 x 128, f32>
  %z = bsattn.rescale %s, %r : !bsattn.tile<128 x 128, f32>, !bsattn.rows<128, f32>
  return
}

// -----

func.func @f(%q: memref<2x128x64xbf16>) {
  // expected-error @+1 {{operand 'a' must be a contiguous CxRx64 bf16 or f16 buffer in workgroup memory with C in [1, 4]}}
  %s = bsattn.wgmma_ss %q, %q : memref<2x128x64xbf16>, memref<2x128x64xbf16> -> !bsattn.tile<128 x 128, f32>
  %w = bsattn.wgmma_wait %s pending = 0 : !bsattn.tile<128 x 128, f32>
  return
}

// -----

func.func @f(%q: memref<5x128x64xbf16, #gpu.address_space<workgroup>>) {
  // expected-error @+1 {{operand 'a' must be a contiguous CxRx64 bf16 or f16 buffer in workgroup memory with C in [1, 4], got 'memref<5x128x64xbf16, #gpu.address_space<workgroup>>'}}
  %s = bsattn.wgmma_ss %q, %q : memref<5x128x64xbf16, #gpu.address_space<workgroup>>, memref<5x128x64xbf16, #gpu.address_space<workgroup>> -> !bsattn.tile<128 x 128, f32>
  %w = bsattn.wgmma_wait %s pending = 0 : !bsattn.tile<128 x 128, f32>
  return
}

// -----

func.func @f(%q: memref<1x128x64xbf16, #gpu.address_space<workgroup>>, %k: memref<2x128x64xbf16, #gpu.address_space<workgroup>>) {
  // expected-error @+1 {{operands must have one number of 64-column chunks (the product's K), got 1 and 2}}
  %s = bsattn.wgmma_ss %q, %k : memref<1x128x64xbf16, #gpu.address_space<workgroup>>, memref<2x128x64xbf16, #gpu.address_space<workgroup>> -> !bsattn.tile<128 x 128, f32>
  %w = bsattn.wgmma_wait %s pending = 0 : !bsattn.tile<128 x 128, f32>
  return
}

// -----

!smem = memref<2x128x64xbf16, #gpu.address_space<workgroup>>
func.func @f(%q: !smem) {
  // expected-error @+1 {{result must be a 128x128 f32 tile, got '!bsattn.tile<128 x 64, f32>'}}
  %s = bsattn.wgmma_ss %q, %q : !smem, !smem -> !bsattn.tile<128 x 64, f32>
  %w = bsattn.wgmma_wait %s pending = 0 : !bsattn.tile<128 x 64, f32>
  return
}

// -----

// The register A operand of wgmma holds 16-bit floats, not the f32 scores.
!smem = memref<2x128x64xbf16, #gpu.address_space<workgroup>>
func.func @f(%acc: !bsattn.tile<128 x 128, f32>, %p: !bsattn.tile<128 x 128, f32>, %v: !smem) {
  // expected-error @+1 {{'bsattn.wgmma_rs' op operand 'a' must be a bf16 or f16 tile, got '!bsattn.tile<128 x 128, f32>'}}
  %a = bsattn.wgmma_rs %acc, %p, %v : !bsattn.tile<128 x 128, f32>, !bsattn.tile<128 x 128, f32>, !smem
  %w = bsattn.wgmma_wait %a pending = 0 : !bsattn.tile<128 x 128, f32>
  return
}

// -----

func.func @f(%s: !bsattn.tile<128 x 128, f32>) {
  // expected-error @+1 {{rounds an f32 tile to a bf16 or f16 tile of its shape}}
  %p = bsattn.truncf %s : !bsattn.tile<128 x 128, f32> to !bsattn.tile<128 x 64, f16>
  return
}

// -----

// split_bf16 splits into bf16 halves only, not f16 ones.
func.func @f(%s: !bsattn.tile<128 x 128, f32>) {
  // expected-error @+1 {{'bsattn.split_bf16' op splits an f32 tile into bf16 tiles of its shape, got '!bsattn.tile<128 x 128, f32>' to '!bsattn.tile<128 x 128, f16>'}}
  %hi, %lo = bsattn.split_bf16 %s : !bsattn.tile<128 x 128, f32> to !bsattn.tile<128 x 128, f16>
  return
}

// -----

func.func @f(%s: !bsattn.tile<128 x 128, f32>, %k: index) {
  // expected-error @+1 {{needs a 'query_block' outside a 'bsattn.query_tile'}}
  %m = bsattn.mask %s, key_block %k, seq_len %k : <128 x 128, f32>
  return
}

// -----

func.func @f(%b: memref<2x128x64xf16, #gpu.address_space<workgroup>>) {
  // expected-error @+1 {{buffer must be bf16 in workgroup memory, whole 16-byte chunks}}
  bsattn.convert_shared %b : memref<2x128x64xf16, #gpu.address_space<workgroup>>
  return
}

// -----

func.func @f(%b: memref<2x128x64xbf16, #gpu.address_space<workgroup>>) {
  // expected-error @+1 {{needs whole warps: threads 48 from thread 256}}
  bsattn.convert_shared %b {first_thread = 256 : i64, threads = 48 : i64} : memref<2x128x64xbf16, #gpu.address_space<workgroup>>
  return
}

// -----

func.func @f(%r: !bsattn.rows<128, f32>, %l: memref<4x4xf32>, %i: index) {
  // expected-error @+1 {{destination must be a rank-3 f32 memref in global memory}}
  bsattn.store_rows %r, %l[%i, %i, %i] : !bsattn.rows<128, f32>, memref<4x4xf32>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{register budgets must be multiples of 8 in [24, 256], got 20}}
  bsattn.warp_specialize consumers(256 threads, 240 registers) {
    %c0 = arith.constant 0 : i32
  } producer(128 threads, 20 registers) {
    %c1 = arith.constant 1 : i32
  }
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{each role must be whole warpgroups (128 threads), got 32}}
  bsattn.warp_specialize consumers(256 threads, 240 registers) {
    %c0 = arith.constant 0 : i32
  } producer(32 threads, 24 registers) {
    %c1 = arith.constant 1 : i32
  }
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{register budgets need 67584 registers, over the 65536 of an SM}}
  bsattn.warp_specialize consumers(256 threads, 248 registers) {
    %c0 = arith.constant 0 : i32
  } producer(128 threads, 32 registers) {
    %c1 = arith.constant 1 : i32
  }
  return
}

// -----

// Keys come in whole k16 steps: 40 rows would leave 8 keys out of P.V.
func.func @f(%acc: !bsattn.tile<128 x 64, f32>, %p: !bsattn.tile<128 x 40, f16>, %v: memref<1x40x64xf16, #gpu.address_space<workgroup>>) {
  // expected-error @+1 {{operand 'b' must have a multiple of 16 rows, at most 256, got 40}}
  %o = bsattn.wgmma_rs %acc, %p, %v : !bsattn.tile<128 x 64, f32>, !bsattn.tile<128 x 40, f16>, memref<1x40x64xf16, #gpu.address_space<workgroup>>
  %w = bsattn.wgmma_wait %o pending = 0 : !bsattn.tile<128 x 64, f32>
  return
}

// -----

// One wgmma's N is at most 256 keys.
func.func @f(%q: memref<1x128x64xbf16, #gpu.address_space<workgroup>>, %k: memref<1x512x64xbf16, #gpu.address_space<workgroup>>) {
  // expected-error @+1 {{operand 'b' must have a multiple of 16 rows, at most 256, got 512}}
  %s = bsattn.wgmma_ss %q, %k : memref<1x128x64xbf16, #gpu.address_space<workgroup>>, memref<1x512x64xbf16, #gpu.address_space<workgroup>> -> !bsattn.tile<128 x 512, f32>
  %w = bsattn.wgmma_wait %s pending = 0 : !bsattn.tile<128 x 512, f32>
  return
}

// -----

// D = 96 fills one and a half 64-column chunks; 80 columns fill neither one
// chunk's half nor its whole.
!smem = memref<2x128x64xf16, #gpu.address_space<workgroup>>
func.func @f(%acc: !bsattn.tile<128 x 80, f32>, %p: !bsattn.tile<128 x 128, f16>, %v: !smem) {
  // expected-error @+1 {{shapes do not chain: acc '!bsattn.tile<128 x 80, f32>', a '!bsattn.tile<128 x 128, f16>', b 'memref<2x128x64xf16, #gpu.address_space<workgroup>>'}}
  %o = bsattn.wgmma_rs %acc, %p, %v : !bsattn.tile<128 x 80, f32>, !bsattn.tile<128 x 128, f16>, !smem
  %w = bsattn.wgmma_wait %o pending = 0 : !bsattn.tile<128 x 80, f32>
  return
}

// -----

!smem = memref<2x128x64xbf16, #gpu.address_space<workgroup>>
func.func @f(%o: !bsattn.tile<128 x 80, bf16>, %q: !smem) {
  // expected-error @+1 {{tile '!bsattn.tile<128 x 80, bf16>' does not fit buffer 'memref<2x128x64xbf16, #gpu.address_space<workgroup>>'}}
  bsattn.store_swizzled %o, %q : !bsattn.tile<128 x 80, bf16>, !smem
  return
}

// -----

!smem = memref<2x128x64xbf16, #gpu.address_space<workgroup>>
func.func @f(%q: !smem) {
  // expected-error @+1 {{depth must be 128 or 96 (the operands' 64-column chunks, the last one whole or half), got 80}}
  %s = bsattn.wgmma_ss %q, %q {depth = 80 : i64} : !smem, !smem -> !bsattn.tile<128 x 128, f32>
  %w = bsattn.wgmma_wait %s pending = 0 : !bsattn.tile<128 x 128, f32>
  return
}

// -----

func.func @f(%s: !bsattn.tile<64 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  // expected-error @+1 {{'bsattn.row_max' op needs one maximum per row}}
  %m, %a = bsattn.row_max %s, %r scale_log2 = 0.5 : <64 x 128, f32>, <128, f32>
  return
}

// -----

func.func @f(%s: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  // expected-error @+1 {{'bsattn.exp_scores' op needs a range of whole 8-column chunks in the tile's 128 columns, got 40 from 96}}
  %p, %sum = bsattn.exp_scores %s, %r, %s, %r first_column = 96 columns = 40 scale_log2 = 0.5 : <128 x 128, f32>, <128, f32>
  return
}

// -----

func.func @f(%s: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  // expected-error @+1 {{'bsattn.exp_scores' op needs a range of whole 8-column chunks in the tile's 128 columns, got 16 from 4}}
  %p, %sum = bsattn.exp_scores %s, %r, %s, %r first_column = 4 columns = 16 scale_log2 = 0.5 : <128 x 128, f32>, <128, f32>
  return
}

// -----

func.func @f(%s: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  // expected-error @+1 {{'bsattn.exp_scores' op poly_columns must be increasing multiples of 8 that start 8-column chunks in columns [48, 128), got 40}}
  %p, %sum = bsattn.exp_scores %s, %r, %s, %r first_column = 48 columns = 80 scale_log2 = 0.5 poly_columns = [40] : <128 x 128, f32>, <128, f32>
  return
}

// -----

func.func @f(%s: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  // expected-error @+1 {{'bsattn.exp_scores' op poly_columns must be increasing multiples of 8 that start 8-column chunks in columns [0, 48), got 44}}
  %p, %sum = bsattn.exp_scores %s, %r, %s, %r first_column = 0 columns = 48 scale_log2 = 0.5 poly_columns = [44] : <128 x 128, f32>, <128, f32>
  return
}

// -----

func.func @f(%s: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  // expected-error @+1 {{'bsattn.online_softmax' op poly_columns must be increasing multiples of 8 that start 8-column chunks in columns [0, 128), got 56}}
  %p, %m, %sum, %a = bsattn.online_softmax %s, %r, %r scale_log2 = 0.5 poly_columns = [56, 56] : <128 x 128, f32>, <128, f32>
  return
}

// -----

func.func @f(%s: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  // expected-error @+1 {{'bsattn.online_softmax' op poly_columns must be increasing multiples of 8 that start 8-column chunks in columns [0, 128), got 128}}
  %p, %m, %sum, %a = bsattn.online_softmax %s, %r, %r scale_log2 = 0.5 poly_columns = [120, 128] : <128 x 128, f32>, <128, f32>
  return
}

// -----

func.func @f(%s: !bsattn.tile<64 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  // expected-error @+1 {{'bsattn.exp_scores' op needs one maximum per row}}
  %p, %sum = bsattn.exp_scores %s, %r, %s, %r first_column = 0 columns = 16 scale_log2 = 0.5 : <64 x 128, f32>, <128, f32>
  return
}

// -----

func.func @f(%s: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  // expected-error @+1 {{'bsattn.online_softmax' op rescale_threshold must be in [0, 14] (probabilities up to 2^N in f16), got 15}}
  %p, %m, %sum, %a = bsattn.online_softmax %s, %r, %r scale_log2 = 0.5 rescale_threshold = 15 : <128 x 128, f32>, <128, f32>
  return
}

// -----

func.func @f(%s: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  // expected-error @+1 {{'bsattn.row_max' op rescale_threshold must be in [0, 14] (probabilities up to 2^N in f16), got -1}}
  %m, %a = bsattn.row_max %s, %r scale_log2 = 0.5 rescale_threshold = -1 : <128 x 128, f32>, <128, f32>
  return
}

// -----

func.func @f(%s: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  // expected-error @+1 {{'bsattn.online_softmax' op keeps row maxima by a warp vote, which needs a rescale_threshold}}
  %p, %m, %sum, %a = bsattn.online_softmax %s, %r, %r scale_log2 = 0.5 vote_kept_maxima : <128 x 128, f32>, <128, f32>
  return
}

// -----

func.func @f(%s: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  // expected-error @+1 {{'bsattn.row_max' op keeps row maxima by a warp vote, which needs a rescale_threshold}}
  %m, %a = bsattn.row_max %s, %r scale_log2 = 0.5 vote_kept_maxima : <128 x 128, f32>, <128, f32>
  return
}

// -----

func.func @f(%s: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  // expected-error @+1 {{'bsattn.online_softmax' op returns warp_moved, the warp vote of vote_kept_maxima, without that vote}}
  %p, %m, %sum, %a, %moved = bsattn.online_softmax %s, %r, %r scale_log2 = 0.5 rescale_threshold = 8 : <128 x 128, f32>, <128, f32> -> i1
  return
}

// -----

func.func @f(%s: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  // expected-error @+1 {{'bsattn.row_max' op returns warp_moved, the warp vote of vote_kept_maxima, without that vote}}
  %m, %a, %moved = bsattn.row_max %s, %r scale_log2 = 0.5 rescale_threshold = 8 : <128 x 128, f32>, <128, f32> -> i1
  return
}

// -----

func.func @f(%s: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>,
             %moved: i1) {
  // expected-error @+1 {{'bsattn.rescale' op skips unit factors either by its own vote (skip_unit_factors) or by a flag, not both}}
  %z = bsattn.rescale %s, %r skip_unit_factors if %moved : !bsattn.tile<128 x 128, f32>, !bsattn.rows<128, f32>
  return
}

// -----

func.func @f(%q: memref<2x128x64xbf16, #gpu.address_space<workgroup>>, %k: memref<2x128x64xf16, #gpu.address_space<workgroup>>) {
  // expected-error @+1 {{operands must have one element type, got 'bf16' and 'f16'}}
  %s = bsattn.wgmma_ss %q, %k : memref<2x128x64xbf16, #gpu.address_space<workgroup>>, memref<2x128x64xf16, #gpu.address_space<workgroup>> -> !bsattn.tile<128 x 128, f32>
  %w = bsattn.wgmma_wait %s pending = 0 : !bsattn.tile<128 x 128, f32>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{needs at least one accumulator}}
  "bsattn.wgmma_wait"() {pending = 0 : i64} : () -> ()
  return
}

// -----

func.func @f(%acc: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<64, f32>) {
  // expected-error @+1 {{needs one factor per row}}
  %z = bsattn.rescale %acc, %r : !bsattn.tile<128 x 128, f32>, !bsattn.rows<64, f32>
  return
}

// -----

func.func @f(%acc: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<64, f32>, %qb: index, %len: index) {
  // expected-error @+1 {{needs one row value per accumulator row}}
  %o, %l = bsattn.normalize %acc, %r, %r, query_block %qb, seq_len %len : !bsattn.tile<128 x 128, f32>, !bsattn.rows<64, f32> to !bsattn.tile<128 x 128, bf16>
  return
}

// -----

// normalize rounds its output to 16-bit floats; an f32 output is refused.
func.func @f(%acc: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>, %qb: index, %len: index) {
  // expected-error @+1 {{'bsattn.normalize' op turns an f32 accumulator into a bf16 or f16 tile of its shape, got '!bsattn.tile<128 x 128, f32>' to '!bsattn.tile<128 x 128, f32>'}}
  %o, %l = bsattn.normalize %acc, %r, %r, query_block %qb, seq_len %len : !bsattn.tile<128 x 128, f32>, !bsattn.rows<128, f32> to !bsattn.tile<128 x 128, f32>
  return
}

// -----

func.func @f(%r: !bsattn.rows<128, f16>, %l: memref<4x4x128xf32>, %i: index) {
  // expected-error @+1 {{rows must be f32}}
  bsattn.store_rows %r, %l[%i, %i, %i] : !bsattn.rows<128, f16>, memref<4x4x128xf32>
  return
}
