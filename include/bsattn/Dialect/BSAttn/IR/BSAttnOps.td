//===- BSAttnOps.td - bsattn operations --------------------*- tablegen -*-===//

#ifndef BSATTN_DIALECT_BSATTN_IR_BSATTNOPS_TD
#define BSATTN_DIALECT_BSATTN_IR_BSATTNOPS_TD

include "bsattn/Dialect/BSAttn/IR/BSAttnAttrs.td"
include "bsattn/Dialect/BSAttn/IR/BSAttnTypes.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/OpBase.td"

class BSAttn_Op<string mnemonic, list<Trait> traits = []>
    : Op<BSAttn_Dialect, mnemonic, traits>;

def BSAttn_AttentionOp : BSAttn_Op<"attention", [AttrSizedOperandSegments,
    HasParent<"::mlir::func::FuncOp">]> {
  let summary = "Block-sparse attention, causal or bidirectional, with "
                "log-sum-exp output";
  let description = [{
    Computes, for every batch `b`, head `h` and query token `s`,

    ```
    lse[b, h, s] = log(sum_{t visible to s} exp(scale * q[b,h,s,:] . k[b,g,t,:]))
    o[b, h, s, :] = sum_{t visible to s} exp(scale * q.k - lse) * v[b, g, t, :]
    ```

    with `g = h / kv_group` (below). Tokens are grouped in blocks of
    `block_size` (128). Query block `i` sees the key blocks its `sparsity`
    pattern lists, restricted to blocks that hold a key before
    `seq_lens[b]` and, for a causal pattern (all but `#bsattn.full` and
    `#bsattn.csr<causal = false>`), to `j <= i`, with key `t` of the
    diagonal block visible to query `s` only if `t <= s`; keys at or past
    `seq_lens[b]` are invisible. Query rows at or past `seq_lens[b]`, and
    rows that see no key, get `o = 0` and `lse = -inf`. `lse` is in natural
    log. `scale` defaults to `1/sqrt(D)`.

    The op writes caller-allocated buffers (destination-passing style): the
    function that holds it is exactly the kernel's interface, so lowering
    needs no bufferization and the argument order of the emitted kernel is
    the order written here.

    The host function contract: the op sits directly in a `func.func` of
    the top-level module (the pipelines check that), whose name is a PTX identifier that does not
    start with `bsattn_` (the kernel is named after it), whose arguments are
    all memrefs in the default (global) memory space, which returns nothing
    and whose single block holds only `bsattn.attention` ops and the
    `func.return`. Anything else there would be dropped when the function
    becomes the kernel, so the verifier refuses it.

    Grouped-query attention: with `kv_group = G` (default 1) `k` and `v`
    have `H / G` heads, and query head `h` reads their head `h / G` (G = H
    is multi-query attention). H must be a multiple of G; the verifier
    checks that where H or H_kv is static, the runtimes where both are
    dynamic.

    Extents: B, H and T / 128 each, and the B * H * T / 128 query tiles,
    must fit the kernel's 32-bit tile indices (at most 2^31 - 1); static B
    and H are at least 1. Dynamic sizes are checked by the runtimes.

    Variants: instead of one `tuning`, an op may list `variants`
    (`#bsattn.variant`), each a tuning for a range of `t_max` (T) and
    `batch_heads` (B * H); every shape the op accepts must fall in exactly
    one. The lowering compiles one of them (`bsattn-select-variant`); a
    challenge submission carries every one and picks per call.

    Example:

    ```mlir
    bsattn.attention #bsattn.csr pv = split_bf16
        ins(%q, %k, %v : memref<1x16x4096x128xbf16>,
            memref<1x16x4096x128xbf16>, memref<1x16x4096x128xbf16>)
        seq_lens(%seq_lens : memref<1xi32>)
        indices(%row_ptr, %col_idx : memref<1x16x33xi32>, memref<1x16x?xi32>)
        outs(%o, %lse : memref<1x16x4096x128xbf16>, memref<1x16x4096xf32>)
    ```
  }];

  let arguments = (ins
    BSAttn_SparsityAttrInterface:$sparsity,
    BSAttn_PVPrecisionAttr:$pv,
    OptionalAttr<F32Attr>:$scale,
    DefaultValuedAttr<I64Attr, "128">:$block_size,
    DefaultValuedAttr<I64Attr, "1">:$kv_group,
    OptionalAttr<BSAttn_TuningAttr>:$tuning,
    OptionalAttr<TypedArrayAttrBase<BSAttn_VariantAttr,
                                    "tunings for ranges of shapes">>:$variants,
    Arg<AnyRankedOrUnrankedMemRef, "queries [B, H, T, D]", [MemRead]>:$q,
    Arg<AnyRankedOrUnrankedMemRef, "keys [B, H / kv_group, T, D]",
        [MemRead]>:$k,
    Arg<AnyRankedOrUnrankedMemRef, "values [B, H / kv_group, T, D]",
        [MemRead]>:$v,
    Arg<AnyRankedOrUnrankedMemRef, "valid tokens per batch entry [B]",
        [MemRead]>:$seq_lens,
    Arg<Optional<AnyRankedOrUnrankedMemRef>, "CSR row offsets [B, H, T/block + 1]",
        [MemRead]>:$row_ptr,
    Arg<Optional<AnyRankedOrUnrankedMemRef>, "CSR key block indices [B, H, NNZ]",
        [MemRead]>:$col_idx,
    Arg<AnyRankedOrUnrankedMemRef, "output [B, H, T, D]", [MemWrite]>:$o,
    Arg<AnyRankedOrUnrankedMemRef, "log-sum-exp [B, H, T]", [MemWrite]>:$lse
  );

  let assemblyFormat = [{
    $sparsity `pv` `=` custom<PVPrecision>($pv)
    `ins` `(` $q `,` $k `,` $v `:` type($q) `,` type($k) `,` type($v) `)`
    `seq_lens` `(` $seq_lens `:` type($seq_lens) `)`
    (`indices` `(` $row_ptr^ `,` $col_idx `:` type($row_ptr) `,`
                   type($col_idx) `)`)?
    `outs` `(` $o `,` $lse `:` type($o) `,` type($lse) `)`
    attr-dict
  }];

  let extraClassDeclaration = [{
    /// The softmax scale: the `scale` attribute, or 1/sqrt(D) without it.
    double getEffectiveScale();
    /// The head dimension D (static once the op verifies).
    int64_t getHeadDim();
    /// The element type of q, k, v and o.
    ::mlir::Type getElementType();
    /// The tuning hints, with defaults for those not given.
    TuningAttr getTuningOrDefault();
    /// Fails, naming the variants, if the op lists `variants`: a lowering
    /// compiles one variant at a time.
    ::mlir::LogicalResult verifyNoVariants();
  }];

  let hasVerifier = 1;
}


