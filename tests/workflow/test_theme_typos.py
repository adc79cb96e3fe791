"""A brief theme one character away from a curated theme is named (是不是…？), not refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafter.cli.app import app


def test_a_theme_one_character_off_is_a_warning_with_a_guess(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = "- id: a\n  theme: 激励干部担当做为\n- id: b\n  theme: 激励干部担当作为\n"
    (tmp_path / "briefs.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", "briefs.yaml", "--check"])
    assert result.exit_code == 0, result.output  # still accepted, as a free theme
    warning = (
        "briefs.yaml:2:10: 简报“a”：主题“激励干部担当做为”不在主题表里，"
        "是不是“激励干部担当作为”？（仍按自由主题起草）"
    )
    assert warning in result.output
    assert result.output.count("是不是") == 1  # the curated theme itself is not questioned
    assert "可用 2" in result.output
