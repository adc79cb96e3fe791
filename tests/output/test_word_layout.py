"""Word output, the page as a reader sees it: headings kept with what follows them, long titles
broken by meaning on the line grid, the line under the title written as ``batch`` writes it,
Chinese punctuation in the Chinese font, and the check of every run's fonts before writing.

The XML is read back from the written bytes. Two tests lay the pages out with LibreOffice (marked
slow, skipped where ``soffice`` or poppler's ``pdftotext`` is missing). Every file is written
under ``tmp_path``.
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import docx
import pytest
import rjieba
import yaml
from docx.document import Document as DocumentObject
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from typer.testing import CliRunner, Result

import drafter.output.word as word
from drafter import DraftRequest, draft_outline
from drafter.cli.app import app
from drafter.drafting.model import Draft
from drafter.errors import LayoutError
from drafter.output.common import byline
from drafter.output.style import StyleProfile, load_style
from drafter.output.titlelines import break_title
from drafter.output.word import check_fonts, render_docx
from tests.conftest import DATA, ROOT

BANK = ROOT / "phrasebank"
THEME = "激励干部担当作为"
CUSTOM = DATA / "docx" / "custom.yaml"  # Times New Roman as the Latin font, B5, 18 pt bold title
HEADING1 = re.compile(r"^[一二三四五六七八九十]+、")
HEADING2 = re.compile(r"^（[一二三四五六七八九十]+）")
SOURCES_HEADING = "附：素材来源"
# Chinese punctuation a Latin font has too.
WIDE = re.compile("[“”‘’—―…·]")
ENV: dict[str, str | None] = {"COLUMNS": "240", "NO_COLOR": "1", "FORCE_COLOR": None}


def request(**changes: Any) -> DraftRequest:
    base = DraftRequest(THEME, parts=4, points=3, seed=1, speaker="张三", organisation="某某局")
    return dataclasses.replace(base, **changes)


def open_docx(data: bytes) -> DocumentObject:
    return docx.Document(io.BytesIO(data))


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env=ENV)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result


def p_pr_flags(par: Paragraph) -> set[str]:
    """The paragraph's on/off properties that are set, read from its XML."""
    p_pr = par._p.pPr
    if p_pr is None:
        return set()
    names = ("keepNext", "keepLines", "widowControl", "snapToGrid")
    return {
        n
        for n in names
        if (el := p_pr.find(qn(f"w:{n}"))) is not None
        and el.get(qn("w:val"), "1") not in ("0", "false")
    }


def text_width_pt(profile: StyleProfile) -> float:
    page = profile.page
    return (page.width_mm - page.margin_left_mm - page.margin_right_mm) / 25.4 * 72


