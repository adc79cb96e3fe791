"""What the tests of ``drafter new`` share: scripted answers and a fake Asker that records.

Answers in ``--script`` mode are one line each; an empty line takes the default (an edit's
default is the text being edited, so an empty answer keeps it).
"""

from __future__ import annotations

from pathlib import Path

from drafter.drafting.index import BankIndex
from drafter.drafting.model import Draft, DraftPart
from drafter.workflow.session import Saved, run_session
from tests.conftest import ROOT

BANK = ROOT / "phrasebank"
THEME = "激励干部担当作为"  # theme 1 of the bundled theme book


def lines(*answers: str) -> str:
    return "".join(f"{a}\n" for a in answers)


def setup(
    theme: str = "1",
    parts: str = "4",
    points: str = "",
    occasion: str = "1",
    detail: str = "",
    speaker: str = "",
    organisation: str = "",
) -> list[str]:
    """The answers to the questions before the first draft, in the order they are asked."""
    return [theme, parts, points, occasion, detail, speaker, organisation]


def keep_edit(points: int = 3) -> list[str]:
    """The answers of an ``e`` that changes nothing: heading, lead, each point."""
    return [""] * (2 + points)


class FakeAsker:
    """Pops scripted answers (empty takes the default, as Rich does); records everything shown."""

    def __init__(self, answers: list[str], interrupt: str | None = None) -> None:
        self.answers = list(answers)
        self.interrupt = interrupt
        self.questions: list[str] = []
        self.said: list[str] = []
        self.unwrapped: list[str] = []
        self.parts: list[tuple[DraftPart, bool]] = []
        self.drafts: list[tuple[Draft, set[int]]] = []
        self.edited: list[tuple[str, str]] = []  # (question, the text offered to edit)

    def ask(self, question: str, default: str | None = None) -> str:
        self.questions.append(question)
        if self.interrupt is not None and question.startswith(self.interrupt):
            raise KeyboardInterrupt
        if not self.answers:
            raise AssertionError(f"no scripted answer left for {question!r}")
        answer = self.answers.pop(0)
        return default if answer == "" and default is not None else answer

    def edit(self, question: str, text: str) -> str:
        self.edited.append((question, text))
        return self.ask(question, text)

    def say(self, message: str, *, wrap: bool = True) -> None:
        self.said.append(message)
        if not wrap:
            self.unwrapped.append(message)

    def show_part(self, part: DraftPart, locked: bool) -> None:
        self.parts.append((part, locked))

    def show_draft(self, draft: Draft, locked: set[int]) -> None:
        self.drafts.append((draft, set(locked)))

    def asked(self, prefix: str) -> int:
        return sum(1 for q in self.questions if q.startswith(prefix))

    def told(self, fragment: str) -> list[str]:
        return [s for s in self.said if fragment in s]


def session(
    index: BankIndex,
    answers: list[str],
    seed: int | None = 5,
    interrupt: str | None = None,
    root: Path | None = None,
) -> tuple[Saved | None, FakeAsker]:
    asker = FakeAsker(answers, interrupt)
    saved = run_session(index, asker, seed=seed, root=root)
    assert asker.answers == [], f"answers left over: {asker.answers}"
    return saved, asker
