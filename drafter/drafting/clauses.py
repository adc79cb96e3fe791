"""Parallel headings from whole clauses of each part's own material.

A part planned from a theme has an aspect (a bank heading or sub-point) and the text under it.
Its heading is made of whole clauses from that text only (clauses are cut at clause marks and
never shortened), so every clause fits the part. One skeleton serves all parts: "…，…" with the
same two lengths, or "…" with one length; a clause pair that stood together in the source is
preferred, and so is the aspect's own wording, copied whole when it fits.
"""

from __future__ import annotations

import functools
import itertools
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass

from drafter.text.normalize import fold_normalized
from drafter.text.sentences import char_bigrams, clauses, split_sentences
from drafter.text.skeletons import skeleton

_CLAUSE_MIN, _CLAUSE_MAX = 4, 12
_PER_PART = 14  # clauses weighed per part
_HAN = re.compile(r"[\u3400-\u9fff]+")
_COUNTED = re.compile(
    r"^(?:[一二三四五六七八九十]+[是要则来]|第[一二三四五六七八九十]|首先|其次|再次|最后)"
)
_LEAD_CHARS = (6, 24)
_FIGURE = re.compile(r"[0-9０-９%％]")
_SHARED_RUN = 4  # two clauses sharing this many characters in a row say the same thing


@dataclass(frozen=True)
class Clause:
    text: str
    origin: str  # id of the bank entry it comes from
    place: tuple[int, int]  # (text number, clause number) in the part's material: adjacency
    own: bool  # from the aspect's own wording
    weight: float  # theme words in it, and where it comes from


@dataclass(frozen=True)
class Built:
    text: str
    clauses: tuple[Clause, ...]

    @property
    def verbatim(self) -> str | None:
        """The entry id when the heading is one source text's clauses in their order."""
        first = self.clauses[0]
        if all(c.origin == first.origin for c in self.clauses) and all(
            b.place == (a.place[0], a.place[1] + 1) for a, b in itertools.pairwise(self.clauses)
        ):
            return first.origin
        return None


def plain(text: str) -> bool:
    """4–12 Chinese characters, no count left at its start."""
    return (
        _CLAUSE_MIN <= len(text) <= _CLAUSE_MAX
        and bool(_HAN.fullmatch(text))
        and not (_COUNTED.match(text))
    )


def lead_like(text: str, verbs: frozenset[str], adverbs: frozenset[str]) -> bool:
    """A sentence that can stand as a sub-point: 6–24 characters, at most two clauses, no
    figures, opening like a heading (稳妥推进基本医保省级统筹)."""
    if not _LEAD_CHARS[0] <= len(text) <= _LEAD_CHARS[1] or _FIGURE.search(text):
        return False
    pieces = re.split(r"[，,]", text)
    if len(pieces) > 2 or not all(_HAN.fullmatch(p) for p in pieces):
        return False
    return heading_like(pieces[0][:_CLAUSE_MAX], verbs, adverbs)


def heading_like(text: str, verbs: frozenset[str], adverbs: frozenset[str]) -> bool:
    """A clause a heading can be made of: 4–12 Chinese characters that open with a verb
    (optionally after an adverb: 持续增强…, 加快发展…)."""
    if not _CLAUSE_MIN <= len(text) <= _CLAUSE_MAX or not _HAN.fullmatch(text):
        return False
    if _COUNTED.match(text):
        return False  # "四要建设…", "第二，…": a count left in the text, not a heading
    for size in (2, 3, 4, 1):
        head = text[:size]
        if head in verbs:
            return True
        if head in adverbs and any(text[size : size + n] in verbs for n in (1, 2, 3, 4)):
            return True
    return False


def part_clauses(
    material: Iterable[tuple[str, str, bool]],
    topic_words: tuple[str, ...],
    verbs: frozenset[str],
    adverbs: frozenset[str],
    theme_words: tuple[str, ...] = (),
) -> list[Clause]:
    """The heading-like clauses of a part's material: (text, entry id, is the aspect itself).

    A clause from the text under the aspect is kept only when it names the topic (a word of
    the theme or of the aspect): a long sub-point touches other subjects too."""
    out: dict[str, Clause] = {}
    for number, (text, origin, own) in enumerate(material):
        sentences = split_sentences(text)[:8] if not own else [text]
        at = 0
        for sentence in sentences:
            for piece in clauses(sentence):
                at += 1
                if piece in out:
                    continue
                # The aspect's own wording is a heading already; other text must look like one.
                if not (own and plain(piece)) and not heading_like(piece, verbs, adverbs):
                    continue
                hits = sum(1 for w in topic_words if w in piece)
                if not own and not hits:
                    continue
                # Clauses that speak of the theme make the headings say what the speech is about.
                on = sum(1 for w in theme_words if w in piece)
                weight = 1.5 * min(on, 2) + (1.5 if own else 0.0) + (0.5 if number < 4 else 0.0)
                weight -= 0.15 * max(0, len(piece) - 8)  # shorter clauses make crisper headings
                out[piece] = Clause(piece, origin, (number, at), own, weight)
    ranked = sorted(out.values(), key=lambda c: -c.weight)
    return ranked[: _PER_PART * 3]


