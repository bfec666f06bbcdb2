"""Correctness and timing of one compiled bsattn kernel on the GPU.

Loads a cubin + manifest through runtime/python/bsattn_cuda.py, draws random
inputs and sparsity patterns by the challenge generator's rules (plus
adversarial ones), compares against an fp32 reference of the contract and
times the kernel with CUDA events. Prints one JSON line per case.

  python3 bench/check_kernel.py --cubin K.cubin --manifest K.json \
      --suite quick|full|adversarial|static [--time]
"""

import argparse
import json
import math
import os
import re
import statistics
import sys
import zlib

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "runtime",
                                "python"))
import bsattn_cuda  # noqa: E402

BLOCK = 128
HEAD_DIM = 128


def challenge_rows(family, qb, valid, window, globals_, retrieval, bias, rng):
    """Key blocks of query block qb, as the challenge's generator lists them:
    a set, causally filtered, sorted."""
    start = max(0, qb - window + 1)
    blocks = set(range(start, qb + 1))
    if family == "sliding_window_global":
        blocks |= set(range(min(globals_, valid)))
    elif family == "sliding_window_retrieval" and qb > 0 and retrieval > 0:
        local_start = max(0, qb - 4 * window)
        local = list(range(local_start, start))
        far = list(range(0, local_start))
        for _ in range(min(retrieval, len(local) + len(far))):
            use_local = local and (not far or rng.random() < bias)
            pool = local if use_local else far
            blocks.add(pool.pop(int(rng.integers(len(pool)))))
    return sorted(j for j in blocks if 0 <= j <= qb and j < valid)


def make_csr(rows_per_head, B, H, QB):
    nnz = max(1, max(sum(len(r) for r in head) for head in rows_per_head))
    row_ptr = np.zeros((B, H, QB + 1), np.int32)
    col_idx = np.zeros((B, H, nnz), np.int32)
    for bh, head in enumerate(rows_per_head):
        b, h = divmod(bh, H)
        flat = [j for row in head for j in row]
        col_idx[b, h, :len(flat)] = flat
        row_ptr[b, h, 1:] = np.cumsum([len(r) for r in head])
    return torch.from_numpy(row_ptr), torch.from_numpy(col_idx)


