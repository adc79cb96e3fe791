"""The seeds-structure scorer: how much of a reader's outline the parser recovers.

An expected outline is written as in tests/data/seeds-structure.yaml: a list of parts, each with a
``heading`` and the ``points`` (sub-point leads) under it. Part headings and point leads are
compared as multisets of ``fold``-ed texts, so width of punctuation and blanks never matter and a
heading found in the wrong order still counts. Figures are micro-averaged: tallies add up over
documents, and precision, recall and F1 come from the sums. Nothing found where nothing was
expected (a document with no parts) counts as a perfect score.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from drafter.corpus.models import Document
from drafter.corpus.parse import parse_file, parse_text
from drafter.corpus.segment import Chunk
from drafter.corpus.structure import build_document
from drafter.text.normalize import fold

DATA = Path(__file__).resolve().parents[1] / "data"
UNNUMBERED = DATA / "unnumbered"


@dataclass(frozen=True)
class Tally:
    """Texts found, texts expected, and how many of the found ones were expected."""

    found: int = 0
    expected: int = 0
    matched: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.found + other.found, self.expected + other.expected, self.matched + other.matched
        )

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else float(not self.expected)

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else float(not self.found)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Score:
    """Tallies of part headings and of point leads."""

    headings: Tally = Tally()
    points: Tally = Tally()

    def __add__(self, other: Score) -> Score:
        return Score(self.headings + other.headings, self.points + other.points)


def tally(found: Iterable[str], expected: Iterable[str]) -> Tally:
    got = Counter(fold(t) for t in found)
    want = Counter(fold(t) for t in expected)
    return Tally(sum(got.values()), sum(want.values()), sum((got & want).values()))


def score_outline(
    doc: Document, parts: Sequence[Mapping[str, Any]], *, points: bool = True
) -> Score:
    """How ``doc``'s parts and points match the expected ``parts``; ``points=False`` leaves the
    points out (a reference whose sub-points are undecidable)."""
    headings = tally([p.heading for p in doc.parts], [p["heading"] for p in parts])
    if not points:
        return Score(headings)
    leads = tally(
        [pt.lead for p in doc.parts for pt in p.points],
        [lead for p in parts for lead in p["points"]],
    )
    return Score(headings, leads)


def load_cases(folder: Path = UNNUMBERED) -> list[dict[str, Any]]:
    """The documents of ``folder``, each a mapping as its YAML file holds it, plus its ``name``."""
    cases = []
    for path in sorted(folder.glob("*.yaml")):
        case: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        case["name"] = path.stem
        cases.append(case)
    return cases


def parse_case(case: Mapping[str, Any]) -> Document:
    """The document a case describes: its ``body`` of [cue, text] pairs built as a ``Chunk``
    with cues, or its ``text`` parsed as a file would be (the document titled ``title``)."""
    if "body" in case:
        cues = [cue for cue, _ in case["body"]]
        chunk = Chunk(case["title"], None, [text for _, text in case["body"]], cues)
        return build_document(chunk, f"{case['name']}.docx")
    docs = parse_text(case["text"], f"{case['name']}.txt")
    titled = [d for d in docs if d.title is not None and fold(d.title) == fold(case["title"])]
    return titled[0] if titled else docs[0]


def score_cases(cases: Iterable[Mapping[str, Any]]) -> dict[str, Score]:
    """Scores by style (the ``style`` of each case) and ``overall``."""
    by_style: dict[str, Score] = {}
    for case in cases:
        score = score_outline(parse_case(case), case["parts"])
        by_style[case["style"]] = by_style.get(case["style"], Score()) + score
    by_style["overall"] = sum(by_style.values(), Score())
    return by_style


def score_seeds(seeds_dir: Path, reference: Sequence[Mapping[str, Any]]) -> Score:
    """The score of the parser on seeds/ against the reader's outline (seeds-structure.yaml)."""
    total = Score()
    for expected in reference:
        docs = parse_file(seeds_dir / expected["file"])
        doc = next(
            d for d in docs if d.title is not None and fold(d.title) == fold(expected["title"])
        )
        total += score_outline(doc, expected["parts"], points=expected.get("points_scored", True))
    return total


def table(scores: Mapping[str, Score]) -> str:
    """Scores as a plain-text table: for headings and for points, how many were found, expected
    and matched, and precision, recall and F1."""
    head = "found expected matched     P     R    F1"
    lines = [f"{'':12} {'headings':^40} | {'points':^40}", f"{'':12} {head} | {head}"]
    for name, s in scores.items():
        cells = [
            f"{t.found:5} {t.expected:8} {t.matched:7} {t.precision:5.2f} {t.recall:5.2f} {t.f1:5.2f}"
            for t in (s.headings, s.points)
        ]
        lines.append(f"{name:12} {cells[0]} | {cells[1]}")
    return "\n".join(lines)
