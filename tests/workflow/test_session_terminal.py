"""`drafter new` on a real (pseudo-)terminal: what the writer sees is what is saved.

The terminal's own line editing erased one column for a Backspace over a Chinese character,
so the screen showed "错X" while "X" was saved. Here the program runs on a pty, a pre-filled
Chinese heading is edited with Backspace, Delete, arrows, Home and End, and the line on the
screen is compared with the file saved.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.workflow.vt import Terminal

pytestmark = pytest.mark.slow  # a fresh interpreter and a bank index: 2–5 s each

HEADING = "从严管理监督，为实干者护航"  # part 1 of theme 1, three parts, seed 5
EDITED = "严格管理监督，为担当者撑腰"


def _has_pty() -> bool:
    try:
        import pty

        master, slave = pty.openpty()
    except (ImportError, OSError):
        return False
    os.close(master)
    os.close(slave)
    return True


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    if not _has_pty():
        pytest.skip("no pseudo-terminal on this system (pty.openpty failed)")
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    # No cursor-position requests: the screen here does not answer them.
    env.update(TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", PYTHONIOENCODING="utf-8")
    term = Terminal([sys.executable, "-m", "drafter", "new", "--seed", "5"], tmp_path, env)
    try:
        yield term
    finally:
        term.kill()


def answer(term: Terminal, *steps: tuple[str, str]) -> None:
    """For each (question, reply): wait until it is asked, then type the reply and Enter."""
    for question, reply in steps:
        term.wait_for_prompt(question)
        term.send(reply, "enter")


SETUP = [
    ("主题（", "1"),
    ("分几部分", "3"),
    ("每部分几条要点", ""),
    ("场合（", ""),
    ("详略（", ""),
    ("发言人", ""),
    ("单位（", ""),
]


def test_editing_a_chinese_heading_shows_what_is_saved(terminal: Terminal, tmp_path: Path) -> None:
    answer(terminal, *SETUP, ("第一部分：", "e"))
    terminal.wait_for_prompt("标题（回车保留）")
    terminal.settle()
    assert terminal.screen.cursor_line().endswith(f": {HEADING}")  # the old text, to edit
    terminal.send("end", *["backspace"] * 2, "撑腰")  # …为实干者撑腰
    terminal.send(*["left"] * 3, *["backspace"] * 2, "担当")  # …为担当者撑腰
    terminal.send("home", *["delete"] * 2, "严格")  # 严格管理监督…
    terminal.send("home", "right", "left", "end")  # the cursor moves; the text does not
    terminal.settle()
    shown = terminal.screen.cursor_line().split("标题（回车保留）: ", 1)[1]
    assert shown == EDITED
    terminal.send("enter")
    answer(
        terminal,
        ("引言（回车保留）", ""),
        *((f"要点（{n}）", "") for n in "一二三"),
        ("第一部分：", "k"),
        ("第二部分：", "k"),
        ("第三部分：", "k"),
        ("s 保存", "s"),
        ("保存格式", "json"),
        ("保存到", "out.json"),
    )
    assert terminal.finish() == 0
    saved = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert saved["parts"][0]["heading"] == shown
    screen = "\n".join(terminal.lines())
    assert f"一、{EDITED}" in screen  # the part shown again, as edited
    assert "已保存到 out.json" in screen


def test_ctrl_c_leaves_quietly(terminal: Terminal, tmp_path: Path) -> None:
    answer(terminal, *SETUP, ("第一部分：", "e"))
    terminal.wait_for_prompt("标题（回车保留）")
    terminal.send("撑腰", "ctrl-c")
    assert terminal.finish() == 130
    screen = "\n".join(terminal.lines())
    assert "错误" not in screen and "已中断" not in screen and "Traceback" not in screen
    assert list(tmp_path.iterdir()) == []
