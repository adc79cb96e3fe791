"""Word output (.docx): the GB/T 9704 layout read back with python-docx, style profiles (the
default, a custom one, partial ones, broken ones), reproducible bytes, and every CLI path that
writes a .docx (`draft`, `new --script`, `batch`).

Every file is written under ``tmp_path`` (the current directory there too for the CLI tests).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.shared import Length, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from typer.testing import CliRunner, Result

from drafter import DraftRequest, draft_outline
from drafter.cli.app import app
from drafter.drafting.composer import compose
from drafter.drafting.index import load_index
from drafter.drafting.model import Draft
from drafter.errors import UsageError
from drafter.output.style import Font, StyleProfile, load_style
from drafter.output.templates import render_file
from drafter.output.word import check_fonts, render_docx
from drafter.text.numerals import int_to_chinese
from drafter.workflow.batch import default_seed
from tests.conftest import DATA, ROOT

BANK = ROOT / "phrasebank"
THEME = "激励干部担当作为"
CUSTOM = DATA / "docx" / "custom.yaml"
SPEAKER, ORGANISATION = "张三", "某某局"
MANIFEST = "manifest.json"
# Wide output, and no colours whatever the outer environment says.
ENV: dict[str, str | None] = {
    "COLUMNS": "240",
    "NO_COLOR": "1",
    "FORCE_COLOR": None,
    "TTY_COMPATIBLE": None,
}
HEADING1 = re.compile(r"^([一二三四五六七八九十]+)、")
HEADING2 = re.compile(r"^（([一二三四五六七八九十]+)）")
HEADING3 = re.compile(r"^(\d+)\. ")
SOURCES_HEADING = "附：素材来源"
# The order of a w:rPr's children (ECMA-376 Part 1, CT_RPr / EG_RPrBase).
RPR_ORDER = (
    *("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike"),
    *("outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden"),
    *("color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect"),
    *("bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout"),
    *("specVanish", "oMath"),
)


# ── helpers ──────────────────────────────────────────────────────────────────────────────────


def request(**changes: Any) -> DraftRequest:
    """Four parts of three points, seed 1, with a byline (what the issue asks to check)."""
    base = DraftRequest(
        THEME, parts=4, points=3, seed=1, speaker=SPEAKER, organisation=ORGANISATION
    )
    return dataclasses.replace(base, **changes)


def open_docx(data: bytes) -> DocumentObject:
    return docx.Document(io.BytesIO(data))


def run(*args: str, stdin: str | None = None) -> Result:
    result = CliRunner().invoke(app, list(args), input=stdin, env=ENV)
    # Anything but a clean exit through typer.Exit/SystemExit is a crash.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.stdout + result.stderr
    return result


def mm(value: Length | None) -> float:
    assert value is not None
    return float(value.mm)


def fonts_of(item: Run) -> dict[str, str | None]:
    """The run's w:rFonts attributes that say which font Word uses."""
    r_pr = item._element.rPr
    assert r_pr is not None, item.text
    fonts = r_pr.rFonts
    assert fonts is not None, item.text
    return {a: fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "cs", "eastAsia", "hint")}


# Chinese punctuation a Latin font has too: always drawn in the Chinese font.
WIDE = re.compile("[“”‘’—―…·]")


def wanted_fonts(font: str, latin: str | None, text: str = "") -> dict[str, str | None]:
    west = font if latin is None or WIDE.search(text) else latin
    return {"ascii": west, "hAnsi": west, "cs": west, "eastAsia": font, "hint": "eastAsia"}


def check_run(item: Run, font: Font, latin: str | None) -> None:
    assert fonts_of(item) == wanted_fonts(font.font, latin, item.text), item.text
    if latin is not None and latin != font.font:  # a run is all punctuation or none
        assert WIDE.sub("", item.text) in ("", item.text), item.text
    assert item.font.size == Pt(font.size), item.text
    assert item.font.bold is font.bold, item.text


def first_line_chars(par: Paragraph) -> str | None:
    p_pr = par._p.pPr
    ind = p_pr.ind if p_pr is not None else None
    return None if ind is None else ind.get(qn("w:firstLineChars"))


def check_indent(par: Paragraph, profile: StyleProfile) -> None:
    chars = profile.first_line_chars
    assert par.paragraph_format.first_line_indent == Pt(chars * profile.body.size), par.text
    assert first_line_chars(par) == str(round(chars * 100)), par.text


def check_no_indent(par: Paragraph) -> None:
    assert par.paragraph_format.first_line_indent is None, par.text
    assert first_line_chars(par) is None, par.text


def check_kept(par: Paragraph) -> None:
    """A heading: kept with the next paragraph, its lines together."""
    fmt = par.paragraph_format
    assert fmt.keep_with_next is True and fmt.keep_together is True, par.text


def grid_spacing(profile: StyleProfile, par: Paragraph) -> float:
    """The exact line spacing a paragraph should have: one grid line (line_spacing_pt), or the
    fewest whole grid lines that hold its font."""
    step = profile.line_spacing_pt
    size = par.runs[0].font.size.pt if par.runs and par.runs[0].font.size else 0
    return step * max(1, math.ceil(size / step))


def title_lines(par: Paragraph) -> list[str]:
    """The lines of the title paragraph (python-docx reads a w:br as a newline)."""
    return par.text.split("\n")


def text_width_pt(profile: StyleProfile) -> float:
    page = profile.page
    return (page.width_mm - page.margin_left_mm - page.margin_right_mm) / 25.4 * 72


