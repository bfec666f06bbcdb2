// RUN: bsattn-opt %s --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-allocate-shared), convert-bsattn-schedule-to-nvvm))' | FileCheck %s

// One query tile with a single key block, every tile op once.

// CHECK: module attributes {gpu.container_module}
// CHECK-NOT: func.func @attn
// CHECK: gpu.module @attn_kernels {
// The nvgpu mbarrier groups are static shared arrays; the buffers live in
// the dynamic shared memory.
// CHECK-DAG: llvm.mlir.global private @__mbarrier{{.*}}addr_space = 3
// CHECK-DAG: llvm.mlir.global external @bsattn_smem() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<0 x i8>

// Tensor maps by value (__grid_constant__) for q, k, v and o, then lse and
// seq_lens as pointers with their dynamic sizes, then T.
// CHECK: llvm.func @attn(
// CHECK-SAME: %[[TQ:arg0]]: !llvm.ptr {llvm.align = 64 : i64, llvm.byval = !llvm.array<128 x i8>, nvvm.grid_constant},
// CHECK-SAME: %[[TK:arg1]]: !llvm.ptr {llvm.align = 64 : i64, llvm.byval = !llvm.array<128 x i8>, nvvm.grid_constant},
// CHECK-SAME: %[[TV:arg2]]: !llvm.ptr {llvm.align = 64 : i64, llvm.byval = !llvm.array<128 x i8>, nvvm.grid_constant},
// CHECK-SAME: %[[TO:arg3]]: !llvm.ptr {llvm.align = 64 : i64, llvm.byval = !llvm.array<128 x i8>, nvvm.grid_constant},
// CHECK-SAME: %[[LSE:arg4]]: !llvm.ptr<1>, %arg5: i64, %arg6: i64, %arg7: i64,
// CHECK-SAME: %[[SL:arg8]]: !llvm.ptr<1>, %arg9: i64, %arg10: i64)
// CHECK-SAME: bsattn.abi = [{arg = 0 : i64, box = [64, 128, 1, 1], kind = "tensor_map", name = "q", swizzle = 128 : i64}
// CHECK-SAME: {arg = 4 : i64, box = [64, 64, 1, 1], kind = "tensor_map", name = "o", swizzle = 128 : i64}
// CHECK-SAME: {arg = 0 : i64, dim = 2 : i64, kind = "dim", name = "seq_limit"}]
// CHECK-SAME: bsattn.block = [256, 1, 1]
// One Q buffer (32 KiB), two K/V slots (64 KiB each), 1 KiB to align.
// CHECK-SAME: bsattn.shared_bytes = 164864
// CHECK-SAME: nvvm.kernel, nvvm.minctasm = 1 : i32, nvvm.reqntid = array<i32: 256, 1, 1>

// Thread 0 fetches the four tensor maps, then initializes the mbarriers:
// the Q buffer's and each slot's "keys landed" and "values landed" ones
// (one arrival, with the transaction bytes), each slot's "empty" one (256
// arrivals).
// CHECK: nvvm.read.ptx.sreg.tid.x : i32
// CHECK: scf.if
// CHECK-COUNT-4: nvvm.prefetch tensormap
// CHECK-COUNT-7: nvvm.mbarrier.init
// CHECK-NOT: nvvm.mbarrier.init
// CHECK: nvvm.fence.mbarrier.init
// CHECK: nvvm.barrier0

// One tile per CTA: (qb, h, b) is the block index.
// CHECK: nvvm.read.ptx.sreg.ctaid.x : i32
// CHECK: nvvm.read.ptx.sreg.ctaid.y : i32
// CHECK: nvvm.read.ptx.sreg.ctaid.z : i32

// load_q: two 128x64 boxes of Q; load_kv: once every thread released the
// slot, K's 32 KiB on the slot's "keys landed" barrier, V's on its
// "values landed" one.
// CHECK: nvvm.mbarrier.arrive.expect_tx
// CHECK-COUNT-2: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[TQ]]
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK: nvvm.mbarrier.arrive.expect_tx
// CHECK-COUNT-2: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[TK]]
// CHECK: nvvm.mbarrier.arrive.expect_tx
// CHECK-COUNT-2: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[TV]]

// wait_kv (Q, then K), then qk: 8 k16 steps of m64n128k16, both operands K-major in
// shared memory; the first step does not accumulate.
// CHECK-COUNT-2: nvvm.mbarrier.try_wait.parity
// CHECK: nvvm.wgmma.fence.aligned
// CHECK: nvvm.wgmma.mma_async {{.*}}, <m = 64, n = 128, k = 16>, D[<f32>, <zero>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// CHECK-COUNT-7: nvvm.wgmma.mma_async {{.*}}, <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0

