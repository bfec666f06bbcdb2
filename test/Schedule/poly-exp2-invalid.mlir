// RUN: bsattn-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-poly-exp2)))'

// More columns than the key tile has.
gpu.module @kernels {
  llvm.func @k() attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<poly_exp2_columns = 80>} {
    %zero = arith.constant 0.0 : f32
    %s = bsattn.splat %zero : !bsattn.tile<128 x 64, f32>
    %m = bsattn.splat %zero : !bsattn.rows<128, f32>
    // expected-error @+1 {{'bsattn.online_softmax' op cannot compute 80 columns' exponentials with a polynomial (poly_exp2_columns): the key tile has 64}}
    %p, %max, %sum, %alpha = bsattn.online_softmax %s, %m, %m scale_log2 = 5.000000e-01 : <128 x 64, f32>, <128, f32>
    llvm.return
  }
}

// -----

gpu.module @kernels {
  llvm.func @k() attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<poly_exp2_columns = 80>} {
    %zero = arith.constant 0.0 : f32
    %s = bsattn.splat %zero : !bsattn.tile<128 x 64, f32>
    %m = bsattn.splat %zero : !bsattn.rows<128, f32>
    // expected-error @+1 {{'bsattn.exp_scores' op cannot compute 80 columns' exponentials with a polynomial (poly_exp2_columns): the key tile has 64}}
    %p, %r = bsattn.exp_scores %s, %m, %s, %m first_column = 16 columns = 48 scale_log2 = 5.000000e-01 : <128 x 64, f32>, <128, f32>
    llvm.return
  }
}
