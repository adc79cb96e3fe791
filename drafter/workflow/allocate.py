"""Allocation: the briefs of one meeting drafted so that no two share a part heading, a
sub-point (or part lead) or a quotation, as far as the bank allows.

Briefs are allocated one after another, in brief order. Each is first drafted as it would be
alone; when that draft takes nothing an earlier brief of its meeting took, it stands. Otherwise
it is drafted again with the meeting's material avoided: everything the earlier briefs took,
then their headings and quotations only (sub-points may repeat), then their sub-points and
quotations only (headings may repeat). When even that cannot be drafted the bank has run out:
the draft made alone stands, and names what it shares and with whom.

A try that could not be drafted for three briefs of the same shape (theme, parts, points,
detail, own ``avoid``) in a meeting is not made again for the later ones: the meeting has used
up what the bank holds for them, and a batch of thousands of briefs on a few themes stays fast.

Everything here depends only on the briefs before a brief, the bank and the seeds, never on
which files exist or how many processes draft: a run and a resumed run allocate alike. What a
brief took (``Allocation.used``) is kept in the manifest, so a later run knows what its
unchanged briefs hold without drafting them again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from drafter.drafting.composer import compose
from drafter.drafting.index import BankIndex
from drafter.drafting.model import Avoid, Draft, DraftRequest
from drafter.errors import DraftError
from drafter.text.normalize import fold_normalized

# The kinds of material a meeting keeps apart; a part lead (分部引言) counts with the sub-points.
KINDS = ("heading", "point", "quotation")
# What each try avoids, in order; the last resort, the draft made alone, avoids nothing.
LEVELS: tuple[tuple[str, ...], ...] = (KINDS, ("heading", "quotation"), ("point", "quotation"))
LABELS = {"heading": "分部标题", "lead": "分部引言", "point": "要点", "quotation": "引语"}
_GIVE_UP = 3  # failures of a try, for briefs of one shape, after which it is no longer made
_NOTE_ITEMS = 5  # shared items named in a note (the manifest names them all)
_NOTE_TEXT = 24  # characters of a shared text quoted in a note

Used = dict[str, tuple[frozenset[str], frozenset[str]]]  # kind -> (entry ids, folded texts)


@dataclass(frozen=True)
class Item:
    """One piece of a draft a meeting keeps apart: its kind, its text as shown, and the entry
    id (if any) and folded text by which it is recognised."""

    kind: str  # heading, lead, point or quotation
    text: str
    entry: str | None
    key: str | None


@dataclass(frozen=True)
class Taken:
    """An item an earlier brief of the meeting took first."""

    kind: str
    text: str
    entry: str | None
    brief: str

    def to_dict(self) -> dict[str, str]:
        """Kind, the earlier brief, the bank entry's id when there is one, and the text of a
        heading or sub-point (a part lead or quotation is long: its text only without an id)."""
        out = {"kind": self.kind, "brief": self.brief}
        if self.entry is not None:
            out["id"] = self.entry
        if self.entry is None or self.kind in ("heading", "point"):
            out["text"] = self.text
        return out


def _quotation(opening: str) -> str:
    """The quotation an opening starts with (speaker, colon and the quoted words)."""
    head, mark, _ = opening.partition("”")
    return head + mark if mark else opening


def _heading_entry(source: dict[str, Any]) -> str | None:
    """The bank entry a part heading is (or whose aspect it states); none for a heading built
    from a skeleton, which is recognised by its text."""
    aspect = source.get("aspect")
    if isinstance(aspect, dict) and isinstance(aspect.get("id"), str):
        return str(aspect["id"])
    if source.get("kind") in ("pattern", "clauses", "user"):
        return None
    value = source.get("id")
    return value if isinstance(value, str) else None


def _entry(source: dict[str, Any] | None) -> str | None:
    """The bank entry a line is; none for a lead taken from a sub-point's body (``field``),
    which is another text than the entry's own and is recognised by its text."""
    if not source or "field" in source:
        return None
    value = source.get("id")
    return value if isinstance(value, str) else None


