"""A draft as a Word document laid out the way government offices lay out a speech.

Everything about the look comes from a ``StyleProfile`` (GB/T 9704-2012 by default): page and
margins, a 22 × 28 document grid, exact 28 pt line spacing, the fonts and sizes of the title,
the byline, the body and the three heading levels, and "— 1 —" page numbers on the outside
edge. Fonts are set for East Asian text (``w:eastAsia``) as well as Latin, with the East Asian
hint, so Word and WPS use them for Chinese characters and punctuation alike; the quotation marks,
dashes and ellipses of Chinese text, which a Latin font also has, get runs of their own in the
Chinese font whenever the profile names a Latin font.

Headings keep with what follows them (and their lines together), a long title breaks by its
meaning (``titlelines.py``), and before the file is written every run is checked for the
profile's fonts (``check_fonts``).
"""

from __future__ import annotations

import io
import math
import re
from typing import TYPE_CHECKING, Any

from drafter.drafting.model import Draft
from drafter.errors import LayoutError
from drafter.output.common import byline, describe_source, draft_sources
from drafter.output.style import Font, StyleProfile
from drafter.output.titlelines import WIDE_PUNCTUATION, break_title
from drafter.text.numerals import int_to_chinese

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run


def _set_fonts(r_pr: Any, font: str, latin: str | None) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin or font)
    fonts.set(qn("w:eastAsia"), font)
    # Quotation marks and dashes are "ambiguous" characters: the hint gives them the Chinese font.
    fonts.set(qn("w:hint"), "eastAsia")


# Characters XML 1.0 cannot hold (control characters pasted into a brief): left out of the file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


# python-docx refuses core properties (title, subject …) longer than this; the body keeps all.
_CORE_MAX = 255


def core_text(text: str) -> str:
    """A core-property value: XML-safe, cut to python-docx's limit with an ellipsis."""
    text = xml_text(text)
    return text if len(text) <= _CORE_MAX else text[: _CORE_MAX - 1] + "…"


# What follows w:snapToGrid in a w:pPr (ECMA-376 Part 1, CT_PPrBase).
_AFTER_SNAP_TO_GRID = tuple(
    f"w:{tag}"
    for tag in (
        *("spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc"),
        *("textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId"),
        *("cnfStyle", "rPr", "sectPr", "pPrChange"),
    )
)

# Quotation marks, dashes, ellipses, the middle dot: Chinese punctuation a Latin font has too.
_WIDE = re.compile(f"([{re.escape(WIDE_PUNCTUATION)}]+)")


def _pieces(text: str, font: str, latin: str | None) -> list[tuple[str, str | None]]:
    """The text cut into pieces with the Latin font each needs: with a Latin font other than
    the Chinese one, the Chinese punctuation it would otherwise draw ("“”——……") is a piece of
    its own, all in the Chinese font; the hint alone is not enough for every office suite."""
    if latin is None or latin == font:
        return [(text, latin)]
    return [
        (piece, font if _WIDE.fullmatch(piece) else latin) for piece in _WIDE.split(text) if piece
    ]


def _run(paragraph: Paragraph, text: str, font: Font, latin: str | None) -> list[Run]:
    from docx.shared import Pt

    runs = []
    for piece, west in _pieces(xml_text(text), font.font, latin) or [("", latin)]:
        run = paragraph.add_run(piece)
        run.font.size = Pt(font.size)
        run.font.bold = font.bold
        _set_fonts(run._element.get_or_add_rPr(), font.font, west)
        runs.append(run)
    return runs