def challenge_case(family, B, H, T, window, globals_=0, retrieval=0, bias=0.7,
                   ratio=0.625, seed=0):
    rng = np.random.default_rng(seed)
    QB = T // BLOCK
    low = max(BLOCK, int(T * ratio))
    seq_lens = (np.full(B, T) if low >= T else
                np.random.default_rng(seed ^ 0xABCDEF).integers(low, T + 1, B))
    heads = []
    for b in range(B):
        valid = -(-int(seq_lens[b]) // BLOCK)
        for _ in range(H):
            head_rng = np.random.default_rng(int(rng.integers(0, 2**31 - 1)))
            heads.append([challenge_rows(family, qb, valid, window, globals_,
                                         retrieval, bias, head_rng)
                          if qb < valid else [] for qb in range(QB)])
    row_ptr, col_idx = make_csr(heads, B, H, QB)
    return row_ptr, col_idx, torch.tensor(seq_lens, dtype=torch.int32)


def adversarial_case(B, H, T, seq_lens, seed, nnz_one=False):
    """Rows with negative, future, past-the-end and duplicated entries, empty
    rows; the kernel must ignore bad entries and count duplicates."""
    rng = np.random.default_rng(seed)
    QB = T // BLOCK
    heads = []
    for _ in range(B * H):
        rows = []
        for qb in range(QB):
            kind = rng.integers(5)
            if kind == 0:
                rows.append([])
            else:
                count = int(rng.integers(1, 6))
                rows.append([int(x) for x in rng.integers(-3, QB + 3, count)])
                if kind == 1 and rows[-1]:
                    rows[-1].append(rows[-1][0])  # duplicate
        heads.append(rows)
    if nnz_one:
        heads = [[[qb] if (qb == 0 and bh == 0) else [] for qb in range(QB)]
                 for bh in range(B * H)]
    row_ptr, col_idx = make_csr(heads, B, H, QB)
    return row_ptr, col_idx, torch.tensor(seq_lens, dtype=torch.int32)


def static_rows(sparsity, QB):
    """The CSR equivalent of a static pattern attribute."""
    m = re.match(r"#bsattn\.(\w+)(?:<(\d+)(?:, (\d+))?>)?", sparsity)
    kind, w, g = m.group(1), int(m.group(2) or 0), int(m.group(3) or 0)
    rows = []
    for qb in range(QB):
        if kind == "causal":
            rows.append(list(range(qb + 1)))
        else:
            start = max(0, qb - w + 1)
            rows.append(list(range(min(g, start))) + list(range(start, qb + 1))
                        if kind == "window_global" else
                        list(range(start, qb + 1)))
    return rows


def seq_limit(seq_len, T):
    """seq_len clamped to [0, T], as the kernel takes it."""
    return max(0, min(int(seq_len), T))


def used_blocks(rp, ci, b, h, qb, valid):
    """The key blocks query block qb uses, as listed (duplicates count):
    row offsets clamped to [0, NNZ], entries outside 0 <= j <= qb or at or
    past the first invalid block ignored."""
    nnz = ci.shape[2]
    lo = min(max(int(rp[b, h, qb]), 0), nnz)
    hi = min(max(int(rp[b, h, qb + 1]), lo), nnz)
    return [int(j) for j in ci[b, h, lo:hi] if 0 <= j <= qb and j < valid]


def reference(q, k, v, row_ptr, col_idx, seq_lens, scale):
    """fp32 reference of the contract (entries counted as listed)."""
    B, H, T, _ = q.shape
    QB = T // BLOCK
    o = torch.zeros(B, H, T, HEAD_DIM, device=q.device)
    lse = torch.full((B, H, T), -math.inf, device=q.device)
    rp, ci = row_ptr.cpu().numpy(), col_idx.cpu().numpy()
    tok = torch.arange(T, device=q.device)
    for b in range(B):
        L = seq_limit(seq_lens[b], T)
        valid = -(-L // BLOCK)
        for h in range(H):
            counts = np.zeros((QB, QB), np.float32)
            for qb in range(QB):
                for j in used_blocks(rp, ci, b, h, qb, valid):
                    counts[qb, j] += 1
            weight = torch.from_numpy(counts).to(q.device)
            weight = weight.repeat_interleave(BLOCK, 0).repeat_interleave(
                BLOCK, 1)
            visible = ((tok[None, :] <= tok[:, None]) & (tok[None, :] < L) &
                       (tok[:, None] < L))
            weight = weight * visible
            s = (q[b, h].float() @ k[b, h].float().T) * scale
            s = s.masked_fill(weight == 0, -math.inf)
            m = s.max(dim=1).values
            m_safe = torch.where(torch.isinf(m), torch.zeros_like(m), m)
            p = weight * torch.exp(s - m_safe[:, None])
            l = p.sum(dim=1)
            seen = l > 0
            o[b, h] = torch.where(seen[:, None],
                                  (p @ v[b, h].float()) / l.clamp_min(1e-30)[:, None],
                                  0.0)
            lse[b, h] = torch.where(seen, m_safe + torch.log(l.clamp_min(1e-30)),
                                    torch.full_like(l, -math.inf))
    return o, lse


def compare(o, lse, o_ref, lse_ref):
    o_ok = torch.allclose(o.float(), o_ref.float(), atol=1e-3, rtol=1e-2)
    inf_same = torch.equal(torch.isinf(lse), torch.isinf(lse_ref)) and \
        torch.equal(lse[torch.isinf(lse)], lse_ref[torch.isinf(lse_ref)])
    finite = ~torch.isinf(lse_ref)
    lse_ok = inf_same and torch.allclose(lse[finite], lse_ref[finite],
                                         atol=1e-5, rtol=1e-5)
    nan = bool(torch.isnan(o).any() or torch.isnan(lse).any())
    o_diff = (o.float() - o_ref.float()).abs().max().item()
    lse_diff = ((lse[finite] - lse_ref[finite]).abs().max().item()
                if finite.any() else 0.0)
    return {"pass": bool(o_ok and lse_ok and not nan), "o_max_diff": o_diff,
            "lse_max_diff": lse_diff, "lse_inf_match": bool(inf_same),
            "nan": nan}


def used_pairs(row_ptr, col_idx, seq_lens, QB):
    total = 0
    rp, ci = row_ptr.cpu().numpy(), col_idx.cpu().numpy()
    B, H = rp.shape[:2]
    for b in range(B):
        valid = -(-seq_limit(seq_lens[b], QB * BLOCK) // BLOCK)
        for h in range(H):
            for qb in range(min(QB, valid)):
                total += len(used_blocks(rp, ci, b, h, qb, valid))
    return total


def run_case(kernel, name, B, H, T, row_ptr, col_idx, seq_lens, time_it,
             floors):
    dev = "cuda"
    torch.manual_seed(zlib.crc32(name.encode()))
    dtype = {"bf16": torch.bfloat16, "f16": torch.float16}[
        kernel.manifest["arguments"][0]["dtype"]]
    q, k, v = (torch.randn(B, H, T, HEAD_DIM, device=dev).to(dtype)
               for _ in range(3))
    o = torch.full((B, H, T, HEAD_DIM), float("nan"), device=dev,
                   dtype=dtype)
    lse = torch.full((B, H, T), float("nan"), device=dev)
    seq_lens, row_ptr, col_idx = (x.to(dev).contiguous()
                                  for x in (seq_lens, row_ptr, col_idx))
    roles = {"q": q, "k": k, "v": v, "seq_lens": seq_lens,
             "row_ptr": row_ptr, "col_idx": col_idx, "o": o, "lse": lse}
    dtypes = {torch.bfloat16: "bf16", torch.float16: "f16",
              torch.float32: "f32", torch.int32: "i32"}

    def pack(tensors):
        return [(t.data_ptr(), tuple(t.shape), dtypes[t.dtype])
                for t in (tensors[a["role"]]
                          for a in kernel.manifest["arguments"])]

    def launch(packed):
        kernel.launch([a for a, _, _ in packed], [s for _, s, _ in packed],
                      stream)

    args = pack(roles)
    kernel.check_arguments(args)
    stream = torch.cuda.current_stream().cuda_stream
    launch(args)
    torch.cuda.synchronize()
    o_ref, lse_ref = reference(q, k, v, row_ptr, col_idx, seq_lens.cpu(),
                               kernel.manifest["scale"])
    o_ref = o_ref.to(dtype)
    result = {"case": name, "B": B, "H": H, "T": T,
              "nnz": int(col_idx.shape[2])}
    result.update(compare(o, lse, o_ref, lse_ref))
    if time_it:
        # Rotate four input sets so that L2 does not hold them.
        sets = [pack({**roles, **{r: torch.randn_like(q) if r in "qkv"
                                  else roles[r].clone()
                                  for r in ("q", "k", "v", "o", "lse")}})
                for _ in range(4)]
        for s in sets:
            launch(s)
        times = []
        for i in range(60):
            start = torch.cuda.Event(enable_timing=True)
            end = torch.cuda.Event(enable_timing=True)
            # A 200 us GPU spin first, so that the launch is queued before
            # the start event runs and the host's launch path is not timed
            # (bench/blocksparse.py's event_ms).
            torch.cuda._sleep(400_000)
            start.record()
            launch(sets[i % 4])
            end.record()
            end.synchronize()
            times.append(start.elapsed_time(end) * 1e3)
        pairs = used_pairs(row_ptr, col_idx, seq_lens.cpu(), T // BLOCK)
        flops = 4 * BLOCK**3 * pairs
        valid_tokens = sum(min(int(x), T) for x in seq_lens.cpu()) * H
        bytes_ = 3 * valid_tokens * HEAD_DIM * 2 + B * H * T * (HEAD_DIM * 2 + 4)
        median = statistics.median(times)
        floor = max(flops / floors["flops"], bytes_ / floors["bytes"]) * 1e6
        result.update({"device_us": round(median, 2),
                       "tflops": round(flops / (median * 1e-6) / 1e12, 1),
                       "floor_us": round(floor, 2),
                       "ratio_to_floor": round(median / floor, 2)})
    print(json.dumps(result), flush=True)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cubin", required=True)
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--suite", required=True,
                        choices=["smoke", "quick", "full", "adversarial",
                                 "static"])
    parser.add_argument("--time", action="store_true")
    parser.add_argument("--out")
    a = parser.parse_args()
    kernel = bsattn_cuda.Kernel.from_files(a.cubin, a.manifest)
    # Its inputs and references have one K/V head per query head and are
    # causal; python/tests/gpu_smoke.py checks the other kernels.
    if kernel.manifest.get("kv_group", 1) != 1 or \
            not kernel.manifest.get("causal", True):
        sys.exit(f"check_kernel.py checks causal kernels without a kv_group; "
                 f"{a.manifest} is {kernel.manifest['sparsity']} with "
                 f"kv_group = {kernel.manifest.get('kv_group', 1)} "
                 f"(use python/tests/gpu_smoke.py)")
    name = torch.cuda.get_device_name()
    # Measured ceilings (device README/KINDS.md): copy bandwidth, bf16 GEMM.
    floors = ({"flops": 723e12, "bytes": 4.2e12} if "H200" in name else
              {"flops": 798e12, "bytes": 3.0e12})
    cases = []
    fam = ("sliding_window", "sliding_window_global",
           "sliding_window_retrieval")
    if a.suite == "smoke":
        cases = [("smoke-window", 1, 2, 256, challenge_case(fam[0], 1, 2, 256, 2, seed=11)),
                 ("smoke-global", 1, 2, 384, challenge_case(fam[1], 1, 2, 384, 2, 1, seed=22)),
                 ("smoke-retrieval", 1, 2, 512, challenge_case(fam[2], 1, 2, 512, 2, 0, 2, seed=33))]
    elif a.suite == "quick":
        cases = [("quick-window", 1, 16, 4096, challenge_case(fam[0], 1, 16, 4096, 4, seed=1)),
                 ("quick-global", 1, 16, 4096, challenge_case(fam[1], 1, 16, 4096, 4, 1, seed=2)),
                 ("quick-retrieval", 1, 16, 4096, challenge_case(fam[2], 1, 16, 4096, 4, 0, 2, 0.75, seed=3))]
    elif a.suite == "full":
        specs = [(fam[0], 4, 0, 0, 0.7, 0.625), (fam[0], 6, 0, 0, 0.7, 0.75),
                 (fam[0], 8, 0, 0, 0.7, 1.0), (fam[1], 4, 1, 0, 0.7, 0.625),
                 (fam[1], 5, 2, 0, 0.7, 0.75), (fam[1], 7, 4, 0, 0.7, 1.0),
                 (fam[2], 4, 0, 2, 0.8, 0.625), (fam[2], 5, 0, 3, 0.5, 0.75),
                 (fam[2], 7, 0, 4, 0.2, 1.0)]
        cases = [(f"full-{f}-w{w}", 2, 16, 8192,
                  challenge_case(f, 2, 16, 8192, w, g, r, bias, ratio, seed=i))
                 for i, (f, w, g, r, bias, ratio) in enumerate(specs)]
    elif a.suite == "adversarial":
        T = 1024
        for i, lens in enumerate([[1, 127], [129, T], [T, 300], [0, 5000]]):
            cases.append((f"adversarial-{i}-seq{lens}", 2, 4, T,
                          adversarial_case(2, 4, T, lens, seed=100 + i)))
        cases.append(("adversarial-nnz1", 2, 4, T,
                      adversarial_case(2, 4, T, [T, 700], seed=7, nnz_one=True)))
    else:
        spec = kernel.manifest["arguments"][0]["shape"]
        B, H, T = spec[0], spec[1], spec[2]
        rows = static_rows(kernel.manifest["sparsity"], T // BLOCK)
        row_ptr, col_idx = make_csr([rows] * (B * H), B, H, T // BLOCK)
        lens = torch.tensor([T - 200 * b for b in range(B)], dtype=torch.int32)
        cases = [(f"static-{kernel.manifest['sparsity']}", B, H, T,
                  (row_ptr, col_idx, lens))]
    results = [run_case(kernel, n, B, H, T, *c, a.time, floors)
               for n, B, H, T, c in cases]
    if a.out:
        with open(a.out, "a") as f:
            for r in results:
                f.write(json.dumps({**r, "device": name,
                                    "manifest": a.manifest}) + "\n")
    failed = [r["case"] for r in results if not r["pass"]]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed "
          f"on {name}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
