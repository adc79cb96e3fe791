"""Output file names that cannot leave the output folder, whatever a brief says.

A brief's ``id`` becomes a file name by replacing anything unsafe; an ``output`` stem may name
sub-folders, but an absolute path or a ``..`` is refused rather than guessed at.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import UsageError

MAX_COMPONENT = 80  # characters: 240 bytes of UTF-8 Chinese, under the usual 255-byte limit
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"/\\|?*]')
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)


def safe_name(text: str) -> str:
    """One path component from free text: unsafe characters and separators become ``_``."""
    name = _UNSAFE.sub("_", " ".join(text.split())).strip(" .")
    name = name[:MAX_COMPONENT].rstrip(" .")
    if not name:
        return "_"
    if name.split(".")[0].lower() in _RESERVED:  # Windows refuses these names in any folder
        name = f"_{name}"[:MAX_COMPONENT]
    return name


def check_stem(stem: str) -> str:
    """A relative stem (``组一/张三``) made safe; ``UsageError`` if it would leave the folder."""
    text = stem.strip().replace("\\", "/")
    if not text:
        raise UsageError("output 不能为空")
    if text.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", text):
        raise UsageError(f"output“{stem}”是绝对路径；只能写相对于输出目录的文件名")
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if any(p.strip() == ".." for p in parts):
        raise UsageError(f"output“{stem}”含有“..”，会写到输出目录之外")
    if not parts:
        raise UsageError(f"output“{stem}”不是文件名")
    return "/".join(safe_name(p) for p in parts)


def target(out: Path, stem: str, suffix: str, root: Path | None = None) -> Path:
    """The file for ``stem`` and ``suffix`` inside ``out``, checked after resolving symlinks
    (``root``: ``out`` already resolved, when checking many)."""
    path = out / f"{stem}.{suffix}"
    if "/" not in stem:
        return path  # directly in ``out``: no folder of its own to lead elsewhere
    root = root or out.resolve()
    if not path.parent.resolve().is_relative_to(root):
        raise UsageError(f"输出文件“{stem}.{suffix}”经符号链接指向输出目录之外")
    return path
