"""An advisory lock on a folder, so two drafter runs never write the same files at once."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from .errors import UsageError


@contextlib.contextmanager
def folder_lock(folder: Path, name: str, busy: str) -> Iterator[None]:
    """Hold ``folder/name`` locked; ``UsageError(busy)`` at once if another process holds it.

    The lock dies with its process, so a killed run never leaves a stale lock behind.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; runs there are not guarded
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / name, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(busy, path=folder) from None
        yield
    finally:
        os.close(fd)
