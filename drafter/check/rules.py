"""提法 rules. # placeholder until feat/check-rules merges: the agreed signatures, no findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from drafter.check.findings import Finding, Location


@dataclass(frozen=True)
class RuleSet:
    """The rules in force (placeholder: none)."""

    source: Path | None = None


def load_rules(user_file: Path | None) -> RuleSet:
    """The bundled rules and the writer's own file (placeholder: nothing is read)."""
    return RuleSet(user_file)


def check_tifa(paragraphs: Sequence[tuple[Location, str]], rules: RuleSet) -> list[Finding]:
    """Findings of the 提法 rules on every paragraph (placeholder: none)."""
    return []