def line_width_pt(line: str, size: float, spacing: float) -> float:
    """Points a title line takes: a Chinese character (or full-width mark) one em, anything
    else 0.6 em (more than a Latin letter or digit usually takes), plus the spacing after each."""
    wide = sum(1 for c in line if unicodedata.east_asian_width(c) in "WFA" or WIDE.match(c))
    return wide * size + (len(line) - wide) * size * 0.6 + len(line) * spacing


def split_lead(par: Paragraph) -> tuple[list[Run], list[Run]]:
    """A point's paragraph as the runs of its lead "（一）……。" and those of its own text."""
    runs, text = par.runs, ""
    for n, item in enumerate(runs):
        text += item.text
        if text.endswith("。") and HEADING2.match(text):
            return runs[: n + 1], runs[n + 1 :]
    raise AssertionError(par.text)


def grid(doc: DocumentObject) -> dict[str, str]:
    element = doc.sections[0]._sectPr.find(qn("w:docGrid"))
    assert element is not None
    return {key.split("}")[-1]: value for key, value in element.attrib.items()}


def char_pitch(profile: StyleProfile) -> float:
    """Points a character may take for chars_per_line characters to fill the text width."""
    page = profile.page
    width_pt = (page.width_mm - page.margin_left_mm - page.margin_right_mm) / 25.4 * 72
    return width_pt / page.chars_per_line


def doc_defaults(doc: DocumentObject) -> dict[str, Any]:
    """The run properties of the document defaults (w:docDefaults/w:rPrDefault/w:rPr)."""
    r_pr = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert r_pr is not None

    def val(name: str, attr: str = "val") -> str | None:
        found = r_pr.find(qn(f"w:{name}"))
        return None if found is None else found.get(qn(f"w:{attr}"))

    fonts = r_pr.find(qn("w:rFonts"))
    assert fonts is not None
    return {
        "fonts": {a: fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "cs", "eastAsia", "hint")},
        "sz": val("sz"),
        "szCs": val("szCs"),
        "spacing": val("spacing"),
        "lang": val("lang", "eastAsia"),
        "children": [child.tag for child in r_pr],
    }


def field(par: Paragraph) -> tuple[str, list[str], str, str]:
    """A footer paragraph as (text before the field, its fldChar types, its instruction, text
    after it), read from the runs in order."""
    before, after, kinds, instr = "", "", [], ""
    inside = done = False
    for element in par._p.iter(qn("w:t"), qn("w:fldChar"), qn("w:instrText")):
        if element.tag == qn("w:fldChar"):
            kind = element.get(qn("w:fldCharType"))
            kinds.append(kind)
            inside, done = kind != "end", kind == "end"
        elif element.tag == qn("w:instrText"):
            instr += element.text or ""
        elif done:
            after += element.text or ""
        elif not inside:
            before += element.text or ""
    return before, kinds, instr, after


def points_after(doc_pars: list[Paragraph], start: int) -> Iterator[Paragraph]:
    """The "（一）" paragraphs after the heading at ``start``, up to the next heading."""
    for par in doc_pars[start + 1 :]:
        if HEADING1.match(par.text):
            return
        if HEADING2.match(par.text):
            yield par


