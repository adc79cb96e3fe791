"""The draft page in a real browser (system Chromium through Playwright): generate a draft,
lock part 1 and re-roll part 2, edit a heading, download a .docx. Screenshots go to the
``screenshots`` folder (CI keeps it as an artefact; ``draft.png`` is the README's picture).

Skipped where there is no Chromium, unless ``DRAFTER_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

THEME = "激励干部担当作为"


@pytest.fixture(scope="module", autouse=True)
def warm_bank() -> None:
    """The bank's index and theme suggestions, made before the browser waits for the first
    page: on a busy machine they take longer than a page load may."""
    from drafter.bank.layers import bank_layers
    from drafter.drafting.index import load_index
    from drafter.web.suggest import suggestions

    suggestions(load_index(*bank_layers(Path("/nonexistent"), None).banks))


def generate(tab: Any, theme: str = THEME, **fields: str) -> None:
    tab.goto("/")
    tab.fill("input[name=theme]", theme)
    tab.fill("input[name=seed]", "5")
    for name, value in fields.items():
        tab.fill(f"input[name={name}]", value)
    tab.click("#request button[type=submit]")
    tab.wait_for_selector("#paper")


def heading(tab: Any, n: int) -> str:
    text: str = tab.inner_text(f"#part-{n} h2.h1").strip()
    return text


def part_text(tab: Any, n: int) -> str:
    texts: list[str] = tab.locator(f"#part-{n} .line").all_inner_texts()
    return "\n".join(texts)


def test_generate_a_draft(tab: Any, screenshots: Path) -> None:
    generate(tab, organisation="市委组织部", speaker="张三")
    assert tab.inner_text("#paper h1.title") == f"在{THEME}专题研讨会上的发言"
    assert tab.locator("#paper section.part").count() == 3
    assert heading(tab, 1).startswith("一、") and heading(tab, 3).startswith("三、")
    assert "市委组织部　张三" in tab.inner_text("#paper .byline")
    # A line's source: in its tooltip, and under it after a click.
    first_point = tab.locator("#part-1 .point").first
    assert first_point.get_attribute("title").startswith("出处：")
    assert not tab.locator("#part-1 .point .src").first.is_visible()
    first_point.click()
    assert tab.locator("#part-1 .point .src").first.is_visible()
    first_point.click()
    tab.mouse.move(5, 890)  # no part under the pointer: its tools stay quiet in the picture
    tab.screenshot(path=str(screenshots / "draft.png"))
    tab.check("#show-sources")
    assert tab.locator("#paper h1 .src").is_visible()
    tab.screenshot(path=str(screenshots / "draft-sources.png"), full_page=True)


def test_lock_part_one_and_reroll_part_two(tab: Any, screenshots: Path) -> None:
    generate(tab)
    one, two, three = part_text(tab, 1), part_text(tab, 2), heading(tab, 3)
    tab.click("#part-1 button.lock")
    tab.wait_for_selector("#part-1 .badge.lock")
    assert tab.locator("#part-1 button.reroll").is_disabled()
    tab.click("#part-2 button.reroll")
    tab.wait_for_selector("#part-2 .messages")
    assert part_text(tab, 1) == one
    assert part_text(tab, 2) != two
    assert heading(tab, 3) == three
    tab.screenshot(path=str(screenshots / "draft-locked-rerolled.png"))
    # "Re-roll the rest" leaves the locked part too.
    tab.click("button.reroll-rest")
    tab.wait_for_selector(".messages")
    assert part_text(tab, 1) == one


def test_choose_an_alternative(tab: Any) -> None:
    generate(tab)
    before = heading(tab, 2)
    tab.click("#part-2 a.alternatives")
    tab.wait_for_selector(".alternatives-page")
    offered = tab.inner_text(".options > li:first-child h2").strip()
    tab.click(".options > li:first-child button")
    tab.wait_for_selector("#paper")
    assert heading(tab, 2) == offered != before


def test_edit_a_heading(tab: Any, screenshots: Path) -> None:
    generate(tab)
    siblings = heading(tab, 2)
    # The edit form opens pre-filled with the part's text.
    tab.click("#part-2 .edit-toggle")
    field = tab.locator("#edit-2 input[name=heading]")
    assert field.input_value() == siblings.removeprefix("二、")
    # An edit that keeps the skeleton: no warning.
    field.fill(siblings.removeprefix("二、"))
    tab.locator("#edit-2 input[name=point]").first.fill("我改写的第一条要点")
    tab.click("#edit-2 button[type=submit]")
    tab.wait_for_selector("#part-2 .messages .done")
    assert "我改写的第一条要点" in part_text(tab, 2)
    assert tab.locator(".messages .warning").count() == 0
    # One that breaks the 对仗 of its siblings is shown, with the warning beside it.
    tab.click("#part-1 .edit-toggle")
    tab.fill("#edit-1 input[name=heading]", "<b>我的标题</b>{{ 7*7 }}")
    tab.click("#edit-1 button[type=submit]")
    tab.wait_for_selector("#part-1 .messages .warning")
    assert heading(tab, 1) == "一、<b>我的标题</b>{{ 7*7 }}"
    assert "不再对仗" in tab.inner_text("#part-1 .messages")
    tab.screenshot(path=str(screenshots / "draft-edited.png"))


def test_download_a_docx_and_open_it(tab: Any, tmp_path: Path) -> None:
    import docx

    generate(tab)
    title = tab.inner_text("#paper h1.title")
    with tab.expect_download() as info:
        tab.click("a[href='/download/docx']")
    download = info.value
    assert download.suggested_filename == f"{title}.docx"
    target = tmp_path / "draft.docx"
    download.save_as(str(target))
    document = docx.Document(str(target))
    assert document.paragraphs[0].text == title
    body = "\n".join(p.text for p in document.paragraphs)
    assert heading(tab, 1) in body


def test_the_form_is_shown_again_with_a_message(tab: Any, screenshots: Path) -> None:
    tab.goto("/")
    tab.fill("input[name=theme]", "<script>alert(1)</script>")
    dialogs: list[str] = []

    def record(dialog: Any) -> None:  # an alert() that ran would open a dialog
        dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", record)
    tab.click("#request button[type=submit]")
    tab.wait_for_selector(".form-error")
    assert "素材库里没有与主题“<script>alert(1)</script>”相关的材料" in tab.inner_text(
        ".form-error"
    )
    assert tab.input_value("input[name=theme]") == "<script>alert(1)</script>"
    assert dialogs == []
    tab.screenshot(path=str(screenshots / "draft-refused.png"))
