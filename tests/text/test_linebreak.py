"""Chinese line breaking: no line starts with closing punctuation or ends with an opening one."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drafter.text.linebreak import NO_END, NO_START, break_lines, char_width

LEAD = (
    "鲜明选人用人标准，坚持科学选贤任能，真正让有为者有位、能干者能上、优秀者优先，"
    "让敢担当、善作为、勇争先蔚然成风。习近平总书记强调：“进行伟大斗争、建设伟大工程”"
    "——这是 AI 与 2025 年的“数字政府2.0”……好"
)


def cells(line: str) -> int:
    return sum(char_width(c) for c in line)


def check(text: str, width: int) -> list[str]:
    lines = break_lines(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost or added
    for n, line in enumerate(lines):
        assert cells(line) <= width, (width, line)
        if n:
            assert line[:1] not in NO_START, (width, lines[n - 1], line)
        if n < len(lines) - 1:
            assert line[-1:] not in NO_END, (width, line, lines[n + 1])
    return lines


@pytest.mark.parametrize("width", range(8, 81))
def test_a_speech_paragraph_at_every_width(width: int) -> None:
    check(LEAD, width)


def test_the_comma_goes_with_the_character_before_it() -> None:
    # Eleven characters fit in 22 cells; the twelfth is a comma, which pulls 优 down with it.
    assert break_lines("鲜明选人用人标准优秀者优，让敢担当", 22) == [
        "鲜明选人用人标准优秀者",
        "优，让敢担当",
    ]


def test_an_opening_quote_does_not_end_a_line() -> None:
    assert break_lines("一二三四“五六”", 10) == ["一二三四", "“五六”"]


def test_a_dash_pair_is_not_cut_and_numbers_stay_whole() -> None:
    # "—" takes one cell: the first fits on the line, and pulls the second down with it.
    assert break_lines("一二三——四", 7) == ["一二三", "——四"]
    assert break_lines("一二三 2025 年", 8) == ["一二三", "2025 年"]


def test_existing_line_breaks_are_kept() -> None:
    assert break_lines("一，\n二", 80) == ["一，", "二"]


_TEXT = st.text(alphabet=st.sampled_from("一二三四五六七八九十，。、；：！？“”（）《》——……ab12 "))


@settings(max_examples=300, deadline=None)
@given(text=_TEXT, width=st.integers(min_value=8, max_value=40))
def test_any_mix_of_characters_and_punctuation(text: str, width: int) -> None:
    lines = break_lines(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(cells(line) <= width for line in lines)
    # Punctuation starts a line only when nothing could go down with it: besides marks and
    # blanks, the line before holds one character or one run of letters and digits at most
    # (moving it would leave that line empty, and a run of marks does not fit in one line).
    marks = NO_START | NO_END | set("—… ")
    for before, line in itertools.pairwise(lines):
        if line[:1] in NO_START:
            rest = "".join(c for c in before if c not in marks)
            assert re.fullmatch(r"[A-Za-z0-9.%+\-/]*|.", rest), (before, line)
