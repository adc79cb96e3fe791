"""`drafter batch` and `drafter brief new` on the command line, end to end.

Every test works in its own ``tmp_path`` (the current directory there too) and writes its drafts
under an ``--out`` folder inside it, so nothing lands in the repository.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from drafter.cli.app import app
from drafter.workflow.batch import default_seed
from drafter.workflow.examples import EXAMPLE_BRIEFS
from tests.conftest import speech_bank

# Wide tables, and no colours whatever the outer environment says.
ENV: dict[str, str | None] = {
    "COLUMNS": "240",
    "NO_COLOR": "1",
    "FORCE_COLOR": None,
    "TTY_COMPATIBLE": None,
}
KNOWN_THEMES = ("激励干部担当作为", "守初心担使命", "加强干部队伍建设")
THEMES = (*KNOWN_THEMES, "为基层减负")  # the last one is free text
OCCASIONS = ("研讨发言", "座谈发言", "交流发言", "讲话")
OK = ("written", "updated", "unchanged")
MANIFEST = "manifest.json"
JOURNAL = ".drafter-journal.jsonl"
POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX-only")


# ── helpers ──────────────────────────────────────────────────────────────────────────────


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env=ENV)
    # Anything but a clean exit through typer.Exit/SystemExit is a crash.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.stdout + result.stderr
    return result


def batch(*args: str) -> Result:
    return run("batch", *args)


def write_briefs(path: Path, briefs: list[dict[str, Any]], **top: Any) -> Path:
    data: dict[str, Any] = {**top, "briefs": briefs}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def is_hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def drafts(out: Path) -> dict[str, bytes]:
    """Every draft in an output folder (not the manifest, not hidden files), by relative path."""
    found: dict[str, bytes] = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if path.is_file() and not is_hidden(rel) and rel.as_posix() != MANIFEST:
            found[rel.as_posix()] = path.read_bytes()
    return found


def hidden(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if is_hidden(p.relative_to(out))}


def everything(root: Path, *skip: Path) -> set[str]:
    """Every file and folder under ``root`` except ``skip`` and what is inside them."""
    found: set[str] = set()
    for path in root.rglob("*"):
        if any(path == s or path.is_relative_to(s) for s in skip):
            continue
        found.add(path.relative_to(root).as_posix())
    return found


def manifest(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    return data


def records(out: Path) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in manifest(out)["briefs"]}


def statuses(out: Path) -> dict[str, str]:
    return {r["id"]: r["status"] for r in manifest(out)["briefs"]}


def row(result: Result, brief_id: str) -> str:
    """The table row of one brief (the table is wide enough to keep each row on one line)."""
    rows = [line for line in result.stdout.splitlines() if line.startswith(f"│ {brief_id} ")]
    assert len(rows) == 1, result.stdout
    return rows[0]


def key_at(text: str, marker: str, key: str) -> tuple[int, int]:
    """Line and column (1-based) of ``key:`` in the first line after ``marker`` that has it."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if marker in line)
    for n in range(start, len(lines)):
        column = lines[n].find(f"{key}:")
        if column >= 0:
            return n + 1, column + 1
    raise AssertionError(f"no {key} after {marker}")


def value_at(text: str, marker: str, key: str) -> tuple[int, int]:
    """Line and column of the value of ``key:`` (after ``marker``)."""
    line, column = key_at(text, marker, key)
    rest = text.splitlines()[line - 1][column - 1 + len(key) + 1 :]
    return line, column + len(key) + 1 + (len(rest) - len(rest.lstrip(" ")))


def many_briefs(count: int) -> list[dict[str, Any]]:
    """Plain briefs with ids ``b000`` …, mixed themes and point counts, no seeds."""
    return [
        {
            "id": f"b{i:03d}",
            "theme": KNOWN_THEMES[i % len(KNOWN_THEMES)],
            "speaker": f"发言人{i}",
            "points": 2 + i % 4,
        }
        for i in range(count)
    ]


# ── one file, good briefs and every kind of bad one ─────────────────────────────────────

MIXED = """\
# 好简报和各种有问题的简报放在同一个文件里
defaults:
  occasion: 研讨发言
briefs:
  - id: good-a
    theme: 激励干部担当作为
    title: 甲同志在专题研讨会上的发言
    speaker: 甲
  - id: bad-key
    theme: 守初心担使命
    speeker: 乙
  - id: bad-type
    theme: 守初心担使命
    parts: 四
  - id: bad-traversal
    theme: 守初心担使命
    output: ../../etc/x
  - id: bad-absolute
    theme: 守初心担使命
    output: {absolute}
  - id: injected
    theme: "{{{{ 7*7 }}}}乡村振兴"
    title: "{{{{ 7*7 }}}}的发言{{% if true %}}X{{% endif %}}"
    speaker: "{{{{ 7*7 }}}}"
    organisation: "{{% if true %}}X{{% endif %}}办公室"
  - id: bad-template
    theme: 加强干部队伍建设
    template: 不存在
  - id: good-b
    theme: 加强干部队伍建设
    title: 丙同志在专题研讨会上的发言
    output: 组一/丙
"""


