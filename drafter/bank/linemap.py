"""Editing one bank file in place: each entry's line span, found by the YAML parser and cached.

The write commands change a bank file by replacing the lines of the entries they touch and
nothing else, so a hand-edited file keeps its comments, key order, quoting and long lines byte
for byte. Where each entry sits comes from libyaml's node positions; parsing a large file takes
seconds, so the spans (with each entry's folded text, for duplicate checks and search) are cached
under the file's content digest and updated by every edit drafter makes.

A span is not a position: ``Row.start``/``end`` are 0-based, end-exclusive indexes into the
file's lines, covering a whole entry with the comment lines under it. Positions for messages are
``drafter.files.yamlio``'s (``node_position`` here; ``LineDict`` for the bank as drafting reads
it, ``PosDict`` for ``bank validate``): they know where a node begins but not where it ends, and
they build Python values, which this module does not need, so spans come from the nodes.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import marshal
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from drafter import __version__
from drafter.bank.layout import BANK_MAX_BYTES
from drafter.bank.schema import FILE_KEYS, KINDS, unknown_key
from drafter.bank.store import Entry, Source
from drafter.errors import BankError
from drafter.files.cache import cache_dir, code_stamp, store_marshal
from drafter.files.decoding import read_file_bytes
from drafter.files.yamlio import (
    MAX_DEPTH,
    TOO_DEEP,
    base_loader,
    nesting_bound,
    node_position,
    yaml_error,
)
from drafter.text.normalize import fold

_FORMAT = 2  # bump when the cached shape changes
_BOOL_TAG = "tag:yaml.org,2002:bool"
_TRUE = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"}
GROUP_MARK = "# ── "
USER_GROUP = f"{GROUP_MARK}用户添加"


class Row(NamedTuple):
    """One entry as the bank commands see it, and where its lines are (0-based, end exclusive)."""

    id: str
    text: str
    key: str  # folded text
    body_key: str  # folded body of a point, else ""
    dims: tuple[str, ...]
    origin: str
    disabled: bool
    file: str | None  # source file
    document: str | None
    start: int
    end: int  # after the comment lines indented under the entry that follow it
    last: int  # one past the entry's own last line (the YAML node's end)
    indent: int  # column of the entry's keys; -1 for a flow mapping ({…}), rewritten whole
    disabled_line: int  # the line of a one-line "disabled:" key, or -1

    def entry(self, kind: str) -> Entry:
        source = Source(self.file, self.document) if self.file is not None else None
        return Entry(
            self.id,
            kind,
            self.text,
            list(self.dims),
            source,
            self.origin,
            self.disabled,
            line=self.start + 1,
        )

    def moved(self, delta: int) -> Row:
        return self._replace(
            start=self.start + delta,
            end=self.end + delta,
            last=self.last + delta,
            disabled_line=self.disabled_line + delta if self.disabled_line >= 0 else -1,
        )


@dataclass
class Layout:
    """Where the entries list is, so new entries can be put at its end."""

    seq_col: int = 0  # column of the entries' dashes
    append_at: int = 0  # line a new entry goes before
    # "entries: []", "entries: ~" or "entries:" alone: the value's line and its first and last
    # column (equal when nothing is written); None otherwise
    empty_value: tuple[int, int, int] | None = None
    has_entries: bool = True  # False: the file has no entries key yet
    flow: bool = False  # entries written as a flow list [ … ]: can be read, not edited in place


@dataclass
class LineMap:
    """A bank file's entries in file order, and its layout."""

    kind: str
    rows: list[Row]
    layout: Layout
    by_id: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {row.id: i for i, row in enumerate(self.rows)}


def _exclusive_end(mark: Any) -> int:
    return int(mark.line) + (1 if mark.column > 0 else 0)


def _last_line(node: Any) -> int:
    """One past the last line that holds part of ``node``."""
    import yaml

    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style:
        if not node.value:
            return _exclusive_end(node.end_mark)
        last = node.value[-1]
        if isinstance(node, yaml.MappingNode):
            return max(_last_line(last[0]), _last_line(last[1]))
        return _last_line(last)
    return _exclusive_end(node.end_mark)


def _scalar(node: Any) -> str | None:
    import yaml

    return node.value if isinstance(node, yaml.ScalarNode) else None


