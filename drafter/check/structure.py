"""Structure: the outline found, the part count, and whether sibling headings are parallel
(对仗) by clause count, clause lengths and shared skeleton, naming the odd one out."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from drafter.check.findings import Finding, Location, Severity
from drafter.check.paragraphs import CheckedDocument
from drafter.text.numerals import int_to_chinese
from drafter.text.parallel import parallel_group
from drafter.text.sentences import strip_end, visible_len
from drafter.text.skeletons import CLAUSE_MARKS, Skeleton, skeleton, split_clauses_marked

if TYPE_CHECKING:
    from drafter.drafting.index import BankIndex

_WIDE = str.maketrans({",": "，", ";": "；", ":": "："})
_SKELETON_SET = 4  # siblings needed before one is named for lacking the others' skeleton
_SUB_MAX = 24
_SUB_GAP = 4  # characters a sub-point lead may differ from its equal siblings before a note  # sub-point leads longer than this are sentences, not headings meant to be parallel


@dataclass(frozen=True)
class MinedSkeleton:
    """A heading pattern of the bank, as a pattern a heading can be matched against."""

    display: str
    pattern: re.Pattern[str]
    fixed: int  # characters of fixed text beyond punctuation


def mined_skeletons(index: BankIndex) -> list[MinedSkeleton]:
    """The bank's anchored heading patterns (those sharing fixed words, not only a shape)."""
    out: list[MinedSkeleton] = []
    for rec in index.of("heading_pattern"):
        if not rec.info.get("anchored"):
            continue
        sizes = {s.get("slot"): s for s in rec.info.get("slots", []) if isinstance(s, dict)}
        regex = ""
        for piece in rec.info.get("pieces", []):
            if isinstance(piece, str):
                regex += re.escape(piece.translate(_WIDE))
            elif isinstance(piece, dict):
                most = int(sizes.get(piece.get("slot"), {}).get("max", 8))
                regex += f"[^{CLAUSE_MARKS}]{{1,{most + 2}}}"
        fixed = sum(
            c.isalnum() for p in rec.info.get("pieces", []) if isinstance(p, str) for c in p
        )
        if fixed < 2:
            continue  # one shared character ("以…") says too little to be worth suggesting
        out.append(MinedSkeleton(rec.text, re.compile(regex), fixed))
    out.sort(key=lambda m: -m.fixed)
    return out


def check_structure(doc: CheckedDocument, mined: Sequence[MinedSkeleton] = ()) -> list[Finding]:
    findings: list[Finding] = [_outline(doc)]
    where = [doc.paragraphs[p.at].location for p in doc.parts]
    headings = [_bare(p.heading) for p in doc.parts]
    findings += _parallel(headings, where, "部分标题", "warning", mined)
    for part in doc.parts:
        leads = [_bare(lead) for _at, lead in part.points]
        if len(leads) >= 3 and all(visible_len(t) <= _SUB_MAX for t in leads):
            spots = [doc.paragraphs[at].location for at, _lead in part.points]
            findings += _parallel(leads, spots, "要点", "info", mined, odd_only=True)
    return findings


def _bare(text: str) -> str:
    return strip_end(text.translate(_WIDE))


def _outline(doc: CheckedDocument) -> Finding:
    count = len(doc.parts)
    names = "；".join(f"{int_to_chinese(p.number)}、{p.heading}" for p in doc.parts)
    title = f"标题“{doc.title}”，" if doc.title else "没有找到标题，"
    if count == 0:
        return Finding(
            "structure.outline",
            "info",
            doc.first_location(),
            f"{title}没有找到分部分的结构（如“一、……”），标题对仗和各部分篇幅无从检查",
        )
    severity: Severity = "warning" if count == 1 else "info"
    message = f"{title}共{count}个部分：{names}"
    hint = "只有一个部分：讲话稿通常分三四个部分" if count == 1 else None
    return Finding("structure.outline", severity, doc.first_location(), message, hint)


