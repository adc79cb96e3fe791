"""Parallel headings: one mined skeleton, filled for each part with material of its dimension.

A skeleton ("…，…担当的“…”") is cut into clause units at its clause marks. A unit that is a
whole clause and nothing else ("…") can take any bank clause of the same length and position;
a unit with fixed text in it ("…担当的“…”") keeps the words one source heading put there
together, since they were chosen to go with each other. Every heading of a draft uses the same
skeleton and the same length in every slot, so the headings stay 对仗.
"""

from __future__ import annotations

import functools
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from drafter.bank.schema import parse_pattern
from drafter.drafting.index import BankIndex, Rec, clause_position
from drafter.drafting.model import Avoid
from drafter.text.sentences import char_bigrams
from drafter.text.skeletons import CLAUSE_MARKS

NOTHING = Avoid()
_PER_UNIT = 8  # options tried per unit and part: enough variety, bounded work
_CLASH = 100.0


@dataclass(frozen=True)
class Unit:
    slots: tuple[int, ...]
    free: bool  # the unit is a whole clause made of one slot
    position: str


@dataclass(frozen=True)
class Option:
    texts: tuple[str, ...]  # one per slot of the unit
    dim: str
    heading: str  # id of the bank heading the words come from


@dataclass(frozen=True)
class Heading:
    text: str
    dim: str
    options: tuple[Option, ...]  # one per unit
    verbatim: str | None  # id of the bank heading when the text is exactly one

    def source(self, plan: Plan) -> dict[str, Any]:
        rec = plan.index.heading(self.verbatim) if self.verbatim is not None else None
        if rec is not None:
            return rec.source()
        return {
            **plan.pattern.source(),
            "fillers": [{"id": o.heading, "text": "".join(o.texts)} for o in self.options],
        }


def _units(pieces: list[str | int]) -> list[tuple[list[int], bool]]:
    units: list[tuple[list[int], bool]] = []
    slots: list[int] = []
    fixed = False
    for piece in pieces:
        if isinstance(piece, int):
            slots.append(piece)
            continue
        for char in piece:
            if char in CLAUSE_MARKS:
                units.append((slots, fixed))
                slots, fixed = [], False
            else:
                fixed = True
    units.append((slots, fixed))
    return [(s, fixed) for s, fixed in units if s]


@dataclass
class Plan:
    """One skeleton with the options each of its units offers, at one length per slot."""

    index: BankIndex
    pattern: Rec
    pieces: list[str | int]
    units: list[Unit]
    options: list[list[Option]]  # per unit: the words the pattern's own siblings put there
    pools: list[int | None]  # per unit: clause length a whole-clause unit takes from the bank

    def _pool(
        self, u: int, dim: str, avoid: Avoid, rng: random.Random | None, limit: int
    ) -> list[Option]:
        """Bank clauses for a whole-clause unit: up to ``limit``, drawn with ``rng`` (in bank
        order without it). A large bank has thousands; a part needs a handful to choose from."""
        length = self.pools[u]
        if length is None:
            return []
        position = self.units[u].position
        positions = ("first", "only") if position in ("first", "only") else (position,)
        at = [i for p in positions for i in self.index.clause_positions(length, p, dim)]
        if rng is not None:
            at = rng.sample(at, min(len(at), 4 * limit))
        own = {o.texts[0] for o in self.options[u]}
        out: list[Option] = []
        for i in at:
            c = self.index.clause(i)
            if c.text not in own and c.heading not in avoid.ids:
                out.append(Option((c.text,), c.dim, c.heading))
                if len(out) >= limit:
                    break
        return out

    def unit_options(
        self, u: int, dim: str, avoid: Avoid, rng: random.Random | None = None, limit: int = 1
    ) -> list[Option]:
        """What unit ``u`` can take for a part of ``dim``; an avoided draft's headings lend
        none of their words."""
        mine = [o for o in self.options[u] if o.dim == dim and o.heading not in avoid.ids]
        return mine + self._pool(u, dim, avoid, rng, max(limit - len(mine), 1))

    @property
    def display(self) -> str:
        return "".join(p if isinstance(p, str) else "…" for p in self.pieces)

    def serves(self, dim: str, avoid: Avoid = NOTHING) -> bool:
        return all(self.unit_options(u, dim, avoid) for u in range(len(self.units)))

    def text(self, options: tuple[Option, ...]) -> str:
        by_slot: dict[int, str] = {}
        for unit, option in zip(self.units, options, strict=True):
            by_slot.update(zip(unit.slots, option.texts, strict=True))
        return "".join(p if isinstance(p, str) else by_slot[p] for p in self.pieces)

    def candidates(
        self, dim: str, taken: list[Heading], avoid: Avoid, rng: random.Random
    ) -> list[tuple[float, Heading]]:
        """Headings for a part of ``dim`` beside those already ``taken``, best first."""
        per_unit = []
        for u in range(len(self.units)):
            mine = self.unit_options(u, dim, avoid, rng, 2 * _PER_UNIT)
            rng.shuffle(mine)
            per_unit.append(mine[:_PER_UNIT])
        used_texts = {h.text for h in taken}
        out: list[tuple[float, Heading]] = []
        for combo in itertools.product(*per_unit):
            text = self.text(combo)
            verbatim = self.index.heading_ids.get(text)
            if text in used_texts or avoid.blocks(verbatim, text):
                continue
            score = self._score(combo, taken) + rng.random()
            if score > -_CLASH:
                out.append((score, Heading(text, dim, combo, verbatim)))
        out.sort(key=lambda pair: -pair[0])
        return out

    def _score(self, combo: tuple[Option, ...], taken: list[Heading]) -> float:
        score = 0.0
        for u, option in enumerate(combo):
            for other in taken:
                if other.options[u].texts == option.texts:
                    return -2 * _CLASH  # the same words twice in one draft
                if other.options[u].texts[0][:2] == option.texts[0][:2]:
                    score -= 3  # parallel headings should not start with the same verb
        words = [_option_bigrams(*o.texts) for o in combo]
        for a, b in itertools.combinations(words, 2):
            if a & b:
                score -= 4  # "筑牢…，筑牢…": a heading repeating itself
        if len({o.heading for o in combo}) == 1:
            score += 1.5  # one source heading's words, tried together
        return score


