"""Speeches whose parts are marked without numbers (tests/data/unnumbered/) are recovered as a
reader outlines them, and texts with no structure get no parts.

Each document there keeps its expected outline beside it. Scores come from the seeds-structure
scorer (``outline_score``), which also scores seeds/ against the reader's reference.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from drafter.corpus.models import Document
from drafter.corpus.segment import Chunk
from drafter.corpus.structure import build_document
from drafter.text.normalize import fold
from tests.corpus.outline_score import (
    DATA,
    Score,
    Tally,
    load_cases,
    parse_case,
    score_cases,
    score_outline,
    score_seeds,
    tally,
)

CASES = load_cases()
STYLES = ("cues", "own-line", "dash", "run-in", "order-words")


def _case(name: str) -> dict[str, Any]:
    return next(c for c in CASES if c["name"] == name)


def _outline(doc: Document) -> list[tuple[str, list[str]]]:
    return [(fold(p.heading), [fold(pt.lead) for pt in p.points]) for p in doc.parts]


def test_every_style_has_documents_and_negatives_are_there() -> None:
    styles = [c["style"] for c in CASES]
    assert len(CASES) >= 13
    for style in STYLES:
        assert styles.count(style) >= 2, style
    assert styles.count("negative") >= 3
    for case in CASES:
        if case["style"] != "negative":
            assert 3 <= len(case["parts"]) <= 4, case["name"]
            text = case.get("text") or "".join(t for _, t in case["body"])
            assert len(text) >= 300, case["name"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_document_outline(case: dict[str, Any]) -> None:
    doc = parse_case(case)
    want = [(fold(p["heading"]), [fold(x) for x in p["points"]]) for p in case["parts"]]
    assert _outline(doc) == want
    if case["style"] != "negative":
        assert doc.opening, "the text before the first part is the opening"
        assert all(p.numbering for p in doc.parts)


def test_part_heading_f1_per_style_and_overall() -> None:
    scores = score_cases(CASES)
    for style in (*STYLES, "overall"):
        assert scores[style].headings.f1 >= 0.9, style
        assert scores[style].points.f1 >= 0.9, style
    assert scores["negative"].headings.found == 0
    held_out = score_cases([c for c in CASES if c.get("holdout")])["overall"]
    assert held_out.headings.f1 >= 0.9


def test_seeds_stay_exact_under_the_scorer(seeds_dir: Path) -> None:
    reference = yaml.safe_load((DATA / "seeds-structure.yaml").read_text(encoding="utf-8"))
    score = score_seeds(seeds_dir, reference)
    assert score.headings.f1 == 1.0
    assert score.points.f1 == 1.0
    assert score.headings.expected == sum(len(e["parts"]) for e in reference)


# --- the frame around the parts ------------------------------------------------------------


def test_cue_document_keeps_a_bold_sentence_of_its_opening_in_the_opening() -> None:
    doc = parse_case(_case("cues-h1-bold"))
    assert doc.opening is not None and "安全生产是不可逾越的红线。" in doc.opening
    assert doc.closing is not None and doc.closing.startswith("同志们，安全生产责任重于泰山")
    point = doc.parts[1].points[0]
    assert point.body.startswith("要全面排查企业储存")


def test_run_in_part_takes_the_paragraphs_up_to_the_next_opening() -> None:
    doc = parse_case(_case("run-in-rang"))
    third = doc.parts[2]
    assert third.lead is not None and third.lead.startswith("我们与教育部门联合建立")
    assert third.body is not None and third.body.startswith("今年，我们还与三所高校")
    assert doc.closing is not None and doc.closing.startswith("下一步，我们将进一步拓展")
    clause = parse_case(_case("run-in-clause"))
    assert clause.parts[0].lead is not None and clause.parts[0].lead.startswith("我们将全面梳理")
    assert clause.closing is not None and clause.closing.startswith("总之")


def test_two_level_own_lines_keep_the_part_lead() -> None:
    doc = parse_case(_case("own-line-two-levels"))
    assert doc.parts[1].lead == "基层党组织是党在基层的全部工作和战斗力的基础。"
    assert (
        doc.parts[1].points[2].body
        == "要注重从致富能手、返乡大学生中选拔党组织书记，持续优化队伍结构。"
    )


def test_cues_of_the_wrong_length_are_ignored() -> None:
    case = _case("cues-h2-h3")
    body = [text for _, text in case["body"]]
    with_cues = build_document(Chunk(case["title"], None, body, [c for c, _ in case["body"]]), "a")
    skewed = build_document(Chunk(case["title"], None, body, ["h2", "h2"]), "a")
    plain = build_document(Chunk(case["title"], None, body), "a")
    assert len(with_cues.parts) == 3
    assert _outline(skewed) == _outline(plain)


# --- the scorer ------------------------------------------------------------------------------


def test_tally_folds_texts_and_counts_a_multiset() -> None:
    t = tally(
        ["加强组织领导", "强化保障,确保落实", "多余"],
        ["加强组织领导", "强化保障，确保落实", "漏掉"],
    )
    assert (t.found, t.expected, t.matched) == (3, 3, 2)
    assert t.precision == t.recall == pytest.approx(2 / 3)
    assert tally(["甲", "甲"], ["甲"]) == Tally(2, 1, 1)


def test_nothing_found_where_nothing_was_expected_is_perfect() -> None:
    empty = Tally()
    assert (empty.precision, empty.recall, empty.f1) == (1.0, 1.0, 1.0)
    missed = Tally(0, 3, 0)
    assert (missed.precision, missed.recall, missed.f1) == (0.0, 0.0, 0.0)
    extra = Tally(2, 0, 0)
    assert (extra.precision, extra.f1) == (0.0, 0.0)


def test_scores_add_up_over_documents() -> None:
    a = Score(Tally(3, 3, 3), Tally(6, 6, 5))
    b = Score(Tally(2, 3, 1), Tally(0, 2, 0))
    total = a + b
    assert total.headings == Tally(5, 6, 4)
    assert total.points == Tally(6, 8, 5)
    assert total.headings.f1 == pytest.approx(2 * 0.8 * (4 / 6) / (0.8 + 4 / 6))


def test_score_outline_can_leave_points_out() -> None:
    doc = parse_case(_case("own-line-zai"))
    parts = [{"heading": p["heading"], "points": []} for p in _case("own-line-zai")["parts"]]
    assert score_outline(doc, parts, points=False).points == Tally()
    assert score_outline(doc, parts).points.precision == 0.0
