"""Parts and sub-points marked without numbers, found by the form of the text alone.

- Headings on lines of their own that form a sibling set: parallel in shape ("夯实组织基础，筑牢
  战斗堡垒" / "建强骨干队伍，激活红色引擎"), or dash-led ("书香致远——“……”"). Where two such
  sets interleave, the one whose sections hold the other is the parts' (two-clause part headings
  over more numerous one-clause sub-point lines).
- Run-in openings: consecutive paragraphs that each open with a short sentence or clause of one
  shape ("创新活动载体，让老文物不再“躺平”。……" / "聚焦审批提速，我们将……").

A set found at the top of a document must be strong evidence, because nothing else says the text
is a speech at all: two members only if they share more than a shape, none that looks like a
person's name (a list of names), and run-in openings never in the first paragraph (where prose
opens with a short sentence as often as not).
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

from drafter.corpus.cuts import ADDRESS, Cut, may_head
from drafter.corpus.segment import is_title_like
from drafter.text.numbering import find_marker
from drafter.text.parallel import Shape, parallel_group, same_shape, similarity
from drafter.text.sentences import clauses, split_sentences, strip_end, visible_len
from drafter.text.skeletons import skeleton

# A dash between two texts ("书香致远——“……”"), not one that opens a "——" summary line.
_INNER_DASH = re.compile(r"(?<=[^\s—\-－―])(?:——|--|－－|――)(?=\S)")
_DASH_HEAD_MAX = 12  # visible length of the text before the dash: a motto or a name
_DASH_SPREAD = 4  # how much the mottos of one set may differ in length
_ANCHOR_MIN = 2  # fixed characters a skeleton must share to tie texts together
_STRICT = 3  # similarity at which two texts are parallel beyond their shape alone
# Members of a set each text is compared with: all of a real set (a dozen at most), and work
# linear in the set's size on hostile input.
_REPRESENTATIVES = 12
# Common surnames: "张建国 办公室主任", "李晓燕同志" are names heading a citation, not parts.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)
_NAME_LINE = re.compile(rf"^[{_SURNAMES}][\u4e00-\u9fff]{{1,2}}(?:\s+\S.*|\s*同志)$")
# Openings that set a scene or link to what came before ("近年来，" "与此同时，" "在……中，"),
# not the lead of a part.
_CONNECTIVE = re.compile(
    r"^(?:随着|通过|对于|关于|为了|为此|根据|按照|经过|截至|自从|如果|虽然|尽管|但|而|同时|与此同时"
    r"|此外|另外|因此|所以|总之|其中|特别是|尤其是|这|那|我|他|她|它|今年|去年|近年|目前|当前|如今|过去|长期"
    r"|一段时间|多年)"
    r"|(?:来|后|中|时|上|下|前|里|看|说|讲|而言|为例|之际|方面|期间|以后|以前)$"
    # reported speech in a news item: "会议强调，……" / "他表示，……"
    r"|(?:指出|强调|要求|认为|表示|提出|介绍|表明|显示|称)$"
)
_CLAUSE_MIN, _CLAUSE_MAX = 4, 12  # visible length of an opening clause ended by "，"
_OPENING_MAX = 30  # visible length of an opening sentence
_REST_MIN = 15  # visible length of what an opening clause leads
_RUN_GAP = 4  # paragraphs a part may hold beyond its opening one
_DIGIT = re.compile(r"\d")
_SECTION_MIN = 30  # visible characters under a part's heading, before the next one


def _dash_group(texts: list[str]) -> list[int]:
    """Texts with an inner dash whose mottos (the text before it) are alike in length."""
    heads: dict[int, int] = {}
    for k, text in enumerate(texts):
        m = _INNER_DASH.search(text)
        if m and 2 <= visible_len(text[: m.start()]) <= _DASH_HEAD_MAX:
            heads[k] = visible_len(text[: m.start()])
    if len(heads) < 2 or max(heads.values()) - min(heads.values()) > _DASH_SPREAD:
        return []
    return sorted(heads)


def sibling_group(texts: list[str], min_size: int = 2) -> list[int]:
    """The largest sibling set among ``texts``: dash-led headings, or parallel ones."""
    dashed = _dash_group(texts)
    if len(dashed) >= min_size:
        return dashed
    return parallel_group(texts, min_size=min_size)


def _anchored(texts: list[str]) -> bool:
    """Whether the texts share a skeleton with two or more fixed characters beyond punctuation
    ("聚焦……", "……，让……不再“……”"): one shared "的" is chance."""
    sk = skeleton(texts)
    return sk is not None and sum(c.isalnum() for c in sk.fixed_text) >= _ANCHOR_MIN


def _strong(texts: list[str]) -> bool:
    """Whether sibling texts are more than alike in shape: all dash-led, sharing fixed words in
    one skeleton, or all strictly parallel."""
    if len(_dash_group(texts)) == len(texts):
        return True
    if _anchored(texts):
        return True
    shapes = [Shape.of(t) for t in texts]
    reps = shapes[:_REPRESENTATIVES]
    return all(similarity(a, r) >= _STRICT for a in shapes for r in reps if a is not r)


def _heading_lines(paras: list[str]) -> list[int]:
    """Title-like lines followed by text: candidates for headings on lines of their own."""
    return [
        i
        for i in range(len(paras) - 1)
        if is_title_like(paras[i])
        and not is_title_like(paras[i + 1])
        and not ADDRESS.match(paras[i])
        and not _NAME_LINE.match(paras[i])
    ]


def holds(outer: list[int], inner: list[int]) -> bool:
    """Whether ``inner`` lies in the sections ``outer`` opens, several to some section."""
    if not outer or not inner or inner[0] < outer[0]:
        return False
    counts = [0] * len(outer)
    k = 0
    for at in inner:
        while k + 1 < len(outer) and outer[k + 1] <= at:
            k += 1
        counts[k] += 1
    return max(counts) >= 2


def _substantial(paras: list[str], heads: list[int]) -> bool:
    """Whether every heading but the last heads a section of some substance: label lines over
    a word or two ("出席人员" / "局领导班子成员。") frame a form, not a speech's parts."""
    return all(
        sum(visible_len(p) for p in paras[a + 1 : b]) >= _SECTION_MIN for a, b in pairwise(heads)
    )


