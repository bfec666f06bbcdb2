// RUN: bsattn-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(gpu.module(llvm.func(bsattn-overlap)))'

// bsattn-overlap runs after bsattn-warp-specialize.
gpu.module @kernels {
  // expected-error @+1 {{'llvm.func' op bsattn-overlap needs a warp-specialized kernel (run bsattn-warp-specialize first)}}
  llvm.func @not_specialized() attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<warp_specialize = true, overlap = true>} {
    llvm.return
  }
}

// -----

// A loop that skips a block's products under a branch cannot be pipelined.
!smem = memref<2x128x64xbf16, #gpu.address_space<workgroup>>
!tile = !bsattn.tile<128 x 128, f32>
gpu.module @kernels {
  llvm.func @branch(%count: i64, %used: i1) attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<warp_specialize = true, overlap = true>} {
    %q = bsattn.shared_alloc swizzle = 128 : !smem
    bsattn.warp_specialize consumers(256 threads, 240 registers) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %n = arith.index_cast %count : i64 to index
      %zero = arith.constant 0.0 : f32
      %o0 = bsattn.splat %zero : !tile
      %rows = bsattn.splat %zero : !bsattn.rows<128, f32>
      // expected-error @+1 {{'scf.for' op cannot be overlapped: a product is issued under a branch of the loop (the skip of an ignored CSR entry, say)}}
      %o = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %o0) -> (!tile) {
        %next = scf.if %used -> (!tile) {
          nvvm.wgmma.fence.aligned
          %s = bsattn.wgmma_ss %q, %q : !smem, !smem -> !tile
          nvvm.wgmma.commit.group.sync.aligned
          %sw = bsattn.wgmma_wait %s pending = 0 : !tile
          %scaled = bsattn.rescale %acc, %rows : !tile, !bsattn.rows<128, f32>
          %p = bsattn.truncf %sw : !tile to !bsattn.tile<128 x 128, bf16>
          nvvm.wgmma.fence.aligned
          %pv = bsattn.wgmma_rs %scaled, %p, %q : !tile, !bsattn.tile<128 x 128, bf16>, !smem
          nvvm.wgmma.commit.group.sync.aligned
          %done = bsattn.wgmma_wait %pv pending = 0 : !tile
          scf.yield %done : !tile
        } else {
          scf.yield %acc : !tile
        }
        scf.yield %next : !tile
      }
    } producer(128 threads, 24 registers) {
      %c0 = arith.constant 0 : i32
    }
    llvm.return
  }
}

// -----

// P.V must accumulate into the loop's O, rescaled.
!smem = memref<2x128x64xbf16, #gpu.address_space<workgroup>>
!tile = !bsattn.tile<128 x 128, f32>
gpu.module @kernels {
  llvm.func @no_rescale(%count: i64) attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<warp_specialize = true, overlap = true>} {
    %q = bsattn.shared_alloc swizzle = 128 : !smem
    bsattn.warp_specialize consumers(256 threads, 240 registers) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %n = arith.index_cast %count : i64 to index
      %zero = arith.constant 0.0 : f32
      %o0 = bsattn.splat %zero : !tile
      // expected-error @+1 {{'scf.for' op cannot be overlapped: P.V does not accumulate into the loop's rescaled O}}
      %o = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %o0) -> (!tile) {
        nvvm.wgmma.fence.aligned
        %s = bsattn.wgmma_ss %q, %q : !smem, !smem -> !tile
        nvvm.wgmma.commit.group.sync.aligned
        %sw = bsattn.wgmma_wait %s pending = 0 : !tile
        %p = bsattn.truncf %sw : !tile to !bsattn.tile<128 x 128, bf16>
        nvvm.wgmma.fence.aligned
        %pv = bsattn.wgmma_rs %acc, %p, %q : !tile, !bsattn.tile<128 x 128, bf16>, !smem
        nvvm.wgmma.commit.group.sync.aligned
        %done = bsattn.wgmma_wait %pv pending = 0 : !tile
        scf.yield %done : !tile
      }
    } producer(128 threads, 24 registers) {
      %c0 = arith.constant 0 : i32
    }
    llvm.return
  }
}

