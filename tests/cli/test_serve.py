"""`drafter serve` on the command line: a port in use, the address it prints, and a real server
that answers and stops on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from drafter.cli.app import app
from tests.conftest import free_port

ENV: dict[str, str | None] = {
    "COLUMNS": "240",
    "NO_COLOR": "1",
    "FORCE_COLOR": None,
    "TTY_COMPATIBLE": None,
}


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env=ENV)
    # Anything but a clean exit through typer.Exit/SystemExit is a crash.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result


@pytest.fixture
def occupied() -> Iterator[int]:
    """A local port something else is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]


def test_a_port_in_use_is_a_chinese_message_naming_it(tmp_path: Path, occupied: int) -> None:
    result = run("--root", str(tmp_path), "serve", "--port", str(occupied))
    assert result.exit_code == 2
    assert f"端口 {occupied} 已被占用" in result.output
    assert "--port" in result.output
    assert "Traceback" not in result.output


def test_another_host_prints_an_address_with_a_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Everything up to uvicorn's loop runs for real: the socket is bound on every address, the
    # address is printed; the loop itself returns at once.
    import uvicorn

    ran: list[Any] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: ran.append(sockets))
    port = free_port()
    result = run("--root", str(tmp_path), "serve", "--host", "0.0.0.0", "--port", str(port))
    assert result.exit_code == 0, result.output
    assert ran, "the server was not started"
    assert f"http://0.0.0.0:{port}/?token=" in result.output
    token = result.output.split("?token=", 1)[1].split()[0]
    assert len(token) >= 16
    assert "令牌" in result.output


def test_a_local_host_prints_an_address_without_a_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: None)
    port = free_port()
    result = run("--root", str(tmp_path), "serve", "--port", str(port))
    assert result.exit_code == 0, result.output
    assert f"http://127.0.0.1:{port}/" in result.output
    assert "token=" not in result.output


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        status: int = response.status
        return status, response.read().decode("utf-8")


@pytest.mark.slow
def test_it_serves_until_ctrl_c(tmp_path: Path) -> None:
    # The real command in its own process, as a writer starts it; every wait is bounded.
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "drafter", "--root", str(tmp_path), "serve", "--port", str(port)],
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        page = None
        deadline = time.monotonic() + 60
        while page is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                page = _get(f"http://127.0.0.1:{port}/")
            except OSError:
                time.sleep(0.1)
        assert page is not None, proc.communicate(timeout=10)
        status, html = page
        assert status == 200
        assert "起草助手" in html
        assert _get(f"http://127.0.0.1:{port}/static/app.css")[0] == 200
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=10)
    assert proc.returncode in (0, 130), err
    assert f"http://127.0.0.1:{port}/" in out + err
    assert "Traceback" not in err
