// RUN: bsattn-opt %s --bsattn-check-host -split-input-file -verify-diagnostics | FileCheck %s

// A kernel in a function of the module, a PTX name in a gpu.module and a
// memref.dim inside the rank pass through unchanged.

// CHECK-LABEL: func.func @top
// CHECK: bsattn.attention #bsattn.causal
// CHECK-LABEL: func.func @rank
// CHECK: memref.dim %{{.*}}, %{{.*}} : memref<?x?x?x128xbf16>
// CHECK: gpu.module @k_kernels
// CHECK: llvm.func @k_0() attributes {nvvm.kernel}
module attributes {gpu.container_module} {
  func.func @top(%q: memref<?x?x?x128xbf16>, %s: memref<?xi32>,
                 %o: memref<?x?x?x128xbf16>, %lse: memref<?x?x?xf32>) {
    bsattn.attention #bsattn.causal pv = f16
        ins(%q, %q, %q : memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>, memref<?x?x?x128xbf16>)
        seq_lens(%s : memref<?xi32>)
        outs(%o, %lse : memref<?x?x?x128xbf16>, memref<?x?x?xf32>)
    return
  }
  func.func @rank(%q: memref<?x?x?x128xbf16>) -> index {
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %i = arith.addi %c1, %c2 : index
    %d = memref.dim %q, %i : memref<?x?x?x128xbf16>
    return %d : index
  }
  gpu.module @k_kernels {
    llvm.func @k_0() attributes {nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

module {
  module @inner {
    func.func @f(%q: memref<1x1x128x128xbf16>, %s: memref<1xi32>, %o: memref<1x1x128x128xbf16>, %l: memref<1x1x128xf32>) {
      // expected-error @+1 {{'bsattn.attention' op is in a nested module, which the bsattn pipelines do not compile (they compile the functions of the module they run on)}}
      bsattn.attention #bsattn.causal pv = f16
          ins(%q, %q, %q : memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>)
          seq_lens(%s : memref<1xi32>)
          outs(%o, %l : memref<1x1x128x128xbf16>, memref<1x1x128xf32>)
      return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k_kernels {
    // expected-error @+1 {{'llvm.func' op has symbol name 'k-0', which is not a PTX identifier ([A-Za-z_$][A-Za-z0-9_$]*)}}
    llvm.func @"k-0"() attributes {nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

// An index outside the rank, reached by folding (3 + 1).
func.func @dim(%q: memref<?x?x?x128xbf16>) -> index {
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %i = arith.addi %c3, %c1 : index
  // expected-error @+1 {{'memref.dim' op index 4 is out of range for a memref of rank 4}}
  %d = memref.dim %q, %i : memref<?x?x?x128xbf16>
  return %d : index
}
