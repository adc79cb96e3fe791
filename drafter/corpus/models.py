"""Typed models shared by the parser, the miner and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Point:
    """A sub-point of a part: its short lead sentence and the text that develops it.

    A point may have points of its own, one level down: ``points`` are run-in leads (paragraphs
    of its body that open with a short lead sentence, "更大力度提振消费。…") and ``dashes`` are
    "——" summary lines ("——经济运行总体平稳。…"). Children index the text, they do not take it
    away: ``body`` stays the whole text of the point, children's paragraphs included, so that
    a reader of ``body`` (or of ``parse --json``) sees the text as it was written.
    """

    lead: str
    body: str
    points: tuple[Point, ...] = ()
    dashes: tuple[Point, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"lead": self.lead, "body": self.body}
        if self.points:
            out["points"] = [p.to_dict() for p in self.points]
        if self.dashes:
            out["dashes"] = [p.to_dict() for p in self.dashes]
        return out


@dataclass(frozen=True)
class Part:
    """One numbered (or parallel) part of a speech."""

    heading: str
    numbering: str
    lead: str | None = None
    points: tuple[Point, ...] = ()
    body: str | None = None  # text of a part that has no sub-points, after its lead
    # "——" summary lines standing directly in the part (in its lead or body), one level down;
    # like a point's children they index text that stays in ``lead``/``body``.
    dashes: tuple[Point, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "heading": self.heading,
            "numbering": self.numbering,
            "lead": self.lead,
            "points": [p.to_dict() for p in self.points],
            "body": self.body,
        }
        if self.dashes:
            out["dashes"] = [p.to_dict() for p in self.dashes]
        return out


@dataclass(frozen=True)
class Document:
    """One speech or article recovered from a file (a file may hold several)."""

    source: str
    title: str | None
    opening: str | None = None
    parts: tuple[Part, ...] = ()
    closing: str | None = None
    subtitle: str | None = None
    paragraphs: int = 0  # body paragraphs kept after noise removal

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "title": self.title,
            "subtitle": self.subtitle,
            "opening": self.opening,
            "parts": [p.to_dict() for p in self.parts],
            "closing": self.closing,
            "paragraphs": self.paragraphs,
        }


@dataclass(frozen=True)
class FileFailure:
    """A file that could not be parsed, with the reason to show the user."""

    source: str
    message: str


@dataclass
class ParseResult:
    """What parsing a batch of files gives: the documents, and the files that failed."""

    documents: list[Document] = field(default_factory=list)
    failures: list[FileFailure] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"documents": [d.to_dict() for d in self.documents]}
