"""Hostile bank files and import files (issue 12): each ends in a Chinese message naming the
file and line and a non-zero exit, never a traceback, and no user entry is ever dropped.

Every test reproduces one finding of the fuzz campaign through the command line.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from drafter.bank.share import export_text
from drafter.bank.store import Entry, Source, load_bank
from drafter.cli.app import app
from tests.conftest import ROOT, copy_bank, snapshot

BANK = ROOT / "phrasebank"
ENV: Mapping[str, str | None] = {"COLUMNS": "240", "NO_COLOR": "1", "FORCE_COLOR": None}
USER_OPENING = "同志们，今天我们召开这次座谈会，主要任务是交流经验、查找不足。"


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env=dict(ENV))
    # Anything but a clean exit through typer.Exit/SystemExit is a crash.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.stderr + result.stderr
    return result


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """Two speeches: enough for mining to write every kind, quick to parse."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    for path in sorted((ROOT / "seeds").iterdir())[:2]:
        shutil.copy(path, folder / path.name)
    return folder


def misspelt_openings(bank: Path) -> Path:
    path = bank / "openings.yaml"
    path.write_text(
        "kind: opening\n"
        "entires:\n"
        "- id: op-0123456789\n"
        "  kind: opening\n"
        f"  text: {USER_OPENING}\n"
        "  dimensions: []\n"
        "  origin: user\n",
        encoding="utf-8",
    )
    return path


def replace_pattern_key(bank: Path, key: str, value: str) -> int:
    """The first heading pattern (its entry starts on line 7) with ``key`` written as
    ``value``; the line of the key."""
    path = bank / "patterns.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith(f"  {key}:"))
    end = start + 1
    while end < len(lines) and lines[end].startswith(("  - ", "    ")):
        end += 1
    lines[start:end] = [f"  {key}: {value}\n"]
    path.write_text("".join(lines), encoding="utf-8")
    return start + 1


# ── 5. user entries lost silently ────────────────────────────────────────────────────────────


def test_validate_reports_a_misspelt_top_level_key_with_its_line(tmp_path: Path) -> None:
    bank = copy_bank(tmp_path)
    misspelt_openings(bank)
    result = run("bank", "validate", "--bank", str(bank))
    assert result.exit_code == 1
    assert "openings.yaml:2:1: 未知的键“entires”（是不是 entries？）" in result.stderr


def test_drafting_refuses_a_bank_file_with_an_unknown_key(tmp_path: Path) -> None:
    bank = copy_bank(tmp_path)
    misspelt_openings(bank)
    result = run("bank", "list", "--bank", str(bank))
    assert result.exit_code == 2
    assert "openings.yaml:2" in result.stderr and "是不是 entries？" in result.stderr