def items_of(draft: Draft) -> list[Item]:
    """What a draft holds that a meeting keeps apart, in the order a reader meets it."""
    out: list[Item] = []
    entry = _entry(draft.opening_source)
    if entry is not None:
        out.append(Item("quotation", _quotation(draft.opening), entry, None))
    for part in draft.parts:
        out.append(
            Item(
                "heading", part.heading, _heading_entry(part.source), fold_normalized(part.heading)
            )
        )
        if part.lead:
            out.append(
                Item("lead", part.lead, _entry(part.lead_source), fold_normalized(part.lead))
            )
        for point in part.points:
            out.append(Item("point", point.lead, _entry(point.source), fold_normalized(point.lead)))
    return out


def used_of(items: Iterable[Item]) -> Used:
    ids: dict[str, set[str]] = {k: set() for k in KINDS}
    texts: dict[str, set[str]] = {k: set() for k in KINDS}
    for item in items:
        kind = "point" if item.kind == "lead" else item.kind
        if item.entry is not None:
            ids[kind].add(item.entry)
        if item.key:
            texts[kind].add(item.key)
    return {k: (frozenset(ids[k]), frozenset(texts[k])) for k in KINDS}


def used_to_dict(used: Used) -> dict[str, dict[str, list[str]]]:
    return {k: {"ids": sorted(used[k][0]), "texts": sorted(used[k][1])} for k in KINDS}


def used_from_dict(data: Any) -> Used | None:
    """``used`` read back from a manifest; ``None`` for anything not shaped like it."""
    if not isinstance(data, dict):
        return None
    out: Used = {}
    for kind in KINDS:
        entry = data.get(kind)
        if not isinstance(entry, dict):
            return None
        pair = []
        for name in ("ids", "texts"):
            values = entry.get(name)
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                return None
            pair.append(frozenset(values))
        out[kind] = (pair[0], pair[1])
    return out


def shape_of(request: DraftRequest) -> str:
    """What decides whether the bank still has distinct material for a brief: the same for
    briefs that differ only in seed, title, speaker, occasion or keywords."""
    avoid = request.avoid
    data = [
        request.theme,
        request.parts,
        request.points,
        request.detail,
        request.length,
        [sorted(avoid.ids), sorted(avoid.texts), sorted(avoid.words)],
    ]
    return json.dumps(data, ensure_ascii=False)


@dataclass
class Allocation:
    """How one brief was allocated: its draft (``None`` when taken from a manifest), what it
    took, what it steered clear of, what it still shares, and the tries the bank could not
    satisfy (``exhausted``: indexes into ``LEVELS``)."""

    draft: Draft | None
    used: Used
    avoided: list[Taken] = field(default_factory=list)
    shared: list[Taken] = field(default_factory=list)
    exhausted: tuple[int, ...] = ()

    def to_dict(self, meeting: str | None) -> dict[str, Any]:
        """The manifest's ``allocation`` of a brief."""
        return {
            "meeting": meeting,
            "avoided": [t.to_dict() for t in self.avoided],
            "shared": [t.to_dict() for t in self.shared],
            "used": used_to_dict(self.used),
            "exhausted": list(self.exhausted),
        }

    @classmethod
    def from_dict(cls, data: Any) -> Allocation | None:
        """What a manifest says a brief took, for the briefs after it; ``None`` if unusable."""
        if not isinstance(data, dict):
            return None
        used = used_from_dict(data.get("used"))
        exhausted = data.get("exhausted")
        if used is None or not isinstance(exhausted, list):
            return None
        if not all(isinstance(n, int) and 0 <= n < len(LEVELS) for n in exhausted):
            return None
        return cls(None, used, exhausted=tuple(exhausted))

    def notes(self, meeting: str | None) -> list[str]:
        """A remark naming what the draft shares, when the bank could not keep it apart."""
        if not self.shared:
            return []

        def short(text: str) -> str:
            return text if len(text) <= _NOTE_TEXT else text[: _NOTE_TEXT - 1] + "…"

        named = [
            f"{LABELS[t.kind]}“{short(t.text)}”（同“{t.brief}”）" for t in self.shared[:_NOTE_ITEMS]
        ]
        more = f"等 {len(self.shared)} 处" if len(self.shared) > _NOTE_ITEMS else ""
        where = f"会议“{meeting}”" if meeting is not None else "本批"
        return [
            f"素材库不够让{where}的发言互不重复，这份草稿与前面的简报共用了{'、'.join(named)}{more}"
        ]