def char_spacing_pt(data: bytes) -> float:
    """The spacing between characters the document's defaults set (every run inherits it)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        styles = parse_xml(package.read("word/styles.xml"))
    spacing = styles.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:spacing')}"
    )
    return 0.0 if spacing is None else int(spacing.get(qn("w:val"))) / 20


def line_width_pt(line: str, size: float, spacing: float) -> float:
    """A title line's width: a Chinese character or full-width mark one em, anything else 0.6
    em (more than a Latin letter or digit takes), plus the spacing after each character."""
    wide = sum(1 for c in line if unicodedata.east_asian_width(c) in "WFA" or WIDE.match(c))
    return wide * size + (len(line) - wide) * size * 0.6 + len(line) * spacing


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory) -> Draft:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DRAFTER_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
        return draft_outline(BANK, request())


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ── headings keep with what follows ──────────────────────────────────────────────────────────


@pytest.mark.parametrize("style", [None, CUSTOM], ids=["default", "custom"])
@pytest.mark.parametrize("detail", ["outline", "full"])
def test_every_heading_paragraph_keeps_with_the_next(detail: str, style: Path | None) -> None:
    profile = load_style(style)
    one = draft_outline(BANK, request(detail=detail))
    pars = open_docx(render_docx(one, profile, show_sources=True)).paragraphs
    texts = [p.text for p in pars]
    blanks = profile.title_blank_lines
    title_block = pars[: 2 + blanks]  # the title, the line under it, the blank lines
    assert texts[1] == "某某局　张三" and texts[2 : 2 + blanks] == [""] * blanks
    headings = [p for p in pars if HEADING1.match(p.text) or p.text == SOURCES_HEADING]
    assert len(headings) == len(one.parts) + 1
    for par in [*title_block[:2], *headings]:
        assert {"keepNext", "keepLines"} <= p_pr_flags(par), par.text
    for par in title_block[2:]:
        assert "keepNext" in p_pr_flags(par)
    # Each heading is followed by what it heads: a part's lead, or its first point.
    for par in headings[:-1]:
        after = pars[texts.index(par.text) + 1]
        assert after.text and not HEADING1.match(after.text), par.text
    # The rest is not kept with what follows: an outline's points are kept whole (one line
    # each); a point whose text runs on in its paragraph keeps its lead by widow control.
    at_opening = 2 + blanks
    for par in pars[at_opening:]:
        if par in headings:
            continue
        assert "keepNext" not in p_pr_flags(par), par.text
        if HEADING2.match(par.text) and detail == "outline":
            assert p_pr_flags(par) == {"keepLines"}, par.text
    doc = open_docx(render_docx(one, profile))
    normal = doc.styles["Normal"].element.pPr
    assert normal is not None and normal.find(qn("w:widowControl")) is not None


# ── long titles ──────────────────────────────────────────────────────────────────────────────

# Long titles as writers give them, and how a writer breaks them on an A4 page at 二号: before
# the dash, after a clause mark, else between words where the phrase allows.
DASH_TITLES = {
    "关于“十四五”规划的讲话——在2024年全市工作会议上的发言": [
        "关于“十四五”规划的讲话",
        "——在2024年全市工作会议上的发言",
    ],
    "凝心聚力抓落实——在全市激励干部担当作为暨年轻干部培养选拔工作推进会上的讲话": [
        "凝心聚力抓落实",
        "——在全市激励干部担当作为暨年轻干部",
        "培养选拔工作推进会上的讲话",
    ],
    "激励干部新时代新担当新作为——在全市年轻干部培养选拔工作推进会上的研讨发言": [
        "激励干部新时代新担当新作为",
        "——在全市年轻干部培养选拔",
        "工作推进会上的研讨发言",
    ],
}
CLAUSE_TITLES = {
    "深入学习贯彻党的二十届三中全会精神，以钉钉子精神抓好改革落实，奋力推进全市高质量发展": [
        "深入学习贯彻党的二十届三中全会精神，",
        "以钉钉子精神抓好改革落实，",
        "奋力推进全市高质量发展",
    ],
    "守正创新、真抓实干、勇毅前行：在全面建设社会主义现代化国家新征程上彰显新担当新作为": [
        "守正创新、真抓实干、勇毅前行：",
        "在全面建设社会主义现代化国家",
        "新征程上彰显新担当新作为",
    ],
    "坚定理想信念，强化使命担当，在推动高质量发展中争当排头兵": [
        "坚定理想信念，强化使命担当，",
        "在推动高质量发展中争当排头兵",
    ],
}
PLAIN_TITLES = {
    "坚持以习近平新时代中国特色社会主义思想为指导奋力谱写中国式现代化建设新篇章": [
        "坚持以习近平新时代中国特色社会主义思想",
        "为指导奋力谱写中国式现代化建设新篇章",
    ],
    "关于进一步加强和改进新时代基层党组织建设工作的实施意见的说明": [
        "关于进一步加强和改进新时代基层",
        "党组织建设工作的实施意见的说明",
    ],
    "以高质量党建引领基层治理现代化为全面建设社会主义现代化国家贡献力量": [
        "以高质量党建引领基层治理现代化",
        "为全面建设社会主义现代化国家贡献力量",
    ],
}
TITLES = {**DASH_TITLES, **CLAUSE_TITLES, **PLAIN_TITLES}
# Words no break may fall inside: jieba's words of the title, and set terms it cuts up.
TERMS = ("习近平新时代中国特色社会主义思想", "中国式现代化", "新时代", "新征程", "高质量发展")


def title_paragraph(data: bytes) -> Paragraph:
    return open_docx(data).paragraphs[0]


def breaks_of(lines: list[str]) -> list[int]:
    """Where the lines break, as offsets into the title."""
    ends, at = [], 0
    for line in lines[:-1]:
        at += len(line)
        ends.append(at)
    return ends


def check_breaks(title: str, lines: list[str], fits: Callable[[str], bool]) -> None:
    """Every break falls before "——" or after a clause mark; only a stretch between two of
    those too wide for a line breaks between two words, and never inside a word."""
    assert "".join(lines) == title
    words = rjieba.cut(title)
    boundaries = {sum(len(w) for w in words[:n]) for n in range(len(words) + 1)}
    dashes = {m.start() for m in re.finditer("——", title) if m.start()}
    marks = {m.end() for m in re.finditer("[，、：；]", title) if m.end() < len(title)}
    assert dashes <= set(breaks_of(lines)), "a subtitle after —— starts a line"
    stops = sorted({0, len(title), *dashes, *marks})
    for at in breaks_of(lines):
        where = f"{title[:at]} / {title[at:]}"
        assert at in boundaries, f"inside a word: {where}"
        if at not in dashes | marks:
            start = max(s for s in stops if s < at)
            end = min(s for s in stops if s > at)
            assert not fits(title[start:end]), f"a word break where a clause fits: {where}"
        for term in TERMS:
            for m in re.finditer(term, title):
                assert not m.start() < at < m.end(), f"inside {term}: {where}"
        assert title[at] not in "，。、：；”’）》…" or title.startswith("——", at), where


@pytest.mark.parametrize("title", list(TITLES))
def test_a_long_title_breaks_by_meaning(draft: Draft, title: str) -> None:
    profile = load_style()
    data = render_docx(dataclasses.replace(draft, title=title), profile)
    par = title_paragraph(data)
    lines = par.text.split("\n")  # python-docx reads each w:br as a newline
    assert lines == TITLES[title]
    spacing = char_spacing_pt(data)
    width = text_width_pt(profile)
    check_breaks(title, lines, lambda s: line_width_pt(s, profile.title.size, spacing) <= width)
    for line in lines:
        assert line_width_pt(line, profile.title.size, spacing) <= text_width_pt(profile), line
    # One paragraph: the lines are separated by w:br inside runs that carry the title's fonts.
    assert len(par._p.findall(f".//{qn('w:br')}")) == len(lines) - 1
    for run_element in par._p.findall(qn("w:r")):
        fonts = run_element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts is not None and fonts.get(qn("w:eastAsia")) == profile.title.font
    assert open_docx(data).core_properties.title == title  # the properties keep it whole


@pytest.mark.parametrize("title", list(TITLES))
def test_titles_break_within_a_narrow_page_too(draft: Draft, title: str) -> None:
    """The custom profile: B5, 18 pt bold title, widened character spacing."""
    profile = load_style(CUSTOM)
    data = render_docx(dataclasses.replace(draft, title=title), profile)
    lines = title_paragraph(data).text.split("\n")
    spacing = char_spacing_pt(data)
    assert spacing > 0
    width = text_width_pt(profile)
    check_breaks(title, lines, lambda s: line_width_pt(s, profile.title.size, spacing) <= width)
    for line in lines:
        assert line_width_pt(line, profile.title.size, spacing) <= text_width_pt(profile), line


def test_a_short_title_stays_one_line(draft: Draft) -> None:
    par = title_paragraph(render_docx(draft, load_style()))
    assert par.text == draft.title and "\n" not in par.text
    assert par._p.find(f".//{qn('w:br')}") is None


@pytest.mark.parametrize(
    ("title", "width_chars"),
    [
        ("第一行没有标点也没有词" * 6, 20),  # a long run of ordinary words
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 3, 10),  # one Latin "word" wider than the line
        ("《关于进一步加强新时代干部队伍建设的若干意见》的学习体会", 12),
    ],
)
def test_odd_titles_still_give_lines(title: str, width_chars: int) -> None:
    lines = break_title(title, width_chars * 22, 22)
    assert "".join(lines) == title
    assert all(lines)


def test_title_lines_are_on_the_line_grid(draft: Draft, tmp_path: Path) -> None:
    """Exact spacing of one grid line (line_spacing_pt) between title lines, and off the
    document grid, so no office suite gives a 二号 line two grid lines; a title font larger
    than a grid line gets the fewest whole grid lines that hold it."""
    long = dataclasses.replace(draft, title=next(iter(DASH_TITLES)))
    par = title_paragraph(render_docx(long, load_style()))
    assert par.paragraph_format.line_spacing == Pt(28)
    assert par.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    p_pr = par._p.pPr
    assert p_pr is not None
    snap = p_pr.find(qn("w:snapToGrid"))
    assert snap is not None and snap.get(qn("w:val")) == "0"

    big = tmp_path / "big.yaml"
    big.write_text("title:\n  size: 初号\n", encoding="utf-8")
    profile = load_style(big)
    data = render_docx(long, profile)
    par = title_paragraph(data)
    assert par.paragraph_format.line_spacing == Pt(56)
    spacing = char_spacing_pt(data)
    for line in par.text.split("\n"):
        assert line_width_pt(line, 42, spacing) <= text_width_pt(profile), line
    assert len(par.text.split("\n")) >= 3
    for other in open_docx(data).paragraphs[1:]:
        assert other.paragraph_format.line_spacing == Pt(28)


# ── the line under the title ─────────────────────────────────────────────────────────────────


def test_draft_speaker_and_organisation_give_the_line_batch_writes(cwd: Path) -> None:
    who = ("--speaker", "张三", "--organisation", "市委办公室")
    for name in ("a.docx", "a.txt", "a.md"):
        result = run("draft", "-t", THEME, "-s", "3", *who, "-o", name)
        assert result.exit_code == 0, result.stderr
    brief = {
        "id": "a",
        "theme": THEME,
        "seed": 3,
        "speaker": "张三",
        "organisation": "市委办公室",
        "formats": ["docx", "txt", "md"],
    }
    (cwd / "briefs.yaml").write_text(
        yaml.safe_dump({"briefs": [brief]}, allow_unicode=True), encoding="utf-8"
    )
    result = run("batch", "briefs.yaml", "-o", "out")
    assert result.exit_code == 0, (result.stdout, result.stderr)

    line = byline("市委办公室", "张三")
    assert line == "市委办公室　张三"
    mine, theirs = (cwd / "a.docx").read_bytes(), (cwd / "out" / "a.docx").read_bytes()
    assert open_docx(mine).paragraphs[1].text == open_docx(theirs).paragraphs[1].text == line
    assert mine == theirs  # the same draft, byte for byte
    for suffix in ("txt", "md"):
        own = (cwd / f"a.{suffix}").read_text(encoding="utf-8")
        assert own == (cwd / "out" / f"a.{suffix}").read_text(encoding="utf-8")
        assert line in own.splitlines()
    json_out = run("draft", "-t", THEME, "-s", "3", *who, "-f", "json")
    assert '"speaker": "张三"' in json_out.stdout
    assert '"organisation": "市委办公室"' in json_out.stdout


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--speaker", "张三"], "张三"),
        (["--organisation", "市委办公室"], "市委办公室"),
        ([], None),
    ],
)
def test_either_alone_or_neither(cwd: Path, args: list[str], line: str | None) -> None:
    result = run("draft", "-t", THEME, "-s", "3", *args, "-o", "x.docx")
    assert result.exit_code == 0, result.stderr
    pars = open_docx((cwd / "x.docx").read_bytes()).paragraphs
    if line is None:
        assert pars[1].text == ""  # the blank line after the title
    else:
        assert pars[1].text == line
        assert {"keepNext", "keepLines"} <= p_pr_flags(pars[1])


def test_the_byline_filter_takes_a_draft_as_templates_see_it(draft: Draft) -> None:
    from drafter.output.common import draft_byline

    assert draft_byline(draft.to_dict()) == "某某局　张三"
    assert draft_byline({"speaker": "张三", "organisation": None}) == "张三"
    assert draft_byline({"speaker": 3}) == "" and draft_byline("草稿") == ""


# ── Chinese punctuation in the Chinese font ──────────────────────────────────────────────────

PUNCTUATED: dict[str, Any] = {
    "title": "“担当作为”的时代答卷——2024年全市年轻干部培养选拔工作推进会上的发言……",
    "opening": "Word 里引号“担当”、单引号‘作为’、破折号——和省略号……都用中文字形。",
    "organisation": "“某某”局",
}


def document_runs(data: bytes) -> list[tuple[str, str, dict[str, str]]]:
    """Every run of the body and the footers as (part, text, rFonts attributes), from the XML."""
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if not re.fullmatch(r"word/(document|footer\d+)\.xml", name):
                continue
            for r in parse_xml(package.read(name)).iter(qn("w:r")):
                text = "".join(t.text or "" for t in r.iter(qn("w:t")))
                fonts = r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
                assert fonts is not None, (name, text)
                attrs = {k.split("}")[-1]: v for k, v in fonts.attrib.items()}
                out.append((name, text, attrs))
    return out


@pytest.mark.parametrize("style", [None, CUSTOM], ids=["default", "custom"])
def test_punctuation_runs_carry_the_east_asian_font(draft: Draft, style: Path | None) -> None:
    profile = load_style(style)
    one = dataclasses.replace(draft, **PUNCTUATED)
    data = render_docx(one, profile)
    runs = document_runs(data)
    chinese = {f.font for f in (profile.title, profile.byline, profile.body, profile.heading1)} | {
        profile.heading2.font,
        profile.page_number.font,
    }
    punctuated = [r for r in runs if WIDE.search(r[1])]
    assert {c for _, text, _ in punctuated for c in text if WIDE.match(c)} >= set("“”‘’—…")
    for part, text, fonts in punctuated:
        # The hint and the East Asian font, and the Latin slots in the Chinese font too.
        assert fonts["hint"] == "eastAsia", text
        assert fonts["eastAsia"] in chinese, text
        assert fonts["ascii"] == fonts["hAnsi"] == fonts["eastAsia"], (part, text, fonts)
    latin = profile.latin_font
    if latin is not None:
        # A run of punctuation has nothing else in it; other runs keep the Latin font.
        assert all(WIDE.sub("", text) == "" for _, text, _ in punctuated)
        others = [r for r in runs if not WIDE.search(r[1])]
        assert others and all(f["ascii"] == f["hAnsi"] == latin for _, _, f in others)
        words = [text for _, text, f in others if "Word" in text]
        assert words == ["Word 里引号"]
    # Read back as text, nothing was lost in cutting the runs.
    doc = open_docx(data)
    assert doc.paragraphs[0].text.replace("\n", "") == PUNCTUATED["title"]
    assert PUNCTUATED["opening"] in [p.text for p in doc.paragraphs]


def test_page_number_dashes_are_in_the_chinese_font_under_a_latin_font(
    draft: Draft, tmp_path: Path
) -> None:
    path = tmp_path / "latin.yaml"
    path.write_text("latin_font: Times New Roman\n", encoding="utf-8")
    data = render_docx(draft, load_style(path))
    footer = [r for r in document_runs(data) if r[0].startswith("word/footer")]
    dashes = [f for _, text, f in footer if "—" in text]
    assert len(dashes) == 4  # "— " and " —" on odd and even pages
    assert all(f["ascii"] == f["eastAsia"] == "宋体" for f in dashes)
    digits = [f for _, text, f in footer if text == "1"]
    assert digits and all(f["ascii"] == "Times New Roman" for f in digits)


# ── the check of every run's fonts ───────────────────────────────────────────────────────────


@pytest.mark.parametrize("style", [None, CUSTOM], ids=["default", "custom"])
@pytest.mark.parametrize("detail", ["outline", "full"])
def test_every_produced_document_passes_the_font_check(detail: str, style: Path | None) -> None:
    profile = load_style(style)
    one = dataclasses.replace(
        draft_outline(BANK, request(detail=detail)), title=next(iter(DASH_TITLES))
    )
    for sources in (False, True):
        doc = open_docx(render_docx(one, profile, show_sources=sources))
        check_fonts(doc, profile)
        # And, read independently: every run has the hint and a font of the profile.
        names = {profile.title.font, profile.byline.font, profile.body.font}
        names |= {profile.heading1.font, profile.heading2.font, profile.heading3.font}
        names |= {profile.page_number.font}
        data = render_docx(one, profile, show_sources=sources)
        for _, text, fonts in document_runs(data):
            assert fonts["hint"] == "eastAsia" and fonts["eastAsia"] in names, text


def _tampered(data: bytes, how: str) -> DocumentObject:
    doc = open_docx(data)
    body = doc.element.body
    runs = list(body.iter(qn("w:r")))
    if how == "no-hint":
        fonts = runs[-1].find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        del fonts.attrib[qn("w:hint")]
    elif how == "latin-quote":
        quoted = next(r for r in runs if "“" in "".join(t.text or "" for t in r.iter(qn("w:t"))))
        fonts = quoted.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        fonts.set(qn("w:ascii"), "Times New Roman")
        fonts.set(qn("w:hAnsi"), "Times New Roman")
    elif how == "other-font":
        fonts = runs[3].find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        fonts.set(qn("w:eastAsia"), "微软雅黑")
    elif how == "no-fonts":
        r_pr = runs[5].find(qn("w:rPr"))
        r_pr.remove(r_pr.find(qn("w:rFonts")))
    elif how == "footer":
        footer = doc.sections[0].footer._element
        fonts = next(footer.iter(qn("w:rFonts")))
        fonts.set(qn("w:ascii"), "Arial")
    return doc


@pytest.mark.parametrize("how", ["no-hint", "latin-quote", "other-font", "no-fonts", "footer"])
def test_the_font_check_catches_a_run_without_the_profiles_fonts(draft: Draft, how: str) -> None:
    profile = load_style()
    one = dataclasses.replace(draft, opening=PUNCTUATED["opening"])
    with pytest.raises(LayoutError) as caught:
        check_fonts(_tampered(render_docx(one, profile), how), profile)
    assert "这是 drafter 的错误" in caught.value.message
    assert ("footer" in caught.value.message) is (how == "footer")


def test_a_run_written_without_its_fonts_stops_the_writing(
    cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check runs before the file is written: a bug in the writer is an error, not a file."""
    original = word._set_fonts

    def forgetful(r_pr: Any, font: str, latin: str | None) -> None:
        original(r_pr, font, latin)
        if font == "黑体":  # the first-level headings lose their hint
            r_pr.find(qn("w:rFonts")).attrib.pop(qn("w:hint"))

    monkeypatch.setattr(word, "_set_fonts", forgetful)
    with pytest.raises(LayoutError):
        render_docx(draft_outline(BANK, request()), load_style())
    result = run("draft", "-t", THEME, "-s", "1", "-o", "x.docx")
    assert result.exit_code == LayoutError.exit_code == 1
    assert result.stderr.startswith("错误：") and "字体" in result.stderr
    assert not (cwd / "x.docx").exists()


