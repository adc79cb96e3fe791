"""How the bank page shows entries: the match marked in the text, and an entry's fields as the
templates use them. Nothing here builds HTML from unescaped text: every piece is escaped
first, and only the ``<mark>`` around a match is markup of ours."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from drafter.bank.query import Usage
from drafter.bank.schema import KINDS
from drafter.bank.store import Entry, Source
from drafter.text.normalize import fold

KIND_NAMES = {kind: what.split("（")[0] for kind, (_, _, what) in KINDS.items()}
SHOWN = 200  # search results on one page; the count says how many there were in all


def _spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where ``query`` occurs in ``text`` the way the bank's search compares them (folded:
    simplified, one width of punctuation, no blanks), as spans of the original text."""
    key = fold(query)
    if not key:
        return []
    folded: list[str] = []
    owner: list[int] = []  # the original character each folded character came from
    for i, char in enumerate(text):
        for piece in fold(char):
            folded.append(piece)
            owner.append(i)
    joined = "".join(folded)
    spans, start = [], joined.find(key)
    while start >= 0:
        end = start + len(key)
        spans.append((owner[start], owner[end - 1] + 1))
        start = joined.find(key, end)
    return spans


def highlight(text: str, query: str) -> Markup:
    """``text`` escaped, with each match of ``query`` in ``<mark>``."""
    out, at = [], 0
    for start, end in _spans(text, query):
        out += [escape(text[at:start]), Markup("<mark>"), escape(text[start:end])]
        out.append(Markup("</mark>"))
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


def source_text(source: Source | None) -> str:
    if source is None:
        return "用户添加"
    parts = [source.file]
    if source.document:
        parts.append(f"《{source.document}》")
    if source.part is not None:
        parts.append(f"第 {source.part} 部分")
    return " ".join(parts)


@dataclass
class EntryView:
    """One entry as a template shows it."""

    id: str
    kind: str
    kind_name: str
    text: str
    dimensions: list[str]
    origin: str
    disabled: bool
    sources: list[str]
    bank: str = ""
    marked: Markup = field(default_factory=Markup)
    body: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def view(entry: Entry, bank: str = "", query: str = "") -> EntryView:
    body = entry.extra.get("body")
    return EntryView(
        entry.id,
        entry.kind,
        KIND_NAMES.get(entry.kind, entry.kind),
        entry.text,
        list(entry.dimensions),
        entry.origin,
        entry.disabled,
        [source_text(entry.source), *(source_text(s) for s in entry.also_in)],
        bank,
        highlight(entry.text, query) if query else escape(entry.text),
        body if isinstance(body, str) else None,
        {k: v for k, v in entry.extra.items() if k in ("heading", "speaker", "set", "position")},
    )


@dataclass
class UsageView:
    entry: EntryView
    siblings: list[EntryView]
    patterns: list[EntryView]
    heading: EntryView | None
    points: list[EntryView]


def usage_view(usage: Usage, bank: str) -> UsageView:
    return UsageView(
        view(usage.entry, bank),
        [view(e) for e in usage.siblings],
        [view(e) for e in usage.patterns],
        view(usage.heading) if usage.heading is not None else None,
        [view(e) for e in usage.points[:SHOWN]],
    )
