"""The page environment escapes everything, and building it leaves the draft templates alone."""

from __future__ import annotations

from drafter.drafting.composer import compose
from drafter.drafting.index import load_index
from drafter.drafting.model import DraftRequest
from drafter.output.templates import render_file
from drafter.web.pages import html_environment
from drafter.workspace import bundled


def test_page_templates_escape_and_text_templates_do_not_change() -> None:
    draft = compose(load_index(bundled("phrasebank")), DraftRequest(theme="乡村振兴", seed=3))
    before = {fmt: render_file(draft, fmt) for fmt in ("md", "txt")}
    env = html_environment()
    assert env.autoescape is True
    shown = env.from_string("<p>{{ text }}</p>").render(text="<script>alert(1)</script>{{ 7*7 }}")
    assert shown == "<p>&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}</p>"
    # The draft's text templates escape nothing: a theme with markup stays as written there.
    after = {fmt: render_file(draft, fmt) for fmt in ("md", "txt")}
    assert after == before
    odd = compose(load_index(bundled("phrasebank")), DraftRequest(theme="乡村振兴<b>&", seed=3))
    assert "乡村振兴<b>&" in render_file(odd, "md").decode("utf-8")
