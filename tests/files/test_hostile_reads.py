"""Hostile inputs found by fuzzing (issue 12): FIFOs, devices, huge or sparse files, NUL bytes
past the first block, pathological JSON, control characters in font names, long themes in a
.docx, and text that is not UTF-8. Each gets a Chinese message naming what is wrong, never a
traceback or a hang.

Cases that would hang or eat memory if they regressed run as a subprocess with a timeout and a
2 GB address-space limit, so a regression fails the test instead of stalling the suite.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from drafter.cli.app import app
from drafter.corpus.parse import parse_file
from drafter.drafting.model import Draft, DraftRequest, read_avoid
from drafter.errors import InputError, UsageError
from drafter.files.decoding import read_document, read_file_bytes
from drafter.output.style import load_style
from drafter.output.word import render_docx
from drafter.text.normalize import to_simplified

THEME = "激励干部担当作为"
SPEECH = (
    "在全市干部大会上的讲话\n同志们：今天召开全市干部大会，主要任务是部署下一阶段工作。\n"
    "一、加强思想引领，筑牢共同思想基础\n要把学习宣传党的创新理论作为首要政治任务。\n"
)
ENV = {**os.environ, "COLUMNS": "240", "NO_COLOR": "1", "LC_ALL": "C.UTF-8"}
ENV.pop("FORCE_COLOR", None)
MEMORY_LIMIT = 2 * 2**30


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def cli(cwd: Path, *args: str, stdin: bytes | None = None) -> tuple[int, str]:
    """``drafter ARGS`` in a child process: exit code and stdout + stderr."""
    done = subprocess.run(
        [sys.executable, "-m", "drafter", *args],
        cwd=cwd,
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env=ENV,
        timeout=20,
        preexec_fn=_limit_memory,
        check=False,
    )
    output = (done.stdout + done.stderr).decode("utf-8", "replace")
    assert "Traceback" not in output, output
    return done.returncode, output


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    """A writable bank: a copy of the speech bank (quick to copy and index)."""
    from tests.conftest import copy_bank

    return copy_bank(tmp_path)


# ── 7. FIFOs: refused at once, not waited on ─────────────────────────────────────────────────


def _fifo_args(name: str, path: Path, bank: Path) -> list[str]:
    # Outputs go beside the bank (in the test's tmp_path), never beside /dev/zero.
    return {
        "parse": ["parse", str(path)],
        "batch": ["batch", str(path), "--out", str(bank.parent / "out")],
        "style": ["draft", "-t", THEME, "-f", "docx", "-o", "a.docx", "--style", str(path)],
        "avoid": ["draft", "-t", THEME, "--seed", "1", "--avoid", str(path)],
        "bank import": ["bank", "import", str(path), "--bank", str(bank)],
    }[name]


@pytest.mark.parametrize("command", ["parse", "batch", "style", "avoid", "bank import"])
def test_a_fifo_is_refused_without_waiting(
    command: str, fifo: Path, bank: Path, tmp_path: Path
) -> None:
    code, output = cli(tmp_path, *_fifo_args(command, fifo, bank))
    assert code != 0
    assert "命名管道（FIFO），不是普通文件" in output
    assert str(fifo) in output


def _unblock_later(path: Path) -> threading.Timer:
    """Open the FIFO for writing after a few seconds: a reader stuck in open() then returns (and
    the test fails) instead of hanging the suite."""

    def writer() -> None:
        with contextlib.suppress(OSError):  # no reader waiting: nothing to unblock
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))

    timer = threading.Timer(5, writer)
    timer.start()
    return timer


def test_the_bounded_reader_refuses_a_fifo(fifo: Path) -> None:
    timer = _unblock_later(fifo)
    try:
        with pytest.raises(InputError) as caught:
            read_file_bytes(fifo)
    finally:
        timer.cancel()
    assert caught.value.message == "这是命名管道（FIFO），不是普通文件，拒绝读取"
    assert caught.value.path == str(fifo)


def test_a_fifo_at_an_output_path_is_not_read_and_not_overwritten(tmp_path: Path) -> None:
    brief = tmp_path / "b.yaml"
    brief.write_text(f"id: b\ntheme: {THEME}\nseed: 1\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "b.md")
    code, output = cli(tmp_path, "batch", str(brief), "--out", str(out))
    assert code == 1
    assert "不是 drafter 为这份简报写的" in output
    assert (out / "b.md").is_fifo()


# ── 6. devices and huge files: refused before any read ───────────────────────────────────────


@pytest.mark.parametrize("command", ["parse", "batch", "avoid"])
def test_dev_zero_is_refused(command: str, bank: Path, tmp_path: Path) -> None:
    code, output = cli(tmp_path, *_fifo_args(command, Path("/dev/zero"), bank))
    assert code != 0
    assert "/dev/zero: 这是字符设备，不是普通文件" in output


def test_a_sparse_3_gb_brief_is_refused_by_its_size(tmp_path: Path) -> None:
    brief = tmp_path / "huge.yaml"
    with brief.open("wb") as handle:
        handle.truncate(3 * 2**30)  # sparse: no disk used
    code, output = cli(tmp_path, "batch", str(brief), "--check")
    assert code == 2
    assert "文件过大（3.00 GB，上限 10.00 MB）" in output


def test_a_huge_document_is_refused_by_its_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(2**30)
    code, output = cli(tmp_path, "parse", str(path))
    assert code == 2
    assert "文件过大（1.00 GB，上限 20.00 MB）" in output


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_file_that_reports_size_0_is_still_read_only_up_to_the_limit() -> None:
    # /proc files say 0 bytes but have content: the read itself must stop at the limit.
    with pytest.raises(InputError) as caught:
        read_file_bytes(Path("/proc/self/status"), max_bytes=100)
    assert caught.value.message == "文件过大（上限 0.1 KB）"
    assert b"Name:" in read_file_bytes(Path("/proc/self/status"))


def test_a_file_at_the_limit_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 1000)
    assert read_file_bytes(path, max_bytes=1000) == b"x" * 1000
    with pytest.raises(InputError, match="文件过大"):
        read_file_bytes(path, max_bytes=999)


# ── 9. NUL bytes after the first 8 KB ───────────────────────────────────────────────────────


def test_a_nul_past_the_first_8_kb_makes_a_binary_file(tmp_path: Path) -> None:
    data = SPEECH.encode("utf-8") * 200
    assert len(data) > 9000
    path = tmp_path / "late-nul.txt"
    path.write_bytes(data[:9000] + b"\x00" + data[9000:])
    with pytest.raises(InputError) as caught:
        parse_file(path)
    assert caught.value.message == "这是二进制文件，不是文本文档"
    path.write_bytes(data)
    assert read_document(path).startswith("在全市干部大会上的讲话")


def test_control_bytes_past_the_first_8_kb_make_a_binary_file(tmp_path: Path) -> None:
    data = SPEECH.encode("utf-8") * 40
    path = tmp_path / "late-controls.txt"
    path.write_bytes(data[:9000] + b"\x01\x02\x03\x04" * 1000 + data[9000:])
    with pytest.raises(InputError, match="二进制文件"):
        parse_file(path)


# ── 6. --avoid: pathological JSON ──────────────────────────────────────────────────────────


def test_avoid_json_nested_100k_deep_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_avoid(path)
    assert caught.value.message == "JSON 嵌套过深，不是 drafter 保存的草稿"
    assert caught.value.path == str(path)


def test_avoid_json_with_a_100000_digit_integer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "digits.json"
    path.write_text('{"parts": [], "seed": ' + "1" * 100_000 + "}", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_avoid(path)
    assert caught.value.message == "JSON 里有过长的数字，不是 drafter 保存的草稿"


def test_avoid_json_nested_just_under_the_parsers_limit_is_walked(tmp_path: Path) -> None:
    # Deep enough that a recursive walk over it would overflow after the parser accepted it.
    path = tmp_path / "deep-ok.json"
    depth = 900
    path.write_text(
        '{"parts": [], "x": ' + "[" * depth + '{"id": "h-1"}' + "]" * depth + "}",
        encoding="utf-8",
    )
    try:
        avoid = read_avoid(path)
    except InputError as exc:  # a parser with a lower limit may refuse it: also fine
        assert "嵌套过深" in exc.message
    else:
        assert avoid.ids == frozenset({"h-1"})


def test_avoid_json_errors_reach_the_cli_as_messages(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000, encoding="utf-8")
    result = CliRunner().invoke(app, ["draft", "-t", THEME, "--avoid", str(path)], env=ENV)
    assert result.exit_code == 2, result.exc_info
    assert f"{path}: JSON 嵌套过深" in result.stderr


# ── 6. --style: control and bidi characters in font names ───────────────────────────────────


@pytest.mark.parametrize(
    ("yaml_text", "line", "char"),
    [
        ('body:\n  font: "仿宋\\a"\n', 2, "U+0007"),
        ('title:\n  font: "方正小标宋\\u202e"\n', 2, "U+202E"),
        ("title:\n  font: 方正小标宋\u202e简体\n", 2, "U+202E"),
        ('latin_font: "Times\\u200bNew Roman"\n', 1, "U+200B"),
        ('page_number:\n  font: "宋体\\e"\n', 2, "U+001B"),
    ],
)
def test_hidden_characters_in_font_names_are_problems_with_a_line(
    tmp_path: Path, yaml_text: str, line: int, char: str
) -> None:
    path = tmp_path / "style.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        load_style(path)
    assert caught.value.path == str(path)
    assert caught.value.line == line
    assert f"不可见的控制字符 {char}" in caught.value.message


def test_a_style_with_a_bell_in_a_font_name_is_a_message_not_a_crash(tmp_path: Path) -> None:
    style = tmp_path / "style.yaml"
    style.write_text('body:\n  font: "仿宋\\a"\n', encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["draft", "-t", THEME, "-f", "docx", "-o", str(tmp_path / "a.docx"), "--style", str(style)],
        env=ENV,
    )
    assert result.exit_code == 2, result.exc_info
    assert f"{style}:2:" in result.stderr
    assert not (tmp_path / "a.docx").exists()


# ── 6. .docx: core properties past python-docx's 255 characters ─────────────────────────────


def test_a_300_character_theme_writes_a_docx_with_the_full_title_in_the_body() -> None:
    long_theme = ("激励干部担当作为" * 38)[:300]
    draft = Draft(long_theme, long_theme, "研讨发言", 1, "开头。", [], "结尾。", "v1")
    data = render_docx(dataclasses.replace(draft, speaker="张" * 300), load_style())
    doc = docx.Document(io.BytesIO(data))
    core = doc.core_properties
    assert len(core.title) == len(core.subject) == len(core.author) == 255
    assert core.subject == long_theme[:254] + "…"
    assert len(core.comments) <= 255
    assert doc.paragraphs[0].text.replace("\n", "") == long_theme  # a title of many lines


def test_a_300_character_theme_through_the_cli(tmp_path: Path) -> None:
    theme = ("激励干部担当作为" * 38)[:300]
    out = tmp_path / "a.docx"
    result = CliRunner().invoke(app, ["draft", "-t", theme, "--seed", "1", "-o", str(out)], env=ENV)
    assert result.exit_code == 0, result.exc_info
    assert docx.Document(str(out)).core_properties.subject.endswith("…")


# ── 6. text that is not UTF-8: the theme, and the answers of new --script ───────────────────


def test_a_theme_with_bytes_that_are_not_utf8_is_refused_naming_the_option() -> None:
    result = CliRunner().invoke(app, ["draft", "-t", "激励\udcff干部", "--seed", "1"], env=ENV)
    assert result.exit_code == 2, result.exc_info
    assert "--theme 的值里有无法识别的字节（不是 UTF-8 编码）" in result.stderr


def test_a_theme_from_a_non_utf8_terminal_in_a_child_process(tmp_path: Path) -> None:
    code, output = cli(tmp_path, "draft", "-t", "激励\udcff干部", "--seed", "1")
    assert code == 2
    assert "--theme 的值里有无法识别的字节" in output


def test_surrogates_never_reach_opencc_as_a_crash() -> None:
    assert to_simplified("激勵\udcff幹部") == "激励\ufffd干部"
    with pytest.raises(UsageError, match="主题里有无法识别的字节"):
        DraftRequest("激励\udcff干部").check()


SCRIPT_ANSWERS = b"\n3\n1\nk\nk\nk\ns\njson\nout.json\n"


def test_script_input_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    # Under a C or UTF-8 locale, stdin hands the bad bytes on as surrogates.
    code, output = cli(
        tmp_path, "new", "--script", "--seed", "5", stdin=b"\xff\xfe" + SCRIPT_ANSWERS
    )
    assert code == 2
    assert "回答里有无法识别的字节（不是 UTF-8 编码）" in output
    assert not (tmp_path / "out.json").exists()


def test_script_input_that_is_not_utf8_on_a_strict_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # CliRunner decodes stdin strictly, as a UTF-8 locale other than C.UTF-8 may.
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        app, ["new", "--script", "--seed", "5"], input=b"\xff\xfe" + SCRIPT_ANSWERS, env=ENV
    )
    assert result.exit_code == 2, result.exc_info
    assert "回答里有无法识别的字节" in result.stdout + result.stderr
    assert not (tmp_path / "out.json").exists()


def test_json_drafts_still_round_trip_through_avoid(tmp_path: Path) -> None:
    out = tmp_path / "a.json"
    result = CliRunner().invoke(
        app, ["draft", "-t", THEME, "--seed", "1", "-f", "json", "-o", str(out)], env=ENV
    )
    assert result.exit_code == 0, result.exc_info
    avoid = read_avoid(out)
    assert avoid.ids and avoid.texts
    assert json.loads(out.read_text(encoding="utf-8"))["theme"] == THEME


def test_a_fifo_among_the_workspace_templates_does_not_hang_the_listing(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    os.mkfifo(tmp_path / "templates" / "stuck.j2")
    code, output = cli(tmp_path, "templates")
    assert code == 0
    assert "stuck" in output and "md" in output


def test_an_oversized_template_is_refused_before_it_is_read(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    big = tmp_path / "templates" / "big.j2"
    with big.open("wb") as handle:
        handle.truncate(3 * 2**30)  # sparse: costs no disk
    code, output = cli(tmp_path, "draft", "-t", "乡村振兴", "--seed", "1", "--template", "big")
    assert code == 2
    assert "big.j2: 文件过大" in output
