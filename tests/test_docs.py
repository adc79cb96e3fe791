"""The README against the code: every ``drafter`` command and option it shows exists and has help text,
and its Python example runs and prints what its comments say.

The README is parsed, not copied: shell code blocks and inline code are read for ``drafter …`` command
lines (and for options named in a line's trailing comment); inline code that is only options
(``--theme/-t``, ``-o FILE``) belongs to the command its section's heading names. The commands
are walked in the click tree that typer builds from ``drafter.cli.app.app``.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from drafter.cli.app import app

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
SHELL = {"", "bash", "sh", "shell", "console"}
OPERATORS = {"|", "||", "&", "&&", ";", ">", ">>", "<", "(", ")"}
_OPTION = re.compile(r"^--?[A-Za-z][\w-]*")
_COMMENT_OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")

Command = Any  # a click command or group: vendored by typer or not, by its version


def root_command() -> Command:
    return typer.main.get_command(app)


def subcommands(command: Command) -> dict[str, Command]:
    commands: dict[str, Command] = getattr(command, "commands", {})
    return commands


def all_commands(command: Command, path: str = "drafter") -> Iterator[tuple[str, Command]]:
    yield path, command
    for name, sub in subcommands(command).items():
        yield from all_commands(sub, f"{path} {name}")


def is_option(param: Any) -> bool:
    return getattr(param, "param_type_name", "") == "option"


def find_option(command: Command, name: str) -> Any | None:
    for param in command.params:
        if is_option(param) and name in (*param.opts, *param.secondary_opts):
            return param
    return None


def takes_value(option: Any) -> bool:
    return not (option.is_flag or option.count)


def command_help(command: Command) -> str:
    return (command.help or command.short_help or "").strip()


@dataclass
class Use:
    """One place in the README that shows drafter's command line."""

    line: int
    code: str
    words: list[str]  # what follows ``drafter``; for ``only_options``, the options and values
    comment: str = ""  # a shell line's trailing comment
    only_options: bool = False
    context: tuple[tuple[str, ...], ...] = ()  # for only_options: the commands it may belong to

    def where(self) -> str:
        return f"README.md:{self.line}: `{self.code}`"


def split_comment(line: str) -> tuple[str, str]:
    """A shell line's code and its trailing ``# comment`` (a ``#`` outside quotes, after a space)."""
    quote = ""
    for at, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (at == 0 or line[at - 1].isspace()):
            return line[:at], line[at + 1 :]
    return line, ""


