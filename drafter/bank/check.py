"""Checking a phrase bank by hand-editing standards: every problem, each with file, line, column.

Loading a bank for drafting stops at the first problem; ``validate_bank`` goes on and reports
them all, so a writer who edited several files can mend them in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drafter.bank.layout import BANK_MAX_BYTES, config_paths
from drafter.bank.lexicon import load_lexicon
from drafter.bank.schema import KINDS, KeyPath, entry_problems, file_problems
from drafter.bank.themes import load_themes
from drafter.errors import BankError, DrafterError
from drafter.files.yamlio import PosDict, Position, PosList, load_positioned


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


def position(raw: Any, keys: KeyPath) -> Position | None:
    """Where the value at ``keys`` inside ``raw`` is, as near as the file tells."""
    where: Position | None = (raw.line, raw.column) if isinstance(raw, PosDict | PosList) else None
    node = raw
    for key in keys:
        if isinstance(node, PosDict) and key in node:
            where, node = node.at(key), node[key]
        elif isinstance(node, PosList) and isinstance(key, int) and key < len(node):
            where, node = node.items_at[key], node[key]
        else:
            break
    return where


class _Checker:
    def __init__(self, directory: Path, dimensions: set[str] | None) -> None:
        self.directory = directory
        self.dimensions = dimensions
        self.problems: list[BankProblem] = []
        self.ids: dict[str, tuple[Path, int]] = {}

    def add(self, path: Path, at: tuple[int | None, int | None] | None, message: str) -> None:
        line, column = at if at else (None, None)
        self.problems.append(BankProblem(path, line, column, message))

    def entry(self, path: Path, kind: str, raw: Any, at: Position) -> None:
        if isinstance(raw, PosDict):
            for key, where in raw.duplicates:
                self.add(path, where, f"键“{key}”重复出现")
        for keys, message in entry_problems(raw, kind, self.dimensions):
            self.add(path, position(raw, keys) or at, message)
        entry_id = raw.get("id") if isinstance(raw, PosDict) else None
        if not isinstance(entry_id, str) or not entry_id.strip():
            return
        if entry_id in self.ids:
            first, line = self.ids[entry_id]
            self.add(path, raw.at("id"), f"id {entry_id} 重复（另见 {first.name}:{line}）")
        else:
            self.ids[entry_id] = (path, raw.line)

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
        problems = file_problems(data, kind)
        if not isinstance(data, PosDict) or any(keys == () for keys, _ in problems):
            for _, message in problems:
                self.add(path, None, message)
            return
        for keys, message in problems:  # point at the key itself: a misspelt one is the fault
            self.add(path, data.keys_at.get(keys[0]) if keys else None, message)
        for key, where in data.duplicates:
            self.add(path, where, f"键“{key}”重复出现")
        entries = data.get("entries") or []
        places = entries.items_at if isinstance(entries, PosList) else []
        for raw, at in zip(entries, places, strict=True):
            self.entry(path, kind, raw, at)


def kind_file_problems(directory: Path, kind: str) -> list[BankProblem]:
    """The problems of one bank file and its entries (lexicon aside), in file order."""
    checker = _Checker(directory, None)
    checker.kind_file(kind)
    return checker.problems


def validate_bank(directory: Path) -> list[BankProblem]:
    """Every problem in the bank's files, the lexicon and the theme book."""
    if not directory.is_dir():
        raise BankError("素材库目录不存在", path=directory)

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
