"""Hostile write targets and file names (issue 12, items 4, 8 and 9).

What drafter promises for every file it writes: a target that exists and is not a regular file
(a device, a FIFO, a socket, a folder) is refused with a message naming it and left as it was;
a symlink is written through, to the file it points at, which is replaced atomically in its own
folder; a ``.bak`` is a regular file holding the old bytes; and file names made from brief ids
fit the file system's 255-byte limit, temporary names included, with no invisible or
direction-changing characters in them.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from drafter.cli.app import app
from drafter.errors import DrafterError, UsageError
from drafter.files.yamlio import write_atomic
from drafter.workflow.outpaths import check_stem, safe_name
from tests.conftest import speech_bank

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "phrasebank"
ENV: dict[str, str | None] = {
    "COLUMNS": "240",
    "NO_COLOR": "1",
    "FORCE_COLOR": None,
    "TTY_COMPATIBLE": None,
}
THEME = "激励干部担当作为"
POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and symlinks")
NAME_MAX = 255
TEMP_EXTRA = len(".") + len(".12345678.tmp")  # what the atomic writer adds to a name


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env=ENV)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.stdout + result.stderr
    return result


def draft_to(path: Path, *extra: str) -> Result:
    return run(
        "draft", "--theme", THEME, "--seed", "1", "--bank", str(BANK), "-o", str(path), *extra
    )


# ── item 4: special files given to -o ─────────────────────────────────────────────────────


@POSIX_ONLY
@pytest.mark.parametrize("force", [False, True])
def test_a_fifo_given_to_o_is_refused_and_stays_a_fifo(tmp_path: Path, force: bool) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = draft_to(fifo, *(["--force"] if force else []))
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "不是普通文件" in result.stderr and str(fifo) in result.stderr
    assert "--force" not in result.stderr  # forcing would not help
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no temporary left


@POSIX_ONLY
def test_a_device_node_made_here_is_not_replaced(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("mknod of a character device needs root")
    node = tmp_path / "full"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # the same device as /dev/full
    except OSError as exc:
        pytest.skip(f"mknod refused: {exc}")
    result = draft_to(node, "--force")
    assert result.exit_code == 2 and "不是普通文件" in result.stderr, result.stderr
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]


@POSIX_ONLY
def test_a_symlink_given_to_o_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "shared" / "real.md"
    real.parent.mkdir()
    real.write_text("旧内容\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert draft_to(link).exit_code == 2  # it exists: --force is still needed
    result = draft_to(link, "--force")
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8").startswith("#")
    assert str(real) in result.stderr  # the user is told where the draft went


@POSIX_ONLY
def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "new.md")
    assert draft_to(link).exit_code == 0
    assert link.is_symlink() and (tmp_path / "new.md").is_file()


@POSIX_ONLY
def test_a_symlink_to_a_fifo_or_a_loop_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "to-pipe").symlink_to(fifo)
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    for name in ("to-pipe", "loop"):
        result = draft_to(tmp_path / name, "--force")
        assert result.exit_code == 2, (name, result.stderr)
        assert (tmp_path / name).is_symlink()
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@POSIX_ONLY
def test_the_writer_itself_refuses_special_files(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="不是普通文件"):
        write_atomic(fifo, "x")
    with pytest.raises(UsageError, match="不是普通文件"):
        write_atomic(tmp_path, "x")


@POSIX_ONLY
def test_brief_new_and_bank_export_refuse_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run("brief", "new", str(fifo), "--force")
    assert result.exit_code == 2 and "不是普通文件" in result.stderr
    result = run("bank", "export", "-o", str(fifo), "--force", "--bank", str(speech_bank()))
    assert result.exit_code == 2 and "不是普通文件" in result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


# ── item 4: a symlinked bank file ─────────────────────────────────────────────────────────


@POSIX_ONLY
def test_a_symlinked_bank_file_gets_the_entry_and_a_real_backup(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    shutil.copytree(speech_bank(), bank)
    shared = tmp_path / "shared" / "phrases.yaml"
    shared.parent.mkdir()
    (bank / "phrases.yaml").rename(shared)
    (bank / "phrases.yaml").symlink_to(shared)
    old = shared.read_bytes()
    text = "共享文件里加的常用语"
    result = run("bank", "add", "-k", "phrase", text, "-d", "思想引领", "--bank", str(bank))
    assert result.exit_code == 0, result.stderr
    assert (bank / "phrases.yaml").is_symlink()  # still shared
    assert text in shared.read_text(encoding="utf-8")
    backup = bank / "phrases.yaml.bak"
    assert not backup.is_symlink() and stat.S_ISREG(os.lstat(backup).st_mode)
    assert backup.read_bytes() == old
    # A second write: the backup is a snapshot of the first write's result, not a live view.
    second = shared.read_bytes()
    run("bank", "add", "-k", "phrase", "共享文件里再加一条", "-d", "思想引领", "--bank", str(bank))
    assert backup.read_bytes() == second != shared.read_bytes()
    assert not [p for p in shared.parent.iterdir() if p.name.endswith(".tmp")]


@POSIX_ONLY
def test_a_bank_file_that_is_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    from drafter.bank.store import write_bank_file

    fifo = tmp_path / "quotations.yaml"
    os.mkfifo(fifo)

    def hung(*_: object) -> None:
        raise AssertionError("the write blocked on the FIFO")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(5)
    try:
        with pytest.raises(DrafterError, match="不是普通文件"):
            write_bank_file(fifo, "entries: []\n")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quotations.yaml"]


# ── item 8 and 9: file names ──────────────────────────────────────────────────────────────


def write_briefs(path: Path, briefs: list[dict[str, Any]]) -> Path:
    text = yaml.safe_dump({"briefs": briefs}, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["张" * 80, "张" * 200, "\U00020000" * 70, "a" * 300])
def test_long_generated_names_fit_with_their_temporary_name(name: str) -> None:
    for fmt in ("md", "docx"):
        assert len(f"{safe_name(name)}.{fmt}".encode()) + TEMP_EXTRA <= NAME_MAX


@pytest.mark.parametrize("brief_id", ["张" * 80, "张" * 200, "\U00020000" * 70])
def test_batch_ids_of_long_chinese_names_are_drafted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, brief_id: str
) -> None:
    monkeypatch.chdir(tmp_path)
    write_briefs(tmp_path / "b.yaml", [{"id": brief_id, "theme": THEME}])
    result = run("batch", "b.yaml", "--out", "out", "--bank", str(BANK), "-f", "md,docx")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "已存在" not in result.stdout + result.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith("."))
    assert len(names) == 3, names  # md, docx and the manifest
    assert all(len(n.encode()) + TEMP_EXTRA <= NAME_MAX for n in names)


def test_a_too_long_explicit_output_is_a_brief_problem_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    briefs = [{"id": "ok", "theme": THEME}, {"id": "long", "theme": THEME, "output": "张" * 90}]
    write_briefs(tmp_path / "b.yaml", briefs)
    result = run("batch", "b.yaml", "--out", "out", "--bank", str(BANK))
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "b.yaml:" in result.stderr and "太长" in result.stderr
    assert "已存在" not in result.stdout + result.stderr
    assert (tmp_path / "out" / "ok.md").is_file()


@pytest.mark.parametrize(
    "char",
    ["\u202e", "\u202a", "\u2066", "\u200e", "\u061c", "\u200b", "\u200d", "\u2060", "\ufeff"],
)
def test_invisible_and_direction_characters_never_reach_a_name(char: str) -> None:
    assert safe_name(f"报告{char}dm.exe") == "报告dm.exe"
    assert check_stem(f"组{char}一/张{char}三") == "组一/张三"
    assert safe_name(char * 5) == "_"


def test_batch_file_names_lose_the_invisible_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_briefs(tmp_path / "b.yaml", [{"id": "甲\u202e乙\u200b丙", "theme": THEME}])
    result = run("batch", "b.yaml", "--out", "out", "--bank", str(BANK))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert (tmp_path / "out" / "甲乙丙.md").is_file()


# ── item 9: the bank lock serves waiters in turn ──────────────────────────────────────────


def _hog(folder: str, rounds: int) -> None:
    """Take the lock ``rounds`` times back to back, as a writer of many entries does."""
    from drafter.files.locking import folder_lock

    path = Path(folder)
    for i in range(rounds):
        with folder_lock(path, ".lock", "busy", wait=30):
            with open(path / "log", "a", encoding="utf-8") as log:
                log.write("hog\n")
            if i == 0:  # hold the first turn until the other writer is surely waiting
                while not (path / "waiting").exists():
                    time.sleep(0.01)
                time.sleep(0.2)
            time.sleep(0.05)


def _waiter(folder: str) -> None:
    from drafter.files.locking import folder_lock

    path = Path(folder)
    (path / "waiting").touch()
    with folder_lock(path, ".lock", "busy", wait=30), open(path / "log", "a") as log:
        log.write("waiter\n")


@pytest.mark.slow
@POSIX_ONLY
def test_a_waiting_writer_goes_before_one_that_comes_back_for_more(tmp_path: Path) -> None:
    import multiprocessing

    mp = multiprocessing.get_context("fork")
    hog = mp.Process(target=_hog, args=(str(tmp_path), 4))
    hog.start()
    while not (tmp_path / "log").exists():
        time.sleep(0.01)
    waiter = mp.Process(target=_waiter, args=(str(tmp_path),))
    waiter.start()
    hog.join(60)
    waiter.join(60)
    assert hog.exitcode == 0 and waiter.exitcode == 0
    log = (tmp_path / "log").read_text(encoding="utf-8").split()
    # First come, first served: the hog's second turn queues behind the waiter.
    assert log == ["hog", "waiter", "hog", "hog", "hog"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock", "log", "waiting"]


@POSIX_ONLY
def test_a_ticket_left_by_a_killed_writer_does_not_block_the_queue(tmp_path: Path) -> None:
    from drafter.files.locking import folder_lock

    stale = tmp_path / f".lock.q.{1:020d}-{99999:010d}"  # older than any real ticket, unlocked
    stale.touch()
    with folder_lock(tmp_path, ".lock", "busy", wait=5):
        assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock"]


# ── item 4: the other writers ─────────────────────────────────────────────────────────────


@POSIX_ONLY
def test_drafter_new_refuses_a_fifo_and_asks_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    os.mkfifo(tmp_path / "pipe")
    answers = ["1", "4", "", "1", "", "", "", "", "", "", "", "s", "md", "pipe", "y", "good.md"]
    result = CliRunner().invoke(
        app,
        ["new", "--script", "--seed", "5", "--bank", str(BANK)],
        input="".join(f"{a}\n" for a in answers),
        env=ENV,
    )
    assert result.exit_code == 0, result.output
    assert "不是普通文件" in result.output
    assert stat.S_ISFIFO(os.lstat(tmp_path / "pipe").st_mode)
    assert (tmp_path / "good.md").is_file()


@POSIX_ONLY
def test_a_symlink_in_the_batch_folder_may_not_lead_outside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    outside = tmp_path / "outside.md"
    outside.write_text("别人的文件\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "a.md").symlink_to(outside)
    os.mkfifo(tmp_path / "out" / "b.md")
    write_briefs(tmp_path / "b.yaml", [{"id": "a", "theme": THEME}, {"id": "b", "theme": THEME}])
    result = run("batch", "b.yaml", "--out", "out", "--bank", str(BANK), "--force")
    assert result.exit_code != 0
    assert "指向输出目录之外" in result.stderr
    assert outside.read_text(encoding="utf-8") == "别人的文件\n"
    assert stat.S_ISFIFO(os.lstat(tmp_path / "out" / "b.md").st_mode)
    assert "不是普通文件" in result.stdout + result.stderr


@POSIX_ONLY
def test_a_fifo_in_place_of_the_batch_journal_refuses_the_batch_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every brief used to fail with the system's "No such device or address", naming nothing."""
    monkeypatch.chdir(tmp_path)
    write_briefs(tmp_path / "b.yaml", [{"id": "a", "theme": THEME}])
    (tmp_path / "out").mkdir()
    journal = tmp_path / "out" / ".drafter-journal.jsonl"
    os.mkfifo(journal)
    result = run("batch", "b.yaml", "--out", "out", "--bank", str(BANK))
    assert result.exit_code == 2
    assert "out/.drafter-journal.jsonl: 不是普通文件，无法记录批量进度" in result.stderr
    assert stat.S_ISFIFO(os.lstat(journal).st_mode)
    assert not (tmp_path / "out" / "a.md").exists()
