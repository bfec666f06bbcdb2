// RUN: bsattn-opt %s --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize), canonicalize))' | FileCheck %s
// RUN: sed 's/producer_convert = true/producer_convert = true, stages = 2, value_stages = 4/' %s | bsattn-opt --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize), canonicalize))' | FileCheck %s
// RUN: sed 's/, producer_convert = true//' %s | bsattn-opt --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize), canonicalize))' | FileCheck %s --check-prefix=CONSUMERS

// bf16 inputs with f16 P.V convert each V block to f16 in shared memory.
// With the tuning's producer_convert, the producer warpgroup's warps 1-3
// (threads 288-383) do it: they wait for the slot's V to land, convert,
// fence and arrive on the slot's conversion barrier, which then counts
// their 96 arrivals; the consumers wait for K before S and for the
// conversion before P.V, never for V's landing. The same holds with V in a
// ring of its own (value_stages = 4).

// CHECK: nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>>
// CHECK-NEXT: %[[KEYS:.*]] = nvgpu.mbarrier.create -> {{.*}} num_barriers = 2>
// CHECK-NEXT: %[[VALUES:.*]] = nvgpu.mbarrier.create -> {{.*}} num_barriers = {{2|4}}>
// CHECK: nvgpu.mbarrier.init %[[CONVERTED:.*]][%{{.*}}], %c96
// CHECK: bsattn.warp_specialize consumers
// CHECK-NOT: bsattn.convert_shared
// CHECK-NOT: nvgpu.mbarrier.try_wait.parity %[[VALUES]][
// CHECK: nvgpu.mbarrier.try_wait.parity %[[KEYS]][
// CHECK-NOT: nvgpu.mbarrier.try_wait.parity %[[VALUES]][
// CHECK: bsattn.wgmma_ss
// CHECK-NOT: nvgpu.mbarrier.try_wait.parity %[[VALUES]][
// CHECK: nvgpu.mbarrier.try_wait.parity %[[CONVERTED]]
// CHECK: bsattn.wgmma_rs
// CHECK-NOT: bsattn.convert_shared
// CHECK-NOT: nvgpu.mbarrier.try_wait.parity %[[VALUES]][
// CHECK: } producer(128 threads
// CHECK: %[[TID:.*]] = nvvm.read.ptx.sreg.tid.x
// CHECK: %[[WARP0:.*]] = arith.cmpi ult, %[[TID]], %c288_i32
// CHECK: scf.if %[[WARP0]] {
// CHECK: nvgpu.tma.async.load
// CHECK-NOT: bsattn.convert_shared
// CHECK: } else {
// CHECK-NOT: nvgpu.tma.async.load
// CHECK: scf.for
// CHECK: nvgpu.mbarrier.try_wait.parity %[[VALUES]][
// CHECK-NEXT: memref.subview
// CHECK-NEXT: bsattn.convert_shared %{{.*}} {first_thread = 288 : i64, threads = 96 : i64}
// CHECK-NEXT: nvvm.fence.proxy
// CHECK-NEXT: nvgpu.mbarrier.arrive %[[CONVERTED]]
// CHECK-NOT: bsattn.wgmma
// CHECK: llvm.return

// CONSUMERS: nvgpu.mbarrier.init %{{.*}}[%{{.*}}], %c256
// CONSUMERS: bsattn.warp_specialize consumers
// CONSUMERS: bsattn.convert_shared %{{.*}} : memref
// CONSUMERS: } producer(128 threads
// CONSUMERS-NOT: bsattn.convert_shared
// CONSUMERS-NOT: } else {
// CONSUMERS: llvm.return
!act = memref<1x2x512x128xbf16>
func.func @convert(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                   %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<warp_specialize = true, producer_convert = true>} {
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
