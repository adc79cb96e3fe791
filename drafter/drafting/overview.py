"""What the bank offers: each curated theme's material and how on-theme its drafts are, the
topics the bank covers well (mined from its own headings), and one theme looked up."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from drafter.bank.themes import PART_COUNTS
from drafter.drafting.composer import Composer
from drafter.drafting.coverage import did_you_mean
from drafter.drafting.index import BankIndex
from drafter.drafting.model import Avoid, DraftRequest
from drafter.drafting.topical import find_material
from drafter.errors import DraftError
from drafter.text.words import STOP_WORDS, han_runs

_TOPICS = 20  # topics suggested
_TOPIC_MIN_SETS = 3  # a topic named in at least this many sibling sets
_TOPIC_MIN_ASPECTS = 6  # and with at least this many on-theme aspects to plan parts from
_TOPIC_CHARS = (4, 6)
_TOPIC_INSIDE = 0.6  # a run found inside one longer run this often is part of that run


@dataclass(frozen=True)
class ThemeStatus:
    name: str
    aliases: tuple[str, ...]
    dimensions: dict[int, tuple[str, ...]]
    material: dict[str, int]  # "sets", "aspects", "points": what the bank holds on the theme
    draftable: dict[int, bool]  # part count -> a draft can be made
    on_theme: dict[int, tuple[int, int, int, int]] = field(default_factory=dict)
    # part count -> (parts on theme, parts, points on theme, points) in the seed-1 draft


@dataclass(frozen=True)
class Overview:
    themes: list[ThemeStatus]
    topics: list[ThemeStatus]  # mined from the bank: themes it covers well
    looked_up: ThemeStatus | None = None  # the theme asked about
    guess: str | None = None  # the curated theme a looked-up one is probably a typo of


def _material(index: BankIndex, theme: str, keywords: tuple[str, ...] = ()) -> dict[str, int]:
    words = index.relevance.theme(theme, keywords)
    if not words.core and not words.wanted:
        return {"sets": 0, "aspects": 0, "points": 0}
    found = find_material(index, words, Avoid())
    aspects = [a for members in found.sets.values() for a in members if a.on_theme]
    return {
        "sets": len({a.set_id for a in aspects}),
        "aspects": len(aspects),
        "points": sum(1 for _, rec in found.points if words.hits(rec.text)),
    }


def theme_status(
    index: BankIndex,
    name: str,
    aliases: tuple[str, ...] = (),
    dimensions: dict[int, tuple[str, ...]] | None = None,
    keywords: tuple[str, ...] = (),
) -> ThemeStatus:
    """One theme's material, and what its seed-1 drafts of 3 and 4 parts hold on the theme."""
    draftable: dict[int, bool] = {}
    on_theme: dict[int, tuple[int, int, int, int]] = {}
    for parts in PART_COUNTS:
        try:
            draft = Composer(index, DraftRequest(theme=name, parts=parts, seed=1)).compose()
        except DraftError:
            draftable[parts] = False
            continue
        draftable[parts] = True
        cover: dict[str, Any] = draft.coverage
        on_theme[parts] = (
            cover["parts_on_theme"],
            cover["parts"],
            cover["points_on_theme"],
            cover["points"],
        )
    material = _material(index, " ".join((name, *aliases)), keywords)
    return ThemeStatus(name, aliases, dimensions or {}, material, draftable, on_theme)


def bank_topics(index: BankIndex, limit: int = _TOPICS) -> list[str]:
    """Topics that many sibling sets name in their headings (营商环境, 乡村振兴, 新质生产力 …):
    the themes the bank can write about. A topic is a run of 4–6 characters that starts and
    ends with a word of the bank and is not mostly part of a longer run (质量发展 is nearly
    always 高质量发展, so it is not a topic)."""
    rel = index.relevance
    counts: Counter[str] = Counter()
    for _set_id, _, kind, positions in index.sets:
        seen: set[str] = set()
        for at in positions:
            for run in han_runs(index.rows[kind][at][2]):
                for size in range(_TOPIC_CHARS[0], _TOPIC_CHARS[1] + 2):
                    seen.update(run[i : i + size] for i in range(len(run) - size + 1))
        counts.update(seen)

    def bounded(topic: str) -> bool:
        starts = [topic[:n] for n in (2, 3, 4) if topic[:n] in rel.column]
        ends = [topic[-n:] for n in (2, 3, 4) if topic[-n:] in rel.column]
        if not starts or not ends or any(w in STOP_WORDS for w in (*starts, *ends)):
            return False
        return max(rel.specificity(w) for w in (*starts, *ends)) >= 0.6

    # Each run under the runs one character longer that contain it.
    longer: dict[str, list[str]] = {}
    for run in counts:
        longer.setdefault(run[1:], []).append(run)
        longer.setdefault(run[:-1], []).append(run)

    def maximal(topic: str, count: int) -> bool:
        return all(counts[t] < _TOPIC_INSIDE * count for t in longer.get(topic, []))

    out: list[str] = []
    for topic, sets in counts.most_common():
        if sets < _TOPIC_MIN_SETS or len(out) >= limit:
            break
        size = len(topic)
        if not _TOPIC_CHARS[0] <= size <= _TOPIC_CHARS[1] or any(
            topic in t or t in topic for t in out
        ):
            continue
        if bounded(topic) and maximal(topic, sets):
            out.append(topic)
    return out


def curated_statuses(index: BankIndex) -> list[ThemeStatus]:
    """Each theme of the theme book with its material and its seed-1 drafts."""
    return [
        theme_status(index, t.name, t.aliases, t.dimensions, t.keywords)
        for t in index.themes.themes
    ]


def theme_overview(index: BankIndex, look_up: str | None = None) -> Overview:
    """The curated themes, the topics the bank covers well, and ``look_up`` if given."""
    themes = curated_statuses(index)
    curated = {t.name for t in themes}
    topics = []
    for topic in bank_topics(index):
        if topic in curated:
            continue
        material = _material(index, topic)
        if material["aspects"] >= _TOPIC_MIN_ASPECTS:
            topics.append(ThemeStatus(topic, (), {}, material, {}, {}))
    looked = guess = None
    if look_up is not None and look_up.strip():
        guess = did_you_mean(index.themes, look_up.strip())
        looked = theme_status(index, look_up.strip())
    return Overview(themes, topics, looked, guess)