# An option's words, each slot filler apart; cached because every skeleton tried scores the same
# few thousand options against each other again.
_option_bigrams = functools.lru_cache(maxsize=1 << 14)(char_bigrams)


def _plans_of(index: BankIndex, rec: Rec) -> list[Plan]:
    """The plans of one skeleton (built once per index: every draft reads the same ones)."""
    key = ("plans", rec.id)
    if key not in index.memo:
        index.memo[key] = _build_plans(index, rec)
    plans: list[Plan] = index.memo[key]
    return plans


def _build_plans(index: BankIndex, rec: Rec) -> list[Plan]:
    pieces, fillers = parse_pattern(rec.info)
    unit_specs = _units(pieces)
    units = [
        Unit(tuple(slots), not fixed and len(slots) == 1, clause_position(i, len(unit_specs)))
        for i, (slots, fixed) in enumerate(unit_specs)
    ]
    per_unit: list[list[Option]] = []
    for unit in units:
        siblings: dict[str, dict[int, dict[str, Any]]] = {}
        for slot in unit.slots:
            for item in fillers[slot]:
                siblings.setdefault(str(item.get("heading")), {})[slot] = item
        per_unit.append(
            [
                Option(
                    tuple(f[s]["text"] for s in unit.slots),
                    str(f[unit.slots[0]].get("dimension") or ""),
                    hid,
                )
                for hid, f in siblings.items()
                if all(s in f for s in unit.slots)
            ]
        )
    out = []
    for lengths in _length_profiles(per_unit):
        options = [
            [o for o in opts if tuple(map(len, o.texts)) == want]
            for opts, want in zip(per_unit, lengths, strict=True)
        ]
        pools = [want[0] if unit.free else None for unit, want in zip(units, lengths, strict=True)]
        out.append(Plan(index, rec, pieces, units, options, pools))
    return out


def iter_plans(index: BankIndex, rng: random.Random) -> Iterator[Plan]:
    """Every skeleton of the bank at each length profile, in a seeded order that favours
    skeletons with shared fixed text; plans are built only as they are asked for."""

    rows = index.rows.get("heading_pattern", [])

    def key(at: int) -> float:
        rec = Rec(*rows[at])
        # Shared fixed text makes headings visibly parallel; a lone slot only matches lengths.
        weight = 4.0 if rec.info.get("anchored") else 2.0 if rec.text.count("…") > 1 else 0.5
        return float(rng.random() ** (1.0 / weight))

    for at in sorted(range(len(rows)), key=key, reverse=True):
        yield from _plans_of(index, Rec(*rows[at]))


def _length_profiles(per_unit: list[list[Option]]) -> list[tuple[tuple[int, ...], ...]]:
    """Slot lengths the siblings agree on, unit by unit, most common first."""
    choices = []
    for opts in per_unit:
        counts: dict[tuple[int, ...], int] = {}
        for o in opts:
            key = tuple(map(len, o.texts))
            counts[key] = counts.get(key, 0) + 1
        choices.append(sorted(counts, key=lambda k: (-counts[k], k))[:2])
    return list(itertools.islice(itertools.product(*choices), 4))


def fill_plan(
    plan: Plan, dims: list[str], avoid: Avoid, rng: random.Random, tries: int = 6
) -> list[Heading] | None:
    """One heading per dimension, all from ``plan``; None when it cannot serve them all."""
    if not all(plan.serves(d, avoid) for d in dims):
        return None
    best: tuple[float, list[Heading]] | None = None
    for _ in range(tries):
        chosen: list[Heading] = []
        total = 0.0
        for dim in dims:
            ranked = plan.candidates(dim, chosen, avoid, rng)
            if not ranked:
                break
            # Mostly the best, sometimes the runner-up: different seeds should differ.
            score, heading = ranked[1] if len(ranked) > 1 and rng.random() < 0.3 else ranked[0]
            chosen.append(heading)
            total += score
        else:
            if best is None or total > best[0]:
                best = (total, chosen)
            if total >= 0:
                break
    return best[1] if best else None
