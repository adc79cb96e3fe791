"""Theme suggestions for the draft form: the theme book's themes and the topics the bank
covers well, each with a word on its coverage (what ``drafter themes`` lists)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from drafter.drafting.index import BankIndex
from drafter.drafting.overview import ThemeStatus, theme_overview


@dataclass(frozen=True)
class Suggestion:
    name: str
    note: str  # coverage in a few words, shown beside the name


def _curated_note(status: ThemeStatus) -> str:
    cells = []
    for parts, ok in sorted(status.draftable.items()):
        if not ok:
            cells.append(f"{parts}部分素材不足")
            continue
        on, n, points_on, points = status.on_theme[parts]
        cells.append(f"{parts}部分：切题 {on}/{n} 部分、{points_on}/{points} 要点")
    return "主题表 · " + "；".join(cells) if cells else "主题表"


def _topic_note(status: ThemeStatus) -> str:
    m = status.material
    return f"素材库覆盖较好 · 可作部分 {m['aspects']}、要点 {m['points']}"


_cache: dict[str, list[Suggestion]] = {}
_lock = threading.Lock()


def suggestions(index: BankIndex) -> list[Suggestion]:
    """The suggestions for ``index``, worked out once per bank version (it composes a draft of
    each curated theme: half a second on the bundled bank)."""
    with _lock:
        known = _cache.get(index.version)
        if known is None:
            overview = theme_overview(index)
            known = [Suggestion(s.name, _curated_note(s)) for s in overview.themes]
            known += [Suggestion(s.name, _topic_note(s)) for s in overview.topics]
            _cache.clear()  # only the banks as they are now are asked about
            _cache[index.version] = known
        return known
