// RUN: bsattn-opt %s --pass-pipeline='builtin.module(gpu.module(convert-bsattn-schedule-to-nvvm))' | FileCheck %s

// rescale_threshold = N: each row half's new maximum is the old one unless
// the block's scaled maximum grows it by more than N, and alpha is then
// exactly 1 (not exp2(0) as MUFU.EX2 rounds it); the exponent offset and
// alpha come from the maximum kept. skip_unit_factors: a vote of the whole
// warp on any factor != 1 guards the multiplies; the other path yields O
// as it came.

// CHECK-LABEL: llvm.func @lazy
// CHECK: %[[OLD:.*]] = llvm.extractvalue %{{.*}}[0] : !llvm.struct<(f32, f32)>
// CHECK: nvvm.shfl.sync bfly
// CHECK: nvvm.shfl.sync bfly
// CHECK: %[[BLOCK:.*]] = arith.mulf
// CHECK-NEXT: %[[CAND:.*]] = llvm.intr.maxnum(%[[OLD]], %[[BLOCK]])
// CHECK-NEXT: %[[GROWTH:.*]] = arith.subf %[[CAND]], %[[OLD]] : f32
// CHECK-NEXT: %[[N:.*]] = arith.constant 8.000000e+00 : f32
// CHECK-NEXT: %[[MOVED:.*]] = arith.cmpf ogt, %[[GROWTH]], %[[N]] : f32
// CHECK-NEXT: %[[NEW:.*]] = arith.select %[[MOVED]], %[[CAND]], %[[OLD]] : f32
// CHECK-NEXT: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-NEXT: %[[EMPTY:.*]] = arith.cmpf oeq, %[[NEW]], %[[NEGINF]] : f32
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[USED:.*]] = arith.select %[[EMPTY]], %[[ZERO]], %[[NEW]] : f32
// CHECK-NEXT: %[[DIFF:.*]] = arith.subf %[[OLD]], %[[USED]] : f32
// CHECK-NEXT: %[[EXP:.*]] = llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"(%[[DIFF]])
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[ALPHA0:.*]] = arith.select %[[MOVED]], %[[EXP]], %[[ONE]] : f32
// CHECK-NEXT: arith.negf %[[USED]] : f32
// CHECK: %[[MOVED1:.*]] = arith.cmpf ogt
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"
// CHECK-NEXT: arith.constant 1.000000e+00 : f32
// CHECK-NEXT: arith.select %[[MOVED1]]
// CHECK: %[[F0:.*]] = llvm.extractvalue %{{.*}}[0] : !llvm.struct<(f32, f32)>
// CHECK-NEXT: %[[F1:.*]] = llvm.extractvalue %{{.*}}[1] : !llvm.struct<(f32, f32)>
// CHECK-NEXT: %[[ONE0:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[NU0:.*]] = arith.cmpf une, %[[F0]], %[[ONE0]] : f32
// CHECK-NEXT: %[[ONE1:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[NU1:.*]] = arith.cmpf une, %[[F1]], %[[ONE1]] : f32
// CHECK-NEXT: %[[NU:.*]] = arith.ori %[[NU0]], %[[NU1]] : i1
// CHECK-NEXT: %[[ALL:.*]] = arith.constant -1 : i32
// CHECK-NEXT: %[[ANY:.*]] = nvvm.vote.sync any %[[ALL]], %[[NU]] -> i1
// CHECK-NEXT: %[[O:.*]] = scf.if %[[ANY]] -> (!llvm.struct<(f32, f32, f32, f32,
// CHECK-NEXT: %[[A0:.*]] = llvm.extractvalue %[[ACC:[0-9]+]][0]
// CHECK: arith.mulf %[[A0]], %[[F0]] : f32
// CHECK-COUNT-31: arith.mulf
// CHECK: scf.yield
// CHECK-NEXT: } else {
// CHECK-NEXT: scf.yield %[[ACC]] :
// CHECK-NEXT: }
// CHECK-NOT: arith.mulf
// CHECK: llvm.return

// In the online softmax the exponentials take the offset of the maximum
// kept, and the sum its alpha.
// CHECK-LABEL: llvm.func @lazy_softmax
// CHECK: arith.mulf
// CHECK-NEXT: %[[CAND:.*]] = llvm.intr.maxnum
// CHECK-NEXT: %[[GROWTH:.*]] = arith.subf %[[CAND]], %[[OLD:.*]] : f32
// CHECK-NEXT: %[[N:.*]] = arith.constant 4.000000e+00 : f32
// CHECK-NEXT: %[[MOVED:.*]] = arith.cmpf ogt, %[[GROWTH]], %[[N]] : f32
// CHECK-NEXT: %[[NEW:.*]] = arith.select %[[MOVED]], %[[CAND]], %[[OLD]] : f32
// CHECK: %[[USED:.*]] = arith.select %{{.*}}, %{{.*}}, %[[NEW]] : f32
// CHECK: %[[ALPHA:.*]] = arith.select %[[MOVED]], %{{.*}}, %{{.*}} : f32
// CHECK-NEXT: %[[OFFSET:.*]] = arith.negf %[[USED]] : f32
// CHECK: llvm.intr.fma(%{{.*}}, %{{.*}}, %[[OFFSET]])
// CHECK: llvm.intr.fma(%[[ALPHA]], %{{.*}}, %{{.*}})
// CHECK: llvm.return

