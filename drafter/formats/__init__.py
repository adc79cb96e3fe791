"""Readers of a user's documents, one per format, behind one call: ``read_blocks(path)``.

Each reader gives the document's paragraphs as ``Block``s, in reading order, with the cue its
format had for each (a heading level, a wholly bold paragraph). The reader is chosen by the file's
suffix; a file with any other suffix is read as plain text, as drafter always has. Each reader
module is imported only when a file of its kind is read: their libraries cost start-up time.
"""

from __future__ import annotations

from pathlib import Path

from drafter.errors import InputError
from drafter.files.decoding import read_document
from drafter.formats.blocks import Block, Cue, heading_cue

__all__ = ["LEGACY_SUFFIXES", "SUFFIXES", "Block", "Cue", "heading_cue", "read_blocks"]

# The formats drafter reads, by suffix (case does not matter).
SUFFIXES = (".txt", ".docx", ".html", ".htm", ".md", ".markdown", ".pdf")
# Binary Word and WPS formats: refused with a way out (python-docx reads only .docx).
LEGACY_SUFFIXES = (".doc", ".wps")


def read_blocks(path: Path) -> list[Block]:
    """The blocks of one document, read as its suffix says; ``InputError`` naming the file when
    it cannot be read."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from drafter.formats.wordfile import read_docx

        return read_docx(path)
    if suffix in (".html", ".htm"):
        from drafter.formats.webpage import read_html

        return read_html(path)
    if suffix in (".md", ".markdown"):
        from drafter.formats.markdown import read_markdown

        return read_markdown(path)
    if suffix == ".pdf":
        from drafter.formats.pdf import read_pdf

        return read_pdf(path)
    if suffix in LEGACY_SUFFIXES and path.is_file():
        raise InputError(
            f"不支持旧版 {suffix} 格式：请在 Word 或 WPS 中打开，“另存为”.docx 后再试"
            "（或用 LibreOffice：soffice --headless --convert-to docx 文件名）",
            path=path,
        )
    return [Block(read_document(path))]
