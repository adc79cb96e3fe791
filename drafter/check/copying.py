"""查重: sentences of a speech found verbatim or nearly verbatim in the bank or the writer's own
documents, each named with its source, and the share of the speech they make up.

Method: an inverted index of winnowed character 4-gram fingerprints (``shingles``) finds, for each
sentence of at least ``MIN_CHARS`` characters, the indexed sentences sharing the most
fingerprints; each candidate is then checked by aligning the two sentences character by character
(``difflib``). A sentence counts as copied when ``NEAR`` of its characters (80%) line up with one
source sentence: the same sentence with a few characters changed still does, one that only shares
set phrases (必须坚持……、推动……高质量发展) does not. One index per folder (each bank, each
``--against`` folder), cached on disk and keyed by the folder's file stamps, so a second check
opens it instead of building it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from drafter.check.copysources import (
    MIN_CHARS,
    SourceDoc,
    bank_sentences,
    folder_sentences,
    folder_stamp,
    sentence_key,
    sentence_spans,
)
from drafter.check.findings import Finding, Location
from drafter.check.shingles import ShingleIndex
from drafter.files.cache import cache_dir, code_stamp

__all__ = ["NEAR", "CopyIndex", "CopyingResult", "Match", "check_copying", "load_index"]

NEAR = 0.8
METHOD = "winnowed character 4-gram inverted index, verified by character alignment"
_CODE = ("drafter.check.copying", "drafter.check.copysources", "drafter.check.shingles")


@dataclass
class CopyIndex:
    """The sentences of one folder (a bank, or an ``--against`` folder), ready to be queried."""

    kind: str  # "bank" or "against"
    folder: Path
    shingles: ShingleIndex
    sources: Sequence[SourceDoc]
    sentence_source: np.ndarray  # int32: the source of each sentence
    sentence_paragraph: np.ndarray  # int32: its paragraph (0 for a bank entry)
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Match:
    similarity: float  # the share of the checked sentence's characters that line up
    verbatim: bool
    source: SourceDoc
    paragraph: int


@dataclass
class CopyingResult:
    findings: list[Finding]
    copied_share: float  # of the checked text's characters (punctuation and blanks aside)
    method: str = METHOD
    skipped: list[str] = field(default_factory=list)  # --against files that could not be read


def build_index(folder: Path, kind: str) -> CopyIndex:
    """Read every sentence of ``folder`` and index it (seconds for tens of MB)."""
    skipped: list[str] = []
    if kind == "bank":
        sources, sentences = bank_sentences(folder)
    else:
        sources, sentences, skipped = folder_sentences(folder)
    return CopyIndex(
        kind,
        folder,
        ShingleIndex.build([s.key for s in sentences]),
        sources,
        np.array([s.source for s in sentences], dtype=np.int32),
        np.array([s.paragraph for s in sentences], dtype=np.int32),
        skipped,
    )


_LOADED: dict[str, CopyIndex] = {}


def load_index(folder: Path, kind: str) -> CopyIndex:
    """The index of ``folder``: from this process, from the cache when it is current, else
    built (and cached for the next check)."""
    code = code_stamp(*_CODE)
    base = cache_dir()
    if code is None or base is None:
        return build_index(folder, kind)
    key = hashlib.sha1(f"{code}\0{folder_stamp(folder, kind)}".encode()).hexdigest()
    if key in _LOADED:
        return _LOADED[key]
    place = hashlib.sha1(f"{kind}\0{folder.resolve()}".encode()).hexdigest()[:12]
    home = base / "copying" / f"{kind}-{place}-{key[:20]}"
    index = _read_cached(home, key, kind, folder)
    if index is None:
        index = build_index(folder, kind)
        _store(index, home, key)
    _LOADED.clear()  # one check at a time: keep only the indexes it uses
    _LOADED[key] = index
    return index


class _Sources(Sequence[SourceDoc]):
    """The sources of a cached index, made one by one as a match names them: a 100,000-entry
    bank has as many, and a check names a few dozen."""

    def __init__(self, labels: list[str], files: list[str]) -> None:
        self.labels, self.files = labels, files

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, at: Any) -> Any:
        if isinstance(at, slice):
            return [self[i] for i in range(*at.indices(len(self)))]
        return SourceDoc(self.labels[at], self.files[at])


def _read_cached(home: Path, key: str, kind: str, folder: Path) -> CopyIndex | None:
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        meta = json.loads((home / "meta.json").read_text(encoding="utf-8"))
        if meta["key"] != key:
            return None
        return CopyIndex(
            kind,
            folder,
            ShingleIndex.load(home),
            _Sources(meta["labels"], meta["files"]),
            np.load(home / "source.npy", mmap_mode="r"),
            np.load(home / "paragraph.npy", mmap_mode="r"),
            list(meta["skipped"]),
        )
    return None


def _store(index: CopyIndex, home: Path, key: str) -> None:
    """Best effort, and whole or not at all: written in a folder beside it, then renamed; the
    same folder's older indexes go (their files changed)."""
    with contextlib.suppress(OSError):
        home.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".copying-", dir=home.parent))
        try:
            index.shingles.save(work)
            np.save(work / "source.npy", index.sentence_source)
            np.save(work / "paragraph.npy", index.sentence_paragraph)
            meta = {
                "key": key,
                "labels": [s.label for s in index.sources],
                "files": [s.file for s in index.sources],
                "skipped": index.skipped,
            }
            (work / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
            stem = home.name.rsplit("-", 1)[0]
            for old in home.parent.glob(f"{stem}-*"):
                if old != home:
                    shutil.rmtree(old, ignore_errors=True)
            os.rename(work, home)
        finally:
            shutil.rmtree(work, ignore_errors=True)  # gone already when the rename worked


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def similarity(mine: str, theirs: str, pairs: set[str] | None = None) -> float:
    """The share of ``mine``'s characters that line up, in order, with ``theirs``.

    Aligning costs about half a millisecond a pair; most candidates share only set phrases,
    and are turned away first by their character pairs: each changed character breaks at most
    two pairs, so a sentence with ``NEAR`` of its characters in line keeps well over half its
    pairs (``pairs``: those of ``mine``, when the caller has them)."""
    if mine in theirs:
        return 1.0
    pairs = _pairs(mine) if pairs is None else pairs
    if len(pairs & _pairs(theirs)) < (1 - 2 * (1 - NEAR)) * len(pairs) - 1:
        return 0.0
    matcher = difflib.SequenceMatcher(None, mine, theirs, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(mine)


def query_index(
    index: CopyIndex, keys: Sequence[str], exclude: frozenset[str]
) -> list[Match | None]:
    """For each sentence key, its best source in ``index`` if it is a copy of one."""
    out: list[Match | None] = []
    for key, found in zip(keys, index.shingles.candidates(keys, best=4), strict=True):
        best: Match | None = None
        pairs = _pairs(key)
        for sentence, _ in found:
            source = index.sources[int(index.sentence_source[sentence])]
            if source.file in exclude:
                continue
            theirs = index.shingles.key(sentence)
            score = similarity(key, theirs, pairs)
            if score >= NEAR and (best is None or score > best.similarity):
                paragraph = int(index.sentence_paragraph[sentence])
                best = Match(score, key in theirs, source, paragraph)
        out.append(best)
    return out


def _finding(location: Location, excerpt: str, match: Match) -> Finding:
    where = match.source.label + (f" 第 {match.paragraph} 段" if match.paragraph else "")
    if match.verbatim:
        rule, message = "copying.verbatim", f"与已有文字相同：{where}"
    else:
        percent = int(match.similarity * 100)
        rule, message = "copying.near", f"与已有文字几乎相同（{percent}% 的字相同）：{where}"
    return Finding(rule, "warning", location, message, "用自己的话重写，或注明出处", excerpt)


def check_copying(
    paragraphs: Sequence[tuple[Location, str]],
    bank_dirs: Sequence[Path],
    against_dirs: Sequence[Path],
    *,
    exclude: Sequence[Path] = (),
) -> CopyingResult:
    """Copied sentences of ``paragraphs`` (``exclude``: files never to count as a source, such
    as the document being checked when it sits in an ``--against`` folder)."""
    indexes = [load_index(d, "bank") for d in bank_dirs]
    indexes += [load_index(d, "against") for d in against_dirs]
    left_out = frozenset(str(p.resolve()) for p in exclude)
    places: list[tuple[Location, str]] = []
    keys: list[str] = []
    total = 0
    for location, text in paragraphs:
        total += len(sentence_key(text))
        for start, end in sentence_spans(text):
            key = sentence_key(text[start:end])
            if len(key) >= MIN_CHARS:
                places.append(
                    (dataclasses.replace(location, start=start, end=end), text[start:end])
                )
                keys.append(key)
    best: list[Match | None] = [None] * len(keys)
    for index in indexes:
        for i, match in enumerate(query_index(index, keys, left_out)):
            current = best[i]
            if match is not None and (current is None or match.similarity > current.similarity):
                best[i] = match
    findings = [_finding(*places[i], m) for i, m in enumerate(best) if m is not None]
    copied = sum(len(keys[i]) for i, m in enumerate(best) if m is not None)
    skipped = [note for index in indexes for note in index.skipped]
    return CopyingResult(findings, copied / total if total else 0.0, METHOD, skipped)
