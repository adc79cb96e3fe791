"""Recovering a speech's structure from its body paragraphs: parts, their leads and sub-points.

Parts are found, in order of preference, by the heading styles or bold lines a formatted source
gave (``cues``), by a numbering sequence at paragraph starts (一、 / 一要 / （一） / 第一， / 首先 …),
by sibling headings standing on lines of their own (parallel or dash-led, ``unnumbered``), by
run-in openings of one shape in paragraphs close together, or by parallel first sentences of
paragraphs. Sub-points are found the same way one level down, also inline, as parallel short or
numbered sentences inside a paragraph, and in a part whose siblings have them, as the lead
sentences its paragraphs open with. A text with none of these has no parts.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from drafter.corpus.cues import part_cuts, point_cuts
from drafter.corpus.cuts import CLOSING_CUE, Cut, split_heading
from drafter.corpus.models import Document, Part, Point
from drafter.corpus.segment import Chunk
from drafter.corpus.unnumbered import holds, own_line_cuts, run_in_cuts
from drafter.text.numbering import Marker, counts_one_to_n, find_marker, rank
from drafter.text.parallel import parallel_group
from drafter.text.sentences import clauses, split_sentences, strip_end, visible_len

_LEAD_MAX = 30
_INLINE_MAX = 20
_DASH = re.compile(r"^(?:——|--|－－|――)\s*")
_DASH_LEAD_MAX = 40
_RUN_IN_MIN, _RUN_IN_MAX = 4, 20  # visible length of a run-in lead sentence
_RUN_IN_SET = 3  # run-in leads only count where at least this many stand close together
_DIGIT = re.compile(r"\d")
_SIBLING_SLACK = 4  # how much longer than its siblings' a lead found by their example may be


def _outline_run(hits: list[tuple[int, Marker]]) -> list[tuple[int, Marker]]:
    """The markers of the highest-level family that runs 1, 2, 3 … once, or []."""
    found: dict[str, list[tuple[int, Marker]]] = {}
    for at, marker in hits:
        found.setdefault(marker.family, []).append((at, marker))
    for family in sorted(found, key=rank):
        if counts_one_to_n([m.value for _, m in found[family]]):
            return found[family]
    return []


def _numbered_cuts(paras: list[str]) -> list[Cut]:
    """Cuts at the highest-level marker family that runs 1, 2, 3 … once through ``paras``."""
    marked = [(i, m) for i, p in enumerate(paras) if (m := find_marker(p)) is not None]
    cuts = []
    for i, marker in _outline_run(marked):
        heading, rest = split_heading(paras[i][marker.end :])
        cuts.append(Cut(i, heading, rest, marker.family))
    return cuts


def _first_sentence_cuts(
    paras: list[str], start: int, *, max_len: int, min_size: int, strict: bool
) -> list[Cut]:
    """Paragraphs whose short first sentences are parallel: headings or leads."""
    idx: list[int] = []
    firsts: list[str] = []
    for i in range(start, len(paras)):
        if _DASH.match(paras[i]):
            continue  # "——" summary lines are a set of their own (``dash_lines``), not headings
        sentences = split_sentences(paras[i])
        if len(sentences) < 2:
            continue
        first = sentences[0]
        if not first.endswith(("。", "！", "？", "：")) or visible_len(first) > max_len:
            continue
        if len(clauses(first)) > 3:
            continue
        idx.append(i)
        firsts.append(first)
    group = parallel_group(
        firsts, min_size=min_size, threshold=3 if strict else 2, shared_word=strict
    )
    cuts = []
    for g in group:
        i = idx[g]
        cuts.append(
            Cut(i, strip_end(firsts[g]), paras[i][len(firsts[g]) :].strip() or None, "none")
        )
    return cuts


def _marked_cuts(paras: list[str], *, top: bool) -> list[Cut]:
    """Numbered cuts, or own-line headings when every numbered cut sits under one of them.

    A 一是 … run inside a single part must not outrank the headings that frame the parts.
    """
    numbered = _numbered_cuts(paras)
    own = own_line_cuts(paras, top=top)
    if numbered and own:
        starts = [cut.index for cut in own]  # ascending: the section a numbered cut is in
        sections = {bisect_left(starts, c.index) for c in numbered}
        if len(sections) == 1 and sections != {0}:
            return own
    return numbered or own


def _find_part_cuts(paras: list[str]) -> list[Cut]:
    """Marked cuts, else run-in openings, else parallel first sentences anywhere; the last two
    never in the first paragraph, which opens the speech."""
    return (
        _marked_cuts(paras, top=True)
        or run_in_cuts(paras, start=1, strict=True)
        or _first_sentence_cuts(paras, 1, max_len=40, min_size=3, strict=True)
    )


def _join(texts: list[str]) -> str | None:
    joined = "\n".join(t for t in texts if t)
    return joined or None


def _split_lead(text: str, max_len: int) -> tuple[str, str]:
    """A paragraph's first sentence (or, if it is too long, its first clause) and the rest."""
    sentences = split_sentences(text)
    first = sentences[0] if sentences else text
    if visible_len(first) > max_len:
        cut = re.search(r"[，,；;：:]", first)
        if cut:
            return strip_end(first[: cut.start()]), text[cut.end() :].strip()
    return strip_end(first), text[len(first) :].strip()


