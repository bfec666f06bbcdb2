// RUN: bsattn-opt %s -split-input-file -verify-diagnostics

// One case per verifier message of the tile-level ops.

func.func @f(%n: index) {
  // expected-error @+1 {{'bsattn.load_kv' op must be nested in a 'bsattn.query_tile'}}
  bsattn.load_kv %n, step %n
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'bsattn.load_q' op must be nested in a 'bsattn.query_tile'}}
  bsattn.load_q
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %n: index, %t: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
    // expected-error @+1 {{'bsattn.qk' op scores must be a 128x128 f32 tile, got '!bsattn.tile<128 x 64, f32>'}}
    %s = bsattn.qk step %n : <128 x 64, f32>
  }
  return
}

// -----

// The scores are as wide as the tile's key tile: 64 keys with block_k = 64.
func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %n: index) {
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<block_k = 64>} {
  ^bb0(%b: index, %h: index, %qb: index):
    // expected-error @+1 {{'bsattn.qk' op scores must be a 128x64 f32 tile, got '!bsattn.tile<128 x 128, f32>'}}
    %s = bsattn.qk step %n : <128 x 128, f32>
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %n: index, %t: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %z = arith.constant 0.0 : f32
    %m = builtin.unrealized_conversion_cast %z : f32 to !bsattn.rows<64, f32>
    // expected-error @+1 {{'bsattn.online_softmax' op row state must hold 128 f32 rows, got '!bsattn.rows<64, f32>'}}
    %p:4 = bsattn.online_softmax %t, %m, %m scale_log2 = 1.0 : <128 x 128, f32>, <64, f32>
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %n: index, %t: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %z = arith.constant 0.0 : f32
    %a = builtin.unrealized_conversion_cast %z : f32 to !bsattn.tile<128 x 64, f32>
    // expected-error @+1 {{'bsattn.pv' op accumulator must be a 128x128 f32 tile, got '!bsattn.tile<128 x 64, f32>'}}
    %o2 = bsattn.pv %a, %r, %t, step %n : <128 x 64, f32>, <128, f32>, <128 x 128, f32>
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %n: index, %t: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %z = arith.constant 0.0 : f32
    %m = builtin.unrealized_conversion_cast %z : f32 to !bsattn.rows<64, f32>
    // expected-error @+1 {{'bsattn.store_output' op row state must hold 128 f32 rows, got '!bsattn.rows<64, f32>'}}
    bsattn.store_output %t, %m, %m, seq_len %n : <128 x 128, f32>, <64, f32>
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %n: index, %t: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %z = arith.constant 0.0 : f32
    %a = builtin.unrealized_conversion_cast %z : f32 to !bsattn.tile<128 x 256, f32>
    // expected-error @+1 {{'bsattn.store_output' op accumulator must be a 128x128 f32 tile, got '!bsattn.tile<128 x 256, f32>'}}
    bsattn.store_output %a, %r, %r, seq_len %n : <128 x 256, f32>, <128, f32>
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %n: index, %t: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
    // expected-error @+1 {{'bsattn.key_block_loop' op body must take one 'index' argument (the entry)}}
    bsattn.key_block_loop count(%n) seq_len(%n) {
    ^bb0(%e: i32):
      %true = arith.constant true
      bsattn.yield_key_block %n, %true
    }
  }
  return
}

// -----

