// RUN: bsattn-opt %s --split-input-file --convert-bsattn-to-schedule | bsattn-opt --split-input-file --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-allocate-shared), convert-bsattn-schedule-to-nvvm))' | FileCheck %s

// The mask of a causal tile tests whether the key tile's last key comes
// after the query tile's first query and, there, hides keys after the
// query; a bidirectional one (`causal = false`) tests only whether the key
// tile reaches past seq_len and hides only keys at or past it. Each of a
// thread's two rows (8 apart) has a limit, min(query + 1, seq_len) or
// seq_len, taken relative to the thread's first key, so that a score's
// test is one compare of its constant column (0, 1, 8, 9, ...) with its
// row's limit. A key tile of 64 keys starts at key 64 * key_block.

// CHECK-LABEL: llvm.func @attn
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: %[[FIRSTKEY:.*]] = arith.muli %{{.*}}, %c128_i32{{.*}} : i32
// CHECK: %[[ENDKEY:.*]] = arith.addi %[[FIRSTKEY]], %c128_i32{{.*}} : i32
// CHECK: %[[FIRSTQUERY:.*]] = arith.muli %{{.*}}, %c128_i32{{.*}} : i32
// CHECK: %[[LASTKEY:.*]] = arith.subi %[[ENDKEY]], %c1_i32{{.*}} : i32
// CHECK: %[[DIAG:.*]] = arith.cmpi sgt, %[[LASTKEY]], %[[FIRSTQUERY]]
// CHECK: %[[TAIL:.*]] = arith.cmpi sgt, %[[ENDKEY]]
// CHECK: %[[NEEDED:.*]] = arith.ori %[[DIAG]], %[[TAIL]]
// CHECK: scf.if %[[NEEDED]]
// CHECK: %[[KEYBASE:.*]] = arith.addi %[[FIRSTKEY]], %{{.*}} : i32
// CHECK: %[[QUERYBASE:.*]] = arith.addi %[[FIRSTQUERY]], %{{.*}} : i32
// CHECK: %[[NEXT0:.*]] = arith.addi %[[QUERYBASE]], %c1_i32{{.*}} : i32
// CHECK: %[[LIMIT0:.*]] = arith.minsi %[[NEXT0]], %[[SEQLEN:.*]] : i32
// CHECK: %[[COLUMNS0:.*]] = arith.subi %[[LIMIT0]], %[[KEYBASE]] : i32
// CHECK: %[[NEXT1:.*]] = arith.addi %[[QUERYBASE]], %c9_i32{{.*}} : i32
// CHECK: %[[LIMIT1:.*]] = arith.minsi %[[NEXT1]], %[[SEQLEN]] : i32
// CHECK: %[[COLUMNS1:.*]] = arith.subi %[[LIMIT1]], %[[KEYBASE]] : i32
// CHECK-NOT: arith.ori
// CHECK: %[[HIDDEN:.*]] = arith.cmpi sge, %c0_i32{{.*}}, %[[COLUMNS0]] : i32
// CHECK-NEXT: arith.select %[[HIDDEN]], %{{.*}}, %{{.*}} : f32
// CHECK: arith.cmpi sge, %c1_i32{{.*}}, %[[COLUMNS0]] : i32
// CHECK: arith.cmpi sge, %c0_i32{{.*}}, %[[COLUMNS1]] : i32
// CHECK: arith.cmpi sge, %c1_i32{{.*}}, %[[COLUMNS1]] : i32
// CHECK: arith.cmpi sge, %c8_i32{{.*}}, %[[COLUMNS0]] : i32

// CHECK-LABEL: llvm.func @bidirectional
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK-NOT: arith.cmpi eq
// CHECK: %[[TAIL:.*]] = arith.cmpi sgt, %[[ENDKEY:.*]], %[[SEQLEN:.*]] : i32
// CHECK-NEXT: scf.if %[[TAIL]]
// CHECK-NOT: arith.minsi
// CHECK: %[[COLUMNS:.*]] = arith.subi %[[SEQLEN]], %[[KEYBASE:.*]] : i32
// CHECK-NOT: arith.cmpi sgt
// CHECK: %[[PAST:.*]] = arith.cmpi sge, %c0_i32{{.*}}, %[[COLUMNS]] : i32
// CHECK-NEXT: arith.select %[[PAST]]

