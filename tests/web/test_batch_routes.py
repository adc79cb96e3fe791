"""The batch page over HTTP: a brief file uploaded, problems at their lines, the drafts and the
manifest as one zip, results kept per session and capped."""

from __future__ import annotations

import gc
import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from drafter.web.app import create_app
from drafter.web.batchroutes import RESULTS_KEPT
from drafter.web.config import ServeConfig
from tests.web.conftest import BASE, Page

BRIEFS = """\
defaults:
  occasion: 研讨发言
briefs:
  - id: 01-zhang
    theme: 激励干部担当作为
    speaker: 张三
  - id: 02-li
    theme: 激励干部担当作为
    speaker: 李四
    parts: 4
"""


@pytest.fixture(autouse=True)
def own_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def send(page: Page, text: str, name: str = "briefs.yaml", **fields: Any) -> Any:
    return page.client.post(
        "/batch",
        data={"csrf": page.csrf, **fields},
        files=[("briefs", (name, text.encode(), "application/x-yaml"))],
        follow_redirects=False,
    )


def test_briefs_are_drafted_and_zipped_with_the_manifest(page: Page, own_temp: Path) -> None:
    response = send(page, BRIEFS, formats=["md", "json"])
    assert response.status_code == 303
    location = response.headers["location"]
    shown = page.get(location)
    assert shown.status_code == 200
    assert "01-zhang" in shown.text and "已生成" in shown.text
    assert str(own_temp) not in shown.text
    download = page.get(f"{location}.zip")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert "manifest.json" in names
    assert {"01-zhang.md", "01-zhang.json", "02-li.md", "02-li.json"} <= set(names)
    assert not any(n.rsplit("/", 1)[-1].startswith(".") for n in names)  # no journal or lock
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(download.content)).read("manifest.json"))
    assert manifest  # the record of how to remake each draft
    assert "briefs.yaml" in page.get("/batch").text  # listed among the recent results


def test_yaml_errors_are_shown_with_their_lines(page: Page) -> None:
    broken = "briefs:\n  - id: a\n\ttheme: 乡村振兴\n"
    response = send(page, broken)
    assert response.status_code == 303
    shown = page.get(response.headers["location"])
    assert shown.status_code == 422
    assert "briefs.yaml:3" in shown.text and "第 3 行" in shown.text
    assert "Tab" in shown.text
    assert ".zip" not in shown.text


def test_a_bad_brief_is_reported_at_its_line_and_the_rest_drafted(page: Page) -> None:
    text = BRIEFS + "  - id: 03-wang\n    theme: 乡村振兴\n    parts: 7\n"
    shown = page.get(send(page, text).headers["location"])
    assert shown.status_code == 200
    assert "briefs.yaml:13:12" in shown.text and "03-wang" in shown.text
    assert "简报有误" in shown.text and "已生成" in shown.text
    assert ".zip" in shown.text


def test_check_only_drafts_nothing(page: Page) -> None:
    location = send(page, BRIEFS, check="1").headers["location"]
    shown = page.get(location)
    assert "简报检查结果" in shown.text and "检查通过" in shown.text
    assert page.get(f"{location}.zip").status_code == 404


def test_a_brief_cannot_read_files_of_the_server(page: Page) -> None:
    text = "id: a\ntheme: 乡村振兴\navoid: [/etc/secret.json]\n"
    shown = page.get(send(page, text).headers["location"])
    assert shown.status_code == 422
    assert "不能用 avoid 引用本机上的草稿文件" in shown.text and "第 3 行" in shown.text


def test_hostile_brief_text_is_shown_literally(page: Page) -> None:
    text = 'id: "<script>alert(1)</script>{{ 7*7 }}"\ntheme: 乡村振兴\nparts: 9\n'
    shown = page.get(send(page, text).headers["location"]).text
    assert "<script>alert(1)</script>" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}" in shown


@pytest.mark.parametrize(
    ("name", "status", "message"),
    [
        ("briefs.txt", 400, "不支持的文件类型"),
        ("../../etc/briefs.yaml", 400, "含有路径"),
        ("a\\b.yaml", 400, "含有路径"),
    ],
)
def test_bad_brief_files_are_refused(page: Page, name: str, status: int, message: str) -> None:
    response = send(page, BRIEFS, name)
    assert response.status_code == status
    assert message in response.text


def test_unknown_formats_and_missing_files_are_refused(page: Page) -> None:
    assert send(page, BRIEFS, formats=["pdf"]).status_code == 400
    empty = page.client.post("/batch", data={"csrf": page.csrf})
    assert empty.status_code == 400 and "请选择简报文件" in empty.text


def test_an_oversized_brief_file_is_refused(workspace: Path) -> None:
    with TestClient(
        create_app(ServeConfig(root=workspace, max_upload_bytes=4096)), base_url=BASE
    ) as client:
        response = send(Page(client), BRIEFS + "#" * 8000)
        assert response.status_code == 413


def test_results_belong_to_their_session(page: Page) -> None:
    location = send(page, BRIEFS, check="1").headers["location"]
    with TestClient(page.client.app, base_url=BASE) as other:
        assert other.get(location).status_code == 404
        assert other.get(f"{location}.zip").status_code == 404
    for bad in ("/batch/nope", "/batch/..%2Fx.zip", "/batch/AAAAAAAAAAAAAAAA.zip"):
        assert page.get(bad).status_code == 404, bad


def test_results_are_capped_and_their_folders_removed(page: Page, own_temp: Path) -> None:
    first = send(page, BRIEFS).headers["location"]
    for _ in range(RESULTS_KEPT):
        send(page, BRIEFS, check="1")
    assert page.get(first).status_code == 404
    assert len(list(own_temp.iterdir())) == RESULTS_KEPT


def test_an_expired_session_takes_its_files_with_it(workspace: Path, own_temp: Path) -> None:
    config = ServeConfig(root=workspace, max_sessions=1)
    with TestClient(create_app(config), base_url=BASE) as client:
        send(Page(client), BRIEFS)
        assert len(list(own_temp.iterdir())) == 1
        client.cookies.clear()
        client.get("/")  # a new session: the only other one is dropped
        gc.collect()
        assert list(own_temp.iterdir()) == []


def test_the_example_brief_file_downloads(page: Page) -> None:
    response = page.get("/batch/example.yaml")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    assert "briefs:" in response.text
