"""Looking into a phrase bank: listing, searching, one entry with where it is used, counts.

Searching compares folded text (simplified script, one width of punctuation, no blanks), so
“實戰” finds “实战” and "担当,作为" finds “担当，作为”.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from drafter.bank.layers import bank_label
from drafter.bank.linemap import Row, iter_rows, load_line_map
from drafter.bank.schema import KINDS, ORIGINS
from drafter.bank.store import Bank, Entry, load_bank
from drafter.errors import BankError, UsageError
from drafter.text.normalize import fold


@dataclass(frozen=True)
class EntryFilter:
    """Which entries ``list`` shows; ``None`` means any."""

    kind: str | None = None
    dimension: str | None = None
    source: str | None = None  # part of the source file name or document title
    origin: str | None = None
    disabled: bool = False  # only the disabled entries (otherwise only the enabled ones)

    def check(self) -> None:
        if self.kind is not None and self.kind not in KINDS:
            raise UsageError(f"未知的种类“{self.kind}”，可选：{'、'.join(KINDS)}")
        if self.origin is not None and self.origin not in ORIGINS:
            raise UsageError(f"来源类型只能是 {' 或 '.join(ORIGINS)}，而不是“{self.origin}”")

    def accepts(self, entry: Entry) -> bool:
        if entry.disabled != self.disabled:
            return False
        if self.kind is not None and entry.kind != self.kind:
            return False
        if self.dimension is not None and self.dimension not in entry.dimensions:
            return False
        if self.origin is not None and entry.origin != self.origin:
            return False
        if self.source is not None:
            sources = [s for s in (entry.source, *entry.also_in) if s is not None]
            wanted = fold(self.source)
            return any(wanted in fold(f"{s.file} {s.document or ''}") for s in sources)
        return True


def list_entries(bank: Bank, wanted: EntryFilter) -> list[Entry]:
    """The bank's entries that pass ``wanted``, in bank order (kind by kind, file order)."""
    wanted.check()
    return [e for e in bank.all(include_disabled=True) if wanted.accepts(e)]


def search_rows(
    directory: Path, text: str, include_disabled: bool = False
) -> list[tuple[str, Row]]:
    """(kind, row) of the entries whose text (or, for points, body) contains ``text``, folded.

    Reads the bank's line maps rather than its YAML, so a 100k-entry bank answers in well
    under a second once they are cached."""

    key = fold(text)
    if not any(c.isalnum() for c in key):
        raise UsageError("要搜索的文字不能为空（只有标点或空白）")
    if not directory.is_dir():
        raise BankError("素材库目录不存在", path=directory)
    return [
        (kind, row)
        for kind, row in iter_rows(directory)
        if (include_disabled or not row.disabled) and (key in row.key or key in row.body_key)
    ]


def search_layers(
    directories: tuple[Path, ...], text: str, include_disabled: bool = False
) -> list[tuple[str, Entry]]:
    """(bank label, entry) of what ``search_rows`` finds in each bank, the writer's first; an
    entry the writer's bank holds too is shown once, as the writer's."""
    seen: set[str] = set()
    out = []
    for directory in directories:
        for kind, row in search_rows(directory, text, include_disabled):
            entry = row.entry(kind)
            if entry.id not in seen:
                seen.add(entry.id)
                out.append((bank_label(directory), entry))
    return out


def entry_in_layers(
    directories: tuple[Path, ...], entry_id: str, load: Callable[[Path], Bank] = load_bank
) -> tuple[Path, Usage]:
    """The first bank holding ``entry_id`` and the entry's usage there. Which bank holds it is
    read from the line maps, so only that bank is loaded, by ``load`` (the web page passes one
    that keeps banks loaded between views)."""
    for directory in directories[:-1]:
        if any(entry_id in load_line_map(directory, kind)[0].by_id for kind in KINDS):
            return directory, entry_usage(load(directory), entry_id)
    return directories[-1], entry_usage(load(directories[-1]), entry_id)


