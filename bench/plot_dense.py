"""Bar chart of a dense result file (bench/dense_vs_fa4.py's rows, with
their ablation columns): per row, every bsattn variant, FA4 and cuDNN.

  python3 bench/plot_dense.py bench/results/X.json bench/results/X.png
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    rows = json.load(open(sys.argv[1]))["rows"]
    # Every variant any row has, in first-seen order (some D lack some).
    series = list(dict.fromkeys(
        k[:-len("_tflops")] for row in rows for k in row
        if k.endswith("_tflops") and k.startswith("bsattn")))
    series += ["fa4", "cudnn"]
    width = 0.8 / len(series)
    # About half an inch per row keeps 30 rows' labels apart.
    fig, ax = plt.subplots(figsize=(max(12, 0.5 * len(rows)), 6))
    for i, name in enumerate(series):
        ax.bar([r + i * width for r in range(len(rows))],
               [row.get(name + "_tflops", 0) for row in rows], width,
               label=name)
    ax.set_xticks([r + 0.4 - width / 2 for r in range(len(rows))])
    ax.set_xticklabels([f"{row['name']}\nD={row['D']} {row['dtype']} "
                        f"pv={row['pv']}" for row in rows], fontsize=7,
                       rotation=60, ha="right")
    ax.set_ylabel("TFLOP/s")
    ax.legend(fontsize=7, ncol=3)
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=110)


if __name__ == "__main__":
    main()
