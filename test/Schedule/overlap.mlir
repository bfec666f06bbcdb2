// RUN: bsattn-opt %s --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-overlap), canonicalize))' | FileCheck %s
// RUN: sed 's/overlap = true/overlap = true, pingpong = true/' %s | bsattn-opt --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-overlap, bsattn-pingpong), canonicalize))' | FileCheck %s --check-prefix=PINGPONG
// RUN: bsattn-opt %s --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-overlap{anchor-softmax=false}), canonicalize))' | FileCheck %s --check-prefix=NOANCHOR
// RUN: sed 's/overlap = true/overlap = true, rescale_before_pv = true/' %s | bsattn-opt --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-overlap), canonicalize))' | FileCheck %s --check-prefix=RESCALE
// RUN: sed 's/, overlap = true//' %s | bsattn-opt --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-overlap), canonicalize))' | FileCheck %s --check-prefix=OFF
// RUN: sed 's/overlap = true/overlap = true, pv_wait_columns = 48/' %s | bsattn-opt --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-overlap), canonicalize))' | FileCheck %s --check-prefix=SPLIT

// With the tuning's overlap, the consumers' key-block loop is pipelined by
// one stage: the first block's S and softmax before the loop, the last
// block's P.V after it, and in between S(j) and P(j-1).V(j-1) issued back
// to back, the softmax between the wait for S (pending = 1) and the wait
// for O, then the release of block j-1's slot and O = alpha(j) O.

// A ring slot's K and V land on barriers of their own.
// CHECK: %[[QUERY:.*]] = nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>>
// CHECK-NEXT: %[[KEYS:.*]] = nvgpu.mbarrier.create -> {{.*}} num_barriers = 3>
// CHECK-NEXT: %[[VALUES:.*]] = nvgpu.mbarrier.create -> {{.*}} num_barriers = 3>
// CHECK: bsattn.warp_specialize consumers
// CHECK: %[[ANY:.*]] = arith.cmpi sgt, %[[COUNT:.*]], %c0 : index
// Prologue: block 0's S (after the tile's Q and block 0's K have landed),
// softmax and O = alpha O.
// CHECK: %[[FIRST:.*]]:4 = scf.if %[[ANY]] -> (!bsattn.rows<128, f32>, !bsattn.rows<128, f32>, !bsattn.tile<128 x 128, f32>, !bsattn.tile<128 x 128, bf16>) {
// CHECK: nvgpu.mbarrier.try_wait.parity %[[QUERY]][
// CHECK-NEXT: nvgpu.mbarrier.try_wait.parity %[[KEYS]][
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-NEXT: %[[S0:.*]] = bsattn.wgmma_ss
// CHECK-NEXT: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: %[[S0W:.*]] = bsattn.wgmma_wait %[[S0]] pending = 0
// CHECK: bsattn.online_softmax
// CHECK-NOT: bsattn.wgmma
// CHECK: scf.yield
// CHECK: } else {
// CHECK: scf.yield
// CHECK: }
// The loop from block 1 carries O, the previous P and the previous slot.
// CHECK: %[[LOOP:.*]]:6 = scf.for %[[J:.*]] = %c1 to %[[COUNT]] step %c1 iter_args(%{{.*}} = %[[FIRST]]#0, %{{.*}} = %[[FIRST]]#1, %[[O:.*]] = %[[FIRST]]#2, %[[CTR:.*]] = %{{.*}}, %[[P:.*]] = %[[FIRST]]#3, %[[PREV:.*]] = %c0)
// Block j's K has landed; Q, which the prologue's block waited for, is
// not waited for again before the products.
// CHECK-NOT: nvgpu.mbarrier.try_wait.parity %[[QUERY]][
// CHECK: nvgpu.mbarrier.try_wait.parity %[[KEYS]][
// CHECK-NOT: nvgpu.mbarrier.try_wait.parity %[[QUERY]][
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-NEXT: %[[S:.*]] = bsattn.wgmma_ss
// CHECK-NEXT: nvvm.wgmma.commit.group.sync.aligned
// The previous block's ring slot, in 32 bits.
// CHECK: %[[PREV32:.*]] = arith.index_castui %[[PREV]] : index to i32
// CHECK: %[[SLOT32:.*]] = arith.remui %[[PREV32]], %c3_i32 : i32
// CHECK: %[[SLOT:.*]] = arith.index_castui %[[SLOT32]] : i32 to index
// CHECK: %[[V:.*]] = memref.subview %{{.*}}[%[[SLOT]], 1, 0, 0, 0]
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-NEXT: %[[PV:.*]] = bsattn.wgmma_rs %[[O]], %[[P]], %[[V]]
// CHECK-NEXT: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: %[[SW:.*]] = bsattn.wgmma_wait %[[S]] pending = 1
// CHECK: bsattn.mask %[[SW]], key_block %[[J]]
// CHECK: %[[PROBS:.*]], %{{.*}}, %{{.*}}, %[[ALPHA:.*]] = bsattn.online_softmax
// Block j's V has landed (on a barrier of its own: S(j) did not wait for
// it); P(j).V(j) is issued in the next iteration.
// CHECK: nvgpu.mbarrier.try_wait.parity %[[VALUES]][
// The anchor: the tile's Q is checked landed again (not K, whose slot may
// be refilled by now with a ring of V's own), so that ptxas keeps the
// softmax before the wait for O.
// CHECK-NEXT: nvgpu.mbarrier.try_wait.parity %[[QUERY]][
// CHECK-NEXT: %[[OW:.*]] = bsattn.wgmma_wait %[[PV]] pending = 0
// CHECK: nvgpu.mbarrier.arrive %{{.*}}[%{{.*}}]
// CHECK: %[[NEXTP:.*]] = bsattn.truncf %[[PROBS]]
// CHECK: %[[NEXTO:.*]] = bsattn.rescale %[[OW]], %[[ALPHA]]
// CHECK: scf.yield %{{.*}}, %{{.*}}, %[[NEXTO]], %{{.*}}, %[[NEXTP]], %[[CTR]]
// Epilogue: the last block's P.V.
// CHECK: %[[LAST:.*]] = scf.if %[[ANY]] -> (!bsattn.tile<128 x 128, f32>) {
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-NEXT: %[[LPV:.*]] = bsattn.wgmma_rs %[[LOOP]]#2, %[[LOOP]]#4
// CHECK-NEXT: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: %[[LW:.*]] = bsattn.wgmma_wait %[[LPV]] pending = 0
// CHECK: nvgpu.mbarrier.arrive
// CHECK: scf.yield %[[LW]]
// CHECK: } else {
// CHECK-NEXT: scf.yield %[[LOOP]]#2
// CHECK: bsattn.normalize %[[LAST]], %[[LOOP]]#0, %[[LOOP]]#1
// CHECK: } producer
// The load issuer: each half of a slot expects its own 32 KiB.
// CHECK: nvgpu.mbarrier.arrive.expect_tx %[[KEYS]][%{{.*}}], %c32768
// CHECK: nvgpu.mbarrier.arrive.expect_tx %[[VALUES]][%{{.*}}], %c32768

