"""Parts for any theme: aspects chosen by relevance, headings of whole clauses, and sub-points
that neither echo their heading nor each other, each marked on or off the theme."""

from __future__ import annotations

import functools
import heapq
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from drafter.drafting.aspects import (
    Aspect,
    candidate_aspects,
    choose_aspects,
    noisy_top,
    plan_aspects,
    same_topic,
)
from drafter.drafting.clauses import (
    Built,
    Clause,
    alike,
    fill_profile,
    fit_profile,
    lead_like,
    options_of,
    parallel_headings,
    part_clauses,
)
from drafter.drafting.index import BankIndex, Rec
from drafter.drafting.model import Avoid, DraftPart, DraftPoint, used_material
from drafter.drafting.relevance import ThemeWords
from drafter.errors import DraftError
from drafter.text.normalize import fold_normalized
from drafter.text.sentences import split_sentences, strip_end
from drafter.text.skeletons import skeleton

_WHOLE_SETS = 4  # whole sibling sets tried before mixing aspects by heading length
_PLENTY = 2  # on-theme aspects per part that make a theme well covered
_POOL = 28  # aspects weighed when mixing
_PROFILES = 8  # length profiles tried per skeleton
_PLANS_BUILT = 12  # plans tried to the end (sub-points included) before giving up
_NEAR_POINTS = 60  # sub-points close to an aspect's own words, whatever their theme score
_REPEAT_CHARS = 10  # a sentence this long said twice in one full draft is a repeat
_BODY_SENTENCES = 12  # sentences of an aspect's body looked at for sub-points
_MEASURE_SOURCES = 40  # the theme's best sub-points whose sentences are read for measures
_MEASURE_SHARE = 0.35  # of the fifth best sub-point's relevance, for one whose lists are read
_MEASURE_CHARS = (6, 16)  # a measure named in a list, short enough to stand as a sub-point
_CLAUSE_CUT = re.compile(r"[，；,;]")
_LONG_HEADING = 18  # characters of a heading a listener takes in at once
_POINT_POOL = 160  # best-scoring sub-points weighed for a part beyond its own
_DRAWN = 48  # best candidate sub-points of a part that the seed reorders
_MATERIALS_KEPT = 160  # themes (with their keywords) whose material a process keeps
_PREFERENCES_KEPT = 64  # keyword sets a theme's material keeps its weighing for
_NEAR_KEPT = 128  # aspects whose word scores a process keeps (each up to a few hundred kB)
_LEAD_MIN = 16
_FIGURES = re.compile(r"[0-9０-９%％]")


@dataclass(frozen=True)
class Weighed:
    """A theme's sibling sets as one request weighs them, with every aspect in order (on the
    theme first, then by score) and how many are on the theme."""

    sets: dict[str, list[Aspect]]
    ordered: list[Aspect]
    on_theme: int

    @classmethod
    def of(cls, sets: dict[str, list[Aspect]]) -> Weighed:
        every = [a for members in sets.values() for a in members]
        every.sort(key=lambda a: (not a.on_theme, -a.score, a.rec.id))
        return cls(sets, every, sum(a.on_theme for a in every))