class _Writer:
    def __init__(self, profile: StyleProfile) -> None:
        import docx

        self.profile = profile
        self.doc: DocumentObject = docx.Document()
        self._page()
        self._normal()

    def _page(self) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt

        page = self.profile.page
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(page.width_mm), Mm(page.height_mm)
        section.top_margin, section.bottom_margin = (
            Mm(page.margin_top_mm),
            Mm(page.margin_bottom_mm),
        )
        section.left_margin, section.right_margin = (
            Mm(page.margin_left_mm),
            Mm(page.margin_right_mm),
        )
        # The page number's top sits 7 mm under the text block, as GB/T 9704 places it.
        number = self.profile.page_number
        section.footer_distance = max(Mm(page.margin_bottom_mm - 7) - Pt(number.size), Mm(5))
        section.header_distance = Mm(15)
        width_pt = (page.width_mm - page.margin_left_mm - page.margin_right_mm) / 25.4 * 72
        self.width_pt = width_pt
        pitch = width_pt / page.chars_per_line
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            section._sectPr.append(grid)
        # A line grid only: with a character grid narrower than a 3号 character (28 per line
        # leaves 15.8 pt for a 16 pt glyph) LibreOffice gives every character two cells. The
        # 28 characters per line come from condensing the spacing a little instead (below).
        height_mm = page.height_mm - page.margin_top_mm - page.margin_bottom_mm
        grid.set(qn("w:type"), "lines")
        # Rounded down, or the last of the lines would not fit (22 × 579 twips, as Word writes it).
        grid.set(qn("w:linePitch"), str(math.floor(height_mm / 25.4 * 1440 / page.lines_per_page)))
        grid.attrib.pop(qn("w:charSpace"), None)
        # Twentieths of a point between characters (Word's 紧缩/加宽), rounded down so that a
        # full line never spills over.
        self.spacing = math.floor((pitch - self.profile.body.size) * 20)
        self._page_numbers(section)

    def _normal(self) -> None:
        from docx.oxml.ns import qn
        from docx.shared import Pt

        body = self.profile.body
        # The document defaults, not only the Normal style: the character grid is measured
        # from them, and an East Asian language makes Word and WPS apply Chinese line-breaking
        # rules (no full stop or closing quote at the start of a line).
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        for name in ("w:rFonts", "w:sz", "w:szCs", "w:spacing", "w:lang"):
            for old in r_pr.findall(qn(name)):
                r_pr.remove(old)
        _set_fonts(r_pr, body.font, self.profile.latin_font)
        # In the order the schema gives: rFonts, spacing, sz, szCs, lang.
        if self.spacing:
            r_pr.append(r_pr.makeelement(qn("w:spacing"), {qn("w:val"): str(self.spacing)}))
        for name in ("w:sz", "w:szCs"):
            size = r_pr.makeelement(qn(name), {qn("w:val"): str(round(body.size * 2))})
            r_pr.append(size)
        lang = r_pr.makeelement(qn("w:lang"), {qn("w:val"): "en-US", qn("w:eastAsia"): "zh-CN"})
        r_pr.append(lang)
        style: Any = self.doc.styles["Normal"]
        style.font.size = Pt(body.size)
        _set_fonts(style.element.get_or_add_rPr(), body.font, self.profile.latin_font)
        self._spacing(style.paragraph_format)
        # Widow and orphan control, as in Word's own Normal style: a paragraph leaves neither
        # its first line alone at the foot of a page nor its last alone at the top, so a point
        # whose text runs on in the same paragraph ("（一）……。展开……") keeps its lead with it.
        style.paragraph_format.widow_control = True

    def line_spacing(self, size: float | None = None) -> float:
        """Exact line spacing on the profile's line grid: one grid line (line_spacing_pt), or
        as few whole grid lines as hold a larger font, so that what follows stays on the grid."""
        step = self.profile.line_spacing_pt
        return step * max(1, math.ceil(round((size or 0) / step, 6)))

    def _spacing(self, fmt: Any, size: float | None = None) -> None:
        from docx.enum.text import WD_LINE_SPACING
        from docx.shared import Pt

        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(self.line_spacing(size))
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)

    def paragraph(
        self, indent: bool = True, center: bool = False, size: float | None = None
    ) -> Paragraph:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml.ns import qn
        from docx.shared import Pt

        para = self.doc.add_paragraph()
        fmt = para.paragraph_format
        self._spacing(fmt, size)
        if center:
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent and not center:
            chars = self.profile.first_line_chars
            fmt.first_line_indent = Pt(chars * self.profile.body.size)
            # Word and WPS keep a character-based indent right when the font size changes.
            fmt.element.get_or_add_pPr().get_or_add_ind().set(
                qn("w:firstLineChars"), str(round(chars * 100))
            )
        return para

    def text(self, text: str, font: Font, **where: bool) -> Paragraph:
        para = self.paragraph(size=font.size, **where)
        _run(para, text, font, self.profile.latin_font)
        return para

    def heading(self, text: str, font: Font, **where: bool) -> Paragraph:
        """A paragraph that is a heading only: kept on the page of the paragraph after it, and
        its lines together, so no heading is left alone at the foot of a page."""
        return keep(self.text(text, font, **where))

    def title(self, text: str) -> Paragraph:
        """The title, centred, broken into lines by its meaning where it is longer than one
        line (one paragraph, a line break between the lines, on the line grid)."""
        from docx.oxml.ns import qn

        font = self.profile.title
        para = self.paragraph(center=True, size=font.size)
        # Off the document grid: LibreOffice (and WPS) give a line whose font is taller than
        # a grid line two grid lines, so a title of two lines would stand four lines high;
        # off it, the exact spacing holds there as it does in Word, one grid line a line.
        p_pr = para._p.get_or_add_pPr()
        snap = p_pr.makeelement(qn("w:snapToGrid"), {qn("w:val"): "0"})
        p_pr.insert_element_before(snap, *_AFTER_SNAP_TO_GRID)
        lines = break_title(xml_text(text), self.width_pt, font.size, self.spacing / 20)
        for n, line in enumerate(lines):
            runs = _run(para, line, font, self.profile.latin_font)
            if n < len(lines) - 1:
                runs[-1].add_break()
        return keep(para)

    def _page_numbers(self, section: Any) -> None:
        self.doc.settings.odd_and_even_pages_header_footer = self.profile.page_number.outside
        self._number_footer(
            section.footer, "right" if self.profile.page_number.outside else "center"
        )
        if self.profile.page_number.outside:
            self._number_footer(section.even_page_footer, "left")

    def _number_footer(self, footer: Any, side: str) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        number = self.profile.page_number
        para = footer.paragraphs[0]
        para.alignment = {
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
        }[side]
        inset = Pt(number.indent_chars * number.size)
        if side == "right":
            para.paragraph_format.right_indent = inset
        elif side == "left":
            para.paragraph_format.left_indent = inset
        before, after = number.format.split("{page}", 1)
        font = Font(number.font, number.size)
        if before:
            _run(para, before, font, self.profile.latin_font)
        self._page_field(para, font)
        if after:
            _run(para, after, font, self.profile.latin_font)

    def _page_field(self, para: Paragraph, font: Font) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        def piece(kind: str, text: str | None = None) -> None:
            run = para.add_run()
            from docx.shared import Pt

            run.font.size = Pt(font.size)
            _set_fonts(run._element.get_or_add_rPr(), font.font, self.profile.latin_font)
            if kind == "instr":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text or ""
                run._element.append(instr)
            elif kind == "text":
                run.text = text or ""
            else:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._element.append(char)

        piece("begin")
        piece("instr", " PAGE ")
        piece("separate")
        piece("text", "1")
        piece("end")

    def save(self) -> bytes:
        check_fonts(self.doc, self.profile)
        out = io.BytesIO()
        self.doc.save(out)
        return _reproducible(out.getvalue())


