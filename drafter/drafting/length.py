"""How long a full draft is: each point's body cut to its share of the length asked for.

A body keeps its first sentence (it states the point) and then the sentences that hold the most
theme words, in their own order, as long as they fit. Without ``--length`` a body is cut to an
editable paragraph, as before.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import TYPE_CHECKING

from drafter.drafting.model import DraftPart
from drafter.text.sentences import split_sentences

if TYPE_CHECKING:
    from drafter.drafting.index import BankIndex

BODY_MAX = 180  # characters of a body when no length is asked for


@functools.lru_cache(
    maxsize=1 << 16
)  # the same bank texts meet the same keywords draft after draft
def keyword_hits(text: str, keywords: tuple[str, ...]) -> int:
    """How many of ``keywords`` a text holds."""
    return sum(1 for k in keywords if k in text)


def fit_body(text: str, keywords: tuple[str, ...], limit: int = BODY_MAX) -> str:
    """A body paragraph of at most about ``limit`` characters: its first sentence, then those
    on the theme."""
    sentences = split_sentences(text)
    if sum(map(len, sentences)) <= limit:
        return text
    if len(sentences[0]) > limit:
        # A long opening sentence: the one sentence that fits and says most on the theme.
        fitting = [i for i, s in enumerate(sentences) if len(s) <= limit]
        if not fitting:
            return min(sentences[:3], key=len)
        return sentences[max(fitting, key=lambda i: (keyword_hits(sentences[i], keywords), -i))]
    keep = {0}
    size = len(sentences[0])
    ranked = sorted(range(1, len(sentences)), key=lambda i: -keyword_hits(sentences[i], keywords))
    for i in ranked:
        if size + len(sentences[i]) > limit:
            continue
        keep.add(i)
        size += len(sentences[i])
    return "".join(sentences[i] for i in sorted(keep))


def _frame_size(parts: list[DraftPart]) -> int:
    size = 0
    for part in parts:
        size += len(part.heading) + len(part.lead)
        size += sum(len(p.lead) for p in part.points)
    return size


def fit_length(
    parts: list[DraftPart],
    target: int | None,
    keywords: tuple[str, ...],
    index: BankIndex,
    framing: int = 0,
) -> list[DraftPart]:
    """Parts whose point bodies together bring the draft near ``target`` characters
    (``framing``: what the title, opening and closing take)."""
    full: list[list[str]] = []
    for part in parts:
        bodies = []
        for point in part.points:
            entry = point.source.get("id")
            whole = index.body(entry) if isinstance(entry, str) else ""
            bodies.append(whole or point.body or "")
        full.append(bodies)
    if target is None:
        limits = [[BODY_MAX] * len(b) for b in full]
    else:
        budget = max(0, target - framing - _frame_size(parts))
        sizes = [len(b) for bodies in full for b in bodies]
        share = _shares(sizes, budget)
        it = iter(share)
        limits = [[next(it) for _ in bodies] for bodies in full]
    out = []
    for part, bodies, caps in zip(parts, full, limits, strict=True):
        points = [
            replace(point, body=fit_body(body, keywords, cap) or None if body else None)
            for point, body, cap in zip(part.points, bodies, caps, strict=True)
        ]
        out.append(replace(part, points=points))
    return out


def _shares(sizes: list[int], budget: int) -> list[int]:
    """Split ``budget`` over bodies of ``sizes``: a body shorter than its share gives the rest
    to the others."""
    caps = [0] * len(sizes)
    open_ = [i for i in range(len(sizes))]
    left = budget
    while open_:
        each = left // len(open_)
        short = [i for i in open_ if sizes[i] <= each]
        if not short:
            for i in open_:
                caps[i] = each
            break
        for i in short:
            caps[i] = sizes[i]
            left -= sizes[i]
        open_ = [i for i in open_ if i not in short]
    return caps
