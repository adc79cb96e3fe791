"""What the bank's write commands do: add, remove, disable/enable and edit entries.

Each function takes the bank folder, holds the bank's lock while it reads and writes, checks
what it writes against the one entry schema, and returns a ``Change`` for the CLI to show.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drafter.bank.fileedit import FileEdit, bank_lock
from drafter.bank.layout import BANK_MAX_BYTES, config_paths
from drafter.bank.lexicon import Lexicon, load_lexicon
from drafter.bank.linemap import Row, load_line_map
from drafter.bank.schema import KINDS, entry_problems
from drafter.bank.store import Entry, entry_id, parse_entry
from drafter.errors import BankError, UsageError
from drafter.files.decoding import read_file_bytes
from drafter.files.yamlio import Position
from drafter.text.normalize import fold, normalize_text

# Kinds whose text is one line: a heading or a quotation with a line break is a paste mistake.
ONE_LINE = ("heading", "quotation", "phrase", "point")
# Heading patterns are mined from sibling headings (pieces, slots, fillers), not typed in.
ADDABLE = tuple(k for k in KINDS if k != "heading_pattern")
_PREFIXES = {prefix: kind for kind, (_, prefix, _) in KINDS.items()}


@dataclass
class Change:
    """What a write command did to the bank."""

    entries: list[Entry] = field(default_factory=list)  # the entries written or touched
    unchanged: list[Entry] = field(default_factory=list)  # already as asked
    files: list[Path] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def wrote(self, path: Path, backup: Path | None) -> None:
        if path not in self.files:
            self.files.append(path)
        if backup is not None and backup not in self.backups:
            self.backups.append(backup)


@dataclass(frozen=True)
class NewEntries:
    """Entries a user asks to add: one kind, one or more texts."""

    kind: str
    texts: tuple[str, ...]
    dimensions: tuple[str, ...] = ()  # none: tagged from the lexicon, as mining does
    body: str | None = None  # a point's development
    heading: str | None = None  # the heading a point or part lead stands under
    speaker: str | None = None  # who is quoted


def bank_lexicon(directory: Path) -> Lexicon:
    return load_lexicon(config_paths(directory)[0])


def dimensions_for(lexicon: Lexicon, asked: Iterable[str], text: str) -> list[str]:
    """The asked dimensions by their lexicon names (aliases allowed), or the text's own tags."""
    names = [d for d in asked if d.strip()]
    if not names:
        return lexicon.tag(text)
    out: list[str] = []
    for name in names:
        canonical = lexicon.canonical(name.strip())
        if canonical is None:
            near = difflib.get_close_matches(name, list(lexicon.names), n=2, cutoff=0.3)
            hint = f"，是不是：{'、'.join(near)}" if near else ""
            raise UsageError(f"维度词表里没有“{name}”{hint}（可选：{'、'.join(lexicon.names)}）")
        if canonical not in out:
            out.append(canonical)
    return out


def clean_text(text: str, kind: str, what: str = "文字") -> str:
    """A typed or pasted text as the bank stores it: simplified, blanks and pinyin tidied."""
    cleaned = normalize_text(text).strip()
    if not any(c.isalnum() for c in cleaned):
        raise UsageError(f"{what}不能为空（只有标点或空白）")
    if kind in ONE_LINE and "\n" in cleaned:
        raise UsageError(f"{KINDS[kind][2]}只能是一行文字，不能有换行")
    return "\n".join(line for line in cleaned.split("\n") if line)


def _duplicate(row: Row, path: Path) -> str:
    state = f"（已停用，可用 drafter bank enable {row.id} 恢复）" if row.disabled else ""
    return f"素材库里已有这条：{row.id}“{row.text}”（{path.name} 第 {row.start + 1} 行）{state}"


def new_entry_data(request: NewEntries, lexicon: Lexicon) -> list[dict[str, Any]]:
    """The YAML mappings of the requested entries, checked against the schema."""
    kind = request.kind
    if kind not in ADDABLE:
        if kind == "heading_pattern":
            raise UsageError(
                "标题句式由挖掘同组标题得来，不能直接添加；请添加一组标题（--kind heading，给出多条文字）"
            )
        raise UsageError(f"未知的种类“{kind}”，可选：{'、'.join(ADDABLE)}")
    if not request.texts:
        raise UsageError("请给出要添加的文字")
    texts = [clean_text(t, kind) for t in request.texts]
    extra: dict[str, Any] = {}
    if request.heading and kind in ("point", "part_lead"):
        extra["heading"] = clean_text(request.heading, "heading", "所属标题")
    if request.body and kind == "point":
        extra["body"] = clean_text(request.body, "opening", "展开文字")
    if request.speaker and kind == "quotation":
        extra["speaker"] = clean_text(request.speaker, "heading", "说话人")
    group = None
    if kind == "heading" and len(texts) > 1:  # several headings typed together are siblings
        joined = "\0".join(fold(t) for t in texts)
        group = "hs-" + hashlib.sha1(joined.encode()).hexdigest()[:10]
    out = []
    for position, text in enumerate(texts, start=1):
        data: dict[str, Any] = {"id": entry_id(kind, text), "kind": kind, "text": text}
        if group is not None:
            data.update(set=group, position=position)
        data.update(extra)
        data["dimensions"] = dimensions_for(lexicon, request.dimensions, text)
        data["origin"] = "user"
        problems = entry_problems(data, kind, set(lexicon.names))
        if problems:
            raise UsageError(problems[0][1])
        out.append(data)
    return out


