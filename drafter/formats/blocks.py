"""What every reader gives back: the document's paragraphs in reading order, each with the
formatting cue its format had for it (a heading level, or a paragraph set wholly in bold)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# h1..h4: a heading of that level (a heading style or outline level, <h1>..<h4>, markdown #);
# bold: a paragraph whose text is all bold. Levels below 4 carry no cue: speeches never go that
# deep, and a cue that is not there is better than a wrong one.
Cue = Literal["h1", "h2", "h3", "h4", "bold"]
HEADING_CUES: tuple[Cue, ...] = ("h1", "h2", "h3", "h4")


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph of a document (it may hold line breaks) and its cue, if any."""

    text: str
    cue: Cue | None = None


def heading_cue(level: int) -> Cue | None:
    """The cue of a heading of ``level`` (1 for the top), None past level 4."""
    return HEADING_CUES[level - 1] if 1 <= level <= len(HEADING_CUES) else None
