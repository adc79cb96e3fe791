"""The guided drafting session behind ``drafter new``: questions, moves, and the saved file.

The logic talks to the writer only through an ``Asker`` (ask a question, show a message or a
draft), so it runs the same in a terminal and with scripted answers in tests. Nothing is written
until the writer saves, and then in one atomic step.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from drafter.drafting.composer import Composer
from drafter.drafting.index import BankIndex
from drafter.drafting.model import (
    DETAILS,
    FORMATS,
    OCCASIONS,
    POINTS_RANGE,
    Draft,
    DraftPart,
    DraftRequest,
)
from drafter.errors import DrafterError, UsageError
from drafter.files.targets import SUFFIX_FORMATS, suffixes_of
from drafter.files.yamlio import write_atomic
from drafter.output.templates import render_file
from drafter.text.numerals import int_to_chinese
from drafter.workflow.outpaths import fit_bytes, visible
from drafter.workflow.review import Review
from drafter.workflow.review import broken_parallel as broken_parallel  # its old home

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


class Asker(Protocol):
    def ask(self, question: str, default: str | None = None) -> str: ...

    def edit(self, question: str, text: str) -> str:
        """The writer's version of ``text`` (on a terminal: ``text`` pre-filled to edit)."""
        ...

    def say(self, message: str, *, wrap: bool = True) -> None: ...

    def show_part(self, part: DraftPart, locked: bool) -> None: ...

    def show_draft(self, draft: Draft, locked: set[int]) -> None: ...


@dataclass(frozen=True)
class Saved:
    draft: Draft
    path: Path
    fmt: str


_DETAILS = {"提纲": "outline", "全文": "full"}  # the labels the writer picks from, in order


def _number_in(text: str) -> int | None:
    """A number as typed: ASCII or full-width digits (a Chinese input method gives "２"); not
    "²", which ``isdigit`` lets through and ``int`` refuses, nor thousands of digits."""
    return int(text) if text.isdecimal() and len(text) <= 9 else None


def _choice(
    asker: Asker, question: str, options: list[str], default: int = 1, aliases: tuple[str, ...] = ()
) -> int:
    """A 1-based choice by number, by its exact text, or by its alias (same order)."""
    while True:
        answer = asker.ask(question, str(default)).strip()
        if answer in options:
            return options.index(answer) + 1
        if answer.lower() in aliases:
            return aliases.index(answer.lower()) + 1
        number = _number_in(answer)
        if number is not None and 1 <= number <= len(options):
            return number
        asker.say(f"请输入 1–{len(options)} 之间的序号。")


def _number(asker: Asker, question: str, low: int, high: int, default: int) -> int:
    while True:
        number = _number_in(asker.ask(question, str(default)).strip())
        if number is not None and low <= number <= high:
            return number
        asker.say(f"只能是 {low} 或 {high}。" if high == low + 1 else f"只能是 {low}–{high}。")


def _setup(
    index: BankIndex, asker: Asker, seed: int | None, by: tuple[str | None, str | None]
) -> DraftRequest:
    themes = [t.name for t in index.themes.themes]
    asker.say("可选主题：" + "；".join(f"{i}. {n}" for i, n in enumerate(themes, start=1)))
    while True:
        answer = asker.ask("主题（输入序号，或直接输入新的主题）", "1" if themes else None).strip()
        number = _number_in(answer)
        if number is not None:
            if 1 <= number <= len(themes):
                theme = themes[number - 1]
                break
            asker.say(
                f"没有第 {answer} 个主题；请输入 1–{len(themes)} 之间的序号，或输入主题文字。"
            )
        elif answer:
            theme = answer
            break
        else:
            raise UsageError("主题不能为空")
    parts = _number(asker, "分几部分（3 或 4）", 3, 4, 3)
    low, high = POINTS_RANGE
    points = _number(asker, f"每部分几条要点（{low}–{high}）", low, high, 3)
    occasions = list(OCCASIONS)
    asker.say("场合：" + "；".join(f"{i}. {n}" for i, n in enumerate(occasions, start=1)))
    occasion = occasions[_choice(asker, "场合（序号）", occasions) - 1]
    asker.say("详略：1. 提纲（只列要点）；2. 全文（每条要点附一段展开）")
    labels = list(_DETAILS)
    detail = _DETAILS[labels[_choice(asker, "详略（序号）", labels, aliases=DETAILS) - 1]]
    # --speaker/--organisation come as the defaults: Enter keeps them.
    speaker = asker.ask("发言人（可不填，回车跳过）", by[0] or "").strip() or None
    organisation = asker.ask("单位（可不填，回车跳过）", by[1] or "").strip() or None
    return DraftRequest(
        theme=theme,
        parts=parts,
        points=points,
        occasion=occasion,
        seed=seed,
        detail=detail,
        speaker=speaker,
        organisation=organisation,
    )


def reproduce_command(request: DraftRequest, seed: int, program: Sequence[str]) -> str:
    """The ``drafter draft`` command line that gives the session's first draft again, quoted
    for a POSIX shell (a theme may hold blanks, quotes or a ``$``)."""
    words = [
        *program,
        *("--theme", request.theme, "--parts", str(request.parts)),
        *("--points", str(request.points), "--occasion", request.occasion),
        *("--detail", request.detail, "--seed", str(seed)),
        *(("--speaker", request.speaker) if request.speaker else ()),
        *(("--organisation", request.organisation) if request.organisation else ()),
    ]
    return " ".join(shlex.quote(w) for w in words)


def _names(indexes: Iterable[int]) -> str:
    return "第" + "、".join(int_to_chinese(i + 1) for i in sorted(indexes)) + "部分"


