"""Templates that come with someone else's brief: sandboxed, confined to their folders, and
every attempt to reach Python or the file system a clean Chinese error naming the template."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from drafter.cli.app import app
from drafter.text.usertext import clean_text
from tests.conftest import ROOT

BANK = str(ROOT / "phrasebank")
THEME = "激励干部担当作为"
ENV: dict[str, str | None] = {
    "COLUMNS": "400",
    "NO_COLOR": "1",
    "FORCE_COLOR": None,
    "TTY_COMPATIBLE": None,
}


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env=ENV)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.stdout + result.stderr
    return result


def draft(*args: str) -> Result:
    return run("draft", "--theme", THEME, "--seed", "1", "--bank", BANK, *args)


def refused(result: Result, *needles: str) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("错误：")
    for needle in needles:
        assert needle in result.stderr, result.stderr


def brief_file(folder: Path, template: str, name: str = "briefs.yaml") -> Path:
    path = folder / name
    path.write_text(f"- id: a\n  theme: {THEME}\n  template: '{template}'\n", encoding="utf-8")
    return path


def batch(briefs: Path, *args: str) -> Result:
    return run("batch", str(briefs), "--bank", BANK, "--out", str(briefs.parent / "out"), *args)


def batch_refused(briefs: Path, *needles: str) -> None:
    """Refused in ``--check`` and in a run alike, at the brief's ``template:`` line."""
    for args in (("--check",), ()):
        result = batch(briefs, *args)
        assert result.exit_code == 2, (args, result.stdout, result.stderr)
        assert f"{briefs}:3:13: 简报“a”：" in result.stderr, result.stderr
        for needle in needles:
            assert needle in result.stderr, result.stderr
    assert not (briefs.parent / "out" / "a.md").exists()


# ── the sandbox ──────────────────────────────────────────────────────────────────────────


def test_the_fuzzed_template_runs_no_command(tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    evil = tmp_path / "evil.j2"
    evil.write_text(
        f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}\n",
        encoding="utf-8",
    )
    refused(draft("--template", str(evil)), f"{evil}:1:", "模板不安全", "__")
    batch_refused(brief_file(tmp_path, "evil.j2"), f"{evil}:1:", "模板不安全")
    assert not marker.exists()


@pytest.mark.parametrize(
    "code",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ draft.__class__ }}",
        "{{ self._TemplateReference__context }}",
        "{{ cycler['__init__'] }}",
        "{{ namespace|attr('__init__') }}",
        "{% set x = joiner.__call__ %}",
    ],
)
def test_python_internals_are_refused_when_the_template_is_compiled(
    tmp_path: Path, code: str
) -> None:
    path = tmp_path / "t.j2"
    path.write_text(f"{{{{ draft.title }}}}\n\n{code}\n", encoding="utf-8")
    refused(draft("--template", str(path)), f"{path}:3:", "模板不安全")
    batch_refused(brief_file(tmp_path, "t.j2"), f"{path}:3:", "模板不安全")


@pytest.mark.parametrize(
    "code",
    [
        "{{ cycler|attr('_' ~ '_init__') }}",  # computed: only the sandbox can see it
        "{{ (draft|attr('_' ~ '_class__')).mro() }}",
        "{{ draft.parts.append(1) }}",  # the draft is data, not to be changed
        "{{ draft.parts.clear() }}",
        "{{ draft.update(title='x') }}",
        "{{ '{0.__class__}'.format(draft) }}",
    ],
)
def test_what_only_shows_while_rendering_is_stopped_by_the_sandbox(
    tmp_path: Path, code: str
) -> None:
    path = tmp_path / "t.j2"
    path.write_text(f"{{{{ draft.title }}}}\n{code}\n", encoding="utf-8")
    refused(draft("--template", str(path)), f"{path}:2:", "模板不安全")


@pytest.mark.parametrize(
    "code",
    [
        "{{ 'x' * 10**10 }}",
        "{{ [0] * 10**9 }}",
        "{{ 10**9 * 'ab' }}",
        "{{ 9**(9**9) }}",
        # a huge width or precision, however it is asked for
        "{{ 'x'.center(10**9) }}",
        "{{ 'x'.zfill(999999999) }}",
        "{{ '%999999999d' % 1 }}",
        "{{ '%*d' % (10**9, 1) }}",
        "{{ '{:>999999999}'.format(1) }}",
        "{{ '{:>{}}'.format(1, 10**9) }}",
        "{{ 'x'|center(999999999) }}",
        "{{ '%.999999999f'|format(1.5) }}",
        "{{ 'ab'|indent(999999999, first=True) }}",
        # replacements that multiply the text
        "{{ ('x' * 1000).replace('x', 'x' * 1000).replace('x', 'x' * 1000) }}",
        "{{ ('x' * 1000)|replace('x', 'x' * 1000)|replace('x', 'x' * 1000) }}",
    ],
)
def test_a_result_that_would_eat_memory_is_stopped(tmp_path: Path, code: str) -> None:
    path = tmp_path / "t.j2"
    path.write_text(f"{{{{ draft.title }}}}\n{code}\n", encoding="utf-8")
    refused(draft("--template", str(path)), f"{path}:2:", "结果过大")


