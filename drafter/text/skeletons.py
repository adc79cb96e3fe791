"""Heading patterns: the parallel skeleton that sibling headings share, as fixed text and slots.

Siblings "夯实组织基础，当好服务的“排头兵”" / "建强骨干队伍，架起连心的“桥梁纽带”" share
"…，…的“…”": the fixed pieces are the longest texts common to every sibling, found clause by
clause and recursively to either side, so they stay aligned; what differs becomes a slot.
"""

from __future__ import annotations

from dataclasses import dataclass

_WIDE = str.maketrans({",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"})
CLAUSE_MARKS = "，；：、"
# Single characters that carry the grammar of a phrase; one of them common to every sibling is
# part of the skeleton even alone (others would be chance).
_FUNCTION_CHARS = set("的之在中为以让把于与和者上下得地")
_PUNCT = set("，；：、。！？“”‘’《》（）—…")
_MAX_SIBLINGS = 12


@dataclass(frozen=True)
class Slot:
    index: int
    min_len: int
    max_len: int
    fillers: tuple[str, ...]  # what each sibling puts here, in sibling order


@dataclass(frozen=True)
class Skeleton:
    """Fixed pieces and slots in order; ``pieces`` holds str (fixed) or Slot."""

    pieces: tuple[str | Slot, ...]

    @property
    def slots(self) -> tuple[Slot, ...]:
        return tuple(p for p in self.pieces if isinstance(p, Slot))

    @property
    def fixed_text(self) -> str:
        return "".join(p for p in self.pieces if isinstance(p, str))

    def display(self) -> str:
        return "".join(p if isinstance(p, str) else "…" for p in self.pieces)

    def anchored(self) -> bool:
        """Whether some fixed text beyond punctuation is shared (not just the clause shape)."""
        return any(c not in _PUNCT for c in self.fixed_text)


def _common_substring(strings: list[str]) -> str:
    """The longest substring present in all strings (ties: earliest in the first string)."""
    first = min(strings, key=len)
    # A substring of two or more characters is in every string only if each pair of neighbours
    # in it is: ``reach[i]`` is how far from ``i`` the pairs all are, so longer candidates that
    # cannot be common are never searched for (the answer stays the one the full search gives).
    pairs = set.intersection(*({s[i : i + 2] for i in range(len(s) - 1)} for s in strings))
    reach = [1] * len(first)
    for i in range(len(first) - 2, -1, -1):
        if first[i : i + 2] in pairs:
            reach[i] = reach[i + 1] + 1
    for size in range(max(reach, default=0), 1, -1):
        for start in range(len(first) - size + 1):
            if reach[start] < size:
                continue
            cand = first[start : start + size]
            if all(cand in s for s in strings):
                return cand
    for cand in first:
        if all(cand in s for s in strings) and _single_ok(cand, strings):
            return cand
    return ""


def _single_ok(char: str, strings: list[str]) -> bool:
    if char in _PUNCT or char in _FUNCTION_CHARS:
        return True
    # One shared character at the very start (or end) of every sibling is deliberate.
    return all(s.startswith(char) for s in strings) or all(s.endswith(char) for s in strings)


def _align(strings: list[str]) -> list[str | list[str]]:
    """Fixed strings and slot fillers (one per sibling) for strings meant to be parallel."""
    if all(not s for s in strings):
        return []
    common = _common_substring(strings) if all(strings) else ""
    if not common:
        return [list(strings)]
    lefts, rights = [], []
    for s in strings:
        at = s.index(common)
        lefts.append(s[:at])
        rights.append(s[at + len(common) :])
    return [*_align(lefts), common, *_align(rights)]


def split_clauses_marked(text: str) -> list[str]:
    """Clauses with the mark that closes each one kept as a fixed piece."""
    out: list[str] = []
    current = ""
    for char in text:
        if char in CLAUSE_MARKS:
            out.extend([current, char])
            current = ""
        else:
            current += char
    out.append(current)
    return out


def skeleton(headings: list[str]) -> Skeleton | None:
    """The shared skeleton of sibling headings, or None if their clause shapes differ."""
    texts = [h.translate(_WIDE).strip() for h in headings[:_MAX_SIBLINGS]]
    if len(texts) < 2:
        return None
    split = [split_clauses_marked(t) for t in texts]
    if len({len(s) for s in split}) != 1:
        return None
    if any(split[0][i] != s[i] for s in split for i in range(1, len(s), 2)):
        return None  # the clause marks differ: not one skeleton
    raw: list[str | list[str]] = []
    for i in range(len(split[0])):
        if i % 2:
            raw.append(split[0][i])
        else:
            raw.extend(_align([s[i] for s in split]))
    pieces: list[str | Slot] = []
    for piece in raw:
        if isinstance(piece, str):
            if pieces and isinstance(pieces[-1], str):
                pieces[-1] += piece
            else:
                pieces.append(piece)
        else:
            lengths = [len(f) for f in piece]
            pieces.append(
                Slot(
                    len([p for p in pieces if isinstance(p, Slot)]) + 1,
                    min(lengths),
                    max(lengths),
                    tuple(piece),
                )
            )
    return Skeleton(tuple(pieces))


def fill(sk: Skeleton, fillers: list[str]) -> str:
    """A new heading from a skeleton and one filler per slot."""
    if len(fillers) != len(sk.slots):
        raise ValueError("one filler per slot")
    it = iter(fillers)
    return "".join(p if isinstance(p, str) else next(it) for p in sk.pieces)
