"""`drafter new` as issue 16 asks: edits, re-rolls, alternatives, 对仗, prompts and the preview.

Each behaviour is shown through the command line with ``--script`` answers on stdin; a few use
the fake Asker where the session's own record (what it said, what it offered) is the point.
Every test works in its own ``tmp_path``.
"""

from __future__ import annotations

import io
import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from drafter.cli.app import app
from drafter.cli.prompts import RichAsker
from drafter.drafting.composer import Composer, compose
from drafter.drafting.index import BankIndex, load_index
from drafter.drafting.model import Draft, DraftPart, DraftRequest
from drafter.output.templates import render
from drafter.text.linebreak import NO_START
from drafter.workflow.session import broken_parallel, reproduce_command
from tests.test_import_weight import imported_modules
from tests.workflow.sessionkit import BANK, THEME, keep_edit, lines, session, setup

# Seed 5, theme 1, three parts: headings "从严管理监督，为实干者护航" / "强化正向激励，为干事者加油" /
# "规范容错纠错，为担当者撑腰", which share "…，为…者…" with six characters before the comma.
THREE = setup(parts="3")
FIRST_HEADING = "从严管理监督，为实干者护航"


def new(runner: CliRunner, answers: list[str], *args: str, seed: int = 5) -> Result:
    result = runner.invoke(
        app,
        [*args, "new", "--script", "--seed", str(seed)],
        input=lines(*answers),
        env={"COLUMNS": "80"},
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result


def saved_json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def first_draft(parts: int = 3, theme: str = THEME, **options: Any) -> Draft:
    return compose(load_index(BANK), DraftRequest(theme, parts, seed=5, **options))


# ── editing ──────────────────────────────────────────────────────────────────────────────────


def test_an_edit_answer_replaces_heading_lead_and_point_and_empty_keeps(
    runner: CliRunner, cwd: Path
) -> None:
    first = first_draft()
    edit = ["e", "我的标题，我的写法", "我自己的引言。", "", "我的第二条要点", ""]
    result = new(runner, [*THREE, *edit, "k", "", "", "s", "json", "e.json"])
    assert result.exit_code == 0, result.output
    part = saved_json(cwd / "e.json")["parts"][0]
    assert part["heading"] == "我的标题，我的写法" and part["source"] == {"kind": "user"}
    # The 引言 (the part's lead paragraph) is the writer's too, and marked as theirs.
    assert part["lead"] == "我自己的引言。" and part["lead_source"] == {"kind": "user"}
    leads = [p["lead"] for p in part["points"]]
    assert leads == [first.parts[0].points[0].lead, "我的第二条要点", first.parts[0].points[2].lead]
    assert part["points"][0]["source"] == first.parts[0].points[0].source  # kept as it was
    # Each question offers the text it edits; scripted, the answer is echoed.
    assert "引言（回车保留）" in result.stdout and "> 我自己的引言。" in result.stdout


def test_each_edit_question_offers_the_current_text(index: BankIndex, cwd: Path) -> None:
    first = first_draft()
    saved, asker = session(index, [*THREE, "e", *keep_edit(), "k", "", "", "q"])
    assert saved is None
    part = first.parts[0]
    assert asker.edited == [
        ("标题（回车保留）", part.heading),
        ("引言（回车保留）", part.lead),
        *((f"要点（{n}）（回车保留）", p.lead) for n, p in zip("一二三", part.points, strict=True)),
    ]
    assert asker.drafts[-1][0].parts == first.parts  # nothing changed: q did not ask


# ── re-roll ──────────────────────────────────────────────────────────────────────────────────


def test_r_with_nothing_new_says_so_every_time(runner: CliRunner, cwd: Path) -> None:
    # The bundled bank has no other material for this theme's first part (the six presses of
    # the issue showed the same part six times without a word).
    answers = [*setup("全面从严治党", "3"), *["r"] * 6, "k", "", "", "s", "json", "r.json"]
    result = new(runner, answers, seed=1)
    assert result.exit_code == 0, result.output
    flat = re.sub(r"\s", "", result.stdout)
    assert flat.count("第一部分没有新的可换了") == 6
    first = compose(load_index(BANK), DraftRequest("全面从严治党", 3, seed=1))
    assert saved_json(cwd / "r.json")["parts"][0] == first.parts[0].to_dict()


def test_r_that_changes_the_part_says_nothing(index: BankIndex, cwd: Path) -> None:
    saved, asker = session(index, [*THREE, "r", "k", "", "", "q", "y"])
    assert saved is None
    assert asker.parts[1][0].heading != asker.parts[0][0].heading
    assert not asker.told("没有新的可换了") and not asker.told("之前出现过")


def test_overview_r_names_the_parts_it_could_not_change(index: BankIndex, cwd: Path) -> None:
    saved, asker = session(
        index, [*setup("全面从严治党", "3"), "", "", "", "r", "l 1 2 3", "r", "q"], seed=1
    )
    assert saved is None
    assert asker.told("第一、二、三部分没有新的可换了")
    assert "各部分都已锁定：先解锁（u 序号）再重抽。" in asker.said


# ── alternatives ─────────────────────────────────────────────────────────────────────────────


def test_a_lists_only_headings_that_differ_from_the_current_one_and_each_other(
    runner: CliRunner, cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw: list[tuple[str, list[str]]] = []
    original = Composer.alternatives

    def spy(self: Composer, draft: Draft, index: int, count: int = 5) -> list[DraftPart]:
        found = original(self, draft, index, count)
        raw.append((draft.parts[index].heading, [p.heading for p in found]))
        return found

    monkeypatch.setattr(Composer, "alternatives", spy)
    # Seed 5, four parts: the composer proposes "规范容错纠错，为担当者撑腰" twice for part 1.
    result = new(runner, [*setup(), "a", "2", "k", "", "", "", "s", "json", "a.json"])
    assert result.exit_code == 0, result.output
    current, proposed = raw[0]
    assert len(set(proposed)) < len(proposed)  # the case the filter is for
    listed = re.findall(r"^(\d)\. (.+?)（要点：", result.stdout, re.MULTILINE)
    headings = [h for _, h in listed]
    assert [n for n, _ in listed] == [str(n) for n in range(1, len(listed) + 1)]
    assert headings == list(dict.fromkeys(proposed)) and current not in headings
    # The number picked is the one listed, not the composer's own position.
    assert saved_json(cwd / "a.json")["parts"][0]["heading"] == headings[1]


def test_a_leaves_out_an_alternative_with_the_current_heading(
    index: BankIndex, cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Composer.alternatives

    def same_first(self: Composer, draft: Draft, index: int, count: int = 5) -> list[DraftPart]:
        found = original(self, draft, index, count)
        # The current heading again, with other points (as a composer may well propose).
        return [DraftPart(**{**vars(found[0]), "heading": draft.parts[index].heading}), *found]

    monkeypatch.setattr(Composer, "alternatives", same_first)
    saved, asker = session(index, [*THREE, "a", "1", "k", "", "", "q", "y"])
    assert saved is None
    listed = [s for s in asker.said if re.match(r"\d\. ", s)]
    assert not any(s.startswith(f"1. {FIRST_HEADING}（") for s in listed)
    assert asker.drafts[-1][0].parts[0].heading != FIRST_HEADING


def test_a_with_nothing_different_says_so(runner: CliRunner, cwd: Path) -> None:
    result = new(runner, [*setup("全面从严治党", "3"), "a", "k", "", "", "q"], seed=1)
    assert result.exit_code == 0, result.output
    assert "没有别的备选了。" in result.stdout


# ── 对仗 ────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("heading", "warning"),
    [
        pytest.param("自定标题测试，务求实效", "“…，为…者…”", id="loses-the-fixed-words"),
        pytest.param("自定标题测试", "“…，为…者…”", id="one-clause-instead-of-two"),
        pytest.param(
            "从严管理监督工作，为实干者护航", "“…，为…者…”，各标题相应处的字数相同", id="uneven"
        ),
        pytest.param("从严管理监督，为奋斗者护航", None, id="keeps-it"),
    ],
)
def test_an_edited_heading_that_breaks_the_parallel_is_warned(
    runner: CliRunner, cwd: Path, heading: str, warning: str | None
) -> None:
    result = new(runner, [*THREE, "e", heading, "", "", "", "", "k", "", "", "q", "y"])
    assert result.exit_code == 0, result.output
    flat = re.sub(r"\s", "", result.stdout)
    if warning is None:
        assert "不再对仗" not in flat
    else:
        assert f"注意：改后的标题与其他部分的标题不再对仗（原来共用的句式是{warning}）" in flat


def test_broken_parallel_compares_the_set_before_and_after() -> None:
    siblings = ["强化正向激励，为干事者加油", "规范容错纠错，为担当者撑腰"]
    assert broken_parallel([FIRST_HEADING, *siblings], ["我的标题", *siblings]) == "“…，为…者…”"
    # Headings that shared no skeleton have none to break.
    assert broken_parallel(["一", "二，三"], ["一，二", "二，三"]) is None


# ── prompts ──────────────────────────────────────────────────────────────────────────────────


def test_q_after_changes_asks_first_and_n_goes_back(runner: CliRunner, cwd: Path) -> None:
    edit = ["e", "我的标题，我的写法", *[""] * 4]
    result = new(runner, [*THREE, *edit, "k", "", "", "q", "n", "q", "", "q", "y"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("确定放弃吗？（y/n）") == 3  # n, Enter (no), then y
    assert "已放弃，未保存任何文件。" in result.stderr
    assert list(cwd.iterdir()) == []


def test_q_without_changes_leaves_at_once(runner: CliRunner, cwd: Path) -> None:
    result = new(runner, [*THREE, "", "", "", "q"])
    assert result.exit_code == 0, result.output
    assert "确定放弃吗" not in result.stdout


@pytest.mark.parametrize(
    ("move", "message"),
    [
        ("l 9", "没有第 9 部分：这份提纲只有 1–3 部分。"),
        ("u 0", "没有第 0 部分：这份提纲只有 1–3 部分。"),
        ("p 4", "没有第 4 部分：这份提纲只有 1–3 部分。"),
        ("l 1 7 8", "没有第 7、8 部分：这份提纲只有 1–3 部分。"),
        ("l x", "请在 l 后写部分序号，如“l 2”。"),
    ],
)
def test_a_part_number_out_of_range_is_named(
    runner: CliRunner, cwd: Path, move: str, message: str
) -> None:
    result = new(runner, [*THREE, "", "", "", move, "q"])
    assert result.exit_code == 0, result.output
    assert message in result.stdout
    assert "（已锁定）" not in result.stdout  # "l 1 7 8" locks nothing: the writer retypes


def test_full_width_digits_choose_as_well(index: BankIndex, cwd: Path) -> None:
    saved, asker = session(index, [*setup("１", "３"), "", "", "", "l ２", "s", "json", "w.json"])
    assert saved is not None and saved.draft.theme == THEME and len(saved.draft.parts) == 3
    assert asker.drafts[-1][1] == {1}


def test_setup_asks_points_detail_speaker_and_organisation(runner: CliRunner, cwd: Path) -> None:
    answers = setup(parts="3", points="4", detail="2", speaker="张三", organisation="市委组织部")
    result = new(runner, [*answers, "", "", "", "s", "md", "o.md"])
    assert result.exit_code == 0, result.output
    for question in (
        "每部分几条要点（2–5） (3)",
        "详略（序号） (1)",
        "发言人（可不填",
        "单位（可不填",
    ):
        assert question in result.stdout
    text = (cwd / "o.md").read_text(encoding="utf-8")
    assert text.splitlines()[2] == "市委组织部　张三"  # the byline under the title, as batch
    draft = first_draft(points=4, detail="full", speaker="张三", organisation="市委组织部")
    assert all(len(p.points) == 4 and all(q.body for q in p.points) for p in draft.parts)
    assert text == render(draft, "md")
    assert "市委组织部　张三" in result.stdout  # the preview shows it too


def test_setup_defaults_are_taken_with_enter(index: BankIndex, cwd: Path) -> None:
    saved, _ = session(index, [*THREE, "", "", "", "s", "json", "d.json"])
    assert saved is not None
    draft = saved.draft
    assert (draft.detail, draft.speaker, draft.organisation) == ("outline", None, None)
    assert all(len(p.points) == 3 and not any(q.body for q in p.points) for p in draft.parts)


@pytest.mark.parametrize(("answer", "again"), [("6", 1), ("1", 1), ("", 0)])
def test_points_out_of_range_are_asked_again(
    index: BankIndex, cwd: Path, answer: str, again: int
) -> None:
    answers = [THREE[0], "3", answer, *(["3"] if again else []), *THREE[3:], "", "", "", "q"]
    _, asker = session(index, answers)
    assert asker.said.count("只能是 2–5。") == again


def test_detail_by_name(index: BankIndex, cwd: Path) -> None:
    saved, _ = session(index, [*setup(parts="3", detail="full"), "", "", "", "s", "json", "f.json"])
    assert saved is not None and saved.draft.detail == "full"


# ── the seed's command ───────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "theme",
    [
        pytest.param("1", id="a-theme-of-the-book"),
        pytest.param("乡村振兴 \"新\" $HOME 的'路'", id="blanks-quotes-and-a-dollar"),
    ],
)
def test_the_seed_hint_is_a_command_that_gives_the_same_draft(
    runner: CliRunner, cwd: Path, theme: str
) -> None:
    answers = setup(theme, "3", points="4", occasion="2", detail="2", speaker="张三")
    result = new(runner, [*answers, "", "", "", "s", "json", "s.json"], seed=7)
    assert result.exit_code == 0, result.output
    assert "随机种子：7。用这条命令可重现初稿：" in result.stdout
    command = next(line for line in result.stdout.splitlines() if line.startswith("drafter "))
    words = shlex.split(command)  # as a POSIX shell reads it: no $HOME expanded, quotes kept
    assert words[:2] == ["drafter", "draft"] and words[-4:] == ["--seed", "7", "--speaker", "张三"]
    again = runner.invoke(app, [*words[1:], "--format", "json"])
    assert again.exit_code == 0, again.output
    saved = saved_json(cwd / "s.json")
    assert saved["speaker"] == "张三"
    assert json.loads(again.stdout) == saved  # the speaker too: draft takes --speaker


def test_speaker_and_organisation_options_are_the_answers_enter_keeps(
    runner: CliRunner, cwd: Path
) -> None:
    answers = setup("1", "3")  # Enter at the speaker and organisation questions
    args = ["--speaker", "李四", "--organisation", "市委办公室"]
    result = runner.invoke(
        app,
        ["new", "--script", "--seed", "5", *args],
        input=lines(*answers, "", "", "", "s", "json", "o.json"),
        env={"COLUMNS": "80"},
    )
    assert result.exit_code == 0, result.output
    saved = saved_json(cwd / "o.json")
    assert (saved["speaker"], saved["organisation"]) == ("李四", "市委办公室")
    command = next(line for line in result.stdout.splitlines() if line.startswith("drafter "))
    assert shlex.split(command)[-4:] == [*args[:1], "李四", "--organisation", "市委办公室"]


def test_the_seed_command_names_the_root_and_bank_given_to_new(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    workspace = tmp_path / "我的 工作区"
    workspace.mkdir()
    result = new(runner, [*THREE, "", "", "", "q"], "--root", str(workspace))
    assert result.exit_code == 0, result.output
    command = next(line for line in result.stdout.splitlines() if line.startswith("drafter "))
    assert shlex.split(command)[:4] == ["drafter", "--root", str(workspace), "draft"]
    plain = new(runner, [*THREE, "", "", "", "q"])
    assert "--bank" not in plain.stdout and "--root" not in plain.stdout
    with_bank = runner.invoke(
        app,
        ["new", "--script", "--seed", "5", "--bank", str(BANK)],
        input=lines(*THREE, "", "", "", "q"),
    )
    assert with_bank.exit_code == 0, with_bank.output
    command = next(x for x in with_bank.stdout.splitlines() if x.startswith("drafter "))
    assert shlex.split(command)[2:4] == ["--bank", str(BANK)]


def test_reproduce_command_quotes_for_a_shell() -> None:
    request = DraftRequest("a b'c", 4, 5, "讲话", detail="full")
    command = reproduce_command(request, 9, ["drafter", "draft"])
    assert shlex.split(command) == [
        *("drafter", "draft", "--theme", "a b'c", "--parts", "4", "--points", "5"),
        *("--occasion", "讲话", "--detail", "full", "--seed", "9"),
    ]


# ── Ctrl-C ───────────────────────────────────────────────────────────────────────────────────


def test_ctrl_c_leaves_quietly_with_130(
    runner: CliRunner, cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(self: RichAsker, question: str, text: str) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(RichAsker, "edit", interrupted)
    result = new(runner, [*THREE, "e"])
    assert result.exit_code == 130
    assert result.stderr == "" and "已中断" not in result.output
    assert list(cwd.iterdir()) == []


# ── the preview ──────────────────────────────────────────────────────────────────────────────

_FRAME = "│├└─╭╰╮╯ "


def starts_with_closing_punctuation(output: str) -> list[str]:
    """The lines whose text (after a panel's or tree's frame) begins with closing punctuation."""
    return [line for line in output.splitlines() if line.lstrip(_FRAME)[:1] in NO_START]


@pytest.mark.parametrize(
    ("theme", "seed", "detail"),
    [("1", 5, "1"), ("1", 5, "2"), ("2", 3, "1"), ("3", 1, "2"), ("乡村振兴", 5, "1")],
)
def test_no_preview_line_starts_with_closing_punctuation_at_80_columns(
    runner: CliRunner, cwd: Path, theme: str, seed: int, detail: str
) -> None:
    moves = ["r", "k", "a", "1", "k", "e", "我的标题，我的写法", *[""] * 4, "k", "k"]
    result = new(runner, [*setup(theme, detail=detail), *moves, "q", "y"], seed=seed)
    assert result.exit_code == 0, result.output
    assert starts_with_closing_punctuation(result.stdout) == []
    assert max(len(line) for line in result.stdout.splitlines()) <= 80 * 2
    # The text is all there, only broken differently: each heading appears whole once joined.
    flat = re.sub(r"[\s│├└─╭╰╮╯]", "", result.stdout)
    assert "我的标题，我的写法" in flat


def test_the_old_wrapping_did_break_before_a_comma() -> None:
    """The test above catches the bug: Rich's own wrapping of the same panel starts a line
    with "，" (part 1 of theme 1, seed 5, once re-rolled, in the issue's session)."""
    from rich.console import Console
    from rich.panel import Panel

    lead = (
        "鲜明选人用人标准，坚持科学选贤任能，真正让有为者有位、能干者能上、优秀者优先，让敢担当。"
    )
    console = Console(file=io.StringIO(), width=80, record=True)
    console.print(Panel(lead))
    assert starts_with_closing_punctuation(console.export_text())
    asker = RichAsker(Console(file=io.StringIO(), width=80, record=True, highlight=False))
    part = first_draft().parts[0]
    asker.show_part(DraftPart(**{**vars(part), "lead": lead}), False)
    assert starts_with_closing_punctuation(asker.console.export_text()) == []


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_rich_previews_fit_the_width_for_many_drafts(width: int) -> None:
    from rich.cells import cell_len
    from rich.console import Console

    index = load_index(BANK)
    for theme in ("激励干部担当作为", "守初心担使命", "加强干部队伍建设", "乡村振兴"):
        for seed in (1, 2, 3):
            draft = compose(index, DraftRequest(theme, 4, 4, seed=seed, detail="full"))
            console = Console(file=io.StringIO(), width=width, record=True, highlight=False)
            asker = RichAsker(console)
            asker.show_draft(draft, {1})
            for part in draft.parts:
                asker.show_part(part, True)
            text = console.export_text()
            assert starts_with_closing_punctuation(text) == [], (theme, seed)
            assert all(cell_len(line.rstrip()) <= width for line in text.splitlines())


def test_the_title_line_does_not_repeat_the_occasion(runner: CliRunner, cwd: Path) -> None:
    index = load_index(BANK)
    titles = {s: compose(index, DraftRequest(THEME, 3, seed=s)).title for s in range(1, 41)}
    # A seed whose title names the occasion, and one whose title does not.
    named = next(s for s, t in titles.items() if t.endswith("——研讨发言"))
    plain = next(s for s, t in titles.items() if "研讨发言" not in t)
    result = new(runner, [*THREE, "", "", "", "q"], seed=named)
    assert result.exit_code == 0, result.output
    assert titles[named] in result.stdout.splitlines()
    assert "研讨发言  研讨发言" not in result.stdout
    # A title without it still gets the occasion beside it.
    other = new(runner, [*THREE, "", "", "", "q"], seed=plain)
    assert f"{titles[plain]}  研讨发言" in other.stdout.splitlines()


# ── start-up ─────────────────────────────────────────────────────────────────────────────────


def test_scripted_new_never_imports_prompt_toolkit(tmp_path: Path) -> None:
    script = (
        "import io, sys; sys.stdin = io.TextIOWrapper(io.BytesIO("
        + repr(lines(*THREE, "", "", "", "q").encode())
        + "), encoding='utf-8'); sys.argv = ['drafter', 'new', '--script', '--seed', '5']; "
        "from drafter.cli import main; main()"
    )
    out, modules = imported_modules(["-c", script], tmp_path)
    assert "随机种子：5" in out and "drafter.workflow.session" in modules  # the session ran
    assert not [m for m in modules if m.startswith("prompt_toolkit")]