def add_entries(directory: Path, request: NewEntries) -> Change:
    """Add entries with ``origin: user``; refused whole if any of them is already in the bank."""
    lexicon = bank_lexicon(directory)
    wanted = new_entry_data(request, lexicon)
    change = Change()
    with bank_lock(directory):
        edit = FileEdit(directory, request.kind)
        known = {row.key: row for row in edit.rows}
        seen: dict[str, str] = {}
        for data in wanted:
            key = fold(data["text"])
            if key in known:
                raise UsageError(_duplicate(known[key], edit.path))
            if key in seen:
                raise UsageError(f"要添加的文字重复了：“{seen[key]}”与“{data['text']}”")
            seen[key] = data["text"]
        edit.append(wanted)
        change.wrote(edit.path, edit.save())
    change.entries = [parse_entry(d, request.kind, edit.path) for d in wanted]
    return change


def kind_of(directory: Path, entry_id: str) -> str:
    """The kind whose file holds ``entry_id``: by its prefix, else by looking in every file."""
    guess = _PREFIXES.get(entry_id.split("-", 1)[0])
    order = [guess] if guess else []
    order += [k for k in KINDS if k != guess]
    ids: list[str] = []
    for kind in order:
        line_map, _ = load_line_map(directory, kind)
        if entry_id in line_map.by_id:
            return kind
        ids += line_map.by_id
    near = difflib.get_close_matches(entry_id, ids, n=3, cutoff=0.6)
    hint = f"，是不是：{'、'.join(near)}" if near else ""
    raise UsageError(f"素材库里没有编号为“{entry_id}”的条目{hint}")


class Edits:
    """The files a command changes, each opened once, found by the ids it is given."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.files: dict[str, FileEdit] = {}

    def file(self, kind: str) -> FileEdit:
        if kind not in self.files:
            self.files[kind] = FileEdit(self.directory, kind)
        return self.files[kind]

    def find(self, entry_id: str) -> tuple[str, FileEdit, Row]:
        guess = _PREFIXES.get(entry_id.split("-", 1)[0])
        kind = guess if guess else kind_of(self.directory, entry_id)
        row = self.file(kind).row(entry_id)
        if row is None:  # an id whose prefix does not match its file
            kind = kind_of(self.directory, entry_id)
            row = self.file(kind).row(entry_id)
        assert row is not None  # kind_of found it, and the lock keeps it there
        return kind, self.file(kind), row

    def save(self, change: Change) -> None:
        for edit in self.files.values():
            if edit.pending():
                change.wrote(edit.path, edit.save())


def remove_entries(directory: Path, ids: Iterable[str]) -> Change:
    """Take entries out of the bank (their lines go; comments around them stay)."""
    change = Change()
    with bank_lock(directory):
        edits = Edits(directory)
        for entry_id in dict.fromkeys(ids):
            kind, edit, row = edits.find(entry_id)
            edit.remove(row)
            change.entries.append(row.entry(kind))
            if kind == "heading":
                change.notes += _pattern_refs(directory, entry_id)
        edits.save(change)
    return change


def _pattern_refs(directory: Path, heading_id: str) -> list[str]:
    path = directory / KINDS["heading_pattern"][0]
    try:
        used = heading_id.encode() in read_file_bytes(path, BankError, max_bytes=BANK_MAX_BYTES)
    except BankError:
        return []
    if not used:
        return []
    return [
        f"标题句式（{path.name}）的填空里有来自 {heading_id} 的文字；句式保留，"
        "重新挖掘或 drafter bank validate 后可再检查"
    ]


def set_disabled(directory: Path, ids: Iterable[str], flag: bool) -> Change:
    """Disable (or enable) entries: a disabled entry stays in the bank but is never drafted."""
    change = Change()
    with bank_lock(directory):
        edits = Edits(directory)
        for entry_id in dict.fromkeys(ids):
            kind, edit, row = edits.find(entry_id)
            entry = row.entry(kind)
            entry.disabled = flag
            (change.entries if edit.set_disabled(row, flag) else change.unchanged).append(entry)
        edits.save(change)
    return change


def problems_error(
    path: Path,
    problems: list[tuple[Position | None, str]],
    error: type[BankError] = BankError,
) -> BankError:
    """All problems of one text as one error (the first gives the position)."""
    (first_at, first), rest = problems[0], problems[1:]
    lines = [first]
    for at, message in rest:
        where = f"{path}:{at[0]}:{at[1]}" if at else str(path)
        lines.append(f"{where}: {message}")
    line, column = first_at if first_at else (None, None)
    return error("\n".join(lines), path=path, line=line, column=column)
