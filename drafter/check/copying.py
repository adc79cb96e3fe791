"""Copying (查重). # placeholder until feat/check-rules merges: the agreed signatures, no findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from drafter.check.findings import Finding, Location


@dataclass(frozen=True)
class CopyingResult:
    findings: list[Finding] = field(default_factory=list)
    share: float = 0.0  # the speech's share of characters found in the bank or the writer's files


def check_copying(
    paragraphs: Sequence[tuple[Location, str]],
    bank_dirs: Sequence[Path],
    against_dirs: Sequence[Path],
) -> CopyingResult:
    """Passages found in the bank's sources or in ``against_dirs`` (placeholder: none)."""
    return CopyingResult()