def test_ordinary_formatting_in_templates_still_works(tmp_path: Path) -> None:
    path = tmp_path / "t.j2"
    path.write_text(
        "{{ '共 12345678 人：%s' % 'a' }}|{{ '{:,}'.format(123456789) }}|{{ '%.2f' % 3.14159 }}|"
        "{{ 'ok'.center(6) }}|{{ 'ab'|replace('a', 'c') }}|{{ '%03d'|format(7) }}|{{ 7 % 3 }}",
        encoding="utf-8",
    )
    result = draft("--template", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "共 12345678 人：a|123,456,789|3.14|  ok  |cb|007|1"


def test_ordinary_arithmetic_in_templates_still_works(tmp_path: Path) -> None:
    path = tmp_path / "t.j2"
    path.write_text("{{ '—' * 8 }}{{ 2 ** 10 }}{{ draft.seed * 3 }}{{ [0] * 2 }}", encoding="utf-8")
    result = draft("--template", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "————————10243[0, 0]"


# ── the file system ──────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("target", ["/etc/ld.so.conf", "/etc/passwd", "../outside.j2"])
def test_a_brief_template_outside_its_folder_is_refused(tmp_path: Path, target: str) -> None:
    folder = tmp_path / "briefs"
    folder.mkdir()
    (tmp_path / "outside.j2").write_text("外面：{{ draft.title }}\n", encoding="utf-8")
    batch_refused(brief_file(folder, target), "不在简报所在目录", "templates/")


def test_a_symlink_out_of_the_brief_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "briefs"
    folder.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("机密\n", encoding="utf-8")
    (folder / "link.j2").symlink_to(secret)
    batch_refused(brief_file(folder, "link.j2"), "不在简报所在目录")


def test_brief_templates_from_its_folder_and_the_workspace_are_used(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    (ws / "templates").mkdir(parents=True)
    (ws / "templates" / "own.j2").write_text("工作目录：{{ draft.theme }}\n", encoding="utf-8")
    folder = tmp_path / "briefs"
    folder.mkdir()
    (folder / "near.j2").write_text("同目录：{{ draft.theme }}\n", encoding="utf-8")
    for template, expected in (
        ("near.j2", "同目录"),
        (str(ws / "templates" / "own.j2"), "工作目录"),
        ("own", "工作目录"),  # by name
        ("md", "# "),  # a built-in by name
    ):
        briefs = brief_file(folder, template)
        result = run(
            "--root",
            str(ws),
            "batch",
            str(briefs),
            "--bank",
            BANK,
            "--out",
            str(folder / "out"),
            "--force",
        )
        assert result.exit_code == 0, (template, result.stderr)
        assert (folder / "out" / "a.md").read_text(encoding="utf-8").startswith(expected)


@pytest.mark.parametrize(
    "code",
    [
        "{% include '/etc/passwd' %}",
        "{% include '../secret.txt' %}",
        "{% import '/etc/passwd' as x %}",
        "{% from '../secret.txt' import y %}",
        "{% extends '/etc/passwd' %}",
    ],
)
def test_includes_and_imports_reach_no_file_outside_the_template_folders(
    tmp_path: Path, code: str
) -> None:
    (tmp_path / "secret.txt").write_text("机密\n", encoding="utf-8")
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "link.txt").symlink_to(tmp_path / "secret.txt")
    path = folder / "t.j2"
    path.write_text(f"{{{{ draft.title }}}}\n{code}\n", encoding="utf-8")
    result = draft("--template", str(path))
    refused(result, str(path), "找不到模板")
    assert "机密" not in result.stderr and "root:" not in result.stderr


def test_a_symlink_out_of_a_template_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("机密\n", encoding="utf-8")
    ws = tmp_path / "ws"
    (ws / "templates").mkdir(parents=True)
    (ws / "templates" / "link.txt").symlink_to(tmp_path / "secret.txt")
    (ws / "templates" / "out.j2").symlink_to(tmp_path / "secret.txt")
    (ws / "templates" / "t.j2").write_text("{% include 'link.txt' %}\n", encoding="utf-8")
    for name in ("t", "out"):
        result = run("--root", str(ws), "draft", "-t", THEME, "-s", "1", "--bank", BANK,
                     "--template", name)  # fmt: skip
        refused(result, "符号链接", str(ws / "templates"))
        assert "机密" not in result.stdout + result.stderr


def test_includes_inside_the_template_folder_still_work(tmp_path: Path) -> None:
    (tmp_path / "head.j2").write_text("题目：{{ draft.title }}\n", encoding="utf-8")
    path = tmp_path / "t.j2"
    path.write_text("{% include 'head.j2' %}主题：{{ draft.theme }}\n", encoding="utf-8")
    result = draft("--template", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("题目：") and f"主题：{THEME}" in result.stdout


# ── encoding and syntax ──────────────────────────────────────────────────────────────────


def test_a_template_that_is_not_utf8_is_a_chinese_error(tmp_path: Path) -> None:
    path = tmp_path / "gbk.j2"
    path.write_bytes("{{ draft.title }}\n说明：{{ draft.theme }}\n".encode("gbk"))
    refused(draft("--template", str(path)), f"{path}:2:", "不是 UTF-8")
    ws = tmp_path / "ws"
    (ws / "templates").mkdir(parents=True)
    (ws / "templates" / "md.j2").write_bytes(path.read_bytes())
    result = run("--root", str(ws), "draft", "-t", THEME, "-s", "1", "--bank", BANK)
    refused(result, str(ws / "templates" / "md.j2"), "不是 UTF-8")
    batch_refused(brief_file(tmp_path, "gbk.j2"), "不是 UTF-8")


def test_an_included_template_that_is_not_utf8_names_that_file(tmp_path: Path) -> None:
    (tmp_path / "part.j2").write_bytes("标题".encode("gbk"))
    path = tmp_path / "t.j2"
    path.write_text("{{ draft.title }}\n{% include 'part.j2' %}\n", encoding="utf-8")
    refused(draft("--template", str(path)), str(tmp_path / "part.j2"), "不是 UTF-8")


def test_check_catches_a_template_syntax_error_like_a_run(tmp_path: Path) -> None:
    (tmp_path / "syn.j2").write_text("{{ draft.title }}\n{% if %}\n", encoding="utf-8")
    batch_refused(brief_file(tmp_path, "syn.j2"), f"{tmp_path / 'syn.j2'}:2:", "模板语法错误")


# ── where the output goes ────────────────────────────────────────────────────────────────


def _drafter(stdout: int, *args: str) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "drafter", *args, "--bank", BANK]
    return subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, timeout=60, check=False)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["draft", "-t", THEME, "-s", "1"], ["themes"]])
