"""Each check finds its fixture at the right paragraph and line, and keeps quiet on clean text."""

from __future__ import annotations

from drafter.check.findings import Finding
from tests.check.conftest import Checker, rules_of

CLEAN = """关于激励干部担当作为的几点体会

同志们：根据会议安排，结合工作实际，谈几点体会。
一、坚持政治引领，筑牢思想根基
理想信念是共产党人精神上的“钙”，必须牢牢把握。
（一）强化理论武装。
（二）加强党性锻炼。
（三）注重实践养成。
二、坚持实干导向，锤炼过硬本领
干部干部，干字当头，本领是干出来的。
（一）深入基层一线。
（二）勇挑急难险重。
（三）持续学习提升。
三、坚持严管厚爱，完善激励机制
组织给干部撑腰鼓劲，干部就更敢在一线担责。
（一）落实容错纠错。
（二）关心关爱干部。
（三）树立鲜明导向。
以上是我的几点体会，不妥之处请批评指正。
"""


def _only(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def test_clean_text_has_no_warnings(check_text: Checker) -> None:
    report = check_text(CLEAN)
    assert [f for f in report.findings if f.severity != "info"] == []
    assert set(rules_of(report)) == {"structure.outline", "length.total"}
    assert [p.number for p in report.document.parts] == [1, 2, 3]
    assert report.document.title == "关于激励干部担当作为的几点体会"


def test_locations_have_paragraph_line_and_part(check_text: Checker) -> None:
    report = check_text(CLEAN)
    doc = report.document
    heading = doc.paragraphs[doc.parts[1].at]
    assert heading.text.startswith("二、坚持实干导向")
    assert heading.location.line == 9  # the blank second line counts as a line
    assert heading.location.paragraph == 8
    assert heading.location.part == 2
    assert doc.paragraphs[0].location.part is None  # the title


def test_odd_heading_is_named(check_text: Checker) -> None:
    text = CLEAN.replace("二、坚持实干导向，锤炼过硬本领", "二、在实干中锤炼本领")
    text = text.replace("三、坚持严管厚爱，完善激励机制", "三、坚持严管厚爱，完善激励机制")
    report = check_text(text + "")
    odd = _only(report.findings, "structure.parallel")
    assert len(odd) == 1 and odd[0].severity == "warning"
    assert odd[0].location.line == 9 and odd[0].location.part == 2
    assert odd[0].excerpt == "在实干中锤炼本领"
    assert "2个分句" in odd[0].message and "1个分句" in odd[0].message


def test_odd_skeleton_gets_a_suggestion(check_text: Checker) -> None:
    parts = [
        "一、筑牢思想根基，激活想担当的“动力源”",
        "二、锤炼过硬本领，厚实会担当的“铁肩膀”",
        "三、注重激励保护，擎起敢担当的“防护盾”",
        "四、加强作风建设，树立良好的干部形象",
    ]
    body = "\n".join(f"{h}\n这一部分讲的是具体的做法和体会，共有若干条。" for h in parts)
    report = check_text(f"担当作为座谈发言\n{body}\n")
    odd = _only(report.findings, "structure.parallel")
    assert [f.excerpt for f in odd] == ["加强作风建设，树立良好的干部形象"]
    assert odd[0].suggestion is not None and "…，…担当的“…”" in odd[0].suggestion


def test_repeated_paragraph_sentence_and_quotation(check_text: Checker) -> None:
    repeated = "组织给干部撑腰鼓劲，干部就更敢在一线担责。"
    text = CLEAN.replace("（三）树立鲜明导向。", f"（三）树立鲜明导向。\n{repeated}")
    text = text.replace(
        "理想信念是共产党人精神上的“钙”，必须牢牢把握。",
        "理想信念是共产党人精神上的“钙”，必须牢牢把握。正如古人所说“天下之事，必作于细”。",
    )
    text = text.replace("本领是干出来的。", "本领是干出来的。“天下之事，必作于细”。")
    report = check_text(text)
    para = _only(report.findings, "repetition.paragraph")
    assert len(para) == 1 and para[0].severity == "error"
    assert para[0].location.line == 19 and para[0].location.part == 3
    assert "第14段" in para[0].message
    quote = _only(report.findings, "repetition.quotation")
    assert len(quote) == 1 and quote[0].location.line == 10
    assert quote[0].excerpt == "天下之事，必作于细"
    start = quote[0].location.start
    assert start is not None and report.document.paragraphs[8].text[start:].startswith("天下")


def test_repeated_sentence_is_a_warning(check_text: Checker) -> None:
    sentence = "我们要把各项工作抓紧抓实抓出成效。"
    text = CLEAN.replace("必须牢牢把握。", f"必须牢牢把握。{sentence}")
    text = text.replace("本领是干出来的。", f"本领是干出来的。{sentence}")
    found = _only(check_text(text).findings, "repetition.sentence")
    assert [(f.severity, f.location.line) for f in found] == [("warning", 10)]


def test_overused_phrase(check_text: Checker) -> None:
    text = CLEAN.replace(
        "必须牢牢把握。", "必须牢牢把握。" + "抓紧落实是关键，" * 3 + "要从实处着手。"
    )
    text = text.replace("本领是干出来的。", "本领是干出来的，" + "抓紧落实" * 2 + "靠本领。")
    found = _only(check_text(text, repeat_limit=4).findings, "repetition.phrase")
    assert [(f.excerpt, f.location.line) for f in found] == [("抓紧落实", 10)]
    assert "5次" in found[0].message
    assert _only(check_text(text, repeat_limit=5).findings, "repetition.phrase") == []


def test_same_opening_on_consecutive_points(check_text: Checker) -> None:
    text = CLEAN.replace("（一）深入基层一线。", "（一）加强基层锻炼。")
    text = text.replace("（二）勇挑急难险重。", "（二）加强实践历练。")
    text = text.replace("（三）持续学习提升。", "（三）加强理论学习。")
    found = _only(check_text(text).findings, "repetition.opening")
    assert len(found) == 1 and found[0].excerpt == "加强"
    assert found[0].location.line == 11 and found[0].location.part == 2
    assert "连续3条" in found[0].message


def test_length_and_speaking_time(check_text: Checker) -> None:
    report = check_text(CLEAN, rate=100)
    total = _only(report.findings, "length.total")[0]
    chars = report.length.characters
    assert chars == sum(len("".join(line.split())) for line in CLEAN.splitlines()[1:])
    assert f"{chars}字" in total.message and "每分钟100字" in total.message
    assert report.length.minutes == chars / 100


def test_unbalanced_parts(check_text: Checker) -> None:
    long = "这是一段很长的展开文字，讲述了具体的工作做法和取得的成效。" * 12
    text = CLEAN.replace("本领是干出来的。", "本领是干出来的。" + long)
    found = _only(check_text(text).findings, "length.balance")
    assert len(found) == 1 and found[0].location.part == 2 and found[0].severity == "warning"
    assert "偏长" in found[0].message


def test_unverified_quotation(check_text: Checker) -> None:
    made_up = "习近平总书记指出：“干部要把每一件小事都当成大事来办，久久为功。”"
    known = "习近平总书记强调：“进行伟大斗争、建设伟大工程、推进伟大事业、实现伟大梦想，关键要靠干部担当作为。”"
    text = CLEAN.replace("根据会议安排，", f"{known}{made_up}根据会议安排，")
    found = _only(check_text(text).findings, "quotations.unverified")
    assert len(found) == 1 and found[0].severity == "warning"
    assert found[0].excerpt == "干部要把每一件小事都当成大事来办，久久为功。"
    assert found[0].location.line == 3


def test_every_paragraph_goes_to_the_rules(check_text: Checker) -> None:
    text = CLEAN + "您可能感兴趣的文稿\n- 11-07 某某的发言\n"
    report = check_text(text)
    texts = [t for _loc, t in report.document.located()]
    assert "您可能感兴趣的文稿" in texts and len(texts) == len(text.strip().splitlines()) - 1
    assert report.document.paragraphs[-1].location.part is None
