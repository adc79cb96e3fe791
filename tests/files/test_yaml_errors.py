"""YAML syntax errors are explained in Chinese, with what to do and where (file:line:column)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from drafter.bank.store import load_bank
from drafter.cli.app import app
from drafter.errors import BankError, UsageError
from drafter.files.yamlio import explain_yaml_problem
from drafter.output.style import load_style

ENGLISH = re.compile(r"found|expected|allowed|token|scalar|while|alias|anchor|document")

BROKEN = [
    pytest.param("a: 1\n b: 2\n", "这里不能有冒号", id="mapping-values"),
    pytest.param("- a\nb: 1\n", "缩进不一致", id="block-end"),
    pytest.param("a:\n\t- x\n", "不能用 Tab 缩进", id="tab"),
    pytest.param('a: "abc\n', "引号要成对", id="open-quote"),
    pytest.param("a: *x\n", "请给整个值加引号", id="undefined-alias"),
    pytest.param("a: [1, 2\n", "方括号列表", id="open-bracket"),
    pytest.param("x: @y\n", "“@”不能放在一个值的开头", id="reserved-character"),
    pytest.param("a: &x 1\nb: &x 2\n", "锚点", id="duplicate-anchor"),
    pytest.param('a: "\\q"\n', "转义无效", id="escape"),
    pytest.param("  - a\n - b\n", "这一行不像“键: 值”", id="document-start"),
    pytest.param("- a\nb\n", "少了冒号", id="expected-colon"),
    pytest.param("a:\n  b: 1\n c: 2\n", "缩进不一致", id="expected-key"),
    pytest.param("a: 1\n---\nb: 2\n", "只能有一份", id="two-documents"),
]


@pytest.mark.parametrize(("text", "said"), BROKEN)
def test_pyyaml_problems_are_explained_in_chinese(text: str, said: str) -> None:
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        yaml.safe_load(text)
    explained = explain_yaml_problem(caught.value.problem or "", caught.value.context or "")
    assert said in explained
    assert ENGLISH.search(explained) is None, explained


def test_an_unknown_problem_is_kept_as_it_is() -> None:
    assert explain_yaml_problem("something new") == "something new"


def test_a_brief_with_a_tab_is_explained_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefs.yaml").write_text("- id: a\n  theme: 乡村振兴\n\tparts: 4\n", "utf-8")
    result = CliRunner().invoke(app, ["batch", "briefs.yaml", "--check"])
    assert result.exit_code != 0
    assert re.search(r"briefs\.yaml:3:1: YAML 格式错误：不能用 Tab 缩进，请改用空格", result.output)
    assert ENGLISH.search(result.output) is None, result.output


def test_a_bank_file_with_a_stray_item_is_explained_at_its_line(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "closings.yaml").write_text("closings:\n  - text: 谢谢大家\n   id: x\n", "utf-8")
    with pytest.raises(BankError) as caught:
        load_bank(bank)
    assert caught.value.user_message() == (
        f"{bank / 'closings.yaml'}:3:4: YAML 格式错误：列表项要以“- ”开头，并与同一列表的其他项对齐"
    )


def test_a_style_profile_with_a_missing_colon_is_explained_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "style.yaml"
    path.write_text('body:\n  size: "三号\n', "utf-8")
    with pytest.raises(UsageError) as caught:
        load_style(path)
    message = caught.value.user_message()
    assert re.fullmatch(
        rf"{re.escape(str(path))}:\d+:\d+: YAML 格式错误：字符串里的引号要成对.*", message
    )
    assert ENGLISH.search(caught.value.message) is None
