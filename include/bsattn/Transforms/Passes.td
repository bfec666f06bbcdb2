//===- Passes.td - bsattn -> bsattn passes -----------------*- tablegen -*-===//

#ifndef BSATTN_TRANSFORMS_PASSES_TD
#define BSATTN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def BSAttnCheckHost : Pass<"bsattn-check-host", "ModuleOp"> {
  let summary = "Check that every kernel is in a function of this module "
                "and has a PTX name";
  let description = [{
    The bsattn pipelines compile the functions directly in the module they
    run on; a `bsattn.attention` or `bsattn.query_tile` in a nested module
    would be left unlowered. This pass refuses such input with a
    diagnostic, and so it does symbols in a `gpu.module` whose names are
    not PTX identifiers (which the NVPTX backend aborts on) and
    `memref.dim` with a constant index outside the memref's rank (whose
    result is undefined, and which MLIR's dim folders turn into reads past
    the shape). It runs first in `bsattn-to-kernel` and `bsattn-to-ptx`
    (the op verifiers check the rest of the host function contract).
  }];
}

def BSAttnSelectVariant : Pass<"bsattn-select-variant", "func::FuncOp"> {
  let summary = "Compile one of a bsattn.attention's variants";
  let description = [{
    Replaces the `variants` of each `bsattn.attention` by the `tuning` of
    the variant named `name`, so that the op lowers to that variant's
    kernel. An op without variants, or without one of that name, is an
    error (which lists the names it has): naming a variant that is not
    there is a mistake, not a request for the default. The lowering
    pipelines refuse ops that still carry variants (`bsattn-choose-tuning`
    says so); `bsattn-translate --bsattn-variant=NAME` runs this pass
    first, and `--emit-challenge-submission` runs it once per variant.
  }];
  let options = [
    Option<"variantName", "name", "std::string", /*default=*/"",
           "The variant to compile">,
  ];
}

def BSAttnChooseTuning : Pass<"bsattn-choose-tuning", "func::FuncOp"> {
  let summary = "Give each bsattn.attention without tuning hints the "
                "compiler's choice";
  let description = [{
    A `bsattn.attention` without a `tuning` attribute gets the tuning that
    measured fastest on the GPU for its pattern, head dimension and P.V
    precision (an op with one, even `#bsattn.tuning<>`, keeps it; the
    measurements are cited in `lib/Transforms/ChooseTuning.cpp` and
    docs/lowering.md section 0). "In order" below means causal and full
    patterns without split bf16 P.V:

    | D | tuning |
    | --- | --- |
    | every D | `warp_specialize`; `producer_convert` for bf16 inputs with `pv = f16` |
    | 64 - 128 | `stages = 3, overlap, pingpong` |
    | 64, in order | `block_q = 192, warpgroups = 3, stages = 4` |
    | 96, in order | `block_q = 192, warpgroups = 3, block_k = 96, rescale_before_pv` |
    | 96, causal; 64, causal in order | `descending_keys` |
    | 128, causal f16 | `block_k = 160, stages = 2, value_stages = 2` |
    | 128, full, V not converted | `block_k = 144, stages = 2, value_stages = 2` |
    | 192, in order | `block_k = 112`; where V is not converted `overlap, value_stages = 2, pingpong` |
    | 256 | where V is not converted `overlap, value_stages = 2`; in order `block_k = 80`, causal with the V ring `rescale_before_pv` |

    With the overlap from D = 128 up (not split bf16) the previous P.V is
    waited for among the exponentials (`pv_wait_columns` 48 in order, 64
    for block-sparse patterns at D = 128), and in order patterns take
    conditional rescaling with the warp vote (`rescale_threshold = 8,
    warp_kept_maxima = true`), as does CSR at D = 128 with bf16 inputs and
    `pv = f16` (the challenge's kernel). It runs first in the pipelines, after
    `bsattn-check-host`, and refuses an op that still lists `variants`
    (`bsattn-select-variant` picks one).
  }];
}

def BSAttnTile : Pass<"bsattn-tile", "func::FuncOp"> {
  let summary = "Tile bsattn.attention into query tiles and key-block schedules";
  let description = [{
    Replaces every `bsattn.attention` with a `bsattn.query_tile` (one
    instance per batch entry, head and query tile) whose body computes the
    tile's key-block schedule with `scf`/`arith`/`memref` ops: how many
    entries the tile has (`count`) and, in a `bsattn.key_block_loop`, the
    key block of each entry and whether it is used. CSR indices are read at
    run time and every read is clamped to its tensor (row offsets to
    `[0, NNZ]`); entries outside `0 <= j <= qb` (`0 <= j` where the pattern
    has `causal = false`) or at or past the last valid block are marked
    unused. Static patterns (`causal`, `sliding_window`,
    `window_global`) become closed-form index arithmetic. The scale is
    resolved (default `1/sqrt(D)`) and the tuning hints are made explicit.
  }];
  let dependentDialects = ["arith::ArithDialect", "memref::MemRefDialect",
                           "scf::SCFDialect"];
}

def BSAttnFuseSoftmax : Pass<"bsattn-fuse-softmax", "func::FuncOp"> {
  let summary = "Expand key-block loops into a pipelined online softmax";
  let description = [{
    Rewrites every `bsattn.key_block_loop` into an `scf.for` over its
    entries that carries the running row maximum, row sum and output
    accumulator (`bsattn.online_softmax`, `bsattn.pv`, with the scale
    folded into base-2 exponentials), loads the query tile once, and
    prefetches the K/V tiles of the next used entry into the ring
    while the current one is computed. Unused entries are skipped without a
    load, or with the tuning's `overlap` or `announce_blocks` run on key
    block 0 with every key masked, so that every entry takes a ring step.
    With `announce_blocks` each load also announces its entry's block
    (`bsattn.load_kv ... announce %used`), and the loop masks the scores
    with the block it reads after the wait (`bsattn.announced_block`), not
    with the entry it evaluates: once the loads go to a producer warpgroup,
    the consumers no longer evaluate entries. The epilogue is one
    `bsattn.store_output`.
  }];
  let dependentDialects = ["arith::ArithDialect", "scf::SCFDialect"];
}

#endif // BSATTN_TRANSFORMS_PASSES_TD
