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

// -----

// The producer keeps control flow, reads and pure values and drops every
// other write; a written value that decides whether a load group runs
// cannot be dropped (zeros would change which loads the producer issues).
!box = memref<1x1x128x64xbf16, #gpu.address_space<workgroup>>
!tmap = !nvgpu.tensormap.descriptor<tensor = !box, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
!mbar = !nvgpu.mbarrier.group<memorySpace = #gpu.address_space<workgroup>>
gpu.module @kernels {
  llvm.func @claim_decides_load(%arg0: !llvm.ptr, %arg1: !llvm.ptr<1>) attributes {nvvm.kernel, bsattn.block = [256, 1, 1], bsattn.tuning = #bsattn.tuning<warp_specialize = true>} {
    %tmap = bsattn.tensor_map %arg0 : !llvm.ptr -> !tmap
    %counter = bsattn.global_memref %arg1 : memref<1xi32, #gpu.address_space<global>>
    %buf = bsattn.shared_alloc swizzle = 128 : !box
    %bar = nvgpu.mbarrier.create -> !mbar
    %tid = nvvm.read.ptx.sreg.tid.x : i32
    %c0_i32 = arith.constant 0 : i32
    %leader = arith.cmpi eq, %tid, %c0_i32 : i32
    nvvm.barrier0
    %c0 = arith.constant 0 : index
    %c1_i32 = arith.constant 1 : i32
    // expected-error @+1 {{'memref.atomic_rmw' op makes a value the producer needs, which bsattn-warp-specialize cannot drop}}
    %claim = memref.atomic_rmw addi %c1_i32, %counter[%c0] : (i32, memref<1xi32, #gpu.address_space<global>>) -> i32
    %first = arith.cmpi eq, %claim, %c0_i32 : i32
    scf.if %first {
      scf.if %leader {
        nvgpu.tma.async.load %tmap[%c0, %c0, %c0, %c0], %bar[%c0] to %buf : !tmap, !mbar -> !box
      }
    }
    llvm.return
  }
}