def test_good_briefs_are_drafted_and_each_bad_one_is_reported_where_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    absolute = tmp_path / "absolute" / "x"
    text = MIXED.format(absolute=absolute)
    brief_file = tmp_path / "briefs.yaml"
    brief_file.write_text(text, encoding="utf-8")
    out = tmp_path / "deep" / "er" / "out"  # ../../etc/x from here stays inside tmp_path
    before = everything(tmp_path)

    result = batch("briefs.yaml", "--out", str(out))

    assert result.exit_code == 1, (result.stdout, result.stderr)
    # The good briefs are drafted, with the titles they asked for.
    assert (
        (out / "good-a.md")
        .read_text(encoding="utf-8")
        .startswith("# 甲同志在专题研讨会上的发言\n\n甲\n\n")
    )
    assert (
        (out / "组一" / "丙.md")
        .read_text(encoding="utf-8")
        .startswith("# 丙同志在专题研讨会上的发言\n")
    )
    # Template syntax in a brief is text: printed as written, never evaluated.
    injected = (out / "injected.md").read_text(encoding="utf-8")
    lines = injected.splitlines()
    assert lines[0] == "# {{ 7*7 }}的发言{% if true %}X{% endif %}"
    assert lines[2] == "{% if true %}X{% endif %}办公室　{{ 7*7 }}"
    assert "围绕“{{ 7*7 }}乡村振兴”" in injected
    assert "49" not in injected

    # Each bad brief: file:line:column, its id, and what is wrong.
    expected = {
        "bad-key": (key_at(text, "id: bad-key", "speeker"), "未知的键“speeker”，是不是“speaker”？"),
        "bad-type": (
            value_at(text, "id: bad-type", "parts"),
            "parts 应为整数（3 或 4），而不是文字“四”",
        ),
        "bad-traversal": (
            value_at(text, "id: bad-traversal", "output"),
            "output“../../etc/x”含有“..”，会写到输出目录之外",
        ),
        "bad-absolute": (
            value_at(text, "id: bad-absolute", "output"),
            f"output“{absolute}”是绝对路径；只能写相对于输出目录的文件名",
        ),
        "bad-template": (
            value_at(text, "id: bad-template", "template"),
            "找不到模板“不存在.j2”；可用的模板：",
        ),
    }
    assert expected["bad-key"][0] == (11, 5)  # the helpers agree with counting by hand
    assert expected["bad-type"][0] == (14, 12)
    errors = result.stderr.splitlines()
    assert len(errors) == len(expected), result.stderr
    for brief_id, ((line, column), message) in expected.items():
        prefix = f"错误：briefs.yaml:{line}:{column}: 简报“{brief_id}”：{message}"
        assert any(e.startswith(prefix) for e in errors), (prefix, result.stderr)
        assert "简报有误" in row(result, brief_id)
        assert "—" in row(result, brief_id)  # no files
    for brief_id in ("good-a", "injected", "good-b"):
        assert "新生成" in row(result, brief_id)
    assert "读取简报文件 1/1 个；新生成 3，简报有误 5。" in result.stdout

    # Nothing outside --out; inside it only the good drafts, the manifest and hidden files.
    assert everything(tmp_path, out) == before | {"deep", "deep/er"}
    assert not (tmp_path / "deep" / "etc").exists()
    assert not absolute.parent.exists()
    assert set(drafts(out)) == {"good-a.md", "injected.md", "组一/丙.md"}
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == {
        "good-a.md",
        "injected.md",
        "组一",
        MANIFEST,
    }
    assert all(name.startswith(".drafter-") for name in hidden(out)), hidden(out)
    assert statuses(out) == {
        "good-a": "written",
        "bad-key": "invalid",
        "bad-type": "invalid",
        "bad-traversal": "invalid",
        "bad-absolute": "invalid",
        "injected": "written",
        "bad-template": "invalid",
        "good-b": "written",
    }


# ── brief new and --check ────────────────────────────────────────────────────────────────


