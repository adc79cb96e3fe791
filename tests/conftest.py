from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


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


def copy_bank(tmp_path: Path, name: str = "bank") -> Path:
    """A private copy of the bundled phrase bank."""
    target = tmp_path / name
    shutil.copytree(ROOT / "phrasebank", target)
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder (lock and temporary files aside), to tell whether it changed."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith(".")
    }
