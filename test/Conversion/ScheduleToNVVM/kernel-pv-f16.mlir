// RUN: bsattn-opt %s -split-input-file --convert-bsattn-to-schedule | bsattn-opt -split-input-file --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-allocate-shared), convert-bsattn-schedule-to-nvvm))' | FileCheck %s

// pv = f16 with bf16 inputs: once the tile has landed (wait_kv), the 256
// threads convert V to f16 in place (16 bytes each, 8 times: each 32-bit
// word widens to two f32 by a shift and a mask, which round to f16x2), make
// the writes visible to the async proxy and arrive on the slot's "converted"
// barrier; P.V waits on it. P is packed to f16x2 and there is one
// register-A wgmma per k16 step and 64-column half.

// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK: %[[WORDS:.*]] = llvm.load %{{.*}} : !llvm.ptr<3> -> vector<4xi32>
// CHECK: %[[SIXTEEN:.*]] = llvm.mlir.constant(dense<16> : vector<4xi32>)
// CHECK: %[[LOW:.*]] = llvm.shl %[[WORDS]], %[[SIXTEEN]]
// CHECK: %[[MASK:.*]] = llvm.mlir.constant(dense<-65536> : vector<4xi32>)
// CHECK: %[[HIGH:.*]] = llvm.and %[[WORDS]], %[[MASK]]
// CHECK: llvm.shufflevector %[[LOW]], %[[HIGH]] [0, 4, 1, 5, 2, 6, 3, 7]
// CHECK-COUNT-8: llvm.fptrunc %{{.*}} : vector<8xf32> to vector<8xf16>
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK: nvvm.mbarrier.arrive
// CHECK: nvvm.wgmma.mma_async {{.*}}, A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK: llvm.fptrunc %{{.*}} : vector<2xf32> to vector<2xf16>
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-COUNT-8: wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16
// CHECK-NOT: wgmma.mma_async.sync.aligned.m64n128k16.f32.f16
// CHECK: nvvm.wgmma.commit.group.sync.aligned
!act = memref<?x?x?x128xbf16>
func.func @attn(%q: !act, %k: !act, %v: !act, %seq_lens: memref<?xi32>,
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

// f16 inputs: both products in f16, no conversion, o staged as f16x2.

// CHECK-LABEL: gpu.module @attn_f16_kernels
// CHECK: nvvm.wgmma.mma_async {{.*}}, A[<f16>, <one>, <row>], B[<f16>, <one>, <col>]
// CHECK-NOT: vector<8xf16>
// CHECK-COUNT-8: wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16
// CHECK-COUNT-32: llvm.store %{{.*}} : i32, !llvm.ptr<3>
!act = memref<?x?x?x128xf16>
func.func @attn_f16(%q: !act, %k: !act, %v: !act, %seq_lens: memref<?xi32>,
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
