// RUN: bsattn-opt %s --bsattn-fuse-softmax | FileCheck %s

// A key-block loop becomes the pipelined online softmax: load Q (first in
// the tile, before anything the schedule reads), prefetch entry 0, then per
// entry prefetch the next used one into the next ring step, and compute only
// used entries.

// CHECK-LABEL: func.func @fuse
// CHECK: ^bb0(%{{.*}}: index, %{{.*}}: index, %[[QB:.*]]: index, %[[COUNT:.*]]: index, %[[SEQ:.*]]: index):
// CHECK-NEXT: bsattn.load_q
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[M0:.*]] = bsattn.splat %[[NINF]] : !bsattn.rows<128, f32>
// CHECK: %[[L0:.*]] = bsattn.splat %[[ZERO]] : !bsattn.rows<128, f32>
// CHECK: %[[A0:.*]] = bsattn.splat %[[ZERO]] : !bsattn.tile<128 x 128, f32>
// CHECK-NOT: bsattn.load_q
// CHECK: %[[ANY:.*]] = arith.cmpi slt, %[[C0]], %[[COUNT]]
// CHECK: scf.if %[[ANY]] {
// CHECK:   %[[V0:.*]] = arith.cmpi sle, %[[C0]], %[[QB]]
// CHECK:   scf.if %[[V0]] {
// CHECK:     bsattn.load_kv %[[C0]], step %[[C0]]
// CHECK: %[[R:.*]]:4 = scf.for %[[N:.*]] = %[[C0]] to %[[COUNT]] step %[[C1]] iter_args(%[[M:.*]] = %[[M0]], %[[L:.*]] = %[[L0]], %[[A:.*]] = %[[A0]], %[[STEP:.*]] = %[[C0]])
// CHECK:   %[[VALID:.*]] = arith.cmpi sle, %[[N]], %[[QB]]
// CHECK:   %[[INC:.*]] = arith.extui %[[VALID]] : i1 to i64
// CHECK:   %[[INCI:.*]] = arith.index_cast %[[INC]]
// CHECK:   %[[NEXTSTEP:.*]] = arith.addi %[[STEP]], %[[INCI]]
// CHECK:   %[[NEXT:.*]] = arith.addi %[[N]], %[[C1]]
// CHECK:   %[[MORE:.*]] = arith.cmpi slt, %[[NEXT]], %[[COUNT]]
// CHECK:   scf.if %[[MORE]] {
// CHECK:     scf.if
// CHECK:       bsattn.load_kv %[[NEXT]], step %[[NEXTSTEP]]
// CHECK:   %[[U:.*]]:3 = scf.if %[[VALID]]
// CHECK:     bsattn.wait_kv step %[[STEP]]
// CHECK:     %[[S:.*]] = bsattn.qk step %[[STEP]] : <128 x 128, f32>
// CHECK:     %[[SM:.*]] = bsattn.mask %[[S]], key_block %[[N]], seq_len %[[SEQ]]
// CHECK:     %[[P:.*]], %[[MN:.*]], %[[LN:.*]], %[[AL:.*]] = bsattn.online_softmax %[[SM]], %[[M]], %[[L]] scale_log2 = 0.72134751
// CHECK:     %[[ACC:.*]] = bsattn.pv %[[A]], %[[AL]], %[[P]], step %[[STEP]]
// CHECK:     bsattn.release_kv step %[[STEP]]
// CHECK:     scf.yield %[[MN]], %[[LN]], %[[ACC]]
// CHECK:   } else {
// CHECK:     scf.yield %[[M]], %[[L]], %[[A]]
// CHECK:   scf.yield %[[U]]#0, %[[U]]#1, %[[U]]#2, %[[NEXTSTEP]]
// CHECK: bsattn.store_output %[[R]]#2, %[[R]]#0, %[[R]]#1, seq_len %[[SEQ]]
// CHECK-NOT: bsattn.key_block_loop
!act = memref<1x2x512x128xbf16>
func.func @fuse(%q: !act, %o: !act, %lse: memref<1x2x512xf32>, %count: index,
                %seq: index) {
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%count, %seq : index, index)
      attributes {block_size = 128 : i64, capture_names = ["count", "seq"],
                  scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index, %n: index, %len: index):
    bsattn.key_block_loop count(%n) seq_len(%len) {
    ^bb0(%e: index):
      %used = arith.cmpi sle, %e, %qb : index
      bsattn.yield_key_block %e, %used
    }
  }
  return
}