func.func @f(%n: index) {
  // expected-error @+1 {{'bsattn.key_block_loop' op must be nested in a 'bsattn.query_tile'}}
  bsattn.key_block_loop count(%n) seq_len(%n) {
  ^bb0(%e: index):
    %true = arith.constant true
    bsattn.yield_key_block %e, %true
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %n: index, %t: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  // expected-error @+1 {{'bsattn.query_tile' op body must take 4 arguments (b, h, qb, then one per capture), got 3}}
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      captures(%n : index)
      attributes {block_size = 128 : i64, capture_names = ["n"], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %n: index, %t: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  // expected-error @+1 {{'bsattn.query_tile' op body argument #1 must be 'index'}}
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: i32, %qb: index):
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %n: index, %t: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  // expected-error @+1 {{'bsattn.query_tile' op body argument for capture #0 must have its type 'index'}}
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      captures(%n : index)
      attributes {block_size = 128 : i64, capture_names = ["n"], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index, %x: i64):
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %n: index, %t: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  // expected-error @+1 {{'bsattn.query_tile' op needs one capture name per capture, got 0 for 1}}
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      captures(%n : index)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index, %x: index):
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
    // expected-error @+1 {{'bsattn.next_tile' op exists only in a 'bsattn.query_tile' with a persistent tuning}}
    %nb, %nh, %nqb, %has_next = bsattn.next_tile
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
    // expected-error @+1 {{'bsattn.ring_start' op exists only in a 'bsattn.query_tile' with a persistent tuning}}
    %first, %step = bsattn.ring_start
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
    // expected-error @+1 {{'bsattn.load_q' op loads the next tile only in a 'bsattn.query_tile' with a persistent tuning}}
    bsattn.load_q next(%b, %h, %qb)
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<persistent = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
    // expected-error @+1 {{'bsattn.load_q' op takes no tile or the next tile's (b, h, qb), got 2 values}}
    bsattn.load_q next(%b, %h)
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
    // expected-error @+1 {{'bsattn.load_kv' op loads another head's block only in a 'bsattn.query_tile' with a persistent tuning}}
    bsattn.load_kv %qb, step %qb head(%b, %h)
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<persistent = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
    // expected-error @+1 {{'bsattn.load_kv' op takes no head or a (b, h) pair, got 1 values}}
    bsattn.load_kv %qb, step %qb head(%b)
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
    bsattn.load_kv %qb, step %qb
    bsattn.wait_kv step %qb
    // expected-error @+1 {{'bsattn.announced_block' op reads a block that no 'bsattn.load_kv' of its query tile announces}}
    %block, %used = bsattn.announced_block step %qb
  }
  return
}

// -----

func.func @f(%n: index) {
  // expected-error @+1 {{'bsattn.announced_block' op must be nested in a 'bsattn.query_tile'}}
  %block, %used = bsattn.announced_block step %n
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %c: i1) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<persistent = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %true = arith.constant true
    scf.if %true {
      // expected-error @+1 {{'bsattn.ring_end' op must be directly in the query tile's body}}
      bsattn.ring_end %qb
    }
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  // expected-error @+1 {{'bsattn.query_tile' op body holds more than one 'bsattn.ring_end'}}
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<persistent = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
    bsattn.ring_end %qb
    bsattn.ring_end %qb
  }
  return
}

// -----

// Operands of the wrong rank: the accessors and the lowering index q's
// shape [B, H, T, D].
func.func @f(%q: memref<2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  // expected-error @+1 {{'bsattn.query_tile' op 'q' must have rank 4 [B, H, T, D], got rank 3}}
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<2x256x128xbf16>, memref<2x256x128xbf16>, memref<2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<2x256xf32>) {
  // expected-error @+1 {{'bsattn.query_tile' op 'lse' must have rank 3 [B, H, T], got rank 2}}
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x?xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  // expected-error @+1 {{'bsattn.query_tile' op head dimension D must be static}}
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x?xbf16>, memref<1x2x256x?xbf16>, memref<1x2x256x?xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xf16>, %o: memref<1x2x256x128xf16>, %lse: memref<1x2x256xf32>) {
  // expected-error @+1 {{'bsattn.query_tile' op P.V precision 'split_bf16' needs bf16 inputs; f16 inputs take 'f16'}}
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xf16>, memref<1x2x256x128xf16>, memref<1x2x256x128xf16>) outs(%o, %lse : memref<1x2x256x128xf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  // expected-error @+1 {{'bsattn.query_tile' op scale must be positive and finite, got -1.000000e+00}}
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = -1.0 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %c: i1) {
  scf.if %c {
    // expected-error @+1 {{'bsattn.query_tile' op expects parent op 'func.func'}}
    bsattn.query_tile #bsattn.causal pv = split_bf16
        ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
        attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
    ^bb0(%b: index, %h: index, %qb: index):
    }
  }
  return
}

// -----

