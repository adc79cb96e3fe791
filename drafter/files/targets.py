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
