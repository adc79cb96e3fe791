"""The Word layout as data: a YAML style profile (page, fonts, sizes, spacing, page numbers).

The default profile ships with drafter (``templates/docx/gongwen.yaml``); a user's profile
(``--style FILE``) may give only what it changes. Every key is checked, and a wrong one is
named with its file, line and column.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass, fields
from pathlib import Path

from drafter.errors import UsageError
from drafter.files.yamlio import PosDict, Position, load_positioned
from drafter.workspace import bundled

DEFAULT_STYLE = "docx/gongwen.yaml"

# Chinese type sizes (字号) in points.
CN_SIZES = {
    "初号": 42.0,
    "小初": 36.0,
    "一号": 26.0,
    "小一": 24.0,
    "二号": 22.0,
    "小二": 18.0,
    "三号": 16.0,
    "小三": 15.0,
    "四号": 14.0,
    "小四": 12.0,
    "五号": 10.5,
    "小五": 9.0,
}


@dataclass(frozen=True)
class Font:
    font: str
    size: float  # points
    bold: bool = False


@dataclass(frozen=True)
class Page:
    width_mm: float
    height_mm: float
    margin_top_mm: float
    margin_bottom_mm: float
    margin_left_mm: float
    margin_right_mm: float
    lines_per_page: int
    chars_per_line: int


@dataclass(frozen=True)
class PageNumber:
    font: str
    size: float
    format: str
    outside: bool
    indent_chars: float


@dataclass(frozen=True)
class StyleProfile:
    page: Page
    line_spacing_pt: float
    latin_font: str | None
    title: Font
    title_blank_lines: int
    byline: Font
    body: Font
    first_line_chars: float
    heading1: Font
    heading2: Font
    heading3: Font
    page_number: PageNumber
    source: str  # where it was read from (the default profile when no file was given)
    default: str  # the default profile it lays the user's file over


_FONT_KEYS = {"font", "size", "bold"}
_SECTIONS: dict[str, set[str]] = {
    "page": {f.name for f in fields(Page)},
    "title": _FONT_KEYS | {"blank_lines_after"},
    "byline": set(_FONT_KEYS),
    "body": _FONT_KEYS | {"first_line_chars"},
    "heading1": set(_FONT_KEYS),
    "heading2": set(_FONT_KEYS),
    "heading3": set(_FONT_KEYS),
    "page_number": {f.name for f in fields(PageNumber)},
}
_SCALARS = {"line_spacing_pt", "latin_font"}


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, at: Position | None, message: str) -> UsageError:
        line, column = at if at else (None, None)
        return UsageError(f"版式文件有误：{message}", path=self.path, line=line, column=column)

    def check_keys(self, data: PosDict, allowed: set[str], where: str) -> None:
        for key in data:
            if key not in allowed:
                near = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                hint = f"，是不是“{near[0]}”" if near else ""
                raise self.fail(data.keys_at.get(key), f"{where}没有“{key}”这一项{hint}")

    def number(self, data: PosDict, key: str, low: float, high: float) -> float:
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(data.at(key), f"{key} 应为数字，而不是 {value!r}")
        if not low <= value <= high:
            raise self.fail(data.at(key), f"{key} 应在 {low:g}–{high:g} 之间，而不是 {value}")
        return float(value)

    def integer(self, data: PosDict, key: str, low: int, high: int) -> int:
        value = self.number(data, key, low, high)
        if value != int(value):
            raise self.fail(data.at(key), f"{key} 应为整数，而不是 {data[key]}")
        return int(value)

    def size(self, data: PosDict, key: str) -> float:
        value = data[key]
        if isinstance(value, str) and _is_number(value):
            data[key] = value = float(value)
        if isinstance(value, str):
            if value.strip() not in CN_SIZES:
                names = "、".join(CN_SIZES)
                raise self.fail(data.at(key), f"不认识的字号“{value}”（可写磅值或：{names}）")
            return CN_SIZES[value.strip()]
        return self.number(data, key, 5, 72)

    def text(self, data: PosDict, key: str) -> str:
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(data.at(key), f"{key} 应为非空文字")
        bad = next((c for c in value.strip() if _hidden(c)), None)
        if bad is not None:
            # Font names go into XML attributes: XML 1.0 forbids most control characters, and a
            # bidi override would make the name read differently from what Word looks up.
            raise self.fail(
                data.at(key), f"{key} 里有不可见的控制字符 U+{ord(bad):04X}，请删去后再用"
            )
        return value.strip()

    def flag(self, data: PosDict, key: str) -> bool:
        value = data[key]
        if not isinstance(value, bool):
            raise self.fail(data.at(key), f"{key} 应为 true 或 false")
        return value


def _hidden(char: str) -> bool:
    """Control, format (bidi, zero-width) and surrogate characters: never part of a name."""
    return unicodedata.category(char) in ("Cc", "Cf", "Cs")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _no_duplicates(reader: _Reader, data: PosDict) -> None:
    for key, at in data.duplicates:
        raise reader.fail(at, f"“{key}”写了两次（后一处会悄悄盖掉前一处），请合并成一处")


def _read(path: Path) -> PosDict:
    data, _ = load_positioned(path, UsageError)
    if data is None:
        return PosDict(1, 1)
    if not isinstance(data, PosDict):
        raise UsageError("版式文件应为映射（键: 值）", path=path, line=1)
    reader = _Reader(path)
    _no_duplicates(reader, data)
    reader.check_keys(data, set(_SECTIONS) | _SCALARS, "版式")
    for name in _SECTIONS:
        if name in data and not isinstance(data[name], PosDict):
            raise reader.fail(data.at(name), f"{name} 应为映射（键: 值）")
        if name in data:
            _no_duplicates(reader, data[name])
            reader.check_keys(data[name], _SECTIONS[name], f"{name} 下")
    return data


def _merged(base: PosDict, over: PosDict) -> PosDict:
    """``over`` on top of ``base``, section by section (positions kept for the error messages)."""
    out = PosDict(over.line, over.column)
    for key in [*base, *(k for k in over if k not in base)]:
        mine, theirs = base.get(key), over.get(key)
        if isinstance(mine, PosDict) and isinstance(theirs, PosDict):
            out[key] = _merged(mine, theirs)
        else:
            out[key] = theirs if key in over else mine
        source = over if key in over else base
        out.keys_at[key], out.values_at[key] = source.keys_at[key], source.values_at[key]
    return out


_MIN_TEXT_MM = 20  # what is left between the margins must still hold a line of text


def _check_text_block(reader: _Reader, page: PosDict) -> None:
    pairs = (
        ("width_mm", "margin_left_mm", "margin_right_mm"),
        ("height_mm", "margin_top_mm", "margin_bottom_mm"),
    )
    for size, first, second in pairs:
        left = reader.number(page, size, 50, 2000) - reader.number(page, first, 0, 200)
        if left - reader.number(page, second, 0, 200) < _MIN_TEXT_MM:
            raise reader.fail(
                page.at(second), f"{first} 与 {second} 加起来太大，版心不足 {_MIN_TEXT_MM} mm"
            )


def _font(r: _Reader, data: PosDict) -> Font:
    return Font(r.text(data, "font"), r.size(data, "size"), r.flag(data, "bold"))


def load_style(path: Path | None = None) -> StyleProfile:
    """The default profile, with the user's ``path`` (if any) laid over it."""
    default = bundled("templates") / DEFAULT_STYLE
    data = _read(default)
    reader = _Reader(default)
    if path is not None:
        data = _merged(data, _read(path))
        reader = _Reader(path)
    page = data["page"]
    latin = data.get("latin_font")
    if latin is not None:
        if not isinstance(latin, str) or not latin.strip():
            raise reader.fail(data.at("latin_font"), "latin_font 应为字体名称或 null")
        latin = reader.text(data, "latin_font")
    _check_text_block(reader, page)
    pn = data["page_number"]
    if "{page}" not in reader.text(pn, "format"):
        raise reader.fail(pn.at("format"), "页码格式里要有 {page}，如 “— {page} —”")
    return StyleProfile(
        page=Page(
            width_mm=reader.number(page, "width_mm", 50, 2000),
            height_mm=reader.number(page, "height_mm", 50, 2000),
            margin_top_mm=reader.number(page, "margin_top_mm", 0, 200),
            margin_bottom_mm=reader.number(page, "margin_bottom_mm", 0, 200),
            margin_left_mm=reader.number(page, "margin_left_mm", 0, 200),
            margin_right_mm=reader.number(page, "margin_right_mm", 0, 200),
            lines_per_page=reader.integer(page, "lines_per_page", 1, 200),
            chars_per_line=reader.integer(page, "chars_per_line", 1, 200),
        ),
        line_spacing_pt=reader.number(data, "line_spacing_pt", 6, 100),
        latin_font=latin,
        title=_font(reader, data["title"]),
        title_blank_lines=reader.integer(data["title"], "blank_lines_after", 0, 5),
        byline=_font(reader, data["byline"]),
        body=_font(reader, data["body"]),
        first_line_chars=reader.number(data["body"], "first_line_chars", 0, 10),
        heading1=_font(reader, data["heading1"]),
        heading2=_font(reader, data["heading2"]),
        heading3=_font(reader, data["heading3"]),
        page_number=PageNumber(
            reader.text(pn, "font"),
            reader.size(pn, "size"),
            reader.text(pn, "format"),
            reader.flag(pn, "outside"),
            reader.number(pn, "indent_chars", 0, 10),
        ),
        source=str(path or default),
        default=str(default),
    )
