// RUN: bsattn-opt %s --bsattn-fuse-softmax -split-input-file -verify-diagnostics | FileCheck %s

// A persistent query tile: the first tile of a CTA loads its own Q and
// entry 0; every tile loads the next tile's Q at once and, after its last
// entry (or at once if it has none), the next tile's entry 0 -- whose
// schedule is the tile's prologue evaluated at the next tile's (b, h, qb).
// Ring steps continue from the tile's ring_start to its ring_end.

// CHECK-LABEL: func.func @persistent
// CHECK: ^bb0(%[[B:.*]]: index, %[[H:.*]]: index, %[[QB:.*]]: index, %[[LENS:.*]]: memref<?xi32>):
// CHECK: %[[LEN:.*]] = memref.load %[[LENS]][%[[B]]]
// CHECK: %[[COUNT:.*]] = arith.index_cast %[[LEN]]
// CHECK: %[[FIRST:.*]], %[[BASE:.*]] = bsattn.ring_start
// CHECK: %[[NB:.*]], %[[NH:.*]], %[[NQB:.*]], %[[HAS:.*]] = bsattn.next_tile
// CHECK: %[[NLEN:.*]] = memref.load %[[LENS]][%[[NB]]]
// CHECK: %[[NCOUNT:.*]] = arith.index_cast %[[NLEN]]
// CHECK: scf.if %[[FIRST]] {
// CHECK-NEXT: bsattn.load_q{{$}}
// CHECK: arith.cmpi slt, %{{.*}}, %[[COUNT]]
// CHECK: arith.cmpi sle, %{{.*}}, %[[QB]]
// CHECK: bsattn.load_kv %{{.*}}, step %[[BASE]]{{$}}
// CHECK: scf.if %[[HAS]] {
// CHECK-NEXT: bsattn.load_q next(%[[NB]], %[[NH]], %[[NQB]])
// CHECK: %[[NONE:.*]] = arith.cmpi eq, %[[COUNT]], %{{.*}}
// CHECK: %[[HANDOFF:.*]] = arith.andi %[[NONE]], %[[HAS]]
// CHECK: scf.if %[[HANDOFF]] {
// CHECK: arith.cmpi slt, %{{.*}}, %[[NCOUNT]]
// CHECK: arith.cmpi sle, %{{.*}}, %[[NQB]]
// CHECK: bsattn.load_kv %{{.*}}, step %[[BASE]] head(%[[NB]], %[[NH]])
// CHECK: %[[R:.*]]:4 = scf.for %{{.*}} = %{{.*}} to %[[COUNT]] step %{{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %[[STEP:.*]] = %[[BASE]])
// CHECK:   %[[NEXTSTEP:.*]] = arith.addi %[[STEP]], %{{.*}}
// CHECK:   %[[INTILE:.*]] = arith.cmpi slt, %{{.*}}, %[[COUNT]]
// CHECK:   scf.if %[[INTILE]] {
// CHECK:     bsattn.load_kv %{{.*}}, step %[[NEXTSTEP]]{{$}}
// CHECK:   } else {
// CHECK:     scf.if %[[HAS]] {
// CHECK:       bsattn.load_kv %{{.*}}, step %[[NEXTSTEP]] head(%[[NB]], %[[NH]])
// CHECK:   bsattn.wait_kv step %[[STEP]]
// CHECK: bsattn.store_output
// CHECK-NEXT: bsattn.ring_end %[[R]]#3
!act = memref<1x2x512x128xbf16>
func.func @persistent(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                      %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32, tuning = #bsattn.tuning<persistent = true>} {
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

// -----

// The next tile's schedule is its prologue run ahead: an op with effects
// there cannot be.
!act = memref<1x2x512x128xbf16>
func.func @effects(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                   %buf: memref<4xi32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%buf : memref<4xi32>)
      attributes {block_size = 128 : i64, capture_names = ["buf"],
                  scale = 0.5 : f32, tuning = #bsattn.tuning<persistent = true>} {
  ^bb0(%b: index, %h: index, %qb: index, %m: memref<4xi32>):
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : i32
    // expected-error @+1 {{'memref.store' op has side effects, so the persistent query tile cannot evaluate the next tile's schedule ahead}}
    memref.store %c1, %m[%c0] : memref<4xi32>
    bsattn.key_block_loop count(%qb) seq_len(%qb) {
    ^bb0(%e: index):
      %true = arith.constant true
      bsattn.yield_key_block %e, %true
    }
  }
  return
}

