"""Reading a Word .docx: the body's paragraphs in order, tables cell by cell, with heading and
bold cues and Word's automatic numbering put back in front of the text.

Headers, footers, comments, footnotes and text boxes live outside the body's paragraphs and are
left out, as are deleted (tracked) and hidden text and a table of contents (its lines repeat the
headings). The file is checked as an archive first (``limits.check_archive``): python-docx would
unpack a zip bomb whole. Its XML parser does not expand entities (``resolve_entities=False``),
and a part that declares a DTD is refused before it is parsed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
from docx.opc.constants import RELATIONSHIP_TYPE

from drafter.errors import InputError
from drafter.files.decoding import read_file_bytes
from drafter.formats.blocks import Block, Cue, heading_cue
from drafter.formats.limits import DOCX_MAX_BYTES, check_archive, check_text_size
from drafter.formats.wordnumbering import Numbering
from drafter.formats.wordnumbering import w as _w

_P, _R, _T = _w("p"), _w("r"), _w("t")
_PPR, _RPR = _w("pPr"), _w("rPr")
_VAL = _w("val")
# Containers whose paragraphs are part of the body, in reading order.
_CONTAINERS = frozenset(_w(t) for t in ("tbl", "tr", "tc", "sdt", "sdtContent", "customXml"))
# Inside a paragraph: text that is not shown (deleted or moved away) or not the paragraph's own.
_SKIPPED = frozenset(
    _w(t) for t in ("del", "moveFrom", "txbxContent", "pPr", "rPr", "footnoteReference")
)
_BREAKS = {_w("br"): "\n", _w("cr"): "\n", _w("tab"): "\t", _w("noBreakHyphen"): "-"}
_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.I)
_TITLE_NAMES = frozenset({"title", "标题"})
_TOC_NAME = re.compile(r"^toc\s*\d|^目录\s*\d", re.I)
_FALSE = ("0", "false", "off", "none")
_STYLE_DEPTH = 20  # a basedOn chain longer than this is a loop


def _on(element: Any) -> bool | None:
    """A toggle property (w:b, w:vanish): None when absent."""
    if element is None:
        return None
    return str(element.get(_VAL, "1")).lower() not in _FALSE


class _Styles:
    """What the document's styles say about bold, headings and numbering, through ``basedOn``."""

    def __init__(self, root: Any) -> None:
        self._by_id: dict[str, Any] = {}
        self.default_paragraph: str | None = None
        # numbering style -> its numbering instance, for definitions that link to such a style
        self.numbering_styles: dict[str, str] = {}
        for style in root.iterchildren(_w("style")) if root is not None else ():
            style_id = str(style.get(_w("styleId")))
            self._by_id[style_id] = style
            kind = style.get(_w("type"))
            if kind == "paragraph" and style.get(_w("default")) in ("1", "true", "on"):
                self.default_paragraph = style_id
            num_id = style.find(f"{_PPR}/{_w('numPr')}/{_w('numId')}")
            if kind == "numbering" and num_id is not None:
                self.numbering_styles[style_id] = str(num_id.get(_VAL))
        self._cache: dict[tuple[str, str], Any] = {}

    def _chain(self, style_id: str | None) -> Iterator[Any]:
        seen: set[str] = set()
        while style_id and style_id not in seen and len(seen) < _STYLE_DEPTH:
            seen.add(style_id)
            style = self._by_id.get(style_id)
            if style is None:
                return
            yield style
            based = style.find(_w("basedOn"))
            style_id = None if based is None else based.get(_VAL)

    def _first(self, style_id: str | None, what: str) -> Any:
        key = (style_id or "", what)
        if key not in self._cache:
            self._cache[key] = next(
                (v for s in self._chain(style_id) if (v := self._look(s, what)) is not None), None
            )
        return self._cache[key]

    @staticmethod
    def _look(style: Any, what: str) -> Any:
        if what == "bold":
            return _on(style.find(f"{_RPR}/{_w('b')}"))
        if what == "numPr":
            return style.find(f"{_PPR}/{_w('numPr')}")
        if what == "outline":
            return style.find(f"{_PPR}/{_w('outlineLvl')}")
        name_node = style.find(_w("name"))
        name = str(name_node.get(_VAL, "")).strip().lower() if name_node is not None else ""
        if what == "toc":
            return True if _TOC_NAME.match(name) else None
        match = _HEADING_NAME.match(name)
        if match:
            return int(match.group(1))
        return 1 if name in _TITLE_NAMES else None

    def bold(self, style_id: str | None) -> bool:
        return bool(self._first(style_id, "bold"))

    def heading_level(self, style_id: str | None) -> int | None:
        outline = self._first(style_id, "outline")
        named = self._first(style_id, "name")
        if outline is not None:
            return _outline_level(outline)
        return int(named) if named is not None else None

    def num_pr(self, style_id: str | None) -> Any:
        return self._first(style_id, "numPr")

    def is_toc(self, style_id: str | None) -> bool:
        return bool(self._first(style_id, "toc"))


def _number(text: Any) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _outline_level(element: Any) -> int | None:
    level = _number(element.get(_VAL))
    return level + 1 if level is not None and 0 <= level < 9 else None  # 9 is body text


def _paragraphs(body: Any) -> Iterator[Any]:
    """The body's paragraphs in reading order, tables row by row and cell by cell (no recursion:
    tables can nest as deep as a hostile file likes)."""
    stack = [iter(body.iterchildren())]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag == _P:
            yield child
        elif child.tag in _CONTAINERS and not _is_toc_block(child):
            stack.append(iter(child.iterchildren()))


