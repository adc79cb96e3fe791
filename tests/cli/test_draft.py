"""`drafter draft`, `drafter themes` and `drafter templates` on the command line."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from drafter.cli.app import app
from tests import conftest
from tests.conftest import ROOT

BANK = ROOT / "phrasebank"
THEMES_YAML: dict[str, Any] = yaml.safe_load((BANK / "themes.yaml").read_text(encoding="utf-8"))
THEME = "激励干部担当作为"
NUMERALS = "一二三四五"
SEED_FILE = re.compile(r"(?:[\w-]+/)*[\w-]+\.txt")  # a file of seeds/, by its path there
NOT_WORD = re.compile(r"[\W_]+")
# Wide tables, and no colours whatever the outer environment says.
ENV: dict[str, str | None] = {
    "COLUMNS": "240",
    "NO_COLOR": "1",
    "FORCE_COLOR": None,
    "TTY_COMPATIBLE": None,
}


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env=ENV)
    # Anything but a clean exit through typer.Exit/SystemExit is a crash.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result


def draft(*args: str) -> Result:
    return run("draft", "--theme", THEME, *args)


def draft_json(*args: str) -> dict[str, Any]:
    result = draft("--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def refused(result: Result, *needles: str) -> None:
    """A clean usage error: exit code 2, a Chinese message on stderr, nothing on stdout."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("错误：")
    for needle in needles:
        assert needle in result.stderr, result.stderr


def bare(text: str) -> str:
    return NOT_WORD.sub("", text)


def fill(pattern: str, theme: str, occasion: dict[str, str]) -> str:
    values = {
        "{主题}": theme,
        "{场合}": occasion["name"],
        "{会议}": occasion["meeting"],
        "{发言}": occasion["speech"],
    }
    for key, value in values.items():
        pattern = pattern.replace(key, value)
    return pattern


def copy_bank(tmp_path: Path) -> Path:
    """A copy of the speech bank to edit: a few hundred entries of every kind, quick to
    rewrite and index (the bundled bank's 4 MB took seconds a test)."""
    return conftest.copy_bank(tmp_path)


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


# ── parts, points, occasion, detail ──────────────────────────────────────────────────────


@pytest.mark.parametrize("parts", [3, 4])
def test_parts_gives_that_many_parts(parts: int) -> None:
    data = draft_json("--parts", str(parts), "--seed", "3")
    assert len(data["parts"]) == parts
    assert [p["number"] for p in data["parts"]] == list(range(1, parts + 1))
    assert len(data["dimensions"]) == parts
    md = draft("--parts", str(parts), "--seed", "3").stdout
    assert re.findall(r"^## (.)、", md, flags=re.M) == list(NUMERALS[:parts])


@pytest.mark.parametrize("points", [2, 5])
def test_points_gives_that_many_points_per_part(points: int) -> None:
    data = draft_json("--points", str(points), "--seed", "3", "--parts", "4")
    assert [len(p["points"]) for p in data["parts"]] == [points] * 4
    txt = draft("--points", str(points), "--seed", "3", "--parts", "4", "-f", "txt").stdout
    assert len(re.findall(r"^　　（.）", txt, flags=re.M)) == points * 4


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--parts", "2", "部分数只能是 3 或 4，而不是 2"),
        ("--parts", "5", "部分数只能是 3 或 4，而不是 5"),
        ("--points", "1", "每部分要点数应在 2–5 之间，而不是 1"),
        ("--points", "6", "每部分要点数应在 2–5 之间，而不是 6"),
        ("--detail", "half", "详略只能是 outline 或 full"),
        ("--format", "pdf", "未知的格式“pdf”"),
        ("--seed", "-1", "种子应为非负整数"),
    ],
)
def test_out_of_range_options_are_clean_errors(option: str, value: str, message: str) -> None:
    args = [option, value] if option == "--seed" else [option, value, "--seed", "1"]
    refused(draft(*args), message)


def test_an_empty_theme_is_a_clean_error() -> None:
    refused(run("draft", "--theme", "  ", "--seed", "1"), "主题不能为空")


@pytest.mark.parametrize("occasion", THEMES_YAML["occasions"], ids=lambda o: o["name"])
def test_each_occasion_frames_the_opening_and_the_closing(occasion: dict[str, str]) -> None:
    data = draft_json("--occasion", occasion["name"], "--seed", "2")
    assert data["occasion"] == occasion["name"]
    assert data["opening"].endswith(fill(occasion["framing"], THEME, occasion))
    assert data["closing"] == fill(occasion["closing"], THEME, occasion)
    others = [o for o in THEMES_YAML["occasions"] if o["name"] != occasion["name"]]
    for other in others:
        assert fill(other["framing"], THEME, other) not in data["opening"]
        assert data["closing"] != fill(other["closing"], THEME, other)


