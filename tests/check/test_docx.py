"""Checking a .docx: findings name Word's own paragraphs, and ``--annotate`` writes a copy with a
comment on each of them while the original stays byte for byte as it was."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from drafter.check.annotate import annotate_docx
from drafter.check.runner import SUMMARY_RULES, CheckRequest, check_file
from drafter.errors import UsageError
from tests.check.conftest import BANK

LINES = [
    "关于激励干部担当作为的几点体会",
    "",  # an empty paragraph: Word has it, the reader skips it
    "同志们：根据会议安排，谈几点体会。",
    "一、坚持政治引领，筑牢思想根基",
    "理想信念是共产党人精神上的“钙”，必须牢牢把握。",
    "（一）加强理论武装。",
    "（二）加强党性锻炼。",
    "（三）加强实践养成。",
    "二、坚持实干导向，锤炼过硬本领",
    "组织给干部撑腰鼓劲，干部就更敢在一线担责。",
    "三、在严管厚爱中激励",
    "组织给干部撑腰鼓劲，干部就更敢在一线担责。",
    "以上是我的几点体会，不妥之处请批评指正。",
]


def _write(path: Path) -> Path:
    document = docx.Document()
    for line in LINES:
        if line.startswith(("一、", "二、", "三、")):
            document.add_heading(line, level=1)
        else:
            document.add_paragraph(line)
    document.save(str(path))
    return path


def _comments_by_paragraph(path: Path) -> dict[int, list[str]]:
    document = docx.Document(str(path))
    texts = {c.comment_id: c.text for c in document.comments}
    out: dict[int, list[str]] = {}
    for i, p in enumerate(document.paragraphs, 1):
        for start in p._p.iter(qn("w:commentRangeStart")):
            out.setdefault(i, []).append(texts[int(start.get(qn("w:id")))])
    return out


def test_findings_point_at_word_paragraphs(tmp_path: Path) -> None:
    report = check_file(CheckRequest(_write(tmp_path / "发言.docx"), (BANK,)))
    by_rule = {f.rule: f for f in report.findings}
    # Body paragraph 12 of Word's list (the empty second paragraph counts) repeats 10.
    repeat = by_rule["repetition.paragraph"]
    assert repeat.location.paragraph == 12 and repeat.location.line is None
    assert repeat.location.part == 3
    assert by_rule["repetition.opening"].location.paragraph == 6
    assert by_rule["structure.parallel"].location.paragraph == 11


def test_annotated_copy(tmp_path: Path) -> None:
    source = _write(tmp_path / "发言.docx")
    before = source.read_bytes()
    report = check_file(CheckRequest(source, (BANK,)))
    findings = [f for f in report.findings if f.rule not in SUMMARY_RULES]
    out = annotate_docx(source, tmp_path / "批注.docx", findings)
    assert source.read_bytes() == before
    original = [p.text for p in docx.Document(str(source)).paragraphs]
    assert [p.text for p in docx.Document(str(out)).paragraphs] == original
    comments = _comments_by_paragraph(out)
    assert sum(len(c) for c in comments.values()) == len(findings)
    for f in findings:
        assert any(f.message in text for text in comments[f.location.paragraph])
    assert any("完全相同" in text for text in comments[12])


def test_annotate_refuses_the_input_and_other_formats(tmp_path: Path) -> None:
    source = _write(tmp_path / "发言.docx")
    with pytest.raises(UsageError, match="不能是被检查的文件本身"):
        annotate_docx(source, tmp_path / "." / "发言.docx", [])
    text = tmp_path / "发言.txt"
    text.write_text("一段文字。", encoding="utf-8")
    with pytest.raises(UsageError, match=r"只能用于 \.docx"):
        annotate_docx(text, tmp_path / "批注.docx", [])


def test_a_drafted_docx_annotates_on_its_paragraphs(tmp_path: Path) -> None:
    from drafter.drafting.composer import compose
    from drafter.drafting.index import load_index
    from drafter.drafting.model import DraftRequest
    from drafter.output.templates import render_file

    draft = compose(load_index(BANK), DraftRequest("激励干部担当作为", parts=4, seed=1))
    source = tmp_path / "提纲.docx"
    source.write_bytes(render_file(draft, "docx"))
    report = check_file(CheckRequest(source, (BANK,)))
    paragraphs = docx.Document(str(source)).paragraphs
    for part, heading in zip(report.document.parts, draft.parts, strict=True):
        at = report.document.paragraphs[part.at].location.paragraph
        assert heading.heading in paragraphs[at - 1].text
