"""Reading markdown (.md, .markdown): the text as a reader of the rendered page sees it, with
``#`` headings and whole-line ``**bold**`` as cues and no markup left.

The file is parsed as CommonMark (markdown-it-py), so list markers, blockquote marks, code
fences, link targets, images, HTML tags and backslash escapes are markdown's own and go, while
the same characters as plain text stay. An ordered list keeps its numbers ("1." …), as a reader
sees them: like Word's automatic numbering, they are the outline's numbering. A line break
inside a paragraph stays a line break: Chinese writers put one paragraph on each line, and the
outline parser joins lines that a break cut in the middle.

CommonMark does not close ``**`` between a Chinese full stop and the next character
("**一是……。**要"), so pairs of ``**`` left in the text are taken as bold too, and single
``*`` pairs as emphasis, rather than reach the phrase bank.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from drafter.errors import InputError
from drafter.files.decoding import read_document
from drafter.formats.blocks import Block, Cue, heading_cue
from drafter.formats.limits import check_text_size
from drafter.formats.webpage import html_blocks

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_EMPHASIS = re.compile(r"(?<![*\\])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?!\*)")
_BREAK_TAG = re.compile(r"<br\s*/?>", re.I)
_BOLD_OPEN = re.compile(r"<(?:b|strong)(?:\s[^>]*)?>", re.I)
_BOLD_CLOSE = re.compile(r"</(?:b|strong)\s*>", re.I)


class _Lines:
    """The lines of one inline run, with how much of each is bold."""

    def __init__(self) -> None:
        self.done: list[tuple[str, bool]] = []
        self._pieces: list[str] = []
        self._plain = self._chars = 0

    def add(self, text: str, bold: bool, literal: bool = False) -> None:
        # "**" that CommonMark left open or unclosed: pairs are bold, the marks always go. An
        # escaped character or an entity (``literal``) is text, whatever it is.
        parts = [text] if literal else text.split("**")
        paired = len(parts) % 2 == 1
        for k, part in enumerate(parts):
            part = part if literal else _EMPHASIS.sub(r"\1", part)
            self._pieces.append(part)
            visible = len(part.strip())
            self._chars += visible
            if not (bold or (paired and k % 2 == 1)):
                self._plain += visible

    def newline(self) -> None:
        text = "".join(self._pieces).strip()
        if text:
            self.done.append((text, self._plain == 0))
        self._pieces = []
        self._plain = self._chars = 0


def _inline(children: list[Any]) -> list[tuple[str, bool]]:
    """An inline run's text lines, each with whether it is all bold."""
    lines = _Lines()
    strong = 0
    for token in children:
        kind = token.type
        if kind == "text":
            lines.add(token.content, strong > 0)
        elif kind in ("text_special", "code_inline"):  # an escape or entity; code
            lines.add(token.content, strong > 0, literal=True)
        elif kind in ("softbreak", "hardbreak"):
            lines.newline()
        elif kind == "strong_open":
            strong += 1
        elif kind == "strong_close":
            strong = max(strong - 1, 0)
        elif kind == "html_inline":
            if _BREAK_TAG.match(token.content):
                lines.newline()
            elif _BOLD_OPEN.match(token.content):
                strong += 1
            elif _BOLD_CLOSE.match(token.content):
                strong = max(strong - 1, 0)
        # link, emphasis and strike marks and images (their alt text is no prose) go
    lines.newline()
    return lines.done


def markdown_blocks(text: str) -> list[Block]:
    """The blocks of markdown text already decoded."""
    # Without text_join, escapes and entities stay tokens of their own (text_special), so that
    # "\\*" is never taken for emphasis below.
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("text_join")
    tokens = parser.parse(_FRONT_MATTER.sub("", text, count=1))
    blocks: list[Block] = []
    heading: Cue | None = None
    lists: list[list[int]] = []  # per open list: [next number] or [] for a bullet list
    label = ""  # the number of the list item whose first paragraph comes next
    for token in tokens:
        kind = token.type
        if kind == "heading_open":
            heading = heading_cue(int(token.tag[1:])) or "h4"
        elif kind == "heading_close":
            heading = None
        elif kind == "ordered_list_open":
            lists.append([int(token.attrs.get("start", 1) or 1)])
        elif kind == "bullet_list_open":
            lists.append([])
        elif kind in ("ordered_list_close", "bullet_list_close") and lists:
            lists.pop()
        elif kind == "list_item_open" and lists and lists[-1]:
            label = f"{lists[-1][0]}{token.markup} "
            lists[-1][0] += 1
        elif kind == "inline":
            for k, (line, bold) in enumerate(_inline(token.children or [])):
                cue = heading or ("bold" if bold else None)
                blocks.append(Block(label + line if k == 0 else line, cue))
                if k == 0:
                    label = ""
        elif kind in ("fence", "code_block"):
            blocks += [Block(line.strip()) for line in token.content.splitlines() if line.strip()]
        elif kind == "html_block":
            blocks += html_blocks(token.content)
    return blocks


def read_markdown(path: Path) -> list[Block]:
    """The blocks of a markdown file (any encoding a .txt may have)."""
    blocks = markdown_blocks(read_document(path))
    check_text_size(sum(len(b.text) for b in blocks), path)
    if not blocks:
        raise InputError("文件里没有文字（只有 markdown 标记）", path=path)
    return blocks
