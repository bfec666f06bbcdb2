//===- BSAttnScheduleOps.td - the kernel-schedule level ----*- tablegen -*-===//
//
// What `convert-bsattn-to-schedule` produces: a kernel whose structure is
// IR. Shared-memory buffers are memrefs in workgroup memory, mbarrier
// pipelines and TMA copies are upstream `nvgpu` ops, fences and barriers
// are `nvvm` ops. The ops here are the ones neither dialect has; each says
// why in its description.
//
//===----------------------------------------------------------------------===//

#ifndef BSATTN_DIALECT_BSATTN_IR_BSATTNSCHEDULEOPS_TD
#define BSATTN_DIALECT_BSATTN_IR_BSATTNSCHEDULEOPS_TD

include "bsattn/Dialect/BSAttn/IR/BSAttnTypes.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Dialect/LLVMIR/LLVMOpBase.td"
include "mlir/Dialect/NVGPU/IR/NVGPUTypes.td"
include "mlir/IR/OpBase.td"

class BSAttn_ScheduleOp<string mnemonic, list<Trait> traits = []>
    : Op<BSAttn_Dialect, mnemonic, traits> {
  let hasVerifier = 1;
}

def BSAttn_SharedMemRef : MemRefRankOf<[AnyType], [1, 2, 3, 4, 5]>;

