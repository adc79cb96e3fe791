"""Parts and sub-points that a formatted source styled: heading styles and bold paragraphs.

A .docx, .html or .md reader tells, per paragraph, how it was styled ("h1" … "h4", "bold" or
None; ``Chunk.cues``). The author's own styling outranks anything read from the text's form:
the highest heading level that occurs at least twice marks the parts and the next level down
(or, with none below, bold paragraphs) their sub-points. A source with bold paragraphs only
marks its parts with bold lines standing alone and their sub-points with paragraphs that open
with a bold lead sentence; if it has only one of the two kinds, they are the parts.
"""

from __future__ import annotations

from drafter.corpus.cuts import Cut, may_head, split_heading
from drafter.text.numbering import counts_one_to_n, find_marker, rank

HEADING_CUES = ("h1", "h2", "h3", "h4")
BOLD = "bold"
# A bold sentence now and then is emphasis; two or more bold paragraphs are a set of leads.
_BOLD_SET = 2


def _cut(index: int, text: str) -> Cut:
    """A cut at a styled paragraph; a numbering marker it keeps ("一、") is taken off."""
    marker = find_marker(text)
    heading, rest = split_heading(text[marker.end :] if marker else text)
    return Cut(index, heading, rest, marker.family if marker else "none")


def _cuts(paras: list[str], at: list[int]) -> list[Cut]:
    cuts = [_cut(i, paras[i]) for i in at]
    families = {c.numbering for c in cuts}
    if len(families) > 1:  # numbered here and there: the style, not the numbers, marks the set
        cuts = [Cut(c.index, c.heading, c.rest, "none") for c in cuts]
    return cuts


def _styled(paras: list[str], cues: list[str | None], cue: str) -> list[int]:
    return [i for i, c in enumerate(cues) if c == cue and may_head(paras[i])]


def _top_numbered(paras: list[str], at: list[int]) -> list[int]:
    """``at`` without the paragraphs numbered one level down: where one style covers 一、 and
    （一） lines alike, the numbers tell the levels apart."""
    markers = {i: m for i in at if (m := find_marker(paras[i])) is not None}
    families = sorted({m.family for m in markers.values()}, key=rank)
    if len(families) < 2:
        return at
    top = [i for i in at if i in markers and markers[i].family == families[0]]
    if len(top) < 2 or not counts_one_to_n([markers[i].value for i in top]):
        return at
    return top


def part_cuts(paras: list[str], cues: list[str | None]) -> tuple[list[Cut], str | None]:
    """The parts' cuts, and the cue that marks their sub-points (None: nothing does)."""
    if len(cues) != len(paras):
        return [], None
    levels = sorted({c for c in cues if c in HEADING_CUES})
    for k, level in enumerate(levels):
        at = _styled(paras, cues, level)
        if len(at) >= 2:
            top = _top_numbered(paras, at)
            below = level if top != at else levels[k + 1] if k + 1 < len(levels) else BOLD
            return _cuts(paras, top), below
    bold = _styled(paras, cues, BOLD)
    alone = [i for i in bold if split_heading(paras[i])[1] is None]
    for found in (alone, bold):
        top = _top_numbered(paras, found)
        if len(top) >= _BOLD_SET:
            leads_below = top != found or found is alone
            return _cuts(paras, top), BOLD if leads_below else None
    return [], None


def point_cuts(paras: list[str], cues: list[str | None], cue: str | None) -> list[Cut]:
    """The sub-points' cuts in one part's paragraphs: those styled ``cue``. A heading style marks
    a sub-point even alone; bold paragraphs only as a set."""
    if cue is None or len(cues) != len(paras):
        return []
    at = _styled(paras, cues, cue)
    if len(at) < (_BOLD_SET if cue == BOLD else 1):
        return []
    return _cuts(paras, at)