def check_layout(doc: DocumentObject, profile: StyleProfile, draft: Draft) -> None:
    """Everything about the look of a rendered draft, as the profile says it should be."""
    page = profile.page
    section = doc.sections[0]
    # Page and margins (to 0.1 mm: Word stores twentieths of a point).
    assert abs(mm(section.page_width) - page.width_mm) < 0.1
    assert abs(mm(section.page_height) - page.height_mm) < 0.1
    assert abs(mm(section.top_margin) - page.margin_top_mm) < 0.1
    assert abs(mm(section.bottom_margin) - page.margin_bottom_mm) < 0.1
    assert abs(mm(section.left_margin) - page.margin_left_mm) < 0.1
    assert abs(mm(section.right_margin) - page.margin_right_mm) < 0.1
    # A line grid of lines_per_page lines in the text block; chars_per_line characters a line
    # by condensing (or widening) the spacing between characters in the document defaults.
    block_mm = page.height_mm - page.margin_top_mm - page.margin_bottom_mm
    line_pitch = str(math.floor(block_mm / 25.4 * 1440 / page.lines_per_page))
    assert grid(doc) == {"type": "lines", "linePitch": line_pitch}
    defaults = doc_defaults(doc)
    assert defaults["fonts"] == wanted_fonts(profile.body.font, profile.latin_font)
    assert defaults["sz"] == defaults["szCs"] == str(round(profile.body.size * 2))
    assert defaults["lang"] == "zh-CN"
    pitch = char_pitch(profile)
    if pitch < profile.body.size:
        condensed = profile.body.size + int(defaults["spacing"] or 0) / 20
        assert pitch - 0.05 < condensed <= pitch

    pars = doc.paragraphs
    # Every paragraph: exact line spacing on the line grid (one grid line, or the few whole
    # ones a larger font needs), nothing before or after.
    for par in pars:
        fmt = par.paragraph_format
        assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY, par.text
        assert fmt.line_spacing == Pt(grid_spacing(profile, par)), par.text
        assert fmt.space_before == 0 and fmt.space_after == 0, par.text

    latin = profile.latin_font
    title, *rest = pars
    lines = title_lines(title)
    assert "".join(lines).replace(" ", "") == draft.title.replace(" ", "")
    spacing = int(defaults["spacing"] or 0) / 20  # the document's, the title's too
    for line in lines:
        assert line_width_pt(line, profile.title.size, spacing) <= text_width_pt(profile), line
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    check_no_indent(title)
    check_kept(title)
    for item in title.runs:
        check_run(item, profile.title, latin)
    if draft.organisation or draft.speaker:
        byline, *rest = rest
        assert byline.text == "　".join(x for x in (draft.organisation, draft.speaker) if x)
        assert byline.alignment == WD_ALIGN_PARAGRAPH.CENTER
        check_no_indent(byline)
        check_kept(byline)
        for item in byline.runs:
            check_run(item, profile.byline, latin)
    blanks = rest[: profile.title_blank_lines]
    assert [p.text for p in blanks] == [""] * profile.title_blank_lines
    assert all(p.runs == [] and p.paragraph_format.keep_with_next for p in blanks)
    body = rest[profile.title_blank_lines :]
    assert body[0].text == draft.opening and body[-1].text == draft.closing

    for par in body:
        check_indent(par, profile)
        assert par.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY, par.text
        if HEADING1.match(par.text):
            check_kept(par)
            for item in par.runs:
                check_run(item, profile.heading1, latin)
        elif HEADING2.match(par.text):
            lead, more = split_lead(par)
            assert "".join(r.text for r in lead).endswith("。")
            for item in lead:
                check_run(item, profile.heading2, latin)
            for item in more:  # the point's own text follows in the body font
                check_run(item, profile.body, latin)
            # An outline's point is a line of its own, kept whole; a point whose text runs on
            # keeps its lead with that text by widow control (the Normal style's).
            assert par.paragraph_format.keep_together is (None if more else True), par.text
        else:
            assert not par.paragraph_format.keep_with_next, par.text
            for item in par.runs:
                check_run(item, profile.body, latin)
    assert doc.styles["Normal"].paragraph_format.widow_control is True
    check_fonts(doc, profile)

    # Numbering: 一、二、… for the parts, （一）（二）… again in each part, in order.
    starts = [i for i, p in enumerate(body) if HEADING1.match(p.text)]
    numbers = [HEADING1.match(body[i].text).group(1) for i in starts]  # type: ignore[union-attr]
    assert numbers == [int_to_chinese(n) for n in range(1, len(draft.parts) + 1)]
    for start, part in zip(starts, draft.parts, strict=True):
        assert body[start].text == f"{int_to_chinese(part.number)}、{part.heading}"
        points = [HEADING2.match(p.text).group(1) for p in points_after(body, start)]  # type: ignore[union-attr]
        assert points == [int_to_chinese(n) for n in range(1, len(part.points) + 1)]
    check_page_numbers(doc, profile)


def check_page_numbers(doc: DocumentObject, profile: StyleProfile) -> None:
    number = profile.page_number
    section = doc.sections[0]
    before, after = number.format.split("{page}")
    inset = Pt(number.indent_chars * number.size)
    footers = [(section.footer, "right" if number.outside else "center")]
    if number.outside:
        footers.append((section.even_page_footer, "left"))
    else:  # no even-page footer of its own: every page uses the one footer
        assert section.even_page_footer.is_linked_to_previous
    assert doc.settings.odd_and_even_pages_header_footer is number.outside
    for footer, side in footers:
        assert not footer.is_linked_to_previous
        [par] = footer.paragraphs
        assert field(par) == (before, ["begin", "separate", "end"], " PAGE ", after)
        assert par.text == f"{before}1{after}"  # "1" is the field's cached result
        fmt = par.paragraph_format
        if side == "right":
            assert par.alignment == WD_ALIGN_PARAGRAPH.RIGHT
            assert (fmt.left_indent, fmt.right_indent) == (None, inset)
        elif side == "left":
            assert par.alignment == WD_ALIGN_PARAGRAPH.LEFT
            assert (fmt.left_indent, fmt.right_indent) == (inset, None)
        else:
            assert par.alignment == WD_ALIGN_PARAGRAPH.CENTER
            assert (fmt.left_indent, fmt.right_indent) == (None, None)
        for item in par.runs:
            assert fonts_of(item) == wanted_fonts(number.font, profile.latin_font, item.text)
            assert item.font.size == Pt(number.size)


# ── fixtures ─────────────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory) -> Draft:
    # Module fixtures run before conftest's per-test cache setting: keep the index cache private.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DRAFTER_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
        return draft_outline(BANK, request())


@pytest.fixture(scope="module")
def default_bytes(draft: Draft) -> bytes:
    return render_docx(draft, load_style())


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean working folder (no phrasebank/ or templates/: the bundled ones are used)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ── 1. the default layout: GB/T 9704 ─────────────────────────────────────────────────────────


