//===- Passes.td - passes on the kernel-schedule level -----*- tablegen -*-===//

#ifndef BSATTN_SCHEDULE_PASSES_TD
#define BSATTN_SCHEDULE_PASSES_TD

include "mlir/Pass/PassBase.td"

def BSAttnAllocateShared
    : Pass<"bsattn-allocate-shared", "LLVM::LLVMFuncOp"> {
  let summary = "Place a kernel's shared buffers in its dynamic shared memory";
  let description = [{
    Gives every `bsattn.shared_alloc` of a kernel (an `llvm.func` with
    `nvvm.kernel`) a byte offset: the 128-byte swizzled ones first, in
    order of appearance and 1024-aligned (the swizzle of TMA and wgmma
    needs it), then the unswizzled ones, in order and 16-aligned (a small
    record costs no 1024-byte gap), and sets the
    kernel's `bsattn.shared_bytes` to the dynamic shared memory it needs:
    the buffers plus 1024 bytes, since the dynamic area starts after the
    static one (the `nvgpu` mbarriers) and is only 16-byte aligned.
    Fails if that is more than an sm_90 CTA can have.
  }];
}

def BSAttnEarlyScalarLoads
    : Pass<"bsattn-early-scalar-loads", "LLVM::LLVMFuncOp"> {
  let summary = "Issue a tile's global scalar loads before the set-up barrier";
  let description = [{
    For a kernel whose `bsattn.tuning` has `early_scalar_loads = true`:
    every `memref.load` of global memory in the kernel's entry block after
    its set-up barrier (the last `nvvm.barrier0` there) whose operands the
    ops after the barrier compute without memory effects (from the CTA's
    coordinates and the kernel arguments) moves with that computation
    right before the barrier. These are the loads of `seq_lens` and of a
    CSR row's `row_ptr` entries, whose values decide the first K/V loads:
    issued after the barrier and `setmaxnreg`, their latency delays those
    loads (the first K/V TMA issues about 1.4 us after the CTA starts,
    dense causal on H100); issued before it, it overlaps the mbarrier
    set-up.
    Every thread runs them, as before the schedule splits into roles. A
    load indexed by another load or by shared memory stays, and so do
    loads in nested regions (a persistent kernel's tile loop). Kernels
    without the tuning are left alone. Off in the compiler's choice: on
    H100 it measured neutral on dense causal kernels and 1% slower on the
    challenge's CSR cases, where every warp issues the loads.
  }];
  let dependentDialects = ["memref::MemRefDialect"];
}

def BSAttnWarpSpecialize
    : Pass<"bsattn-warp-specialize", "LLVM::LLVMFuncOp"> {
  let summary = "Give the loads to a producer warpgroup";
  let description = [{
    For a kernel whose `bsattn.tuning` has `warp_specialize = true`, wraps
    the tile's schedule (everything after the set-up's CTA barrier) in a
    `bsattn.warp_specialize`:

    - the consumers run it without the load groups (the `scf.if`s of the
      load issuer that hold `nvgpu.tma.async.load`);
    - one warp of a producer warpgroup runs the same control flow with only
      the load groups and what they depend on (its first thread is the
      load issuer); every other write (products, waits, arrivals, stores)
      is dropped and the register values it made become zeros, which the
      later dead-code elimination removes.

    With the tuning's `producer_convert` and bf16 inputs with `pv = f16`,
    the producer's other three warps run the control flow with the V
    conversions instead (the wait for the slot, `convert_shared`, the proxy
    fence and the arrival on the slot's conversion barrier, whose count
    becomes their 96 threads), and the consumers only wait for them.

    In a persistent kernel both roles run the tile loop, and its CTA
    barrier at each tile's start becomes named barrier 7 (`TileStart`) of
    the consumers
    and the producer's issuing warp, in the unaligned form (`barrier.sync`:
    the roles reach it from different instructions). With dynamic tiles
    the converting warps take that barrier too, since they read the tile
    it hands over.

    The CTA grows by the producer's 128 threads; both roles keep the
    launch's even register budget (65536 / threads, rounded down to a
    multiple of 8) until `bsattn-rebalance-registers` moves registers from
    the producer to the consumers. Other kernels are left alone, so leaving
    the tuning out switches the technique off.
  }];
  let dependentDialects = ["scf::SCFDialect", "arith::ArithDialect",
                           "NVVM::NVVMDialect"];
}