def _is_toc_block(element: Any) -> bool:
    gallery = element.find(f"{_w('sdtPr')}/{_w('docPartObj')}/{_w('docPartGallery')}")
    return gallery is not None and "contents" in str(gallery.get(_VAL, "")).lower()


def _runs(paragraph: Any) -> Iterator[Any]:
    """The paragraph's own runs (hyperlinks, fields and insertions included)."""
    stack = [iter(paragraph.iterchildren())]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag == _R:
            yield child
        elif child.tag not in _SKIPPED and child.tag != _P:
            stack.append(iter(child.iterchildren()))


def _run_text(run: Any) -> str:
    parts: list[str] = []
    for child in run.iterchildren():
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag in _BREAKS:
            parts.append(_BREAKS[child.tag])
    return "".join(parts)


class _Reader:
    def __init__(self, document: Any) -> None:
        part = document.part
        self.styles = _Styles(part.styles.element if _has(part, RELATIONSHIP_TYPE.STYLES) else None)
        numbering = None
        if _has(part, RELATIONSHIP_TYPE.NUMBERING):
            numbering = part.part_related_by(RELATIONSHIP_TYPE.NUMBERING).element
        self.numbering = Numbering(numbering)
        self.style_num = self.styles.numbering_styles

    def block(self, p: Any) -> Block | None:
        ppr = p.find(_PPR)
        style_node = ppr.find(_w("pStyle")) if ppr is not None else None
        style = (
            str(style_node.get(_VAL)) if style_node is not None else self.styles.default_paragraph
        )
        if self.styles.is_toc(style):
            return None
        label = self._label(ppr, style)
        base_bold = self.styles.bold(style)
        pieces: list[str] = []
        all_bold, any_text = True, False
        for run in _runs(p):
            rpr = run.find(_RPR)
            if rpr is not None and _on(rpr.find(_w("vanish"))):
                continue
            text = _run_text(run)
            pieces.append(text)
            if text.strip():
                any_text = True
                all_bold = all_bold and self._bold(rpr, base_bold)
        text = "".join(pieces)
        if not text.strip():
            return None
        return Block(label + text.strip(), self._cue(ppr, style, any_text and all_bold))

    def _bold(self, rpr: Any, base: bool) -> bool:
        if rpr is None:
            return base
        direct = _on(rpr.find(_w("b")))
        if direct is not None:
            return direct
        char_style = rpr.find(_w("rStyle"))
        if char_style is not None and self.styles.bold(char_style.get(_VAL)):
            return True
        return base

    def _cue(self, ppr: Any, style: str | None, bold: bool) -> Cue | None:
        outline = ppr.find(_w("outlineLvl")) if ppr is not None else None
        level = _outline_level(outline) if outline is not None else self.styles.heading_level(style)
        if level is not None:
            return heading_cue(level)
        return "bold" if bold else None

    def _label(self, ppr: Any, style: str | None) -> str:
        num_pr = ppr.find(_w("numPr")) if ppr is not None else None
        from_style = num_pr is None
        if from_style:
            num_pr = self.styles.num_pr(style)
        if num_pr is None:
            return ""
        num_id = num_pr.find(_w("numId"))
        ilvl_node = num_pr.find(_w("ilvl"))
        if num_id is None:
            return ""
        key = str(num_id.get(_VAL))
        if key == "0":  # numbering switched off for this paragraph
            return ""
        ilvl = _number(ilvl_node.get(_VAL)) if ilvl_node is not None else None
        if ilvl is None and from_style and style:
            abstract = self.numbering.abstract_of(key, self.style_num)
            ilvl = self.numbering.level_styles.get(abstract or "", {}).get(style)
        return self.numbering.label(key, ilvl or 0, self.style_num)


def _has(part: Any, reltype: str) -> bool:
    return any(rel.reltype == reltype for rel in part.rels.values())


def _read(document: Any, path: Path) -> list[Block]:
    reader = _Reader(document)
    blocks: list[Block] = []
    size = 0
    for p in _paragraphs(document.element.body):
        block = reader.block(p)
        if block is not None:
            blocks.append(block)
            size += len(block.text)
            check_text_size(size, path)
    return blocks


def read_docx(path: Path) -> list[Block]:
    """The blocks of a .docx; ``InputError`` naming the file for anything that is not a sound,
    harmless Word document."""
    data = read_file_bytes(path, max_bytes=DOCX_MAX_BYTES)
    if not data.strip():
        raise InputError("文件是空的", path=path)
    if not data.startswith(b"PK"):
        raise InputError(
            "这不是 .docx 文件（不是 zip 压缩包）；如果是旧版 .doc 或 .wps，请在 Word 或 WPS 中"
            "另存为 .docx 后再试",
            path=path,
        )
    check_archive(data, path)
    try:
        blocks = _read(docx.Document(io.BytesIO(data)), path)
    except InputError:
        raise
    # python-docx has no error type of its own: a broken package shows as KeyError, ValueError,
    # an lxml syntax error, a zip error … any of them means a document that cannot be read.
    except Exception as exc:
        raise InputError(
            f"无法读取 .docx 文件（已损坏或不是 Word 文档：{type(exc).__name__}）", path=path
        ) from exc
    if not blocks:
        raise InputError("文档里没有文字", path=path)
    return blocks
