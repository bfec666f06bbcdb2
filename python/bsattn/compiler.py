"""Compiling a KernelKey with bsattn-translate, and the on-disk cache.

A cache entry is a folder `<cache>/<digest>/` holding the op text
(kernel.mlir), the cubin, the manifest and `entry.json` with their SHA-256
digests; `<digest>` hashes the op text and the compiler's fingerprint (the
SHA-256 of its binary), so rebuilding the compiler starts a new entry. An
entry is written in a private temporary folder and renamed into place, which
is atomic: a process sees a whole entry or none, and when two compile the
same key at once, one rename wins and the other process uses its entry. An
entry whose files do not match entry.json is moved aside and rebuilt.
"""

import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import threading
import warnings

_PACKAGE_DIR = pathlib.Path(__file__).resolve().parent
_ELF_MAGIC = b"\x7fELF"


class CompilerNotFoundError(RuntimeError):
    """No bsattn-translate could be found."""


class CompileWarning(UserWarning):
    """bsattn-translate compiled the kernel with a warning (ptxas spilled
    registers to a stack frame): it runs, slower."""


class CompileError(RuntimeError):
    """bsattn-translate refused the op or failed; the message holds its
    output and the op text."""


def find_translate():
    """bsattn-translate: $BSATTN_TRANSLATE, else the repository's build
    folder (for a checkout installed with `pip install -e python/`), else
    PATH."""
    explicit = os.environ.get("BSATTN_TRANSLATE")
    if explicit:
        if not os.access(explicit, os.X_OK):
            raise CompilerNotFoundError(
                f"BSATTN_TRANSLATE={explicit} is not an executable file")
        return explicit
    in_build = _PACKAGE_DIR.parent.parent / "build" / "bin" / "bsattn-translate"
    if os.access(in_build, os.X_OK):
        return str(in_build)
    on_path = shutil.which("bsattn-translate")
    if on_path:
        return on_path
    raise CompilerNotFoundError(
        "bsattn-translate not found: set BSATTN_TRANSLATE to its path, build "
        f"it into {in_build.parent} (bash scripts/setup.sh), or put it on PATH")


def cache_dir():
    """$BSATTN_CACHE_DIR, default ~/.cache/bsattn."""
    configured = os.environ.get("BSATTN_CACHE_DIR")
    if configured:
        return pathlib.Path(configured)
    return pathlib.Path.home() / ".cache" / "bsattn"


_fingerprints = {}


def compiler_fingerprint(translate):
    """The SHA-256 of the compiler's binary, computed once per file
    version (path, size, modification time) in this process."""
    stat = os.stat(translate)
    version = (os.path.realpath(translate), stat.st_size, stat.st_mtime_ns)
    if version not in _fingerprints:
        digest = hashlib.sha256()
        with open(translate, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
        _fingerprints[version] = digest.hexdigest()
    return _fingerprints[version]


def entry_digest(op_text, fingerprint):
    return hashlib.sha256(
        f"{fingerprint}\n{op_text}".encode()).hexdigest()[:32]


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _read_entry(folder):
    """(cubin, manifest) of a complete, intact entry; None if there is
    none; raises ValueError if it is damaged."""
    if not folder.is_dir():
        return None
    try:
        index = json.loads((folder / "entry.json").read_text())
        cubin = (folder / "kernel.cubin").read_bytes()
        manifest_text = (folder / "kernel.json").read_bytes()
        if (_sha256(cubin) != index["cubin_sha256"] or
                _sha256(manifest_text) != index["manifest_sha256"]):
            raise ValueError("digest mismatch")
        return cubin, json.loads(manifest_text)
    except (OSError, KeyError, TypeError, ValueError) as error:
        raise ValueError(f"damaged cache entry {folder}: {error}") from error


def _run(translate, flag, source, output):
    result = subprocess.run([translate, flag, str(source), "-o", str(output)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise CompileError(
            f"{translate} {flag} failed (exit {result.returncode}):\n"
            f"{result.stderr.strip()}\nop text:\n{source.read_text()}")
    # A kernel that compiled with a warning (ptxas spilled registers) runs,
    # slower: say so once, when it is compiled into the cache.
    for line in result.stderr.splitlines():
        if "warning:" in line:
            warnings.warn(CompileWarning(line.split("warning:", 1)[1].strip()),
                          stacklevel=2)


def _build_entry(translate, op_text, folder, fingerprint):
    """Compiles into a new temporary folder beside `folder` and renames it
    into place; returns (cubin, manifest)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = pathlib.Path(tempfile.mkdtemp(prefix=".build-", dir=folder.parent))
    try:
        source = work / "kernel.mlir"
        source.write_text(op_text)
        _run(translate, "--emit-cubin", source, work / "kernel.cubin")
        _run(translate, "--emit-manifest", source, work / "kernel.json")
        cubin = (work / "kernel.cubin").read_bytes()
        manifest_text = (work / "kernel.json").read_bytes()
        if not cubin.startswith(_ELF_MAGIC):
            raise CompileError(f"{translate} --emit-cubin wrote no ELF file")
        (work / "entry.json").write_text(json.dumps({
            "compiler": translate, "compiler_sha256": fingerprint,
            "cubin_sha256": _sha256(cubin),
            "manifest_sha256": _sha256(manifest_text)}, indent=1))
        # mkdtemp's folder is private (0700); an entry is readable like
        # any file the user writes.
        os.chmod(work, 0o755)
        try:
            os.rename(work, folder)
        except OSError:
            # Another process installed the entry first; keep theirs.
            pass
        return cubin, json.loads(manifest_text)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _set_aside(folder):
    """Moves a damaged entry out of the way (a rename, so that a process
    reading it meanwhile sees it whole or not at all) and deletes it."""
    trash = pathlib.Path(tempfile.mkdtemp(prefix=".damaged-", dir=folder.parent))
    try:
        os.rename(folder, trash / "entry")
    except OSError:
        pass  # another process moved or replaced it already
    shutil.rmtree(trash, ignore_errors=True)


_loaded = {}
_lock = threading.Lock()


def load_kernel(key):
    """(cubin, manifest) for a KernelKey: from this process's memory, else
    from the disk cache, else compiled (a subprocess) and cached."""
    with _lock:
        if key in _loaded:
            return _loaded[key]
        translate = find_translate()
        fingerprint = compiler_fingerprint(translate)
        op_text = key.op_text()
        folder = cache_dir() / entry_digest(op_text, fingerprint)
        try:
            found = _read_entry(folder)
        except ValueError:
            _set_aside(folder)
            found = None
        if found is None:
            found = _build_entry(translate, op_text, folder, fingerprint)
        _loaded[key] = found
        return found


def clear_memory():
    """Forgets the kernels loaded in this process (the disk cache stays)."""
    with _lock:
        _loaded.clear()
