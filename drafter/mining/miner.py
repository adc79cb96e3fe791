"""Mining speeches into phrase-bank entries, and merging them with what a user keeps by hand."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from drafter.bank.fileedit import BUSY, LOCK_NAME, LOCK_WAIT
from drafter.bank.lexicon import LEXICON_FILE, Lexicon, load_lexicon
from drafter.bank.store import KINDS, Entry, Source, entry_id, read_kind, write_kind
from drafter.bank.themes import THEMES_FILE
from drafter.corpus.models import Document, FileFailure, Point
from drafter.corpus.parse import parse_file
from drafter.errors import InputError, UsageError
from drafter.files.locking import folder_lock
from drafter.files.yamlio import load_yaml
from drafter.mining.quotations import find_quotations
from drafter.mining.setphrases import four_char_runs, series
from drafter.text.normalize import fold
from drafter.text.parallel import parallel_group
from drafter.text.skeletons import Skeleton, Slot, skeleton
from drafter.workspace import bundled

_SPEECH_MIN_PARTS = 2
# A part heading that names a dated period ("2025年工作回顾", "“十五五”时期主要目标任务") frames a
# report; it is no material for a new speech, so it is not mined as a heading (its points are).
_FRAME_HEADING = re.compile(
    r"\d{4}\s*年|“?十[一二三四五六七八九]五”?(?:时期|规划|发展|主要|期间)|过去[一二三四五六七八九十]年|今年|明年"
)
_DIGITS_ONLY = re.compile(r"^[\d\s.%％,，、/:：-]*$")
_MAX_ALSO_IN = 10


@dataclass
class MineReport:
    """What a mining run did."""

    out_dir: Path
    documents: int = 0
    speeches: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    kept_user: int = 0
    kept_disabled: int = 0
    failures: list[FileFailure] = field(default_factory=list)


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


def _speech_texts(doc: Document) -> list[str]:
    texts = [doc.opening or ""]
    for part in doc.parts:
        texts += [part.lead or "", part.body or ""]
        texts += [f"{p.lead}。{p.body}" for p in part.points]
    texts.append(doc.closing or "")
    return [t for t in texts if t]


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


def _mine_document(doc: Document, out: _Collector) -> None:
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
    text = "\n".join(_speech_texts(doc))
    for quote in find_quotations(text):
        out.add(
            "quotation",
            quote.text,
            where,
            speaker=quote.speaker,
            verb=quote.verb,
            quoted=quote.quoted,
        )
    for phrase in series(text):
        out.add("phrase", phrase, where, form="series")
    for phrase in four_char_runs(text):
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


def mine_documents(documents: Iterable[Document], lexicon: Lexicon) -> dict[str, list[Entry]]:
    """Bank entries, by kind, from speeches (documents with at least two parts)."""
    out = _Collector(lexicon)
    for doc in documents:
        if len(doc.parts) >= _SPEECH_MIN_PARTS:
            _mine_document(doc, out)
    return {kind: list(found.values()) for kind, found in out.entries.items()}


def merge(existing: list[Entry], mined: list[Entry]) -> tuple[list[Entry], int, int]:
    """Fresh mined entries plus everything the user owns in the existing file.

    Kept: entries with ``origin: user``; ``disabled: true`` on mined entries; mined entries whose
    text was edited by hand (they become the user's, and the original stays out). Returns the
    merged list and how many user entries and disabled marks were kept.
    """
    disabled: set[str] = set()
    replaced: set[str] = set()
    users: list[Entry] = []
    for entry in existing:
        if entry.origin == "user":
            users.append(entry)
            if isinstance(entry.extra.get("replaces"), str):
                replaced.add(entry.extra["replaces"])
        elif entry.kind != "heading_pattern" and entry.id != entry_id(entry.kind, entry.text):
            replaced.add(entry.id)
            extra = {**entry.extra, "replaces": entry.id}
            users.append(
                replace(entry, id=entry_id(entry.kind, entry.text), origin="user", extra=extra)
            )
        elif entry.disabled:
            disabled.add(entry.id)
    # An edit that only changes punctuation width, script or spacing keeps the id: keep the text.
    retexted = {
        e.id: e.text for e in existing if e.origin == "mined" and e.id == entry_id(e.kind, e.text)
    }
    fresh = [
        replace(e, disabled=e.id in disabled, text=retexted.get(e.id, e.text))
        for e in mined
        if e.id not in replaced
    ]
    user_ids = {u.id for u in users}
    fresh = [e for e in fresh if e.id not in user_ids]
    kept_disabled = sum(1 for e in fresh if e.disabled)
    return fresh + users, len(users), kept_disabled


# Provenance and other metadata beside the texts (seeds/sources.yaml): never corpus text.
_METADATA_SUFFIXES = (".yaml", ".yml")


def seed_files(seeds_dir: Path) -> list[Path]:
    """The corpus files under ``seeds_dir``, subfolders included, in sorted path order.

    Hidden files and folders and YAML files (provenance, metadata) are skipped; symlinked
    folders are not followed, so a link cannot make the walk loop or leave the folder.
    """
    if not seeds_dir.is_dir():
        raise InputError("语料目录不存在", path=seeds_dir)
    files: list[Path] = []
    for folder, dirs, names in os.walk(seeds_dir):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            path = Path(folder) / name
            if name.startswith(".") or name.lower().endswith(_METADATA_SUFFIXES):
                continue
            if path.is_file():
                files.append(path)
    files.sort(key=lambda p: p.relative_to(seeds_dir).parts)
    if not files:
        raise InputError("语料目录里没有文件", path=seeds_dir)
    return files


SOURCES_FILE = "sources.yaml"


def recorded_titles(seeds_dir: Path) -> dict[str, str]:
    """Titles by file, from the corpus's provenance file (``sources.yaml``: ``documents:``, each
    with ``file`` relative to the folder and ``title``), if the folder has one."""
    path = seeds_dir / SOURCES_FILE
    if not path.is_file():
        return {}
    data = load_yaml(path, InputError)
    docs = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(docs, list):
        raise InputError("来源清单应为映射，并包含 documents: 列表", path=path)
    return {
        d["file"]: d["title"]
        for d in docs
        if isinstance(d, dict)
        and isinstance(d.get("file"), str)
        and isinstance(d.get("title"), str)
    }


def source_name(path: Path, seeds_dir: Path) -> str:
    """How mined entries name a corpus file: its path under the mined folder, "/" separated."""
    return path.relative_to(seeds_dir).as_posix()


def mine(seeds_dir: Path, out_dir: Path) -> MineReport:
    """Parse every file in ``seeds_dir`` and write the phrase bank to ``out_dir``.

    The lexicon is read from ``out_dir`` (copied there from the bundled bank the first time).
    All existing bank files are read before anything is written, so a malformed file stops the
    run without touching the others: a file that cannot be read in full (a YAML error, an
    unknown or repeated key, a broken entry) is never replaced, as that would drop what the
    user keeps in it.
    """
    for folder in (out_dir, *out_dir.parents):
        if folder.exists() and not folder.is_dir():
            # A bank is a folder of files; never write beside or over a file the user named.
            raise UsageError("--out 应为素材库目录，但这是一个文件，不是目录", path=folder)
    report = MineReport(out_dir)
    lexicon_path = out_dir / LEXICON_FILE
    lexicon = load_lexicon(
        lexicon_path if lexicon_path.exists() else bundled("phrasebank") / LEXICON_FILE
    )
    documents: list[Document] = []
    titles = recorded_titles(seeds_dir)
    for path in seed_files(seeds_dir):
        name = source_name(path, seeds_dir)
        try:
            found = parse_file(path, name)
        except InputError as exc:
            report.failures.append(FileFailure(str(path), exc.user_message()))
            continue
        # A text without a title line (the national reports begin "各位代表：") is named by
        # the title its provenance records, so its entries say where they come from.
        documents += [replace(d, title=d.title or titles.get(name)) for d in found]
    report.documents = len(documents)
    report.speeches = sum(1 for d in documents if len(d.parts) >= _SPEECH_MIN_PARTS)
    mined = mine_documents(documents, lexicon)
    # The bank's lock: a `drafter bank add` running meanwhile lands before or after, not lost.
    with folder_lock(out_dir, LOCK_NAME, BUSY, wait=LOCK_WAIT):
        existing = {kind: read_kind(out_dir, kind) for kind in KINDS}
        # A bank folder is complete for drafting: it gets its own editable lexicon and themes.
        for name in (LEXICON_FILE, THEMES_FILE):
            if not (out_dir / name).exists():
                shutil.copyfile(bundled("phrasebank") / name, out_dir / name)
        for kind in KINDS:
            entries, users, disabled = merge(existing.get(kind, []), mined[kind])
            report.kept_user += users
            report.kept_disabled += disabled
            report.counts[kind] = len(entries)
            write_kind(out_dir, kind, entries)
    return report
