// RUN: bsattn-opt %s --bsattn-fuse-softmax --canonicalize | FileCheck %s

// With the tuning's overlap, every entry runs its products: an ignored one
// loads key block 0 and masks every key (seq_len 0) instead of being
// skipped under a branch, and the ring advances on every entry, so that
// bsattn-overlap can pipeline the loop.

// CHECK-LABEL: func.func @mask_ignored
// CHECK: ^bb0(%{{.*}}: index, %{{.*}}: index, %[[QB:.*]]: index, %[[COUNT:.*]]: index, %[[SEQ:.*]]: index):
// CHECK: scf.for %[[N:.*]] = %{{.*}} to %[[COUNT]] step %{{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %[[STEP:.*]] = %{{.*}})
// CHECK-DAG: %[[USED:.*]] = arith.cmpi sle, %[[N]], %[[QB]]
// CHECK-DAG: %[[BLOCK:.*]] = arith.select %[[USED]], %[[N]], %c0
// CHECK-DAG: %[[LEN:.*]] = arith.select %[[USED]], %[[SEQ]], %c0
// CHECK-DAG: %[[NEXTSTEP:.*]] = arith.addi %[[STEP]], %c1
// The next entry's load is unconditional but for the end of the list.
// CHECK: scf.if
// CHECK-NEXT: %[[NEXTUSED:.*]] = arith.cmpi sle
// CHECK-NEXT: %[[NEXTBLOCK:.*]] = arith.select %[[NEXTUSED]], %{{.*}}, %c0
// CHECK-NEXT: bsattn.load_kv %[[NEXTBLOCK]], step %[[NEXTSTEP]]
// CHECK-NEXT: }
// CHECK-NOT: scf.if
// CHECK: bsattn.wait_kv step %[[STEP]]
// CHECK: %[[S:.*]] = bsattn.qk step %[[STEP]]
// CHECK: bsattn.mask %[[S]], key_block %[[BLOCK]], seq_len %[[LEN]]
// CHECK: bsattn.pv
// CHECK: bsattn.release_kv step %[[STEP]]
// CHECK: scf.yield %{{.*}}, %{{.*}}, %{{.*}}, %[[NEXTSTEP]]
!act = memref<1x2x512x128xbf16>
func.func @mask_ignored(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                        %count: index, %seq: index) {
  bsattn.query_tile #bsattn.csr pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%count, %seq : index, index)
      attributes {block_size = 128 : i64, capture_names = ["count", "seq"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<stages = 3, warp_specialize = true, overlap = true>} {
  ^bb0(%b: index, %h: index, %qb: index, %n: index, %len: index):
    bsattn.key_block_loop count(%n) seq_len(%len) {
    ^bb0(%e: index):
      %used = arith.cmpi sle, %e, %qb : index
      bsattn.yield_key_block %e, %used
    }
  }
  return
}

// A persistent tile loads the next tile's entry 0 the same way (after its
// last entry, or at once when it has none): block 0 for an ignored entry,
// never skipped, since the next tile's consumers wait for it.

// CHECK-LABEL: func.func @mask_ignored_next_tile
// CHECK: ^bb0(%{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %[[COUNT:.*]]: index, %{{.*}}: index):
// CHECK: %[[FIRST:.*]], %[[BASE:.*]] = bsattn.ring_start
// CHECK: %[[NB:.*]], %[[NH:.*]], %[[NQB:.*]], %[[HAS:.*]] = bsattn.next_tile
// CHECK: bsattn.load_q next(%[[NB]], %[[NH]], %[[NQB]])
// Entry 0 of the next tile is used or not depending on its query block:
// the loads do not ask.
// CHECK-NOT: %[[NQB]]
// CHECK: arith.cmpi sgt, %[[COUNT]], %c0
// CHECK-NEXT: scf.if
// CHECK-NEXT: bsattn.load_kv %c0, step %[[BASE]] head(%[[NB]], %[[NH]])
// CHECK-NOT: %[[NQB]]
// CHECK: scf.for
// CHECK-NOT: %[[NQB]]
// CHECK: } else {
// CHECK-NEXT: scf.if %[[HAS]] {
// CHECK-NEXT: arith.cmpi sgt, %[[COUNT]], %c0
// CHECK-NEXT: scf.if
// CHECK-NEXT: bsattn.load_kv %c0, step %{{.*}} head(%[[NB]], %[[NH]])
// CHECK-NOT: %[[NQB]]
// CHECK: bsattn.ring_end
func.func @mask_ignored_next_tile(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                                  %count: index, %seq: index) {
  bsattn.query_tile #bsattn.csr pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%count, %seq : index, index)
      attributes {block_size = 128 : i64, capture_names = ["count", "seq"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<warp_specialize = true, overlap = true, persistent = true>} {
  ^bb0(%b: index, %h: index, %qb: index, %n: index, %len: index):
    bsattn.key_block_loop count(%n) seq_len(%len) {
    ^bb0(%e: index):
      %used = arith.cmpi sle, %e, %qb : index
      bsattn.yield_key_block %e, %used
    }
  }
  return
}
