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
    measured fastest on the H200 for its head dimension and P.V precision
    (an op with one, even `#bsattn.tuning<>`, keeps it):

    | D | tuning |
    | --- | --- |
    | 64, 96, 128 | `stages = 3, warp_specialize, overlap, pingpong` |
    | 128, causal f16 | `block_k = 160, value_stages = 2, warp_specialize, overlap, pingpong` |
    | 192 | `warp_specialize` |
    | 256 | `warp_specialize, overlap, value_stages = 2` |

    plus `producer_convert` for bf16 inputs with `pv = f16` (the producer's
    idle warps convert V), which at D = 256 replaces the overlap. Causal
    and full patterns at D = 192 / 256 (P.V not split) take key tiles of
    112 / 80 keys across the blocks (`block_k`), at D = 192 with the D = 256
    overlap where V is not converted. Every D gains from warp
    specialization; up to D = 128 the intra-warpgroup overlap (with the
    third ring stage it needs) and ping-pong gain on top, while at D = 192
    they lost and at D = 256 a third stage does not fit. It runs first in the
    pipelines, after `bsattn-check-host`, and refuses an op that still
    lists `variants` (`bsattn-select-variant` picks one).
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
    `[0, NNZ]`); entries outside `0 <= j <= qb` or at or past the last valid
    block are marked unused. Static patterns (`causal`, `sliding_window`,
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
    prefetches the K/V tiles of the next used entry into a two-slot ring
    while the current one is computed. Unused entries are skipped without a
    load. The epilogue is one `bsattn.store_output`.
  }];
  let dependentDialects = ["arith::ArithDialect", "scf::SCFDialect"];
}

#endif // BSATTN_TRANSFORMS_PASSES_TD
