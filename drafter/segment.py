"""Splitting one file's cleaned lines into documents, each with its title block.

A new document starts at a title-like line that is followed by a masthead (subtitle, byline,
count marker), that is a numbered member of a "（N篇）" collection, or after which the outline's
numbering starts again at one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .noise import Para
from .numbering import find_marker, rank
from .sentences import visible_len

_COLLECTION_MEMBER = re.compile(
    r"[（(]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[）)]$|(?:篇|之|其)[一二三四五六七八九十]{1,3}$"
    r"|^(?:篇|材料|范文|发言|文稿)[一二三四五六七八九十\d]{1,3}|范文\s*\d{1,2}$"
)
_INLINE_COUNT = re.compile(r"[（(]\s*(?:共)?\s*\d{1,3}\s*篇\s*[）)]")
# Families that number whole parts; a new run of one of them (not of 一是-style sub-points, which
# start again in every part) after a title-like line means a new document.
_RESTART_FAMILIES = ("一、", "第一，")
_LOOKAHEAD = 4


@dataclass
class Chunk:
    """The lines of one document: its header and its body paragraphs."""

    title: str | None
    subtitle: str | None = None
    body: list[str] = field(default_factory=list)


def is_title_like(text: str) -> bool:
    """A short line that could be a title or a heading on a line of its own."""
    n = visible_len(text)
    if n < 4 or n > 50:
        return False
    core = text.rstrip()
    if any(p in core[:-1] for p in "。！？!?；;") or core[-1] in "，,、：:；;。":
        return False
    return find_marker(text) is None


def _starts(paras: list[Para]) -> list[int]:
    """Indices of the paragraphs that begin a document."""
    starts: list[int] = []
    has_collection = False
    seen: dict[str, int] = {}  # marker family -> highest ordinal seen in the current document
    first_text = next((i for i, p in enumerate(paras) if p.role == "text"), None)
    header_end = 0
    for i, para in enumerate(paras):
        if para.role == "count" or (para.role == "text" and _INLINE_COUNT.search(para.text)):
            has_collection = True
        if para.role != "text" or i < header_end:
            continue
        marker = find_marker(para.text)
        if marker is not None:
            seen[marker.family] = max(seen.get(marker.family, 0), marker.value)
            continue
        if not is_title_like(para.text):
            continue
        start = i == first_text or _has_masthead(paras, i)
        if not start and has_collection and _COLLECTION_MEMBER.search(para.text):
            start = True
        if not start and seen:
            start = _numbering_restarts(paras, i, seen)
        if start:
            starts.append(i)
            seen = {}
            header_end = _header(paras, i, len(paras))[2]
    return starts


def _has_masthead(paras: list[Para], i: int) -> bool:
    """A title followed (within a few lines, before any text) by a subtitle, byline or count."""
    for j in range(i + 1, min(i + 4, len(paras))):
        role = paras[j].role
        if role in ("subtitle", "byline", "count"):
            return True
        if role != "text" or not is_title_like(paras[j].text):
            return False
    return False


def _numbering_restarts(paras: list[Para], i: int, seen: dict[str, int]) -> bool:
    """After line ``i`` the top-level numbering begins again at one: a new document."""
    run = [f for f, v in seen.items() if v >= 2 and rank(f) <= rank("一是")]
    if not run:
        return False
    highest = min(rank(f) for f in run)
    for j in range(i + 1, min(i + 1 + _LOOKAHEAD, len(paras))):
        marker = find_marker(paras[j].text) if paras[j].role == "text" else None
        if marker is not None:
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
        body = [p.text for p in paras[body_from:end] if p.role == "text"]
        if body:
            chunks.append(Chunk(title, subtitle, body))
    return chunks
