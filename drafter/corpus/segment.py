"""Splitting one file's cleaned lines into documents, each with its title block.

A new document starts at a title-like line that is followed by a masthead (subtitle, byline,
count marker), that is a numbered member of a "（N篇）" collection, or after which the outline's
numbering starts again at one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from drafter.corpus.noise import Para
from drafter.text.numbering import Marker, find_marker, rank
from drafter.text.parallel import parallel_group
from drafter.text.sentences import visible_len

_COLLECTION_MEMBER = re.compile(
    r"[（(]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[）)]$|(?:篇|之|其)[一二三四五六七八九十]{1,3}$"
    r"|^(?:篇|材料|范文|发言|文稿)[一二三四五六七八九十\d]{1,3}|范文\s*\d{1,2}$"
)
_INLINE_COUNT = re.compile(r"[（(]\s*(?:共)?\s*\d{1,3}\s*篇\s*[）)]")
# Families that number whole parts; a new run of one of them (not of 一是-style sub-points, which
# start again in every part) after a title-like line means a new document.
_RESTART_FAMILIES = ("一、", "第一，")
_LOOKAHEAD = 4
_SENTENCE_END = re.compile("[。！？!?；;]")  # inside a line: it is a sentence, not a title


@dataclass
class Chunk:
    """The lines of one document: its header and its body paragraphs.

    ``cues`` runs parallel to ``body``: the formatting cue of each paragraph ("h1" … "h4" for a
    heading style, "bold" for a bold paragraph, from a .docx, web page, markdown or PDF), or
    None; it is empty when the file gave no cues at all (plain text)."""

    title: str | None
    subtitle: str | None = None
    body: list[str] = field(default_factory=list)
    cues: list[str | None] = field(default_factory=list)


# Splitting asks this of each paragraph several times (its layout, then each document start).
@lru_cache(maxsize=1 << 14)
def is_title_like(text: str) -> bool:
    """A short line that could be a title or a heading on a line of its own."""
    if len(text) > 80:
        return False  # longer than any title, whatever its punctuation
    n = visible_len(text)
    if n < 4 or n > 50:
        return False
    core = text.rstrip()
    if _SENTENCE_END.search(core, 0, len(core) - 1) or core[-1] in "，,、：:；;。":
        return False
    return find_marker(text) is None


def _starts(paras: list[Para]) -> list[int]:
    """Indices of the paragraphs that begin a document."""
    starts: list[int] = []
    has_collection = False
    seen: dict[str, int] = {}  # marker family -> highest ordinal seen in the current document
    first_text = next((i for i, p in enumerate(paras) if p.role == "text"), None)
    header_end = 0
    outline = 0  # title-like lines (own-line headings) seen in the current document
    body = 0  # other text paragraphs of the current document
    layout = _Layout.of(paras)
    for i, para in enumerate(paras):
        if para.role == "count" or (para.role == "text" and _INLINE_COUNT.search(para.text)):
            has_collection = True
        if para.role != "text" or i < header_end:
            continue
        marker = layout.marker_at[i]
        if marker is not None:
            seen[marker.family] = max(seen.get(marker.family, 0), marker.value)
            continue
        if not is_title_like(para.text):
            body += 1
            continue
        outline += 1
        start = i == first_text or _has_masthead(paras, i)
        if not start and has_collection and _COLLECTION_MEMBER.search(para.text):
            start = True
        if not start:
            # A numbered outline starting after a document that has one of its own, or after
            # one that has several paragraphs and no outline at all (an article before it).
            outlined = outline > 2 or (not seen and body >= 3)
            start = _numbering_restarts(paras, i, seen, outlined, layout)
        if not start and (seen or (body >= 3 and outline == 1)):
            start = _new_outline_follows(paras, i, seen, layout)
        if start:
            starts.append(i)
            seen = {}
            outline = body = 0
            header_end = _header(paras, i, len(paras))[2]
    return starts


@dataclass
class _Layout:
    """Where numbered paragraphs and own-line headings stand, computed once per file."""

    marker_at: list[Marker | None]  # the numbering marker each text paragraph starts with
    markers: dict[str, list[int]]  # family -> indices of paragraphs it numbers
    own_lines: list[int]  # title-like lines followed by a text paragraph

    @classmethod
    def of(cls, paras: list[Para]) -> _Layout:
        marker_at = [find_marker(p.text) if p.role == "text" else None for p in paras]
        markers: dict[str, list[int]] = {}
        own_lines: list[int] = []
        for i, para in enumerate(paras):
            if para.role != "text":
                continue
            marker = marker_at[i]
            if marker is not None:
                markers.setdefault(marker.family, []).append(i)
            elif (
                i + 1 < len(paras)
                and paras[i + 1].role == "text"
                and is_title_like(para.text)
                and not is_title_like(paras[i + 1].text)
            ):
                own_lines.append(i)
        return cls(marker_at, markers, own_lines)


def _new_outline_follows(paras: list[Para], i: int, seen: dict[str, int], layout: _Layout) -> bool:
    """A title after the end of a numbered speech (or of an unstructured article), heading an
    outline of its own.

    The current document's numbering never comes back after line ``i``, an opening follows it,
    and then parallel heading lines that line ``i`` is not parallel to: a second speech.
    """
    run = _part_families(seen)
    if (seen and not run) or i + 1 >= len(paras) or is_title_like(paras[i + 1].text):
        return False
    if any(
        bisect_right(layout.markers.get(f, []), i) < len(layout.markers.get(f, [])) for f in run
    ):
        return False
    at = bisect_right(layout.own_lines, i)
    later = [paras[j].text for j in layout.own_lines[at : at + 6]]
    group = parallel_group(later)
    if len(group) < 2:
        return False
    return len(parallel_group([paras[i].text, *(later[g] for g in group)])) <= len(group)


def _has_masthead(paras: list[Para], i: int) -> bool:
    """A title followed (within a few lines, before any text) by a subtitle, byline or count."""
    for j in range(i + 1, min(i + 4, len(paras))):
        role = paras[j].role
        if role in ("subtitle", "byline", "count"):
            return True
        if role != "text" or not is_title_like(paras[j].text):
            return False
    return False


def _part_families(seen: dict[str, int]) -> list[str]:
    """Marker families that have numbered at least two parts of the current document."""
    return [f for f, v in seen.items() if v >= 2 and rank(f) <= rank("一是")]


def _numbering_restarts(
    paras: list[Para], i: int, seen: dict[str, int], outlined: bool, layout: _Layout
) -> bool:
    """After line ``i`` (and an opening) the top-level numbering begins again at one.

    "Again" means after a numbered run of the current document, or after what the caller found
    instead (``outlined``): unnumbered heading lines, or a text with no outline at all.
    """
    run = _part_families(seen)
    if not run and not outlined:
        return False
    if i + 1 < len(paras) and paras[i + 1].role == "text" and is_title_like(paras[i + 1].text):
        return False  # of two title-like lines in a row, the later one heads the opening
    highest = min((rank(f) for f in run), default=rank("一是"))
    for j in range(i + 1, min(i + 1 + _LOOKAHEAD, len(paras))):
        marker = layout.marker_at[j]
        if marker is not None:
            if not run and j == i + 1:
                return False  # "具体讲三点意见" right before 一、: a lead-in, not a title
            return (
                marker.value == 1
                and marker.family in _RESTART_FAMILIES
                and rank(marker.family) <= highest
            )
    return False


def _header(paras: list[Para], start: int, end: int) -> tuple[str | None, str | None, int]:
    """Title, subtitle and the index where the body begins, for the document at ``start``."""
    last_meta = start
    for j in range(start + 1, min(start + 5, end)):
        role = paras[j].role
        if role in ("subtitle", "byline", "count"):
            last_meta = j
        elif role != "text" or not is_title_like(paras[j].text):
            break
    block = paras[start : last_meta + 1]
    titles = [p.text for p in block if p.role == "text"]
    subtitle = next((p.text for p in block if p.role == "subtitle"), None)
    if subtitle is None and len(titles) > 1:
        subtitle = titles[1]
    return (titles[0] if titles else None), subtitle, last_meta + 1


def _in_body(paras: list[Para], para: Para) -> bool:
    """Text, and short "——" lines in a run of them (summary lines, not a masthead's subtitle)."""
    if para.role == "text":
        return True
    if para.role != "subtitle":
        return False
    at = paras.index(para)
    near = [paras[j] for j in (at - 1, at + 1) if 0 <= j < len(paras)]
    return any(p.role in ("text", "subtitle") and p.text.startswith("——") for p in near)


def split_documents(paras: list[Para]) -> list[Chunk]:
    """Group cleaned lines into documents; a header with no body of its own is dropped."""
    titled = _starts(paras)
    starts = titled
    if not titled or any(p.role == "text" for p in paras[: titled[0]]):
        starts = [0, *titled]  # text before the first title: a document without a title
    chunks: list[Chunk] = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(paras)
        if start in titled:
            title, subtitle, body_from = _header(paras, start, end)
        else:
            title, subtitle, body_from = None, None, start
        kept = [p for p in paras[body_from:end] if _in_body(paras, p)]
        if kept:
            cues = [p.cue for p in kept] if any(p.cue for p in kept) else []
            chunks.append(Chunk(title, subtitle, [p.text for p in kept], cues))
    return chunks
