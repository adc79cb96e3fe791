"""Reading a saved web page (.html, .htm): its main text as blocks, <h1>..<h4> and whole-line
<strong>/<b> as cues, the page furniture left out.

What goes, by its form and never by knowing a site: scripts, styles, forms, frames and media;
<nav>, <aside>, <footer> and <header>; elements whose class or id names them furniture (header,
nav, menu, breadcrumb, share, related, comment, footer …, in English and in the pinyin that
Chinese sites use: xgwz 相关文章, fenxiang 分享 …); and runs of lines that are mostly link text
(menus, lists of related articles). What is left goes through the same noise removal as a
scraped .txt (``drafter.corpus.noise``), which knows toolbars, bylines and footers.

An element that holds the article's <h1> (of several, the one most like the page's <title>), the
title's words or most of the page's text is never dropped for its name: a site may call its
article wrapper "main-side" or put the title in a "head" box. The HTML parser (lexbor, through
selectolax) knows no DTDs, so no entity is ever expanded; a page that declares entities is
refused all the same.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

from drafter.errors import InputError
from drafter.files.decoding import decode_bytes, read_file_bytes
from drafter.formats.blocks import Block, Cue, heading_cue
from drafter.formats.limits import HTML_MAX_BYTES, check_text_size


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SKIP = _names(
    "script style noscript template iframe frame frameset svg math canvas form select button "
    "input textarea object embed video audio map head nav aside footer"
)
# Tags that begin and end a line of text.
_BLOCK = _names(
    "address article blockquote body center dd details dialog div dl dt fieldset figcaption "
    "figure h1 h2 h3 h4 h5 h6 header hr html li main ol p pre section summary table tbody td "
    "tfoot th thead tr ul caption"
)
_BOLD_TAGS = frozenset({"b", "strong"})
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)", re.I)
_FURNITURE = _names(
    "nav navbar navigation menu menus topbar top header head logo banner breadcrumb breadcrumbs "
    "crumb crumbs position location weizhi dqwz footer foot bottom copyright banquan share "
    "sharing fenxiang bdshare print related relate xgwz xgxw xglj xgyd recommend recommended "
    "tuijian rank ranking paihang hot hotnews sidebar comment comments pinglun advert "
    "advertisement ad ads guanggao login search sousuo pagination pager toolbar tools fontsize "
    "zihao qrcode ewm erweima"
)
_TOKEN = re.compile(r"[a-z]+")
_NOT_HAN = re.compile(r"[^\u3400-\u9fff]+")


def _han(text: str) -> int:
    """How many Chinese characters ``text`` holds (dropping the rest is the quick way to count)."""
    return len(_NOT_HAN.sub("", text))


# Whitespace the browser drops: a line break between two Chinese characters (CSS Text 3).
_CJK_BREAK = re.compile(
    r"(?<=[\u3400-\u9fff，。、；：！？）」』”])\s*\n\s*(?=[\u3400-\u9fff（「『“])"
)
_SPACES = re.compile(r"\s+")
_LINKY = 0.6  # a line whose text is this much link text is a link, not prose
_TITLE_SPLIT = re.compile(r"\s*(?:[_|｜]|\s[-—–]\s)\s*")

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_ENTITY_DECLARATION = re.compile(rb"<!DOCTYPE[^>\[]*\[[^\]]*<!ENTITY", re.I)
# What browsers decode these labels as (the WHATWG Encoding Standard): GB2312 and GBK pages are
# GB18030, Big5 pages Big5-HKSCS. Other labels are only trusted for multi-byte encodings.
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs"}
_TRUSTED = frozenset({"utf-8", "gb18030", "big5hkscs", "euc_jp", "shift_jis", "euc_kr"})


def _declared_codec(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    label = match.group(1).decode("ascii", "replace").lower()
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None
    return _ALIASES.get(codec, codec)


def decode_page(data: bytes, path: Path) -> str:
    """The page's text: by its BOM, then its <meta charset> (or http-equiv), then by detection."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, "replace")
    declared = _declared_codec(data)
    if declared in _TRUSTED:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass  # a page that lies about its encoding: the bytes decide
    return decode_bytes(data, str(path))


class _Line:
    """A line being gathered: its text pieces, and how much of it is bold and linked."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.plain = 0  # characters of visible text outside <b>/<strong>
        self.chars = 0
        self.han = 0
        self.linked = 0

    def add(self, text: str, bold: bool, link: bool) -> None:
        self.pieces.append(text)
        visible = len(text) - text.count(" ")
        self.chars += visible
        self.plain += 0 if bold else visible
        # Link density counts Chinese characters: a related article's date beside its linked
        # title does not make the line prose.
        self.han += (han := _han(text))
        self.linked += han if link else 0


def _page_title(tree: LexborHTMLParser) -> str | None:
    """The page's <title> without the site's name after it ("标题_栏目_网站")."""
    node = tree.css_first("title")
    text = node.text(deep=True).strip() if node is not None else ""
    if not text:
        return None
    return _TITLE_SPLIT.split(text)[0].strip() or None


def _main_h1(tree: LexborHTMLParser, title: str | None) -> LexborNode | None:
    """The <h1> that holds the article's title: of several (a site's logo is often one), the one
    sharing most characters with the page's <title>."""
    found = [h for h in tree.css("h1") if h.text(deep=True).strip()]
    if not title or len(found) < 2:
        return found[0] if found else None
    wanted = set(title)
    return max(found, key=lambda h: len(wanted & set(h.text(deep=True))))


