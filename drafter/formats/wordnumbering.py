"""Word's automatic numbering, put back as text: the "一、" or "（一）" that Word draws in front of
a paragraph is not in the paragraph's text, only in numbering.xml and a counter.

A numbered paragraph names a numbering instance (``w:num``) and a level (``w:ilvl``). The
instance points to an abstract definition (``w:abstractNum``) whose level gives the start, the
number format (``w:numFmt``: decimal, chineseCounting, ideographTraditional …) and the label
text (``w:lvlText``: "%1、", "（%1）", "%1.%2"). Counters run per abstract definition, as Word
runs them: instances of one definition continue each other's numbering, unless an instance
overrides a level's start (``w:lvlOverride/w:startOverride``, Word's "restart numbering"),
which restarts that level where the instance is first used. A level starts again after any
higher level is used (``w:lvlRestart`` can say otherwise).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from docx.oxml.ns import qn

from drafter.text.numerals import int_to_chinese

_LEVELS = 9


@functools.cache
def w(local: str) -> str:
    """The full name of a WordprocessingML element or attribute ("numId" → "{…/main}numId")."""
    return qn(f"w:{local}")


_PLACEHOLDER = re.compile(r"%([1-9])")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_LEGAL = str.maketrans("一二三四五六七八九十百千", "壹贰叁肆伍陆柒捌玖拾佰仟")
_DIGITS = str.maketrans("0123456789", "〇一二三四五六七八九")
_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
_CHINESE = {
    "chineseCounting",
    "chineseCountingThousand",
    "japaneseCounting",
    "japaneseDigitalTenThousand",
    "taiwaneseCounting",
    "taiwaneseCountingThousand",
    "koreanCounting",
}


def _roman(value: int) -> str:
    out = []
    for size, letters in _ROMAN:
        count, value = divmod(value, size)
        out.append(letters * count)
    return "".join(out)


def _letters(value: int) -> str:
    # Word repeats the letter past Z: 27 is AA, 53 is AAA.
    return chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)


def format_number(value: int, fmt: str) -> str:
    """A counter's value as a level with number format ``fmt`` draws it."""
    if value <= 0:
        return str(value)
    if fmt in _CHINESE:
        return int_to_chinese(value)
    if fmt == "ideographTraditional":
        return _STEMS[(value - 1) % len(_STEMS)]
    if fmt == "ideographZodiac":
        return _BRANCHES[(value - 1) % len(_BRANCHES)]
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional"):
        return int_to_chinese(value).translate(_LEGAL)
    if fmt == "ideographDigital":
        return str(value).translate(_DIGITS)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and value <= 20:
        return _CIRCLED[value - 1]
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        letters = _letters(value)
        return letters if fmt == "upperLetter" else letters.lower()
    return str(value)


# Formats Word draws as one enclosed character (⑴, ⒈) are written the way people type them,
# "（1）" and "1.", which is what the outline parser knows.
_ENCLOSED = {"decimalEnclosedParen": "（{}）", "decimalEnclosedFullstop": "{}."}


@dataclass(frozen=True)
class Level:
    """One level of a numbering definition."""

    start: int = 1
    fmt: str = "decimal"
    text: str | None = None  # w:lvlText; None when the level has none
    restart: int | None = None  # w:lvlRestart: the level (1-based) whose use restarts this one
    legal: bool = False  # w:isLgl: every number in the label drawn in decimal
    suffix: str = "tab"  # w:suff: what follows the label (tab, space or nothing)


def _val(element: Any, tag: str) -> str | None:
    child = element.find(w(tag)) if element is not None else None
    if child is None:
        return None
    value = child.get(w("val"))
    return str(value) if value is not None else None


def _int(text: str | None, default: int | None) -> int | None:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _level(element: Any) -> Level:
    text = element.find(w("lvlText"))
    return Level(
        start=_int(_val(element, "start"), 1) or 0,
        fmt=_val(element, "numFmt") or "decimal",
        text=None if text is None else str(text.get(w("val")) or ""),
        restart=_int(_val(element, "lvlRestart"), None),
        legal=element.find(w("isLgl")) is not None
        and _val(element, "isLgl") not in ("0", "false", "off"),
        suffix=_val(element, "suff") or "tab",
    )


def _levels(parent: Any) -> dict[int, Level]:
    out: dict[int, Level] = {}
    for lvl in parent.iterchildren(w("lvl")):
        ilvl = _int(lvl.get(w("ilvl")), None)
        if ilvl is not None and 0 <= ilvl < _LEVELS:
            out[ilvl] = _level(lvl)
    return out


