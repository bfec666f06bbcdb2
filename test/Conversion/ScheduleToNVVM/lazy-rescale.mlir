// RUN: bsattn-opt %s --pass-pipeline='builtin.module(gpu.module(convert-bsattn-schedule-to-nvvm))' | FileCheck %s

// rescale_threshold = 8: each row half's new maximum is the old one unless
// the block's scaled maximum exceeds it by more than 8, and alpha is then
// exactly 1 (not exp2(0) as MUFU.EX2 rounds it). skip_unit_factors: a warp
// vote on any factor != 1 guards the multiplies; the other path keeps O.

// CHECK-LABEL: llvm.func @lazy
// CHECK: %[[OLD:.*]] = llvm.extractvalue %{{.*}}[0] : !llvm.struct<(f32, f32)>
// CHECK: nvvm.shfl.sync bfly
// CHECK: nvvm.shfl.sync bfly
// CHECK: %[[BLOCK:.*]] = arith.mulf
// CHECK: %[[CAND:.*]] = llvm.intr.maxnum(%[[OLD]], %[[BLOCK]])
// CHECK-NEXT: %[[N:.*]] = arith.constant 8.000000e+00 : f32
// CHECK-NEXT: %[[BOUND:.*]] = arith.addf %[[OLD]], %[[N]] : f32
// CHECK-NEXT: %[[MOVED:.*]] = arith.cmpf ogt, %[[CAND]], %[[BOUND]] : f32
// CHECK-NEXT: %[[NEW:.*]] = arith.select %[[MOVED]], %[[CAND]], %[[OLD]] : f32
// CHECK: %[[EXP:.*]] = llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[ALPHA0:.*]] = arith.select %[[MOVED]], %[[EXP]], %[[ONE]] : f32
// CHECK: %[[MOVED1:.*]] = arith.cmpf ogt
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"
// CHECK-NEXT: arith.constant 1.000000e+00 : f32
// CHECK-NEXT: arith.select %[[MOVED1]]
// CHECK: %[[F0:.*]] = llvm.extractvalue %{{.*}}[0] : !llvm.struct<(f32, f32)>
// CHECK: %[[F1:.*]] = llvm.extractvalue %{{.*}}[1] : !llvm.struct<(f32, f32)>
// CHECK: %[[NU0:.*]] = arith.cmpf une, %[[F0]], %{{.*}} : f32
// CHECK: %[[NU1:.*]] = arith.cmpf une, %[[F1]], %{{.*}} : f32
// CHECK-NEXT: %[[NU:.*]] = arith.ori %[[NU0]], %[[NU1]] : i1
// CHECK: %[[ANY:.*]] = nvvm.vote.sync any %{{.*}}, %[[NU]] -> i1
// CHECK-NEXT: %[[O:.*]] = scf.if %[[ANY]] -> (!llvm.struct<(f32, f32, f32, f32,
// CHECK-COUNT-32: arith.mulf
// CHECK: scf.yield
// CHECK-NEXT: } else {
// CHECK-NEXT: scf.yield %[[ACC:.*]] :
// CHECK-NEXT: }
// CHECK-NOT: arith.mulf
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
}
