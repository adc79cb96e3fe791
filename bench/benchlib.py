"""Helpers the benchmark scripts share: timing a call, reporting runs, naming the commit."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
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


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: other work on the machine skews the figures."""
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def listed_runs(values: Sequence[float]) -> str:
    """The single runs behind a median, for the report."""
    return ", ".join(f"{v:.3f}" for v in values)
