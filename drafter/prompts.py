"""The terminal side of ``drafter new``: Rich prompts and previews (Rich is imported here only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import UsageError
from .render import chinese_number

if TYPE_CHECKING:
    from rich.console import Console

    from .draft import Draft, DraftPart


class RichAsker:
    """Asks on the terminal; with ``scripted`` it reads one answer per line without echo tricks."""

    def __init__(self, console: Console | None = None, scripted: bool = False) -> None:
        from rich.console import Console

        self.console = console or Console(highlight=False)
        self.scripted = scripted

    def ask(self, question: str, default: str | None = None) -> str:
        from rich.markup import escape
        from rich.prompt import Prompt

        try:
            answer = Prompt.ask(
                f"[bold cyan]{escape(question)}[/]",
                console=self.console,
                default=default if default is not None else ...,
                show_default=bool(default),
            )
        except EOFError:
            raise UsageError(
                "回答提前结束：没有更多输入了（--script 模式下每个问题都要有一行回答），未保存任何文件"
            ) from None
        if self.scripted:
            self.console.print(f"[dim]> {escape(str(answer))}[/]")
        return str(answer)

    def say(self, message: str) -> None:
        from rich.markup import escape

        self.console.print(escape(message))

    def show_part(self, part: DraftPart, locked: bool) -> None:
        from rich.markup import escape
        from rich.panel import Panel

        lines = [f"[dim]维度：{escape(part.dimension)}[/]", escape(part.lead), ""]
        lines += [
            f"（{chinese_number(n)}）{escape(p.lead)}" for n, p in enumerate(part.points, start=1)
        ]
        title = f"{chinese_number(part.number)}、{escape(part.heading)}" + (" 🔒" if locked else "")
        self.console.print(Panel("\n".join(lines), title=title, title_align="left"))

    def show_draft(self, draft: Draft, locked: set[int]) -> None:
        from rich.markup import escape
        from rich.tree import Tree

        tree = Tree(f"[bold]{escape(draft.title)}[/]  [dim]{escape(draft.occasion)}[/]")
        tree.add(f"[dim]开头[/] {escape(draft.opening)}")
        for i, part in enumerate(draft.parts):
            mark = " [yellow]（已锁定）[/]" if i in locked else ""
            node = tree.add(f"[cyan]{chinese_number(part.number)}、{escape(part.heading)}[/]{mark}")
            node.add(f"[dim]{escape(part.lead)}[/]")
            for n, point in enumerate(part.points, start=1):
                node.add(f"（{chinese_number(n)}）{escape(point.lead)}")
        tree.add(f"[dim]结尾[/] {escape(draft.closing)}")
        self.console.print(tree)
