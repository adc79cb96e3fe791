"""The bank's write commands: init, add, edit, remove, disable, enable, dedupe, export, import.

What they promise: a hand-edited bank file keeps every byte outside the entries a command
touches (comments, key order, quoting, long lines); writes are serialised by the bank lock and
atomic (a killed command leaves the old file or the new one, never a torn one); the line map
cached for each file always equals a fresh parse; re-mining keeps the user's entries and
``disabled`` marks; and every mistake a user can make ends in a message, not a traceback.

Every test works on a copy of a bank under ``tmp_path``. The ``test_bug_*`` tests at the end
are regressions for bugs these tests found (all fixed).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from drafter.bank.check import validate_bank
from drafter.bank.entrytext import begin_edit, finish_edit
from drafter.bank.fileedit import FileEdit, bank_lock
from drafter.bank.linemap import (
    LineMap,
    build_line_map,
    digest_of,
    load_line_map,
    read_cached,
    split_lines,
)
from drafter.bank.ops import NewEntries, add_entries, remove_entries, set_disabled
from drafter.bank.schema import KINDS
from drafter.bank.store import entry_id, load_bank
from drafter.cli.app import app
from drafter.errors import UsageError
from tests.conftest import DATA, copy_bank, snapshot, speech_bank

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "phrasebank"
SEEDS = ROOT / "seeds"
HAND = DATA / "bank_edit" / "points.yaml"
POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="fcntl locks and SIGKILL")

# Wide output, no colours, whatever the outer environment says.
ENV: dict[str, str | None] = {
    "COLUMNS": "240",
    "NO_COLOR": "1",
    "FORCE_COLOR": None,
    "TTY_COMPATIBLE": None,
    "VISUAL": None,
}
USER_GROUP = "# ── 用户添加\n"
LONG = "坚持以习近平新时代中国特色社会主义思想为指导" * 12  # the fixture's long line


# ── helpers ──────────────────────────────────────────────────────────────────────────────


def run(
    *args: str, input: str | None = None, env: Mapping[str, str | None] | None = None
) -> Result:
    result = CliRunner().invoke(app, list(args), input=input, env={**ENV, **(env or {})})
    # Anything but a clean exit through typer.Exit/SystemExit is a crash.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.stdout + result.stderr
    return result


def bank_run(
    bank: Path,
    *args: str,
    input: str | None = None,
    env: Mapping[str, str | None] | None = None,
) -> Result:
    return run("bank", *args, "--bank", str(bank), input=input, env=env)


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


def is_subsequence(small: list[str], big: list[str]) -> bool:
    rest = iter(big)
    return all(any(line == other for other in rest) for line in small)


def lines_of(path: Path) -> list[str]:
    return path.read_bytes().decode("utf-8").splitlines(keepends=True)


def at(lines: list[str], line: str, after: str | None = None) -> int:
    """The index of the one line equal to ``line`` (the first one after the line ``after``)."""
    start = at(lines, after) + 1 if after is not None else 0
    found = [i for i, text in enumerate(lines) if text == line and i >= start]
    assert len(found) == 1 or (after is not None and found), (line, found)
    return found[0]


def cached(bank: Path, kind: str) -> tuple[LineMap, bytes]:
    """The line map the last write stored for a kind's file (it must be there)."""
    path = bank / KINDS[kind][0]
    data = path.read_bytes()
    line_map = read_cached(path, digest_of(data))
    assert line_map is not None, f"no cached line map for {path.name}"
    return line_map, data


def assert_line_map_fresh(bank: Path, kind: str, *, must_be_cached: bool = False) -> None:
    """The line map drafter would use equals a fresh parse of the file's text."""
    if must_be_cached:
        line_map, data = cached(bank, kind)
    else:
        line_map, data = load_line_map(bank, kind)
    path = bank / KINDS[kind][0]
    fresh = build_line_map(kind, split_lines(data.decode("utf-8").removeprefix("\ufeff")), path)
    assert line_map.rows == fresh.rows
    assert line_map.layout == fresh.layout


def assert_valid(bank: Path) -> None:
    problems = validate_bank(bank)
    assert problems == [], [p.user_message() for p in problems]


def entries_by_id(bank: Path) -> dict[str, Any]:
    return {e.id: e for e in load_bank(bank).all(include_disabled=True)}


def drafter_command() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m drafter``."""
    script = Path(sys.executable).with_name("drafter")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "drafter"]


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VISUAL", "FORCE_COLOR")}
    env.update(COLUMNS="240", NO_COLOR="1")
    return env  # DRAFTER_CACHE_DIR comes from conftest: children share the test's cache


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    return copy_bank(tmp_path)


@pytest.fixture
def hand_bank(tmp_path: Path) -> Path:
    """A bank whose points file is written by hand: comments, odd key order, quoting, a long
    line, block scalars."""
    target = copy_bank(tmp_path)
    shutil.copyfile(HAND, target / "points.yaml")
    return target


# ── the fake editor ──────────────────────────────────────────────────────────────────────

EDITOR_SCRIPT = """\
import json
import sys
from pathlib import Path

plan_path, target = Path(sys.argv[1]), Path(sys.argv[2])
plan = json.loads(plan_path.read_text(encoding="utf-8"))
text = target.read_bytes().decode("utf-8")
plan["seen"].append(text)
plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
rounds = plan["rounds"]
step = rounds[min(len(plan["seen"]), len(rounds)) - 1]
if step == "clear":
    target.write_bytes(b"")
elif step != "keep":  # "keep": close the editor without saving
    for old, new in step:
        if old not in text:
            sys.exit(f"fake editor: {old!r} is not in the text")
        text = text.replace(old, new, 1)
    target.write_bytes(text.encode("utf-8"))