def test_occasions_change_only_the_framing_not_the_parts() -> None:
    outs = [draft_json("--occasion", o["name"], "--seed", "2") for o in THEMES_YAML["occasions"]]
    assert len({o["opening"] for o in outs}) == len(outs)
    assert len({o["closing"] for o in outs}) == len(outs)
    assert all(o["parts"] == outs[0]["parts"] for o in outs)


def test_an_unknown_occasion_is_a_clean_error() -> None:
    names = "、".join(o["name"] for o in THEMES_YAML["occasions"])
    refused(draft("--occasion", "开会", "--seed", "1"), "未知的场合“开会”", names)


def test_detail_full_gives_every_point_a_body_and_outline_none() -> None:
    outline = draft_json("--seed", "4")
    full = draft_json("--seed", "4", "--detail", "full")
    assert outline["detail"] == "outline" and full["detail"] == "full"
    assert all(p["body"] is None for part in outline["parts"] for p in part["points"])
    bodies = [p["body"] for part in full["parts"] for p in part["points"]]
    assert bodies and all(isinstance(b, str) and b.strip() for b in bodies)
    # The same parts; a point may differ only where the outline's would say again a sentence
    # another point's body already says.
    assert [p["heading"] for p in full["parts"]] == [p["heading"] for p in outline["parts"]]
    kept = [
        p["lead"] in {q["lead"] for q in o["points"]}
        for part, o in zip(full["parts"], outline["parts"], strict=True)
        for p in part["points"]
    ]
    assert sum(kept) >= len(kept) // 2
    md = draft("--seed", "4", "--detail", "full").stdout
    assert all(body in md for body in bodies)
    assert not any(body in draft("--seed", "4").stdout for body in bodies)


# ── formats and output files ─────────────────────────────────────────────────────────────


def test_format_md() -> None:
    data = draft_json("--seed", "5")
    md = draft("--seed", "5", "--format", "md").stdout
    assert md == draft("--seed", "5").stdout  # md is the default
    assert md.startswith(f"# {data['title']}\n")
    for n, part in enumerate(data["parts"]):
        assert f"\n## {NUMERALS[n]}、{part['heading']}\n" in md
        for i, point in enumerate(part["points"]):
            assert f"**（{NUMERALS[i]}）{point['lead']}。**" in md
    assert data["opening"] in md and data["closing"] in md


def test_format_txt_uses_official_numbering_and_wide_indents() -> None:
    data = draft_json("--seed", "5")
    txt = draft("--seed", "5", "--format", "txt").stdout
    lines = txt.splitlines()
    assert lines[0] == data["title"]
    assert f"　　{data['opening']}" in lines
    assert f"　　{data['closing']}" in lines
    for n, part in enumerate(data["parts"]):
        assert f"　　{NUMERALS[n]}、{part['heading']}" in lines
        assert f"　　{part['lead']}" in lines
        for i, point in enumerate(part["points"]):
            assert f"　　（{NUMERALS[i]}）{point['lead']}。" in lines
    assert "#" not in txt and "**" not in txt
    assert all(line.startswith("　　") for line in lines[1:] if line)


def test_format_json_has_the_documented_shape() -> None:
    data = draft_json("--seed", "6")
    assert set(data) == {
        "title",
        "theme",
        "occasion",
        "seed",
        "opening",
        "parts",
        "closing",
        "bank_version",
        "detail",
        "dimensions",
        "theme_known",
        "pattern",
        "notes",
        "title_source",
        "opening_source",
        "closing_source",
        "speaker",
        "organisation",
        "coverage",
        "characters",
    }
    assert data["theme"] == THEME and data["seed"] == 6 and data["occasion"] == "研讨发言"
    assert set(data["coverage"]) == {
        "theme_words",
        "keywords",
        "expansion",
        "sets",
        "points_found",
        "parts_on_theme",
        "parts",
        "points_on_theme",
        "points",
        "enough",
    }
    for part in data["parts"]:
        assert set(part) == {
            "number",
            "heading",
            "dimension",
            "lead",
            "points",
            "source",
            "lead_source",
            "on_theme",
        }
        for point in part["points"]:
            assert set(point) == {"lead", "body", "source", "on_theme"}
            assert point["source"]["kind"] == "point"


