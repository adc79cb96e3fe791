"""The parser recovers, from seeds/, the structure a reader sees (tests/data/seeds-structure.yaml)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from drafter.corpus.models import Document
from drafter.corpus.parse import parse_file
from drafter.text.normalize import fold
from tests.conftest import DATA

REFERENCE = yaml.safe_load((DATA / "seeds-structure.yaml").read_text(encoding="utf-8"))


def _documents(seeds_dir: Path, name: str) -> list[Document]:
    return parse_file(seeds_dir / name)


def _find(docs: list[Document], title: str) -> Document:
    matches = [d for d in docs if d.title is not None and fold(d.title) == fold(title)]
    assert matches, f"no document titled {title!r}; got {[d.title for d in docs]}"
    assert len(matches) == 1
    return matches[0]


@pytest.mark.parametrize("expected", REFERENCE, ids=[e["title"] for e in REFERENCE])
def test_seed_document_structure(seeds_dir: Path, expected: dict[str, Any]) -> None:
    doc = _find(_documents(seeds_dir, expected["file"]), expected["title"])
    want = [fold(p["heading"]) for p in expected["parts"]]
    got = [fold(p.heading) for p in doc.parts]
    assert len(got) == len(want), f"part count: got {got}"
    if expected.get("ordered", True):
        assert got == want
    else:
        assert Counter(got) == Counter(want)
    if expected["numbering"] != "none":
        assert all(p.numbering == expected["numbering"] for p in doc.parts)
    else:
        assert all(p.numbering == "none" for p in doc.parts)
    if not expected.get("points_scored", True):
        return
    by_heading = {fold(p.heading): p for p in doc.parts}
    for part in expected["parts"]:
        got_points = [fold(pt.lead) for pt in by_heading[fold(part["heading"])].points]
        assert got_points == [fold(x) for x in part["points"]], part["heading"]


def test_every_seed_file_yields_only_the_recorded_speeches(seeds_dir: Path) -> None:
    """No extra documents with parts: noise and unrelated articles never become speeches."""
    recorded = Counter(fold(e["title"]) for e in REFERENCE)
    for name in sorted({e["file"] for e in REFERENCE}):
        for doc in _documents(seeds_dir, name):
            if doc.parts:
                assert doc.title is not None and fold(doc.title) in recorded, doc.title


def test_unrelated_article_is_its_own_document_without_parts(seeds_dir: Path) -> None:
    docs = _documents(seeds_dir, "004_d368fce8cd43ddb5.txt")
    assert len(docs) == 2
    assert docs[1].parts == ()
    assert docs[1].title and "大庆" in docs[1].title
