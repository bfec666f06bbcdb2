// RUN: bsattn-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-warp-specialize)))'

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
