// RUN: bsattn-opt %s --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-overlap, bsattn-lazy-rescale)))' | FileCheck %s
// RUN: sed 's/overlap = true/overlap = true, pv_wait_columns = 48/' %s | bsattn-opt --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-overlap, bsattn-lazy-rescale)))' | FileCheck %s --check-prefix=SPLIT
// RUN: sed 's/overlap = true/overlap = true, rescale_before_pv = true/' %s | bsattn-opt --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-overlap, bsattn-lazy-rescale)))' | FileCheck %s --check-prefix=BEFORE
// RUN: sed 's/, overlap = true//' %s | bsattn-opt --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-overlap, bsattn-lazy-rescale)))' | FileCheck %s --check-prefix=PLAIN
// RUN: sed 's/, rescale_threshold = 8//' %s | bsattn-opt --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-overlap, bsattn-lazy-rescale)))' | FileCheck %s --check-prefix=OFF
// RUN: sed 's/rescale_threshold = 8>/rescale_threshold = 8, warp_kept_maxima = true>/' %s | bsattn-opt --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-overlap, bsattn-lazy-rescale)))' | FileCheck %s --check-prefix=VOTE
// RUN: sed 's/overlap = true/overlap = true, rescale_before_pv = true/; s/rescale_threshold = 8>/rescale_threshold = 8, warp_kept_maxima = true>/' %s | bsattn-opt --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-overlap, bsattn-lazy-rescale)))' | FileCheck %s --check-prefix=VOTEBEFORE
// RUN: sed 's/rescale_threshold = 8>/rescale_threshold = 8, warp_kept_maxima = true, pv_wait_columns = 48>/' %s | bsattn-opt --bsattn-fuse-softmax --canonicalize --convert-bsattn-to-schedule | bsattn-opt --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize, bsattn-overlap, bsattn-lazy-rescale)))' | FileCheck %s --check-prefix=VOTESPLIT

// With the tuning's rescale_threshold = 8 every softmax of the kernel keeps
// its row maxima until they grow by more than 8 (a factor of 2^8) and every
// rescale of O skips warps whose
// factors are all 1. The overlapped loop's rescale moves up to right after
// the wait that retires O (before the slot's release and P's packing, which
// LLVM would otherwise sink past its branch); with pv_wait_columns, between
// the two parts of the exponentials; with rescale_before_pv, whose rescale
// takes the previous iteration's O and alpha, it stays between the issues;
// without the overlap (O from the previous iteration) right after the
// softmax that gives alpha.

// CHECK: bsattn.warp_specialize
// CHECK: bsattn.online_softmax {{.*}} rescale_threshold = 8 :
// CHECK-NEXT: bsattn.rescale {{.*}} skip_unit_factors :
// CHECK: scf.for
// CHECK: bsattn.wgmma_rs
// CHECK: bsattn.online_softmax {{.*}} rescale_threshold = 8 :
// CHECK: %[[O:.*]] = bsattn.wgmma_wait %{{.*}} pending = 0
// CHECK-NEXT: bsattn.rescale %[[O]], %alpha skip_unit_factors :
// CHECK: nvgpu.mbarrier.arrive
// CHECK: bsattn.truncf
// CHECK: scf.yield
// CHECK: } producer

// SPLIT: scf.for
// SPLIT: bsattn.row_max {{.*}} rescale_threshold = 8 :
// SPLIT: bsattn.exp_scores {{.*}} first_column = 0 columns = 48
// SPLIT: %[[O:.*]] = bsattn.wgmma_wait %{{.*}} pending = 0
// SPLIT-NEXT: bsattn.rescale %[[O]], %alpha skip_unit_factors :
// SPLIT: bsattn.exp_scores {{.*}} first_column = 48 columns = 80
// SPLIT: } producer

// BEFORE: scf.for
// BEFORE: bsattn.wgmma_ss
// BEFORE: %[[R:.*]] = bsattn.rescale %arg{{[0-9]+}}, %arg{{[0-9]+}} skip_unit_factors :
// BEFORE-NEXT: nvvm.wgmma.fence.aligned
// BEFORE-NEXT: bsattn.wgmma_rs %[[R]]

