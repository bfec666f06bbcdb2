// RUN: bsattn-opt %s --bsattn-to-kernel | FileCheck %s
// RUN: bsattn-opt %s --pass-pipeline='builtin.module(bsattn-to-schedule, gpu.module(llvm.func(bsattn-warp-specialize), canonicalize, llvm.func(bsattn-allocate-shared), convert-bsattn-schedule-to-nvvm))' | FileCheck %s --check-prefix=EVEN

// With the rebalancing (as in bsattn-to-kernel), each role starts by
// setting its budget; without it, both keep the launch's even 168 and no
// setmaxnreg is emitted.

// CHECK: llvm.func @ws(
// CHECK: scf.if
// CHECK: nvvm.setmaxregister increase 240
// CHECK: } else {
// CHECK: nvvm.setmaxregister decrease 24

// EVEN: llvm.func @ws(
// EVEN-NOT: nvvm.setmaxregister
// EVEN: llvm.return
!act = memref<1x2x512x128xbf16>
func.func @ws(%q: !act, %k: !act, %v: !act, %lens: memref<1xi32>,
              %o: !act, %lse: memref<1x2x512xf32>) {
  bsattn.attention #bsattn.causal pv = bf16
      ins(%q, %k, %v : !act, !act, !act) seq_lens(%lens : memref<1xi32>)
      outs(%o, %lse : !act, memref<1x2x512xf32>)
      {tuning = #bsattn.tuning<warp_specialize = true>}
  return
}
