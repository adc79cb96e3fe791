"""What a mining run did, file by file and for the bank, for the console and as JSON."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drafter.corpus.models import Document, FileFailure, Point

# A file's status. "mined" is --out's (it has no record); the others are --into's.
MINED = "mined"  # read and mined
NEW = "new"  # mined into the bank for the first time
CHANGED = "changed"  # mined before, changed since: its material was mined again
UNCHANGED = "unchanged"  # mined before and unchanged: nothing to do
DUPLICATE = "duplicate"  # every speech in it is one mined from another file
EMPTY = "empty"  # read, but it holds no speech (no document with two parts or more)
FAILED = "failed"  # could not be read; the reason says why


@dataclass(frozen=True)
class Copy:
    """A speech that is the same as one found earlier (in this file or another)."""

    document: int  # its number in its file, from 1
    title: str | None
    same_file: str  # where the speech was found first
    same_document: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "title": self.title,
            "same_as": {"file": self.same_file, "document": self.same_document},
        }


@dataclass
class FileSummary:
    """One corpus file: what was found in it, or why nothing was."""

    name: str  # how the bank's entries cite it
    path: str  # where it was read
    format: str
    status: str
    documents: int = 0
    speeches: int = 0
    parts: int = 0
    points: int = 0  # sub-points at every level, "——" lines included
    copies: list[Copy] = field(default_factory=list)
    reason: str | None = None  # why nothing was mined from it

    def count(self, documents: tuple[Document, ...]) -> None:
        speeches = [d for d in documents if len(d.parts) >= 2]
        self.documents = len(documents)
        self.speeches = len(speeches)
        self.parts = sum(len(d.parts) for d in speeches)
        self.points = sum(_points(p.points) + _points(p.dashes) for d in speeches for p in d.parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.name,
            "path": self.path,
            "format": self.format,
            "status": self.status,
            "documents": self.documents,
            "speeches": self.speeches,
            "parts": self.parts,
            "points": self.points,
            "duplicates": [c.to_dict() for c in self.copies],
            "reason": self.reason,
        }


def _points(points: tuple[Point, ...]) -> int:
    return sum(1 + _points(p.points) + _points(p.dashes) for p in points)


@dataclass
class MineReport:
    """What a mining run did."""

    out_dir: Path  # the bank
    documents: int = 0  # in the files read by this run
    speeches: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # entries by kind, after the run
    kept_user: int = 0
    kept_disabled: int = 0
    failures: list[FileFailure] = field(default_factory=list)
    into: bool = False
    files: list[FileSummary] = field(default_factory=list)
    duplicates: int = 0  # speeches left out as copies of others
    added: int = 0  # entries new to the bank
    removed: int = 0  # mined entries gone: their file changed, and the text is no longer in it
    kept_earlier: int = 0  # mined entries from outside the record, kept as they were
    enlarged: int = 0  # such heading patterns that took fillers from the mined files
    written: list[str] = field(default_factory=list)  # the bank files that changed

    def to_dict(self) -> dict[str, Any]:
        return {
            "bank": str(self.out_dir),
            "mode": "into" if self.into else "out",
            "changed": bool(self.written),
            "written": list(self.written),
            "documents": self.documents,
            "speeches": self.speeches,
            "duplicates": self.duplicates,
            "entries": dict(self.counts),
            "added": self.added,
            "removed": self.removed,
            "kept": {
                "user": self.kept_user,
                "disabled": self.kept_disabled,
                "earlier": self.kept_earlier,
                "patterns_enlarged": self.enlarged,
            },
            "files": [f.to_dict() for f in self.files],
            "failures": [{"file": f.source, "message": f.message} for f in self.failures],
        }


@dataclass(frozen=True)
class Step:
    """Where a run is, for a progress display: ``stage`` is "read" (``done`` of ``total``
    files, the last one ``name``), then "mine", then "write"."""

    stage: str
    done: int = 0
    total: int = 0
    name: str | None = None


Progress = Callable[[Step], None]
