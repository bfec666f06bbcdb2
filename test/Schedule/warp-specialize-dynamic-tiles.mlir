// RUN: bsattn-opt %s --bsattn-fuse-softmax --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize), canonicalize))' | FileCheck %s
// RUN: sed 's/, producer_convert = true//' %s | bsattn-opt --bsattn-fuse-softmax --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize), canonicalize))' | FileCheck %s --check-prefix=ISSUER

// Dynamic tiles: the consumers' leader (thread 0) claims tiles from the
// global counter and hands each to the CTA through shared memory behind
// the tile-start barrier. Every role that runs the tile loop reads the
// claim there, so with producer_convert the barrier holds the converting
// warps as well (256 + 128 threads); without, the consumers and the
// load-issuing warp (256 + 32). Only the consumers claim and count
// themselves done; the producer's copies of those atomics are dropped.

// CHECK-LABEL: llvm.func @dynamic_ws(
// CHECK-DAG: %[[ID:.*]] = arith.constant 7 : i32
// CHECK-DAG: %[[COUNT:.*]] = arith.constant 384 : i32
// CHECK: bsattn.warp_specialize consumers(256 threads, 168 registers) {
// CHECK: memref.atomic_rmw addi
// CHECK: scf.while
// CHECK: llvm.call_intrinsic "llvm.nvvm.barrier.cta.sync.count"(%[[ID]], %[[COUNT]])
// CHECK: memref.load %{{.*}} : memref<2xi32, #gpu.address_space<workgroup>>
// CHECK: memref.atomic_rmw addi
// CHECK: bsattn.wgmma_ss
// CHECK: memref.atomic_rmw addi
// CHECK: } producer(128 threads, 168 registers) {
// CHECK-NOT: memref.atomic_rmw
// CHECK: scf.while
// CHECK: llvm.call_intrinsic "llvm.nvvm.barrier.cta.sync.count"(%[[ID]], %[[COUNT]])
// CHECK: memref.load %{{.*}} : memref<2xi32, #gpu.address_space<workgroup>>
// CHECK-NOT: memref.atomic_rmw
// CHECK: nvgpu.tma.async.load
// CHECK-NOT: memref.atomic_rmw
// CHECK: } else {
// CHECK-NOT: memref.atomic_rmw
// CHECK: scf.while
// CHECK: llvm.call_intrinsic "llvm.nvvm.barrier.cta.sync.count"(%[[ID]], %[[COUNT]])
// CHECK: memref.load %{{.*}} : memref<2xi32, #gpu.address_space<workgroup>>
// CHECK-NOT: memref.atomic_rmw
// CHECK: bsattn.convert_shared
// CHECK-NOT: memref.atomic_rmw
// CHECK: llvm.return

// ISSUER-DAG: %[[COUNT:.*]] = arith.constant 288 : i32
// ISSUER: bsattn.warp_specialize
// ISSUER: llvm.call_intrinsic "llvm.nvvm.barrier.cta.sync.count"(%{{.*}}, %[[COUNT]])
// ISSUER: } producer(128 threads, 168 registers) {
// ISSUER: llvm.call_intrinsic "llvm.nvvm.barrier.cta.sync.count"(%{{.*}}, %[[COUNT]])
// ISSUER-NOT: bsattn.convert_shared
// ISSUER: llvm.return
!act = memref<1x2x512x128xbf16>
func.func @dynamic_ws(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                      %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<warp_specialize = true, producer_convert = true, persistent = true, dynamic_tiles = true>} {
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