"""

# One editor session: "keep" (close without saving), "clear" (save an empty file), or
# replacements [old, new] applied to the text shown. The last round repeats.
Round = str | list[list[str]]


class Editor:
    def __init__(self, folder: Path, temp: Path) -> None:
        self.script = folder / "fake_editor.py"
        self.plan = folder / "editor-plan.json"
        self.temp = temp  # where drafter keeps the text it hands to the editor
        self.script.write_text(EDITOR_SCRIPT, encoding="utf-8")

    def env(self, *rounds: Round) -> dict[str, str | None]:
        plan = {"rounds": list(rounds), "seen": []}
        self.plan.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
        command = shlex.join([sys.executable, str(self.script), str(self.plan)])
        return {"EDITOR": command, "VISUAL": None}

    @property
    def seen(self) -> list[str]:
        """The text the editor was opened on, round by round."""
        seen: list[str] = json.loads(self.plan.read_text(encoding="utf-8"))["seen"]
        return seen

    def kept(self) -> list[Path]:
        return sorted(self.temp.rglob("*.yaml"))


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Editor:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    return Editor(tmp_path, temp)


# ── 1. comments, key order, quoting and long lines survive every write ─────────────────────


def test_the_hand_written_fixture_is_what_the_tests_expect(hand_bank: Path) -> None:
    lines = lines_of(hand_bank / "points.yaml")
    assert f"  text: {LONG}\n" in lines and len(LONG) > 200
    assert "  body: |\n" in lines and "  body: >-\n" in lines
    assert_valid(hand_bank)
    points = {e.id: e for e in load_bank(hand_bank).entries["point"]}
    assert list(points) == ["pt-hand000001", "pt-hand000002", "pt-hand000003", "pt-hand000004"]
    assert points["pt-hand000002"].extra["body"] == "第一行展开文字。\n第二行展开文字，保持原样。\n"
    assert points["pt-hand000004"].extra["body"] == "折叠的展开文字， 第二行接着写。"


def test_add_inserts_only_the_new_entry_and_keeps_long_lines_on_one_line(
    hand_bank: Path,
) -> None:
    path = hand_bank / "points.yaml"
    before = lines_of(path)
    text = "把" + "坚持和加强党的全面领导贯穿始终" * 15  # > 200 characters
    ok(bank_run(hand_bank, "add", "-k", "point", text, "-d", "担当实干", "--body", "展开"))
    after = lines_of(path)
    tail = at(before, "# ── 末尾注释：文件到此为止\n")  # new entries go after the last entry
    added = after[tail : len(after) - (len(before) - tail)]
    assert after == before[:tail] + added + before[tail:]
    assert added[0] == USER_GROUP
    assert f"  text: {text}\n" in added  # not wrapped, not folded, not quoted
    [data] = yaml.safe_load("".join(added[1:]))
    assert data == {
        "id": entry_id("point", text),
        "kind": "point",
        "text": text,
        "body": "展开",
        "dimensions": ["担当实干"],
        "origin": "user",
    }
    # A second add joins the user group: exactly its own lines, after the first one.
    ok(bank_run(hand_bank, "add", "-k", "point", "第二条自己加的要点", "-d", "本领能力"))
    again = lines_of(path)
    second = again[tail + len(added) : len(again) - (len(before) - tail)]
    assert again == before[:tail] + added + second + before[tail:]
    assert second[0].startswith("- id: pt-") and USER_GROUP not in second
    assert_valid(hand_bank)
    assert_line_map_fresh(hand_bank, "point", must_be_cached=True)


REMOVED_SPANS = {
    # entry -> (its first line, the first line after it)
    "pt-hand000001": (
        "- text: '筑牢思想根基，激活担当动力'   # 单引号与行尾注释\n",
        "- id: pt-hand000002\n",
    ),
    "pt-hand000002": ("- id: pt-hand000002\n", "# 两条之间的注释\n"),
    "pt-hand000003": ("- id: pt-hand000003\n", "- id: pt-hand000004\n"),  # with its own comment
    "pt-hand000004": ("- id: pt-hand000004\n", "# ── 末尾注释：文件到此为止\n"),
}


@pytest.mark.parametrize("entry", sorted(REMOVED_SPANS))
def test_remove_takes_out_exactly_the_entry_lines(hand_bank: Path, entry: str) -> None:
    path = hand_bank / "points.yaml"
    before = lines_of(path)
    first, after_it = REMOVED_SPANS[entry]
    start, end = at(before, first), at(before, after_it)
    if entry == "pt-hand000001":
        end -= 1  # the blank line between the two entries stays
    result = ok(bank_run(hand_bank, "remove", entry))
    assert lines_of(path) == before[:start] + before[end:]
    assert (hand_bank / "points.yaml.bak").read_text(encoding="utf-8") == "".join(before)
    assert "points.yaml.bak" in result.stdout
    assert entry not in entries_by_id(hand_bank)
    assert_valid(hand_bank)
    assert_line_map_fresh(hand_bank, "point", must_be_cached=True)


def test_disable_adds_one_line_per_entry_and_enable_restores_the_bytes(hand_bank: Path) -> None:
    path = hand_bank / "points.yaml"
    original = path.read_bytes()
    before = lines_of(path)
    # "disabled: true" goes after each entry's last key (after a block scalar, before the
    # comment lines indented under the entry).
    marks = [
        at(before, "  source: {file: hand.txt, document: 手工整理}\n"),
        at(before, "  origin: user\n", after="- id: pt-hand000002\n"),
        at(before, '    document: "手工整理"\n'),
        at(before, "    第二行接着写。\n"),
    ]
    expected: list[str] = []
    for i, line in enumerate(before):
        expected.append(line)
        if i in marks:
            expected.append("  disabled: true\n")
    ids = ["pt-hand000001", "pt-hand000002", "pt-hand000003", "pt-hand000004"]
    result = ok(bank_run(hand_bank, "disable", *ids))
    assert lines_of(path) == expected
    assert result.stdout.count("已停用") == 4
    points = entries_by_id(hand_bank)
    assert all(points[i].disabled for i in ids)
    assert points["pt-hand000004"].extra["body"] == "折叠的展开文字， 第二行接着写。"
    assert not any(e.id in ids for e in load_bank(hand_bank).all())  # never drafted
    assert_valid(hand_bank)
    assert_line_map_fresh(hand_bank, "point", must_be_cached=True)
    ok(bank_run(hand_bank, "enable", *ids))
    assert path.read_bytes() == original
    assert_line_map_fresh(hand_bank, "point", must_be_cached=True)


def test_edit_changes_only_the_edited_line(hand_bank: Path, editor: Editor) -> None:
    path = hand_bank / "points.yaml"
    before = lines_of(path)
    env = editor.env([['text: "锤炼过硬本领"', 'text: "锤炼过硬本领本事"']])
    result = ok(bank_run(hand_bank, "edit", "pt-hand000002", env=env))
    assert "已修改 pt-hand000002" in result.stdout
    line = at(before, '  text: "锤炼过硬本领"\n')
    assert lines_of(path) == [*before[:line], '  text: "锤炼过硬本领本事"\n', *before[line + 1 :]]
    # The editor saw the entry as it stands in the file, inner comment and all.
    [shown] = editor.seen
    assert "# 条目内部的注释\n" in shown and "body: |\n  第一行展开文字。\n" in shown
    assert editor.kept() == []  # the temporary text is gone after a good edit
    assert_valid(hand_bank)
    assert_line_map_fresh(hand_bank, "point", must_be_cached=True)


def test_edit_of_the_long_entry_keeps_its_long_line_and_its_comment(
    hand_bank: Path, editor: Editor
) -> None:
    path = hand_bank / "points.yaml"
    before = lines_of(path)
    env = editor.env([["- 担当实干", "- 作风纪律"]])
    ok(bank_run(hand_bank, "edit", "pt-hand000003", env=env))
    line = at(before, "  - 担当实干\n")
    assert lines_of(path) == [*before[:line], "  - 作风纪律\n", *before[line + 1 :]]
    assert entries_by_id(hand_bank)["pt-hand000003"].dimensions == ["作风纪律"]
    # The first entry (its dash on the key "text", a trailing comment) also edits in place.
    env = editor.env([["origin: mined", "origin: user"]])
    ok(bank_run(hand_bank, "edit", "pt-hand000001", env=env))
    now = lines_of(path)
    line = at(before, "  origin: mined\n", after="  id: pt-hand000001\n")
    assert now[line] == "  origin: user\n"
    assert now[:line] == before[:line]
    assert_valid(hand_bank)
    assert_line_map_fresh(hand_bank, "point", must_be_cached=True)


# ── 5. bank edit with a scripted $EDITOR ─────────────────────────────────────────────────


def test_an_invalid_edit_is_reopened_with_the_problem_and_the_fix_lands(
    hand_bank: Path, editor: Editor
) -> None:
    path = hand_bank / "points.yaml"
    before = lines_of(path)
    env = editor.env(
        [["- 本领能力", "- 不存在的维度"]],
        [["- 不存在的维度", "- 本领能力"], ['"锤炼过硬本领"', '"锤炼过硬本领本事"']],
    )
    result = ok(bank_run(hand_bank, "edit", "pt-hand000002", env=env))
    first, second = editor.seen
    assert not any(line.startswith("#|") and "不存在" in line for line in first.splitlines())
    hints = [line for line in second.splitlines() if line.startswith("#|")]
    assert any("上次保存的内容有问题" in h for h in hints)
    assert any("没有的维度：不存在的维度" in h for h in hints)
    assert "  - 不存在的维度\n" in second  # the user's own text, not the original
    assert "没有的维度：不存在的维度" in result.stderr
    line = at(before, '  text: "锤炼过硬本领"\n')
    assert lines_of(path) == [*before[:line], '  text: "锤炼过硬本领本事"\n', *before[line + 1 :]]
    assert editor.kept() == []


def test_broken_yaml_is_shown_back_and_can_be_mended(hand_bank: Path, editor: Editor) -> None:
    env = editor.env(
        [['text: "锤炼过硬本领"', 'text: "锤炼过硬本领']],
        [['"锤炼过硬本领\n', '"锤炼过硬本领改"\n']],
    )
    result = ok(bank_run(hand_bank, "edit", "pt-hand000002", env=env))
    assert "YAML 格式错误" in result.stderr
    assert "YAML 格式错误" in editor.seen[1]
    assert entries_by_id(hand_bank)["pt-hand000002"].text == "锤炼过硬本领改"
    assert_valid(hand_bank)


def test_saving_the_same_bad_text_again_gives_up_and_keeps_it(
    hand_bank: Path, editor: Editor
) -> None:
    path = hand_bank / "points.yaml"
    original = path.read_bytes()
    env = editor.env([["- 本领能力", "- 不存在的维度"]], "keep")
    result = bank_run(hand_bank, "edit", "pt-hand000002", env=env)
    assert result.exit_code != 0
    assert path.read_bytes() == original
    assert not (hand_bank / "points.yaml.bak").exists()
    [kept] = editor.kept()
    assert str(kept) in result.stderr and "未保存" in result.stderr
    assert "  - 不存在的维度\n" in kept.read_text(encoding="utf-8")


def test_an_editor_that_never_gets_it_right_is_given_up_after_ten_rounds(
    hand_bank: Path, editor: Editor
) -> None:
    original = (hand_bank / "points.yaml").read_bytes()
    env = editor.env([["- 本领能力", "- 不存在"]], [["- 不存在", "- 不存在了"]])
    result = bank_run(hand_bank, "edit", "pt-hand000002", env=env)
    assert result.exit_code != 0
    assert len(editor.seen) == 10
    assert "改了 10 次仍有问题" in result.stderr
    [kept] = editor.kept()
    assert str(kept) in result.stderr
    assert "- 不存在了了了了了了了了了\n" in kept.read_text(encoding="utf-8")
    assert (hand_bank / "points.yaml").read_bytes() == original


@pytest.mark.parametrize("session", ["keep", [], "clear"], ids=["closed", "saved-as-is", "emptied"])
def test_no_change_leaves_the_bank_alone(hand_bank: Path, editor: Editor, session: Round) -> None:
    original = (hand_bank / "points.yaml").read_bytes()
    result = ok(bank_run(hand_bank, "edit", "pt-hand000002", env=editor.env(session)))
    assert "未改动" in result.stderr + result.stdout
    assert (hand_bank / "points.yaml").read_bytes() == original
    assert not (hand_bank / "points.yaml.bak").exists()
    assert editor.kept() == []


def test_edit_refuses_a_kind_change_a_taken_id_and_a_duplicate_text(
    hand_bank: Path, editor: Editor
) -> None:
    original = (hand_bank / "points.yaml").read_bytes()
    cases = [
        (["kind: point", "kind: phrase"], "种类不能在编辑时更改"),
        (["id: pt-hand000002", "id: pt-hand000003"], "已被另一条素材使用"),
        (['"锤炼过硬本领"', "严守纪律规矩"], "重复"),
        (["origin: user", "origin: somebody"], "origin 应为 mined 或 user"),
    ]
    for change, message in cases:
        result = bank_run(hand_bank, "edit", "pt-hand000002", env=editor.env([change], "keep"))
        assert result.exit_code != 0 and message in result.stderr, (change, result.stderr)
        assert (hand_bank / "points.yaml").read_bytes() == original


def test_an_editor_that_fails_is_reported_with_the_text_kept(
    hand_bank: Path, editor: Editor
) -> None:
    original = (hand_bank / "points.yaml").read_bytes()
    env = {"EDITOR": shlex.join([sys.executable, "-c", "import sys; sys.exit(3)"])}
    result = bank_run(hand_bank, "edit", "pt-hand000002", env=env)
    assert result.exit_code != 0 and "退出码 3" in result.stderr
    assert (hand_bank / "points.yaml").read_bytes() == original
    env = {"EDITOR": "'unbalanced"}
    result = bank_run(hand_bank, "edit", "pt-hand000002", env=env)
    assert result.exit_code != 0 and "EDITOR 无法解析" in result.stderr


def test_an_entry_changed_while_it_is_being_edited_is_not_overwritten(hand_bank: Path) -> None:
    draft = begin_edit(hand_bank, "pt-hand000002")
    ok(bank_run(hand_bank, "disable", "pt-hand000002"))
    changed = (hand_bank / "points.yaml").read_bytes()
    text = draft.text.replace("锤炼过硬本领", "锤炼过硬本领本事")
    with pytest.raises(UsageError, match="编辑期间条目 pt-hand000002 被别的命令改动"):
        finish_edit(hand_bank, draft, text, hand_bank / "edit.yaml")
    assert (hand_bank / "points.yaml").read_bytes() == changed


# ── 6. one test per command ──────────────────────────────────────────────────────────────


@contextlib.contextmanager
def bundled_bank_guard() -> Iterator[None]:
    """Put the bundled bank back as it was if a test wrote into it by mistake (and fail)."""
    before = {p: p.read_bytes() for p in BANK.iterdir() if p.is_file()}
    try:
        yield
    finally:
        after = {p for p in BANK.iterdir() if p.is_file()}
        touched = [p for p in after if p not in before or p.read_bytes() != before[p]]
        for path in after - before.keys():
            path.unlink()
        for path, data in before.items():
            if path.read_bytes() != data:
                path.write_bytes(data)
        assert not touched, f"the bundled bank was written: {touched}"


def test_init_copies_a_bank_that_later_commands_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with bundled_bank_guard():
        result = ok(run("bank", "init"))
        own = tmp_path / "phrasebank"
        assert snapshot(own) == snapshot(BANK)
        assert "已写入" in result.stdout
        # Now the write commands, without --bank, change the copy in the working folder.
        ok(run("bank", "add", "-k", "phrase", "初始化之后自己加的常用语", "-d", "思想引领"))
        assert "初始化之后自己加的常用语" in (own / "phrases.yaml").read_text(encoding="utf-8")
        refused = run("bank", "init")
        assert refused.exit_code != 0 and "不是空目录" in refused.stderr
    other = tmp_path / "nested" / "copy"
    result = ok(run("bank", "init", str(other), "--from", str(tmp_path / "phrasebank")))
    assert f"--bank {other}" in result.stdout
    assert snapshot(other) == {k: v for k, v in snapshot(own).items() if not k.endswith(".bak")}
    (tmp_path / "empty").mkdir()
    ok(run("bank", "init", str(tmp_path / "empty")))  # an empty folder will do
    missing = run("bank", "init", str(tmp_path / "x"), "--from", str(tmp_path / "nope"))
    assert missing.exit_code != 0 and "素材库目录不存在" in missing.stderr
    assert not (tmp_path / "x").exists()


def test_add_refuses_a_duplicate_and_names_the_existing_entry(bank: Path) -> None:
    before = snapshot(bank)
    # The same heading, typed in traditional script with half-width punctuation.
    result = bank_run(bank, "add", "-k", "heading", "築牢思想根基,激活想擔當的“動力源”")
    assert result.exit_code != 0
    assert "素材库里已有这条：h-d5e4b0a40b" in result.stderr
    assert "headings.yaml 第 " in result.stderr
    assert snapshot(bank) == before
    ok(bank_run(bank, "disable", "h-d5e4b0a40b"))
    result = bank_run(bank, "add", "-k", "heading", "筑牢思想根基，激活想担当的“动力源”")
    assert result.exit_code != 0 and "drafter bank enable h-d5e4b0a40b" in result.stderr
    result = bank_run(bank, "add", "-k", "phrase", "同一句话写两遍", "同一句話寫兩遍")
    assert result.exit_code != 0 and "要添加的文字重复了" in result.stderr


def test_add_normalises_tags_and_groups_headings(bank: Path) -> None:
    result = ok(
        bank_run(bank, "add", "-k", "heading", "強化政治引領，築牢信仰之基", "提升專業本領")
    )
    assert result.stdout.count("已添加") == 2
    added = [e for e in load_bank(bank).entries["heading"] if e.origin == "user"]
    assert [e.text for e in added] == ["强化政治引领，筑牢信仰之基", "提升专业本领"]
    assert added[0].extra["set"] == added[1].extra["set"]
    assert [e.extra["position"] for e in added] == [1, 2]
    assert added[0].dimensions == ["思想引领"] and added[1].dimensions == ["本领能力"]
    ok(bank_run(bank, "add", "-k", "quotation", "实践是检验真理的唯一标准", "--speaker", "邓小平"))
    quote = next(e for e in load_bank(bank).entries["quotation"] if e.origin == "user")
    assert quote.extra == {"speaker": "邓小平"} and quote.source is None
    assert_valid(bank)


def test_add_interactive_form_reads_its_answers(bank: Path) -> None:
    answers = "nokind\nquotation\n空谈误国，实干兴邦\n担当实干、作风纪律\n古人\n"
    result = ok(bank_run(bank, "add", "-i", input=answers))
    assert "没有“nokind”这个种类" in result.stdout
    assert "已添加 q-" in result.stdout
    quote = next(e for e in load_bank(bank).entries["quotation"] if e.origin == "user")
    assert quote.text == "空谈误国，实干兴邦"
    assert quote.dimensions == ["担当实干", "作风纪律"]
    assert quote.extra == {"speaker": "古人"}
    # Headings: several texts at once, separated by "|"; the suggested dimension is taken.
    result = ok(bank_run(bank, "add", "-i", "-k", "heading", input="甲组标题文字|乙组标题文字\n\n"))
    assert result.stdout.count("已添加") == 2
    # Too few answers: nothing is written.
    before = snapshot(bank)
    result = bank_run(bank, "add", "-i", input="point\n")
    assert result.exit_code != 0 and "回答提前结束" in result.stderr
    assert snapshot(bank) == before


def test_remove_notes_mined_entries_and_heading_patterns(bank: Path) -> None:
    result = ok(bank_run(bank, "remove", "h-d5e4b0a40b", "ph-6aff643805", "h-d5e4b0a40b"))
    assert result.stdout.count("已删除") == 2
    assert "drafter bank disable" in result.stdout  # mined entries come back when re-mined
    assert "patterns.yaml" in result.stdout  # a pattern's fillers came from that heading
    assert {"headings.yaml.bak", "phrases.yaml.bak"} <= set(snapshot(bank))
    ids = entries_by_id(bank)
    assert "h-d5e4b0a40b" not in ids and "ph-6aff643805" not in ids
    assert_valid(bank)
    for kind in ("heading", "phrase"):
        assert_line_map_fresh(bank, kind, must_be_cached=True)


def test_disable_and_enable_report_what_was_already_so(bank: Path) -> None:
    ok(bank_run(bank, "disable", "pt-6705fa4fbc"))
    assert entries_by_id(bank)["pt-6705fa4fbc"].disabled
    assert "pt-6705fa4fbc" not in {e.id for e in load_bank(bank).all()}
    listed = ok(bank_run(bank, "list", "--disabled"))
    assert "pt-6705fa4fbc" in listed.stdout
    before = snapshot(bank)
    again = ok(bank_run(bank, "disable", "pt-6705fa4fbc"))
    assert "未变 pt-6705fa4fbc" in again.stdout
    assert snapshot(bank) == before  # nothing written, not even a backup
    ok(bank_run(bank, "enable", "pt-6705fa4fbc"))
    assert (bank / "points.yaml").read_bytes() == (speech_bank() / "points.yaml").read_bytes()
    assert "未变" in ok(bank_run(bank, "enable", "pt-6705fa4fbc")).stdout


DUPLICATES = """\
kind: phrase
entries:
- id: ph-dup0000001
  kind: phrase
  text: 切实增强政治意识和大局意识
  dimensions: [思想引领]
  origin: user
