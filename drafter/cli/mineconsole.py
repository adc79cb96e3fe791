"""Terminal output of ``drafter mine``: a progress bar while it runs, then the files read
and the bank written (Rich, imported when first used)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from drafter.cli.console import _console, error

if TYPE_CHECKING:
    from rich.progress import Progress

    from drafter.mining.report import FileSummary, MineReport
    from drafter.mining.report import Step as MineStep

MINE_STATUS = {
    "mined": "[green]已挖掘[/]",
    "new": "[green]新加入[/]",
    "changed": "[yellow]已更新[/]",
    "unchanged": "[dim]未变[/]",
    "duplicate": "[yellow]重复[/]",
    "empty": "[yellow]没有讲话[/]",
    "failed": "[red]失败[/]",
}
_STEP_NAMES = {"read": "读取语料", "mine": "挖掘", "write": "写入素材库"}
_BAR_AFTER = 0.3  # seconds: a run shorter than this shows no bar at all


class MineProgress:
    """A progress bar on stderr while a corpus is read and mined (only on a terminal, and only
    once the run has taken a moment, so that short runs do not flash one)."""

    def __init__(self) -> None:
        import time

        self.started = time.monotonic()
        self.bar: Progress | None = None
        self.task: object = None
        self.terminal: bool | None = None

    def step(self, step: MineStep) -> None:
        import time

        if self.bar is None:
            if self.terminal is None:
                self.terminal = _console(stderr=True).is_terminal
            if not self.terminal or time.monotonic() - self.started < _BAR_AFTER:
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self.bar = Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=_console(stderr=True),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task(_STEP_NAMES["read"], total=step.total or None)
        what = _STEP_NAMES.get(step.stage, step.stage)
        if step.stage == "read":
            self.bar.update(self.task, completed=step.done, total=step.total or None)  # type: ignore[arg-type]
        else:
            self.bar.update(self.task, description=what)  # type: ignore[arg-type]

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


_FILE_ROWS = 40  # a large corpus lists every file with a problem, then a sample


def _file_note(summary: FileSummary) -> str:
    """The reason, without the file's path that the row already shows; or which speeches are
    copies of which."""
    if summary.reason:
        return summary.reason.removeprefix(f"{summary.path}: ")
    by_file: dict[str, list[str]] = {}
    for c in summary.copies:
        by_file.setdefault(c.same_file, []).append(f"第 {c.document} 篇")
    return "；".join(f"{'、'.join(ours)}已在 {name} 中，不再挖掘" for name, ours in by_file.items())


def print_mine_report(report: MineReport) -> None:
    """A table of the files read, one of the bank's files, and what was kept and changed."""
    from rich.markup import escape
    from rich.table import Table

    from drafter.bank.store import KINDS

    console = _console()
    quiet = ("mined", "new", "unchanged")
    odd = [f for f in report.files if f.status not in quiet or f.copies]
    plain = [f for f in report.files if f.status in quiet and not f.copies]
    shown = odd + plain[: max(0, _FILE_ROWS - len(odd))]
    files = Table(title="语料文件", title_justify="left")
    for column in ("文件", "格式", "结果", "文档", "讲话", "部分", "要点", "说明"):
        files.add_column(column, overflow="fold")
    for f in sorted(shown, key=report.files.index):
        numbers = (f.documents, f.speeches, f.parts, f.points)
        files.add_row(
            escape(f.name),
            f.format,
            MINE_STATUS.get(f.status, f.status),
            *(("—",) * 4 if f.status == "failed" else (str(n) for n in numbers)),
            escape(_file_note(f)),
        )
    if report.files:
        console.print(files)
    if len(shown) < len(report.files):
        console.print(f"[dim]…… 另有 {len(report.files) - len(shown)} 个文件顺利挖掘[/]")
    title = (
        f"素材库已写入 {report.out_dir}" if report.written else f"素材库没有变化 {report.out_dir}"
    )
    table = Table(title=escape(title), title_justify="left")
    table.add_column("种类")
    table.add_column("文件")
    table.add_column("条目", justify="right")
    for kind, count in report.counts.items():
        table.add_row(KINDS[kind][2], KINDS[kind][0], str(count))
    console.print(table)
    line = (
        f"读取文档 {report.documents} 篇，其中讲话 {report.speeches} 篇；"
        f"保留用户条目 {report.kept_user} 条、停用标记 {report.kept_disabled} 个。"
    )
    if report.duplicates:
        line += f"重复的讲话 {report.duplicates} 篇，各只挖一次。"
    if report.into:
        line += f"新增条目 {report.added} 条"
        if report.removed:
            line += f"，去掉 {report.removed} 条（所在文件改过，原文已不在）"
        line += f"；原有的挖掘条目 {report.kept_earlier} 条保持不变"
        if report.enlarged:
            line += f"，其中 {report.enlarged} 个标题句式加入了新的填空"
        line += "。"
    console.print(escape(line))
    for failure in report.failures:
        error(failure.message)
