"""The bank and batch pages in a real browser (system Chromium): search and add, an upload
that is mined with its progress followed by pages.js, and a batch downloaded as a zip.
Screenshots are kept in the ``screenshots`` folder."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from tests.web.test_batch_routes import BRIEFS
from tests.web.test_mine_routes import SPEECH


def test_search_and_add(tab: Any, screenshots: Path) -> None:
    tab.goto("/bank")
    tab.fill("input[name=q]", "担当作为")
    tab.click("form.search button")
    tab.wait_for_selector("table.entries mark")
    assert tab.locator("table.entries mark").first.inner_text() == "担当作为"
    tab.screenshot(path=str(screenshots / "bank.png"), full_page=False)

    tab.select_option("select[name=kind]", "heading")  # the search form's kind stays as it was
    tab.locator("form.add select[name=kind]").select_option("heading")
    tab.fill("form.add textarea[name=texts]", "织密基层治理网格\n夯实基层治理根基")
    tab.click("form.add button")
    tab.wait_for_selector("p.notice")
    assert "已添加 2 条素材" in tab.inner_text("p.notice")
    assert "织密基层治理网格" in tab.inner_text("h1.entry-text")
    assert "夯实基层治理根基" in tab.inner_text("ol.siblings")  # typed together: one set
    tab.screenshot(path=str(screenshots / "bank-entry.png"), full_page=True)

    tab.goto("/bank?q=基层治理网格")
    assert tab.locator("table.entries mark").first.inner_text() == "基层治理网格"


def test_an_uploaded_speech_is_mined(tab: Any, screenshots: Path, tmp_path: Path) -> None:
    speech = tmp_path / "数字乡村推进会讲话.txt"
    speech.write_text(SPEECH, encoding="utf-8")
    tab.goto("/bank/mine")
    tab.set_input_files("input[type=file]", str(speech))
    tab.click("form.upload button")
    # pages.js polls the job and shows the page again once it is over.
    tab.wait_for_selector("text=挖掘完成", timeout=120_000)
    row = tab.locator("table.files tbody tr").first
    assert "数字乡村推进会讲话.txt" in row.inner_text()
    assert "新加入" in row.inner_text()
    assert "突出重点，扎实推进数字乡村建设各项任务" in row.inner_text()
    tab.screenshot(path=str(screenshots / "mine.png"), full_page=True)

    tab.click("text=强化保障，确保数字乡村建设取得实效")
    tab.wait_for_selector("h1.entry-text")
    assert "上传/数字乡村推进会讲话.txt" in tab.inner_text("dl.facts")
    tab.goto("/bank?q=确保数字乡村建设取得实效")
    assert tab.locator("table.entries mark").count() >= 1


def test_a_batch_is_drafted_and_downloaded(tab: Any, screenshots: Path, tmp_path: Path) -> None:
    briefs = tmp_path / "座谈会简报.yaml"
    briefs.write_text(BRIEFS + "  - id: 03-wang\n    theme: 乡村振兴\n    parts: 7\n", "utf-8")
    tab.goto("/batch")
    tab.set_input_files("input[type=file]", str(briefs))
    tab.check("input[name=formats][value=json]")
    tab.click("form.batch button")
    tab.wait_for_selector("a.download", timeout=120_000)
    assert "第 13 行" in tab.inner_text("ol.problems")
    tab.screenshot(path=str(screenshots / "batch.png"), full_page=True)
    with tab.expect_download() as info:
        tab.click("a.download")
    saved = tmp_path / "drafts.zip"
    info.value.save_as(saved)
    names = zipfile.ZipFile(saved).namelist()
    assert "manifest.json" in names and "01-zhang.md" in names and "02-li.json" in names
