"""Changing entries of one bank file by replacing their lines, under the bank's lock.

A ``FileEdit`` collects line-span replacements (append, replace, remove, disable) against the
file as it was read, then writes them in one go: the old file is kept as ``<name>.bak``, the
new one is put in place atomically, and the line map is updated for the next command.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drafter.bank.linemap import (
    GROUP_MARK,
    USER_GROUP,
    Layout,
    LineMap,
    Row,
    build_line_map,
    decode,
    digest_of,
    load_line_map,
    rows_of_block,
    split_lines,
    store_cached,
)
from drafter.bank.schema import KINDS
from drafter.bank.store import render_kind, write_bank_file
from drafter.errors import BankError
from drafter.files.locking import folder_lock
from drafter.files.yamlio import dump_yaml, load_text

LOCK_NAME = ".drafter-bank.lock"
LOCK_WAIT = 30.0  # seconds a bank command waits for another one to finish
# Files this small are parsed again before they are replaced (a fraction of a second); on a
# large bank the parser's spans, checked block by block, have to do.
RECHECK_ENTRIES = 2_000
RECHECK_CHARS = 1_000_000
_ANCHOR = re.compile(r"(?:^|[\s\[{,:-])&([^\s,\[\]{}]+)")
BUSY = f"素材库正被另一个 drafter 命令修改，等了 {LOCK_WAIT:.0f} 秒仍未结束，请稍后再试"
_DISABLED_LINE = re.compile(r"^(\s*disabled\s*:\s*)(\S+)(\s*(#.*)?)$")


@contextlib.contextmanager
def bank_lock(directory: Path) -> Iterator[None]:
    """Only one process changes a bank at a time; the others wait their turn."""
    if not directory.is_dir():
        raise BankError("素材库目录不存在", path=directory)
    with folder_lock(directory, LOCK_NAME, BUSY, wait=LOCK_WAIT):
        _clear_leftovers(directory)
        yield


def _clear_leftovers(directory: Path) -> None:
    """Temporary files of a bank write that was killed: with the lock held, nobody else is
    writing, so any that are there are left over."""
    for name, _, _ in KINDS.values():
        for leftover in directory.glob(f".{name}.*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()


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
        line_map, data = load_line_map(directory, kind)
        text = decode(data, self.path)
        if not text.strip():
            text = render_kind(kind, [])
            line_map = build_line_map(kind, split_lines(text), self.path)
        self.bom = data.startswith(b"\xef\xbb\xbf")  # kept: some Windows editors want it
        # New lines follow the file's line ends, so a CRLF file does not end up mixed.
        first_end = text.find("\n")
        self.newline = "\r\n" if first_end > 0 and text[first_end - 1] == "\r" else "\n"
        if text and not text.endswith(("\n", "\r")):
            text += self.newline
        # Split into lines only when an edit needs them: appending to a large file does not.
        self.text = text
        self._lines: list[str] | None = None
        self.line_map = line_map
        self._edits: list[_Edit] = []
        self._appended: list[str] = []

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines

    def _line_count(self) -> int:
        if self._lines is None and not any(c in self.text for c in "\r\x85\u2028\u2029"):
            return self.text.count("\n")
        return len(self.lines)

    @property
    def rows(self) -> list[Row]:
        return self.line_map.rows

    def row(self, entry_id: str) -> Row | None:
        at = self.line_map.by_id.get(entry_id)
        return self.line_map.rows[at] if at is not None else None

    def block(self, row: Row) -> list[str]:
        return self.lines[row.start : row.end]

    def _ends(self, lines: list[str]) -> list[str]:
        """New lines with the file's line ends, split where YAML splits them (a U+2028 inside
        a text is a line break to the parser, so the spans must count it as one)."""
        if self.newline != "\n":
            lines = [
                line[:-1] + "\r\n" if line.endswith("\n") and not line.endswith("\r\n") else line
                for line in lines
            ]
        return split_lines("".join(lines))

    def check_editable(self) -> None:
        if self.line_map.layout.flow:
            raise BankError(
                "entries 是写在一行里的 [ … ] 流式列表，无法在保留原有排版的前提下修改；"
                "请改成每条以“- ”开头的块式写法后再试",
                path=self.path,
            )

    def replace(self, row: Row, lines: list[str]) -> None:
        self.check_editable()
        self._check_anchors(row, lines)
        self._edits.append(_Edit(row.start, row.end, self._ends(lines)))

    def _check_anchors(self, row: Row, lines: list[str]) -> None:
        """Refuse to drop an anchor (&name) that the rest of the file still refers to."""
        old = "".join(self.block(row))
        if "&" not in old:
            return
        kept = "".join(lines)
        for name in _ANCHOR.findall(old):
            if f"&{name}" in kept:
                continue
            rest = "".join(self.lines[: row.start]) + "".join(self.lines[row.end :])
            if re.search(rf"\*{re.escape(name)}(?![^\s,\]}}])", rest):
                raise BankError(
                    f"条目 {row.id} 定义了锚点 &{name}，文件别处用 *{name} 引用它；"
                    "改动它会使引用失效，请先手工处理这些引用",
                    path=self.path,
                    line=row.start + 1,
                )

    def remove(self, row: Row) -> None:
        self.replace(row, [])

    def append(self, entries: list[dict[str, Any]]) -> None:
        self.check_editable()
        for entry in entries:
            self._appended += entry_lines(entry, self.line_map.layout.seq_col)

    def set_disabled(self, row: Row, flag: bool) -> bool:
        """Mark the entry; False when it already was as asked."""
        self.check_editable()
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
            last = row.last - row.start  # after its last key, before comments that follow it
            block = [*block[:last], " " * row.indent + "disabled: true\n", *block[last:]]
        else:
            block = self._rewritten(row, disabled=flag)
        self.replace(row, block)
        return True

    def data(self, row: Row) -> dict[str, Any]:
        """The entry as plain data, read from its own lines."""

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
        return entry_lines(data, self.line_map.layout.seq_col)

    def _append_edit(self) -> _Edit | None:
        if not self._appended:
            return None
        layout = self.line_map.layout
        lines = list(self._appended)
        if not self._in_user_group(layout.append_at):
            lines.insert(0, " " * layout.seq_col + USER_GROUP + "\n")
        lines = self._ends(lines)
        if not layout.has_entries:
            key = self._ends(["entries:\n"])
            return _Edit(layout.append_at, layout.append_at, [*key, *lines], 1)
        if layout.empty_value is not None:
            line_no, start, end = layout.empty_value
            line = self.lines[line_no]
            body = line.rstrip("\r\n")
            rest = body[end:].strip()  # a comment after "[]" or "~" stays
            head = body[:start].rstrip() + (f" {rest}" if rest else "") + self.newline
            return _Edit(line_no, line_no + 1, [head, *lines], 1)
        return _Edit(layout.append_at, layout.append_at, lines)

    def _in_user_group(self, at: int) -> bool:
        if at >= self._line_count():  # the end of the file: look back through the text
            end = len(self.text)
            while (found := self.text.rfind(GROUP_MARK, 0, end)) >= 0:
                begin = self.text.rfind("\n", 0, found) + 1
                line = self.text[begin : self.text.find("\n", found)]
                if not line[: found - begin].strip():  # the mark starts its line
                    return line.strip() == USER_GROUP
                end = found
            return False
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
        count = self._line_count()
        if len(edits) == 1 and edits[0] is tail and tail.start == count and not tail.items_from:
            # Entries added at the end of the file, the usual case: no line of it moves.
            rows = [
                *self.line_map.rows,
                *rows_of_block(tail.lines, count, self._seq_col(), self.path),
            ]
            text = self.text + "".join(tail.lines)
            lines = None
        else:
            lines, rows = self._apply(edits)
            text = "".join(lines)
        if rows:
            layout = self.line_map.layout
            line_map = LineMap(
                self.kind, rows, Layout(seq_col=layout.seq_col, append_at=rows[-1].end)
            )
        else:  # the list became empty or was just created: small, parse it again
            line_map = build_line_map(self.kind, lines or split_lines(text), self.path)
        if rows and len(rows) <= RECHECK_ENTRIES and len(text) <= RECHECK_CHARS:
            self._recheck(lines or split_lines(text), line_map)
        data = (("\ufeff" if self.bom else "") + text).encode("utf-8")
        backup = write_bank_file(self.path, data, compare=False)
        store_cached(self.path, digest_of(data), line_map)
        self.text, self._lines, self.line_map = text, lines, line_map
        self._edits, self._appended = [], []
        return backup

    def _recheck(self, lines: list[str], line_map: LineMap) -> None:
        """Parse the whole new text once more before it replaces the file: the edited lines
        must mean, in their place, what they meant alone. (Only for files that parse in well
        under a second; a large bank relies on the spans alone.)"""
        try:
            fresh = build_line_map(self.kind, lines, self.path)
        except BankError as exc:
            raise BankError(
                f"修改后的文件无法解析（{exc.message}），已放弃修改，原文件未动", path=self.path
            ) from None
        if fresh.rows != line_map.rows:
            first = next(
                (a for a, b in zip(fresh.rows, line_map.rows, strict=False) if a != b),
                fresh.rows[-1] if fresh.rows else None,
            )
            line = first.start + 1 if first else None
            raise BankError(
                "修改后的文件与预期不符（可能是附近的手工排版让新行归到了别的条目），"
                "已放弃修改，原文件未动；请检查这一处的缩进和注释",
                path=self.path,
                line=line,
            )

    def _seq_col(self) -> int:
        return self.line_map.layout.seq_col

    def _apply(self, edits: list[_Edit]) -> tuple[list[str], list[Row]]:
        old = self.line_map.rows
        seq_col = self._seq_col()
        lines: list[str] = []
        rows: list[Row] = []
        cursor = 0
        r = 0
        for edit in edits:
            delta = len(lines) - cursor  # how far the unchanged lines before the edit moved
            lines += self.lines[cursor : edit.start]
            first = r
            while r < len(old) and old[r].start < edit.start:
                r += 1
            rows += old[first:r] if delta == 0 else [row.moved(delta) for row in old[first:r]]
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
        rows += old[r:] if delta == 0 else [row.moved(delta) for row in old[r:]]
        return lines, rows
