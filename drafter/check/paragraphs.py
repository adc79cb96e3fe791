"""The checked document: every paragraph of the input with its location and its role in the
outline (title, opening, part heading, sub-point, body, closing) that the parser recovered.

The input is read as ``parse`` reads it (``drafter.formats.read_blocks``) and its outline is
found by ``drafter.corpus.parse``; the outline's texts are then found again among the paragraphs
as written, so that every finding points at a paragraph the writer can see. Paragraphs the
parser drops as noise stay in the document: rules must see every paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from drafter.check.anchors import docx_anchors, markdown_lines
from drafter.check.findings import Location
from drafter.corpus.models import Document
from drafter.corpus.parse import parse_blocks
from drafter.formats import read_blocks
from drafter.text.normalize import fold_normalized, normalize_text
from drafter.text.numbering import find_marker

Role = Literal["title", "opening", "heading", "point", "body", "closing", "other"]
_LINE_END = re.compile("\r\n|[\r\n\u2028\u2029]")
_KEY_PREFIX = 12  # folded characters of a long text that are enough to find it again


@dataclass(frozen=True)
class Paragraph:
    location: Location
    text: str  # as written, stripped
    role: Role


@dataclass(frozen=True)
class OutlinePart:
    """A part the parser found: its heading and sub-point leads, with the positions (in
    ``CheckedDocument.paragraphs``) of the paragraphs that hold them."""

    number: int
    heading: str
    at: int
    points: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class CheckedDocument:
    path: Path
    is_docx: bool
    paragraphs: tuple[Paragraph, ...]
    title: str | None
    parts: tuple[OutlinePart, ...]

    def located(self) -> list[tuple[Location, str]]:
        """Every paragraph as the rule and copying checks take them."""
        return [(p.location, p.text) for p in self.paragraphs]

    def speech(self) -> list[Paragraph]:
        """The paragraphs of the speech itself: what the parser kept (all of them when it
        found no speech at all)."""
        kept = [p for p in self.paragraphs if p.role != "other"]
        return kept or list(self.paragraphs)

    def first_location(self) -> Location:
        """Where a finding about the whole document goes: its first paragraph."""
        return self.paragraphs[0].location if self.paragraphs else Location(1)


def read_checked(path: Path) -> CheckedDocument:
    """Read ``path`` (any format ``parse`` reads) into located paragraphs and its outline;
    ``InputError`` naming the file when it cannot be read."""
    blocks = read_blocks(path)
    is_docx = path.suffix.lower() == ".docx"
    texts: list[str] = []
    lines: list[int | None] = []
    if is_docx:
        texts = [b.text.strip() for b in blocks]
        lines = [None] * len(texts)
        numbers = docx_anchors(path, texts)
    else:
        line = 0
        for block in blocks:
            for raw in _LINE_END.split(block.text):
                line += 1
                if raw.strip():
                    texts.append(raw.strip())
                    lines.append(line)
        if path.suffix.lower() in (".md", ".markdown"):
            lines = list(markdown_lines(path, texts, lines))
        numbers = list(range(1, len(texts) + 1))
    keys = _keys(texts)
    documents = parse_blocks(blocks, path.name) if texts else []
    main = max(documents, key=lambda d: (len(d.parts), d.paragraphs), default=None)
    parts = _found_parts(main, keys)
    roles, parts_at, title = _outline(main, keys, parts)
    paragraphs: list[Paragraph] = []
    for i, text in enumerate(texts):
        part = next((n for n, (start, end) in parts_at.items() if start <= i < end), None)
        if roles[i] == "other":
            part = None
        paragraphs.append(Paragraph(Location(numbers[i], lines[i], part), text, roles[i]))
    return CheckedDocument(path, is_docx, tuple(paragraphs), title, tuple(parts))


def _keys(texts: list[str]) -> list[str]:
    """Each paragraph's comparison key, numbering marker dropped (the parser keeps it apart)."""
    normal = normalize_text("\n".join(t.replace("\n", " ") for t in texts)).split("\n")
    keys = []
    for text in normal:
        marker = find_marker(text)
        keys.append(fold_normalized(text[marker.end :] if marker else text))
    return keys


def _find(keys: list[str], text: str, start: int, end: int | None = None) -> int | None:
    """Position of the first paragraph from ``start`` that begins with ``text`` (or, failing
    that, holds it)."""
    key = fold_normalized(text)[:_KEY_PREFIX]
    if not key:
        return None
    stop = len(keys) if end is None else end
    for i in range(start, stop):
        if keys[i].startswith(key):
            return i
    return next((i for i in range(start, stop) if key in keys[i]), None)


def _found_parts(main: Document | None, keys: list[str]) -> list[OutlinePart]:
    found: list[OutlinePart] = []
    if main is None:
        return found
    cursor = 0
    for number, part in enumerate(main.parts, 1):
        at = _find(keys, part.heading, cursor)
        if at is None:
            continue
        points: list[tuple[int, str]] = []
        inner = at + 1
        for point in part.points:
            where = _find(keys, point.lead, inner)
            if where is not None:
                points.append((where, point.lead))
                inner = where + 1
        found.append(OutlinePart(number, part.heading, at, tuple(points)))
        cursor = at + 1
    return found


def _outline(
    main: Document | None, keys: list[str], parts: list[OutlinePart]
) -> tuple[list[Role], dict[int, tuple[int, int]], str | None]:
    """Each paragraph's role, each part's span of paragraphs, and the title."""
    count = len(keys)
    roles: list[Role] = ["other"] * count
    if main is None:
        return roles, {}, None
    title_at = _find(keys, main.title, 0) if main.title else None
    if title_at is not None:
        roles[title_at] = "title"
    closing_at = None
    if main.closing:
        after = parts[-1].at + 1 if parts else (title_at or 0) + 1
        closing_at = _find(keys, main.closing, after)
    body_end = closing_at if closing_at is not None else count
    spans: dict[int, tuple[int, int]] = {}
    for k, part in enumerate(parts):
        end = parts[k + 1].at if k + 1 < len(parts) else body_end
        spans[part.number] = (part.at, end)
        for i in range(part.at + 1, end):
            roles[i] = "body"
        roles[part.at] = "heading"
        for where, _lead in part.points:
            roles[where] = "point"
    start = (title_at + 1) if title_at is not None else 0
    first = parts[0].at if parts else body_end
    if main.opening:
        for i in range(start, first):
            if roles[i] == "other":
                roles[i] = "opening"
    if closing_at is not None:
        for i in range(closing_at, count):
            roles[i] = "closing"
    # What the parser dropped (site furniture, repeats) is no part of the speech's outline.
    kept = _document_text(main)
    for i, key in enumerate(keys):
        if roles[i] in ("body", "opening", "closing") and key[:_KEY_PREFIX] not in kept:
            roles[i] = "other"
    return roles, spans, main.title


def _document_text(doc: Document) -> str:
    texts = [doc.title or "", doc.subtitle or "", doc.opening or "", doc.closing or ""]
    for part in doc.parts:
        texts += [part.heading, part.lead or "", part.body or ""]
        texts += [t for p in part.points for t in (p.lead, p.body)]
    return "\n".join(fold_normalized(t) for t in texts)
