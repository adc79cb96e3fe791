"""What the bank holds for a theme, told honestly: the ``coverage`` of a draft, its notes, and
the curated theme a mistyped one probably meant."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drafter.bank.themes import ThemeBook
from drafter.drafting.model import Draft
from drafter.drafting.relevance import ThemeWords

if TYPE_CHECKING:
    from drafter.drafting.topical import Material

_SETS_SHOWN = 5
ENOUGH_POINTS = 0.6  # share of on-theme points a draft needs to count as covered


def describe_coverage(
    words: ThemeWords, material: Material | None, draft: Draft, keywords: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The ``coverage`` object of a draft's JSON."""
    parts = draft.parts
    points = [p for part in parts for p in part.points]
    sets: list[dict[str, Any]] = []
    points_found = 0
    if material is not None:
        if material.summary is None:  # the same for every draft of the theme
            material.summary = _summary(words, material)
        shown, points_found = material.summary
        sets = [dict(entry) for entry in shown]  # each draft's JSON its own
    parts_on = sum(p.on_theme for p in parts)
    points_on = sum(p.on_theme for p in points)
    return {
        "theme_words": list(words.core),
        "keywords": list(dict.fromkeys((*keywords, *words.wanted))),
        "expansion": list(words.expansion),
        "sets": sets,
        "points_found": points_found,
        "parts_on_theme": parts_on,
        "parts": len(parts),
        "points_on_theme": points_on,
        "points": len(points),
        "enough": parts_on == len(parts) and points_on >= ENOUGH_POINTS * max(1, len(points)),
    }


def coverage_notes(theme: str, book: ThemeBook, draft: Draft) -> list[str]:
    """What a writer must know about a draft: thin material, and a likely typo in the theme."""
    notes = []
    cover = draft.coverage
    if cover and not cover.get("enough", True):
        notes.append(
            f"素材库里与主题“{theme}”相关的材料不多：{cover['parts']} 个部分中 "
            f"{cover['parts_on_theme']} 个、{cover['points']} 条要点中 {cover['points_on_theme']} "
            "条切题，其余是通用素材（JSON 中 on_theme 为 false，加 --sources 可看到标记）。"
            "建议用 drafter mine 挖掘自己的材料补充素材库。"
        )
    guess = did_you_mean(book, theme)
    if guess is not None:
        notes.append(f"是不是“{guess}”？主题表里有这个主题。")
    return notes


def _one_apart(a: str, b: str) -> bool:
    """Whether two texts differ by one character replaced, added or dropped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def did_you_mean(book: ThemeBook, text: str) -> str | None:
    """The curated theme one character away from ``text`` (激励干部担当做为 → 激励干部担当作为)."""
    if book.find(text) is not None:
        return None
    for theme in book.themes:
        if any(_one_apart(text, name) for name in (theme.name, *theme.aliases)):
            return theme.name
    return None


def _summary(words: ThemeWords, material: Material) -> tuple[list[dict[str, Any]], int]:
    """The best sets on the theme and the number of sub-points found that name it."""
    sets = []
    ranked = sorted(
        material.sets.items(),
        key=lambda kv: (-sum(a.on_theme for a in kv[1]), -kv[1][0].score, kv[0]),
    )
    for set_id, members in ranked[:_SETS_SHOWN]:
        good = sum(a.on_theme for a in members)
        if not good:
            break
        first = members[0].rec
        sets.append(
            {
                "id": set_id,
                "level": members[0].level,
                "file": first.file,
                "document": first.document,
                "on_theme": good,
                "example": first.text,
            }
        )
    return sets, sum(1 for _, rec in material.points if words.hits(rec.text))
