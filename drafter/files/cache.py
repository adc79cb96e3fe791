"""The user's cache folder, and what a cached file is keyed on.

Caches (the bank index, line maps, compiled templates) only save time: a cache that cannot be read
or written is skipped. What must never happen is serving a cache built by other code, so keys
include the content of the modules that shape it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def cache_dir() -> Path | None:
    """Where caches live; ``DRAFTER_CACHE_DIR`` overrides, ``DRAFTER_NO_CACHE`` disables."""
    if os.environ.get("DRAFTER_NO_CACHE"):
        return None
    own = os.environ.get("DRAFTER_CACHE_DIR")
    if own:
        return Path(own)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "drafter"


@functools.cache
def code_stamp(*modules: str) -> str | None:
    """A hash of the source of ``modules`` (imported names, e.g. ``drafter.bank.store``).

    Read through ``sys.modules`` (or the import system's search, for a module not loaded), so
    it follows the code wherever the package lives, and by
    content, so a checkout and its installed wheel share caches. None when a module's source
    cannot be read (a zip or bytecode-only install): the caller then does without a cache
    rather than risk one that no longer matches the code.
    """
    digest = hashlib.blake2b(digest_size=12)
    for name in modules:
        origin = _origin(name)
        if not origin or not origin.endswith(".py"):
            return None
        try:
            source = Path(origin).read_bytes()
        except OSError:
            return None
        digest.update(f"{name}\0{len(source)}\0".encode() + source)
    return digest.hexdigest()


def _origin(name: str) -> str | None:
    """The source file of a module, found beside its package's when it is not loaded yet: a
    draft from a current cache never imports the modules that only build the cache."""
    module = sys.modules.get(name)
    if module is not None:
        return getattr(getattr(module, "__spec__", None), "origin", None)
    parent, _, leaf = name.rpartition(".")
    for folder in getattr(sys.modules.get(parent), "__path__", ()):
        candidate = os.path.join(folder, f"{leaf}.py")
        if os.path.isfile(candidate):
            return candidate
    return None


def stamp_files(digest: Any, paths: Iterable[Path]) -> None:
    """Add each file's path, size and mtime to ``digest`` (a missing file counts as such), so
    that a cache keyed on it goes stale when any of them changes."""
    for path in paths:
        try:
            st = path.stat()
            digest.update(f"\0{path}\0{st.st_size}\0{st.st_mtime_ns}".encode())
        except OSError:
            digest.update(f"\0{path}\0-".encode())


def store_marshal(path: Path, data: Any) -> None:
    """Best effort: a cache that cannot be written only costs time on the next run."""
    with contextlib.suppress(OSError, ValueError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".bank-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(marshal.dumps(data))
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
