// RUN: bsattn-opt %s | bsattn-opt | FileCheck %s
// RUN: bsattn-opt %s -mlir-print-op-generic | bsattn-opt | FileCheck %s

// The ops of a persistent query tile in their custom form.

// CHECK: tuning = #bsattn.tuning<persistent = true>
// CHECK: %[[FIRST:.*]], %[[STEP:.*]] = bsattn.ring_start
// CHECK: %[[B:.*]], %[[H:.*]], %[[QB:.*]], %[[HAS:.*]] = bsattn.next_tile
// CHECK-NEXT: %[[CARRIED:.*]]:2 = bsattn.tile_carried : i32, index
// CHECK: scf.if %[[FIRST]] {
// CHECK-NEXT: bsattn.load_q{{$}}
// CHECK: scf.if %[[HAS]] {
// CHECK-NEXT: bsattn.load_q next(%[[B]], %[[H]], %[[QB]])
// CHECK-NEXT: bsattn.load_kv %[[QB]], step %[[STEP]] head(%[[B]], %[[H]])
// CHECK-NEXT: bsattn.prefetch_q next(%[[B]], %[[H]], %[[QB]])
// CHECK: bsattn.ring_end %[[STEP]]
// CHECK-NEXT: bsattn.tile_carry %[[CARRIED]]#0, %[[QB]] : i32, index

!act = memref<?x?x?x128xbf16>
func.func @attn(%q: !act, %k: !act, %v: !act, %o: !act,
                %lse: memref<?x?x?xf32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %k, %v : !act, !act, !act) outs(%o, %lse : !act, memref<?x?x?xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32,
                  tuning = #bsattn.tuning<persistent = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %first, %step = bsattn.ring_start
    %nb, %nh, %nqb, %has_next = bsattn.next_tile
    %carried:2 = bsattn.tile_carried : i32, index
    scf.if %first {
      bsattn.load_q
    }
    scf.if %has_next {
      bsattn.load_q next(%nb, %nh, %nqb)
      bsattn.load_kv %nqb, step %step head(%nb, %nh)
      bsattn.prefetch_q next(%nb, %nh, %nqb)
    }
    bsattn.ring_end %step
    bsattn.tile_carry %carried#0, %nqb : i32, index
  }
  return
}

// One query buffer that the tile releases to the next tile's Q, and o staged
// in the last key block's ring slot.

// CHECK-LABEL: func.func @early_next_query
// CHECK: scf.if %{{.*}} {
// CHECK-NEXT: bsattn.release_q{{$}}
// CHECK: bsattn.load_q next(
// CHECK: bsattn.store_output %{{.*}}, %{{.*}}, %{{.*}}, seq_len %{{.*}} ring_steps(%[[FIRST:.*]], %[[END:.*]]) : <128 x 128, f32>, <128, f32>
// CHECK: bsattn.ring_end %[[END]]
func.func @early_next_query(%q: !act, %k: !act, %v: !act, %o: !act,
                            %lse: memref<?x?x?xf32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %k, %v : !act, !act, !act) outs(%o, %lse : !act, memref<?x?x?xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32,
                  tuning = #bsattn.tuning<persistent = true, single_query_buffer = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %first, %step = bsattn.ring_start
    %nb, %nh, %nqb, %has_next = bsattn.next_tile
    %c0 = arith.constant 0.0 : f32
    %acc = bsattn.splat %c0 : !bsattn.tile<128 x 128, f32>
    %rows = bsattn.splat %c0 : !bsattn.rows<128, f32>
    %c1 = arith.constant 1 : index
    %end = arith.addi %step, %c1 : index
    scf.if %first {
      bsattn.release_q
    }
    scf.if %has_next {
      bsattn.load_q next(%nb, %nh, %nqb)
    }
    bsattn.store_output %acc, %rows, %rows, seq_len %qb ring_steps(%step, %end) : <128 x 128, f32>, <128, f32>
    bsattn.ring_end %end
  }
  return
}
