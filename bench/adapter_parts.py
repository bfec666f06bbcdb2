"""Host time of each piece of an emitted submission's adapter hot path
(torch allocations, tensor attribute reads, Kernel.launch, the driver
calls), outside the harness, and which word of an encoded tensor map the
driver changes when the map is retargeted.

  python3 bench/adapter_parts.py SUBMISSION_DIR

Prints one JSON line per piece: the median microseconds over 2000 calls.
"""
import ctypes
import json
import statistics
import sys
import time

import torch

sys.path.insert(0, sys.argv[1])
import bsattn_cuda  # noqa: E402
import submission  # noqa: E402

B, H, T, D = 1, 16, 4096, 128
dev = torch.device("cuda")
q, k, v = (torch.randn(B, H, T, D, device=dev).to(torch.bfloat16) for _ in range(3))
row_ptr = torch.zeros(B, H, T // 128 + 1, dtype=torch.int32, device=dev)
col_idx = torch.zeros(B, H, 100, dtype=torch.int32, device=dev)
seq_lens = torch.full((B,), T, dtype=torch.int32, device=dev)
submission.setup()
submission.block_sparse_attn_fwd(q, k, v, row_ptr, col_idx, seq_lens)
torch.cuda.synchronize()
L = submission._by_shape[q.shape]
kern = L._kernel


def t(name, fn, n=2000):
    xs = []
    for i in range(n):
        start = time.perf_counter()
        fn()
        xs.append(time.perf_counter() - start)
        if i % 64 == 0:
            torch.cuda.synchronize()
    torch.cuda.synchronize()
    print(json.dumps({name: round(statistics.median(xs) * 1e6, 3)}))
t("empty_like", lambda: torch.empty_like(q))
t("empty_lse", lambda: torch.empty((B, H, T), dtype=torch.float32, device=q.device))
t("new_empty_lse", lambda: q.new_empty((B, H, T), dtype=torch.float32))
t("empty_lse_devobj", lambda: torch.empty((B, H, T), dtype=torch.float32, device=dev))
t("shape", lambda: q.shape)
t("variant_lookup", lambda: submission._by_shape.get(q.shape))
t("stride", lambda: q.stride())
t("is_contiguous", lambda: q.is_contiguous())
t("data_ptr", lambda: q.data_ptr())
t("device_index", lambda: q.device.index)
t("raw_stream", lambda: torch._C._cuda_getCurrentRawStream(0))
o = torch.empty_like(q); lse = torch.empty((B, H, T), dtype=torch.float32, device=dev)
given = (q, k, v, row_ptr, col_idx, seq_lens, o, lse)
tensors = list(L._pick(given))
shapes = [x.shape for x in tensors]
addrs = [x.data_ptr() for x in tensors]
t("kernel.launch", lambda: kern.launch(addrs, shapes, 0))
tm = kern._maps[0]
t("replace_address", lambda: bsattn_cuda._CU["cuTensorMapReplaceAddress"](tm.address, q.data_ptr()))
f = bsattn_cuda._CU["cuLaunchKernel"]
if hasattr(kern, "_launch_config"):
    t("cuLaunchKernel_ctypes_args", lambda: f(*kern._launch_config, 0, kern._params, None))
args = (kern._function, 32, 16, 1, *kern._block, kern._shared, 0, kern._params, None)
t("cuLaunchKernel_int_args", lambda: f(*args))
t("full_call", lambda: submission.block_sparse_attn_fwd(q, k, v, row_ptr, col_idx, seq_lens))
# Where the driver keeps the global address in an encoded map.
raw = (ctypes.c_uint64 * 16).from_address(tm.address)
before = list(raw)
bsattn_cuda._CU["cuTensorMapReplaceAddress"](tm.address, q.data_ptr() + 4096)
after = list(raw)
print(json.dumps({"map_words_changed": [(i, hex(a), hex(b)) for i, (a, b) in enumerate(zip(before, after)) if a != b], "addr": hex(q.data_ptr())}))
