"""Fixtures the drafter new tests share."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafter.drafting.index import BankIndex, load_index
from tests.workflow.sessionkit import BANK


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def index() -> BankIndex:
    return load_index(BANK)


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean working folder (no phrasebank/, so the bundled bank is used)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
