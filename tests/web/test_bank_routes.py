"""The bank page over HTTP: search with highlights, an entry with its sources and siblings,
add / edit / disable / enable in the workspace's own bank, and the bad input each refuses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from drafter.web.bankviews import highlight
from drafter.workspace import bundled
from tests.web.conftest import Page

XSS = "<script>alert(1)</script>{{ 7*7 }}"


def _first_id(html: str) -> str:
    found = re.search(r'href="/bank/entry/([^"]+)"', html)
    assert found, "no entry linked"
    return found.group(1)


def _bundled_stamp() -> list[tuple[str, int]]:
    return sorted((p.name, p.stat().st_mtime_ns) for p in bundled("phrasebank").iterdir())


def test_highlight_escapes_first_then_marks() -> None:
    assert str(highlight("<b>担当作为</b>", "担当")) == "&lt;b&gt;<mark>担当</mark>作为&lt;/b&gt;"
    # Folded like the search: traditional script and half-width punctuation still match.
    assert str(highlight("擔當，作為", "担当,作为")) == "<mark>擔當，作為</mark>"
    assert str(highlight("无关", "担当")) == "无关"


def test_search_marks_the_match(page: Page) -> None:
    response = page.get("/bank", params={"q": "担当作为"})
    assert response.status_code == 200
    assert "<mark>担当作为</mark>" in response.text
    assert "含“担当作为”的素材共" in response.text


def test_search_filters_by_kind(page: Page) -> None:
    response = page.get("/bank", params={"q": "担当", "kind": "heading"})
    assert response.status_code == 200
    kinds = re.findall(r'<td class="nowrap">([^<]+)</td>', response.text)
    assert kinds and set(kinds) == {"分部标题"}


def test_search_refuses_bad_queries(page: Page) -> None:
    empty = page.get("/bank", params={"q": "，，"})
    assert empty.status_code == 400
    assert "不能为空" in empty.text
    kind = page.get("/bank", params={"q": "担当", "kind": "../../etc"})
    assert kind.status_code == 400
    assert "未知的种类" in kind.text


def test_entry_page_shows_sources_and_siblings(page: Page) -> None:
    # The first heading of the bundled bank: one of a set of four, from a seed speech.
    response = page.get("/bank/entry/h-d5e4b0a40b")
    assert response.status_code == 200
    assert "000_16ff8d5d1e840d54.txt" in response.text
    assert "激励干部担当作为座谈发言" in response.text
    assert "锤炼过硬本领" in response.text  # a sibling
    assert "同组条目" in response.text
    assert 'class="current"' in response.text
    assert "drafter bank edit" in response.text  # the YAML box


@pytest.mark.parametrize("entry_id", ["h-0000000000", "h-doesnotexist"])
def test_an_unknown_entry_is_not_found(page: Page, entry_id: str) -> None:
    response = page.get(f"/bank/entry/{entry_id}")
    assert response.status_code == 404
    assert "没有编号为" in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    "entry_id", ["..%2F..%2Fetc%2Fpasswd", "h-..", "x-123", "h-a%00b", "h-a.b"]
)
def test_an_id_with_path_characters_is_refused(page: Page, entry_id: str) -> None:
    response = page.get(f"/bank/entry/{entry_id}")
    assert response.status_code == 404
    assert "Traceback" not in response.text


def test_add_creates_the_own_bank_and_is_searchable(page: Page, workspace: Path) -> None:
    before = _bundled_stamp()
    response = page.post(
        "/bank/add",
        {"kind": "heading", "texts": "织密数字乡村服务网络\n筑牢数字乡村安全底线"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/bank/entry/h-")
    shown = page.get(response.headers["location"])
    assert "已添加 2 条素材" in shown.text
    assert (workspace / "phrasebank" / "headings.yaml").is_file()
    found = page.get("/bank", params={"q": "数字乡村服务"})
    assert "<mark>数字乡村服务</mark>网络" in found.text
    assert _bundled_stamp() == before  # the bundled bank is never written


def test_added_and_disabled_entries_reach_drafting(page: Page, client) -> None:  # type: ignore[no-untyped-def]
    page.post(
        "/bank/add",
        {"kind": "heading", "texts": "扎实推进山区县域共同富裕"},
        follow_redirects=False,
    )
    context = client.app.state.context
    index = context.index()
    entry_id = index.heading_ids.get("扎实推进山区县域共同富裕")
    assert entry_id
    response = page.post(f"/bank/entry/{entry_id}/disable", follow_redirects=False)
    assert response.status_code == 303
    assert "已停用" in page.get(f"/bank/entry/{entry_id}").text
    assert entry_id not in context.index().heading_at
    assert "共 0 条" in page.get("/bank", params={"q": "山区县域共同富裕"}).text
    also = page.get("/bank", params={"q": "山区县域共同富裕", "disabled": "1"})
    assert "已停用" in also.text
    assert page.post(f"/bank/entry/{entry_id}/enable", follow_redirects=False).status_code == 303
    # Enabled again: searchable again (the index was shown to follow the files above).
    assert (
        "<mark>山区县域共同富裕</mark>" in page.get("/bank", params={"q": "山区县域共同富裕"}).text
    )


def test_add_refuses_a_duplicate_and_keeps_the_form(page: Page) -> None:
    page.post(
        "/bank/add", {"kind": "phrase", "texts": "久久为功、善作善成"}, follow_redirects=False
    )
    again = page.post(
        "/bank/add",
        {"kind": "phrase", "texts": "久久为功，善作善成", "dimensions": ""},
        follow_redirects=False,
    )
    assert again.status_code == 400
    assert "素材库里已有这条" in again.text
    assert "久久为功，善作善成</textarea>" in again.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "heading_pattern", "texts": "某某"}, "不能直接添加"),
        ({"kind": "nonsense", "texts": "某某"}, "未知的种类"),
        ({"kind": "heading", "texts": "  。"}, "不能为空"),
        (
            {"kind": "heading", "texts": "坚持人民至上", "dimensions": "不存在的维度"},
            "维度词表里没有",
        ),
    ],
)
def test_add_refuses_what_the_cli_refuses(page: Page, data: dict[str, str], message: str) -> None:
    response = page.post("/bank/add", data)
    assert response.status_code == 400
    assert message in response.text


def test_hostile_text_is_shown_literally(page: Page) -> None:
    response = page.post(
        "/bank/add", {"kind": "phrase", "texts": f"攻坚克难{XSS}"}, follow_redirects=False
    )
    assert response.status_code == 303
    entry = page.get(response.headers["location"]).text
    search = page.get("/bank", params={"q": "攻坚克难<script>"}).text
    for html in (entry, search):
        assert "<script>alert(1)</script>" not in html
        assert "alert(1)&lt;/script&gt;{{ 7*7 }}" in html
        assert ">49<" not in html
    assert "<mark>攻坚克难&lt;script&gt;</mark>" in search


def test_edit_saves_through_the_bank_rules(page: Page) -> None:
    added = page.post(
        "/bank/add", {"kind": "phrase", "texts": "踏石留印、抓铁有痕"}, follow_redirects=False
    )
    entry_id = added.headers["location"].rsplit("/", 1)[1]
    html = page.get(f"/bank/entry/{entry_id}").text
    stamp = re.search(r'name="stamp" value="([^"]+)"', html)
    yaml = re.search(r'<textarea id="yaml"[^>]*>(.*?)</textarea>', html, re.S)
    assert stamp and yaml
    original = yaml.group(1).replace("&#34;", '"').replace("&#39;", "'")
    # CRLF as browsers send a text box; an unknown dimension breaks the rules.
    broken = original.replace("dimensions:", "dimensions: [不存在的维度]\nx_dims:").replace(
        "\n", "\r\n"
    )
    refused = page.post(
        f"/bank/entry/{entry_id}/edit",
        {"yaml": broken, "stamp": stamp.group(1)},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert "第 " in refused.text and "行" in refused.text
    assert "不存在的维度" in refused.text  # the text is kept to fix
    edited = original.replace("踏石留印、抓铁有痕", "踏石留印，抓铁有痕，久久为功").replace(
        "\n", "\r\n"
    )
    saved = page.post(
        f"/bank/entry/{entry_id}/edit",
        {"yaml": edited, "stamp": stamp.group(1)},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    shown = page.get(saved.headers["location"]).text
    assert "已保存修改" in shown
    assert "踏石留印，抓铁有痕，久久为功</h1>" in shown  # the kept bank is read again
    assert "\r" not in shown
    same = page.post(
        f"/bank/entry/{entry_id}/edit",
        {"yaml": edited, "stamp": stamp.group(1)},
        follow_redirects=False,
    )
    assert same.status_code == 409
    assert "已被别处修改" in same.text


def test_unchanged_edit_writes_nothing(page: Page) -> None:
    added = page.post(
        "/bank/add", {"kind": "phrase", "texts": "一张蓝图绘到底"}, follow_redirects=False
    )
    entry_id = added.headers["location"].rsplit("/", 1)[1]
    html = page.get(f"/bank/entry/{entry_id}").text
    stamp = re.search(r'name="stamp" value="([^"]+)"', html)
    yaml = re.search(r'<textarea id="yaml"[^>]*>(.*?)</textarea>', html, re.S)
    assert stamp and yaml
    response = page.post(
        f"/bank/entry/{entry_id}/edit",
        {"yaml": yaml.group(1), "stamp": stamp.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert "内容未改动" in page.get(f"/bank/entry/{entry_id}").text


def test_toggle_and_edit_of_unknown_ids(page: Page) -> None:
    assert page.post("/bank/entry/h-0000000000/disable", follow_redirects=False).status_code == 400
    assert page.post("/bank/entry/..%2Fx/disable", follow_redirects=False).status_code == 404
    assert (
        page.post(
            "/bank/entry/h-a.b/edit", {"yaml": "x", "stamp": "y"}, follow_redirects=False
        ).status_code
        == 404
    )


def test_post_routes_with_ids_check_the_csrf_field(page: Page) -> None:
    for path in ("/bank/entry/h-0000000000/disable", "/bank/entry/h-0000000000/edit"):
        response = page.client.post(path, data={"yaml": "x"})
        assert response.status_code == 403, path