// mask (the diagonal block) and online_softmax: the lane's 32 scores of a
// row half in four interleaved maximum chains, each starting at one of the
// first four scores (no -inf seed), joined at the end, quad max (two
// shuffles per row half), ex2 with the scale folded in, the lane's partial
// sums (no shuffle: normalize adds them up).
// CHECK: arith.select
// CHECK: %[[C0:.*]] = llvm.intr.maxnum(%{{.*}}, %{{.*}}) : (f32, f32) -> f32
// CHECK-NEXT: %[[C1:.*]] = llvm.intr.maxnum(%{{.*}}, %{{.*}}) : (f32, f32) -> f32
// CHECK-NEXT: %[[C2:.*]] = llvm.intr.maxnum(%{{.*}}, %{{.*}}) : (f32, f32) -> f32
// CHECK-NEXT: %[[C3:.*]] = llvm.intr.maxnum(%{{.*}}, %{{.*}}) : (f32, f32) -> f32
// CHECK-NEXT: llvm.intr.maxnum(%[[C0]], %{{.*}}) : (f32, f32) -> f32
// CHECK-NEXT: llvm.intr.maxnum(%[[C1]], %{{.*}}) : (f32, f32) -> f32
// CHECK-NEXT: llvm.intr.maxnum(%[[C2]], %{{.*}}) : (f32, f32) -> f32
// CHECK-NEXT: llvm.intr.maxnum(%[[C3]], %{{.*}}) : (f32, f32) -> f32
// CHECK-COUNT-20: llvm.intr.maxnum(%{{.*}}, %{{.*}}) : (f32, f32) -> f32
// CHECK-NEXT: %[[J0:.*]] = llvm.intr.maxnum(%{{.*}}, %{{.*}}) : (f32, f32) -> f32
// CHECK-NEXT: %[[J1:.*]] = llvm.intr.maxnum(%{{.*}}, %{{.*}}) : (f32, f32) -> f32
// CHECK-NEXT: llvm.intr.maxnum(%[[J0]], %[[J1]]) : (f32, f32) -> f32
// CHECK-COUNT-4: nvvm.shfl.sync bfly
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"
// CHECK: llvm.intr.fma
// CHECK-NOT: nvvm.shfl.sync

// pv: split bf16, so two register-A wgmmas per k16 step, each over all 128
// columns of V (one descriptor spanning both 64-column swizzle atoms, 16384
// bytes apart: 4611686293372403712 = 1 << 62 (128B swizzle) | 64 << 32
// (1024-byte 8-row groups) | 1024 << 16 (the leading byte offset / 16)):
// all hi parts, then all lo parts; V's landing is waited for first.
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK: nvvm.wgmma.fence.aligned
// CHECK: %[[BITS:.*]] = arith.constant 4611686293372403712 : i64
// CHECK: arith.ori %{{.*}}, %[[BITS]] : i64
// CHECK-COUNT-16: llvm.inline_asm has_side_effects {{.*}}wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0

// release_kv: each thread arrives on the slot's "empty" barrier; no CTA
// barrier, so the two warpgroups run independently.
// CHECK-NOT: nvvm.barrier0
// CHECK: nvvm.mbarrier.arrive %{{.*}} : !llvm.ptr<3>
// CHECK-NOT: nvvm.barrier0

// store_output: the lanes' partial sums added up over the quad, lse = ln(2)
// * (max + log2(sum)); once Q's load has landed,
// o as bf16x2 into the warpgroup's rows of the Q buffer in the swizzled
// box layout, a proxy fence, the warpgroup's named barrier (1 + group, 128
// threads), then its first thread stores two 64x64 boxes by TMA; one lane
// per quad writes lse, each of its two rows only below T (lse's size in
// dimension 2: a partial last tile); only then does the first thread wait
// until the boxes are read, so that the wait and the lse stores overlap.
// CHECK-COUNT-4: nvvm.shfl.sync bfly
// CHECK: llvm.call_intrinsic "llvm.nvvm.lg2.approx.f"
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK-COUNT-32: llvm.store %{{.*}} : i32, !llvm.ptr<3>
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK: nvvm.barrier id = %{{.*}} number_of_threads = %{{.*}}
// CHECK: nvvm.cp.async.bulk.tensor.global.shared.cta %[[TO]]
// CHECK: nvvm.cp.async.bulk.tensor.global.shared.cta %[[TO]]
// CHECK: nvvm.cp.async.bulk.commit.group
// CHECK-NOT: nvvm.cp.async.bulk.wait_group
// CHECK: %[[LSET:.*]] = llvm.extractvalue %{{.*}}[3, 2]
// CHECK: %[[INSIDE:.*]] = arith.cmpi slt, %{{.*}}, %[[LSET]] : i64
// CHECK: scf.if %[[INSIDE]] {
// CHECK: llvm.getelementptr
// CHECK: llvm.store {{.*}} : f32, !llvm.ptr<1>
// CHECK: arith.cmpi slt, %{{.*}}, %[[LSET]] : i64
// CHECK: llvm.store {{.*}} : f32, !llvm.ptr<1>
// CHECK: scf.if
// CHECK-NEXT: nvvm.cp.async.bulk.wait_group 0 {read}
// CHECK: llvm.return
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
