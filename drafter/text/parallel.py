"""Recognising parallel (对仗) texts: sibling headings and sub-point leads share a shape.

Two texts are parallel when they have the same clause structure and nearly the same length, and
share something more: an exact length, a common opening or closing, or a common word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from drafter.text.sentences import char_bigrams, clauses, visible_len

# What ``str.isalnum`` rejects, as the regex engine sees it (``\w`` is alphanumeric or "_").
_NOT_ALNUM = re.compile(r"[\W_]+")

# Lists up to _EXACT_MAX long are compared all against all (real lists hold a few dozen at most).
# Longer ones, which only hostile input produces, are searched in windows of _WINDOW and the best
# window's group is then extended over the rest, so the work grows linearly with the list.
_EXACT_MAX = 128
_WINDOW = 64
_REPRESENTATIVES = 8  # members a candidate must be parallel to when a group is extended


@dataclass(frozen=True)
class Shape:
    text: str
    lengths: tuple[int, ...]  # visible length of each clause
    total: int
    bigrams: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Shape:
        return _shape(text)


# Parsing weighs the same paragraphs against each other again and again while it looks for a
# part's sub-points; a shape is frozen, so it is kept.
@lru_cache(maxsize=1 << 14)
def _shape(text: str) -> Shape:
    parts = clauses(text) or [text]
    core = _NOT_ALNUM.sub("", text)
    return Shape(
        text=core,
        lengths=tuple(visible_len(c) for c in parts),
        total=len(core),
        bigrams=char_bigrams(core),
    )


def same_shape(a: Shape, b: Shape) -> bool:
    """Whether two texts have the same clause structure and nearly the same length: what being
    parallel asks before anything else."""
    if len(a.lengths) != len(b.lengths) or not a.text or not b.text:
        return False
    if not _fits(a.total, b.total):
        return False
    return len(a.lengths) == 1 or all(
        abs(x - y) <= 3 for x, y in zip(a.lengths, b.lengths, strict=True)
    )


def similarity(a: Shape, b: Shape) -> int:
    """How strongly two texts look parallel; below 2 they are not."""
    if not same_shape(a, b):
        return 0
    diff = abs(a.total - b.total)
    score = 2 if diff == 0 else 1 if diff == 1 else 0
    if a.text[0] == b.text[0]:
        score += 1 + (a.text[:2] == b.text[:2])
    if a.text[-1] == b.text[-1]:
        score += 1 + (a.text[-2:] == b.text[-2:])
    if a.bigrams & b.bigrams:
        score += 1
    return score


def parallel_group(
    texts: list[str], *, min_size: int = 2, threshold: int = 2, shared_word: bool = False
) -> list[int]:
    """Indices (in order) of the largest group of mutually parallel texts, or [] if none.

    With ``shared_word`` every member must also contain one common two-character word, the
    stricter test used where parallel headings are not marked by numbering.
    """
    rule = _Rule(min_size, threshold, shared_word)
    if len(texts) <= _EXACT_MAX:
        return _best_group([Shape.of(t) for t in texts], rule)[0]
    best: list[int] = []
    best_score = -1
    window = (0, 0)
    for start in range(0, len(texts), _WINDOW):
        end = min(start + _WINDOW, len(texts))
        group, score = _best_group([Shape.of(t) for t in texts[start:end]], rule)
        if (len(group), score) > (len(best), best_score):
            best, best_score, window = [start + g for g in group], score, (start, end)
    if not best:
        return []
    return _extend(texts, best, window, rule)


@dataclass(frozen=True)
class _Rule:
    min_size: int
    threshold: int
    shared_word: bool


def _best_group(shapes: list[Shape], rule: _Rule) -> tuple[list[int], int]:
    """The largest group of mutually parallel shapes and its score (the sum of its pairs').

    Every shape seeds a group, grown by the candidate most similar to it while every pair stays
    parallel; the largest group wins, then the highest score, then the earliest seed.
    """
    n = len(shapes)
    if n < rule.min_size:
        return [], -1
    sim = [[0] * n for _ in range(n)]
    for i in range(n):
        row = sim[i]
        for j in range(i + 1, n):
            row[j] = sim[j][i] = similarity(shapes[i], shapes[j])
    near = [[j for j in range(n) if j != i and sim[i][j] >= rule.threshold] for i in range(n)]
    best: list[int] = []
    best_set: set[int] = set()
    best_score = -1
    for seed in range(n):
        # A group lies within its seed's neighbours: one that cannot outgrow the best, or can
        # only be the best again (a later tie loses), is not grown.
        if len(near[seed]) + 1 < len(best) or (
            len(near[seed]) + 1 == len(best)
            and seed in best_set
            and best_set.issuperset(near[seed])
        ):
            continue
        group = _grow(seed, shapes, sim, near[seed], rule)
        if len(group) < rule.min_size or len(group) < len(best):
            continue
        score = sum(sim[a][b] for k, a in enumerate(group) for b in group[k + 1 :])
        if (len(group), score) > (len(best), best_score):
            best, best_score = sorted(group), score
            best_set = set(best)
    return best, best_score


def _grow(
    seed: int, shapes: list[Shape], sim: list[list[int]], near: list[int], rule: _Rule
) -> list[int]:
    """The group grown from ``seed``: each step adds the candidate with the highest summed
    similarity to the group (the earliest on a tie) among those parallel to every member."""
    group = [seed]
    common = shapes[seed].bigrams
    total = {j: sim[seed][j] for j in near}
    cands = list(near)  # ascending, parallel to every member so far
    while True:
        pick, pick_score = -1, -1
        for j in cands:
            if rule.shared_word and not (common & shapes[j].bigrams):
                continue
            if total[j] > pick_score:
                pick, pick_score = j, total[j]
        if pick < 0:
            return group
        group.append(pick)
        common = common & shapes[pick].bigrams
        row = sim[pick]
        cands = [j for j in cands if j != pick and row[j] >= rule.threshold]
        for j in cands:
            total[j] += row[j]


def _fits(a: int, b: int) -> bool:
    """Whether two total lengths are close enough to be parallel (as ``similarity`` asks)."""
    return abs(a - b) <= max(2, (max(a, b) * 3) // 10)


def _extend(texts: list[str], group: list[int], window: tuple[int, int], rule: _Rule) -> list[int]:
    """``group`` (found inside ``window``) with every text outside the window that keeps it
    parallel: the same clause count, lengths within reach of every member's, and parallel to
    the group's first members (all of them, when it has only a few)."""
    members = [Shape.of(texts[g]) for g in group]
    reps = members[:_REPRESENTATIVES]
    clauses = len(members[0].lengths)
    low = min(m.total for m in members)
    high = max(m.total for m in members)
    lows = [min(m.lengths[k] for m in members) for k in range(clauses)]
    highs = [max(m.lengths[k] for m in members) for k in range(clauses)]
    common = frozenset.intersection(*(m.bigrams for m in members))
    found = list(group)
    for j in range(len(texts)):
        if window[0] <= j < window[1]:
            continue
        shape = Shape.of(texts[j])
        if len(shape.lengths) != clauses or not (
            _fits(shape.total, low) and _fits(shape.total, high)
        ):
            continue
        if clauses > 1 and any(
            x - lows[k] > 3 or highs[k] - x > 3 for k, x in enumerate(shape.lengths)
        ):
            continue
        if rule.shared_word and not (common & shape.bigrams):
            continue
        if any(similarity(shape, r) < rule.threshold for r in reps):
            continue
        found.append(j)
        low, high = min(low, shape.total), max(high, shape.total)
        lows = [min(a, b) for a, b in zip(lows, shape.lengths, strict=True)]
        highs = [max(a, b) for a, b in zip(highs, shape.lengths, strict=True)]
        common = common & shape.bigrams
    return sorted(found)
