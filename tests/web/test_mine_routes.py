"""Uploading documents and mining them into the workspace's own bank: the job, its progress,
the per-file summary, and every kind of bad upload."""

from __future__ import annotations

import gc
import tempfile
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from drafter.mining.record import RECORD_FILE
from drafter.web.app import create_app
from drafter.web.config import ServeConfig
from drafter.web.minejobs import JOBS_KEPT, MineJob, MineJobs
from drafter.web.security import WebError
from drafter.web.uploads import Scratch, upload_name
from tests.web.conftest import BASE, Page

SPEECH = """在全市数字乡村建设推进会上的讲话

同志们：今天召开这次会议，主要任务是部署数字乡村建设工作。

一、提高站位，深刻认识数字乡村建设的重大意义
（一）数字乡村是乡村振兴的战略方向。要把数字技术融入农业生产全过程。
（二）数字乡村是缩小城乡差距的有效途径。要推动公共服务向农村延伸。
二、突出重点，扎实推进数字乡村建设各项任务
（一）加快农村信息基础设施建设。实现行政村光纤网络全覆盖。
（二）大力发展智慧农业。推广物联网技术在种植养殖中的应用。
三、强化保障，确保数字乡村建设取得实效
（一）加强组织领导。各级党委政府要把数字乡村建设摆上重要议程。
（二）加大资金投入。统筹各类涉农资金支持数字乡村建设。

同志们，让我们携手努力，开创数字乡村建设新局面！
"""


@pytest.fixture(autouse=True)
def own_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The jobs' temporary folders go here, so a test can see that none is left behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def upload(page: Page, files: list[tuple[str, bytes]]) -> Any:
    parts = [("files", (name, data, "application/octet-stream")) for name, data in files]
    return page.client.post(
        "/bank/mine", data={"csrf": page.csrf}, files=parts, follow_redirects=False
    )


def wait(page: Page, location: str, seconds: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state: dict[str, Any] = page.get(f"{location}.json").json()
        if state["finished"]:
            return state
        time.sleep(0.2)
    pytest.fail("the mining job did not finish")


def test_a_speech_and_a_corrupt_docx_are_mined_file_by_file(
    page: Page, workspace: Path, own_temp: Path
) -> None:
    response = upload(
        page, [("数字乡村讲话.txt", SPEECH.encode()), ("坏文件.docx", b"PK\x03\x04 not a zip")]
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert wait(page, location)["state"] == "done"
    summary = page.get(location).text
    assert "挖掘完成" in summary
    assert "数字乡村讲话.txt" in summary and "新加入" in summary
    assert "提高站位，深刻认识数字乡村建设的重大意义" in summary  # its headings, linked
    assert "坏文件.docx" in summary and "失败" in summary
    assert str(own_temp) not in summary  # no server path in the reason
    assert "Traceback" not in summary
    found = page.get("/bank", params={"q": "扎实推进数字乡村"}).text
    assert "<mark>扎实推进数字乡村</mark>建设各项任务" in found
    assert "上传/数字乡村讲话.txt" in found  # the source names the uploaded file
    assert (workspace / "phrasebank" / RECORD_FILE).is_file()  # mined --into, as the CLI does
    assert list(own_temp.iterdir()) == []  # the uploads are removed after the job
    listing = page.get("/bank/mine").text
    assert "数字乡村讲话.txt" in listing and "已完成" in listing


def test_progress_page_refreshes_itself_without_js(page: Page) -> None:
    response = upload(page, [("讲话.md", SPEECH.encode())])
    location = response.headers["location"]
    first = page.get(location).text
    if "正在挖掘" in first:  # caught while running: a refresh for browsers without JS
        assert 'http-equiv="refresh"' in first
        assert f'data-poll="{location}.json"' in first
    wait(page, location)
    done = page.get(location).text
    assert 'http-equiv="refresh"' not in done


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../../etc/passwd", "含有路径"),
        ("a/b.txt", "含有路径"),
        ("..\\..\\x.txt", "含有路径"),
        ("讲话.exe", "不支持的文件类型"),
        ("讲话.doc", "不支持的文件类型"),
        ("讲话", "不支持的文件类型"),
    ],
)
def test_bad_names_are_refused_and_nothing_is_written(
    page: Page, workspace: Path, own_temp: Path, name: str, message: str
) -> None:
    response = upload(page, [("好.txt", SPEECH.encode()), (name, b"x")])
    assert response.status_code == 400
    assert message in response.text
    assert not (workspace / "phrasebank").exists()
    assert list(own_temp.iterdir()) == []