def BSAttn_SharedAllocOp : BSAttn_ScheduleOp<"shared_alloc"> {
  let summary = "A statically shaped buffer in the CTA's dynamic shared memory";
  let description = [{
    A buffer of the kernel's dynamic shared memory, `swizzle` the TMA and
    wgmma swizzle of its rows in bytes (0 or 128; a 128-byte swizzled
    buffer's innermost dimension is 128 bytes). `bsattn-allocate-shared`
    gives every buffer of a kernel its byte `offset` (a multiple of 1024
    where the 128-byte swizzle needs it, of 16 otherwise) and the kernel its
    `bsattn.shared_bytes`.

    Own op: `memref.alloc` / `memref.global` in workgroup memory become
    static shared arrays, limited to 48 KiB and aligned to at most 16
    bytes; these buffers are up to 226 KiB of 1024-aligned dynamic memory
    (227 KiB with the alignment's padding).

    ```mlir
    %kv = bsattn.shared_alloc swizzle = 128
        : memref<2x2x2x128x64xbf16, #gpu.address_space<workgroup>>
    ```
  }];
  let arguments = (ins DefaultValuedAttr<I64Attr, "0">:$swizzle,
                       OptionalAttr<I64Attr>:$offset);
  let results = (outs Res<BSAttn_SharedMemRef, "",
                          [MemAlloc<DefaultResource>]>:$buffer);
  let assemblyFormat = [{
    `swizzle` `=` $swizzle (`offset` `=` $offset^)? attr-dict `:`
    type($buffer)
  }];
  let extraClassDeclaration = [{
    /// The buffer's size in bytes.
    int64_t getByteSize();
  }];
}

def BSAttn_TensorMapOp : BSAttn_ScheduleOp<"tensor_map", [Pure]> {
  let summary = "A TMA descriptor passed by value as a kernel parameter";
  let description = [{
    Views a 128-byte `__grid_constant__` kernel parameter (an `llvm.ptr`
    argument with `llvm.byval` and `nvvm.grid_constant`) as the tensor map
    it holds, for `nvgpu.tma.async.load` / `store`.

    Own op: `nvgpu` makes descriptors on the host
    (`nvgpu.tma.create.descriptor`, which copies each one to global
    memory); by value they need no copy per launch.
  }];
  let arguments = (ins LLVM_AnyPointer:$parameter);
  let results = (outs NVGPU_TensorMapDescriptor:$descriptor);
  let assemblyFormat = [{
    $parameter attr-dict `:` type($parameter) `->` type($descriptor)
  }];
}

def BSAttn_GlobalMemRefOp : BSAttn_ScheduleOp<"global_memref", [Pure]> {
  let summary = "A contiguous memref from a pointer parameter and its sizes";
  let description = [{
    The kernel ABI passes a memref as its base pointer followed by one i64
    per dynamic size; this op rebuilds the identity-layout memref they
    describe, so that its reads are plain `memref.load`s.

    Own op: the memref calling convention passes a whole descriptor (two
    pointers, offset, sizes, strides) per memref.
  }];
  let arguments = (ins LLVM_PointerInAddressSpace<1>:$pointer,
                       Variadic<I64>:$sizes);
  let results = (outs AnyMemRef:$memref);
  let assemblyFormat = [{
    $pointer (`sizes` `(` $sizes^ `)`)? attr-dict `:` type($memref)
  }];
}

def BSAttn_PrefetchL2Op : BSAttn_ScheduleOp<"prefetch_l2"> {
  let summary = "Bring the L2 line that holds one element of a global memref "
                "into L2";
  let description = [{
    Asks for the 128-byte line that holds element `index` of `source`
    (counted in its row-major order; `source` is contiguous) in L2; a hint
    that reads nothing into registers and that no other op waits for.
    `index` must be inside `source`.

    Own op: `memref.prefetch` becomes `llvm.prefetch`, which the NVPTX
    backend drops; this one becomes `nvvm.prefetch level = L2`. It declares
    no memory effects, so that it is neither dropped as dead nor kept by
    `bsattn-warp-specialize`'s producer (which keeps reads and pure values):
    the consumers issue it.
  }];
  let arguments = (ins AnyMemRef:$source, Index:$index);
  let assemblyFormat = [{
    $source `[` $index `]` attr-dict `:` type($source)
  }];
}

def BSAttn_WarpSpecializeOp : BSAttn_ScheduleOp<"warp_specialize", [
    NoTerminator]> {
  let summary = "Split the CTA into consumer warpgroups and a producer";
  let description = [{
    Threads `0 .. consumer_threads - 1` run the `consumers` region with
    `consumer_registers` registers each, the next `producer_threads` run
    the `producer` region with `producer_registers` (`setmaxnreg` where a
    budget differs from the launch's even split): the
    producer issues the loads and waits for free slots, so the consumers'
    products never wait behind a load issue. Both regions see the values
    defined before the op; the CTA has `consumer_threads +
    producer_threads` threads.

    Own op: neither `gpu` nor `nvgpu` has warp-specialized regions or
    register budgets.
  }];
  let arguments = (ins ConfinedAttr<I64Attr, [IntPositive]>:$consumer_threads,
                       ConfinedAttr<I64Attr, [IntPositive]>:$producer_threads,
                       I64Attr:$consumer_registers,
                       I64Attr:$producer_registers);
  let regions = (region SizedRegion<1>:$consumers, SizedRegion<1>:$producer);
  let extraClassDeclaration = [{
    /// The SM's register file.
    static constexpr int64_t kRegistersPerSM = 65536;
    /// Registers per thread when `threads` threads share the register file
    /// evenly (a multiple of 8): what ptxas gives a launch of that many.
    static int64_t evenRegisterBudget(int64_t threads) {
      return kRegistersPerSM / threads / 8 * 8;
    }
    int64_t getEvenRegisters() {
      return evenRegisterBudget(getConsumerThreads() + getProducerThreads());
    }
  }];
  let assemblyFormat = [{
    `consumers` `(` $consumer_threads `threads` `,` $consumer_registers
    `registers` `)` $consumers
    `producer` `(` $producer_threads `threads` `,` $producer_registers
    `registers` `)` $producer attr-dict
  }];
}

//===----------------------------------------------------------------------===//
// Warpgroup matrix products: asynchronous, retired by wgmma_wait
//===----------------------------------------------------------------------===//

def BSAttn_WgmmaSharedOp : BSAttn_ScheduleOp<"wgmma_ss"> {
  let summary = "Issue S = A . B^T with both operands in shared memory";
  let description = [{
    Issues, without waiting, the warpgroup matrix products of
    `result = A . B^T` (f32 accumulation): `a` and `b` are `C x R x 64`
    128-byte-swizzled buffers (C = 1 to 4), the 64-column chunks of a
    K-major `R x 64C` matrix. Consumer warpgroup `g` computes rows `64g .. 64g + 63` of the
    result from its rows of `a`. `depth`, when given, is the product's K:
    `64C - 32` (D = 96) skips the last chunk's second half, which holds no
    data. The products must follow an
    `nvvm.wgmma.fence.aligned`, be committed by
    `nvvm.wgmma.commit.group.sync.aligned` and be retired by
    `bsattn.wgmma_wait`, which is the result's only use.

    Own op: `nvgpu.warpgroup.mma` fences, commits and waits inside every
    op, so no product can stay in flight while other work runs.
  }];
  let arguments = (ins BSAttn_SharedMemRef:$a, BSAttn_SharedMemRef:$b,
                       OptionalAttr<I64Attr>:$depth);
  let results = (outs BSAttn_TileType:$result);
  let assemblyFormat = [{
    $a `,` $b attr-dict `:` type($a) `,` type($b) `->` type($result)
  }];
}

def BSAttn_WgmmaRegisterOp : BSAttn_ScheduleOp<"wgmma_rs",
    [AllTypesMatch<["acc", "result"]>]> {
  let summary = "Issue acc + A . B with A in registers";
  let description = [{
    Issues, without waiting, `result = acc + a . b`: `a` a tile of 16-bit
    floats in registers (rounded probabilities), `b` a `C x K x 64`
    128-byte-swizzled buffer (C = 1 to 4), the 64-column chunks of an
    N-major `K x 64C` matrix whose 16-bit elements are read as `a`'s
    element type. `acc` has `64C` columns, or `64C - 32` (D = 96: the last
    chunk's second half is not read).
    `acc` is the result of `bsattn.wgmma_wait` or of an earlier
    `bsattn.wgmma_rs` of the same group; the result's only use is the next
    product or the `bsattn.wgmma_wait` that retires it.

    Own op: `nvvm.wgmma.mma_async` and `nvgpu.warpgroup.mma` take A from
    shared memory only.
  }];
  let arguments = (ins BSAttn_TileType:$acc, BSAttn_TileType:$a,
                       BSAttn_SharedMemRef:$b);
  let results = (outs BSAttn_TileType:$result);
  let assemblyFormat = [{
    $acc `,` $a `,` $b attr-dict `:` type($acc) `,` type($a) `,` type($b)
  }];
}

def BSAttn_WgmmaWaitOp : BSAttn_ScheduleOp<"wgmma_wait",
    [AllTypesMatch<["inputs", "results"]>]> {
  let summary = "Wait until at most `pending` product groups are in flight";
  let description = [{
    `wgmma.wait_group pending`: the accumulators of every group committed
    before the last `pending` ones are complete. The op takes the
    in-flight accumulators and returns them, so every later read depends
    on the wait (what keeps ptxas from serializing the products).
  }];
  let arguments = (ins Variadic<BSAttn_TileType>:$inputs,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$pending);
  let results = (outs Variadic<BSAttn_TileType>:$results);
  let assemblyFormat = [{
    $inputs `pending` `=` $pending attr-dict `:` type($inputs)
  }];
}

//===----------------------------------------------------------------------===//
// Register math of the consumers
//===----------------------------------------------------------------------===//

def BSAttn_TruncFOp : BSAttn_ScheduleOp<"truncf", [Pure]> {
  let summary = "Round an f32 tile to a 16-bit float tile";
  let description = [{
    Rounds every element to the nearest `bf16` or `f16`: the register-A
    operand of `bsattn.wgmma_rs`.
  }];
  let arguments = (ins BSAttn_TileType:$input);
  let results = (outs BSAttn_TileType:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
}

def BSAttn_SplitBF16Op : BSAttn_ScheduleOp<"split_bf16", [Pure,
    AllTypesMatch<["high", "low"]>]> {
  let summary = "Split an f32 tile into two bf16 tiles that add up to it";
  let description = [{
    `high = bf16(x)`, `low = bf16(x - high)`: together about 16 significant
    bits, for P.V in `split_bf16` precision (two products with the same V).
  }];
  let arguments = (ins BSAttn_TileType:$input);
  let results = (outs BSAttn_TileType:$high, BSAttn_TileType:$low);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($high)";
}

def BSAttn_RescaleOp : BSAttn_ScheduleOp<"rescale", [Pure,
    AllTypesMatch<["acc", "result"]>]> {
  let summary = "Multiply every row of a tile by its row's factor";
  let description = [{
    With `skip_unit_factors` (set by `bsattn-lazy-rescale`) a warp whose
    rows' factors are all 1 skips the multiplies: a branch on a vote of
    the whole warp (so the op must not sit under lane-divergent control
    flow), which pays where the factors are mostly 1 (the online softmax's
    alpha with a `rescale_threshold`). With `if %flag` instead (also set
    by `bsattn-lazy-rescale`: a softmax's `warp_moved`, where the factors
    are that softmax's alpha) the branch takes that warp-uniform flag, and
    the factors must be 1 in every row of a warp where it is false.
  }];
  let arguments = (ins BSAttn_TileType:$acc, BSAttn_RowsType:$factor,
                       Optional<I1>:$warp_rescales,
                       UnitAttr:$skip_unit_factors);
  let results = (outs BSAttn_TileType:$result);
  let assemblyFormat = [{
    $acc `,` $factor (`skip_unit_factors` $skip_unit_factors^)?
    (`if` $warp_rescales^)? attr-dict `:` type($acc) `,` type($factor)
  }];
}

def BSAttn_RowMaxOp : BSAttn_ScheduleOp<"row_max", [Pure,
    AllTypesMatch<["max", "max_new", "alpha"]>]> {
  let summary = "The online softmax's new row maxima and rescale factors";
  let description = [{
    The first part of `bsattn.online_softmax` (`c = scale_log2`):
    `max_new = max(max, rowmax(c * scores))` and
    `alpha = exp2(max - max_new)`, 1 for rows whose maximum is still -inf.
    `bsattn-overlap` splits the online softmax into this,
    `bsattn.exp_scores` over column ranges and `bsattn.rows_fma`, so that
    other work can sit between its exponentials. `rescale_threshold`, as
    on `bsattn.online_softmax`: a row keeps `max` (and `alpha = 1`) unless
    its scores exceed it by more than that; `vote_kept_maxima` and
    `warp_moved` as there.
  }];
  let arguments = (ins BSAttn_TileType:$scores, BSAttn_RowsType:$max,
                       F32Attr:$scale_log2,
                       OptionalAttr<I64Attr>:$rescale_threshold,
                       UnitAttr:$vote_kept_maxima);
  let results = (outs BSAttn_RowsType:$max_new, BSAttn_RowsType:$alpha,
                      Optional<I1>:$warp_moved);
  let assemblyFormat = [{
    $scores `,` $max `scale_log2` `=` $scale_log2
    (`rescale_threshold` `=` $rescale_threshold^)?
    (`vote_kept_maxima` $vote_kept_maxima^)? attr-dict `:`
    type($scores) `,` type($max) (`->` type($warp_moved)^)?
  }];
}

def BSAttn_ExpScoresOp : BSAttn_ScheduleOp<"exp_scores", [Pure,
    AllTypesMatch<["scores", "probs_in", "probs"]>,
    AllTypesMatch<["max", "row_sum_in", "row_sum"]>]> {
  let summary = "The online softmax's exponentials of a range of columns";
  let description = [{
    For the `columns` columns from `first_column`:
    `probs = exp2(c * scores - max)` (`c = scale_log2`, `max` taken as 0 in
    rows whose maximum is -inf) and `row_sum = row_sum_in +` the row sums
    of those probabilities (each thread's own columns, as the online
    softmax's sums are); the other columns of `probs` are `probs_in`'s.
    `poly_columns`, as on `bsattn.online_softmax`: the 8-column chunks of
    the range whose exponentials come from the FMA units' polynomial.
  }];
  let arguments = (ins BSAttn_TileType:$scores, BSAttn_RowsType:$max,
                       BSAttn_TileType:$probs_in, BSAttn_RowsType:$row_sum_in,
                       F32Attr:$scale_log2, I64Attr:$first_column,
                       I64Attr:$columns,
                       OptionalAttr<DenseI64ArrayAttr>:$poly_columns);
  let results = (outs BSAttn_TileType:$probs, BSAttn_RowsType:$row_sum);
  let assemblyFormat = [{
    $scores `,` $max `,` $probs_in `,` $row_sum_in `first_column` `=`
    $first_column `columns` `=` $columns `scale_log2` `=` $scale_log2
    (`poly_columns` `=` $poly_columns^)? attr-dict `:` type($scores) `,`
    type($max)
  }];
}

def BSAttn_RowsFmaOp : BSAttn_ScheduleOp<"rows_fma", [Pure,
    AllTypesMatch<["a", "b", "c", "result"]>]> {
  let summary = "a * b + c, row by row";
  let description = [{
    The online softmax's `sum_new = alpha * sum + rowsum(probs)` once its
    exponentials are split (`bsattn.exp_scores`).
  }];
  let arguments = (ins BSAttn_RowsType:$a, BSAttn_RowsType:$b,
                       BSAttn_RowsType:$c);
  let results = (outs BSAttn_RowsType:$result);
  let assemblyFormat = "$a `,` $b `,` $c attr-dict `:` type($a)";
  let hasVerifier = 0;
}

def BSAttn_NormalizeOp : BSAttn_ScheduleOp<"normalize", [Pure,
    AllTypesMatch<["max", "sum", "lse"]>]> {
  let summary = "o = acc / sum and lse = ln(2) * (max + log2(sum)) per row";
  let description = [{
    The epilogue's math for the query tile starting at token
    `rows * query_block`, `rows` being the accumulator's row count: `output` is `acc / sum` rounded to its element
    type, `lse` the natural log-sum-exp. Rows at or past `seq_len`, and
    rows that saw no key (`sum = 0`), get `o = 0` and `lse = -inf`.
  }];
  let arguments = (ins BSAttn_TileType:$acc, BSAttn_RowsType:$max,
                       BSAttn_RowsType:$sum, Index:$query_block,
                       Index:$seq_len);
  let results = (outs BSAttn_TileType:$output, BSAttn_RowsType:$lse);
  let assemblyFormat = [{
    $acc `,` $max `,` $sum `,` `query_block` $query_block `,` `seq_len`
    $seq_len attr-dict `:` type($acc) `,` type($max) `to` type($output)
  }];
}

//===----------------------------------------------------------------------===//
// Moving tiles between registers and memory
//===----------------------------------------------------------------------===//

def BSAttn_StoreSwizzledOp : BSAttn_ScheduleOp<"store_swizzled"> {
  let summary = "Write a register tile into a 128-byte-swizzled buffer";
  let description = [{
    Every thread writes its elements of `tile` (16-bit floats) into `dest`,
    a `C x R x 64` buffer holding the tile's 64-column chunks in the
    128-byte-swizzled layout TMA reads (16-byte chunk `c` of row `r` at
    chunk `c ^ (r % 8)`). Consumer warpgroup `g` writes rows
    `64g .. 64g + 63`. A tile of `64C - 32` columns (D = 96) leaves the
    last chunk's second half as it was.

    Own op: the accumulator fragment layout of wgmma is a property of
    the product, not of a memref, and neither `nvgpu.warpgroup.mma.store`
    (no swizzle) nor `vector` ops know it.
  }];
  let arguments = (ins BSAttn_TileType:$tile,
                       Arg<BSAttn_SharedMemRef, "", [MemWrite]>:$dest);
  let assemblyFormat = [{
    $tile `,` $dest attr-dict `:` type($tile) `,` type($dest)
  }];
}

def BSAttn_StoreRowsOp : BSAttn_ScheduleOp<"store_rows"> {
  let summary = "Write one value per row of a query tile to global memory";
  let description = [{
    Writes row `r` of `rows` to `dest[batch, head, first_row + r]`; one
    thread of the four that hold a row writes it. Rows at or past `dest`'s
    size in dimension 2 (those of a partial last query tile) are not
    written.
  }];
  let arguments = (ins BSAttn_RowsType:$rows,
                       Arg<AnyMemRef, "", [MemWrite]>:$dest, Index:$batch,
                       Index:$head, Index:$first_row);
  let assemblyFormat = [{
    $rows `,` $dest `[` $batch `,` $head `,` $first_row `]` attr-dict `:`
    type($rows) `,` type($dest)
  }];
}

def BSAttn_ConvertSharedOp : BSAttn_ScheduleOp<"convert_shared"> {
  let summary = "Convert a shared buffer of bf16 to f16 in place";
  let description = [{
    The `threads` threads from `first_thread` on (two consumer warpgroups'
    256 by default) convert the 16-byte chunks of `buffer` from bf16 to f16 in
    place, thread `first_thread + t` chunks `t`, `t + threads`, ... The
    conversion is elementwise, so the buffer's swizzled layout stays; its
    memref type still says bf16. Values beyond f16's range become
    infinities.

    Own op: the in-place reinterpretation of a buffer's element type has
    no upstream op.
  }];
  let arguments = (ins Arg<BSAttn_SharedMemRef, "", [MemRead, MemWrite]>:$buffer,
                       DefaultValuedAttr<I64Attr, "0">:$first_thread,
                       DefaultValuedAttr<I64Attr, "256">:$threads);
  let assemblyFormat = "$buffer attr-dict `:` type($buffer)";
}

#endif // BSATTN_DIALECT_BSATTN_IR_BSATTNSCHEDULEOPS_TD
