"""What a batch wrote: ``manifest.json`` in the output folder, and the journal behind it.

Before a brief's files are put in place, a line naming them and their SHA-256 is appended to a
journal. A run that is killed therefore leaves a record of every file it may have written, and
the next run can tell its own files (safe to finish or redo) from a user's (never overwritten).
At the end of a run the journal is folded into ``manifest.json``, written atomically.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drafter.errors import DrafterError, UsageError
from drafter.files.decoding import read_file_bytes
from drafter.files.yamlio import write_atomic

MANIFEST = "manifest.json"
JOURNAL = ".drafter-journal.jsonl"
FORMAT_VERSION = 1


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# Drafts are a few KB (a .docx some tens of KB): a bigger file at an output path is not one.
OUTPUT_MAX_BYTES = 20 * 2**20
# A record is about 300 bytes, some 2 KB with what its allocation used: room for the manifest
# or journal of a quarter of a million briefs.
MANIFEST_MAX_BYTES = 512 * 2**20


def read_output(path: Path, max_bytes: int = OUTPUT_MAX_BYTES) -> bytes:
    """A file in the output folder, bounded, from a regular file only (a FIFO would hang)."""
    return read_file_bytes(path, max_bytes=max_bytes)


@dataclass
class Record:
    """One brief in the manifest: how it ended, what it wrote, and how to make it again."""

    id: str
    status: str
    brief_file: str
    brief_line: int | None
    files: dict[str, str] = field(default_factory=dict)  # path relative to the folder -> sha256
    seed: int | None = None
    bank_version: str | None = None
    fingerprint: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    # How the brief was kept apart from the earlier briefs of its meeting (``Allocation``):
    # meeting, avoided, shared, used, exhausted; ``None`` when drafted with --independent.
    allocation: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "brief_file": self.brief_file,
            "brief_line": self.brief_line,
            "files": [{"path": p, "sha256": h} for p, h in self.files.items()],
            "seed": self.seed,
            "bank_version": self.bank_version,
            "fingerprint": self.fingerprint,
            "settings": self.settings,
            "error": self.error,
            "notes": list(self.notes),
            "allocation": self.allocation,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Record | None:
        """A record read back, or ``None`` for anything not shaped like one."""
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            return None
        files = data.get("files") or []
        if not isinstance(files, list):
            return None
        found = {
            f["path"]: f["sha256"]
            for f in files
            if isinstance(f, dict)
            and isinstance(f.get("path"), str)
            and isinstance(f.get("sha256"), str)
        }
        line = data.get("brief_line")
        seed = data.get("seed")
        settings = data.get("settings")
        notes = data.get("notes")
        allocation = data.get("allocation")
        return cls(
            id=data["id"],
            status=str(data.get("status") or ""),
            brief_file=str(data.get("brief_file") or ""),
            brief_line=line if isinstance(line, int) else None,
            files=found,
            seed=seed if isinstance(seed, int) else None,
            bank_version=_text(data.get("bank_version")),
            fingerprint=_text(data.get("fingerprint")),
            settings=settings if isinstance(settings, dict) else {},
            error=_text(data.get("error")),
            notes=[n for n in notes if isinstance(n, str)] if isinstance(notes, list) else [],
            allocation=allocation if isinstance(allocation, dict) else None,
        )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


WRITTEN, UPDATED, UNCHANGED = OK_STATUSES = ("written", "updated", "unchanged")
FAILED, INVALID = "failed", "invalid"  # not drafted: the draft failed, or the brief is bad
VALID = "valid"  # checked only (--check)


@dataclass
class History:
    """What earlier runs recorded in a folder."""

    records: dict[str, Record] = field(default_factory=dict)  # the latest record per brief id
    known: dict[str, set[str]] = field(default_factory=dict)  # file -> digests drafter wrote
    problems: list[str] = field(default_factory=list)

    def add(self, record: Record) -> None:
        self.records[record.id] = record
        for rel, digest in record.files.items():
            self.known.setdefault(rel, set()).add(digest)

    def ours(self, rel: str, digest: str | None) -> bool:
        """Whether a file's content is something drafter wrote there (so it may be replaced)."""
        return digest is not None and digest in self.known.get(rel, ())


def read_history(folder: Path) -> History:
    """Records from the manifest and from any journal a killed run left, later ones winning.

    A damaged manifest is not fatal: the files it named are then treated as not drafter's,
    which is the safe side; ``problems`` says so, for a warning.
    """
    history = History()
    path = folder / MANIFEST
    if path.exists():
        try:
            data = json.loads(read_output(path, MANIFEST_MAX_BYTES).decode("utf-8"))
            items = data.get("briefs") if isinstance(data, dict) else None
            if not isinstance(items, list):
                raise ValueError("no briefs list")
        except (DrafterError, UnicodeDecodeError, ValueError, RecursionError):
            history.problems.append(f"{path}: 清单已损坏，无法读取；已有的文件不会被覆盖")
            items = []
        for item in items:
            record = Record.from_dict(item)
            if record is not None:
                history.add(record)
    try:
        lines = read_output(folder / JOURNAL, MANIFEST_MAX_BYTES).splitlines()
    except DrafterError:
        lines = []
    for raw in lines:  # a run killed mid-append leaves at most its last line torn: skip it
        try:
            record = Record.from_dict(json.loads(raw))
        except (UnicodeDecodeError, ValueError, RecursionError):
            continue
        if record is not None:
            history.add(record)
    return history


def check_journal(folder: Path) -> None:
    """Refuse a batch folder whose journal is not a regular file: every brief would fail on it."""
    path = folder / JOURNAL
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UsageError(f"无法读取批量进度记录（{exc.strerror}）", path=path) from None
    if not stat.S_ISREG(mode):
        raise UsageError("不是普通文件，无法记录批量进度；请删除或改名后再运行", path=path)


class Journal:
    """Append-only lines, one per brief, shared by parallel workers (``O_APPEND``)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / JOURNAL
        self.fd: int | None = None

    def append(self, record: Record) -> None:
        if self.fd is None:
            # Non-blocking: a FIFO in its place must not hang the run (it is refused below).
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NONBLOCK", 0)
            try:
                fd = os.open(self.path, flags, 0o644)
            except OSError as exc:
                if exc.errno != errno.ENXIO:  # a FIFO with no reader
                    raise
                raise UsageError("不是普通文件，无法记录批量进度", path=self.path) from None
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                os.close(fd)
                raise UsageError("不是普通文件，无法记录批量进度", path=self.path)
            self.fd = fd
        line = json.dumps(record.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n"
        os.write(self.fd, line.encode("utf-8"))  # one write: appends never interleave

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def write_manifest(folder: Path, meta: dict[str, Any], records: list[Record]) -> Path:
    """Replace the manifest atomically, then drop the journal it now contains."""
    path = folder / MANIFEST
    # One brief per line: a manifest of ten thousand briefs stays small and diffs well.
    head = json.dumps({"format": FORMAT_VERSION, **meta}, ensure_ascii=False, indent=1)
    lines = ",\n".join(
        "  " + json.dumps(r.to_dict(), ensure_ascii=False, separators=(",", ":")) for r in records
    )
    text = f'{head[:-2]},\n "briefs": [\n{lines}\n ]\n}}\n'
    write_atomic(path, text)
    with contextlib.suppress(FileNotFoundError):
        (folder / JOURNAL).unlink()
    return path
