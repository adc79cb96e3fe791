"""Uploaded files on disk: a private temporary folder per job, and safe names inside it.

A name from a request never becomes a path as it is: one with a separator or ``..`` is refused,
the rest is cleaned to one plain path component (``workflow.outpaths.safe_name``), its suffix
must be one of the allowed ones, and it is written with exclusive creation inside a folder made
by ``tempfile.mkdtemp`` for this job alone. The original name is only ever shown, or cited as
the mined source after the same cleaning.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from starlette.datastructures import UploadFile

from drafter.web.security import WebError
from drafter.workflow.outpaths import safe_name, visible

_COPY_CHUNK = 1 << 16


class Scratch:
    """A temporary folder that goes with its owner: ``close()`` removes it, and so does the
    garbage collector once nothing holds the ``Scratch`` (a session expired, a job replaced),
    and so does the interpreter at exit. Nothing on disk outlives what refers to it."""

    def __init__(self, prefix: str) -> None:
        self.path = Path(tempfile.mkdtemp(prefix=prefix))
        self._remove = weakref.finalize(self, shutil.rmtree, str(self.path), True)

    def close(self) -> None:
        self._remove()

    @property
    def closed(self) -> bool:
        return not self._remove.alive


def upload_name(raw: str | None, suffixes: Iterable[str]) -> str:
    """The name an uploaded file is stored and cited under, or a ``WebError`` saying why not."""
    allowed = tuple(suffixes)
    name = visible(raw or "").strip()
    if not name:
        raise WebError("上传的文件缺少文件名", 400)
    if "/" in name or "\\" in name or "\x00" in name or name in (".", ".."):
        raise WebError(f"文件名“{name}”含有路径（/、\\ 或 ..）：只能上传文件本身", 400)
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in allowed:
        raise WebError(f"不支持的文件类型：“{name}”。只能上传 {'、'.join(allowed)} 文件", 400)
    stem = safe_name(name[: -len(suffix)]).replace("..", ".").lstrip(".") or "文件"
    # A leading dot would hide the file from the miner's folder walk; the suffix is kept as
    # the allowed one so that the reader is chosen by it.
    return f"{stem}{suffix}"


def unique(name: str, taken: set[str]) -> str:
    """``name``, numbered "（2）", "（3）"… when an earlier file of the upload took it."""
    stem, suffix = name[: -len(PurePosixPath(name).suffix)], PurePosixPath(name).suffix
    candidate, number = name, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem}（{number}）{suffix}"
    taken.add(candidate.casefold())
    return candidate


def named_uploads(files: list[UploadFile], suffixes: Iterable[str]) -> list[tuple[UploadFile, str]]:
    """Each upload with its safe, distinct name; refused whole if any name is bad, so that
    nothing is written for an upload that is refused."""
    if not files:
        raise WebError("请选择要上传的文件", 400)
    taken: set[str] = set()
    return [(f, unique(upload_name(f.filename, suffixes), taken)) for f in files]


async def save_upload(upload: UploadFile, folder: Path, name: str) -> Path:
    """Write ``upload`` as ``folder/name``; the name is one checked component, and exclusive
    creation refuses anything already there (a symlink included)."""
    target = folder / name
    if target.parent != folder or name != PurePosixPath(name).name:
        raise WebError("文件名无效", 400)
    await upload.seek(0)
    with target.open("xb") as out:
        while chunk := await upload.read(_COPY_CHUNK):
            out.write(chunk)
    return target