def test_the_default_layout_is_gb_t_9704(draft: Draft, default_bytes: bytes) -> None:
    doc = open_docx(default_bytes)
    section = doc.sections[0]
    assert abs(mm(section.page_width) - 210) < 0.1 and abs(mm(section.page_height) - 297) < 0.1
    margins = [section.top_margin, section.bottom_margin, section.left_margin]
    assert [round(mm(m), 1) for m in [*margins, section.right_margin]] == [37, 35, 28, 26]
    # 22 lines in the 225 mm text block (579 twips each, rounded down so the 22nd fits, as Word
    # writes it); 28 characters a line: 3号 condensed by 0.25 pt (5 twentieths).
    assert grid(doc) == {"type": "lines", "linePitch": "579"}
    assert doc_defaults(doc)["spacing"] == "-5"
    assert 28 * (16 - 0.25) <= (210 - 28 - 26) / 25.4 * 72 < 28 * (16 - 0.2)

    pars = doc.paragraphs
    # Title, byline, one blank line, the opening, 4 × (heading, lead, 3 points), the closing.
    assert len(pars) == 3 + 1 + 4 * (1 + 1 + 3) + 1
    for par in pars:
        assert par.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
        assert par.paragraph_format.line_spacing == Pt(28)
    title, byline, blank, opening = pars[:4]
    assert (title.text, byline.text, blank.text) == (draft.title, "某某局　张三", "")
    assert title.alignment == byline.alignment == WD_ALIGN_PARAGRAPH.CENTER
    [title_run], [byline_run], [opening_run] = title.runs, byline.runs, opening.runs
    assert fonts_of(title_run) == wanted_fonts("方正小标宋简体", None)
    assert fonts_of(byline_run) == wanted_fonts("楷体_GB2312", None)
    assert fonts_of(opening_run) == wanted_fonts("仿宋_GB2312", None)
    assert fonts_of(title_run)["eastAsia"] == "方正小标宋简体"
    assert fonts_of(title_run)["hint"] == "eastAsia"
    assert (title_run.font.size, byline_run.font.size, opening_run.font.size) == (
        Pt(22),
        Pt(16),
        Pt(16),
    )
    assert not title_run.font.bold and not byline_run.font.bold and not opening_run.font.bold
    assert opening.paragraph_format.first_line_indent == Pt(32)
    assert first_line_chars(opening) == "200"

    headings = [p for p in pars if HEADING1.match(p.text)]
    assert [p.text[:2] for p in headings] == ["一、", "二、", "三、", "四、"]
    for par in headings:
        [item] = par.runs
        assert fonts_of(item) == wanted_fonts("黑体", None)
        assert item.font.size == Pt(16) and item.font.bold is False
        assert par.paragraph_format.first_line_indent == Pt(32)
    leads = [p for p in pars if HEADING2.match(p.text)]
    assert [p.text[:3] for p in leads] == ["（一）", "（二）", "（三）"] * 4
    for par in leads:
        item = par.runs[0]
        assert fonts_of(item) == wanted_fonts("楷体_GB2312", None)
        assert item.font.size == Pt(16) and item.font.bold is False
        assert first_line_chars(par) == "200"

    # Page numbers: "— PAGE —" in 4号 宋体, odd pages right, even pages left, 1 character in.
    assert doc.settings.odd_and_even_pages_header_footer is True
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    for par, side in ((odd, WD_ALIGN_PARAGRAPH.RIGHT), (even, WD_ALIGN_PARAGRAPH.LEFT)):
        xml = par._p.xml
        assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        assert field(par) == ("— ", ["begin", "separate", "end"], " PAGE ", " —")
        assert par.alignment == side
        for item in par.runs:
            assert fonts_of(item) == wanted_fonts("宋体", None)
            assert item.font.size == Pt(14)
    assert odd.paragraph_format.right_indent == Pt(14) and odd.paragraph_format.left_indent is None
    assert (
        even.paragraph_format.left_indent == Pt(14) and even.paragraph_format.right_indent is None
    )
    # And every detail as the bundled profile gives it.
    check_layout(doc, load_style(), draft)


def test_a_points_own_text_follows_its_lead_in_the_body_font() -> None:
    full = draft_outline(BANK, request(detail="full"))
    doc = open_docx(render_docx(full, load_style()))
    check_layout(doc, load_style(), full)
    leads = [p for p in doc.paragraphs if HEADING2.match(p.text)]
    point = full.parts[0].points[0]
    assert point.body
    first = leads[0]
    assert [r.text for r in first.runs] == [f"（一）{point.lead}。", point.body]
    assert fonts_of(first.runs[0])["eastAsia"] == "楷体_GB2312"
    assert fonts_of(first.runs[1])["eastAsia"] == "仿宋_GB2312"


@pytest.mark.parametrize("style", [None, CUSTOM], ids=["default", "custom"])
def test_the_sources_appendix_uses_the_third_level_with_its_bold_flag(
    draft: Draft, style: Path | None
) -> None:
    profile = load_style(style)
    doc = open_docx(render_docx(draft, profile, show_sources=True))
    pars = doc.paragraphs
    at = [p.text for p in pars].index(SOURCES_HEADING)
    assert pars[at - 1].text == "" and pars[at - 2].text == draft.closing
    check_run(pars[at].runs[0], profile.heading1, profile.latin_font)
    items = pars[at + 1 :]
    assert [HEADING3.match(p.text).group(1) for p in items] == [  # type: ignore[union-attr]
        str(n) for n in range(1, len(items) + 1)
    ]
    assert items[0].text.startswith("1. 开头：")
    for par in items:
        label, source = par.runs
        check_run(label, profile.heading3, profile.latin_font)
        check_run(source, profile.body, profile.latin_font)
        assert source.text.startswith("：")
    assert profile.heading3.bold is (style is None)  # bold by default, not in the custom profile


@pytest.mark.parametrize("sources", [False, True], ids=["plain", "sources"])
@pytest.mark.parametrize("detail", ["outline", "full"])
def test_the_document_says_what_the_txt_rendering_says(sources: bool, detail: str) -> None:
    """Golden-ish: the Word paragraphs are the txt lines without their full-width indent."""
    one = draft_outline(BANK, request(detail=detail))
    txt = render_file(one, "txt", show_sources=sources).decode("utf-8").splitlines()
    lines = [line.removeprefix("　　") for line in txt]
    while lines and lines[-1] == "":
        lines.pop()
    doc = open_docx(render_file(one, "docx", show_sources=sources))
    # A long title is one paragraph of several lines (a w:br, read as a newline, between them).
    assert [p.text.replace("\n", "") for p in doc.paragraphs] == lines