class _Extractor:
    def __init__(self, tree: LexborHTMLParser, title: str | None) -> None:
        self.tree = tree
        body = tree.body
        self.total = _han(body.text(deep=True)) if body is not None else 0
        self.h1 = _main_h1(tree, title)
        self.title = title
        self.lines: list[tuple[str, Cue | None, bool]] = []  # text, cue, mostly links
        self._line = _Line()
        self._heading: Cue | None = None

    def keep(self, node: LexborNode) -> bool:
        tag = node.tag or ""
        if tag in _SKIP:
            return False
        names = f"{node.attributes.get('class') or ''} {node.id or ''}".lower()
        if tag != "header" and not (names.strip() and _FURNITURE & set(_TOKEN.findall(names))):
            return True
        return self._essential(node)

    def _essential(self, node: LexborNode) -> bool:
        """Whether ``node`` holds the page's <h1>, its title, or most of its text."""
        if self.h1 is not None and any(n.mem_id == self.h1.mem_id for n in node.css("h1")):
            return True
        text = node.text(deep=True)
        if self.title and len(self.title) >= 4 and self.title in text:
            return True
        return _han(text) * 2 > self.total

    def flush(self) -> None:
        line = self._line
        if line.pieces:
            text = "".join(line.pieces)
            text = "\n".join(_SPACES.sub(" ", t).strip() for t in text.split("\n"))
            text = text.strip()
            if text:
                cue = self._heading or ("bold" if line.chars and not line.plain else None)
                self.lines.append((text, cue, line.han > 0 and line.linked >= line.han * _LINKY))
        self._line = _Line()

    def run(self, root: LexborNode) -> None:
        stack: list[tuple[LexborNode, bool, bool, bool]] = [(root, False, False, False)]
        while stack:
            node, leaving, bold, link = stack.pop()
            tag = node.tag or ""
            if node.is_text_node:
                text = _CJK_BREAK.sub("", node.text_content or "")
                self._line.add(text.replace("\n", " "), bold, link)
                continue
            if leaving:
                if tag in _BLOCK:
                    self.flush()
                    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                        self._heading = None
                continue
            if tag == "br":
                self._line.pieces.append("\n")
                continue
            if not node.is_element_node or not self.keep(node):
                continue
            if tag in _BLOCK:
                self.flush()
                if tag[:1] == "h" and tag[1:].isdigit():
                    self._heading = heading_cue(int(tag[1:]))
            bold = (
                bold
                or tag in _BOLD_TAGS
                or bool(_BOLD_STYLE.search(node.attributes.get("style") or ""))
            )
            link = link or (tag == "a" and "href" in node.attributes)
            stack.append((node, True, bold, link))
            children = list(node.iter(include_text=True))
            stack.extend((c, False, bold, link) for c in reversed(children))
        self.flush()


def _drop_link_runs(lines: list[tuple[str, Cue | None, bool]]) -> Iterator[tuple[str, Cue | None]]:
    """Lines that are not part of a run of link lines (a menu, a list of related articles); a
    lone link line among prose stays, for the noise removal to judge."""
    n = len(lines)
    for i, (text, cue, linky) in enumerate(lines):
        near = (i > 0 and lines[i - 1][2]) or (i + 1 < n and lines[i + 1][2])
        if linky and (near or (cue is None and len(text) <= 12)):
            continue
        yield text, cue


def html_blocks(text: str) -> list[Block]:
    """The main text of a page already decoded, as blocks."""
    tree = LexborHTMLParser(text)
    title = _page_title(tree)
    extractor = _Extractor(tree, title)
    root = tree.body or tree.root
    if root is not None:
        extractor.run(root)
    blocks = [Block(t, cue) for t, cue in _drop_link_runs(extractor.lines)]
    if extractor.h1 is None and title and not any(title in b.text for b in blocks[:8]):
        blocks.insert(0, Block(title, "h1"))
    return blocks


def read_html(path: Path) -> list[Block]:
    """The blocks of a saved web page; ``InputError`` naming the file when it cannot be read."""
    data = read_file_bytes(path, max_bytes=HTML_MAX_BYTES)
    if _ENTITY_DECLARATION.search(data[:65536]):
        raise InputError(
            "网页在 DOCTYPE 中声明了实体（<!ENTITY>），疑为实体炸弹，拒绝读取", path=path
        )
    blocks = html_blocks(decode_page(data, path))
    check_text_size(sum(len(b.text) for b in blocks), path)
    if not blocks:
        raise InputError("网页里没有正文文字", path=path)
    return blocks