@dataclass
class Material:
    """What a theme found in the bank: its words, the score of each relevant entry, the sets."""

    theme: ThemeWords
    scores: dict[tuple[str, int], float]
    sets: dict[str, list[Aspect]]
    points: list[tuple[float, Rec]] = field(default_factory=list)  # best sub-points first
    clauses: dict[str, list[Clause]] = field(default_factory=dict)  # by aspect id, as found
    worth: dict[str, float] = field(default_factory=dict)  # what a sub-point is worth to the theme
    # An aspect's candidate sub-points and their worth before the draw, by (aspect id, full).
    rankings: dict[tuple[str, bool], tuple[dict[str, Rec], list[tuple[str, float]]]] = field(
        default_factory=dict
    )

    # The sets as weighed for the writer's keywords (none: as found), by keywords.
    preferred: dict[tuple[str, ...], Weighed] = field(default_factory=dict)
    # The clause-length profiles an aspect can fill, by shape and aspect id.
    lengths: dict[str, list[tuple[int, ...]]] = field(default_factory=dict)
    # Sub-points found in the material's texts, by what found them.
    found: dict[str, list[Rec]] = field(default_factory=dict)
    # What the writer's keywords add to a sub-point's worth, by keywords and sub-point id.
    mentions: dict[tuple[str, ...], dict[str, float]] = field(default_factory=dict)
    # The coverage object's sets and count of sub-points on the theme, once worked out.
    summary: tuple[list[dict[str, Any]], int] | None = None

    @property
    def top(self) -> float:
        return max(self.scores.values(), default=0.0) or 1.0

    @property
    def pool(self) -> dict[str, Rec]:
        return {r.id: r for _, r in self.points}


def find_material(index: BankIndex, theme: ThemeWords, avoid: Avoid) -> Material:
    """The relevant material of a theme (shared by the drafts of one process: read only)."""
    key = ("material", theme, avoid)
    known: Material | None = index.memo.get(key)
    if known is None:
        stale = [k for k in index.memo if isinstance(k, tuple) and k[0] == "material"]
        for old in stale[: max(0, len(stale) - _MATERIALS_KEPT + 1)]:
            del index.memo[old]
        known = index.memo[key] = _find_material(index, theme, avoid)
    return known


def _find_material(index: BankIndex, theme: ThemeWords, avoid: Avoid) -> Material:
    scores = index.relevance.entry_scores(theme)
    sets = candidate_aspects(index, theme, scores, avoid)
    ranked = sorted(
        ((s, at) for (kind, at), s in scores.items() if kind == "point"), key=lambda p: -p[0]
    )
    points = [(s, index.row("point", at)) for s, at in ranked[:_POINT_POOL]]
    return Material(theme, scores, sets, points)


@functools.lru_cache(maxsize=1 << 14)
def lead_of(text: str) -> str:
    """A part's lead: its opening sentences up to a readable length, from the first one that
    states a point rather than a year's figures."""
    sentences = split_sentences(text)
    start = next((i for i, s in enumerate(sentences[:3]) if not _FIGURES.search(s)), 0)
    out = ""
    for sentence in sentences[start:]:
        out += sentence
        if len(out) >= _LEAD_MIN:
            break
    return out


def _preferred(sets: dict[str, list[Aspect]], wanted: tuple[str, ...]) -> dict[str, list[Aspect]]:
    """The sets with the aspects that speak of the writer's keywords weighing more."""
    out = {}
    for set_id, members in sets.items():
        weighed = [
            replace(a, score=a.score * (1.0 + 0.5 * min(2, _mentions(a.rec, wanted))))
            for a in members
        ]
        weighed.sort(key=lambda a: (-a.score, a.rec.id))
        out[set_id] = weighed
    return out


def _mentions(rec: Rec, wanted: tuple[str, ...]) -> int:
    """How many of the writer's keywords an entry or the opening of its text holds."""
    text = f"{rec.text} {rec.info.get('gist') or rec.info.get('body') or ''}"
    return sum(1 for k in wanted if k in text)


@dataclass(frozen=True)
class Planned:
    aspect: Aspect
    heading: Built


