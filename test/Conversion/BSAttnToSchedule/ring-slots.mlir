// RUN: bsattn-opt %s --bsattn-fuse-softmax --convert-bsattn-to-schedule | FileCheck %s

// Ring step n of a three-stage K/V ring uses slot n % 3 with its mbarriers'
// phase parity (n / 3) % 2, computed in 32 bits (a 64-bit division by 3 is
// twice the uniform instructions on every key block).

// CHECK-LABEL: llvm.func @three_stages(
// CHECK: scf.for %{{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %[[STEP:.*]] = %{{.*}}) -> (
// The next step's refill first waits for its slot to be empty.
// CHECK: %[[NEXT:.*]] = arith.addi %[[STEP]], %{{.*}} : index
// CHECK: %[[NEXT32:.*]] = arith.index_castui %[[NEXT]] : index to i32
// CHECK: arith.remui %[[NEXT32]], %c3_i32 : i32
// CHECK: nvgpu.mbarrier.try_wait.parity
// CHECK: nvgpu.tma.async.load
// The consumers wait for this step's slot to be full.
// CHECK: scf.if %{{.*}} -> (
// CHECK: %[[STEP32:.*]] = arith.index_castui %[[STEP]] : index to i32
// CHECK: %[[SLOT32:.*]] = arith.remui %[[STEP32]], %c3_i32 : i32
// CHECK: %[[SLOT:.*]] = arith.index_castui %[[SLOT32]] : i32 to index
// CHECK: %[[ROUND:.*]] = arith.divui %[[STEP32]], %c3_i32 : i32
// CHECK: %[[PARITY:.*]] = arith.trunci %[[ROUND]] : i32 to i1
// CHECK: nvgpu.mbarrier.try_wait.parity %{{.*}}[%c0], %false
// CHECK: nvgpu.mbarrier.try_wait.parity %{{.*}}[%[[SLOT]]], %[[PARITY]]
// CHECK-NOT: arith.remui %{{.*}} : index
!act = memref<1x2x512x128xbf16>
func.func @three_stages(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                        %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = bf16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32, tuning = #bsattn.tuning<stages = 3>} {
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