@dataclass
class _Instance:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # level -> startOverride
    levels: dict[int, Level] = field(default_factory=dict)  # level -> overriding w:lvl


class Numbering:
    """The numbering definitions of one document, and the counters as its paragraphs go by."""

    def __init__(self, root: Any) -> None:
        self._abstract: dict[str, dict[int, Level]] = {}
        self._style_of: dict[str, str] = {}  # abstract id -> numbering style it links to
        self.level_styles: dict[str, dict[str, int]] = {}  # abstract id -> pStyle -> level
        self._instances: dict[str, _Instance] = {}
        self._counters: dict[str, list[int | None]] = {}
        self._used: set[str] = set()
        if root is None:
            return
        for node in root.iterchildren(w("abstractNum")):
            key = str(node.get(w("abstractNumId")))
            self._abstract[key] = _levels(node)
            self.level_styles[key] = {
                str(style): ilvl
                for lvl in node.iterchildren(w("lvl"))
                if (style := _val(lvl, "pStyle")) is not None
                and (ilvl := _int(lvl.get(w("ilvl")), None)) is not None
            }
            link = _val(node, "numStyleLink")
            if link:
                self._style_of[key] = link
        for node in root.iterchildren(w("num")):
            abstract = _val(node, "abstractNumId")
            if abstract is None:
                continue
            instance = _Instance(abstract)
            for override in node.iterchildren(w("lvlOverride")):
                ilvl = _int(override.get(w("ilvl")), None)
                if ilvl is None or not 0 <= ilvl < _LEVELS:
                    continue
                start = _int(_val(override, "startOverride"), None)
                if start is not None:
                    instance.starts[ilvl] = start
                lvl = override.find(w("lvl"))
                if lvl is not None:
                    instance.levels[ilvl] = _level(lvl)
            self._instances[str(node.get(w("numId")))] = instance

    def abstract_of(self, num_id: str, style_num: dict[str, str] | None = None) -> str | None:
        """The abstract definition behind instance ``num_id``, following one numbering-style
        link (``w:numStyleLink`` to a style whose own numbering holds the levels)."""
        instance = self._instances.get(num_id)
        if instance is None:
            return None
        abstract = instance.abstract
        link = self._style_of.get(abstract)
        if link and style_num and (linked := self._instances.get(style_num.get(link, ""))):
            return linked.abstract
        return abstract

    def label(self, num_id: str, ilvl: int, style_num: dict[str, str] | None = None) -> str:
        """The label Word draws for the next paragraph of instance ``num_id`` at level ``ilvl``
        (the separator after it included), advancing the counters; "" for a bullet or none."""
        instance = self._instances.get(num_id)
        abstract = self.abstract_of(num_id, style_num)
        if instance is None or abstract is None or not 0 <= ilvl < _LEVELS:
            return ""
        levels = {**self._abstract.get(abstract, {}), **instance.levels}
        counters = self._counters.setdefault(abstract, [None] * _LEVELS)
        if num_id not in self._used:
            self._used.add(num_id)
            for lvl, start in instance.starts.items():
                counters[lvl] = start - 1
        level = levels.get(ilvl, Level())
        now = counters[ilvl]
        counters[ilvl] = level.start if now is None else now + 1
        for deeper in range(ilvl + 1, _LEVELS):
            restart = levels.get(deeper, Level()).restart
            if restart is None or (restart and ilvl + 1 <= restart):
                counters[deeper] = None
        if level.fmt == "bullet" or level.text is None:
            return ""
        return _join(self._draw(level, levels, counters), level.suffix)

    @staticmethod
    def _draw(level: Level, levels: dict[int, Level], counters: list[int | None]) -> str:
        def number(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            its = levels.get(k, Level())
            value = counters[k]
            value = its.start if value is None else value
            if level.legal:
                return str(value)
            if its.fmt == "none":
                return ""
            if its.fmt in _ENCLOSED:
                return _ENCLOSED[its.fmt].format(value)
            return format_number(value, its.fmt)

        return _PLACEHOLDER.sub(number, level.text or "")


def _join(label: str, suffix: str) -> str:
    """The label with what separates it from the text: nothing after a Chinese mark ("一、"),
    a space after a Latin one ("1."), as people type them."""
    label = label.strip()
    if not label:
        return ""
    if suffix == "nothing" or not label[-1].isascii():
        return label
    return label + " "
