"""Splitting Chinese text into sentences, clauses and character pairs, quote-aware at sentence
ends."""

from __future__ import annotations

import re

_SENTENCE = re.compile(r"[^。！？!?]+(?:[。！？!?]+[”’」』）)]*|$)|[。！？!?]+[”’」』）)]*")
_CLAUSE_SPLIT = re.compile(r"[，,；;]")
_END_PUNCT = "。！？!?；;，,：:、 "


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, each with its closing punctuation (and closing quote)."""
    return [s for s in map(str.strip, _SENTENCE.findall(text)) if s]


def strip_end(text: str) -> str:
    """A sentence without its closing punctuation ("。", "！", "：" …)."""
    return text.strip().rstrip(_END_PUNCT).strip()


def clauses(text: str) -> list[str]:
    """The comma/semicolon-separated clauses of a sentence, without end punctuation."""
    return [c for c in (c.strip() for c in _CLAUSE_SPLIT.split(strip_end(text))) if c]


_NOT_VISIBLE = re.compile(r"[\W_]+")


def visible_len(text: str) -> int:
    """Length of a text counting characters that are not punctuation or blanks."""
    return len(_NOT_VISIBLE.sub("", text))


def char_bigrams(*texts: str) -> frozenset[str]:
    """The pairs of neighbouring characters in each text ("减轻负担" → 减轻, 轻负, 负担): the
    "words" that texts are compared by, since Chinese is written without spaces.

    No pair spans two texts, so a caller decides where pairs stop by how it cuts its text: a whole
    folded key (near-duplicate entries), the letters and digits of a text run together (parallel
    texts), each slot filler of a heading apart (``drafting.headings``), or only the runs of
    Chinese characters (theme words, ``drafting.composer``).
    """
    return frozenset(t[i : i + 2] for t in texts for i in range(len(t) - 1))