def keep(para: Paragraph) -> Paragraph:
    """Keep a paragraph with the next one (w:keepNext) and its lines together (w:keepLines)."""
    fmt = para.paragraph_format
    fmt.keep_with_next = True
    fmt.keep_together = True
    return para


def _parts_with_runs(doc: DocumentObject) -> list[tuple[str, Any]]:
    """The document body, and every header and footer, as (part name, XML element)."""
    from docx.opc.part import XmlPart

    found = []
    for part in doc.part.package.iter_parts():
        name = str(part.partname)
        if isinstance(part, XmlPart) and re.fullmatch(
            r"/word/(document|header\d*|footer\d*)\.xml", name
        ):
            found.append((name, part.element))
    return sorted(found, key=lambda item: item[0])


def check_fonts(doc: DocumentObject, profile: StyleProfile) -> None:
    """Every run of the document, its headers and footers carries the profile's fonts: a
    Chinese font (``w:eastAsia``) the profile names, the East Asian hint, and the profile's
    Latin font (the Chinese one when it names none) — the Chinese one for a run of quotation
    marks, dashes or ellipses. A ``LayoutError`` otherwise: it would be drafter's mistake."""
    from docx.oxml.ns import qn

    p = profile
    chinese = {f.font for f in (p.title, p.byline, p.body, p.heading1, p.heading2, p.heading3)}
    chinese.add(p.page_number.font)
    for name, root in _parts_with_runs(doc):
        for run in root.iter(qn("w:r")):
            text = "".join(t.text or "" for t in run.iter(qn("w:t")))
            fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
            got = {} if fonts is None else {k.split("}")[-1]: v for k, v in fonts.attrib.items()}
            east = got.get("eastAsia")
            west = east if p.latin_font is None or _WIDE.search(text) else p.latin_font
            wanted = {
                "ascii": west,
                "hAnsi": west,
                "cs": west,
                "eastAsia": east,
                "hint": "eastAsia",
            }
            if east not in chinese or any(got.get(k) != v for k, v in wanted.items()):
                raise LayoutError(
                    f"Word 文档里有一段文字没有用版式规定的字体：{name} 中的“{text[:20]}”"
                    f"（字体 {got or '未设置'}）。这是 drafter 的错误，请报告。"
                )


