"""How relevant each bank entry is to a theme: BM25 over content words, the theme widened by the
words that share its parts.

The index is built once per bank (``build_relevance``, with rjieba for words and bm25s for the
weights) and kept in the bank's marshal cache as flat arrays, so a draft scores the whole bank
with a few dictionary look-ups and additions, importing neither library.
"""

from __future__ import annotations

import heapq
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from drafter.text.words import STOP_WORDS, han_runs, known_words, segment

# The kinds whose entries are scored; a heading is scored with the material under it.
DOC_KINDS = ("heading", "point", "part_lead", "quotation", "closing")
_FEEDBACK_DOCS = 40  # most relevant parts whose words widen the theme
_MIN_NAMED = 3  # parts among the best that must name the theme for it to be widened
_FEEDBACK_READ = 150  # best parts read to find those that name the theme
_EXPANSION = 16  # words added to a theme
_EXPANSION_WEIGHT = 0.6  # the best added word weighs this much against a theme word
_MIN_SHARED = 3  # an added word appears in at least this many of those parts
_HAN2 = re.compile(r"[\u3400-\u9fff]{2}")
_NOT_OPENERS = ("r", "t", "c", "p", "u", "m", "q", "f", "e", "y", "o")
_WANTED_WEIGHT = 1.5  # a writer's keyword weighs more than a word of the theme
_SCORED_MAX = 256  # themes a process remembers the scores and words of
_PHRASE_BOOST = 2.0
_PHRASE_READ = 200  # best-scoring entries checked for the theme written out whole
_GENERIC = 0.55  # a theme word found in more of the bank than this says little alone
_TELLING = 0.6  # specificity a widening word needs to count as a mention of the theme
_STRONG = 0.85  # specificity a theme word needs to name the theme on its own


def _doc_texts(rows: dict[str, list[tuple[Any, ...]]], bodies: dict[str, str]) -> list[str]:
    leads: dict[str, list[str]] = {}
    for kind in ("part_lead", "point"):
        for row in rows.get(kind, []):
            parent = row[7].get("heading")
            if isinstance(parent, str):
                leads.setdefault(parent, []).append(row[2])
    texts = []
    for kind in DOC_KINDS:
        for row in rows.get(kind, []):
            # What frames an entry tells what it is about: the title of its speech, the
            # heading it stands under ("应急救援" is about 安全生产 in a 安全生产 speech).
            frame = [row[5] or "", str(row[7].get("heading") or "")]
            text = row[2]
            if kind == "heading":
                text = "\n".join([*frame, text, *leads.get(text, [])])
            elif kind == "point":
                text = "\n".join([*frame, text, bodies.get(row[0], "")])
            texts.append(text)
    return texts


def build_relevance(
    rows: dict[str, list[tuple[Any, ...]]], bodies: dict[str, str]
) -> dict[str, Any]:
    """The relevance index of a bank's rows, as plain data for the marshal cache."""
    import bm25s  # loads numpy: only index builds pay for it
    import numpy as np

    seg = segment(_doc_texts(rows, bodies))
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(w, len(vocab)) for w in words] for words in seg.words]
    docs = [(kind, i) for kind in DOC_KINDS for i in range(len(rows.get(kind, [])))]
    if not vocab:
        vocab[""] = 0
    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenization.Tokenized(ids=ids, vocab=vocab),
        create_empty_token=False,
        show_progress=False,
    )
    scores = retriever.scores
    # bm25s keeps the weights by word (CSC), one column per word id of ours.
    words = [""] * (len(scores["indptr"]) - 1)
    for word, col in vocab.items():
        if col < len(words):
            words[col] = word
    data = np.asarray(scores["data"], dtype=np.float32)
    indices = np.asarray(scores["indices"], dtype=np.int32)
    indptr = np.asarray(scores["indptr"], dtype=np.int32)
    # The same weights by document, for widening a theme from its best parts.
    word_of = np.repeat(np.arange(len(words), dtype=np.int32), np.diff(indptr))
    order = np.argsort(indices, kind="stable")
    doc_ptr = np.searchsorted(indices[order], np.arange(len(docs) + 1)).astype(np.int32)
    return {
        "words": words,
        "docs": docs,
        "post_ptr": indptr.tobytes(),
        "post_doc": indices.tobytes(),
        "post_w": data.tobytes(),
        "doc_ptr": doc_ptr.tobytes(),
        "doc_word": word_of[order].tobytes(),
        "doc_w": data[order].tobytes(),
        "verbs": sorted(seg.verbs | openers(rows)),
        "adverbs": sorted(seg.adverbs),
    }


def openers(rows: dict[str, list[tuple[Any, ...]]]) -> set[str]:
    """The words the bank's own headings and sub-points open their clauses with (落实, 压实,
    筑牢 …): the dictionary calls many of them adjectives or nouns, the headings show how
    official prose uses them. Pronouns, time words, numbers and conjunctions are left out."""
    import rjieba

    found: set[str] = set()
    for kind in ("heading", "point"):
        for row in rows.get(kind, []):
            for clause in re.split(r"[，,；;：:]", row[2]):
                head = clause.strip()[:2]
                if len(head) == 2 and _HAN2.fullmatch(head):
                    found.add(head)
    return {w for w in found if not rjieba.tag(w)[0][1].startswith(_NOT_OPENERS)}