# 注释留在原处
- id: ph-dup0000002
  kind: phrase
  text: 切实增强政治意识和大局意识。
  dimensions: [思想引领]
  origin: user
- id: ph-dup0000003
  kind: phrase
  text: 切實增強政治意識和大局意識
  dimensions: [思想引领]
  origin: user
- id: ph-dup0000004
  kind: phrase
  text: 完全不同的另一句常用语文字
  dimensions: [思想引领]
  origin: user
"""


def test_dedupe_lists_on_dry_run_and_merges_with_yes(bank: Path) -> None:
    (bank / "phrases.yaml").write_text(DUPLICATES, encoding="utf-8")
    before = snapshot(bank)
    listed = ok(bank_run(bank, "dedupe", "--dry-run"))
    assert "保留 ph-dup0000001" in listed.stdout
    assert "并入 ph-dup0000002" in listed.stdout and "并入 ph-dup0000003" in listed.stdout
    assert "共 1 组，2 条可并入" in listed.stdout
    assert snapshot(bank) == before
    asked = bank_run(bank, "dedupe")  # not a terminal: asks for --yes, writes nothing
    assert asked.exit_code != 0 and "--yes" in asked.stderr
    assert snapshot(bank) == before
    ok(bank_run(bank, "dedupe", "--yes", "-k", "phrase"))
    phrases = [e.id for e in load_bank(bank).entries["phrase"]]
    assert phrases == ["ph-dup0000001", "ph-dup0000004"]  # merged user entries are removed
    assert "# 注释留在原处\n" in (bank / "phrases.yaml").read_text(encoding="utf-8")
    assert_valid(bank)
    assert_line_map_fresh(bank, "phrase", must_be_cached=True)
    assert "没有发现重复" in ok(bank_run(bank, "dedupe", "--dry-run", "-k", "phrase")).stdout


def test_export_json_and_csv_to_the_screen_and_to_files(bank: Path, tmp_path: Path) -> None:
    ok(bank_run(bank, "disable", "ph-6aff643805"))
    total = len(load_bank(bank).all(include_disabled=True))
    data = json.loads(ok(bank_run(bank, "export", "-f", "json")).stdout)
    assert data["drafter-bank-export"] == 1 and len(data["entries"]) == total
    assert {"id": "ph-6aff643805", "disabled": True}.items() <= next(
        e for e in data["entries"] if e["id"] == "ph-6aff643805"
    ).items()
    shown = ok(bank_run(bank, "export", "--format", "csv", "-k", "point")).stdout
    assert not shown.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(shown)))
    assert len(rows) == len(load_bank(bank).entries["point"])
    assert {r["kind"] for r in rows} == {"point"}
    assert json.loads(rows[0]["extra"])["body"]
    phrases = yaml.safe_load(ok(bank_run(bank, "export", "-k", "phrase")).stdout)
    assert len(phrases["entries"]) == len(load_bank(bank).entries["phrase"])
    out = tmp_path / "out.csv"
    result = ok(bank_run(bank, "export", "-f", "csv", "-o", str(out)))
    assert f"已导出 {total} 条" in result.stderr + result.stdout
    assert out.read_bytes().startswith("\ufeff".encode())  # for Excel
    refused = bank_run(bank, "export", "-f", "json", "-o", str(out))
    assert refused.exit_code != 0 and "--force" in refused.stderr
    assert out.read_bytes().startswith("\ufeff".encode())
    ok(bank_run(bank, "export", "-f", "json", "-o", str(out), "--force"))
    assert json.loads(out.read_text(encoding="utf-8"))["entries"]
    points = tmp_path / "points.yaml"
    ok(bank_run(bank, "export", "-k", "point", "-o", str(points)))
    exported = yaml.safe_load(points.read_text(encoding="utf-8"))
    assert [e["id"] for e in exported["entries"]] == [
        e.id for e in load_bank(bank).entries["point"]
    ]


BAD_IMPORT = """\
entries:
- kind: phrase
  text: 这一条没有问题
