"""Parsing files into documents: read, normalise, clean, segment, recover structure."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from drafter.corpus.models import Document, FileFailure, ParseResult
from drafter.corpus.noise import clean_lines
from drafter.corpus.segment import Chunk, split_documents
from drafter.corpus.structure import build_document
from drafter.errors import InputError
from drafter.formats import Block, read_blocks
from drafter.text.normalize import normalize_text

# Every line end normalize_text knows, so that a block's cue lands on the line it starts.
_LINE_END = re.compile("\r\n|[\r\n\u2028\u2029]")


def parse_text(text: str, source: str = "<text>") -> list[Document]:
    """Documents recovered from already-decoded text."""
    paras = clean_lines(normalize_text(text))
    return [build_document(chunk, source) for chunk in split_documents(paras)]


def split_blocks(blocks: Sequence[Block]) -> list[Chunk]:
    """A reader's blocks as documents' lines (``Chunk``), each block's cue kept with the line it
    starts on (``Chunk.cues``)."""
    if not any(b.cue for b in blocks):
        text = "\n".join(b.text for b in blocks)
        return split_documents(clean_lines(normalize_text(text)))
    lines: list[str] = []
    cues: dict[int, str] = {}
    for block in blocks:
        if block.cue:
            cues[len(lines) + 1] = block.cue
        lines.extend(_LINE_END.split(block.text))
    return split_documents(clean_lines(normalize_text("\n".join(lines)), cues))


def parse_blocks(blocks: Sequence[Block], source: str = "<text>") -> list[Document]:
    """Documents recovered from a reader's blocks."""
    return [build_document(chunk, source) for chunk in split_blocks(blocks)]


def parse_file(path: Path, source: str | None = None) -> list[Document]:
    """Documents recovered from one file of any format drafter reads (``drafter.formats``);
    raises ``InputError`` naming the file if it cannot be read.

    ``source`` is how the documents name the file (its name by default; mining passes the
    path under the mined folder, such as ``gov-reports/2025-CN.txt``)."""
    documents = parse_blocks(read_blocks(path), source or path.name)
    if not documents:
        raise InputError("文件里没有可识别的正文（只有导航、广告等网页杂项）", path=path)
    return documents


def parse_paths(paths: Iterable[Path]) -> ParseResult:
    """Parse many files, collecting the failures instead of stopping at the first."""
    result = ParseResult()
    for path in paths:
        try:
            result.documents.extend(parse_file(path))
        except InputError as exc:
            result.failures.append(FileFailure(str(path), exc.user_message()))
    return result