class TopicalParts:
    """Parts for one request from the material a theme found."""

    def __init__(
        self,
        index: BankIndex,
        material: Material,
        points: int,
        rng: random.Random,
        wanted: tuple[str, ...] = (),
    ) -> None:
        self.index = index
        self.material = material
        self.points = points
        self.rng = rng
        self.wanted = wanted  # the writer's keywords: material holding them comes first
        known = material.preferred.get(wanted)
        if known is None:
            if len(material.preferred) >= _PREFERENCES_KEPT:
                del material.preferred[next(iter(material.preferred))]
            sets = _preferred(material.sets, wanted) if wanted else material.sets
            known = material.preferred[wanted] = Weighed.of(sets)
        self.sets, self.ordered = known.sets, known.ordered
        self.aspects_on = known.on_theme
        self.shape = ""
        self.planned: list[Planned] = []
        self.leads_used: list[str] = []  # sub-point leads of the parts made so far
        # The sentences of their bodies and of the part leads in a full draft: measures of one
        # sentence are each developed by it, neighbouring entries of a report share sentences,
        # and a speech that says the same sentence twice reads as padding.
        self.sentences_used: set[str] = set()
        self.full = False  # a full draft: every point needs a body

    # ── headings ─────────────────────────────────────────────────────────────────────────
    def clauses_of(self, aspect: Aspect) -> list[Clause]:
        known = self.material.clauses.get(aspect.rec.id)
        if known is None:
            known = self.material.clauses[aspect.rec.id] = self._clauses_of(aspect)
        return known

    def _clauses_of(self, aspect: Aspect) -> list[Clause]:
        index, rel = self.index, self.index.relevance
        rec = aspect.rec
        material = [(rec.text, rec.id, True)]
        material += [(c.text, c.id, False) for c in index.points_of_heading(rec.key)]
        if rec.kind == "point":
            material.append((index.body(rec.id), rec.id, False))
        else:
            material += [(r.text, r.id, False) for r in index.part_leads_of(rec.key)]
        theme = self.material.theme
        words = (*theme.telling, *theme.core, *rel.words_of(rec.text))
        return part_clauses(
            material, tuple(dict.fromkeys(words)), rel.verbs, rel.adverbs, theme.telling
        )

    def pattern(self) -> str:
        """The skeleton the headings share, read back from them ("…，…" or with fixed text)."""
        sk = skeleton([p.heading.text for p in self.planned])
        return sk.display() if sk is not None else self.shape

    def draft_parts(self, count: int, avoid: Avoid, label: str, full: bool) -> list[DraftPart]:
        """``count`` parts: the first plan whose every part finds its sub-points."""
        tried = 0
        self.full = full
        for aspects, shape, built in self._plans(count, avoid):
            self._keep(aspects, shape, built)
            self.leads_used = []
            self.sentences_used = set()
            blocked = avoid
            parts: list[DraftPart] = []
            try:
                for number, item in enumerate(self.planned, start=1):
                    part = self.part(number, item, blocked, full)
                    parts.append(part)
                    blocked = blocked | used_material([part])
            except DraftError:
                tried += 1
                if tried >= _PLANS_BUILT:
                    break
                continue
            return parts
        theme = self.material.theme
        words = "、".join(theme.core + theme.wanted)
        hint = "减少部分数（--parts 3）、" if count > 3 else ""
        raise DraftError(
            f"素材库里与主题“{label}”相关的材料不足以排出 {count} 个对仗的部分"
            f"（主题词：{words or '无'}）。可以{hint}减少要点数（--points）、换一种说法，"
            "或用 drafter mine 挖掘自己的材料补充素材库。"
        )

    def _plans(self, count: int, avoid: Avoid) -> Iterator[tuple[list[Aspect], str, list[Built]]]:
        """Aspects and headings for ``count`` parts: whole sibling sets on the theme, and,
        length profile by length profile, the best aspects of any set whose clauses can fill
        it. Where the bank has plenty on the theme, the seed decides which comes first, so
        that different seeds give different outlines."""
        on_theme = self.aspects_on
        whole = self._whole_sets(count, avoid)
        mixed = self._mixed(count, avoid)
        if on_theme >= _PLENTY * count and self.rng.random() < 0.5:
            yield from mixed
            yield from whole
        else:
            yield from whole
            yield from mixed

    def _whole_sets(
        self, count: int, avoid: Avoid
    ) -> Iterator[tuple[list[Aspect], str, list[Built]]]:
        theme = self.material.theme
        texts = frozenset(avoid.texts)
        for aspects in plan_aspects(self.sets, self.ordered, count, theme, self.rng)[:_WHOLE_SETS]:
            found = parallel_headings([self.clauses_of(a) for a in aspects], self.rng, texts)
            if found is not None:
                yield aspects, *found

    def _mixed(self, count: int, avoid: Avoid) -> Iterator[tuple[list[Aspect], str, list[Built]]]:
        theme = self.material.theme
        texts = frozenset(avoid.texts)
        pool = noisy_top(self.ordered, _POOL, self.rng, lambda s, r: s * (1 + 0.3 * r), 1.3)
        clauses = {a.rec.id: self.clauses_of(a) for a in pool}
        for shape in ("…，…", "…"):
            able: dict[tuple[int, ...], list[Aspect]] = {}
            for aspect in pool:
                for profile in self._lengths(aspect, clauses[aspect.rec.id], shape):
                    able.setdefault(profile, []).append(aspect)
            ranked = sorted(
                (p for p, found in able.items() if len(found) >= count),
                key=lambda p: (
                    -sum(a.on_theme for a in able[p][:count]),
                    sum(p) > _LONG_HEADING,  # a heading a listener can take in at once
                    -sum(a.score for a in able[p][:count]) * (1 + 0.3 * self.rng.random()),
                ),
            )
            for profile in ranked[:_PROFILES]:
                picked = choose_aspects(able[profile], count, theme, self.rng)
                if picked is None:
                    continue
                built = fill_profile(
                    [clauses[a.rec.id] for a in picked], shape, profile, self.rng, texts
                )
                if built is not None:
                    yield picked, shape, built

    def _lengths(self, aspect: Aspect, found: list[Clause], shape: str) -> list[tuple[int, ...]]:
        """The clause-length profiles an aspect's clauses can fill in ``shape`` (by theme)."""
        key = f"{shape}\0{aspect.rec.id}"
        known = self.material.lengths.get(key)
        if known is None:
            combos = options_of(found, shape)
            known = list(dict.fromkeys(tuple(len(c.text) for c in combo) for _, combo in combos))
            self.material.lengths[key] = known
        return known

    def _keep(self, aspects: list[Aspect], shape: str, built: list[Built]) -> list[Planned]:
        self.shape = shape
        self.planned = [Planned(a, b) for a, b in zip(aspects, built, strict=True)]
        return self.planned

    def alternatives(self, at: int, blocked: Avoid, count: int) -> list[Planned]:
        """Other aspects for part ``at`` whose clauses fit the same skeleton and lengths."""
        current = self.planned[at]
        profile = tuple(len(c.text) for c in current.heading.clauses)
        taken = [p.heading.clauses for i, p in enumerate(self.planned) if i != at]
        used = {p.aspect.rec.id for p in self.planned}
        theme = self.material.theme
        pool = sorted(
            (a for members in self.sets.values() for a in members),
            key=lambda a: (not a.on_theme, -a.score, a.rec.id),
        )
        out: list[Planned] = []
        avoid = frozenset(blocked.texts)
        for aspect in pool:
            if len(out) >= count:
                break
            if aspect.rec.id in used or blocked.blocks_key(aspect.rec.id, aspect.rec.key):
                continue
            if any(same_topic(aspect.rec.text, p.aspect.rec.text, theme) for p in self.planned):
                continue
            built = fit_profile(
                self.clauses_of(aspect), self.shape, profile, taken, self.rng, avoid
            )
            if built is not None:
                out.append(Planned(aspect, built))
                used.add(aspect.rec.id)
        return out

    # ── a part ───────────────────────────────────────────────────────────────────────────
    def part(self, number: int, planned: Planned, blocked: Avoid, full: bool) -> DraftPart:
        index, theme = self.index, self.material.theme
        aspect, heading = planned.aspect, planned.heading
        rec = aspect.rec
        lead, lead_source = self._lead(rec, blocked)
        # No part's aspect or heading comes back as a sub-point, of its own part or another.
        plan = self.planned if planned in self.planned else [*self.planned, planned]
        lead_keys = {fold_normalized(strip_end(x)) for x in split_sentences(lead)}
        if full:
            self.sentences_used |= lead_keys
        taken = Avoid(
            frozenset(p.aspect.rec.id for p in plan),
            frozenset(k for p in plan for k in (p.aspect.rec.key, fold_normalized(p.heading.text)))
            | lead_keys,
        )
        recs = self._points(rec, heading, blocked | taken)
        if len(recs) < self.points:
            raise DraftError(
                f"素材库里的要点不够：第 {number} 部分需要 {self.points} 条，只找到 {len(recs)} 条"
                "（可减少 --points，或去掉 --avoid）"
            )
        points = []
        for r in recs:
            body = (r.info.get("body") if "#" in r.id else index.body(r.id)) if full else None
            text = strip_end(r.text)
            on = theme.direct(f"{text} {body or ''}") or bool(theme.hits(f"{text} {body or ''}"))
            points.append(DraftPoint(text, body or None, r.source(), on_theme=on))
        source: dict[str, Any] = (
            rec.source()
            if heading.verbatim == rec.id and heading.text == rec.text
            else {
                "kind": "clauses",
                "aspect": rec.source(),
                "fillers": [{"id": c.origin, "text": c.text} for c in heading.clauses],
            }
        )
        text = heading.text
        whole = " ".join([text, lead, *(p.lead for p in points)])
        return DraftPart(
            number,
            text,
            rec.dims[0],
            lead,
            points,
            source,
            lead_source,
            on_theme=(theme.direct(whole) or len(theme.hits(whole)) >= 2)
            and (theme.direct(f"{text} {lead}") or bool(theme.hits(f"{text} {lead}"))),
        )

    def _lead(self, rec: Rec, blocked: Avoid) -> tuple[str, dict[str, Any] | None]:
        for lead_rec in self.index.part_leads_of(rec.key):
            text = lead_of(lead_rec.text)
            if text and not blocked.blocks(lead_rec.id, text):
                return text, lead_rec.source()
        if rec.kind == "point":
            body = self.index.body(rec.id)
            first = split_sentences(body)[:1]
            if first and alike(fold_normalized(strip_end(first[0])), fold_normalized(rec.text)):
                body = body[len(first[0]) :]  # the body opens by restating its lead
            text = lead_of(body)
            if text and not blocked.blocks(None, text):
                return text, {**rec.source(), "field": "body"}
        scores = self.material.scores
        leads = sorted(
            ((s, at) for (kind, at), s in scores.items() if kind == "part_lead"),
            key=lambda p: -p[0],
        )
        for _, at in leads:
            lead_rec = self.index.row("part_lead", at)
            text = lead_of(lead_rec.text)
            if text and not blocked.blocks(lead_rec.id, text):
                return text, lead_rec.source()
        # Nothing in the bank leads into this part: better no lead than one on another subject.
        return "", None

    def _points(self, rec: Rec, heading: Built, blocked: Avoid) -> list[Rec]:
        """Sub-points: the aspect's own, its sentences and the bank's best for its words and
        the theme's, those naming concrete measures first; none echoing the heading, each
        other, or a sub-point of another part."""
        clauses = [c.text for c in heading.clauses]
        pool, base = self._ranking(rec)
        random = self.rng.random
        if self.wanted:
            mentions = self.material.mentions
            if self.wanted not in mentions and len(mentions) >= _PREFERENCES_KEPT:
                del mentions[next(iter(mentions))]
            bonus = mentions.setdefault(self.wanted, {})
            for rid, _ in base:
                if rid not in bonus:
                    bonus[rid] = 2.0 * min(2, _mentions(pool[rid], self.wanted))
            base = sorted(((rid, s + bonus[rid]) for rid, s in base), key=lambda p: (-p[1], p[0]))
        # The seed reorders the best candidates (one draw each, best first); the rest follow
        # by worth, for a part whose best are all taken or echo its heading.
        head, rest = base[:_DRAWN], base[_DRAWN:]
        keyed = sorted([(-(score + 0.3 * random()), rid) for rid, score in head])
        ranked = [pool[rid] for _, rid in keyed] + [pool[rid] for rid, _ in rest]
        chosen: list[Rec] = []
        for r in ranked:
            if len(chosen) == self.points:
                break
            text = fold_normalized(strip_end(r.text))
            if blocked.blocks_key(r.id, r.key) or not text or _FIGURES.search(text):
                continue  # figures belong to a report of results, not to a point to make
            said: set[str] = set()
            if self.full:
                body = (r.info.get("body") if "#" in r.id else self.index.body(r.id)) or ""
                if not body:
                    continue  # a full draft develops every point
                said = _sentence_keys(body)
                if said & self.sentences_used:
                    continue
            if any(alike(text, c) for c in clauses):
                continue  # "（三）注重基层磨砺" under "注重基层磨砺"
            if any(alike(text, fold_normalized(strip_end(c.text))) for c in chosen):
                continue
            if any(alike(text, t) for t in self.leads_used):
                continue
            chosen.append(r)
            self.sentences_used |= said
        self.leads_used += [fold_normalized(strip_end(r.text)) for r in chosen]
        return chosen

    def _ranking(self, rec: Rec) -> tuple[dict[str, Rec], list[tuple[str, float]]]:
        """An aspect's candidate sub-points and what each is worth before the seed's draw, best
        first: the same for every draft of the theme that uses the aspect."""
        key = (rec.id, self.full)
        known = self.material.rankings.get(key)
        if known is not None:
            return known
        own = self.index.points_of_heading(rec.key)
        aspect, near, near_top = self._near(rec)
        theme = self.material.scores
        doc_of = self.index.relevance.doc_of
        at_of = self._at_of()
        words = self.material.theme
        theme_top = self.material.top
        mine_ids = {r.id for r in own}
        worth = self.material.worth

        def static(r: Rec) -> float:
            """Concrete words of the theme count most: a sub-point that only repeats the
            theme's name (促进高质量充分就业) tells a listener less than one that names a
            measure (稳岗, 毕业生). The same for every part: computed once a theme."""
            known = worth.get(r.id)
            if known is None:
                specific = [w for w in words.hits(r.text) if w not in words.core]
                known = 2.0 * bool(specific) + 0.5 * min(2, len(specific)) + words.direct(r.text)
                # A sentence or clause of an entry counts with the entry's relevance.
                at = at_of.get(r.id.split("#", 1)[0], -1)
                known += theme.get(("point", at), 0.0) / theme_top
                worth[r.id] = known
            return known

        pool = dict(self.material.pool)
        for r in [*near, *own, *self._body_points(rec), *self._measures()]:
            pool.setdefault(r.id, r)
        base = []
        for rid in sorted(pool):
            score = static(pool[rid]) + 3.0 * (rid in mine_ids) + 1.0 * ("#" in rid)
            score += 2.0 * aspect.get(doc_of.get(("point", at_of.get(rid, -1)), -1), 0.0) / near_top
            base.append((rid, score))
        base.sort(key=lambda p: (-p[1], p[0]))  # best first
        known = self.material.rankings[key] = (pool, base)
        return known

    def _measures(self) -> list[Rec]:
        """Measures a report names in a list inside its sentences ("实施稳岗扩容提质行动，开展
        职业技能提升培训，…"): the clauses of the theme's best sub-points' texts that open like
        a heading and name a concrete word of the theme. They tell a listener what is to be done
        where a sub-point that repeats the theme's name tells nothing. Found once per theme;
        each is developed, in a full draft, by the sentence it stands in."""
        known = self.material.found.get("measures")
        if known is not None:
            return known
        rel, words = self.index.relevance, self.material.theme
        out: list[Rec] = []
        # Against the fifth best: one entry that writes the theme out whole scores far above.
        points = self.material.points
        best = points[min(4, len(points) - 1)][0] if points else 0.0
        for score, rec in self.material.points[:_MEASURE_SOURCES]:
            if score < _MEASURE_SHARE * best:
                break  # a list under a sub-point about something else lists its measures
            sentences = split_sentences(self.index.body(rec.id))[:_BODY_SENTENCES]
            for n, sentence in enumerate(sentences):
                clauses = [c for c in _CLAUSE_CUT.split(strip_end(sentence)) if c]
                if len(clauses) < 3:
                    continue  # a list of measures, not a sentence that develops one
                for m, clause in enumerate(clauses):
                    if not _MEASURE_CHARS[0] <= len(clause) <= _MEASURE_CHARS[1]:
                        continue
                    if not [w for w in words.hits(clause) if w not in words.core]:
                        continue
                    if lead_like(clause, rel.verbs, rel.adverbs):
                        info = {
                            "from": rec.id,
                            "sentence": n + 1,
                            "clause": m + 1,
                            "body": sentence,
                        }
                        at = f"{rec.id}#{n + 1}.{m + 1}"
                        out.append(rec._replace(id=at, text=clause, info=info))
        self.material.found["measures"] = out
        return out

    def _body_points(self, rec: Rec) -> list[Rec]:
        """Sentences of the aspect's own text that can stand as its sub-points: a run-in lead
        of a report ("积极推行长期护理保险制度。稳妥推进基本医保省级统筹。…") lists them."""
        rel = self.index.relevance
        out = []
        sentences = split_sentences(self.index.body(rec.id))
        for n, sentence in enumerate(sentences[:_BODY_SENTENCES]):
            text = strip_end(sentence)
            if lead_like(text, rel.verbs, rel.adverbs):
                # Its development in a full draft: the sentences that follow it, up to the next.
                after = []
                for nxt in sentences[n + 1 : n + 3]:
                    if lead_like(strip_end(nxt), rel.verbs, rel.adverbs):
                        break
                    after.append(nxt)
                if self.full and not after:
                    continue  # a full draft develops every point
                info = {"from": rec.id, "sentence": n + 1, "body": "".join(after)}
                out.append(rec._replace(id=f"{rec.id}#{n + 1}", text=text, info=info))
        return out

    def _at_of(self) -> dict[str, int]:
        """Each sub-point's position in the index's rows, by id."""
        at_of: dict[str, int] = self.index.memo.setdefault("point_at", {})
        if not at_of:
            at_of.update({row[0]: i for i, row in enumerate(self.index.rows.get("point", []))})
        return at_of

    def _near(self, rec: Rec) -> tuple[dict[int, float], list[Rec], float]:
        """The scores of an aspect's own words over the bank, and the sub-points closest to
        them. They depend on the aspect alone: every theme and draft that uses it shares them."""
        cache: dict[str, tuple[dict[int, float], list[Rec], float]] = self.index.memo.setdefault(
            "near", {}
        )
        known = cache.get(rec.id)
        if known is None:
            rel = self.index.relevance
            scores = rel.score(dict.fromkeys(rel.words_of(rec.text), 1.0))
            best = heapq.nlargest(_NEAR_POINTS, scores, key=lambda d: (scores[d], -d))
            near = [
                self.index.row("point", at)
                for kind, at in map(rel.docs.__getitem__, best)
                if kind == "point"
            ]
            if len(cache) >= _NEAR_KEPT:
                del cache[next(iter(cache))]
            top = max(scores.values(), default=0.0) or 1.0
            known = cache[rec.id] = (scores, near, top)
        return known


def _sentence_keys(text: str) -> set[str]:
    """The sentences of ``text`` that a listener would hear as a repeat, folded as a lead's key
    is (whatever their punctuation or script); short ones ("同志们！") may recur."""
    keys = (fold_normalized(strip_end(x)) for x in split_sentences(text))
    return {k for k in keys if len(k) >= _REPEAT_CHARS}