//===----------------------------------------------------------------------===//
// Tile level: what `bsattn-tile` produces
//===----------------------------------------------------------------------===//

def BSAttn_QueryTileOp : BSAttn_Op<"query_tile", [
    IsolatedFromAbove, SingleBlock, NoTerminator,
    HasParent<"::mlir::func::FuncOp">]> {
  let summary = "The work of one query tile: a grid over (batch, head, tile)";
  let description = [{
    The body runs once for every batch entry `b`, head `h` and query tile
    `qb` (the block arguments, in that order, followed by one block argument
    per `captures` operand). On a GPU each instance is one CTA. `q`, `k`
    and `v` are read only through the tile operations in the body (on
    Hopper, by TMA); `o` and `lse` are written by `bsattn.store_output`.
    The captures are the values the body's key-block schedule reads
    (sequence lengths, CSR indices); `capture_names` names each one
    (`seq_lens`, `seq_limit`, `row_ptr`, `col_idx`, `nnz`) for the kernel
    manifest. With a `persistent` tuning each CTA computes a sequence of
    instances (`bsattn.next_tile`, `bsattn.ring_start`, `bsattn.ring_end`).
    With `kv_group = G` head `h` reads head `h / G` of `k` and `v`.
    The key tile every tile operation works on is the tuning's `block_k`
    keys (or, where it is 0, the head dimension's choice); the key-block
    loop counts in key tiles.
  }];
  let arguments = (ins
    BSAttn_SparsityAttrInterface:$sparsity,
    BSAttn_PVPrecisionAttr:$pv,
    F32Attr:$scale,
    I64Attr:$block_size,
    DefaultValuedAttr<I64Attr, "1">:$kv_group,
    BSAttn_TuningAttr:$tuning,
    StrArrayAttr:$capture_names,
    AnyMemRef:$q, AnyMemRef:$k, AnyMemRef:$v,
    AnyMemRef:$o, AnyMemRef:$lse,
    Variadic<AnyType>:$captures
  );
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $sparsity `pv` `=` custom<PVPrecision>($pv)
    `ins` `(` $q `,` $k `,` $v `:` type($q) `,` type($k) `,` type($v) `)`
    `outs` `(` $o `,` $lse `:` type($o) `,` type($lse) `)`
    (`captures` `(` $captures^ `:` type($captures) `)`)?
    attr-dict-with-keyword $body
  }];
  let extraClassDeclaration = [{
    ::mlir::Value getBatchIndex() { return getBody().getArgument(0); }
    ::mlir::Value getHeadIndex() { return getBody().getArgument(1); }
    ::mlir::Value getQueryBlockIndex() { return getBody().getArgument(2); }
    /// The block argument that stands for capture `i` inside the body.
    ::mlir::BlockArgument getCaptureArgument(unsigned i) {
      return getBody().getArgument(3 + i);
    }
    /// The head dimension D (static once the op verifies).
    int64_t getHeadDim();
    /// The element type of q, k, v and o.
    ::mlir::Type getElementType();
    /// Keys per key tile: the tuning's `block_k`, or the head dimension's
    /// choice.
    int64_t getKeyTileSize() {
      return getTuning().getKeyTileSize(getHeadDim());
    }
    /// Query rows per tile: the tuning's `block_q`.
    int64_t getQueryTileSize() { return getTuning().getBlockQ(); }
    /// Whether the body frees its query buffer with `bsattn.release_q`.
    bool releasesQueryBuffer();
  }];
  let hasVerifier = 1;
  // The tile-level ops in its body verify first.
  let hasRegionVerifier = 1;
}