// -----

!act = memref<1x2x512x128xbf16>
func.func @nested(%q: !act, %o: !act, %lse: memref<1x2x512xf32>, %c: i1) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      attributes {block_size = 128 : i64, capture_names = [],
                  scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %true = arith.constant true
    scf.if %true {
      // expected-error @+1 {{'bsattn.key_block_loop' op must be directly in the query tile's body to be fused}}
      bsattn.key_block_loop count(%qb) seq_len(%qb) {
      ^bb0(%e: index):
        bsattn.yield_key_block %e, %true
      }
    }
  }
  return
}

// -----

// A body that reads the loop's count (bsattn-tile's descending_keys: entry
// count - 1 - e): the next tile's entry 0, loaded at the hand-off and after
// the last entry, is block NCOUNT - 1 of the next tile's own count.

// CHECK-LABEL: func.func @persistent_descending
// CHECK: %[[COUNT:.*]] = arith.index_cast
// CHECK: bsattn.next_tile
// CHECK: %[[NCOUNT:.*]] = arith.index_cast
// CHECK: scf.if %{{.*}} {
// CHECK: %[[LAST:.*]] = arith.subi %[[COUNT]], %c1
// CHECK: %[[J:.*]] = arith.subi %[[LAST]], %c0
// CHECK: bsattn.load_kv %[[J]], step %{{.*}}{{$}}
// CHECK: %[[NLAST:.*]] = arith.subi %[[NCOUNT]], %c1
// CHECK: %[[NJ:.*]] = arith.subi %[[NLAST]], %c0
// CHECK: bsattn.load_kv %[[NJ]], step %{{.*}} head(
// CHECK: scf.for
// CHECK: %[[LNLAST:.*]] = arith.subi %[[NCOUNT]], %c1
// CHECK: %[[LNJ:.*]] = arith.subi %[[LNLAST]], %c0
// CHECK: bsattn.load_kv %[[LNJ]], step %{{.*}} head(
!act = memref<1x2x512x128xbf16>
func.func @persistent_descending(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                                 %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<persistent = true, descending_keys = true>} {
  ^bb0(%b: index, %h: index, %qb: index, %l: memref<?xi32>):
    %len32 = memref.load %l[%b] : memref<?xi32>
    %n = arith.index_cast %len32 : i32 to index
    bsattn.key_block_loop count(%n) seq_len(%n) {
    ^bb0(%e: index):
      %c1 = arith.constant 1 : index
      %last = arith.subi %n, %c1 : index
      %j = arith.subi %last, %e : index
      %used = arith.cmpi sle, %j, %qb : index
      bsattn.yield_key_block %j, %used
    }
  }
  return
}

// -----

// With one Q buffer each tile loads its own Q, first in the tile (before
// its schedule's index loads), and has the next tile's Q brought into L2;
// only the CTA's first tile loads its own entry 0, and no tile loads the
// next one's Q into shared memory.