@pytest.mark.parametrize(
    "command", [("add", "-k", "opening", USER_OPENING + "又一条"), ("search", "座谈会")]
)
def test_bank_commands_refuse_a_file_with_an_unknown_key(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    """An add would start a second entries list beside the hidden one; search would miss it."""
    bank = copy_bank(tmp_path)
    misspelt_openings(bank)
    before = snapshot(bank)
    result = run("bank", *command, "--bank", str(bank))
    assert result.exit_code == 2
    assert "openings.yaml:2:1: 未知的键“entires”（是不是 entries？）" in result.stderr
    assert snapshot(bank) == before


@pytest.mark.parametrize(
    ("text", "line"), [("? [a]\n: 1\n", 1), ("entries:\n- {? [a] : 1, id: op-1}\n", 2)]
)
def test_a_list_as_a_key_is_an_error_not_a_crash(
    tmp_path: Path, seeds: Path, text: str, line: int
) -> None:
    bank = copy_bank(tmp_path)
    (bank / "openings.yaml").write_text(text, encoding="utf-8")
    before = snapshot(bank)
    for args in (("bank", "list", "--bank", str(bank)), ("mine", str(seeds), "-o", str(bank))):
        result = run(*args)
        assert result.exit_code == 2
        assert (
            f"openings.yaml:{line}:" in result.stderr
            and "映射的键必须是简单的文字" in result.stderr
        )
    assert snapshot(bank) == before


def test_mine_refuses_to_replace_a_file_with_an_unknown_key(tmp_path: Path, seeds: Path) -> None:
    bank = copy_bank(tmp_path)
    misspelt_openings(bank)
    before = snapshot(bank)
    result = run("mine", str(seeds), "--out", str(bank))
    assert result.exit_code == 2
    assert "openings.yaml:2" in result.stderr and "未知的键“entires”" in result.stderr
    assert snapshot(bank) == before  # nothing written, the user's opening still there


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("pieces", "5", "pieces 应为列表"),
        ("slots", "5", "slots 应为列表"),
        ("pieces", "[{slot: 1}, 5]", "pieces 的每一项应为文字或 {slot: 序号}"),
        ("slots", "[{slot: 1, fillers: 5}]", "fillers 应为带 text 的映射列表"),
    ],
)
def test_pattern_with_pieces_or_slots_of_the_wrong_shape(
    tmp_path: Path, seeds: Path, key: str, value: str, message: str
) -> None:
    bank = copy_bank(tmp_path)
    line = replace_pattern_key(bank, key, value)
    path = bank / "patterns.yaml"
    result = run("bank", "validate", "--bank", str(bank))
    assert result.exit_code == 1
    assert f"patterns.yaml:{line}:" in result.stderr and message in result.stderr
    drafting = run("draft", "--bank", str(bank), "--theme", "激励干部担当作为")
    assert drafting.exit_code == 2 and "patterns.yaml:7:" in drafting.stderr
    assert message in drafting.stderr
    before = path.read_bytes()
    mined = run("mine", str(seeds), "--out", str(bank))
    assert mined.exit_code == 2 and message in mined.stderr
    assert path.read_bytes() == before


def test_mine_refuses_an_invalid_user_entry_instead_of_dropping_it(
    tmp_path: Path, seeds: Path
) -> None:
    bank = copy_bank(tmp_path)
    path = bank / "openings.yaml"
    path.write_text(
        "kind: opening\nentries:\n- id: op-0123456789\n  text: {a: 1}\n  origin: user\n",
        encoding="utf-8",
    )
    before = snapshot(bank)
    result = run("mine", str(seeds), "--out", str(bank))
    assert result.exit_code == 2 and "openings.yaml:3" in result.stderr
    assert "缺少 text" in result.stderr
    assert snapshot(bank) == before


def test_mine_refuses_a_file_with_a_duplicated_entries_key(tmp_path: Path, seeds: Path) -> None:
    """The second ``entries:`` would hide the first, and mining would drop what it held."""
    bank = copy_bank(tmp_path)
    path = bank / "openings.yaml"
    path.write_text(
        "kind: opening\n"
        "entries:\n"
        f"- id: op-0123456789\n  text: {USER_OPENING}\n  origin: user\n"
        "entries: []\n",
        encoding="utf-8",
    )
    before = snapshot(bank)
    result = run("mine", str(seeds), "--out", str(bank))
    assert result.exit_code == 2
    assert "openings.yaml:6" in result.stderr and "键“entries”重复出现" in result.stderr
    assert snapshot(bank) == before
    checked = run("bank", "validate", "--bank", str(bank))
    assert checked.exit_code == 1 and "openings.yaml:6:1: 键“entries”重复出现" in checked.stderr


def test_remining_keeps_a_user_entry(tmp_path: Path, seeds: Path) -> None:
    """The refusals above leave the normal case alone: a good user entry survives mining."""
    bank = copy_bank(tmp_path)
    added = run("bank", "add", "--kind", "opening", USER_OPENING, "--bank", str(bank))
    assert added.exit_code == 0, added.stderr
    result = run("mine", str(seeds), "--out", str(bank))
    assert result.exit_code == 0, result.stderr
    assert USER_OPENING in (bank / "openings.yaml").read_text(encoding="utf-8")


