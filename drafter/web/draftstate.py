"""One browser's draft on the page: the review of it (the same moves as ``drafter new``), the
request and form that made it, its id in the history, and the messages for the next page.

Kept in the server-side session (``session.data["draft"]``). Every move goes through
``DraftState.run``, under the state's lock: two tabs of one session must not move the composer
(and its random generator) at once.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from drafter.drafting.composer import Composer
from drafter.drafting.index import BankIndex
from drafter.drafting.model import DraftRequest
from drafter.text.numerals import int_to_chinese
from drafter.web.draftform import DraftForm
from drafter.web.security import WebError
from drafter.web.sessions import Session
from drafter.workflow.review import Edited, Rerolled, Review

KEY = "draft"
T = TypeVar("T")


@dataclass(frozen=True)
class Message:
    kind: str  # "note" (what the bank lacks), "warning" (对仗, nothing new), "done"
    text: str
    part: int | None = None  # shown at that part (where the writer is), else above the draft


@dataclass
class DraftState:
    review: Review
    request: DraftRequest
    form: DraftForm
    history_id: str | None = None
    token: str = field(default_factory=lambda: secrets.token_hex(4))  # this draft, not another
    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def version(self) -> str:
        """What a page's forms carry, so a move from a page of an earlier state is refused."""
        return f"{self.token}-{self.review.moves}"

    def run(self, move: Callable[[], T]) -> T:
        with self.lock:
            return move()

    def say(self, kind: str, text: str, part: int | None = None) -> None:
        self.messages.append(Message(kind, text, part))

    def take_messages(self) -> list[Message]:
        with self.lock:
            taken, self.messages = self.messages, []
        return taken

    def part(self, number: str) -> int:
        """The 0-based index of part ``number`` as the address gives it (1-based)."""
        count = self.review.count
        if not number.isdecimal() or len(number) > 3 or not 1 <= int(number) <= count:
            raise WebError(f"没有第 {number[:10]} 部分：这份提纲只有 1–{count} 部分", 404)
        return int(number) - 1


def start(index: BankIndex, request: DraftRequest, form: DraftForm) -> DraftState:
    """A new draft for ``request`` under review, with its notes on what the bank lacks."""
    composer = Composer(index, request)
    draft = composer.compose()
    state = DraftState(Review(composer, draft), request, form)
    for note in draft.notes:
        state.say("note", note)
    return state


def current(session: Session) -> DraftState:
    """The session's draft; a clear message when there is none (expired, or never made)."""
    state = session.data.get(KEY)
    if not isinstance(state, DraftState):
        raise WebError(
            "还没有草稿，或页面停留太久、草稿已过期：请先在左侧填写主题，生成一份提纲", 409
        )
    return state


def check_version(state: DraftState, given: Any) -> None:
    """Refuse a move posted from a page that showed another version of the draft."""
    if isinstance(given, str) and given and given != state.version:
        raise WebError(
            "页面上的草稿已经变了（可能在另一个标签页里改过）：请回到起草页刷新后再操作", 409
        )


def _names(indexes: tuple[int, ...]) -> str:
    return "第" + "、".join(int_to_chinese(i + 1) for i in indexes) + "部分"


def say_rerolled(state: DraftState, done: Rerolled) -> None:
    # One part re-rolled: said at that part; "re-roll the rest": above the draft.
    at = done.tried[0] if len(done.tried) == 1 else None
    if not done.tried:
        state.say("warning", "各部分都已锁定或保留：没有可以重抽的部分。先解锁或取消保留再重抽。")
        return
    if done.unchanged:
        state.say(
            "warning",
            f"{_names(done.unchanged)}没有新的可换了：素材库里没有别的标题和要点能放在这里，"
            "保持原样。可以点“编辑”自己修改，或换一个主题。",
            at,
        )
    if done.repeated:
        state.say("warning", f"{_names(done.repeated)}换回了之前出现过的一版：可换的不多了。", at)
    changed = [i for i in done.tried if i not in done.unchanged]
    if changed:
        state.say("done", f"已重抽{_names(tuple(changed))}。", at)


def say_edited(state: DraftState, i: int, done: Edited) -> None:
    if done.broken:
        state.say(
            "warning",
            f"注意：第{int_to_chinese(i + 1)}部分改后的标题与其他部分的标题不再对仗"
            f"（原来共用的句式是{done.broken}）。可以再编辑。",
            i,
        )
    else:
        state.say("done", f"已修改第{int_to_chinese(i + 1)}部分。", i)
