"""Where a part or sub-point begins: the cut, its heading and the text after it.

Shared by the finders of numbered parts (``structure``), of parts marked without numbers
(``unnumbered``) and of parts a formatted source styled as headings (``cues``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafter.text.sentences import split_sentences, strip_end, visible_len

CLOSING_CUE = re.compile(
    r"^(?:总之|总而言之|综上所述|综上|同志们|各位领导|各位同志|以上是我|以上发言|以上汇报|以上就是|让我们|谢谢大家|谢谢"
    r"|我们坚信|我们相信|面向未来|展望未来|站在新的历史起点|新征程上，我们|征程万里"
    r"|各位老师|各位代表|各位委员|各位嘉宾|希望大家|下一步，我们|下一步，我|今后，我们)"
)
# A form of address on a line of its own ("各位代表！") turns to the audience; it heads no part.
ADDRESS = re.compile(r"^(?:各位|同志们|女士们|朋友们|代表们|委员们)[^，。]{0,12}[！!：:，]?$")
HEADING_MAX = 60


@dataclass(frozen=True)
class Cut:
    """A paragraph that begins a part or point: where, its heading, and the text after it."""

    index: int
    heading: str
    rest: str | None
    numbering: str


def split_heading(text: str) -> tuple[str, str | None]:
    """Split a marked paragraph into its heading and the text that follows it.

    A short paragraph is a heading on a line of its own; otherwise the heading is its first
    sentence (cut at its first clause if that sentence is too long to be a heading).
    """
    text = text.strip()
    sentences = split_sentences(text)
    if len(sentences) <= 1 and visible_len(text) <= HEADING_MAX:
        return strip_end(text), None
    first = sentences[0]
    rest = text[len(first) :].strip() or None
    if visible_len(first) > HEADING_MAX:
        cut = re.search(r"[，,；;：:]", first)
        if cut:
            return strip_end(first[: cut.start()]), text[cut.end() :].strip() or None
    return strip_end(first), rest


def may_head(text: str) -> bool:
    """Whether a paragraph could begin a part: not a form of address, not the closing's start."""
    return not ADDRESS.match(text) and not CLOSING_CUE.match(text)
