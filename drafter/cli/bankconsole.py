"""Terminal output of the ``drafter bank`` commands (Rich is imported here, lazily)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from drafter.cli.console import _clip, _console, error

if TYPE_CHECKING:
    from drafter.bank.check import BankProblem
    from drafter.bank.dedupe import DupGroup
    from drafter.bank.ops import Change
    from drafter.bank.query import BankStats, Usage
    from drafter.bank.share import ImportReport
    from drafter.bank.store import Entry


def _source_text(entry: Entry) -> str:
    if entry.source is None:
        return "用户添加" if entry.origin == "user" else "—"
    where = entry.source.file
    if entry.source.document:
        where += f"《{entry.source.document}》"
    if entry.also_in:
        where += f" 等 {1 + len(entry.also_in)} 处"
    return where


def print_entries(
    entries: list[Entry],
    title: str,
    limit: int,
    total: int | None = None,
    banks: list[str] | None = None,
) -> None:
    """Entries as a table (id, kind, dimension, text, source), at most ``limit`` rows;
    ``total`` counts what was found when only the shown entries are given; ``banks`` names
    each entry's bank when several are searched."""
    total = len(entries) if total is None else total
    from rich.markup import escape
    from rich.table import Table

    from drafter.bank.store import KINDS

    table = Table(title=f"{title}（{total} 条）", title_justify="left")
    for column in ("编号", "种类", "维度", "文字", "出处", *(("素材库",) if banks else ())):
        table.add_column(column, overflow="fold")
    for at, entry in enumerate(entries[:limit]):
        text = escape(_clip(entry.text, 80))
        if entry.disabled:
            text = f"[dim]{text}（已停用）[/]"
        table.add_row(
            entry.id,
            KINDS[entry.kind][2].split("（")[0],
            escape("、".join(entry.dimensions)) or "—",
            text,
            escape(_source_text(entry)),
            *((escape(banks[at]),) if banks else ()),
        )
    console = _console()
    console.print(table)
    if total > limit:
        console.print(f"[dim]…… 另有 {total - limit} 条；用 --limit 显示更多[/]")


def print_usage(usage: Usage, bank: str | None = None) -> None:
    """One entry in full (and the bank it is in, when several are read), then the sibling set,
    skeletons, heading and points it is tied to."""
    from rich.markup import escape

    from drafter.files.yamlio import dump_yaml

    console = _console()
    entry = usage.entry
    where = f"  [dim]素材库：{escape(bank)}[/]" if bank else ""
    console.print(f"[bold]{escape(entry.id)}[/]  [dim]{escape(_source_text(entry))}[/]{where}")
    console.print(escape(dump_yaml(entry.to_dict())).rstrip())
    groups = (
        ("同组标题" if entry.kind == "heading" else "句式的填空来自这些标题", usage.siblings),
        ("用到它的标题句式", usage.patterns),
        ("同一标题下的要点" if entry.kind == "point" else "该标题下的要点", usage.points),
    )
    if usage.heading is not None:
        console.print(
            f"\n[cyan]所属标题[/] {escape(usage.heading.id)} {escape(usage.heading.text)}"
        )
    for label, entries in groups:
        if entries:
            console.print(f"\n[cyan]{label}[/]（{len(entries)}）")
            for other in entries:
                mark = "→ " if other.id == entry.id else "  "
                console.print(f"{mark}{escape(other.id)}  {escape(_clip(other.text, 70))}")


def print_stats(stats: BankStats) -> None:
    from rich.table import Table

    from drafter.bank.store import KINDS

    console = _console()
    kinds = Table(title="按种类", title_justify="left")
    kinds.add_column("种类")
    kinds.add_column("条目", justify="right")
    for kind, count in stats.by_kind.items():
        kinds.add_row(KINDS[kind][2].split("（")[0], str(count))
    console.print(kinds)
    dims = Table(title="按维度", title_justify="left")
    shown = ("heading", "point", "part_lead", "quotation")
    for column in ("维度", *(KINDS[k][2].split("（")[0] for k in shown), "合计"):
        dims.add_column(column, justify="right" if column != "维度" else "left")
    for dim, counts in stats.by_dimension.items():
        dims.add_row(dim, *(str(counts.get(k, 0)) for k in shown), str(sum(counts.values())))
    console.print(dims)
    sources = Table(title="按来源文件", title_justify="left")
    sources.add_column("文件")
    sources.add_column("条目", justify="right")
    for name, count in stats.by_source.most_common():
        sources.add_row(name, str(count))
    console.print(sources)
    origins = "，".join(f"{k} {v}" for k, v in sorted(stats.origins.items()))
    console.print(f"来源类型：{origins or '—'}；已停用 {stats.disabled} 条。")
    if stats.lacking:
        console.print(f"[yellow]素材不足以写四部分提纲的主题：{'、'.join(stats.lacking)}[/]")
    else:
        console.print("主题表里的每个主题都能写四部分提纲。")


def print_bank_problems(problems: list[BankProblem], directory: object) -> None:
    for problem in problems:
        error(problem.user_message())
    if problems:
        _console(stderr=True).print(f"共 {len(problems)} 个问题。")
    else:
        _console().print(f"素材库 {directory} 没有发现问题。")


def _where(path: object) -> str:
    from pathlib import Path

    return Path(str(path)).name


def print_change(change: Change, verb: str) -> None:
    """What a write command did: the entries, the files written and their backups."""
    from rich.markup import escape

    console = _console()
    for entry in change.entries:
        console.print(f"[green]{verb}[/] {escape(entry.id)}  {escape(_clip(entry.text, 70))}")
    for entry in change.unchanged:
        console.print(f"[dim]未变 {escape(entry.id)}（本来就是这样）[/]")
    for path in change.files:
        console.print(f"[dim]已写入 {escape(str(path))}[/]")
    if change.backups:
        names = "、".join(_where(b) for b in change.backups)
        console.print(f"[dim]原文件已备份为 {escape(names)}（同一目录）[/]")
    for note in change.notes:
        console.print(f"[yellow]注意：{escape(note)}[/]")


def print_dup_groups(groups: list[DupGroup]) -> None:
    from rich.markup import escape

    console = _console()
    if not groups:
        console.print("没有发现重复或近似重复的条目。")
        return
    for n, group in enumerate(groups, start=1):
        how = "相同" if group.similarity >= 1.0 else f"相似度 {group.similarity:.2f}"
        console.print(f"[bold]{n}.[/] [cyan]{group.kind}[/]（{how}）")
        keep = group.keep
        console.print(f"   保留 {escape(keep.id)}  {escape(_clip(keep.text, 70))}")
        for other in group.others:
            console.print(f"   并入 {escape(other.id)}  {escape(_clip(other.text, 70))}")
    merged = sum(len(g.others) for g in groups)
    console.print(f"共 {len(groups)} 组，{merged} 条可并入。")


def print_import(report: ImportReport) -> None:
    from rich.markup import escape

    console = _console()
    console.print(f"导入 {len(report.added)} 条，跳过 {len(report.skipped)} 条（素材库已有）。")
    for text, why in report.skipped[:20]:
        console.print(f"[dim]跳过 {escape(_clip(text, 50))}（{escape(why)}）[/]")
    if len(report.skipped) > 20:
        console.print(f"[dim]…… 另有 {len(report.skipped) - 20} 条跳过[/]")
    for path in report.change.files:
        console.print(f"[dim]已写入 {escape(str(path))}[/]")
