"""An inverted index of winnowed character 4-gram fingerprints, in sorted numpy arrays.

Chinese has no spaces, so sentences are compared by their characters: every run of 4 characters
(after dropping punctuation and blanks) is hashed, and winnowing (Schleimer, Wilkerson and Aiken,
2003; the method of MOSS) keeps the smallest hash of every 4 neighbouring ones. That keeps about
40% of the hashes, and still guarantees that two texts sharing any 7 characters in a row share a
fingerprint. The fingerprints and the sentence each came from are kept as two arrays sorted by
hash: a lookup is ``searchsorted``, the arrays are saved as ``.npy`` and mapped from disk, so a
cached index opens in milliseconds whatever its size. Hashes are computed from the characters
alone (never Python's salted ``hash``), so an index built by one process serves the next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

GRAM = 4  # 3 characters are shared by unrelated sentences all the time; 5 miss light edits
WINDOW = 4
_SEP = 0  # between sentences: no n-gram spans two of them
_NONE = np.uint64(0xFFFFFFFFFFFFFFFF)
_BASE = np.uint64(0x100000001B3)
# A fingerprint shared by more sentences than this is a set phrase (坚持以人民为中心), not a
# sign of copying: looking it up would only cost time.
COMMON = 500


def fingerprints(keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The winnowed fingerprints of ``keys`` (sentences already reduced to their characters),
    and for each the index of the key it came from."""
    if not keys:
        return np.zeros(0, np.uint64), np.zeros(0, np.int32)
    joined = "\0".join(keys) + "\0"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    size = len(codes) - GRAM + 1
    if size <= 0:
        return np.zeros(0, np.uint64), np.zeros(0, np.int32)
    hashes = np.zeros(size, np.uint64)
    broken = np.zeros(size, bool)
    with np.errstate(over="ignore"):  # the polynomial hash wraps around 2**64 on purpose
        for offset in range(GRAM):
            part = codes[offset : offset + size]
            hashes = hashes * _BASE + part
            broken |= part == _SEP
        hashes ^= hashes >> np.uint64(29)  # mix, so the low bits are as good as the high ones
        hashes *= np.uint64(0xBF58476D1CE4E5B9)
        hashes ^= hashes >> np.uint64(32)
    hashes[broken] = _NONE
    if size >= WINDOW:
        windows = np.lib.stride_tricks.sliding_window_view(hashes, WINDOW)
        chosen = np.unique(windows.argmin(axis=1) + np.arange(size - WINDOW + 1))
    else:
        chosen = np.arange(size)
    chosen = chosen[hashes[chosen] != _NONE]
    starts = np.cumsum([0] + [len(k) + 1 for k in keys[:-1]])
    owners = np.searchsorted(starts, chosen, side="right") - 1
    return hashes[chosen], owners.astype(np.int32)


@dataclass
class ShingleIndex:
    """Fingerprints of many sentences, sorted by hash, with the sentences' keys for checking."""

    hashes: np.ndarray  # uint64, sorted
    owners: np.ndarray  # int32: the sentence of each fingerprint
    text: bytes | Any  # the sentence keys, UTF-8, one after another (a memory map when loaded)
    offsets: np.ndarray  # int64: sentence i is text[offsets[i]:offsets[i + 1]]

    @classmethod
    def build(cls, keys: Sequence[str]) -> ShingleIndex:
        hashes, owners = fingerprints(keys)
        order = np.argsort(hashes, kind="stable")
        encoded = [key.encode("utf-8") for key in keys]
        offsets = np.cumsum([0] + [len(b) for b in encoded], dtype=np.int64)
        return cls(hashes[order], owners[order], b"".join(encoded), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def key(self, sentence: int) -> str:
        start, end = int(self.offsets[sentence]), int(self.offsets[sentence + 1])
        piece = self.text[start:end]
        return (piece if isinstance(piece, bytes) else piece.tobytes()).decode("utf-8")

    def save(self, folder: Path) -> None:
        np.save(folder / "hashes.npy", self.hashes)
        np.save(folder / "owners.npy", self.owners)
        np.save(folder / "offsets.npy", self.offsets)
        (folder / "text.bin").write_bytes(bytes(self.text))

    @classmethod
    def load(cls, folder: Path) -> ShingleIndex:
        # Mapped, not read: a check touches a few pages of a 100 MB index.
        hashes = np.load(folder / "hashes.npy", mmap_mode="r")
        owners = np.load(folder / "owners.npy", mmap_mode="r")
        offsets = np.load(folder / "offsets.npy", mmap_mode="r")
        size = (folder / "text.bin").stat().st_size
        text = np.memmap(folder / "text.bin", dtype=np.uint8, mode="r") if size else b""
        return cls(hashes, owners, text, offsets)

    def candidates(self, keys: Sequence[str], best: int = 3) -> list[list[tuple[int, int]]]:
        """For each of ``keys``, up to ``best`` indexed sentences sharing the most fingerprints
        with it, as (sentence, shared fingerprints), most shared first."""
        out: list[list[tuple[int, int]]] = [[] for _ in keys]
        query, owners = fingerprints(keys)
        if not len(query) or not len(self.hashes):
            return out
        low = np.searchsorted(self.hashes, query, side="left")
        high = np.searchsorted(self.hashes, query, side="right")
        counts = high - low
        keep = (counts > 0) & (counts <= COMMON)
        low, counts, owners = low[keep], counts[keep], owners[keep]
        if not len(low):
            return out
        # Every (query sentence, indexed sentence) pair once per shared fingerprint, at once.
        total = int(counts.sum())
        firsts = np.repeat(low - (np.cumsum(counts) - counts), counts)
        found = np.asarray(self.owners[firsts + np.arange(total)], dtype=np.int64)
        pairs = np.repeat(owners.astype(np.int64), counts) * len(self.offsets) + found
        pairs, shared = np.unique(pairs, return_counts=True)
        mine, theirs = np.divmod(pairs, len(self.offsets))
        order = np.lexsort((theirs, -shared, mine))
        mine, theirs, shared = mine[order], theirs[order], shared[order]
        # The rank of each pair within its query sentence: keep the first ``best``.
        opens = np.r_[True, mine[1:] != mine[:-1]]
        rank = np.arange(len(mine)) - np.maximum.accumulate(
            np.where(opens, np.arange(len(mine)), 0)
        )
        for at in np.flatnonzero(rank < best):
            out[int(mine[at])].append((int(theirs[at]), int(shared[at])))
        return out