- kind: phrase
  text: "，。"
- kind: nonsense
  text: 种类不对
- kind: point
  text: 维度不对的要点
  dimensions: [不存在的维度]
"""


def test_import_reports_every_problem_with_its_line_and_writes_nothing(
    bank: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_IMPORT, encoding="utf-8")
    before = snapshot(bank)
    result = bank_run(bank, "import", str(bad))
    assert result.exit_code != 0
    assert f"{bad}:5:" in result.stderr and "不能为空" in result.stderr
    assert f"{bad}:6:" in result.stderr and "kind" in result.stderr
    assert f"{bad}:10:" in result.stderr and "不存在的维度" in result.stderr
    assert snapshot(bank) == before
    broken = tmp_path / "broken.json"
    broken.write_text('{"entries": [ {"kind": "phrase", "text": "x"} ', encoding="utf-8")
    result = bank_run(bank, "import", str(broken))
    assert result.exit_code != 0 and f"{broken}:1:" in result.stderr
    assert snapshot(bank) == before


def test_import_twice_adds_nothing_the_second_time(bank: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared.yaml"
    shared.write_text(
        "entries:\n"
        "- kind: phrase\n  text: 导入的第一条常用语\n  dimensions: [思想引领]\n"
        "- kind: quotation\n  text: 导入的一句引语\n  speaker: 某人\n"
        "- kind: phrase\n  text: 有为者有位、能干者能上、优秀者优先\n",  # already in the bank
        encoding="utf-8",
    )
    first = ok(bank_run(bank, "import", str(shared)))
    assert "导入 2 条，跳过 1 条" in first.stdout
    after_first = snapshot(bank)
    second = ok(bank_run(bank, "import", str(shared)))
    assert "导入 0 条，跳过 3 条" in second.stdout
    assert snapshot(bank) == after_first
    imported = [e for e in load_bank(bank).all() if e.origin == "user"]
    assert sorted(e.text for e in imported) == ["导入的一句引语", "导入的第一条常用语"]
    assert_valid(bank)


def test_csv_export_imports_into_an_empty_bank_and_only_once(bank: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    ok(bank_run(bank, "export", "-f", "csv", "-o", str(out)))
    empty = tmp_path / "empty"
    empty.mkdir()
    for name in ("dimensions.yaml", "themes.yaml"):
        shutil.copyfile(bank / name, empty / name)
    total = len(load_bank(bank).all(include_disabled=True))
    assert f"导入 {total} 条，跳过 0 条" in ok(bank_run(empty, "import", str(out))).stdout
    assert f"导入 0 条，跳过 {total} 条" in ok(bank_run(empty, "import", str(out))).stdout
    mine, theirs = load_bank(bank), load_bank(empty)
    for kind in KINDS:
        assert [e.text for e in theirs.entries[kind]] == [e.text for e in mine.entries[kind]]
    assert_valid(empty)


# ── 9. bad input: a message on stderr, never a traceback, nothing written ─────────────────

BAD_INPUT = [
    (["add", "-k", "nope", "一些文字"], "未知的种类“nope”，可选：heading、point"),
    (["add", "-k", "phrase", "锐意进取开拓创新", "-d", "不存在"], "（可选：思想引领、本领能力"),
    (["add", "-k", "phrase", "锐意进取开拓创新", "-d", "思想引"], "是不是：思想引领"),
    (["add", "-k", "phrase", "，。！  "], "不能为空"),
    (["add", "-k", "phrase", ""], "不能为空"),
    (["add", "-k", "heading_pattern", "…，…"], "标题句式由挖掘同组标题得来，不能直接添加"),
    (["add", "-k", "quotation", "第一行\n第二行"], "只能是一行文字"),
    (["add", "-k", "phrase"], "请用 --kind 给出种类"),
    (["add", "一些文字"], "请用 --kind 给出种类"),
    (["remove", "h-d5e4b0a40c"], "没有编号为“h-d5e4b0a40c”的条目，是不是：h-d5e4b0a40b"),
    (["remove", "h-d5e4b0a40b", "zz-nothing"], "没有编号为“zz-nothing”"),
    (["disable", "pt-6705fa4fbd"], "是不是：pt-6705fa4fbc"),
    (["enable", "pt-6705fa4fbd"], "是不是：pt-6705fa4fbc"),
    (["edit", "pt-6705fa4fbd"], "是不是：pt-6705fa4fbc"),
    (["dedupe", "--threshold", "0.2"], "0.5 到 1"),
    (["dedupe", "-k", "heading"], "去重不处理“heading”"),
    (["export", "-f", "xml"], "不支持的导出格式“xml”"),
    (["export", "-k", "nope"], "未知的种类“nope”"),
    (["import", "no-such-file.yaml"], "no-such-file.yaml"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_is_a_message_and_writes_nothing(
    bank: Path,
    editor: Editor,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    before = snapshot(bank)
    result = bank_run(bank, *args, env=editor.env("keep"))
    assert result.exit_code != 0
    assert message in result.stderr, result.stderr
    assert "错误：" in result.stderr
    assert snapshot(bank) == before
    assert editor.seen == []


WRITES = [
    ["add", "-k", "phrase", "写进自带素材库的常用语"],
    ["remove", "ph-6aff643805"],
    ["disable", "ph-6aff643805"],
    ["enable", "ph-6aff643805"],
    ["edit", "ph-6aff643805"],
    ["dedupe", "--yes"],
    ["import", "whatever.yaml"],
]


@pytest.mark.parametrize("args", WRITES, ids=[a[0] for a in WRITES])
def test_write_commands_refuse_the_bundled_bank(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, editor: Editor, args: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no phrasebank/ here: the bundled one is in use
    with bundled_bank_guard():
        result = run("bank", *args, env=editor.env("keep"))
        assert result.exit_code != 0
        assert "drafter 自带的素材库，不能直接修改" in result.stderr
        assert "drafter bank init" in result.stderr
    assert editor.seen == []


def test_reading_commands_still_use_the_bundled_bank(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    ok(run("bank", "dedupe", "--dry-run"))
    ok(run("bank", "export", "-f", "json", "-k", "phrase"))


# ── 8. edge layouts of a bank file ───────────────────────────────────────────────────────

NEW_PHRASE = "锐意进取开拓创新"
LAYOUTS = {
    "empty-flow-list": "# 空的常用语\nkind: phrase\nentries: []  # 还没有\n# 尾注\n",
    "entries-alone": "kind: phrase\nentries:\n",
    "entries-alone-no-newline": "kind: phrase\nentries:",
    "no-entries-key": "# 只有表头\nkind: phrase\n",
    "only-a-comment": "# 什么都没有\n",
    "empty-file": "",
    "entries-first": "entries:\nkind: phrase\n",
    "indented-items": (
        "kind: phrase\n"
        "entries:\n"
        "  - id: ph-hand000001\n"
        "    kind: phrase\n"
        "    text: 原有的常用语\n"
        "    origin: user\n"
        "  # 尾注\n"
    ),
    "document-markers": "---\nkind: phrase\nentries:\n- id: ph-hand000001\n  text: 原有的常用语\n...\n",
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_add_disable_remove_on_edge_layouts(bank: Path, layout: str) -> None:
    path = bank / "phrases.yaml"
    original = LAYOUTS[layout]
    path.write_text(original, encoding="utf-8")
    ok(bank_run(bank, "add", "-k", "phrase", NEW_PHRASE, "-d", "思想引领"))
    new_id = entry_id("phrase", NEW_PHRASE)
    text = path.read_text(encoding="utf-8")
    # Every line of the old file stays, in order (only "entries: []" loses its brackets).
    kept = [line for line in original.splitlines() if not line.startswith("entries: []")]
    assert is_subsequence(kept, text.splitlines())
    assert [e.id for e in load_bank(bank).entries["phrase"]][-1] == new_id
    if layout == "indented-items":
        assert f"  - id: {new_id}\n" in text and text.endswith("  # 尾注\n")
    assert_valid(bank)
    assert_line_map_fresh(bank, "phrase", must_be_cached=True)
    ok(bank_run(bank, "disable", new_id))
    assert entries_by_id(bank)[new_id].disabled
    ok(bank_run(bank, "remove", new_id))
    assert new_id not in entries_by_id(bank)
    assert_valid(bank)
    assert_line_map_fresh(bank, "phrase", must_be_cached=True)


def test_a_missing_kind_file_is_created_on_add(bank: Path) -> None:
    (bank / "closings.yaml").unlink()
    ok(bank_run(bank, "add", "-k", "closing", "让我们更加紧密地团结起来，为实现目标而努力奋斗"))
    assert [e.origin for e in load_bank(bank).entries["closing"]] == ["user"]
    assert not (bank / "closings.yaml.bak").exists()
    assert_valid(bank)


FLOW = "kind: phrase\nentries: [ {id: ph-hand000001, kind: phrase, text: 原有的常用语, origin: user} ]\n"


@pytest.mark.parametrize(
    "args",
    [
        ["add", "-k", "phrase", NEW_PHRASE],
        ["remove", "ph-hand000001"],
        ["disable", "ph-hand000001"],
        ["edit", "ph-hand000001"],
        ["import", "SHARED"],
    ],
    ids=["add", "remove", "disable", "edit", "import"],
)
def test_a_flow_style_entries_list_is_refused_with_a_clear_message(
    bank: Path, tmp_path: Path, editor: Editor, args: list[str]
) -> None:
    (bank / "phrases.yaml").write_text(FLOW, encoding="utf-8")
    shared = tmp_path / "shared.yaml"
    shared.write_text(f"entries:\n- kind: phrase\n  text: {NEW_PHRASE}\n", encoding="utf-8")
    before = snapshot(bank)
    args = [str(shared) if a == "SHARED" else a for a in args]
    result = bank_run(bank, *args, env=editor.env("keep"))
    assert result.exit_code != 0
    assert "流式列表" in result.stderr and "phrases.yaml" in result.stderr
    assert snapshot(bank) == before
    assert [e.id for e in load_bank(bank).entries["phrase"]] == ["ph-hand000001"]  # readable


CRLF = (
    "# Windows 记事本保存的文件\r\n"
    "kind: phrase\r\n"
    "entries:\r\n"
    "- id: ph-hand000001\r\n"
    "  kind: phrase\r\n"
    "  text: 原有的第一条\r\n"
    "  origin: user\r\n"
    "# 中间的注释\r\n"
    "- id: ph-hand000002\r\n"
    "  kind: phrase\r\n"
    "  text: 原有的第二条\r\n"
    "  origin: user\r\n"
)


def test_crlf_files_keep_their_lines(bank: Path) -> None:
    path = bank / "phrases.yaml"
    path.write_bytes(CRLF.encode())
    old = CRLF.splitlines(keepends=True)
    ok(bank_run(bank, "add", "-k", "phrase", NEW_PHRASE))
    after = path.read_bytes().decode().splitlines(keepends=True)
    assert after[: len(old)] == old
    ok(bank_run(bank, "disable", "ph-hand000001"))
    assert entries_by_id(bank)["ph-hand000001"].disabled
    assert_line_map_fresh(bank, "phrase", must_be_cached=True)
    ok(bank_run(bank, "enable", "ph-hand000001"))
    assert path.read_bytes().decode().splitlines(keepends=True)[: len(old)] == old
    ok(bank_run(bank, "remove", "ph-hand000002"))
    now = path.read_bytes().decode()
    assert now.startswith("".join(old[:8])) and "原有的第二条" not in now
    assert_valid(bank)
    assert_line_map_fresh(bank, "phrase", must_be_cached=True)


U2028 = (
    "kind: phrase\n"
    "entries:\n"
    "- id: ph-hand000001\n"
    "  kind: phrase\n"
    '  text: "前半句\u2028后半句"\n'
    "  origin: user\n"
    "- id: ph-hand000002\n"
    "  kind: phrase\n"
    "  text: 第二条常用语\n"
    "  origin: user\n"
)


def test_a_line_separator_inside_a_text_is_kept(bank: Path) -> None:
    path = bank / "phrases.yaml"
    path.write_text(U2028, encoding="utf-8")
    assert entries_by_id(bank)["ph-hand000001"].text == "前半句\u2028后半句"
    ok(bank_run(bank, "disable", "ph-hand000001", "ph-hand000002"))
    ok(bank_run(bank, "add", "-k", "phrase", NEW_PHRASE))
    assert_line_map_fresh(bank, "phrase", must_be_cached=True)
    ok(bank_run(bank, "enable", "ph-hand000001", "ph-hand000002"))
    ok(bank_run(bank, "remove", "ph-hand000002"))
    text = path.read_text(encoding="utf-8")
    assert text.startswith(U2028[: U2028.index("- id: ph-hand000002")])
    assert entries_by_id(bank)["ph-hand000001"].text == "前半句\u2028后半句"
    assert_valid(bank)
    assert_line_map_fresh(bank, "phrase", must_be_cached=True)
    # Typed text with a line separator is a line break: refused for one-line kinds.
    result = bank_run(bank, "add", "-k", "phrase", "前半\u2028后半")
    assert result.exit_code != 0 and "只能是一行文字" in result.stderr


# ── 7. property: after any sequence of writes, the cached line map is a fresh parse ─────────


def _edited(text: str, rng: random.Random, kind: str) -> str:
    lines = text.splitlines(keepends=True)
    choice = rng.randrange(3)
    if choice == 0:
        return text + "# 随手记的注释\n"
    if choice == 1 or kind == "heading_pattern":
        return "".join([lines[0], "# 条目里的注释\n", *lines[1:]])
    for i, line in enumerate(lines):
        plain = line.rstrip("\n")
        if plain.startswith("text: ") and plain[-1] not in "'\"|>":
            lines[i] = line.rstrip("\n") + "又改\n"
            return "".join(lines)
    return text + "# 随手记的注释\n"


@pytest.mark.parametrize("seed", [1, 2])
def test_random_writes_keep_the_cached_line_map_equal_to_a_fresh_parse(
    tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    target = copy_bank(tmp_path)
    model = {e.id: e.disabled for e in load_bank(target).all(include_disabled=True)}
    kinds = [k for k in KINDS if k != "heading_pattern"]
    seen: dict[str, bytes] = {}
    for step in range(36):
        ids = sorted(model)
        op = rng.choice(["add", "add", "remove", "disable", "enable", "edit", "edit"])
        if op == "add":
            kind = rng.choice(kinds)
            texts = [f"第{seed}轮第{step}步添加的{kind}素材"]
            if kind == "heading" and rng.random() < 0.5:
                texts.append(f"第{seed}轮第{step}步添加的同组标题")
            dims = rng.choice([(), ("担当实干",)])
            body = "展开的文字" if kind == "point" else None
            change = add_entries(target, NewEntries(kind, tuple(texts), dims, body))
            model.update({e.id: False for e in change.entries})
        elif op == "remove":
            picked = rng.sample(ids, rng.randint(1, 3))
            remove_entries(target, picked)
            for entry in picked:
                del model[entry]
        elif op in ("disable", "enable"):
            picked = rng.sample(ids, rng.randint(1, 3))
            set_disabled(target, picked, op == "disable")
            model.update(dict.fromkeys(picked, op == "disable"))
        else:
            entry = rng.choice(ids)
            draft = begin_edit(target, entry)
            finish_edit(target, draft, _edited(draft.text, rng, draft.kind), tmp_path / "e.yaml")
        for kind in KINDS:  # a file that did not change keeps its (checked) line map
            data = (target / KINDS[kind][0]).read_bytes()
            if seen.get(kind) != data:
                assert_line_map_fresh(target, kind)
                seen[kind] = data
        if step % 12 == 11:
            assert_valid(target)
            assert {e.id: e.disabled for e in load_bank(target).all(include_disabled=True)} == (
                model
            )
    assert_valid(target)


# ── 4. re-mining keeps the user's entries and disabled marks ────────────────────────────


def test_re_mining_keeps_user_entries_and_disabled_marks(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for path in sorted(SEEDS.iterdir())[:2]:
        shutil.copyfile(path, seeds / path.name)
    out = tmp_path / "mined"
    ok(run("mine", str(seeds), "--out", str(out)))
    mined = [e for e in load_bank(out).entries["point"] if e.origin == "mined"]
    pattern = load_bank(out).entries["heading_pattern"][0]
    victim, gone = mined[0], mined[1]
    ok(
        bank_run(
            out, "add", "-k", "point", "我自己写的一条要点", "-d", "本领能力", "--body", "展开"
        )
    )
    ok(bank_run(out, "disable", victim.id, pattern.id))
    removed = ok(bank_run(out, "remove", gone.id))
    assert "drafter bank disable" in removed.stdout
    result = ok(run("mine", str(seeds), "--out", str(out)))
    assert "保留用户条目 1 条、停用标记 2 个" in result.stdout
    after = entries_by_id(out)
    mine = after[entry_id("point", "我自己写的一条要点")]
    assert mine.origin == "user" and mine.extra["body"] == "展开"
    assert after[victim.id].disabled and after[pattern.id].disabled
    assert gone.id in after and not after[gone.id].disabled  # removed: mined again
    assert_valid(out)
    # The write commands work on the re-mined files (the cached line maps are stale).
    ok(bank_run(out, "enable", victim.id))
    assert not entries_by_id(out)[victim.id].disabled
    assert_line_map_fresh(out, "point", must_be_cached=True)


@pytest.mark.slow
@POSIX_ONLY
def test_mining_waits_for_a_bank_write_and_keeps_what_it_wrote(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copyfile(sorted(SEEDS.iterdir())[0], seeds / sorted(SEEDS.iterdir())[0].name)
    out = tmp_path / "mined"
    ok(run("mine", str(seeds), "--out", str(out)))
    with bank_lock(out):  # a bank command is writing
        proc = subprocess.Popen(
            [*drafter_command(), "mine", str(seeds), "--out", str(out)],
            env=child_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        time.sleep(0.6)
        assert proc.poll() is None, "mining did not wait for the bank lock"
        edit = FileEdit(out, "phrase")  # what bank add does under the lock
        edit.append(
            [
                {
                    "id": entry_id("phrase", "挖掘时加的常用语"),
                    "kind": "phrase",
                    "text": "挖掘时加的常用语",
                    "dimensions": ["思想引领"],
                    "origin": "user",
                }
            ]
        )
        edit.save()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()
    assert entries_by_id(out)[entry_id("phrase", "挖掘时加的常用语")].origin == "user"
    assert_valid(out)


# ── 2. concurrent adds from real processes ───────────────────────────────────────────────


def big_phrases(path: Path, count: int, width: int) -> None:
    """A large phrases file (so that a write takes measurable time), valid and quick to make."""
    out = ["# 大文件\n", "kind: phrase\n", "entries:\n"]
    for i in range(count):
        text = f"第{i}条" + "用来把文件撑大保证写入需要可测量的时间" * width
        out.append(
            f"- id: ph-big{i:07d}\n  kind: phrase\n  text: {text}\n"
            "  dimensions:\n  - 思想引领\n  origin: mined\n"
        )
    path.write_text("".join(out), encoding="utf-8")


DRIVER = """\
import os, subprocess, sys, time
barrier, bank, side, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
command = sys.argv[5:]
while not os.path.exists(barrier):
    time.sleep(0.001)
