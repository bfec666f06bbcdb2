// RUN: bsattn-opt %s --bsattn-fuse-softmax --convert-bsattn-to-schedule | FileCheck %s
// RUN: sed 's/pv = bf16/pv = f16/' %s | bsattn-opt --bsattn-fuse-softmax --convert-bsattn-to-schedule | FileCheck %s --check-prefix=CONVERT

// A ring slot's K and V land on mbarriers of their own, each expecting its
// 32 KiB: S(j) waits for K(j) only, P(j).V(j) for V(j) (as
// FlashAttention-3's separate K and V pipelines).

// CHECK-LABEL: llvm.func @kv_barriers(
// CHECK: nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>>
// CHECK-NEXT: %[[KEYS:.*]] = nvgpu.mbarrier.create -> {{.*}} num_barriers = 2>
// CHECK-NEXT: %[[VALUES:.*]] = nvgpu.mbarrier.create -> {{.*}} num_barriers = 2>
// CHECK: nvgpu.mbarrier.init %[[KEYS]][%{{.*}}], %c1
// CHECK: nvgpu.mbarrier.init %[[VALUES]][%{{.*}}], %c1
// CHECK: scf.for
// CHECK: nvgpu.mbarrier.arrive.expect_tx %[[KEYS]][%[[SLOT:[0-9]+]]], %c32768
// CHECK: nvgpu.tma.async.load %{{.*}}, %[[KEYS]][%[[SLOT]]] to
// CHECK: nvgpu.tma.async.load %{{.*}}, %[[KEYS]][%[[SLOT]]] to
// CHECK: nvgpu.mbarrier.arrive.expect_tx %[[VALUES]][%[[SLOT]]], %c32768
// CHECK: nvgpu.tma.async.load %{{.*}}, %[[VALUES]][%[[SLOT]]] to
// CHECK: nvgpu.tma.async.load %{{.*}}, %[[VALUES]][%[[SLOT]]] to
// CHECK: nvgpu.mbarrier.try_wait.parity %[[KEYS]][
// CHECK-NOT: nvgpu.mbarrier.try_wait.parity %[[VALUES]][
// CHECK: bsattn.wgmma_ss
// CHECK: nvgpu.mbarrier.try_wait.parity %[[VALUES]][
// CHECK: bsattn.wgmma_rs

// bf16 inputs with f16 P.V: V is converted as soon as it has landed, and
// P.V waits for the conversion.
// CONVERT: %[[KEYS:.*]] = nvgpu.mbarrier.create -> {{.*}} num_barriers = 2>
// CONVERT-NEXT: %[[VALUES:.*]] = nvgpu.mbarrier.create -> {{.*}} num_barriers = 2>
// CONVERT-NEXT: nvgpu.mbarrier.create
// CONVERT-NEXT: %[[CONVERTED:.*]] = nvgpu.mbarrier.create -> {{.*}} num_barriers = 2>
// CONVERT: scf.for
// CONVERT: nvgpu.mbarrier.try_wait.parity %[[KEYS]][
// CONVERT: nvgpu.mbarrier.try_wait.parity %[[VALUES]][
// CONVERT-NEXT: memref.subview
// CONVERT-NEXT: bsattn.convert_shared
// CONVERT: bsattn.wgmma_ss
// CONVERT-NOT: nvgpu.mbarrier.try_wait.parity %[[VALUES]][
// CONVERT: nvgpu.mbarrier.try_wait.parity %[[CONVERTED]][
// CONVERT: bsattn.wgmma_rs
!act = memref<1x2x512x128xbf16>
func.func @kv_barriers(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                       %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = bf16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
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
