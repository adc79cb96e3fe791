"""The rules one phrase-bank entry must follow, in one place.

Drafting stops at the first broken rule, ``drafter bank validate`` reports them all with their
positions, and the commands that write entries (add, edit, import) refuse a broken one: all
three ask ``entry_problems``; the shape of a whole bank file is ``file_problems``'s.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from drafter.bank.lexicon import LEXICON_FILE, OTHER
from drafter.files.yamlio import plain

# kind -> (file name, id prefix, what the file holds, in the user's words)
KINDS: dict[str, tuple[str, str, str]] = {
    "heading": ("headings.yaml", "h", "分部标题（按来源讲话分组的同级标题）"),
    "heading_pattern": (
        "patterns.yaml",
        "hp",
        "标题句式（同级标题共有的对仗骨架：固定文字与填空）",
    ),
    "point": ("points.yaml", "pt", "要点（分论点的引领句及其展开）"),
    "part_lead": ("part_leads.yaml", "pl", "分部引言（标题之后、要点之前的引领段）"),
    "opening": ("openings.yaml", "op", "开头"),
    "closing": ("closings.yaml", "cl", "结尾"),
    "quotation": ("quotations.yaml", "q", "引语（引用谁的话）"),
    "phrase": ("phrases.yaml", "ph", "常用语（四字格与排比）"),
}
ORIGINS = ("mined", "user")
CORE_KEYS = ("id", "kind", "text", "dimensions", "source", "also_in", "origin", "disabled")
# What a bank file holds at its top; any other key is a mistake (a misspelt "entries" hides
# every entry under it, and re-mining would drop them).
FILE_KEYS = ("kind", "entries")

# Where a problem is, as keys (and list indexes) from the entry down; () is the entry itself.
KeyPath = tuple[str | int, ...]
Problem = tuple[KeyPath, str]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _source_problems(value: Any, at: KeyPath, what: str) -> list[Problem]:
    if not isinstance(value, Mapping) or not isinstance(value.get("file"), str):
        return [(at, f"{what} 应为包含 file（文字）的映射")]
    part = value.get("part")
    if part is not None and not _is_int(part):
        return [((*at, "part"), f"{what}.part 应为整数")]
    return []


def kind_problem(value: Any) -> str | None:
    """Why ``value`` is not one of the known kinds, or None when it is."""
    if isinstance(value, str) and value in KINDS:
        return None
    shown = value if isinstance(value, str) else repr(value)
    return f"kind 应为以下之一：{'、'.join(KINDS)}（而不是 {shown}）"


def unknown_key(key: Any, known: tuple[str, ...]) -> str:
    """The problem of a key that is not among ``known``, with the nearest one as a hint."""
    shown = key if isinstance(key, str) else repr(key)
    near = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
    hint = f"（是不是 {near[0]}？）" if near else f"（可用的键：{'、'.join(known)}）"
    return f"未知的键“{shown}”{hint}"


def file_problems(data: Any, kind: str) -> list[Problem]:
    """Every rule the top of a bank file breaks (its entries aside); a key path of one key
    points at that key. An empty file (None) is a good, empty one."""
    if data is None:
        return []
    # "entries:" with nothing after it is how a hand-emptied file looks: an empty list.
    if not isinstance(data, Mapping) or not isinstance(data.get("entries") or [], list):
        return [((), "素材文件应为映射，并包含 entries: 列表")]
    problems: list[Problem] = [
        ((key,), unknown_key(key, FILE_KEYS)) for key in data if key not in FILE_KEYS
    ]
    if data.get("kind", kind) != kind:
        problems.append((("kind",), f"本文件的 kind 应为 {kind}"))
    return problems


def entry_problems(
    raw: Any, kind: str, dimensions: set[str] | None = None, *, id_prefix: bool = True
) -> list[Problem]:
    """Every rule ``raw`` breaks as an entry of ``kind``; dimensions are checked against the
    lexicon's names when they are given. An empty list means the entry is good."""
    if not isinstance(raw, Mapping):
        return [((), "条目应为映射（键: 值）")]
    problems: list[Problem] = []
    entry_id = raw.get("id")
    name = entry_id if isinstance(entry_id, str) else "?"
    prefix = f"{KINDS[kind][1]}-"
    if not isinstance(entry_id, str) or not entry_id.strip():
        problems.append((("id",), "条目缺少 id（非空文字）"))
    elif id_prefix and not entry_id.startswith(prefix):
        problems.append((("id",), f"{kind} 条目的 id 应以 {prefix} 开头：{entry_id}"))
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append((("text",), f"条目 {name} 缺少 text（非空文字）"))
    if raw.get("kind", kind) != kind:
        problems.append(
            (("kind",), f"条目 {name} 的 kind 是 {raw.get('kind')!r}，但本文件只放 {kind}")
        )
    for key, what in (("pieces", "文字与 {slot: 序号}"), ("slots", "填空的映射")):
        if kind == "heading_pattern" and not isinstance(raw.get(key), list):
            problems.append(((key,), f"句式 {name} 的 {key} 应为列表（{what}）"))
    dims = raw.get("dimensions", [])
    if not isinstance(dims, list) or not all(isinstance(d, str) for d in dims):
        problems.append((("dimensions",), f"条目 {name} 的 dimensions 应为文字列表"))
    elif dimensions is not None:
        unknown = [d for d in dims if d not in dimensions and d != OTHER]
        if unknown:
            problems.append(
                (
                    ("dimensions",),
                    f"条目 {name} 用了词表（{LEXICON_FILE}）里没有的维度：{'、'.join(unknown)}",
                )
            )
    origin = raw.get("origin", "user")
    if origin not in ORIGINS:
        problems.append(
            (("origin",), f"条目 {name} 的 origin 应为 mined 或 user，而不是 {origin!r}")
        )
    if not isinstance(raw.get("disabled", False), bool):
        problems.append((("disabled",), f"条目 {name} 的 disabled 应为 true 或 false"))
    if raw.get("source") is not None:
        problems += _source_problems(raw["source"], ("source",), f"条目 {name} 的 source")
    also = raw.get("also_in")
    if also is not None:
        if not isinstance(also, list):
            problems.append((("also_in",), f"条目 {name} 的 also_in 应为列表"))
        else:
            for i, item in enumerate(also):
                problems += _source_problems(item, ("also_in", i), f"条目 {name} 的 also_in")
    if kind == "heading_pattern" and not problems:
        problems += _pattern_problems(raw, name)
    return problems