// CHECK-LABEL: llvm.func @key_tile
// CHECK-SAME: box = [64, 64, 1, 1], kind = "tensor_map", name = "k"
// CHECK-SAME: box = [64, 64, 1, 1], kind = "tensor_map", name = "v"
// CHECK: nvvm.wgmma.mma_async {{.*}}<m = 64, n = 64, k = 16>
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: %[[FIRSTKEY:.*]] = arith.muli %[[KEYTILE:.*]], %c64_i32{{.*}} : i32
// CHECK: %[[ENDKEY:.*]] = arith.addi %[[FIRSTKEY]], %c64_i32{{.*}} : i32
// CHECK: %[[FIRSTQUERY:.*]] = arith.muli %{{.*}}, %c128_i32{{.*}} : i32
// CHECK: %[[LASTKEY:.*]] = arith.subi %[[ENDKEY]], %c1_i32{{.*}} : i32
// CHECK: %[[DIAG:.*]] = arith.cmpi sgt, %[[LASTKEY]], %[[FIRSTQUERY]]
// CHECK: %[[TAIL:.*]] = arith.cmpi sgt, %[[ENDKEY]]
// CHECK: %[[NEEDED:.*]] = arith.ori %[[DIAG]], %[[TAIL]]
// CHECK: scf.if %[[NEEDED]]
// CHECK: %[[KEYBASE:.*]] = arith.addi %[[FIRSTKEY]], %{{.*}} : i32
// CHECK: %[[COLUMNS:.*]] = arith.subi %{{.*}}, %[[KEYBASE]] : i32
// CHECK: arith.cmpi sge, %c0_i32{{.*}}, %[[COLUMNS]] : i32

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
  }
  return
}

// -----

!act = memref<?x?x?x128xbf16>
func.func @bidirectional(%q: !act, %k: !act, %v: !act, %seq_lens: memref<?xi32>,
                %o: !act, %lse: memref<?x?x?xf32>) {
  %c2 = arith.constant 2 : index
  %t = memref.dim %q, %c2 : !act
  bsattn.query_tile #bsattn.full pv = split_bf16
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
    %sm = bsattn.mask %s, key_block %qb, seq_len %len {causal = false} : <128 x 128, f32>
    %p, %m, %l, %alpha = bsattn.online_softmax %sm, %m0, %l0 scale_log2 = 0.72 : <128 x 128, f32>, <128, f32>
    %a = bsattn.pv %a0, %alpha, %p, step %c0 : <128 x 128, f32>, <128, f32>, <128 x 128, f32>
    bsattn.release_kv step %c0
    bsattn.store_output %a, %m, %l, seq_len %len : <128 x 128, f32>, <128, f32>
  }
  return
}

// -----

!act = memref<?x?x?x256xf16>
func.func @key_tile(%q: !act, %k: !act, %v: !act, %seq_lens: memref<?xi32>,
                %o: !act, %lse: memref<?x?x?xf32>) {
  %c2 = arith.constant 2 : index
  %t = memref.dim %q, %c2 : !act
  bsattn.query_tile #bsattn.causal pv = f16
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
    %a0 = bsattn.splat %zero : !bsattn.tile<128 x 256, f32>
    bsattn.load_q
    bsattn.load_kv %qb, step %c0
    bsattn.wait_kv step %c0
    %s = bsattn.qk step %c0 : <128 x 64, f32>
    %sm = bsattn.mask %s, key_block %qb, seq_len %len : <128 x 64, f32>
    %p, %m, %l, %alpha = bsattn.online_softmax %sm, %m0, %l0 scale_log2 = 0.72 : <128 x 64, f32>, <128, f32>
    %a = bsattn.pv %a0, %alpha, %p, step %c0 : <128 x 256, f32>, <128, f32>, <128 x 64, f32>
    bsattn.release_kv step %c0
    bsattn.store_output %a, %m, %l, seq_len %len : <128 x 256, f32>, <128, f32>
  }
  return
}
