// RUN: bsattn-opt %s --bsattn-fuse-softmax --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize), canonicalize))' | FileCheck %s

// A persistent kernel splits like any other, and both roles run the tile
// loop. Its tile start, a CTA barrier without warp specialization (the
// previous tile's query buffer is refilled after it), becomes named
// barrier 7 of the consumers' 256 threads and the producer's load-issuing
// warp (288 threads), which both roles reach once per tile, each from its
// own instruction: the unaligned barrier.sync.

// CHECK-LABEL: llvm.func @persistent_ws(
// CHECK-SAME: bsattn.block = [384, 1, 1]
// CHECK-DAG: %[[ID:.*]] = arith.constant 7 : i32
// CHECK-DAG: %[[COUNT:.*]] = arith.constant 288 : i32
// CHECK: nvvm.barrier0
// CHECK: bsattn.warp_specialize consumers(256 threads, 168 registers) {
// CHECK-NOT: nvvm.barrier0
// CHECK: scf.while
// CHECK: llvm.call_intrinsic "llvm.nvvm.barrier.cta.sync.count"(%[[ID]], %[[COUNT]])
// CHECK-NOT: nvvm.barrier0
// CHECK: bsattn.wgmma_ss
// CHECK: } producer(128 threads, 168 registers) {
// CHECK-NOT: nvvm.barrier0
// CHECK: scf.while
// CHECK: llvm.call_intrinsic "llvm.nvvm.barrier.cta.sync.count"(%[[ID]], %[[COUNT]])
// CHECK: nvgpu.tma.async.load
// CHECK-NOT: nvvm.barrier0
// CHECK-NOT: bsattn.wgmma
// CHECK: llvm.return
!act = memref<1x2x512x128xf16>
func.func @persistent_ws(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                         %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32, tuning = #bsattn.tuning<warp_specialize = true, persistent = true>} {
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
