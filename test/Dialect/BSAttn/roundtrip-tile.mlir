// RUN: bsattn-opt %s | bsattn-opt | FileCheck %s
// RUN: bsattn-opt %s -mlir-print-op-generic | bsattn-opt | FileCheck %s

// Every tile-level op and type in its custom form.

// CHECK: bsattn.query_tile #bsattn.causal pv = split_bf16 ins(%arg0, %arg1, %arg2 : memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>) outs(%arg4, %arg5 : memref<?x?x?x128xbf16>, memref<?x?x?xf32>) captures(%arg3, %{{.*}} : memref<?xi32>, index) attributes {block_size = 128 : i64, capture_names = ["seq_lens", "seq_limit"], scale = 5.000000e-01 : f32, tuning = #bsattn.tuning<>}
// CHECK: ^bb0(%{{.*}}: index, %{{.*}}: index, %[[QB:.*]]: index, %{{.*}}: memref<?xi32>, %{{.*}}: index):
// CHECK: %[[M0:.*]] = bsattn.splat %{{.*}} : !bsattn.rows<128, f32>
// CHECK: %[[A0:.*]] = bsattn.splat %{{.*}} : !bsattn.tile<128 x 128, f32>
// CHECK: bsattn.load_q
// CHECK: bsattn.load_kv %[[QB]], step %[[C0:.*]]
// CHECK: bsattn.wait_kv step %[[C0]]
// CHECK: %[[S:.*]] = bsattn.qk step %[[C0]] : <128 x 128, f32>
// CHECK: %[[SM:.*]] = bsattn.mask %[[S]], key_block %[[QB]], seq_len %[[LEN:.*]] : <128 x 128, f32>
// CHECK: %[[P:.*]], %[[M:.*]], %[[L:.*]], %[[AL:.*]] = bsattn.online_softmax %[[SM]], %[[M0]], %{{.*}} scale_log2 = 7.200000e-01 : <128 x 128, f32>, <128, f32>
// CHECK: %[[A:.*]] = bsattn.pv %[[A0]], %[[AL]], %[[P]], step %[[C0]] : <128 x 128, f32>, <128, f32>, <128 x 128, f32>
// CHECK: bsattn.release_kv step %[[C0]]
// CHECK: bsattn.store_output %[[A]], %[[M]], %[[L]], seq_len %[[LEN]] : <128 x 128, f32>, <128, f32>
// CHECK: bsattn.key_block_loop count(%{{.*}}) seq_len(%[[LEN]]) {
// CHECK: bsattn.yield_key_block

// A load that announces its block, and the read of the announcement.
// CHECK-LABEL: func.func @announce
// CHECK: ^bb0(%{{.*}}: index, %{{.*}}: index, %[[QB:.*]]: index, %[[USED:.*]]: i1):
// CHECK: bsattn.load_kv %[[QB]], step %[[QB]] announce %[[USED]]
// CHECK: bsattn.wait_kv step %[[QB]]
// CHECK: %{{.*}}, %{{.*}} = bsattn.announced_block step %[[QB]]

!act = memref<?x?x?x128xbf16>
func.func @attn(%q: !act, %k: !act, %v: !act, %seq_lens: memref<?xi32>,
                %o: !act, %lse: memref<?x?x?xf32>) {
  %c2 = arith.constant 2 : index
  %t = memref.dim %q, %c2 : !act
  bsattn.query_tile #bsattn.causal pv = split_bf16
      ins(%q, %k, %v : !act, !act, !act) outs(%o, %lse : !act, memref<?x?x?xf32>)
      captures(%seq_lens, %t : memref<?xi32>, index)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens", "seq_limit"],
                  scale = 0.5 : f32, tuning = #bsattn.tuning<>} {
  ^bb0(%b: index, %h: index, %qb: index, %sl: memref<?xi32>, %limit: index):
    %len32 = memref.load %sl[%b] : memref<?xi32>
    %len = arith.index_cast %len32 : i32 to index
    %c0 = arith.constant 0 : index
    %zero = arith.constant 0.0 : f32
    %ninf = arith.constant 0xFF800000 : f32
    %m0 = bsattn.splat %ninf : !bsattn.rows<128, f32>
    %l0 = bsattn.splat %zero : !bsattn.rows<128, f32>
    %a0 = bsattn.splat %zero : !bsattn.tile<128 x 128, f32>
    bsattn.load_q
    bsattn.load_kv %qb, step %c0
    bsattn.wait_kv step %c0
    %s = bsattn.qk step %c0 : <128 x 128, f32>
    %sm = bsattn.mask %s, key_block %qb, seq_len %len : <128 x 128, f32>
    %p, %m, %l, %alpha = bsattn.online_softmax %sm, %m0, %l0 scale_log2 = 0.72 : <128 x 128, f32>, <128, f32>
    %a = bsattn.pv %a0, %alpha, %p, step %c0 : <128 x 128, f32>, <128, f32>, <128 x 128, f32>
    bsattn.release_kv step %c0
    bsattn.store_output %a, %m, %l, seq_len %len : <128 x 128, f32>, <128, f32>
    bsattn.key_block_loop count(%c0) seq_len(%len) {
    ^bb0(%e: index):
      %true = arith.constant true
      bsattn.yield_key_block %e, %true
    }
  }
  return
}

!small = memref<1x2x256x128xbf16>
func.func @announce(%q: !small, %o: !small, %lse: memref<1x2x256xf32>, %used: i1) {
  bsattn.query_tile #bsattn.csr pv = f16
      ins(%q, %q, %q : !small, !small, !small) outs(%o, %lse : !small, memref<1x2x256xf32>)
      captures(%used : i1)
      attributes {block_size = 128 : i64, capture_names = ["used"],
                  scale = 0.5 : f32, tuning = #bsattn.tuning<announce_blocks = true>} {
  ^bb0(%b: index, %h: index, %qb: index, %u: i1):
    bsattn.load_kv %qb, step %qb announce %u
    bsattn.wait_kv step %qb
    %block, %listed = bsattn.announced_block step %qb
    bsattn.release_kv step %qb
  }
  return
}
