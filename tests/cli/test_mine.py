"""`drafter mine` on the command line: defaults, summary, and errors without tracebacks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from drafter.bank.lexicon import LEXICON_FILE
from drafter.bank.store import KINDS, read_kind
from drafter.bank.themes import THEMES_FILE
from drafter.cli.app import app
from tests.conftest import speech_bank, speech_seeds

BANK_FILES = sorted([name for name, _, _ in KINDS.values()] + [LEXICON_FILE, THEMES_FILE])


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def seeds_dir() -> Path:
    """The five speeches of seeds/ (tests/conftest.py): mining all of seeds/ takes seconds,
    and tests/mining/test_mining.py checks that it gives the committed bank."""
    return speech_seeds()


def _invoke(runner: CliRunner, args: list[str]) -> Result:
    result = runner.invoke(app, args)
    # Anything but a clean exit through typer.Exit/SystemExit is a crash.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result


def test_mine_writes_every_bank_file_and_prints_a_summary(
    runner: CliRunner, seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(seeds_dir, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    result = _invoke(runner, ["mine", "seeds", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [".drafter-bank.lock", *BANK_FILES]
    for name in BANK_FILES:
        assert (out / name).read_bytes() == (speech_bank() / name).read_bytes(), name
    assert f"素材库已写入 {out}" in result.stdout
    for kind, (name, _, _) in KINDS.items():
        assert name in result.stdout
        count = len(read_kind(out, kind))
        row = next(line for line in result.stdout.splitlines() if name in line)
        assert row.rstrip(" │").endswith(str(count)), row
    assert "读取文档 7 篇，其中讲话 6 篇" in result.stdout
    assert "保留用户条目 0 条、停用标记 0 个" in result.stdout
    assert result.stderr == ""
    # Nothing written anywhere else.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "seeds"]


def test_mine_short_out_option(runner: CliRunner, seeds_dir: Path, tmp_path: Path) -> None:
    result = _invoke(runner, ["mine", str(seeds_dir), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [".drafter-bank.lock", *BANK_FILES]


def test_mine_missing_directory_is_a_clean_chinese_error(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "没有这个目录"
    out = tmp_path / "out"
    result = _invoke(runner, ["mine", str(missing), "--out", str(out)])
    assert result.exit_code != 0
    assert result.exit_code == 2
    assert "语料目录不存在" in result.stderr
    assert str(missing) in result.stderr
    assert result.stderr.startswith("错误：")
    assert result.stdout == ""
    assert not out.exists()


def test_mine_empty_directory_is_a_clean_error(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "seeds"
    empty.mkdir()
    (empty / ".hidden").write_text("x", encoding="utf-8")
    result = _invoke(runner, ["mine", str(empty), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "语料目录里没有文件" in result.stderr and str(empty) in result.stderr


def test_root_option_mines_its_seeds_into_its_phrasebank(
    runner: CliRunner,
    seeds_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = tmp_path / "workspace"
    shutil.copytree(seeds_dir, root / "seeds")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the defaults follow --root, not the current directory
    result = _invoke(runner, ["--root", str(root), "mine"])
    assert result.exit_code == 0, result.output
    bank = root / "phrasebank"
    assert sorted(p.name for p in bank.iterdir()) == [".drafter-bank.lock", *BANK_FILES]
    assert f"素材库已写入 {bank}" in result.stdout
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in root.iterdir()) == ["phrasebank", "seeds"]


def test_root_without_seeds_names_the_missing_folder(runner: CliRunner, tmp_path: Path) -> None:
    result = _invoke(runner, ["--root", str(tmp_path), "mine"])
    assert result.exit_code == 2
    assert str(tmp_path / "seeds") in result.stderr and "语料目录不存在" in result.stderr
    assert not (tmp_path / "phrasebank").exists()


def test_malformed_bank_is_a_clean_error_with_file_and_line(
    runner: CliRunner, seeds_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "bank"
    out.mkdir()
    bad = out / "points.yaml"
    bad.write_text("kind: point\nentries:\n- id: pt-1\n  text: a: b\n", encoding="utf-8")
    result = _invoke(runner, ["mine", str(seeds_dir), "--out", str(out)])
    assert result.exit_code == 2
    assert f"{bad}:4:" in result.stderr and "YAML 格式错误" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["points.yaml"]  # refused before the lock


def test_mine_into_several_inputs_with_jobs_and_json(runner: CliRunner, tmp_path: Path) -> None:
    """Folders and files at once, into a bank of one's own; JSON on stdout; then a second run
    that finds nothing to do, in the table form."""
    from tests.conftest import copy_bank
    from tests.mining.corpus import BUSINESS, RURAL, SAFETY, speech, write

    first = write(tmp_path / "讲话稿", {"a.txt": speech(*RURAL), "b.txt": speech(*BUSINESS)})
    other = write(tmp_path / "其他", {"c.txt": speech(*SAFETY), "bad.txt": "\x00"})
    bank = copy_bank(tmp_path)
    args = ["mine", str(first), str(other / "c.txt"), str(other / "bad.txt"), "--into", str(bank)]
    result = _invoke(runner, [*args, "--jobs", "2", "--json"])
    assert result.exit_code == 2, result.output  # a file could not be read; the rest is mined
    data = json.loads(result.stdout)
    assert data["mode"] == "into" and data["changed"] is True and data["added"] > 0
    assert [(f["file"], f["status"]) for f in data["files"]] == [
        ("讲话稿/a.txt", "new"),
        ("讲话稿/b.txt", "new"),
        ("其他/c.txt", "new"),
        ("其他/bad.txt", "failed"),
    ]
    assert "bad.txt" in result.stderr and "二进制" in result.stderr
    assert "Traceback" not in result.stderr

    again = _invoke(runner, args)
    assert again.exit_code == 2
    assert f"素材库没有变化 {bank}" in again.stdout and "未变" in again.stdout
    assert "新增条目 0 条" in again.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--out", "o", "--into", "i"], "--out 和 --into 只能选一个"),
        (["--jobs", "0"], "--jobs 应为正整数"),
        (["--into", "没有这个库"], "素材库目录不存在"),
    ],
)
def test_mine_option_errors(
    runner: CliRunner, seeds_dir: Path, tmp_path: Path, extra: list[str], message: str
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        result = _invoke(runner, ["mine", str(seeds_dir), *extra])
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.startswith("错误：")
    assert sorted(p.name for p in tmp_path.iterdir()) == []