// -----

// pv_wait_columns splits the loop's softmax round the wait for P.V: what
// reads its probabilities (here a tile the loop carries beside P) must come
// after that wait.
!smem = memref<2x128x64xbf16, #gpu.address_space<workgroup>>
!tile = !bsattn.tile<128 x 128, f32>
!rows = !bsattn.rows<128, f32>
gpu.module @kernels {
  llvm.func @probs_before_wait(%count: i64) attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<warp_specialize = true, overlap = true, pv_wait_columns = 48>} {
    %q = bsattn.shared_alloc swizzle = 128 : !smem
    bsattn.warp_specialize consumers(256 threads, 240 registers) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %n = arith.index_cast %count : i64 to index
      %zero = arith.constant 0.0 : f32
      %o0 = bsattn.splat %zero : !tile
      %r0 = bsattn.splat %zero : !rows
      %o:4 = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %o0, %max = %r0, %sum = %r0, %seen = %o0) -> (!tile, !rows, !rows, !tile) {
        nvvm.wgmma.fence.aligned
        %s = bsattn.wgmma_ss %q, %q : !smem, !smem -> !tile
        nvvm.wgmma.commit.group.sync.aligned
        %sw = bsattn.wgmma_wait %s pending = 0 : !tile
        %probs, %max_new, %sum_new, %alpha = bsattn.online_softmax %sw, %max, %sum scale_log2 = 0.5 : !tile, !rows
        // expected-error @+1 {{'bsattn.rescale' op reads the softmax's probabilities or sums before the wait for P.V that pv_wait_columns puts among its exponentials}}
        %kept = bsattn.rescale %probs, %alpha : !tile, !rows
        %scaled = bsattn.rescale %acc, %alpha : !tile, !rows
        %p = bsattn.truncf %probs : !tile to !bsattn.tile<128 x 128, bf16>
        nvvm.wgmma.fence.aligned
        %pv = bsattn.wgmma_rs %scaled, %p, %q : !tile, !bsattn.tile<128 x 128, bf16>, !smem
        nvvm.wgmma.commit.group.sync.aligned
        %done = bsattn.wgmma_wait %pv pending = 0 : !tile
        scf.yield %done, %max_new, %sum_new, %kept : !tile, !rows, !rows, !tile
      }
    } producer(128 threads, 24 registers) {
      %c0 = arith.constant 0 : i32
    }
    llvm.return
  }
}

// -----

// The split must leave columns after the wait.
!smem = memref<2x128x64xbf16, #gpu.address_space<workgroup>>
!tile = !bsattn.tile<128 x 128, f32>
!rows = !bsattn.rows<128, f32>
gpu.module @kernels {
  llvm.func @split_past_tile(%count: i64) attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<warp_specialize = true, overlap = true, pv_wait_columns = 128>} {
    %q = bsattn.shared_alloc swizzle = 128 : !smem
    bsattn.warp_specialize consumers(256 threads, 240 registers) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %n = arith.index_cast %count : i64 to index
      %zero = arith.constant 0.0 : f32
      %o0 = bsattn.splat %zero : !tile
      %r0 = bsattn.splat %zero : !rows
      // expected-error @+1 {{'scf.for' op cannot wait for P.V inside the softmax: pv_wait_columns = 128 leaves none of the key tile's 128 columns after the wait}}
      %o:3 = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %o0, %max = %r0, %sum = %r0) -> (!tile, !rows, !rows) {
        nvvm.wgmma.fence.aligned
        %s = bsattn.wgmma_ss %q, %q : !smem, !smem -> !tile
        nvvm.wgmma.commit.group.sync.aligned
        %sw = bsattn.wgmma_wait %s pending = 0 : !tile
        %probs, %max_new, %sum_new, %alpha = bsattn.online_softmax %sw, %max, %sum scale_log2 = 0.5 : !tile, !rows
        %scaled = bsattn.rescale %acc, %alpha : !tile, !rows
        %p = bsattn.truncf %probs : !tile to !bsattn.tile<128 x 128, bf16>
        nvvm.wgmma.fence.aligned
        %pv = bsattn.wgmma_rs %scaled, %p, %q : !tile, !bsattn.tile<128 x 128, bf16>, !smem
        nvvm.wgmma.commit.group.sync.aligned
        %done = bsattn.wgmma_wait %pv pending = 0 : !tile
        scf.yield %done, %max_new, %sum_new : !tile, !rows, !rows
      }
    } producer(128 threads, 24 registers) {
      %c0 = arith.constant 0 : i32
    }
    llvm.return
  }
}
// -----