def dash_lines(paras: list[str]) -> tuple[Point, ...]:
    """The first run of two or more consecutive "——" summary lines, each as a lead and body."""
    run: list[str] = []
    for para in [*paras, ""]:
        if _DASH.match(para) and len(_DASH.sub("", para)) >= 4:
            run.append(_DASH.sub("", para))
            continue
        if len(run) >= 2:
            break
        run = []
    if len(run) < 2:
        return ()
    return tuple(Point(*_split_lead(text, _DASH_LEAD_MAX)) for text in run)


def _run_in_lead(para: str) -> str | None:
    """The short lead sentence a paragraph opens with ("着力提高政治能力。"), or None."""
    if _DASH.match(para) or find_marker(para) is not None:
        return None
    sentences = split_sentences(para)
    if len(sentences) < 2 or not sentences[0].endswith("。"):
        return None
    first = sentences[0]
    if not _RUN_IN_MIN <= visible_len(strip_end(first)) <= _RUN_IN_MAX:
        return None
    if len(clauses(first)) != 1 or _DIGIT.search(first):
        return None
    return first


def run_in_leads(paras: list[str]) -> tuple[Point, ...]:
    """Paragraphs that open with short run-in lead sentences: the first close group of them.

    Leads stand close together (at most one other paragraph between two of them) and there are
    at least three, so a paragraph that merely opens with a short sentence is not taken for
    one. A lead's body is the rest of its paragraph and the paragraphs up to the next lead.
    """
    found = [(i, lead) for i, p in enumerate(paras) if (lead := _run_in_lead(p)) is not None]
    group: list[tuple[int, str]] = []
    for at, lead in found:
        if group and at - group[-1][0] > 2:
            if len(group) >= _RUN_IN_SET:
                break
            group = []
        group.append((at, lead))
    if len(group) < _RUN_IN_SET:
        return ()
    points = []
    for k, (at, lead) in enumerate(group):
        end = group[k + 1][0] if k + 1 < len(group) else len(paras)
        body = _join([paras[at][len(lead) :].strip(), *paras[at + 1 : end]]) or ""
        children = dash_lines(paras[at + 1 : end])
        points.append(Point(strip_end(lead), body, dashes=children))
    return tuple(points)


def _point(lead: str, texts: list[str]) -> Point:
    """A sub-point with the run-in leads and "——" lines found in its paragraphs."""
    body = _join(texts) or ""
    paras = [t for t in texts if t]
    return Point(lead, body, run_in_leads(paras[1:]), dash_lines(paras))