def test_brief_new_writes_the_example_that_checks_clean_and_refuses_to_overwrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    made = run("brief", "new", "briefs.yaml")
    assert made.exit_code == 0, made.stderr
    assert (tmp_path / "briefs.yaml").read_text(encoding="utf-8") == EXAMPLE_BRIEFS
    assert "已写入 briefs.yaml" in made.stderr
    assert "#" in EXAMPLE_BRIEFS  # the example explains itself in comments

    checked = batch("briefs.yaml", "--check", "--out", "out")
    assert checked.exit_code == 0, (checked.stdout, checked.stderr)
    assert checked.stderr == ""
    for brief_id, files in (
        ("01-zhangsan", "01-zhangsan.md、01-zhangsan.json"),
        ("02-lisi", "02-lisi.md"),
        ("03-wangwu", "第二组/王五.txt"),
    ):
        assert "可用" in row(checked, brief_id)
        assert files in row(checked, brief_id)
    assert "可用 3。" in checked.stdout
    assert not (tmp_path / "out").exists()
    assert everything(tmp_path) == {"briefs.yaml"}

    # Not overwritten without --force, whatever the file holds now.
    (tmp_path / "briefs.yaml").write_text("# 我的简报\n", encoding="utf-8")
    again = run("brief", "new", "briefs.yaml")
    assert again.exit_code == 2
    assert "briefs.yaml: 文件已存在；要覆盖请加 --force" in again.stderr
    assert (tmp_path / "briefs.yaml").read_text(encoding="utf-8") == "# 我的简报\n"
    forced = run("brief", "new", "briefs.yaml", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert (tmp_path / "briefs.yaml").read_text(encoding="utf-8") == EXAMPLE_BRIEFS

    # And the example really drafts.
    drafted = batch("briefs.yaml", "--out", "out")
    assert drafted.exit_code == 0, drafted.stderr
    assert set(drafts(tmp_path / "out")) == {
        "01-zhangsan.md",
        "01-zhangsan.json",
        "02-lisi.md",
        "第二组/王五.txt",
    }


def test_check_reports_bad_briefs_exits_1_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_briefs(
        tmp_path / "briefs.yaml",
        [
            {"id": "ok", "theme": KNOWN_THEMES[0]},
            {"id": "bad-occasion", "theme": KNOWN_THEMES[1], "occasion": "茶话会"},
            {"id": "bad-points", "theme": KNOWN_THEMES[1], "points": 9},
        ],
    )
    result = batch("briefs.yaml", "--check", "--out", "out")
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "可用" in row(result, "ok")
    assert "简报有误" in row(result, "bad-occasion")
    assert "简报有误" in row(result, "bad-points")
    assert "简报“bad-occasion”：未知的场合“茶话会”" in result.stderr
    assert "简报“bad-points”：points 只能是 2–5，而不是 9" in result.stderr
    assert everything(tmp_path) == {"briefs.yaml"}


@pytest.mark.parametrize("check", [True, False], ids=["check", "run"])
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.yaml", None, "missing.yaml: 文件不存在"),
        (
            "broken.yaml",
            "briefs:\n  - id: x\n    theme: [没有右括号\n",
            "broken.yaml:4:1: YAML 格式错误",
        ),
    ],
    ids=["missing", "invalid-yaml"],
)
def test_a_brief_file_that_cannot_be_read_exits_2_naming_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    check: bool,
    name: str,
    content: str | None,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    if content is not None:
        (tmp_path / name).write_text(content, encoding="utf-8")
    before = everything(tmp_path)
    result = batch(name, "--out", "out", *(["--check"] if check else []))
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith(f"错误：{message}"), result.stderr
    assert "读取简报文件 0/1 个；没有可用的简报。" in result.stdout
    assert everything(tmp_path) == before


# ── exit codes ───────────────────────────────────────────────────────────────────────────


def test_exit_2_when_no_brief_is_usable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    # Wrong against the schema: nothing is even planned, the folder is not created.
    write_briefs(tmp_path / "schema.yaml", [{"id": "a", "theme": "x", "parts": 9}, {"id": "b"}])
    result = batch("schema.yaml", "--out", "out")
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "简报“a”：parts 只能是 3 或 4，而不是 9" in result.stderr
    assert "简报“b”：缺少必填的 theme" in result.stderr
    assert not (tmp_path / "out").exists()
    # Wrong against the bank and templates: planned, none usable.
    write_briefs(
        tmp_path / "plan.yaml",
        [
            {"id": "c", "theme": KNOWN_THEMES[0], "template": "不存在"},
            {"id": "d", "theme": KNOWN_THEMES[0], "occasion": "茶话会"},
        ],
    )
    result = batch("plan.yaml", "--out", "out2")
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert drafts(tmp_path / "out2") == {}
    assert statuses(tmp_path / "out2") == {"c": "invalid", "d": "invalid"}


