"""Options every command shares: the workspace root and where the phrase bank is."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

BANK_HELP = "素材库目录（默认：工作目录下的 phrasebank/，没有则用内置的）。"


class State:
    root: Path | None = None  # set by the app's --root option


def root() -> Path:
    return State.root or Path.cwd()


def bank_dir(bank: Path | None) -> Path:
    from .workspace import resolve

    return bank if bank is not None else resolve("phrasebank", State.root)


BankOpt = Annotated[Path | None, typer.Option("--bank", help=BANK_HELP, show_default=False)]
StyleOpt = Annotated[
    Path | None,
    typer.Option(
        "--style",
        help="Word 版式文件（YAML，只对 docx 有效；默认按 GB/T 9704 公文格式）。",
        show_default=False,
    ),
]


def check_style(style: Path | None) -> None:
    """Read a style profile up front, so a broken one is named before any work is done."""
    from .styleprofile import load_style

    load_style(style)
