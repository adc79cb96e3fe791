"""Options every command shares: the workspace root and where the phrase bank is."""

from __future__ import annotations

from pathlib import Path

BANK_HELP = "素材库目录（默认：工作目录下的 phrasebank/，没有则用内置的）。"


class State:
    root: Path | None = None  # set by the app's --root option


def root() -> Path:
    return State.root or Path.cwd()


def bank_dir(bank: Path | None) -> Path:
    from .workspace import resolve

    return bank if bank is not None else resolve("phrasebank", State.root)