// With vote_kept_maxima each lane first checks its own maxima (no shuffle
// yet) against the threshold (scale * lane - old > N in one FMA: the maximum
// with the old one would only clamp that at 0), and a vote of the warp
// guards the reduction across each row's lanes; a warp where no lane moves
// keeps the old maxima, alpha exactly 1 and the old maxima's offsets, which
// the exponentials take after the branch.
// CHECK-LABEL: llvm.func @vote_kept_softmax
// CHECK-NOT: nvvm.shfl.sync
// CHECK: %[[NEG0:.*]] = arith.negf %[[OLD0:.*]] : f32
// CHECK-NOT: nvvm.shfl.sync
// CHECK: %[[G0:.*]] = llvm.intr.fma(%{{.*}}, %[[SCALE:.*]], %[[NEG0]])
// CHECK-NEXT: %[[N0:.*]] = arith.constant 8.000000e+00 : f32
// CHECK-NEXT: %[[M0:.*]] = arith.cmpf ogt, %[[G0]], %[[N0]] : f32
// CHECK-NOT: nvvm.shfl.sync
// CHECK: %[[M1:.*]] = arith.cmpf ogt
// CHECK-NEXT: %[[LANE:.*]] = arith.ori %[[M0]], %[[M1]] : i1
// CHECK-NEXT: %[[ALL:.*]] = arith.constant -1 : i32
// CHECK-NEXT: %[[WARP:.*]] = nvvm.vote.sync any %[[ALL]], %[[LANE]] -> i1
// CHECK-NEXT: %[[R:.*]]:6 = scf.if %[[WARP]] -> (f32, f32, f32, f32, f32, f32) {
// CHECK-COUNT-2: nvvm.shfl.sync bfly
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"
// CHECK-COUNT-2: nvvm.shfl.sync bfly
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"
// CHECK: scf.yield
// CHECK-NEXT: } else {
// CHECK-NOT: nvvm.shfl.sync
// CHECK-NOT: llvm.call_intrinsic
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NOT: nvvm.shfl.sync
// CHECK-NOT: llvm.call_intrinsic
// CHECK: scf.yield %[[OLD0]], %{{.*}}, %[[ONE]], %[[ONE]], %{{.*}}, %{{.*}} : f32, f32, f32, f32, f32, f32
// CHECK-NEXT: }
// CHECK-NEXT: arith.constant -0.000000e+00 : f32
// CHECK-NEXT: llvm.intr.fma(%{{.*}}, %[[SCALE]], %[[R]]#4)
// CHECK-NEXT: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"
// CHECK: llvm.intr.fma(%[[R]]#2, %{{.*}}, %{{.*}})
// CHECK: llvm.return

// A rescale by a voting row maximum's alpha (`if %warp_moved`) branches on
// that vote itself: no test of the factors, no second vote.
// CHECK-LABEL: llvm.func @vote_kept_rescale
// CHECK: %[[VOTE:.*]] = nvvm.vote.sync any %{{.*}}, %{{.*}} -> i1
// CHECK-NEXT: scf.if %[[VOTE]] -> (f32, f32, f32, f32, f32, f32)
// CHECK-NOT: nvvm.vote.sync
// CHECK-NOT: arith.cmpf une
// CHECK: scf.if %[[VOTE]] -> (!llvm.struct<
// CHECK-COUNT-32: arith.mulf
// CHECK: scf.yield
// CHECK-NEXT: } else {
// CHECK: llvm.return
gpu.module @kernels {
  llvm.func @lazy() attributes {nvvm.kernel} {
    %zero = arith.constant 0.0 : f32
    %s = bsattn.splat %zero : !bsattn.tile<128 x 64, f32>
    %m0 = bsattn.splat %zero : !bsattn.rows<128, f32>
    %max, %alpha = bsattn.row_max %s, %m0 scale_log2 = 5.000000e-01 rescale_threshold = 8 : <128 x 64, f32>, <128, f32>
    %o = bsattn.rescale %s, %alpha skip_unit_factors : <128 x 64, f32>, <128, f32>
    llvm.return
  }
  llvm.func @lazy_softmax() attributes {nvvm.kernel} {
    %zero = arith.constant 0.0 : f32
    %s = bsattn.splat %zero : !bsattn.tile<128 x 64, f32>
    %m0 = bsattn.splat %zero : !bsattn.rows<128, f32>
    %p, %max, %sum, %alpha = bsattn.online_softmax %s, %m0, %m0 scale_log2 = 5.000000e-01 rescale_threshold = 4 : <128 x 64, f32>, <128, f32>
    llvm.return
  }
  llvm.func @vote_kept_softmax() attributes {nvvm.kernel} {
    %zero = arith.constant 0.0 : f32
    %s = bsattn.splat %zero : !bsattn.tile<128 x 64, f32>
    %m0 = bsattn.splat %zero : !bsattn.rows<128, f32>
    %p, %max, %sum, %alpha = bsattn.online_softmax %s, %m0, %m0 scale_log2 = 5.000000e-01 rescale_threshold = 8 vote_kept_maxima : <128 x 64, f32>, <128, f32>
    llvm.return
  }
  llvm.func @vote_kept_rescale() attributes {nvvm.kernel} {
    %zero = arith.constant 0.0 : f32
    %s = bsattn.splat %zero : !bsattn.tile<128 x 64, f32>
    %m0 = bsattn.splat %zero : !bsattn.rows<128, f32>
    %max, %alpha, %moved = bsattn.row_max %s, %m0 scale_log2 = 5.000000e-01 rescale_threshold = 8 vote_kept_maxima : <128 x 64, f32>, <128, f32> -> i1
    %o = bsattn.rescale %s, %alpha if %moved : <128 x 64, f32>, <128, f32>
    llvm.return
  }
}
