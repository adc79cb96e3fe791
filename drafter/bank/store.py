"""The phrase bank on disk: one YAML file per kind of entry, each entry with id, source and origin."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drafter.bank.check import kind_file_problems
from drafter.bank.layout import BANK_MAX_BYTES, bank_version
from drafter.bank.schema import CORE_KEYS, entry_problems, file_problems
from drafter.bank.schema import KINDS as KINDS  # re-exported: the bank is where callers look for it
from drafter.bank.schema import ORIGINS as ORIGINS
from drafter.errors import BankError, DrafterError
from drafter.files.decoding import read_file_bytes
from drafter.files.targets import real_target
from drafter.files.yamlio import dump_yaml, load_yaml, write_atomic
from drafter.text.normalize import fold


def entry_id(kind: str, text: str) -> str:
    """A stable id from an entry's kind and its text (after folding script and punctuation)."""
    digest = hashlib.sha1(f"{kind}\0{fold(text)}".encode()).hexdigest()[:10]
    return f"{KINDS[kind][1]}-{digest}"


@dataclass(frozen=True)
class Source:
    """Where an entry came from: file, document title, and part number (1-based) if any."""

    file: str
    document: str | None = None
    part: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.file, "document": self.document}
        if self.part is not None:
            out["part"] = self.part
        return out


@dataclass
class Entry:
    id: str
    kind: str
    text: str
    dimensions: list[str]
    source: Source | None = None
    origin: str = "mined"
    disabled: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # kind-specific fields, in order
    also_in: list[Source] = field(default_factory=list)
    line: int | None = None  # where the entry starts in its file, when read from one

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.kind, "text": self.text}
        out.update(self.extra)
        out["dimensions"] = list(self.dimensions)
        if self.source is not None:
            out["source"] = self.source.to_dict()
        if self.also_in:
            out["also_in"] = [s.to_dict() for s in self.also_in]
        out["origin"] = self.origin
        if self.disabled:
            out["disabled"] = True
        return out


def _source(value: Any) -> Source:
    doc = value.get("document")
    return Source(value["file"], str(doc) if doc is not None else None, value.get("part"))


def parse_entry(raw: Any, kind: str, path: Path) -> Entry:
    """One entry from its YAML mapping, checked; errors name the file and line."""
    line = getattr(raw, "line", None)
    problems = entry_problems(raw, kind, id_prefix=False)
    if problems:
        raise BankError(problems[0][1], path=path, line=line)
    also = raw.get("also_in") or []
    return Entry(
        id=raw["id"],
        kind=kind,
        text=raw["text"],
        dimensions=list(raw.get("dimensions", [])),
        source=_source(raw["source"]) if raw.get("source") is not None else None,
        origin=raw.get("origin", "user"),
        disabled=raw.get("disabled", False),
        extra={k: v for k, v in raw.items() if k not in CORE_KEYS},
        also_in=[_source(s) for s in also],
        line=line,
    )


def read_kind(directory: Path, kind: str) -> list[Entry]:
    """The entries of one kind; a missing file is an empty list."""
    path = directory / KINDS[kind][0]
    if not path.exists():
        return []
    data = load_yaml(path, max_bytes=BANK_MAX_BYTES)
    if data is None:
        return []
    raws = (data.get("entries") or []) if isinstance(data, dict) else []
    # A misspelt or repeated key hides entries: refuse the file rather than lose them (a
    # re-mine would write the file back without them). The rare bad file is read again with
    # positions, to name the line.
    if file_problems(data, kind) or _duplicated(data, raws):
        _raise_first_problem(directory, kind, path)
    entries = [parse_entry(raw, kind, path) for raw in raws]
    seen: dict[str, Entry] = {}
    for entry in entries:
        if entry.id in seen:
            raise BankError(
                f"id {entry.id} 重复（另见第 {seen[entry.id].line} 行）", path=path, line=entry.line
            )
        seen[entry.id] = entry
    return entries


def _duplicated(data: Any, raws: list[Any]) -> bool:
    return getattr(data, "duplicated", False) or any(
        getattr(raw, "duplicated", False) for raw in raws
    )


