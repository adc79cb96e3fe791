"""Composing a draft: theme to dimensions, one skeleton for all headings, then the material.

Every choice goes through one ``random.Random(seed)`` over the bank in its stored order, so the
same bank, request and seed give the same draft. Nothing is used twice in one draft, and what an
``Avoid`` names (an earlier draft's material) is not used at all.
"""

from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from drafter.bank.lexicon import OTHER
from drafter.bank.themes import Theme, fill
from drafter.drafting.clauses import alike
from drafter.drafting.coverage import coverage_notes, describe_coverage
from drafter.drafting.headings import Heading, Plan, fill_plan, iter_plans
from drafter.drafting.index import BankIndex, Rec, load_index
from drafter.drafting.length import fit_length, keyword_hits
from drafter.drafting.model import (
    Avoid,
    Draft,
    DraftPart,
    DraftPoint,
    DraftRequest,
    used_material,
)
from drafter.drafting.relevance import ThemeWords
from drafter.drafting.topical import Material, Planned, TopicalParts, find_material
from drafter.errors import DraftError
from drafter.text.normalize import fold_normalized, polish, simplify_input
from drafter.text.sentences import char_bigrams, clauses, split_sentences, strip_end
from drafter.text.usertext import clean_optional, clean_text

_HAN = re.compile(r"[\u3400-\u9fff]+")
_SAMPLE = 600  # candidates weighed per choice on a large bank (a fair sample suffices)
_PLANS_TRIED = 8  # feasible skeletons compared for a free-text theme
_LEAD_MIN = 16
_MEMO_MAX = 160  # themes whose off-topic headings an index remembers
_RELEVANT = 0.15  # relevance (share of the best entry's) that makes an entry fit a theme
_SHORT_OF_LENGTH = 0.85  # a full draft this far under --length says why
_CLOSING_MAX = 240  # a closing paragraph, not the last pages of a report
_TO_DEPUTIES = ("各位代表", "代表们")  # a work report's close, addressed to a congress


@dataclass(frozen=True)
class Steering:
    """What a theme asks of the bank: words to prefer, dimensions in order of preference."""

    text: str
    theme: Theme | None
    keywords: tuple[str, ...]
    preferred: tuple[str, ...]
    fixed: bool  # a known theme fixes its dimensions; a free one lets the bank decide


def _theme_bigrams(text: str) -> frozenset[str]:
    """A theme's words: pairs within its runs of Chinese characters only, so that punctuation,
    blanks, Latin letters and digits ("数字政府2.0") neither make words nor join two into one."""
    return char_bigrams(*_HAN.findall(text))


def resolve_theme(
    index: BankIndex, text: str, parts: int, wanted: tuple[str, ...] = ()
) -> Steering:
    """Steering for a theme from the theme book, or worked out from the words of a free one
    (and of the ``wanted`` keywords that come with it)."""
    lexicon, book = index.lexicon, index.themes
    theme = book.find(text)
    if theme is not None and theme.dimensions:
        dims = theme.dimensions.get(parts)
        if dims is None:  # only the other count given: take its first dimensions, then any
            other = next(iter(theme.dimensions.values()))
            rest = [d.name for d in lexicon.dimensions if d.name not in other]
            dims = (*other, *rest)[:parts]
        keywords = tuple(dict.fromkeys((*theme.keywords, *sorted(_theme_bigrams(theme.name)))))
        return Steering(theme.name, theme, keywords, tuple(dims), True)
    scores = lexicon.scores(" ".join((text, *wanted)))
    order = {d.name: i for i, d in enumerate(lexicon.dimensions)}
    preferred = sorted(scores, key=lambda n: (-scores[n], order[n]))
    words = _theme_bigrams(text)
    nearest = max(
        book.themes,
        key=lambda t: len(words & _theme_bigrams(" ".join((t.name, *t.aliases, *t.keywords)))),
        default=None,
    )
    if nearest is not None and words & _theme_bigrams(" ".join((nearest.name, *nearest.keywords))):
        preferred += [d for ds in nearest.dimensions.values() for d in ds]
    material = {d: index.count("point", d) for d in order}
    preferred += sorted(order, key=lambda d: (-material[d], order[d]))
    hits = [k for d in lexicon.dimensions for k in d.keywords if k in text]
    keywords = tuple(dict.fromkeys((*hits, *sorted(words))))
    if theme is not None:  # a curated theme without dimensions: its own words steer
        keywords = tuple(dict.fromkeys((*theme.keywords, *keywords)))
        return Steering(theme.name, theme, keywords, tuple(dict.fromkeys(preferred)), False)
    return Steering(text, None, keywords, tuple(dict.fromkeys(preferred)), False)


