"""The moves on one composed draft: re-roll, alternatives, choose, edit, lock, keep.

Shared by ``drafter new`` (``workflow.session``, in a terminal) and the draft page of
``drafter serve``: each move returns the new draft and what the writer must be told as data
(which parts had nothing new, which came back, whether an edit broke the 对仗), and each front
end words that for its own medium. Nothing here asks, prints or writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from drafter.drafting.composer import Composer
from drafter.drafting.model import Draft, DraftPart
from drafter.text.normalize import fold_normalized, polish
from drafter.text.skeletons import skeleton
from drafter.text.usertext import clean_text

Signature = tuple[str, str, tuple[str, ...]]


def signature(part: DraftPart) -> Signature:
    """What the writer sees of a part: heading, lead and point leads."""
    return (part.heading, part.lead, tuple(p.lead for p in part.points))


def broken_parallel(before: list[str], after: list[str]) -> str | None:
    """The skeleton that sibling headings ``before`` share and ``after`` (one of them edited)
    no longer does, shown for the writer; None when the edit keeps it (or there was none).

    ``after`` breaks it when it has no skeleton, keeps less fixed text, or has uneven lengths
    where every sibling had the same number of characters (如四字对四字).
    """
    old = skeleton(before)
    if old is None:
        return None
    shown = f"“{old.display()}”"
    new = skeleton(after)
    if new is None or len(new.slots) != len(old.slots) or len(new.fixed_text) < len(old.fixed_text):
        return shown
    for was, now in zip(old.slots, new.slots, strict=True):
        if was.min_len == was.max_len and now.min_len != now.max_len:
            return f"{shown}，各标题相应处的字数相同"
    return None


@dataclass(frozen=True)
class Rerolled:
    """A re-roll's outcome: the parts tried, those the bank had nothing new for (unchanged),
    and those that came back to a version shown before."""

    draft: Draft
    tried: tuple[int, ...]
    unchanged: tuple[int, ...] = ()
    repeated: tuple[int, ...] = ()


@dataclass(frozen=True)
class Edited:
    draft: Draft
    broken: str | None  # the skeleton the siblings shared, when the new heading breaks it


@dataclass(frozen=True)
class Offer:
    """Alternatives offered for one part: ``(composer's number, part)`` pairs, only those whose
    heading differs from the current one and from each other. Valid until the next move."""

    index: int
    options: tuple[tuple[int, DraftPart], ...]
    moves: int  # the review's move count when offered


class StaleOffer(Exception):
    """A choice from alternatives that are no longer on offer (another move came between)."""


@dataclass
class Review:
    """One draft under review: the composer that made it, the draft now, the locked and kept
    parts, and every version of each part shown so far (so a re-roll that returns to one can
    say so)."""

    composer: Composer
    draft: Draft
    locked: set[int] = field(default_factory=set)
    kept: set[int] = field(default_factory=set)  # accepted: "re-roll the rest" leaves them
    seen: dict[int, set[Signature]] = field(default_factory=dict)
    moves: int = 0
    offer: Offer | None = None

    def __post_init__(self) -> None:
        self.first = self.draft
        for i, part in enumerate(self.draft.parts):
            self.seen.setdefault(i, set()).add(signature(part))

    @property
    def count(self) -> int:
        return len(self.draft.parts)

    def _moved(self, draft: Draft) -> Draft:
        self.draft = draft
        self.moves += 1
        self.offer = None
        return draft

    def reroll(self, indexes: list[int]) -> Rerolled:
        """``Composer.reroll`` for ``indexes`` (locked parts included: the caller decides)."""
        old = self.draft
        new = self.composer.reroll(old, indexes)
        unchanged = [i for i in indexes if signature(new.parts[i]) == signature(old.parts[i])]
        repeated = [
            i
            for i in indexes
            if i not in unchanged and signature(new.parts[i]) in self.seen.setdefault(i, set())
        ]
        for i in indexes:
            self.seen[i].add(signature(new.parts[i]))
            if i not in unchanged:
                self.kept.discard(i)
        self._moved(new)
        return Rerolled(new, tuple(indexes), tuple(unchanged), tuple(repeated))

    def free(self) -> list[int]:
        """The parts "re-roll the rest" changes: neither locked nor kept."""
        return [i for i in range(self.count) if i not in self.locked and i not in self.kept]

    def reroll_rest(self) -> Rerolled:
        """Every part neither locked nor kept; nothing tried when there is none."""
        free = self.free()
        if not free:
            return Rerolled(self.draft, ())
        return self.reroll(free)

    def alternatives(self, i: int) -> Offer:
        """The alternatives whose heading differs from the current one (and from each other):
        the composer may propose the heading on screen again with other points."""
        shown = {fold_normalized(self.draft.parts[i].heading)}
        offered: list[tuple[int, DraftPart]] = []
        for n, alt in enumerate(self.composer.alternatives(self.draft, i)):
            key = fold_normalized(alt.heading)
            if key not in shown:
                shown.add(key)
                offered.append((n, alt))
        self.offer = Offer(i, tuple(offered), self.moves)
        return self.offer

    def choose(self, i: int, pick: int) -> Draft:
        """The ``pick``-th (0-based) alternative of the current offer for part ``i``."""
        offer = self.offer
        if offer is None or offer.index != i or offer.moves != self.moves:
            raise StaleOffer
        if not 0 <= pick < len(offer.options):
            raise IndexError(pick)
        draft = self.composer.choose(self.draft, i, offer.options[pick][0])
        self.seen.setdefault(i, set()).add(signature(draft.parts[i]))
        self.kept.discard(i)
        return self._moved(draft)

    def edit(self, i: int, heading: str, lead: str, leads: list[str]) -> Edited:
        """The writer's heading, lead and point leads for part ``i`` (an empty one keeps the
        text there); says when the new heading no longer matches its siblings' skeleton."""
        before = self.draft
        part = before.parts[i]
        heading = heading.strip() or part.heading
        leads = [new.strip() or point.lead for new, point in zip(leads, part.points, strict=True)]
        draft = self.composer.edit(before, i, heading, leads)
        lead = polish(clean_text(lead.strip() or part.lead))
        if lead != part.lead:  # the composer edits headings and points; the lead is the writer's
            parts = list(draft.parts)
            parts[i] = replace(parts[i], lead=lead, lead_source={"kind": "user"})
            draft = replace(draft, parts=parts)
        broken = None
        if draft.parts[i].heading != part.heading:
            broken = broken_parallel(
                [p.heading for p in before.parts], [p.heading for p in draft.parts]
            )
        self._moved(draft)
        return Edited(draft, broken)

    def lock(self, i: int) -> None:
        self.locked.add(i)

    def unlock(self, i: int) -> None:
        self.locked.discard(i)

    def keep(self, i: int) -> None:
        self.kept.add(i)

    def unkeep(self, i: int) -> None:
        self.kept.discard(i)
