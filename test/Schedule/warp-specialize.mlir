// RUN: bsattn-opt %s --bsattn-fuse-softmax --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize), canonicalize))' | FileCheck %s
// RUN: sed 's/warp_specialize = true/warp_specialize = false/' %s | bsattn-opt --bsattn-fuse-softmax --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize)))' | FileCheck %s --check-prefix=OFF

// With the tuning's warp_specialize, the schedule after the set-up barrier
// splits: the consumers keep everything but the load groups, one warp of
// a producer warpgroup keeps only the load groups (its first thread, 256,
// issuing them) and the control flow around them. Both roles keep the
// launch's even 168 registers (bsattn-rebalance-registers moves them).

// CHECK: llvm.func @ws(
// CHECK-SAME: bsattn.block = [384, 1, 1]
// CHECK-SAME: nvvm.reqntid = array<i32: 384, 1, 1>
// CHECK: nvvm.barrier0
// CHECK: bsattn.warp_specialize consumers(256 threads, 168 registers) {
// CHECK-NOT: nvgpu.tma.async.load
// CHECK-NOT: nvgpu.mbarrier.arrive.expect_tx
// CHECK: bsattn.wgmma_ss
// CHECK: bsattn.wgmma_rs
// CHECK: nvgpu.mbarrier.arrive
// CHECK: nvgpu.tma.async.store
// CHECK: } producer(128 threads, 168 registers) {
// CHECK: %[[TID:.*]] = nvvm.read.ptx.sreg.tid.x
// CHECK-DAG: %[[WARP:.*]] = arith.cmpi ult, %[[TID]], %c288_i32
// CHECK-DAG: %[[ISSUER:.*]] = arith.cmpi eq, %[[TID]], %c256_i32
// CHECK: scf.if %[[WARP]] {
// CHECK: scf.if %[[ISSUER]] {
// CHECK: nvgpu.tma.async.load
// CHECK: scf.for
// CHECK-NOT: !bsattn.tile
// CHECK: scf.if %[[ISSUER]] {
// CHECK: nvgpu.mbarrier.try_wait.parity
// CHECK-NEXT: nvgpu.mbarrier.arrive.expect_tx
// CHECK: nvgpu.tma.async.load
// The producer computes no product, waits for no load and stores nothing.
// CHECK-NOT: bsattn.wgmma
// CHECK-NOT: nvgpu.tma.async.store
// CHECK-NOT: bsattn.store_rows
// CHECK: llvm.return

// OFF: llvm.func @ws(
// OFF-SAME: bsattn.block = [256, 1, 1]
// OFF-NOT: bsattn.warp_specialize
!act = memref<1x2x512x128xbf16>
func.func @ws(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
              %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32, tuning = #bsattn.tuning<warp_specialize = true>} {
  ^bb0(%b: index, %h: index, %qb: index, %sl: memref<?xi32>):
    %len32 = memref.load %sl[%b] : memref<?xi32>
    %len = arith.index_cast %len32 : i32 to index
    %c1 = arith.constant 1 : index
    %n = arith.addi %qb, %c1 : index
    bsattn.key_block_loop count(%n) seq_len(%len) {
    ^bb0(%e: index):
      %true = arith.constant true
      bsattn.yield_key_block %e, %true
    }
  }
  return
}
