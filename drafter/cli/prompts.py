"""The terminal side of ``drafter new``: Rich prompts and previews (Rich is imported here only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from drafter.errors import UsageError
from drafter.text.numerals import int_to_chinese

if TYPE_CHECKING:
    from rich.console import Console

    from drafter.bank.lexicon import Lexicon
    from drafter.bank.ops import NewEntries
    from drafter.drafting.model import Draft, DraftPart


class RichAsker:
    """Asks on the terminal; with ``scripted`` it reads one answer per line without echo tricks."""

    def __init__(
        self,
        console: Console | None = None,
        scripted: bool = False,
        eof_hint: str = "--script 模式下每个问题都要有一行回答",
    ) -> None:
        from rich.console import Console

        self.console = console or Console(highlight=False)
        self.scripted = scripted
        self.eof_hint = eof_hint  # what running out of answers means, for the user

    def ask(self, question: str, default: str | None = None) -> str:
        from rich.markup import escape
        from rich.prompt import Prompt

        from drafter.text.normalize import undecodable

        answer: str | None
        try:
            answer = str(
                Prompt.ask(
                    f"[bold cyan]{escape(question)}[/]",
                    console=self.console,
                    default=default if default is not None else ...,
                    show_default=bool(default),
                )
            )
        except EOFError:
            raise UsageError(
                f"回答提前结束：没有更多输入了（{self.eof_hint}），未保存任何文件"
            ) from None
        except UnicodeDecodeError:  # a strict stdin (a C or UTF-8 locale gives surrogates)
            answer = None
        if answer is None or undecodable(answer):
            # Bytes that were not UTF-8 would crash the script converter further on.
            message = "回答里有无法识别的字节（不是 UTF-8 编码）"
            if self.scripted:
                raise UsageError(f"{message}：请把输入另存为 UTF-8，未保存任何文件")
            self.console.print(f"[red]{message}，请重新输入[/]")
            return self.ask(question, default)
        if self.scripted:
            self.console.print(f"[dim]> {escape(answer)}[/]")
        return answer

    def say(self, message: str) -> None:
        from rich.markup import escape

        self.console.print(escape(message))

    def show_part(self, part: DraftPart, locked: bool) -> None:
        from rich.markup import escape
        from rich.panel import Panel

        lines = [f"[dim]维度：{escape(part.dimension)}[/]", escape(part.lead), ""]
        lines += [
            f"（{int_to_chinese(n)}）{escape(p.lead)}" for n, p in enumerate(part.points, start=1)
        ]
        title = f"{int_to_chinese(part.number)}、{escape(part.heading)}" + (" 🔒" if locked else "")
        self.console.print(Panel("\n".join(lines), title=title, title_align="left"))

    def show_draft(self, draft: Draft, locked: set[int]) -> None:
        from rich.markup import escape
        from rich.tree import Tree

        tree = Tree(f"[bold]{escape(draft.title)}[/]  [dim]{escape(draft.occasion)}[/]")
        tree.add(f"[dim]开头[/] {escape(draft.opening)}")
        for i, part in enumerate(draft.parts):
            mark = " [yellow]（已锁定）[/]" if i in locked else ""
            node = tree.add(f"[cyan]{int_to_chinese(part.number)}、{escape(part.heading)}[/]{mark}")
            node.add(f"[dim]{escape(part.lead)}[/]")
            for n, point in enumerate(part.points, start=1):
                node.add(f"（{int_to_chinese(n)}）{escape(point.lead)}")
        tree.add(f"[dim]结尾[/] {escape(draft.closing)}")
        self.console.print(tree)


def ask_new_entries(asker: RichAsker, given: NewEntries, lexicon: Lexicon) -> NewEntries:
    """The form of ``drafter bank add``: asks for what the options did not give."""
    from dataclasses import replace

    from drafter.bank.ops import ADDABLE, NewEntries
    from drafter.bank.schema import KINDS

    kind = given.kind
    while kind not in ADDABLE:
        if kind:
            asker.say(f"没有“{kind}”这个种类。")
        asker.say("种类：" + "；".join(f"{k}（{KINDS[k][2].split('（')[0]}）" for k in ADDABLE))
        kind = asker.ask("种类", "phrase").strip()
    texts = list(given.texts)
    if not texts:
        hint = "（多条标题用“|”隔开，会记为同一组同级标题）" if kind == "heading" else ""
        answer = asker.ask(f"文字{hint}")
        texts = [t for t in answer.split("|") if t.strip()] if kind == "heading" else [answer]
    dims = given.dimensions
    if not dims:
        guess = "、".join(lexicon.tag(texts[0]))
        asker.say("维度：" + "、".join(lexicon.names))
        answer = asker.ask("维度（多个用“、”隔开）", guess)
        dims = tuple(d for d in answer.replace(",", "、").replace("，", "、").split("、") if d)
    request = NewEntries(kind, tuple(texts), dims, given.body, given.heading, given.speaker)
    if kind == "point" and not given.body:
        request = replace(request, body=asker.ask("展开文字（可空）", "") or None)
    if kind == "quotation" and not given.speaker:
        request = replace(request, speaker=asker.ask("说话人（可空）", "") or None)
    return request