def test_output_file_is_written_and_not_overwritten_without_force(tmp_path: Path) -> None:
    out = tmp_path / "draft.md"
    result = draft("--seed", "1", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert str(out) in result.stderr  # 已写入 …
    assert out.read_text(encoding="utf-8") == draft("--seed", "1").stdout

    out.write_text("旧内容\n", encoding="utf-8")
    refused(draft("--seed", "2", "-o", str(out)), "文件已存在", "--force", str(out))
    assert out.read_text(encoding="utf-8") == "旧内容\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.md"]  # no temp file left

    result = draft("--seed", "2", "-o", str(out), "--force")
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8") == draft("--seed", "2").stdout


def test_output_to_a_directory_is_a_clean_error(tmp_path: Path) -> None:
    refused(draft("--seed", "1", "-o", str(tmp_path)), "输出路径是一个目录")


@pytest.mark.parametrize(
    ("suffix", "fmt"),
    [(".json", "json"), (".txt", "txt"), (".md", "md"), (".markdown", "md"), (".MD", "md")],
)
def test_format_follows_the_output_suffix(tmp_path: Path, suffix: str, fmt: str) -> None:
    out = tmp_path / f"draft{suffix}"
    assert draft("--seed", "1", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == draft("--seed", "1", "--format", fmt).stdout
    if fmt == "json":
        assert json.loads(out.read_text(encoding="utf-8"))["seed"] == 1
    # The format given as well, agreeing with the suffix: the same file.
    again = tmp_path / f"again{suffix}"
    assert draft("--seed", "1", "-o", str(again), "-f", fmt.upper()).exit_code == 0
    assert again.read_bytes() == out.read_bytes()


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        # A suffix drafter does not write: refused, with what it writes and what to do.
        (["-o", "发言.pdf"], ["“.pdf”", ".docx", "PDF"]),
        (["-o", "发言.doc"], ["“.doc”", "请用 .docx"]),
        (["-o", "发言.html", "-f", "md"], ["“.html”", "-f md", ".md 或 .markdown"]),
        (["-o", "发言.v2"], ["“.v2”", ".md 或 .markdown（Markdown）", ".txt", ".json", ".docx"]),
        # A suffix of another format than -f: refused, naming both.
        (["-o", "发言.docx", "-f", "md"], ["md 格式", "发言.docx"]),
        (["-o", "发言.md", "-f", "json"], ["“.md”", "Markdown", "-f json", ".json"]),
        (["-o", "发言.txt", "-f", "md"], ["“.txt”", "纯文本", "-f md"]),
        (["-o", "发言.json", "-f", "txt"], ["“.json”", "-f txt", ".txt"]),
        (["-o", "发言.markdown", "-f", "docx"], ["“.markdown”", "-f docx", ".docx"]),
        # A template writes text of md or txt, never JSON.
        (["-o", "发言.json", "--template", "md"], ["模板只用于 md、txt"]),
        (["-f", "json", "--template", "md"], ["模板只用于 md、txt"]),
        # An unknown format is named as that, whatever the suffix.
        (["-o", "发言.md", "-f", "pdf"], ["未知的格式“pdf”"]),
    ],
)
def test_a_suffix_that_is_not_the_formats_is_refused_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], needles: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    refused(draft("--seed", "1", *args), *needles)
    assert list(tmp_path.iterdir()) == []


class SavingAsker:
    """Takes every default of ``drafter new`` but the format and the file names to save to
    (whatever questions come before them), and records what it is told."""

    def __init__(self, fmt: str, paths: list[str]) -> None:
        self.fmt, self.paths = fmt, list(paths)
        self.said: list[str] = []

    def ask(self, question: str, default: str | None = None) -> str:
        if question.startswith("保存格式"):
            return self.fmt
        if question.startswith("保存到"):
            return self.paths.pop(0)
        assert default is not None, question
        return default

    def edit(self, question: str, text: str) -> str:
        return text

    def say(self, message: str, *, wrap: bool = True) -> None:
        self.said.append(message)

    def show_part(self, part: Any, locked: bool) -> None:
        pass

    def show_draft(self, draft: Any, locked: set[int]) -> None:
        pass


def test_drafter_new_asks_again_for_a_suffix_that_is_not_the_formats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from drafter.drafting.index import load_index
    from drafter.workflow.session import run_session

    monkeypatch.chdir(tmp_path)
    asker = SavingAsker("md", ["发言.pdf", "发言.txt", "发言.markdown"])
    saved = run_session(load_index(BANK), asker, seed=5)
    assert saved is not None and saved.path == Path("发言.markdown") and saved.fmt == "md"
    for name in ("发言.pdf", "发言.txt"):
        told = f"{name} 的后缀与保存格式 md 不符，请用 .md 或 .markdown 结尾的文件名。"
        assert told in asker.said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["发言.markdown"]


