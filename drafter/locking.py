"""An advisory lock on a folder, so two drafter runs never write the same files at once."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import UsageError

_POLL = 0.02  # seconds between tries while waiting for another process's lock


@contextlib.contextmanager
def folder_lock(folder: Path, name: str, busy: str, wait: float = 0.0) -> Iterator[None]:
    """Hold ``folder/name`` locked; ``UsageError(busy)`` if another process holds it for longer
    than ``wait`` seconds (0: fail at once, as a batch does; bank edits queue up instead).

    The lock dies with its process, so a killed run never leaves a stale lock behind.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; runs there are not guarded
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(folder / name, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise UsageError(f"无法创建锁文件（{exc.strerror}）", path=folder / name) from exc
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise UsageError(busy, path=folder) from None
                time.sleep(_POLL)
        yield
    finally:
        os.close(fd)