def _shape(text: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    pieces = split_clauses_marked(text)
    return tuple(pieces[1::2]), tuple(visible_len(c) for c in pieces[0::2])


def _parallel(
    texts: list[str],
    where: list[Location],
    what: str,
    severity: Severity,
    mined: Sequence[MinedSkeleton],
    odd_only: bool = False,
) -> list[Finding]:
    """Findings about one set of siblings that should be parallel."""
    n = len(texts)
    if n < 2:
        return []
    if odd_only and not _others_parallel(texts):
        return []
    shapes = [_shape(t) for t in texts]
    marks = Counter(s[0] for s in shapes)
    common, count = marks.most_common(1)[0]
    if count < n:
        if count * 2 > n and n >= 3:
            return [
                _odd(i, texts, where, what, severity, mined, _clause_note(common, shapes[i][0]))
                for i in range(n)
                if shapes[i][0] != common
            ]
        if odd_only:
            return []
        counts = "、".join(str(len(s[0]) + 1) for s in shapes)
        return [
            Finding(
                "structure.parallel",
                severity,
                where[0],
                f"各{what}的分句数不一致（依次为{counts}个分句），不成对仗",
                _suggest(texts, mined),
                "／".join(texts),
            )
        ]
    for k in range(len(shapes[0][1])):
        lengths = [s[1][k] for s in shapes]
        size, same = Counter(lengths).most_common(1)[0]
        if n >= 3 and same == n - 1:
            i = next(j for j, x in enumerate(lengths) if x != size)
            if abs(lengths[i] - size) >= (_SUB_GAP if odd_only else 2):
                note = f"其他{what}第{k + 1}个分句都是{size}个字，这一条是{lengths[i]}个字"
                return [_odd(i, texts, where, what, severity, mined, note)]
    shared = skeleton(texts)
    # Two headings sharing a word is chance (often the theme's own word): a skeleton that
    # names the odd one out must be shared by three or more.
    if n >= _SKELETON_SET and (shared is None or not _clause_anchored(shared)):
        odd = []
        for i in range(n):
            rest = skeleton(texts[:i] + texts[i + 1 :])
            if rest is not None and _clause_anchored(rest):
                odd.append((i, rest.display()))
        if len(odd) == 1:
            i, display = odd[0]
            note = f"其他{what}共用句式“{display}”，这一条没有"
            return [_odd(i, texts, where, what, severity, mined, note, display)]
    return []


def _others_parallel(texts: list[str]) -> bool:
    """Whether all but at most one of ``texts`` are parallel among themselves: sub-point leads
    are only held to 对仗 when the writer plainly meant them to be."""
    for i in range(len(texts)):
        others = texts[:i] + texts[i + 1 :]
        if len(parallel_group(others)) == len(others):
            return True
    return False


def _clause_anchored(sk: Skeleton) -> bool:
    """Whether the skeleton's fixed words open or close a clause (“…担当的“…””, “坚持…，…”):
    a word shared in the middle of a clause (the theme's own word) is no skeleton."""
    pieces = sk.pieces
    for k, piece in enumerate(pieces):
        if not isinstance(piece, str) or sum(c.isalnum() for c in piece) < 2:
            continue
        if k in (0, len(pieces) - 1) or any(c in "“”‘’《》" for c in piece):
            return True  # at either end, or framing a quoted slot (担当的“…”)
        if piece[0] in CLAUSE_MARKS and piece[1:2].isalnum():
            return True
        if piece[-1] in CLAUSE_MARKS and piece[-2:-1].isalnum():
            return True
    return False


def _clause_note(common: tuple[str, ...], own: tuple[str, ...]) -> str:
    shown = "".join(f"…{m}" for m in common) + "…"
    return f"其他都是{len(common) + 1}个分句（“{shown}”），这一条是{len(own) + 1}个分句"


def _odd(
    i: int,
    texts: list[str],
    where: list[Location],
    what: str,
    severity: Severity,
    mined: Sequence[MinedSkeleton],
    note: str,
    own_skeleton: str | None = None,
) -> Finding:
    others = texts[:i] + texts[i + 1 :]
    suggestion = _suggest(others, mined)
    if suggestion is None and own_skeleton:
        suggestion = f"可按其他{what}的句式“{own_skeleton}”改写"
    return Finding(
        "structure.parallel",
        severity,
        where[i],
        f"这一{what}与其他{what}不对仗：{note}",
        suggestion,
        texts[i],
    )


def _suggest(texts: list[str], mined: Sequence[MinedSkeleton]) -> str | None:
    """A mined skeleton that every one of ``texts`` (at least two) already fits."""
    if len(texts) < 2:
        return None
    for m in mined:
        if all(m.pattern.fullmatch(t) for t in texts):
            return f"可套用素材库中的句式“{m.display}”"
    return None
