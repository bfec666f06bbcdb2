//===- BSAttnAttrs.td - bsattn attributes ------------------*- tablegen -*-===//

#ifndef BSATTN_DIALECT_BSATTN_IR_BSATTNATTRS_TD
#define BSATTN_DIALECT_BSATTN_IR_BSATTNATTRS_TD

include "bsattn/Dialect/BSAttn/IR/BSAttnDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Sparsity patterns
//===----------------------------------------------------------------------===//

def BSAttn_SparsityAttrInterface : AttrInterface<"SparsityAttrInterface"> {
  let cppNamespace = "::mlir::bsattn";
  let description = [{
    A pattern that says which key blocks each query block attends to. A
    causal pattern is further restricted to key blocks `j <= i` and, inside
    the diagonal block, to keys at or before the query; every pattern is
    restricted by the sequence length of the batch entry.
  }];
  let methods = [
    InterfaceMethod<
      /*desc=*/[{Whether the pattern is read at run time from `row_ptr` and
                 `col_idx` operands.}],
      /*retTy=*/"bool", /*methodName=*/"needsIndexOperands", /*args=*/(ins),
      /*methodBody=*/"", /*defaultImplementation=*/"return false;">,
    InterfaceMethod<
      /*desc=*/[{Whether a query sees only keys at or before it.}],
      /*retTy=*/"bool", /*methodName=*/"isCausal", /*args=*/(ins),
      /*methodBody=*/"", /*defaultImplementation=*/"return true;">,
  ];
}

class BSAttn_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<BSAttn_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def BSAttn_CSRAttr : BSAttn_Attr<"CSR", "csr", [
    DeclareAttrInterfaceMethods<BSAttn_SparsityAttrInterface,
                                ["needsIndexOperands", "isCausal"]>]> {
  let summary = "Sparsity read at run time from CSR index tensors";
  let description = [{
    Query block `i` of batch `b`, head `h` sees the key blocks
    `col_idx[b, h, row_ptr[b, h, i] .. row_ptr[b, h, i + 1])`, taken as
    listed (duplicates count twice). Entries outside `0 <= j <= i` or at or
    past the last block that holds a valid key are ignored.

    `#bsattn.csr<causal = false>` is bidirectional: entries `j > i` are
    used too and no key of a listed block is hidden from a query for
    coming after it; entries outside `0 <= j` and at or past the last valid
    block are still ignored.

    `#bsattn.csr<per_kv_head = true>`: with grouped-query attention
    (`kv_group = G`), the indices are `[B, H / G, ...]`, one list per head
    of `k` and `v`, and query head `h` reads the list of head `h / G`
    (every query head of a group sees the same key blocks). By default
    each query head has its own list.
  }];
  let parameters = (ins DefaultValuedParameter<"bool", "true">:$causal,
                        DefaultValuedParameter<"bool", "false">:$per_kv_head);
  let assemblyFormat = "(`<` struct(params)^ `>`)?";
}

def BSAttn_FullAttr : BSAttn_Attr<"Full", "full", [
    DeclareAttrInterfaceMethods<BSAttn_SparsityAttrInterface, ["isCausal"]>]> {
  let summary = "Dense bidirectional attention: every query block sees every key block";
  let description = [{
    Every query sees every key before the sequence length (no causal mask):
    the attention of encoders and of bidirectional prefixes.
  }];
}

def BSAttn_CausalAttr : BSAttn_Attr<"Causal", "causal", [
    BSAttn_SparsityAttrInterface]> {
  let summary = "Dense causal attention: query block i sees key blocks 0..i";
}

def BSAttn_SlidingWindowAttr : BSAttn_Attr<"SlidingWindow", "sliding_window", [
    DeclareAttrInterfaceMethods<BSAttn_SparsityAttrInterface, ["isCausal"]>]> {
  let summary = "Static sliding window of `window` key blocks";
  let description = [{
    Query block `i` sees key blocks `max(0, i - window + 1) .. i`: the
    diagonal block and the `window - 1` blocks before it. Known at compile
    time, so the kernel loads no indices.

    `#bsattn.sliding_window<w, causal = false>` looks both ways: query
    block `i` sees key blocks `max(0, i - w + 1) .. i + w - 1`, with no key
    hidden for coming after the query.
  }];
  let parameters = (ins "int64_t":$window,
                        DefaultValuedParameter<"bool", "true">:$causal);
  let assemblyFormat = "`<` $window (`,` struct($causal)^)? `>`";
  let genVerifyDecl = 1;
}