def _pattern_problems(raw: Mapping[str, Any], name: str) -> list[Problem]:
    extra = {k: v for k, v in raw.items() if k not in CORE_KEYS}
    try:
        parse_pattern(plain(extra))
    except PatternShapeError as exc:
        return [((exc.key,) if exc.key else (), f"句式 {name}：{exc}")]
    return []


class PatternShapeError(ValueError):
    """A heading pattern whose pieces and slots do not fit together; ``key`` is the field at
    fault (pieces or slots), "" when it is how the two match."""

    def __init__(self, message: str, key: str = "") -> None:
        super().__init__(message)
        self.key = key


def parse_pattern(info: dict[str, Any]) -> tuple[list[str | int], dict[int, list[dict[str, Any]]]]:
    """Pieces (fixed text or slot number) and fillers per slot, checked for shape."""
    pieces: list[str | int] = []
    for key in ("pieces", "slots"):
        if not isinstance(info.get(key) or [], list):
            raise PatternShapeError(f"{key} 应为列表", key)
    for piece in info.get("pieces") or []:
        if isinstance(piece, str):
            pieces.append(piece)
        elif isinstance(piece, dict) and isinstance(piece.get("slot"), int):
            pieces.append(piece["slot"])
        else:
            raise PatternShapeError("pieces 的每一项应为文字或 {slot: 序号}", "pieces")
    fillers: dict[int, list[dict[str, Any]]] = {}
    for slot in info.get("slots") or []:
        if not isinstance(slot, dict) or not isinstance(slot.get("slot"), int):
            raise PatternShapeError("slots 的每一项应为带 slot 序号的映射", "slots")
        items = slot.get("fillers") or []
        if not isinstance(items, list) or not all(
            isinstance(f, dict) and isinstance(f.get("text"), str) for f in items
        ):
            raise PatternShapeError(
                f"第 {slot['slot']} 个填空的 fillers 应为带 text 的映射列表", "slots"
            )
        fillers[slot["slot"]] = items
    used = [p for p in pieces if isinstance(p, int)]
    if not used or sorted(used) != sorted(fillers):
        raise PatternShapeError("pieces 里的填空与 slots 不一致")
    return pieces, fillers
