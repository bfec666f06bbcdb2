// RUN: bsattn-opt %s -split-input-file --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-allocate-shared)))' -verify-diagnostics | FileCheck %s

// Swizzled buffers are placed in order, each at a multiple of 1024 bytes,
// then the unswizzled ones in order, each at a multiple of 16; the kernel
// asks for them plus 1024 bytes to align the dynamic area.

// CHECK-LABEL: llvm.func @k
// CHECK-SAME: bsattn.shared_bytes = 3200
// CHECK: bsattn.shared_alloc swizzle = 0 offset = 2048 : memref<100xi8, #gpu.address_space<workgroup>>
// CHECK: bsattn.shared_alloc swizzle = 128 offset = 0 : memref<1x8x64xbf16, #gpu.address_space<workgroup>>
// CHECK: bsattn.shared_alloc swizzle = 0 offset = 2160 : memref<2xi32, #gpu.address_space<workgroup>>
// CHECK: bsattn.shared_alloc swizzle = 128 offset = 1024 : memref<1x8x64xbf16, #gpu.address_space<workgroup>>
gpu.module @m {
  llvm.func @k() attributes {nvvm.kernel} {
    %a = bsattn.shared_alloc swizzle = 0 : memref<100xi8, #gpu.address_space<workgroup>>
    %b = bsattn.shared_alloc swizzle = 128 : memref<1x8x64xbf16, #gpu.address_space<workgroup>>
    %c = bsattn.shared_alloc swizzle = 0 : memref<2xi32, #gpu.address_space<workgroup>>
    %d = bsattn.shared_alloc swizzle = 128 : memref<1x8x64xbf16, #gpu.address_space<workgroup>>
    llvm.return
  }
}

// -----

gpu.module @m {
  // expected-error @+1 {{'llvm.func' op needs 263168 bytes of shared memory (buffers and alignment), over the 232448 an sm_90 CTA can have}}
  llvm.func @k() attributes {nvvm.kernel} {
    %a = bsattn.shared_alloc swizzle = 128 : memref<4x2x2x128x64xbf16, #gpu.address_space<workgroup>>
    llvm.return
  }
}
