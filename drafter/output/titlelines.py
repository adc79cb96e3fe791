"""Where a long title breaks into lines, the way a writer would break it by hand.

GB/T 9704 asks that a title of several lines keep its words whole and its lines of a fitting
length. A title that fits on one line stays whole; a longer one breaks

- before every "——" (what follows it is a subtitle, e.g. "——在……会议上的讲话"),
- else after a clause mark (，、：；), the mark staying at the end of its line,
- else between two words (rjieba's segmentation, jieba's dictionary), never inside one,

choosing the layout of least cost: each line costs as much as a fair break between words, each
break what it cuts (nothing before "——", little after a clause mark, more between words, most
where a phrase or a set term is cut), each line how much of the width it leaves empty (squared:
a centred title reads best balanced), and a very short line a little more. So a title takes as
few lines as the width allows unless that needs several bad breaks. Every "——" after the start
begins a line. A line never starts with a closing mark (，。”》 …) nor ends with an opening one
(“《（ …), as Chinese typesetting rules want.

Widths are measured in points: a full-width character (Han, full-width punctuation, and the
quotation marks, dashes and ellipses that drafter sets in the Chinese font) takes one em, any
other character 0.6 em, a little more than a Latin digit or letter usually takes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from itertools import pairwise

DASH = "——"
CLAUSE_MARKS = "，、：；"
# Characters set in the East Asian font whatever the Latin font is (``word.py``): they are as
# wide as a Han character.
WIDE_PUNCTUATION = "“”‘’—―…·"
# Chinese line-breaking rules: never at the start of a line, never at its end.
NO_LINE_START = frozenset("，。、：；！？）》」』】〕〉”’…—·%‰℃")
NO_LINE_END = frozenset("（《「『【〔〈“‘")
HALF_WIDTH_EM = 0.6

# What a line costs: as much as a fair break, so one more line beats two bad breaks.
_LINE = 2.0
_SHORT_LINE = 1.0  # added for a line under a quarter of the width ("坚持 / …")
# What a break costs. Between two words the
# cost follows their parts of speech (jieba's tags): a break before a preposition starts a
# phrase ("…思想 / 为指导…"); one after a preposition, conjunction, adverb, numeral or one-
# character modifier, or before a particle or locality word, cuts a phrase ("以 / 习近平",
# "奋力 / 谱写", "新 / 时代", "研讨会 / 上的"); one between two nouns cuts a compound.
_DASH_BREAK = 0.0
_CLAUSE_BREAK = 0.2
_PHRASE_BREAK = 0.6
_WORD_BREAK = 1.0
_COMPOUND_BREAK = 1.6
_BAD_BREAK = 3.0
_INSIDE_TERM = 4.0  # inside one of KEEP_WHOLE
_INSIDE_BRACKETS = 1.0  # added inside 《》“”（）: the quoted name is read as one
_ANY_CHARACTER = 8.0  # only when a single word is wider than the line
_LEANS_FORWARD = ("p", "c", "d", "m", "q")  # 以 和 奋力 2024 …: they belong to what follows
_LEANS_BACK = ("u", "f", "y", "e", "k")  # 的 上 吗 …: they belong to what comes before
_NOMINAL = ("n", "vn", "an", "j", "l", "i")
# Set terms jieba's dictionary cuts into pieces, which a title keeps whole unless the width
# leaves no other way.
KEEP_WHOLE = (
    "习近平新时代中国特色社会主义思想",
    "中国特色社会主义",
    "中华民族伟大复兴",
    "中国式现代化",
    "高质量发展",
    "全面从严治党",
    "新时代",
    "新征程",
    "凝心聚力",
)


def char_width(char: str, size: float, spacing: float = 0.0) -> float:
    """Points a character takes at ``size``, with ``spacing`` points between characters."""
    wide = char in WIDE_PUNCTUATION or unicodedata.east_asian_width(char) in ("W", "F", "A")
    return (size if wide else size * HALF_WIDTH_EM) + spacing


def text_width(text: str, size: float, spacing: float = 0.0) -> float:
    return sum(char_width(c, size, spacing) for c in text)


@dataclass(frozen=True)
class _Break:
    at: int  # the line ends before text[at]
    cost: float
    forced: bool = False


def break_title(title: str, width: float, size: float, spacing: float = 0.0) -> list[str]:
    """The lines of ``title`` set at ``size`` points in a line ``width`` points wide."""
    if not title or text_width(title, size, spacing) <= width:
        return [title]
    breaks = _breaks(title, _words(title))
    lines = _best(title, breaks, width, size, spacing)
    if lines is None:  # a single word wider than the line: break between any two characters
        anywhere = {b.at: b for b in _character_breaks(title)} | {b.at: b for b in breaks}
        lines = _best(title, list(anywhere.values()), width, size, spacing)
    return lines or [title]


def _words(text: str) -> list[tuple[str, str]]:
    """The title's words with their parts of speech, jieba's dictionary and tags."""
    import rjieba  # loads jieba's dictionary (under a second): only for a title that breaks

    words: list[tuple[str, str]] = rjieba.tag(text)
    return words


def _allowed(text: str, at: int) -> bool:
    if text[at] in NO_LINE_START and not text.startswith(DASH, at):
        return False
    if text[at - 1] in NO_LINE_END:
        return False
    # Neither inside a "——" or "……" nor between two Latin letters or digits.
    return not (text[at - 1] == text[at] and text[at] in "—…") and not (
        text[at - 1].isascii()
        and text[at].isascii()
        and text[at - 1].isalnum()
        and text[at].isalnum()
    )


def _depth(text: str) -> list[int]:
    """How many brackets or quotation marks are open before each position."""
    depth, out = 0, []
    for char in text:
        out.append(depth)
        if char in "《“‘（「『【〔〈":
            depth += 1
        elif char in "》”’）」』】〕〉" and depth:
            depth -= 1
    out.append(depth)
    return out


def _kept(text: str) -> set[int]:
    """Positions inside one of the terms kept whole."""
    inside: set[int] = set()
    for term in KEEP_WHOLE:
        at = text.find(term)
        while at >= 0:
            inside.update(range(at + 1, at + len(term)))
            at = text.find(term, at + 1)
    return inside


def _word_cost(before: tuple[str, str], after: tuple[str, str]) -> float:
    (word, tag), (next_word, next_tag) = before, after
    if next_tag.startswith(_LEANS_BACK) or tag.startswith(_LEANS_FORWARD):
        return _BAD_BREAK
    if len(word) == 1 and tag.startswith("a"):  # 新 / 时代
        return _BAD_BREAK
    if next_tag.startswith("p"):
        return _PHRASE_BREAK
    if len(word) == 1 or len(next_word) == 1:
        return _COMPOUND_BREAK
    if tag.startswith(_NOMINAL) and next_tag.startswith(_NOMINAL):
        return _COMPOUND_BREAK
    return _WORD_BREAK


def _breaks(text: str, words: list[tuple[str, str]]) -> list[_Break]:
    """Every place the title may break, with what breaking there costs."""
    depth, kept = _depth(text), _kept(text)
    found: list[_Break] = []
    at = 0
    for before, after in pairwise(words):
        at += len(before[0])
        if not _allowed(text, at):
            continue
        inside = _INSIDE_BRACKETS if depth[at] else 0.0
        if text.startswith(DASH, at):
            found.append(_Break(at, _DASH_BREAK, forced=True))
        elif text[at - 1] in CLAUSE_MARKS:
            found.append(_Break(at, _CLAUSE_BREAK + inside))
        else:
            term = _INSIDE_TERM if at in kept else 0.0
            found.append(_Break(at, _word_cost(before, after) + inside + term))
    return found


def _character_breaks(text: str) -> list[_Break]:
    return [_Break(at, _ANY_CHARACTER) for at in range(1, len(text)) if _allowed(text, at)]


def _best(
    text: str, breaks: list[_Break], width: float, size: float, spacing: float
) -> list[str] | None:
    """The cheapest lines (see the module's docstring). Every forced break is taken."""
    stops = sorted(breaks, key=lambda b: b.at)
    points = [0, *(b.at for b in stops), len(text)]
    costs = [0.0, *(b.cost for b in stops), 0.0]
    forced = [True, *(b.forced for b in stops), True]
    # best[j]: the cost of the cheapest layout of text[:points[j]] ending a line there.
    best: list[float | None] = [None] * len(points)
    came: list[int] = [0] * len(points)
    best[0] = 0.0
    for j in range(1, len(points)):
        for i in range(j - 1, -1, -1):
            start = best[i]
            line = text[points[i] : points[j]]
            used = text_width(line.strip(), size, spacing)
            if used > width:
                break  # an earlier start only makes the line longer
            if start is not None:
                slack = (width - used) / width
                score = start + _LINE + costs[j] + slack * slack
                if used < width / 4:
                    score += _SHORT_LINE
                current = best[j]
                if current is None or score < current:
                    best[j], came[j] = score, i
            if forced[i]:
                break  # no line may run across a forced break
    if best[-1] is None:
        return None
    lines: list[str] = []
    j = len(points) - 1
    while j > 0:
        i = came[j]
        lines.append(text[points[i] : points[j]].strip())
        j = i
    return lines[::-1]