// Consumers without a key-block loop (no P.V in an scf.for) leave nothing
// to pipeline.
gpu.module @kernels {
  llvm.func @no_loop() attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<warp_specialize = true, overlap = true>} {
    // expected-error @+1 {{'bsattn.warp_specialize' op has no key-block loop for bsattn-overlap}}
    bsattn.warp_specialize consumers(256 threads, 240 registers) {
      %c0 = arith.constant 0 : i32
    } producer(128 threads, 24 registers) {
      %c0 = arith.constant 0 : i32
    }
    llvm.return
  }
}

// -----

// The loop must compute S = Q.K^T itself.
!smem = memref<2x128x64xbf16, #gpu.address_space<workgroup>>
!tile = !bsattn.tile<128 x 128, f32>
gpu.module @kernels {
  llvm.func @no_scores(%count: i64) attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<warp_specialize = true, overlap = true>} {
    %q = bsattn.shared_alloc swizzle = 128 : !smem
    bsattn.warp_specialize consumers(256 threads, 240 registers) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %n = arith.index_cast %count : i64 to index
      %zero = arith.constant 0.0 : f32
      %o0 = bsattn.splat %zero : !tile
      %rows = bsattn.splat %zero : !bsattn.rows<128, f32>
      // expected-error @+1 {{'scf.for' op cannot be overlapped: the key-block loop needs one Q.K^T product and a P.V group}}
      %o = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %o0) -> (!tile) {
        %scaled = bsattn.rescale %acc, %rows : !tile, !bsattn.rows<128, f32>
        %p = bsattn.truncf %acc : !tile to !bsattn.tile<128 x 128, bf16>
        nvvm.wgmma.fence.aligned
        %pv = bsattn.wgmma_rs %scaled, %p, %q : !tile, !bsattn.tile<128 x 128, bf16>, !smem
        nvvm.wgmma.commit.group.sync.aligned
        %done = bsattn.wgmma_wait %pv pending = 0 : !tile
        scf.yield %done : !tile
      }
    } producer(128 threads, 24 registers) {
      %c0 = arith.constant 0 : i32
    }
    llvm.return
  }
}

// -----

// S must be read through a wait of its own, not as P.V's accumulator.
!smem = memref<2x128x64xbf16, #gpu.address_space<workgroup>>
!tile = !bsattn.tile<128 x 128, f32>
gpu.module @kernels {
  llvm.func @scores_unwaited(%count: i64) attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<warp_specialize = true, overlap = true>} {
    %q = bsattn.shared_alloc swizzle = 128 : !smem
    bsattn.warp_specialize consumers(256 threads, 240 registers) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %n = arith.index_cast %count : i64 to index
      %zero = arith.constant 0.0 : f32
      %o0 = bsattn.splat %zero : !tile
      %rows = bsattn.splat %zero : !bsattn.rows<128, f32>
      // expected-error @+1 {{'scf.for' op cannot be overlapped: S has no wgmma_wait of its own}}
      %o = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %o0) -> (!tile) {
        nvvm.wgmma.fence.aligned
        %s = bsattn.wgmma_ss %q, %q : !smem, !smem -> !tile
        nvvm.wgmma.commit.group.sync.aligned
        %p = bsattn.truncf %acc : !tile to !bsattn.tile<128 x 128, bf16>
        nvvm.wgmma.fence.aligned
        %pv = bsattn.wgmma_rs %s, %p, %q : !tile, !bsattn.tile<128 x 128, bf16>, !smem
        nvvm.wgmma.commit.group.sync.aligned
        %done = bsattn.wgmma_wait %pv pending = 0 : !tile
        scf.yield %done : !tile
      }
    } producer(128 threads, 24 registers) {
      %c0 = arith.constant 0 : i32
    }
    llvm.return
  }
}