func.func @"k-1"(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  // expected-error @+1 {{'bsattn.query_tile' op needs a function name that is a PTX identifier ([A-Za-z][A-Za-z0-9_]* or _[A-Za-z0-9_]+) to name its kernel, got 'k-1'}}
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %n: index, %t: !bsattn.tile<128 x 64, f32>) {
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %z = arith.constant 0.0 : f32
    %s = builtin.unrealized_conversion_cast %z : f32 to !bsattn.tile<3 x 5, f32>
    // expected-error @+1 {{'bsattn.mask' op scores must be a 128x128 f32 tile, got '!bsattn.tile<3 x 5, f32>'}}
    %m = bsattn.mask %s, key_block %qb, seq_len %qb : <3 x 5, f32>
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %z = arith.constant 0.0 : f32
    // expected-error @+1 {{'bsattn.splat' op result must be a 128x128 f32 tile, got '!bsattn.tile<128 x 64, f32>'}}
    %s = bsattn.splat %z : !bsattn.tile<128 x 64, f32>
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %z = arith.constant 0.0 : f32
    // expected-error @+1 {{'bsattn.splat' op result must hold 128 f32 rows, got '!bsattn.rows<128, f16>'}}
    %s = bsattn.splat %z : !bsattn.rows<128, f16>
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %n: index, %t: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %z = arith.constant 0.0 : f32
    %a = bsattn.splat %z : !bsattn.tile<128 x 128, f32>
    %m = bsattn.splat %z : !bsattn.rows<128, f32>
    %p = bsattn.splat %z : !bsattn.tile<64 x 64, f32>
    // expected-error @-1 {{'bsattn.splat' op result must be a 128x128 f32 tile, got '!bsattn.tile<64 x 64, f32>'}}
  }
  return
}

// -----

// expected-error @+1 {{tile must have at least one row and one column, got 0x128}}
func.func @f(%t: !bsattn.tile<0 x 128, f32>) {
  return
}

// -----

// expected-error @+1 {{rows must hold at least one row, got -4}}
func.func @f(%t: !bsattn.rows<-4, f32>) {
  return
}

// -----

func.func @f(%q: memref<1x8x256x128xbf16>, %kv: memref<1x4x256x128xbf16>, %o: memref<1x8x256x128xbf16>, %lse: memref<1x8x256xf32>) {
  // expected-error @+1 {{'k' shape [1, 4, 256, 128] does not match [B, H / kv_group, T, D] = [1, 2, 256, 128] of the operands before it}}
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %kv, %kv : memref<1x8x256x128xbf16>, memref<1x4x256x128xbf16>, memref<1x4x256x128xbf16>) outs(%o, %lse : memref<1x8x256x128xbf16>, memref<1x8x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], kv_group = 4 : i64, scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}

// -----

func.func @f(%q: memref<1x8x256x128xbf16>, %o: memref<1x8x256x128xbf16>, %lse: memref<1x8x256xf32>) {
  // expected-error @+1 {{kv_group must be in [1, 2147483647], got -2}}
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x8x256x128xbf16>, memref<1x8x256x128xbf16>, memref<1x8x256x128xbf16>) outs(%o, %lse : memref<1x8x256x128xbf16>, memref<1x8x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], kv_group = -2 : i64, scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %n: index) {
  bsattn.query_tile #bsattn.full pv = split_bf16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %s = bsattn.qk step %n : <128 x 128, f32>
    // expected-error @+1 {{'bsattn.mask' op must have causal = false, as the tile's sparsity #bsattn.full}}
    %m = bsattn.mask %s, key_block %n, seq_len %n : <128 x 128, f32>
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
    // expected-error @+1 {{'bsattn.prefetch_q' op prefetches the next tile only in a 'bsattn.query_tile' with a persistent tuning}}
    bsattn.prefetch_q next(%b, %h, %qb)
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
    // expected-error @+1 {{'bsattn.tile_carried' op exists only in a 'bsattn.query_tile' with a persistent tuning}}
    %c = bsattn.tile_carried : index
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<persistent = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %c = bsattn.tile_carried : index
    %true = arith.constant true
    scf.if %true {
      // expected-error @+1 {{'bsattn.tile_carry' op must be directly in the query tile's body}}
      bsattn.tile_carry %c : index
    }
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  // expected-error @+1 {{'bsattn.query_tile' op body holds more than one 'bsattn.tile_carried' or 'bsattn.tile_carry'}}
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<persistent = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %c = bsattn.tile_carried : index
    bsattn.tile_carry %c : index
    bsattn.tile_carry %c : index
  }
  return
}

