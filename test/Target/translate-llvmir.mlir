// RUN: bsattn-translate --mlir-to-llvmir %s | FileCheck %s
// RUN: bsattn-translate --help | FileCheck %s --check-prefix=HELP

// bsattn-translate carries the upstream translations, so the LLVM dialect
// that the lowering produces translates to LLVM IR.

// CHECK: define i32 @add(i32 %0, i32 %1)
// CHECK: add i32 %0, %1
llvm.func @add(%a: i32, %b: i32) -> i32 {
  %sum = llvm.add %a, %b : i32
  llvm.return %sum : i32
}

// HELP: bsattn translation driver
// HELP: --mlir-to-llvmir
