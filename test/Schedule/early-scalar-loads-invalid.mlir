// RUN: bsattn-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-early-scalar-loads)))' | FileCheck %s

gpu.module @kernels {
  // expected-error @+1 {{'llvm.func' op has no set-up barrier (nvvm.barrier0) for bsattn-early-scalar-loads to move loads above}}
  llvm.func @no_barrier() attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<early_scalar_loads = true>} {
    llvm.return
  }
}

// -----

// A load whose index needs another load after the barrier stays after it.
gpu.module @kernels {
  // CHECK-LABEL: llvm.func @dependent_load
  // CHECK: nvvm.barrier0
  // CHECK-NEXT: llvm.load
  // CHECK: memref.load
  llvm.func @dependent_load(%lens: !llvm.ptr<1>, %size: i64)
      attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<early_scalar_loads = true>} {
    nvvm.barrier0
    %i64 = llvm.load %lens : !llvm.ptr<1> -> i64
    %i = arith.index_cast %i64 : i64 to index
    %m = bsattn.global_memref %lens sizes(%size) : memref<?xi32, #gpu.address_space<global>>
    %len = memref.load %m[%i] : memref<?xi32, #gpu.address_space<global>>
    llvm.return
  }
}