def test_exit_0_when_every_brief_is_drafted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_briefs(tmp_path / "briefs.yaml", many_briefs(4))
    result = batch("briefs.yaml", "--out", "out")
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert result.stderr == ""
    assert set(drafts(tmp_path / "out")) == {f"b00{i}.md" for i in range(4)}
    assert "读取简报文件 1/1 个；新生成 4。" in result.stdout
    assert "清单：" in result.stdout


# ── the manifest ─────────────────────────────────────────────────────────────────────────


def test_manifest_records_every_brief_and_derived_seeds_are_stable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    briefs: list[dict[str, Any]] = [
        {"id": "seeded", "theme": KNOWN_THEMES[0], "seed": 42, "speaker": "张三"},
        {"id": "derived", "theme": KNOWN_THEMES[1], "parts": 4, "formats": ["md", "json"]},
        {"id": "free", "theme": "为基层减负", "points": 2, "output": "组一/自由"},
        {"id": "broken", "theme": KNOWN_THEMES[2], "detail": "half"},
    ]
    write_briefs(tmp_path / "briefs.yaml", briefs)
    result = batch("briefs.yaml", "--out", "out")
    assert result.exit_code == 1, (result.stdout, result.stderr)
    out = tmp_path / "out"
    data = manifest(out)
    assert data["format"] == 1
    assert data["formats"] == ["md"]
    version = data["bank_version"]
    assert isinstance(version, str) and version
    got = records(out)
    assert list(got) == ["seeded", "derived", "free", "broken"]  # in the file's order

    expected_files = {
        "seeded": ["seeded.md"],
        "derived": ["derived.md", "derived.json"],
        "free": ["组一/自由.md"],
    }
    for brief in briefs[:3]:
        record = got[brief["id"]]
        assert record["status"] == "written"
        assert record["brief_file"] == "briefs.yaml"
        assert [f["path"] for f in record["files"]] == expected_files[brief["id"]]
        for entry in record["files"]:
            content = (out / entry["path"]).read_bytes()
            assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        seed = brief.get("seed", default_seed(brief["id"], brief["theme"]))
        assert record["seed"] == seed
        assert record["bank_version"] == version
        settings = record["settings"]
        assert settings["theme"] == brief["theme"]
        assert settings["seed"] == brief.get("seed")
        assert settings["parts"] == brief.get("parts", 3)
        assert settings["points"] == brief.get("points", 3)
        assert settings["speaker"] == brief.get("speaker")
        assert settings["occasion"] == "研讨发言"
    derived_json = json.loads((out / "derived.json").read_text(encoding="utf-8"))
    assert derived_json["seed"] == default_seed("derived", KNOWN_THEMES[1])
    assert derived_json["bank_version"] == version

    broken = got["broken"]
    assert broken["status"] == "invalid"
    assert broken["files"] == []
    assert broken["error"] == "detail 只能是 outline、full，而不是“half”"

    # A second run into another folder: the same seeds, byte for byte the same drafts.
    again = batch("briefs.yaml", "--out", "out2")
    assert again.exit_code == 1
    assert drafts(tmp_path / "out2") == drafts(out)
    assert {i: r["seed"] for i, r in records(tmp_path / "out2").items()} == {
        i: r["seed"] for i, r in got.items()
    }


# ── resuming ─────────────────────────────────────────────────────────────────────────────

PAST = 1_000_000_000  # 2001: a file's mtime set here shows whether a rerun touched it


def age(files: Iterable[Path]) -> None:
    for path in files:
        os.utime(path, ns=(PAST * 10**9, PAST * 10**9))


def untouched(path: Path) -> bool:
    return path.stat().st_mtime_ns == PAST * 10**9