def _ints(raw: bytes) -> memoryview[int]:
    return memoryview(raw).cast("i")


def _floats(raw: bytes) -> memoryview[float]:
    return memoryview(raw).cast("f")


@dataclass(frozen=True)
class ThemeWords:
    """What a draft looks for: the theme's own words, the writer's, and the words that widen it.

    ``telling`` are the words that count as a mention of the theme (generic ones such as 政府 or
    治理, found in a large share of the bank, are left out unless the theme itself says them);
    ``strong`` are theme words specific enough to name the theme alone.
    """

    core: tuple[str, ...]
    wanted: tuple[str, ...]
    expansion: tuple[str, ...]
    weights: dict[str, float] = field(compare=False)
    telling: tuple[str, ...] = ()
    strong: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()  # the theme and keywords as written (Chinese only)

    @property
    def all(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.core, *self.wanted, *self.expansion)))

    @property
    def own_telling(self) -> tuple[str, ...]:
        """The theme's and keywords' own words that count as a mention of it."""
        return tuple(w for w in self.telling if w not in self.expansion)

    def with_topic(self, words: tuple[str, ...]) -> ThemeWords:
        """The same, with more words that count as mentions of the theme."""
        return replace(self, telling=tuple(dict.fromkeys((*self.telling, *words))))

    def hits(self, text: str) -> list[str]:
        """The distinct telling theme words written in ``text``."""
        return [w for w in self.telling if w in text]

    def direct(self, text: str) -> bool:
        """Whether ``text`` names the theme itself or a keyword: the phrase as written, every
        word of it, or one of its specific words."""
        if any(p in text for p in self.phrases) or any(w in text for w in self.strong):
            return True
        return bool(self.core) and all(w in text for w in self.core)