class Meeting:
    """What the briefs of one meeting have taken so far, and by whom."""

    def __init__(self, key: str | None) -> None:
        self.key = key
        self.ids: dict[str, set[str]] = {k: set() for k in KINDS}
        self.texts: dict[str, set[str]] = {k: set() for k in KINDS}
        # kind -> entry id or folded text -> the brief that took it first
        self.owners: dict[str, dict[str, str]] = {k: {} for k in KINDS}
        self.failures: dict[str, list[int]] = {}  # shape -> failures per level

    def avoid(self, kinds: Iterable[str]) -> Avoid:
        ids: set[str] = set()
        texts: set[str] = set()
        for kind in kinds:
            ids |= self.ids[kind]
            texts |= self.texts[kind]
        return Avoid(frozenset(ids), frozenset(texts))

    def clashes(self, items: Iterable[Item]) -> list[Taken]:
        """The items an earlier brief of the meeting took as the same kind (a heading as a
        heading, a sub-point or part lead as either), each named once. A heading is the same
        when its text is: one worded otherwise from the same entry is avoided, not shared."""
        out: list[Taken] = []
        seen: set[tuple[str, str]] = set()
        for item in items:
            owners = self.owners["point" if item.kind == "lead" else item.kind]
            by_entry = item.entry is not None and item.kind != "heading"
            owner = owners.get(item.entry) if by_entry and item.entry is not None else None
            if owner is None and item.key:
                owner = owners.get(item.key)
            if owner is not None and (item.kind, item.text) not in seen:
                seen.add((item.kind, item.text))
                out.append(Taken(item.kind, item.text, item.entry, owner))
        return out

    def take(self, brief: str, shape: str, allocation: Allocation) -> None:
        for kind in KINDS:
            ids, texts = allocation.used[kind]
            self.ids[kind] |= ids
            self.texts[kind] |= texts
            owners = self.owners[kind]
            for key in (*texts, *(ids if kind != "heading" else ())):
                owners.setdefault(key, brief)
        if allocation.exhausted:
            counts = self.failures.setdefault(shape, [0] * len(LEVELS))
            for level in allocation.exhausted:
                counts[level] += 1

    def given_up(self, shape: str) -> set[int]:
        """The tries no longer made for briefs of this shape: the bank has run out for them."""
        counts = self.failures.get(shape, ())
        return {level for level, n in enumerate(counts) if n >= _GIVE_UP}


def allocate(
    index: BankIndex,
    meeting: Meeting,
    brief: str,
    request: DraftRequest,
    alone: Draft | None = None,
) -> Allocation:
    """Draft one brief of a meeting, kept apart from what the earlier briefs took, and record
    what it took; a ``DraftError`` when the brief cannot be drafted even alone. ``alone`` is
    its draft as if alone, when that was composed already (by a worker process)."""
    if alone is None:
        alone = compose(index, request)
    items = items_of(alone)
    clash = meeting.clashes(items)
    shape = shape_of(request)
    allocation = Allocation(alone, used_of(items))
    if clash:
        skip = meeting.given_up(shape)
        failed: list[int] = []
        chosen = alone
        for level, kinds in enumerate(LEVELS):
            if level in skip:
                continue
            try:
                chosen = compose(
                    index, replace(request, avoid=request.avoid | meeting.avoid(kinds))
                )
            except DraftError:
                failed.append(level)
                continue
            break
        if chosen is not alone:
            items = items_of(chosen)
        shared = meeting.clashes(items)
        still = set(shared)
        avoided = [t for t in clash if t not in still]
        allocation = Allocation(chosen, used_of(items), avoided, shared, tuple(failed))
    meeting.take(brief, shape, allocation)
    return allocation


def allocate_all(
    index: BankIndex, briefs: Iterable[tuple[str, str | None, DraftRequest]]
) -> Iterator[tuple[str, Allocation | DraftError]]:
    """Every brief ``(id, meeting, request)`` allocated in the order given, meeting by meeting
    (``None``: the briefs that name no meeting); a brief that cannot be drafted gives its
    ``DraftError`` and takes nothing."""
    meetings: dict[str | None, Meeting] = {}
    for brief, key, request in briefs:
        meeting = meetings.setdefault(key, Meeting(key))
        try:
            yield brief, allocate(index, meeting, brief, request)
        except DraftError as exc:
            yield brief, exc