class _Review:
    """The terminal side of a ``Review``: it asks for the moves and says what they did."""

    def __init__(self, composer: Composer, asker: Asker, draft: Draft) -> None:
        self.review = Review(composer, draft)
        self.asker = asker
        self.first = draft
        self.locked = self.review.locked

    def reroll(self, draft: Draft, indexes: list[int]) -> Draft:
        """``Review.reroll``, saying which parts it could not change or brought back."""
        self.review.draft = draft
        done = self.review.reroll(indexes)
        if done.unchanged:
            self.asker.say(
                f"{_names(done.unchanged)}没有新的可换了：素材库里没有别的标题和要点能放在这里，"
                "保持原样。可以按 e 自己修改，或换一个主题。"
            )
        if done.repeated:
            self.asker.say(f"{_names(done.repeated)}换回了之前出现过的一版：可换的不多了。")
        return done.draft

    def alternatives(self, draft: Draft, i: int) -> Draft:
        """Offer ``Review.alternatives`` and take the writer's pick."""
        self.review.draft = draft
        offer = self.review.alternatives(i)
        if not offer.options:
            self.asker.say("没有别的备选了。")
            return draft
        for n, (_, alt) in enumerate(offer.options, start=1):
            self.asker.say(f"{n}. {alt.heading}（要点：{'；'.join(p.lead for p in alt.points)}）")
        pick = _number_in(self.asker.ask("选择备选（序号，回车取消）", "").strip())
        if pick is not None and 1 <= pick <= len(offer.options):
            draft = self.review.choose(i, pick - 1)
        return draft

    def edit(self, draft: Draft, i: int) -> Draft:
        """The writer's heading, lead and point leads, each pre-filled; an empty answer keeps."""
        asker, part = self.asker, draft.parts[i]
        heading = asker.edit("标题（回车保留）", part.heading)
        lead = asker.edit("引言（回车保留）", part.lead)
        leads = [
            asker.edit(f"要点（{int_to_chinese(n)}）（回车保留）", point.lead)
            for n, point in enumerate(part.points, start=1)
        ]
        self.review.draft = draft
        done = self.review.edit(i, heading, lead, leads)
        if done.broken:
            asker.say(
                f"注意：改后的标题与其他部分的标题不再对仗（原来共用的句式是{done.broken}）。"
                "可以再按 e 修改。"
            )
        return done.draft

    def review_part(self, draft: Draft, i: int) -> Draft:
        """Keep, re-roll, pick an alternative or edit one part until the writer keeps it."""
        while True:
            self.asker.show_part(draft.parts[i], i in self.locked)
            move = self.asker.ask(
                f"第{int_to_chinese(i + 1)}部分：k 保留 / r 重抽 / a 备选 / e 编辑", "k"
            ).strip()
            if move in ("k", ""):
                return draft
            if i in self.locked and move in ("r", "a"):
                self.asker.say("这一部分已锁定，先解锁（u 序号）再重抽。")
                continue
            if move == "r":
                draft = self.reroll(draft, [i])
            elif move == "a":
                draft = self.alternatives(draft, i)
            elif move == "e":
                draft = self.edit(draft, i)
            else:
                self.asker.say("请输入 k、r、a 或 e。")


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
    program: Sequence[str] = ("drafter", "draft"),
    speaker: str | None = None,
    organisation: str | None = None,
) -> Saved | None:
    """The whole session; the saved draft, or None when the writer leaves without saving.
    ``style`` is the Word style profile used if the writer saves as docx; ``program`` starts
    the command that reproduces the first draft (the CLI adds its --root and --bank);
    ``speaker`` and ``organisation`` are the answers offered by default."""
    request = _setup(index, asker, seed, (speaker, organisation))
    composer = Composer(index, request)
    draft = composer.compose()
    asker.say(f"随机种子：{draft.seed}。用这条命令可重现初稿：")
    asker.say(reproduce_command(request, draft.seed, program), wrap=False)
    for note in draft.notes:
        asker.say(note)
    review = _Review(composer, asker, draft)
    for i in range(len(draft.parts)):
        draft = review.review_part(draft, i)
    count = len(draft.parts)
    while True:
        asker.show_draft(draft, review.locked)
        move = asker.ask(
            "s 保存 / l 序号 锁定 / u 序号 解锁 / r 重抽 / p 序号 修改 / q 放弃", "s"
        ).split()
        action, args = (move[0], move[1:]) if move else ("s", [])
        if action == "s":
            return _save(draft, asker, root, style)
        if action == "q":
            if draft == review.first or asker.ask(
                "草稿还没有保存，放弃后这些修改都会丢失。确定放弃吗？（y/n）", "n"
            ).strip().lower() in ("y", "yes", "是"):
                return None
            continue
        if action == "r":
            free = [i for i in range(count) if i not in review.locked]
            if free:
                draft = review.reroll(draft, free)
            else:
                asker.say("各部分都已锁定：先解锁（u 序号）再重抽。")
            continue
        if action not in ("l", "u", "p"):
            asker.say("请输入 s、l、u、r、p 或 q。")
            continue
        given = [_number_in(a) for a in args]
        if not args or None in given:
            asker.say(f"请在 {action} 后写部分序号，如“{action} 2”。")
            continue
        missing = [str(n) for n in given if n is not None and not 1 <= n <= count]
        if missing:
            asker.say(f"没有第 {'、'.join(missing)} 部分：这份提纲只有 1–{count} 部分。")
            continue
        numbers = [n - 1 for n in given if n is not None]
        if action == "l":
            review.locked |= set(numbers)
        elif action == "u":
            review.locked -= set(numbers)
        else:
            draft = review.review_part(draft, numbers[0])
