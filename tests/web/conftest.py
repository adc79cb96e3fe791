"""Fixtures of the web page's tests: an application on a temporary workspace, its test client,
a live server, and a real browser (Chromium, driven by Playwright)."""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from drafter.web.app import create_app
from drafter.web.config import ServeConfig
from tests.conftest import free_port

BASE = "http://127.0.0.1:8765"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token a page carries in its forms."""
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF field"
    return found.group(1)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """An empty workspace: drafts come from the bundled bank, edits go to its phrasebank/."""
    root = tmp_path / "workspace"
    root.mkdir()
    return root


@pytest.fixture
def config(workspace: Path) -> ServeConfig:
    return ServeConfig(root=workspace)


class Page:
    """A test client that has opened the page once, so it holds a session and its token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = csrf_of(client.get("/").text)

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.client.post(url, data={"csrf": self.csrf, **(data or {})}, **kwargs)

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, **kwargs)


@pytest.fixture
def client(config: ServeConfig) -> Iterator[TestClient]:
    with TestClient(create_app(config), base_url=BASE) as test_client:
        yield test_client


@pytest.fixture
def page(client: TestClient) -> Page:
    return Page(client)


@pytest.fixture
def live_server(config: ServeConfig) -> Iterator[str]:
    """The application served by uvicorn on a free local port, in a thread; yields its URL."""
    import uvicorn

    live = replace(config, port=free_port())
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(live), host=live.host, port=live.port, log_level="warning", lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the live server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{live.port}"
    server.should_exit = True
    thread.join(10)


def chromium_path() -> str | None:
    """The system's Chromium (Playwright's own browser download is not reachable here)."""
    given = os.environ.get("DRAFTER_CHROMIUM")
    if given:
        return given
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


# The flags keep Chromium from reaching out to Google's services (refused here, many at a time).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless system Chromium. Skipped where there is none, unless
    ``DRAFTER_REQUIRE_BROWSER=1`` (CI sets it), where a missing browser is a failure."""
    executable = chromium_path()
    required = os.environ.get("DRAFTER_REQUIRE_BROWSER") == "1"
    if executable is None:
        if required:
            pytest.fail("DRAFTER_REQUIRE_BROWSER=1 but no Chromium was found")
        pytest.skip("no system Chromium (install the chromium package to run browser tests)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            raise
        pytest.skip("playwright is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where browser tests keep their screenshots: ``DRAFTER_SCREENSHOTS`` (CI keeps them as
    artefacts), else the test session's temporary folder."""
    folder = Path(
        os.environ.get("DRAFTER_SCREENSHOTS") or tmp_path_factory.getbasetemp() / "screenshots"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def tab(browser: Any, live_server: str) -> Iterator[Any]:
    """A fresh browser page (own cookies) on the live server, with downloads accepted."""
    context = browser.new_context(
        base_url=live_server,
        accept_downloads=True,
        locale="zh-CN",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()
