"""The guided drafting session behind ``drafter new``: questions, moves, and the saved file.

The logic talks to the writer only through an ``Asker`` (ask a question, show a message or a
draft), so it runs the same in a terminal and with scripted answers in tests. Nothing is written
until the writer saves, and then in one atomic step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from drafter.drafting.composer import Composer
from drafter.drafting.index import BankIndex
from drafter.drafting.model import FORMATS, OCCASIONS, Draft, DraftPart, DraftRequest
from drafter.errors import DrafterError, UsageError
from drafter.files.targets import SUFFIX_FORMATS, suffixes_of
from drafter.files.yamlio import write_atomic
from drafter.output.templates import render_file
from drafter.text.numerals import int_to_chinese
from drafter.workflow.outpaths import fit_bytes, visible

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


class Asker(Protocol):
    def ask(self, question: str, default: str | None = None) -> str: ...

    def say(self, message: str) -> None: ...

    def show_part(self, part: DraftPart, locked: bool) -> None: ...

    def show_draft(self, draft: Draft, locked: set[int]) -> None: ...


@dataclass(frozen=True)
class Saved:
    draft: Draft
    path: Path
    fmt: str


def _choice(asker: Asker, question: str, options: list[str], default: int = 1) -> int:
    """A 1-based choice by number (or by its exact text)."""
    while True:
        answer = asker.ask(question, str(default)).strip()
        if answer in options:
            return options.index(answer) + 1
        if answer.isdigit() and 1 <= int(answer) <= len(options):
            return int(answer)
        asker.say(f"请输入 1–{len(options)} 之间的序号。")


def _setup(index: BankIndex, asker: Asker, seed: int | None) -> DraftRequest:
    themes = [t.name for t in index.themes.themes]
    asker.say("可选主题：" + "；".join(f"{i}. {n}" for i, n in enumerate(themes, start=1)))
    while True:
        answer = asker.ask("主题（输入序号，或直接输入新的主题）", "1" if themes else None).strip()
        if answer.isdigit():
            if 1 <= int(answer) <= len(themes):
                theme = themes[int(answer) - 1]
                break
            asker.say(
                f"没有第 {answer} 个主题；请输入 1–{len(themes)} 之间的序号，或输入主题文字。"
            )
        elif answer:
            theme = answer
            break
        else:
            raise UsageError("主题不能为空")
    parts = 0
    while parts not in (3, 4):
        raw = asker.ask("分几部分（3 或 4）", "3").strip()
        parts = int(raw) if raw in ("3", "4") else 0
        if not parts:
            asker.say("只能是 3 或 4。")
    occasions = list(OCCASIONS)
    asker.say("场合：" + "；".join(f"{i}. {n}" for i, n in enumerate(occasions, start=1)))
    occasion = occasions[_choice(asker, "场合（序号）", occasions) - 1]
    return DraftRequest(theme=theme, parts=parts, occasion=occasion, seed=seed)


def _edit_part(composer: Composer, draft: Draft, i: int, asker: Asker) -> Draft:
    part = draft.parts[i]
    heading = asker.ask("标题（回车保留）", part.heading).strip() or part.heading
    leads = []
    for n, point in enumerate(part.points, start=1):
        lead = asker.ask(f"要点（{int_to_chinese(n)}）（回车保留）", point.lead).strip()
        leads.append(lead or point.lead)
    return composer.edit(draft, i, heading, leads)


def _review_part(composer: Composer, draft: Draft, i: int, asker: Asker, locked: set[int]) -> Draft:
    """Keep, re-roll, pick an alternative or edit one part until the writer keeps it."""
    while True:
        asker.show_part(draft.parts[i], i in locked)
        move = asker.ask(
            f"第{int_to_chinese(i + 1)}部分：k 保留 / r 重抽 / a 备选 / e 编辑", "k"
        ).strip()
        if move in ("k", ""):
            return draft
        if i in locked and move in ("r", "a"):
            asker.say("这一部分已锁定，先解锁（u 序号）再重抽。")
            continue
        if move == "r":
            draft = composer.reroll(draft, [i])
        elif move == "a":
            alternatives = composer.alternatives(draft, i)
            if not alternatives:
                asker.say("没有别的备选了。")
                continue
            for n, alt in enumerate(alternatives, start=1):
                asker.say(f"{n}. {alt.heading}（要点：{'；'.join(p.lead for p in alt.points)}）")
            pick = asker.ask("选择备选（序号，回车取消）", "").strip()
            if pick.isdigit() and 1 <= int(pick) <= len(alternatives):
                draft = composer.choose(draft, i, int(pick) - 1)
        elif move == "e":
            draft = _edit_part(composer, draft, i, asker)
        else:
            asker.say("请输入 k、r、a 或 e。")


def default_name(draft: Draft, fmt: str) -> str:
    stem = _UNSAFE.sub("_", visible(draft.title)).strip("._") or "提纲"
    return f"{fit_bytes(stem[:60])}.{fmt}"


def _save(draft: Draft, asker: Asker, root: Path | None, style: Path | None) -> Saved:
    fmt = ""
    while fmt not in FORMATS:
        fmt = asker.ask(f"保存格式（{' / '.join(FORMATS)}）", "md").strip().lower()
    text = render_file(draft, fmt, root=root, style=style)
    while True:
        path = Path(
            asker.ask("保存到", default_name(draft, fmt)).strip() or default_name(draft, fmt)
        )
        if path.is_dir():
            asker.say(f"{path} 是目录，请给出文件名。")
            continue
        if path.suffix and SUFFIX_FORMATS.get(path.suffix.lower()) != fmt:  # as drafter draft
            asker.say(f"{path} 的后缀与保存格式 {fmt} 不符，请用 {suffixes_of(fmt)} 结尾的文件名。")
            continue
        if path.exists() and asker.ask("文件已存在，覆盖吗？（y/n）", "n").strip().lower() != "y":
            continue
        try:
            write_atomic(path, text)
        except OSError as exc:
            # The writer keeps the draft: say why this path failed and ask for another one.
            asker.say(f"无法写入 {path}（{exc.strerror or exc}），请换一个路径。")
            continue
        except DrafterError as exc:  # a device, FIFO or socket: never replaced
            asker.say(f"{exc.user_message()}，请换一个路径。")
            continue
        return Saved(draft, path, fmt)


def run_session(
    index: BankIndex,
    asker: Asker,
    *,
    seed: int | None = None,
    root: Path | None = None,
    style: Path | None = None,
) -> Saved | None:
    """The whole session; the saved draft, or None when the writer leaves without saving.
    ``style`` is the Word style profile used if the writer saves as docx."""
    request = _setup(index, asker, seed)
    composer = Composer(index, request)
    draft = composer.compose()
    asker.say(f"随机种子：{draft.seed}（drafter draft --seed {draft.seed} 可重现初稿）")
    for note in draft.notes:
        asker.say(note)
    locked: set[int] = set()
    for i in range(len(draft.parts)):
        draft = _review_part(composer, draft, i, asker, locked)
    while True:
        asker.show_draft(draft, locked)
        move = asker.ask(
            "s 保存 / l 序号 锁定 / u 序号 解锁 / r 重抽未锁定部分 / p 序号 修改 / q 放弃", "s"
        ).split()
        action, arg = (move[0], move[1:]) if move else ("s", [])
        numbers = [int(a) - 1 for a in arg if a.isdigit() and 1 <= int(a) <= len(draft.parts)]
        if action == "s":
            return _save(draft, asker, root, style)
        if action == "q":
            return None
        if action in ("l", "u", "p") and not numbers:
            asker.say(f"请在 {action} 后写部分序号，如“{action} 2”。")
        elif action == "l":
            locked |= set(numbers)
        elif action == "u":
            locked -= set(numbers)
        elif action == "r":
            draft = composer.reroll(draft, [i for i in range(len(draft.parts)) if i not in locked])
        elif action == "p":
            draft = _review_part(composer, draft, numbers[0], asker, locked)
        else:
            asker.say("请输入 s、l、u、r、p 或 q。")