// -----

// The loop must carry the waited P.V result as O.
!smem = memref<2x128x64xbf16, #gpu.address_space<workgroup>>
!tile = !bsattn.tile<128 x 128, f32>
gpu.module @kernels {
  llvm.func @o_not_carried(%count: i64) attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<warp_specialize = true, overlap = true>} {
    %q = bsattn.shared_alloc swizzle = 128 : !smem
    bsattn.warp_specialize consumers(256 threads, 240 registers) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %n = arith.index_cast %count : i64 to index
      %zero = arith.constant 0.0 : f32
      %o0 = bsattn.splat %zero : !tile
      %rows = bsattn.splat %zero : !bsattn.rows<128, f32>
      // expected-error @+1 {{'scf.for' op cannot be overlapped: the loop does not carry the P.V result as O}}
      %o = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %o0) -> (!tile) {
        nvvm.wgmma.fence.aligned
        %s = bsattn.wgmma_ss %q, %q : !smem, !smem -> !tile
        nvvm.wgmma.commit.group.sync.aligned
        %sw = bsattn.wgmma_wait %s pending = 0 : !tile
        %scaled = bsattn.rescale %acc, %rows : !tile, !bsattn.rows<128, f32>
        %p = bsattn.truncf %sw : !tile to !bsattn.tile<128 x 128, bf16>
        nvvm.wgmma.fence.aligned
        %pv = bsattn.wgmma_rs %scaled, %p, %q : !tile, !bsattn.tile<128 x 128, bf16>, !smem
        nvvm.wgmma.commit.group.sync.aligned
        %done = bsattn.wgmma_wait %pv pending = 0 : !tile
        scf.yield %scaled : !tile
      }
    } producer(128 threads, 24 registers) {
      %c0 = arith.constant 0 : i32
    }
    llvm.return
  }
}

// -----

// The fence that starts the pipelined stage must come right before P.V.
!smem = memref<2x128x64xbf16, #gpu.address_space<workgroup>>
!tile = !bsattn.tile<128 x 128, f32>
gpu.module @kernels {
  llvm.func @no_fence(%count: i64) attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<warp_specialize = true, overlap = true>} {
    %q = bsattn.shared_alloc swizzle = 128 : !smem
    bsattn.warp_specialize consumers(256 threads, 240 registers) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %n = arith.index_cast %count : i64 to index
      %zero = arith.constant 0.0 : f32
      %o0 = bsattn.splat %zero : !tile
      %rows = bsattn.splat %zero : !bsattn.rows<128, f32>
      // expected-error @+1 {{'scf.for' op cannot be overlapped: no wgmma fence right before P.V}}
      %o = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %o0) -> (!tile) {
        nvvm.wgmma.fence.aligned
        %s = bsattn.wgmma_ss %q, %q : !smem, !smem -> !tile
        nvvm.wgmma.commit.group.sync.aligned
        %sw = bsattn.wgmma_wait %s pending = 0 : !tile
        %scaled = bsattn.rescale %acc, %rows : !tile, !bsattn.rows<128, f32>
        %p = bsattn.truncf %sw : !tile to !bsattn.tile<128 x 128, bf16>
        %pv = bsattn.wgmma_rs %scaled, %p, %q : !tile, !bsattn.tile<128 x 128, bf16>, !smem
        nvvm.wgmma.commit.group.sync.aligned
        %done = bsattn.wgmma_wait %pv pending = 0 : !tile
        scf.yield %done : !tile
      }
    } producer(128 threads, 24 registers) {
      %c0 = arith.constant 0 : i32
    }
    llvm.return
  }
}

