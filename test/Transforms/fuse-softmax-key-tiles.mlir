// RUN: bsattn-opt %s --bsattn-fuse-softmax | FileCheck %s

// The tile ops work on the query tile's key tile: with D = 256 (block_k
// chosen as 64) the scores and probabilities are 128 x 64 and the
// accumulator 128 x 256.

// CHECK-LABEL: func.func @key_tiles
// CHECK: %[[A0:.*]] = bsattn.splat %{{.*}} : !bsattn.tile<128 x 256, f32>
// CHECK: %[[S:.*]] = bsattn.qk step %{{.*}} : <128 x 64, f32>
// CHECK: %[[SM:.*]] = bsattn.mask %[[S]], key_block %{{.*}}, seq_len %{{.*}} : <128 x 64, f32>
// CHECK: bsattn.online_softmax %[[SM]], {{.*}} : <128 x 64, f32>, <128, f32>
// CHECK: bsattn.pv {{.*}} : <128 x 256, f32>, <128, f32>, <128 x 64, f32>
!act = memref<1x2x512x256xf16>
func.func @key_tiles(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                     %count: index, %seq: index) {
  bsattn.query_tile #bsattn.causal pv = f16
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

// With 192-row query tiles (block_q = 192, three consumer warpgroups) the
// scores, probabilities, accumulator and row state have 192 rows.

// CHECK-LABEL: func.func @query_tiles
// CHECK: %[[A1:.*]] = bsattn.splat %{{.*}} : !bsattn.tile<192 x 64, f32>
// CHECK: %[[S1:.*]] = bsattn.qk step %{{.*}} : <192 x 128, f32>
// CHECK: %[[SM1:.*]] = bsattn.mask %[[S1]], key_block %{{.*}}, seq_len %{{.*}} : <192 x 128, f32>
// CHECK: bsattn.online_softmax %[[SM1]], {{.*}} : <192 x 128, f32>, <192, f32>
// CHECK: bsattn.pv {{.*}} : <192 x 64, f32>, <192, f32>, <192 x 128, f32>
// CHECK: bsattn.store_output {{.*}} : <192 x 64, f32>, <192, f32>
!d64 = memref<1x2x512x64xf16>
func.func @query_tiles(%q: !d64, %o: !d64, %lse: memref<1x2x512xf32>,
                       %count: index, %seq: index) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !d64, !d64, !d64) outs(%o, %lse : !d64, memref<1x2x512xf32>)
      captures(%count, %seq : index, index)
      attributes {block_size = 128 : i64, capture_names = ["count", "seq"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<block_q = 192, warpgroups = 3>} {
  ^bb0(%b: index, %h: index, %qb: index, %n: index, %len: index):
    bsattn.key_block_loop count(%n) seq_len(%len) {
    ^bb0(%e: index):
      %used = arith.constant true
      bsattn.yield_key_block %e, %used
    }
  }
  return
}
