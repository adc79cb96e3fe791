from __future__ import annotations

import copy
import functools
import gc
import shutil
import socket
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.models import ParameterInfo

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    """Without pytest-xdist (``-p no:xdist``, or an install without the test extra), the
    ``--numprocesses`` and ``--dist`` of the default options (pyproject.toml) are accepted and
    ignored: the suite runs in this one process."""
    if pluginmanager.has_plugin("xdist"):
        return
    group = parser.getgroup("xdist", "pytest-xdist is not loaded: these are ignored")
    group.addoption("--numprocesses", default=None, help="ignored: no pytest-xdist")
    group.addoption("--dist", default="no", help="ignored: no pytest-xdist")


def free_port() -> int:
    """A local TCP port nothing listens on (for a server a test starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return ROOT / "seeds"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


def all_strings(value: Any) -> Iterator[str]:
    """Every string inside a value: mapping keys and values, list items, recursively."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from all_strings(key)
            yield from all_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from all_strings(item)


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bank indexes are cached per test session in a temporary folder, never in the home."""
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


_SPEECH_BANK: dict[str, Path] = {}
_FACTORY: list[pytest.TempPathFactory] = []


@pytest.fixture(scope="session", autouse=True)
def _remember_tmp_path_factory(tmp_path_factory: pytest.TempPathFactory) -> None:
    _FACTORY[:] = [tmp_path_factory]


def speech_bank() -> Path:
    """A phrase bank mined from the five speeches at the top of seeds/ (what the bundled bank
    was before the government work reports came in), built once per test process.

    Tests of bank editing, import and export use it: they need real mined entries of every
    kind, not the bundled bank's size (4 MB, which made each copy-and-edit test take seconds).
    Read it, never write it: copy it with ``copy_bank`` first.
    """
    if "bank" not in _SPEECH_BANK:
        from drafter.mining.miner import mine

        base = _FACTORY[0].mktemp("speech-bank")
        seeds = base / "seeds"
        seeds.mkdir()
        for path in sorted((ROOT / "seeds").glob("*.txt")):
            shutil.copyfile(path, seeds / path.name)
        out = base / "phrasebank"
        mine(seeds, out)
        (out / ".drafter-bank.lock").unlink()  # a bank as committed: its files only
        _SPEECH_BANK["bank"] = out
        _SPEECH_BANK["seeds"] = seeds
    return _SPEECH_BANK["bank"]


def speech_seeds() -> Path:
    """The folder ``speech_bank`` is mined from: the five speeches of seeds/, nothing else.
    Read it, never write it."""
    speech_bank()
    return _SPEECH_BANK["seeds"]


def copy_bank(tmp_path: Path, name: str = "bank") -> Path:
    """A private copy of the speech bank (``speech_bank``), to change."""
    target = tmp_path / name
    shutil.copytree(speech_bank(), target)
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder (lock and temporary files aside), to tell whether it changed."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith(".")
    }


def _fresh_copies(
    get_params: Callable[[Callable[..., Any]], dict[str, Any]],
) -> Callable[[Callable[..., Any]], dict[str, Any]]:
    """``get_params``, computed once per function; each call gets fresh copies of the parameters
    and their typer options, as typer makes them itself."""
    remembered = functools.cache(get_params)

    def fresh(meta: Any) -> Any:
        meta = copy.copy(meta)
        if isinstance(meta.default, ParameterInfo):
            meta.default = copy.copy(meta.default)
        return meta

    def get_params_from_function(func: Callable[..., Any]) -> dict[str, Any]:
        return {name: fresh(meta) for name, meta in remembered(func).items()}

    return get_params_from_function


@pytest.fixture(scope="session", autouse=True)
def _typer_reads_each_signature_once() -> Iterator[None]:
    """Typer's ``CliRunner`` builds the whole click command tree anew for every ``invoke``, and
    most of that build (about 37 ms of 40; some 630 invokes make it a quarter of the suite's CPU
    time) is reading the signatures and evaluating the string annotations of the same two dozen
    command functions. They never change, so each is read once per session. The tree itself is
    still built afresh for each invoke (the group installs its converters then, see
    ``cli/convert.py``), and a ``drafter`` child process builds its own without this."""
    original = getattr(typer.main, "get_params_from_function", None)
    if original is None:  # another typer: no harm, only slower
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.main, "get_params_from_function", _fresh_copies(original))
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_collection(session: pytest.Session) -> Generator[None, Any, None]:
    """Python's full garbage collections walk every live object. Collecting the tests makes
    many that live until the session ends (the modules, hypothesis, a thousand test items) and
    hardly any garbage, so the collector waits until the tests are collected, and then sets them
    aside (``gc.freeze``) so that each later walk covers only what the tests make. Garbage
    collection took 9 s of the two workers' CPU (1.2 s of it while collecting), now 3.5 s."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()
        gc.freeze()
