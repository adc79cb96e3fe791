"""What every output format says the same way: the line under the title, and where a line of
a draft came from."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from drafter.text.numerals import int_to_chinese


def byline(organisation: str | None, speaker: str | None) -> str:
    """The line under the title: the organisation, then the speaker, a full-width space
    between; empty when neither is given. The one wording for Word, md and txt, from ``draft``,
    ``new`` and ``batch`` alike (templates use it as the filter ``byline``)."""
    return "　".join(x for x in (organisation, speaker) if x)


def draft_byline(draft: Any) -> str:
    """``byline`` of a draft's JSON shape (what templates see); empty for anything else."""
    if not isinstance(draft, Mapping):
        return ""
    named = [draft.get(k) for k in ("organisation", "speaker")]
    return byline(*(x if isinstance(x, str) else None for x in named))


def describe_source(source: Any) -> str:
    """A source record in words: file, document, part."""
    if not isinstance(source, dict):
        return "—"
    kind = source.get("kind")
    if kind == "user":
        return "作者编辑"
    if kind == "theme":
        return f"主题表 {source.get('file') or 'themes.yaml'}"
    where = str(source.get("file") or "")
    if source.get("document"):
        where += f"《{source['document']}》"
    if source.get("part"):
        where += f"第{int_to_chinese(int(source['part']))}部分"
    if kind == "heading_pattern":
        where = f"句式 {source.get('id')}，{where}"
    if kind == "clauses":  # a heading made of whole clauses of one aspect's material
        return f"分句组合，取自 {describe_source(source.get('aspect'))}"
    return where or str(source.get("id") or "—")


OFF_THEME = "（通用素材，与主题关联弱）"


def off_theme(item: dict[str, Any]) -> str:
    """The mark of a part or point that is generic rather than about the theme."""
    return OFF_THEME if item.get("on_theme") is False else ""


def draft_sources(draft: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every line of a draft with its source, in reading order."""
    yield "开头", draft.get("opening_source")
    for part in draft["parts"]:
        n = int_to_chinese(part["number"])
        yield f"{n}、标题{off_theme(part)}", part["source"]
        yield f"{n}、引言", part.get("lead_source")
        for i, point in enumerate(part["points"], start=1):
            yield f"{n}（{int_to_chinese(i)}）{off_theme(point)}", point["source"]
    yield "结尾", draft.get("closing_source")
