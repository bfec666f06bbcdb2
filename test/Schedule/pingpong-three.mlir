// RUN: bsattn-opt %bsattn_src_root/examples/causal_d64.mlir --bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-pingpong)))' | FileCheck %s

// Three consumer warpgroups (192-row query tiles, the compiler's choice at
// D = 64) take their turns round a ring: warpgroup g waits on barrier 4 + g
// (256 threads: its own and the one handing over) and hands over to
// 4 + (g + 1) mod 3; the first starts with the turn.

// CHECK: bsattn.warp_specialize consumers(384 threads, 128 registers) {
// CHECK: %[[TID:.*]] = nvvm.read.ptx.sreg.tid.x
// CHECK: %[[GROUP:.*]] = arith.shrui %[[TID]], %{{.*}} : i32
// CHECK: %[[MINE:.*]] = arith.addi %[[GROUP]], %c4_i32
// CHECK: %[[PLUS1:.*]] = arith.addi %[[GROUP]], %c1_i32
// CHECK: %[[WRAPPED:.*]] = arith.remui %[[PLUS1]], %c3_i32
// CHECK: %[[NEXT:.*]] = arith.addi %[[WRAPPED]], %c4_i32
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[GROUP]], %c0_i32
// CHECK: scf.if %[[FIRST]] {
// CHECK-NEXT: nvvm.barrier.arrive id = %[[MINE]] number_of_threads = %c256_i32
// CHECK: nvvm.barrier id = %[[MINE]] number_of_threads = %c256_i32
// CHECK-NEXT: nvvm.wgmma.fence.aligned
// CHECK-NEXT: bsattn.wgmma_ss
// CHECK-NEXT: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: nvvm.barrier.arrive id = %[[NEXT]] number_of_threads = %c256_i32
// CHECK: } producer(128 threads, 128 registers) {
// CHECK-NOT: nvvm.barrier.arrive
// CHECK: llvm.return
