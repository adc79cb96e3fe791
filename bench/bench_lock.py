"""Benchmark: how fairly the bank lock serves concurrent writers.

``--writers`` processes (default 8) each take the lock ``--rounds`` times (default 5) in a row,
start together, and hold it ``--hold`` seconds each time (the work of one ``bank add``), giving
up after ``--wait`` seconds. Two locks run in the same session, alternating ``--repeat`` times:

* baseline: the lock drafter used before, ``flock(LOCK_NB)`` retried every 20 ms (whoever
  happens to retry just after a release wins);
* queued: ``drafter.files.locking.folder_lock``, which serves waiters in the order they came.

Reported per lock: give-ups, the longest and median wait, and the longest wait as a multiple
of ``(writers - 1) * hold``, which is what a first-come-first-served lock needs at most (every
other writer once ahead). ``--real`` also runs ``drafter.bank.ops.add_entries`` on a copy of the
bundled bank from every writer with drafter's own wait, counting give-ups and lost entries.

Everything is written into a temporary folder, removed afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import REPO, git_revision, load_average, median

from drafter.errors import UsageError
from drafter.files.locking import folder_lock

NAME = ".bench.lock"


@contextlib.contextmanager
def polling_lock(folder: Path, wait: float, name: str = NAME) -> Iterator[None]:
    """The lock as it was before the queue (drafter 7ef9d17)."""
    import fcntl

    fd = os.open(folder / name, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise UsageError("busy") from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)


def writer(args: tuple[str, str, int, float, float, float]) -> list[float | None]:
    """One writer's waits (``None``: gave up)."""
    kind, folder, rounds, hold, wait, start = args
    time.sleep(max(0.0, start - time.time()))
    waits: list[float | None] = []
    for _ in range(rounds):
        began = time.monotonic()
        lock = (
            polling_lock(Path(folder), wait)
            if kind == "baseline"
            else folder_lock(Path(folder), NAME, "busy", wait)
        )
        try:
            with lock:
                waits.append(time.monotonic() - began)
                time.sleep(hold)
        except UsageError:
            waits.append(None)
    return waits


def run(kind: str, opts: argparse.Namespace, folder: Path) -> list[float | None]:
    start = time.time() + 0.5
    jobs = [(kind, str(folder), opts.rounds, opts.hold, opts.wait, start)] * opts.writers
    with multiprocessing.get_context("fork").Pool(opts.writers) as pool:
        return [w for waits in pool.map(writer, jobs) for w in waits]


def real_writer(args: tuple[str, str, int, int, float, float]) -> tuple[int, int]:
    from drafter.bank import fileedit as bankedit
    from drafter.bank.ops import NewEntries, add_entries

    kind, bank, number, rounds, wait, start = args
    bankedit.LOCK_WAIT = wait
    if kind == "baseline":

        def old_lock(folder: Path, name: str, busy: str, wait: float = 0.0) -> Any:
            return polling_lock(folder, wait, name)

        vars(bankedit)["folder_lock"] = old_lock  # the module looks it up when it locks
    time.sleep(max(0.0, start - time.time()))
    gave_up = 0
    for i in range(rounds):
        text = f"并发写入测试第{number}号进程第{i}条常用语"
        try:
            add_entries(Path(bank), NewEntries("phrase", (text,), ("思想引领",)))
        except UsageError:
            gave_up += 1
    return gave_up, rounds


def run_real(kind: str, opts: argparse.Namespace, folder: Path) -> None:
    from drafter.bank.store import load_bank

    bank = folder / f"bank-{kind}"
    shutil.copytree(REPO / "phrasebank", bank)
    start = time.time() + 1.0
    jobs = [(kind, str(bank), n, opts.rounds, opts.real_wait, start) for n in range(opts.writers)]
    began = time.monotonic()
    with multiprocessing.get_context("fork").Pool(opts.writers) as pool:
        results = pool.map(real_writer, jobs)
    took = time.monotonic() - began
    gave_up = sum(g for g, _ in results)
    texts = {e.text for e in load_bank(bank).entries["phrase"]}
    landed = sum(
        f"并发写入测试第{n}号进程第{i}条常用语" in texts
        for n in range(opts.writers)
        for i in range(opts.rounds)
    )
    print(
        f"{kind:8}: add_entries {opts.writers}×{opts.rounds}, gave up {gave_up}, "
        f"landed {landed}/{opts.writers * opts.rounds - gave_up} of those not given up, {took:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--hold", type=float, default=0.1)
    parser.add_argument("--wait", type=float, default=2.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--real", action="store_true")
    parser.add_argument("--real-wait", type=float, default=30.0)
    opts = parser.parse_args()
    print(f"drafter {git_revision()}, load average {load_average()}")
    fair = (opts.writers - 1) * opts.hold
    print(
        f"{opts.writers} writers × {opts.rounds} rounds, hold {opts.hold} s, give up after "
        f"{opts.wait} s; first come first served needs at most {fair:.2f} s"
    )
    with tempfile.TemporaryDirectory(prefix="drafter-bench-lock-") as tmp:
        results: dict[str, list[float | None]] = {"baseline": [], "queued": []}
        for i in range(opts.repeat):
            for kind in results:
                folder = Path(tmp) / f"{kind}{i}"
                folder.mkdir()
                results[kind] += run(kind, opts, folder)
        for kind, waits in results.items():
            done = [w for w in waits if w is not None]
            print(
                f"{kind:8}: gave up {len(waits) - len(done)}/{len(waits)}, "
                f"longest wait {max(done):.2f} s ({max(done) / fair:.2f}× fair), "
                f"median {median(done):.2f} s"
            )
        if opts.real:
            print(
                f"bank_lock around add_entries on the bundled bank, give up after {opts.real_wait} s"
            )
            for kind in results:
                run_real(kind, opts, Path(tmp))


if __name__ == "__main__":
    main()
