"""Turning parsed speeches into phrase-bank entries: headings, patterns, points, quotations …

Entries are collected in first-seen order; a text met again adds a source to the entry it
already is. What a speech's text gives besides its structure (quotations and set phrases) is
found by ``material_of``, which a worker process can run beside the parser.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from drafter.bank.lexicon import Lexicon
from drafter.bank.store import KINDS, Entry, Source, entry_id
from drafter.corpus.models import Document, Point
from drafter.mining.quotations import Quotation, find_quotations
from drafter.mining.setphrases import four_char_runs, series
from drafter.text.normalize import fold
from drafter.text.parallel import parallel_group
from drafter.text.skeletons import Skeleton, Slot, skeleton

SPEECH_MIN_PARTS = 2  # a document with fewer parts is no speech, and is not mined
# A part heading that names a dated period ("2025年工作回顾", "“十五五”时期主要目标任务") frames a
# report; it is no material for a new speech, so it is not mined as a heading (its points are).
_FRAME_HEADING = re.compile(
    r"\d{4}\s*年|“?十[一二三四五六七八九]五”?(?:时期|规划|发展|主要|期间)|过去[一二三四五六七八九十]年|今年|明年"
)
_DIGITS_ONLY = re.compile(r"^[\d\s.%％,，、/:：-]*$")
_MAX_ALSO_IN = 10


def is_speech(doc: Document) -> bool:
    return len(doc.parts) >= SPEECH_MIN_PARTS


def speech_texts(doc: Document) -> list[str]:
    """The texts of a speech, in order: opening, each part's lead, body and points, closing."""
    texts = [doc.opening or ""]
    for part in doc.parts:
        texts += [part.lead or "", part.body or ""]
        texts += [f"{p.lead}。{p.body}" for p in part.points]
    texts.append(doc.closing or "")
    return [t for t in texts if t]


@dataclass(frozen=True)
class Material:
    """Quotations and set phrases found in a speech's text."""

    quotations: tuple[Quotation, ...]
    series: tuple[str, ...]
    four_char: tuple[str, ...]


def material_of(doc: Document) -> Material:
    text = "\n".join(speech_texts(doc))
    return Material(tuple(find_quotations(text)), tuple(series(text)), tuple(four_char_runs(text)))


def _one_line(text: str) -> str:
    if "\n" not in text:  # most texts: one line already
        return text.strip()
    return "".join(line.strip() for line in text.split("\n"))


class _Collector:
    """Entries by kind in first-seen order; a repeated text adds a source instead of an entry."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.entries: dict[str, dict[str, Entry]] = {k: {} for k in KINDS}
        self.sources: dict[str, set[Source]] = {}

    def add(
        self, kind: str, text: str, source: Source, dims: list[str] | None = None, **extra: Any
    ) -> Entry | None:
        # A bank value stands on one line of its file: paragraphs of a multi-paragraph text
        # (a closing, a point's body) are joined; each already ends with its own punctuation.
        text = _one_line(text)
        if not text:
            return None
        extra = {k: _one_line(v) if isinstance(v, str) else v for k, v in extra.items()}
        eid = entry_id(kind, text)
        known = self.entries[kind].get(eid)
        if known is not None:
            sources = self.sources[eid]
            if source not in sources:
                sources.add(source)
                # A text found in many speeches lists a few of them and counts the rest.
                if len(known.also_in) < _MAX_ALSO_IN:
                    known.also_in.append(source)
                known.extra["occurrences"] = len(sources)
            return known
        entry = Entry(eid, kind, text, dims or self.lexicon.tag(text), source, extra=dict(extra))
        self.entries[kind][eid] = entry
        self.sources[eid] = {source}
        return entry


def _set_id(prefix: str, parent: str, texts: list[str]) -> str:
    """A sibling set's id: the same siblings under the same parent give the same id."""
    key = "\0".join([fold(parent), *(fold(t) for t in texts)])
    return f"{prefix}-{hashlib.sha1(key.encode()).hexdigest()[:10]}"


def _pattern_of(texts: list[str]) -> Skeleton | None:
    return _pattern_of_siblings(tuple(texts))


# A sibling set met again (the same speech in two files, a heading list every report repeats)
# has the same skeleton; skeletons are frozen, so it is kept.
@lru_cache(maxsize=4096)
def _pattern_of_siblings(texts: tuple[str, ...]) -> Skeleton | None:
    """The skeleton of parallel sibling texts: it has slots, its fixed text is not just numbers
    (never "202…" from a run of years), and a skeleton that is one bare slot ("…", which only
    says the texts are alike in length) needs every sibling in one parallel group."""
    sk = skeleton(list(texts))
    if sk is None or not sk.slots:
        return None
    if sk.anchored() and _DIGITS_ONLY.match(sk.fixed_text):
        return None
    if not sk.fixed_text and len(parallel_group(list(texts))) != len(texts):
        return None
    return sk


def _mine_siblings(
    out: _Collector,
    siblings: tuple[Point, ...],
    parent: str,
    level: int,
    at: Source,
    where: Source,
    form: str | None = None,
) -> None:
    """Point entries for one sibling set (with its level, set id and positions), their own
    children one level down, and the set's skeleton when the siblings are parallel."""
    if not siblings:
        return
    lex = out.lexicon
    set_id = _set_id("ps", parent, [p.lead for p in siblings])
    entries: list[Entry] = []
    for number, point in enumerate(siblings, start=1):
        extra: dict[str, Any] = {"body": point.body, "heading": parent, "level": level}
        extra.update(set=set_id, position=number)
        if form is not None:
            extra["form"] = form
        entry = out.add("point", point.lead, at, lex.tag(point.lead, fallback=parent), **extra)
        if entry is not None:
            entries.append(entry)
        _mine_children(out, point, level + 1, at, where)
    # A pattern's fillers name its set's members: only when every sibling is new here (a text
    # already mined belongs to the set where it was first found).
    if len(siblings) >= 2 and all(e.extra.get("set") == set_id for e in entries):
        sk = _pattern_of([p.lead for p in siblings])
        if sk is not None:
            _add_pattern(out, sk, entries, set_id, where, level)