def shell_words(code: str) -> list[str] | None:
    lexer = shlex.shlex(code, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:  # unbalanced quotes: not a shell line
        return None


def simple_commands(words: list[str]) -> Iterator[list[str]]:
    """The simple commands of a pipeline or list (``a && b | c > f``), redirections dropped."""
    current: list[str] = []
    for word in words:
        if word in OPERATORS:
            if current:
                yield current
            current = [word] if word in (">", ">>", "<") else []  # a file name follows
        else:
            current.append(word)
    if current:
        yield current


@dataclass
class Heading:
    level: int
    line: int
    commands: tuple[tuple[str, ...], ...]  # the drafter command lines the heading names


def _drafter_lines(code: str) -> Iterator[list[str]]:
    for words in simple_commands(shell_words(code) or []):
        if words[0] == "drafter":
            yield words[1:]


def readme_uses(text: str, top_level: set[str]) -> list[Use]:
    lines = text.splitlines()
    headings: list[Heading] = []
    fence = None
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith("```"):
            fence = None if fence is not None else line
        elif fence is None and (match := re.match(r"^(#+)\s", line)):
            found = tuple(
                tuple(words)
                for code in re.findall(r"`([^`]+)`", line)
                for words in _drafter_lines(code)
            )
            headings.append(Heading(len(match.group(1)), number, found))

    def chain(number: int) -> list[Heading]:
        """The headings a line sits under, outermost first."""
        result: list[Heading] = []
        for heading in headings:
            if heading.line > number:
                break
            result = [h for h in result if h.level < heading.level] + [heading]
        return result

    def in_chapter(heading: Heading) -> list[Heading]:
        """The headings of the chapter (level 1 or 2) ``heading`` sits in."""
        start = next(h for h in reversed(chain(heading.line)) if h.level <= 2)
        after = [h for h in headings if h.line > start.line]
        end = next((h.line for h in after if h.level <= start.level), len(lines) + 1)
        return [h for h in headings if start.line <= h.line < end]

    def context(number: int) -> tuple[tuple[str, ...], ...] | None:
        """The commands options shown on line ``number`` belong to: those its section's heading
        names, or (a section of a chapter about the commands) any; None: another program's."""
        around = chain(number)
        for heading in reversed(around):
            if heading.commands:
                return heading.commands
        if around and any(h.commands for h in in_chapter(around[-1])):
            return ((),)
        return None

    uses: list[Use] = []
    fence = None
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith("```"):
            fence = None if fence is not None else line.strip()[3:].strip()
            continue
        if fence is not None:
            if fence in SHELL:
                code, comment = split_comment(line)
                for words in _drafter_lines(code):
                    uses.append(Use(number, line.strip(), words, comment))
            continue
        for code in re.findall(r"`([^`]+)`", line):
            tokens = shell_words(code)
            if not tokens:
                continue
            if tokens[0] == "drafter":
                uses.extend(Use(number, code, w) for w in _drafter_lines(code))
            elif tokens[0] in top_level and any(_OPTION.match(w) for w in tokens):
                uses.append(Use(number, code, tokens))  # ``draft -o``, ``bank export -f csv``
            elif _OPTION.match(tokens[0]):
                where = context(number)
                if where is not None:
                    uses.append(Use(number, code, tokens, only_options=True, context=where))
    return uses


def walk(root: Command, words: list[str]) -> tuple[list[Command], list[str], list[str]]:
    """Follow a command line through the tree: the commands passed, the options met, problems."""
    command, path, passed, options, problems = root, ["drafter"], [root], [], []
    at = 0
    while at < len(words):
        word = words[at].strip("[]")
        at += 1
        if not word or word.endswith("..."):  # ``FILE...`` in a synopsis
            continue
        if _OPTION.match(word):
            name, equals, _ = word.partition("=")
            if name == "--help":
                continue
            option = find_option(command, name)
            if option is None:
                problems.append(f"{' '.join(path)} 没有选项 {name}")
            else:
                options.append(f"{' '.join(path)} {name}")
                if not (option.help or "").strip():
                    problems.append(f"{' '.join(path)} {name} 没有帮助文字")
                if takes_value(option) and not equals:
                    at += 1
            continue
        if subcommands(command):
            sub = subcommands(command).get(word)
            if sub is None:
                problems.append(f"{' '.join(path)} 没有命令 {word}")
                break
            command = sub
            path.append(word)
            passed.append(sub)
            if not command_help(sub):
                problems.append(f"{' '.join(path)} 没有帮助文字")
    return passed, options, problems


def option_problems(root: Command, use: Use) -> list[str]:
    """Options shown without a command: each must be an option of a command of the context."""
    problems = []
    candidates: list[Command] = []
    for words in use.context:
        passed, _, _ = walk(root, list(words))
        candidates.extend(c for _, c in all_commands(passed[-1]))
    aliases = [w for w in use.words if _OPTION.match(w)]
    for word in aliases:
        names = word.split("/")  # ``--theme/-t``: two names of one option
        owners = [c for c in candidates if all(find_option(c, n) is not None for n in names)]
        if not owners:
            problems.append(f"{' / '.join(names)} 不是这一节所讲命令的选项")
            continue
        for owner in owners:
            options = {id(find_option(owner, n)) for n in names}
            option = find_option(owner, names[0])
            if len(options) > 1:
                problems.append(f"{word}：{owner.name} 里这些名字不是同一个选项")
            elif option is not None and not (option.help or "").strip():
                problems.append(f"{owner.name} {names[0]} 没有帮助文字")
    return problems


def problems_of(root: Command, use: Use) -> list[str]:
    """What is wrong with one use: a missing command or option, or one without help."""
    if use.only_options:
        return option_problems(root, use)
    passed, _, problems = walk(root, use.words)
    for name in _COMMENT_OPTION.findall(use.comment):
        if name != "--help" and find_option(passed[-1], name) is None:
            problems.append(f"注释里的 {name} 不是 {passed[-1].name} 的选项")
    return problems


@pytest.fixture(scope="module")
def uses() -> list[Use]:
    return readme_uses(README.read_text(encoding="utf-8"), set(subcommands(root_command())))


def test_the_readme_is_read(uses: list[Use]) -> None:
    # A parser that finds nothing would pass everything below.
    lines = [u for u in uses if not u.only_options]
    assert len(lines) > 40
    assert len([u for u in uses if u.only_options]) > 20
    shown = {u.words[0] for u in lines if u.words}
    assert {"draft", "new", "batch", "bank", "brief", "parse", "mine"} <= shown


def test_every_command_and_option_in_the_readme_exists(uses: list[Use]) -> None:
    root = root_command()
    problems = [f"{use.where()}: {p}" for use in uses for p in problems_of(root, use)]
    assert problems == []


def test_every_command_option_and_argument_has_help() -> None:
    missing = []
    for path, command in all_commands(root_command()):
        if not command_help(command):
            missing.append(f"{path}: 命令没有帮助文字")
        for param in command.params:
            if not (getattr(param, "help", None) or "").strip():
                missing.append(f"{path} {'/'.join(param.opts)}: 没有帮助文字")
    assert missing == []


def test_the_readme_checker_finds_what_is_wrong() -> None:
    text = "\n".join(
        [
            "# t",
            "## 命令",
            "### `drafter draft`",
            "```bash",
            "drafter draft --theme 主题 --no-such x   # 加 --nor-this",
            "drafter drafts -t 主题",
            "drafter bank list --kind heading --dimension 思想引领",
            "```",
            "| `--theme/-p` | 两个名字 |",
            "| `--bogus` | 不存在 |",
            "## 性能",
            "`--typer 0.28.0` 是另一个程序的选项",
        ]
    )
    root = root_command()
    found = [
        (use.line, p)
        for use in readme_uses(text, set(subcommands(root)))
        for p in problems_of(root, use)
    ]
    assert found == [
        (5, "drafter draft 没有选项 --no-such"),
        (5, "注释里的 --nor-this 不是 draft 的选项"),
        (6, "drafter 没有命令 drafts"),
        (9, "--theme/-p：draft 里这些名字不是同一个选项"),
        (10, "--bogus 不是这一节所讲命令的选项"),
    ]


# The Python example ("## 从 Python 调用"), run for real in a temporary folder. Its absolute paths
# are moved into that folder; the relative ones it reads come from the repository, and a brief file
# it names is made the way the README says, with ``drafter brief new``. Each ``print`` is recorded
# with its line, so that a comment that starts with a Python literal (``# [] 表示没有问题``) can be
# checked against what that line printed.
_RUNNER = r"""
import builtins, json, sys

source = open(sys.argv[1], encoding="utf-8").read()
printed = []
real_print = builtins.print

def recording_print(*args, **kwargs):
    frame = sys._getframe(1)
    if frame.f_code.co_filename == "<readme>":
        text = kwargs.get("sep", " ").join(str(a) for a in args)
        printed.append({"line": frame.f_lineno, "text": text})
    real_print(*args, **kwargs)

builtins.print = recording_print
exec(compile(source, "<readme>", "exec"), {"__name__": "__main__"})
with open(sys.argv[2], "w", encoding="utf-8") as out:
    json.dump(printed, out, ensure_ascii=False)
"""


def python_example() -> tuple[int, str]:
    """The first ``python`` block under the "从 Python 调用" heading, and the line it starts on."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(r"^#+\s+从 Python 调用", line))
    begin = next(i for i in range(start, len(lines)) if lines[i].strip() == "```python")
    end = next(i for i in range(begin + 1, len(lines)) if lines[i].strip() == "```")
    return begin + 2, "\n".join(lines[begin + 1 : end]) + "\n"


def _path_literals(source: str) -> list[str]:
    """The string literals passed to ``Path(…)`` in the example."""
    return [
        node.args[0].value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Path"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]


def _expected_prints(source: str) -> dict[int, Any]:
    """Lines ``print(…)  # LITERAL …``: the value the comment says the line prints."""
    expected = {}
    for number, line in enumerate(source.splitlines(), 1):
        code, comment = split_comment(line)
        if not code.strip().startswith("print(") or not comment.strip():
            continue
        first = comment.split()[0]
        try:
            expected[number] = ast.literal_eval(first)
        except (ValueError, SyntaxError):
            continue
    return expected


def test_the_python_example_runs(tmp_path: Path) -> None:
    readme_line, source = python_example()
    work = tmp_path / "work"
    work.mkdir()
    for literal in sorted(set(_path_literals(source))):
        if literal.startswith("/"):
            moved = str(tmp_path / "abs" / literal.lstrip("/"))
            source = source.replace(f'"{literal}"', json.dumps(moved, ensure_ascii=False))
        elif (REPO / literal).exists():
            target = work / literal
            target.parent.mkdir(parents=True, exist_ok=True)
            if literal == "seeds":
                # The five speeches, not the reports: the example is checked, not the corpus
                # (mining all of seeds/ would take most of this test's time).
                from tests.conftest import speech_seeds

                shutil.copytree(speech_seeds(), target)
            elif (REPO / literal).is_dir():
                shutil.copytree(REPO / literal, target)
            else:
                shutil.copy2(REPO / literal, target)
        elif literal.endswith(".yaml"):  # a brief file, as the README makes one
            made = CliRunner().invoke(app, ["brief", "new", str(work / literal)])
            assert made.exit_code == 0, made.output
    outside = [
        p for p in _path_literals(source) if p.startswith("/") and not p.startswith(str(tmp_path))
    ]
    assert outside == []
    (work / "example.py").write_text(source, encoding="utf-8")
    (work / "runner.py").write_text(_RUNNER, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "runner.py", "example.py", str(tmp_path / "printed.json")],
        cwd=work,
        env={**os.environ, "DRAFTER_CACHE_DIR": str(tmp_path / "cache")},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, f"README.md:{readme_line}: the example failed:\n{proc.stderr}"
    printed = json.loads((tmp_path / "printed.json").read_text(encoding="utf-8"))
    prints = [n for n, line in enumerate(source.splitlines(), 1) if line.startswith("print(")]
    assert [p["line"] for p in printed] == prints  # each print ran once, in order
    expected = _expected_prints(source)
    assert expected, "no print in the example says what it prints"
    for number, value in expected.items():
        got = next(p["text"] for p in printed if p["line"] == number)
        assert got == str(value), f"README.md:{readme_line + number - 1}: printed {got}"