for i in range(count):
    text = f"{side}方第{i}条并发写入的常用语"
    args = [*command, "bank", "add", "-k", "phrase", text, "-d", "思想引领", "--bank", bank]
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{text}: exit {done.returncode}: {done.stderr}")
"""


@pytest.mark.slow
@POSIX_ONLY
def test_two_processes_adding_at_once_both_land(tmp_path: Path) -> None:
    target = copy_bank(tmp_path)
    big_phrases(target / "phrases.yaml", 200, 30)  # a third of a megabyte: longer lock holds
    load_line_map(target, "phrase")  # warm the shared cache, as any earlier command would
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    barrier = tmp_path / "go"
    count = 3
    command = drafter_command()
    sides = [
        subprocess.Popen(
            [sys.executable, str(driver), str(barrier), str(target), side, str(count), *command],
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for side in ("甲", "乙")
    ]
    time.sleep(0.05)
    barrier.touch()
    for proc in sides:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    texts = [e.text for e in load_bank(target).entries["phrase"]]
    for side in ("甲", "乙"):
        for i in range(count):
            assert texts.count(f"{side}方第{i}条并发写入的常用语") == 1
    assert all(t.startswith(f"第{i}条") for i, t in enumerate(texts[:200]))  # untouched
    assert ok(bank_run(target, "validate")).stdout
    assert_line_map_fresh(target, "phrase")


@pytest.mark.slow
@POSIX_ONLY
def test_many_adds_started_at_the_same_moment_all_land(tmp_path: Path) -> None:
    target = copy_bank(tmp_path)
    texts = [f"同时启动的第{i}个进程添加的要点" for i in range(4)]
    procs = [
        subprocess.Popen(
            [*drafter_command(), "bank", "add", "-k", "point", text, "--bank", str(target)],
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for text in texts
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    points = [e.text for e in load_bank(target).entries["point"]]
    assert sorted(t for t in points if t in texts) == sorted(texts)
    assert (target / "points.yaml").read_text(encoding="utf-8").count(USER_GROUP) == 1
    done = subprocess.run(
        [*drafter_command(), "bank", "validate", "--bank", str(target)],
        env=child_env(),
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert_line_map_fresh(target, "point")


# ── 3. SIGKILL during a write ────────────────────────────────────────────────────────────


BIG = 900  # entries of the big file: about 1.6 MB
FINAL = "杀完之后正常添加的常用语"


def _temporaries(folder: Path) -> set[str]:
    return {
        e.name
        for e in os.scandir(folder)
        if e.name.startswith(".phrases.yaml.") and e.name.endswith(".tmp") and ".bak." not in e.name
    }


def _kill_add(target: Path, text: str, delay: float | None) -> tuple[bool, int]:
    """Start an add and SIGKILL it after ``delay`` seconds, or (``None``) the moment its
    temporary file appears; whether the kill came while the new file was being written."""
    known = _temporaries(target)
    args = [*drafter_command(), "bank", "add", "-k", "phrase", text, "-d", "思想引领"]
    proc = subprocess.Popen(
        [*args, "--bank", str(target)],
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    mid_write = False
    try:
        if delay is None:
            deadline = time.monotonic() + 30
            while proc.poll() is None and time.monotonic() < deadline:
                if _temporaries(target) - known:
                    mid_write = True
                    break
        else:
            time.sleep(delay)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    return mid_write, proc.returncode


@pytest.mark.slow
@POSIX_ONLY
def test_sigkill_during_a_write_leaves_the_old_file_or_the_new_one(tmp_path: Path) -> None:
    target = copy_bank(tmp_path)
    path = target / "phrases.yaml"
    big_phrases(path, BIG, 30)
    load_line_map(target, "phrase")  # warm cache: the children spend their time writing
    landed: list[str] = []
    mid_writes = 0
    # Kills at fixed delays land anywhere (start-up, reading, writing, after); kills the moment
    # the temporary file appears land while the new file is being written: tried until two
    # have (a loaded machine may let a short write slip by the poll).
    attempts: list[float | None] = [0.05, None, 0.15, None, 0.25, None, 0.35, None, None, None]
    for n, delay in enumerate(attempts):
        if delay is None and mid_writes >= 2:
            continue
        old = path.read_bytes()
        text = f"被杀掉的第{n}次添加的常用语"
        mid_write, code = _kill_add(target, text, delay)
        mid_writes += mid_write and code == -signal.SIGKILL
        new = path.read_bytes()
        if new == old:
            continue
        # Never torn: the old bytes, then exactly the new entry (after the group mark).
        assert new.startswith(old), f"attempt {n}: the old content was changed"
        tail = new[len(old) :].decode("utf-8").removeprefix(USER_GROUP)
        assert yaml.safe_load(tail) == [
            {
                "id": entry_id("phrase", text),
                "kind": "phrase",
                "text": text,
                "dimensions": ["思想引领"],
                "origin": "user",
            }
        ], f"attempt {n}"
        landed.append(text)
    assert mid_writes >= 1, "no kill landed while the new file was being written"
    # The lock died with the killed processes; a stale line-map cache is not trusted.
    done = subprocess.run(
        [
            *drafter_command(),
            "bank",
            "add",
            "-k",
            "phrase",
            FINAL,
            "-d",
            "思想引领",
            "--bank",
            str(target),
        ],
        env=child_env(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    texts = [e["text"] for e in loaded["entries"]]
    assert len(texts) == BIG + len(landed) + 1
    assert texts[BIG:] == [*landed, FINAL]
    assert_line_map_fresh(target, "phrase", must_be_cached=True)


# ── regressions: bugs these tests found, fixed ───────────────────────────────────────────


def test_bug_yaml_export_of_the_bundled_bank() -> None:
    # The speech bank: real mined entries; exporting the whole bundled bank takes ~20 s.
    result = run("bank", "export", "--bank", str(speech_bank()))
    assert result.exit_code == 0
    assert len(yaml.safe_load(result.stdout)["entries"]) == len(
        load_bank(speech_bank()).all(include_disabled=True)
    )


def _empty_bank(tmp_path: Path) -> Path:
    empty = tmp_path / "empty"
    empty.mkdir()
    for name in ("dimensions.yaml", "themes.yaml"):
        shutil.copyfile(BANK / name, empty / name)
    return empty


def test_bug_import_of_a_yaml_export_with_sources(bank: Path, tmp_path: Path) -> None:
    out = tmp_path / "points.yaml"
    ok(bank_run(bank, "export", "-k", "point", "-o", str(out)))  # points export fine
    target = _empty_bank(tmp_path)
    result = bank_run(target, "import", str(out))
    assert result.exit_code == 0
    assert len(load_bank(target).entries["point"]) == len(load_bank(bank).entries["point"])


def test_bug_import_of_a_json_export(bank: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.json"
    ok(bank_run(bank, "export", "-f", "json", "-o", str(out)))
    target = _empty_bank(tmp_path)
    result = bank_run(target, "import", str(out))
    assert result.exit_code == 0
    assert len(load_bank(target).all(include_disabled=True)) == len(
        load_bank(bank).all(include_disabled=True)
    )


MINED_DUPLICATES = """\
kind: quotation
entries:
- id: q-dup0000001
  kind: quotation
  text: 空谈误国，实干兴邦
  dimensions: [担当实干]
  source: {file: a.txt, document: 甲}
  origin: mined