def _points_from_cuts(paras: list[str], cuts: list[Cut]) -> tuple[str | None, tuple[Point, ...]]:
    lead = _join(paras[: cuts[0].index])
    points = []
    for k, cut in enumerate(cuts):
        end = cuts[k + 1].index if k + 1 < len(cuts) else len(paras)
        points.append(_point(cut.heading, [cut.rest or "", *paras[cut.index + 1 : end]]))
    return lead, tuple(points)


def _inline_points(paras: list[str]) -> tuple[str | None, tuple[Point, ...]] | None:
    """Sub-points as parallel short sentences inside the part's text, each followed by its body."""
    sentences: list[tuple[int, str]] = [
        (k, s) for k, p in enumerate(paras) for s in split_sentences(p)
    ]
    idx: list[int] = []
    cands: list[str] = []
    marked: list[tuple[int, Marker]] = []
    for n, (k, sentence) in enumerate(sentences):
        marker = find_marker(sentence)
        # Any family below 一、 may number sub-points inside a paragraph ("……。第一，……").
        if marker is not None and rank(marker.family) > rank("一、"):
            marked.append((n, marker))
        last_of_para = n + 1 == len(sentences) or sentences[n + 1][0] != k
        if last_of_para or not sentence.endswith("。") or _DASH.match(sentence):
            continue
        if 4 <= visible_len(sentence) <= _INLINE_MAX and len(clauses(sentence)) == 1:
            idx.append(n)
            cands.append(sentence)
    leads: list[tuple[int, str]] = []
    for n, marker in _outline_run(marked):
        text = sentences[n][1][marker.end :]
        lead = strip_end(text) if visible_len(text) <= _LEAD_MAX else clauses(text)[0]
        leads.append((n, lead))
    if not leads:
        group = parallel_group(cands)
        leads = [(idx[g], strip_end(cands[g])) for g in group]
    if len(leads) < 2:
        return None
    starts = [n for n, _ in leads]

    def text_between(a: int, b: int) -> str | None:
        chunk: list[str] = []
        for n in range(a, b):
            k, sentence = sentences[n]
            if chunk and sentences[n - 1][0] != k:
                chunk.append("\n")
            chunk.append(sentence)
        return "".join(chunk).strip() or None

    lead_text = text_between(0, starts[0])
    points = []
    for j, (n, lead) in enumerate(leads):
        end = starts[j + 1] if j + 1 < len(starts) else len(sentences)
        body = text_between(n + 1, end) or ""
        marker = find_marker(sentences[n][1])
        if marker is not None:
            # "一是加强学习，做到……。": the lead is the first clause; the rest of it is body.
            rest = sentences[n][1][marker.end :]
            tail = rest[len(lead) :].lstrip("，,；;：:。 ") if rest.startswith(lead) else ""
            body = f"{tail}{body}" if tail else body
        points.append(Point(lead, body))
    return lead_text, tuple(points)


def parse_part(
    heading: str,
    numbering: str,
    paras: list[str],
    cues: list[str | None] | None = None,
    point_cue: str | None = None,
) -> Part:
    """One part from its heading and the paragraphs under it (the first may be the heading's rest).

    ``cues`` are the paragraphs' styles and ``point_cue`` the one that marks sub-points, where a
    formatted source gave them; the text's form decides where they mark none.
    """
    cuts = point_cuts(paras, cues or [], point_cue) or _marked_cuts(paras, top=False)
    if cuts:
        lead, points = _points_from_cuts(paras, cuts)
        return Part(heading, numbering, lead, points, dashes=dash_lines(paras[: cuts[0].index]))
    firsts = _first_sentence_cuts(paras, 0, max_len=_LEAD_MAX, min_size=2, strict=False)
    inline = _inline_points(paras)
    if firsts and inline is not None:
        # Leads may stand both at paragraph starts and inside paragraphs: take the reading
        # that finds them all.
        found = {p.lead for p in inline[1]}
        if len(inline[1]) <= len(firsts) or not {c.heading for c in firsts} <= found:
            inline = None
    if inline is not None:
        return Part(heading, numbering, inline[0], inline[1])
    firsts = firsts or run_in_cuts(paras, start=0, strict=False)
    if firsts:
        lead, points = _points_from_cuts(paras, firsts)
        return Part(heading, numbering, lead, points, dashes=dash_lines(paras[: firsts[0].index]))
    return Part(
        heading, numbering, paras[0] if paras else None, (), _join(paras[1:]), dash_lines(paras)
    )