def test_the_document_properties_name_the_draft(draft: Draft, default_bytes: bytes) -> None:
    core = open_docx(default_bytes).core_properties
    assert (core.title, core.subject, core.author) == (draft.title, THEME, SPEAKER)
    assert f"种子 {draft.seed}" in core.comments and draft.bank_version in core.comments


def test_without_speaker_or_organisation_there_is_no_byline() -> None:
    bare = draft_outline(BANK, request(speaker=None, organisation=None))
    pars = open_docx(render_docx(bare, load_style())).paragraphs
    assert [p.text for p in pars[:3]] == [bare.title, "", bare.opening]


# ── 2. every value comes from the profile ────────────────────────────────────────────────────


def test_a_custom_profile_decides_every_value(draft: Draft) -> None:
    profile = load_style(CUSTOM)
    # The file's values, read as the file says (names of sizes turned into points).
    assert profile.page.width_mm == 176 and profile.page.margin_top_mm == 30
    assert profile.body == Font("宋体", 12.0, False)
    assert profile.title == Font("黑体", 18.0, True)
    assert profile.heading1 == Font("楷体_GB2312", 15.0, True)
    assert profile.heading3 == Font("宋体", 10.5, False)
    assert profile.page_number.format == "第{page}页" and profile.page_number.outside is False
    assert profile.latin_font == "Times New Roman"
    default = load_style()
    changed = {
        f.name
        for f in dataclasses.fields(StyleProfile)
        if getattr(profile, f.name) != getattr(default, f.name)
    }
    assert changed == {f.name for f in dataclasses.fields(StyleProfile)} - {"default"}

    doc = open_docx(render_docx(draft, profile))
    check_layout(doc, profile, draft)
    # Spelled out for the values the issue names.
    section = doc.sections[0]
    assert [round(mm(m), 1) for m in (section.top_margin, section.left_margin)] == [30, 30]
    opening = doc.paragraphs[1 + 1 + 2]
    assert opening.text == draft.opening
    assert fonts_of(opening.runs[0]) == wanted_fonts("宋体", "Times New Roman")
    assert opening.runs[0].font.size == Pt(12)
    assert opening.paragraph_format.first_line_indent == Pt(36)  # 3 characters of 12 pt
    assert first_line_chars(opening) == "300"
    assert doc.settings.odd_and_even_pages_header_footer is False
    footer = section.footer.paragraphs[0]
    assert footer.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert footer.text == "第1页"
    assert section.even_page_footer.is_linked_to_previous
    assert 'w:type="even"' not in section._sectPr.xml


