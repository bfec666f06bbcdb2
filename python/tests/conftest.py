"""Shared fixtures. The tests import the package from this checkout (no
install needed) and run the real bsattn-translate and bsattn-opt from the
build folder where a test needs the compiler itself; the cache tests use a
fake compiler that logs each call."""

import os
import pathlib
import sys
import textwrap

import pytest

PYTHON_DIR = pathlib.Path(__file__).resolve().parents[1]
REPO = PYTHON_DIR.parent
sys.path.insert(0, str(PYTHON_DIR))

import bsattn.compiler  # noqa: E402


def _tool(name):
    path = REPO / "build" / "bin" / name
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is missing: build it first (bash scripts/setup.sh)")
    return str(path)


@pytest.fixture
def translate():
    return _tool("bsattn-translate")


@pytest.fixture
def opt():
    return _tool("bsattn-opt")


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path, monkeypatch):
    """Every test gets its own cache folder and an empty in-memory table."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("BSATTN_CACHE_DIR", str(cache))
    monkeypatch.delenv("BSATTN_TRANSLATE", raising=False)
    bsattn.compiler.clear_memory()
    yield cache
    bsattn.compiler.clear_memory()


FAKE_TRANSLATE = textwrap.dedent("""\
    #!{python}
    # A fake bsattn-translate: logs each call, fails when $FAKE_TRANSLATE_MODE is
    # FAIL, warns (as ptxas spills do) when it is WARN, sleeps where
    # $FAKE_TRANSLATE_SLEEP says, and writes a tiny ELF file as the cubin
    # and a manifest that names the op's entry.
    import json, os, re, sys, time
    flag, source, _, output = sys.argv[1:5]
    text = open(source).read()
    with open(os.environ["FAKE_TRANSLATE_LOG"], "a") as log:
        log.write(flag + "\\n")
    if os.environ.get("FAKE_TRANSLATE_MODE") == "FAIL":
        sys.exit("error: 'bsattn.attention' op scale must be positive")
    if os.environ.get("FAKE_TRANSLATE_MODE") == "WARN" and flag == "--emit-cubin":
        print("kernel.mlir:4:3: warning: ptxas spilled registers of kernel "
              "'k' to a 56-byte stack frame", file=sys.stderr)
    time.sleep(float(os.environ.get("FAKE_TRANSLATE_SLEEP", "0")))
    entry = re.search(r"func.func @(\\w+)", text).group(1)
    roles = re.findall(r"%(\\w+): memref", text)
    if flag == "--emit-cubin":
        data = b"\\x7fELF" + text.encode()
    else:
        data = json.dumps({{"format": "bsattn-kernel-manifest",
                           "entry": entry,
                           "arguments": [{{"role": r}} for r in roles]}}).encode()
    with open(output, "wb") as f:
        f.write(data)
    """)


class FakeTranslate:
    def __init__(self, path, log):
        self.path = path
        self.log = log

    def calls(self):
        return self.log.read_text().split() if self.log.exists() else []

    def rebuild(self):
        """Changes the binary, as a new compiler version would."""
        with open(self.path, "a") as f:
            f.write("# rebuilt\n")


@pytest.fixture
def fake_translate(tmp_path, monkeypatch):
    path = tmp_path / "fake-translate"
    path.write_text(FAKE_TRANSLATE.format(python=sys.executable))
    path.chmod(0o755)
    log = tmp_path / "translate.log"
    monkeypatch.setenv("BSATTN_TRANSLATE", str(path))
    monkeypatch.setenv("FAKE_TRANSLATE_LOG", str(log))
    return FakeTranslate(path, log)
