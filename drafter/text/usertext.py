"""Text a writer typed (options, briefs, answers in ``drafter new``) made fit for a draft.

Control characters are invisible in an editor but reach the md/txt output as raw bytes: a NUL
truncates the text for some programs, an ESC sequence recolours the terminal that shows the draft.
"""

from __future__ import annotations

import re

# A whole terminal escape sequence goes, not just its ESC: "\x1b[31m" would leave "[31m".
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_]?)")
_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")
_SPACES = re.compile("[\t\x0b\x0c]")
_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str, multiline: bool = False) -> str:
    """``text`` without control characters: tabs become spaces, line breaks become ``\\n`` in a
    multi-line field and a space in a one-line one; everything else (NUL, BEL, ESC …) goes."""
    if text.isprintable():  # the usual case, checked in C
        return text
    text = _ESCAPES.sub("", text)
    text = _BREAKS.sub("\n", text)
    text = _SPACES.sub(" ", text)
    if not multiline:
        text = text.replace("\n", " ")
    return _CONTROLS.sub("", text)


def clean_optional(text: str | None) -> str | None:
    return None if text is None else clean_text(text)