def _row(item: Any, lines: list[str], seq_col: int, base: int) -> Row:
    """The row of one item of the entries list (``base``: line offset of ``lines`` in the file)."""
    import yaml

    values: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    if isinstance(item, yaml.MappingNode):
        for key_node, value_node in item.value:
            name = _scalar(key_node)
            if name is not None:
                values[name], key_lines[name] = value_node, key_node.start_mark.line
    start = item.start_mark.line
    # The item's dash may stand on a line of its own above the first key.
    while start > 0 and not lines[start].lstrip().startswith("-"):
        start -= 1
    end = last = _last_line(item)
    # Comment lines indented under the entry right after it belong to it.
    while end < len(lines) and lines[end].lstrip().startswith("#"):
        if len(lines[end]) - len(lines[end].lstrip()) <= seq_col:
            break
        end += 1
    dims = values.get("dimensions")
    dim_list = (
        tuple(d for d in (_scalar(v) for v in dims.value) if d is not None)
        if isinstance(dims, yaml.SequenceNode)
        else ()
    )
    disabled = values.get("disabled")
    off = (
        isinstance(disabled, yaml.ScalarNode)
        and disabled.tag == _BOOL_TAG
        and disabled.value in _TRUE
    )
    one_line = (
        isinstance(disabled, yaml.ScalarNode)
        and disabled.start_mark.line == key_lines["disabled"] == disabled.end_mark.line
    )
    source = values.get("source")
    src: dict[str | None, str | None] = {}
    if isinstance(source, yaml.MappingNode):
        src = {_scalar(k): _scalar(v) for k, v in source.value}
    text = _scalar(values.get("text")) or ""
    body = _scalar(values.get("body")) or ""
    flow = not isinstance(item, yaml.MappingNode) or bool(item.flow_style)
    return Row(
        id=_scalar(values.get("id")) or "",
        text=text,
        key=fold(text),
        body_key=fold(body) if body else "",
        dims=dim_list,
        origin=_scalar(values.get("origin")) or "user",
        disabled=off,
        file=src.get("file"),
        document=src.get("document"),
        start=start + base,
        end=end + base,
        last=last + base,
        indent=-1 if flow else item.start_mark.column,
        disabled_line=key_lines["disabled"] + base if one_line else -1,
    )


def _compose(text: str, path: Path, line_offset: int = 0) -> Any:
    import yaml

    if nesting_bound(text) > MAX_DEPTH:
        raise BankError(TOO_DEEP, path=path)
    try:
        return yaml.compose(text, Loader=base_loader())
    except (yaml.YAMLError, RecursionError) as exc:
        raise yaml_error(exc, path, BankError, line_offset, text) from exc


def rows_of_block(block: list[str], base: int, seq_col: int, path: Path) -> list[Row]:
    """The rows of entries written as list items (``- …`` at ``seq_col``), starting at ``base``."""
    import yaml

    node = _compose("".join(block), path, base)
    if not isinstance(node, yaml.SequenceNode):
        raise BankError("条目应写成以“- ”开头的列表项", path=path, line=base + 1)
    return [_row(item, block, seq_col, base) for item in node.value]


def _check_keys(root: Any, path: Path) -> None:
    """A misspelt or repeated top-level key hides entries from drafting: refuse to edit such a
    file (an add would start a second entries list beside the hidden one)."""
    seen: set[str] = set()
    for key_node, _ in root.value:
        name = _scalar(key_node)
        line, column = node_position(key_node)
        if name not in FILE_KEYS:
            message = unknown_key(name if name is not None else "?", FILE_KEYS)
            raise BankError(message, path=path, line=line, column=column)
        if name in seen:
            raise BankError(f"键“{name}”重复出现", path=path, line=line, column=column)
        seen.add(name)