// -----

// A value handed over that nothing reads.
func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  // expected-error @+1 {{'bsattn.query_tile' op body holds a 'bsattn.tile_carry' without a 'bsattn.tile_carried'}}
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<persistent = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
    bsattn.tile_carry %qb : index
  }
  return
}

// -----

// Values read that no tile hands over.
func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  // expected-error @+1 {{'bsattn.query_tile' op body holds a 'bsattn.tile_carried' without a 'bsattn.tile_carry'}}
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<persistent = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %c = bsattn.tile_carried : index
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
  // expected-error @+1 {{'bsattn.query_tile' op body's 'bsattn.tile_carry' must pass the types of its 'bsattn.tile_carried'}}
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<persistent = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %c:2 = bsattn.tile_carried : i32, index
    bsattn.tile_carry %qb, %c#0 : index, i32
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %m: memref<4xvector<2xi32>>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      captures(%m : memref<4xvector<2xi32>>)
      attributes {block_size = 128 : i64, capture_names = ["m"], scale = 0.5 : f32, tuning = #bsattn.tuning<persistent = true>} {
  ^bb0(%b: index, %h: index, %qb: index, %arg: memref<4xvector<2xi32>>):
    %c0 = arith.constant 0 : index
    %v = memref.load %arg[%c0] : memref<4xvector<2xi32>>
    // expected-error @+1 {{'bsattn.tile_carry' op operand #0 must be variadic of index or signless integer or floating-point, but got 'vector<2xi32>'}}
    bsattn.tile_carry %v : vector<2xi32>
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %n: index, %t: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<persistent = true, single_query_buffer = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
    // expected-error @+1 {{'bsattn.load_q' op loads the next tile into the single query buffer only in a tile that frees it with 'bsattn.release_q'}}
    bsattn.load_q next(%b, %h, %qb)
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %n: index, %t: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<persistent = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
    // expected-error @+1 {{'bsattn.release_q' op releases the query buffer only with a single query buffer (tuning single_query_buffer = true)}}
    bsattn.release_q
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %n: index, %t: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index):
    // expected-error @+1 {{'bsattn.release_q' op releases the query buffer only in a 'bsattn.query_tile' with a persistent tuning}}
    bsattn.release_q
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %n: index, %t: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<persistent = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
    // expected-error @+1 {{'bsattn.store_output' op takes no ring steps or the tile's first and end ring steps, got 1 values}}
    bsattn.store_output %t, %r, %r, seq_len %n ring_steps(%n) : <128 x 128, f32>, <128, f32>
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %n: index, %t: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<persistent = true, block_k = 64>} {
  ^bb0(%b: index, %h: index, %qb: index):
    // expected-error @+1 {{'bsattn.store_output' op stages o in a ring slot's K half, which needs key tiles of the query tile's 128 rows, got 64}}
    bsattn.store_output %t, %r, %r, seq_len %n ring_steps(%n, %n) : <128 x 128, f32>, <128, f32>
  }
  return
}

// -----

func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>, %n: index, %t: !bsattn.tile<128 x 128, f32>, %r: !bsattn.rows<128, f32>) {
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<persistent = true, single_query_buffer = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
    // expected-error @+1 {{'bsattn.store_output' op stages o in a ring slot only in a tile that releases its query buffer with 'bsattn.release_q' after its products}}
    bsattn.store_output %t, %r, %r, seq_len %n ring_steps(%n, %n) : <128 x 128, f32>, <128, f32>
  }
  return
}

// -----

// A kernel's function must be directly in a module (here it is in a gpu.module).
gpu.module @m {
  func.func @f(%q: memref<1x2x256x128xbf16>, %o: memref<1x2x256x128xbf16>, %lse: memref<1x2x256xf32>) {
    // expected-error @+1 {{'bsattn.query_tile' op must be in a function directly in a module}}
    bsattn.query_tile #bsattn.causal pv = split_bf16
        ins(%q, %q, %q : memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>, memref<1x2x256x128xbf16>) outs(%o, %lse : memref<1x2x256x128xbf16>, memref<1x2x256xf32>)
        attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
    ^bb0(%b: index, %h: index, %qb: index):
    }
    return
  }
}

