// RUN: bsattn-opt %bsattn_src_root/examples/causal_gqa.mlir --bsattn-to-schedule | FileCheck %s
// RUN: sed 's/warp_specialize = true/persistent = true/' %bsattn_src_root/examples/causal_gqa.mlir | bsattn-opt --bsattn-to-schedule | FileCheck %s --check-prefix=PERSISTENT
// RUN: bsattn-opt %bsattn_src_root/examples/causal_d128.mlir --bsattn-to-schedule | FileCheck %s --check-prefix=MHA

// Grouped-query attention (kv_group = 4): Q is loaded at the tile's head,
// K and V at head / 4; the kernel tells the runtimes its group.

// CHECK: llvm.func @causal_gqa
// CHECK-SAME: bsattn.kv_group = 4 : i64
// CHECK: %[[NY:.*]] = nvvm.read.ptx.sreg.nctaid.y
// CHECK: %[[H32:.*]] = arith.remui %{{.*}}, %[[NY]] : i32
// CHECK: %[[HEAD:.*]] = arith.index_cast %[[H32]] : i32 to index
// CHECK: nvgpu.tma.async.load %{{.*}}[%{{.*}}, %{{.*}}, %[[HEAD]], %{{.*}}]
// CHECK: %[[C4:.*]] = arith.constant 4 : index
// CHECK: %[[KVHEAD:.*]] = arith.divui %[[HEAD]], %[[C4]] : index
// CHECK-COUNT-4: nvgpu.tma.async.load %{{.*}}[%{{.*}}, %{{.*}}, %[[KVHEAD]], %{{.*}}]

// A persistent kernel divides the head of each of its four K/V loads (its
// own first block and the next tile's, before and in the tile loop).
// PERSISTENT: llvm.func @causal_gqa
// PERSISTENT-COUNT-4: arith.divui %{{.*}}, %c4{{.*}} : index
// PERSISTENT-NOT: arith.divui %{{.*}}, %c4{{.*}} : index

// Without a group nothing divides the head and the kernel has no group.
// MHA: llvm.func @causal_d128
// MHA-NOT: bsattn.kv_group
// MHA-NOT: arith.divui %{{.*}}, %c4
