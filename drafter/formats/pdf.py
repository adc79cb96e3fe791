"""Reading a PDF that has a text layer (pdfminer.six): lines joined back into paragraphs, the
running headers, footers and page numbers left out.

A PDF knows lines, not paragraphs. A line ends its paragraph when it stops short of the right
margin, ends with 。！？, or the next line is indented (a paragraph's first line is indented two
characters in Chinese). Lines of Chinese are joined without a space. A line that stands at the
same place on most pages with the same words (digits aside) is a running header or footer; page
numbers ("3", "- 3 -", "第 3 页", "3/10") go wherever they stand, and so does a line in smaller
type than the body in the top or bottom tenth of a page (a one-page document repeats nothing). Lines set in a bold or heiti
font are cued "bold", lines in a markedly larger font than the body "h1".

A scanned PDF has no text layer: it is refused with a message that says so, as is a PDF that
needs a password. A PDF that opens without one (only editing restricted) is read, as a viewer
would read it.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTPage, LTTextContainer, LTTextLine
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from drafter.errors import InputError
from drafter.files.decoding import read_file_bytes
from drafter.formats.blocks import Block, Cue
from drafter.formats.limits import PDF_MAX_BYTES, PDF_MAX_PAGES, check_text_size

# pdfminer logs a warning for every odd object; with no handler, Python would print them.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－·\s]*\d{1,4}[-—–－·\s]*|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}|(?:page|p\.)\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$",
    re.I,
)
_ENDS = ("。", "！", "？", "!", "?")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’—…]")
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi|hei|黑", re.I)
_DIGITS = re.compile(r"\d+")
# No multi-column layout analysis (boxes_flow=None): it halves the time, and speeches and
# official documents are set in one column, read top to bottom.
_LAYOUT = LAParams(boxes_flow=None)
_REPEATED = 0.5  # a line on more than half the pages (at least two) repeats
_MARGIN = 0.1
_NEEDS_OCR = "这个 PDF 没有文字层（可能是扫描件或图片），需要先做文字识别（OCR），再把识别出的文字另存为 .txt 或 .docx"


@dataclass(frozen=True)
class _Line:
    page: int
    text: str
    x0: float
    x1: float
    y: float
    size: float  # the font size of most of its characters
    bold: bool
    margin: bool  # in the top or bottom tenth of the page, where running heads stand


def _line(page: int, line: LTTextLine, height: float) -> _Line | None:
    text = line.get_text().strip()
    if not text:
        return None
    chars = [c for c in line if isinstance(c, LTChar) and c.get_text().strip()]
    sizes = [round(c.size, 1) for c in chars] or [line.height]
    bold = bool(chars) and all(_BOLD_FONT.search(c.fontname) for c in chars)
    size = Counter(sizes).most_common(1)[0][0]
    margin = line.y0 > height * (1 - _MARGIN) or line.y1 < height * _MARGIN
    return _Line(page, text, line.x0, line.x1, line.y0, size, bold, margin)


def _page_lines(page: LTPage, number: int) -> list[_Line]:
    lines: list[_Line] = []
    stack: list[object] = [page]
    while stack:
        item = stack.pop()
        if isinstance(item, LTTextLine):
            found = _line(number, item, page.height)
            if found is not None:
                lines.append(found)
        elif isinstance(item, (LTPage, LTTextContainer)):
            stack.extend(reversed(list(item)))
    return lines


def _read_lines(data: bytes, path: Path) -> list[list[_Line]]:
    pages: list[list[_Line]] = []
    try:
        pages_in = extract_pages(io.BytesIO(data), laparams=_LAYOUT)
        for number, page in enumerate(pages_in):
            if number >= PDF_MAX_PAGES:
                raise InputError(f"PDF 页数过多（上限 {PDF_MAX_PAGES} 页）", path=path)
            pages.append(_page_lines(page, number))
    except InputError:
        raise
    except PDFPasswordIncorrect as exc:
        raise InputError(
            "PDF 已加密，需要密码才能打开：请先去掉密码（另存为未加密的 PDF）", path=path
        ) from exc
    except PDFEncryptionError as exc:
        raise InputError(
            "PDF 使用了无法解开的加密方式，请另存为未加密的 PDF 后再试", path=path
        ) from exc
    # pdfminer raises many kinds of error on a broken file (its own syntax errors, KeyError,
    # TypeError, struct and zlib errors …): each means a PDF that cannot be read.
    except Exception as exc:
        raise InputError(f"PDF 文件已损坏，无法读取（{type(exc).__name__}）", path=path) from exc
    return pages


def _running(pages: list[list[_Line]]) -> set[tuple[int, str]]:
    """(position, words) of the lines that repeat on most pages: running headers and footers."""
    if len(pages) < 2:
        return set()
    seen: Counter[tuple[int, str]] = Counter()
    for lines in pages:
        seen.update({(round(ln.y / 4), _DIGITS.sub("#", ln.text)) for ln in lines})
    least = max(2, len(pages) * _REPEATED)
    return {key for key, count in seen.items() if count >= least}


def _join(before: str, after: str) -> str:
    if _CJK.match(before[-1:]) or _CJK.match(after[:1]):
        return before + after
    return f"{before} {after}"


def _margins(lines: list[_Line]) -> tuple[float, float]:
    """The text's left and right edges: where unindented lines start (the leftmost place where
    more than one line starts: in a text of short paragraphs most lines are indented first
    lines), and where the full lines end (punctuation may hang past it: not the furthest)."""
    starts = Counter(round(ln.x0) for ln in lines)
    left = min((x for x, n in starts.items() if n > 1), default=min(starts))
    ends = sorted(ln.x1 for ln in lines)
    return left, statistics.median(ends[len(ends) * 2 // 3 :])


def _paragraphs(pages: list[list[_Line]]) -> list[Block]:
    running = _running(pages)
    lines = [
        ln
        for page in pages
        for ln in page
        if not _PAGE_NUMBER.match(ln.text)
        and (round(ln.y / 4), _DIGITS.sub("#", ln.text)) not in running
    ]
    if not lines:
        return []
    body_size = statistics.median(ln.size for ln in lines)
    # On a single page nothing repeats: a line in the margin in smaller type is a running head.
    lines = [ln for ln in lines if not (ln.margin and ln.size < body_size * 0.9)]
    if not lines:
        return []
    # A body set in a font that looks bold by its name (Microsoft YaHei) has no bold cues.
    bold_body = sum(ln.bold for ln in lines) * 2 > len(lines)
    left, right = _margins(lines)
    # Where paragraphs open with an indent, the indent is what starts one: a full line that
    # happens to end with 。 goes on into the next. Without indents, 。！？ at a line's end ends it.
    indents = sum(ln.x0 > left + ln.size * 1.5 for ln in lines) > len(lines) * 0.05
    blocks: list[Block] = []
    text, cue, open_ = "", None, False
    for ln in lines:
        line_cue = _cue(ln, body_size, bold_body)
        if open_ and line_cue == cue and ln.x0 <= left + ln.size * 1.5:
            text = _join(text, ln.text)
        else:
            if text:
                blocks.append(Block(text, cue))
            text, cue = ln.text, line_cue
        full = ln.x1 >= right - ln.size * 1.5
        open_ = full and (indents or not ln.text.endswith(_ENDS))
    if text:
        blocks.append(Block(text, cue))
    return blocks


def _cue(line: _Line, body_size: float, bold_body: bool) -> Cue | None:
    if line.size >= body_size * 1.3:
        return "h1"
    return "bold" if line.bold and not bold_body else None


def read_pdf(path: Path) -> list[Block]:
    """The blocks of a PDF's text layer; ``InputError`` naming the file for a PDF without one,
    one that needs a password, or a file that is not a sound PDF."""
    data = read_file_bytes(path, max_bytes=PDF_MAX_BYTES)
    if not data.strip():
        raise InputError("文件是空的", path=path)
    if b"%PDF-" not in data[:1024]:
        raise InputError("这不是 PDF 文件（文件开头没有 %PDF- 标记）", path=path)
    pages = _read_lines(data, path)
    if not pages:
        raise InputError("PDF 里没有页面", path=path)
    blocks = _paragraphs(pages)
    if not blocks:
        raise InputError(_NEEDS_OCR, path=path)
    check_text_size(sum(len(b.text) for b in blocks), path)
    return blocks
