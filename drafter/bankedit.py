"""Changing entries of one bank file by replacing their lines, under the bank's lock.

A ``FileEdit`` collects line-span replacements (append, replace, remove, disable) against the
file as it was read, then writes them in one go: the old file is kept as ``<name>.bak``, the
new one is put in place atomically, and the span catalog is updated for the next command.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .bank import render_kind, write_bank_file
from .bankfile import (
    GROUP_MARK,
    USER_GROUP,
    Catalog,
    Layout,
    Row,
    build_catalog,
    decode,
    digest_of,
    load_catalog,
    rows_of_block,
    split_lines,
    store_cached,
)
from .bankschema import KINDS
from .errors import BankError
from .locking import folder_lock
from .yamlio import dump_yaml

LOCK_NAME = ".drafter-bank.lock"
LOCK_WAIT = 30.0  # seconds a bank command waits for another one to finish
BUSY = f"素材库正被另一个 drafter 命令修改，等了 {LOCK_WAIT:.0f} 秒仍未结束，请稍后再试"
_DISABLED_LINE = re.compile(r"^(\s*disabled\s*:\s*)(\S+)(\s*(#.*)?)$")


@contextlib.contextmanager
def bank_lock(directory: Path) -> Iterator[None]:
    """Only one process changes a bank at a time; the others wait their turn."""
    if not directory.is_dir():
        raise BankError("素材库目录不存在", path=directory)
    with folder_lock(directory, LOCK_NAME, BUSY, wait=LOCK_WAIT):
        yield


def entry_lines(entry: dict[str, Any], seq_col: int) -> list[str]:
    """One entry as list-item lines at ``seq_col``, the way ``drafter mine`` writes them."""
    pad = " " * seq_col
    return [pad + line + "\n" for line in dump_yaml([entry]).splitlines()]


@dataclass
class _Edit:
    start: int
    end: int
    lines: list[str]
    items_from: int = 0  # lines before this one are not list items ("entries:")


class FileEdit:
    """Pending changes to the bank file of one kind (open it while holding ``bank_lock``)."""

    def __init__(self, directory: Path, kind: str) -> None:
        self.kind = kind
        self.path = directory / KINDS[kind][0]
        catalog, data = load_catalog(directory, kind)
        text = decode(data, self.path)
        if not text.strip():
            text = render_kind(kind, [])
            catalog = build_catalog(kind, split_lines(text), self.path)
        self.lines = split_lines(text)
        if self.lines and not self.lines[-1].endswith(("\n", "\r")):
            self.lines[-1] += "\n"
        self.catalog = catalog
        self._edits: list[_Edit] = []
        self._appended: list[str] = []

    @property
    def rows(self) -> list[Row]:
        return self.catalog.rows

    def row(self, entry_id: str) -> Row | None:
        at = self.catalog.by_id.get(entry_id)
        return self.catalog.rows[at] if at is not None else None

    def block(self, row: Row) -> list[str]:
        return self.lines[row.start : row.end]

    def _check_editable(self) -> None:
        if self.catalog.layout.flow:
            raise BankError(
                "entries 是写在一行里的 [ … ] 流式列表，无法在保留原有排版的前提下修改；"
                "请改成每条以“- ”开头的块式写法后再试",
                path=self.path,
            )

    def replace(self, row: Row, lines: list[str]) -> None:
        self._check_editable()
        self._edits.append(_Edit(row.start, row.end, lines))

    def remove(self, row: Row) -> None:
        self.replace(row, [])

    def append(self, entries: list[dict[str, Any]]) -> None:
        self._check_editable()
        for entry in entries:
            self._appended += entry_lines(entry, self.catalog.layout.seq_col)

    def set_disabled(self, row: Row, flag: bool) -> bool:
        """Mark the entry; False when it already was as asked."""
        if row.disabled == flag:
            return False
        block = self.block(row)
        if row.disabled_line >= 0:
            at = row.disabled_line - row.start
            match = _DISABLED_LINE.match(block[at].rstrip("\r\n"))
            ending = block[at][len(block[at].rstrip("\r\n")) :]
            if match and not flag and not match.group(3).strip():
                block = block[:at] + block[at + 1 :]  # drafter writes no "disabled: false"
            elif match:
                value = "true" if flag else "false"
                block[at] = match.group(1) + value + match.group(3) + ending
            else:
                block = self._rewritten(row, disabled=flag)
        elif flag and row.indent >= 0:
            last = len(block)
            while last > 1 and block[last - 1].lstrip().startswith("#"):
                last -= 1  # after the entry's last key, before comments that follow it
            block = [*block[:last], " " * row.indent + "disabled: true\n", *block[last:]]
        else:
            block = self._rewritten(row, disabled=flag)
        self.replace(row, block)
        return True

    def data(self, row: Row) -> dict[str, Any]:
        """The entry as plain data, read from its own lines."""
        from .yamlio import load_text

        value = load_text("".join(self.block(row)), self.path, row.start)
        if not isinstance(value, list) or len(value) != 1 or not isinstance(value[0], dict):
            raise BankError("条目应为映射（键: 值）", path=self.path, line=row.start + 1)
        return dict(value[0])

    def _rewritten(self, row: Row, **changes: Any) -> list[str]:
        data = self.data(row)
        for key, value in changes.items():
            if key == "disabled" and not value:
                data.pop(key, None)
            else:
                data[key] = value
        return entry_lines(data, self.catalog.layout.seq_col)

    def _append_edit(self) -> _Edit | None:
        if not self._appended:
            return None
        layout = self.catalog.layout
        lines = list(self._appended)
        if not self._in_user_group(layout.append_at):
            lines.insert(0, " " * layout.seq_col + USER_GROUP + "\n")
        if not layout.has_entries:
            return _Edit(layout.append_at, layout.append_at, ["entries:\n", *lines], 1)
        if layout.empty_value is not None:
            line_no, column = layout.empty_value
            line = self.lines[line_no]
            rest = line[column:].rstrip("\r\n").strip().removeprefix("[]").strip()
            head = line[:column].rstrip() + (f" {rest}" if rest else "") + "\n"
            return _Edit(line_no, line_no + 1, [head, *lines], 1)
        return _Edit(layout.append_at, layout.append_at, lines)

    def _in_user_group(self, at: int) -> bool:
        for line in reversed(self.lines[:at]):
            if line.lstrip().startswith(GROUP_MARK):
                return line.strip() == USER_GROUP
        return False

    def pending(self) -> bool:
        return bool(self._edits or self._appended)

    def save(self) -> Path | None:
        """Write the changes (nothing to write: nothing happens); the backup's path."""
        edits = sorted(self._edits, key=lambda e: (e.start, e.end))
        tail = self._append_edit()
        if tail is not None:
            edits.append(tail)
            edits.sort(key=lambda e: (e.start, e.end))
        if not edits:
            return None
        for before, after in itertools.pairwise(edits):
            if after.start < before.end:
                raise BankError("同一条目被改了两次", path=self.path, line=after.start + 1)
        lines, rows = self._apply(edits)
        text = "".join(lines)
        if rows:
            layout = self.catalog.layout
            catalog = Catalog(
                self.kind, rows, Layout(seq_col=layout.seq_col, append_at=rows[-1].end)
            )
        else:  # the list became empty or was just created: small, parse it again
            catalog = build_catalog(self.kind, lines, self.path)
        backup = write_bank_file(self.path, text)
        store_cached(self.path, digest_of(text.encode("utf-8")), catalog)
        self.lines, self.catalog = lines, catalog
        self._edits, self._appended = [], []
        return backup

    def _apply(self, edits: list[_Edit]) -> tuple[list[str], list[Row]]:
        old = self.catalog.rows
        seq_col = self.catalog.layout.seq_col
        lines: list[str] = []
        rows: list[Row] = []
        cursor = 0
        r = 0
        for edit in edits:
            delta = len(lines) - cursor  # how far the unchanged lines before the edit moved
            lines += self.lines[cursor : edit.start]
            while r < len(old) and old[r].start < edit.start:
                rows.append(old[r].moved(delta))
                r += 1
            while r < len(old) and old[r].start < edit.end:
                r += 1  # replaced by the edit's own rows
            items = edit.lines[edit.items_from :]
            if items:
                base = len(lines) + edit.items_from
                rows += rows_of_block(items, base, seq_col, self.path)
            lines += edit.lines
            cursor = edit.end
        delta = len(lines) - cursor
        lines += self.lines[cursor:]
        rows += [row.moved(delta) for row in old[r:]]
        return lines, rows
