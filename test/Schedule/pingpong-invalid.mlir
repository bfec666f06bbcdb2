// RUN: bsattn-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(bsattn-fuse-softmax), convert-bsattn-to-schedule, gpu.module(llvm.func(bsattn-pingpong)))'

// bsattn-pingpong runs after bsattn-warp-specialize: without the consumer
// region it has nothing to take turns in.
!act = memref<1x2x512x128xbf16>
func.func @not_specialized(%q: !act, %o: !act, %lse: memref<1x2x512xf32>) {
  // expected-error @+1 {{'llvm.func' op bsattn-pingpong needs a warp-specialized kernel (run bsattn-warp-specialize first)}}
  bsattn.query_tile #bsattn.causal pv = f16
      ins(%q, %q, %q : !act, !act, !act) outs(%o, %lse : !act, memref<1x2x512xf32>)
      attributes {block_size = 128 : i64, capture_names = [], scale = 0.5 : f32,
                  tuning = #bsattn.tuning<warp_specialize = true, pingpong = true>} {
  ^bb0(%b: index, %h: index, %qb: index):
    %c512 = arith.constant 512 : index
    %c1 = arith.constant 1 : index
    %n = arith.addi %qb, %c1 : index
    bsattn.key_block_loop count(%n) seq_len(%c512) {
    ^bb0(%e: index):
      %true = arith.constant true
      bsattn.yield_key_block %e, %true
    }
  }
  return
}

// -----

// A product only some threads issue would leave the other warpgroup
// waiting for a turn that never comes.
!smem = memref<2x128x64xbf16, #gpu.address_space<workgroup>>
gpu.module @kernels {
  llvm.func @divergent() attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<warp_specialize = true, pingpong = true>} {
    %q = bsattn.shared_alloc swizzle = 128 : !smem
    bsattn.warp_specialize consumers(256 threads, 240 registers) {
      %tid = nvvm.read.ptx.sreg.tid.x : i32
      %c64 = arith.constant 64 : i32
      %low = arith.cmpi ult, %tid, %c64 : i32
      scf.if %low {
        nvvm.wgmma.fence.aligned
        // expected-error @+1 {{'bsattn.wgmma_ss' op is issued under 'scf.if' whose condition or bounds depend on the thread: bsattn-pingpong needs every consumer warpgroup to issue every product}}
        %s = bsattn.wgmma_ss %q, %q : !smem, !smem -> !bsattn.tile<128 x 128, f32>
        nvvm.wgmma.commit.group.sync.aligned
        %w = bsattn.wgmma_wait %s pending = 0 : !bsattn.tile<128 x 128, f32>
      }
    } producer(128 threads, 24 registers) {
      %c0 = arith.constant 0 : i32
    }
    llvm.return
  }
}

// -----

// Ping-pong is for two or three consumer warpgroups.
!smem = memref<2x128x64xbf16, #gpu.address_space<workgroup>>
gpu.module @kernels {
  llvm.func @one() attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<warp_specialize = true, pingpong = true>} {
    %q = bsattn.shared_alloc swizzle = 128 : !smem
    // expected-error @+1 {{'bsattn.warp_specialize' op bsattn-pingpong needs 2 to 3 consumer warpgroups, got 1}}
    bsattn.warp_specialize consumers(128 threads, 240 registers) {
      nvvm.wgmma.fence.aligned
      %s = bsattn.wgmma_ss %q, %q : !smem, !smem -> !bsattn.tile<128 x 128, f32>
      nvvm.wgmma.commit.group.sync.aligned
      %w = bsattn.wgmma_wait %s pending = 0 : !bsattn.tile<128 x 128, f32>
    } producer(128 threads, 24 registers) {
      %c0 = arith.constant 0 : i32
    }
    llvm.return
  }
}

// -----

// A product outside a fence ... commit group cannot be given a turn.
!smem = memref<2x128x64xbf16, #gpu.address_space<workgroup>>
gpu.module @kernels {
  llvm.func @unfenced() attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<warp_specialize = true, pingpong = true>} {
    %q = bsattn.shared_alloc swizzle = 128 : !smem
    // expected-error @+1 {{'bsattn.warp_specialize' op has 1 products, 0 of them between a wgmma fence and a commit: bsattn-pingpong needs every product in such a group}}
    bsattn.warp_specialize consumers(256 threads, 240 registers) {
      %s = bsattn.wgmma_ss %q, %q : !smem, !smem -> !bsattn.tile<128 x 128, f32>
      nvvm.wgmma.commit.group.sync.aligned
      %w = bsattn.wgmma_wait %s pending = 0 : !bsattn.tile<128 x 128, f32>
    } producer(128 threads, 24 registers) {
      %c0 = arith.constant 0 : i32
    }
    llvm.return
  }
}
