// RUN: bsattn-opt %bsattn_src_root/examples/causal_d64.mlir --bsattn-to-schedule | FileCheck %s
// RUN: sed 's/memref<1x32x16384xf32>)$/& {tuning = #bsattn.tuning<block_q = 192, warpgroups = 3>}/; s/f16>/bf16>/' %bsattn_src_root/examples/causal_d64.mlir | bsattn-opt --bsattn-to-schedule | FileCheck %s --check-prefix=CONVERT

// 192-row query tiles (the compiler's choice at D = 64): three consumer
// warpgroups of 64 rows (384 threads, before warp specialization adds the
// producer), a 192 x 64 Q box and buffer, a K/V slot released by all 384
// threads, and the tile's rows, mask, o stores and lse at 192 qb.

// CHECK: llvm.func @causal_d64
// CHECK-SAME: box = [64, 192, 1, 1]
// CHECK-SAME: box = [64, 128, 1, 1]
// CHECK-SAME: box = [64, 64, 1, 1]
// CHECK-SAME: bsattn.block = [384, 1, 1]
// CHECK-SAME: nvvm.reqntid = array<i32: 384, 1, 1>
// CHECK: bsattn.shared_alloc swizzle = 128 : memref<1x1x192x64xf16
// CHECK: nvgpu.mbarrier.init %[[EMPTY:.*]][%{{.*}}], %c384
// CHECK: %[[QB:.*]] = arith.index_cast %{{.*}} : i32 to index
// CHECK: arith.muli %[[QB]], %c192
// CHECK: nvgpu.tma.async.load {{.*}} to %{{.*}} : <tensor = memref<1x1x192x64xf16
// CHECK: bsattn.mask %{{.*}}, key_block %{{.*}}, seq_len %{{.*}}, query_block %[[QB]] : <192 x 128, f32>
// CHECK: nvgpu.tma.async.store
// CHECK: bsattn.store_rows %{{.*}} : <192, f32>

// Consumers converting V for f16 products: all 384 of them, each its share.
// CONVERT: bsattn.convert_shared %{{.*}} {threads = 384 : i64}
