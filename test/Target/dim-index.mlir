// RUN: bsattn-opt %s --bsattn-to-kernel -split-input-file -verify-diagnostics
// RUN: bsattn-opt %s --bsattn-to-ptx -split-input-file -verify-diagnostics
// RUN: bsattn-translate --emit-manifest %s -split-input-file -verify-diagnostics -o /dev/null

// Found by the fuzzer's sanitized time-seeded batch: T read with
// memref.dim at index -1 crashed the canonicalizer (MLIR's dim folders read
// past the shape). A constant dim index outside the rank is refused.

!act = memref<?x?x?x128xbf16>
func.func @f(%q: !act, %k: !act, %v: !act, %lens: memref<?xi32>, %o: !act,
             %lse: memref<?x?x?xf32>) {
  %c-1 = arith.constant -1 : index
  // expected-error @+1 {{'memref.dim' op index -1 is out of range for a memref of rank 4}}
  %t = memref.dim %q, %c-1 : !act
  bsattn.query_tile #bsattn.sliding_window<2> pv = f16
      ins(%q, %k, %v : !act, !act, !act) outs(%o, %lse : !act, memref<?x?x?xf32>)
      captures(%lens, %t : memref<?xi32>, index)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens", "seq_limit"],
                  scale = 0.0883883461 : f32, tuning = #bsattn.tuning<persistent = true>} {
  ^bb0(%b: index, %h: index, %qb: index, %sl: memref<?xi32>, %limit: index):
    %len32 = memref.load %sl[%b] : memref<?xi32>
    %len = arith.index_cast %len32 : i32 to index
    %c0 = arith.constant 0 : index
    %pos = arith.maxsi %len, %c0 : index
    %clamped = arith.minsi %pos, %limit : index
    %c1 = arith.constant 1 : index
    %n = arith.addi %qb, %c1 : index
    bsattn.key_block_loop count(%n) seq_len(%clamped) {
    ^bb0(%e: index):
      %true = arith.constant true
      bsattn.yield_key_block %e, %true
    }
  }
  return
}

// -----

// The same index reached by folding.
!act = memref<?x?x?x128xbf16>
func.func @g(%q: !act, %k: !act, %v: !act, %lens: memref<?xi32>, %o: !act,
             %lse: memref<?x?x?xf32>) {
  %zero = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %minus = arith.subi %zero, %c4 : index
  // expected-error @+1 {{'memref.dim' op index -4 is out of range for a memref of rank 4}}
  %t = memref.dim %q, %minus : !act
  bsattn.query_tile #bsattn.sliding_window<2> pv = f16
      ins(%q, %k, %v : !act, !act, !act) outs(%o, %lse : !act, memref<?x?x?xf32>)
      captures(%lens, %t : memref<?xi32>, index)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens", "seq_limit"],
                  scale = 0.0883883461 : f32, tuning = #bsattn.tuning<persistent = true>} {
  ^bb0(%b: index, %h: index, %qb: index, %sl: memref<?xi32>, %limit: index):
    %len32 = memref.load %sl[%b] : memref<?xi32>
    %len = arith.index_cast %len32 : i32 to index
    %c0 = arith.constant 0 : index
    %pos = arith.maxsi %len, %c0 : index
    %clamped = arith.minsi %pos, %limit : index
    %c1 = arith.constant 1 : index
    %n = arith.addi %qb, %c1 : index
    bsattn.key_block_loop count(%n) seq_len(%clamped) {
    ^bb0(%e: index):
      %true = arith.constant true
      bsattn.yield_key_block %e, %true
    }
  }
  return
}