def _mine_children(out: _Collector, point: Point, level: int, at: Source, where: Source) -> None:
    _mine_siblings(out, point.points, point.lead, level, at, where)
    _mine_siblings(out, point.dashes, point.lead, level, at, where, form="dash")


def _mine_document(doc: Document, out: _Collector, material: Material | None) -> None:
    lex = out.lexicon
    where = Source(doc.source, doc.title)
    if doc.opening:
        out.add("opening", doc.opening.split("\n")[0], where)
    if doc.closing:
        out.add("closing", doc.closing, where)
    headings: list[Entry] = []
    set_id = (
        "hs-"
        + hashlib.sha1("\0".join(fold(p.heading) for p in doc.parts).encode()).hexdigest()[:10]
    )
    for number, part in enumerate(doc.parts, start=1):
        at = Source(doc.source, doc.title, number)
        context = " ".join([part.lead or "", *(p.lead for p in part.points)])
        dims = lex.tag(part.heading, fallback=context)
        heading = (
            None
            if _FRAME_HEADING.search(part.heading)
            else out.add(
                "heading",
                part.heading,
                at,
                dims,
                set=set_id,
                position=number,
                numbering=part.numbering,
                level=1,
            )
        )
        if heading is not None:
            headings.append(heading)
        if part.lead:
            out.add("part_lead", part.lead, at, dims, heading=part.heading, level=1)
        _mine_siblings(out, part.points, part.heading, 2, at, where)
        _mine_siblings(out, part.dashes, part.heading, 2, at, where, form="dash")
    sk = _pattern_of([p.heading for p in doc.parts])
    if (
        sk is not None
        and len(headings) == len(doc.parts)
        and all(h.extra.get("set") == set_id for h in headings)
    ):
        _add_pattern(out, sk, headings, set_id, where, 1)
    found = material if material is not None else material_of(doc)
    for quote in found.quotations:
        out.add(
            "quotation",
            quote.text,
            where,
            speaker=quote.speaker,
            verb=quote.verb,
            quoted=quote.quoted,
        )
    for phrase in found.series:
        out.add("phrase", phrase, where, form="series")
    for phrase in found.four_char:
        out.add("phrase", phrase, where, form="four_char")


def _add_pattern(
    out: _Collector, sk: Skeleton, headings: list[Entry], set_id: str, where: Source, level: int
) -> None:
    """The skeleton of a parallel sibling set (headings at level 1, points below); a filler's
    ``heading`` names the sibling entry (a heading or, below level 1, a point) it comes from."""
    display = sk.display()
    dims: list[str] = []
    for h in headings:
        dims += [d for d in h.dimensions[:1] if d not in dims]
    slots = [_slot_dict(s, headings) for s in sk.slots]
    pieces = [p if isinstance(p, str) else {"slot": p.index} for p in sk.pieces]
    eid = entry_id("heading_pattern", display)
    known = out.entries["heading_pattern"].get(eid)
    if known is None:
        out.entries["heading_pattern"][eid] = Entry(
            eid,
            "heading_pattern",
            display,
            dims,
            where,
            extra={
                "pieces": pieces,
                "anchored": sk.anchored(),
                "slots": slots,
                "sets": [set_id],
                "level": level,
            },
        )
        return
    # The same skeleton in another speech: its fillers enlarge the pattern's material.
    if len(known.also_in) < _MAX_ALSO_IN and where != known.source and where not in known.also_in:
        known.also_in.append(where)
    if set_id in known.extra["sets"]:
        return
    known.extra["sets"].append(set_id)
    # One skeleton found at several levels is one pattern; it records the highest (smallest).
    known.extra["level"] = min(known.extra.get("level", level), level)
    known.dimensions += [d for d in dims if d not in known.dimensions]
    for mine, theirs in zip(known.extra["slots"], slots, strict=True):
        mine["min"] = min(mine["min"], theirs["min"])
        mine["max"] = max(mine["max"], theirs["max"])
        mine["fillers"] += [f for f in theirs["fillers"] if f not in mine["fillers"]]


def _slot_dict(slot: Slot, headings: list[Entry]) -> dict[str, Any]:
    fillers = [
        {"text": text, "heading": h.id, "dimension": h.dimensions[0]}
        for text, h in zip(slot.fillers, headings, strict=False)
    ]
    return {"slot": slot.index, "min": slot.min_len, "max": slot.max_len, "fillers": fillers}


def mine_documents(
    documents: Iterable[Document],
    lexicon: Lexicon,
    materials: Sequence[Material | None] | None = None,
) -> dict[str, list[Entry]]:
    """Bank entries, by kind, from speeches (documents with at least two parts); ``materials``,
    when given, holds each document's ``material_of`` (or None, to find it here)."""
    out = _Collector(lexicon)
    for number, doc in enumerate(documents):
        if is_speech(doc):
            _mine_document(doc, out, materials[number] if materials is not None else None)
    return {kind: list(found.values()) for kind, found in out.entries.items()}