def test_every_format_has_its_suffix_and_every_suffix_a_format() -> None:
    from drafter.drafting.model import FORMATS
    from drafter.files.targets import FORMAT_NAMES, NOT_WRITTEN, SUFFIX_FORMATS

    assert set(SUFFIX_FORMATS.values()) == set(FORMATS) == set(FORMAT_NAMES)
    assert not set(NOT_WRITTEN) & set(SUFFIX_FORMATS)
    assert all(s == s.lower() and s.startswith(".") for s in [*SUFFIX_FORMATS, *NOT_WRITTEN])


def test_a_name_without_a_suffix_is_written_as_given_in_the_format_asked(tmp_path: Path) -> None:
    out = tmp_path / "发言"
    assert draft("--seed", "1", "-o", str(out), "-f", "txt").exit_code == 0
    assert out.read_text(encoding="utf-8") == draft("--seed", "1", "-f", "txt").stdout
    plain = tmp_path / "提纲"
    assert draft("--seed", "1", "-o", str(plain)).exit_code == 0
    assert plain.read_text(encoding="utf-8") == draft("--seed", "1").stdout  # md
    assert sorted(p.name for p in tmp_path.iterdir()) == ["发言", "提纲"]


# ── sources ──────────────────────────────────────────────────────────────────────────────


def test_sources_in_md_name_the_seed_files(seeds_dir: Path) -> None:
    plain = draft("--seed", "0").stdout
    md = draft("--seed", "0", "--sources").stdout
    assert "来源" not in plain
    lines = [line for line in md.splitlines() if "〔来源：" in line]
    data = draft_json("--seed", "0")
    per_part = 2 + len(data["parts"][0]["points"])  # heading, lead, points
    assert len(lines) >= 1 + per_part * len(data["parts"])
    files = set(SEED_FILE.findall(md))
    assert files and all((seeds_dir / name).is_file() for name in files)
    for part in data["parts"]:
        for point in part["points"]:
            assert point["source"]["file"] in md


def test_sources_in_txt_list_every_line_with_its_seed_file(seeds_dir: Path) -> None:
    txt = draft("--seed", "0", "--sources", "--format", "txt").stdout
    assert "附：素材来源" in txt
    assert "来源" not in draft("--seed", "0", "--format", "txt").stdout
    listing = txt.split("附：素材来源", 1)[1]
    entries = re.findall(r"^　　\d+\. (.+?)：(.+)$", listing, flags=re.M)
    data = draft_json("--seed", "0")
    assert len(entries) == 2 + sum(2 + len(p["points"]) for p in data["parts"])
    assert entries[0][0] == "开头" and entries[-1][0] == "结尾"
    point_sources = [src for label, src in entries if "（" in label]
    assert point_sources and all(SEED_FILE.search(src) for src in point_sources)
    assert all((seeds_dir / name).is_file() for name in SEED_FILE.findall(listing))


# ── banks ────────────────────────────────────────────────────────────────────────────────


