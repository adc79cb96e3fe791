"""Terminal output with Rich: the only place (with prompts) that imports it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from .catalog import ThemeStatus
    from .mining import MineReport
    from .models import ParseResult
    from .render import TemplateInfo


def _console(stderr: bool = False) -> Console:
    from rich.console import Console  # lazily: Rich costs start-up time

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def error(message: str) -> None:
    """A red message on stderr."""
    from rich.markup import escape

    _console(stderr=True).print(f"[bold red]错误：[/]{escape(message)}")


def warn(message: str) -> None:
    import typer  # not Rich: warnings come on the drafting path, where start-up time counts

    typer.secho(message, fg="yellow", err=True)


def _clip(text: str | None, width: int = 60) -> str:
    if not text:
        return "—"
    flat = text.replace("\n", " ")
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def print_documents(result: ParseResult) -> None:
    """Each document as a tree: title, opening, parts with their points, closing."""
    from rich.markup import escape
    from rich.tree import Tree

    console = _console()
    for doc in result.documents:
        title = escape(doc.title or "（无标题）")
        tree = Tree(f"[bold]{title}[/]  [dim]{escape(doc.source)} · {len(doc.parts)} 部分[/]")
        if doc.subtitle:
            tree.add(f"[dim]副题[/] {escape(doc.subtitle)}")
        tree.add(f"[dim]开头[/] {escape(_clip(doc.opening))}")
        for number, part in enumerate(doc.parts, start=1):
            node = tree.add(
                f"[cyan]{number}. {escape(part.heading)}[/]  [dim]{escape(part.numbering)}[/]"
            )
            if part.lead:
                node.add(f"[dim]引言[/] {escape(_clip(part.lead))}")
            for point in part.points:
                node.add(f"[green]{escape(point.lead)}[/] [dim]{escape(_clip(point.body, 40))}[/]")
        if doc.closing:
            tree.add(f"[dim]结尾[/] {escape(_clip(doc.closing))}")
        console.print(tree)
    for failure in result.failures:
        error(failure.message)


def print_mine_report(report: MineReport) -> None:
    from rich.table import Table

    from .bank import KINDS

    console = _console()
    table = Table(title=f"素材库已写入 {report.out_dir}", title_justify="left")
    table.add_column("种类")
    table.add_column("文件")
    table.add_column("条目", justify="right")
    for kind, count in report.counts.items():
        table.add_row(KINDS[kind][2], KINDS[kind][0], str(count))
    console.print(table)
    console.print(
        f"读取文档 {report.documents} 篇，其中讲话 {report.speeches} 篇；"
        f"保留用户条目 {report.kept_user} 条、停用标记 {report.kept_disabled} 个。"
    )
    for failure in report.failures:
        error(failure.message)


def note(message: str) -> None:
    """A plain remark on stderr (seed used, file written …), kept out of the draft on stdout."""
    import typer

    typer.echo(message, err=True)


def print_themes(statuses: list[ThemeStatus]) -> None:
    from rich.table import Table

    table = Table(title="主题表（themes.yaml）", title_justify="left")
    for column in ("主题", "别名", "三部分维度", "四部分维度", "素材", "可生成"):
        table.add_column(column)
    for st in statuses:
        material = (
            f"标题 {st.material['heading']} · 要点 {st.material['point']} · "
            f"引言 {st.material['part_lead']} · 引语 {st.material['quotation']}"
        )
        ok = "  ".join(f"{n}部分{'✓' if good else '✗'}" for n, good in st.draftable.items())
        table.add_row(
            st.name,
            "、".join(st.aliases) or "—",
            "、".join(st.dimensions.get(3, ())) or "—",
            "、".join(st.dimensions.get(4, ())) or "—",
            material,
            ok,
        )
    _console().print(table)
    _console().print("[dim]不在表中的主题也可以直接用：drafter draft --theme 任意主题[/]")


def print_templates(infos: list[TemplateInfo]) -> None:
    from rich.table import Table

    table = Table(title="模板", title_justify="left")
    for column in ("名称", "来源", "说明", "路径"):
        table.add_column(column)
    for info in infos:
        where = "内置" if info.builtin else "工作目录"
        if info.overridden:
            where += "（已被覆盖）"
        table.add_row(info.name, where, info.description or "—", str(info.path))
    _console().print(table)
