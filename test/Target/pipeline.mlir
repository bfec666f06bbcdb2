// RUN: bsattn-opt %s --bsattn-to-ptx | FileCheck %s
// RUN: bsattn-opt %s --bsattn-to-kernel | FileCheck %s --check-prefix=KERNEL

// The named pipelines: to an NVVM kernel, and on to a gpu.binary with PTX.

// CHECK: gpu.binary @window_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_90a", features = "+ptx80">
// CHECK-SAME: assembly = "
// CHECK-SAME: prefetch.param.tensormap
// CHECK-SAME: wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16

// KERNEL: gpu.module @window_kernels
// KERNEL: llvm.func @window(
// KERNEL-NOT: bsattn.attention
// KERNEL-NOT: bsattn.query_tile
!act = memref<1x2x512x128xbf16>
func.func @window(%q: !act, %k: !act, %v: !act, %seq_lens: memref<1xi32>,
                  %o: !act, %lse: memref<1x2x512xf32>) {
  bsattn.attention #bsattn.sliding_window<2> pv = bf16
      ins(%q, %k, %v : !act, !act, !act) seq_lens(%seq_lens : memref<1xi32>)
      outs(%o, %lse : !act, memref<1x2x512xf32>)
  return
}
