"""The kernel cache: a miss compiles, a hit does not, a new compiler or a
damaged entry compiles again, two processes at once leave one whole entry,
and compiler failures are reported, not cached."""

import json
import os
import pathlib
import subprocess
import sys
import warnings

import pytest

from bsattn import compiler
from bsattn.kernel_source import KernelKey

KEY = KernelKey("bf16", 128, "#bsattn.sliding_window<8>", "f16")
OTHER_KEY = KernelKey("bf16", 128, "#bsattn.sliding_window<4>", "f16")
COMPILE = ["--emit-cubin", "--emit-manifest"]


def entries(cache):
    return sorted(p.name for p in cache.iterdir()) if cache.exists() else []


def test_miss_compiles_and_hit_reads_the_disk(fake_translate, isolated_cache):
    cubin, manifest = compiler.load_kernel(KEY)
    assert fake_translate.calls() == COMPILE
    assert cubin == b"\x7fELF" + KEY.op_text().encode()
    assert manifest["entry"] == KEY.entry
    [entry] = entries(isolated_cache)
    assert sorted(os.listdir(isolated_cache / entry)) == [
        "entry.json", "kernel.cubin", "kernel.json", "kernel.mlir"]
    # The same process: from memory. Another process (memory cleared):
    # from the disk. Neither compiles.
    assert compiler.load_kernel(KEY) == (cubin, manifest)
    compiler.clear_memory()
    assert compiler.load_kernel(KEY) == (cubin, manifest)
    assert fake_translate.calls() == COMPILE
    # Another key is another entry.
    compiler.load_kernel(OTHER_KEY)
    assert fake_translate.calls() == COMPILE * 2
    assert len(entries(isolated_cache)) == 2


def test_new_compiler_version_compiles_again(fake_translate, isolated_cache):
    compiler.load_kernel(KEY)
    fake_translate.rebuild()
    compiler.clear_memory()
    compiler.load_kernel(KEY)
    assert fake_translate.calls() == COMPILE * 2
    assert len(entries(isolated_cache)) == 2


@pytest.mark.parametrize("damage", [
    lambda entry: (entry / "kernel.cubin").write_bytes(b"\x7fELF truncated"),
    lambda entry: (entry / "kernel.json").write_text("{"),
    lambda entry: (entry / "entry.json").unlink(),
    lambda entry: (entry / "entry.json").write_text("[]"),
], ids=["cubin", "manifest", "no-index", "bad-index"])
def test_damaged_entry_is_rebuilt(fake_translate, isolated_cache, damage):
    expected = compiler.load_kernel(KEY)
    [entry] = entries(isolated_cache)
    damage(isolated_cache / entry)
    compiler.clear_memory()
    assert compiler.load_kernel(KEY) == expected
    assert fake_translate.calls() == COMPILE * 2
    assert entries(isolated_cache) == [entry]
    index = json.loads((isolated_cache / entry / "entry.json").read_text())
    assert index["compiler"] == str(fake_translate.path)


LOAD_IN_ANOTHER_PROCESS = """
import sys
sys.path.insert(0, sys.argv[1])
from bsattn import compiler
from bsattn.kernel_source import KernelKey
cubin, manifest = compiler.load_kernel(
    KernelKey("bf16", 128, "#bsattn.sliding_window<8>", "f16"))
print(len(cubin), manifest["entry"])
"""


def test_two_processes_compiling_at_once(fake_translate, isolated_cache,
                                         monkeypatch):
    # Each compile takes long enough that both processes miss and compile.
    monkeypatch.setenv("FAKE_TRANSLATE_SLEEP", "0.5")
    python_dir = str(pathlib.Path(compiler.__file__).parents[1])
    processes = [subprocess.Popen(
        [sys.executable, "-c", LOAD_IN_ANOTHER_PROCESS, python_dir],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)]
    results = [process.communicate(timeout=60) for process in processes]
    for process, (out, err) in zip(processes, results):
        assert process.returncode == 0, err
    assert results[0][0] == results[1][0]
    # Both compiled (the race happened): one rename won, the other process
    # used that entry.
    assert sorted(fake_translate.calls()) == sorted(COMPILE * 2)
    # One whole entry, no temporary folder left behind, and it reads back.
    [entry] = entries(isolated_cache)
    monkeypatch.delenv("FAKE_TRANSLATE_SLEEP")
    assert compiler.load_kernel(KEY)[1]["entry"] == KEY.entry
    assert len(fake_translate.calls()) == 4


def test_compile_error_names_the_compiler_output(fake_translate,
                                                 isolated_cache, monkeypatch):
    monkeypatch.setenv("FAKE_TRANSLATE_MODE", "FAIL")
    with pytest.raises(compiler.CompileError) as error:
        compiler.load_kernel(KEY)
    message = str(error.value)
    assert "--emit-cubin failed (exit 1)" in message
    assert "'bsattn.attention' op scale must be positive" in message
    assert KEY.op_text() in message
    assert entries(isolated_cache) == []


def test_compile_warning_is_passed_on_once(fake_translate, isolated_cache,
                                           monkeypatch):
    monkeypatch.setenv("FAKE_TRANSLATE_MODE", "WARN")
    with pytest.warns(compiler.CompileWarning,
                      match="ptxas spilled registers of kernel 'k'"):
        cubin, _ = compiler.load_kernel(KEY)
    assert cubin.startswith(b"\x7fELF")
    # The kernel is cached: loading it again compiles nothing, warns nothing.
    compiler.clear_memory()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compiler.load_kernel(KEY)
    assert fake_translate.calls() == COMPILE


def test_compiler_lookup(monkeypatch, tmp_path):
    monkeypatch.setenv("BSATTN_TRANSLATE", str(tmp_path / "missing"))
    with pytest.raises(compiler.CompilerNotFoundError,
                       match="BSATTN_TRANSLATE=.*missing is not an executable"):
        compiler.find_translate()
    # Without the variable: the checkout's build folder.
    monkeypatch.delenv("BSATTN_TRANSLATE")
    found = pathlib.Path(compiler.find_translate())
    assert found.parts[-3:] == ("build", "bin", "bsattn-translate")


def test_cache_folder_defaults_to_the_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("BSATTN_CACHE_DIR")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert compiler.cache_dir() == tmp_path / ".cache" / "bsattn"
