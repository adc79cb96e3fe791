"""The ``drafter bank`` command group: look into a phrase bank, check it, and change it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from drafter.cli.options import BankOpt as _BankOpt
from drafter.cli.options import bank_dir as _bank_dir
from drafter.cli.options import bank_dirs as _bank_dirs

bank_app = typer.Typer(
    help="素材库：列出、搜索、查看、统计、校验，以及添加、编辑、删除、停用、去重、导出导入。",
    no_args_is_help=True,
    add_completion=False,
)


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
    from drafter.bank.query import EntryFilter, list_entries
    from drafter.bank.store import load_bank
    from drafter.cli.bankconsole import print_entries

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
    from drafter.bank.query import search_layers
    from drafter.cli.bankconsole import print_entries

    banks = _bank_dirs(bank)
    found = search_layers(banks, text, disabled)
    shown = [entry for _, entry in found[:limit]]
    labels = [label for label, _ in found[:limit]] if len(banks) > 1 else None
    print_entries(shown, f"含“{text}”的素材", limit, total=len(found), banks=labels)


@bank_app.command("show")
def bank_show_cmd(
    entry_id: Annotated[str, typer.Argument(metavar="ID", help="条目编号，如 h-d5e4b0a40b。")],
    bank: _BankOpt = None,
) -> None:
    """显示一个条目的全部内容，以及它在哪里被用到（同组标题、标题句式、要点）。"""
    from drafter.bank.layers import bank_label
    from drafter.bank.query import entry_in_layers
    from drafter.cli.bankconsole import print_usage

    banks = _bank_dirs(bank)
    where, usage = entry_in_layers(banks, entry_id)
    print_usage(usage, bank_label(where) if len(banks) > 1 else None)


@bank_app.command("stats")
def bank_stats_cmd(bank: _BankOpt = None) -> None:
    """统计：按种类、维度、来源文件的条目数，以及哪些主题的素材不够写四部分提纲。"""
    from drafter.bank.query import bank_stats
    from drafter.bank.store import load_bank
    from drafter.cli.bankconsole import print_stats
    from drafter.drafting.index import load_index
    from drafter.drafting.overview import curated_statuses

    directory = _bank_dir(bank)
    lacking = [t.name for t in curated_statuses(load_index(directory)) if not t.draftable.get(4)]
    print_stats(bank_stats(load_bank(directory), lacking))


@bank_app.command("validate")
def bank_validate_cmd(bank: _BankOpt = None) -> None:
    """校验素材库的每个文件（结构、维度词表、主题表），逐条报告问题的文件、行号和列号。"""
    from drafter.bank.check import validate_bank
    from drafter.cli.bankconsole import print_bank_problems

    directory = _bank_dir(bank)
    problems = validate_bank(directory)
    print_bank_problems(problems, directory)
    if problems:
        raise typer.Exit(1)


def _writable(bank: Path | None) -> Path:
    """The bank a write command may change: never the one that ships inside drafter."""
    from drafter.errors import UsageError
    from drafter.workspace import bundled

    directory = _bank_dir(bank)
    if bank is None and directory.resolve() == bundled("phrasebank").resolve():
        raise UsageError(
            "当前用的是 drafter 自带的素材库，不能直接修改。请先运行 drafter bank init "
            "在工作目录建一份自己的素材库（phrasebank/），或用 --bank 指定素材库目录"
        )
    return directory


_IdsArg = Annotated[list[str], typer.Argument(metavar="ID...", help="条目编号（可多个）。")]


@bank_app.command("init")
def bank_init_cmd(
    target: Annotated[
        Path, typer.Argument(help="新素材库目录（默认：工作目录下的 phrasebank/）。")
    ] = Path("phrasebank"),
    source: Annotated[
        Path | None,
        typer.Option(
            "--from", help="从这个素材库复制（默认：drafter 自带的）。", show_default=False
        ),
    ] = None,
) -> None:
    """复制一份素材库到工作目录，之后 add/edit/remove 等命令就改这一份。"""
    from drafter.bank.create import init_bank
    from drafter.cli.bankconsole import print_change

    print_change(init_bank(target, source), "已建立")


@bank_app.command("add")
def bank_add_cmd(
    texts: Annotated[
        list[str] | None,
        typer.Argument(
            help="条目文字（可多个；多条标题会记为同一组同级标题）。", show_default=False
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", "-k", help="种类：heading、point、phrase、quotation 等。"),
    ] = None,
    dimension: Annotated[
        list[str] | None,
        typer.Option("--dimension", "-d", help="维度（可多次给出；不给则按词表自动判断）。"),
    ] = None,
    body: Annotated[str | None, typer.Option("--body", help="要点的展开文字。")] = None,
    heading: Annotated[
        str | None, typer.Option("--heading", help="要点或分部引言所属的标题。")
    ] = None,
    speaker: Annotated[str | None, typer.Option("--speaker", help="引语的说话人。")] = None,
    interactive: Annotated[
        bool,
        typer.Option("--interactive", "-i", help="逐项填写（缺少种类或文字时在终端里自动进入）。"),
    ] = False,
    bank: _BankOpt = None,
) -> None:
    """添加自己的素材（记为 origin: user）：校验、规范化（繁转简等），素材库已有时拒绝并指出是哪一条。"""
    import sys

    from drafter.bank.ops import NewEntries, add_entries
    from drafter.cli.bankconsole import print_change
    from drafter.errors import UsageError

    directory = _writable(bank)
    request = NewEntries(
        kind or "", tuple(texts or ()), tuple(dimension or ()), body, heading, speaker
    )
    if interactive or ((not kind or not texts) and sys.stdin.isatty()):
        from drafter.bank.ops import bank_lexicon
        from drafter.cli.prompts import RichAsker, ask_new_entries

        request = ask_new_entries(
            RichAsker(
                scripted=not sys.stdin.isatty(),
                eof_hint="从标准输入读回答时，每个问题都要有一行",
            ),
            request,
            bank_lexicon(directory),
        )
    elif not kind or not texts:
        raise UsageError("请用 --kind 给出种类，并给出条目文字；或加 -i 逐项填写")
    print_change(add_entries(directory, request), "已添加")


@bank_app.command("edit")
def bank_edit_cmd(
    entry_id: Annotated[str, typer.Argument(metavar="ID", help="条目编号。")],
    bank: _BankOpt = None,
) -> None:
    """用编辑器（$EDITOR）修改一个条目；保存前校验，有问题会带着错误说明重新打开。"""
    from drafter.cli.bankconsole import print_change
    from drafter.cli.console import error, note
    from drafter.cli.editor import edit_entry

    change = edit_entry(_writable(bank), entry_id, error)
    if change is None:
        note("内容未改动，素材库未修改。")
    else:
        print_change(change, "已修改")


@bank_app.command("remove")
def bank_remove_cmd(ids: _IdsArg, bank: _BankOpt = None) -> None:
    """删除条目（只删它所在的几行，注释和其他条目原样保留；原文件留有备份）。"""
    from drafter.bank.ops import remove_entries
    from drafter.cli.bankconsole import print_change

    change = remove_entries(_writable(bank), ids)
    if any(e.origin == "mined" for e in change.entries):
        change.notes.append(
            "挖掘来的条目在重新挖掘时会再出现；想长期不用请改用 drafter bank disable"
        )
    print_change(change, "已删除")


@bank_app.command("disable")
def bank_disable_cmd(ids: _IdsArg, bank: _BankOpt = None) -> None:
    """停用条目：留在素材库里但不再用于起草；重新挖掘后仍保持停用。"""
    from drafter.bank.ops import set_disabled
    from drafter.cli.bankconsole import print_change

    print_change(set_disabled(_writable(bank), ids, True), "已停用")


@bank_app.command("enable")
def bank_enable_cmd(ids: _IdsArg, bank: _BankOpt = None) -> None:
    """恢复已停用的条目。"""
    from drafter.bank.ops import set_disabled
    from drafter.cli.bankconsole import print_change

    print_change(set_disabled(_writable(bank), ids, False), "已恢复")


@bank_app.command("dedupe")
def bank_dedupe_cmd(
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", "-k", help="只查这些种类（可多次给出；默认：标题以外的各类）。"),
    ] = None,
    threshold: Annotated[
        float,
        typer.Option("--threshold", help="近似重复的相似度阈值（0.5～1，字的二元组 Jaccard）。"),
    ] = 0.8,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="不询问，直接合并。")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只列出，不合并。")] = False,
    bank: _BankOpt = None,
) -> None:
    """找出重复和近似重复的条目，确认后合并：保留一条，合并所有出处。"""
    import sys

    from drafter.bank.dedupe import DEDUPE_KINDS, find_duplicates, merge_duplicates
    from drafter.cli.bankconsole import print_change, print_dup_groups
    from drafter.errors import UsageError

    directory = _bank_dir(bank) if dry_run else _writable(bank)
    groups = find_duplicates(directory, tuple(kind or DEDUPE_KINDS), threshold)
    print_dup_groups(groups)
    if not groups or dry_run:
        return
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError("需要确认才能合并：在终端里运行，或加 --yes")
        if not typer.confirm(f"合并这 {len(groups)} 组？", default=False):
            from drafter.cli.console import note

            note("未合并，素材库未修改。")
            return
    print_change(merge_duplicates(directory, groups), "已合并到")


@bank_app.command("export")
def bank_export_cmd(
    fmt: Annotated[str, typer.Option("--format", "-f", help="yaml、json 或 csv。")] = "yaml",
    kind: Annotated[str | None, typer.Option("--kind", "-k", help="只导出这一种类。")] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="写入文件（默认：输出到屏幕）。", show_default=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件。")] = False,
    bank: _BankOpt = None,
) -> None:
    """导出素材（含已停用的），供他人用 drafter bank import 导入；CSV 可用 Excel/WPS 打开。"""
    from drafter.bank.share import export_entries, export_text
    from drafter.bank.store import load_bank

    loaded = load_bank(_bank_dir(bank))
    entries = export_entries(loaded, kind)
    text = export_text(entries, fmt.lower(), loaded.version())
    if output is None:
        typer.echo(text.removeprefix("\ufeff"), nl=False)
        return
    from drafter.cli.console import note
    from drafter.files.yamlio import write_user_file

    write_user_file(output, text, force)
    note(f"已导出 {len(entries)} 条到 {output}")


@bank_app.command("import")
def bank_import_cmd(
    file: Annotated[Path, typer.Argument(help="导出的素材文件（.yaml、.json 或 .csv）。")],
    kind: Annotated[
        str | None, typer.Option("--kind", "-k", help="文件里的条目没写种类时，按这一种类导入。")
    ] = None,
    bank: _BankOpt = None,
) -> None:
    """导入他人导出的素材：逐条校验（有问题就全部不导入并列出问题），去重，记为 origin: user。"""
    from drafter.bank.share import import_entries
    from drafter.cli.bankconsole import print_import

    print_import(import_entries(_writable(bank), file, kind))
