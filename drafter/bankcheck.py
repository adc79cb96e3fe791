"""Checking a phrase bank by hand-editing standards: every problem, each with file, line, column.

Loading a bank for drafting stops at the first problem; ``validate_bank`` goes on and reports
them all, so a writer who edited several files can mend them in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .bank import BANK_MAX_BYTES, KINDS, ORIGINS
from .errors import BankError, DrafterError
from .lexicon import LEXICON_FILE, OTHER, load_lexicon
from .themes import load_themes
from .yamlio import PosDict, PosList, load_positioned


@dataclass(frozen=True)
class BankProblem:
    path: Path
    line: int | None
    column: int | None
    message: str

    def user_message(self) -> str:
        return BankError(
            self.message, path=self.path, line=self.line, column=self.column
        ).user_message()


class _Checker:
    def __init__(self, directory: Path, dimensions: set[str] | None) -> None:
        self.directory = directory
        self.dimensions = dimensions
        self.problems: list[BankProblem] = []
        self.ids: dict[str, tuple[Path, int]] = {}

    def add(self, path: Path, at: tuple[int | None, int | None] | None, message: str) -> None:
        line, column = at if at else (None, None)
        self.problems.append(BankProblem(path, line, column, message))

    def source(self, path: Path, value: Any, at: tuple[int, int], what: str) -> None:
        if not isinstance(value, PosDict) or not isinstance(value.get("file"), str):
            self.add(path, at, f"{what} 应为包含 file（文字）的映射")
            return
        part = value.get("part")
        if part is not None and (isinstance(part, bool) or not isinstance(part, int)):
            self.add(path, value.at("part"), f"{what}.part 应为整数")

    def entry(self, path: Path, kind: str, raw: Any, at: tuple[int, int]) -> None:
        if not isinstance(raw, PosDict):
            self.add(path, at, "条目应为映射（键: 值）")
            return
        for key, where in raw.duplicates:
            self.add(path, where, f"键“{key}”重复出现")
        entry_id = raw.get("id")
        name = entry_id if isinstance(entry_id, str) else "?"
        prefix = f"{KINDS[kind][1]}-"
        if not isinstance(entry_id, str) or not entry_id.strip():
            self.add(path, raw.at("id"), "条目缺少 id（非空文字）")
        elif not entry_id.startswith(prefix):
            self.add(path, raw.at("id"), f"{kind} 条目的 id 应以 {prefix} 开头：{entry_id}")
        elif entry_id in self.ids:
            first, line = self.ids[entry_id]
            self.add(path, raw.at("id"), f"id {entry_id} 重复（另见 {first.name}:{line}）")
        else:
            self.ids[entry_id] = (path, raw.line)
        text = raw.get("text")
        if not isinstance(text, str) or not text.strip():
            self.add(path, raw.at("text"), f"条目 {name} 缺少 text（非空文字）")
        if raw.get("kind", kind) != kind:
            self.add(path, raw.at("kind"), f"条目 {name} 的 kind 应为 {kind}（本文件只放 {kind}）")
        dims = raw.get("dimensions", [])
        if not isinstance(dims, list) or not all(isinstance(d, str) for d in dims):
            self.add(path, raw.at("dimensions"), f"条目 {name} 的 dimensions 应为文字列表")
        elif self.dimensions is not None:
            unknown = [d for d in dims if d not in self.dimensions and d != OTHER]
            if unknown:
                self.add(
                    path,
                    raw.at("dimensions"),
                    f"条目 {name} 用了词表（{LEXICON_FILE}）里没有的维度：{'、'.join(unknown)}",
                )
        origin = raw.get("origin", "user")
        if origin not in ORIGINS:
            self.add(path, raw.at("origin"), f"条目 {name} 的 origin 应为 mined 或 user")
        if not isinstance(raw.get("disabled", False), bool):
            self.add(path, raw.at("disabled"), f"条目 {name} 的 disabled 应为 true 或 false")
        if raw.get("source") is not None:
            self.source(path, raw["source"], raw.at("source"), f"条目 {name} 的 source")
        also = raw.get("also_in")
        if also is None:
            pass
        elif not isinstance(also, PosList):
            self.add(path, raw.at("also_in"), f"条目 {name} 的 also_in 应为列表")
        else:
            for item, where in zip(also, also.items_at, strict=True):
                self.source(path, item, where, f"条目 {name} 的 also_in")

    def kind_file(self, kind: str) -> None:
        path = self.directory / KINDS[kind][0]
        if not path.exists():
            return
        try:
            data, encoding = load_positioned(path, BankError, BANK_MAX_BYTES)
        except DrafterError as exc:
            self.add(path, (exc.line, exc.column), exc.message)
            return
        if encoding != "utf-8":
            self.add(path, None, f"素材文件应为 UTF-8 编码（读出来是 {encoding.upper()}）")
        if data is None:
            return
        entries = data.get("entries", []) if isinstance(data, PosDict) else None
        if not isinstance(data, PosDict) or not isinstance(entries, list):
            self.add(path, None, "素材文件应为映射，并包含 entries: 列表")
            return
        if data.get("kind", kind) != kind:
            self.add(path, data.at("kind"), f"本文件的 kind 应为 {kind}")
        places = entries.items_at if isinstance(entries, PosList) else []
        for raw, at in zip(entries, places, strict=True):
            self.entry(path, kind, raw, at)


def validate_bank(directory: Path) -> list[BankProblem]:
    """Every problem in the bank's files, the lexicon and the theme book."""
    if not directory.is_dir():
        raise BankError("素材库目录不存在", path=directory)
    from .index import config_paths

    problems: list[BankProblem] = []
    dimensions: set[str] | None = None
    lexicon, themes = config_paths(directory)
    try:
        dimensions = set(load_lexicon(lexicon).names)
    except DrafterError as exc:
        problems.append(BankProblem(lexicon, exc.line, exc.column, exc.message))
    try:
        load_themes(themes, dimensions)
    except DrafterError as exc:
        problems.append(BankProblem(themes, exc.line, exc.column, exc.message))
    checker = _Checker(directory, dimensions)
    for kind in KINDS:
        checker.kind_file(kind)
    return problems + checker.problems
