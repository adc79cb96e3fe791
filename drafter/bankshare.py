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

from .bank import Bank, Entry, entry_id
from .bankcheck import position
from .bankedit import bank_lock
from .bankops import Change, Edits, bank_lexicon, clean_text, problems_error
from .bankschema import CORE_KEYS, KINDS, entry_problems
from .decoding import read_file_bytes
from .errors import InvalidEntry, UsageError
from .normalize import fold
from .yamlio import PosDict, PosList, dump_yaml, positioned_text, read_yaml_text

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
            writer.writerow(
                [
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
            )
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


Located = tuple[Any, tuple[int, int] | None]  # a raw entry and where it starts


def _csv_items(text: str, path: Path) -> list[Located]:
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    missing = [c for c in ("kind", "text") if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidEntry(f"CSV 缺少列：{'、'.join(missing)}", path=path, line=1)
    items: list[Located] = []
    for row in reader:
        line = reader.line_num
        raw: dict[str, Any] = {"kind": row.get("kind") or "", "text": row.get("text") or ""}
        dims = row.get("dimensions") or ""
        raw["dimensions"] = [d.strip() for d in dims.split(_DIM_SEP) if d.strip()]
        if (row.get("disabled") or "").strip().lower() in ("true", "1", "yes", "是"):
            raw["disabled"] = True
        if row.get("source_file"):
            part = (row.get("source_part") or "").strip()
            raw["source"] = {
                "file": row["source_file"],
                "document": row.get("source_document") or None,
                **({"part": int(part)} if part.isdigit() else {}),
            }
        if row.get("extra"):
            try:
                extra = json.loads(row["extra"])
            except json.JSONDecodeError as exc:
                raise InvalidEntry(
                    f"extra 列不是合法的 JSON（{exc.msg}）", path=path, line=line
                ) from None
            if isinstance(extra, dict):
                raw.update({k: v for k, v in extra.items() if k not in CORE_KEYS or k == "also_in"})
        items.append((raw, (line, 1)))
    return items


def read_import(path: Path) -> list[Located]:
    """The entries of an export file (YAML, JSON or CSV, told by its name or its first bytes)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        data = read_file_bytes(path, InvalidEntry)
        try:
            return _csv_items(data.decode("utf-8"), path)
        except UnicodeDecodeError:
            raise InvalidEntry("CSV 文件应为 UTF-8 编码，请另存为 UTF-8", path=path) from None
    text, _ = read_yaml_text(path, InvalidEntry, 64 * 1024 * 1024, detect=True)
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
    problems: list[tuple[tuple[int, int] | None, str]] = []
    wanted: list[dict[str, Any]] = []
    for raw, at in read_import(path):
        kind = raw.get("kind", default_kind) if isinstance(raw, dict) else None
        if kind not in KINDS:
            problems.append((at, f"条目缺少 kind 或 kind 不对（可选：{'、'.join(KINDS)}）"))
            continue
        data = dict(raw)
        try:
            text = str(data.get("text") or "")
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
