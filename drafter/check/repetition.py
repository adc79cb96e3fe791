"""Repetition: a paragraph or sentence written twice, a phrase of four or more characters used
more than N times, consecutive sub-points opening with the same words, a quotation used twice."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from itertools import groupby

from drafter.check.findings import Finding, Location
from drafter.check.paragraphs import CheckedDocument, Paragraph
from drafter.text.normalize import fold
from drafter.text.numbering import find_marker
from drafter.text.sentences import split_sentences, visible_len

_HAN_RUN = re.compile(r"[\u3400-\u9fff]{4,}")
_QUOTE = re.compile(r"“([^“”]{8,})”")
_SAYING = re.compile("[，,；;。！？]")  # a quotation proper runs over more than one clause
_SENTENCE_MIN = 8  # visible characters: shorter sentences ("一是。") repeat by nature
_PARAGRAPH_MIN = 15
_GRAM = 4
_OPENING = 2  # characters that make an opening (加强, 推进, 坚持 …)
_OPENING_RUN = 3  # consecutive sub-points with one opening that make a finding
# Characters that tie a phrase to its neighbours: a phrase is not "于担当的" but "担当".
_LOOSE = "的了和与及于在是为把被对也就都而并之"
_MODAL = re.compile(r"^(?:要|必须|我们要|我们)")


def check_repetition(doc: CheckedDocument, limit: int) -> list[Finding]:
    speech = doc.speech()
    return [
        *_repeated_text(speech),
        *_phrases(speech, limit, doc.title or ""),
        *_openings(doc),
        *_quotations(speech),
    ]


def _repeated_text(speech: list[Paragraph]) -> list[Finding]:
    findings: list[Finding] = []
    paragraphs: dict[str, Paragraph] = {}
    sentences: dict[str, Paragraph] = {}
    for para in speech:
        if para.role == "title":
            continue  # a title repeated as a page header or subtitle is no slip of the pen
        key = fold(para.text)
        if visible_len(para.text) >= _PARAGRAPH_MIN and key in paragraphs:
            first = paragraphs[key].location.paragraph
            findings.append(
                Finding(
                    "repetition.paragraph",
                    "error",
                    para.location,
                    f"这一段与第{first}段完全相同",
                    "删去重复的一段",
                    para.text,
                )
            )
            continue
        paragraphs.setdefault(key, para)
        for sentence in split_sentences(para.text):
            skey = fold(sentence)
            if visible_len(sentence) < _SENTENCE_MIN:
                continue
            if skey in sentences:
                first = sentences[skey].location.paragraph
                where = "本段前文" if sentences[skey] is para else f"第{first}段"
                findings.append(
                    Finding(
                        "repetition.sentence",
                        "warning",
                        _span(para, sentence),
                        f"这句话与{where}的一句相同",
                        "删去或改写其中一句",
                        sentence,
                    )
                )
            else:
                sentences[skey] = para
    return findings


def _span(para: Paragraph, text: str) -> Location:
    """The paragraph's location narrowed to ``text`` in it."""
    start = para.text.find(text)
    if start < 0:
        return para.location
    return replace(para.location, start=start, end=start + len(text))


def _phrases(speech: list[Paragraph], limit: int, title: str) -> list[Finding]:
    """Phrases of four or more Chinese characters used more than ``limit`` times, each named
    once at its widest (担当作为, not also 当作为 …), and not the title's own words."""
    runs = [(para, m.group()) for para in speech for m in _HAN_RUN.finditer(para.text)]
    grams: dict[str, int] = defaultdict(int)
    for _para, run in runs:
        for i in range(len(run) - _GRAM + 1):
            grams[run[i : i + _GRAM]] += 1
    text = "\n".join(run for _para, run in runs)
    found: dict[str, int] = {}
    for gram, count in grams.items():
        if count <= limit or gram in title:
            continue
        phrase = _widen(gram, text, count).strip(_LOOSE)
        if len(phrase) >= _GRAM:
            found[phrase] = text.count(phrase)
    chosen: list[tuple[str, int]] = []
    for phrase, count in sorted(found.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0])):
        if count <= limit or phrase in title:
            continue
        if any(phrase in c or c in phrase for c, _n in chosen):
            continue
        chosen.append((phrase, count))
    findings = []
    for phrase, count in chosen:
        seen = 0
        for para in speech:
            seen += para.text.count(phrase)
            if seen > limit:
                findings.append(
                    Finding(
                        "repetition.phrase",
                        "info",
                        _span(para, phrase),
                        f"“{phrase}”全文用了{count}次（超过{limit}次）",
                        "换用近义的说法，或删去可省的几处",
                        phrase,
                    )
                )
                break
    return findings


def _widen(gram: str, text: str, count: int) -> str:
    """``gram`` grown to either side while every one of its uses grows with it."""
    phrase = gram
    while True:
        grown = False
        for side in (1, -1):
            nexts = {
                text[m.end()] if side == 1 else text[m.start() - 1]
                for m in re.finditer(re.escape(phrase), text)
                if (m.end() < len(text) if side == 1 else m.start() > 0)
            }
            if len(nexts) == 1:
                char = nexts.pop()
                wider = phrase + char if side == 1 else char + phrase
                if "\n" not in char and text.count(wider) == count:
                    phrase, grown = wider, True
        if not grown:
            return phrase


def _opening(lead: str) -> str:
    marker = find_marker(lead)
    text = lead[marker.end :] if marker else lead
    text = _MODAL.sub("", re.sub(r"[\W_]+", "", text))
    return text[:_OPENING]


def _openings(doc: CheckedDocument) -> list[Finding]:
    findings: list[Finding] = []
    for part in doc.parts:
        points = [(at, doc.paragraphs[at].text) for at, _lead in part.points]
        keyed = [(_opening(text), at) for at, text in points]
        for word, group in groupby(keyed, key=lambda kv: kv[0]):
            ats = [at for _w, at in group]
            if len(word) == _OPENING and len(ats) >= _OPENING_RUN:
                findings.append(
                    Finding(
                        "repetition.opening",
                        "warning",
                        doc.paragraphs[ats[0]].location,
                        f"连续{len(ats)}条要点都以“{word}”开头",
                        f"换用不同的动词开头（如把“{word}”换成意思相近的词），或合并相近的要点",
                        word,
                    )
                )
    return findings


def _quotations(speech: list[Paragraph]) -> list[Finding]:
    findings: list[Finding] = []
    seen: dict[str, Paragraph] = {}
    for para in speech:
        for m in _QUOTE.finditer(para.text):
            if not _SAYING.search(m.group(1)):
                continue  # a quoted name or slogan (“党建+网格+大数据”), not a saying
            key = fold(m.group(1))
            if key in seen:
                first = seen[key].location.paragraph
                findings.append(
                    Finding(
                        "repetition.quotation",
                        "warning",
                        _span(para, m.group(1)),
                        f"这句引语在第{first}段已经引用过",
                        "同一句引语只引一次，删去或换一句",
                        m.group(1),
                    )
                )
            else:
                seen[key] = para
    return findings
