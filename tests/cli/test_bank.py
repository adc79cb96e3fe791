"""The read-only `drafter bank` commands: list, search, show, stats, validate."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from drafter.bank.check import validate_bank
from drafter.bank.query import EntryFilter, entry_usage, list_entries, search_entries
from drafter.bank.store import load_bank
from drafter.cli.app import app
from drafter.errors import UsageError
from tests.conftest import speech_bank

ROOT = Path(__file__).resolve().parents[2]
# The bank CLI is tested on the speech bank (tests/conftest.py, ``speech_bank``): real mined
# entries of every kind, at a size that keeps each command fast; the bundled bank's own checks
# are in tests/bank/test_clean.py.


def bank(*args: str) -> Result:
    return CliRunner().invoke(app, ["bank", *args, "--bank", str(speech_bank())])


def copy_bank(tmp_path: Path) -> Path:
    target = tmp_path / "bank"
    shutil.copytree(speech_bank(), target)
    return target


def test_list_filters_by_kind_dimension_source_and_origin() -> None:
    loaded = load_bank(speech_bank())
    headings = list_entries(loaded, EntryFilter(kind="heading"))
    assert headings and all(e.kind == "heading" for e in headings)
    thought = list_entries(loaded, EntryFilter(kind="point", dimension="思想引领"))
    assert thought and all("思想引领" in e.dimensions for e in thought)
    from_000 = list_entries(loaded, EntryFilter(source="000_16ff8d5d"))
    assert from_000 and all(e.source and e.source.file.startswith("000_") for e in from_000)
    assert list_entries(loaded, EntryFilter(origin="user")) == []
    assert list_entries(loaded, EntryFilter(disabled=True)) == []
    with pytest.raises(UsageError, match="未知的种类"):
        list_entries(loaded, EntryFilter(kind="nope"))


def test_list_command_prints_a_table_and_caps_it() -> None:
    result = bank("list", "--kind", "heading", "--limit", "2")
    assert result.exit_code == 0, result.stderr
    assert "素材（24 条）" in result.stdout
    assert "h-d5e4b0a40b" in result.stdout and "另有 22 条" in result.stdout


def test_search_matches_across_scripts_and_punctuation() -> None:
    simplified = {e.id for e in search_entries(speech_bank(), "实训实战")}
    assert simplified and {e.id for e in search_entries(speech_bank(), "實訓實戰")} == simplified
    assert {e.id for e in search_entries(speech_bank(), "筑牢思想根基，激活")} == {"h-d5e4b0a40b"}
    assert {e.id for e in search_entries(speech_bank(), "筑牢思想根基,激活")} == {"h-d5e4b0a40b"}
    with pytest.raises(UsageError):
        search_entries(speech_bank(), " ，")
    result = bank("search", "實戰")
    assert result.exit_code == 0 and "h-fc6e2f1c05" in result.stdout


def test_show_gives_the_entry_its_sibling_set_and_skeletons() -> None:
    usage = entry_usage(load_bank(speech_bank()), "h-d5e4b0a40b")
    assert [e.id for e in usage.siblings] == ["h-d5e4b0a40b", "h-ebf33ea2fe", "h-c8ab644dca"]
    assert [e.id for e in usage.patterns] == ["hp-ff50f8268c"]
    pattern = entry_usage(load_bank(speech_bank()), "hp-ff50f8268c")
    assert "h-d5e4b0a40b" in {e.id for e in pattern.siblings}
    result = bank("show", "h-d5e4b0a40b")
    assert result.exit_code == 0
    assert "set: hs-baa92aa957" in result.stdout and "hp-ff50f8268c" in result.stdout


def test_show_of_a_point_names_its_heading_and_neighbours() -> None:
    loaded = load_bank(speech_bank())
    point = next(e for e in loaded.entries["point"] if e.extra.get("heading"))
    usage = entry_usage(loaded, point.id)
    assert usage.entry is point
    assert all(p.extra.get("heading") == point.extra["heading"] for p in usage.points)
    assert point not in usage.points


def test_show_of_an_unknown_id_suggests_near_ones() -> None:
    result = bank("show", "h-d5e4b0a40c")
    assert result.exit_code == 2
    assert "没有编号为“h-d5e4b0a40c”的条目，是不是：h-d5e4b0a40b" in result.stderr


def test_stats_counts_and_names_themes_lacking_four_parts() -> None:
    result = bank("stats")
    assert result.exit_code == 0, result.stderr
    for text in ("按种类", "按维度", "按来源文件", "思想引领", "000_16ff8d5d1e840d54.txt"):
        assert text in result.stdout
    assert "主题表里的每个主题都能写四部分提纲" in result.stdout


def test_validate_passes_the_bundled_bank() -> None:
    assert validate_bank(speech_bank()) == []
    result = bank("validate")
    assert result.exit_code == 0 and "没有发现问题" in result.stdout


def test_validate_reports_every_problem_with_file_line_and_column(tmp_path: Path) -> None:
    target = copy_bank(tmp_path)
    headings = target / "headings.yaml"
    text = headings.read_text(encoding="utf-8")
    text = text.replace("  - 思想引领\n", "  - 思想引令\n", 1)
    text = text.replace("origin: mined", "origin: mine", 1)
    text = text.replace("id: h-ebf33ea2fe", "id: h-d5e4b0a40b", 1)
    headings.write_text(text, encoding="utf-8")
    (target / "closings.yaml").write_text("kind: closing\nentries: [\n", encoding="utf-8")
    lines = text.splitlines()
    dim_line = next(i for i, line in enumerate(lines, 1) if line == "  - 思想引令")
    problems = [(p.path.name, p.line, p.column, p.message) for p in validate_bank(target)]
    assert (
        "headings.yaml",
        dim_line,
        3,
        "条目 h-d5e4b0a40b 用了词表（dimensions.yaml）里没有的维度：思想引令",
    ) in problems
    assert any(
        m == "条目 h-d5e4b0a40b 的 origin 应为 mined 或 user，而不是 'mine'" for *_, m in problems
    )
    assert any(m.startswith("id h-d5e4b0a40b 重复（另见 headings.yaml:") for *_, m in problems)
    assert any(
        name == "closings.yaml" and m.startswith("YAML 格式错误") for name, *_, m in problems
    )
    result = CliRunner().invoke(app, ["bank", "validate", "--bank", str(target)])
    assert result.exit_code == 1
    assert f"headings.yaml:{dim_line}:3: 条目 h-d5e4b0a40b 用了词表" in result.stderr
    assert f"共 {len(problems)} 个问题" in result.stderr
