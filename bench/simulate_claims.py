"""Simulated makespan of the challenge cases' grids (a model, no GPU): one
CTA per tile, dispatched by the hardware in block index order as SMs free
up, against a persistent grid of one CTA per SM taking tiles from a
counter, claiming each tile `lead` tiles before it starts it (the kernels'
dynamic tiles: a tile's start claims the tile after the next, lead 2;
lead 0: a CTA claims when it finishes a tile).

Tile orders:
  kernel: head by head, each head's query blocks last first (the
      kernels' order for CSR patterns);
  padding-last: the same, but a batch entry's tiles past its seq_lens
      (padding: no entries) after its others (`padding_tiles_last`);
  longest-first: descending entry count (LPT).

A tile's cost is its CSR entries (every entry runs its products under the
overlap, ignored ones masked) times the key-block time, plus per-tile
costs measured with bench/phase_timing.py
(bench/results/2026-12-04-h200-cta-phases.json,
2026-12-04-h200-single-query-buffer.json): one CTA per tile, its start to
the first product and its epilogue's store and the gap to the next CTA;
persistent, a tile switch and a CTA's first tile's start.

  PYTHONPATH=.harness python3 bench/simulate_claims.py [--suites quick,full]
      [--start 2.0] [--later-start 1.0] [--switch 1.3] [--leads 2,1,0]
      [--out F.json]

Prints per case and order the simulated time (us) of each grid and the
persistent grids' idle share (1 - work / (SMs x makespan)).
"""
import argparse
import datetime
import heapq
import json

from attention_kernel_challenge.cases import build_suite, materialize_case

BLOCK = 128


def tile_entries(case):
    """Entries per tile in the kernels' order: batch, head, then query
    blocks last first; tiles past a sequence's valid blocks have none."""
    row_ptr, seq_lens = case.row_ptr, case.seq_lens
    batch, heads, rows = row_ptr.shape[0], row_ptr.shape[1], row_ptr.shape[2] - 1
    entries = []
    for b in range(batch):
        valid = min(rows, -(-int(seq_lens[b]) // BLOCK))
        entries.append([])
        for h in range(heads):
            for qb in reversed(range(rows)):
                count = int(row_ptr[b, h, qb + 1] - row_ptr[b, h, qb])
                entries[-1].append((count if qb < valid else 0, qb < valid))
    return entries


def ordered(entries, order):
    if order == "kernel":
        return [count for batch in entries for count, _ in batch]
    if order == "padding-last":
        return [count for batch in entries
                for valid in (True, False)
                for count, in_valid in batch if in_valid == valid]
    return sorted((count for batch in entries for count, _ in batch),
                  reverse=True)


def one_cta_per_tile(entries, sms, block_us, start_us, end_us,
                     later_start_us):
    """Tiles after the first wave start in `later_start_us` (what L2
    prefetches of their indices and blocks would leave of `start_us`)."""
    free = [0.0] * sms
    for i, count in enumerate(entries):
        start = start_us if i < sms else later_start_us
        heapq.heappush(free, heapq.heappop(free) + start + end_us +
                       count * block_us)
    return max(free)


def persistent(entries, sms, block_us, switch_us, first_us, lead):
    """Each CTA starts tile blockIdx.x; at the start of each tile it claims
    from the counter until `lead` tiles are queued (lead 0: it claims when
    it finishes a tile)."""
    tiles = len(entries)
    counter = min(sms, tiles)
    queues = [[i] for i in range(counter)]
    started = [False] * counter
    events = [(0.0, i) for i in range(counter)]
    heapq.heapify(events)
    end = 0.0
    while events:
        now, cta = heapq.heappop(events)
        queue = queues[cta]
        if not queue:
            if lead or counter == tiles:
                end = max(end, now)
                continue
            queue.append(counter)
            counter += 1
        tile = queue.pop(0)
        while lead and len(queue) < lead and counter < tiles:
            queue.append(counter)
            counter += 1
        cost = entries[tile] * block_us + (switch_us if started[cta]
                                           else first_us)
        started[cta] = True
        heapq.heappush(events, (now + cost, cta))
    return end


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--suites", default="quick,full")
    parser.add_argument("--sms", type=int, default=132)
    parser.add_argument("--block", type=float, default=2.0,
                        help="us per key block in the loop")
    parser.add_argument("--start", type=float, default=2.0,
                        help="one CTA per tile: us from start to first product")
    parser.add_argument("--later-start", type=float,
                        help="one CTA per tile: the same for tiles after the "
                        "first wave (default: --start)")
    parser.add_argument("--end", type=float, default=1.0,
                        help="one CTA per tile: epilogue store read + CTA gap")
    parser.add_argument("--switch", type=float, default=1.3,
                        help="persistent: us from a tile's start to its first "
                        "product after the previous tile")
    parser.add_argument("--first", type=float, default=4.5,
                        help="persistent: us to a CTA's first product")
    parser.add_argument("--leads", default="2,1,0")
    parser.add_argument("--orders", default="kernel,padding-last,longest-first")
    parser.add_argument("--out", help="write the rows as JSON")
    a = parser.parse_args()
    leads = [int(x) for x in a.leads.split(",")]
    if a.later_start is None:
        a.later_start = a.start
    rows = []
    for suite in a.suites.split(","):
        for spec in build_suite(suite):
            entries = tile_entries(materialize_case(spec, device="cpu"))
            for order in a.orders.split(","):
                costs = ordered(entries, order)
                work = sum(costs) * a.block + a.switch * len(costs)
                row = {"case": spec.case_id, "order": order,
                       "tiles": len(costs), "entries": sum(costs),
                       "one_cta_us": one_cta_per_tile(
                           costs, a.sms, a.block, a.start, a.end,
                           a.later_start),
                       "persistent_us": {}, "persistent_idle": {}}
                for lead in leads:
                    span = persistent(costs, a.sms, a.block, a.switch,
                                      a.first, lead)
                    row["persistent_us"][f"lead {lead}"] = span
                    row["persistent_idle"][f"lead {lead}"] = round(
                        1 - work / (a.sms * span), 3)
                rows.append(row)
                print(f"{spec.case_id:20} {order:14} one-CTA "
                      f"{row['one_cta_us']:7.1f}" + "".join(
                          f"  lead {lead} {row['persistent_us'][f'lead {lead}']:7.1f}"
                          f" ({row['persistent_idle'][f'lead {lead}']:.0%})"
                          for lead in leads))
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"what": "simulated makespans (a model, not a "
                               "measurement): " + __doc__.split("\n")[0],
                       "date": datetime.date.today().isoformat(),
                       "command": "PYTHONPATH=.harness python3 "
                                  "bench/simulate_claims.py " +
                                  " ".join(f"--{k} {v}" for k, v in
                                           vars(a).items() if k != "out"),
                       "parameters_us": {"block": a.block, "start": a.start,
                                         "later_start": a.later_start,
                                         "end": a.end, "switch": a.switch,
                                         "first": a.first},
                       "sms": a.sms, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
