"""How many K/V block loads pairing neighbouring query tiles would save on
the challenge's cases (no GPU): for each quick, full and broad case of the
public generator, the key blocks its query tiles load one CTA per tile
(every CSR entry below seq_len) against a two-CTA cluster of query blocks
2j and 2j + 1 that loads the union of its two rows once (a block both rows
list multicast, one only one row lists loaded for that CTA alone).

  PYTHONPATH=.harness python3 bench/simulate_pair_sharing.py [--out F.json]

Reported per case: loads per tile and per pair, and the fraction of L2 ->
shared memory block transfers the pairing leaves (each multicast block is
fetched once for two CTAs).
"""
import argparse
import json

from attention_kernel_challenge.cases import (_sample_seq_lens,
                                              build_csr_metadata,
                                              resolve_suite)

BLOCK = 128


def rows_of(row_ptr, col_idx, valid_blocks):
    """Each query block's used entries (below valid_blocks and the
    causal limit), as listed."""
    rows = []
    for q_block in range(len(row_ptr) - 1):
        entries = col_idx[row_ptr[q_block]:row_ptr[q_block + 1]]
        rows.append([int(j) for j in entries
                     if 0 <= j <= q_block and j < valid_blocks
                     and q_block < valid_blocks])
    return rows


def pair_fetches(first, second):
    """Block fetches from L2 of a pair whose CTAs walk the union of their
    rows: one per block both use (multicast halves), one per block only
    one uses. Repeated entries are fetched as often as listed."""
    counts = {}
    for j in first:
        counts[j] = counts.get(j, [0, 0])
        counts[j][0] += 1
    for j in second:
        counts[j] = counts.get(j, [0, 0])
        counts[j][1] += 1
    return sum(max(a, b) for a, b in counts.values())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out")
    a = parser.parse_args()
    results = []
    for suite in ("quick", "full", "broad"):
        for spec in resolve_suite(suite):
            seq_lens = _sample_seq_lens(spec)
            row_ptr, col_idx, _ = build_csr_metadata(spec, seq_lens.tolist())
            single = paired = 0
            for b in range(spec.batch_size):
                valid = -(-int(seq_lens[b]) // BLOCK)
                for h in range(spec.num_heads):
                    rows = rows_of(row_ptr[b, h], col_idx[b, h], valid)
                    if len(rows) % 2:
                        rows.append([])
                    single += sum(len(r) for r in rows)
                    paired += sum(pair_fetches(rows[i], rows[i + 1])
                                  for i in range(0, len(rows), 2))
            row = {"case": spec.case_id, "family": spec.family,
                   "window_blocks": spec.window_blocks,
                   "single_fetches": single, "paired_fetches": paired,
                   "fraction_left": round(paired / max(single, 1), 3)}
            results.append(row)
            print(json.dumps(row))
    if a.out:
        with open(a.out, "w") as out:
            json.dump({"rows": results}, out, indent=1)


if __name__ == "__main__":
    main()