// CHECK-LABEL: func.func @single_query_buffer
// CHECK: ^bb0(%[[B:.*]]: index, %[[H:.*]]: index, %[[QB:.*]]: index, %[[LENS:.*]]: memref<?xi32>):
// CHECK-NEXT: bsattn.load_q{{$}}
// CHECK-NEXT: memref.load %[[LENS]][%[[B]]]
// CHECK: %[[FIRST:.*]], %[[BASE:.*]] = bsattn.ring_start
// CHECK: %[[NB:.*]], %[[NH:.*]], %[[NQB:.*]], %[[HAS:.*]] = bsattn.next_tile
// CHECK: scf.if %[[HAS]] {
// CHECK-NEXT: bsattn.prefetch_q next(%[[NB]], %[[NH]], %[[NQB]])
// CHECK: scf.if %[[FIRST]] {
// CHECK-NOT: bsattn.load_q
// CHECK: bsattn.load_kv %{{.*}}, step %[[BASE]]{{$}}
// CHECK-NOT: bsattn.load_q
// CHECK: bsattn.store_output
!act = memref<1x2x512x128xbf16>
func.func @single_query_buffer(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                               %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<persistent = true, single_query_buffer = true>} {
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

// -----

// carry_schedule: the schedule's loads become values of tile_carried
// (the arithmetic on them stays); after the key-block loop the tile
// evaluates the next tile's schedule again, and hands its loads over with
// tile_carry. The clone at the top still serves the next tile's entry 0.
// The loads of the entries stay in the loop.

// CHECK-LABEL: func.func @carry_schedule
// CHECK: ^bb0(%{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %[[LENS:.*]]: memref<?xi32>, %[[ROWS:.*]]: memref<?xi32>):
// CHECK-NEXT: %[[CARRIED:.*]]:2 = bsattn.tile_carried : i32, i32
// CHECK-NEXT: %[[N:.*]] = arith.index_cast %[[CARRIED]]#0
// CHECK-NEXT: %[[COUNT:.*]] = arith.index_cast %[[CARRIED]]#1
// CHECK: %[[NB:.*]], %{{.*}}, %{{.*}}, %{{.*}} = bsattn.next_tile
// CHECK-NEXT: memref.load %[[LENS]][%[[NB]]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[COUNT]]
// CHECK: %[[NLEN:.*]] = memref.load %[[LENS]][%[[NB]]]
// CHECK-NEXT: %[[NN:.*]] = arith.index_cast %[[NLEN]]
// CHECK-NEXT: %[[NROW:.*]] = memref.load %[[ROWS]][%[[NN]]]
// CHECK: bsattn.store_output %{{.*}}, seq_len %[[N]]
// CHECK-NEXT: bsattn.ring_end
// CHECK-NEXT: bsattn.tile_carry %[[NLEN]], %[[NROW]] : i32, i32
// CHECK-NEXT: }
!act = memref<1x2x512x128xbf16>
func.func @carry_schedule(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                          %lens: memref<?xi32>, %rows: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens, %rows : memref<?xi32>, memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens", "rows"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<persistent = true, carry_schedule = true>} {
  ^bb0(%b: index, %h: index, %qb: index, %l: memref<?xi32>, %r: memref<?xi32>):
    %len32 = memref.load %l[%b] : memref<?xi32>
    %n = arith.index_cast %len32 : i32 to index
    %row32 = memref.load %r[%n] : memref<?xi32>
    %count = arith.index_cast %row32 : i32 to index
    bsattn.key_block_loop count(%count) seq_len(%n) {
    ^bb0(%e: index):
      %used = arith.cmpi sle, %e, %qb : index
      bsattn.yield_key_block %e, %used
    }
  }
  return
}

// -----

// A schedule without loads carries nothing.

// CHECK-LABEL: func.func @carry_nothing
// CHECK: bsattn.tile_carried{{$}}
// CHECK: bsattn.tile_carry{{$}}
!act = memref<1x2x512x128xbf16>
func.func @carry_nothing(%q: !act, %o: !act, %lse: memref<1x2x512xf32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      attributes {block_size = 128 : i64, capture_names = [],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<persistent = true, carry_schedule = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %c1 = arith.constant 1 : index
    %n = arith.addi %qb, %c1 : index
    bsattn.key_block_loop count(%n) seq_len(%n) {
    ^bb0(%e: index):
      %true = arith.constant true
      bsattn.yield_key_block %e, %true
    }
  }
  return
}

// -----

// Only integers, indices and floats are carried.
!act = memref<1x2x512x128xbf16>
func.func @carry_vector(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                        %m: memref<4xvector<2xi32>>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%m : memref<4xvector<2xi32>>)
      attributes {block_size = 128 : i64, capture_names = ["m"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<persistent = true, carry_schedule = true>} {
  ^bb0(%b: index, %h: index, %qb: index, %arg: memref<4xvector<2xi32>>):
    // expected-error @+1 {{'memref.load' op reads 'vector<2xi32>', which cannot be carried to the next query tile (carry_schedule carries integers, indices and floats)}}
    %v = memref.load %arg[%b] : memref<4xvector<2xi32>>
    %x = vector.extract %v[0] : i32 from vector<2xi32>
    %n = arith.index_cast %x : i32 to index
    bsattn.key_block_loop count(%n) seq_len(%n) {
    ^bb0(%e: index):
      %true = arith.constant true
      bsattn.yield_key_block %e, %true
    }
  }
  return
}

