"""Planning a draft's parts from the theme: distinct aspects, taken from relevant sibling sets.

Every heading and sub-point of the bank stands in a sibling set (the parts of one speech, the
sub-points under one heading, the run-in leads under one sub-point). Siblings are distinct
aspects of one subject by construction, so a set with enough members on the theme gives a
draft its parts; when no set has enough, the best aspects of several sets are combined.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from drafter.drafting.index import BankIndex, Rec
from drafter.drafting.model import Avoid
from drafter.drafting.relevance import ThemeWords
from drafter.text.normalize import fold_normalized
from drafter.text.sentences import char_bigrams

_SETS_TRIED = 6  # best sets a seed chooses among
_MIN_SCORE_SHARE = 0.2  # an aspect scores at least this share of the fifth best entry
_SMALL_SET = 5  # siblings of a set this small share its subject
_SIBLING_SHARE = 0.6  # and at least this share of its best member's score
_MIXES_DRAWN = 4  # aspects per part that the seed reorders when mixing sets


@dataclass(frozen=True)
class Aspect:
    rec: Rec
    level: int
    set_id: str
    score: float
    on_theme: bool
    children: int = 0  # sub-points standing under it in the bank


def context_of(index: BankIndex, rec: Rec) -> str:
    """What stands under an aspect: the sub-point leads under a heading, a sub-point's body."""
    if rec.kind == "heading":
        return " ".join(r.text for r in index.points_of_heading(rec.key))
    # The opening of the body, kept in the index: reading every body would cost a draft the
    # whole side file.
    return str(rec.info.get("gist") or "")


def frame_of(rec: Rec) -> str:
    """What frames an aspect: the title of its speech and the heading it stands under."""
    return f"{rec.document or ''} {rec.info.get('heading') or ''}"


def aspect_on_theme(theme: ThemeWords, rec: Rec, context: str) -> bool:
    """An aspect is on the theme when its own words name the theme or hold two theme words;
    when it holds one and the text under it three more; or when it is a part of a speech (or
    stands under a heading) that names the theme, and speaks of it."""
    own = len(theme.hits(rec.text))
    if theme.direct(rec.text) or own >= 2:
        return True
    if own == 1 and len(theme.hits(f"{rec.text} {context}")) >= 3:
        return True
    return theme.direct(frame_of(rec)) and (own >= 1 or len(theme.hits(context)) >= 2)


def candidate_aspects(
    index: BankIndex, theme: ThemeWords, scores: dict[tuple[str, int], float], avoid: Avoid
) -> dict[str, list[Aspect]]:
    """Members of each sibling set with a score, best first, by set id."""
    if not scores:
        return {}
    # Measured against the fifth best, not the best: one entry that writes the theme out
    # whole scores far above all others and would leave no room for siblings.
    ranked = sorted(
        (s for (kind, _), s in scores.items() if kind in ("heading", "point")), reverse=True
    )
    top = ranked[min(4, len(ranked) - 1)] if ranked else 1.0
    out: dict[str, list[Aspect]] = {}
    for set_id, level, kind, positions in index.sets:
        best = max(scores.get((kind, at), 0.0) for at in positions)
        if best < _MIN_SCORE_SHARE * top:
            continue
        # A speech's few parts are one subject seen from a few sides: when one part names the
        # theme, its siblings are about it too (健全冷链物流网络 beside 建强农产品集散地).
        recs = [index.row(kind, at) for at in positions]
        # Only the parts of one speech (or a set a writer added): sub-points under one heading
        # of a report are often separate subjects (养老 beside 医院 beside 住房).
        named = (
            level == 1
            and len(positions) <= _SMALL_SET
            and any(
                theme.direct(r.text) or any(w in r.text for w in theme.own_telling) for r in recs
            )
        )
        members = []
        for at, rec in zip(positions, recs, strict=True):
            score = scores.get((kind, at), 0.0)
            if named:
                score = max(score, _SIBLING_SHARE * best)
            if score < _MIN_SCORE_SHARE * top or avoid.blocks_key(rec.id, rec.key):
                continue
            on = named or aspect_on_theme(theme, rec, context_of(index, rec))
            under = len(index.by_heading.get(rec.key, ()))
            members.append(Aspect(rec, level, set_id, score, on, under))
        if members:
            members.sort(key=lambda a: (-a.score, a.rec.id))
            out[set_id] = members
    return out


def same_topic(a: str, b: str, theme: ThemeWords) -> bool:
    """Two aspects that say the same thing (the theme's own words aside)."""
    return _same_topic(a, b, theme.core)


