"""No false alarms: drafts drafter itself writes pass with no error, in every output format;
the seed speeches are read to the last paragraph, so the 提法 rules see every one."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.check.findings import at_least
from drafter.check.runner import CheckRequest, check_file
from drafter.drafting.composer import compose
from drafter.drafting.index import load_index
from drafter.drafting.model import DraftRequest
from drafter.output.templates import render_file
from tests.check.conftest import BANK, ROOT

CASES = [
    ("激励干部担当作为", 1, "outline"),
    ("乡村振兴", 2, "full"),
    ("优化营商环境", 3, "outline"),
    ("生态环境保护", 2, "full"),
    ("年轻干部培养", 5, "full"),
    ("科技创新", 1, "outline"),
]


@pytest.mark.parametrize(("theme", "seed", "detail"), CASES)
def test_drafts_have_no_errors(theme: str, seed: int, detail: str, tmp_path: Path) -> None:
    draft = compose(
        load_index(BANK), DraftRequest(theme, parts=3 + seed % 2, seed=seed, detail=detail)
    )
    for fmt in ("txt", "md", "docx"):
        path = tmp_path / f"草稿.{fmt}"
        path.write_bytes(render_file(draft, fmt))
        report = check_file(CheckRequest(path, (BANK,)))
        errors = [f for f in report.findings if at_least(f.severity, "error")]
        assert errors == [], (fmt, errors)
        assert [p.heading for p in report.document.parts] == [p.heading for p in draft.parts]
        assert not [
            f for f in report.findings if f.rule == "structure.parallel" and f.severity != "info"
        ]


def test_seed_paragraphs_all_reach_the_rules() -> None:
    path = ROOT / "seeds" / "004_d368fce8cd43ddb5.txt"
    report = check_file(CheckRequest(path, (BANK,)))
    located = report.document.located()
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    assert [loc.line for loc, _text in located] == [i for i, t in enumerate(lines, 1) if t]
    spot = next(loc for loc, text in located if "党的十八以来" in text)
    assert spot.line == 21


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "seeds").glob("*.txt")))
def test_seeds_are_checked_without_crashing(name: str) -> None:
    report = check_file(CheckRequest(ROOT / "seeds" / name, (BANK,)))
    assert len(report.document.parts) >= 3
    assert report.length.characters > 1000