def search_entries(directory: Path, text: str, include_disabled: bool = False) -> list[Entry]:
    """The entries ``search_rows`` finds."""
    return [row.entry(kind) for kind, row in search_rows(directory, text, include_disabled)]


@dataclass
class Usage:
    """One entry and where the bank uses it."""

    entry: Entry
    siblings: list[Entry] = field(default_factory=list)  # headings of the same sibling set
    patterns: list[Entry] = field(default_factory=list)  # skeletons it fills, or is filled by
    heading: Entry | None = None  # for a point: the heading it stands under
    points: list[Entry] = field(default_factory=list)  # for a heading: its points


def find_entry(bank: Bank, entry_id: str) -> Entry:
    """The entry with ``entry_id``; ``UsageError`` naming the nearest ids otherwise."""
    entries = {e.id: e for e in bank.all(include_disabled=True)}
    if entry_id in entries:
        return entries[entry_id]
    near = difflib.get_close_matches(entry_id, list(entries), n=3, cutoff=0.6)
    hint = f"，是不是：{'、'.join(near)}" if near else ""
    raise UsageError(f"素材库里没有编号为“{entry_id}”的条目{hint}")


def _filled_headings(pattern: Entry) -> set[str]:
    ids = set()
    for slot in pattern.extra.get("slots") or []:
        for filler in (slot.get("fillers") or []) if isinstance(slot, dict) else []:
            if isinstance(filler, dict) and isinstance(filler.get("heading"), str):
                ids.add(filler["heading"])
    return ids


def entry_usage(bank: Bank, entry_id: str) -> Usage:
    """The entry, its sibling set, the skeletons and headings or points it is tied to."""
    entry = find_entry(bank, entry_id)
    usage = Usage(entry)
    headings = bank.entries.get("heading", [])
    patterns = bank.entries.get("heading_pattern", [])
    if entry.kind == "heading":
        group = entry.extra.get("set")
        usage.siblings = [h for h in headings if group and h.extra.get("set") == group]
        usage.patterns = [p for p in patterns if entry.id in _filled_headings(p)]
        key = fold(entry.text)
        usage.points = [
            p
            for p in bank.entries.get("point", [])
            if isinstance(p.extra.get("heading"), str) and fold(p.extra["heading"]) == key
        ]
    elif entry.kind == "heading_pattern":
        # Fillers name sibling headings, or sibling points for a pattern below level 1.
        ids = _filled_headings(entry)
        usage.siblings = [h for h in [*headings, *bank.entries.get("point", [])] if h.id in ids]
    elif entry.kind == "point" and isinstance(entry.extra.get("heading"), str):
        key = fold(entry.extra["heading"])
        usage.heading = next((h for h in headings if fold(h.text) == key), None)
        usage.points = [
            p
            for p in bank.entries.get("point", [])
            if p is not entry
            and isinstance(p.extra.get("heading"), str)
            and fold(p.extra["heading"]) == key
        ]
    return usage


@dataclass
class BankStats:
    by_kind: dict[str, int]
    by_dimension: dict[str, Counter[str]]  # dimension -> kind -> entries
    by_source: Counter[str]  # source file -> entries
    origins: Counter[str]
    disabled: int
    lacking: list[str]  # themes that cannot be drafted in four parts


def bank_stats(bank: Bank, lacking: list[str]) -> BankStats:
    """Counts of the enabled entries by kind, dimension and source file."""
    entries = bank.all()
    by_dimension: dict[str, Counter[str]] = {}
    for entry in entries:
        for dim in entry.dimensions or ["（无）"]:
            by_dimension.setdefault(dim, Counter())[entry.kind] += 1
    return BankStats(
        by_kind={kind: sum(1 for e in entries if e.kind == kind) for kind in KINDS},
        by_dimension=dict(sorted(by_dimension.items(), key=lambda kv: -sum(kv[1].values()))),
        by_source=Counter(e.source.file if e.source else "（用户添加）" for e in entries),
        origins=Counter(e.origin for e in entries),
        disabled=len(bank.all(include_disabled=True)) - len(entries),
        lacking=lacking,
    )