def test_rerun_skips_unchanged_briefs_and_redrafts_a_changed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    briefs = many_briefs(3)
    briefs[2]["formats"] = ["md", "txt"]
    # b001 is the last of its meeting and b002 in another: a change to b001 is b001's alone.
    briefs[0]["meeting"] = briefs[1]["meeting"] = "甲"
    briefs[2]["meeting"] = "乙"
    write_briefs(tmp_path / "briefs.yaml", briefs)
    out = tmp_path / "out"
    assert batch("briefs.yaml", "--out", "out").exit_code == 0
    first = drafts(out)
    files = [out / rel for rel in first]
    inodes = {p: p.stat().st_ino for p in files}
    age(files)

    same = batch("briefs.yaml", "--out", "out")
    assert same.exit_code == 0, same.stderr
    assert statuses(out) == dict.fromkeys(("b000", "b001", "b002"), "unchanged")
    assert "未变 3。" in same.stdout
    assert all(untouched(p) and p.stat().st_ino == inodes[p] for p in files)
    assert drafts(out) == first

    briefs[1]["points"] = 5
    write_briefs(tmp_path / "briefs.yaml", briefs)
    changed = batch("briefs.yaml", "--out", "out")
    assert changed.exit_code == 0, changed.stderr
    assert statuses(out) == {"b000": "unchanged", "b001": "updated", "b002": "unchanged"}
    assert "已更新" in row(changed, "b001")
    assert not untouched(out / "b001.md")
    assert drafts(out)["b001.md"] != first["b001.md"]
    assert all(untouched(p) for p in files if p.name != "b001.md")
    assert {rel: data for rel, data in drafts(out).items() if rel != "b001.md"} == {
        rel: data for rel, data in first.items() if rel != "b001.md"
    }
    # The redrafted file is the one a fresh run of the new brief gives.
    assert batch("briefs.yaml", "--out", "fresh").exit_code == 0
    assert drafts(out) == drafts(tmp_path / "fresh")


