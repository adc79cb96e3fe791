"""What each reader takes from its format and what it leaves out: Word's numbering, styles, tables
and the parts that are not body text; a page's encoding, cues and furniture; markdown's markup;
a PDF's lines, running heads and missing text layer; and the cues reaching ``Chunk.cues``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from drafter.corpus.noise import clean_lines
from drafter.corpus.parse import parse_file, split_blocks
from drafter.formats import SUFFIXES, Block, read_blocks
from drafter.formats.markdown import markdown_blocks
from drafter.formats.webpage import html_blocks
from drafter.formats.wordnumbering import format_number
from tests.corpus.test_input_errors import SPEECH_TRADITIONAL
from tests.formats.test_round_trip import SPEECH_NUMBERED
from tests.formats.writers import write_docx, write_html, write_md, write_pdf

TITLE = "在全市文化建设工作会议上的讲话"


def texts(blocks: list[Block]) -> list[str]:
    return [b.text for b in blocks]


# ── Word ───────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("value", "fmt", "drawn"),
    [
        (1, "chineseCounting", "一"),
        (11, "chineseCounting", "十一"),
        (20, "chineseCountingThousand", "二十"),
        (10, "japaneseCounting", "十"),
        (3, "ideographTraditional", "丙"),
        (2, "ideographZodiac", "丑"),
        (3, "chineseLegalSimplified", "叁"),
        (12, "ideographDigital", "一二"),
        (3, "decimalEnclosedCircle", "③"),
        (4, "upperRoman", "IV"),
        (9, "lowerRoman", "ix"),
        (28, "upperLetter", "BB"),
        (2, "lowerLetter", "b"),
        (7, "decimalZero", "07"),
        (12, "decimal", "12"),
    ],
)
def test_word_number_formats(value: int, fmt: str, drawn: str) -> None:
    assert format_number(value, fmt) == drawn


def _abstract(levels: str, abstract_id: int = 50) -> Any:
    return parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">{levels}</w:abstractNum>'
    )


def _lvl(ilvl: int, fmt: str, text: str, start: int = 1, suff: str = "nothing") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:suff w:val="{suff}"/></w:lvl>'
    )


def _numbered_docx(
    path: Path, levels: str, items: list[tuple[str, int, str]], overrides: str = ""
) -> Path:
    """A .docx whose paragraphs (text, level, numId) use one numbering definition; numId "51"
    is a second instance of it, with ``overrides`` (lvlOverride elements)."""
    document = docx.Document()
    root = document.part.numbering_part.element
    root.find(qn("w:num")).addprevious(_abstract(levels))
    for num_id, extra in (("50", ""), ("51", overrides)):
        root.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="50"/>'
                f"{extra}</w:num>"
            )
        )
    for text, level, num_id in items:
        p = document.add_paragraph(text)
        p._p.get_or_add_pPr().append(
            parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/>'
                f'<w:numId w:val="{num_id}"/></w:numPr>'
            )
        )
    document.save(str(path))
    return path


def test_word_numbering_counts_levels_and_restarts(tmp_path: Path) -> None:
    levels = (
        _lvl(0, "chineseCounting", "%1、")
        + _lvl(1, "chineseCounting", "（%2）")
        + _lvl(2, "decimal", "%3.", suff="tab")
        + _lvl(3, "decimalEnclosedParen", "%4")
        + _lvl(4, "bullet", "•")
    )
    restart = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
    items = [
        ("甲部分", 0, "50"),
        ("子项", 1, "50"),
        ("子项", 1, "50"),
        ("细项", 2, "50"),
        ("细项", 2, "50"),
        ("小项", 3, "50"),
        ("要点", 4, "50"),
        ("乙部分", 0, "50"),
        ("子项", 1, "50"),
        ("新一篇", 0, "51"),  # a second instance with a restart: 一 again
        ("接着", 0, "50"),  # the first instance goes on from the shared counter
    ]
    path = _numbered_docx(tmp_path / "n.docx", levels, items, restart)
    assert texts(read_blocks(path)) == [
        "一、甲部分",
        "（一）子项",
        "（二）子项",
        "1. 细项",
        "2. 细项",
        "（1）小项",
        "要点",
        "二、乙部分",
        "（一）子项",
        "一、新一篇",
        "二、接着",
    ]


def test_word_numbering_multilevel_labels_and_start(tmp_path: Path) -> None:
    levels = _lvl(0, "decimal", "第%1条", start=3) + _lvl(1, "decimal", "%1.%2", suff="space")
    items = [("总则", 0, "50"), ("目的", 1, "50"), ("依据", 1, "50"), ("附则", 0, "50")]
    path = _numbered_docx(tmp_path / "m.docx", levels, items)
    assert texts(read_blocks(path)) == ["第3条总则", "3.1 目的", "3.2 依据", "第4条附则"]


def test_a_level_told_never_to_restart_goes_on_under_a_new_part(tmp_path: Path) -> None:
    never = '<w:lvlRestart w:val="0"/>'
    levels = _lvl(0, "chineseCounting", "%1、") + _lvl(1, "decimal", "%2.", suff="space")
    levels = levels.replace('<w:lvlText w:val="%2."/>', f'<w:lvlText w:val="%2."/>{never}')
    items = [("甲", 0, "50"), ("子", 1, "50"), ("乙", 0, "50"), ("丑", 1, "50")]
    path = _numbered_docx(tmp_path / "r.docx", levels, items)
    assert texts(read_blocks(path)) == ["一、甲", "1. 子", "二、乙", "2. 丑"]


def test_heading_styles_outline_levels_and_bold_are_cues(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("标题", level=0)
    document.add_heading("一级", level=1)
    document.add_heading("三级", level=3)
    document.add_heading("五级", level=5)
    p = document.add_paragraph("大纲级别二")
    p._p.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="1"/>'))
    styles = document.styles
    custom = styles.add_style("要点标题", 1)
    custom.base_style = styles["Normal"]
    custom.element.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="3"/>'))
    document.add_paragraph("样式大纲级别四", style="要点标题")
    document.add_paragraph().add_run("全部加粗").bold = True
    mixed = document.add_paragraph()
    mixed.add_run("部分加粗").bold = True
    mixed.add_run("部分不加粗")
    document.add_paragraph().add_run("强调字符样式", style="Strong")
    bold_style = styles.add_style("粗体段落", 1)
    bold_style.font.bold = True
    document.add_paragraph("段落样式加粗", style="粗体段落")
    document.add_paragraph("正文")
    path = tmp_path / "cues.docx"
    document.save(str(path))
    assert [(b.text, b.cue) for b in read_blocks(path)] == [
        ("标题", "h1"),
        ("一级", "h1"),
        ("三级", "h3"),
        ("五级", None),
        ("大纲级别二", "h2"),
        ("样式大纲级别四", "h4"),
        ("全部加粗", "bold"),
        ("部分加粗部分不加粗", None),
        ("强调字符样式", "bold"),
        ("段落样式加粗", "bold"),
        ("正文", None),
    ]


def test_tables_read_row_by_row_and_what_is_not_body_text_is_left_out(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("表前")
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"格{r}{c}"
    table.cell(1, 1).add_table(rows=1, cols=1).cell(0, 0).text = "嵌套"
    kept = document.add_paragraph("批注所在")
    document.add_comment(kept.runs, text="这是批注", author="审稿人")
    hidden = document.add_paragraph("可见")
    hidden.add_run("隐藏").font.hidden = True
    deleted = document.add_paragraph("保留")
    deleted._p.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="1" w:author="a"><w:r><w:delText>删除</w:delText>'
            "</w:r></w:del>"
        )
    )
    toc = document.styles.add_style("toc 1", 1)
    document.add_paragraph("一、目录行\t3", style=toc)
    section = document.sections[0]
    section.header.paragraphs[0].text = "页眉"
    section.footer.paragraphs[0].text = "页脚"
    document.add_paragraph("表后")
    path = tmp_path / "t.docx"
    document.save(str(path))
    assert texts(read_blocks(path)) == [
        "表前",
        "格00",
        "格01",
        "格10",
        "格11",
        "嵌套",
        "批注所在",
        "可见",
        "保留",
        "表后",
    ]


def test_the_written_docx_holds_no_numbers_and_reads_them_back(tmp_path: Path) -> None:
    """The round trip tests Word's numbering for real: the numbers are not in the file's text."""
    path = write_docx(tmp_path / "s.docx", SPEECH_NUMBERED, [TITLE])
    raw = [p.text for p in docx.Document(str(path)).paragraphs]
    assert "加强思想引领，筑牢共同思想基础" in raw and "强化理论武装" in raw
    assert not any(t.startswith(("一、", "（一）")) for t in raw)
    read = texts(read_blocks(path))
    assert "一、加强思想引领，筑牢共同思想基础" in read
    assert read.count("（一）强化理论武装") == 1 and "（二）推动融合发展" in read


# ── cues through the parser ────────────────────────────────────────────────────────────────


def test_cues_reach_the_chunks_parallel_to_the_body(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "s.docx", SPEECH_NUMBERED, [TITLE])
    (chunk,) = split_blocks(read_blocks(path))
    assert chunk.title == TITLE
    assert len(chunk.cues) == len(chunk.body)
    cues = dict(zip(chunk.body, chunk.cues, strict=True))
    assert cues["一、加强思想引领，筑牢共同思想基础"] == "h2"
    assert cues["（一）强化理论武装"] == "bold"
    assert cues[chunk.body[0]] is None


def test_text_without_cues_gives_chunks_without_cues(seeds_dir: Path) -> None:
    path = seeds_dir / "000_16ff8d5d1e840d54.txt"
    chunks = split_blocks(read_blocks(path))
    assert chunks and all(c.cues == [] for c in chunks)


def test_a_rejoined_line_keeps_the_first_lines_cue() -> None:
    paras = clean_lines(
        "一、加强学习\n，提高本领\n正文一句。\n二、改进作风", {1: "h2", 2: "bold", 4: "h2"}
    )
    assert [(p.text, p.cue) for p in paras] == [
        ("一、加强学习，提高本领", "h2"),
        ("正文一句。", None),
        ("二、改进作风", "h2"),
    ]


def test_block_line_breaks_carry_the_cue_to_the_first_line_only() -> None:
    blocks = [
        Block(TITLE, "h1"),
        Block("同志们：\r\n今天开会。"),
        Block("一、总结\u2028成绩", "h2"),
    ]
    (chunk,) = split_blocks([*blocks, Block("正文。")])
    assert chunk.body == ["同志们：", "今天开会。", "一、总结", "成绩", "正文。"]
    assert chunk.cues == [None, None, "h2", None, None]


# ── web pages ──────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("encoding", "meta"),
    [("utf-8", True), ("gbk", True), ("gb18030", False), ("big5", True), ("utf-16", False)],
)
def test_a_page_is_decoded_by_its_bom_meta_or_detection(
    tmp_path: Path, encoding: str, meta: bool
) -> None:
    text, title = SPEECH_NUMBERED, TITLE
    if encoding == "big5":  # Big5 holds traditional characters only
        text, title = SPEECH_TRADITIONAL, SPEECH_TRADITIONAL.splitlines()[0]
    path = write_html(tmp_path / "p.html", text, [title], encoding=encoding, meta=meta)
    (doc,) = parse_file(path)
    assert doc.title == TITLE and len(doc.parts) == 3


def test_http_equiv_charset_and_a_page_that_lies_about_it(tmp_path: Path) -> None:
    body = f"<h1>{TITLE}</h1><p>同志们：今天开会，讲三点意见。</p>"
    declared = tmp_path / "declared.htm"
    declared.write_bytes(
        b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        + f"</head><body>{body}</body></html>".encode("gb18030")
    )
    lying = tmp_path / "lying.html"
    lying.write_bytes(
        b'<html><head><meta charset="gbk"></head><body>' + body.encode() + b"</body></html>"
    )
    for path in (declared, lying):
        assert texts(read_blocks(path))[0] == TITLE


def test_page_cues_breaks_and_furniture() -> None:
    page = """<html><head><title>网页标题_某网站</title><script>var x = "脚本文字";</script></head>
    <body><nav><a href="/">首页</a><a href="/a">栏目</a></nav>
    <div class="main-side"><h1>主标题</h1><h2>二级</h2><h4>四级</h4><h5>五级</h5>
    <p><strong>整行加粗</strong></p><p><b>部分</b>加粗</p>
    <p><span style="font-weight: bold">样式加粗</span></p>
    <p>第一行<br>第二行</p><p>中文
    换行</p>
    <ul class="xgwz"><li><a href="/1">相关一</a></li><li><a href="/2">相关二</a></li></ul>
    <ul><li><a href="/3">链接列表一</a></li><li><a href="/4">链接列表二</a></li></ul>
    <p>正文里有<a href="/law">一部法律</a>的名称。</p></div>
    <footer>版权所有</footer><style>.x{}</style></body></html>"""
    assert [(b.text, b.cue) for b in html_blocks(page)] == [
        ("主标题", "h1"),
        ("二级", "h2"),
        ("四级", "h4"),
        ("五级", None),
        ("整行加粗", "bold"),
        ("部分加粗", None),
        ("样式加粗", "bold"),
        ("第一行\n第二行", None),
        ("中文换行", None),
        ("正文里有一部法律的名称。", None),
    ]


def test_a_page_without_h1_takes_its_title_from_title() -> None:
    page = "<html><head><title>某某讲话 - 某某网</title></head><body><p>正文。</p></body></html>"
    assert [(b.text, b.cue) for b in html_blocks(page)] == [("某某讲话", "h1"), ("正文。", None)]


def test_deeply_nested_html_does_not_overflow() -> None:
    page = "<div>" * 20000 + "深处的文字。" + "</div>" * 20000
    assert texts(html_blocks(page)) == ["深处的文字。"]


# ── markdown ───────────────────────────────────────────────────────────────────────────────


MARKDOWN = """---
title: 元数据
---
# 主标题

