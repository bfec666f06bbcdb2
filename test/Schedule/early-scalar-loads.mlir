// RUN: bsattn-opt %s --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-early-scalar-loads)))' | FileCheck %s
// RUN: sed 's/, early_scalar_loads = true//' %s | bsattn-opt --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-early-scalar-loads)))' | FileCheck %s --check-prefix=OFF

// With early_scalar_loads the load of the batch's seq_len, with the
// coordinates it is indexed by, issues before the set-up barrier; the
// key-block count made from it and the first TMA loads stay after it.
// Without the tuning the pass leaves the kernel alone.

// CHECK-LABEL: llvm.func @early(
// CHECK: nvvm.fence.mbarrier.init
// CHECK: %[[BATCH:.*]] = nvvm.read.ptx.sreg.ctaid.z
// CHECK: %[[LEN:.*]] = memref.load %{{.*}}[%{{.*}}] : memref<?xi32, #gpu.address_space<global>>
// CHECK-NEXT: nvvm.barrier0
// CHECK-NOT: memref.load
// CHECK: arith.index_cast %[[LEN]]
// CHECK: nvgpu.tma.async.load

// OFF-LABEL: llvm.func @early(
// OFF: nvvm.barrier0
// OFF: memref.load %{{.*}}[%{{.*}}] : memref<?xi32, #gpu.address_space<global>>
// OFF: nvgpu.tma.async.load
!act = memref<1x2x512x128xf16>
func.func @early(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                 %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<warp_specialize = true, early_scalar_loads = true>} {
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
