"""`drafter new`: the guided session, scripted through the CLI and driven by a fake Asker.

Answers in ``--script`` mode are one line each; an empty line takes the default. Nothing is
written until the writer saves, and every test works inside its own ``tmp_path``. The behaviour
asked for in issue 16 (editing, re-rolls, alternatives, 对仗, prompts, preview) is tested in
test_session_moves.py, and a real terminal in test_session_terminal.py.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from typer.testing import CliRunner, Result

from drafter.cli.app import app
from drafter.cli.prompts import RichAsker
from drafter.drafting.composer import compose
from drafter.drafting.index import BankIndex
from drafter.drafting.model import DraftRequest, avoid_from_dict
from drafter.errors import UsageError
from drafter.output.templates import render
from drafter.workflow.session import default_name, run_session
from tests.workflow.sessionkit import THEME, FakeAsker, lines, session, setup

DRAFT_KEYS = {
    *("title", "theme", "occasion", "seed", "opening", "parts", "closing", "bank_version"),
    *("detail", "dimensions", "theme_known", "pattern", "notes"),
    *("title_source", "opening_source", "closing_source", "speaker", "organisation"),
    *("coverage", "characters"),
}
PART_KEYS = {
    *("number", "heading", "dimension", "lead", "points", "source", "lead_source", "on_theme"),
}
EDITED_HEADING = "自定标题测试，务求实效"
EDITED_POINT = "自定要点测试"

# Theme 1, four parts, three points, occasion 1 (研讨发言), an outline, no speaker.
SETUP = setup()
# Part 1 keep; part 2 re-roll then keep; part 3 edit (heading, lead kept, first point lead, the
# other two kept) then keep; part 4 pick alternative 1 then keep.
PART_MOVES = ["k", "r", "k", "e", EDITED_HEADING, "", EDITED_POINT, "", "", "k", "a", "1", "k"]


# ── helpers ──────────────────────────────────────────────────────────────────────────────────


def skeleton(heading: str) -> list[int]:
    """Clause lengths of a heading, cut at its clause marks."""
    return [len(clause) for clause in re.split("[，；：、]", heading)]


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def invoke(runner: CliRunner, args: list[str], answers: list[str]) -> Result:
    result = runner.invoke(app, args, input=lines(*answers))
    # Anything but a clean exit through typer.Exit/SystemExit is a crash.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result


def new(runner: CliRunner, answers: list[str], seed: int = 5) -> Result:
    return invoke(runner, ["new", "--script", "--seed", str(seed)], answers)


def read_json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# ── 1. a whole scripted run through the CLI ─────────────────────────────────────────────────


def test_scripted_run_with_moves_lock_and_reroll_saves_a_whole_json_draft(
    runner: CliRunner, cwd: Path, index: BankIndex
) -> None:
    # The same session without the final lock + re-roll, for comparison.
    before_run = new(runner, [*SETUP, *PART_MOVES, "s", "json", "before.json"])
    assert before_run.exit_code == 0, before_run.output
    result = new(runner, [*SETUP, *PART_MOVES, "l 1 3", "r", "s", "json", "after.json"])
    assert result.exit_code == 0, result.output
    assert files_in(cwd) == ["after.json", "before.json"]
    assert "已保存到 after.json（种子 5）" in result.stderr
    assert "Traceback" not in result.stderr

    first = compose(index, DraftRequest(THEME, 4, seed=5)).to_dict()
    before, after = read_json(cwd / "before.json"), read_json(cwd / "after.json")

    # A whole, valid draft in the documented shape.
    assert set(after) == DRAFT_KEYS
    assert (after["theme"], after["occasion"], after["seed"]) == (THEME, "研讨发言", 5)
    assert [p["number"] for p in after["parts"]] == [1, 2, 3, 4]
    for part in after["parts"]:
        assert set(part) == PART_KEYS
        assert part["heading"] and part["lead"] and len(part["points"]) == 3
        assert all(point["lead"] for point in part["points"])
    assert after["title"] == first["title"] and after["opening"] == first["opening"]
    avoid = avoid_from_dict(after, cwd / "after.json")  # it can feed --avoid
    assert avoid.ids and avoid.texts

    # The per-part moves did what they say.
    assert before["parts"][0] == first["parts"][0]  # kept
    assert before["parts"][1]["heading"] != first["parts"][1]["heading"]  # re-rolled
    edited = before["parts"][2]
    assert edited["heading"] == EDITED_HEADING and edited["source"] == {"kind": "user"}
    assert [p["lead"] for p in edited["points"]] == [
        EDITED_POINT,
        *(p["lead"] for p in first["parts"][2]["points"][1:]),
    ]
    assert edited["points"][0]["source"] == {"kind": "user"}
    assert edited["points"][1:] == first["parts"][2]["points"][1:]
    assert before["parts"][3]["heading"] != first["parts"][3]["heading"]  # an alternative
    flat = re.sub(r"\s", "", result.stdout)  # Rich wraps long lines at the console width
    assert "1." + before["parts"][3]["heading"] + "（要点：" in flat

    # Locked parts 1 and 3 survive the re-roll untouched (the edit included).
    assert after["parts"][0] == before["parts"][0]
    assert after["parts"][2] == before["parts"][2]
    assert after["parts"][2]["heading"] == EDITED_HEADING
    # The unlocked parts were re-rolled, and still share one skeleton with each other and with
    # the locked part that came from the bank.
    unlocked = [after["parts"][1]["heading"], after["parts"][3]["heading"]]
    assert unlocked != [before["parts"][1]["heading"], before["parts"][3]["heading"]]
    assert skeleton(unlocked[0]) == skeleton(unlocked[1]) == skeleton(after["parts"][0]["heading"])
    # The preview marks what is locked.
    assert "（已锁定）" in result.stdout and "（已锁定）" not in before_run.stdout


def test_first_draft_of_a_session_is_what_drafter_draft_gives_for_the_seed(
    runner: CliRunner, cwd: Path
) -> None:
    result = new(runner, [*SETUP, "", "", "", "", "", "json", "s.json"])
    assert result.exit_code == 0, result.output
    assert "随机种子：5。用这条命令可重现初稿：" in result.stdout
    command = next(line for line in result.stdout.splitlines() if line.startswith("drafter "))
    assert command == (
        f"drafter draft --theme '{THEME}' --parts 4 --points 3 --occasion '研讨发言'"
        " --detail outline --seed 5"
    )
    draft = invoke(runner, [*shlex.split(command)[1:], "-f", "json"], [])
    assert draft.exit_code == 0, draft.output
    assert (cwd / "s.json").read_text(encoding="utf-8") == draft.stdout


# ── 2. formats, default path, overwriting ───────────────────────────────────────────────────

KEEP_ALL = [*SETUP, "", "", "", ""]


@pytest.mark.parametrize("fmt", ["md", "txt"])
def test_save_as_text_formats_to_the_default_path(
    runner: CliRunner, cwd: Path, index: BankIndex, fmt: str
) -> None:
    result = new(runner, [*KEEP_ALL, "s", fmt, ""])
    assert result.exit_code == 0, result.output
    draft = compose(index, DraftRequest(THEME, 4, seed=5))
    name = default_name(draft, fmt)
    assert name == f"{draft.title}.{fmt}"  # the bundled titles need no cleaning
    assert files_in(cwd) == [name]
    text = (cwd / name).read_text(encoding="utf-8")
    assert text == render(draft, fmt)
    assert draft.title in text and all(p.heading in text for p in draft.parts)
    assert f"保存到 ({name})" in result.stdout
    assert f"已保存到 {name}" in result.stderr


def test_md_is_the_default_format_and_s_the_default_move(runner: CliRunner, cwd: Path) -> None:
    result = new(runner, [*KEEP_ALL, "", "", "out.md"])
    assert result.exit_code == 0, result.output
    assert files_in(cwd) == ["out.md"]
    assert (cwd / "out.md").read_text(encoding="utf-8").startswith("#")


def test_an_existing_file_is_kept_on_n_and_another_path_is_asked(
    runner: CliRunner, cwd: Path
) -> None:
    (cwd / "out.md").write_text("原有内容\n", encoding="utf-8")
    # "n", then an empty answer (the default is n too), then another path.
    result = new(runner, [*KEEP_ALL, "s", "md", "out.md", "n", "out.md", "", "other.md"])
    assert result.exit_code == 0, result.output
    assert (cwd / "out.md").read_text(encoding="utf-8") == "原有内容\n"
    assert files_in(cwd) == ["other.md", "out.md"]
    assert result.stdout.count("覆盖吗？（y/n）") == 2
    assert result.stdout.count("保存到 (") == 3


def test_an_existing_file_is_overwritten_on_y(runner: CliRunner, cwd: Path) -> None:
    (cwd / "out.md").write_text("原有内容\n", encoding="utf-8")
    result = new(runner, [*KEEP_ALL, "s", "md", "out.md", "y"])
    assert result.exit_code == 0, result.output
    text = (cwd / "out.md").read_text(encoding="utf-8")
    assert "原有内容" not in text and text.startswith("#")
    assert files_in(cwd) == ["out.md"]  # no temporary file left behind


# ── 3. leaving without saving ───────────────────────────────────────────────────────────────


def test_q_leaves_without_writing_anything(runner: CliRunner, cwd: Path) -> None:
    result = new(runner, [*KEEP_ALL, "q"])
    assert result.exit_code == 0, result.output
    assert "已放弃，未保存任何文件。" in result.stderr
    assert files_in(cwd) == []


# ── 4. running out of answers ───────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param([], id="nothing"),
        pytest.param(["1", "4"], id="during-setup"),
        pytest.param([*KEEP_ALL[:-2]], id="during-parts"),
        pytest.param([*KEEP_ALL, "s", "md"], id="at-the-path"),
        pytest.param([*KEEP_ALL, "s", "md", "out.md", "n"], id="after-refusing-to-overwrite"),
    ],
)
def test_eof_mid_session_is_a_clear_error_and_writes_nothing(
    runner: CliRunner, cwd: Path, answers: list[str]
) -> None:
    existing = answers[-2:] == ["out.md", "n"]
    if existing:
        (cwd / "out.md").write_text("原有内容\n", encoding="utf-8")
    result = new(runner, answers)
    assert result.exit_code == 2, result.output
    assert "回答提前结束" in result.stderr and "未保存任何文件" in result.stderr
    assert "--script" in result.stderr
    assert "Traceback" not in result.stderr and "EOFError" not in result.output
    assert files_in(cwd) == (["out.md"] if existing else [])
    if existing:
        assert (cwd / "out.md").read_text(encoding="utf-8") == "原有内容\n"


# ── 5. no terminal, no --script ─────────────────────────────────────────────────────────────


def test_without_a_terminal_and_without_script_it_says_how_to_run(
    runner: CliRunner, cwd: Path
) -> None:
    result = invoke(runner, ["new", "--seed", "5"], KEEP_ALL)
    assert result.exit_code == 2, result.output
    assert "drafter draft" in result.stderr and "--script" in result.stderr
    assert result.stdout == ""  # not a single question asked
    assert files_in(cwd) == []


# ── 6. Ctrl-C ───────────────────────────────────────────────────────────────────────────────


def test_interrupt_at_the_save_path_writes_nothing(index: BankIndex, cwd: Path) -> None:
    asker = FakeAsker([*KEEP_ALL, "s", "md"], interrupt="保存到")
    with pytest.raises(KeyboardInterrupt):
        run_session(index, asker, seed=5)
    assert asker.answers == [] and asker.questions[-1].startswith("保存到")
    assert files_in(cwd) == []


def _interrupting_ask(when: Callable[[int, str], bool]) -> Callable[..., str]:
    original = RichAsker.ask
    calls = iter(range(1, 1000))

    def ask(self: RichAsker, question: str, default: str | None = None) -> str:
        if when(next(calls), question):
            raise KeyboardInterrupt
        return original(self, question, default)

    return ask


@pytest.mark.parametrize(
    "when",
    [
        pytest.param(lambda n, q: n == 3, id="third-question"),
        pytest.param(lambda n, q: q.startswith("保存到"), id="save-path"),
    ],
)
def test_interrupt_through_the_cli_exits_130_and_writes_nothing(
    runner: CliRunner,
    cwd: Path,
    monkeypatch: pytest.MonkeyPatch,
    when: Callable[[int, str], bool],
) -> None:
    monkeypatch.setattr(RichAsker, "ask", _interrupting_ask(when))
    result = new(runner, [*KEEP_ALL, "s", "md", "out.md"])
    assert result.exit_code == 130, result.output
    assert result.stderr == ""  # leaving is no error: no "错误：已中断"
    assert "Traceback" not in result.stderr and "KeyboardInterrupt" not in result.output
    assert files_in(cwd) == []


# ── 7. the session logic with a fake Asker ──────────────────────────────────────────────────


def test_invalid_part_count_and_occasion_are_asked_again(index: BankIndex, cwd: Path) -> None:
    saved, asker = session(
        index,
        [
            *["1", "5", "x", "3", "", "9", "0", "交流发言", "", "", ""],
            *["", "", "", "s", "json", "a.json"],
        ],
    )
    assert saved is not None
    assert asker.asked("分几部分") == 3
    assert asker.said.count("只能是 3 或 4。") == 2
    assert asker.asked("场合") == 3
    assert asker.said.count("请输入 1–4 之间的序号。") == 2
    assert len(saved.draft.parts) == 3 and saved.draft.occasion == "交流发言"
    assert saved.path == Path("a.json") and saved.fmt == "json"
    assert read_json(cwd / "a.json") == saved.draft.to_dict()


def test_defaults_are_theme_1_three_parts_first_occasion(index: BankIndex, cwd: Path) -> None:
    saved, asker = session(index, [*[""] * 12, "x.md"])
    assert saved is not None
    draft = saved.draft
    assert (draft.theme, len(draft.parts), draft.occasion) == (THEME, 3, "研讨发言")
    assert asker.said[0] == "可选主题：1. 激励干部担当作为；2. 守初心担使命；3. 加强干部队伍建设"
    assert saved.fmt == "md" and files_in(cwd) == ["x.md"]


def test_a_free_text_theme_is_drafted_and_thin_coverage_is_told(
    index: BankIndex, cwd: Path
) -> None:
    saved, asker = session(
        index, [*setup("全面从严治党", "3", occasion="2"), "", "", "", "s", "json", "f.json"]
    )
    assert saved is not None
    data = read_json(cwd / "f.json")
    assert data["theme"] == "全面从严治党" and data["theme_known"] is False
    assert data["occasion"] == "座谈发言" and len(data["parts"]) == 3
    if not data["coverage"]["enough"]:  # the bundled corpus is thin on it: the writer is told
        assert any("相关的材料不多" in s and "drafter mine" in s for s in asker.said)


def test_a_theme_chosen_by_number_and_by_name_give_the_same_draft(
    index: BankIndex, cwd: Path
) -> None:
    by_number, _ = session(index, [*setup("2", "3"), "", "", "", "s", "json", "n.json"])
    by_name, _ = session(index, [*setup("守初心担使命", "3"), "", "", "", "s", "json", "t.json"])
    assert by_number is not None and by_name is not None
    assert by_number.draft.theme == "守初心担使命" and by_number.draft.theme_known
    assert (cwd / "n.json").read_bytes() == (cwd / "t.json").read_bytes()


def test_invalid_moves_are_asked_again(index: BankIndex, cwd: Path) -> None:
    saved, asker = session(
        index,
        [
            *setup(parts="3"),
            *["z", "a", "", "k"],  # bad part move; alternatives, then cancel the pick
            *["", ""],
            *["x", "l", "l 9", "p", "u", "s"],  # bad overview moves
            *["pdf", "TXT"],  # an unknown format is asked again; case does not matter
            ".",  # a directory
            "a.txt",
        ],
    )
    assert saved is not None and saved.fmt == "txt"
    first = compose(index, DraftRequest(THEME, 3, seed=5))
    assert saved.draft.parts[0] == first.parts[0]  # the cancelled pick changed nothing
    assert "请输入 k、r、a 或 e。" in asker.said
    assert "请输入 s、l、u、r、p 或 q。" in asker.said
    for move in "lpu":
        assert f"请在 {move} 后写部分序号，如“{move} 2”。" in asker.said
    assert asker.said.count("请在 l 后写部分序号，如“l 2”。") == 1
    assert "没有第 9 部分：这份提纲只有 1–3 部分。" in asker.said
    assert asker.asked("保存格式") == 2
    assert ". 是目录，请给出文件名。" in asker.said
    assert files_in(cwd) == ["a.txt"]


def test_lock_refuses_part_rerolls_and_u_unlocks(index: BankIndex, cwd: Path) -> None:
    saved, asker = session(
        index,
        [
            *setup(parts="3"),
            *["", "", ""],
            *["l 2", "r"],  # locked: the overview re-roll leaves part 2 alone
            *["p 2", "r", "a", "k"],  # and so do the part moves, with a message
            *["u 2", "r", "s", "json", "u.json"],  # unlocked: re-rolled
        ],
    )
    assert saved is not None
    # Previews: first, after "l 2", after "r", after "p 2", after "u 2", after "r".
    views = asker.drafts
    assert [locked for _, locked in views] == [set(), {1}, {1}, {1}, set(), set()]
    kept, rerolled, revisited, unlocked = views[0][0], views[2][0], views[3][0], views[5][0]
    assert rerolled.parts[1] == kept.parts[1]
    assert rerolled.parts[0].heading != kept.parts[0].heading
    assert rerolled.parts[2].heading != kept.parts[2].heading
    assert revisited.parts == rerolled.parts
    assert asker.said.count("这一部分已锁定，先解锁（u 序号）再重抽。") == 2
    assert asker.parts[-1] == (kept.parts[1], True)  # "p 2" shows part 2 as locked
    assert saved.draft == unlocked
    assert saved.draft.parts[1].heading != kept.parts[1].heading
    heads = [p.heading for p in saved.draft.parts]
    assert len({tuple(skeleton(h)) for h in heads}) == 1, heads


def test_p_revisits_a_part(index: BankIndex, cwd: Path) -> None:
    saved, asker = session(
        index,
        [
            *setup(parts="3"),
            *["", "", ""],
            *["p 2", "e", "新的第二部分标题", "", "", "", "", "k"],
            *["s", "json", "p.json"],
        ],
    )
    assert saved is not None
    shown = [part.number for part, _ in asker.parts]
    assert shown == [1, 2, 3, 2, 2]  # part 2 shown again, before and after the edit
    assert asker.asked("第二部分") == 3
    assert saved.draft.parts[1].heading == "新的第二部分标题"
    first = compose(index, DraftRequest(THEME, 3, seed=5))
    assert [p.lead for p in saved.draft.parts[1].points] == [p.lead for p in first.parts[1].points]
    assert saved.draft.parts[0] == first.parts[0] and saved.draft.parts[2] == first.parts[2]


def test_an_edit_with_empty_answers_keeps_the_part(index: BankIndex, cwd: Path) -> None:
    saved, asker = session(index, [*setup(parts="3"), "e", "", "", "", "", "", "k", "", "", "q"])
    assert saved is None
    first = compose(index, DraftRequest(THEME, 3, seed=5))
    assert asker.drafts[-1][0].parts == first.parts
    assert asker.asked("要点（") == 3
    assert files_in(cwd) == []


DETERMINISTIC = [
    *setup(occasion="2"),
    *[
        "r",
        "r",
        "k",
        "a",
        "2",
        "k",
        "e",
        "我的标题，我的写法",
        "",
        "",
        "我的要点",
        "",
        "k",
        "a",
        "",
        "k",
    ],
    *["l 3", "r", "u 3", "l 1", "r", "p 4", "r", "k", "s", "json"],
]


def test_a_seeded_session_is_deterministic(index: BankIndex, cwd: Path) -> None:
    one, _ = session(index, [*DETERMINISTIC, "one.json"])
    two, _ = session(index, [*DETERMINISTIC, "two.json"])
    assert one is not None and two is not None
    assert (cwd / "one.json").read_bytes() == (cwd / "two.json").read_bytes()
    # Different seeds do give different drafts.
    three, _ = session(index, [*DETERMINISTIC, "three.json"], seed=6)
    assert three is not None
    assert (cwd / "three.json").read_bytes() != (cwd / "one.json").read_bytes()


def test_without_a_seed_the_session_reports_the_one_it_drew(index: BankIndex, cwd: Path) -> None:
    saved, asker = session(index, [*KEEP_ALL, "s", "json", "r.json"], seed=None)
    assert saved is not None
    assert f"随机种子：{saved.draft.seed}。用这条命令可重现初稿：" in asker.said
    assert asker.unwrapped[0].endswith(f" --seed {saved.draft.seed}")
    again = compose(index, DraftRequest(THEME, 4, seed=saved.draft.seed))
    assert read_json(cwd / "r.json") == again.to_dict()


def test_an_empty_theme_without_a_theme_book_default_is_refused(cwd: Path) -> None:
    no_themes = cast(BankIndex, SimpleNamespace(themes=SimpleNamespace(themes=[])))
    asker = FakeAsker([""])
    with pytest.raises(UsageError, match="主题不能为空"):
        run_session(no_themes, asker, seed=5)
    assert files_in(cwd) == []


# ── regressions: bugs the first version of these tests found ─────────────────────────────


def test_an_unwritable_save_path_is_not_a_crash(runner: CliRunner, cwd: Path) -> None:
    (cwd / "afile").write_text("x\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["new", "--script", "--seed", "5"],
        input=lines(*KEEP_ALL, "s", "md", "afile/out.md", "ok.md"),
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code == 0
    assert "无法写入" in result.stdout
    assert (cwd / "afile").read_text(encoding="utf-8") == "x\n"
    assert (cwd / "ok.md").read_text(encoding="utf-8").startswith("# ")


def test_an_out_of_range_theme_number_is_asked_again(index: BankIndex, cwd: Path) -> None:
    asker = FakeAsker(["9", *setup(parts="3"), "", "", "", "q"])
    run_session(index, asker, seed=5)
    assert asker.asked("主题") == 2


def _run_in_process(hash_seed: int, cwd: Path, name: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    answers = lines(*setup(), "r", "r", "k", "k", "k", "k", "s", "json", name)
    done = subprocess.run(
        [sys.executable, "-m", "drafter", "new", "--script", "--seed", "5"],
        input=answers.encode(),
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return (cwd / name).read_bytes()


def test_a_seeded_session_is_the_same_in_every_process(cwd: Path) -> None:
    outputs = {_run_in_process(h, cwd, f"h{h}.json") for h in (1, 2, 3)}
    assert len(outputs) == 1