class Relevance:
    """Scoring the bank's entries against a theme."""

    def __init__(
        self, data: dict[str, Any], text_of: Callable[[str, int, bool], str] | None = None
    ) -> None:
        # The text of an entry, to find a theme written out whole (数字政府, not 数字 … 政府).
        self.text_of = text_of
        self._scored: dict[ThemeWords, dict[tuple[str, int], float]] = {}
        self._themes: dict[tuple[str, tuple[str, ...]], ThemeWords] = {}
        self.words: list[str] = data["words"]
        self.column = {w: i for i, w in enumerate(self.words) if w}
        self.docs: list[tuple[str, int]] = [(str(k), int(i)) for k, i in data["docs"]]
        self.doc_of = {(k, i): n for n, (k, i) in enumerate(self.docs)}
        self._post = (_ints(data["post_ptr"]), _ints(data["post_doc"]), _floats(data["post_w"]))
        self._fwd = (_ints(data["doc_ptr"]), _ints(data["doc_word"]), _floats(data["doc_w"]))
        self.verbs = frozenset(data["verbs"])
        self.adverbs = frozenset(data["adverbs"])

    def words_of(self, text: str) -> list[str]:
        return known_words(text, self.column)

    def specificity(self, word: str) -> float:
        """1 for a word found in few documents, down to 0.25 for one found in most."""
        col = self.column.get(word)
        if col is None:
            return 0.0
        ptr = self._post[0]
        share = (ptr[col + 1] - ptr[col]) / max(1, len(self.docs))
        return round(max(0.25, min(1.0, 1.0 - 2.0 * share)), 4)

    def score(self, weights: dict[str, float]) -> dict[int, float]:
        """BM25 of every document holding a weighted word: document number -> score."""
        ptr, doc, weight = self._post
        out: dict[int, float] = {}
        for word, factor in weights.items():
            col = self.column.get(word)
            if col is None:
                continue
            for k in range(ptr[col], ptr[col + 1]):
                d = doc[k]
                out[d] = out.get(d, 0.0) + factor * weight[k]
        return out

    def theme(self, text: str, keywords: tuple[str, ...] = ()) -> ThemeWords:
        """The theme's words found in the bank, widened by the words of its best parts (the
        same theme again, as in a batch for one meeting, is worked out once)."""
        key = (text, keywords)
        known = self._themes.get(key)
        if known is None:
            if len(self._themes) >= _SCORED_MAX:
                self._themes.clear()
            known = self._themes[key] = self._theme(text, keywords)
        return known

    def _theme(self, text: str, keywords: tuple[str, ...]) -> ThemeWords:
        core = tuple(self.words_of(text))
        wanted = tuple(w for k in keywords for w in (self.words_of(k) or ()) if w not in core)
        # A theme's rarer words say more about it: 数字 more than 建设 in 数字政府建设.
        weights = {w: self.specificity(w) for w in core}
        weights |= {w: _WANTED_WEIGHT * self.specificity(w) for w in wanted}
        phrases = [
            p for t in (text, *keywords) for p in han_runs(t) if len(p) >= 2 and p not in STOP_WORDS
        ]
        expansion = self._expand(weights, phrases, core) if weights else {}
        # A generic word of the theme (服务 in 养老服务, 政府 in 数字政府) is no mention of it
        # alone; the theme's other words and the widening words are.
        specific = [w for w in core if self.specificity(w) >= _GENERIC] or list(core)
        # A keyword counts as written (干事创业), not by its pieces (创业 alone is another
        # subject), unless a piece is specific enough to stand for it.
        keyword_runs = [
            p for k in keywords for p in han_runs(k) if len(p) >= 2 and p not in STOP_WORDS
        ]
        pieces = [w for w in wanted if self.specificity(w) >= _STRONG]
        telling = [
            *specific,
            *keyword_runs,
            *pieces,
            *(w for w in expansion if self.specificity(w) >= _TELLING),
        ]
        # A theme of one word is named by it; one of several words only by all of them (量子
        # alone is not 量子通信).
        strong = [w for w in core if self.specificity(w) >= _STRONG] if len(core) == 1 else []
        return ThemeWords(
            core,
            wanted,
            tuple(expansion),
            weights | expansion,
            tuple(dict.fromkeys(telling)),
            tuple(strong),
            tuple(dict.fromkeys(phrases)),
        )

    def _phrased(self, scores: dict[int, float], phrases: list[str]) -> dict[int, float]:
        """Scores with the entries that write a theme out whole counted double."""
        if self.text_of is None or not phrases:
            return scores
        out = dict(scores)
        # Only the best can rise to the top: the rest need not be read.
        for d in heapq.nlargest(_PHRASE_READ, scores, key=lambda d: (scores[d], -d)):
            text = self.text_of(*self.docs[d], False)
            if any(p in text for p in phrases):
                out[d] = scores[d] * _PHRASE_BOOST
        return out

    def _expand(
        self, weights: dict[str, float], phrases: list[str], core: tuple[str, ...]
    ) -> dict[str, float]:
        scores = self._phrased(self.score(weights), phrases)
        parts = [d for d in scores if self.docs[d][0] in ("heading", "point")]
        best = heapq.nlargest(_FEEDBACK_DOCS, parts, key=lambda d: (scores[d], -d))
        if not best:
            return {}
        # Widening learns from the parts that are about the theme. When hardly any part names
        # it (量子通信 in a bank of work reports), the best parts are about neighbouring
        # subjects, and their words would pass those subjects off as the theme.
        # The words are learnt from those parts only: a part that says 基层 without 减负 is
        # about 基层治理, not 为基层减负 ("in the same part" as the theme's words).
        if self.text_of is not None:
            ranked = heapq.nlargest(_FEEDBACK_READ, parts, key=lambda d: (scores[d], -d))
            named = []
            for d in ranked:
                # Named in the part or by the heading its set stands under: the same part or
                # sibling set as the theme's words.
                text = self.text_of(*self.docs[d], True)
                if any(p in text for p in phrases) or (core and all(w in text for w in core)):
                    named.append(d)
                    if len(named) == _FEEDBACK_DOCS:
                        break
            if len(named) < _MIN_NAMED:
                return {}
        top = scores[best[0]]
        ptr, word, weight = self._fwd
        gain: dict[int, float] = {}
        seen: dict[int, int] = {}
        for d in best:
            share = scores[d] / top
            for k in range(ptr[d], ptr[d + 1]):
                w = word[k]
                gain[w] = gain.get(w, 0.0) + share * weight[k]
                seen[w] = seen.get(w, 0) + 1
        own = set(weights)
        # A small bank has few parts on any theme: a word two of them share is telling there.
        shared = min(_MIN_SHARED if len(best) >= _FEEDBACK_DOCS // 2 else 2, len(best))
        kept = [w for w in gain if seen[w] >= shared and self.words[w]]
        # Words found all over the bank (社会, 管理) share any part: count what is special.
        for w in kept:
            gain[w] *= self.specificity(self.words[w]) ** 2
        ranked = sorted(kept, key=lambda w: (-gain[w], self.words[w]))
        picked = [
            w
            for w in ranked
            if self.words[w] not in own and not any(self.words[w] in o for o in own)
        ][:_EXPANSION]
        if not picked:
            return {}
        most = gain[picked[0]]
        return {self.words[w]: round(_EXPANSION_WEIGHT * gain[w] / most, 4) for w in picked}

    def entry_scores(self, theme: ThemeWords) -> dict[tuple[str, int], float]:
        """Score of each relevant entry, by (kind, position in the index's rows)."""
        known = self._scored.get(theme)
        if known is None:
            if len(self._scored) >= _SCORED_MAX:  # a long-lived process drafts many themes
                self._scored.clear()
            scores = self._phrased(self.score(theme.weights), list(theme.phrases))
            known = self._scored[theme] = {self.docs[d]: s for d, s in scores.items()}
        return known


def empty_relevance() -> dict[str, Any]:
    """The relevance data of a bank with nothing to score."""
    zero = array("i", [0]).tobytes()
    return {
        "words": [],
        "docs": [],
        "post_ptr": zero,
        "post_doc": b"",
        "post_w": b"",
        "doc_ptr": zero,
        "doc_word": b"",
        "doc_w": b"",
        "verbs": [],
        "adverbs": [],
    }
