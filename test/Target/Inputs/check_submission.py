"""Checks an emitted challenge submission against the harness's rules
without a GPU (and without PyTorch): file types, count and size, the import
allowlist, the ctypes library allowlist, VARIANT_MANIFEST's shape, and that
submission.py imports, loading no CUDA library, up to its first CUDA use;
every variant's manifest and cubin; and for each shape BxHxT given, the
variant a call of that shape runs, which must be the one the harness's
matching rules pick.

  python3 check_submission.py DIR [BxHxT ...]
"""

import ast
import base64
import importlib
import json
import os
import sys
import types

ALLOWED_SUFFIXES = {".py", ".json", ".toml", ".txt", ".md"}
ALLOWED_PACKAGES = {"torch", "triton", "numpy"}
ALLOWED_LIBRARIES = ("libcuda.so", "libcudart.so", "libnvrtc.so",
                     "libnvJitLink.so", "libnvidia-ml.so")
VARIANT_KEYS = {"name", "families"} | {
    f"{prefix}{key}" for prefix in ("", "min_", "max_")
    for key in ("t_max", "batch_heads", "batch_size", "num_heads",
                "window_blocks", "global_blocks", "retrieval_blocks",
                "retrieval_local_bias")}


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def check_files(root):
    files = [os.path.join(d, f) for d, _, names in os.walk(root)
             for f in names]
    if len(files) > 128:
        fail(f"{len(files)} files, at most 128 allowed")
    total = sum(os.path.getsize(f) for f in files)
    if total > 20 * 1024 * 1024:
        fail(f"{total} bytes, at most 20 MiB allowed")
    for f in files:
        if os.path.splitext(f)[1] not in ALLOWED_SUFFIXES:
            fail(f"{f}: file type not allowed")
    print(f"files: {len(files)}, {total} bytes")
    return [f for f in files if f.endswith(".py")]


def check_imports(root, sources):
    local = {os.path.splitext(os.path.basename(f))[0] for f in sources}
    for source in sources:
        tree = ast.parse(open(source).read(), source)
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if not (top in sys.stdlib_module_names or
                        top in ALLOWED_PACKAGES or top in local):
                    fail(f"{source}: import of '{name}' not allowed")
            if isinstance(node, ast.Call):
                func = ast.unparse(node.func)
                if func.endswith(("CDLL", "LoadLibrary", "PyDLL")):
                    arg = node.args[0] if node.args else None
                    if not (isinstance(arg, ast.Constant) and
                            str(arg.value).startswith(ALLOWED_LIBRARIES)):
                        fail(f"{source}: {func}({ast.unparse(arg)}) loads a "
                             "library outside the allowlist")
    print("imports and ctypes libraries: allowed")


def fake_torch():
    """Just enough of torch for the submission's import-time code."""
    torch = types.ModuleType("torch")
    for name in ("bfloat16", "float16", "float32", "int32"):
        setattr(torch, name, object())
    torch._C = types.SimpleNamespace()
    torch.cuda = types.SimpleNamespace()
    return torch


def check_module(root):
    sys.modules["torch"] = fake_torch()
    sys.path.insert(0, root)
    submission = importlib.import_module("submission")
    cuda = importlib.import_module("bsattn_cuda")
    if cuda._CU:
        fail("importing the submission opened libcuda")
    for name in ("block_sparse_attn_fwd", "setup"):
        if not callable(getattr(submission, name, None)):
            fail(f"submission.{name} is not callable")
    variants = submission.VARIANT_MANIFEST
    if not isinstance(variants, (list, tuple)) or not 1 <= len(variants) <= 16:
        fail("VARIANT_MANIFEST must list 1 to 16 variants")
    names = [v if isinstance(v, str) else v.get("name") for v in variants]
    if not all(names) or len(set(names)) != len(names):
        fail("variant names must be non-empty and unique")
    for v in variants:
        if isinstance(v, dict) and set(v) - VARIANT_KEYS:
            fail(f"unknown variant keys {set(v) - VARIANT_KEYS}")
    print(f"VARIANT_MANIFEST: {variants}")
    for name in names:
        base = os.path.join(root, f"bsattn_kernel_{name}")
        try:
            manifest = json.load(open(base + ".json"))
            cubin = base64.b64decode(open(base + "_cubin.txt").read())
        except (OSError, ValueError) as error:
            fail(f"variant '{name}': {error}")
        if manifest.get("format") != "bsattn-kernel-manifest":
            fail(f"variant '{name}': its manifest has no format")
        if not cubin.startswith(b"\x7fELF"):
            fail(f"variant '{name}': its cubin is not an ELF file")
        print(f"variant {name}: {manifest['entry']}, persistent "
              f"{manifest['persistent']}")
    return submission


def harness_matches(variant, batch_size, num_heads, t_max):
    """The harness's VariantSpec.matches on the shape axes (exact value or
    min_/max_ bounds, 0 to 2^30 by default)."""
    values = {"t_max": t_max, "batch_heads": batch_size * num_heads,
              "batch_size": batch_size, "num_heads": num_heads}
    for axis, value in values.items():
        low = variant.get(axis, variant.get(f"min_{axis}", 0))
        high = variant.get(axis, variant.get(f"max_{axis}", 1 << 30))
        if not low <= value <= high:
            return False
    return True


def check_dispatch(submission, shapes):
    torch_side = importlib.import_module("bsattn_torch")
    for shape in shapes:
        batch_size, num_heads, t_max = map(int, shape.split("x"))
        chosen = torch_side.select_variant(submission.VARIANT_MANIFEST,
                                           batch_size, num_heads, t_max)
        harness = [v["name"] for v in submission.VARIANT_MANIFEST
                   if harness_matches(v, batch_size, num_heads, t_max)]
        if harness != [chosen]:
            fail(f"{shape}: the submission runs '{chosen}', the harness "
                 f"matches {harness}")
        print(f"{shape}: {chosen}")


def main():
    root = os.path.abspath(sys.argv[1])
    sources = check_files(root)
    check_imports(root, sources)
    submission = check_module(root)
    check_dispatch(submission, sys.argv[2:])
    print("submission OK")


if __name__ == "__main__":
    main()