// -----

// O's rescale must come after the wait for S.
!smem = memref<2x128x64xbf16, #gpu.address_space<workgroup>>
!tile = !bsattn.tile<128 x 128, f32>
gpu.module @kernels {
  llvm.func @rescale_before_scores(%count: i64) attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<warp_specialize = true, overlap = true>} {
    %q = bsattn.shared_alloc swizzle = 128 : !smem
    bsattn.warp_specialize consumers(256 threads, 240 registers) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %n = arith.index_cast %count : i64 to index
      %zero = arith.constant 0.0 : f32
      %o0 = bsattn.splat %zero : !tile
      %rows = bsattn.splat %zero : !bsattn.rows<128, f32>
      // expected-error @+1 {{'scf.for' op cannot be overlapped: P.V comes before the wait for S}}
      %o = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %o0) -> (!tile) {
        nvvm.wgmma.fence.aligned
        %s = bsattn.wgmma_ss %q, %q : !smem, !smem -> !tile
        nvvm.wgmma.commit.group.sync.aligned
        %scaled = bsattn.rescale %acc, %rows : !tile, !bsattn.rows<128, f32>
        %sw = bsattn.wgmma_wait %s pending = 0 : !tile
        %p = bsattn.truncf %sw : !tile to !bsattn.tile<128 x 128, bf16>
        nvvm.wgmma.fence.aligned
        %pv = bsattn.wgmma_rs %scaled, %p, %q : !tile, !bsattn.tile<128 x 128, bf16>, !smem
        nvvm.wgmma.commit.group.sync.aligned
        %done = bsattn.wgmma_wait %pv pending = 0 : !tile
        scf.yield %done : !tile
      }
    } producer(128 threads, 24 registers) {
      %c0 = arith.constant 0 : i32
    }
    llvm.return
  }
}

// -----

// Only O may leave the P.V stage through the loop's yield.
!smem = memref<2x128x64xbf16, #gpu.address_space<workgroup>>
!tile = !bsattn.tile<128 x 128, f32>
gpu.module @kernels {
  llvm.func @stage_value_carried(%count: i64) attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<warp_specialize = true, overlap = true>} {
    %q = bsattn.shared_alloc swizzle = 128 : !smem
    bsattn.warp_specialize consumers(256 threads, 240 registers) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %n = arith.index_cast %count : i64 to index
      %zero = arith.constant 0.0 : f32
      %o0 = bsattn.splat %zero : !tile
      %rows = bsattn.splat %zero : !bsattn.rows<128, f32>
      // expected-error @+1 {{'scf.for' op cannot be overlapped: the loop carries a value of the P.V stage}}
      %o:2 = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %o0, %other = %o0) -> (!tile, !tile) {
        nvvm.wgmma.fence.aligned
        %s = bsattn.wgmma_ss %q, %q : !smem, !smem -> !tile
        nvvm.wgmma.commit.group.sync.aligned
        %sw = bsattn.wgmma_wait %s pending = 0 : !tile
        %scaled = bsattn.rescale %acc, %rows : !tile, !bsattn.rows<128, f32>
        %p = bsattn.truncf %sw : !tile to !bsattn.tile<128 x 128, bf16>
        nvvm.wgmma.fence.aligned
        %pv = bsattn.wgmma_rs %scaled, %p, %q : !tile, !bsattn.tile<128 x 128, bf16>, !smem
        nvvm.wgmma.commit.group.sync.aligned
        %done = bsattn.wgmma_wait %pv pending = 0 : !tile
        scf.yield %done, %done : !tile, !tile
      }
    } producer(128 threads, 24 registers) {
      %c0 = arith.constant 0 : i32
    }
    llvm.return
  }
}

// -----