def BSAttn_KeyBlockLoopOp : BSAttn_Op<"key_block_loop", [
    SingleBlock]> {
  let summary = "Attend the query tile to the key blocks its schedule lists";
  let description = [{
    The body computes, from the entry number `n` (its block argument, in
    `[0, count)`), the key tile `j` of the n-th entry of the query tile's
    schedule and whether the entry is used (`valid`). A key tile is the
    query tile's `block_k` keys `j * block_k ...`; where `block_k` is below
    the sparsity block size, `bsattn-tile` lists each used block as its
    consecutive key tiles. The op attends the enclosing query tile to every
    used key tile in order, with the mask of the attention contract (for a
    causal pattern causal on the diagonal; keys at or past `seq_len`
    invisible) and writes the tile's `o` and `lse` rows.
    Because the body is a pure function of `n`, later passes may evaluate
    it ahead of the use (to prefetch).
  }];
  let arguments = (ins Index:$count, Index:$seq_len);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `count` `(` $count `)` `seq_len` `(` $seq_len `)` attr-dict-with-keyword
    $body
  }];
  let hasVerifier = 1;
}

def BSAttn_YieldKeyBlockOp : BSAttn_Op<"yield_key_block", [
    Pure, Terminator, HasParent<"KeyBlockLoopOp">]> {
  let summary = "The key block of one schedule entry and whether it is used";
  let arguments = (ins Index:$key_block, I1:$valid);
  let assemblyFormat = "$key_block `,` $valid attr-dict";
}