- id: q-dup0000002
  kind: quotation
  text: 空谈误国,实干兴邦
  dimensions: [担当实干]
  source: {file: b.txt, document: 乙}
  origin: mined
"""


def test_bug_dedupe_merge_of_mined_entries(bank: Path) -> None:
    (bank / "quotations.yaml").write_text(MINED_DUPLICATES, encoding="utf-8")
    result = bank_run(bank, "dedupe", "--yes", "-k", "quotation")
    assert result.exit_code == 0
    quotes = entries_by_id(bank)
    assert quotes["q-dup0000001"].origin == "user"
    assert [s.file for s in [quotes["q-dup0000001"].source, *quotes["q-dup0000001"].also_in]] == [
        "a.txt",
        "b.txt",
    ]
    assert quotes["q-dup0000002"].disabled
    assert quotes["q-dup0000002"].extra["merged_into"] == "q-dup0000001"


def test_bug_disable_of_a_flow_mapping_entry_with_a_source(bank: Path) -> None:
    (bank / "phrases.yaml").write_text(
        "kind: phrase\nentries:\n"
        "- {id: ph-hand000001, kind: phrase, text: 原有的常用语, source: {file: a.txt}, "
        "origin: mined}\n",
        encoding="utf-8",
    )
    result = bank_run(bank, "disable", "ph-hand000001")
    assert result.exit_code == 0
    assert entries_by_id(bank)["ph-hand000001"].disabled


@pytest.mark.parametrize("empty", ["~", "null"])
def test_bug_add_to_entries_null(bank: Path, empty: str) -> None:
    (bank / "phrases.yaml").write_text(f"kind: phrase\nentries: {empty}\n", encoding="utf-8")
    ok(bank_run(bank, "add", "-k", "phrase", NEW_PHRASE))
    assert_valid(bank)


def test_bug_disable_after_a_block_scalar_ending_in_a_hash_line(bank: Path) -> None:
    (bank / "points.yaml").write_text(
        "kind: point\nentries:\n"
        "- id: pt-hand000001\n  kind: point\n  text: 第一条要点\n  origin: user\n"
        "  body: |\n    第一行正文\n    # 第二行以井号开头，也是正文\n",
        encoding="utf-8",
    )
    ok(bank_run(bank, "disable", "pt-hand000001"))
    point = entries_by_id(bank)["pt-hand000001"]
    assert point.disabled
    assert point.extra["body"] == "第一行正文\n# 第二行以井号开头，也是正文\n"


def test_bug_remove_of_an_entry_holding_an_anchor(bank: Path) -> None:
    (bank / "points.yaml").write_text(
        "kind: point\nentries:\n"
        "- id: pt-hand000001\n  kind: point\n  text: 第一条要点\n"
        "  dimensions: &dims [思想引领]\n  origin: user\n"
        "- id: pt-hand000002\n  kind: point\n  text: 第二条要点\n"
        "  dimensions: *dims\n  origin: user\n",
        encoding="utf-8",
    )
    assert_valid(bank)
    result = bank_run(bank, "remove", "pt-hand000001")
    assert result.exit_code != 0 or validate_bank(bank) == []


def test_bug_edit_with_a_leading_comment_and_the_cached_line_map(
    hand_bank: Path, editor: Editor
) -> None:
    env = editor.env([["id: pt-hand000004", "# 新加的说明\nid: pt-hand000004"]])
    ok(bank_run(hand_bank, "edit", "pt-hand000004", env=env))
    assert_line_map_fresh(hand_bank, "point", must_be_cached=True)


def test_bug_edit_problem_lines_count_the_hint_lines(hand_bank: Path, editor: Editor) -> None:
    env = editor.env([["- 本领能力", "- 不存在的维度"]], "keep")
    result = bank_run(hand_bank, "edit", "pt-hand000002", env=env)
    shown = editor.seen[0].splitlines()
    line = shown.index("  - 本领能力") + 1  # where the bad value is in the saved file
    assert f"pt-hand000002.yaml:{line}:" in result.stderr


def test_bug_crlf_edit_without_a_change(bank: Path, editor: Editor) -> None:
    path = bank / "phrases.yaml"
    path.write_bytes(CRLF.encode())
    result = ok(bank_run(bank, "edit", "ph-hand000001", env=editor.env("keep")))
    assert "未改动" in result.stderr + result.stdout
    assert path.read_bytes() == CRLF.encode()


def test_bug_crlf_files_get_lf_lines(bank: Path) -> None:
    path = bank / "phrases.yaml"
    path.write_bytes(CRLF.encode())
    ok(bank_run(bank, "add", "-k", "phrase", NEW_PHRASE))
    ok(bank_run(bank, "disable", "ph-hand000001"))
    data = path.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")


def test_bug_edit_keeps_a_line_separator_in_the_text(bank: Path, editor: Editor) -> None:
    (bank / "phrases.yaml").write_text(U2028, encoding="utf-8")
    env = editor.env([["origin: user", "origin: user\n# 加一行注释"]])
    ok(bank_run(bank, "edit", "ph-hand000001", env=env))
    assert entries_by_id(bank)["ph-hand000001"].text == "前半句\u2028后半句"
