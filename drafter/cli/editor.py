"""Running the user's text editor on one bank entry until what comes back is valid.

An invalid edit is never lost: the editor opens again on the user's own text with the problem
written above it; saving it unchanged gives up and says where the text was left.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from drafter.bank.entrytext import begin_edit, editor_text, finish_edit, strip_hints
from drafter.bank.ops import Change
from drafter.errors import BankError, InvalidEntry, UsageError

MAX_ROUNDS = 10  # an editor that keeps saving invalid text is not waited on for ever


def editor_command() -> list[str]:
    """``$VISUAL``, ``$EDITOR``, or the first of a few common editors that is installed."""
    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            try:
                return shlex.split(value)
            except ValueError as exc:
                raise UsageError(f"环境变量 {name} 无法解析（{exc}）：{value}") from None
    for fallback in ("nano", "vim", "vi", "notepad"):
        found = shutil.which(fallback)
        if found:
            return [found]
    raise UsageError("找不到文本编辑器：请设置环境变量 EDITOR，例如 export EDITOR=nano")


def run_editor(path: Path) -> None:
    command = [*editor_command(), str(path)]
    try:
        result = subprocess.run(command, check=False)
    except OSError as exc:
        raise UsageError(f"无法启动编辑器 {command[0]}（{exc.strerror}）") from None
    if result.returncode != 0:
        raise UsageError(
            f"编辑器 {command[0]} 以退出码 {result.returncode} 结束，未保存；你的文本在这里",
            path=path,
        )


def edit_entry(directory: Path, entry_id: str, notify: Callable[[str], None]) -> Change | None:
    """Edit one entry in the user's editor; ``None`` when they left it unchanged or emptied it."""
    draft = begin_edit(directory, entry_id)
    folder = Path(tempfile.mkdtemp(prefix="drafter-edit-"))
    path = folder / f"{entry_id}.yaml"
    shown = editor_text(draft)
    path.write_text(shown, encoding="utf-8")
    problem: str | None = None
    for _ in range(MAX_ROUNDS):
        run_editor(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"无法读回编辑后的文件（{exc}）", path=path) from None
        body = strip_hints(text)
        # An editor may turn a CRLF file's line ends into its own: not a change.
        same = body.replace("\r\n", "\n") == strip_hints(shown).replace("\r\n", "\n")
        if not body.strip() or same:
            if problem is not None and body.strip():
                raise BankError(
                    f"修改仍有问题，未保存；你的文本留在这个文件里：{problem}", path=path
                )
            shutil.rmtree(folder, ignore_errors=True)
            return None
        try:
            change = finish_edit(directory, draft, text, path)
        except InvalidEntry as exc:
            problem = exc.user_message()
            notify(problem)
            shown = editor_text(replace(draft, text=body), problem)
            path.write_text(shown, encoding="utf-8")
            continue
        shutil.rmtree(folder, ignore_errors=True)
        return change
    raise BankError(
        f"改了 {MAX_ROUNDS} 次仍有问题，未保存；你的文本留在这个文件里：{problem}", path=path
    )
