"""The record of what ``drafter mine --into`` put into a bank: ``mined-files.json``.

For each corpus file mined into the bank it keeps the name its entries cite, a digest of its
bytes and the speeches parsed from it. Every ``--into`` run mines the recorded speeches again
(with those of new and changed files) and replaces the entries they gave last time: so a file
mined twice changes nothing, and a changed file's old material is replaced, not piled up.
Without the record (deleted, or a bank that never had one) every mined entry is earlier
material and stays as it is: losing the record never loses an entry.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drafter import __version__
from drafter.corpus.models import Document, Part, Point
from drafter.errors import BankError
from drafter.files.decoding import read_file_bytes

RECORD_FILE = "mined-files.json"
FORMAT = 1
RECORD_MAX_BYTES = 512 * 2**20  # speeches of a large corpus; the bank's YAML limit is lower
_NOTE = (
    "drafter mine --into 的挖掘记录：挖掘进本素材库的语料文件及从中解析出的讲话。"
    "请勿手工修改；删除它不会丢失素材（已挖掘的条目都当作原有素材保留）。"
)


@dataclass(frozen=True)
class FileRecord:
    """One corpus file as mined into the bank."""

    name: str  # how the bank's entries cite it
    where: str  # the file's identity on disk (``Task.where``)
    digest: str  # sha1 of its bytes
    format: str
    parser: str  # the drafter version that parsed it: a newer one parses it again
    documents: tuple[Document, ...]

    def current(self, digest: str) -> bool:
        """Whether a file with these bytes needs no new parse."""
        return self.digest == digest and self.parser == __version__


def load_record(bank: Path) -> list[FileRecord]:
    """The bank's record, in the order the files were first mined; none: an empty list."""
    path = bank / RECORD_FILE
    if not path.exists():
        return []
    data = read_file_bytes(path, BankError, max_bytes=RECORD_MAX_BYTES)
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BankError(f"挖掘记录已损坏，无法读取（{exc}）", path=path) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("format"), int):
        raise BankError("挖掘记录已损坏：缺少 format", path=path)
    if raw["format"] > FORMAT:
        raise BankError(
            f"挖掘记录是较新版本的 drafter 写的（格式 {raw['format']}，本版本只认识到 {FORMAT}），"
            "请升级 drafter 后再挖掘进这个素材库",
            path=path,
        )
    files = raw.get("files")
    if not isinstance(files, list):
        raise BankError("挖掘记录已损坏：缺少 files 列表", path=path)
    return [_file(item, path) for item in files]


def render_record(files: list[FileRecord]) -> bytes:
    """The record's bytes: the same files give the same bytes (no dates, a fixed layout)."""
    data = {
        "format": FORMAT,
        "note": _NOTE,
        "files": [
            {
                "name": f.name,
                "where": f.where,
                "sha1": f.digest,
                "format": f.format,
                "parser": f.parser,
                "documents": [d.to_dict() for d in f.documents],
            }
            for f in files
        ],
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _broken(path: Path, what: str) -> BankError:
    return BankError(f"挖掘记录已损坏：{what}", path=path)


def _file(item: Any, path: Path) -> FileRecord:
    if not isinstance(item, dict):
        raise _broken(path, "files 的每一项应为映射")
    for key in ("name", "where", "sha1", "format", "parser"):
        if not isinstance(item.get(key), str):
            raise _broken(path, f"文件缺少 {key}")
    docs = item.get("documents")
    if not isinstance(docs, list):
        raise _broken(path, f"{item['name']} 缺少 documents 列表")
    return FileRecord(
        item["name"],
        item["where"],
        item["sha1"],
        item["format"],
        item["parser"],
        tuple(_build(Document, d, path) for d in docs),
    )


_NESTED: dict[str, type[Any]] = {"parts": Part, "points": Point, "dashes": Point}
_SCALARS: dict[str, tuple[type[Any], ...]] = {
    "str": (str,),
    "str | None": (str, type(None)),
    "int": (int,),
}


def _build(cls: type[Any], data: Any, path: Path) -> Any:
    """A document (or part, or point) from its ``to_dict`` form, checked field by field."""
    if not isinstance(data, dict):
        raise _broken(path, f"{cls.__name__} 应为映射")
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name in _NESTED:
            if not isinstance(value, list):
                raise _broken(path, f"{f.name} 应为列表")
            value = tuple(_build(_NESTED[f.name], v, path) for v in value)
        elif not isinstance(value, _SCALARS.get(str(f.type), (str, int, type(None)))) or (
            isinstance(value, bool)
        ):
            raise _broken(path, f"{cls.__name__}.{f.name} 的值不对")
        values[f.name] = value
    try:
        return cls(**values)
    except TypeError as exc:  # a field it must have is missing
        raise _broken(path, f"{cls.__name__} 缺少字段（{exc}）") from None
