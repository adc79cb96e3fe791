"""Sharing banks between people: export entries as YAML, JSON or CSV, and import such a file.

Imported entries are checked against the schema and the lexicon (all problems reported, nothing
written if there is one), become ``origin: user``, and are skipped when the bank already has
them, so importing the same file twice adds nothing the second time.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drafter.bank.check import position
from drafter.bank.fileedit import bank_lock
from drafter.bank.ops import Change, Edits, bank_lexicon, clean_text, problems_error
from drafter.bank.schema import CORE_KEYS, KINDS, entry_problems, kind_problem
from drafter.bank.store import Bank, Entry, entry_id
from drafter.errors import InvalidEntry, UsageError
from drafter.files.decoding import read_file_bytes
from drafter.files.yamlio import (
    PosDict,
    Position,
    PosList,
    dump_yaml,
    positioned_text,
    read_yaml_text,
)
from drafter.text.normalize import fold

FORMATS = ("yaml", "json", "csv")
EXPORT_TAG = "drafter-bank-export"
CSV_COLUMNS = (
    "id",
    "kind",
    "text",
    "dimensions",
    "origin",
    "disabled",
    "source_file",
    "source_document",
    "source_part",
    "extra",
)
_DIM_SEP = ";"
IMPORT_MAX_BYTES = 64 * 1024 * 1024
# csv refuses cells over 128 KB, but a pattern's extra cell on a large bank can be larger:
# the file's own size cap is the bound.
CSV_FIELD_LIMIT = IMPORT_MAX_BYTES
# A cell starting with one of these is run as a formula by Excel and WPS (CSV injection); such
# a cell is written after an apostrophe, which the spreadsheet hides and import takes away.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: str) -> str:
    """A CSV cell that no spreadsheet runs as a formula (OWASP's advice: a leading ')."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")  # csv would not quote a bare CR
    if value.startswith(_FORMULA_STARTS) or (
        value.startswith("'") and value[1:].startswith((*_FORMULA_STARTS, "'"))
    ):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    """The cell as it was before ``escape_cell``; an apostrophe a person wrote stays."""
    if value.startswith("'") and value[1:].startswith((*_FORMULA_STARTS, "'")):
        return value[1:]
    return value


def _data(entry: Entry) -> dict[str, Any]:
    return entry.to_dict()


def export_text(entries: list[Entry], fmt: str, version: str) -> str:
    """The entries in ``fmt`` (yaml, json or csv), ready to write to a file."""
    if fmt not in FORMATS:
        raise UsageError(f"不支持的导出格式“{fmt}”，可选：{'、'.join(FORMATS)}")
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for e in entries:
            extra = {k: v for k, v in e.to_dict().items() if k not in CORE_KEYS}
            if e.also_in:  # the other places a text was found: no column of their own
                extra["also_in"] = [s.to_dict() for s in e.also_in]
            src = e.source
            cells = [
                e.id,
                e.kind,
                e.text,
                _DIM_SEP.join(e.dimensions),
                e.origin,
                "true" if e.disabled else "",
                src.file if src else "",
                (src.document or "") if src else "",
                src.part if src and src.part is not None else "",
                json.dumps(extra, ensure_ascii=False) if extra else "",
            ]
            writer.writerow([escape_cell(str(cell)) for cell in cells])
        return "\ufeff" + out.getvalue()  # a BOM, so that Excel opens the file as UTF-8
    data = {EXPORT_TAG: 1, "bank_version": version, "entries": [_data(e) for e in entries]}
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    return "# drafter 素材导出：可用 drafter bank import 导入另一个素材库\n" + dump_yaml(data)


def export_entries(bank: Bank, kind: str | None = None) -> list[Entry]:
    if kind is not None and kind not in KINDS:
        raise UsageError(f"未知的种类“{kind}”，可选：{'、'.join(KINDS)}")
    return [e for e in bank.all(include_disabled=True) if kind is None or e.kind == kind]


