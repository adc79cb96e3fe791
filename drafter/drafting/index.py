"""The bank as drafting reads it: compact records by kind and dimension, cached between runs.

Reading a large bank's YAML takes seconds; drafting needs a fraction of it. The first run builds
an index (texts polished, entries grouped by dimension, heading clauses pre-split) and stores it
with ``marshal`` in the user's cache folder, keyed by the bank files' size and modification time
and by the source of the modules that shape it. Later runs load that in milliseconds, without
importing YAML at all.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import marshal
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from drafter import __version__
from drafter.bank.layers import bank_label
from drafter.bank.layout import bank_files, bank_version, config_paths
from drafter.bank.lexicon import OTHER, Lexicon, parse_lexicon
from drafter.bank.schema import KINDS
from drafter.bank.themes import ThemeBook, parse_themes
from drafter.drafting.relevance import Relevance, build_relevance, empty_relevance
from drafter.errors import BankError
from drafter.files.cache import cache_dir, code_stamp, stamp_files, store_marshal
from drafter.files.yamlio import load_yaml
from drafter.text.normalize import fold_normalized, polish
from drafter.text.skeletons import split_clauses_marked

if TYPE_CHECKING:
    from random import Random

    from drafter.bank.store import Entry

_FORMAT = 5  # bump when the cached shape changes
_GIST = 100  # characters of a point's body kept in the main index: what an aspect is about
# The kinds a draft uses (set phrases and openings are for writers to browse, not for drafts;
# the index reads a fifth less without them).
_DRAFTED = tuple(k for k in KINDS if k not in ("phrase", "opening"))


class Rec(NamedTuple):
    """One enabled bank entry, with its text polished for output and its comparison key."""

    id: str
    kind: str
    text: str
    dims: tuple[str, ...]
    file: str | None
    document: str | None
    part: int | None
    info: dict[str, Any]  # kind-specific: heading, speaker, verb, pieces, slots, gist …

    @property
    def key(self) -> str:
        """Equal for texts that differ only in punctuation or blanks (computed on demand:
        storing it would double the cache for the few entries a draft compares)."""
        return fold_normalized(self.text)

    def source(self) -> dict[str, Any]:
        out = {
            "id": self.id,
            "kind": self.kind,
            "file": self.file,
            "document": self.document,
            "part": self.part,
        }
        if "bank" in self.info:  # drafted from several banks: which one
            out["bank"] = self.info["bank"]
        return out


class Clause(NamedTuple):
    """A clause of a bank heading, for filling a whole-clause slot of a heading pattern."""

    text: str
    dim: str
    heading: str  # id of the heading it comes from
    position: str  # "first", "middle", "last" or "only"


@dataclass
class BankIndex:
    """Rows are kept as plain tuples and turned into ``Rec`` only when a draft looks at them:
    a draft reads a few thousand of a large bank's entries, not all of them."""

    directory: Path  # the first (the writer's) of the banks it reads
    version: str
    rows: dict[str, list[tuple[Any, ...]]]
    by_dim: dict[str, dict[str, list[int]]]  # kind -> dimension -> positions in rows[kind]
    by_heading: dict[str, list[int]]  # folded heading text -> positions of its points
    heading_ids: dict[str, str]  # heading text -> id
    heading_at: dict[str, int]  # heading id -> position
    clause_rows: list[tuple[Any, ...]]
    clause_groups: dict[tuple[int, str, str], list[int]]  # (length, position, dim) -> clauses
    lexicon: Lexicon
    themes: ThemeBook
    sets: list[tuple[str, int, str, list[int]]]  # sibling sets: (id, level, kind, positions)
    leads_by_heading: dict[str, list[int]]  # folded heading text -> its part leads
    relevance_data: dict[str, Any]
    bodies_file: Path | None = None
    bodies: dict[str, str] | None = None  # point id -> body, read on first use
    cache_key: str = ""
    memo: dict[Any, Any] = field(default_factory=dict)  # derived structures drafts share
    layers: tuple[Path, ...] = ()  # every bank it reads, the writer's first

    def of(self, kind: str, dim: str | None = None) -> list[Rec]:
        rows = self.rows.get(kind, [])
        if dim is None:
            return [Rec(*r) for r in rows]
        return [Rec(*rows[i]) for i in self.by_dim.get(kind, {}).get(dim, [])]

    def sample(self, kind: str, dim: str | None, size: int, rng: Random) -> list[Rec]:
        """At most ``size`` entries of ``kind`` (for ``dim``), drawn with ``rng`` when there
        are more: on a large bank a draft weighs a fair sample, not every entry."""
        rows = self.rows.get(kind, [])
        at: Sequence[int] = (
            range(len(rows)) if dim is None else self.by_dim.get(kind, {}).get(dim, [])
        )
        if len(at) > size:
            at = sorted(rng.sample(at, size))
        return [Rec(*rows[i]) for i in at]

    def count(self, kind: str, dim: str | None = None) -> int:
        if dim is None:
            return len(self.rows.get(kind, []))
        return len(self.by_dim.get(kind, {}).get(dim, []))

    @property
    def relevance(self) -> Relevance:
        key = "relevance"
        if key not in self.memo:
            self.memo[key] = Relevance(self.relevance_data, self._text_of)
        rel: Relevance = self.memo[key]
        return rel

    def _text_of(self, kind: str, at: int, framed: bool = False) -> str:
        """An entry's text, optionally with what frames it (its speech's title, the heading
        above it)."""
        row = self.rows[kind][at]
        info = row[7]
        text = f"{row[2]} {info.get('gist') or ''}"
        return f"{row[5] or ''} {info.get('heading') or ''} {text}" if framed else text

    def row(self, kind: str, at: int) -> Rec:
        return Rec(*self.rows[kind][at])

    def part_leads_of(self, key: str) -> list[Rec]:
        rows = self.rows.get("part_lead", [])
        return [Rec(*rows[i]) for i in self.leads_by_heading.get(key, [])]

    def heading(self, heading_id: str) -> Rec | None:
        at = self.heading_at.get(heading_id)
        return Rec(*self.rows["heading"][at]) if at is not None else None

    def points_of_heading(self, key: str) -> list[Rec]:
        rows = self.rows.get("point", [])
        return [Rec(*rows[i]) for i in self.by_heading.get(key, [])]

    def clause_positions(self, length: int, position: str, dim: str) -> list[int]:
        return self.clause_groups.get((length, position, dim), [])

    def clause(self, at: int) -> Clause:
        return Clause(*self.clause_rows[at])

    def body(self, entry_id: str) -> str:
        """A point's full body (kept out of the main index: outlines do not print it)."""
        if self.bodies is None:
            loaded: Any = None
            if self.bodies_file is not None:
                with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
                    loaded = marshal.loads(self.bodies_file.read_bytes())
            if isinstance(loaded, dict) and loaded.get("key") == self.cache_key:
                self.bodies = loaded["bodies"]
            else:  # the side file is missing or from another bank version: read the YAML
                self.bodies = build_index(self.directory, *self.layers[1:])[0].bodies or {}
        return self.bodies.get(entry_id, "")