def test_a_full_disk_on_stdout_is_an_error_not_a_success(args: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        result = _drafter(full.fileno(), *args)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert stderr.startswith("错误：") and "No space left" in stderr, stderr
    if args[0] == "draft":
        assert "标准输出" in stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr


@pytest.mark.parametrize("args", [["draft", "-t", THEME, "-s", "1"], ["themes"]])
def test_a_closed_pipe_ends_quietly(args: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before drafter writes a byte, like `| head` after it
    try:
        result = _drafter(write, *args)
    finally:
        os.close(write)
    assert result.returncode == 1
    assert result.stderr == b""


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["--template", "md", "-o", "x.docx"], ["模板“md”生成的是文本", "x.docx", "--template"]),
        (["--template", "txt", "-o", "x.DOCX"], ["模板“txt”生成的是文本"]),
        (["-f", "md", "-o", "x.docx"], ["md 格式生成的是文本", "--format"]),
        (["-f", "docx", "-o", "x.md"], ["请用 .docx 后缀"]),
        (["-f", "docx", "--template", "md", "-o", "x.docx"], ["docx 格式不用模板"]),
    ],
)
def test_text_never_goes_into_a_word_file_or_back(
    tmp_path: Path, args: list[str], needles: list[str]
) -> None:
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    refused(draft(*args), *needles)
    assert list(tmp_path.iterdir()) == []


def test_a_brief_template_with_only_docx_or_json_is_refused(tmp_path: Path) -> None:
    for formats in ("[docx]", "[docx, json]"):
        path = tmp_path / "briefs.yaml"
        path.write_text(
            f"- id: a\n  theme: {THEME}\n  template: md\n  formats: {formats}\n", encoding="utf-8"
        )
        batch_refused(path, "模板只用于 md、txt 格式", "--style")
    path.write_text(
        f"- id: a\n  theme: {THEME}\n  template: txt\n  formats: [docx, md]\n", encoding="utf-8"
    )
    result = batch(path)
    assert result.exit_code == 0, result.stderr
    assert "\n\n\u3000\u3000" in (tmp_path / "out" / "a.md").read_text(encoding="utf-8")  # txt
    assert (tmp_path / "out" / "a.docx").read_bytes().startswith(b"PK")


