"""The draft page over HTTP: every route, and each kind of bad input, through the ASGI client.

The draft on screen is read back through ``/download/json`` (the JSON of ``drafter draft -f
json``), so the assertions are about the draft itself rather than the markup around it.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from drafter.bank.layers import bank_layers
from drafter.drafting.composer import Composer, compose
from drafter.drafting.index import load_index
from drafter.drafting.model import Draft, DraftRequest, avoid_from_dict
from drafter.web.app import create_app
from drafter.web.config import ServeConfig
from drafter.web.downloads import content_disposition
from drafter.web.history import HISTORY_DIR
from tests.web.conftest import BASE, Page

THEME = "激励干部担当作为"
_VERSION = re.compile(r'name="version" value="([^"]+)"')


def make(page: Page, theme: str = THEME, **fields: str) -> Any:
    """POST /draft with a fixed seed; the response (a 303 when the draft was made)."""
    return page.post("/draft", {"theme": theme, "seed": "5", **fields}, follow_redirects=False)


def drafted(page: Page, theme: str = THEME, **fields: str) -> str:
    response = make(page, theme, **fields)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/"
    html: str = page.get("/").text
    return html


def on_screen(page: Page) -> dict[str, Any]:
    response = page.get("/download/json")
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def version(page: Page) -> str:
    found = _VERSION.search(page.get("/").text)
    assert found
    return found.group(1)


def headings(page: Page) -> list[str]:
    return [p["heading"] for p in on_screen(page)["parts"]]


def move(page: Page, path: str, **fields: Any) -> Any:
    return page.post(path, {"version": version(page), **fields}, follow_redirects=False)


# ── the form and the draft ───────────────────────────────────────────────────────────────────


def test_home_offers_the_bank_themes_with_their_coverage(page: Page) -> None:
    html = page.get("/").text
    assert '<datalist id="theme-list">' in html
    assert f'<option value="{THEME}" label="主题表 · 3部分：切题' in html
    assert "素材库覆盖较好" in html  # topics mined from the bank's own headings
    assert "生成提纲" in html and 'name="theme"' in html


def test_a_draft_is_made_with_the_library_and_shown_on_paper(
    page: Page, workspace: Path, config: ServeConfig
) -> None:
    html = drafted(page, parts="4", points="2", occasion="座谈发言", speaker="张三")
    data = on_screen(page)
    # The same draft the library (and so ``drafter draft``) makes: no second drafting logic.
    index = load_index(*bank_layers(workspace, None).banks)
    request = DraftRequest(THEME, 4, 2, "座谈发言", seed=5, speaker="张三")
    assert data == compose(index, request).to_dict()
    assert '<h1 class="title line"' in html and data["title"] in html
    assert "四、" in html and "（二）" in html and "张三" in html
    assert 'class="paper"' in html and 'href="/download/docx"' in html
    saved = list((workspace / HISTORY_DIR).glob("*.json"))
    assert len(saved) == 1 and json.loads(saved[0].read_text("utf-8")) == data


def test_keywords_split_at_blanks_and_chinese_commas(page: Page) -> None:
    drafted(page, keywords="基层，一线、 实干")
    assert on_screen(page)["coverage"]["keywords"][:3] == ["基层", "一线", "实干"]


def test_every_line_carries_its_source(page: Page) -> None:
    html = drafted(page)
    data = on_screen(page)
    point = data["parts"][0]["points"][0]["source"]
    assert 'title="出处：' in html and '<span class="src">出处：' in html
    assert point["file"] in html
    assert html.count('<span class="src">') >= 2 + sum(2 + len(p["points"]) for p in data["parts"])


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"theme": ""}, 400, "主题不能为空"),
        ({"theme": "   "}, 400, "主题不能为空"),
        ({"parts": "9"}, 400, "部分数只能是 3 或 4，而不是 9"),
        ({"parts": "abc"}, 400, "部分数要填一个整数"),
        ({"parts": "9" * 40}, 400, "部分数要填一个整数"),
        ({"points": "7"}, 400, "每部分要点数应在 2–5 之间"),
        ({"detail": "everything"}, 400, "详略只能是 outline 或 full"),
        ({"detail": "full", "length": "10"}, 400, "篇幅应在 500–20000 字之间"),
        ({"detail": "full", "length": "很长"}, 400, "篇幅要填一个整数"),
        ({"seed": "-1"}, 400, "随机种子要填一个整数"),
        ({"occasion": "茶话会"}, 400, "未知的场合“茶话会”"),
        ({"theme": "乡" * 300}, 400, "主题太长"),
        ({"keywords": " ".join(f"词{i}" for i in range(30))}, 400, "关键词最多 20 个"),
        ({"theme": "量子通信"}, 422, "素材库里与主题“量子通信”相关的材料太少"),
        ({"avoid": "../../etc/passwd"}, 400, "编号无效"),
        ({"avoid": "20240101-120000-abcdef"}, 400, "已不存在"),
    ],
)
def test_a_bad_field_shows_the_form_again_with_a_chinese_message(
    page: Page, fields: dict[str, str], status: int, message: str
) -> None:
    response = make(page, **{"theme": THEME, **fields})
    assert response.status_code == status, response.text
    assert message in response.text
    assert 'role="alert"' in response.text and 'action="/draft"' in response.text
    assert "Traceback" not in response.text


def test_the_refused_form_keeps_what_was_typed(page: Page) -> None:
    response = make(page, parts="9", speaker="李四", keywords="基层 一线")
    assert 'name="speaker" value="李四"' in response.text
    assert 'value="基层 一线"' in response.text


@pytest.mark.parametrize("theme", ["<script>alert(1)</script>", "{{ 7*7 }}"])
def test_template_code_and_markup_in_a_refused_theme_show_literally(page: Page, theme: str) -> None:
    response = make(page, theme)
    assert response.status_code == 422
    assert "<script>alert(1)" not in response.text
    assert "“49”" not in response.text and 'value="49"' not in response.text
    shown = theme.replace("<", "&lt;").replace(">", "&gt;")
    assert f"“{shown}”" in response.text  # in the message
    assert f'value="{shown}"' in response.text  # and back in the field


@pytest.mark.parametrize("theme", ["乡村振兴<script>alert(1)</script>", "乡村振兴{{ 7*7 }}"])
def test_template_code_in_a_drafted_theme_shows_literally(page: Page, theme: str) -> None:
    html = drafted(page, theme)
    title = on_screen(page)["title"]
    assert theme in title
    assert "<script>alert(1)" not in html
    escaped = title.replace("<", "&lt;").replace(">", "&gt;")
    assert escaped in html
    for fmt in ("md", "txt"):
        assert theme in page.get(f"/download/{fmt}").text


def test_thin_material_and_a_likely_typo_are_said_plainly(page: Page) -> None:
    html = drafted(page, "年轻干部培养")
    assert "素材库里与主题“年轻干部培养”相关的材料不多" in html
    html = drafted(page, "激励干部担当做为")
    assert "是不是“激励干部担当作为”？" in html
    assert "材料不多" not in html  # the notes of a draft are shown once, with that draft


# ── the moves on each part ───────────────────────────────────────────────────────────────────


def test_lock_part_one_and_reroll_part_two(page: Page) -> None:
    drafted(page)
    before = on_screen(page)["parts"]
    assert move(page, "/part/1/lock").status_code == 303
    assert 'class="badge lock">已锁定' in page.get("/").text
    assert move(page, "/part/2/reroll").status_code == 303
    after = on_screen(page)["parts"]
    assert after[0] == before[0]
    assert after[1]["heading"] != before[1]["heading"]
    assert after[2] == before[2]
    assert "已重抽第二部分" in page.get("/").text
    refused = move(page, "/part/1/reroll")
    assert refused.status_code == 409 and "已锁定" in refused.text
    assert move(page, "/part/1/unlock").status_code == 303
    assert "已锁定" not in page.get("/").text


def test_reroll_the_rest_leaves_locked_and_kept_parts(page: Page) -> None:
    drafted(page)
    before = on_screen(page)["parts"]
    move(page, "/part/1/lock")
    move(page, "/part/2/keep")
    assert 'class="badge keep">已保留' in page.get("/").text
    assert move(page, "/reroll-rest").status_code == 303
    after = on_screen(page)["parts"]
    assert after[:2] == before[:2] and after[2] != before[2]
    move(page, "/part/3/lock")
    move(page, "/reroll-rest")
    assert "没有可以重抽的部分" in page.get("/").text
    move(page, "/part/2/unkeep")
    assert "已保留" not in page.get("/").text


def test_a_part_with_nothing_new_says_so(page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    drafted(page)
    monkeypatch.setattr(Composer, "reroll", lambda self, draft, indexes: draft)
    move(page, "/part/2/reroll")
    assert "第二部分没有新的可换了" in page.get("/").text


def test_alternatives_are_listed_and_one_is_chosen(page: Page) -> None:
    drafted(page)
    listed = page.get("/part/2/alternatives")
    assert listed.status_code == 200
    offered = re.findall(r"<h2 title=\"出处：[^\"]*\">二、([^<]+)</h2>", listed.text)
    assert offered and headings(page)[1] not in offered
    version = _VERSION.search(listed.text)
    assert version
    chosen = page.post(
        "/part/2/choose", {"alternative": "1", "version": version.group(1)}, follow_redirects=False
    )
    assert chosen.status_code == 303
    assert headings(page)[1] == offered[0]
    # The offer is spent: a second choice from it is refused.
    again = page.post("/part/2/choose", {"alternative": "1"}, follow_redirects=False)
    assert again.status_code == 409 and "过期" in again.text


def test_bad_choices_are_refused(page: Page) -> None:
    drafted(page)
    assert page.post("/part/2/choose", {"alternative": "1"}).status_code == 409  # none offered
    page.get("/part/2/alternatives")
    for bad in ("99", "abc", "", "0"):
        response = page.post("/part/2/choose", {"alternative": bad})
        assert response.status_code == 400, bad
        assert "备选" in response.text
    move(page, "/part/3/lock")
    assert page.get("/part/3/alternatives").status_code == 409


def test_no_alternative_left_is_said(page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    drafted(page)
    monkeypatch.setattr(Composer, "alternatives", lambda self, draft, index, count=5: [])
    response = page.get("/part/1/alternatives")
    assert response.status_code == 200
    assert "没有别的备选了" in response.text


def test_an_edit_is_shown_and_a_broken_parallel_is_warned(page: Page) -> None:
    drafted(page)
    part = on_screen(page)["parts"][0]
    html = page.get("/").text
    # The edit form comes pre-filled with the part's text.
    assert f'name="heading" value="{part["heading"]}"' in html
    assert f">{part['lead']}</textarea>" in html
    points = [p["lead"] for p in part["points"]]
    edited = move(
        page, "/part/1/edit", heading="我的标题", lead="我的引言。", point=["我的要点", *points[1:]]
    )
    assert edited.status_code == 303
    data = on_screen(page)["parts"][0]
    assert (data["heading"], data["lead"], data["points"][0]["lead"]) == (
        "我的标题",
        "我的引言。",
        "我的要点",
    )
    assert data["source"] == {"kind": "user"}
    html = page.get("/").text
    assert "一、我的标题" in html and "不再对仗" in html


def test_an_edit_that_keeps_the_parallel_gives_no_warning(page: Page) -> None:
    drafted(page)
    part = on_screen(page)["parts"][1]
    points = [p["lead"] for p in part["points"]]
    move(page, "/part/2/edit", heading=part["heading"], lead="", point=["新的要点", *points[1:]])
    html = page.get("/").text
    assert "已修改第二部分" in html and "不再对仗" not in html
    assert on_screen(page)["parts"][1]["lead"] == part["lead"]  # empty keeps


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "{{ 7*7 }}"])
def test_template_code_in_an_edited_heading_shows_literally(page: Page, text: str) -> None:
    drafted(page)
    points = [p["lead"] for p in on_screen(page)["parts"][0]["points"]]
    move(page, "/part/1/edit", heading=text, lead="", point=points)
    html = page.get("/").text
    assert on_screen(page)["parts"][0]["heading"] == text
    assert "<script>alert(1)" not in html
    assert "一、" + text.replace("<", "&lt;").replace(">", "&gt;") in html
    assert text in page.get("/download/md").text


def test_an_edit_with_the_wrong_number_of_points_is_refused(page: Page) -> None:
    drafted(page)
    response = move(page, "/part/1/edit", heading="标题", lead="", point=["只有一条"])
    assert response.status_code == 400 and "要点的条数" in response.text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/part/0/reroll"),
        ("post", "/part/9/reroll"),
        ("post", "/part/4/lock"),  # three parts
        ("post", "/part/abc/keep"),
        ("post", "/part/1.5/edit"),
        ("post", "/part/99999999999999999999/unlock"),
        ("post", "/part/1/explode"),
        ("post", "/part/9/choose"),
        ("get", "/part/0/alternatives"),
        ("get", "/part/%E4%B8%80/alternatives"),
    ],
)
def test_bad_part_numbers_and_moves_get_a_chinese_404(page: Page, method: str, path: str) -> None:
    drafted(page)
    response = getattr(page, method)(path)
    assert response.status_code == 404, response.text
    assert "没有" in response.text and "Traceback" not in response.text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/part/1/reroll"),
        ("post", "/part/1/edit"),
        ("post", "/part/1/lock"),
        ("post", "/part/1/choose"),
        ("post", "/reroll-rest"),
        ("get", "/part/1/alternatives"),
        ("get", "/download/docx"),
    ],
)
def test_without_a_draft_each_route_says_so(page: Page, method: str, path: str) -> None:
    response = getattr(page, method)(path)
    assert response.status_code == 409
    assert "还没有草稿" in response.text


def test_a_move_from_an_outdated_page_is_refused(page: Page) -> None:
    drafted(page)
    old = version(page)
    move(page, "/part/2/reroll")
    response = page.post("/part/3/reroll", {"version": old})
    assert response.status_code == 409 and "已经变了" in response.text


def test_moves_need_the_csrf_field(page: Page) -> None:
    drafted(page)
    for path in ("/part/1/reroll", "/part/1/choose", "/reroll-rest"):
        assert page.client.post(path, data={}).status_code == 403


# ── downloads and history ────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("fmt", "media"),
    [
        ("md", "text/markdown"),
        ("txt", "text/plain"),
        ("json", "application/json"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_downloads_in_each_format(page: Page, fmt: str, media: str) -> None:
    drafted(page)
    title = on_screen(page)["title"]
    response = page.get(f"/download/{fmt}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="') and f'.{fmt}"' in disposition
    assert "filename*=UTF-8''%E5%9C%A8" in disposition  # "在…": the title, percent-encoded
    if fmt == "docx":
        import docx

        document = docx.Document(io.BytesIO(response.content))
        assert document.paragraphs[0].text == title
    else:
        assert title in response.text


def test_downloads_with_sources(page: Page) -> None:
    drafted(page)
    assert "来源" in page.get("/download/md?sources=1").text
    assert "来源" not in page.get("/download/md").text


@pytest.mark.parametrize(
    "fmt", ["pdf", "doc", "DOCX", "..%2F..%2Fetc%2Fpasswd", "md%00", "%2e%2e", "j2"]
)
def test_a_bad_download_format_is_refused(page: Page, fmt: str) -> None:
    drafted(page)
    response = page.get(f"/download/{fmt}")
    assert response.status_code == 404
    assert "不能下载为" in response.text or "没有这个页面" in response.text


def test_the_download_name_is_made_safe() -> None:
    header = content_disposition('../a"b\n.docx')
    assert header.startswith('attachment; filename="')
    assert "\n" not in header and '"b' not in header
    from drafter.web.downloads import render_download

    draft = _small_draft(title='../../etc/passwd"\r\n发言')
    _, _, disposition = render_download(draft, "md", Path.cwd())
    assert "/" not in disposition.split("filename*=")[1].replace("%2F", "")
    assert "\r" not in disposition and "\n" not in disposition


def _small_draft(title: str) -> Draft:
    index = load_index(*bank_layers(Path("/nonexistent"), None).banks)
    return replace(compose(index, DraftRequest(THEME, seed=1)), title=title)


def test_history_lists_drafts_and_feeds_avoid(page: Page, workspace: Path) -> None:
    drafted(page)
    first = on_screen(page)
    ids = re.findall(r'name="avoid" value="([^"]+)"', page.get("/").text)
    assert len(ids) == 1
    assert "避开这份草稿用过的素材" in page.get("/").text
    drafted(page, avoid=ids[0], seed="5")
    second = on_screen(page)
    earlier = avoid_from_dict(first, workspace)
    used = avoid_from_dict(second, workspace)
    assert not (earlier.texts & used.texts)  # nothing of the first draft again
    assert len(list((workspace / HISTORY_DIR).glob("*.json"))) == 2


def test_history_keeps_the_latest_version_of_each_draft(page: Page, workspace: Path) -> None:
    drafted(page)
    move(page, "/part/2/reroll")
    (saved,) = (workspace / HISTORY_DIR).glob("*.json")
    assert json.loads(saved.read_text("utf-8")) == on_screen(page)


def test_history_is_capped(workspace: Path) -> None:
    config = ServeConfig(root=workspace, history_limit=2)
    with TestClient(create_app(config), base_url=BASE) as client:
        page = Page(client)
        for seed in ("1", "2", "3"):
            drafted(page, seed=seed)
        assert len(list((workspace / HISTORY_DIR).glob("*.json"))) == 2
        assert len(re.findall(r'name="avoid"', page.get("/").text)) == 2


def test_an_unwritable_history_still_shows_the_draft(page: Page, workspace: Path) -> None:
    (workspace / ".drafter").write_text("not a folder")
    html = drafted(page)
    assert "没能存入历史记录" in html and 'class="paper"' in html