def clause_position(index: int, count: int) -> str:
    if count == 1:
        return "only"
    return "first" if index == 0 else "last" if index == count - 1 else "middle"


def _record(entry: Entry, bodies: dict[str, str], bank: str | None = None) -> tuple[Any, ...]:
    info: dict[str, Any] = {"bank": bank} if bank else {}
    for key, value in entry.extra.items():
        if key == "body" and isinstance(value, str):
            bodies[entry.id] = polish(value)
            info["gist"] = bodies[entry.id][:_GIST]
        elif key == "heading" and isinstance(value, str):
            info[key] = polish(value)
        else:
            info[key] = value
    src = entry.source
    # Interned, the strings many entries share are stored once in the marshal cache.
    return (
        entry.id,
        sys.intern(entry.kind),
        polish(entry.text),
        tuple(sys.intern(d) for d in entry.dimensions) or (OTHER,),
        sys.intern(src.file) if src else None,
        sys.intern(src.document) if src and src.document else None,
        src.part if src else None,
        _plain(info),
    )


def _plain(value: Any) -> Any:
    """Builtin types only (marshal cannot store the YAML loader's dict subclass)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _clauses(headings: list[tuple[Any, ...]], lexicon: Lexicon) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for row in headings:
        rec = Rec(*row)
        parts = split_clauses_marked(rec.text)[::2]  # the clauses, without their marks
        for i, part in enumerate(parts):
            # Only plain clauses: quoted metaphors belong to their frame, not to a free slot.
            if 2 <= len(part) <= 16 and all("\u3400" <= c <= "\u9fff" for c in part):
                tags = lexicon.tag(part)
                dim = tags[0] if tags[0] != OTHER else rec.dims[0]
                out.append((part, dim, rec.id, clause_position(i, len(parts))))
    return out


def _groups(
    rows: dict[str, list[tuple[Any, ...]]], clauses: list[tuple[Any, ...]]
) -> dict[str, Any]:
    """The lookups a draft needs, computed once when the index is built."""
    by_dim: dict[str, dict[str, list[int]]] = {}
    for kind, recs in rows.items():
        groups: dict[str, list[int]] = {}
        for i, row in enumerate(recs):
            for dim in row[3]:
                groups.setdefault(dim, []).append(i)
        by_dim[kind] = groups
    by_heading: dict[str, list[int]] = {}
    for i, row in enumerate(rows["point"]):
        heading = row[7].get("heading")
        if isinstance(heading, str):
            by_heading.setdefault(fold_normalized(heading), []).append(i)
    clause_groups: dict[tuple[int, str, str], list[int]] = {}
    for i, (text, dim, _, position) in enumerate(clauses):
        clause_groups.setdefault((len(text), position, dim), []).append(i)
    leads: dict[str, list[int]] = {}
    for i, row in enumerate(rows["part_lead"]):
        heading = row[7].get("heading")
        if isinstance(heading, str):
            leads.setdefault(fold_normalized(heading), []).append(i)
    return {
        "sets": _sibling_sets(rows),
        "leads_by_heading": leads,
        "by_dim": by_dim,
        "by_heading": by_heading,
        "heading_ids": {row[2]: row[0] for row in rows["heading"]},
        "heading_at": {row[0]: i for i, row in enumerate(rows["heading"])},
        "clause_groups": clause_groups,
    }


def _sibling_sets(rows: dict[str, list[tuple[Any, ...]]]) -> list[tuple[str, int, str, list[int]]]:
    """Headings and sub-points grouped with their siblings. A bank mined before sets were
    recorded for sub-points groups them by the heading they stand under, document by document."""
    found: dict[tuple[str, str], tuple[int, list[int]]] = {}
    for kind, default_level in (("heading", 1), ("point", 2)):
        for i, row in enumerate(rows.get(kind, [])):
            info = row[7]
            key = info.get("set")
            if not isinstance(key, str):
                if kind == "heading" or not isinstance(info.get("heading"), str):
                    continue  # a lone entry, such as a point a writer added by itself
                where = f"{row[4]}|{row[5]}|{info.get('heading')}"
                key = "ps-" + hashlib.sha1(where.encode()).hexdigest()[:10]
            level = info.get("level")
            level = level if isinstance(level, int) else default_level
            found.setdefault((kind, key), (level, []))[1].append(i)
    return [(key, level, kind, at) for (kind, key), (level, at) in found.items() if len(at) >= 2]


def build_index(directory: Path, *more: Path) -> tuple[BankIndex, dict[str, Any]]:
    """Read and check the bank's YAML (of ``directory`` and then of ``more`` banks, the first
    holding an entry keeping it); the index and its cacheable form."""
    lexicon_path, themes_path = config_paths(directory)
    # Checked as read (errors keep their line numbers); cached as plain data.
    lexicon_raw = load_yaml(lexicon_path)
    lexicon = parse_lexicon(lexicon_raw, lexicon_path)
    themes_raw = load_yaml(themes_path)
    themes = parse_themes(themes_raw, themes_path, set(lexicon.names))
    lexicon_data, themes_data = _plain(lexicon_raw), _plain(themes_raw)
    from drafter.bank.store import load_bank  # reading the YAML: only when the cache is stale

    layers = (directory, *more)
    banks = [load_bank(d) for d in layers]
    bodies: dict[str, str] = {}
    rows: dict[str, list[tuple[Any, ...]]] = {kind: [] for kind in _DRAFTED}
    earlier: set[tuple[str, str]] = set()  # what the banks before this one hold
    for folder, bank in zip(layers, banks, strict=True):
        label = bank_label(folder) if more else None
        held: set[tuple[str, str]] = set()
        for kind in _DRAFTED:
            for entry in bank.entries[kind]:
                # The writer's own bank comes first: its edit of an entry, or its disabling
                # of it, stands for the entry in the banks after it. Within one bank, every
                # enabled entry counts, as it always has.
                ids = {(kind, entry.id), (kind, fold_normalized(entry.text))} if more else set()
                if not ids & earlier and not entry.disabled:
                    rows[kind].append(_record(entry, bodies, label))
                held |= ids
        earlier |= held
    clauses = _clauses(rows["heading"], lexicon)
    relevance = build_relevance(rows, bodies) if any(rows.values()) else empty_relevance()
    data = {
        "version": "+".join(bank_version(d) for d in layers),
        "rows": rows,
        "clause_rows": clauses,
        **_groups(rows, clauses),
        "lexicon": lexicon_data,
        "themes": themes_data,
        "relevance": relevance,
    }
    index = _from_data(directory, data, lexicon, themes)
    index.bodies, index.layers = bodies, layers
    return index, {**data, "bodies": bodies}


def _from_data(
    directory: Path, data: dict[str, Any], lexicon: Lexicon, themes: ThemeBook
) -> BankIndex:
    return BankIndex(
        directory,
        data["version"],
        data["rows"],
        data["by_dim"],
        data["by_heading"],
        data["heading_ids"],
        data["heading_at"],
        data["clause_rows"],
        data["clause_groups"],
        lexicon,
        themes,
        [(str(a), int(b), str(c), list(d)) for a, b, c, d in data["sets"]],
        data["leads_by_heading"],
        data["relevance"],
    )


# The modules whose code shapes the index: an edited checkout is not served an index built by
# older code.
_SHAPING = (
    __name__,
    "drafter.bank.layout",
    "drafter.bank.lexicon",
    "drafter.bank.schema",
    "drafter.bank.store",
    "drafter.bank.themes",
    "drafter.drafting.relevance",
    "drafter.text.normalize",
    "drafter.text.words",
    "drafter.text.skeletons",
)


def _cache_key(layers: tuple[Path, ...]) -> str | None:
    code = code_stamp(*_SHAPING)
    if code is None:
        return None
    where = "\0".join(str(d.resolve()) for d in layers)
    stamp = hashlib.sha1(f"{_FORMAT}\0{__version__}\0{code}\0{where}".encode())
    files = [f for d in layers for f in bank_files(d)]
    stamp_files(stamp, [*files, *config_paths(layers[0])])
    return stamp.hexdigest()


# Indexes this process has loaded, by cache key: a process that drafts again from the same bank
# (a batch, the web page, the tests) reads it once. The key changes with any bank file.
_LOADED: dict[str, BankIndex] = {}
_LOADED_MAX = 4


def load_index(directory: Path, *more: Path) -> BankIndex:
    """The drafting index of the bank in ``directory`` (with the ``more`` banks after it, a
    writer's own bank before the bundled one), from the cache when it is current."""
    layers = (directory, *more)
    for bank in layers:
        if not bank.is_dir():
            raise BankError("素材库目录不存在", path=bank)
    folder = cache_dir()
    key = _cache_key(layers) if folder else None
    if key is not None and key in _LOADED:
        return _LOADED[key]
    index = _load_index(layers, folder, key)
    if key is not None:
        if len(_LOADED) >= _LOADED_MAX:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[key] = index
    return index


def _load_index(layers: tuple[Path, ...], folder: Path | None, key: str | None) -> BankIndex:
    directory = layers[0]
    cached = folder / f"bank-{key[:20]}.marshal" if folder and key else None
    bodies = folder / f"bank-{key[:20]}.bodies.marshal" if folder and key else None
    # Loading builds hundreds of thousands of small objects at once; the cyclic collector
    # would walk them again and again (two thirds of the load time on a 100k-entry bank).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        if cached is not None and key is not None:
            with contextlib.suppress(OSError, EOFError, ValueError, TypeError, KeyError):
                data = marshal.loads(cached.read_bytes())
                if isinstance(data, dict) and data.get("key") == key:
                    lexicon_path, themes_path = config_paths(directory)
                    lexicon = parse_lexicon(data["lexicon"], lexicon_path)
                    themes = parse_themes(data["themes"], themes_path, set(lexicon.names))
                    index = _from_data(directory, data, lexicon, themes)
                    index.bodies_file, index.cache_key, index.layers = bodies, key, layers
                    return index
        index, data = build_index(*layers)
        if cached is not None and bodies is not None and key is not None:
            store_marshal(bodies, {"key": key, "bodies": data.pop("bodies")})
            store_marshal(cached, {**data, "key": key})
        return index
    finally:
        # The index lives as long as the command: moved out of the collector's generations,
        # it is not walked again on every collection while the draft is composed. Its data
        # has no reference cycles, so reference counting still frees it.
        gc.freeze()
        if was_enabled:
            gc.enable()
