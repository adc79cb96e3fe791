"""Briefs: what one speaker's draft should be, read from YAML files people write by hand.

A file holds one brief, a list of briefs, or ``briefs:`` with optional ``defaults:`` that every
brief inherits. Each problem is reported with file, line, column and the brief's id; a bad brief
never stops the good ones in the same file.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drafter.bank.store import KINDS
from drafter.drafting.coverage import did_you_mean
from drafter.drafting.model import (
    DETAILS,
    POINTS_RANGE,
    Avoid,
    DraftRequest,
    parse_formats,
    read_avoid,
)
from drafter.errors import DrafterError, InputError, UsageError
from drafter.files.targets import stem_suffix
from drafter.files.yamlio import PosDict, Position, PosList, load_positioned
from drafter.text.normalize import fold_normalized, simplify_input
from drafter.workflow.outpaths import check_stem

if TYPE_CHECKING:
    from drafter.bank.themes import ThemeBook

SUFFIXES = (".yaml", ".yml")
FIELDS: dict[str, str] = {
    "id": "简报编号（必填；也是默认的文件名）",
    "theme": "主题（必填）",
    "title": "标题（不填则按主题生成）",
    "speaker": "发言人",
    "organisation": "单位",
    "occasion": "场合：研讨发言、座谈发言、交流发言、讲话",
    "meeting": "会议：同一会议的简报互不重复使用分部标题、要点和引语（不填的简报同属一组）",
    "parts": "分几部分：3 或 4",
    "points": "每部分的要点数：2–5",
    "seed": "随机种子（不填则由编号和主题算出，重跑结果不变）",
    "keywords": "优先选用含这些词的素材",
    "avoid": "不用的素材：条目编号、词语，或之前生成的 JSON 草稿文件",
    "formats": "输出格式：md、txt、json",
    "output": "输出文件名（不含后缀，可带子目录）",
    "template": "模板名称或模板文件",
    "detail": "outline（只列要点）或 full（要点附展开）",
    "sources": "是否注明每一行素材的出处（true/false）",
}
# What people type when they write the keys in Chinese: named in the "did you mean" hint.
_CHINESE = {
    **dict.fromkeys(("编号", "序号"), "id"),
    **dict.fromkeys(("主题", "题目"), "theme"),
    "标题": "title",
    **dict.fromkeys(("发言人", "讲话人", "姓名"), "speaker"),
    **dict.fromkeys(("单位", "部门"), "organisation"),
    "场合": "occasion",
    **dict.fromkeys(("会议", "会议名称"), "meeting"),
    **dict.fromkeys(("部分", "部分数"), "parts"),
    **dict.fromkeys(("要点", "要点数"), "points"),
    "种子": "seed",
    "关键词": "keywords",
    **dict.fromkeys(("避免", "排除"), "avoid"),
    "格式": "formats",
    **dict.fromkeys(("输出", "文件名"), "output"),
    "模板": "template",
    "详略": "detail",
    "出处": "sources",
}
_NOT_DEFAULTS = ("id", "output")
_ENTRY_ID = re.compile(rf"^(?:{'|'.join(sorted(p for _, p, _ in KINDS.values()))})-[0-9a-f]{{10}}$")
_MAX_TEXT = 200


@dataclass(frozen=True)
class BriefProblem:
    """One thing wrong with a brief (or a brief file), where it is, and which brief."""

    path: Path
    line: int | None
    column: int | None
    brief: str | None
    message: str

    def user_message(self) -> str:
        who = f"简报“{self.brief}”：" if self.brief else ""
        return DrafterError(
            f"{who}{self.message}", path=self.path, line=self.line, column=self.column
        ).user_message()


@dataclass(frozen=True)
class Brief:
    """A checked brief with its defaults applied."""

    id: str
    theme: str
    file: Path
    line: int
    title: str | None = None
    speaker: str | None = None
    organisation: str | None = None
    occasion: str = "研讨发言"
    meeting: str | None = None  # briefs of one meeting keep their material apart
    parts: int = 3
    points: int = 3
    seed: int | None = None
    keywords: tuple[str, ...] = ()
    avoid: Avoid = field(default_factory=Avoid)
    avoid_given: tuple[str, ...] = ()  # as written, for the manifest
    formats: tuple[str, ...] = ()  # empty: the batch's --format
    output: str | None = None  # a checked relative stem
    template: str | None = None
    detail: str = "outline"
    sources: bool = False
    positions: dict[str, Position] = field(default_factory=dict, compare=False, hash=False)

    def at(self, key: str) -> Position:
        return self.positions.get(key, (self.line, 1))

    def request(self, seed: int) -> DraftRequest:
        return DraftRequest(
            self.theme,
            self.parts,
            self.points,
            self.occasion,
            seed,
            self.detail,
            self.avoid,
            self.keywords,
            self.title,
            self.speaker,
            self.organisation,
        )

    def settings(self) -> dict[str, Any]:
        """Everything that decides the draft, in a JSON-ready form (manifest, fingerprint);
        ``meeting`` only when given, so that briefs without one keep their fingerprints."""
        return {
            **({"meeting": self.meeting} if self.meeting is not None else {}),
            "theme": self.theme,
            "title": self.title,
            "speaker": self.speaker,
            "organisation": self.organisation,
            "occasion": self.occasion,
            "parts": self.parts,
            "points": self.points,
            "seed": self.seed,
            "keywords": list(self.keywords),
            "avoid": list(self.avoid_given),
            "avoid_material": [
                sorted(self.avoid.ids),
                sorted(self.avoid.texts),
                sorted(self.avoid.words),
            ],
            "template": self.template,
            "detail": self.detail,
            "sources": self.sources,
        }


@dataclass
class BriefSet:
    """Every brief read from some files, and every problem found on the way."""

    briefs: list[Brief] = field(default_factory=list)
    problems: list[BriefProblem] = field(default_factory=list)
    files_read: int = 0
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. a file read as GBK
    invalid: int = 0  # bad briefs, and bad sections of a file (defaults, top-level keys)


class _Bad(Exception):
    """A problem with one value; becomes a ``BriefProblem`` at that value's position."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.message, self.key = message, key


