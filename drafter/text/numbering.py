"""Numbering markers of speech parts and sub-points: 一、 / 一要 / 一是 / （一） / 第一， / 首先 / 1."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_DIGITS = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_CN = "一二三四五六七八九十"
# Verbs that follow 一/二/三 in the "一是 / 一要 / 一抓" style; a closed list keeps words such as
# 一些, 一定, 一线 from reading as markers.
_STYLE_VERBS = "是要抓靠须需在重强"
_ORDER_WORDS = {"首先": 1, "其次": 2, "再次": 3, "再者": 3, "然后": 3, "最后": 0}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("一、", re.compile(rf"^([{_CN}]{{1,3}})\s*[、.．]\s*")),
    # 第一， / 第一点， / 第一个方面， / 其一，; 第一是 / 第一要 read on into their text, and
    # 第一条 stays a marker as in a set of rules ("第一条 为了……").
    (
        "第一，",
        re.compile(
            rf"^(?:第([{_CN}]{{1,3}})(?:(?:点|个方面|方面)[，,、:：]?\s*|[，,、:：]\s*|(?=[是要条]))"
            rf"|其([{_CN}]{{1,2}})[，,、:：]\s*)"
        ),
    ),
    ("（一）", re.compile(rf"^[（(]\s*([{_CN}]{{1,3}})\s*[）)]\s*[、.．，,]?\s*")),
    # 首先要 … 其次要 … 最后要 …: the order word alone, before 要, marks a part too.
    ("首先", re.compile(r"^(首先|其次|再次|再者|然后|最后)(?:[，,、:：]\s*|(?=要))")),
    ("一是", re.compile(rf"^([{_CN}]{{1,3}})([{_STYLE_VERBS}])(?![一二三四五六七八九十])")),
    ("1.", re.compile(r"^(\d{1,2})\s*(?:[.．、](?!\d)|\s)\s*")),
    ("（1）", re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*[、.．，,]?\s*")),
    ("①", re.compile(rf"^([{_CIRCLED}])\s*[、.．]?\s*")),
)
# Higher families mark higher levels when several appear in one speech: 一是 and its kin mostly
# list sub-points, under （一） or 首先 parts, so they rank below them.
RANK = {name: rank for rank, (name, _) in enumerate(_PATTERNS)}


@dataclass(frozen=True)
class Marker:
    """A numbering marker found at the start of a text."""

    family: str  # the style, written as its first marker: "一、", "一要", "（一）", …
    value: int  # 1-based ordinal; 0 for "最后" (the one after the previous)
    end: int  # index where the marked text begins


def chinese_to_int(text: str) -> int:
    """Value of a Chinese numeral up to 99 (一 .. 九十九)."""
    if len(text) == 1:
        return _DIGITS[text]
    if text[0] == "十":
        return 10 + _DIGITS[text[1]]
    if text[-1] == "十":
        return _DIGITS[text[0]] * 10
    return _DIGITS[text[0]] * 10 + _DIGITS[text[-1]]


# Parsing asks about the same paragraph several times (its layout, whether it is title-like,
# the structure below it); markers are frozen, so the answer is kept.
@lru_cache(maxsize=1 << 14)
def find_marker(text: str) -> Marker | None:
    """The numbering marker at the start of ``text``, if any."""
    for family, pattern in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        token = next(g for g in m.groups() if g)
        try:
            if family == "首先":
                value = _ORDER_WORDS[token]
            elif family in ("1.", "（1）"):
                value = int(token)
            elif family == "①":
                value = _CIRCLED.index(token) + 1
            else:
                value = chinese_to_int(token)
        except (KeyError, IndexError):
            continue
        name = "一" + m.group(2) if family == "一是" else family
        end = m.end()
        if end >= len(text):
            continue  # a bare marker is not a marked text
        return Marker(name, value, end)
    return None


def rank(family: str) -> int:
    """Level of a marker family: lower is higher in the outline."""
    if family.startswith("一") and family not in RANK:
        return RANK["一是"]
    return RANK.get(family, len(RANK))


def sequence_runs(values: list[int]) -> list[list[int]]:
    """Split ordinals into runs 1, 2, 3 …; "最后" (0) continues the run it ends."""
    runs: list[list[int]] = []
    for value in values:
        if value == 0 and runs:
            value = runs[-1][-1] + 1
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    return runs


def counts_one_to_n(values: list[int]) -> bool:
    """Whether ordinals run 1, 2 … n exactly once (n >= 2): the mark of one outline level."""
    runs = sequence_runs(values)
    return len(runs) == 1 and len(runs[0]) >= 2 and runs[0][0] == 1
