"""Where a write lands: drafter writes regular files only, and writes through symlinks.

Every file drafter writes is replaced atomically (a temporary file beside it, then a rename).
A rename over a device, a FIFO or a socket would swap the special file for a regular one (as
root, ``-o /dev/full --force`` turned the device into a file), and writing into one is no
atomic write either: so an existing target that is not a regular file is refused. A symlink is
followed: the file it points at is replaced in its own folder and the link stays, so a bank
file shared through a symlink gets the entry, instead of the link becoming a private copy.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from drafter.errors import DrafterError, UsageError
from drafter.files.decoding import file_kind

# The atomic writer's temporary name is ``.<name>.XXXXXXXX.tmp``: this much longer than the
# name it stands for, and a name must leave room for it (file systems allow 255 bytes).
TEMP_PREFIX = "."
TEMP_RANDOM = 8  # tempfile.mkstemp's random part
TEMP_SUFFIX = ".tmp"
TEMP_EXTRA = len(TEMP_PREFIX) + 1 + TEMP_RANDOM + len(TEMP_SUFFIX)
NAME_MAX = 255  # bytes of one name on ext4, XFS, Btrfs, APFS (NTFS: 255 UTF-16 units)


def _kind(mode: int) -> str:
    return file_kind(mode) or "特殊文件"


def real_target(path: Path, error: type[DrafterError] = UsageError) -> Path:
    """The regular file a write to ``path`` should replace: ``path`` itself, or the file its
    symlink points at (which may not exist yet); ``error`` for anything else that exists."""
    try:
        info = os.lstat(path)
    except OSError:
        return path  # missing (or unreachable: the write itself says why)
    if stat.S_ISREG(info.st_mode):
        return path
    if stat.S_ISLNK(info.st_mode):
        real = Path(os.path.realpath(path))
        try:
            info = os.lstat(real)
        except OSError:
            return real  # a dangling link: writing creates the file it names
        if stat.S_ISREG(info.st_mode):
            return real
        if stat.S_ISLNK(info.st_mode):
            raise error("符号链接指向自身（循环），无法写入", path=path)
        raise error(
            f"符号链接指向的“{real}”是{_kind(info.st_mode)}，不是普通文件，drafter 不会写入或替换它",
            path=path,
        )
    raise error(
        f"是{_kind(info.st_mode)}，不是普通文件：drafter 只写普通文件，不会写入或替换它",
        path=path,
    )


def name_too_long(exc: OSError) -> bool:
    return exc.errno == errno.ENAMETOOLONG


# ── what a file's name says it holds ──────────────────────────────────────────────────────

# The suffixes drafter writes, and the format each one holds (``drafting.model.FORMATS``).
SUFFIX_FORMATS = {".md": "md", ".markdown": "md", ".txt": "txt", ".json": "json", ".docx": "docx"}
FORMAT_NAMES = {"md": "Markdown", "txt": "纯文本", "json": "JSON", "docx": "Word 文档"}
# Documents people ask for that drafter does not write, and what to do instead.
NOT_WRITTEN = {
    ".doc": "旧版 Word 格式（.doc）drafter 不写，Word 文档请用 .docx，Word 和 WPS 都能打开",
    ".wps": "WPS 文字格式（.wps）drafter 不写，请用 .docx，WPS 也能打开",
    ".pdf": "drafter 不直接写 PDF：可以写成 .docx，再用 Word 或 WPS 导出为 PDF",
    ".rtf": "drafter 不写 RTF，Word 文档请用 .docx",
    ".odt": "drafter 不写 ODF 文本，Word 文档请用 .docx",
    ".html": "drafter 不写网页，可以写成 .md（Markdown）",
    ".htm": "drafter 不写网页，可以写成 .md（Markdown）",
}


def suffixes_of(fmt: str) -> str:
    """The suffixes of a format as a reader is told them: ".md 或 .markdown"."""
    return " 或 ".join(s for s, f in SUFFIX_FORMATS.items() if f == fmt)


def _known() -> str:
    formats = dict.fromkeys(SUFFIX_FORMATS.values())
    return "、".join(f"{suffixes_of(f)}（{FORMAT_NAMES[f]}）" for f in formats)


def output_format(path: Path | None, fmt: str | None = None) -> str:
    """The format a draft is written in to ``path``: ``fmt`` (``-f``, a known format), else
    what the suffix names, else md. A suffix drafter does not write, or one that names another
    format than ``fmt``, is a ``UsageError`` naming both; a name without a suffix is written as
    given, in ``fmt`` or md (``-o /dev/stdout`` and the like keep working)."""
    suffix = path.suffix.lower() if path is not None else ""
    if not suffix:
        return fmt or "md"
    named = SUFFIX_FORMATS.get(suffix)
    assert path is not None
    if named is None:
        wanted = f"；-f {fmt} 的文件请以 {suffixes_of(fmt)} 结尾" if fmt else ""
        hint = f"。{NOT_WRITTEN[suffix]}" if suffix in NOT_WRITTEN else ""
        raise UsageError(
            f"不认识输出文件“{path.name}”的后缀“{path.suffix}”：drafter 只写 {_known()}"
            f"{wanted}{hint}"
        )
    if fmt is not None and fmt != named:
        raise UsageError(
            f"输出文件“{path.name}”的后缀“{path.suffix}”表示 {FORMAT_NAMES[named]}（{named}），"
            f"与 -f {fmt}（{FORMAT_NAMES[fmt]}）不符：要 {fmt} 请把文件名改为以 "
            f"{suffixes_of(fmt)} 结尾，要 {named} 请去掉 -f"
        )
    return named


def stem_suffix(stem: str) -> str | None:
    """Why a file name meant to get its suffix from the format should not have one already
    (``张三.md`` would be written ``张三.md.md``); ``None`` when it has none."""
    suffix = Path(stem).suffix.lower()
    if suffix in SUFFIX_FORMATS:
        fmt = SUFFIX_FORMATS[suffix]
        return f"不含后缀（按格式自动加上，“{stem}”会写成“{stem}.{fmt}”），请去掉“{suffix}”"
    if suffix in NOT_WRITTEN:
        return f"不能以“{suffix}”结尾（后缀按格式自动加上）：{NOT_WRITTEN[suffix]}"
    return None