@functools.lru_cache(maxsize=1 << 16)  # the same leads and clauses meet draft after draft
def alike(a: str, b: str) -> bool:
    """Whether two leads or clauses say the same thing: one inside the other, four characters
    in a row in common, or most of their character pairs."""
    if a == b or a in b or b in a:
        return True
    runs = {a[i : i + _SHARED_RUN] for i in range(len(a) - _SHARED_RUN + 1)}
    if any(b[i : i + _SHARED_RUN] in runs for i in range(len(b) - _SHARED_RUN + 1)):
        return True
    x, y = char_bigrams(a), char_bigrams(b)
    return bool(x and y) and 2 * len(x & y) / (len(x) + len(y)) >= 0.5


def _pairs(found: list[Clause]) -> list[tuple[float, tuple[Clause, ...]]]:
    out: list[tuple[float, tuple[Clause, ...]]] = []
    for a, b in itertools.permutations(found[:_PER_PART], 2):
        if alike(a.text, b.text) or a.text[:2] == b.text[:2]:
            continue  # "加强…，加强…": a heading repeating its own verb
        together = a.origin == b.origin and b.place == (a.place[0], a.place[1] + 1)
        out.append((a.weight + b.weight + (3.0 if together else 0.0), (a, b)))
    return out


def _profiles(
    per_part: list[list[tuple[float, tuple[Clause, ...]]]],
) -> dict[tuple[int, ...], float]:
    """Length profiles every part can fill, with the sum of each part's best score."""
    best: list[dict[tuple[int, ...], float]] = []
    for options in per_part:
        mine: dict[tuple[int, ...], float] = {}
        for score, combo in options:
            key = tuple(len(c.text) for c in combo)
            mine[key] = max(mine.get(key, -1e9), score)
        best.append(mine)
    common = set(best[0]).intersection(*best[1:]) if best else set()
    return {k: sum(b[k] for b in best) for k in common}


def _clash(combo: tuple[Clause, ...], taken: list[tuple[Clause, ...]]) -> bool:
    """Whether a heading repeats one already taken: a clause like any of its clauses, or the
    same opening word in the same slot (parallel headings vary their verbs)."""
    for other in taken:
        for a, b in zip(combo, other, strict=True):
            if a.text[:2] == b.text[:2]:
                return True
        if any(alike(a.text, b.text) for a in combo for b in other):
            return True
    return False


def parallel_headings(
    per_part: list[list[Clause]], rng: random.Random, avoid: frozenset[str] = frozenset()
) -> tuple[str, list[Built]] | None:
    """One heading per part in one skeleton ("…，…" or "…"), or None when the parts' clauses
    cannot be brought to common lengths. ``avoid`` holds folded texts no heading may be."""
    for shape in ("…，…", "…"):
        options = [options_of(found, shape) for found in per_part]
        profiles = _profiles(options)
        ranked = sorted(profiles, key=lambda k: -(profiles[k] + 2.0 * rng.random()))
        for profile in ranked[:6]:
            chosen = _fill(options, profile, rng, avoid)
            if chosen is not None:
                return shape, chosen
    return None


def fill_profile(
    per_part: list[list[Clause]],
    shape: str,
    profile: tuple[int, ...],
    rng: random.Random,
    avoid: frozenset[str] = frozenset(),
) -> list[Built] | None:
    """One heading per part, all in the given skeleton and lengths, or None."""
    return _fill([options_of(found, shape) for found in per_part], profile, rng, avoid)


def options_of(found: list[Clause], shape: str) -> list[tuple[float, tuple[Clause, ...]]]:
    return _pairs(found) if shape == "…，…" else [(c.weight, (c,)) for c in found]


def fit_profile(
    found: list[Clause],
    shape: str,
    profile: tuple[int, ...],
    taken: list[tuple[Clause, ...]],
    rng: random.Random,
    avoid: frozenset[str] = frozenset(),
) -> Built | None:
    """A heading in the given skeleton and lengths beside headings already ``taken``."""
    built = _fill([options_of(found, shape)], profile, rng, avoid, taken)
    return built[-1] if built else None


def _fill(
    options: list[list[tuple[float, tuple[Clause, ...]]]],
    profile: tuple[int, ...],
    rng: random.Random,
    avoid: frozenset[str],
    others: list[tuple[Clause, ...]] | None = None,
) -> list[Built] | None:
    taken: list[tuple[Clause, ...]] = list(others or [])
    for part_options in options:
        fitting = [
            (score + rng.random(), combo)
            for score, combo in part_options
            if tuple(len(c.text) for c in combo) == profile
        ]
        fitting.sort(key=lambda pair: -pair[0])
        pick = next(
            (
                combo
                for _, combo in fitting
                if not _clash(combo, taken)
                and fold_normalized("，".join(c.text for c in combo)) not in avoid
            ),
            None,
        )
        if pick is None:
            return None
        taken.append(pick)
    built = [Built("，".join(c.text for c in combo), combo) for combo in taken]
    # The skeleton read back from the headings must have one length per slot, as promised.
    sk = skeleton([b.text for b in built])
    if sk is None or not all(s.min_len == s.max_len for s in sk.slots):
        return None
    return built
