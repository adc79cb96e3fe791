"""The command line speaks Chinese: every help's frame, its examples, and click's usage errors."""

from __future__ import annotations

import inspect
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from drafter.cli import convert as cliconvert
from drafter.cli.app import app
from drafter.cli.helptext import EXAMPLES

ENGLISH_FRAME = re.compile(
    r"usage|options|arguments|commands|required|default|show this message|try '|error|"
    r"invalid value|missing|no such|got unexpected|did you mean|possible options",
    re.IGNORECASE,
)


ENGLISH_TYPES = re.compile(r"<(?:list\[)?(?:str|int|float|path|dir|file|bool|Path)\]?>")


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


COMMANDS = dict(_commands(typer.main.get_command(app)))


def _help(path: tuple[str, ...], monkeypatch: pytest.MonkeyPatch, rich: bool) -> str:
    monkeypatch.setenv("COLUMNS", "80")
    if not rich:
        monkeypatch.setattr(typer.core, "HAS_RICH", False)
    result = CliRunner().invoke(app, [*path, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


def _descriptions(command: Any) -> list[str]:
    """What the help must show whole: the command's text, its options' and its commands' first
    paragraphs."""
    texts = [command.help or ""]
    texts += [getattr(param, "help", None) or "" for param in command.params]
    for sub in getattr(command, "commands", {}).values():
        texts.append(inspect.cleandoc(sub.help or "").split("\n\n")[0])
    return [text for text in texts if text]


def _squeezed(text: str) -> str:
    return re.sub(r"[\s│╭╮╰╯─]", "", text)


def test_the_walk_finds_every_command() -> None:
    names = {" ".join(path) for path in COMMANDS}
    assert {"", "draft", "batch", "mine", "brief", "brief new", "bank", "bank add"} <= names
    assert len(names) > 20


@pytest.mark.parametrize("rich", [True, False], ids=["rich", "plain"])
@pytest.mark.parametrize("path", sorted(COMMANDS), ids=lambda p: " ".join(p) or "drafter")
def test_every_help_is_chinese_and_whole(
    path: tuple[str, ...], rich: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _help(path, monkeypatch, rich)
    assert "用法：" in text
    assert ENGLISH_FRAME.findall(text) == []
    assert ENGLISH_TYPES.findall(text) == []  # <文字>, <整数>, <路径>; a switch shows none
    assert "[必填]" in text or "*" not in text
    descriptions = _descriptions(COMMANDS[path])
    shown = _squeezed(text)
    for description in descriptions:
        assert _squeezed(description) in shown, (description, text)
    assert text.count("…") == sum(d.count("…") for d in descriptions), text


def test_help_marks_defaults_and_required_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    for rich in (True, False):
        text = _help(("draft",), monkeypatch, rich)
        assert "[默认：3]" in text
        assert "[必填]" in text
        assert "显示本帮助并退出" in text
        assert "选项" in text
    assert "命令" in _help((), monkeypatch, False)


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=lambda p: " ".join(p) or "drafter")
def test_every_help_ends_with_an_example(
    path: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _help(path, monkeypatch, True)
    examples = EXAMPLES[" ".join(path)]
    assert 1 <= len(examples) <= 2
    assert "示例：" in text
    for example in examples:
        assert example in text
        assert example.startswith(" ".join(("drafter", *path)))


@pytest.mark.parametrize("example", sorted({e for examples in EXAMPLES.values() for e in examples}))
def test_every_example_is_a_working_command_line(
    example: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Parsed as drafter would parse it (options, values, arguments), without running it.
    monkeypatch.chdir(tmp_path)
    args = shlex.split(example)[1:]
    command = typer.main.get_command(app)
    ctx = command.make_context("drafter", list(args))
    while hasattr(ctx.command, "commands"):
        # click keeps the command's name apart ("_protected_args" in typer's vendored click)
        protected: list[str] = getattr(ctx, "_protected_args", None) or getattr(
            ctx, "protected_args", []
        )
        name, *rest = [*protected, *ctx.args]
        sub = ctx.command.commands[name]
        ctx = sub.make_context(name, rest, parent=ctx)
    assert ctx.args == []


DRAFT = ["draft", "--theme", "激励干部担当作为", "--seed", "1"]


@pytest.mark.parametrize("plain_options", [False, True], ids=["drafter", "typer"])
@pytest.mark.parametrize("rich", [True, False], ids=["rich", "plain"])
@pytest.mark.parametrize(
    ("args", "said"),
    [
        ([*DRAFT, "--parts", "abc"], "--parts（-p）要一个整数"),
        (["draft", "-t", "乡村振兴", "--seed", "x"], "--seed（-s）要一个整数"),
        (["draft", "--parts", "3"], "缺少必填的选项 --theme（-t）"),
        ([*DRAFT, "--part", "4"], "没有 --part 这个选项。是不是 --parts？"),
        ([*DRAFT, "--thme", "x"], "是不是 --theme？"),
        ([*DRAFT, "extra"], "多余的参数：extra"),
        ([*DRAFT, "--parts"], "选项 --parts 后面要跟一个值"),
        (["drat"], "没有“drat”这个命令。是不是 draft？"),
        (["bank", "show"], "缺少参数 ID"),
        (["bank", "dedupe", "--threshold", "x1"], "--threshold 要一个数字"),
        (["--root", "a.yaml", "themes"], "--root 的路径“a.yaml”是一个文件，这里要的是目录"),
    ],
)
def test_usage_errors_are_chinese(
    args: list[str],
    said: str,
    rich: bool,
    plain_options: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "a.yaml").write_text("x", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    if plain_options:
        monkeypatch.setenv(cliconvert.DISABLE_ENV, "1")
    if not rich:
        monkeypatch.setattr(typer.core, "HAS_RICH", False)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert said in result.output
    assert "错误" in result.output
    assert ENGLISH_FRAME.findall(result.output) == [], result.output
