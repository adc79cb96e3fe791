"""The draft form: its fields read into a ``DraftRequest``, with a Chinese message naming the
field for anything the request cannot take.

The form's fields are the options of ``drafter draft`` (theme, parts, points, occasion, detail,
length, keywords, speaker, organisation, seed) plus ``avoid``: ids of drafts in the workspace's
history. The ranges are ``DraftRequest.check``'s; this module only turns text into values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from drafter.drafting.model import Avoid, DraftRequest
from drafter.errors import UsageError

TEXT_MAX = 200  # characters of one text field: a theme or a name, not a document
KEYWORDS_MAX = 20
_KEYWORD_SPLIT = re.compile(r"[\s,，、;；]+")
_TEXT_FIELDS = (
    *("theme", "parts", "points", "occasion", "detail", "length", "keywords"),
    *("speaker", "organisation", "seed"),
)


@dataclass
class DraftForm:
    """The form as the writer filled it in, every field as text: what the page shows again,
    with a message, when the request is refused."""

    theme: str = ""
    parts: str = "3"
    points: str = "3"
    occasion: str = "研讨发言"
    detail: str = "outline"
    length: str = ""
    keywords: str = ""
    speaker: str = ""
    organisation: str = ""
    seed: str = ""
    avoid: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, fields: Mapping[str, str], avoid: Sequence[str] = ()) -> DraftForm:
        """The fields of a posted form (missing ones as the defaults)."""
        form = cls()
        for name in _TEXT_FIELDS:
            if name in fields:
                setattr(form, name, fields[name])
        form.avoid = [a for a in avoid if a]
        return form


def _integer(label: str, text: str, example: str, optional: bool = False) -> int | None:
    text = text.strip()
    if not text and optional:
        return None
    # isdecimal takes the full-width digits a Chinese input method gives; the length cap keeps
    # a thousands-digit number from reaching int().
    if not text.isdecimal() or len(text) > 9:
        raise UsageError(f"{label}要填一个整数，如 {example}（而不是“{text[:20]}”）")
    return int(text)


def _text(label: str, text: str) -> str:
    if len(text) > TEXT_MAX:
        raise UsageError(f"{label}太长：最多 {TEXT_MAX} 个字")
    return text.strip()


def split_keywords(text: str) -> tuple[str, ...]:
    """Keywords as a writer lists them: separated by blanks, commas, 、 or semicolons."""
    words = tuple(dict.fromkeys(w for w in _KEYWORD_SPLIT.split(text) if w))
    if len(words) > KEYWORDS_MAX:
        raise UsageError(f"关键词最多 {KEYWORDS_MAX} 个")
    return words


def to_request(form: DraftForm, avoid: Avoid | None = None) -> DraftRequest:
    """The request the form asks for, checked; a ``UsageError`` names the bad field."""
    parts = _integer("部分数", form.parts, "3")
    points = _integer("每部分要点数", form.points, "3")
    assert parts is not None and points is not None
    detail = form.detail.strip() or "outline"
    request = DraftRequest(
        theme=_text("主题", form.theme),
        parts=parts,
        points=points,
        occasion=_text("场合", form.occasion) or "研讨发言",
        seed=_integer("随机种子", form.seed, "7", optional=True),
        detail=detail,
        avoid=avoid or Avoid(),
        keywords=split_keywords(_text("关键词", form.keywords)),
        speaker=_text("发言人", form.speaker) or None,
        organisation=_text("单位", form.organisation) or None,
        length=_integer("篇幅", form.length, "3000", optional=True) if detail == "full" else None,
    )
    request.check()
    return request