# ── control characters in the writer's text ──────────────────────────────────────────────

CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
NOISY = "激励\x07干部\x1b[31m担当\x00作为\x7f\x9b"


def test_control_characters_in_options_never_reach_the_output() -> None:
    for fmt in ("md", "txt", "json"):
        result = run(
            "draft", "-t", NOISY.replace("\x00", ""), "-s", "1", "--bank", BANK, "-f", fmt,
            "-k", "担\x1b当", "--sources",
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        assert not CONTROL.search(result.stdout), repr(result.stdout[:200])
        assert THEME in result.stdout


def test_control_characters_in_a_brief_never_reach_the_output(tmp_path: Path) -> None:
    path = tmp_path / "briefs.yaml"
    path.write_text(
        '- id: a\n  theme: "激励\\a干部\\e[1m担当\\0作为"\n  title: "标\\x85题\\t一"\n'
        '  speaker: "张\\b三"\n  organisation: "某\\x1b]0;x\\x07局"\n  keywords: ["担\\v当"]\n'
        "  formats: [md, txt, json]\n",
        encoding="utf-8",
    )
    result = batch(path)
    assert result.exit_code == 0, result.stderr
    for fmt in ("md", "txt", "json"):
        text = (tmp_path / "out" / f"a.{fmt}").read_text(encoding="utf-8")
        assert not CONTROL.search(text), (fmt, repr(text[:200]))
        assert not re.search(r"\\u00[01][0-9a-f]|\\u007f", text), (fmt, text[:300])
    data = json.loads((tmp_path / "out" / "a.json").read_text(encoding="utf-8"))
    assert (data["theme"], data["title"]) == (THEME, "标 题 一")
    assert (data["speaker"], data["organisation"]) == ("张三", "某局")


def test_control_characters_in_drafter_new_answers_never_reach_the_saved_draft(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    answers = [NOISY, "3", "", "1", "", "张\x07三", "", "e", "自定\x1b[2J标题\x07", "引\x00言"]
    answers += ["要点\x00一", "", "", "k", "k", "k"]
    answers += ["s", "json", "out.json"]
    result = CliRunner().invoke(
        app, ["new", "--script", "--seed", "5", "--bank", BANK], input="\n".join(answers) + "\n"
    )
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert data["theme"] == THEME
    assert data["parts"][0]["heading"] == "自定标题"
    assert data["parts"][0]["points"][0]["lead"] == "要点一"
    assert data["parts"][0]["lead"] == "引言" and data["speaker"] == "张三"
    assert not re.search(r"\\u00[01][0-9a-f]", (tmp_path / "out.json").read_text("utf-8"))


@pytest.mark.parametrize(
    ("raw", "line", "lines"),
    [
        ("激励干部担当作为", "激励干部担当作为", "激励干部担当作为"),
        ("a\x00b\x07c\x7fd\x9be", "abcde", "abcde"),
        ("红\x1b[1;31m色\x1b[0m", "红色", "红色"),  # the whole escape sequence, not just ESC
        ("题\x1b]0;窗口标题\x07目", "题目", "题目"),
        ("一\r\n二\r三\u2028四\x85五", "一 二 三 四 五", "一\n二\n三\n四\n五"),
        ("甲\t乙\x0b丙", "甲 乙 丙", "甲 乙 丙"),
        ("全角\u3000空格", "全角\u3000空格", "全角\u3000空格"),
    ],
)
def test_clean_text(raw: str, line: str, lines: str) -> None:
    assert (clean_text(raw), clean_text(raw, multiline=True)) == (line, lines)


def test_drafter_new_saves_no_text_into_a_word_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    answers = ["1", "3", "", "1", "", "", "", "k", "k", "k", "s", "md", "x.docx", "x.md"]
    result = CliRunner().invoke(
        app, ["new", "--script", "--seed", "5", "--bank", BANK], input="\n".join(answers) + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "x.docx 的后缀与保存格式 md 不符" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.md"]


def test_a_template_the_user_names_on_the_command_line_may_be_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "mine.j2").write_text("我的：{{ draft.theme }}\n", encoding="utf-8")
    (tmp_path / "link.j2").symlink_to(tmp_path / "real" / "mine.j2")
    result = draft("--template", str(tmp_path / "link.j2"))
    assert (result.exit_code, result.stdout) == (0, f"我的：{THEME}\n"), result.stderr
