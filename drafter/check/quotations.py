"""Quotations: words put in a leader's mouth (总书记指出：“…”) that the bank's sources do not
hold verbatim are flagged for the writer to verify against the original. Not found is not
wrong: the bank holds only what was mined."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from drafter.check.findings import Finding
from drafter.check.paragraphs import CheckedDocument
from drafter.text.normalize import fold, fold_normalized

if TYPE_CHECKING:
    from drafter.drafting.index import BankIndex

_LEADER = (
    r"(?:习近平|总书记|毛泽东|邓小平|江泽民|胡锦涛|周恩来|刘少奇|朱德|陈云|"
    r"国家主席|(?<![副])主席|总理)"
)
_VERB = (
    r"(?:指出|强调|要求|说过|说|讲过|讲|指示|告诫|提出|寄语|批示|论述|阐述|阐明|重申|号召|勉励|"
    r"嘱托|叮嘱|提醒|写道|概括|比喻)"
)
_ATTRIBUTED = re.compile(
    rf"{_LEADER}[^。！？“”\n]{{0,30}}?{_VERB}[^。！？“”\n]{{0,8}}?[：:，,]?\s*“([^“”]{{2,}})”"
)
_ELLIPSIS = re.compile(r"…+|\.{3,}")
_MIN_KEY = 6  # folded characters: shorter quotations (“两个维护”) are set phrases, not sayings
# The bank kinds whose text is the sources' own words.
_SOURCE_KINDS = ("quotation", "point", "part_lead", "closing", "heading")


def source_text(index: BankIndex) -> str:
    """The bank's texts from its sources, folded, in one string to search (kept on the index:
    a batch of checks reads it once)."""
    key = "check.source_text"
    if key not in index.memo:
        texts = [rec.text for kind in _SOURCE_KINDS for rec in index.of(kind)]
        texts += [index.body(rec.id) for rec in index.of("point")]
        index.memo[key] = "\n".join(fold_normalized(t) for t in texts if t)
    text: str = index.memo[key]
    return text


def check_quotations(doc: CheckedDocument, sources: str) -> list[Finding]:
    findings: list[Finding] = []
    for para in doc.speech():
        for m in _ATTRIBUTED.finditer(para.text):
            quote = m.group(1)
            pieces = [fold(p) for p in _ELLIPSIS.split(quote)]
            pieces = [p.rstrip(".,;!?") for p in pieces if len(p) >= _MIN_KEY]
            if not pieces or all(p in sources for p in pieces):
                continue
            start = m.start(1)
            findings.append(
                Finding(
                    "quotations.unverified",
                    "warning",
                    replace(para.location, start=start, end=start + len(quote)),
                    "这句引语在素材库的来源中没有逐字找到，请核对原文（不等于引错）",
                    "对照权威出处（如《习近平谈治国理政》、人民日报或新华社发布的原文）"
                    "核实引文的文字和出处",
                    quote,
                )
            )
    return findings
