"""The ``drafter bank`` command group: look into a phrase bank, check it, and change it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .cliopts import BANK_HELP as _BANK_HELP
from .cliopts import bank_dir as _bank_dir

bank_app = typer.Typer(
    help="查看和检查素材库：列出、搜索、查看条目、统计、校验。",
    no_args_is_help=True,
    add_completion=False,
)
_BankOpt = Annotated[Path | None, typer.Option("--bank", help=_BANK_HELP, show_default=False)]


@bank_app.command("list")
def bank_list_cmd(
    kind: Annotated[
        str | None, typer.Option("--kind", "-k", help="种类：heading、point、quotation 等。")
    ] = None,
    dimension: Annotated[str | None, typer.Option("--dimension", "-d", help="维度。")] = None,
    source: Annotated[
        str | None, typer.Option("--source", "-s", help="出处（文件名或讲话标题的一部分）。")
    ] = None,
    origin: Annotated[str | None, typer.Option("--origin", help="mined 或 user。")] = None,
    disabled: Annotated[bool, typer.Option("--disabled", help="只列出已停用的条目。")] = False,
    limit: Annotated[int, typer.Option("--limit", help="最多显示多少条。")] = 200,
    bank: _BankOpt = None,
) -> None:
    """列出素材库的条目：编号、种类、维度、文字、出处。"""
    from .bank import load_bank
    from .bankquery import EntryFilter, list_entries
    from .console import print_entries

    wanted = EntryFilter(kind, dimension, source, origin, disabled)
    print_entries(list_entries(load_bank(_bank_dir(bank)), wanted), "素材", limit)


@bank_app.command("search")
def bank_search_cmd(
    text: Annotated[str, typer.Argument(help="要找的文字（繁简、标点写法不同也能找到）。")],
    disabled: Annotated[bool, typer.Option("--disabled", help="也搜索已停用的条目。")] = False,
    limit: Annotated[int, typer.Option("--limit", help="最多显示多少条。")] = 200,
    bank: _BankOpt = None,
) -> None:
    """按文字搜索素材（也搜要点的展开文字）。"""
    from .bank import load_bank
    from .bankquery import search_entries
    from .console import print_entries

    found = search_entries(load_bank(_bank_dir(bank)), text, disabled)
    print_entries(found, f"含“{text}”的素材", limit)


@bank_app.command("show")
def bank_show_cmd(
    entry_id: Annotated[str, typer.Argument(metavar="ID", help="条目编号，如 h-d5e4b0a40b。")],
    bank: _BankOpt = None,
) -> None:
    """显示一个条目的全部内容，以及它在哪里被用到（同组标题、标题句式、要点）。"""
    from .bank import load_bank
    from .bankquery import entry_usage
    from .console import print_usage

    print_usage(entry_usage(load_bank(_bank_dir(bank)), entry_id))


@bank_app.command("stats")
def bank_stats_cmd(bank: _BankOpt = None) -> None:
    """统计：按种类、维度、来源文件的条目数，以及哪些主题的素材不够写四部分提纲。"""
    from .bank import load_bank
    from .bankquery import bank_stats
    from .catalog import theme_overview
    from .console import print_stats
    from .index import load_index

    directory = _bank_dir(bank)
    lacking = [t.name for t in theme_overview(load_index(directory)) if not t.draftable.get(4)]
    print_stats(bank_stats(load_bank(directory), lacking))


@bank_app.command("validate")
def bank_validate_cmd(bank: _BankOpt = None) -> None:
    """校验素材库的每个文件（结构、维度词表、主题表），逐条报告问题的文件、行号和列号。"""
    from .bankcheck import validate_bank
    from .console import print_bank_problems

    directory = _bank_dir(bank)
    problems = validate_bank(directory)
    print_bank_problems(problems, directory)
    if problems:
        raise typer.Exit(1)
