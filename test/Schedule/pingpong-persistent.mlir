// RUN: bsattn-opt %s --bsattn-fuse-softmax --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-pingpong)))' | FileCheck %s

// A persistent kernel's products sit under its tile loop (an scf.while
// whose condition every consumer thread computes alike: with dynamic tiles
// it compares a tile read from shared memory). The turns are taken inside
// the loop as in a one-tile kernel and carry over from tile to tile: the
// first warpgroup gets the turn once, before the loop.

// CHECK: bsattn.warp_specialize consumers(256 threads, 168 registers) {
// CHECK: %[[TID:.*]] = nvvm.read.ptx.sreg.tid.x
// CHECK: %[[GROUP:.*]] = arith.shrui %[[TID]], %{{.*}} : i32
// CHECK: %[[MINE:.*]] = arith.addi %[[GROUP]], %c4_i32
// CHECK: %[[PLUS1:.*]] = arith.addi %[[GROUP]], %c1_i32
// CHECK: %[[WRAPPED:.*]] = arith.remui %[[PLUS1]], %c2_i32
// CHECK: %[[OTHER:.*]] = arith.addi %[[WRAPPED]], %c4_i32
// CHECK: scf.if %{{.*}} {
// CHECK-NEXT: nvvm.barrier.arrive id = %[[MINE]] number_of_threads = %c256_i32
// CHECK-NOT: nvvm.barrier id
// CHECK: scf.while
// CHECK: memref.atomic_rmw
// CHECK: scf.for
// CHECK: nvvm.barrier id = %[[MINE]] number_of_threads = %c256_i32
// CHECK-NEXT: nvvm.wgmma.fence.aligned
// CHECK-NEXT: bsattn.wgmma_ss
// CHECK-NEXT: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: nvvm.barrier.arrive id = %[[OTHER]] number_of_threads = %c256_i32
// CHECK: nvvm.barrier id = %[[MINE]] number_of_threads = %c256_i32
// CHECK-NEXT: nvvm.wgmma.fence.aligned
// CHECK-NEXT: bsattn.wgmma_rs
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: nvvm.barrier.arrive id = %[[OTHER]] number_of_threads = %c256_i32
// CHECK: } producer(128 threads, 168 registers) {
// CHECK-NOT: nvvm.barrier.arrive
// CHECK: llvm.return
!act = memref<1x2x512x128xf16>
func.func @persistent_pp(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                         %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<warp_specialize = true, pingpong = true, persistent = true, dynamic_tiles = true>} {
  ^bb0(%b: index, %h: index, %qb: index, %l: memref<?xi32>):
    %len32 = memref.load %l[%b] : memref<?xi32>
    %n = arith.index_cast %len32 : i32 to index
    bsattn.key_block_loop count(%n) seq_len(%n) {
    ^bb0(%e: index):
      %used = arith.cmpi sle, %e, %qb : index
      bsattn.yield_key_block %e, %used
    }
  }
  return
}
