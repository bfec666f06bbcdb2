"""bsattn.attention up to the launch, without a GPU: its argument checks,
the custom op under torch.compile with fake CUDA tensors, what the op hands
the manifest launcher, compilation on first use, and the refused backward."""

import contextlib
import os
import pathlib
import subprocess
import sys

import pytest
import torch
from torch._subclasses.fake_tensor import FakeTensorMode

import bsattn
import bsattn_cuda
from bsattn import attention_op, compiler
from bsattn.kernel_source import KernelKey

REPO = pathlib.Path(__file__).resolve().parents[2]


def qkv(B=2, H=4, T=256, D=128, dtype=torch.bfloat16, device="cpu"):
    return [torch.zeros(B, H, T, D, dtype=dtype, device=device)
            for _ in range(3)]


def csr_for(B=2, H=4, T=256, device="cpu"):
    """Causal as CSR, built without reading tensors (so fake ones do)."""
    rows = -(-T // 128)
    row_ptr = torch.zeros(B, H, rows + 1, dtype=torch.int32, device=device)
    col_idx = torch.zeros(B, H, rows * (rows + 1) // 2, dtype=torch.int32,
                          device=device)
    return bsattn.csr(row_ptr, col_idx)


q, k, v = qkv()


@pytest.mark.parametrize("args, kwargs, error, message", [
    ((q[0], k[0], v[0], bsattn.causal()), {}, ValueError,
     r"q must be \[B, H, T, D\], got shape \[4, 256, 128\]"),
    ((q, k[:, :, :128], v, bsattn.causal()), {}, ValueError,
     r"k must be \[B, H_kv, T, D\] with q's B, T and D \(q: \[2, 4, 256, "
     r"128\]\), got \[2, 4, 128, 128\]"),
    ((q, k[:, :3], v[:, :3], bsattn.causal()), {}, ValueError,
     r"q's H = 4 must be a multiple of k's and v's H_kv = 3 \(grouped-query"),
    ((q, k[:, :2], v, bsattn.causal()), {}, ValueError,
     r"v must have k's shape \[2, 2, 256, 128\], got \[2, 4, 256, 128\]"),
    ((q, k, v.half(), bsattn.causal()), {}, ValueError,
     "v must have q's dtype torch.bfloat16, got torch.float16"),
    ((*[t.float() for t in (q, k, v)], bsattn.causal()), {}, ValueError,
     "q, k and v must be bfloat16 or float16, got torch.float32"),
    ((*qkv(D=80), bsattn.causal()), {}, ValueError,
     r"head dimension D must be one of \[64, 96, 128, 192, 256\], got 80"),
    ((*qkv(T=0), bsattn.causal()), {}, ValueError,
     "sequence length T must be positive, got 0"),
    ((*qkv(T=200), csr_for(T=512)), {}, bsattn.PatternError,
     r"csr: row_ptr must have shape \[2, 4, 3\] \(\[B, H, ceil\(T/128\) \+ 1\]\)"
     r" for q of B=2, H=4, T=200, got \[2, 4, 5\]"),
    ((q, k.to("meta"), v, bsattn.causal()), {}, ValueError,
     "k is on meta, q on cpu"),
    ((q, k, v, "causal"), {}, TypeError,
     r"pattern must be bsattn.causal\(\), .* got str"),
    ((q, k, v, csr_for(T=512)), {}, bsattn.PatternError,
     r"csr: row_ptr must have shape \[2, 4, 3\]"),
    ((q, k, v, csr_for(device="meta")), {}, ValueError,
     "csr row_ptr is on meta, q on cpu"),
    ((q, k, v, bsattn.causal()), {"seq_lens": torch.zeros(2)}, ValueError,
     r"seq_lens must be int32 of shape \[B\] = \[2\], got torch.float32 \[2\]"),
    ((q, k, v, bsattn.causal()), {"seq_lens": [256, 256]}, TypeError,
     "seq_lens must be a torch.Tensor, got list"),
    ((q, k, v, bsattn.causal()), {"scale": -1.0}, ValueError,
     "scale must be positive and finite, got -1.0"),
    ((q, k, v, bsattn.causal()), {"scale": 1e39}, ValueError,
     r"scale must be a normal float32 value \(1.17549e-38 .. 3.40282e\+38\), "
     "got 1e\\+39"),
    ((q, k, v, bsattn.causal()), {"scale": "0.1"}, TypeError,
     "scale must be a float, got str"),
    ((q, k, v, bsattn.causal()), {"pv": "fp8"}, ValueError,
     "pv must be 'auto' or one of"),
    ((*qkv(dtype=torch.float16), bsattn.causal()), {"pv": "bf16"}, ValueError,
     "pv='bf16' needs bf16 inputs"),
    ((q, k, v, bsattn.causal()), {"tuning": {"warps": 2}}, ValueError,
     "unknown tuning parameters"),
    ((q, k, v, bsattn.causal()), {}, ValueError,
     "bsattn.attention runs on CUDA tensors; q is on cpu"),
])
def test_argument_errors(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        bsattn.attention(*args, **kwargs)


class CapturedGraphs:
    """A torch.compile backend that keeps each graph and runs it as is."""

    def __init__(self):
        self.graphs = []

    def __call__(self, graph_module, example_inputs):
        self.graphs.append(graph_module)
        return graph_module.forward

    def op_calls(self):
        return [node for graph in self.graphs for node in graph.graph.nodes
                if node.target in (torch.ops.bsattn.attention,
                                   torch.ops.bsattn.attention.default)]


@pytest.mark.parametrize("pattern_name", ["causal", "window_global", "csr"])
def test_torch_compile_fullgraph_traces_the_op(pattern_name):
    backend = CapturedGraphs()

    def model(q, k, v, pattern, seq_lens):
        o, lse = bsattn.attention(q * 2, k, v, pattern, seq_lens=seq_lens,
                                  scale=0.125, tuning={"stages": 2})
        return o + 1, lse

    compiled = torch.compile(model, fullgraph=True, backend=backend)
    with FakeTensorMode():
        q, k, v = qkv(device="cuda")
        seq_lens = torch.full((2,), 200, dtype=torch.int32, device="cuda")
        pattern = {"causal": bsattn.causal(),
                   "window_global": bsattn.window_global(3, 1),
                   "csr": csr_for(device="cuda")}[pattern_name]
        o, lse = compiled(q, k, v, pattern, seq_lens)
    assert (o.shape, o.dtype, str(o.device)) == \
        ((2, 4, 256, 128), torch.bfloat16, "cuda:0")
    assert (lse.shape, lse.dtype) == ((2, 4, 256), torch.float32)
    [call] = backend.op_calls()
    sparsity, pv, scale, tuning = call.args[6:]
    assert sparsity == pattern.sparsity_attr()
    assert (pv, scale, tuning) == ("f16", 0.125, "#bsattn.tuning<stages = 2>")
    has_indices = pattern_name == "csr"
    assert (call.args[4] is not None, call.args[5] is not None) == \
        (has_indices, has_indices)


class RecordingLauncher:
    """Stands in for bsattn_torch.AttentionLauncher: records what the op
    hands it and returns zeros."""

    def __init__(self):
        self.calls = []
        self.entries = []

    def __call__(self, q, k, v, row_ptr, col_idx, seq_lens):
        self.entries.append("__call__")
        self.calls.append((q, k, v, row_ptr, col_idx, seq_lens))
        return torch.zeros_like(q), q.new_zeros(q.shape[:3],
                                                dtype=torch.float32)

    def call_checked(self, q, k, v, row_ptr, col_idx, seq_lens):
        self.entries.append("call_checked")
        self.calls.append((q, k, v, row_ptr, col_idx, seq_lens))
        return torch.zeros_like(q), q.new_zeros(q.shape[:3],
                                                dtype=torch.float32)


@pytest.fixture
def recording_launcher(monkeypatch):
    launcher = RecordingLauncher()
    signatures = []

    def launcher_for(signature, device):
        signatures.append(signature)
        return launcher

    monkeypatch.setattr(attention_op, "_launcher", launcher_for)
    launcher.signatures = signatures
    return launcher


def test_op_hands_the_launcher_every_tensor(recording_launcher):
    q, k, v = qkv()
    pattern = csr_for()
    seq_lens = torch.tensor([100, 256], dtype=torch.int32)
    torch.ops.bsattn.attention(q, k, v, seq_lens, pattern.row_ptr,
                               pattern.col_idx, "#bsattn.csr", "f16", 0.1, None)
    [(*inputs, row_ptr, col_idx, given_seq_lens)] = recording_launcher.calls
    assert row_ptr is pattern.row_ptr and col_idx is pattern.col_idx
    assert given_seq_lens is seq_lens
    assert recording_launcher.signatures == [
        (torch.bfloat16, 128, "#bsattn.csr", "f16", 0.1, None, 1)]


def test_grouped_query_heads_pick_a_grouped_kernel(recording_launcher):
    q, k, v = qkv(H=8)
    torch.ops.bsattn.attention(q, k[:, :2], v[:, :2], None, None, None,
                               "#bsattn.causal", "f16", None, None)
    assert recording_launcher.signatures == [
        (torch.bfloat16, 128, "#bsattn.causal", "f16", None, None, 4)]


def test_only_checked_calls_take_the_short_key(recording_launcher):
    # The custom op's calls (torch.compile graphs, autograd, dispatch modes)
    # get the launcher's own checks; attention()'s direct path has checked
    # the tensors itself.
    q, k, v = qkv()
    torch.ops.bsattn.attention(q, k, v, None, None, None, "#bsattn.causal",
                               "f16", None, None)
    attention_op._run_kernel(q, k, v, None, None, None, "#bsattn.causal",
                             "f16", None, None, checked=True)
    assert recording_launcher.entries == ["__call__", "call_checked"]


def test_op_refuses_kv_heads_that_do_not_divide_q_heads(recording_launcher):
    q, k, v = qkv(H=8)
    for kv_heads in (0, 3):
        with pytest.raises(ValueError, match=f"q's H = 8 must be a multiple "
                                             f"of k's H_kv = {kv_heads}"):
            torch.ops.bsattn.attention(q, k[:, :kv_heads], v[:, :kv_heads],
                                       None, None, None, "#bsattn.causal",
                                       "f16", None, None)
    assert recording_launcher.calls == []


def test_static_pattern_and_default_seq_lens(recording_launcher):
    q, k, v = qkv(B=3, T=384, dtype=torch.float16)
    torch.ops.bsattn.attention(q, k, v, None, None, None,
                               "#bsattn.sliding_window<2>", "f16", None, None)
    [(_, _, _, row_ptr, col_idx, seq_lens)] = recording_launcher.calls
    assert seq_lens.dtype == torch.int32 and seq_lens.tolist() == [384] * 3
    # The static kernel's manifest asks for no indices; the places are
    # filled, not read.
    assert row_ptr is seq_lens and col_idx is seq_lens


def test_gradient_request_is_refused(recording_launcher):
    q, k, v = qkv()
    q.requires_grad_()
    o, lse = torch.ops.bsattn.attention(q, k, v, None, None, None,
                                        "#bsattn.causal", "f16", None, None)
    with pytest.raises(RuntimeError, match="bsattn.attention has no backward "
                       r"yet.*torch.no_grad\(\)"):
        o.float().sum().backward()


def test_eager_calls_skip_the_dispatcher_only_where_nothing_traces():
    q, k, v = qkv()
    assert not attention_op._needs_dispatcher(q, k, v)
    # Autograd records the op (and refuses its backward).
    q.requires_grad_()
    assert attention_op._needs_dispatcher(q, k, v)
    with torch.no_grad():
        assert not attention_op._needs_dispatcher(q, k, v)
    # Fake tensors, and any dispatch mode (make_fx traces through one).
    with FakeTensorMode():
        assert attention_op._needs_dispatcher(*qkv(device="cuda"))
    from torch.fx.experimental.proxy_tensor import make_fx
    modes = []

    def traced(q):
        modes.append(attention_op._needs_dispatcher(q, q, q))
        return q
    make_fx(traced)(torch.zeros(1))
    assert modes == [True]


class RecordingKernel:
    """Stands in for bsattn_cuda.Kernel (which needs a GPU)."""

    loads = []

    def __init__(self, cubin, manifest, device):
        self.manifest, self.device = manifest, device
        RecordingKernel.loads.append((cubin, manifest["entry"], device))


def test_first_use_compiles_then_reuses(fake_translate, monkeypatch):
    RecordingKernel.loads = []
    monkeypatch.setattr(bsattn_cuda, "Kernel", RecordingKernel)
    monkeypatch.setattr(torch.cuda, "device",
                        lambda index: contextlib.nullcontext())
    monkeypatch.setattr(attention_op, "_per_thread",
                        type(attention_op._per_thread)())
    signature = (torch.float16, 64, "#bsattn.causal", "f16", 0.1, None, 1)
    cuda0, cuda1 = torch.device("cuda", 0), torch.device("cuda", 1)
    first = attention_op._launcher(signature, cuda0)
    assert attention_op._launcher(signature, cuda0) is first
    assert attention_op._launcher(signature, cuda1) is not first
    assert fake_translate.calls() == ["--emit-cubin", "--emit-manifest"]
    [(cubin, entry, device), (_, _, other_device)] = RecordingKernel.loads
    assert (entry, device, other_device) == ("attention_causal_f16_d64", 0, 1)
    # The fake compiler's cubin is the op text it was given.
    assert b"{scale = 0.10000000149011612 : f32}" in cubin


def test_compiled_kernel_launches_through_the_manifest(translate, monkeypatch,
                                                       capsys):
    """A kernel the package compiles, launched by bsattn_cuda on the fake
    driver of test/Runtime: the grid and parameters follow its manifest."""
    monkeypatch.syspath_prepend(str(REPO / "test" / "Runtime" / "Inputs"))
    import fake_driver
    monkeypatch.setenv("BSATTN_TRANSLATE", translate)
    monkeypatch.setattr(bsattn_cuda, "_CU", dict(bsattn_cuda._CU))
    key = KernelKey("bf16", 128, "#bsattn.sliding_window<2>", "f16")
    _, manifest = compiler.load_kernel(key)
    kernel = fake_driver.install(bsattn_cuda, manifest, "word1")
    B, H, T = 2, 4, 1024
    shapes = {"q": (B, H, T, 128), "k": (B, H, T, 128), "v": (B, H, T, 128),
              "seq_lens": (B,), "o": (B, H, T, 128), "lse": (B, H, T)}
    addresses = {role: 0x10000 * (i + 1) for i, role in enumerate(shapes)}
    roles = [argument["role"] for argument in manifest["arguments"]]
    kernel.check_arguments([(addresses[r], shapes[r], manifest["arguments"][i]
                             ["dtype"]) for i, r in enumerate(roles)])
    kernel.launch([addresses[r] for r in roles], [shapes[r] for r in roles])
    launch = capsys.readouterr().out.splitlines()[-1]
    assert launch.startswith(f"launch grid=({T // 128}, {H}, {B})")
    assert "map0@0x10000, map1@0x20000, map2@0x30000" in launch
    # A partial last query block gets its own CTA.
    T = 1000
    shapes = {role: (*shape[:2], T, *shape[3:]) if len(shape) > 2 else shape
              for role, shape in shapes.items()}
    kernel.launch([addresses[r] for r in roles], [shapes[r] for r in roles])
    launch = capsys.readouterr().out.splitlines()[-1]
    assert launch.startswith(f"launch grid=(8, {H}, {B})")


def test_precompile_fills_the_cache_for_attention(fake_translate, monkeypatch):
    manifest = bsattn.precompile(bsattn.window_global(4, 1),
                                 dtype=torch.float16, head_dim=64, scale=0.1)
    assert manifest["entry"] == "attention_window_global_f16_d64"
    # attention() with the same arguments finds that kernel.
    monkeypatch.setattr(attention_op, "_per_thread",
                        type(attention_op._per_thread)())
    monkeypatch.setattr(bsattn_cuda, "Kernel", RecordingKernel)
    monkeypatch.setattr(torch.cuda, "device",
                        lambda index: contextlib.nullcontext())
    compiler.clear_memory()
    attention_op._launcher((torch.float16, 64, "#bsattn.window_global<4, 1>",
                            "f16", 0.1, None, 1), torch.device("cuda", 0))
    assert fake_translate.calls() == ["--emit-cubin", "--emit-manifest"]


@pytest.mark.parametrize("kwargs, error, message", [
    ({"dtype": torch.float32}, ValueError,
     "dtype must be torch.bfloat16 or torch.float16, got torch.float32"),
    ({"head_dim": 80}, ValueError,
     r"head_dim must be one of \[64, 96, 128, 192, 256\], got 80"),
    ({"pattern": None}, TypeError, "pattern must be bsattn.causal"),
    ({"scale": 0.0}, ValueError, "scale must be positive and finite, got 0.0"),
])
def test_precompile_errors(kwargs, error, message):
    arguments = {"pattern": bsattn.causal(), **kwargs}
    with pytest.raises(error, match=message):
        bsattn.precompile(arguments.pop("pattern"), **arguments)


def test_gpu_smoke_script_compiles_its_kernels(translate, isolated_cache):
    """The GPU smoke test's --precompile mode, which needs no GPU: every
    kernel it will run compiles (so on the GPU machine only the launch and
    the numbers are new)."""
    result = subprocess.run(
        [sys.executable, str(pathlib.Path(__file__).with_name("gpu_smoke.py")),
         "--precompile"], capture_output=True, text=True,
        env={**os.environ, "BSATTN_TRANSLATE": translate})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "causal: attention_causal_bf16_d128",
        "causal f16: attention_causal_f16_d128",
        "sliding_window(3): attention_sliding_window_bf16_d128",
        "window_global(3, 1): attention_window_global_bf16_d128",
        "csr (block_mask): attention_csr_bf16_d128",
        "csr split_bf16, scale 0.05: attention_csr_bf16_d128",
        "causal, grouped-query (H_kv = H / 2): attention_causal_bf16_d128_g2",
        "csr f16, multi-query (H_kv = 1): attention_csr_f16_d128_g4",
        "full (bidirectional): attention_full_bf16_d128",
        "sliding_window(2) both ways: "
        "attention_sliding_window_bidirectional_bf16_d128",
        "csr bidirectional f16, grouped-query: "
        "attention_csr_bidirectional_f16_d128_g2",
        "csr lists per K/V head, grouped-query: "
        "attention_csr_kv_lists_bf16_d128_g2"] + [
        line for d in (64, 96, 192, 256) for line in (
            f"D={d} causal: attention_causal_bf16_d{d}",
            f"D={d} csr f16, grouped-query: attention_csr_f16_d{d}_g2",
            f"D={d} full (bidirectional): attention_full_bf16_d{d}")] + [
        line for seq in (1, 127, 129, 1000) for line in (
            f"T={seq} causal: attention_causal_bf16_d128",
            f"T={seq} full f16: attention_full_f16_d128",
            f"T={seq} causal f16: attention_causal_f16_d128",
            f"T={seq} csr, grouped-query: attention_csr_bf16_d128_g2",
            f"T={seq} csr, descending keys: attention_csr_bf16_d128",
            f"T={seq} causal, persistent, descending keys: "
            "attention_causal_bf16_d128",
            f"T={seq} csr, persistent, one Q buffer: "
            "attention_csr_bf16_d128",
            f"T={seq} csr, persistent, carried schedule: "
            "attention_csr_bf16_d128",
            f"T={seq} csr, P.V waited among the exponentials: "
            "attention_csr_bf16_d128",
            f"T={seq} csr, persistent, next Q during the epilogue: "
            "attention_csr_bf16_d128",
            f"T={seq} csr, dynamic tiles, next Q during the epilogue: "
            "attention_csr_bf16_d128",
            f"T={seq} csr, padding tiles last: attention_csr_bf16_d128",
            f"T={seq} csr, persistent, padding tiles last: "
            "attention_csr_bf16_d128",
            f"T={seq} csr, announced blocks: attention_csr_bf16_d128",
            f"T={seq} csr, persistent, announced blocks: "
            "attention_csr_bf16_d128",
            f"T={seq} csr, announced blocks, one warpgroup role: "
            "attention_csr_bf16_d128",
            f"T={seq} csr, prefetched indices and blocks: "
            "attention_csr_bf16_d128",
            f"T={seq} csr, scalar loads before the set-up: "
            "attention_csr_bf16_d128",
            f"T={seq} D=64 causal f16, scalar loads before the set-up: "
            "attention_causal_f16_d64",
            f"T={seq} csr, exponentials partly on the FMA units: "
            "attention_csr_bf16_d128",
            f"T={seq} csr, lazy rescale: attention_csr_bf16_d128",
            f"T={seq} csr, lazy rescale, scale 1: attention_csr_bf16_d128",
            f"T={seq} D=64 causal f16, 192-row tiles, lazy rescale, scale 1: "
            "attention_causal_f16_d64",
            f"T={seq} D=256 causal f16, lazy rescale before P.V, scale 1: "
            "attention_causal_f16_d256",
            f"T={seq} csr, lazy rescale, warp vote: attention_csr_bf16_d128",
            f"T={seq} csr, lazy rescale, warp vote, scale 1: "
            "attention_csr_bf16_d128",
            f"T={seq} D=64 causal f16, 192-row tiles, lazy rescale, warp vote,"
            " scale 1: attention_causal_f16_d64",
            f"T={seq} D=256 causal f16, lazy rescale before P.V, warp vote,"
            " scale 1: attention_causal_f16_d256",
            f"T={seq} D=256 causal: attention_causal_bf16_d256",
            f"T={seq} D=192 full f16: attention_full_f16_d192",
            f"T={seq} D=256 full f16: attention_full_f16_d256",
            f"T={seq} D=256 causal f16: attention_causal_f16_d256",
            f"T={seq} D=192 causal: attention_causal_bf16_d192",
            f"T={seq} D=192 causal f16: attention_causal_f16_d192",
            f"T={seq} D=96 causal: attention_causal_bf16_d96",
            f"T={seq} D=64 causal, 192-row tiles: attention_causal_bf16_d64",
            f"T={seq} D=64 full f16, 192-row tiles: "
            "attention_full_f16_d64",
            f"T={seq} D=64 causal f16, exponentials partly on the FMA "
            "units: attention_causal_f16_d64")]
    # The tails add thirty kernels (full f16 of D = 128, 192 and 256,
    # causal f16 of D = 256, grouped csr with f16 P.V, D = 64 causal and
    # full f16 with 192-row tiles, persistent csr with one Q buffer, without
    # and with the carried schedule, and with the next Q loaded during the
    # epilogue, of static and dynamic tiles, csr waiting for P.V among the
    # exponentials, csr with padding tiles last, one CTA per tile and
    # persistent, csr with prefetched indices and blocks, csr and D = 64
    # causal f16 with exponentials on the FMA units, csr with the lazy
    # rescale at two scales, D = 64 and 256 causal f16 with it, the same
    # four with the warp vote, csr and D = 64 causal f16 with the scalar
    # loads before the set-up, csr with announced blocks with the challenge
    # kernel's techniques, persistent and alone), the head dims three each.
    assert len(list(isolated_cache.iterdir())) == 57