// -----

// early_next_query: only the CTA's first tile loads its own Q (first in the
// tile); the loop releases every slot but the last entry's, where o is
// staged; after the loop the tile releases its Q buffer (if it had entries:
// otherwise after o has left it) and loads the next tile's Q into it, and
// after the store releases the last slot.

// CHECK-LABEL: func.func @early_next_query
// CHECK: ^bb0(
// CHECK-NEXT: %[[FIRST:.*]], %[[BASE:.*]] = bsattn.ring_start
// CHECK-NEXT: scf.if %[[FIRST]] {
// CHECK-NEXT: bsattn.load_q{{$}}
// CHECK: %[[COUNT:.*]] = arith.addi
// CHECK: %[[NB:.*]], %[[NH:.*]], %[[NQB:.*]], %[[HAS:.*]] = bsattn.next_tile
// CHECK-NOT: bsattn.load_q
// CHECK: %[[LOOP:.*]]:4 = scf.for %[[E:.*]] = %{{.*}} to %[[COUNT]]
// CHECK: %[[NEXT:.*]] = arith.addi %[[E]], %{{.*}} : index
// CHECK-NEXT: %[[IN_TILE:.*]] = arith.cmpi slt, %[[NEXT]], %[[COUNT]]
// CHECK: bsattn.pv
// CHECK-NEXT: scf.if %[[IN_TILE]] {
// CHECK-NEXT: bsattn.release_kv step
// CHECK: %[[ANY:.*]] = arith.cmpi sgt, %[[COUNT]], %{{.*}} : index
// CHECK-NEXT: scf.if %[[ANY]] {
// CHECK-NEXT: bsattn.release_q
// CHECK: scf.if %[[HAS]] {
// CHECK-NEXT: bsattn.load_q next(%[[NB]], %[[NH]], %[[NQB]])
// CHECK: bsattn.store_output %[[LOOP]]#2, %[[LOOP]]#0, %[[LOOP]]#1, seq_len %{{.*}} ring_steps(%[[BASE]], %[[LOOP]]#3)
// CHECK: %[[NONE:.*]] = arith.xori %[[ANY]], %{{.*}} : i1
// CHECK-NEXT: scf.if %[[NONE]] {
// CHECK-NEXT: bsattn.release_q
// CHECK: scf.if %[[ANY]] {
// CHECK-NEXT: %[[LAST:.*]] = arith.subi %[[LOOP]]#3, %{{.*}} : index
// CHECK-NEXT: bsattn.release_kv step %[[LAST]]
// CHECK: bsattn.ring_end %[[LOOP]]#3
!act = memref<1x2x512x128xbf16>
func.func @early_next_query(%q: !act, %o: !act, %lse: memref<1x2x512xf32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32,
                  tuning = #bsattn.tuning<persistent = true, warp_specialize = true, overlap = true, single_query_buffer = true, early_next_query = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %c1 = arith.constant 1 : index
    %n = arith.addi %qb, %c1 : index
    bsattn.key_block_loop count(%n) seq_len(%n) {
    ^bb0(%e: index):
      %true = arith.constant true
      bsattn.yield_key_block %e, %true
    }
  }
  return
}

// -----

// o fills the K half of a ring slot: key tiles narrower than the query tile
// are refused.
!act = memref<1x2x512x128xbf16>
func.func @early_next_query_narrow_keys(%q: !act, %o: !act, %lse: memref<1x2x512xf32>) {
  // expected-error @+1 {{'bsattn.query_tile' op has tuning early_next_query, which stages o in the K half of a ring slot: its key tiles must be as tall as its query tile (128 rows), got 64}}
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32,
                  tuning = #bsattn.tuning<block_k = 64, persistent = true, warp_specialize = true, overlap = true, single_query_buffer = true, early_next_query = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %c1 = arith.constant 1 : index
    %n = arith.addi %qb, %c1 : index
    bsattn.key_block_loop count(%n) seq_len(%n) {
    ^bb0(%e: index):
      %true = arith.constant true
      bsattn.yield_key_block %e, %true
    }
  }
  return
}