## 一、第一部分

**一是加强学习。**要*认真*学习[文件](http://example.com/a)和![图片](a.png)。

**整行加粗**

- 列表项一
* 列表项二

3. 第三项
4. 第四项

> 引用的话

```
代码块文字
```

<div>网页<b>标签</b></div>

正文用 `代码` 和 ~~删除线~~，\\*星号\\*与 \\# 号。
第二行
"""


def test_markdown_cues_and_no_markup_left() -> None:
    blocks = markdown_blocks(MARKDOWN)
    assert [(b.text, b.cue) for b in blocks] == [
        ("主标题", "h1"),
        ("一、第一部分", "h2"),
        ("一是加强学习。要认真学习文件和。", None),
        ("整行加粗", "bold"),
        ("列表项一", None),
        ("列表项二", None),
        ("3. 第三项", None),
        ("4. 第四项", None),
        ("引用的话", None),
        ("代码块文字", None),
        ("网页标签", None),
        ("正文用 代码 和 删除线，*星号*与 # 号。", None),
        ("第二行", None),
    ]
    joined = "".join(b.text for b in blocks)
    for mark in ("**", "](", "![", "```", "<div", "> ", "- ", "title:"):
        assert mark not in joined


# ── PDF ────────────────────────────────────────────────────────────────────────────────────


def test_pdf_lines_become_paragraphs_without_running_heads(tmp_path: Path) -> None:
    text = "\n".join([TITLE, *(SPEECH_NUMBERED.splitlines()[1:] * 3)])
    path = write_pdf(tmp_path / "long.pdf", text, [TITLE])
    blocks = read_blocks(path)
    joined = "\n".join(b.text for b in blocks)
    assert "某市人民政府办公室文件" not in joined
    assert not any(b.text.strip("- 0123456789") == "" for b in blocks)
    assert blocks[0] == Block(TITLE, "h1")
    assert texts(blocks)[1:] == [line for line in text.splitlines()[1:] if line.strip()]


def test_pdf_without_indents_ends_paragraphs_at_full_stops(tmp_path: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "flush.pdf"
    page = canvas.Canvas(str(path))
    page.setFont("STSong-Light", 12)
    lines = ["第一段的第一行文字写满了一整行，没有缩进，", "第一段的第二行写到这里结束了全部内容。"]
    lines += ["第二段的第一行文字同样写满了一整行的，", "第二段没有句号结尾的短行"]
    for k, line in enumerate(lines):
        page.drawString(72, 700 - 18 * k, line)
    page.save()
    assert texts(read_blocks(path)) == [lines[0] + lines[1], lines[2] + lines[3]]


def test_pdf_page_numbers_in_other_forms_go(tmp_path: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "numbers.pdf"
    page = canvas.Canvas(str(path))
    body = ("首先讲第一个问题。", "接着讲第二个问题。", "最后讲第三个问题。")
    for text, label in zip(body, ("第 1 页 共 3 页", "2/3", "— 3 —"), strict=True):
        page.setFont("STSong-Light", 12)
        page.drawString(72, 700, text)
        page.drawString(280, 40, label)
        page.showPage()
    page.save()
    assert texts(read_blocks(path)) == list(body)


# ── dispatch ───────────────────────────────────────────────────────────────────────────────


def test_every_format_is_listed_and_an_unknown_suffix_is_read_as_text(tmp_path: Path) -> None:
    assert {".txt", ".docx", ".html", ".htm", ".md", ".pdf"} <= set(SUFFIXES)
    path = tmp_path / "speech.text"
    path.write_text(SPEECH_NUMBERED, encoding="utf-8")
    (doc,) = parse_file(path)
    assert doc.title == TITLE


@pytest.mark.parametrize("suffix", [".DOCX", ".Html", ".MD", ".PDF"])
def test_suffixes_are_matched_whatever_their_case(tmp_path: Path, suffix: str) -> None:
    writers = {".docx": write_docx, ".html": write_html, ".md": write_md, ".pdf": write_pdf}
    path = writers[suffix.lower()](tmp_path / f"speech{suffix}", SPEECH_NUMBERED, [TITLE])
    (doc,) = parse_file(path)
    assert doc.title == TITLE and len(doc.parts) == 3


# ── mining ─────────────────────────────────────────────────────────────────────────────────


def test_mining_reads_every_format_and_no_markup_reaches_the_bank(tmp_path: Path) -> None:
    from drafter.mining.miner import mine
    from tests.formats.test_round_trip import SPEECH_DECIMAL
    from tests.formats.writers import FURNITURE_WORDS

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    write_docx(seeds / "a.docx", SPEECH_NUMBERED, [TITLE])
    write_html(seeds / "b.html", SPEECH_DECIMAL)
    write_md(seeds / "c.md", SPEECH_NUMBERED.replace("文化", "教育"))
    write_pdf(seeds / "d.pdf", SPEECH_NUMBERED.replace("文化", "科技"), header=None)
    (seeds / "e.doc").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(64))
    report = mine(seeds, tmp_path / "bank")
    assert report.speeches == 5
    assert [f.source for f in report.failures] == [str(seeds / "e.doc")]
    bank = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "bank").glob("*.yaml"))
    assert "在全县防汛工作会议上的讲话" in bank and "推动科技产业高质量发展" in bank
    for mark in ("**", "<p", "</", "](", "&lt;", "&amp;", *FURNITURE_WORDS):
        assert mark not in bank


def test_a_sites_logo_in_an_h1_is_not_taken_for_the_title() -> None:
    page = f"""<html><head><title>{TITLE}_某市人民政府</title></head><body>
    <div class="header"><h1><a href="/">某市人民政府门户网站</a></h1></div>
    <div class="article"><h1>{TITLE}</h1><p>同志们：今天开会。</p></div></body></html>"""
    assert [(b.text, b.cue) for b in html_blocks(page)] == [
        (TITLE, "h1"),
        ("同志们：今天开会。", None),
    ]
