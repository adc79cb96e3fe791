"""Writing a plain-text speech as .docx, .html, .md and .pdf, the way people and sites make them.

Each line of the text is one paragraph. Lines numbered "一、", "（一）" or "1." lose their number
in the .docx and get it back from Word's automatic numbering (one multi-level list, restarted
where the text starts again at one); titles take Word's heading styles, part headings a heading
style or <h2>/"##", short sub-point lines bold. The web page is wrapped in a site's furniture
(menu, breadcrumb, toolbar, related articles, footer, scripts), the PDF has a running header and
page numbers. Nothing here is read back by the code under test except through its files.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from drafter.corpus.segment import is_title_like
from drafter.text.numbering import find_marker

# The families automatic numbering writes, as levels of one list: format and label text.
LEVELS = {"一、": 0, "（一）": 1, "1.": 2}
_ABSTRACT = f"""<w:abstractNum {nsdecls("w")} w:abstractNumId="77">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
    <w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
    <w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>"""


def speech_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class WordList:
    """One automatic multi-level list in a document; a new instance restarts a level."""

    def __init__(self, document: Any) -> None:
        self.root = document.part.numbering_part.element
        abstract = parse_xml(_ABSTRACT)
        first = self.root.find(qn("w:num"))
        if first is not None:
            first.addprevious(abstract)  # the schema puts every abstractNum before the nums
        else:
            self.root.append(abstract)
        self.next_id = 700
        self.num_id = ""
        self.counts = [0, 0, 0]

    def _restart(self, level: int, value: int) -> None:
        self.next_id += 1
        self.num_id = str(self.next_id)
        self.root.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{self.num_id}"><w:abstractNumId w:val="77"/>'
                f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{value}"/>'
                "</w:lvlOverride></w:num>"
            )
        )
        self.counts[level] = value - 1

    def number(self, paragraph: Any, level: int, value: int) -> None:
        """Give ``paragraph`` the number ``value`` at ``level``, restarting where needed."""
        if not self.num_id or self.counts[level] + 1 != value:
            self._restart(level, value)
        self.counts[level] += 1
        for deeper in range(level + 1, len(self.counts)):
            self.counts[deeper] = 0
        p_pr = paragraph._p.get_or_add_pPr()
        p_pr.append(
            parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/>'
                f'<w:numId w:val="{self.num_id}"/></w:numPr>'
            )
        )


def write_docx(path: Path, text: str, titles: Iterable[str] = ()) -> Path:
    """The speech as a .docx: titles in Heading 1, numbered lines automatically numbered, part
    headings in Heading 2, short sub-point lines bold; a header and a footer that are no text."""
    document = docx.Document()
    numbering = WordList(document)
    title_set = set(titles)
    for line in speech_lines(text):
        marker = find_marker(line)
        level = LEVELS.get(marker.family) if marker is not None else None
        body = line[marker.end :] if marker is not None and level is not None else line
        if line in title_set:
            paragraph = document.add_heading(line, level=1)
        elif level == 0 and is_title_like(body):
            paragraph = document.add_heading(body, level=2)
        else:
            paragraph = document.add_paragraph()
            paragraph.add_run(body).bold = (level is not None and is_title_like(body)) or None
        if marker is not None and level is not None and body:
            numbering.number(paragraph, level, marker.value)
    section = document.sections[0]
    section.header.paragraphs[0].text = "页眉：某市人民政府办公室"
    section.footer.paragraphs[0].text = "页脚：第 1 页"
    document.save(str(path))
    return path


_FURNITURE_TOP = """<div class="header"><div class="nav"><ul><li><a href="/">首页</a></li>
<li><a href="/gk">政务公开</a></li><li><a href="/fw">政务服务</a></li><li><a href="/hd">互动交流</a></li>
</ul></div></div>
<div class="BreadcrumbNav"><a href="/">首页</a> &gt; <a href="/ldjh">领导讲话</a> &gt; 正文</div>"""
_FURNITURE_BOTTOM = """<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
<div class="related"><h3>相关文章</h3><ul>
<li><a href="/1.html">市政府召开常务会议研究部署近期重点工作</a><span>2026-01-10</span></li>
<li><a href="/2.html">全市经济工作会议召开</a><span>2026-01-11</span></li>
<li><a href="/3.html">关于做好春节期间有关工作的通知</a><span>2026-01-12</span></li></ul></div>
<div class="footer"><p>主办：某市人民政府办公室 承办：某市大数据中心</p>
<p>网站标识码：1100000001 京ICP备05003423号</p></div>
<script>document.write("<p>欢迎访问某市人民政府门户网站</p>");</script>"""
# Words of the furniture above that must not reach any parsed document.
FURNITURE_WORDS = ("政务服务", "互动交流", "全市经济工作会议召开", "京ICP备", "欢迎访问", "分享到")


def write_html(
    path: Path, text: str, titles: Iterable[str] = (), encoding: str = "utf-8", meta: bool = True
) -> Path:
    """The speech as a saved web page in a site's frame: titles <h1>, part headings <h2>,
    short sub-point lines whole-line <strong>."""
    title_set = set(titles)
    body = []
    for line in speech_lines(text):
        marker = find_marker(line)
        safe = html.escape(line, quote=False)
        rest = line[marker.end :] if marker is not None else ""
        if line in title_set:
            body.append(f"<h1>{safe}</h1>")
        elif marker is not None and marker.family == "一、" and is_title_like(rest):
            body.append(f"<h2>{safe}</h2>")
        elif marker is not None and is_title_like(rest):
            body.append(f"<p><strong>{safe}</strong></p>")
        else:
            body.append(f'<p style="text-indent: 2em;">{safe}</p>')
    charset = f'<meta charset="{encoding}">' if meta else ""
    page = (
        f"<!DOCTYPE html><html><head>{charset}<title>讲话_某市人民政府</title>"
        "<style>.nav{color:red}</style></head><body>"
        f'{_FURNITURE_TOP}<div class="article"><div class="content">{"".join(body)}</div></div>'
        f"{_FURNITURE_BOTTOM}</body></html>"
    )
    path.write_bytes(page.encode(encoding, "xmlcharrefreplace"))
    return path


_MD_START = ("#", "-", "+", "*", ">", "=", "|", "~")


def md_escape(line: str) -> str:
    """A line of plain text as markdown that renders as that text."""
    for char in "\\`*_[]<>&~|":
        line = line.replace(char, "\\" + char)
    if line.startswith(_MD_START):
        line = "\\" + line
    digits = len(line) - len(line.lstrip("0123456789"))
    if 0 < digits <= 9 and line[digits : digits + 1] in (".", ")"):
        line = line[:digits] + "\\" + line[digits:]
    return line


def write_md(path: Path, text: str, titles: Iterable[str] = ()) -> Path:
    """The speech as markdown: titles "#", part headings "##", short sub-point lines **bold**."""
    title_set = set(titles)
    out = []
    for line in speech_lines(text):
        marker = find_marker(line)
        safe = md_escape(line)
        rest = line[marker.end :] if marker is not None else ""
        if line in title_set:
            out.append(f"# {safe}")
        elif marker is not None and marker.family == "一、" and is_title_like(rest):
            out.append(f"## {safe}")
        elif marker is not None and is_title_like(rest):
            out.append(f"**{safe}**")
        else:
            out.append(safe)
    path.write_text("\n\n".join(out) + "\n", encoding="utf-8")
    return path


def write_pdf(
    path: Path, text: str, titles: Iterable[str] = (), header: str | None = "某市人民政府办公室文件"
) -> Path:
    """The speech as a PDF with a text layer (reportlab's built-in Chinese font): titles larger,
    paragraphs indented two characters, a running header and "- N -" page numbers."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle(
        "body", fontName="STSong-Light", fontSize=12, leading=20, firstLineIndent=24
    )
    body.wordWrap = "CJK"
    title = ParagraphStyle("title", parent=body, fontSize=18, leading=28, firstLineIndent=0)
    title.alignment = 1

    def decorate(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("STSong-Light", 9)
        if header:
            canvas.drawCentredString(A4[0] / 2, A4[1] - 30, header)
        canvas.drawCentredString(A4[0] / 2, 25, f"- {doc.page} -")
        canvas.restoreState()

    title_set = set(titles)
    story = [
        Paragraph(escape(line), title if line in title_set else body) for line in speech_lines(text)
    ]
    SimpleDocTemplate(str(path), pagesize=A4).build(
        story, onFirstPage=decorate, onLaterPages=decorate
    )
    return path
