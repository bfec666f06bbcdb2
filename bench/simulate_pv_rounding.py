"""How much of the challenge's o tolerance each P.V rounding uses (no GPU):
the kernel's online softmax emulated block by block in fp32 on the public
generator's cases (a few heads each), with P rounded as each numerics
would round it, against the harness's fp32 reference.

  PYTHONPATH=.harness python3 bench/simulate_pv_rounding.py --suite quick \
      --cases 3 --heads 2 [--out F.json]

Numerics: `f16` (P and V in f16, the challenge kernel's `pv = f16`),
`bf16` (P rounded to bf16, the row sum from the unrounded P: FA4's and
`pv = bf16`), `bf16_rounded_sum` (the row sum taken from the rounded P, so
that o stays a weighted mean of V), `bf16_truncated` (P's low 16 bits
dropped, the row sum from the truncated P). Reported per case: the largest
|o - ref| / (atol + rtol |ref|) (above 1 fails the harness) and the
largest |o - ref|. o is rounded to bf16 as the kernel stores it.
"""
import argparse
import json
import math

import torch
from attention_kernel_challenge.cases import build_suite, materialize_case
from attention_kernel_challenge.reference import \
    reference_block_sparse_attn_fwd

BLOCK = 128
ATOL, RTOL = 1e-3, 1e-2
NUMERICS = ("f16", "bf16", "bf16_rounded_sum", "bf16_truncated")


def round_probabilities(p, numerics):
    if numerics == "f16":
        return p.to(torch.float16).to(torch.float32)
    if numerics == "bf16_truncated":
        return (p.view(torch.int32) & -65536).view(torch.float32)
    return p.to(torch.bfloat16).to(torch.float32)


def emulate(case, numerics, heads):
    """o of `heads` of every batch entry, block by block as the kernel
    computes it: running maximum and sum in fp32, P rounded before P.V."""
    q, k, v = case.q.float(), case.k.float(), case.v.float()
    if numerics == "f16":
        v = case.v.to(torch.float16).float()
    batch, num_heads, t_max, dim = q.shape
    row_ptr = case.row_ptr.reshape(batch, num_heads, -1)
    col_idx = case.col_idx.reshape(batch, num_heads, -1)
    rounded_sum = numerics in ("bf16_rounded_sum", "bf16_truncated")
    out = torch.zeros(batch, len(heads), t_max, dim)
    tokens = torch.arange(BLOCK)
    for b in range(batch):
        seq_len = int(case.seq_lens[b])
        valid_blocks = math.ceil(seq_len / BLOCK)
        for slot, h in enumerate(heads):
            for qb in range(valid_blocks):
                rows = slice(qb * BLOCK, (qb + 1) * BLOCK)
                query = q[b, h, rows]
                q_tokens = qb * BLOCK + tokens
                row_max = torch.full((BLOCK,), -math.inf)
                row_sum = torch.zeros(BLOCK)
                acc = torch.zeros(BLOCK, dim)
                for entry in range(int(row_ptr[b, h, qb]),
                                   int(row_ptr[b, h, qb + 1])):
                    kb = int(col_idx[b, h, entry])
                    if kb < 0 or kb > qb or kb >= valid_blocks:
                        continue
                    keys = slice(kb * BLOCK, (kb + 1) * BLOCK)
                    k_tokens = kb * BLOCK + tokens
                    scores = (query @ k[b, h, keys].T) / math.sqrt(dim)
                    allow = (k_tokens[None, :] < seq_len) & (
                        q_tokens[:, None] < seq_len)
                    if kb == qb:
                        allow &= k_tokens[None, :] <= q_tokens[:, None]
                    scores = scores.masked_fill(~allow, -math.inf)
                    new_max = torch.maximum(row_max, scores.max(1).values)
                    safe_max = torch.where(torch.isinf(new_max),
                                           torch.zeros_like(new_max), new_max)
                    alpha = torch.exp(row_max - safe_max)
                    p = torch.exp(scores - safe_max[:, None])
                    rounded = round_probabilities(p, numerics)
                    row_sum = row_sum * alpha + (
                        rounded if rounded_sum else p).sum(1)
                    acc = acc * alpha[:, None] + rounded @ v[b, h, keys]
                    row_max = new_max
                out[b, slot, rows] = torch.where(
                    row_sum[:, None] > 0, acc / row_sum[:, None],
                    torch.zeros_like(acc))
    return out.to(torch.bfloat16).float()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--suite", default="quick")
    parser.add_argument("--cases", type=int, default=3)
    parser.add_argument("--heads", type=int, default=2)
    parser.add_argument("--out")
    args = parser.parse_args()
    torch.set_num_threads(2)
    heads = list(range(args.heads))
    rows = []
    for spec in build_suite(args.suite)[:args.cases]:
        case = materialize_case(spec)
        reference, _ = reference_block_sparse_attn_fwd(
            case.q, case.k, case.v, case.row_ptr, case.col_idx, case.seq_lens)
        reference = reference.float()[:, :args.heads]
        row = {"case": spec.case_id}
        for numerics in NUMERICS:
            diff = (emulate(case, numerics, heads) - reference).abs()
            row[numerics] = {
                "tolerance_used": round(
                    (diff / (ATOL + RTOL * reference.abs())).max().item(), 3),
                "max_abs_diff": diff.max().item()}
        print(json.dumps(row), flush=True)
        rows.append(row)
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"suite": args.suite, "heads": args.heads,
                       "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
