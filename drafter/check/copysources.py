"""The sentences 查重 compares against: the bank's entries and the writer's own documents.

What "the bank's sources" means in practice: the bundled bank ships its entries, not the speeches
they were mined from, so the texts compared are the entries' own (an entry's text and, for a
point, its body), each named by its id and the source file, document and part it was mined from.
A writer's ``--against`` folder is read whole: every document drafter can read, in any subfolder,
each sentence named by its file and paragraph.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from drafter.bank.layers import bank_label
from drafter.bank.layout import bank_files
from drafter.bank.store import load_bank
from drafter.errors import DrafterError
from drafter.files.cache import stamp_files
from drafter.formats import SUFFIXES, read_blocks

MIN_CHARS = 15  # a shorter sentence is a set phrase or a heading, not something one copies
_INDEX_MIN = 12  # indexed sentences may be a little shorter: a copy may add a few words
_END = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+[”’」』）)]*|\n|$)")
_NOT_KEY = re.compile(r"[\W_]+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each sentence of a paragraph starts and ends (its closing marks included);
    a semicolon ends one too, since official prose runs clause groups together with it."""
    spans = []
    for match in _END.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def sentence_key(text: str) -> str:
    """What two sentences are compared by: their letters and digits only (full-width folded to
    half-width, Latin letters to lower case), so punctuation and spacing never hide a copy."""
    return _NOT_KEY.sub("", unicodedata.normalize("NFKC", text)).lower()


@dataclass(frozen=True)
class Sentence:
    source: int  # index into the sources list
    paragraph: int  # 1-based in a document; 0 for a bank entry
    key: str


@dataclass(frozen=True)
class SourceDoc:
    label: str  # how a message names it, in Chinese
    file: str  # the file, resolved, so the document being checked can be left out


def _keys(text: str) -> Iterator[str]:
    for start, end in sentence_spans(text):
        key = sentence_key(text[start:end])
        if len(key) >= _INDEX_MIN:
            yield key


def bank_sentences(folder: Path) -> tuple[list[SourceDoc], list[Sentence]]:
    """Every sentence of every enabled entry of the bank in ``folder``."""
    sources: list[SourceDoc] = []
    sentences: list[Sentence] = []
    name = bank_label(folder)
    for entry in load_bank(folder).all():
        body = entry.extra.get("body")
        texts = [entry.text, body] if isinstance(body, str) else [entry.text]
        keys = [key for text in texts for key in _keys(text)]
        if not keys:
            continue
        origin = ""
        if entry.source is not None:
            doc = f"《{entry.source.document}》" if entry.source.document else ""
            part = f"第 {entry.source.part} 部分" if entry.source.part else ""
            origin = f"（出自 {entry.source.file}{doc}{part}）"
        sources.append(SourceDoc(f"素材库 {name} 条目 {entry.id}{origin}", str(folder.resolve())))
        sentences.extend(Sentence(len(sources) - 1, 0, key) for key in keys)
    return sources, sentences


def document_files(folder: Path) -> list[Path]:
    """The documents drafter can read under ``folder``, in a fixed order; hidden files and the
    lock and temporary files of office programs (``~$…``) are left out."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith((".", "~$")) or not name.lower().endswith(SUFFIXES):
                continue
            found.append(Path(root) / name)
    return found


def folder_sentences(
    folder: Path,
) -> tuple[list[SourceDoc], list[Sentence], list[str]]:
    """Every sentence of every readable document under ``folder``, and the files that could not
    be read (with why): one bad file must not stop a check against a thousand good ones."""
    sources: list[SourceDoc] = []
    sentences: list[Sentence] = []
    skipped: list[str] = []
    for path in document_files(folder):
        try:
            blocks = read_blocks(path)
        except DrafterError as exc:
            skipped.append(exc.user_message())
            continue
        source = len(sources)
        sources.append(SourceDoc(f"对照材料 {path.relative_to(folder)}", str(path.resolve())))
        paragraph = 0
        for block in blocks:
            for line in block.text.split("\n"):
                if not line.strip():
                    continue
                paragraph += 1
                sentences.extend(Sentence(source, paragraph, key) for key in _keys(line))
    return sources, sentences, skipped


def folder_stamp(folder: Path, kind: str) -> str:
    """A hash of what an index of ``folder`` is built from: each file's path, size and time."""
    files = bank_files(folder) if kind == "bank" else document_files(folder)
    digest = hashlib.sha1(f"{kind}\0{folder.resolve()}".encode())
    stamp_files(digest, files)
    return digest.hexdigest()
