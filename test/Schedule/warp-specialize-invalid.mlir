// RUN: bsattn-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize)))'

// Dynamic tiles hand the claimed tile from thread 0 to the CTA through
// shared memory behind a CTA barrier the producer does not run.
gpu.module @kernels {
  // expected-error @+1 {{'llvm.func' op bsattn-warp-specialize does not support dynamic tiles yet}}
  llvm.func @dynamic() attributes {nvvm.kernel, bsattn.block = [256, 1, 1], bsattn.tuning = #bsattn.tuning<persistent = true, warp_specialize = true, dynamic_tiles = true>} {
    llvm.return
  }
}

// -----

gpu.module @kernels {
  // expected-error @+1 {{'llvm.func' op has no 'bsattn.block' of three sizes}}
  llvm.func @no_block() attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<warp_specialize = true>} {
    llvm.return
  }
}

// -----

gpu.module @kernels {
  // expected-error @+1 {{'llvm.func' op has no set-up barrier (nvvm.barrier0) before its schedule}}
  llvm.func @no_setup() attributes {nvvm.kernel, bsattn.block = [256, 1, 1], bsattn.tuning = #bsattn.tuning<warp_specialize = true>} {
    llvm.return
  }
}

// -----

gpu.module @kernels {
  // expected-error @+1 {{'llvm.func' op needs load groups that share one load issuer predicate}}
  llvm.func @no_loads() attributes {nvvm.kernel, bsattn.block = [256, 1, 1], bsattn.tuning = #bsattn.tuning<warp_specialize = true>} {
    nvvm.barrier0
    llvm.return
  }
}