// With ping-pong, the two groups of an iteration are one turn.
// PINGPONG: scf.for
// PINGPONG: nvvm.barrier id = %[[MINE:.*]] number_of_threads = %c256_i32
// PINGPONG-NEXT: nvvm.wgmma.fence.aligned
// PINGPONG-NEXT: bsattn.wgmma_ss
// PINGPONG-NEXT: nvvm.wgmma.commit.group.sync.aligned
// PINGPONG-NOT: nvvm.barrier
// PINGPONG: bsattn.wgmma_rs
// PINGPONG-NEXT: nvvm.wgmma.commit.group.sync.aligned
// PINGPONG-NEXT: nvvm.barrier.arrive id = %{{.*}} number_of_threads = %c256_i32
// PINGPONG-NEXT: bsattn.wgmma_wait %{{.*}} pending = 1

// With rescale_before_pv, the prologue leaves O alone and carries alpha;
// each iteration starts with a wait for nothing in flight (which tells
// ptxas that O is free to rescale while S(j) runs), then rescales O by the
// previous block's alpha between S(j)'s issue and P(j-1).V(j-1)'s, and
// carries O as P.V left it; the epilogue rescales before the last P.V.
// RESCALE: %[[FIRST:.*]]:4 = scf.if %[[ANY:.*]] -> (!bsattn.rows<128, f32>, !bsattn.rows<128, f32>, !bsattn.rows<128, f32>, !bsattn.tile<128 x 128, bf16>) {
// RESCALE: %{{.*}}, %{{.*}}, %{{.*}}, %[[ALPHA0:.*]] = bsattn.online_softmax
// RESCALE-NOT: bsattn.rescale
// RESCALE: scf.yield %{{.*}}, %{{.*}}, %[[ALPHA0]], %{{.*}}
// RESCALE: %[[LOOP:.*]]:7 = scf.for %{{.*}} iter_args(%{{.*}} = %[[FIRST]]#0, %{{.*}} = %[[FIRST]]#1, %[[O:.*]] = %[[ZERO:[^,]*]], %{{.*}} = %{{.*}}, %[[ALPHA:.*]] = %[[FIRST]]#2, %[[P:.*]] = %[[FIRST]]#3, %{{.*}} = %c0)
// RESCALE-NEXT: nvvm.wgmma.wait.group.sync.aligned 0
// RESCALE: %[[S:.*]] = bsattn.wgmma_ss
// RESCALE-NEXT: nvvm.wgmma.commit.group.sync.aligned
// RESCALE: %[[RESCALED:.*]] = bsattn.rescale %[[O]], %[[ALPHA]]
// RESCALE-NEXT: nvvm.wgmma.fence.aligned
// RESCALE-NEXT: %[[PV:.*]] = bsattn.wgmma_rs %[[RESCALED]], %[[P]]
// RESCALE-NEXT: nvvm.wgmma.commit.group.sync.aligned
// RESCALE-NEXT: bsattn.wgmma_wait %[[S]] pending = 1
// RESCALE: %{{.*}}, %{{.*}}, %{{.*}}, %[[NEXTALPHA:.*]] = bsattn.online_softmax
// RESCALE: %[[OW:.*]] = bsattn.wgmma_wait %[[PV]] pending = 0
// RESCALE-NOT: bsattn.rescale
// RESCALE: scf.yield %{{.*}}, %{{.*}}, %[[OW]], %{{.*}}, %[[NEXTALPHA]], %{{.*}}, %{{.*}}
// RESCALE: scf.if %[[ANY]] -> (!bsattn.tile<128 x 128, f32>) {
// RESCALE: %[[LAST:.*]] = bsattn.rescale %[[LOOP]]#2, %[[LOOP]]#4
// RESCALE-NEXT: nvvm.wgmma.fence.aligned
// RESCALE-NEXT: bsattn.wgmma_rs %[[LAST]], %[[LOOP]]#5