//===----------------------------------------------------------------------===//
// Fused online softmax: what `bsattn-fuse-softmax` produces
//===----------------------------------------------------------------------===//

class BSAttn_TileLevelOp<string mnemonic, list<Trait> traits = []>
    : BSAttn_Op<mnemonic, traits> {
  let hasVerifier = 1;
}

def BSAttn_LoadQOp : BSAttn_TileLevelOp<"load_q"> {
  let summary = "Start loading a query tile into shared memory";
  let description = [{
    Asynchronously loads the `block_q x D` query tile of the enclosing
    `bsattn.query_tile` instance; the first `bsattn.qk` waits for it. With
    `next(%b, %h, %qb)` (persistent query tiles only) it loads the tile the
    CTA computes next, into the other query buffer, or with a single query
    buffer into that one once the tile's `bsattn.release_q` has freed it.
  }];
  let arguments = (ins Variadic<Index>:$next_tile);
  let assemblyFormat = "(`next` `(` $next_tile^ `)`)? attr-dict";
}

def BSAttn_ReleaseQOp : BSAttn_TileLevelOp<"release_q"> {
  let summary = "Every thread is done with the tile's query buffer";
  let description = [{
    In a persistent `bsattn.query_tile` with a single query buffer: after
    this op the tile's `bsattn.load_q next(...)` may overwrite the buffer
    with the next tile's Q. It waits for the tile's own Q to have landed
    first (a tile without key blocks never waited for it), and returns
    once every thread of the tile has reached it, so that a
    `bsattn.store_output` after it may stage o where the products read K.
  }];
  let assemblyFormat = "attr-dict";
}

def BSAttn_PrefetchQOp : BSAttn_TileLevelOp<"prefetch_q"> {
  let summary = "Start bringing the next query tile into L2";
  let description = [{
    Asynchronously reads the `block_q x D` query tile of the tile the
    persistent CTA computes next, `(%b, %h, %qb)`, into the L2 cache
    (no shared memory): with a single query buffer that tile loads its Q
    only at its start, and then reads it from L2 instead of DRAM.
  }];
  let arguments = (ins Index:$batch, Index:$head, Index:$query_block);
  let assemblyFormat = "`next` `(` $batch `,` $head `,` $query_block `)` attr-dict";
}

def BSAttn_LoadKVOp : BSAttn_TileLevelOp<"load_kv", [AttrSizedOperandSegments]> {
  let summary = "Start loading key block `key_block` into ring slot `n`";
  let description = [{
    Asynchronously loads the K and V tiles of key block `key_block` into
    the shared-memory ring slot of schedule step `n` (`n mod stages`). The
    block is the current tile's batch entry and head's, or with
    `head(%b, %h)` (persistent query tiles only) those of batch entry `b`
    and head `h`: the next tile's first block is loaded that way. Heads
    are query heads: with the tile's `kv_group = G` query head `h` loads
    head `h / G` of `k` and `v`.

    With `announce %used` the load also records beside the slot which
    block it holds, `key_block` if `used` and none otherwise (an ignored
    schedule entry that still takes its ring step), for
    `bsattn.announced_block` to read once the slot has landed.
  }];
  let arguments = (ins Index:$key_block, Index:$step,
                       Optional<I1>:$announce,
                       Variadic<Index>:$batch_head);
  let assemblyFormat = [{
    $key_block `,` `step` $step (`announce` $announce^)?
    (`head` `(` $batch_head^ `)`)? attr-dict
  }];
}

def BSAttn_WaitKVOp : BSAttn_TileLevelOp<"wait_kv"> {
  let summary = "Wait until the K and V tiles of step `n` have arrived";
  let arguments = (ins Index:$step);
  let assemblyFormat = "`step` $step attr-dict";
}