@lru_cache(maxsize=1 << 16)  # plans of one theme weigh the same pairs draft after draft
def _same_topic(a: str, b: str, core: tuple[str, ...]) -> bool:
    for word in core:
        a, b = a.replace(word, ""), b.replace(word, "")
    x, y = char_bigrams(fold_normalized(a)), char_bigrams(fold_normalized(b))
    return bool(x and y) and 2 * len(x & y) / (len(x) + len(y)) >= 0.45


def plan_aspects(
    sets: dict[str, list[Aspect]],
    ordered: list[Aspect],
    count: int,
    theme: ThemeWords,
    rng: random.Random,
) -> list[list[Aspect]]:
    """Candidate plans of ``count`` aspects, best first: whole sets whose members are on the
    theme, then mixes of the best aspects found anywhere (``ordered``: every aspect of the
    sets, on the theme first, then by score), then anything relevant."""
    plans: list[list[Aspect]] = []
    whole = []
    for members in sets.values():
        good = [a for a in members if a.on_theme]
        if len(good) >= count:
            # Parts with sub-points of their own make a fuller speech than bare leads.
            fuller = sum(1 for a in good[:count] if a.children >= 2) / count
            whole.append((sum(a.score for a in good[:count]) * (1 + 0.5 * fuller), good))
    whole.sort(key=lambda pair: -pair[0])
    # Seeds choose among the best sets, the better ones more often.
    # A weighted draw without replacement (key u^(1/w)): the best set comes first most often.
    best = whole[0][0] if whole else 1.0
    weighted = [
        (rng.random() ** (best / max(score, 1e-9)), good) for score, good in whole[:_SETS_TRIED]
    ]
    weighted.sort(key=lambda pair: -pair[0])
    for _, good in weighted:
        pool = good[: count + 2]
        chosen = sorted(rng.sample(pool, count), key=lambda a: pool.index(a))
        if _distinct(chosen, theme):
            plans.append(sorted(chosen, key=lambda a: _position(a)))
    # The best, reordered by the seed; the rest after them, for mixes that need them.
    top = noisy_top(ordered, _MIXES_DRAWN * count, rng, lambda s, r: s + r, None)
    chosen_ids = {a.rec.id for a in top}
    every = [*top, *(a for a in ordered if a.rec.id not in chosen_ids)]
    for start in range(3):
        mixed: list[Aspect] = []
        for aspect in every[start:]:
            if len(mixed) == count:
                break
            if all(not same_topic(aspect.rec.text, m.rec.text, theme) for m in mixed):
                mixed.append(aspect)
        if len(mixed) == count:
            plans.append(mixed)
    return plans


def noisy_top(
    ordered: list[Aspect],
    size: int,
    rng: random.Random,
    noisy: Callable[[float, float], float],
    factor: float | None,
) -> list[Aspect]:
    """The ``size`` best of ``ordered`` (on the theme first, then by score) once the seed has
    moved each score by ``noisy(score, draw)``, at most by ``factor`` times (or by 1 when
    None), best first. Only the aspects that could still reach the top draw: a large bank
    offers hundreds."""
    out: list[Aspect] = []
    for on in (True, False):
        group = [a for a in ordered if a.on_theme is on]
        need = size - len(out)
        if need <= 0 or not group:
            continue
        floor = group[min(need, len(group)) - 1].score
        able = [a for a in group if (a.score * factor if factor else a.score + 1.0) >= floor]
        drawn = sorted(able, key=lambda a: (-noisy(a.score, rng.random()), a.rec.id))
        out += drawn[:need]
    return out


def _position(aspect: Aspect) -> int:
    position = aspect.rec.info.get("position")
    return position if isinstance(position, int) else 0


def _distinct(chosen: list[Aspect], theme: ThemeWords) -> bool:
    return all(
        not same_topic(a.rec.text, b.rec.text, theme)
        for i, a in enumerate(chosen)
        for b in chosen[i + 1 :]
    )


def choose_aspects(
    able: list[Aspect], count: int, theme: ThemeWords, rng: random.Random
) -> list[Aspect] | None:
    """``count`` distinct aspects from ``able`` (best first): siblings of one set when a set
    offers enough, else some of the best of any set (which ones, the seed decides)."""
    by_set: dict[str, list[Aspect]] = {}
    for aspect in able:
        by_set.setdefault(aspect.set_id, []).append(aspect)
    for members in by_set.values():
        good = [a for a in members if a.on_theme]
        if len(good) >= count and _distinct(good[:count], theme):
            return sorted(good[:count], key=_position)
    chosen: list[Aspect] = []
    window = able[: 2 * count]
    order = [*rng.sample(window, len(window)), *able[2 * count :]]
    for aspect in order:
        if all(not same_topic(aspect.rec.text, c.rec.text, theme) for c in chosen):
            chosen.append(aspect)
            if len(chosen) == count:
                return chosen
    return None