def test_an_upload_with_no_file_is_refused(page: Page) -> None:
    response = page.client.post(
        "/bank/mine",
        data={"csrf": page.csrf},
        files=[("files", ("", b"", "application/octet-stream"))],
    )
    assert response.status_code == 400
    assert "请选择要上传的文件" in response.text


def test_an_upload_over_the_limit_is_refused(workspace: Path) -> None:
    config = ServeConfig(root=workspace, max_upload_bytes=64 * 1024)
    with TestClient(create_app(config), base_url=BASE) as client:
        page = Page(client)
        response = upload(page, [("大.txt", SPEECH.encode() * 200)])
        assert response.status_code == 413
        assert "太大" in response.text
    assert not (workspace / "phrasebank").exists()


def test_upload_needs_the_csrf_field(page: Page) -> None:
    response = page.client.post("/bank/mine", files=[("files", ("a.txt", b"x", "text/plain"))])
    assert response.status_code == 403


def test_a_job_of_another_session_is_not_found(config: ServeConfig, page: Page) -> None:
    location = upload(page, [("讲话.txt", SPEECH.encode())]).headers["location"]
    with TestClient(page.client.app, base_url=BASE) as other:
        Page(other)
        assert other.get(location).status_code == 404
        assert other.get(f"{location}.json").status_code == 404
    wait(page, location)
    for bad in ("/bank/mine/nope", "/bank/mine/..%2F..%2Fetc.json", "/bank/mine/AAAAAAAAAAAAAAAA"):
        response = page.get(bad)
        assert response.status_code == 404, bad
        assert "没有这个挖掘任务" in response.text or "没有这个页面" in response.text


def test_upload_names_are_cleaned() -> None:
    assert upload_name("  报告 2024.TXT ", (".txt",)) == "报告 2024.txt"
    assert upload_name(".hidden.md", (".md",)) == "hidden.md"
    assert upload_name("a\u202egpj.txt", (".txt",)) == "agpj.txt"  # no direction controls
    assert upload_name("a:b*c?.txt", (".txt",)) == "a_b_c_.txt"
    with pytest.raises(WebError):
        upload_name("..", (".txt",))


def test_jobs_per_session_are_capped_and_their_folders_removed(
    config: ServeConfig, monkeypatch: pytest.MonkeyPatch, own_temp: Path
) -> None:
    def finish(self: MineJobs, job: MineJob) -> None:
        job.state = "done"

    monkeypatch.setattr(MineJobs, "_run", finish)
    manager = MineJobs(create_app(config).state.context)
    jobs: OrderedDict[str, MineJob] = OrderedDict()
    started = [
        manager.start(jobs, ["a.txt"], Scratch("drafter-mine-")) for _ in range(JOBS_KEPT + 3)
    ]
    time.sleep(0.1)
    assert len(jobs) == JOBS_KEPT
    assert list(jobs) == [j.id for j in started[-len(jobs) :]]
    assert len(list(own_temp.iterdir())) == len(jobs)  # the forgotten jobs' folders are gone
    jobs.clear()  # what a session that expires does to them
    del started
    gc.collect()
    assert list(own_temp.iterdir()) == []  # and the rest once nothing refers to them
