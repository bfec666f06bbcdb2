// RUN: bsattn-opt %s --pass-pipeline='builtin.module(gpu.module(convert-bsattn-schedule-to-nvvm))' | FileCheck %s

// poly_columns: the exponentials of chunk 24 (the thread's values 12-15 of
// a 128 x 64 tile) come from the polynomial, those of chunk 16 (values
// 8-11) from MUFU.EX2. 2^x = 2^n * p(x - n): x clamped to -127, n = floor(x)
// in the low bits of x + 1.5 * 2^23 rounded down, p of degree 5 by Horner,
// n shifted into p's exponent field.

// CHECK-LABEL: llvm.func @poly
// CHECK-COUNT-4: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"
// CHECK-NOT: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"
// CHECK: %[[X:.*]] = llvm.intr.fma(%{{.*}}, %{{.*}}, %{{.*}}) : (f32, f32, f32) -> f32
// CHECK-NEXT: %[[LOW:.*]] = arith.constant -1.270000e+02 : f32
// CHECK-NEXT: %[[CLAMPED:.*]] = llvm.intr.maxnum(%[[X]], %[[LOW]])
// CHECK-NEXT: %[[MAGIC:.*]] = arith.constant 0x4B400000 : f32
// CHECK-NEXT: %[[SHIFTED:.*]] = llvm.call_intrinsic "llvm.nvvm.add.rm.f"(%[[CLAMPED]], %[[MAGIC]])
// CHECK-NEXT: %[[MAGIC2:.*]] = arith.constant 0x4B400000 : f32
// CHECK-NEXT: %[[FLOOR:.*]] = llvm.fsub %[[SHIFTED]], %[[MAGIC2]]
// CHECK-NEXT: %[[F:.*]] = llvm.fsub %[[CLAMPED]], %[[FLOOR]]
// CHECK-NEXT: %[[C5:.*]] = arith.constant 0.0018671006 : f32
// CHECK-NEXT: %[[C4:.*]] = arith.constant 0.00901709218 : f32
// CHECK-NEXT: %[[P4:.*]] = llvm.intr.fma(%[[C5]], %[[F]], %[[C4]])
// CHECK-NEXT: arith.constant 0.055799868
// CHECK-NEXT: %[[P3:.*]] = llvm.intr.fma(%[[P4]], %[[F]]
// CHECK-NEXT: arith.constant 0.240164459
// CHECK-NEXT: %[[P2:.*]] = llvm.intr.fma(%[[P3]], %[[F]]
// CHECK-NEXT: arith.constant 0.693151295
// CHECK-NEXT: %[[P1:.*]] = llvm.intr.fma(%[[P2]], %[[F]]
// CHECK-NEXT: arith.constant 1.000000e+00
// CHECK-NEXT: %[[P:.*]] = llvm.intr.fma(%[[P1]], %[[F]]
// CHECK-NEXT: %[[C23:.*]] = arith.constant 23 : i32
// CHECK-NEXT: %[[NBITS:.*]] = llvm.bitcast %[[SHIFTED]] : f32 to i32
// CHECK-NEXT: %[[EXPONENT:.*]] = llvm.shl %[[NBITS]], %[[C23]]
// CHECK-NEXT: %[[PBITS:.*]] = llvm.bitcast %[[P]] : f32 to i32
// CHECK-NEXT: %[[BITS:.*]] = llvm.add %[[PBITS]], %[[EXPONENT]]
// CHECK-NEXT: %[[RESULT:.*]] = llvm.bitcast %[[BITS]] : i32 to f32
// CHECK-NEXT: arith.addf %{{.*}}, %[[RESULT]]
// CHECK-COUNT-3: llvm.call_intrinsic "llvm.nvvm.add.rm.f"
// CHECK-NOT: llvm.call_intrinsic
// CHECK: llvm.return
gpu.module @kernels {
  llvm.func @poly() attributes {nvvm.kernel} {
    %zero = arith.constant 0.0 : f32
    %s = bsattn.splat %zero : !bsattn.tile<128 x 64, f32>
    %m = bsattn.splat %zero : !bsattn.rows<128, f32>
    %p, %r = bsattn.exp_scores %s, %m, %s, %m first_column = 16 columns = 16 scale_log2 = 5.000000e-01 poly_columns = [24] : <128 x 64, f32>, <128, f32>
    llvm.return
  }
}
