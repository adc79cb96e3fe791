"""Helpers the benchmark scripts share: timing a call, and naming the commit measured."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
REPO = Path(__file__).resolve().parent.parent


def timed(func: Callable[[], T]) -> tuple[float, T]:
    """Seconds a call took, and its result."""
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def git_revision() -> str:
    """The repository's commit (read-only git calls), marked "+dirty" if drafter/ has edits."""
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "diff", "--quiet", "HEAD", "--", "drafter"],
            capture_output=True,
            check=False,
        ).returncode
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")
