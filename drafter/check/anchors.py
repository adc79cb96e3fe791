"""Where each paragraph read from a file stands in that file: the body paragraph of a .docx a
Word comment can be anchored on, the source line of a markdown paragraph.

Readers give paragraphs' text only; these find the text again in the file, in order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from drafter.files.decoding import read_document

_PLAIN_DROP = re.compile(r"[\W_]+")
_PREFIX = 8  # plain characters of a paragraph that are enough to find its source line


def plain(text: str) -> str:
    """Letters, digits and ideographs only: what survives any markup or numbering."""
    return _PLAIN_DROP.sub("", text)


def _paragraph_text(p: Any) -> str:
    from docx.oxml.ns import qn

    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def docx_anchors(path: Path, texts: Sequence[str]) -> list[int]:
    """For each paragraph the .docx reader gave, the 1-based index of the body paragraph
    (``docx.Document(path).paragraphs``) that holds it. A paragraph in a table gets the body
    paragraph before the table: python-docx's list holds only the body's own paragraphs."""
    import docx
    from docx.oxml.ns import qn

    body = docx.Document(str(path)).element.body
    top = {p: i for i, p in enumerate(body.iterchildren(qn("w:p")), 1)}
    walked: list[tuple[str, int]] = []  # every paragraph in reading order, with its anchor
    last = 1
    for p in body.iter(qn("w:p")):
        last = top.get(p, last)
        walked.append((plain(_paragraph_text(p)), last))
    anchors: list[int] = []
    cursor = 0
    for text in texts:
        key = plain(text)
        found = None
        for j in range(cursor, len(walked)):
            own = walked[j][0]
            # The reader puts Word's automatic numbering in front: the paragraph's own text ends it.
            if own and (key.endswith(own) or own in key or key in own):
                found = j
                break
        if found is None:
            anchors.append(anchors[-1] if anchors else 1)
            continue
        anchors.append(walked[found][1])
        cursor = found + 1
    return anchors


def markdown_lines(
    path: Path, texts: Sequence[str], read_lines: Sequence[int | None]
) -> Iterator[int | None]:
    """The source line of each markdown paragraph (markup and blank lines make it differ from
    the line of the text as read, which stands where it cannot be found)."""
    source = [plain(line) for line in read_document(path).splitlines()]
    cursor = 0
    for text, fallback in zip(texts, read_lines, strict=True):
        key = plain(text)[:_PREFIX]
        found = next((j for j in range(cursor, len(source)) if key and key in source[j]), None)
        if found is None:
            yield fallback
            continue
        cursor = found + 1
        yield found + 1
