"""Drafting from the writer's own bank and the bundled one: which banks, in which order, and
what each contributes (drafter.yaml, the layered index, sources that name the bank)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from drafter.bank.layers import bank_label, bank_layers
from drafter.bank.store import load_bank
from drafter.cli.app import app
from drafter.drafting.index import load_index
from drafter.errors import BankError
from drafter.workspace import bundled
from tests.conftest import copy_bank

BUNDLED = bundled("phrasebank")
ENV = {"COLUMNS": "240", "NO_COLOR": "1"}


def test_a_workspace_drafts_from_its_own_bank_then_the_bundled_one(tmp_path: Path) -> None:
    assert bank_layers(tmp_path).banks == (BUNDLED,)
    (tmp_path / "phrasebank").mkdir()
    assert bank_layers(tmp_path).banks == (tmp_path / "phrasebank", BUNDLED)
    # --bank names one bank and nothing else, as before.
    assert bank_layers(tmp_path, tmp_path / "other").banks == (tmp_path / "other",)
    assert bank_label(BUNDLED) == "内置" and bank_label(tmp_path / "phrasebank") == "phrasebank"


def test_drafter_yaml_sets_the_order(tmp_path: Path) -> None:
    for name in ("mine", "team"):
        (tmp_path / name).mkdir()
    (tmp_path / "drafter.yaml").write_text(
        "banks:\n  - team\n  - mine\n  - 内置\n  - ./team\n", encoding="utf-8"
    )
    layers = bank_layers(tmp_path)
    assert layers.banks == (tmp_path / "team", tmp_path / "mine", BUNDLED)  # once each
    assert layers.writable == tmp_path / "team" and layers.settings == tmp_path / "drafter.yaml"
    (tmp_path / "drafter.yaml").write_text("banks: [mine]\n", encoding="utf-8")
    assert bank_layers(tmp_path).banks == (tmp_path / "mine",)  # the bundled bank left out


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("banks: phrasebank\n", 1, "列表"),
        ("theme: x\n", None, "banks"),
        ("banks:\n  - mine\n  - gone\n", 3, "素材库目录不存在：gone"),
        ("banks:\n  - mine\n  - 42\n", 3, "目录名"),
    ],
)
def test_a_bad_drafter_yaml_is_named_with_its_line(
    tmp_path: Path, text: str, line: int | None, needle: str
) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "drafter.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(BankError) as caught:
        bank_layers(tmp_path)
    message = caught.value.user_message()
    where = f"drafter.yaml:{line}:" if line else "drafter.yaml:"
    assert where in message and needle in message, message


def _heading_file(bank: Path) -> Path:
    return next(bank.glob("heading*.yaml"))


def test_the_writers_bank_comes_first_entry_by_entry(tmp_path: Path) -> None:
    """An entry the writer edited or disabled in their bank stands for the same entry of the
    bank after it; everything else of both is drafted from, each line naming its bank."""
    mine, base = copy_bank(tmp_path, "mine"), copy_bank(tmp_path, "base")
    headings = load_bank(base).entries["heading"]
    edited, disabled = headings[0], headings[1]
    path = _heading_file(mine)
    text = path.read_text(encoding="utf-8")
    assert edited.text in text
    path.write_text(text.replace(edited.text, "锤炼过硬作风，练就担当本领", 1), encoding="utf-8")
    (mine / "extra").mkdir()  # not a bank file: ignored
    # Disable the second heading in the writer's bank only.
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in data["entries"]:
        if entry["id"] == disabled.id:
            entry["disabled"] = True
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    index = load_index(mine, base)
    recs = index.of("heading")
    by_id = {r.id: r for r in recs}
    assert len(by_id) == len(recs)  # each entry once
    assert by_id[edited.id].text == "锤炼过硬作风，练就担当本领"
    assert by_id[edited.id].source()["bank"] == "mine"
    assert disabled.id not in by_id
    assert {r.source()["bank"] for r in index.of("point")} == {"mine"}  # same ids: mine wins
    # One bank alone: sources as before, with no bank named.
    assert "bank" not in load_index(base).of("heading")[0].source()


def test_draft_and_search_read_the_banks_drafter_yaml_names(tmp_path: Path) -> None:
    mine = copy_bank(tmp_path, "mine")
    copy_bank(tmp_path, "base")
    for path in mine.glob("*.yaml"):
        if path.name.startswith(("heading", "point")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            data["entries"] = []  # the writer's bank: nothing of these
            path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (tmp_path / "drafter.yaml").write_text("banks: [mine, base]\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["--root", str(tmp_path), "draft", "-t", "激励干部担当作为", "-s", "1", "-f", "json"],
        env=ENV,
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    banks = {p["source"].get("bank") or p["source"]["aspect"].get("bank") for p in data["parts"]}
    assert banks == {"base"}  # headings only the bank after the writer's holds
    found = runner.invoke(app, ["--root", str(tmp_path), "bank", "search", "担当"], env=ENV)
    assert found.exit_code == 0 and "素材库" in found.stdout and "base" in found.stdout
