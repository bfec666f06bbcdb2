// RUN: bsattn-opt %s --bsattn-fuse-softmax --canonicalize | FileCheck %s

// With the tuning's announce_blocks, every entry takes a ring step (an
// ignored one on key block 0, as with overlap, which this tile does not
// have) and each load announces whether its entry is used; the loop masks
// the scores with the block and use it reads after the wait, so the entry
// it evaluates itself feeds nothing but the next load.

// CHECK-LABEL: func.func @announce
// CHECK: ^bb0(%{{.*}}: index, %{{.*}}: index, %[[QB:.*]]: index, %[[COUNT:.*]]: index, %[[SEQ:.*]]: index):
// CHECK: %[[USED0:.*]] = arith.cmpi sge, %[[QB]], %c0
// CHECK: bsattn.load_kv %c0, step %c0 announce %[[USED0]]
// CHECK: scf.for %[[N:.*]] = %{{.*}} to %[[COUNT]] step %{{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %[[STEP:.*]] = %{{.*}})
// CHECK: scf.if
// CHECK-NEXT: %[[NEXTUSED:.*]] = arith.cmpi sle
// CHECK-NEXT: %[[NEXTBLOCK:.*]] = arith.select %[[NEXTUSED]], %{{.*}}, %c0
// CHECK-NEXT: bsattn.load_kv %[[NEXTBLOCK]], step %{{.*}} announce %[[NEXTUSED]]
// CHECK-NEXT: }
// CHECK-NOT: scf.if
// CHECK: bsattn.wait_kv step %[[STEP]]
// CHECK-NEXT: %[[BLOCK:.*]], %[[USED:.*]] = bsattn.announced_block step %[[STEP]]
// CHECK-NEXT: %[[LEN:.*]] = arith.select %[[USED]], %[[SEQ]], %c0
// CHECK: %[[S:.*]] = bsattn.qk step %[[STEP]]
// CHECK: bsattn.mask %[[S]], key_block %[[BLOCK]], seq_len %[[LEN]]
// CHECK: bsattn.release_kv step %[[STEP]]
!act = memref<1x2x512x128xbf16>
func.func @announce(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                    %count: index, %seq: index) {
  bsattn.query_tile #bsattn.csr pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%count, %seq : index, index)
      attributes {block_size = 128 : i64, capture_names = ["count", "seq"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<stages = 3, warp_specialize = true, announce_blocks = true>} {
  ^bb0(%b: index, %h: index, %qb: index, %n: index, %len: index):
    bsattn.key_block_loop count(%n) seq_len(%len) {
    ^bb0(%e: index):
      %used = arith.cmpi sle, %e, %qb : index
      bsattn.yield_key_block %e, %used
    }
  }
  return
}

// A persistent tile's load of the next tile's entry 0 announces it too.

// CHECK-LABEL: func.func @announce_next_tile
// CHECK: %[[NB:.*]], %[[NH:.*]], %[[NQB:.*]], %[[HAS:.*]] = bsattn.next_tile
// CHECK: %[[NEXTUSED:.*]] = arith.cmpi sge, %[[NQB]], %c0
// CHECK: bsattn.load_kv %c0, step %{{.*}} announce %[[NEXTUSED]] head(%[[NB]], %[[NH]])
// CHECK: scf.for
// CHECK: bsattn.announced_block
func.func @announce_next_tile(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                              %count: index, %seq: index) {
  bsattn.query_tile #bsattn.csr pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%count, %seq : index, index)
      attributes {block_size = 128 : i64, capture_names = ["count", "seq"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<warp_specialize = true, overlap = true, persistent = true, announce_blocks = true>} {
  ^bb0(%b: index, %h: index, %qb: index, %n: index, %len: index):
    bsattn.key_block_loop count(%n) seq_len(%len) {
    ^bb0(%e: index):
      %used = arith.cmpi sle, %e, %qb : index
      bsattn.yield_key_block %e, %used
    }
  }
  return
}