def suggest(key: str, known: Iterable[str]) -> str:
    """A hint naming the nearest known key, or an empty string."""
    names = list(known)
    if key in _CHINESE and _CHINESE[key] in names:
        return f"，是不是“{_CHINESE[key]}”？"
    close = difflib.get_close_matches(key.lower(), names, n=1, cutoff=0.6)
    return f"，是不是“{close[0]}”？" if close else f"（可用的键：{'、'.join(names)}）"


def _kind(value: Any) -> str:
    names = {bool: "真假值", int: "整数", float: "小数", str: "文字", type(None): "空值"}
    if isinstance(value, dict):
        return "映射"
    if isinstance(value, list):
        return "列表"
    return names.get(type(value), type(value).__name__)


def _text(key: str, value: Any, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _Bad(f"{key} 应为文字，而不是{_kind(value)}", key)
    text = str(value).strip()
    if not text:
        if required:
            raise _Bad(f"{key} 不能为空", key)
        return None
    if "\n" in text:
        raise _Bad(f"{key} 应为一行文字", key)
    if len(text) > _MAX_TEXT:
        raise _Bad(f"{key} 太长（{len(text)} 字，上限 {_MAX_TEXT} 字）", key)
    return text


def _integer(key: str, value: Any, low: int, high: int) -> int:
    allowed = f"{low} 或 {high}" if high == low + 1 else f"{low}–{high}"
    unbounded = high > 10**6
    if isinstance(value, bool) or not isinstance(value, int):
        what = f"不小于 {low} 的整数" if unbounded else f"整数（{allowed}）"
        raise _Bad(f"{key} 应为{what}，而不是{_kind(value)}“{value}”", key)
    if not low <= value <= high:
        if unbounded:
            raise _Bad(f"{key} 应为不小于 {low} 的整数，而不是 {value}", key)
        raise _Bad(f"{key} 只能是 {allowed}，而不是 {value}", key)
    return value


def _texts(key: str, value: Any) -> tuple[str, ...]:
    """A list of texts; a single text or a comma-separated line is accepted too."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [v for v in re.split(r"[,，、;；]", value)]
    if not isinstance(value, list):
        raise _Bad(f"{key} 应为文字列表，而不是{_kind(value)}", key)
    out = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, str | int):
            raise _Bad(f"{key} 的每一项都应为文字，而不是{_kind(item)}", key)
        text = " ".join(str(item).split())
        if text:
            out.append(text)
    return tuple(dict.fromkeys(out))


def _choice(key: str, value: Any, allowed: Iterable[str]) -> str:
    text = _text(key, value, required=True)
    options = list(allowed)
    assert text is not None
    if text.lower() not in options:
        raise _Bad(f"{key} 只能是 {'、'.join(options)}，而不是“{text}”", key)
    return text.lower()


def _avoid(values: tuple[str, ...], base: Path) -> Avoid:
    """Entry ids, JSON drafts (relative to the brief file) and words to leave out."""
    ids, words = set(), set()
    material = Avoid()
    for value in values:
        if _ENTRY_ID.match(value):
            ids.add(value)
        elif value.lower().endswith(".json"):
            path = Path(value).expanduser()
            try:
                material = material | read_avoid(path if path.is_absolute() else base / path)
            except InputError as exc:
                raise _Bad(f"avoid 里的草稿 {value} 无法读取：{exc.message}", "avoid") from exc
        elif key := fold_normalized(simplify_input(value)):
            words.add(key)
    return material | Avoid(frozenset(ids), frozenset(), frozenset(words))


def _template(value: Any, base: Path, workspace: Path) -> str | None:
    """A template name, or a template file that must really (symlinks resolved) lie in the
    brief's folder or the workspace's ``templates/``: a brief may come from someone else, and
    its template must not pull in other files of this machine."""
    text = _text("template", value)
    if text is None:
        return None
    if "/" in text or "\\" in text or text.endswith(".j2"):
        path = Path(text).expanduser()
        path = path if path.is_absolute() else base / path
        try:
            real = path.resolve()
        except (OSError, RuntimeError):  # a symlink loop
            raise _Bad(f"模板文件 {text} 无法解析（符号链接循环？）", "template") from None
        folders = (base, workspace / "templates")
        if not any(real.is_relative_to(folder.resolve()) for folder in folders):
            raise _Bad(
                f"模板文件 {text} 不在简报所在目录（{base.resolve()}）或工作目录的 templates/ 下；"
                "简报只能使用这两处的模板文件",
                "template",
            )
        return str(real)
    return text


def _stem(value: Any) -> str | None:
    stem = _text("output", value)
    if stem is None:
        return None
    try:
        checked = check_stem(stem)
    except DrafterError as exc:
        raise _Bad(exc.message, "output") from exc
    problem = stem_suffix(stem.strip())
    if problem is not None:
        raise _Bad(f"output {problem}", "output")
    return checked


def _formats(value: Any) -> tuple[str, ...]:
    try:
        return parse_formats(_texts("formats", value))
    except UsageError as exc:
        raise _Bad(exc.message, "formats") from exc


def _flag(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"{key} 应为 true 或 false，而不是{_kind(value)}", key)
    return value


def _check(
    merged: dict[str, Any], path: Path, workspace: Path
) -> tuple[dict[str, Any], list[_Bad]]:
    """Typed brief fields from raw values, and a ``_Bad`` for every key at fault."""
    base = path.parent
    low, high = POINTS_RANGE
    checks: dict[str, Any] = {
        "id": lambda v: _text("id", v, required=True),
        "theme": lambda v: _text("theme", v, required=True),
        "title": lambda v: _text("title", v),
        "speaker": lambda v: _text("speaker", v),
        "organisation": lambda v: _text("organisation", v),
        "occasion": lambda v: _text("occasion", v, required=True),
        "meeting": lambda v: _text("meeting", v),
        "parts": lambda v: _integer("parts", v, 3, 4),
        "points": lambda v: _integer("points", v, low, high),
        "seed": lambda v: None if v is None else _integer("seed", v, 0, 2**63 - 1),
        "keywords": lambda v: _texts("keywords", v),
        "avoid": lambda v: _texts("avoid", v),
        "formats": _formats,
        "output": _stem,
        "template": lambda v: _template(v, base, workspace),
        "detail": lambda v: _choice("detail", v, DETAILS),
        "sources": lambda v: _flag("sources", v),
    }
    values: dict[str, Any] = {}
    errors: list[_Bad] = []
    for key, check in checks.items():
        if key not in merged and key not in ("id", "theme"):
            continue  # the Brief's default applies
        try:
            values[key] = check(merged.get(key))
        except _Bad as exc:
            errors.append(exc)
    if "avoid" in values:
        given = values.pop("avoid")
        try:
            values["avoid_given"], values["avoid"] = given, _avoid(given, base)
        except _Bad as exc:
            errors.append(exc)
    return values, errors


class _Reader:
    def __init__(self, out: BriefSet, workspace: Path) -> None:
        self.out = out
        self.workspace = workspace

    def problem(
        self, path: Path, at: tuple[int | None, int | None] | None, brief: str | None, message: str
    ) -> None:
        line, column = at if at else (None, None)
        self.out.problems.append(BriefProblem(path, line, column, brief, message))

    def unknown_keys(
        self, raw: PosDict, known: Iterable[str], path: Path, brief: str | None
    ) -> bool:
        names = list(known)
        bad = False
        for key in raw:
            if key not in names:
                where = raw.keys_at.get(key)
                self.problem(path, where, brief, f"未知的键“{key}”{suggest(str(key), names)}")
                bad = True
        for key, where in raw.duplicates:
            self.problem(path, where, brief, f"键“{key}”重复出现")
            bad = True
        return bad

    def brief(
        self, raw: Any, defaults: PosDict | None, path: Path, number: int, at: Position | None
    ) -> None:
        if not isinstance(raw, PosDict):
            self.problem(
                path, at, None, f"第 {number} 条简报应为映射（键: 值），而不是{_kind(raw)}"
            )
            self.out.invalid += 1
            return
        name = raw.get("id")
        label = str(name).strip() if isinstance(name, str | int) and str(name).strip() else None
        label = label or f"第 {number} 条"
        bad = self.unknown_keys(raw, FIELDS, path, label)
        merged: dict[str, Any] = dict(defaults or {})
        merged.update(raw)
        positions = {**(defaults.values_at if defaults else {}), **raw.values_at}
        values, errors = _check(merged, path, self.workspace)
        for exc in errors:
            where = positions.get(exc.key or "", (raw.line, raw.column))
            message = exc.message
            if exc.key in ("id", "theme") and exc.key not in merged:
                message = f"缺少必填的 {exc.key}"
            self.problem(path, where, label, message)
        if bad or errors:
            self.out.invalid += 1
            return
        self.out.briefs.append(Brief(file=path, line=raw.line, positions=positions, **values))

    def file(self, path: Path) -> None:
        try:
            data, encoding = load_positioned(path, InputError)
        except DrafterError as exc:
            self.problem(path, (exc.line, exc.column), None, exc.message)
            return
        self.out.files_read += 1
        if encoding != "utf-8":
            self.out.notes.append(f"{path}: 按 {encoding.upper()} 编码读取（建议另存为 UTF-8）")
        defaults: PosDict | None = None
        if isinstance(data, PosDict) and ("briefs" in data or "defaults" in data):
            if self.unknown_keys(data, ("briefs", "defaults"), path, None):
                self.out.invalid += 1
            raw_defaults = data.get("defaults")
            if raw_defaults is not None:
                if not isinstance(raw_defaults, PosDict):
                    self.problem(path, data.at("defaults"), None, "defaults 应为映射（键: 值）")
                    self.out.invalid += 1
                    return
                allowed = [k for k in FIELDS if k not in _NOT_DEFAULTS]
                if self.unknown_keys(raw_defaults, allowed, path, "defaults"):
                    self.out.invalid += 1
                    return
                defaults = raw_defaults
            items = data.get("briefs")
            if not isinstance(items, PosList):
                self.problem(path, data.at("briefs"), None, "briefs 应为简报的列表")
                self.out.invalid += 1
                return
        elif isinstance(data, PosList):
            items = data
        elif isinstance(data, PosDict):
            items = [data]
        else:
            self.problem(path, None, None, "文件里没有简报（应为一条简报、简报列表或 briefs:）")
            return
        if not items:
            self.problem(path, None, None, "briefs 是空的")
        places = items.items_at if isinstance(items, PosList) else [(data.line, data.column)]
        for number, (raw, at) in enumerate(zip(items, places, strict=True), start=1):
            self.brief(raw, defaults, path, number, at)


def brief_files(paths: Iterable[Path]) -> list[Path]:
    """The files named, with folders expanded to the YAML files directly inside them."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES)
        else:
            out.append(path)
    return out


def read_briefs(paths: Iterable[Path], root: Path | None = None) -> BriefSet:
    """Every brief in the files (or folders) given, checked against the brief schema; template
    files may come from the brief's folder or the ``templates/`` of the workspace ``root``.

    Duplicate ids are refused for all but the first brief that has one.
    """
    result = BriefSet()
    reader = _Reader(result, root or Path.cwd())
    for path in brief_files(paths):
        result.files.append(path)
        reader.file(path)
    seen: dict[str, Brief] = {}
    kept = []
    for brief in result.briefs:
        first = seen.setdefault(brief.id, brief)
        if first is not brief:
            reader.problem(
                brief.file,
                brief.at("id"),
                brief.id,
                f"编号重复：{first.file}:{first.line} 的简报已用了这个编号",
            )
            result.invalid += 1
        else:
            kept.append(brief)
    result.briefs = kept
    return result


def theme_typos(briefs: Iterable[Brief], book: ThemeBook) -> list[str]:
    """Warnings for themes one character away from a curated theme (激励干部担当做为): such a
    theme is still drafted as a free theme, so it is named, not refused."""
    warnings = []
    for brief in briefs:
        guess = did_you_mean(book, brief.theme)
        if guess is not None:
            line, column = brief.at("theme")
            message = f"主题“{brief.theme}”不在主题表里，是不是“{guess}”？（仍按自由主题起草）"
            warnings.append(
                BriefProblem(brief.file, line, column, brief.id, message).user_message()
            )
    return warnings