// PLAIN: scf.for {{.*}} iter_args({{.*}}, %[[OARG:arg[0-9]+]] = %{{[0-9]+}}, %{{[^)]*}})
// PLAIN: bsattn.online_softmax {{.*}} rescale_threshold = 8 :
// PLAIN-NEXT: %[[R:.*]] = bsattn.rescale %[[OARG]], %alpha skip_unit_factors :
// PLAIN: bsattn.truncf
// PLAIN: bsattn.wgmma_rs %[[R]]
// PLAIN: } producer

// OFF-NOT: rescale_threshold
// OFF-NOT: skip_unit_factors
// The tuning's warp_kept_maxima: every softmax and row maximum, the first
// block's included, gets vote_kept_maxima beside its threshold (the
// default leaves it off: the CHECK lines above end at the threshold).
// A rescale by such a softmax's alpha branches on its vote (warp_moved,
// the op rebuilt with that result) instead of voting on its factors.
// VOTE: %{{.*}}, %[[MOVED0:.*]] = bsattn.online_softmax {{.*}} rescale_threshold = 8 vote_kept_maxima : {{.*}} -> i1
// VOTE-NEXT: bsattn.rescale %{{.*}}, %{{.*}} if %[[MOVED0]] :
// VOTE: scf.for
// VOTE: %{{.*}}, %[[MOVED:.*]] = bsattn.online_softmax {{.*}} rescale_threshold = 8 vote_kept_maxima : {{.*}} -> i1
// VOTE: %[[O:.*]] = bsattn.wgmma_wait %{{.*}} pending = 0
// VOTE-NEXT: bsattn.rescale %[[O]], %{{.*}} if %[[MOVED]] :
// VOTE-NOT: skip_unit_factors
// VOTE: } producer
// VOTESPLIT: scf.for
// VOTESPLIT: %{{.*}}, %[[MOVED:.*]] = bsattn.row_max {{.*}} rescale_threshold = 8 vote_kept_maxima : {{.*}} -> i1
// VOTESPLIT: %[[O:.*]] = bsattn.wgmma_wait %{{.*}} pending = 0
// VOTESPLIT-NEXT: bsattn.rescale %[[O]], %{{.*}} if %[[MOVED]] :
// VOTESPLIT: } producer
// With rescale_before_pv the rescale takes the previous iteration's alpha,
// carried by the prologue's scf.if and the loop: the vote goes along in
// one more result and iter_arg (true where the prologue does not run).
// VOTEBEFORE: %{{.*}}, %{{.*}}, %[[FIRST:.*]] = bsattn.online_softmax {{.*}} vote_kept_maxima : {{.*}} -> i1
// VOTEBEFORE: scf.yield {{.*}}, %[[FIRST]] :
// VOTEBEFORE: } else {
// VOTEBEFORE: scf.yield {{.*}}, %true :
// VOTEBEFORE: %[[LOOP:.*]]:8 = scf.for {{.*}}, %[[CARRIED:.*]] = %{{.*}}#7) -> ({{.*}}, i1) {
// VOTEBEFORE: bsattn.rescale %arg{{[0-9]+}}, %arg{{[0-9]+}} if %[[CARRIED]] :
// VOTEBEFORE: %{{.*}}, %{{.*}}, %[[NEXT:.*]] = bsattn.online_softmax {{.*}} vote_kept_maxima : {{.*}} -> i1
// VOTEBEFORE: scf.yield {{.*}}, %[[NEXT]] :
// VOTEBEFORE: bsattn.rescale %[[LOOP]]#2, %[[LOOP]]#4 if %[[LOOP]]#7 :
// VOTEBEFORE: } producer
!act = memref<1x2x512x128xbf16>
func.func @lazy(%q: !act, %o: !act, %lse: memref<1x2x512xf32>,
                %lens: memref<?xi32>) {
  bsattn.query_tile #bsattn.causal pv = bf16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      captures(%lens : memref<?xi32>)
      attributes {block_size = 128 : i64, capture_names = ["seq_lens"],
                  scale = 0.5 : f32,
                  tuning = #bsattn.tuning<stages = 3, warp_specialize = true, overlap = true, rescale_threshold = 8>} {
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
