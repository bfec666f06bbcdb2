"""Greedy simulation of the one-CTA-per-tile grid's dispatch (no GPU):
the hardware starts CTAs in block index order, one per SM as SMs free up,
so the order the kernel maps block indices to tiles decides the grid's
tail. Prints, per dense causal shape, the makespan over its lower bound
(total work / SMs) for two orders of the query tiles (costs: key tiles
per query tile, plus an optional fixed cost per CTA in key tiles):

  head by head: each head's query tiles last (longest) first, head after
      head;
  sections: heads in sections of as many as 50 MiB of L2 holds K and V
      for (a power of 2), a section's tiles query tile by query tile,
      longest first, across its heads (FlashAttention-4's
      SingleTileLPTScheduler, the kernels' order for causal patterns).

  python3 bench/simulate_tile_order.py [--sms 132] [--fixed 0]
"""
import argparse
import heapq

# (B, H, T, D, keys per key tile, query rows per tile): the shapes of
# bench/dense_vs_fa4.py with the compiler's tiles.
SHAPES = [(2, 32, 8192, 64, 128, 192), (1, 32, 16384, 64, 128, 192),
          (8, 32, 2048, 64, 128, 192), (4, 32, 4096, 64, 128, 192),
          (2, 21, 8192, 96, 96, 192), (1, 21, 16384, 96, 96, 192),
          (8, 21, 2048, 96, 96, 192), (4, 21, 4096, 96, 96, 192),
          (2, 16, 8192, 128, 128, 128), (1, 16, 16384, 128, 128, 128),
          (8, 16, 2048, 128, 128, 128), (4, 16, 4096, 128, 128, 128),
          (2, 10, 8192, 192, 112, 128), (1, 10, 16384, 192, 112, 128),
          (8, 10, 2048, 192, 112, 128), (4, 10, 4096, 192, 112, 128),
          (2, 8, 8192, 256, 80, 128), (1, 8, 16384, 256, 80, 128),
          (8, 8, 2048, 256, 80, 128), (4, 8, 4096, 256, 80, 128)]
L2_BYTES = 50 * 1024 * 1024


def makespan(costs, sms):
    free = [0.0] * sms
    for cost in costs:
        heapq.heappush(free, heapq.heappop(free) + cost)
    return max(free)


def orders(batch, heads, seq, dim, keys, rows, fixed):
    tiles = -(-seq // rows)
    cost = [-(-((i + 1) * rows) // keys) + fixed for i in range(tiles)]
    head_by_head = [cost[tiles - 1 - x] for _ in range(batch * heads)
                    for x in range(tiles)]
    fit = max(L2_BYTES // (rows * dim * 4) // tiles, 1)
    section = 1 << (fit.bit_length() - 1)
    sections = []
    for first in range(0, batch * heads, section):
        width = min(section, batch * heads - first)
        sections += [cost[tiles - 1 - t] for t in range(tiles)
                     for _ in range(width)]
    return head_by_head, sections, section


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sms", type=int, default=132)
    parser.add_argument("--fixed", type=float, default=0.0,
                        help="fixed cost per CTA, in key tiles")
    a = parser.parse_args()
    print(f"{'shape':28} {'head by head':>12} {'sections':>9}  heads/section")
    for shape in SHAPES:
        head_by_head, sections, width = orders(*shape, a.fixed)
        bound = sum(head_by_head) / a.sms
        B, H, T, D, keys, rows = shape
        print(f"B{B} H{H} T{T} D{D} {rows}x{keys}".ljust(28),
              f"{makespan(head_by_head, a.sms) / bound:12.3f}",
              f"{makespan(sections, a.sms) / bound:9.3f}  {width}")


if __name__ == "__main__":
    main()
