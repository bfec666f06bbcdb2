// RUN: rm -rf %t
// RUN: bsattn-translate --emit-cubin %s -split-input-file -verify-diagnostics -o /dev/null
// RUN: bsattn-translate --emit-ptx %s -split-input-file -verify-diagnostics -o /dev/null
// RUN: bsattn-translate --emit-manifest %s -split-input-file -verify-diagnostics -o /dev/null
// RUN: bsattn-translate --emit-challenge-submission --bsattn-submission-dir %t %s -split-input-file -verify-diagnostics -o /dev/null
// RUN: not ls %t

// The emitters take one kernel at the bsattn.attention, bsattn.query_tile
// or llvm.func level, and refuse anything else before lowering it or
// running ptxas.

module attributes {gpu.container_module} {
  // A gpu.binary holds PTX or a cubin already: --emit-cubin used to copy
  // the PTX text into the .cubin.
  // expected-error @+1 {{the input is already compiled to a gpu.binary; the bsattn emitters take bsattn.attention, bsattn.query_tile or an llvm.func kernel with 'bsattn.abi'}}
  gpu.binary @f_kernels [#gpu.object<#nvvm.target<chip = "sm_90a">, assembly = ".version 8.0">]
}

// -----

// expected-error @+1 {{expected exactly one bsattn.attention to emit, found 0}}
module {
  func.func @f() {
    return
  }
}

// -----

// expected-error @+1 {{expected exactly one bsattn.attention to emit, found 2}}
module {
  func.func @f(%q: memref<1x1x128x128xbf16>, %s: memref<1xi32>, %o: memref<1x1x128x128xbf16>, %l: memref<1x1x128xf32>) {
    bsattn.attention #bsattn.causal pv = f16
        ins(%q, %q, %q : memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>)
        seq_lens(%s : memref<1xi32>)
        outs(%o, %l : memref<1x1x128x128xbf16>, memref<1x1x128xf32>)
    return
  }
  func.func @g(%q: memref<1x1x128x128xbf16>, %s: memref<1xi32>, %o: memref<1x1x128x128xbf16>, %l: memref<1x1x128xf32>) {
    bsattn.attention #bsattn.causal pv = f16
        ins(%q, %q, %q : memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>, memref<1x1x128x128xbf16>)
        seq_lens(%s : memref<1xi32>)
        outs(%o, %l : memref<1x1x128x128xbf16>, memref<1x1x128xf32>)
    return
  }
}