def test_a_hand_edited_draft_is_kept_until_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    briefs = many_briefs(2)
    for number, brief in enumerate(briefs):  # apart: a change to b000 does not reach b001
        brief["meeting"] = f"第{number}场"
    write_briefs(tmp_path / "briefs.yaml", briefs)
    out = tmp_path / "out"
    assert batch("briefs.yaml", "--out", "out").exit_code == 0
    mine = "# 我自己改过的稿子\n\n一字不能动。\n"
    (out / "b000.md").write_text(mine, encoding="utf-8")
    briefs[0]["points"] = 4
    write_briefs(tmp_path / "briefs.yaml", briefs)

    result = batch("briefs.yaml", "--out", "out")
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert statuses(out) == {"b000": "failed", "b001": "unchanged"}
    error = records(out)["b000"]["error"]
    assert error == (
        "文件已存在，且不是 drafter 为这份简报写的（或写后改过）：b000.md；要覆盖请加 --force"
    )
    assert "失败" in row(result, "b000")
    assert "b000.md；要覆盖请加 --force" in row(result, "b000")
    assert (out / "b000.md").read_text(encoding="utf-8") == mine

    # Still kept on the next run: the refusal does not wear off.
    assert batch("briefs.yaml", "--out", "out").exit_code == 1
    assert (out / "b000.md").read_text(encoding="utf-8") == mine

    forced = batch("briefs.yaml", "--out", "out", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert statuses(out)["b000"] == "updated"
    assert batch("briefs.yaml", "--out", "fresh").exit_code == 0
    assert drafts(out) == drafts(tmp_path / "fresh")


def test_a_foreign_file_at_an_output_path_is_never_overwritten_without_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_briefs(tmp_path / "briefs.yaml", many_briefs(2))
    out = tmp_path / "out"
    out.mkdir()
    foreign = "别人的文件，不是 drafter 写的\n"
    (out / "b001.md").write_text(foreign, encoding="utf-8")

    for _ in range(2):  # the first run, and a rerun that now has a manifest
        result = batch("briefs.yaml", "--out", "out")
        assert result.exit_code == 1, (result.stdout, result.stderr)
        assert statuses(out)["b001"] == "failed"
        assert "b001.md" in records(out)["b001"]["error"]
        assert "--force" in records(out)["b001"]["error"]
        assert (out / "b001.md").read_text(encoding="utf-8") == foreign
    assert statuses(out)["b000"] == "unchanged"

    forced = batch("briefs.yaml", "--out", "out", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert statuses(out) == {"b000": "updated", "b001": "updated"}
    assert batch("briefs.yaml", "--out", "fresh").exit_code == 0
    assert drafts(out) == drafts(tmp_path / "fresh")
    # From now on the file is drafter's own.
    assert batch("briefs.yaml", "--out", "out").exit_code == 0
    assert statuses(out) == {"b000": "unchanged", "b001": "unchanged"}


def test_a_brief_that_was_invalid_for_one_run_still_owns_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    good = "briefs:\n  - id: a\n    theme: 守初心担使命\n  - id: b\n    theme: 激励干部担当作为\n"
    typo = good + "    poinst: 4\n"
    (tmp_path / "briefs.yaml").write_text(good, encoding="utf-8")
    out = tmp_path / "out"
    assert batch("briefs.yaml", "--out", "out").exit_code == 0
    written = (out / "b.md").read_bytes()
    (tmp_path / "briefs.yaml").write_text(typo, encoding="utf-8")
    assert batch("briefs.yaml", "--out", "out").exit_code == 1
    assert statuses(out) == {"a": "unchanged", "b": "invalid"}
    assert (out / "b.md").read_bytes() == written

    (tmp_path / "briefs.yaml").write_text(good, encoding="utf-8")  # the typo fixed
    result = batch("briefs.yaml", "--out", "out")
    assert statuses(out) == {"a": "unchanged", "b": "unchanged"}, records(out)["b"]["error"]
    assert result.exit_code == 0


# ── --jobs ───────────────────────────────────────────────────────────────────────────────


def mixed_briefs(count: int) -> list[dict[str, Any]]:
    """Briefs that differ in every setting a draft depends on."""
    briefs: list[dict[str, Any]] = []
    for i in range(count):
        brief: dict[str, Any] = {
            "id": f"m{i:02d}",
            "theme": THEMES[i % len(THEMES)],
            "occasion": OCCASIONS[i % len(OCCASIONS)],
            "parts": 3 + i % 2,
            "points": 2 + i % 4,
            "speaker": f"发言人{i}",
        }
        if i % 3 == 0:
            brief["formats"] = [["md", "json"], ["txt"], ["json", "txt", "md"]][i % 9 // 3]
        if i % 5 == 0:
            brief["detail"] = "full"
        if i % 7 == 0:
            brief["sources"] = True
        if i % 4 == 1:
            brief["seed"] = i * 1000
        if i % 6 == 2:
            brief["output"] = f"组{i % 3}/第{i}位"
        briefs.append(brief)
    return briefs


def test_jobs_never_change_a_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_briefs(tmp_path / "briefs.yaml", mixed_briefs(30), defaults={"organisation": "市委"})
    serial = batch("briefs.yaml", "--out", "one", "--jobs", "1", "--format", "md,txt")
    parallel = batch("briefs.yaml", "--out", "two", "--jobs", "2", "--format", "md,txt")
    assert serial.exit_code == 0, serial.stderr
    assert parallel.exit_code == 0, parallel.stderr
    one, two = drafts(tmp_path / "one"), drafts(tmp_path / "two")
    assert len(one) >= 60
    assert {p.split(".")[-1] for p in one} == {"md", "txt", "json"}
    assert sorted(one) == sorted(two)
    for rel in one:
        assert one[rel] == two[rel], rel
    assert manifest(tmp_path / "one")["briefs"] == manifest(tmp_path / "two")["briefs"]


# ── formats and output names ─────────────────────────────────────────────────────────────


def test_formats_option_briefs_own_formats_and_subfolders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_briefs(
        tmp_path / "briefs.yaml",
        [
            {"id": "all", "theme": KNOWN_THEMES[0], "speaker": "李四", "organisation": "市委办"},
            {"id": "own", "theme": KNOWN_THEMES[1], "formats": ["txt"], "title": "自拟标题"},
            {
                "id": "sub",
                "theme": KNOWN_THEMES[2],
                "output": "组一/张三",
                "formats": ["json", "md"],
                "speaker": "张三",
                "organisation": "县委组织部",
            },
        ],
    )
    result = batch("briefs.yaml", "--out", "out", "--format", "md,txt,json")
    assert result.exit_code == 0, (result.stdout, result.stderr)
    out = tmp_path / "out"
    assert set(drafts(out)) == {
        "all.md",
        "all.txt",
        "all.json",
        "own.txt",
        "组一/张三.json",
        "组一/张三.md",
    }
    assert manifest(out)["formats"] == ["md", "txt", "json"]
    assert [f["path"] for f in records(out)["sub"]["files"]] == ["组一/张三.json", "组一/张三.md"]

    data = json.loads((out / "all.json").read_text(encoding="utf-8"))
    assert (data["speaker"], data["organisation"]) == ("李四", "市委办")
    assert data["theme"] == KNOWN_THEMES[0]
    md = (out / "all.md").read_text(encoding="utf-8").splitlines()
    txt = (out / "all.txt").read_text(encoding="utf-8").splitlines()
    assert md[0] == f"# {data['title']}"
    assert txt[0] == data["title"]
    assert md[2] == txt[1] == "市委办　李四"

    assert (out / "own.txt").read_text(encoding="utf-8").startswith("自拟标题\n")
    sub = json.loads((out / "组一" / "张三.json").read_text(encoding="utf-8"))
    assert (sub["speaker"], sub["organisation"]) == ("张三", "县委组织部")
    assert (out / "组一" / "张三.md").read_text(encoding="utf-8").startswith(f"# {sub['title']}\n")


# ── SIGKILL in the middle of a batch ─────────────────────────────────────────────────────

BIG = 300
ENOUGH = 20  # drafts on disk before the kill


def top_drafts(out: Path) -> set[str]:
    try:
        return {e.name for e in os.scandir(out) if e.name.endswith(".md")}
    except FileNotFoundError:
        return set()


def command(out: Path, jobs: int) -> list[str]:
    """The batch as a user types it, run by this interpreter, on the speech bank: the kill
    tests are about what a crash leaves, and its 300 drafts take a third of the time there."""
    return [
        sys.executable,
        "-m",
        "drafter",
        "batch",
        "briefs.yaml",
        "--out",
        str(out),
        "--jobs",
        str(jobs),
        "--bank",
        str(speech_bank()),
    ]


def start(tmp_path: Path, out: Path, jobs: int, session: bool = False) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command(out, jobs),
        cwd=tmp_path,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=session,
    )


def wait_for_drafts(proc: subprocess.Popen[bytes], out: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"the batch finished (exit {proc.returncode}) before the kill: "
                f"raise BIG ({BIG}) so that SIGKILL lands in the middle of the run"
            )
        if len(top_drafts(out)) >= ENOUGH:
            return
        time.sleep(0.002)
    proc.kill()
    proc.wait()
    pytest.fail(f"no {ENOUGH} drafts after 60 s")


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux ``/proc``)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def gone(pid: int) -> bool:
    """Dead (or a zombie: its files, and so its locks, are closed)."""
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] in ("Z", "X")


