"""A bench/blocksparse.py result per case: device time / floor for each
kernel variant (top) and, where FA4 was measured, bsattn's speed relative to
FA4's, both at seq_len = T (bottom; above 1 = bsattn faster):

  python3 bench/plot_blocksparse.py RESULT.json OUT.png
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    result = json.load(open(sys.argv[1]))
    rows = result["rows"]
    variants = list(result["variants"])  # a list, or names with notes
    cases = [r["case"] for r in rows]
    width = 0.8 / len(variants)
    fig, (ax, rel) = plt.subplots(2, 1, sharex=True,
                                  figsize=(max(10, len(cases) * 0.7), 8),
                                  gridspec_kw={"height_ratios": [2, 1]})
    for i, variant in enumerate(variants):
        ax.bar([c + (i - (len(variants) - 1) / 2) * width
                for c in range(len(cases))],
               [r["variant_ms"][variant] / r["floor_ms"] for r in rows],
               width, label=f"bsattn {variant}")
    ax.axhline(1.0, color="gray", lw=0.8)
    ax.set_ylabel("device time / floor")
    ax.set_title(f"Block-sparse challenge cases, {result['device']}")
    ax.legend(fontsize=8)
    fa4 = [(c, r["fa4_ms"] / r["seq_t_ms"]) for c, r in enumerate(rows)
           if "fa4_ms" in r]
    if fa4:
        rel.bar(*zip(*fa4), 0.6, color="tab:gray")
        rel.axhline(1.0, color="black", lw=0.8)
        rel.set_ylabel(f"FA4 time / bsattn {variants[0]}\n(seq_len = T)")
    rel.set_xticks(range(len(cases)))
    rel.set_xticklabels(cases, rotation=60, ha="right", fontsize=8)
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=110)


if __name__ == "__main__":
    main()