def BSAttnRebalanceRegisters
    : Pass<"bsattn-rebalance-registers", "LLVM::LLVMFuncOp"> {
  let summary = "Give a warp-specialized kernel's consumers the producer's "
                "spare registers";
  let description = [{
    Sets each `bsattn.warp_specialize`'s producer budget to
    `producer-registers` and its consumers' to the most the SM's 65536
    registers leave them (a multiple of 8, at most 256): 240 for two
    consumer warpgroups and a 24-register producer, 160 for three, as
    FlashAttention-3 chooses. `producer-registers = 0` (the default)
    chooses 24, or 56 for a persistent kernel, whose producer also runs
    the tile loop (tile coordinates, the next tile's schedule) and spills
    below that (the consumers then get 224), but no more than leaves 160
    per consumer thread: 32 for three consumer warpgroups, whose 160
    registers hold a 64-row tile of D = 64 or 96 (with 152 ptxas spilled
    in the key-block loop). The lowering turns budgets that differ from
    the launch's even split into `setmaxnreg`; without this pass both roles
    keep the even split and no `setmaxnreg` is emitted.
  }];
  let options = [
    Option<"producerRegisters", "producer-registers", "int64_t", "0",
           "Registers per producer thread (0: chosen per kernel)">,
  ];
}

def BSAttnOverlap : Pass<"bsattn-overlap", "LLVM::LLVMFuncOp"> {
  let summary = "Overlap a key block's softmax with the previous block's P.V";
  let description = [{
    FlashAttention-3's intra-warpgroup overlap, for a warp-specialized
    kernel whose `bsattn.tuning` has `overlap = true`. The consumers'
    key-block loop (S = Q.K^T, wait, softmax, O = alpha O, O += P.V, wait,
    release the slot) is software-pipelined by one stage: the first
    block's S and softmax are peeled before the loop, the last block's P.V
    after it (both under `lower < upper`), and each iteration issues S(j)
    and the previous block's P.V back to back, waits for S(j) alone
    (`wgmma_wait pending = 1`), runs the softmax while P.V is in flight,
    then waits for O, releases the previous block's slot and rescales O.
    With the tuning's `rescale_before_pv` the rescale moves to the next
    iteration, between the two issues (alpha is carried, the epilogue
    rescales before the last P.V), behind a `wgmma.wait_group 0` at the
    loop's top that waits for nothing but stops ptxas injecting a wait for
    S(j) before the rescale (C7517). With the tuning's `pv_wait_columns =
    N` the loop's `bsattn.online_softmax` is split into `bsattn.row_max`,
    `bsattn.exp_scores` of the first N columns, then (after the wait for O
    and the slot's release) `bsattn.exp_scores` of the rest and
    `bsattn.rows_fma` for the sum, so that the exponentials after the wait
    share issue slots with O's rescale and P's packing.

    Only the prologue's block waits for the tile's Q to land: its barrier
    phase stays complete for the whole tile, so the later blocks go to
    their products after K's wait alone.

    The loop carries the previous block's P (and any loaded index the P.V
    stage reads) to the next iteration; addresses are recomputed. A slot
    is held one iteration longer, so the ring wants one stage more
    (`stages = 3`). Loops that issue products under a branch are refused:
    with the tuning, `bsattn-fuse-softmax` already runs an ignored CSR
    entry's products on block 0 with every key masked instead of skipping
    it. Kernels without the tuning are left alone.

    ptxas moves a wgmma wait up to the last memory operation before it, so
    with nothing but register math between the two waits the softmax would
    end up after the wait for O; `anchor-softmax` re-checks the first
    landing barrier the block waited on before S, the tile's Q (complete
    until the tile ends, where K's slot may already be refilled when V has
    a ring of its own), after the softmax to keep it in place.
  }];
  let options = [
    Option<"anchorSoftmax", "anchor-softmax", "bool", "true",
           "Re-check the tile's Q landing barrier after the softmax">,
  ];
  let dependentDialects = ["scf::SCFDialect", "arith::ArithDialect",
                           "NVVM::NVVMDialect", "nvgpu::NVGPUDialect"];
}

def BSAttnPolyExp2 : Pass<"bsattn-poly-exp2", "LLVM::LLVMFuncOp"> {
  let summary = "Compute some of the softmax's exponentials on the FMA units";
  let description = [{
    For a kernel whose `bsattn.tuning` has `poly_exp2_columns = N`: every
    `bsattn.online_softmax` and `bsattn.exp_scores` of the kernel gets
    `poly_columns`, the 8-column chunks (N / 8 of the key tile's, spread
    evenly over it; an `exp_scores` those of its range) whose exponentials
    the lowering computes with a polynomial on the FMA units instead of
    MUFU.EX2: 2^x = 2^floor(x) * p(x - floor(x)), p of degree 5 (relative
    error 2^-22.7, MUFU.EX2's 2^-22), the floor from one add rounding
    down, 2^floor(x) added to p's exponent bits, x clamped to -127 so that
    -inf gives 0. FlashAttention-4 does this on Blackwell; on Hopper at
    D = 64 a 192-row tile's exponentials take the MUFU unit as many cycles
    (16 per SM per cycle) as its products take the tensor cores, so moving
    a few to the FMA units' spare issue slots leaves the products the
    bottleneck. Kernels without the tuning are left alone; N larger than
    the key tile is an error.
  }];
}

def BSAttnLazyRescale : Pass<"bsattn-lazy-rescale", "LLVM::LLVMFuncOp"> {
  let summary = "Rescale O only in warps where a row's maximum moved";
  let description = [{
    For a kernel whose `bsattn.tuning` has `rescale_threshold = N`: every
    `bsattn.online_softmax` and `bsattn.row_max` of the kernel gets
    `rescale_threshold = N` (a row keeps its running maximum, and alpha =
    1, unless a key block's scaled scores exceed it by more than N, so the
    probabilities stay at most 2^N) and every `bsattn.rescale` gets
    `skip_unit_factors` (a warp whose rows' factors are all 1 branches
    past O's multiplies), and moves each rescale up to right after the
    last definition of its operands in its block: the branch splits the
    block, and LLVM would sink P's packing past it, out of the
    exponentials ptxas interleaves it with. FlashAttention-4 does this on Blackwell, where a
    correction warpgroup rescales O; here it takes D / 2 multiplies per
    thread off most key blocks (after the first few a row's maximum
    seldom grows by 2^N), off the stretch between the previous P.V's wait
    and the next P.V's issue. With the tuning's `warp_kept_maxima` the
    softmaxes and row maxima also get `vote_kept_maxima`: each warp checks
    its lanes' own maxima against the threshold, and one whose rows all
    keep theirs skips the reduction across each row's four lanes before
    its exponentials; a rescale by such a softmax's alpha then branches on
    that vote (`if %warp_moved`, the softmax rebuilt with that result)
    instead of `skip_unit_factors`' own test of its factors; an alpha
    carried through scf.if results and scf.for iter_args (the previous
    iteration's, with `rescale_before_pv`) takes its vote along in one more
    i1 result and iter_arg (a splat factor's flag is a constant). Kernels
    without the tuning are left alone.
  }];
}

def BSAttnPingPong : Pass<"bsattn-pingpong", "LLVM::LLVMFuncOp"> {
  let summary = "Let the consumer warpgroups take turns issuing products";
  let description = [{
    For a warp-specialized kernel whose `bsattn.tuning` has
    `pingpong = true`: each group of products a consumer warpgroup issues
    (from its `nvvm.wgmma.fence.aligned` to its last
    `nvvm.wgmma.commit.group.sync.aligned`; back-to-back groups count as one)
    becomes a turn. Before a turn warpgroup g waits on its own named
    barrier (`nvvm.barrier`, 256 threads: its own and the previous
    warpgroup's), after it it arrives on warpgroup (g + 1) mod n's
    (`nvvm.barrier.arrive`); the first warpgroup starts with the turn. The
    products of the n = 2 or 3 warpgroups then take turns round the ring,
    and one warpgroup's softmax runs while another's products do
    (FlashAttention-3's ping-pong, and its scheduler barrier for three).

    All warpgroups must take the same turns: a product may only sit under
    `scf.for` and `scf.if` whose bounds and conditions do not depend on the
    thread index (as the CSR kernels' skip of an ignored entry), or under a
    persistent kernel's tile loop (`scf.while`), across which the turns
    carry on from tile to tile. Kernels
    without the tuning are left alone, so leaving it out switches the
    technique off.
  }];
  let dependentDialects = ["scf::SCFDialect", "arith::ArithDialect",
                           "NVVM::NVVMDialect"];
}

#endif // BSATTN_SCHEDULE_PASSES_TD