def test_bank_option_with_a_copied_bank(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    shutil.copytree(BANK, bank)  # the bundled bank itself: the same draft from a copy
    result = draft("--seed", "7", "--format", "json", "--bank", str(bank))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == draft("--seed", "7", "--format", "json").stdout


def test_a_missing_bank_is_a_clean_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    refused(draft("--seed", "1", "--bank", str(missing)), "素材库目录不存在", str(missing))


def test_a_pattern_whose_pieces_do_not_match_its_slots(tmp_path: Path) -> None:
    bank = copy_bank(tmp_path)
    path = bank / "patterns.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = next(e for e in data["entries"] if len(e["slots"]) > 1)
    entry["pieces"] = [p if p != {"slot": 2} else {"slot": 9} for p in entry["pieces"]]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    line = line_of(path, f"id: {entry['id']}")
    for result in (draft("--seed", "1", "--bank", str(bank)), run("themes", "--bank", str(bank))):
        refused(result, f"{path}:{line}:", entry["id"], "pieces 里的填空与 slots 不一致")


def _edit_themes(bank: Path, old: str, new: str) -> Path:
    path = bank / "themes.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_themes_yaml_with_an_unknown_placeholder(tmp_path: Path) -> None:
    path = _edit_themes(copy_bank(tmp_path), "就{主题}作交流发言", "就{名字}作交流发言")
    refused(draft("--seed", "1", "--bank", str(path.parent)), str(path), "{名字}", "交流发言")


UNKNOWN_DIMENSION = (
    "  - name: 加强干部队伍建设\n",
    "  - name: 加强干部队伍建设\n    dimensions:\n      3: [思想引领, 选用导向, 胡思乱想]\n",
)


def test_themes_yaml_with_an_unknown_dimension(tmp_path: Path) -> None:
    path = _edit_themes(copy_bank(tmp_path), *UNKNOWN_DIMENSION)
    refused(draft("--seed", "1", "--bank", str(path.parent)), str(path), "胡思乱想")
    refused(run("themes", "--bank", str(path.parent)), str(path), "胡思乱想")


def test_themes_yaml_errors_name_the_line(tmp_path: Path) -> None:
    path = _edit_themes(copy_bank(tmp_path), *UNKNOWN_DIMENSION)
    line = line_of(path, "- name: 加强干部队伍建设")
    refused(draft("--seed", "1", "--bank", str(path.parent)), f"{path}:{line}:")


# ── determinism ──────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("fmt", ["md", "json", "txt"])
def test_same_seed_gives_identical_output(fmt: str) -> None:
    first = draft("--seed", "11", "--parts", "4", "--format", fmt, "--detail", "full")
    second = draft("--seed", "11", "--parts", "4", "--format", fmt, "--detail", "full")
    assert first.exit_code == 0
    assert first.stdout == second.stdout
    assert first.stdout.encode("utf-8") == second.stdout.encode("utf-8")


def test_different_seeds_give_different_drafts() -> None:
    heading_sets = {
        tuple(p["heading"] for p in draft_json("--seed", str(seed))["parts"])
        for seed in range(1, 11)
    }
    assert len(heading_sets) >= 4


def test_without_seed_the_chosen_seed_is_printed_and_reproduces_the_draft() -> None:
    result = draft("--format", "json")
    assert result.exit_code == 0
    found = re.search(r"随机种子：(\d+)（加 --seed (\d+) 可重现这份草稿）", result.stderr)
    assert found is not None, result.stderr
    assert found.group(1) == found.group(2)
    assert json.loads(result.stdout)["seed"] == int(found.group(1))
    again = draft("--format", "json", "--seed", found.group(1))
    assert again.stdout == result.stdout
    assert "随机种子" not in again.stderr


def _run_in_processes(tmp_path: Path, args: list[str]) -> list[str]:
    """The same draft command in two processes with different hash seeds, run side by side."""
    procs = []
    for hash_seed in ("1", "2"):
        env = {
            **os.environ,
            "PYTHONHASHSEED": hash_seed,
            "DRAFTER_CACHE_DIR": str(tmp_path / f"cache-{hash_seed}"),
        }
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "drafter", "draft", *args],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                cwd=tmp_path,
            )
        )
    outs = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode("utf-8", "replace")
        outs.append(out.decode("utf-8"))
    return outs


@pytest.mark.parametrize(
    "args",
    [
        ["--theme", "年轻干部培养", "--seed", "5", "--format", "json", "--detail", "full"],
        # Points picked beside a composed heading once depended on set order (hash seed).
        ["--theme", THEME, "--parts", "4", "--points", "5", "--seed", "4", "--format", "json"],
    ],
    ids=["free-theme", "four-parts-five-points"],
)
def test_output_does_not_depend_on_the_hash_seed(tmp_path: Path, args: list[str]) -> None:
    first, second = _run_in_processes(tmp_path, args)
    assert json.loads(first)["seed"] == int(args[args.index("--seed") + 1])
    assert first == second


# ── avoid ────────────────────────────────────────────────────────────────────────────────


def _first_and_avoiding(tmp_path: Path, seed: int) -> tuple[dict[str, Any], dict[str, Any]]:
    old = tmp_path / f"old-{seed}.json"
    assert draft("--seed", str(seed), "-o", str(old)).exit_code == 0
    first: dict[str, Any] = json.loads(old.read_text(encoding="utf-8"))
    second = draft_json("--seed", str(seed), "--avoid", str(old))
    return first, second


def _lines(data: dict[str, Any]) -> set[str]:
    return {bare(p["heading"]) for p in data["parts"]} | {
        bare(pt["lead"]) for p in data["parts"] for pt in p["points"]
    }


def _lead_and_point_ids(data: dict[str, Any]) -> set[str]:
    ids = {p["lead_source"]["id"] for p in data["parts"] if p["lead_source"]}
    return ids | {pt["source"]["id"] for p in data["parts"] for pt in p["points"]}


def _heading_material_ids(data: dict[str, Any]) -> set[str]:
    """Bank headings a draft's headings are made of (a pattern's fillers, or the heading)."""
    ids: set[str] = set()
    for part in data["parts"]:
        source = part["source"]
        if source.get("kind") == "heading_pattern":
            ids |= {f["id"] for f in source["fillers"]}
        elif source.get("id"):
            ids.add(source["id"])
    return ids


