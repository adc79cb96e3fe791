"""An advisory lock on a folder, so two drafter runs never write the same files at once.

Waiters queue up first come, first served. A bare ``flock`` has no order: the process that
happens to try just after a release wins, and under eight concurrent writers one in forty gave
up after waiting 30 s while others got through many times. So each waiter first takes a
ticket, a file ``<lock>.q.<time>-<pid>`` that it holds locked, and tries the lock only when no
earlier ticket's holder is alive; a ticket whose process died is unlocked, and removed.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from drafter.errors import UsageError

_POLL = 0.02  # seconds between looks while waiting for another process's lock


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
    ticket: _Ticket | None = None
    try:
        if wait <= 0:
            if not _try(fcntl, fd, fcntl.LOCK_EX):
                raise UsageError(busy, path=folder)
        else:
            deadline = time.monotonic() + wait
            with contextlib.suppress(OSError):  # no ticket: race for the lock as before
                ticket = _Ticket(fcntl, folder, name)
            while not ((ticket is None or ticket.first()) and _try(fcntl, fd, fcntl.LOCK_EX)):
                if time.monotonic() >= deadline:
                    raise UsageError(busy, path=folder)
                time.sleep(_POLL)
        yield
    finally:
        os.close(fd)  # releases the lock before the ticket goes: the next in line may take it
        if ticket is not None:
            ticket.drop()


def _try(fcntl: Any, fd: int, mode: int) -> bool:
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class _Ticket:
    """A place in the queue for ``folder/name``: a file this process holds locked."""

    def __init__(self, fcntl: Any, folder: Path, name: str) -> None:
        self.fcntl = fcntl
        self.folder = folder
        self.prefix = f"{name}.q."
        self.name = f"{self.prefix}{time.time_ns():020d}-{os.getpid():010d}"
        # Locked before it is visible under its name, so no one takes it for a dead one.
        hidden = folder / f"{self.name}.new"
        self.fd = os.open(hidden, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            os.replace(hidden, folder / self.name)
        except OSError:
            os.close(self.fd)
            with contextlib.suppress(OSError):
                os.unlink(hidden)
            raise

    def first(self) -> bool:
        """Whether no live ticket is ahead of this one (dead ones found are removed)."""
        try:
            names = os.listdir(self.folder)
        except OSError:
            return True  # cannot see the queue: fall back to racing for the lock
        ahead = sorted(
            n for n in names if n.startswith(self.prefix) and "." not in n[len(self.prefix) :]
        )
        for other in ahead:
            if other >= self.name:
                return True
            if self._alive(other):
                return False
        return True

    def _alive(self, other: str) -> bool:
        path = self.folder / other
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return False  # gone meanwhile
        try:
            if not _try(self.fcntl, fd, self.fcntl.LOCK_SH):
                return True
            with contextlib.suppress(OSError):  # its process died: the ticket is void
                os.unlink(path)
            return False
        finally:
            os.close(fd)

    def drop(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.folder / self.name)
        os.close(self.fd)
