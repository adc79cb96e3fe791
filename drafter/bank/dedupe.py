"""Near-duplicate entries: the same text after folding, or nearly the same, and merging them.

"Nearly the same" is a Jaccard similarity of the texts' character bigrams at or above a
threshold (0.8 by default: "切实增强政治意识" and "切实增强政治意识，" fold together; one
changed character in a twenty-character heading stays above it). Candidates are found with
prefix filtering (rarest bigrams first), so a 100k-entry bank is not compared pair by pair.

Headings and heading patterns are left out: a heading belongs to a set of parallel siblings,
and merging one away would break its set.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drafter.bank.fileedit import bank_lock, entry_lines
from drafter.bank.linemap import Row, load_line_map
from drafter.bank.ops import Change, Edits
from drafter.bank.schema import KINDS
from drafter.errors import UsageError
from drafter.text.sentences import char_bigrams

DEDUPE_KINDS = ("point", "part_lead", "opening", "closing", "quotation", "phrase")
MIN_LENGTH = 6  # shorter texts (四字格) differ by a character and mean something else


@dataclass(frozen=True)
class DupGroup:
    """Entries of one kind that say the same thing; ``keep`` absorbs the others."""

    kind: str
    keep: Row
    others: tuple[Row, ...]
    similarity: float  # lowest Jaccard similarity to ``keep``; 1.0 for identical folded text


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


class _Union:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def _similar_pairs(keys: list[str], threshold: float) -> list[tuple[int, int]]:
    grams = [char_bigrams(k) if len(k) >= MIN_LENGTH else frozenset() for k in keys]
    freq: Counter[str] = Counter(g for s in grams for g in s)
    index: dict[str, list[int]] = {}
    pairs: list[tuple[int, int]] = []
    order = sorted(range(len(keys)), key=lambda i: len(grams[i]))
    for i in order:
        tokens = sorted(grams[i], key=lambda g: (freq[g], g))
        if not tokens:
            continue
        prefix = len(tokens) - math.ceil(threshold * len(tokens)) + 1
        seen: set[int] = set()
        for token in tokens[:prefix]:
            for j in index.get(token, ()):
                if j in seen:
                    continue
                seen.add(j)
                if (
                    len(grams[j]) >= threshold * len(tokens)
                    and _jaccard(grams[i], grams[j]) >= threshold
                ):
                    pairs.append((j, i))
            index.setdefault(token, []).append(i)
    return pairs


def _rank(row: Row) -> tuple[int, int, int]:
    # Prefer what drafting uses (enabled), then the user's own wording, then the earliest.
    return (int(row.disabled), int(row.origin != "user"), row.start)


def find_duplicates(
    directory: Path, kinds: tuple[str, ...] = DEDUPE_KINDS, threshold: float = 0.8
) -> list[DupGroup]:
    """Groups of near-duplicate entries, kind by kind, in file order."""
    if not 0.5 <= threshold <= 1.0:
        raise UsageError("相似度阈值应在 0.5 到 1 之间")
    for kind in kinds:
        if kind not in DEDUPE_KINDS:
            allowed = "、".join(DEDUPE_KINDS)
            raise UsageError(
                f"去重不处理“{kind}”（标题成组出现，合并会拆散同组标题）；可选：{allowed}"
            )
    groups: list[DupGroup] = []
    for kind in kinds:
        line_map, _ = load_line_map(directory, kind)
        rows = line_map.rows
        keys = [r.key for r in rows]
        union = _Union(len(rows))
        first: dict[str, int] = {}
        for i, key in enumerate(keys):
            if key in first:
                union.join(i, first[key])
            else:
                first[key] = i
        for a, b in _similar_pairs(keys, threshold):
            union.join(a, b)
        members: dict[int, list[int]] = {}
        for i in range(len(rows)):
            members.setdefault(union.find(i), []).append(i)
        for group in members.values():
            if len(group) < 2:
                continue
            ranked = sorted((rows[i] for i in group), key=_rank)
            keep, others = ranked[0], tuple(sorted(ranked[1:], key=lambda r: r.start))
            kept = char_bigrams(keep.key)
            similarity = min(
                1.0 if o.key == keep.key else _jaccard(kept, char_bigrams(o.key)) for o in others
            )
            groups.append(DupGroup(kind, keep, others, round(similarity, 3)))
    groups.sort(key=lambda g: (list(KINDS).index(g.kind), g.keep.start))
    return groups


def _sources(data: dict[str, Any]) -> list[dict[str, Any]]:
    found = [data["source"]] if isinstance(data.get("source"), dict) else []
    found += [s for s in data.get("also_in") or [] if isinstance(s, dict)]
    return found


def merge_duplicates(directory: Path, groups: list[DupGroup]) -> Change:
    """Merge each group into its kept entry, which gathers every source and becomes the user's.

    Merged user entries are removed; merged mined entries are disabled with ``merged_into``,
    so that mining the corpus again does not bring the duplicates back.
    """
    change = Change()
    with bank_lock(directory):
        edits = Edits(directory)
        for group in groups:
            edit = edits.file(group.kind)
            for row in (group.keep, *group.others):
                now = edit.row(row.id)
                if now is None or now.start != row.start or now.end != row.end:
                    raise UsageError(
                        "确认期间素材库被改动了，未合并；请重新运行 drafter bank dedupe"
                    )
            kept = edit.data(group.keep)
            sources = _sources(kept)
            for other in group.others:
                data = edit.data(other)
                sources += [s for s in _sources(data) if s not in sources]
                if other.origin == "user":
                    edit.remove(other)
                else:
                    data.update(disabled=True, merged_into=group.keep.id)
                    edit.replace(other, entry_lines(data, edit.line_map.layout.seq_col))
            if sources:
                kept["source"], kept["also_in"] = sources[0], sources[1:]
                if not kept["also_in"]:
                    kept.pop("also_in")
            kept.pop("origin", None)
            kept["origin"] = "user"
            edit.replace(group.keep, entry_lines(kept, edit.line_map.layout.seq_col))
            change.entries.append(group.keep.entry(group.kind))
        edits.save(change)
    return change