@pytest.mark.parametrize("seed", [1, 2, 5])
def test_avoid_keeps_an_earlier_drafts_material_out(tmp_path: Path, seed: int) -> None:
    first, second = _first_and_avoiding(tmp_path, seed)
    assert not _lines(first) & _lines(second)
    assert not _lead_and_point_ids(first) & _lead_and_point_ids(second)
    assert len(second["parts"]) == len(first["parts"])


def test_avoid_can_be_given_twice(tmp_path: Path) -> None:
    """Both files count: one earlier draft split into two files, each holding one part."""
    whole = tmp_path / "whole.json"
    assert draft("--seed", "1", "-o", str(whole)).exit_code == 0
    data = json.loads(whole.read_text(encoding="utf-8"))
    halves = []
    for i in (0, 1):
        half = tmp_path / f"half{i}.json"
        half.write_text(json.dumps({**data, "parts": [data["parts"][i]]}), encoding="utf-8")
        halves.append(half)
    third = draft_json("--seed", "1", "--avoid", str(halves[0]), "--avoid", str(halves[1]))
    for i in (0, 1):
        part = {**data, "parts": [data["parts"][i]]}
        assert not _lines(part) & _lines(third)
        assert not _lead_and_point_ids(part) & _lead_and_point_ids(third)


def test_avoid_that_exhausts_the_bank_is_a_clean_error(tmp_path: Path) -> None:
    """Avoiding two whole drafts leaves the small bundled bank short of parallel headings."""
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    assert draft("--seed", "1", "-o", str(one)).exit_code == 0
    assert draft("--seed", "1", "-o", str(two), "--avoid", str(one)).exit_code == 0
    result = draft("--seed", "1", "-f", "json", "--avoid", str(one), "--avoid", str(two))
    if result.exit_code == 0:  # a richer bank may still manage: then nothing old is reused
        third = json.loads(result.stdout)
        for old in (one, two):
            assert not _lines(json.loads(old.read_text(encoding="utf-8"))) & _lines(third)
    else:
        assert result.exit_code == 1
        assert "--avoid" in result.stderr and "Traceback" not in result.stderr


def test_avoid_keeps_an_earlier_drafts_heading_material_out(tmp_path: Path) -> None:
    first, second = _first_and_avoiding(tmp_path, 2)
    assert not _heading_material_ids(first) & _heading_material_ids(second)


def test_a_malformed_avoid_file_names_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "parts": [\n  }\n', encoding="utf-8")
    refused(draft("--seed", "1", "--avoid", str(bad)), f"{bad}:3:", "JSON 格式错误")


@pytest.mark.parametrize("content", ['{"title": "x"}', "[1, 2]", '"parts"', '{"parts": [1]}'])
def test_an_avoid_file_that_is_not_a_draft(tmp_path: Path, content: str) -> None:
    other = tmp_path / "other.json"
    other.write_text(content, encoding="utf-8")
    refused(draft("--seed", "1", "--avoid", str(other)), str(other))


def test_a_missing_avoid_file(tmp_path: Path) -> None:
    refused(draft("--seed", "1", "--avoid", str(tmp_path / "none.json")), "文件不存在")


def test_an_avoid_file_with_points_not_a_list(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"parts": [{"heading": "标题", "points": 5}]}', encoding="utf-8")
    refused(CliRunner().invoke(app, ["draft", "-t", THEME, "--avoid", str(other)]), str(other))


# ── free-text themes ─────────────────────────────────────────────────────────────────────


