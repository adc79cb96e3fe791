"""What a draft is: the request that asks for it, the outline it gives, and its JSON shape.

The JSON (``Draft.to_dict``) is a documented interface; an earlier draft read back with
``read_avoid`` keeps its material out of a new one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drafter.errors import InputError, UsageError
from drafter.files.decoding import read_file_bytes
from drafter.text.normalize import fold_normalized, undecodable
from drafter.text.usertext import clean_optional, clean_text

OCCASIONS = ("研讨发言", "座谈发言", "交流发言", "讲话")
DETAILS = ("outline", "full")
# Output formats: md and txt are templates, json is the model, docx is laid out by a style profile.
FORMATS = ("md", "txt", "json", "docx")
POINTS_RANGE = (2, 5)
LENGTH_RANGE = (500, 20000)


def parse_formats(names: Iterable[str], check: bool = True) -> tuple[str, ...]:
    """Output formats as someone lists them: lowercased, each once in the order first named,
    empty names skipped. With ``check``, the first unknown name (as written) is a ``UsageError``
    (a brief's ``formats``); without, unknown names are kept for ``workflow.batch`` to report all
    together, as it does for any ``BatchOptions`` (``drafter batch --format``).

    Cutting a line into names is the caller's: the ``--format`` option splits at commas and
    blanks, while a brief's ``formats`` is read like its other lists.
    """
    formats: dict[str, None] = {}
    for name in names:
        if not name:
            continue
        if check and name.lower() not in FORMATS:
            raise UsageError(f"未知的格式“{name}”（可选：{'、'.join(FORMATS)}）")
        formats[name.lower()] = None
    return tuple(formats)


@dataclass(frozen=True)
class Avoid:
    """Material to leave out: entry ids, whole folded texts (an earlier draft's lines), and
    folded words that no chosen line may contain (a brief's ``avoid``)."""

    ids: frozenset[str] = frozenset()
    texts: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()

    def __or__(self, other: Avoid) -> Avoid:
        return Avoid(self.ids | other.ids, self.texts | other.texts, self.words | other.words)

    def __bool__(self) -> bool:
        return bool(self.ids or self.texts or self.words)

    def blocks_key(self, entry_id: str | None, key: str) -> bool:
        """Whether an entry (by id and folded text) is left out."""
        if (entry_id is not None and entry_id in self.ids) or key in self.texts:
            return True
        return any(word in key for word in self.words)

    def blocks(self, entry_id: str | None, text: str) -> bool:
        return self.blocks_key(entry_id, fold_normalized(text))


@dataclass(frozen=True)
class DraftRequest:
    theme: str
    parts: int = 3
    points: int = 3
    occasion: str = "研讨发言"
    seed: int | None = None
    detail: str = "outline"
    avoid: Avoid = Avoid()
    keywords: tuple[str, ...] = ()  # words whose material is preferred
    title: str | None = None  # the writer's own title, used as written
    speaker: str | None = None
    organisation: str | None = None
    length: int | None = None  # characters a full draft aims at

    def __post_init__(self) -> None:
        # The one door for a writer's text (options, briefs, ``drafter new``) into a draft.
        clean = object.__setattr__
        clean(self, "theme", clean_text(self.theme))
        clean(self, "occasion", clean_text(self.occasion))
        clean(self, "keywords", tuple(clean_text(k) for k in self.keywords))
        for name in ("title", "speaker", "organisation"):
            clean(self, name, clean_optional(getattr(self, name)))

    def check(self) -> None:
        """Refuse out-of-range options with a message that says what is allowed."""
        if not self.theme.strip():
            raise UsageError("主题不能为空")
        named = [("主题", self.theme), ("场合", self.occasion), ("标题", self.title)]
        named += [("发言人", self.speaker), ("单位", self.organisation)]
        named += [("关键词", k) for k in self.keywords]
        for label, text in named:
            if text is not None and undecodable(text):
                raise UsageError(f"{label}里有无法识别的字节（不是 UTF-8 编码），请检查输入的编码")
        if self.parts not in (3, 4):
            raise UsageError(f"部分数只能是 3 或 4，而不是 {self.parts}")
        low, high = POINTS_RANGE
        if not low <= self.points <= high:
            raise UsageError(f"每部分要点数应在 {low}–{high} 之间，而不是 {self.points}")
        if self.detail not in DETAILS:
            raise UsageError(f"详略只能是 {' 或 '.join(DETAILS)}，而不是 {self.detail}")
        if self.seed is not None and self.seed < 0:
            raise UsageError("种子应为非负整数")
        if self.length is not None:
            if self.detail != "full":
                raise UsageError("--length 只对 --detail full 有效（提纲不含展开段落）")
            if not LENGTH_RANGE[0] <= self.length <= LENGTH_RANGE[1]:
                low, high = LENGTH_RANGE
                raise UsageError(f"篇幅应在 {low}–{high} 字之间，而不是 {self.length}")


@dataclass
class DraftPoint:
    lead: str
    body: str | None
    source: dict[str, Any]
    on_theme: bool = True  # False: generic material, not about the theme

    def to_dict(self) -> dict[str, Any]:
        return {
            "lead": self.lead,
            "body": self.body,
            "source": self.source,
            "on_theme": self.on_theme,
        }


@dataclass
class DraftPart:
    number: int
    heading: str
    dimension: str
    lead: str
    points: list[DraftPoint]
    source: dict[str, Any]
    lead_source: dict[str, Any] | None = None
    on_theme: bool = True  # False: the part is generic rather than about the theme

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "heading": self.heading,
            "dimension": self.dimension,
            "lead": self.lead,
            "points": [p.to_dict() for p in self.points],
            "source": self.source,
            "lead_source": self.lead_source,
            "on_theme": self.on_theme,
        }


@dataclass
class Draft:
    title: str
    theme: str
    occasion: str
    seed: int
    opening: str
    parts: list[DraftPart]
    closing: str
    bank_version: str
    detail: str = "outline"
    dimensions: list[str] = field(default_factory=list)
    theme_known: bool = True
    pattern: str = ""  # the heading skeleton all headings share, e.g. "…，…担当的“…”"
    notes: list[str] = field(default_factory=list)
    title_source: dict[str, Any] | None = None
    opening_source: dict[str, Any] | None = None
    closing_source: dict[str, Any] | None = None
    speaker: str | None = None
    organisation: str | None = None
    coverage: dict[str, Any] = field(default_factory=dict)  # what the bank holds for the theme
    characters: int = 0  # length of the text, headings and body, punctuation included

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape (see the README)."""
        return {
            "title": self.title,
            "theme": self.theme,
            "occasion": self.occasion,
            "seed": self.seed,
            "opening": self.opening,
            "parts": [p.to_dict() for p in self.parts],
            "closing": self.closing,
            "bank_version": self.bank_version,
            "detail": self.detail,
            "dimensions": list(self.dimensions),
            "theme_known": self.theme_known,
            "pattern": self.pattern,
            "notes": list(self.notes),
            "title_source": self.title_source,
            "opening_source": self.opening_source,
            "closing_source": self.closing_source,
            "speaker": self.speaker,
            "organisation": self.organisation,
            "coverage": self.coverage,
            "characters": self.characters,
        }

    def count_characters(self) -> int:
        """The characters a reader gets: title, opening, headings, leads, points, closing."""
        texts = [self.title, self.opening, self.closing]
        for part in self.parts:
            texts += [part.heading, part.lead]
            for point in part.points:
                texts += [point.lead, point.body or ""]
        return sum(len("".join(t.split())) for t in texts)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"


def used_material(parts: list[DraftPart]) -> Avoid:
    """The ids and texts the given parts use, so nothing else in the draft repeats them."""
    ids: set[str] = set()
    texts: set[str] = set()
    for part in parts:
        texts |= {fold_normalized(part.heading), fold_normalized(part.lead)}
        for source in (part.source, part.lead_source or {}):
            if source.get("id"):
                ids.add(source["id"])
        for point in part.points:
            texts.add(fold_normalized(point.lead))
            if point.source.get("id"):
                ids.add(point.source["id"])
    return Avoid(frozenset(ids), frozenset(texts))


def _ids(value: Any) -> set[str]:
    """Every entry id inside the source records of a draft's JSON."""
    # A walk with a stack, not recursion: JSON nested nearly as deep as the parser allows
    # must not overflow here instead.
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if key == "id" and isinstance(inner, str):
                    found.add(inner)
                else:
                    stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def avoid_from_dict(data: Any, path: Path) -> Avoid:
    if not isinstance(data, dict) or not isinstance(data.get("parts"), list):
        raise InputError("不是 drafter 生成的 JSON 草稿（缺少 parts 列表）", path=path)
    texts: set[str] = set()
    for part in data["parts"]:
        if not isinstance(part, dict):
            raise InputError("parts 里的每一项都应为对象", path=path)
        for key in ("heading", "lead"):
            if isinstance(part.get(key), str):
                texts.add(fold_normalized(part[key]))
        points = part.get("points") or []
        if not isinstance(points, list):
            raise InputError("parts 里的 points 应为列表", path=path)
        for point in points:
            if isinstance(point, dict) and isinstance(point.get("lead"), str):
                texts.add(fold_normalized(point["lead"]))
    return Avoid(frozenset(_ids(data)), frozenset(t for t in texts if t))


# A saved draft is a few KB; even a full-detail one with sources stays far below this.
AVOID_MAX_BYTES = 10 * 2**20


def read_avoid(path: Path) -> Avoid:
    """The material of an earlier draft saved with ``--format json``."""

    data = read_file_bytes(path, max_bytes=AVOID_MAX_BYTES)
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError("无法读取文件（应为 UTF-8 编码的 JSON）", path=path, line=line) from exc
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"JSON 格式错误：{exc.msg}", path=path, line=exc.lineno, column=exc.colno
        ) from exc
    except RecursionError:
        raise InputError("JSON 嵌套过深，不是 drafter 保存的草稿", path=path) from None
    except ValueError:  # an integer of thousands of digits (Python's int_max_str_digits)
        raise InputError("JSON 里有过长的数字，不是 drafter 保存的草稿", path=path) from None
    return avoid_from_dict(parsed, path)
