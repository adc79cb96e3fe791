"""Parsing files into documents: decode, normalise, clean, segment, recover structure."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from drafter.corpus.models import Document, FileFailure, ParseResult
from drafter.corpus.noise import clean_lines
from drafter.corpus.segment import split_documents
from drafter.corpus.structure import build_document
from drafter.errors import InputError
from drafter.files.decoding import read_document
from drafter.text.normalize import normalize_text


def parse_text(text: str, source: str = "<text>") -> list[Document]:
    """Documents recovered from already-decoded text."""
    paras = clean_lines(normalize_text(text))
    return [build_document(chunk, source) for chunk in split_documents(paras)]


def parse_file(path: Path, source: str | None = None) -> list[Document]:
    """Documents recovered from one file; raises ``InputError`` if it cannot be read.

    ``source`` is how the documents name the file (its name by default; mining passes the
    path under the mined folder, such as ``gov-reports/2025-CN.txt``)."""
    documents = parse_text(read_document(path), source or path.name)
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