def BSAttn_AnnouncedBlockOp : BSAttn_TileLevelOp<"announced_block"> {
  let summary = "The key block that the load of step `n` announced";
  let description = [{
    The key block that `bsattn.load_kv ... announce %used` recorded for the
    ring slot of step `n`, and `used`; an entry that is not used reads
    block 0. It reads the slot's record, so it belongs between the step's
    `bsattn.wait_kv` and `bsattn.release_kv`: the consumers of a
    warp-specialized kernel then learn each step's block from the load
    issuer instead of evaluating the schedule entry themselves.

    ```mlir
    bsattn.wait_kv step %n
    %block, %used = bsattn.announced_block step %n
    ```
  }];
  let arguments = (ins Index:$step);
  let results = (outs Index:$key_block, I1:$used);
  let assemblyFormat = "`step` $step attr-dict";
}

def BSAttn_ReleaseKVOp : BSAttn_TileLevelOp<"release_kv"> {
  let summary = "Every thread is done with the ring slot of step `n`";
  let description = [{
    After this op a later `bsattn.load_kv` may overwrite the slot.
  }];
  let arguments = (ins Index:$step);
  let assemblyFormat = "`step` $step attr-dict";
}

def BSAttn_NextTileOp : BSAttn_TileLevelOp<"next_tile", [Pure]> {
  let summary = "The query tile this CTA computes after the current one";
  let description = [{
    In a persistent `bsattn.query_tile` each CTA computes a sequence of
    tiles. The results are the batch entry, head and query block of the
    next one and whether there is one; when there is none they repeat the
    current tile's, so that reads indexed by them stay in bounds.
  }];
  let results = (outs Index:$batch, Index:$head, Index:$query_block,
                      I1:$has_next);
  let assemblyFormat = "attr-dict";
}

def BSAttn_RingStartOp : BSAttn_TileLevelOp<"ring_start", [Pure]> {
  let summary = "Where the current tile starts in its CTA's sequence";
  let description = [{
    In a persistent `bsattn.query_tile`: `first` is true for the first tile
    a CTA computes, which loads its own query tile and first K/V block (the
    previous tile loads them for every later one), and `step` is the ring
    step of the tile's first K/V block.
  }];
  let results = (outs I1:$first, Index:$step);
  let assemblyFormat = "attr-dict";
}

def BSAttn_RingEndOp : BSAttn_TileLevelOp<"ring_end"> {
  let summary = "The ring step after the current tile's last K/V block";
  let description = [{
    In a persistent `bsattn.query_tile`, directly in its body: the next
    tile's `bsattn.ring_start` step.
  }];
  let arguments = (ins Index:$step);
  let assemblyFormat = "$step attr-dict";
}

def BSAttn_CarriedScalar : AnyTypeOf<[Index, AnySignlessInteger, AnyFloat]>;

