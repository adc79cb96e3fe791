"""Breaking Chinese text into lines of a given width, by the rules of Chinese typesetting.

A terminal (and Rich) breaks CJK text after any character, so a comma or a closing quote can
start a line. GB/T 15834's rule is the other way: closing punctuation stays at the end of the
line before, an opening bracket or quote moves to the start of the next, and a ―― or …… pair
is not cut. Here a line is made a character shorter when needed (pushing the last character
down with the punctuation) rather than letting the punctuation hang past the width, so the
lines fit any box drawn around them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# Punctuation that must not start a line: the sentence marks and the closing half of pairs.
NO_START = frozenset("，。、；：！？）”’》」』】〕〉〗,.;:!?)]}%")
# Punctuation that must not end a line: the opening half of pairs.
NO_END = frozenset("（“‘《「『【〔〈〖([{")
_PAIRED = frozenset("—…")  # ―― and …… are one mark of two characters
# Runs of letters and digits (a number, "AI", "5G") are not cut either, when they fit.
_TOKENS = re.compile(r"[A-Za-z0-9][A-Za-z0-9.%+\-/]*|\s+|.", re.DOTALL)


def char_width(char: str) -> int:
    """Terminal cells of one character: 2 for wide (CJK) ones, 0 for combining marks."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _cells(token: str, width_of: Callable[[str], int]) -> int:
    return sum(width_of(c) for c in token)


def _cannot_start(token: str, before: str) -> bool:
    if token[0] in NO_START:
        return True
    return token[0] in _PAIRED and before[-1:] == token[0]


def break_lines(text: str, width: int, width_of: Callable[[str], int] = char_width) -> list[str]:
    """``text`` as lines of at most ``width`` cells, none starting with closing punctuation
    and none ending with an opening one; existing line breaks are kept."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        out.extend(_break_paragraph(paragraph, max(width, 2), width_of))
    return out


def _break_paragraph(text: str, width: int, width_of: Callable[[str], int]) -> list[str]:
    lines: list[list[str]] = [[]]
    used = 0
    full = False  # a blank did not fit: the line ends before the next token, by the rules
    tokens = _TOKENS.findall(text)
    # A run of letters longer than a line is cut where it must be, character by character.
    tokens = [t for token in tokens for t in _fit(token, width, width_of)]
    for token in tokens:
        size = _cells(token, width_of)
        line = lines[-1]
        if (used + size <= width and not full) or not line:
            if token.isspace() and not line and len(lines) > 1:
                continue  # no blank at the start of a wrapped line
            line.append(token)
            used += size
            continue
        if token.isspace():  # a break at a blank: the blank itself goes
            full = True
            continue
        full = False
        # Push characters down until the new line may start with them and the old may end.
        moved: list[str] = []
        while len(line) > 1 and (
            _cannot_start(first := (moved or [token])[0], line[-1])
            or first.isspace()
            or line[-1][-1] in NO_END
        ):
            moved.insert(0, line.pop())
        while moved and moved[0].isspace():
            moved.pop(0)  # the blank that was the break goes
        if sum(_cells(t, width_of) for t in [*moved, token]) > width:
            line.extend(moved)  # too much to move: the mark starts the line after all
            moved = []
        while line and line[-1].isspace():
            line.pop()
        lines.append([*moved, token])
        used = sum(_cells(t, width_of) for t in lines[-1])
    return ["".join(line) for line in lines]


def _fit(token: str, width: int, width_of: Callable[[str], int]) -> list[str]:
    return [token] if _cells(token, width_of) <= width else list(token)
