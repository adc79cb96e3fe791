"""Themes and occasions: the curated themes (their words, titles, and optionally the dimensions
their parts follow), and how a speech on each occasion is framed and titled.

They live in an editable ``themes.yaml`` beside the bank. Title, framing and closing patterns use
a few named placeholders ({主题} …) that are replaced as plain text, never run as template code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drafter.errors import BankError, UsageError
from drafter.files.yamlio import load_yaml
from drafter.text.normalize import fold_normalized, simplify_input

THEMES_FILE = "themes.yaml"
PLACEHOLDERS = ("主题", "场合", "会议", "发言")
PART_COUNTS = (3, 4)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Occasion:
    name: str
    meeting: str
    speech: str
    framing: str
    closing: str

    def values(self, theme: str) -> dict[str, str]:
        return {"主题": theme, "场合": self.name, "会议": self.meeting, "发言": self.speech}


@dataclass(frozen=True)
class Theme:
    name: str
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]
    dimensions: dict[int, tuple[str, ...]]  # part count -> dimensions in part order
    titles: tuple[str, ...]


@dataclass(frozen=True)
class ThemeBook:
    themes: tuple[Theme, ...]
    occasions: tuple[Occasion, ...]
    default_titles: tuple[str, ...]

    def find(self, text: str) -> Theme | None:
        """The theme named (or aliased) by ``text``, comparing folded forms."""
        key = _key(text)
        for theme in self.themes:
            if key in {_key(n) for n in (theme.name, *theme.aliases)}:
                return theme
        return None

    def occasion(self, name: str) -> Occasion:
        for occasion in self.occasions:
            if occasion.name == name:
                return occasion
        choices = "、".join(o.name for o in self.occasions)
        raise UsageError(f"未知的场合“{name}”，可选：{choices}")


def _key(name: str) -> str:
    return fold_normalized(simplify_input(name))


def fill(pattern: str, values: dict[str, str]) -> str:
    """Replace the named placeholders; the values are inserted as they are."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), pattern)


def _check_pattern(value: Any, what: str, path: Path, line: int | None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BankError(f"{what} 应为非空文字", path=path, line=line)
    for name in _PLACEHOLDER.findall(value):
        if name not in PLACEHOLDERS:
            known = "、".join("{" + p + "}" for p in PLACEHOLDERS)
            raise BankError(
                f"{what} 里有未知的占位符 {{{name}}}（可用：{known}）", path=path, line=line
            )
    return value


def _strings(value: Any, what: str, path: Path, line: int | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise BankError(f"{what} 应为文字列表", path=path, line=line)
    return tuple(value)


def _theme(item: Any, path: Path, dimension_names: set[str] | None) -> Theme:
    line = getattr(item, "line", None)
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
        raise BankError("每个主题都需要 name（文字）", path=path, line=line)
    name = item["name"]
    # Without dimensions a curated theme is drafted by relevance, like any theme, with its
    # keywords and aliases as its words; with them, its parts follow the dimensions.
    dims_raw = item.get("dimensions")
    if dims_raw is None:
        dims_raw = {}
    if not isinstance(dims_raw, dict):
        raise BankError(
            f"主题“{name}”的 dimensions 应为 3: […] 与 4: […]（或不写）", path=path, line=line
        )
    dimensions: dict[int, tuple[str, ...]] = {}
    for key, value in dims_raw.items():
        count = int(key) if isinstance(key, int | str) and str(key).isdigit() else None
        if count not in PART_COUNTS:
            raise BankError(
                f"主题“{name}”的 dimensions 只能按 3 或 4 部分给出", path=path, line=line
            )
        dims = _strings(value, f"主题“{name}”的 {count} 部分维度", path, line)
        if len(dims) != count or len(set(dims)) != count:
            raise BankError(
                f"主题“{name}”的 {count} 部分维度应为 {count} 个互不相同的维度",
                path=path,
                line=line,
            )
        unknown = [d for d in dims if dimension_names is not None and d not in dimension_names]
        if unknown:
            raise BankError(
                f"主题“{name}”用了词表里没有的维度：{'、'.join(unknown)}", path=path, line=line
            )
        dimensions[count] = dims
    titles = tuple(
        _check_pattern(t, f"主题“{name}”的标题句式", path, line)
        for t in _strings(item.get("titles"), f"主题“{name}”的 titles", path, line)
    )
    return Theme(
        name,
        _strings(item.get("aliases"), f"主题“{name}”的 aliases", path, line),
        _strings(item.get("keywords"), f"主题“{name}”的 keywords", path, line),
        dimensions,
        titles,
    )


def _occasion(item: Any, path: Path) -> Occasion:
    line = getattr(item, "line", None)
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
        raise BankError("每个场合都需要 name（文字）", path=path, line=line)
    name = item["name"]
    fields = {
        key: _check_pattern(item.get(key), f"场合“{name}”的 {key}", path, line)
        for key in ("meeting", "speech", "framing", "closing")
    }
    return Occasion(name, **fields)


def parse_themes(data: Any, path: Path, dimension_names: set[str] | None = None) -> ThemeBook:
    """A theme book from parsed YAML; every problem names the file and line."""
    if not isinstance(data, dict):
        raise BankError("主题表应为映射，包含 occasions: 与 themes:", path=path)
    occasions = data.get("occasions")
    if not isinstance(occasions, list) or not occasions:
        raise BankError("主题表需要 occasions: 列表（至少一个场合）", path=path)
    themes = data.get("themes") or []
    if not isinstance(themes, list):
        raise BankError("themes: 应为列表", path=path, line=getattr(data, "line", None))
    book = ThemeBook(
        tuple(_theme(t, path, dimension_names) for t in themes),
        tuple(_occasion(o, path) for o in occasions),
        tuple(
            _check_pattern(t, "default_titles 的句式", path, None)
            for t in _strings(data.get("default_titles"), "default_titles", path, None)
        )
        or ("关于{主题}的{场合}",),
    )
    names = [_key(n) for t in book.themes for n in (t.name, *t.aliases)]
    if len(names) != len(set(names)):
        raise BankError("主题名称或别名有重复", path=path)
    return book


def load_themes(path: Path, dimension_names: set[str] | None = None) -> ThemeBook:
    return parse_themes(load_yaml(path), path, dimension_names)