# ── pages laid out by LibreOffice ────────────────────────────────────────────────────────────

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
needs_office = pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None, reason="LibreOffice or pdftotext not installed"
)


def to_pdf(files: list[Path], out: Path) -> list[Path]:
    assert SOFFICE is not None
    profile = out / "profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        env={"HOME": str(out), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    return [out / f"{f.stem}.pdf" for f in files]


def page_lines(pdf: Path) -> list[list[str]]:
    """Each page's text lines, the page number left out."""
    assert PDFTOTEXT is not None
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [
        [
            s.strip()
            for s in page.splitlines()
            if s.strip() and not re.fullmatch(r"—\s*\d+\s*—", s.strip())
        ]
        for page in text.split("\f")
        if page.strip()
    ]


def headings_at_the_foot(pdf: Path) -> list[str]:
    return [page[-1] for page in page_lines(pdf)[:-1] if HEADING1.match(page[-1])]


@pytest.mark.slow
@needs_office
def test_no_heading_is_left_at_the_foot_of_a_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same draft with an opening one line longer each time moves every heading through
    every line of the page: without keep-with-next one of them ends a page; with it none does."""
    base = draft_outline(BANK, request(points=4))
    filler = "围绕主题谈几点认识。" * 30  # 28 more characters: one more line
    drafts = [dataclasses.replace(base, opening=base.opening + filler[: 28 * n]) for n in range(8)]
    kept = [tmp_path / f"kept-{n}.docx" for n in range(len(drafts))]
    loose = [tmp_path / f"loose-{n}.docx" for n in range(len(drafts))]
    for path, one in zip(kept, drafts, strict=True):
        path.write_bytes(render_docx(one, load_style()))
    monkeypatch.setattr(word, "keep", lambda para: para)
    for path, one in zip(loose, drafts, strict=True):
        path.write_bytes(render_docx(one, load_style()))
    pdfs = to_pdf([*kept, *loose], tmp_path)
    kept_pdfs, loose_pdfs = pdfs[: len(kept)], pdfs[len(kept) :]
    assert all(len(page_lines(p)) >= 2 for p in kept_pdfs)
    assert [headings_at_the_foot(p) for p in kept_pdfs] == [[]] * len(kept)
    assert any(headings_at_the_foot(p) for p in loose_pdfs)  # the test can see the problem


@pytest.mark.slow
@needs_office
def test_title_lines_are_one_grid_line_apart_on_the_page(draft: Draft, tmp_path: Path) -> None:
    long = dataclasses.replace(draft, title=next(iter(DASH_TITLES)))
    path = tmp_path / "title.docx"
    path.write_bytes(render_docx(long, load_style()))
    [pdf] = to_pdf([path], tmp_path)
    assert PDFTOTEXT is not None
    xml = subprocess.run(
        [PDFTOTEXT, "-bbox-layout", "-f", "1", "-l", "1", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    tops = [float(y) for y in re.findall(r'<line xMin="[\d.]+" yMin="([\d.]+)"', xml)]
    lines = DASH_TITLES[long.title]
    title_steps = [b - a for a, b in pairwise(tops[: len(lines)])]
    opening = tops[len(lines) + 1 : len(lines) + 4]  # after the line under the title
    body_steps = [b - a for a, b in pairwise(opening)]
    assert len(title_steps) == len(lines) - 1 and len(body_steps) == 2
    assert all(abs(step - 28) < 0.5 for step in title_steps), title_steps
    # The body keeps LibreOffice's grid (22 lines in the 225 mm block): the title lines are
    # as far apart as body lines give or take the grid's 0.95 pt, not two grid lines.
    assert all(abs(step - 28.95) < 0.5 for step in body_steps), body_steps
