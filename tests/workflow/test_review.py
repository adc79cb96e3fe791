"""The moves shared by ``drafter new`` and the draft page, as data (``workflow.review``)."""

from __future__ import annotations

import pytest

from drafter.drafting.composer import Composer
from drafter.drafting.index import load_index
from drafter.drafting.model import DraftRequest
from drafter.workflow.review import Review, StaleOffer
from tests.workflow.sessionkit import BANK, THEME


@pytest.fixture
def review() -> Review:
    composer = Composer(load_index(BANK), DraftRequest(THEME, 3, seed=5))
    return Review(composer, composer.compose())


def test_reroll_the_rest_leaves_locked_and_kept_parts(review: Review) -> None:
    before = list(review.draft.parts)
    review.lock(0)
    review.keep(1)
    done = review.reroll_rest()
    assert done.tried == (2,)
    assert review.draft.parts[:2] == before[:2]
    review.lock(2)
    assert review.reroll_rest().tried == ()


def test_a_reroll_says_which_parts_came_back_or_stayed(
    review: Review, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = review.draft
    review.reroll([1])
    monkeypatch.setattr(Composer, "reroll", lambda self, draft, indexes: first)
    done = review.reroll([1])
    assert done.repeated == (1,) and done.unchanged == ()
    done = review.reroll([1])
    assert done.unchanged == (1,)


def test_alternatives_differ_from_the_heading_and_expire_with_a_move(review: Review) -> None:
    offer = review.alternatives(1)
    current = review.draft.parts[1].heading
    assert offer.options and all(alt.heading != current for _, alt in offer.options)
    chosen = review.choose(1, 0)
    assert chosen.parts[1].heading == offer.options[0][1].heading
    with pytest.raises(StaleOffer):
        review.choose(1, 0)
    review.alternatives(2)
    with pytest.raises(StaleOffer):
        review.choose(1, 0)  # offered for another part


def test_an_edit_returns_the_broken_parallel(review: Review) -> None:
    part = review.draft.parts[0]
    leads = [""] * len(part.points)
    done = review.edit(0, "我的标题", "", leads)
    assert done.broken is not None and done.draft.parts[0].heading == "我的标题"
    assert done.draft.parts[0].lead == part.lead
    assert review.edit(1, "", "", leads).broken is None  # nothing changed