// With pv_wait_columns = 48 the loop's softmax is split round the wait for
// P(j-1).V(j-1): the row maxima and the exponentials of columns 0-47
// before it, those of columns 48-127, the sums, P's packing and O's
// rescale after it. The first block's softmax stays whole.
// SPLIT: bsattn.online_softmax
// SPLIT: scf.for
// SPLIT: %[[PV:.*]] = bsattn.wgmma_rs
// SPLIT: %[[SW:.*]] = bsattn.wgmma_wait %{{.*}} pending = 1
// SPLIT: %[[SM:.*]] = bsattn.mask %[[SW]]
// SPLIT-NEXT: %[[MAX:.*]], %[[ALPHA:.*]] = bsattn.row_max %[[SM]], %[[OLDMAX:[^ ]*]] scale_log2
// SPLIT: %[[P0:.*]], %[[R0:.*]] = bsattn.exp_scores %[[SM]], %[[MAX]], %{{.*}}, %{{.*}} first_column = 0 columns = 48
// SPLIT: nvgpu.mbarrier.try_wait.parity
// SPLIT-NEXT: nvgpu.mbarrier.try_wait.parity
// SPLIT-NEXT: %[[OW:.*]] = bsattn.wgmma_wait %[[PV]] pending = 0
// SPLIT: nvgpu.mbarrier.arrive
// SPLIT-NEXT: %[[P:.*]], %[[R:.*]] = bsattn.exp_scores %[[SM]], %[[MAX]], %[[P0]], %[[R0]] first_column = 48 columns = 80
// SPLIT-NEXT: %[[SUM:.*]] = bsattn.rows_fma %[[ALPHA]], %[[OLDSUM:[^ ]*]], %[[R]]
// SPLIT-NEXT: %[[NEXTP:.*]] = bsattn.truncf %[[P]]
// SPLIT-NEXT: %[[NEXTO:.*]] = bsattn.rescale %[[OW]], %[[ALPHA]]
// SPLIT-NEXT: scf.yield %[[MAX]], %[[SUM]], %[[NEXTO]], %{{.*}}, %[[NEXTP]]
// SPLIT-NOT: bsattn.online_softmax
// SPLIT: } producer

// NOANCHOR: scf.for
// NOANCHOR: bsattn.online_softmax
// NOANCHOR: nvgpu.mbarrier.try_wait.parity
// NOANCHOR-NEXT: bsattn.wgmma_wait %{{.*}} pending = 0

// OFF: scf.for
// OFF: bsattn.wgmma_ss
// OFF: bsattn.wgmma_wait %{{.*}} pending = 0
// OFF-NOT: pending = 1
// OFF: } producer
!act = memref<1x2x512x128xbf16>
func.func @overlap(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                   %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = bf16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<stages = 3, warp_specialize = true, overlap = true>} {
  ^bb0(%b: index, %h: index, %qb: index, %sl: memref<?xi32>):
    %len32 = memref.load %sl[%b] : memref<?xi32>
    %len = arith.index_cast %len32 : i32 to index
    %c1 = arith.constant 1 : index
    %n = arith.addi %qb, %c1 : index
    bsattn.key_block_loop count(%n) seq_len(%len) {
    ^bb0(%e: index):
      %true = arith.constant true
      bsattn.yield_key_block %e, %true
    }
  }
  return
}