// The stage runs a block later: what it reads must be carried (tiles, rows, integers) or recomputed (pure ops), not an allocation.
!smem = memref<2x128x64xbf16, #gpu.address_space<workgroup>>
!tile = !bsattn.tile<128 x 128, f32>
gpu.module @kernels {
  llvm.func @stage_reads_allocation(%count: i64) attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<warp_specialize = true, overlap = true>} {
    %q = bsattn.shared_alloc swizzle = 128 : !smem
    bsattn.warp_specialize consumers(256 threads, 240 registers) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %n = arith.index_cast %count : i64 to index
      %zero = arith.constant 0.0 : f32
      %o0 = bsattn.splat %zero : !tile
      %rows = bsattn.splat %zero : !bsattn.rows<128, f32>
      // expected-error @+1 {{'scf.for' op cannot be overlapped: the P.V stage reads a value it can neither carry nor recompute}}
      %o = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %o0) -> (!tile) {
        %v = memref.alloca() : !smem
        nvvm.wgmma.fence.aligned
        %s = bsattn.wgmma_ss %q, %q : !smem, !smem -> !tile
        nvvm.wgmma.commit.group.sync.aligned
        %sw = bsattn.wgmma_wait %s pending = 0 : !tile
        %scaled = bsattn.rescale %acc, %rows : !tile, !bsattn.rows<128, f32>
        %p = bsattn.truncf %sw : !tile to !bsattn.tile<128 x 128, bf16>
        nvvm.wgmma.fence.aligned
        %pv = bsattn.wgmma_rs %scaled, %p, %v : !tile, !bsattn.tile<128 x 128, bf16>, !smem
        nvvm.wgmma.commit.group.sync.aligned
        %done = bsattn.wgmma_wait %pv pending = 0 : !tile
        scf.yield %done : !tile
      }
    } producer(128 threads, 24 registers) {
      %c0 = arith.constant 0 : i32
    }
    llvm.return
  }
}

// -----

// A loop argument the stage reads is carried from the previous block; a placeholder for its first block exists only for tiles, rows and integers.
!smem = memref<2x128x64xbf16, #gpu.address_space<workgroup>>
!tile = !bsattn.tile<128 x 128, f32>
gpu.module @kernels {
  llvm.func @stage_reads_buffer_argument(%count: i64) attributes {nvvm.kernel, bsattn.tuning = #bsattn.tuning<warp_specialize = true, overlap = true>} {
    %q = bsattn.shared_alloc swizzle = 128 : !smem
    bsattn.warp_specialize consumers(256 threads, 240 registers) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %n = arith.index_cast %count : i64 to index
      %zero = arith.constant 0.0 : f32
      %o0 = bsattn.splat %zero : !tile
      %rows = bsattn.splat %zero : !bsattn.rows<128, f32>
      // expected-error @+1 {{'scf.for' op cannot be overlapped: it would carry a 'memref<2x128x64xbf16, #gpu.address_space<workgroup>>'}}
      %o:2 = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %o0, %v = %q) -> (!tile, !smem) {
        nvvm.wgmma.fence.aligned
        %s = bsattn.wgmma_ss %q, %q : !smem, !smem -> !tile
        nvvm.wgmma.commit.group.sync.aligned
        %sw = bsattn.wgmma_wait %s pending = 0 : !tile
        %scaled = bsattn.rescale %acc, %rows : !tile, !bsattn.rows<128, f32>
        %p = bsattn.truncf %sw : !tile to !bsattn.tile<128 x 128, bf16>
        nvvm.wgmma.fence.aligned
        %pv = bsattn.wgmma_rs %scaled, %p, %v : !tile, !bsattn.tile<128 x 128, bf16>, !smem
        nvvm.wgmma.commit.group.sync.aligned
        %done = bsattn.wgmma_wait %pv pending = 0 : !tile
        scf.yield %done, %v : !tile, !smem
      }
    } producer(128 threads, 24 registers) {
      %c0 = arith.constant 0 : i32
    }
    llvm.return
  }
}