def end(pids: Iterable[int]) -> None:
    """SIGKILL these processes (ours) and wait until they are gone."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while not all(gone(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.01)


# The manifest's allocation of each BIG brief in the clean run (``big_reference``): one meeting
# of 300 speeches on three themes, so both kept apart (the first) and sharing (the bank is small).
BIG_ALLOCATIONS: dict[str, Any] = {}


@pytest.fixture(scope="module")
def big_reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The drafts of a clean run of the BIG briefs, made once for the kill tests below."""
    folder = tmp_path_factory.mktemp("reference")
    write_briefs(folder / "briefs.yaml", many_briefs(BIG))
    # Module fixtures run before conftest's per-test cache setting: keep the index cache private.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DRAFTER_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
        patch.chdir(folder)
        result = batch("briefs.yaml", "--out", "reference", "--bank", str(speech_bank()))
    assert result.exit_code == 0, result.stderr
    ref = drafts(folder / "reference")
    assert len(ref) == BIG
    allocations = {i: r["allocation"] for i, r in records(folder / "reference").items()}
    assert any(a["avoided"] and not a["shared"] for a in allocations.values())
    assert any(a["shared"] for a in allocations.values())
    BIG_ALLOCATIONS.clear()
    BIG_ALLOCATIONS.update(allocations)
    return ref


def reference(tmp_path: Path, big_reference: dict[str, bytes]) -> dict[str, bytes]:
    """The BIG briefs in ``tmp_path``, for the batch the test kills, and their clean drafts."""
    write_briefs(tmp_path / "briefs.yaml", many_briefs(BIG))
    return big_reference


def check_recovery(tmp_path: Path, out: Path, jobs: int, ref: dict[str, bytes]) -> None:
    """What a kill left is complete; a rerun finishes the batch, as a clean run would."""
    survived = top_drafts(out)
    assert ENOUGH <= len(survived) < BIG, "the kill came too late: raise BIG"
    for name in survived:
        assert (out / name).read_bytes() == ref[name], name
    assert not (out / MANIFEST).exists()  # killed before the end of the run

    rerun = subprocess.run(
        command(out, jobs),
        cwd=tmp_path,
        env=dict(os.environ),
        capture_output=True,
        timeout=60,
    )
    assert rerun.returncode == 0, rerun.stderr.decode("utf-8", "replace")
    assert drafts(out) == ref
    assert list(out.rglob("*.tmp")) == []
    assert not (out / JOURNAL).exists()
    got = statuses(out)
    assert len(got) == BIG
    assert set(got.values()) <= set(OK)
    # What the killed run finished is recognised as drafter's and kept; the rest is written.
    assert {f"{i}.md" for i, s in got.items() if s == "unchanged"} == survived
    assert {f"{i}.md" for i, s in got.items() if s == "written"} == set(ref) - survived
    # Allocated as the clean run did: the finished briefs' records told the rerun what they
    # took, and the rest avoided (and shared) exactly the same.
    assert {i: r["allocation"] for i, r in records(out).items()} == BIG_ALLOCATIONS