def test_a_free_theme_is_drafted_from_its_own_material() -> None:
    result = run("draft", "--theme", "乡村振兴", "--seed", "3", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert "乡村振兴" in data["title"] and "乡村振兴" in data["opening"]
    assert data["theme_known"] is False and len(data["parts"]) == 3
    assert all(p["on_theme"] for p in data["parts"])
    assert data["coverage"]["enough"] is True and result.stderr == ""
    text = " ".join(p["heading"] + p["lead"] for p in data["parts"])
    assert any(w in text for w in ("粮食", "农业", "农村", "农民", "耕地"))


def test_a_theme_the_bank_cannot_serve_is_refused_plainly() -> None:
    result = run("draft", "--theme", "量子通信", "--seed", "1")
    assert result.exit_code == 1
    assert "量子通信" in result.stderr and "drafter mine" in result.stderr
    assert result.stdout == ""


def test_a_theme_typed_in_traditional_script_is_recognised() -> None:
    data = json.loads(run("draft", "--theme", "激勵幹部擔當作為", "-s", "1", "-f", "json").stdout)
    assert data["theme"] == THEME and data["theme_known"] is True
    assert data == draft_json("--seed", "1")


def test_a_known_theme_prints_no_note_with_a_seed() -> None:
    result = draft("--seed", "3")
    assert result.exit_code == 0
    assert result.stderr == ""


# ── template safety and strictness ───────────────────────────────────────────────────────


@pytest.mark.parametrize("fmt", ["md", "txt"])
def test_template_code_in_a_theme_comes_out_literally(fmt: str) -> None:
    for theme in ("{{ 7*7 }}激励", "{% if %}激励"):
        result = run("draft", "--theme", theme, "--seed", "1", "--format", fmt)
        assert result.exit_code == 0, result.stderr
        title = result.stdout.splitlines()[0]
        assert theme in title
        assert result.stdout.count(theme) >= 2  # title and opening
    text = run("draft", "--theme", "{{ 7*7 }}激励", "--seed", "1", "--format", fmt).stdout
    assert "49激励" not in text


def test_template_code_in_bank_entries_comes_out_literally(tmp_path: Path) -> None:
    """Every sub-point body and part lead of a bank ends with template code: a draft shows it
    as written, never run."""
    bank = copy_bank(tmp_path)
    marks = {"points.yaml": ("body", "{{ 7*7 }}"), "part_leads.yaml": ("text", "{% if %}")}
    for name, (key, mark) in marks.items():
        path = bank / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in data["entries"]:
            if entry.get(key):
                # Marked as its own sentence: the draft's leads and bodies keep whole sentences.
                entry[key] = f"{mark}。{entry[key]}"
                entry["origin"] = "user"  # ids are not re-checked for user entries
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    for fmt in ("md", "txt"):
        result = draft("--seed", "1", "--bank", str(bank), "--format", fmt, "--detail", "full")
        assert result.exit_code == 0, result.stderr
        assert "{{ 7*7 }}" in result.stdout or "{% if %}" in result.stdout
        assert "49" not in result.stdout


def _workspace(tmp_path: Path, templates: dict[str, str]) -> Path:
    root = tmp_path / "ws"
    (root / "templates").mkdir(parents=True)
    for name, text in templates.items():
        (root / "templates" / name).write_text(text, encoding="utf-8")
    return root


def test_a_workspace_template_overrides_the_builtin_md(tmp_path: Path) -> None:
    root = _workspace(tmp_path, {"md.j2": "自定义：{{ draft.title }}｜{{ draft.seed }}\n"})
    data = draft_json("--seed", "1")
    result = run("--root", str(root), "draft", "--theme", THEME, "--seed", "1")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"自定义：{data['title']}｜1\n"
    # txt is still the built-in one, and without --root md is too.
    txt = run("--root", str(root), "draft", "--theme", THEME, "--seed", "1", "-f", "txt")
    assert txt.stdout == draft("--seed", "1", "-f", "txt").stdout
    assert draft("--seed", "1").stdout.startswith("# ")


def test_a_workspace_template_can_extend_the_builtin(tmp_path: Path) -> None:
    root = _workspace(tmp_path, {"md.j2": '{% extends "builtin/md.j2" %}\n'})
    result = run("--root", str(root), "draft", "--theme", THEME, "--seed", "1")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == draft("--seed", "1").stdout


def test_template_option_takes_a_path(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere" / "x.j2"
    path.parent.mkdir()
    path.write_text(
        "{% for part in draft.parts %}{{ part.number | cn }}={{ part.heading }}\n{% endfor %}",
        encoding="utf-8",
    )
    data = draft_json("--seed", "1", "--parts", "4")
    result = draft("--seed", "1", "--parts", "4", "--template", str(path))
    assert result.exit_code == 0, result.stderr
    expected = "".join(f"{NUMERALS[n]}={p['heading']}\n" for n, p in enumerate(data["parts"]))
    assert result.stdout == expected


def test_template_option_takes_a_workspace_name(tmp_path: Path) -> None:
    root = _workspace(tmp_path, {"brief.j2": "{{ draft.theme }}/{{ draft.occasion }}\n"})
    result = run("--root", str(root), "draft", "-t", THEME, "-s", "1", "--template", "brief")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{THEME}/研讨发言\n"


def test_a_template_using_a_missing_field_names_file_and_line(tmp_path: Path) -> None:
    root = _workspace(tmp_path, {"bad.j2": "标题：{{ draft.title }}\n\n正文：{{ draft.nope }}\n"})
    path = root / "templates" / "bad.j2"
    by_name = run("--root", str(root), "draft", "-t", THEME, "-s", "1", "--template", "bad")
    refused(by_name, f"{path}:3:", "nope")
    refused(draft("--seed", "1", "--template", str(path)), f"{path}:3:", "nope")


def test_a_template_with_a_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    root = _workspace(tmp_path, {"syn.j2": "{{ draft.title }}\n\n{% if %}\n"})
    path = root / "templates" / "syn.j2"
    refused(draft("--seed", "1", "--template", str(path)), f"{path}:3:", "模板语法错误")
    by_name = run("--root", str(root), "draft", "-t", THEME, "-s", "1", "--template", "syn")
    refused(by_name, f"{path}:3:", "模板语法错误")


def test_a_workspace_md_with_a_syntax_error_fails_cleanly(tmp_path: Path) -> None:
    root = _workspace(tmp_path, {"md.j2": "{% for x in %}\n"})
    result = run("--root", str(root), "draft", "--theme", THEME, "--seed", "1")
    refused(result, f"{root / 'templates' / 'md.j2'}:1:")


def test_a_template_dividing_by_zero_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "div.j2"
    path.write_text("{{ draft.title }}\n{{ draft.seed // 0 }}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["draft", "-t", THEME, "-s", "1", "--template", str(path)])
    refused(result, f"{path}:2:")


def test_an_unknown_template_lists_the_available_ones(tmp_path: Path) -> None:
    refused(draft("--seed", "1", "--template", "nope"), "找不到模板“nope.j2”", "md、txt")
    root = _workspace(tmp_path, {"mine.j2": "x\n"})
    result = run("--root", str(root), "draft", "-t", THEME, "-s", "1", "--template", "nope")
    refused(result, "找不到模板", "md、mine、txt")
    missing = tmp_path / "missing.j2"
    refused(draft("--seed", "1", "--template", str(missing)), str(missing), "模板文件不存在")


# ── themes and templates commands ────────────────────────────────────────────────────────


def test_themes_lists_every_theme_with_its_coverage_and_the_banks_topics() -> None:
    result = run("themes")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for theme in THEMES_YAML["themes"]:
        assert theme["name"] in out
    assert "3部分：切题" in out and "4部分：切题" in out and "素材不足" not in out
    assert "素材库覆盖较好的主题" in out  # mined from the bank's own headings
    topics = out.split("素材库覆盖较好的主题", 1)[1]
    assert re.search(r"同级标题组 \d+ · 可作部分 \d+", topics)


def test_themes_looks_up_a_theme_and_guesses_a_typo() -> None:
    result = run("themes", "激励干部担当做为")
    assert result.exit_code == 0, result.stderr
    assert "是不是“激励干部担当作为”？" in result.stdout
    assert "主题“激励干部担当做为”" in result.stdout
    bare = run("themes", "量子通信")
    assert "几乎没有这个主题的材料" in bare.stdout and "drafter mine" in bare.stdout


def test_themes_marks_a_theme_the_bank_cannot_serve(tmp_path: Path) -> None:
    bank = copy_bank(tmp_path)
    path = bank / "themes.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["themes"].append(
        {"name": "纯作风主题", "dimensions": {3: ["作风纪律", "为民服务", "担当实干"]}}
    )
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = run("themes", "--bank", str(bank))
    assert result.exit_code == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "纯作风主题" in line)
    assert "3部分：素材不足" in row


def test_templates_lists_builtin_and_workspace_templates(tmp_path: Path) -> None:
    result = run("templates")
    assert result.exit_code == 0, result.stderr
    rows = result.stdout.splitlines()
    for name in ("md", "txt"):
        assert any(re.search(rf"\b{name}\b.*内置", r) for r in rows), result.stdout
    assert "工作目录" not in result.stdout

    root = _workspace(tmp_path, {"report.j2": "{#- 说明：我的报告模板 -#}\n{{ draft.title }}\n"})
    result = run("--root", str(root), "templates")
    assert result.exit_code == 0, result.stderr
    row = next(r for r in result.stdout.splitlines() if "report" in r)
    assert "工作目录" in row and "我的报告模板" in row
    assert any(re.search(r"\bmd\b.*内置", r) for r in result.stdout.splitlines())


def test_templates_marks_an_overridden_builtin(tmp_path: Path) -> None:
    root = _workspace(tmp_path, {"md.j2": "{{ draft.title }}\n"})
    result = run("--root", str(root), "templates")
    rows = [r for r in result.stdout.splitlines() if re.search(r"\bmd\b", r)]
    assert any("工作目录" in r for r in rows)
    assert any("内置（已被覆盖）" in r for r in rows)
