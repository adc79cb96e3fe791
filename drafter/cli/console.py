"""Terminal output with Rich: the only place (with prompts) that imports it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

    from drafter.corpus.models import ParseResult
    from drafter.drafting.overview import Overview, ThemeStatus
    from drafter.output.templates import TemplateInfo
    from drafter.workflow.batch import BatchReport
    from drafter.workflow.briefs import BriefProblem
    from drafter.workflow.workers import Outcome


def _console(stderr: bool = False) -> Console:
    from rich.console import Console  # lazily: Rich costs start-up time

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def out(text: str) -> None:
    """Text on stdout, flushed now, so a full disk (``> /dev/full``) is an error here and not
    lost at exit; a closed pipe (``| head``) raises ``BrokenPipeError`` for the CLI to end on."""
    import sys

    from drafter.errors import DrafterError

    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        discard_stdout()
        raise DrafterError(f"无法写出到标准输出（{exc.strerror or exc}），草稿没有写出") from None


def discard_stdout() -> None:
    """Point stdout at the null device, so what is still buffered cannot fail again at exit."""
    import os
    import sys

    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):  # no real stdout (tests capture it): nothing to discard
        pass


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
            for dash in part.dashes:
                node.add(f"[dim]——[/]{escape(dash.lead)}")
            for point in part.points:
                sub = node.add(
                    f"[green]{escape(point.lead)}[/] [dim]{escape(_clip(point.body, 40))}[/]"
                )
                # One level down: run-in leads and "——" lines, their leads only.
                for child in point.points:
                    sub.add(escape(child.lead))
                for dash in point.dashes:
                    sub.add(f"[dim]——[/]{escape(dash.lead)}")
        if doc.closing:
            tree.add(f"[dim]结尾[/] {escape(_clip(doc.closing))}")
        console.print(tree)
    for failure in result.failures:
        error(failure.message)


def note(message: str) -> None:
    """A plain remark on stderr (seed used, file written …), kept out of the draft on stdout."""
    import typer

    typer.echo(message, err=True)


def _on_theme(st: ThemeStatus) -> str:
    cells = []
    for parts, ok in st.draftable.items():
        if not ok:
            cells.append(f"{parts}部分：素材不足")
            continue
        on, n, points_on, points = st.on_theme[parts]
        cells.append(f"{parts}部分：切题 {on}/{n} 部分、{points_on}/{points} 要点")
    return "\n".join(cells) or "—"


def _material(st: ThemeStatus) -> str:
    m = st.material
    return f"同级标题组 {m['sets']}\n可作部分 {m['aspects']}\n要点 {m['points']}"


def print_themes(overview: Overview) -> None:
    from rich.markup import escape
    from rich.table import Table

    console = _console()
    if overview.guess is not None:
        console.print(f"[yellow]是不是“{escape(overview.guess)}”？主题表里有这个主题。[/]")
    if overview.looked_up is not None:
        st = overview.looked_up
        console.print(f"主题“{escape(st.name)}”：{_material(st).replace(chr(10), ' · ')}")
        console.print(escape(_on_theme(st)))
        if not st.material["aspects"]:
            console.print(
                "[yellow]素材库里几乎没有这个主题的材料：建议用 drafter mine 挖掘自己的材料。[/]"
            )
    table = Table(title="主题表（themes.yaml）", title_justify="left")
    for column in ("主题（别名）", "维度", "素材", "种子 1 的提纲"):
        table.add_column(column)
    for st in overview.themes:
        dims = "\n".join(f"{n}：{'、'.join(d)}" for n, d in sorted(st.dimensions.items()))
        name = st.name + "".join(f"\n（{a}）" for a in st.aliases)
        table.add_row(escape(name), dims or "按相关度", _material(st), escape(_on_theme(st)))
    console.print(table)
    if overview.topics:
        topics = Table(title="素材库覆盖较好的主题（可直接用作 --theme）", title_justify="left")
        for column in ("主题", "素材"):
            topics.add_column(column)
        for st in overview.topics:
            topics.add_row(escape(st.name), _material(st).replace("\n", " · "))
        console.print(topics)
    console.print("[dim]不在表中的主题也可以直接用：drafter draft --theme 任意主题[/]")


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


STATUS_LABELS = {
    "written": "[green]新生成[/]",
    "updated": "[green]已更新[/]",
    "unchanged": "[dim]未变，跳过[/]",
    "failed": "[red]失败[/]",
    "invalid": "[red]简报有误[/]",
    "valid": "[green]可用[/]",
}
_TABLE_ROWS = 40  # a big batch lists every problem, then a sample; the manifest has the rest


class BatchProgress:
    """A progress bar on stderr while a batch drafts (nothing when stderr is not a terminal)."""

    def __init__(self) -> None:
        self.bar: Progress | None = None
        self.task: object = None
        self.started = False

    def start(self, total: int, problems: list[BriefProblem]) -> None:
        self.started = True
        print_problems(problems)
        console = _console(stderr=True)
        if total and console.is_terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self.bar = Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=console,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("起草中", total=total)

    def advance(self, outcome: Outcome) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)  # type: ignore[arg-type]

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def print_problems(problems: list[BriefProblem]) -> None:
    for problem in problems:
        error(problem.user_message())


def print_batch_report(report: BatchReport, checked: bool = False) -> None:
    """The summary table (brief, status, files, seed), counts, and where the manifest is."""
    from rich.markup import escape
    from rich.table import Table

    console = _console()
    for warning in report.warnings:
        warn(warning)
    bad = [o for o in report.outcomes if o.status in ("failed", "invalid")]
    good = [o for o in report.outcomes if o.status not in ("failed", "invalid")]
    shown = bad + good[: max(0, _TABLE_ROWS - len(bad))]
    table = Table(title="简报检查结果" if checked else "批量起草结果", title_justify="left")
    for column in ("简报", "状态", "文件", "种子", "说明"):
        table.add_column(column, overflow="fold")
    for o in sorted(shown, key=report.outcomes.index):
        table.add_row(
            escape(o.id),
            STATUS_LABELS.get(o.status, o.status),
            escape("、".join(o.files)) or "—",
            "—" if o.seed is None else str(o.seed),
            escape(o.message or ""),
        )
    if report.outcomes:
        console.print(table)
    if len(shown) < len(report.outcomes):
        console.print(
            f"[dim]…… 另有 {len(report.outcomes) - len(shown)} 条成功，见 manifest.json[/]"
        )
    counts = [
        (label, report.count(status))
        for status, label in (
            ("written", "新生成"),
            ("updated", "已更新"),
            ("unchanged", "未变"),
            ("valid", "可用"),
            ("failed", "失败"),
            ("invalid", "简报有误"),
        )
    ]
    summary = "，".join(f"{label} {n}" for label, n in counts if n) or "没有可用的简报"
    console.print(f"读取简报文件 {report.files_read}/{report.files_given} 个；{summary}。")
    sharing = report.sharing()
    if sharing:
        console.print(
            f"{len(sharing)} 份草稿因素材库不够，与同一会议前面的简报共用了部分素材"
            "（见“说明”，或 manifest.json 里的 allocation.shared）。"
        )
    if report.manifest is not None:
        console.print(f"清单：{escape(str(report.manifest))}")
