"""The terminal side of ``drafter new``: Rich prompts and previews (Rich is imported here only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from drafter.errors import UsageError
from drafter.text.numerals import int_to_chinese

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from drafter.bank.lexicon import Lexicon
    from drafter.bank.ops import NewEntries
    from drafter.drafting.model import Draft, DraftPart


class RichAsker:
    """Asks on the terminal; with ``scripted`` it reads one answer per line without echo tricks.

    On a terminal every answer is read with prompt_toolkit, which edits a line by characters on
    the screen: the kernel's own line editing erases one column for a Backspace over a Chinese
    character, so the screen showed "错X" while "X" was read. Scripted answers keep Rich's plain
    line reading (prompt_toolkit would need a terminal), and prompt_toolkit is imported only on
    the first question asked on a terminal, as it costs start-up time.
    """

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
        return self._answer(question, default, "")

    def edit(self, question: str, text: str) -> str:
        """The writer's version of ``text``: on a terminal ``text`` is there to edit; scripted, a
        line replaces it and an empty line keeps it."""
        if self.scripted:
            # The text is on screen in the part just shown; the echo below says what was kept.
            return self._answer(question, text, "", show_default=False)
        return self._answer(question, None, text)

    def _answer(
        self, question: str, default: str | None, prefill: str, show_default: bool = True
    ) -> str:

        from drafter.text.normalize import undecodable

        answer: str | None
        try:
            if self.scripted:
                answer = self._scripted(question, default, show_default)
            else:
                answer = self._typed(question, default, prefill)
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
            return self._answer(question, default, prefill, show_default)
        if self.scripted:
            self.console.print(_wrapped(f"> {answer}", self.console.width, "dim"))
        return answer

    def _scripted(self, question: str, default: str | None, show_default: bool) -> str:
        from rich.markup import escape
        from rich.prompt import Prompt

        return str(
            Prompt.ask(
                f"[bold cyan]{escape(question)}[/]",
                console=self.console,
                default=default if default is not None else ...,
                show_default=show_default and bool(default),
            )
        )

    def _typed(self, question: str, default: str | None, prefill: str) -> str:
        from prompt_toolkit import prompt
        from prompt_toolkit.formatted_text import FormattedText

        shown = f" ({default})" if default else ""
        message = FormattedText([("bold ansicyan", question), ("", f"{shown}: ")])
        try:
            answer = prompt(message, default=prefill)
        except EOFError:  # Ctrl-D on an empty line: leaving, as Ctrl-C does
            raise KeyboardInterrupt from None
        return default if default is not None and not answer else answer

    def say(self, message: str, *, wrap: bool = True) -> None:
        """A message; ``wrap=False`` keeps it one line (a command to copy: the terminal folds
        it on screen, and a copied fold is not a line break)."""
        from rich.text import Text

        if not wrap:
            self.console.print(Text(message), soft_wrap=True)
            return
        self.console.print(_wrapped(message, self.console.width))

    def show_part(self, part: DraftPart, locked: bool) -> None:
        from rich.panel import Panel
        from rich.text import Text

        width = self.console.width - 4  # the panel's border and padding
        body = Text()
        body.append_text(_wrapped(f"{int_to_chinese(part.number)}、{part.heading}", width, "bold"))
        body.append("\n")
        body.append_text(_wrapped(f"维度：{part.dimension}", width, "dim"))
        body.append("\n")
        body.append_text(_wrapped(part.lead, width))
        body.append("\n")
        for n, point in enumerate(part.points, start=1):
            body.append("\n")
            body.append_text(_wrapped(f"（{int_to_chinese(n)}）{point.lead}", width))
            if point.body:  # a full draft: the paragraph under the point, set in
                body.append("\n")
                body.append_text(_wrapped(point.body, width - 4, "dim", indent=4))
        title = f"第{int_to_chinese(part.number)}部分" + (" 🔒" if locked else "")
        self.console.print(Panel(body, title=title, title_align="left"))

    def show_draft(self, draft: Draft, locked: set[int]) -> None:
        from rich.tree import Tree

        width = self.console.width
        # Most titles name the occasion already ("……——研讨发言"): it is not said twice.
        head = draft.title if draft.occasion in draft.title else f"{draft.title}  {draft.occasion}"
        root = _wrapped(head, width, "bold")
        byline = byline_of(draft)
        if byline:  # the line the saved files carry under the title
            root.append("\n")
            root.append_text(_wrapped(byline, width, "dim"))
        tree = Tree(root)
        tree.add(_labelled("开头", draft.opening, width - 4))
        for i, part in enumerate(draft.parts):
            mark = "（已锁定）" if i in locked else ""
            node = tree.add(
                _wrapped(f"{int_to_chinese(part.number)}、{part.heading}{mark}", width - 4, "cyan")
            )
            node.add(_wrapped(part.lead, width - 8, "dim"))
            for n, point in enumerate(part.points, start=1):
                node.add(_wrapped(f"（{int_to_chinese(n)}）{point.lead}", width - 8))
        tree.add(_labelled("结尾", draft.closing, width - 4))
        self.console.print(tree)


def byline_of(draft: Draft) -> str:
    """Organisation and speaker as md.j2, txt.j2 and the Word writer put them under the title."""
    return "　".join(x for x in (draft.organisation, draft.speaker) if x)


def _wrapped(text: str, width: int, style: str = "", indent: int = 0) -> Text:
    """Text broken into lines that Rich shows as they are: no line starts with a comma or a
    closing quote (Rich, like a terminal, would break a Chinese line before any character)."""
    from rich.cells import cell_len
    from rich.text import Text

    from drafter.text.linebreak import break_lines

    pad = " " * indent
    lines = break_lines(text, max(width, 8), cell_len)
    return Text("\n".join(pad + line for line in lines), style=style, no_wrap=True)


def _labelled(label: str, text: str, width: int) -> Text:
    """``label`` dimmed before ``text``, broken as one paragraph."""
    shown = _wrapped(f"{label}　{text}", width)
    shown.stylize("dim", 0, len(label))
    return shown


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