def _sibling_points(part: Part, paras: list[str], longest: int) -> Part:
    """``part``, given the sub-points its siblings lead it to: two or more paragraphs in a row,
    after its first, that open with a lead sentence not much longer than the siblings' longest.

    Sibling parts of one speech mark their points alike; their points, found as a parallel set,
    vouch for leads in this part that are not parallel to each other ("建设数字资源库。" /
    "推广移动借阅服务。").
    """
    leads = {i: lead for i in range(1, len(paras)) if (lead := _run_in_lead(paras[i])) is not None}
    run: list[int] = []
    for i in sorted(
        k for k, lead in leads.items() if visible_len(lead) <= longest + _SIBLING_SLACK
    ):
        if run and i != run[-1] + 1:
            if len(run) >= 2:
                break
            run = []
        run.append(i)
    if len(run) < 2:
        return part
    cuts = [
        Cut(i, strip_end(leads[i]), paras[i][len(leads[i]) :].strip() or None, "none") for i in run
    ]
    lead, points = _points_from_cuts(paras, cuts)
    return Part(part.heading, part.numbering, lead, points, dashes=dash_lines(paras[: run[0]]))


def _split_closing(paras: list[str]) -> tuple[list[str], str | None]:
    for i in range(1, len(paras)):
        if CLOSING_CUE.match(paras[i]):
            return paras[:i], _join(paras[i:])
    return paras, None


def build_document(chunk: Chunk, source: str) -> Document:
    """The structure of one document: title, opening, parts and closing.

    Styles a formatted source gave (``chunk.cues``) mark the parts where they mark any; the
    text's form does otherwise.
    """
    paras = chunk.body
    cues = chunk.cues if len(chunk.cues) == len(paras) else []
    cuts, point_cue = part_cuts(paras, cues)
    numbered = _numbered_cuts(paras) if len(cuts) >= 2 else []
    if len(numbered) >= 2 and holds([c.index for c in numbered], [c.index for c in cuts]):
        # The style marks lines inside numbered parts ("（一）" lines in bold under plain "一、"
        # headings): the numbers mark the parts, the style their sub-points.
        cuts, point_cue = numbered, cues[cuts[0].index]
    if len(cuts) < 2:
        cuts = _find_part_cuts(paras)
    if len(cuts) < 2:
        return Document(source, chunk.title, _join(paras[:1]), (), None, chunk.subtitle, len(paras))
    parts: list[Part] = []
    bodies: list[list[str]] = []
    closing: str | None = None
    for k, cut in enumerate(cuts):
        end = cuts[k + 1].index if k + 1 < len(cuts) else len(paras)
        rest = [cut.rest] if cut.rest else []
        body = rest + paras[cut.index + 1 : end]
        # The heading's rest is plain text whatever the style of the paragraph it ends.
        no_cue: list[str | None] = [None] * len(rest)
        body_cues = no_cue + cues[cut.index + 1 : end] if cues else []
        if k + 1 == len(cuts):
            body, closing = _split_closing(body)
        part_cues = body_cues[: len(body)]
        parts.append(parse_part(cut.heading, cut.numbering, body, part_cues, point_cue))
        bodies.append(body)
    if sum(bool(p.points) for p in parts) >= 2:
        longest = max(visible_len(pt.lead) for p in parts for pt in p.points)
        parts = [
            p if p.points else _sibling_points(p, b, longest)
            for p, b in zip(parts, bodies, strict=True)
        ]
    opening = _join(paras[: cuts[0].index])
    return Document(source, chunk.title, opening, tuple(parts), closing, chunk.subtitle, len(paras))