@pytest.mark.parametrize(
    ("text", "changes"),
    [
        pytest.param("body:\n  size: 小四\n", {"body": Font("仿宋_GB2312", 12.0)}, id="body-size"),
        pytest.param(
            "page:\n  margin_top_mm: 30\nheading3:\n  bold: false\n",
            {"heading3": Font("仿宋_GB2312", 16.0, False)},
            id="page-and-heading3",
        ),
        pytest.param("page_number:\n  outside: false\n", {}, id="centred-numbers"),
        pytest.param(
            "latin_font: Times New Roman\n", {"latin_font": "Times New Roman"}, id="latin"
        ),
        pytest.param("", {}, id="empty-file"),
        pytest.param("# 只有注释\n", {}, id="only-comments"),
    ],
)
def test_a_partial_profile_is_laid_over_the_default(
    draft: Draft, tmp_path: Path, text: str, changes: dict[str, Any]
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    profile = load_style(path)
    default = load_style()
    if "margin_top_mm" in text:
        changes["page"] = dataclasses.replace(default.page, margin_top_mm=30.0)
    if "outside" in text:
        changes["page_number"] = dataclasses.replace(default.page_number, outside=False)
    assert profile == dataclasses.replace(default, source=str(path), **changes)
    check_layout(open_docx(render_docx(draft, profile)), profile, draft)


def test_sizes_by_name_and_in_points_are_the_same(draft: Draft, tmp_path: Path) -> None:
    by_name, in_points = tmp_path / "name.yaml", tmp_path / "points.yaml"
    names = "二号", "三号", "四号", "小四", "五号"
    points = 22, 16, 14, 12, 10.5
    keys = "title", "body", "heading1", "heading2", "heading3"
    by_name.write_text(
        "".join(f"{k}:\n  size: {n}\n" for k, n in zip(keys, names, strict=True)), "utf-8"
    )
    in_points.write_text(
        "".join(f"{k}:\n  size: {p}\n" for k, p in zip(keys, points, strict=True)), "utf-8"
    )
    a, b = load_style(by_name), load_style(in_points)
    assert [getattr(a, k).size for k in keys] == [22.0, 16.0, 14.0, 12.0, 10.5]
    assert dataclasses.replace(a, source="") == dataclasses.replace(b, source="")
    assert render_docx(draft, a) == render_docx(draft, b)


def test_lines_per_page_changes_the_document(draft: Draft, tmp_path: Path) -> None:
    path = tmp_path / "lines.yaml"
    path.write_text("page:\n  lines_per_page: 20\n", encoding="utf-8")
    profile = load_style(path)
    assert profile.page.lines_per_page == 20
    assert render_docx(draft, profile) != render_docx(draft, load_style())


def test_chars_per_line_holds_for_a_smaller_body(draft: Draft, tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text("body:\n  size: 小四\n", encoding="utf-8")
    profile = load_style(path)
    assert profile.page.chars_per_line == 28 and profile.body.size == 12
    doc = open_docx(render_docx(draft, profile))
    spacing = doc_defaults(doc)["spacing"]
    assert spacing is not None
    assert char_pitch(profile) - 0.05 < 12 + int(spacing) / 20 <= char_pitch(profile)


def test_run_properties_follow_the_schema_order(default_bytes: bytes) -> None:
    order = {qn(f"w:{tag}"): n for n, tag in enumerate(RPR_ORDER)}
    with zipfile.ZipFile(io.BytesIO(default_bytes)) as package:
        names = [
            n
            for n in package.namelist()
            if re.fullmatch(r"word/(document|styles|footer\d+)\.xml", n)
        ]
        assert len(names) == 4
        for name in names:
            root = parse_xml(package.read(name))
            for r_pr in root.iter(qn("w:rPr")):
                tags = [order[child.tag] for child in r_pr if child.tag in order]
                assert tags == sorted(tags), (name, [c.tag.split("}")[1] for c in r_pr])


# ── 3. broken profiles ───────────────────────────────────────────────────────────────────────

BAD_PROFILES = [
    pytest.param(
        "page:\n  margin_top: 30\n",
        (2, 3),
        "page 下没有“margin_top”这一项，是不是“margin_top_mm”",
        id="unknown-key",
    ),
    pytest.param(
        "line_spacing: 28\n",
        (1, 1),
        "版式没有“line_spacing”这一项，是不是“line_spacing_pt”",
        id="unknown-top-key",
    ),
    pytest.param(
        "body:\n  size: 三号\n  bold: 'yes'\n", (3, 9), "bold 应为 true 或 false", id="wrong-flag"
    ),
    pytest.param(
        "page:\n  margin_left_mm: 三十\n", (2, 19), "margin_left_mm 应为数字", id="wrong-number"
    ),
    pytest.param("title: 黑体\n", (1, 8), "title 应为映射", id="not-a-mapping"),
    pytest.param("line_spacing_pt: 2\n", (1, 18), "应在 6–100 之间", id="out-of-range"),
    pytest.param("body:\n  size: 三號\n", (2, 9), "不认识的字号“三號”", id="unknown-size"),
    pytest.param(
        'page_number:\n  format: "第页"\n', (2, 11), "页码格式里要有 {page}", id="no-page"
    ),
    pytest.param("page:\n  margin_top_mm: [30\n", (3, 1), "YAML 格式错误", id="yaml-syntax"),
]


@pytest.mark.parametrize(("text", "at", "message"), BAD_PROFILES)
def test_a_broken_profile_is_a_usage_error_at_its_line(
    tmp_path: Path, text: str, at: tuple[int, int], message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        load_style(path)
    line, column = at
    assert caught.value.user_message().startswith(f"{path}:{line}:{column}: ")
    assert message in caught.value.message


def test_a_missing_profile_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        load_style(tmp_path / "nope.yaml")
    assert caught.value.user_message() == f"{tmp_path / 'nope.yaml'}: 文件不存在"


@pytest.mark.parametrize(
    ("text", "at", "message"),
    [*BAD_PROFILES, pytest.param(None, None, "nope.yaml: 文件不存在", id="missing-file")],
)
def test_draft_with_a_broken_profile_exits_2_and_writes_nothing(
    cwd: Path, text: str | None, at: tuple[int, int] | None, message: str
) -> None:
    name = "nope.yaml"
    if text is not None:
        name = "bad.yaml"
        (cwd / name).write_text(text, encoding="utf-8")
    result = run("draft", "-t", THEME, "-s", "1", "-o", "out.docx", "--style", name)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("错误：")
    if at is not None:
        assert f"bad.yaml:{at[0]}:{at[1]}: " in result.stderr
    assert message in result.stderr
    assert not (cwd / "out.docx").exists()
    assert sorted(p.name for p in cwd.iterdir()) == ([name] if text is not None else [])


def test_batch_and_new_with_a_broken_profile_exit_2_and_write_nothing(cwd: Path) -> None:
    (cwd / "bad.yaml").write_text("body:\n  size: 三號\n", encoding="utf-8")
    (cwd / "briefs.yaml").write_text(f"briefs:\n  - id: a\n    theme: {THEME}\n", "utf-8")
    before = sorted(p.name for p in cwd.iterdir())

    result = run("batch", "briefs.yaml", "-o", "out", "-f", "docx", "--style", "bad.yaml")
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "bad.yaml:2:9: " in result.stderr and "不认识的字号" in result.stderr

    answers = "".join(f"{a}\n" for a in ["1", "4", "", "1", "", "", "", "s", "docx", "x.docx"])
    result = run("new", "--script", "--seed", "5", "--style", "bad.yaml", stdin=answers)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "bad.yaml:2:9: " in result.stderr
    assert "主题" not in result.stdout  # refused before the first question
    assert sorted(p.name for p in cwd.iterdir()) == before


def test_a_key_given_twice_in_a_profile_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text("body:\n  size: 小四\nbody:\n  font: 宋体\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        load_style(path)
    assert caught.value.user_message().startswith(f"{path}:3:1: ")


# ── 4. reproducible bytes ────────────────────────────────────────────────────────────────────


def test_the_same_draft_gives_the_same_bytes(draft: Draft, default_bytes: bytes) -> None:
    assert render_docx(draft, load_style()) == default_bytes
    again = draft_outline(BANK, request())
    assert render_file(again, "docx") == default_bytes
    with zipfile.ZipFile(io.BytesIO(default_bytes)) as package:
        assert package.testzip() is None
        assert {i.date_time for i in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = package.read("docProps/core.xml").decode("utf-8")
    assert "dcterms:created" not in core and "dcterms:modified" not in core
    assert "lastPrinted" not in core


def test_the_profile_changes_the_bytes(draft: Draft, default_bytes: bytes) -> None:
    assert render_docx(draft, load_style(CUSTOM)) != default_bytes
    assert render_docx(draft, load_style(), show_sources=True) != default_bytes


# ── 5. the command line ──────────────────────────────────────────────────────────────────────


def test_draft_writes_a_docx_by_its_suffix(cwd: Path) -> None:
    result = run("draft", "-t", THEME, "-p", "4", "-n", "3", "-s", "1", "-o", "x.docx")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "已写入 x.docx" in result.stderr
    expected = draft_outline(BANK, DraftRequest(THEME, parts=4, points=3, seed=1))
    data = (cwd / "x.docx").read_bytes()
    assert data == render_docx(expected, load_style())
    doc = open_docx(data)
    assert doc.paragraphs[0].text == expected.title
    assert [p.text for p in doc.paragraphs if HEADING1.match(p.text)] == [
        f"{int_to_chinese(p.number)}、{p.heading}" for p in expected.parts
    ]
    # An existing file is kept without --force, as for every format.
    again = run("draft", "-t", THEME, "-s", "2", "-o", "x.docx")
    assert again.exit_code == 2 and "--force" in again.stderr
    assert (cwd / "x.docx").read_bytes() == data


def test_draft_with_a_style_and_an_explicit_format(cwd: Path) -> None:
    result = run("draft", "-t", THEME, "-s", "1", "-f", "docx", "-o", "out", "--style", str(CUSTOM))
    assert result.exit_code == 0, result.stderr
    doc = open_docx((cwd / "out").read_bytes())
    assert fonts_of(doc.paragraphs[-1].runs[0])["eastAsia"] == "宋体"
    assert doc.sections[0].footer.paragraphs[0].text == "第1页"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["-f", "docx"], "请用 -o 指定文件", id="docx-to-the-screen"),
        pytest.param(["-f", "DOCX"], "请用 -o 指定文件", id="docx-upper-case"),
        pytest.param(["-o", "x.md", "--style", str(CUSTOM)], "--style 只对 docx", id="style-md"),
        pytest.param(["-f", "txt", "--style", str(CUSTOM)], "--style 只对 docx", id="style-txt"),
        pytest.param(
            ["-o", "x.docx", "--template", "md", "-f", "docx"], "docx 格式不用模板", id="template"
        ),
    ],
)
def test_draft_refuses_docx_it_cannot_write(cwd: Path, args: list[str], message: str) -> None:
    result = run("draft", "-t", THEME, "-s", "1", *args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("错误：") and message in result.stderr
    assert list(cwd.iterdir()) == []


def test_a_control_character_in_the_theme_is_not_a_crash(cwd: Path) -> None:
    result = CliRunner().invoke(app, ["draft", "-t", "激励\x07干部", "-s", "1", "-o", "x.docx"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    if result.exit_code == 0:
        open_docx((cwd / "x.docx").read_bytes())
    else:
        assert result.stderr.startswith("错误：") and not (cwd / "x.docx").exists()


def test_new_script_saves_a_docx_with_the_style(cwd: Path) -> None:
    answers = ["1", "4", "", "1", "", "", "", "", "", "", "", "s", "docx", ""]  # default path
    stdin = "".join(f"{a}\n" for a in answers)
    result = run("new", "--script", "--seed", "5", "--style", str(CUSTOM), stdin=stdin)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    expected = compose(load_index(BANK), DraftRequest(THEME, 4, seed=5))
    name = f"{expected.title}.docx"
    assert sorted(p.name for p in cwd.iterdir()) == [name]
    assert f"已保存到 {name}" in result.stderr
    data = (cwd / name).read_bytes()
    assert data == render_file(expected, "docx", style=CUSTOM)
    check_layout(open_docx(data), load_style(CUSTOM), expected)


def test_new_script_saves_a_docx_in_the_default_layout(cwd: Path) -> None:
    answers = ["1", "4", "", "1", "", "", "", "", "", "", "", "s", "docx", "稿.docx"]
    result = run("new", "--script", "--seed", "5", stdin="".join(f"{a}\n" for a in answers))
    assert result.exit_code == 0, (result.stdout, result.stderr)
    expected = compose(load_index(BANK), DraftRequest(THEME, 4, seed=5))
    assert (cwd / "稿.docx").read_bytes() == render_file(expected, "docx")


BRIEFS: list[dict[str, Any]] = [
    {
        "id": "甲",
        "theme": THEME,
        "title": "甲同志在专题研讨会上的发言",
        "speaker": "甲",
        "organisation": "某某局",
        "parts": 4,
        "seed": 1,
    },
    {"id": "b", "theme": "守初心担使命", "seed": 2},
    {"id": "c", "theme": "加强干部队伍建设", "points": 2, "formats": ["docx", "txt"]},
]


def brief_draft(brief: dict[str, Any]) -> Draft:
    seed = brief.get("seed", default_seed(brief["id"], brief["theme"]))
    wanted = {
        k: brief[k] for k in ("title", "speaker", "organisation", "parts", "points") if k in brief
    }
    return draft_outline(BANK, DraftRequest(brief["theme"], seed=seed, **wanted))


def write_briefs(path: Path) -> Path:
    path.write_text(
        yaml.safe_dump({"briefs": BRIEFS}, allow_unicode=True, sort_keys=False), "utf-8"
    )
    return path


def batch(*args: str) -> Result:
    # Each brief drafted alone, as brief_draft makes it (not kept apart from the others).
    return run("batch", "briefs.yaml", "-o", "out", "-f", "docx", "--independent", *args)


def manifest(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    return data


def statuses(out: Path) -> dict[str, str]:
    return {r["id"]: r["status"] for r in manifest(out)["briefs"]}


def files(out: Path) -> dict[str, bytes]:
    """Everything in the output folder but the manifest and the folder's lock."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in (MANIFEST, ".drafter-batch.lock")
    }


def test_batch_writes_one_docx_per_brief_with_digests_in_the_manifest(cwd: Path) -> None:
    write_briefs(cwd / "briefs.yaml")
    result = batch()
    assert result.exit_code == 0, (result.stdout, result.stderr)
    out = cwd / "out"
    # Atomic writes leave nothing behind: no temporary files, no journal.
    assert sorted(files(out)) == ["b.docx", "c.docx", "c.txt", "甲.docx"]
    assert statuses(out) == {"甲": "written", "b": "written", "c": "written"}
    for record in manifest(out)["briefs"]:
        for entry in record["files"]:
            data = (out / entry["path"]).read_bytes()
            assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    for brief in BRIEFS:
        expected = brief_draft(brief)
        data = (out / f"{brief['id']}.docx").read_bytes()
        doc = open_docx(data)
        # A long title is broken into lines by meaning inside its one paragraph.
        title = doc.paragraphs[0].text.replace("\n", "")
        assert title == doc.core_properties.title == expected.title
        assert data == render_docx(expected, load_style())
    assert open_docx((out / "甲.docx").read_bytes()).paragraphs[0].text == BRIEFS[0]["title"]

    # A rerun finds every brief unchanged and touches nothing.
    before = files(out)
    again = batch()
    assert again.exit_code == 0, again.stderr
    assert statuses(out) == {"甲": "unchanged", "b": "unchanged", "c": "unchanged"}
    assert files(out) == before


def test_a_changed_style_redraws_the_briefs(cwd: Path) -> None:
    write_briefs(cwd / "briefs.yaml")
    assert batch().exit_code == 0
    out = cwd / "out"
    plain = files(out)
    style = cwd / "style.yaml"
    style.write_text("body:\n  font: 宋体\n", encoding="utf-8")

    result = batch("--style", "style.yaml")
    assert result.exit_code == 0, result.stderr
    assert statuses(out) == {"甲": "updated", "b": "updated", "c": "updated"}
    styled = files(out)
    assert styled["c.txt"] == plain["c.txt"]
    for name in ("甲.docx", "b.docx", "c.docx"):
        assert styled[name] != plain[name]
        assert fonts_of(open_docx(styled[name]).paragraphs[-1].runs[0])["eastAsia"] == "宋体"
    assert batch("--style", "style.yaml").exit_code == 0
    assert set(statuses(out).values()) == {"unchanged"}

    # Another content under the same name counts as another style.
    style.write_text("body:\n  font: 黑体\n", encoding="utf-8")
    assert batch("--style", "style.yaml").exit_code == 0
    assert set(statuses(out).values()) == {"updated"}
    # And back to the default layout: the very first bytes again.
    assert batch().exit_code == 0
    assert files(out) == plain


def test_batch_output_does_not_depend_on_jobs(cwd: Path) -> None:
    write_briefs(cwd / "briefs.yaml")
    serial = run("batch", "briefs.yaml", "-o", "one", "-f", "docx", "-j", "1")
    parallel = run("batch", "briefs.yaml", "-o", "two", "-f", "docx", "-j", "2")
    assert serial.exit_code == parallel.exit_code == 0, (serial.stderr, parallel.stderr)
    one, two = files(cwd / "one"), files(cwd / "two")
    assert sorted(one) == ["b.docx", "c.docx", "c.txt", "甲.docx"]
    assert one == two
    digests = [[r["id"], r["files"]] for r in manifest(cwd / "one")["briefs"]]
    assert digests == [[r["id"], r["files"]] for r in manifest(cwd / "two")["briefs"]]


def test_batch_never_overwrites_a_users_docx_without_force(cwd: Path) -> None:
    write_briefs(cwd / "briefs.yaml")
    out = cwd / "out"
    out.mkdir()
    mine = b"PK\x03\x04 my own Word file"
    (out / "b.docx").write_bytes(mine)
    # A temporary file a killed run left beside a docx it was writing.
    (out / ".甲.docx.k1l2m3.tmp").write_bytes(b"half a docx")

    result = batch()
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert statuses(out) == {"甲": "written", "b": "failed", "c": "written"}
    error = {r["id"]: r["error"] for r in manifest(out)["briefs"]}["b"]
    assert "b.docx" in error and "--force" in error
    assert (out / "b.docx").read_bytes() == mine
    assert not (out / ".甲.docx.k1l2m3.tmp").exists()
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]

    forced = batch("--force")
    assert forced.exit_code == 0, forced.stderr
    assert statuses(out)["b"] == "updated"
    assert (out / "b.docx").read_bytes() == render_docx(brief_draft(BRIEFS[1]), load_style())
