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
from drafter.drafting.headings import Heading, Plan, fill_plan, iter_plans
from drafter.drafting.index import BankIndex, Rec, load_index
from drafter.drafting.model import Avoid, Draft, DraftPart, DraftPoint, DraftRequest
from drafter.errors import DraftError
from drafter.text.normalize import fold_normalized, polish, simplify_input
from drafter.text.sentences import char_bigrams, split_sentences, strip_end
from drafter.text.usertext import clean_optional, clean_text

_HAN = re.compile(r"[\u3400-\u9fff]+")
_SAMPLE = 600  # candidates weighed per choice on a large bank (a fair sample suffices)
_PLANS_TRIED = 8  # feasible skeletons compared for a free-text theme
_LEAD_MIN, _BODY_MAX = 16, 180


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
    if theme is not None:
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
    return Steering(text, None, keywords, tuple(dict.fromkeys(preferred)), False)


@functools.lru_cache(
    maxsize=1 << 16
)  # the same bank texts meet the same keywords draft after draft
def _hits(text: str, keywords: tuple[str, ...]) -> int:
    return sum(1 for k in keywords if k in text)


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


def fit_body(text: str, keywords: tuple[str, ...]) -> str:
    """A body paragraph of editable length: its first sentence, then those on the theme."""
    sentences = split_sentences(text)
    if sum(map(len, sentences)) <= _BODY_MAX:
        return text
    keep = {0}
    size = len(sentences[0])
    ranked = sorted(range(1, len(sentences)), key=lambda i: -_hits(sentences[i], keywords))
    for i in ranked:
        if size + len(sentences[i]) > _BODY_MAX:
            continue
        keep.add(i)
        size += len(sentences[i])
    return "".join(sentences[i] for i in sorted(keep))


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
        self.plan: Plan | None = None
        self.headings: list[Heading | None] = []
        self._alternatives: list[tuple[Heading, DraftPart]] = []

    # ── headings ─────────────────────────────────────────────────────────────────────────
    def _choose_plan(self) -> tuple[Plan, list[str], list[Heading]]:
        n, avoid = self.request.parts, self.request.avoid
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

    def _pick(
        self,
        kind: str,
        dim: str,
        count: int,
        blocked: Avoid,
        related: set[str],
        extra: list[Rec] | None = None,
        text_of: Any = None,
    ) -> list[Rec]:
        """The ``count`` best unblocked entries of ``kind`` for ``dim``, others as a fallback."""
        pool = self.index.sample(kind, dim, _SAMPLE, self.rng)
        pool = list({r.id: r for r in [*(extra or []), *pool]}.values())
        chosen: list[Rec] = []
        seen: set[str] = set()
        for fallback in (False, True):
            if fallback:
                if len(chosen) >= count:
                    break
                pool = self.index.sample(kind, None, _SAMPLE, self.rng)
            scored = []
            for rec in pool:
                text = text_of(rec) if text_of else rec.text
                key = fold_normalized(text) if text_of else rec.key
                if key in seen or blocked.blocks_key(rec.id, key):
                    continue
                score = 2.0 * (rec.dims[0] == dim) + 1.0 * (dim in rec.dims)
                heading = rec.info.get("heading")
                score += 4.0 * (isinstance(heading, str) and fold_normalized(heading) in related)
                body = f"{rec.text}{rec.info.get('gist') or ''}"
                score += 0.7 * min(3, _hits(body, self.steer.keywords))
                score += 2.0 * min(2, _hits(body, self.wanted))
                scored.append((score + 1.5 * self.rng.random(), rec, key))
            scored.sort(key=lambda s: -s[0])
            for _, rec, key in scored:
                if len(chosen) >= count:
                    break
                if key not in seen:
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
        recs = self._pick("point", dim, n, blocked, related, extra)
        if len(recs) < n:
            raise DraftError(
                f"素材库里的要点不够：第 {number} 部分需要 {n} 条，只找到 {len(recs)} 条"
                "（可减少 --points，或去掉 --avoid）"
            )
        full = self.request.detail == "full"
        points = [
            DraftPoint(
                strip_end(r.text),
                fit_body(self.index.body(r.id), self.steer.keywords) or None if full else None,
                r.source(),
            )
            for r in recs
        ]
        source = (
            heading.source(self.plan) if heading is not None and self.plan else {"kind": "user"}
        )
        return DraftPart(number, text, dim, lead_sentence(lead.text), points, source, lead.source())

    # ── the whole draft ──────────────────────────────────────────────────────────────────
    def compose(self) -> Draft:
        plan, dims, headings = self._choose_plan()
        self.plan = plan
        self.headings = list(headings)
        blocked = self.request.avoid
        parts: list[DraftPart] = []
        for number, (dim, heading) in enumerate(zip(dims, headings, strict=True), start=1):
            part = self._part(number, dim, heading, heading.text, blocked)
            parts.append(part)
            blocked = blocked | used_material([part])
        return self._frame(parts, dims, plan)

    def _frame(self, parts: list[DraftPart], dims: list[str], plan: Plan) -> Draft:
        steer, occasion, rng = self.steer, self.occasion, self.rng
        values = occasion.values(steer.text)
        titles = steer.theme.titles if steer.theme and steer.theme.titles else None
        title = fill(rng.choice(titles or self.index.themes.default_titles), values)
        title_source = {"kind": "theme", "file": "themes.yaml"}
        if self.request.title and self.request.title.strip():
            title, title_source = self.request.title.strip(), {"kind": "user"}
        blocked = self.request.avoid | used_material(parts)
        # Only attributed quotations open a speech; a bare saying would need a source to cite.
        quotes = [
            q for q in self._pick("quotation", dims[0], 6, blocked, set()) if q.info.get("speaker")
        ][:1]
        opening_source: dict[str, Any] | None = None
        opening = fill(occasion.framing, values)
        if quotes:
            opening = f"{_quote(quotes[0])}{opening}"
            opening_source = quotes[0].source()
        closings = [
            r
            for r in self._pick("closing", dims[0], 3, blocked, set())
            if _hits(r.text, steer.keywords)
        ]
        closing = closings[0].text if closings else fill(occasion.closing, values)
        notes = []
        if steer.theme is None:
            notes.append(f"主题“{steer.text}”不在主题表中，按其字词选用的维度：{'、'.join(dims)}")
        return Draft(
            title=title,
            theme=steer.text,
            occasion=occasion.name,
            seed=self.seed,
            opening=opening,
            parts=parts,
            closing=closing,
            bank_version=self.index.version,
            detail=self.request.detail,
            dimensions=list(dims),
            theme_known=steer.theme is not None,
            pattern=plan.display,
            notes=notes,
            title_source=title_source,
            opening_source=opening_source,
            closing_source=closings[0].source()
            if closings
            else {"kind": "theme", "file": "themes.yaml"},
            speaker=_text_or_none(self.request.speaker),
            organisation=_text_or_none(self.request.organisation),
        )

    # ── the interactive session's moves ──────────────────────────────────────────────────
    def alternatives(self, draft: Draft, index: int, count: int = 5) -> list[DraftPart]:
        """Other parts for position ``index``: new headings in the same skeleton, new material."""
        if self.plan is None:
            return []
        others = [h for i, h in enumerate(self.headings) if i != index and h is not None]
        part = draft.parts[index]
        blocked = self.request.avoid | used_material(draft.parts[:index] + draft.parts[index + 1 :])
        ranked = self.plan.candidates(
            part.dimension, others, blocked | used_material([part]), self.rng
        )
        out = []
        for _, heading in ranked[:count]:
            new = self._part(
                part.number, part.dimension, heading, heading.text, blocked | used_material([part])
            )
            out.append((heading, new))
        self._alternatives = out
        return [p for _, p in out]

    def choose(self, draft: Draft, index: int, alternative: int) -> Draft:
        heading, part = self._alternatives[alternative]
        self.headings[index] = heading
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


def used_material(parts: list[DraftPart]) -> Avoid:
    """The ids and texts the given parts use, so nothing else in the draft repeats them."""
    ids: set[str] = set()
    texts: set[str] = set()
    for part in parts:
        texts |= {fold_normalized(part.heading), fold_normalized(part.lead)}
        for source in (part.source, part.lead_source or {}):
            if source.get("id"):
                ids.add(source["id"])
        for point in part.points:
            texts.add(fold_normalized(point.lead))
            if point.source.get("id"):
                ids.add(point.source["id"])
    return Avoid(frozenset(ids), frozenset(texts))


def compose(index: BankIndex, request: DraftRequest) -> Draft:
    """A draft for ``request`` from an indexed bank."""
    return Composer(index, request).compose()


def draft_outline(bank_dir: Path, request: DraftRequest) -> Draft:
    """A draft from the bank in ``bank_dir`` (the index is cached between calls)."""
    return compose(load_index(bank_dir), request)