def _reproducible(data: bytes) -> bytes:
    """The same package with fixed timestamps, so one draft always gives the same bytes (a
    batch can tell an untouched file, and two runs can be compared)."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            fixed = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = item.external_attr
            dst.writestr(fixed, src.read(item.filename))
    return out.getvalue()


def _drop_dates(core: Any) -> None:
    """No creation or modification time in the file: the same draft gives the same bytes, and
    Word fills in the times when the writer saves it."""
    from docx.oxml.ns import qn

    for tag in ("dcterms:created", "dcterms:modified", "cp:lastPrinted"):
        for element in core._element.findall(qn(tag)):
            core._element.remove(element)


def render_docx(draft: Draft, profile: StyleProfile, show_sources: bool = False) -> bytes:
    """The draft as the bytes of a .docx file."""
    w = _Writer(profile)
    p = profile
    core = w.doc.core_properties
    core.title, core.subject = core_text(draft.title), core_text(draft.theme)
    core.author = core_text(draft.speaker or draft.organisation or "drafter")
    core.comments = core_text(
        f"drafter：主题“{draft.theme}”，种子 {draft.seed}，素材库 {draft.bank_version}"
    )
    _drop_dates(core)
    # The title block (title, the line under it, the blank lines) keeps with the opening.
    w.title(draft.title)
    under = byline(draft.organisation, draft.speaker)
    if under:
        w.heading(under, p.byline, center=True)
    for _ in range(p.title_blank_lines):
        keep(w.paragraph(indent=False))
    w.text(draft.opening, p.body)
    for part in draft.parts:
        w.heading(f"{int_to_chinese(part.number)}、{part.heading}", p.heading1)
        if part.lead:
            w.text(part.lead, p.body)
        for n, point in enumerate(part.points, start=1):
            para = w.text(f"（{int_to_chinese(n)}）{point.lead}。", p.heading2)
            if point.body:  # the point's text runs on: widow control keeps the lead with it
                _run(para, point.body, p.body, p.latin_font)
            else:  # a point of an outline is a line of its own: not cut across two pages
                para.paragraph_format.keep_together = True
    w.text(draft.closing, p.body)
    if show_sources:
        w.paragraph(indent=False)
        w.heading("附：素材来源", p.heading1)
        for n, (label, source) in enumerate(draft_sources(draft.to_dict()), start=1):
            para = w.text(f"{n}. {label}", p.heading3)
            _run(para, f"：{describe_source(source)}", p.body, p.latin_font)
    return w.save()