# ── 6. tracebacks instead of a Chinese error ─────────────────────────────────────────────────


def test_mine_out_an_existing_file_is_a_usage_error(tmp_path: Path, seeds: Path) -> None:
    target = tmp_path / "bank.txt"
    target.write_text("我的笔记\n", encoding="utf-8")
    result = run("mine", str(seeds), "--out", str(target))
    assert result.exit_code == 2
    assert "bank.txt" in result.stderr and "不是目录" in result.stderr
    assert target.read_text(encoding="utf-8") == "我的笔记\n"


def import_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_of_a_kind_that_is_a_list(tmp_path: Path) -> None:
    bank = copy_bank(tmp_path)
    before = snapshot(bank)
    path = import_file(tmp_path, "in.yaml", "entries:\n- kind: [phrase]\n  text: 真抓实干\n")
    result = run("bank", "import", str(path), "--bank", str(bank))
    assert result.exit_code == 1
    assert "in.yaml:2:9: kind 应为以下之一" in result.stderr
    assert snapshot(bank) == before


def test_import_of_a_text_that_is_a_mapping(tmp_path: Path) -> None:
    bank = copy_bank(tmp_path)
    before = snapshot(bank)
    path = import_file(tmp_path, "in.yaml", "entries:\n- kind: phrase\n  text: {a: 1}\n")
    result = run("bank", "import", str(path), "--bank", str(bank))
    assert result.exit_code == 1
    assert "in.yaml:3:9: text 应为一段文字" in result.stderr
    assert snapshot(bank) == before


@pytest.mark.parametrize("part", ["²", "٣", "x", "-1"])
def test_import_csv_source_part_that_is_no_ascii_number(tmp_path: Path, part: str) -> None:
    bank = copy_bank(tmp_path)
    before = snapshot(bank)
    path = import_file(
        tmp_path,
        "in.csv",
        f"kind,text,source_file,source_part\nphrase,真抓实干见实效,a.txt,3\nphrase,久久为功,a.txt,{part}\n",
    )
    result = run("bank", "import", str(path), "--bank", str(bank))
    assert result.exit_code == 1
    assert "in.csv:3:1: " in result.stderr and "source_part 应为正整数" in result.stderr
    assert snapshot(bank) == before


def test_import_csv_field_over_the_csv_limit(tmp_path: Path) -> None:
    """csv's 128 KB cell limit is lifted to the file's size cap: a long cell is read in full."""
    bank = copy_bank(tmp_path)
    long = "久久为功" + "好" * 140_000
    path = import_file(tmp_path, "big.csv", f"kind,text\nphrase,真抓实干\nphrase,{long}\n")
    result = run("bank", "import", str(path), "--bank", str(bank))
    assert result.exit_code == 0, result.stderr
    assert long in {e.text for e in load_bank(bank).all()}
    assert csv.field_size_limit() == 131_072  # the process's limit is put back


