// RUN: bsattn-opt %s --pass-pipeline='builtin.module(gpu.module(convert-bsattn-schedule-to-nvvm))' | FileCheck %s

// The online softmax in parts (bsattn-overlap's pv_wait_columns): the row
// maxima with their rescale factors, the exponentials of a range of
// columns, and sum = alpha * sum + row sums. A thread holds 32 values of a
// 128 x 64 tile, 4 per 8-column chunk: columns 16-47 are its values 8-23.

// CHECK-LABEL: llvm.func @split
// row_max: four max chains per row half, the quad's shuffles, alpha.
// CHECK-COUNT-2: nvvm.shfl.sync bfly
// CHECK-NOT: llvm.call_intrinsic
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"
// CHECK-COUNT-2: nvvm.shfl.sync bfly
// CHECK-NOT: llvm.call_intrinsic
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"
// exp_scores: 16 exponentials (value 8 first), each added to its row
// half's sum from row_sum_in; the other values are probs_in's.
// CHECK: %[[S8:.*]] = llvm.extractvalue %[[SCORES:[0-9]+]][8]
// CHECK: %[[IN7:.*]] = llvm.extractvalue %[[IN:[0-9]+]][7]
// CHECK: %[[ROWSUM:.*]] = llvm.extractvalue %[[SUMIN:[0-9]+]][0]
// CHECK-NOT: llvm.call_intrinsic
// CHECK: %[[X8:.*]] = llvm.intr.fma(%[[S8]],
// CHECK-NEXT: %[[P8:.*]] = llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"(%[[X8]])
// CHECK-NEXT: arith.addf %[[ROWSUM]], %[[P8]]
// CHECK-COUNT-15: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"
// CHECK-NOT: llvm.call_intrinsic
// CHECK: llvm.insertvalue %[[IN7]], %{{.*}}[7]
// CHECK-NEXT: llvm.insertvalue %[[P8]], %{{.*}}[8]
// rows_fma: one fma per row half.
// CHECK-COUNT-2: llvm.intr.fma
// CHECK-NOT: llvm.intr.fma
// CHECK: llvm.return
gpu.module @kernels {
  llvm.func @split() attributes {nvvm.kernel} {
    %zero = arith.constant 0.0 : f32
    %s = bsattn.splat %zero : !bsattn.tile<128 x 64, f32>
    %one = arith.constant 1.0 : f32
    %in = bsattn.splat %one : !bsattn.tile<128 x 64, f32>
    %m0 = bsattn.splat %zero : !bsattn.rows<128, f32>
    %max, %alpha = bsattn.row_max %s, %m0 scale_log2 = 5.000000e-01 : <128 x 64, f32>, <128, f32>
    %p, %r = bsattn.exp_scores %s, %max, %in, %m0 first_column = 16 columns = 32 scale_log2 = 5.000000e-01 : <128 x 64, f32>, <128, f32>
    %sum = bsattn.rows_fma %alpha, %m0, %r : <128, f32>
    llvm.return
  }
}
