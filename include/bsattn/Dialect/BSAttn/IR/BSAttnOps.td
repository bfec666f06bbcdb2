//===- BSAttnOps.td - bsattn operations --------------------*- tablegen -*-===//

#ifndef BSATTN_DIALECT_BSATTN_IR_BSATTNOPS_TD
#define BSATTN_DIALECT_BSATTN_IR_BSATTNOPS_TD

include "bsattn/Dialect/BSAttn/IR/BSAttnAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/OpBase.td"

class BSAttn_Op<string mnemonic, list<Trait> traits = []>
    : Op<BSAttn_Dialect, mnemonic, traits>;

def BSAttn_AttentionOp : BSAttn_Op<"attention", [AttrSizedOperandSegments]> {
  let summary = "Block-sparse causal attention with log-sum-exp output";
  let description = [{
    Computes, for every batch `b`, head `h` and query token `s`,

    ```
    lse[b, h, s] = log(sum_{t visible to s} exp(scale * q[b,h,s,:] . k[b,h,t,:]))
    o[b, h, s, :] = sum_{t visible to s} exp(scale * q.k - lse) * v[b, h, t, :]
    ```

    Tokens are grouped in blocks of `block_size` (128). Query block `i` sees
    the key blocks its `sparsity` pattern lists, restricted to `j <= i` and
    to blocks that hold a key before `seq_lens[b]`; inside the diagonal
    block key `t` is visible to query `s` only if `t <= s`; keys at or past
    `seq_lens[b]` are invisible. Query rows at or past `seq_lens[b]`, and
    rows that see no key, get `o = 0` and `lse = -inf`. `lse` is in natural
    log. `scale` defaults to `1/sqrt(D)`.

    The op writes caller-allocated buffers (destination-passing style): the
    function that holds it is exactly the kernel's interface, so lowering
    needs no bufferization and the argument order of the emitted kernel is
    the order written here.

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
    OptionalAttr<BSAttn_TuningAttr>:$tuning,
    Arg<AnyRankedOrUnrankedMemRef, "queries [B, H, T, D]", [MemRead]>:$q,
    Arg<AnyRankedOrUnrankedMemRef, "keys [B, H, T, D]", [MemRead]>:$k,
    Arg<AnyRankedOrUnrankedMemRef, "values [B, H, T, D]", [MemRead]>:$v,
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
  }];

  let hasVerifier = 1;
}

#endif // BSATTN_DIALECT_BSATTN_IR_BSATTNOPS_TD