def own_line_cuts(paras: list[str], *, top: bool) -> list[Cut]:
    """Headings on lines of their own that form a sibling set, each followed by text.

    At the top of a document the set must hold any other set in its sections (those are the
    sub-points) and be strong evidence (see the module's doc).
    """
    idx = _heading_lines(paras)
    lines = [paras[i] for i in idx]
    group = sibling_group(lines)
    if top and group:
        rest = [k for k in range(len(lines)) if k not in group]
        other = [rest[g] for g in sibling_group([lines[k] for k in rest])]
        if holds([idx[g] for g in other], [idx[g] for g in group]):
            group = other
        members = [lines[g] for g in group]
        if (len(group) < 3 and not _strong(members)) or not _substantial(
            paras, [idx[g] for g in group]
        ):
            group = []
    return [Cut(idx[g], strip_end(lines[g]), None, "none") for g in group]


def run_in_opening(para: str) -> tuple[str, str, str] | None:
    """A paragraph's run-in opening, as (kind, heading, rest): a short sentence ended by "。"
    or "！" ("sentence"), or a short clause ended by "，" ("clause")."""
    if find_marker(para) is not None or not may_head(para) or para.startswith(("——", "--")):
        return None
    sentences = split_sentences(para)
    first = sentences[0] if sentences else ""
    if (
        len(sentences) >= 2
        and first.endswith(("。", "！"))
        and visible_len(first) <= _OPENING_MAX
        and len(clauses(first)) <= 2
        and not _DIGIT.search(first)
    ):
        return "sentence", strip_end(first), para[len(first) :].strip()
    comma = re.search(r"[，,]", first)
    if comma is None or visible_len(para[comma.end() :]) < _REST_MIN:
        return None  # a clause leads a paragraph's worth of text, not the rest of a sentence
    clause = first[: comma.start()].strip()
    if (
        not _CLAUSE_MIN <= visible_len(clause) <= _CLAUSE_MAX
        or _DIGIT.search(clause)
        or _CONNECTIVE.search(clause)
    ):
        return None
    return "clause", clause, para[comma.end() :].strip()


def _runs(at: list[int]) -> list[list[int]]:
    """Positions in ``at`` (ascending paragraph indices) split where a gap is too wide for the
    paragraphs between to belong to one part."""
    runs: list[list[int]] = []
    for k, i in enumerate(at):
        if not runs or i - at[runs[-1][-1]] > _RUN_GAP + 1:
            runs.append([])
        runs[-1].append(k)
    return runs


def _skeleton_set(texts: list[str], min_size: int) -> list[int]:
    """The texts of the commonest clause count, if they all have one shape and share fixed
    words: "以党建为引领，拧紧……" / "以服务为根本，打通……" are siblings by their skeleton even
    where their lengths differ too much for ``parallel_group`` to pair every two of them."""
    shapes = [Shape.of(t) for t in texts]
    count = Counter(len(sh.lengths) for sh in shapes).most_common(1)[0][0]
    members = [k for k, sh in enumerate(shapes) if len(sh.lengths) == count]
    reps = members[:_REPRESENTATIVES]
    if len(members) < min_size or not all(
        same_shape(shapes[a], shapes[r]) for a in members for r in reps if a != r
    ):
        return []
    return members if _anchored([texts[k] for k in members]) else []


def run_in_cuts(paras: list[str], *, start: int, strict: bool, min_size: int = 3) -> list[Cut]:
    """Paragraphs close together that open with run-in openings of one shape.

    Sentence and clause openings are tried apart (a paragraph may have both); the largest set
    wins, sentences on a tie. ``strict`` (at the top of a document) asks for more than a shape
    in common; inside a part, whose text is known to be a speech's, parallel openings suffice.
    """
    best: list[Cut] = []
    for kind in ("sentence", "clause"):
        found = [
            (i, o)
            for i in range(start, len(paras))
            if (o := run_in_opening(paras[i])) and o[0] == kind
        ]
        for run in _runs([i for i, _ in found]):
            texts = [found[k][1][1] for k in run]
            group = sibling_group(texts, min_size=min_size)
            if not group or (strict and not _strong([texts[g] for g in group])):
                group = _skeleton_set(texts, min_size)
            if len(group) > len(best):
                chosen = [found[run[g]] for g in group]
                best = [Cut(i, o[1], o[2] or None, "none") for i, o in chosen]
    return best
