"""Drives runtime/python/bsattn_cuda.Kernel.launch against the fake libcuda
of fake_driver.py.

  python3 fake_driver_launch.py RUNTIME_PYTHON_DIR MANIFEST opaque|word1|derived [CLUSTER]

CLUSTER (for example 2,1,1) replaces the manifest's cluster dimensions.
"""

import json
import os
import sys

sys.path.insert(0, sys.argv[1])
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bsattn_cuda  # noqa: E402
import fake_driver  # noqa: E402

with open(sys.argv[2]) as f:
    manifest = json.load(f)
if len(sys.argv) > 4:
    manifest["cluster"] = [int(d) for d in sys.argv[4].split(",")]
kernel = fake_driver.install(bsattn_cuda, manifest, sys.argv[3])

B, H, T = 1, 16, 4096
roles = {"q": 0x1000, "k": 0x2000, "v": 0x6000, "seq_lens": 0x3000,
         "row_ptr": 0x4000, "col_idx": 0x5000, "o": 0x7000, "lse": 0x8000}
shapes = {"q": (B, H, T, 128), "k": (B, H, T, 128), "v": (B, H, T, 128),
          "seq_lens": (B,), "row_ptr": (B, H, T // 128 + 1),
          "col_idx": (B, H, 86), "o": (B, H, T, 128), "lse": (B, H, T)}


def call(roles, shapes):
    order = [a["role"] for a in manifest["arguments"]]
    kernel.launch([roles[r] for r in order], [shapes[r] for r in order],
                  stream=0x5a5a)


call(roles, shapes)
call({**roles, "q": 0x11000, "k": 0x12000, "v": 0x13000},
     {**shapes, "col_idx": (B, H, 90)})
try:
    call({**roles, "q": 0x11008}, shapes)
except bsattn_cuda.ArgumentError as error:
    print(f"ArgumentError: {error}")