@pytest.mark.slow
@POSIX_ONLY
def test_sigkill_mid_batch_then_rerun_completes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, big_reference: dict[str, bytes]
) -> None:
    monkeypatch.chdir(tmp_path)
    ref = reference(tmp_path, big_reference)
    out = tmp_path / "out"
    proc = start(tmp_path, out, jobs=1)
    try:
        wait_for_drafts(proc, out)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    check_recovery(tmp_path, out, 1, ref)


LINUX_ONLY = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="finds worker processes in /proc"
)


@pytest.mark.slow
@POSIX_ONLY
@LINUX_ONLY
def test_sigkill_of_a_parallel_batch_and_its_workers_then_rerun(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, big_reference: dict[str, bytes]
) -> None:
    monkeypatch.chdir(tmp_path)
    ref = reference(tmp_path, big_reference)
    out = tmp_path / "out"
    proc = start(tmp_path, out, jobs=2, session=True)  # its own process group
    workers: list[int] = []
    try:
        wait_for_drafts(proc, out)
        workers = children(proc.pid)
        assert len(workers) == 2
        os.killpg(proc.pid, signal.SIGKILL)  # the whole group, as a terminal or OOM kill would
    finally:
        proc.kill()
        proc.wait()
        end(workers)
    check_recovery(tmp_path, out, 2, ref)


@pytest.mark.slow
@POSIX_ONLY
@LINUX_ONLY
def test_sigkill_of_a_parallel_batch_parent_then_rerun(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, big_reference: dict[str, bytes]
) -> None:
    monkeypatch.chdir(tmp_path)
    ref = reference(tmp_path, big_reference)
    out = tmp_path / "out"
    proc = start(tmp_path, out, jobs=2)
    workers: list[int] = []
    try:
        wait_for_drafts(proc, out)
        workers = children(proc.pid)
        proc.send_signal(signal.SIGKILL)  # only the process the user started
        proc.wait()
        time.sleep(0.2)  # what orphaned workers would still write, they write now
        check_recovery(tmp_path, out, 2, ref)
    finally:
        proc.kill()
        proc.wait()
        end(workers)


# ── brief file encodings ─────────────────────────────────────────────────────────────────


def test_a_gbk_brief_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = (
        "# 简报：专题研讨会发言\n"
        "briefs:\n"
        "  - id: 张国强\n"
        "    theme: 激励干部担当作为\n"
        "    title: 张国强同志在专题研讨会上的发言\n"
        "    speaker: 张国强\n"
        "    organisation: 市委组织部\n"
    )
    (tmp_path / "gbk.yaml").write_bytes(text.encode("gbk"))
    with pytest.raises(UnicodeDecodeError):
        (tmp_path / "gbk.yaml").read_text(encoding="utf-8")
    result = batch("gbk.yaml", "--out", "out")
    assert result.exit_code == 0, (result.stdout, result.stderr)
    md = (tmp_path / "out" / "张国强.md").read_text(encoding="utf-8")
    assert md.startswith("# 张国强同志在专题研讨会上的发言\n\n市委组织部　张国强\n\n")
    assert records(tmp_path / "out")["张国强"]["settings"]["speaker"] == "张国强"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (bytes(range(256)) * 8, "这是二进制文件，不是文本文档；请另存为 UTF-8"),
        (bytes(range(0xA1, 0xFF)) * 20, "无法识别文件编码（支持 UTF-8、GB18030/GBK、Big5）"),
    ],
    ids=["binary", "garbled"],
)
def test_an_unreadable_brief_file_is_a_clean_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefs.yaml").write_bytes(content)
    for extra in ([], ["--check"]):
        result = batch("briefs.yaml", "--out", "out", *extra)
        assert result.exit_code == 2, (result.stdout, result.stderr)
        assert result.stderr.startswith(f"错误：briefs.yaml: {message}"), result.stderr
        assert not (tmp_path / "out").exists()


def test_a_second_brief_with_the_same_id_is_recorded_apart_and_never_takes_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = "briefs:\n  - id: a\n    theme: 守初心担使命\n  - id: a\n    theme: 激励干部担当作为\n"
    (tmp_path / "dup.yaml").write_text(text, encoding="utf-8")
    first = batch("dup.yaml", "--out", "out")
    assert first.exit_code == 1
    assert "dup.yaml:4:9: 简报“a”：编号重复：dup.yaml:2 的简报已用了这个编号" in first.stderr
    assert statuses(tmp_path / "out") == {"a": "written", "a@dup.yaml:4": "invalid"}
    again = batch("dup.yaml", "--out", "out")
    assert again.exit_code == 1
    assert statuses(tmp_path / "out") == {"a": "unchanged", "a@dup.yaml:4": "invalid"}