def build_line_map(kind: str, lines: list[str], path: Path) -> LineMap:
    """Parse a whole bank file into rows and layout (the slow path; see ``load``)."""
    import yaml

    root = _compose("".join(lines), path)
    if root is None:
        return LineMap(kind, [], Layout(append_at=len(lines), has_entries=False))
    if not isinstance(root, yaml.MappingNode):
        raise BankError("素材文件应为映射，并包含 entries: 列表", path=path, line=1)
    _check_keys(root, path)
    for key_node, value in root.value:
        if _scalar(key_node) != "entries":
            continue
        if isinstance(value, yaml.ScalarNode) and value.tag == "tag:yaml.org,2002:null":
            if value.start_mark.line != value.end_mark.line or not value.value:
                # Nothing written: the value is the end of the key's line.
                line = key_node.end_mark.line
                column = key_node.end_mark.column + 1
                at = (line, column, column)
            else:
                at = (value.start_mark.line, value.start_mark.column, value.end_mark.column)
            return LineMap(kind, [], Layout(append_at=at[0] + 1, empty_value=at))
        if not isinstance(value, yaml.SequenceNode):
            raise BankError("entries 应为列表", path=path, line=node_position(value)[0])
        if value.flow_style:
            if value.value:
                rows = [_row(item, lines, 0, 0) for item in value.value]
                return LineMap(kind, rows, Layout(flow=True))
            if value.start_mark.line != value.end_mark.line:
                raise BankError(
                    "entries 的空列表 [ ] 跨了几行，请写成一行 entries: []",
                    path=path,
                    line=node_position(value)[0],
                )
            at = (value.start_mark.line, value.start_mark.column, value.end_mark.column)
            return LineMap(kind, [], Layout(append_at=at[0] + 1, empty_value=at))
        seq_col = value.start_mark.column
        rows = [_row(item, lines, seq_col, 0) for item in value.value]
        return LineMap(kind, rows, Layout(seq_col=seq_col, append_at=rows[-1].end))
    return LineMap(kind, [], Layout(append_at=len(lines), has_entries=False))


def _code_stamp() -> str | None:
    """The code that shapes a line map, by content: an edited checkout is not served line maps
    of older code, while two installs of the same code (a checkout and its wheel) share them."""
    code = code_stamp(__name__, "drafter.text.normalize")
    return None if code is None else f"{_FORMAT}-{__version__}-{code}"


def _cache_path(path: Path) -> Path | None:
    folder = cache_dir()
    if folder is None or _code_stamp() is None:
        return None
    name = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:20]
    return folder / f"bankfile-{name}.marshal"


def digest_of(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest() + (_code_stamp() or "")


def read_cached(path: Path, digest: str) -> LineMap | None:
    cached = _cache_path(path)
    if cached is None:
        return None
    # The cyclic collector off while the rows are built: it would walk the hundred thousand
    # new objects again and again (a third of a search's time on a large bank).
    enabled = gc.isenabled()
    gc.disable()
    try:
        with contextlib.suppress(OSError, EOFError, ValueError, TypeError, KeyError):
            data = marshal.loads(cached.read_bytes())
            if data.get("digest") == digest:
                rows = [Row(*r) for r in data["rows"]]
                return LineMap(data["kind"], rows, Layout(*data["layout"]))
    finally:
        if enabled:
            gc.enable()
    return None


def store_cached(path: Path, digest: str, line_map: LineMap) -> None:
    """Best effort: a line map that cannot be stored only costs a parse next time."""
    cached = _cache_path(path)
    if cached is None:
        return
    layout = line_map.layout
    data = {
        "digest": digest,
        "kind": line_map.kind,
        "rows": [tuple(r) for r in line_map.rows],
        "layout": (
            layout.seq_col,
            layout.append_at,
            layout.empty_value,
            layout.has_entries,
            layout.flow,
        ),
    }

    store_marshal(cached, data)


def read_bytes(path: Path) -> bytes:
    """A bank file's bytes (none for a missing file), bounded and from a regular file only."""
    if not path.exists():
        return b""
    return read_file_bytes(path, BankError, max_bytes=BANK_MAX_BYTES)


def decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BankError("素材文件应为 UTF-8 编码", path=path, line=line) from None


_ODD_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def split_lines(text: str) -> list[str]:
    """Lines with their ends, broken where YAML breaks them (so node positions match)."""
    if not any(c in text for c in "\r\x85\u2028\u2029"):
        lines = text.split("\n")
        out = [line + "\n" for line in lines[:-1]]
        return [*out, lines[-1]] if lines[-1] else out
    out, begin = [], 0
    for match in _ODD_BREAKS.finditer(text):
        out.append(text[begin : match.end()])
        begin = match.end()
    return [*out, text[begin:]] if begin < len(text) else out


def load_line_map(directory: Path, kind: str) -> tuple[LineMap, bytes]:
    """The line map of one bank file and the bytes it describes (a missing file has none)."""
    path = directory / KINDS[kind][0]
    data = read_bytes(path)
    digest = digest_of(data)
    line_map = read_cached(path, digest)
    if line_map is None or line_map.kind != kind:
        line_map = build_line_map(kind, split_lines(decode(data, path)), path)
        store_cached(path, digest, line_map)
    return line_map, data


def iter_rows(directory: Path) -> Iterator[tuple[str, Row]]:
    """Every entry of the bank as (kind, row), in bank order."""
    for kind in KINDS:
        line_map, _ = load_line_map(directory, kind)
        for row in line_map.rows:
            yield kind, row
