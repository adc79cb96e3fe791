"""Finding quotations in speech text: who is quoted, the verb, and the quoted words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from drafter.text.sentences import visible_len

_TITLES = ("总书记", "同志", "主席", "总理", "委员长", "书记", "省长", "市长", "部长", "先生")
_SAYERS = ("古人", "古语", "先贤", "前人", "俗话", "俗语", "常言", "老话")
_TITLE = f"(?:{'|'.join(_TITLES)})"
# A speaker is a title after at most one letter and three characters, or a word for sayings.
_BEFORE_TITLE = 4
_SPEAKER = rf"(?P<speaker>[A-Z]?[\u4e00-\u9fff]{{0,3}}{_TITLE}|{'|'.join(_SAYERS)})"
_CONTEXT = r"(?:在[^。！？“”]{2,40}?(?:上|中|时|里|之际))?"
_VERB = r"(?P<verb>所(?:说|指出|强调|讲)(?:的那样|的)?|深刻指出|明确指出|反复强调|特别强调|强调指出|鲜明指出|深刻阐明|指出|强调|说过|曾说|说|讲|告诫|要求|提出|云|有云|道)"
_QUOTED = re.compile(_SPEAKER + _CONTEXT + _VERB + r"[：:，,]?\s*“(?P<quote>[^“”]{6,300})”")
_UNQUOTED = re.compile(
    _SPEAKER
    + _CONTEXT
    + _VERB
    + r"[：:，,]\s*(?!“)(?P<quote>(?:[^“”。！？]|“[^“”]{0,40}”){6,300}?[。！？])"
)
_BARE = re.compile(r"“(?P<quote>[^“”]{10,200})”")
_LEAD_TRIM = re.compile(r"^[的了是和与及、在要对把将使让向]+")


@dataclass(frozen=True)
class Quotation:
    """A quotation; ``quoted`` is whether its words stood inside quotation marks in the source
    (verbatim) rather than being reported without them (possibly a paraphrase)."""

    text: str
    speaker: str | None
    verb: str | None
    quoted: bool = True


def _speaker(raw: str) -> str:
    # "A总书记": some sites replace a name with a Latin letter; keep only the title then.
    raw = raw.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return _LEAD_TRIM.sub("", raw) or raw


def _speaker_starts(text: str) -> list[int]:
    """Every position where an attributed quotation can begin: up to ``_BEFORE_TITLE``
    characters before a title or a sayings word. Found with ``str.find``, which is far quicker
    than letting the patterns try every position of a long speech."""
    starts: set[int] = set()
    for word in (*_TITLES, *_SAYERS):
        at = text.find(word)
        while at >= 0:
            starts.update(range(max(0, at - _BEFORE_TITLE), at + 1))
            at = text.find(word, at + 1)
    return sorted(starts)


def _matches(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` when no match can begin outside ``starts`` (the patterns have
    no anchors or look-behinds, so a match tried at a position is the one a search finds)."""
    end = 0
    for start in starts:
        if start < end:
            continue
        m = pattern.match(text, start)
        if m is not None:
            yield m
            end = m.end()


def find_quotations(text: str) -> list[Quotation]:
    """Attributed quotations (with or without quote marks) and free-standing sayings in quotes."""
    found: list[Quotation] = []
    taken: list[tuple[int, int]] = []
    starts = _speaker_starts(text)
    for pattern in (_QUOTED, _UNQUOTED):
        for m in _matches(pattern, text, starts):
            span = m.span("quote")
            if any(a <= span[0] < b for a, b in taken):
                continue
            quote = m.group("quote").strip()
            taken.append(span)
            speaker = _speaker(m.group("speaker"))
            found.append(Quotation(quote, speaker, m.group("verb"), pattern is _QUOTED))
    for m in _BARE.finditer(text):
        span = m.span("quote")
        quote = m.group("quote").strip()
        # A saying, not a slogan: sentence-like, with a clause break, and not already attributed.
        if any(a <= span[0] < b for a, b in taken) or visible_len(quote) < 10:
            continue
        if not re.search(r"[，,；;]", quote):
            continue
        found.append(Quotation(quote, None, None))
    return found
