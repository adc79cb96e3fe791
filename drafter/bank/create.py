"""Starting a bank of one's own: a copy of the bundled bank (or another) to edit freely."""

from __future__ import annotations

import shutil
from pathlib import Path

from drafter.bank.layout import bank_files
from drafter.bank.ops import Change
from drafter.errors import BankError, UsageError
from drafter.workspace import bundled


def init_bank(target: Path, source: Path | None = None) -> Change:
    """Copy the bank files of ``source`` (default: the bundled bank) into a new ``target``."""
    origin = source or bundled("phrasebank")
    if not origin.is_dir():
        raise BankError("素材库目录不存在", path=origin)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(
            "目标已存在且不是空目录；请换一个目录，或直接用 --bank 指向它", path=target
        )
    if target.resolve() == origin.resolve():
        raise UsageError("目标与来源是同一个目录", path=target)
    change = Change()
    tmp = target.with_name(f".{target.name}.init.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir(parents=True)
        for path in bank_files(origin):
            if path.is_file():
                shutil.copyfile(path, tmp / path.name)
        if target.exists():
            target.rmdir()
        tmp.rename(target)  # the whole bank appears at once, or not at all
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise UsageError(f"无法建立素材库（{exc.strerror}）", path=target) from exc
    change.files = [target / p.name for p in bank_files(origin) if p.is_file()]
    if target.name == "phrasebank":
        change.notes.append(f"在 {target.parent} 下运行的 drafter 命令会用这份素材库")
    else:
        change.notes.append(f"用 --bank {target} 使用这份素材库")
    return change