def _raise_first_problem(directory: Path, kind: str, path: Path) -> None:
    problems = kind_file_problems(directory, kind)
    first = problems[0] if problems else None
    raise BankError(
        first.message if first else "素材文件应为映射，并包含 entries: 列表",
        path=path,
        line=first.line if first else None,
        column=first.column if first else None,
    )


def render_kind(kind: str, entries: list[Entry]) -> str:
    """The YAML text of one bank file, with a header and a comment line before each group."""
    what = KINDS[kind][2]
    lines = [
        f"# drafter 素材库：{what}",
        "# 由 `drafter mine` 生成，也可手工编辑：origin: user 的条目、disabled: true 的标记，",
        "# 以及改过文字的挖掘条目（会转为 origin: user），重新挖掘时都会保留。",
        f"kind: {kind}",
        "entries:" if entries else "entries: []",
    ]
    group = None
    for entry in entries:
        label = _group_label(entry)
        if label != group:
            lines.append(f"# ── {label}")
            group = label
        lines.append(dump_yaml([entry.to_dict()]).rstrip("\n"))
    return "\n".join(lines) + "\n"


def _group_label(entry: Entry) -> str:
    if entry.origin == "user":
        return "用户添加"
    if entry.source is None:
        return "其他"
    return f"{entry.source.document or '（无标题）'}（{entry.source.file}）"


def keep_backup(path: Path, real: Path | None = None) -> Path | None:
    """Keep the file as it is now as ``<name>.bak`` before it is replaced (one level of undo).

    ``real`` is the regular file behind ``path`` (a symlink's target); the backup sits beside
    ``path`` and is always a regular file with the old bytes: a hard link to the old file (it
    costs nothing however large the file, and stays the old bytes because the new file is
    written to a new inode and renamed over), or a copy where links are not allowed.
    """
    real = real or real_target(path, BankError)
    if not real.is_file():
        return None
    backup = path.with_name(path.name + ".bak")
    tmp = path.with_name(f".{path.name}.bak.{os.getpid()}.tmp")
    try:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        try:
            os.link(real, tmp, follow_symlinks=False)
        except OSError:
            shutil.copyfile(real, tmp)
            shutil.copymode(real, tmp)
        os.replace(tmp, backup)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise BankError(f"无法保留备份（{exc.strerror}），未做修改", path=backup) from exc
    return backup


def write_bank_file(path: Path, text: str | bytes, compare: bool = True) -> Path | None:
    """Replace a bank file atomically, keeping the old one as a backup; the backup's path.

    A symlinked bank file is written through (the shared file gets the change; see
    ``targets``); a FIFO or device in its place is refused before it is read.
    With ``compare``, a file that would not change is left alone (and its backup with it)."""
    real = real_target(path, BankError)
    data = text.encode("utf-8") if isinstance(text, str) else text
    if compare:
        with contextlib.suppress(DrafterError):
            if read_file_bytes(real, BankError, max_bytes=len(data)) == data:
                return None
    backup = keep_backup(path, real)
    try:
        write_atomic(real, data)
    except OSError as exc:
        raise BankError(f"无法写入文件（{exc.strerror}），原文件未改动", path=path) from exc
    return backup


def write_kind(directory: Path, kind: str, entries: list[Entry]) -> Path:
    path = directory / KINDS[kind][0]
    write_bank_file(path, render_kind(kind, entries))
    return path


@dataclass
class Bank:
    """All entries of a phrase bank, by kind."""

    directory: Path
    entries: dict[str, list[Entry]]

    def all(self, *, include_disabled: bool = False) -> list[Entry]:
        return [
            e for k in KINDS for e in self.entries.get(k, []) if include_disabled or not e.disabled
        ]

    def version(self) -> str:
        """A short hash of the bank's files, to tell which bank a draft was made from."""
        return bank_version(self.directory)


def load_bank(directory: Path) -> Bank:
    """Read every bank file in ``directory``."""
    if not directory.is_dir():
        raise BankError("素材库目录不存在", path=directory)
    return Bank(directory, {kind: read_kind(directory, kind) for kind in KINDS})
