// RUN: bsattn-opt %s --bsattn-to-ptx -split-input-file -verify-diagnostics

// Symbols in a gpu.module become PTX names; the NVPTX backend aborted on a
// name that is not a PTX identifier.

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op has symbol name 'a b', which is not a PTX identifier ([A-Za-z_$][A-Za-z0-9_$]*)}}
    llvm.func @"a b"() attributes {nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.mlir.global' op has symbol name '0x', which is not a PTX identifier}}
    llvm.mlir.global external @"0x"() {addr_space = 3 : i32} : !llvm.array<0 x i8>
  }
}
