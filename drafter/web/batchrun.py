"""One uploaded brief file, checked (``check_batch``) or drafted (``run_batch``) into a private
temporary folder, the drafts and ``manifest.json`` packed as one zip to download.

The brief runs exactly as ``drafter batch`` runs it; the page adds two limits of its own, for a
file that arrives over the network rather than from the writer's disk: a number of briefs,
and no ``avoid:`` JSON draft named by path (that would read a file of this machine).
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drafter.errors import DrafterError, InputError
from drafter.files.yamlio import PosDict, PosList, load_positioned
from drafter.web.context import WebContext
from drafter.web.uploads import Scratch
from drafter.workflow.batch import BatchOptions, check_batch, run_batch
from drafter.workflow.briefs import read_briefs

MAX_BRIEFS = 100  # briefs in one upload: a request should not draft for an hour
MAX_ZIP_BYTES = 50 * 1024 * 1024
STATUS = {
    "written": "已生成",
    "updated": "已更新",
    "unchanged": "未变",
    "failed": "失败",
    "invalid": "简报有误",
    "valid": "检查通过",
}


@dataclass(frozen=True)
class ProblemRow:
    line: int | None
    column: int | None
    brief: str | None
    message: str


@dataclass(frozen=True)
class OutcomeRow:
    id: str
    status: str
    label: str
    files: list[str]
    seed: int | None
    message: str


@dataclass
class BatchResult:
    id: str
    name: str  # the uploaded file's name, as shown
    scratch: Scratch
    checked: bool  # only checked, nothing drafted
    problems: list[ProblemRow] = field(default_factory=list)
    outcomes: list[OutcomeRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    zip_path: Path | None = None
    zip_bytes: int = 0

    def count(self, *statuses: str) -> int:
        return sum(1 for o in self.outcomes if o.status in statuses)


def _avoided_files(data: Any) -> list[ProblemRow]:
    """``avoid:`` values that name a JSON draft: a path on this machine, from a request."""
    out: list[ProblemRow] = []

    def walk(node: Any) -> None:
        if isinstance(node, PosDict):
            for key, value in node.items():
                if key == "avoid":
                    values = value if isinstance(value, list) else [value]
                    for item in values:
                        if isinstance(item, str) and item.strip().lower().endswith(".json"):
                            line, column = node.at("avoid")
                            out.append(
                                ProblemRow(
                                    line,
                                    column,
                                    None,
                                    f"网页上传的简报不能用 avoid 引用本机上的草稿文件（{item}）；"
                                    "请改写条目编号或词语，或在命令行用 drafter batch",
                                )
                            )
                else:
                    walk(value)
        elif isinstance(node, PosList):
            for item in node:
                walk(item)

    walk(data)
    return out


def _local(text: str, result: BatchResult) -> str:
    """A message without the server's temporary folder in it."""
    return text.replace(str(result.scratch.path / "brief" / result.name), result.name).replace(
        str(result.scratch.path), ""
    )


def _pack(out: Path, target: Path) -> int:
    """The drafts and the manifest (not the journal or lock) zipped; the size in bytes."""
    files = sorted(p for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))
    if sum(p.stat().st_size for p in files) > MAX_ZIP_BYTES:
        raise InputError(f"生成的文件超过 {MAX_ZIP_BYTES // (1024 * 1024)} MB，无法打包下载")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.relative_to(out).as_posix())
    return target.stat().st_size


def run(
    context: WebContext,
    result: BatchResult,
    data: bytes,
    formats: tuple[str, ...],
    independent: bool,
) -> None:
    """Check or draft the brief file ``data`` into ``result`` (blocking: call from a thread)."""
    folder = result.scratch.path / "brief"
    folder.mkdir()
    brief = folder / result.name
    brief.write_bytes(data)
    try:
        loaded, _ = load_positioned(brief, InputError)
    except DrafterError:
        loaded = None  # the batch reports the syntax error with its line
    result.problems = _avoided_files(loaded)
    if result.problems:
        return
    count = len(read_briefs([brief], context.config.root).briefs)
    if count > MAX_BRIEFS:
        message = f"一次最多上传 {MAX_BRIEFS} 条简报（这个文件有 {count} 条），请分成几个文件"
        result.problems = [ProblemRow(None, None, None, message)]
        return
    first, *more = context.bank_dirs()
    out = result.scratch.path / "out"
    options = BatchOptions(
        out, first, formats, 1, False, context.config.root, None, tuple(more), independent
    )
    report = (check_batch if result.checked else run_batch)([brief], options)
    result.problems = [
        ProblemRow(p.line, p.column, p.brief, _local(p.message, result)) for p in report.problems
    ]
    result.warnings = [_local(w, result) for w in report.warnings]
    result.outcomes = [
        OutcomeRow(
            o.id,
            o.status,
            STATUS.get(o.status, o.status),
            list(o.files),
            o.seed,
            _local(o.message or "", result),
        )
        for o in report.outcomes
    ]
    if not result.checked and report.manifest is not None and result.count("written", "updated"):
        target = result.scratch.path / "drafts.zip"
        result.zip_bytes = _pack(out, target)
        result.zip_path = target
    shutil.rmtree(out, ignore_errors=True)  # the zip is what is kept