def test_import_csv_malformed_names_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What csv itself cannot read (here a cell over a lowered limit) is an error at its line."""
    import drafter.bank.share

    monkeypatch.setattr(drafter.bank.share, "CSV_FIELD_LIMIT", 1000)
    bank = copy_bank(tmp_path)
    before = snapshot(bank)
    path = import_file(tmp_path, "big.csv", "kind,text\nphrase,真抓实干\nphrase," + "好" * 2000)
    result = run("bank", "import", str(path), "--bank", str(bank))
    assert result.exit_code == 1
    assert "big.csv:3: CSV 格式错误，无法读取" in result.stderr
    assert snapshot(bank) == before
    assert csv.field_size_limit() == 131_072


def test_import_json_nested_100k_deep(tmp_path: Path) -> None:
    bank = copy_bank(tmp_path)
    before = snapshot(bank)
    for name in ("deep.json", "deep.yaml"):
        path = import_file(tmp_path, name, "[" * 100_000 + "]" * 100_000)
        result = run("bank", "import", str(path), "--bank", str(bank))
        assert result.exit_code == 1
        assert f"{name}" in result.stderr and "嵌套过深" in result.stderr
    path = import_file(tmp_path, "deep2.json", '{"entries": ' + "[" * 100_000 + "]" * 100_000 + "}")
    result = run("bank", "import", str(path), "--bank", str(bank))
    assert result.exit_code == 1 and "嵌套过深" in result.stderr
    assert snapshot(bank) == before


# ── 9. smaller items ─────────────────────────────────────────────────────────────────────────

FORMULAS = ["=1+2", "+SUM(A1)", "-3+4", "@cmd", "\t=1", "\r=1"]


def test_csv_export_escapes_formula_cells_and_import_restores_them(tmp_path: Path) -> None:
    bank = copy_bank(tmp_path)
    texts = [f"{start}久久为功第{i}条" for i, start in enumerate(FORMULAS)]
    # Texts that start like a formula, as entries: `bank add` would take them too.
    entries = [
        Entry(f"ph-{i:010d}", "phrase", text, ["=dim"], Source("=a.txt", "@doc", 2), "user")
        for i, text in enumerate(texts)
    ]
    exported = export_text(entries, "csv", "v")
    rows = list(csv.reader(io.StringIO(exported.removeprefix("\ufeff"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert rows[1][2] == "'=1+2久久为功第0条" and rows[1][3] == "'=dim"
    path = tmp_path / "out.csv"
    path.write_text(exported, encoding="utf-8")
    result = run("bank", "import", str(path), "--bank", str(bank))
    assert result.exit_code == 1  # "=dim" is not in the lexicon: the round trip kept it
    assert "=dim" in result.stderr and "'=dim" not in result.stderr
    plain = [
        Entry(f"ph-{i:010d}", "phrase", text, [], Source("=a.txt", "@doc", 2), "user")
        for i, text in enumerate(texts)
    ]
    path.write_text(export_text(plain, "csv", "v"), encoding="utf-8")
    result = run("bank", "import", str(path), "--bank", str(bank))
    assert result.exit_code == 0, result.stderr
    back = {e.text: e for e in load_bank(bank).all() if e.origin == "user"}
    for text in texts:
        source = back[text.strip()].source  # the bank keeps texts trimmed
        assert source == Source("=a.txt", "@doc", 2)


def test_csv_export_of_a_bank_round_trips(tmp_path: Path) -> None:
    """An apostrophe a user wrote at the start of a text survives export and import."""
    bank = copy_bank(tmp_path)
    quoted = "'+真抓实干'是好作风"
    ok = run("bank", "add", "--kind", "phrase", quoted, "--bank", str(bank))
    assert ok.exit_code == 0, ok.stderr
    out = tmp_path / "all.csv"
    assert run("bank", "export", "-f", "csv", "-o", str(out), "--bank", str(bank)).exit_code == 0
    other = tmp_path / "other"
    run("bank", "init", str(other))
    for name in ("phrases.yaml",):
        (other / name).write_text("kind: phrase\nentries: []\n", encoding="utf-8")
    result = run("bank", "import", str(out), "--bank", str(other))
    assert result.exit_code == 0, result.stderr
    texts = {e.text for e in load_bank(other).all() if e.kind == "phrase"}
    assert {e.text for e in load_bank(bank).all() if e.kind == "phrase"} == texts
    assert any(t.startswith("'") for t in texts)


def test_json_export_is_left_alone() -> None:
    """Only CSV cells are escaped: JSON and YAML have no formulas."""
    text = json.loads(export_text([Entry("ph-1", "phrase", "=1+2", [])], "json", "v"))
    assert text["entries"][0]["text"] == "=1+2"