@dataclass
class ImportReport:
    added: list[Entry] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (text, why)
    change: Change = field(default_factory=Change)


Located = tuple[Any, Position | None]  # a raw entry and where it starts


def _csv_rows(text: str, path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header of a CSV text and its rows with the line each starts on, escapes undone; a
    malformed file is an error at the line where reading stopped."""
    # newline="": csv itself splits rows, so CR-only files (old Excel for Mac) and line breaks
    # inside quoted cells both read right.
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    start = 1
    old_limit = csv.field_size_limit(CSV_FIELD_LIMIT)  # the process's limit: put back after
    try:
        for cells in reader:
            cells = [unescape_cell(c) for c in cells]
            if header is None:
                header = cells
            elif any(cells):  # blank rows are skipped, as csv.DictReader does
                rows.append((start, dict(zip(header, cells, strict=False))))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InvalidEntry(f"CSV 格式错误，无法读取（{exc}）", path=path, line=start) from None
    finally:
        csv.field_size_limit(old_limit)
    return header or [], rows


def _csv_part(value: str) -> int | None:
    """A part number written in a CSV cell: ASCII digits only (``int`` would take "²"'s
    relatives such as "٣", and ``isdigit`` even "²" itself, which ``int`` then refuses)."""
    value = value.strip()
    if value.isascii() and value.isdecimal() and len(value) < 10 and int(value) >= 1:
        return int(value)
    return None


def _csv_items(text: str, path: Path) -> list[Located]:
    header, rows = _csv_rows(text, path)
    missing = [c for c in ("kind", "text") if c not in header]
    if missing:
        raise InvalidEntry(f"CSV 缺少列：{'、'.join(missing)}", path=path, line=1)
    items: list[Located] = []
    problems: list[tuple[Position | None, str]] = []
    for line, row in rows:
        raw: dict[str, Any] = {"kind": row.get("kind") or "", "text": row.get("text") or ""}
        dims = row.get("dimensions") or ""
        raw["dimensions"] = [d.strip() for d in dims.split(_DIM_SEP) if d.strip()]
        if (row.get("disabled") or "").strip().lower() in ("true", "1", "yes", "是"):
            raw["disabled"] = True
        if row.get("source_file"):
            part = row.get("source_part") or ""
            number = _csv_part(part)
            if part.strip() and number is None:
                problems.append(((line, 1), f"source_part 应为正整数（第几部分），而不是“{part}”"))
            raw["source"] = {
                "file": row["source_file"],
                "document": row.get("source_document") or None,
                **({"part": number} if number is not None else {}),
            }
        if row.get("extra"):
            try:
                extra = json.loads(row["extra"])
            except json.JSONDecodeError as exc:
                problems.append(((line, 1), f"extra 列不是合法的 JSON（{exc.msg}）"))
                continue
            except RecursionError:
                problems.append(((line, 1), "extra 列的 JSON 嵌套过深"))
                continue
            if isinstance(extra, dict):
                raw.update({k: v for k, v in extra.items() if k not in CORE_KEYS or k == "also_in"})
        items.append((raw, (line, 1)))
    if problems:
        raise problems_error(path, problems, InvalidEntry)
    return items


def read_import(path: Path) -> list[Located]:
    """The entries of an export file (YAML, JSON or CSV, told by its name or its first bytes)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        # Bounded before reading, with the same limit as YAML and JSON imports.
        data = read_file_bytes(path, InvalidEntry, max_bytes=IMPORT_MAX_BYTES)
        try:
            return _csv_items(data.decode("utf-8"), path)
        except UnicodeDecodeError:
            raise InvalidEntry("CSV 文件应为 UTF-8 编码，请另存为 UTF-8", path=path) from None
    text, _ = read_yaml_text(path, InvalidEntry, IMPORT_MAX_BYTES, detect=True)
    if suffix == ".json" or text.lstrip().startswith(("{", "[")):
        try:  # JSON is YAML: read it positioned, so problems get line numbers
            doc = positioned_text(text, path, InvalidEntry)
        except InvalidEntry:
            try:
                json.loads(text)
            except json.JSONDecodeError as exc:
                raise InvalidEntry(
                    f"JSON 格式错误：{exc.msg}", path=path, line=exc.lineno, column=exc.colno
                ) from None
            except RecursionError:  # Python's decoder recurses once per level
                raise InvalidEntry("JSON 嵌套过深，拒绝读取", path=path) from None
            raise
    else:
        doc = positioned_text(text, path, InvalidEntry)
    entries = doc.get("entries") if isinstance(doc, PosDict) else doc
    if not isinstance(entries, PosList):
        raise InvalidEntry("导入文件应包含 entries: 列表（或本身就是条目列表）", path=path, line=1)
    return list(zip(entries, entries.items_at, strict=True))


def import_entries(directory: Path, path: Path, default_kind: str | None = None) -> ImportReport:
    """Add the entries of ``path`` to the bank as the user's own; nothing if any is invalid."""
    lexicon = bank_lexicon(directory)
    names = set(lexicon.names)
    problems: list[tuple[Position | None, str]] = []
    wanted: list[dict[str, Any]] = []
    for raw, at in read_import(path):
        if not isinstance(raw, dict):
            problems.append((at, "条目应为映射（键: 值）"))
            continue
        kind = raw.get("kind", default_kind)
        if kind is None or kind == "":
            problems.append((at, f"条目缺少 kind（可选：{'、'.join(KINDS)}）"))
            continue
        wrong = kind_problem(kind)
        if wrong is not None:
            problems.append((position(raw, ("kind",)) or at, wrong))
            continue
        data = dict(raw)
        if not isinstance(data.get("text"), str | None):
            problems.append(
                (position(raw, ("text",)) or at, "text 应为一段文字，而不是映射、列表或数字")
            )
            continue
        try:
            text = data.get("text") or ""
            # A pattern's text only shows its skeleton ("…，…"): punctuation is all it may have.
            data["text"] = text.strip() if kind == "heading_pattern" else clean_text(text, kind)
        except UsageError as exc:
            problems.append((position(raw, ("text",)) or at, exc.message))
            continue
        data["kind"] = kind
        data["id"] = entry_id(kind, data["text"])
        data["origin"] = "user"
        dims = data.get("dimensions") or []
        if isinstance(dims, list):
            data["dimensions"] = [lexicon.canonical(d) or d for d in dims if isinstance(d, str)]
            data["dimensions"] = data["dimensions"] or lexicon.tag(data["text"])
        for keys, message in entry_problems(data, kind, names):
            problems.append((position(raw, keys) or at, message))
        wanted.append(data)
    if problems:
        raise problems_error(path, problems, InvalidEntry)
    report = ImportReport()
    with bank_lock(directory):
        edits = Edits(directory)
        known: dict[str, dict[str, str]] = {}
        for data in wanted:
            kind = data["kind"]
            if kind not in known:
                known[kind] = {row.key: row.id for row in edits.file(kind).rows}
            key = fold(data["text"])
            if key in known[kind]:
                report.skipped.append((data["text"], f"已有：{known[kind][key]}"))
                continue
            known[kind][key] = data["id"]
            ordered: dict[str, Any] = {k: data[k] for k in ("id", "kind", "text")}
            ordered.update({k: v for k, v in data.items() if k not in CORE_KEYS})
            ordered.update({k: data[k] for k in CORE_KEYS[3:] if k in data and k != "origin"})
            ordered["origin"] = "user"
            edits.file(kind).append([ordered])
            report.added.append(Entry(data["id"], kind, data["text"], data["dimensions"]))
        # Every file is written in full or not at all; a crash between two files leaves some
        # kinds imported, and importing again skips those and adds the rest.
        edits.save(report.change)
    report.change.entries = report.added
    return report
