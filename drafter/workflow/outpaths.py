"""Output file names that cannot leave the output folder, whatever a brief says.

A brief's ``id`` becomes a file name by replacing anything unsafe; an ``output`` stem may name
sub-folders, but an absolute path or a ``..`` is refused rather than guessed at.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from drafter.errors import UsageError
from drafter.files.targets import NAME_MAX, TEMP_EXTRA

# A name made here gets a suffix (".docx" at most) and, while it is written, the atomic
# writer's temporary name around it: the three together must fit NAME_MAX bytes.
SUFFIX_MAX = len(".docx")
MAX_NAME_BYTES = NAME_MAX - TEMP_EXTRA - SUFFIX_MAX  # 236: 78 Chinese characters, 59 rare ones
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"/\\|?*]')
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)
# Format characters (Cf: direction controls U+202A–202E and U+2066–2069, marks U+200E/200F and
# U+061C, zero-width U+200B–200D, U+2060, U+FEFF, soft hyphen …) are invisible or reorder what
# is shown: "报告\u202egpj.exe" looks like "报告exe.jpg". Lone surrogates cannot be encoded.
_INVISIBLE = frozenset({"Cf", "Cs"})


def visible(text: str) -> str:
    """``text`` without format characters and lone surrogates."""
    if text.isascii():
        return text
    return "".join(c for c in text if unicodedata.category(c) not in _INVISIBLE)


def fit_bytes(name: str, limit: int = MAX_NAME_BYTES) -> str:
    """``name`` cut to at most ``limit`` bytes of UTF-8, at a character boundary."""
    data = name.encode("utf-8")
    if len(data) <= limit:
        return name
    return data[:limit].decode("utf-8", errors="ignore")


def _clean(text: str) -> str:
    return _UNSAFE.sub("_", " ".join(visible(text).split())).strip(" .")


def safe_name(text: str) -> str:
    """One path component from free text: unsafe characters and separators become ``_``,
    invisible ones go, and the name is cut to ``MAX_NAME_BYTES``."""
    name = fit_bytes(_clean(text)).rstrip(" .")
    if not name:
        return "_"
    if name.split(".")[0].lower() in _RESERVED:  # Windows refuses these names in any folder
        name = fit_bytes(f"_{name}")
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
    for part in parts:
        size = len(_clean(part).encode("utf-8"))
        if size > MAX_NAME_BYTES:
            raise UsageError(
                f"output 中的“{part}”太长（{size} 字节）：每一级文件名最多 {MAX_NAME_BYTES} 字节"
                f"（约 {MAX_NAME_BYTES // 3} 个汉字），请改短"
            )
    return "/".join(safe_name(p) for p in parts)


def target(out: Path, stem: str, suffix: str, root: Path | None = None) -> Path:
    """The file for ``stem`` and ``suffix`` inside ``out``, checked after resolving symlinks
    (``root``: ``out`` already resolved, when checking many): the writer follows a symlinked
    file, so one planted in ``out`` must not lead outside it either."""
    path = out / f"{stem}.{suffix}"
    link = path.is_symlink()
    if "/" not in stem and not link:
        return path  # directly in ``out``: no folder of its own to lead elsewhere
    root = root or out.resolve()
    real = Path(os.path.realpath(path)) if link else path.parent.resolve() / path.name
    if not real.is_relative_to(root):
        raise UsageError(f"输出文件“{stem}.{suffix}”经符号链接指向输出目录之外")
    return path
