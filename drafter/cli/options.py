"""Options every command shares: the workspace root and where the phrase bank is."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

BANK_HELP = (
    "素材库目录（只用这一个）。默认：按工作目录的 drafter.yaml；没有它时，"
    "先用工作目录下的 phrasebank/，再用内置素材库。"
)


class State:
    root: Path | None = None  # set by the app's --root option


def root() -> Path:
    return State.root or Path.cwd()


def bank_dir(bank: Path | None) -> Path:
    """The one bank a command edits: ``--bank``, else the workspace's own, else the bundled."""
    from drafter.workspace import resolve

    return bank if bank is not None else resolve("phrasebank", State.root)


def bank_dirs(bank: Path | None) -> tuple[Path, ...]:
    """The banks a command drafts or searches from, the writer's own first (drafter.yaml)."""
    from drafter.bank.layers import bank_layers

    return bank_layers(root(), bank).banks


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
    from drafter.output.style import load_style

    load_style(style)


def check_text_option(option: str, *values: str) -> None:
    """Refuse an option whose text came from a terminal that does not speak UTF-8 (the bytes
    arrive as lone surrogates, which nothing downstream can encode)."""
    from drafter.errors import UsageError
    from drafter.text.normalize import undecodable

    if any(undecodable(v) for v in values):
        raise UsageError(
            f"{option} 的值里有无法识别的字节（不是 UTF-8 编码），请把终端设为 UTF-8 后重新输入"
        )