def BSAttn_WindowGlobalAttr : BSAttn_Attr<"WindowGlobal", "window_global", [
    BSAttn_SparsityAttrInterface]> {
  let summary = "Static sliding window plus leading global key blocks";
  let description = [{
    Query block `i` sees the sliding window of `sliding_window<window>` and
    the key blocks `0 .. globals - 1` (each block once, even where the two
    sets overlap).
  }];
  let parameters = (ins "int64_t":$window, "int64_t":$globals);
  let assemblyFormat = "`<` $window `,` $globals `>`";
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// Numerics
//===----------------------------------------------------------------------===//

def BSAttn_PVPrecision : I32EnumAttr<"PVPrecision",
    "operand precision of the P.V product", [
      I32EnumAttrCase<"bf16", 0>,
      I32EnumAttrCase<"f16", 1>,
      I32EnumAttrCase<"split_bf16", 2>,
    ]> {
  let cppNamespace = "::mlir::bsattn";
  let genSpecializedAttr = 0;
}

def BSAttn_PVPrecisionAttr : EnumAttr<BSAttn_Dialect, BSAttn_PVPrecision,
                                      "pv_precision"> {
  let summary = "Precision of the probabilities P in the P.V product";
  let description = [{
    `bf16`: P rounded to bf16, one product. `f16`: P and V in f16, one
    product. `split_bf16`: P = hi + lo with both parts in bf16, two products
    against the same V (about fp32-accurate P, twice the P.V work).
  }];
  let assemblyFormat = "$value";
}

//===----------------------------------------------------------------------===//
// Tuning hints
//===----------------------------------------------------------------------===//

def BSAttn_TuningAttr : BSAttn_Attr<"Tuning", "tuning"> {
  let summary = "Optional tuning hints read by the lowering passes";
  let description = [{
    `block_q` x `block_k` is the tile a CTA computes per step, `stages` the
    depth of the shared-memory ring for K and V tiles, and `warpgroups` the
    number of consumer warpgroups (64 query rows each: `warpgroups * 64`
    must equal `block_q`, so `block_q = 192` goes with `warpgroups = 3`,
    FlashAttention-3's tile at D = 64). A
    `block_q` other than the sparsity block size runs query tiles across
    the blocks, which only causal and full patterns take. `block_k = 0` (the default) lets the
    compiler choose per head dimension: 128 keys up to D = 128, 64 above
    (the K/V ring of D = 192 or 256 fits shared memory, and the consumers'
    registers hold the D-column accumulator, only with 64-key tiles). A
    `block_k` (a multiple of 16 up to 256) that divides the sparsity block
    size splits each key block into consecutive key tiles; one that does
    not (80 keys, say) runs key tiles across the blocks, which only causal
    and full patterns take. With `persistent = true` the grid has
    one CTA per SM and each CTA computes a sequence of query tiles, loading
    the next tile's Q and first K/V block while it finishes the current one.
    Its CTAs take every gridDim.x-th tile from their block index, or with
    `dynamic_tiles = true` (which needs `persistent`) tiles from a counter
    in the kernel's module as they get to them (a CTA of short tiles takes
    more of them; launches of one such kernel must not overlap).
    With `warp_specialize = true` a producer warpgroup issues every load and
    the consumer warpgroups only compute (`bsattn-warp-specialize`). With
    `pingpong = true` (which needs `warp_specialize` and two or three
    warpgroups) the consumer warpgroups take turns issuing their products,
    so that one's softmax runs while another's products do
    (`bsattn-pingpong`). With
    `overlap = true` (which needs `warp_specialize`) each consumer
    warpgroup runs a key block's softmax while the previous block's P.V is
    in flight (`bsattn-overlap`). With `producer_convert = true` (which
    needs `warp_specialize`) the producer warpgroup's three idle warps
    convert V to f16 for bf16 inputs with `pv = f16`, instead of the
    consumers. `value_stages = 0` (the default) keeps K and V of a key
    tile in one ring slot of `stages`; a depth of 2 or more gives V a ring
    of its own that deep, and K's slots are released as soon as Q.K^T has
    been waited for, so that K and V (held until P.V) are loaded further
    ahead in the same shared memory (2 K and 2 V slots serve the overlap
    as 3 K/V slots do; 2 K and 4 V take what 3 K/V slots take). With
    `rescale_before_pv = true` (which needs `overlap`) the overlapped loop
    rescales O by the previous block's alpha right before that block's
    P.V is issued, while the current block's Q.K^T runs, instead of after
    the softmax (FlashAttention-3's choice above D = 128, where O has 96
    or 128 registers per thread to rescale).
    With `descending_keys = true` a query tile runs its key-block schedule
    from the last entry to the first (for causal patterns the diagonal
    block first, as FlashAttention-3 and -4 do) instead of first to last.
    With `single_query_buffer = true` (which needs `persistent`) a
    persistent CTA keeps one Q buffer instead of two: each tile loads its
    own Q at its start, after the previous tile's o has left the buffer,
    rather than the previous tile loading it into a second buffer, so the
    shared memory of the second buffer is left to the K/V ring (three
    128-key slots at D = 128, as one CTA per tile has).
    With `carry_schedule = true` (which needs `persistent`) each tile
    issues the next tile's schedule loads (those of its prologue) after
    its key-block loop and hands the values over through the tile loop,
    so a tile starts without waiting for its own index loads; a CTA's
    first tile has them loaded before the tile loop.
    With `pv_wait_columns = N` (which needs `overlap`; a multiple of 8
    below the key tile's width) the overlapped loop computes the
    exponentials of a block's first N key columns, then waits for the
    previous block's P.V, then computes the rest, among which ptxas
    places O's rescale and P's packing (FlashAttention-4's order); 0, the
    default, waits after the whole softmax.
    With `early_next_query = true` (which needs `single_query_buffer`,
    `warp_specialize`, `overlap` and `value_stages = 0`) a tile stages o
    in the K half of its last key block's ring slot (released once the
    store has read it) instead of in its Q buffer, so its consumers
    release the Q buffer after their key-block loop and the producer
    loads the next tile's Q while the tile's epilogue runs instead of at
    the next tile's start; without `dynamic_tiles` tiles then start
    without a CTA barrier. Its key tiles must be as tall as its query
    tile (o fills the K half).
    With `padding_tiles_last = true` the grid takes the query tiles of
    each batch entry that hold a valid row (below its `seq_lens`) before
    those that hold none (padding, which only write o = 0 and lse = -inf),
    so that the cheap ones fill the grid's tail; within each group, head
    by head, each head's query blocks last first. One CTA per tile takes this order only for the
    head-by-head grids (not causal patterns' sections).
    With `prefetch_indices = true` (one CTA per tile, CSR patterns, not
    causal sections) each tile brings into L2 its share of the `row_ptr`
    and `col_idx` lines of the head the grid starts a wave later, so that
    its tiles find their index loads (two dependent ones before their
    first K can load) in L2 instead of DRAM; with `prefetch_blocks = true`
    its share of that head's Q, K and V (the rows of its own query block).
    With `poly_exp2_columns = N` (a multiple of 8, at most the key tile's
    width) the softmax computes the exponentials of N key columns of each
    tile, spread evenly over the tile, with a polynomial on the FMA units
    instead of the MUFU unit (`bsattn-poly-exp2`): at D = 64 the MUFU's
    exponentials take as long as the tensor cores' products.
    With `rescale_threshold = N` (in [0, 14]; 0, the default, is off) a
    row keeps its running maximum until a key block's scores exceed it by
    more than N (in the base-2 exponent, so probabilities stay at most
    2^N, inside f16's range), and a warp whose rows all kept theirs skips
    O's rescale (`bsattn-lazy-rescale`, FlashAttention-4's conditional
    rescaling): after the first blocks O's D / 2 multiplies per thread
    rarely run.
    With `warp_kept_maxima = true` (needs `rescale_threshold`) each warp
    first decides from its lanes' own maxima whether any of its rows'
    maxima moves past the threshold; a warp where none does keeps them
    without reducing them across each row's four lanes, so that its
    exponentials start sooner (`bsattn-lazy-rescale`).
    With `early_scalar_loads = true` the tile's loads of scalars from
    global memory that need only the CTA's coordinates (`seq_lens`, a CSR
    row's `row_ptr` entries) issue before the kernel's set-up barrier
    (`bsattn-early-scalar-loads`), so that their latency overlaps the
    mbarrier set-up instead of delaying the first K/V loads, whose issue
    waits for the key-block count (measured neutral to 1% slower on H100,
    so off in the compiler's choice).
    With `announce_blocks = true` every schedule entry takes a ring step
    (an ignored one loads key block 0 with every key masked, as with
    `overlap`) and the load issuer records beside each slot which block it
    holds; the consumers read that record after the slot has landed
    instead of evaluating the entry themselves (for a CSR pattern: no
    `col_idx` load and no range checks in their key-block loop).
    Parameters left out take their defaults. A `bsattn.attention` without
    a `tuning` attribute gets the compiler's choice for its head dimension
    and P.V precision, set by `bsattn-choose-tuning`. `#bsattn.tuning<>`
    asks for every default instead.
  }];
  let parameters = (ins
    DefaultValuedParameter<"int64_t", "TuningParameters().blockQ",
      "query rows per tile (default 128)">:$block_q,
    DefaultValuedParameter<"int64_t", "TuningParameters().blockK",
      "keys per key tile (0: the compiler's choice per head dimension)">
      :$block_k,
    DefaultValuedParameter<"int64_t", "TuningParameters().stages",
      "slots of the shared-memory K/V ring (default 2)">:$stages,
    DefaultValuedParameter<"int64_t", "TuningParameters().warpgroups",
      "consumer warpgroups, 64 query rows each (default 2)">
      :$warpgroups,
    DefaultValuedParameter<"bool", "TuningParameters().persistent",
      "one CTA per SM computing a sequence of query tiles">:$persistent,
    DefaultValuedParameter<"bool", "TuningParameters().warpSpecialize",
      "a producer warpgroup issues every load">:$warp_specialize,
    DefaultValuedParameter<"bool", "TuningParameters().pingpong",
      "the consumer warpgroups take turns issuing their products">:$pingpong,
    DefaultValuedParameter<"bool", "TuningParameters().overlap",
      "a block's softmax runs while the previous block's P.V does">:$overlap,
    DefaultValuedParameter<"bool", "TuningParameters().producerConvert",
      "the producer's idle warps convert V to f16">:$producer_convert,
    DefaultValuedParameter<"bool", "TuningParameters().dynamicTiles",
      "persistent CTAs take tiles from a counter">:$dynamic_tiles,
    DefaultValuedParameter<"int64_t", "TuningParameters().valueStages",
      "slots of a ring of V's own (0: V shares K's slots)">:$value_stages,
    DefaultValuedParameter<"bool", "TuningParameters().rescaleBeforePv",
      "O rescaled right before the previous block's P.V">:$rescale_before_pv,
    DefaultValuedParameter<"bool", "TuningParameters().descendingKeys",
      "a tile's key blocks from the last entry to the first">:$descending_keys,
    DefaultValuedParameter<"bool", "TuningParameters().singleQueryBuffer",
      "a persistent CTA keeps one Q buffer">:$single_query_buffer,
    DefaultValuedParameter<"bool", "TuningParameters().carrySchedule",
      "a tile issues the next tile's index loads">:$carry_schedule,
    DefaultValuedParameter<"int64_t", "TuningParameters().pvWaitColumns",
      "exponentials computed before the wait for the previous P.V">
      :$pv_wait_columns,
    DefaultValuedParameter<"bool", "TuningParameters().earlyNextQuery",
      "o staged in a ring slot so that the next Q loads early">
      :$early_next_query,
    DefaultValuedParameter<"bool", "TuningParameters().paddingTilesLast",
      "tiles past `seq_lens` at the grid's tail">:$padding_tiles_last,
    DefaultValuedParameter<"bool", "TuningParameters().prefetchIndices",
      "each tile brings a later wave's index lines into L2">:$prefetch_indices,
    DefaultValuedParameter<"bool", "TuningParameters().prefetchBlocks",
      "each tile brings a later wave's Q, K and V into L2">:$prefetch_blocks,
    DefaultValuedParameter<"int64_t", "TuningParameters().polyExp2Columns",
      "key columns whose exponentials run on the FMA units">:$poly_exp2_columns,
    DefaultValuedParameter<"int64_t", "TuningParameters().rescaleThreshold",
      "a row's maximum kept until exceeded by 2^N (0: off)">:$rescale_threshold,
    DefaultValuedParameter<"bool", "TuningParameters().earlyScalarLoads",
      "scalar loads issued before the set-up barrier">:$early_scalar_loads,
    DefaultValuedParameter<"bool", "TuningParameters().warpKeptMaxima",
      "a warp votes on its lanes' maxima before reducing them">
      :$warp_kept_maxima,
    DefaultValuedParameter<"bool", "TuningParameters().announceBlocks",
      "the load issuer records each ring slot's key block">:$announce_blocks
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  // Tunings built in C++ (the compiler's choice, the defaults) name their
  // parameters.
  let builders = [
    AttrBuilder<(ins "const TuningParameters &":$p), [{
      return $_get($_ctxt, p.blockQ, p.blockK, p.stages, p.warpgroups,
                  p.persistent, p.warpSpecialize, p.pingpong, p.overlap,
                  p.producerConvert, p.dynamicTiles, p.valueStages,
                  p.rescaleBeforePv, p.descendingKeys,
                  p.singleQueryBuffer, p.carrySchedule, p.pvWaitColumns,
                  p.earlyNextQuery, p.paddingTilesLast,
                  p.prefetchIndices, p.prefetchBlocks,
                  p.polyExp2Columns, p.rescaleThreshold,
                  p.earlyScalarLoads, p.warpKeptMaxima,
                  p.announceBlocks);
    }]>
  ];
  let extraClassDeclaration = [{
    /// Keys per key tile for head dimension `headDim`: `block_k`, or where
    /// it is 0 the compiler's choice.
    int64_t getKeyTileSize(int64_t headDim) const;
  }];
}

//===----------------------------------------------------------------------===//
// Variants
//===----------------------------------------------------------------------===//

// Printed in full (`#bsattn.tuning<...>`), as it is written.
def BSAttn_TuningParameter : AttrParameter<"TuningAttr", "the variant's tuning"> {
  let printer = "$_printer.printAttribute($_self)";
}

def BSAttn_VariantAttr : BSAttn_Attr<"Variant", "variant"> {
  let summary = "A tuning of a bsattn.attention for a range of shapes";
  let description = [{
    One kernel of an op that is compiled several times, each tuned for the
    shapes it serves: the query tiles' sequence length `t_max` (q's T) and
    the number of (batch entry, head) pairs `batch_heads` (B * H), each in
    an inclusive range (`min_*` defaults to 1, `max_*` to no bound). Those
    are what a caller sees of a call before it launches (the CSR pattern
    lives on the device), and what a grid's size depends on: a persistent
    grid pays where there are many tiles per SM, one CTA per tile where
    there are few. The op's variants must give every shape it accepts
    exactly one variant.

    ```mlir
    #bsattn.variant<"long", tuning = #bsattn.tuning<persistent = true>,
                    min_t_max = 8192>
    ```

    `name` ([A-Za-z][A-Za-z0-9_]*) names the variant's kernel: in file
    names, in `bsattn-select-variant` and in a challenge submission's
    `VARIANT_MANIFEST`.
  }];
  let parameters = (ins
    StringRefParameter<"the variant's name">:$name,
    BSAttn_TuningParameter:$tuning,
    OptionalParameter<"std::optional<int64_t>">:$min_t_max,
    OptionalParameter<"std::optional<int64_t>">:$max_t_max,
    OptionalParameter<"std::optional<int64_t>">:$min_batch_heads,
    OptionalParameter<"std::optional<int64_t>">:$max_batch_heads
  );
  let assemblyFormat = [{
    `<` $name `,` struct($tuning, $min_t_max, $max_t_max, $min_batch_heads,
                         $max_batch_heads) `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Whether the variant serves `tMax` and `batchHeads`.
    bool covers(int64_t tMax, int64_t batchHeads) const;
  }];
}

#endif // BSATTN_DIALECT_BSATTN_IR_BSATTNATTRS_TD