def BSAttn_TileCarriedOp : BSAttn_TileLevelOp<"tile_carried", [Pure]> {
  let summary = "Values the CTA's previous tile handed to this one";
  let description = [{
    In a persistent `bsattn.query_tile`: the values the previous tile of
    the CTA passed to its `bsattn.tile_carry`, so that what a tile can
    compute for its successor (the next tile's schedule, say) is not
    computed again at the successor's start. A CTA's first tile gets the
    `bsattn.tile_carry` operands evaluated for it before the tile loop,
    so they must follow from `bsattn.next_tile`'s results, the captures
    and constants through pure ops and loads in the body. The body holds
    at most one, whose types are those of the body's `bsattn.tile_carry`.
  }];
  let results = (outs Variadic<BSAttn_CarriedScalar>:$values);
  let assemblyFormat = "attr-dict (`:` type($values)^)?";
}

def BSAttn_TileCarryOp : BSAttn_TileLevelOp<"tile_carry"> {
  let summary = "Hand values to the next tile's bsattn.tile_carried";
  let description = [{
    In a persistent `bsattn.query_tile`, directly in its body and at most
    once: the values the next tile of the CTA reads from its
    `bsattn.tile_carried`.
  }];
  let arguments = (ins Variadic<BSAttn_CarriedScalar>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

def BSAttn_QKOp : BSAttn_TileLevelOp<"qk", [Pure]> {
  let summary = "Raw scores S = Q . K^T of the key block in step `n`'s slot";
  let arguments = (ins Index:$step);
  let results = (outs BSAttn_TileType:$scores);
  let assemblyFormat = "`step` $step attr-dict `:` type($scores)";
}

def BSAttn_MaskOp : BSAttn_TileLevelOp<"mask", [Pure, AllTypesMatch<["scores", "result"]>]> {
  let summary = "Set invisible scores of key tile `key_block` to -inf";
  let description = [{
    The scores are those of the query tile's rows against the keys of key
    tile `key_block` (as many keys as the scores have columns). Key `t` is
    invisible to query `s` if `causal` (the default) and `t > s`, or if
    `t >= seq_len`. Key tiles that need no mask (before the tile's first
    query, or for `causal = false` before `seq_len`) pass through unchanged
    (the lowering tests this at run time). The query tile is the enclosing
    `bsattn.query_tile`'s, or at the schedule level, which has none, the
    one of block `query_block`.
  }];
  let arguments = (ins BSAttn_TileType:$scores, Index:$key_block,
                       Index:$seq_len, Optional<Index>:$query_block,
                       DefaultValuedAttr<BoolAttr, "true">:$causal);
  let results = (outs BSAttn_TileType:$result);
  let assemblyFormat = [{
    $scores `,` `key_block` $key_block `,` `seq_len` $seq_len
    (`,` `query_block` $query_block^)? attr-dict `:` type($scores)
  }];
}

def BSAttn_OnlineSoftmaxOp : BSAttn_TileLevelOp<"online_softmax", [Pure,
    AllTypesMatch<["scores", "probs"]>,
    AllTypesMatch<["max", "sum", "max_new", "sum_new", "alpha"]>]> {
  let summary = "One step of the online softmax in base 2";
  let description = [{
    With `c = scale_log2` (the softmax scale times log2(e)):
    `max_new = max(max, rowmax(c * scores))`,
    `probs = exp2(c * scores - max_new)`,
    `alpha = exp2(max - max_new)` and
    `sum_new = alpha * sum + rowsum(probs)`.
    Rows whose maximum is still -inf keep `probs = 0` and `alpha = 1`.
    `poly_columns` (set by `bsattn-poly-exp2`) lists the first columns of
    the 8-column chunks whose `probs` come from a polynomial on the FMA
    units instead of the MUFU unit's `exp2` (as accurate: 2^-22.7).
    With `rescale_threshold = N` (set by `bsattn-lazy-rescale`; at most
    14) a row keeps `max_new = max` (and `alpha = 1`) unless
    `rowmax(c * scores)` exceeds `max` by more than N, so `probs` stay at
    most 2^N; the result is the same softmax, as the sum and O are kept
    against the same maximum. 0 keeps only a maximum that did not grow
    (the tuning's 0 instead leaves the attribute off).
    With `vote_kept_maxima` (set by `bsattn-lazy-rescale`; needs a
    `rescale_threshold`) the lowering first checks each lane's own maxima
    against the threshold, and a warp where no row's maximum moves keeps
    them without the reduction across each row's lanes (a warp vote);
    the results are the same. With it the op may also return that vote as
    `warp_moved` (added by `bsattn-lazy-rescale` where a `bsattn.rescale`
    takes `alpha`): warp-uniform, false only where every row of the warp
    kept its maximum, so that `alpha` is 1 there.
  }];
  let arguments = (ins BSAttn_TileType:$scores, BSAttn_RowsType:$max,
                       BSAttn_RowsType:$sum, F32Attr:$scale_log2,
                       OptionalAttr<DenseI64ArrayAttr>:$poly_columns,
                       OptionalAttr<I64Attr>:$rescale_threshold,
                       UnitAttr:$vote_kept_maxima);
  let results = (outs BSAttn_TileType:$probs, BSAttn_RowsType:$max_new,
                      BSAttn_RowsType:$sum_new, BSAttn_RowsType:$alpha,
                      Optional<I1>:$warp_moved);
  let assemblyFormat = [{
    $scores `,` $max `,` $sum `scale_log2` `=` $scale_log2
    (`poly_columns` `=` $poly_columns^)?
    (`rescale_threshold` `=` $rescale_threshold^)? (`vote_kept_maxima` $vote_kept_maxima^)?
    attr-dict `:` type($scores) `,` type($max) (`->` type($warp_moved)^)?
  }];
}

def BSAttn_PVOp : BSAttn_TileLevelOp<"pv", [Pure, AllTypesMatch<["acc", "result"]>]> {
  let summary = "acc * alpha + P . V with V of step `n`'s slot";
  let description = [{
    Rescales the output accumulator by the per-row `alpha` and adds the
    product of the probabilities with the V tile, at the P.V precision of
    the enclosing `bsattn.query_tile`.
  }];
  let arguments = (ins BSAttn_TileType:$acc, BSAttn_RowsType:$alpha,
                       BSAttn_TileType:$probs, Index:$step);
  let results = (outs BSAttn_TileType:$result);
  let assemblyFormat = [{
    $acc `,` $alpha `,` $probs `,` `step` $step attr-dict `:` type($acc) `,`
    type($alpha) `,` type($probs)
  }];
}

def BSAttn_StoreOutputOp : BSAttn_TileLevelOp<"store_output", [
    AllTypesMatch<["max", "sum"]>]> {
  let summary = "Write o = acc / sum and lse = ln(2) * (max + log2(sum))";
  let description = [{
    Writes the query tile's rows of `o` (in the input element type) and
    `lse`. Rows at or past `seq_len`, and rows that saw no key (sum = 0),
    get `o = 0` and `lse = -inf`. `o` goes to global memory through
    shared memory: the tile's query buffer, or with
    `ring_steps(%first, %end)` (the ring steps the tile's key blocks
    took) the K half of step `%end - 1`'s ring slot, if `%end > %first`
    (its key tiles are as tall as the query tile), so that the query
    buffer is free once the key-block loop is done. That slot must not be
    released before this op, and it must come after the tile's
    `bsattn.release_q`, itself after the tile's last `bsattn.qk` (the
    other warpgroups may still be reading K until then).
  }];
  let arguments = (ins BSAttn_TileType:$acc, BSAttn_RowsType:$max,
                       BSAttn_RowsType:$sum, Index:$seq_len,
                       Variadic<Index>:$ring_steps);
  let assemblyFormat = [{
    $acc `,` $max `,` $sum `,` `seq_len` $seq_len
    (`ring_steps` `(` $ring_steps^ `)`)? attr-dict `:` type($acc) `,`
    type($max)
  }];
}

def BSAttn_SplatOp : BSAttn_TileLevelOp<"splat", [Pure]> {
  let summary = "A tile or row vector with every element equal to `value`";
  let description = [{
    In a `bsattn.query_tile`, the result is one of the tile's register
    values: a `block_q x key tile` score tile, a `block_q x D` accumulator
    or `block_q` rows, all f32 (`block_q` and the key tile being the
    tuning's query and key tile rows).
  }];
  let arguments = (ins F32:$value);
  let results = (outs AnyTypeOf<[BSAttn_TileType, BSAttn_RowsType]>:$result);
  let assemblyFormat = "$value attr-dict `:` type($result)";
}

#endif // BSATTN_DIALECT_BSATTN_IR_BSATTNOPS_TD