@functools.lru_cache(maxsize=1 << 14)
def lead_sentence(text: str) -> str:
    """The opening sentence of a paragraph (two when the first is a short maxim)."""
    sentences = split_sentences(text)
    out = ""
    for sentence in sentences:
        out += sentence
        if len(out) >= _LEAD_MIN:
            break
    return out or text


def _text_or_none(value: str | None) -> str | None:
    return value.strip() or None if value else None


def _quote(rec: Rec) -> str:
    body = rec.text.replace("“", "‘").replace("”", "’")
    tail = "" if body[-1:] in "。！？" else "。"
    speaker = f"{rec.info.get('speaker') or ''}{rec.info.get('verb') or '指出'}"
    return f"{speaker}：“{body}”{tail}"


class Composer:
    """Drafts for one request; also re-rolls and alternatives for the interactive session."""

    def __init__(self, index: BankIndex, request: DraftRequest) -> None:
        request.check()
        self.index = index
        self.request = request
        self.seed = (
            request.seed if request.seed is not None else random.SystemRandom().randrange(1, 10**6)
        )
        self.rng = random.Random(self.seed)
        self.occasion = index.themes.occasion(request.occasion)
        theme_text = polish(simplify_input(" ".join(request.theme.split())))
        # The writer's keywords weigh more than the theme's own words.
        self.wanted = tuple(
            dict.fromkeys(w for k in request.keywords if (w := polish(simplify_input(k.strip()))))
        )
        self.steer = resolve_theme(index, theme_text, request.parts, self.wanted)
        curated = self.steer.theme
        # The theme decides the material; the writer's keywords choose among it (as the
        # option says: material holding them comes first), so that the briefs of a batch that
        # vary only their keywords share one theme's material. A theme the bank has no word of
        # is found through its keywords alone.
        theme_words = " ".join((self.steer.text, *(curated.aliases if curated else ())))
        own = curated.keywords if curated else ()
        self.theme_words: ThemeWords = index.relevance.theme(theme_words, own)
        if not self.theme_words.core and self.wanted:
            self.theme_words = index.relevance.theme(theme_words, (*self.wanted, *own))
        if self.steer.fixed:
            # A curated theme names the dimensions it is made of: their words are its topic.
            dims = set(self.steer.preferred)
            topic = [k for d in index.lexicon.dimensions if d.name in dims for k in d.keywords]
            self.theme_words = self.theme_words.with_topic(tuple(topic))
        self.plan: Plan | None = None
        self.headings: list[Heading | None] = []
        self._alternatives: list[tuple[Heading | Planned | None, DraftPart]] = []
        self.topical: TopicalParts | None = None
        self.material: Material | None = None
        self._scores: dict[str, float] | None = None

    def relevance_of(self, rec: Rec) -> float:
        """A bank entry's relevance to the theme, 0 to 1 (1: the most relevant entry)."""
        if self._scores is None:
            key = ("relevance_by_id", self.theme_words)
            known = self.index.memo.get(key)
            if known is None:
                raw = self.index.relevance.entry_scores(self.theme_words)
                top = max(raw.values(), default=0.0) or 1.0
                known = {self.index.rows[k][i][0]: s / top for (k, i), s in raw.items()}
                stale = [k for k in self.index.memo if isinstance(k, tuple) and k[0] == key[0]]
                for old in stale[: max(0, len(stale) - _MEMO_MAX + 1)]:
                    del self.index.memo[old]
                self.index.memo[key] = known
            self._scores = known
        return self._scores.get(rec.id, 0.0)

    # ── headings ─────────────────────────────────────────────────────────────────────────
    def _off_topic_headings(self) -> Avoid:
        """The bank headings that say nothing about a curated theme: they lend no words to its
        headings (a large bank's headings on other subjects carry its dimensions' words too)."""
        key = ("off_topic", self.theme_words)
        if key not in self.index.memo:
            kept = [k for k in self.index.memo if isinstance(k, tuple) and k[0] == "off_topic"]
            for old in kept[: max(0, len(kept) - _MEMO_MAX + 1)]:
                del self.index.memo[old]
            ids = {
                rec.id
                for rec in self.index.of("heading")
                if not self._fits(rec, self.index.points_of_heading(rec.key))
            }
            # Skeletons mined from sub-point sets take their words from sub-points.
            ids |= {rec.id for rec in self.index.of("point") if not self._fits(rec)}
            self.index.memo[key] = Avoid(frozenset(ids))
        avoid: Avoid = self.index.memo[key]
        return avoid

    def _fits(self, rec: Rec, under: list[Rec] | None = None) -> bool:
        """Whether an entry (with the sub-points under it) is about the theme."""
        if self.relevance_of(rec) >= _RELEVANT:
            return True
        text = " ".join([rec.text, *(r.text for r in under or [])])
        return self.theme_words.direct(text) or len(self.theme_words.hits(text)) >= 2

    def _choose_plan(self) -> tuple[Plan, list[str], list[Heading]]:
        n, avoid = self.request.parts, self.request.avoid | self._off_topic_headings()
        found: list[tuple[int, int, Plan, list[str], list[Heading]]] = []
        for order, plan in enumerate(iter_plans(self.index, self.rng)):
            if self.steer.fixed:
                dims = list(self.steer.preferred[:n])
            else:
                dims = [d for d in self.steer.preferred if d != OTHER and plan.serves(d, avoid)][:n]
            if len(dims) < n:
                continue
            headings = fill_plan(plan, dims, avoid, self.rng)
            if headings is None:
                continue
            if self.steer.fixed:
                return plan, dims, headings
            rank = sum(self.steer.preferred.index(d) for d in dims)
            found.append((rank, order, plan, dims, headings))
            if len(found) >= _PLANS_TRIED:
                break
        if found:
            _, _, plan, dims, headings = min(found, key=lambda f: (f[0], f[1]))
            return plan, dims, headings
        wanted = "、".join(self.steer.preferred[:n]) if self.steer.fixed else f"{n} 个维度"
        hints = ["减少部分数（--parts 3）"] if n > 3 else []
        if avoid:
            hints.append("少用几个 --avoid 文件（它们排除的标题用词也不再使用）")
        hints += ["在 themes.yaml 中调整维度", "用 drafter mine 补充语料"]
        raise DraftError(
            f"素材库不足以为主题“{self.steer.text}”生成 {n} 个对仗的分部标题（需要：{wanted}）。"
            f"可以{'、'.join(hints)}。"
        )

    # ── material ─────────────────────────────────────────────────────────────────────────
    def _sources_of(self, heading: Heading | None, text: str) -> set[str]:
        """Folded texts of the bank headings a part heading was made from."""
        keys = {fold_normalized(text)}
        if heading is not None:
            for option in heading.options:
                rec = self.index.heading(option.heading)
                if rec is not None:
                    keys.add(rec.key)
        return keys

    def _framing(self, kind: str) -> list[Rec]:
        """The quotations that may open a draft on the theme (attributed, verbatim, about it)
        or the closings that may end it (naming it, of a closing's length): few, and the same
        for every draft of the theme."""
        key = ("framing", kind, self.theme_words)
        known: list[Rec] | None = self.index.memo.get(key)
        if known is None:
            words = self.theme_words
            if kind == "quotation":
                known = [
                    q
                    for q in self.index.of(kind)
                    if q.info.get("speaker")
                    and q.info.get("quoted") is not False
                    and (words.direct(q.text) or len(words.hits(q.text)) >= 2)
                ]
            else:
                # Naming the theme is not enough: the close of a work report says 实干 too, but
                # it speaks to the deputies of a congress about one province's year.
                known = [
                    r
                    for r in self.index.of(kind)
                    if len(r.text) <= _CLOSING_MAX
                    and words.direct(r.text)
                    and not r.text.startswith(_TO_DEPUTIES)
                ]
            stale = [k for k in self.index.memo if isinstance(k, tuple) and k[0] == "framing"]
            for old in stale[: max(0, len(stale) - 2 * _MEMO_MAX + 1)]:
                del self.index.memo[old]
            self.index.memo[key] = known
        return known

    def _pick(
        self,
        kind: str,
        dim: str,
        count: int,
        blocked: Avoid,
        related: set[str],
        extra: list[Rec] | None = None,
        text_of: Any = None,
        echoes: tuple[str, ...] = (),
        only: list[Rec] | None = None,
    ) -> list[Rec]:
        """The ``count`` best unblocked entries of ``kind`` for ``dim``, others as a fallback;
        or the best of ``only``, with no fallback."""
        if only is not None:
            pool = only
        else:
            pool = self.index.sample(kind, dim, _SAMPLE, self.rng)
            pool = list({r.id: r for r in [*(extra or []), *pool]}.values())
        chosen: list[Rec] = []
        seen: set[str] = set()
        for fallback in (False, True):
            if fallback:
                if len(chosen) >= count or only is not None:
                    break
                pool = self.index.sample(kind, None, _SAMPLE, self.rng)
            scored = []
            for rec in pool:
                text = text_of(rec) if text_of else rec.text
                key = fold_normalized(text) if text_of else rec.key
                if key in seen or blocked.blocks_key(rec.id, key):
                    continue
                if not fallback and kind in ("point", "part_lead") and not self._fits(rec):
                    continue  # the fallback may take it, marked as generic
                score = 2.0 * (rec.dims[0] == dim) + 1.0 * (dim in rec.dims)
                heading = rec.info.get("heading")
                score += 4.0 * (isinstance(heading, str) and fold_normalized(heading) in related)
                body = f"{rec.text}{rec.info.get('gist') or ''}"
                score += 0.7 * min(3, keyword_hits(body, self.steer.keywords))
                score += 2.0 * min(2, keyword_hits(body, self.wanted))
                score += 4.0 * self.relevance_of(rec)
                if kind == "quotation" and rec.info.get("quoted") is False:
                    continue  # a paraphrase is never presented inside quotation marks
                scored.append((score + 1.5 * self.rng.random(), rec, key))
            scored.sort(key=lambda s: -s[0])
            for _, rec, key in scored:
                if len(chosen) >= count:
                    break
                if key in seen:
                    continue
                if echoes or kind == "point":
                    # Neither its heading's own clause again nor a near twin of a sibling.
                    lead = fold_normalized(strip_end(rec.text))
                    if any(alike(lead, e) for e in echoes) or any(
                        alike(lead, fold_normalized(strip_end(c.text))) for c in chosen
                    ):
                        continue
                chosen.append(rec)
                seen.add(key)
        return chosen

    def _part(
        self, number: int, dim: str, heading: Heading | None, text: str, blocked: Avoid
    ) -> DraftPart:
        related = self._sources_of(heading, text)
        leads = self._pick(
            "part_lead", dim, 1, blocked, related, text_of=lambda r: lead_sentence(r.text)
        )
        if not leads:
            raise DraftError(f"素材库里没有可用的分部引言（维度：{dim}）")
        lead = leads[0]
        n = self.request.points
        extra = [r for key in sorted(related) for r in self.index.points_of_heading(key)]
        echoes = tuple(fold_normalized(c) for c in clauses(text))
        recs = self._pick("point", dim, n, blocked, related, extra, echoes=echoes)
        if len(recs) < n:
            raise DraftError(
                f"素材库里的要点不够：第 {number} 部分需要 {n} 条，只找到 {len(recs)} 条"
                "（可减少 --points，或去掉 --avoid）"
            )
        full = self.request.detail == "full"
        points = []
        for r in recs:
            body = self.index.body(r.id) or None if full else None
            lead_text = strip_end(r.text)
            on = self._on_theme(f"{lead_text} {body or ''}")
            points.append(DraftPoint(lead_text, body, r.source(), on_theme=on))
        source = (
            heading.source(self.plan) if heading is not None and self.plan else {"kind": "user"}
        )
        lead_text = lead_sentence(lead.text)
        whole = " ".join([text, lead_text, *(p.lead for p in points)])
        on_theme = self.theme_words.direct(whole) or len(self.theme_words.hits(whole)) >= 2
        return DraftPart(
            number, text, dim, lead_text, points, source, lead.source(), on_theme=on_theme
        )

    # ── the whole draft ──────────────────────────────────────────────────────────────────
    def compose(self) -> Draft:
        if not self.steer.fixed:
            return self._compose_topical()
        plan, dims, headings = self._choose_plan()
        self.plan = plan
        self.headings = list(headings)
        blocked = self.request.avoid
        parts: list[DraftPart] = []
        for number, (dim, heading) in enumerate(zip(dims, headings, strict=True), start=1):
            part = self._part(number, dim, heading, heading.text, blocked)
            parts.append(part)
            blocked = blocked | used_material([part])
        return self._frame(parts, plan.display)

    def _compose_topical(self) -> Draft:
        """Parts planned from the theme's relevant material, for any theme not curated."""
        words, request = self.theme_words, self.request
        if not words.core and not words.wanted:
            raise DraftError(
                f"素材库里没有与主题“{self.steer.text}”相关的材料：主题中的词在素材库里都没有出现。"
                "可以换一种常见的说法，用 drafter themes 查看素材库覆盖较好的主题，"
                "或用 drafter mine 挖掘自己的材料。"
            )
        self.material = find_material(self.index, words, request.avoid)
        if not any(a.on_theme for members in self.material.sets.values() for a in members):
            raise DraftError(
                f"素材库里与主题“{self.steer.text}”相关的材料太少，写不出切题的提纲"
                f"（找到的主题词：{'、'.join(words.core + words.wanted)}）。"
                "建议用 drafter mine 挖掘自己的材料，或用 drafter themes 查看素材库覆盖较好的主题。"
            )
        self.topical = TopicalParts(
            self.index, self.material, request.points, self.rng, self.wanted
        )
        parts = self.topical.draft_parts(
            request.parts, request.avoid, self.steer.text, request.detail == "full"
        )
        return self._frame(parts, self.topical.pattern())

    def _on_theme(self, text: str) -> bool:
        return self.theme_words.direct(text) or bool(self.theme_words.hits(text))

    def _frame(self, parts: list[DraftPart], pattern: str) -> Draft:
        steer, occasion, rng = self.steer, self.occasion, self.rng
        values = occasion.values(steer.text)
        titles = steer.theme.titles if steer.theme and steer.theme.titles else None
        title = fill(rng.choice(titles or self.index.themes.default_titles), values)
        title_source = {"kind": "theme", "file": "themes.yaml"}
        if self.request.title and self.request.title.strip():
            title, title_source = self.request.title.strip(), {"kind": "user"}
        blocked = self.request.avoid | used_material(parts)
        dim = parts[0].dimension
        # Only attributed, verbatim quotations open a speech, and only one about the theme.
        quotes = self._pick("quotation", dim, 1, blocked, set(), only=self._framing("quotation"))
        opening_source: dict[str, Any] | None = None
        opening = fill(occasion.framing, values)
        if quotes:
            opening = f"{_quote(quotes[0])}{opening}"
            opening_source = quotes[0].source()
        closings = self._pick("closing", dim, 1, blocked, set(), only=self._framing("closing"))
        closing = closings[0].text if closings else fill(occasion.closing, values)
        parts = self._fit_length(parts, len(title) + len(opening) + len(closing))
        draft = Draft(
            title=title,
            theme=steer.text,
            occasion=occasion.name,
            seed=self.seed,
            opening=opening,
            parts=parts,
            closing=closing,
            bank_version=self.index.version,
            detail=self.request.detail,
            dimensions=[p.dimension for p in parts],
            theme_known=steer.theme is not None,
            pattern=pattern,
            notes=[],
            title_source=title_source,
            opening_source=opening_source,
            closing_source=closings[0].source()
            if closings
            else {"kind": "theme", "file": "themes.yaml"},
            speaker=_text_or_none(self.request.speaker),
            organisation=_text_or_none(self.request.organisation),
        )
        if self.material is None:
            self.material = find_material(self.index, self.theme_words, self.request.avoid)
        draft.coverage = describe_coverage(self.theme_words, self.material, draft, self.wanted)
        draft.notes = coverage_notes(steer.text, self.index.themes, draft)
        draft.characters = draft.count_characters()
        target = self.request.length
        if target is not None and draft.characters < _SHORT_OF_LENGTH * target:
            draft.notes.append(
                f"全文 {draft.characters} 字，不到目标 {target} 字：这些要点在素材库里的展开段落"
                "不够长。可以增加 --points 或 --parts，或用 drafter mine 补充素材。"
            )
        return draft

    def _fit_length(self, parts: list[DraftPart], framing: int) -> list[DraftPart]:
        """Bodies trimmed or kept so that a full draft comes near ``--length`` characters."""
        if self.request.detail != "full":
            return parts
        words = (*self.theme_words.all, *self.steer.keywords)
        return fit_length(parts, self.request.length, words, self.index, framing)

    # ── the interactive session's moves ──────────────────────────────────────────────────
    def alternatives(self, draft: Draft, index: int, count: int = 5) -> list[DraftPart]:
        """Other parts for position ``index``: new headings in the same skeleton, new material."""
        part = draft.parts[index]
        blocked = self.request.avoid | used_material(draft.parts[:index] + draft.parts[index + 1 :])
        blocked = blocked | used_material([part])
        out: list[tuple[Heading | Planned | None, DraftPart]] = []
        if self.topical is not None:
            full = self.request.detail == "full"
            for planned in self.topical.alternatives(index, blocked, count):
                try:
                    new = self.topical.part(part.number, planned, blocked, full)
                except DraftError:
                    continue  # that aspect has too few sub-points left
                out.append((planned, new))
        elif self.plan is not None:
            others = [h for i, h in enumerate(self.headings) if i != index and h is not None]
            ranked = self.plan.candidates(part.dimension, others, blocked, self.rng)
            for _, heading in ranked[:count]:
                new = self._part(part.number, part.dimension, heading, heading.text, blocked)
                out.append((heading, new))
        self._alternatives = out
        return [p for _, p in out]

    def choose(self, draft: Draft, index: int, alternative: int) -> Draft:
        chosen, part = self._alternatives[alternative]
        if isinstance(chosen, Planned):
            if self.topical is not None:
                self.topical.planned[index] = chosen
        else:
            self.headings[index] = chosen
        parts = list(draft.parts)
        parts[index] = part
        return replace(draft, parts=parts)

    def reroll(self, draft: Draft, indexes: list[int]) -> Draft:
        """New headings and material for the parts at ``indexes``; the others stay."""
        for i in indexes:
            options = self.alternatives(draft, i, 3)
            if options:
                draft = self.choose(draft, i, self.rng.randrange(len(options)))
        return draft

    def edit(self, draft: Draft, index: int, heading: str | None, leads: list[str] | None) -> Draft:
        """The writer's own heading or sub-point leads for one part (kept as written, polished)."""
        parts = list(draft.parts)
        part = parts[index]
        heading = clean_optional(heading)
        if heading is not None and polish(heading) != part.heading:
            part = replace(part, heading=polish(heading), source={"kind": "user"})
            if index < len(self.headings):
                self.headings[index] = None
        if leads is not None:
            points = []
            for point, lead in zip(part.points, leads, strict=True):
                lead = polish(clean_text(lead))
                points.append(
                    point if lead == point.lead else DraftPoint(lead, point.body, {"kind": "user"})
                )
            part = replace(part, points=points)
        parts[index] = part
        return replace(draft, parts=parts)


def compose(index: BankIndex, request: DraftRequest) -> Draft:
    """A draft for ``request`` from an indexed bank."""
    return Composer(index, request).compose()


def draft_outline(bank_dir: Path, request: DraftRequest) -> Draft:
    """A draft from the bank in ``bank_dir`` (the index is cached between calls)."""
    return compose(load_index(bank_dir), request)
