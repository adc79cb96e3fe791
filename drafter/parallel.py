"""Recognising parallel (对仗) texts: sibling headings and sub-point leads share a shape.

Two texts are parallel when they have the same clause structure and nearly the same length, and
share something more: an exact length, a common opening or closing, or a common word.
"""

from __future__ import annotations

from dataclasses import dataclass

from .sentences import clauses, visible_len

_MAX_CANDIDATES = 300  # a guard for pathological inputs; real parts hold a handful


@dataclass(frozen=True)
class Shape:
    text: str
    lengths: tuple[int, ...]  # visible length of each clause
    total: int
    bigrams: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Shape:
        parts = clauses(text) or [text]
        core = "".join(c for c in text if c.isalnum())
        return cls(
            text=core,
            lengths=tuple(visible_len(c) for c in parts),
            total=len(core),
            bigrams=frozenset(core[i : i + 2] for i in range(len(core) - 1)),
        )


def similarity(a: Shape, b: Shape) -> int:
    """How strongly two texts look parallel; below 2 they are not."""
    if len(a.lengths) != len(b.lengths) or not a.text or not b.text:
        return 0
    diff = abs(a.total - b.total)
    if diff > max(2, (max(a.total, b.total) * 3) // 10):
        return 0
    if len(a.lengths) > 1 and any(
        abs(x - y) > 3 for x, y in zip(a.lengths, b.lengths, strict=True)
    ):
        return 0
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
    shapes = [Shape.of(t) for t in texts[:_MAX_CANDIDATES]]
    n = len(shapes)
    if n < min_size:
        return []
    sim = [[similarity(shapes[i], shapes[j]) if i != j else 99 for j in range(n)] for i in range(n)]
    best: list[int] = []
    best_score = -1
    for seed in range(n):
        group = [seed]
        common = shapes[seed].bigrams
        # Grow by the candidate most similar to the group, keeping every pair parallel.
        while True:
            pick, pick_score = -1, -1
            for j in range(n):
                if j in group or any(sim[j][g] < threshold for g in group):
                    continue
                if shared_word and not (common & shapes[j].bigrams):
                    continue
                total = sum(sim[j][g] for g in group)
                if total > pick_score:
                    pick, pick_score = j, total
            if pick < 0:
                break
            group.append(pick)
            common = common & shapes[pick].bigrams
        if len(group) < min_size:
            continue
        score = sum(sim[a][b] for a in group for b in group if a < b)
        if (len(group), score) > (len(best), best_score):
            best, best_score = sorted(group), score
    return best
