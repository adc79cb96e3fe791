"""Shared fixtures of the ``drafter check`` tests: the bundled bank and a way to check a text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from drafter.check.runner import CheckReport, CheckRequest, check_file

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "phrasebank"

Checker = Callable[..., CheckReport]


@pytest.fixture
def check_text(tmp_path: Path) -> Checker:
    """Write ``text`` to a .txt file in tmp_path and check it against the bundled bank."""

    def run(text: str, name: str = "发言.txt", **options: object) -> CheckReport:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return check_file(CheckRequest(path, (BANK,), **options))  # type: ignore[arg-type]

    return run


def rules_of(report: CheckReport) -> list[str]:
    return [f.rule for f in report.findings]
