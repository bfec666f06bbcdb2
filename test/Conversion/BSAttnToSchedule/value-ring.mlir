// RUN: bsattn-opt %s --bsattn-fuse-softmax --convert-bsattn-to-schedule | FileCheck %s
// RUN: sed 's/value_stages = 4>/value_stages = 4, warp_specialize = true, overlap = true>/' %s | bsattn-opt --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-overlap), canonicalize))' | FileCheck %s --check-prefix=OVERLAP

// With value_stages, V has a ring of its own: K in `stages` slots (here 2),
// V in `value_stages` (4), each with "landed" and "empty" barriers. A load fills
// K's slot (step % 2) and V's (step % 4), each expecting one tile's bytes;
// K's slot is released right after Q.K^T has been waited for, V's after
// P.V, and P.V waits for V's own barrier.

// CHECK-LABEL: llvm.func @value_ring(
// CHECK: %[[KEYS:.*]] = bsattn.shared_alloc swizzle = 128 : memref<2x1x2x128x64xbf16
// CHECK: %[[VALUES:.*]] = bsattn.shared_alloc swizzle = 128 : memref<4x1x2x128x64xbf16
// CHECK: %[[KFULL:.*]] = nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>, num_barriers = 2>
// CHECK-NEXT: %[[VFULL:.*]] = nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>, num_barriers = 4>
// CHECK-NEXT: %[[KEMPTY:.*]] = nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>, num_barriers = 2>
// CHECK-NEXT: %[[VEMPTY:.*]] = nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>, num_barriers = 4>
// CHECK: scf.for
// The refill: K's slot, then V's.
// CHECK: arith.remui %{{.*}}, %c2_i32 : i32
// CHECK: nvgpu.mbarrier.try_wait.parity %[[KEMPTY]]
// CHECK: nvgpu.mbarrier.arrive.expect_tx %[[KFULL]][%{{.*}}], %c32768
// CHECK: nvgpu.tma.async.load %{{.*}}, %[[KFULL]]
// CHECK: nvgpu.tma.async.load %{{.*}}, %[[KFULL]]
// CHECK: arith.remui %{{.*}}, %c4_i32 : i32
// CHECK: nvgpu.mbarrier.try_wait.parity %[[VEMPTY]]
// CHECK: nvgpu.mbarrier.arrive.expect_tx %[[VFULL]][%{{.*}}], %c32768
// CHECK: nvgpu.tma.async.load %{{.*}}, %[[VFULL]]
// CHECK: nvgpu.tma.async.load %{{.*}}, %[[VFULL]]
// This step: K landed, S, K's slot back.
// CHECK: nvgpu.mbarrier.try_wait.parity %[[KFULL]]
// CHECK: bsattn.wgmma_ss %{{.*}}, %{{.*}} : memref<2x128x64xbf16
// CHECK: bsattn.wgmma_wait
// CHECK-NEXT: nvgpu.mbarrier.arrive %[[KEMPTY]]
// CHECK: bsattn.online_softmax
// V landed, P.V on V's slot, V's slot back.
// CHECK: nvgpu.mbarrier.try_wait.parity %[[VFULL]]
// CHECK: %[[V:.*]] = memref.subview %[[VALUES]]
// CHECK: bsattn.wgmma_rs %{{.*}}, %{{.*}}, %[[V]]
// CHECK: bsattn.wgmma_wait
// CHECK: nvgpu.mbarrier.arrive %[[VEMPTY]]
// CHECK-NOT: nvgpu.mbarrier.arrive %[[KEMPTY]]
// CHECK: scf.yield
// Under the overlap K's slot still goes back right after S(j) is waited
// for (pending = 1: P(j-1).V(j-1) in flight), so the re-check that keeps
// the softmax before the wait for O is on the tile's Q, which stays
// complete, and not on K, whose slot may be refilled by then.
// OVERLAP: %[[QUERY:.*]] = nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>>
// OVERLAP-NEXT: %[[KFULL:.*]] = nvgpu.mbarrier.create -> {{.*}} num_barriers = 2>
// OVERLAP-NEXT: %[[VFULL:.*]] = nvgpu.mbarrier.create -> {{.*}} num_barriers = 4>
// OVERLAP-NEXT: %[[KEMPTY:.*]] = nvgpu.mbarrier.create -> {{.*}} num_barriers = 2>
// OVERLAP-NEXT: %[[VEMPTY:.*]] = nvgpu.mbarrier.create -> {{.*}} num_barriers = 4>
// OVERLAP: scf.for
// OVERLAP: nvgpu.mbarrier.try_wait.parity %[[KFULL]]
// OVERLAP: %[[S:.*]] = bsattn.wgmma_ss
// OVERLAP: %[[PV:.*]] = bsattn.wgmma_rs
// OVERLAP: bsattn.wgmma_wait %[[S]] pending = 1
// OVERLAP-NEXT: nvgpu.mbarrier.arrive %[[KEMPTY]]
// OVERLAP: bsattn.online_softmax
// OVERLAP: nvgpu.mbarrier.try_wait.parity %[[VFULL]]
// OVERLAP-NEXT: nvgpu.mbarrier.try_wait.parity %[[QUERY]]
// OVERLAP-NEXT: bsattn.wgmma_wait %[[PV]] pending = 0
// OVERLAP: nvgpu.mbarrier.arrive %[[VEMPTY]]
// OVERLAP: scf.yield
!act = memref<1x2x512x128xbf16>
func.func @value_ring(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                      %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = bf16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<stages = 2, value_stages = 4>} {
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
