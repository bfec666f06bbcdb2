"""What a kernel is compiled for (KernelKey) and the `bsattn.attention` op
text that states it.

B, H, T and NNZ stay dynamic in the op, so one kernel serves every shape
of its dtype and head dimension; what the key holds is what the compiler
needs to know: dtypes, D, the pattern's kind and static parameters, the
softmax scale, the P.V precision, tuning hints and how many query heads
share each head of k and v (kv_group, grouped-query attention).
"""

import dataclasses
import struct

DTYPES = ("bf16", "f16")
HEAD_DIMS = (64, 96, 128, 192, 256)
PV_PRECISIONS = ("bf16", "f16", "split_bf16")
# The parameters of #bsattn.tuning, in its order (BSAttnAttrs.td).
TUNING_PARAMETERS = {"block_q": int, "block_k": int, "stages": int,
                     "warpgroups": int, "persistent": bool,
                     "warp_specialize": bool, "pingpong": bool,
                     "overlap": bool, "producer_convert": bool,
                     "dynamic_tiles": bool, "value_stages": int,
                     "rescale_before_pv": bool, "descending_keys": bool,
                     "single_query_buffer": bool, "carry_schedule": bool,
                     "pv_wait_columns": int, "early_next_query": bool,
                     "padding_tiles_last": bool, "prefetch_indices": bool,
                     "prefetch_blocks": bool, "poly_exp2_columns": int,
                     "rescale_threshold": int, "early_scalar_loads": bool,
                     "warp_kept_maxima": bool, "announce_blocks": bool}


def choose_pv(pv, dtype):
    """The P.V precision for `pv` ("auto" or one of PV_PRECISIONS) and input
    dtype. "auto" takes the cheapest precision whose rounding of P is no
    coarser than the output's own rounding (docs/python.md): f16 (P to
    2^-11 relative) for both dtypes; bf16 P (2^-9) would add an error as
    large as a bf16 output's rounding, and split_bf16 costs a second
    product. f16 inputs only take f16."""
    if pv == "auto":
        return "f16"
    if pv not in PV_PRECISIONS:
        raise ValueError(f"pv must be 'auto' or one of {list(PV_PRECISIONS)}, "
                         f"got {pv!r}")
    if dtype == "f16" and pv != "f16":
        raise ValueError(f"pv={pv!r} needs bf16 inputs; f16 inputs take "
                         "pv='f16' (or 'auto')")
    return pv


def tuning_attr(tuning):
    """`#bsattn.tuning<...>` for a dict of tuning hints (the rest at their
    defaults: `{}` turns every technique off); None for None, which leaves
    the choice to the compiler (bsattn-choose-tuning)."""
    if tuning is None:
        return None
    if not isinstance(tuning, dict):
        raise ValueError(f"tuning must be a dict, got {type(tuning).__name__}")
    parts = []
    for name in TUNING_PARAMETERS:
        if name not in tuning:
            continue
        value, kind = tuning[name], TUNING_PARAMETERS[name]
        if type(value) is not kind:
            raise ValueError(f"tuning {name!r} must be {kind.__name__}, got "
                             f"{value!r}")
        parts.append(f"{name} = {str(value).lower()}")
    unknown = sorted(set(tuning) - set(TUNING_PARAMETERS))
    if unknown:
        raise ValueError(f"unknown tuning parameters {unknown}; known: "
                         f"{list(TUNING_PARAMETERS)}")
    return f"#bsattn.tuning<{', '.join(parts)}>"


def f32_literal(scale):
    """The shortest decimal that reads back as float32(scale): the op text,
    and so the cache key, is the same for every spelling of one value."""
    rounded = struct.unpack("<f", struct.pack("<f", scale))[0]
    return repr(rounded)


@dataclasses.dataclass(frozen=True)
class KernelKey:
    dtype: str  # of q, k, v and o: "bf16" or "f16"
    head_dim: int
    sparsity: str  # the pattern attribute, e.g. "#bsattn.sliding_window<8>"
    pv: str
    scale: str | None = None  # an f32 literal; None: 1/sqrt(D)
    tuning: str | None = None  # a #bsattn.tuning attribute
    kv_group: int = 1  # query heads per head of k and v

    def __post_init__(self):
        if type(self.kv_group) is not int or self.kv_group < 1:
            raise ValueError(f"kv_group must be a positive int, got "
                             f"{self.kv_group!r}")

    @property
    def needs_indices(self):
        return self.sparsity.startswith("#bsattn.csr")

    @property
    def entry(self):
        kind = self.sparsity[len("#bsattn."):].split("<")[0]
        if "causal = false" in self.sparsity:
            kind += "_bidirectional"
        if "per_kv_head = true" in self.sparsity:
            kind += "_kv_lists"
        group = f"_g{self.kv_group}" if self.kv_group != 1 else ""
        return f"attention_{kind}_{self.dtype}_d{self.head_dim}{group}"

    def op_text(self):
        """A function whose body is the one `bsattn.attention` op; its
        arguments are the kernel's, in the order the manifest lists them."""
        act = f"memref<?x?x?x{self.head_dim}x{self.dtype}>"
        lse = "memref<?x?x?xf32>"
        index = "memref<?x?x?xi32>"
        arguments = [f"%q: {act}", f"%k: {act}", f"%v: {act}",
                     "%seq_lens: memref<?xi32>"]
        if self.needs_indices:
            arguments += [f"%row_ptr: {index}", f"%col_idx: {index}"]
        arguments += [f"%o: {act}", f"%lse: {lse}"]
        attributes = []
        if self.kv_group != 1:
            attributes.append(f"kv_group = {self.kv_group}")
        if self.scale is not None:
            attributes.append(f"scale = {self.scale} : f32")
        if self.tuning is not None:
            attributes.append(f"tuning = {self.tuning}")
        lines = [
            f"// Written by the bsattn Python package: {self.dtype}, "
            f"D = {self.head_dim}, {self.sparsity}, pv = {self.pv}"
            + (f", kv_group = {self.kv_group}." if self.kv_group != 1
               else "."),
            f"func.func @{self.entry}({', '.join(arguments)}) {{",
            f"  bsattn.attention {self.sparsity} pv = {self.pv}",
            f"      ins(%q, %k, %v : {act}, {act}, {act})",
            "      seq_lens(%seq_lens : memref<?xi32>)",
        ]
        if self.needs_indices:
            lines.append(f"      indices(%row_ptr, %col_idx : {index}, {index})")
        outs = f"      outs(%o, %lse : {act}, {lse})"
        if attributes:
            outs += " {" + ", ".join(attributes) + "}"
        lines += [outs, "  return", "}", ""]
        return "\n".join(lines)
