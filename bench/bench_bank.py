"""Benchmark: ``drafter bank add`` and ``drafter bank search`` on a 100,000-entry bank.

Everything is written into a temporary directory (removed afterwards): the synthetic bank
(``build_bank`` of bench_draft.py: 100k entries, 67.8 MB of YAML), drafter's cache of
line maps (``DRAFTER_CACHE_DIR``, set for every subprocess and for this process) and the bytecode
cache of the timed subprocesses (``PYTHONPYCACHEPREFIX``); nothing goes into the repository or
the home folder. The bank is generated with a fixed random seed, so runs are comparable.

As subprocesses, the way a user runs them (``--repeat`` rounds, the order rotating, after one
untimed warm-up run of each; medians reported):

* baseline: ``drafter --version`` (process start and imports) and
  ``python -c "import yaml, typer, rich"``;
* warm ``drafter bank add --bank DIR -k phrase -d 思想引领 TEXT``, and the same with
  ``-k point --body …`` (points.yaml is the largest file), a new text every run;
* warm ``drafter bank search --bank DIR --limit 20 担当`` (a common word: about 40% of the
  entries match) and ``… 量子纠缠`` (no match);
* diagnostic: the common search with ``PYTHONDONTWRITEBYTECODE=1`` (nothing cached as bytecode
  is written, as in the development environment).

Aim: every warm add and search under 1 s; each is also given as a ratio to ``drafter --version``
of the same run. Before the warm rounds, the cold case: the first ``drafter bank search`` on the
fresh bank, which parses every file and caches its line map (``--cold-repeat`` times, each
with an empty cache; no aim).

In-process, on the same bank and cache: ``drafter.bank.ops.add_entries`` and
``drafter.bank.query.search_entries``, to tell the work from process start, imports and output;
diagnostics: loading the line maps alone (``iter_rows``) and the common search with the cyclic
garbage collector paused.

Checked afterwards (exit status 1 if not): the cached line maps of the touched files equal a fresh
parse (``build_line_map``), the files hold every entry added, and every search, subprocess or
in-process, found the same number of entries.

Run:  /tmp/venv/bin/python bench/bench_bank.py [--quick] [--entries 100000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import gc
import json
import os
import platform
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench_draft import MB, SyntheticBank, _drafter_cmd, build_bank
from benchlib import git_revision, listed_runs, load_average, median, timed

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "phrasebank"
AIM_SECONDS = 1.0  # a warm add or search
AIM_ENTRIES = 100_000  # the bank size the aim is for
DIMENSION = "思想引领"
COMMON = "担当"  # found in many texts and bodies
RARE = "量子纠缠"  # found in none
LIMIT = 20
TOUCHED = ("phrase", "point")  # the kinds the adds write to
CN_DIGITS = "〇一二三四五六七八九"
# A point's development, of about the median body length of the synthetic bank. It holds
# neither search string, so the adds leave the search counts as they are.
BODY = (
    "坚持把理论学习作为首要任务，读原著、学原文、悟原理，在学深悟透上下功夫；"
    "把学习成果转化为推动工作的实际成效，聚焦群众急难愁盼问题，深入基层调查研究，"
    "找准工作中的短板弱项，逐项建立台账、明确责任、限时整改，以钉钉子精神抓好落实，"
    "确保各项部署要求落地见效，不断提升服务群众的能力和水平，推动各项工作迈上新台阶。"
)
SUB_LABELS = {
    "version": "drafter --version",
    "imports": 'python -c "import yaml, typer, rich"',
    "add-phrase": "drafter bank add -k phrase",
    "add-point": "drafter bank add -k point --body",
    "search-common": f"drafter bank search --limit {LIMIT} {COMMON}",
    "search-rare": f"drafter bank search --limit {LIMIT} {RARE}",
    "search-nopyc": f"search {COMMON}, PYTHONDONTWRITEBYTECODE=1",
}
IN_LABELS = {
    "fn-add-phrase": "add_entries phrase",
    "fn-add-point": "add_entries point (with body)",
    "fn-search-common": f"search_entries {COMMON}",
    "fn-search-rare": f"search_entries {RARE}",
    "fn-load": "iter_rows alone (read every line map)",
    "fn-search-nogc": f"search_entries {COMMON}, gc disabled",
}
_FOUND = re.compile(r"（(\d+) 条）")


class Failed(Exception):
    """A command failed or an essential step could not run: the benchmark stops."""


# ── texts to add ────────────────────────────────────────────────────────────────────────────


@dataclass
class Texts:
    """A new text for every add (a text already in the bank is refused as a duplicate)."""

    count: int = 0
    added: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in TOUCHED})

    def next(self, kind: str) -> str:
        self.count += 1
        number = "".join(CN_DIGITS[int(d)] for d in str(self.count))
        text = f"基准新增常用语{number}号" if kind == "phrase" else f"筑牢基准要点第{number}条"
        self.added[kind].append(text)
        return text


# ── subprocesses ────────────────────────────────────────────────────────────────────────────


def _env(cache: Path, pycache: Path | None) -> dict[str, str]:
    """The environment of a subprocess: private line-map cache, private bytecode cache."""
    env = dict(os.environ)
    env["DRAFTER_CACHE_DIR"] = str(cache)
    env.pop("DRAFTER_NO_CACHE", None)
    if pycache is None:  # no bytecode cache writes: only what is already on disk is used
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as after a normal install's first run
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


@dataclass
class Sub:
    """A command to time: its arguments (made afresh for every run), environment and check."""

    argv: Callable[[], list[str]]
    env: dict[str, str]
    check: Callable[[str], str | None] = lambda out: None  # stdout -> a problem, or None


def run_sub(sub: Sub, cwd: Path) -> float:
    """Seconds the command took; a command that fails ends the benchmark."""
    argv = sub.argv()
    start = time.perf_counter()
    proc = subprocess.run(
        argv,
        env=sub.env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-10:])
        raise Failed(f"command failed (exit {proc.returncode}): {' '.join(argv)}\n{tail}")
    problem = sub.check(proc.stdout)
    if problem is not None:
        raise Failed(f"{' '.join(argv)}: {problem}")
    return elapsed


def found_count(out: str) -> int | None:
    """The number of entries a ``drafter bank search`` reports (its table title)."""
    match = _FOUND.search(out)
    return int(match.group(1)) if match else None


def sources() -> dict[str, int]:
    """Modification times of drafter's modules: other work on the checkout skews a run."""
    return {p.name: p.stat().st_mtime_ns for p in sorted((REPO / "drafter").glob("*.py"))}


def rotate(tasks: dict[str, Callable[[], float]], repeat: int, what: str) -> dict[str, list[float]]:
    """Each task once untimed (warm-up), then ``repeat`` rounds, the order rotating."""
    names = list(tasks)
    for name in names:
        tasks[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeat):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(tasks[name]())
        line = ", ".join(f"{name} {times[name][-1]:.3f}" for name in names)
        print(f"{what} round {r + 1}/{repeat}: {line}  (load {load_average()})")
    return times


@dataclass
class Bench:
    """What one run shares: folders, the bank, the texts added, what the searches found."""

    root: Path
    bank: SyntheticBank
    cache: Path
    texts: Texts = field(default_factory=Texts)
    found: dict[str, list[int]] = field(default_factory=lambda: {COMMON: [], RARE: []})
    problems: list[str] = field(default_factory=list)

    @property
    def directory(self) -> Path:
        return self.bank.directory

    def search_argv(self, text: str) -> list[str]:
        bank = str(self.directory)
        return [*_drafter_cmd(), "bank", "search", "--bank", bank, "--limit", str(LIMIT), text]

    def add_argv(self, kind: str) -> list[str]:
        argv = [*_drafter_cmd(), "bank", "add", "--bank", str(self.directory), "-k", kind]
        argv += ["-d", DIMENSION]
        if kind == "point":
            argv += ["--body", BODY]
        return [*argv, self.texts.next(kind)]

    def search_check(self, text: str) -> Callable[[str], str | None]:
        def check(out: str) -> str | None:
            count = found_count(out)
            if count is None:
                return "no count of entries found in the output"
            self.found[text].append(count)
            return None

        return check

    def add_check(self, kind: str) -> Callable[[str], str | None]:
        def check(out: str) -> str | None:
            if "已添加" not in out or self.texts.added[kind][-1] not in out:
                return f"the output does not name the entry added: {out.strip()[:200]}"
            return None

        return check


# ── measurements ────────────────────────────────────────────────────────────────────────────


def prewarm(b: Bench) -> None:
    """Bytecode for the bank commands, from a search on the bundled bank (not timed)."""
    env = _env(b.root / "cache-prewarm", b.root / "pycache")
    argv = [*_drafter_cmd(), "bank", "search", "--bank", str(BUNDLED), COMMON]
    run_sub(Sub(lambda: argv, env), b.root)
    shutil.rmtree(b.root / "cache-prewarm", ignore_errors=True)


def measure_cold(b: Bench, repeat: int) -> list[float]:
    """The first search on the fresh bank, each with an empty cache; the first fills b.cache."""
    cold: list[float] = []
    for r in range(repeat):
        folder = b.cache if r == 0 else b.root / f"cache-cold-{r}"
        env = _env(folder, b.root / "pycache")
        cold.append(
            run_sub(Sub(lambda: b.search_argv(COMMON), env, b.search_check(COMMON)), b.root)
        )
        print(f"cold search run {r + 1}/{repeat}: {cold[-1]:.3f} s  (load {load_average()})")
        if folder != b.cache:
            shutil.rmtree(folder, ignore_errors=True)
    return cold


# The in-process timings run in a fresh child process each (this script with --child): the
# work alone, after the imports, on a heap as small as the command's own. (Timed in this
# process instead, they come out slower than the whole command: the cyclic garbage collector
# walks everything this long-lived process holds each time the line maps' rows are built.)
CHILD_ACTIONS = ("add-phrase", "add-point", "search", "load", "search-nogc")


def child(action: str, directory: Path, text: str, profile: bool) -> None:
    """Time one call in this (fresh) process; print the profile if asked, then JSON."""
    import importlib

    # The modules the work would otherwise import on the way: imports are not the work.
    for module in (
        "yaml",
        "drafter.bank.fileedit",
        "drafter.drafting.index",
        "drafter.files.yamlio",
    ):
        importlib.import_module(module)
    from drafter.bank.linemap import iter_rows
    from drafter.bank.ops import NewEntries, add_entries
    from drafter.bank.query import search_entries

    found: list[int] = []

    def work() -> None:
        if action in ("add-phrase", "add-point"):
            kind = action.removeprefix("add-")
            body = BODY if kind == "point" else None
            add_entries(directory, NewEntries(kind, (text,), (DIMENSION,), body=body))
        elif action == "search":
            found.append(len(search_entries(directory, text)))
        elif action == "search-nogc":
            gc.disable()
            try:
                found.append(len(search_entries(directory, text)))
            finally:
                gc.enable()
        else:  # "load"
            found.append(sum(1 for _ in iter_rows(directory)))

    if profile:
        profiler = cProfile.Profile()
        seconds = timed(lambda: profiler.runcall(work))[0]
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.strip_dirs().sort_stats("cumulative").print_stats(25)
    else:
        seconds = timed(work)[0]
    print(json.dumps({"seconds": seconds, "found": found[0] if found else None}))


def run_child(b: Bench, action: str, text: str, profile: bool = False) -> tuple[float, str]:
    """Seconds the work took inside a fresh process, and what the child printed."""
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", action]
    argv += [str(b.directory), text, "1" if profile else "0"]
    env = _env(b.cache, b.root / "pycache")
    proc = subprocess.run(
        argv, env=env, cwd=b.root, stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-10:])
        raise Failed(f"in-process timing failed (exit {proc.returncode}): {action} {text}\n{tail}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if action in ("search", "search-nogc"):
        b.found[text].append(int(result["found"]))
    return float(result["seconds"]), proc.stdout


def measure_warm(b: Bench, repeat: int) -> dict[str, list[float]]:
    """The warm commands and the in-process timings, all in one rotation."""
    env = _env(b.cache, b.root / "pycache")
    subs = {
        "version": Sub(lambda: [*_drafter_cmd(), "--version"], env),
        "imports": Sub(lambda: [sys.executable, "-c", "import yaml, typer, rich"], env),
        "add-phrase": Sub(lambda: b.add_argv("phrase"), env, b.add_check("phrase")),
        "search-common": Sub(lambda: b.search_argv(COMMON), env, b.search_check(COMMON)),
        "add-point": Sub(lambda: b.add_argv("point"), env, b.add_check("point")),
        "search-rare": Sub(lambda: b.search_argv(RARE), env, b.search_check(RARE)),
        "search-nopyc": Sub(
            lambda: b.search_argv(COMMON), _env(b.cache, None), b.search_check(COMMON)
        ),
    }

    def command(sub: Sub) -> Callable[[], float]:
        return lambda: run_sub(sub, b.root)

    def in_child(action: str, text: Callable[[], str]) -> Callable[[], float]:
        return lambda: run_child(b, action, text())[0]

    tasks = {name: command(sub) for name, sub in subs.items()}
    tasks |= {
        "fn-add-phrase": in_child("add-phrase", lambda: b.texts.next("phrase")),
        "fn-search-common": in_child("search", lambda: COMMON),
        "fn-add-point": in_child("add-point", lambda: b.texts.next("point")),
        "fn-search-rare": in_child("search", lambda: RARE),
        "fn-load": in_child("load", lambda: ""),
        "fn-search-nogc": in_child("search-nogc", lambda: COMMON),
    }
    return rotate(tasks, repeat, "warm")


def profile_in_process(b: Bench) -> None:
    """One in-process add of a point and one common search under cProfile, printed."""
    for action, text, label in (
        ("add-point", b.texts.next("point"), "add_entries point"),
        ("search", COMMON, f"search_entries {COMMON}"),
    ):
        out = run_child(b, action, text, profile=True)[1]
        print()
        print(f"profile of one in-process {label} (fresh process), by cumulative time:")
        print("\n".join(line for line in out.splitlines()[:-1] if line.strip()))


def check_bank(b: Bench, counts: dict[str, int]) -> None:
    """The cached line maps of the touched files against a fresh parse, and the entries added."""
    from drafter.bank.linemap import (
        LineMap,
        build_line_map,
        decode,
        digest_of,
        read_cached,
        split_lines,
    )
    from drafter.bank.schema import KINDS
    from drafter.text.normalize import fold

    def parse(kind: str, path: Path, data: bytes) -> LineMap:
        return build_line_map(kind, split_lines(decode(data, path)), path)

    for kind in TOUCHED:
        path = b.directory / KINDS[kind][0]
        data = path.read_bytes()
        cached = read_cached(path, digest_of(data))
        seconds, fresh = timed(functools.partial(parse, kind, path, data))
        what = f"{path.name}: cached line map vs a fresh parse ({seconds:.1f} s)"
        problems: list[str] = []
        if cached is None:
            problems.append(f"{path.name}: no cached line map for the file as it is now")
        elif cached.rows != fresh.rows:
            if len(cached.rows) != len(fresh.rows):
                problems.append(f"{what}: {len(cached.rows)} rows vs {len(fresh.rows)}")
            at = next(
                (
                    i
                    for i, (x, y) in enumerate(zip(cached.rows, fresh.rows, strict=False))
                    if x != y
                ),
                None,
            )
            if at is not None:
                problems.append(f"{what}: row {at} differs: {cached.rows[at]} vs {fresh.rows[at]}")
        elif cached.layout != fresh.layout:
            problems.append(f"{what}: layout {cached.layout} vs {fresh.layout}")
        added = b.texts.added[kind]
        expected = counts[kind] + len(added)
        if len(fresh.rows) != expected:
            problems.append(f"{path.name}: {len(fresh.rows)} entries, expected {expected}")
        if len(fresh.by_id) != len(fresh.rows):
            problems.append(f"{path.name}: {len(fresh.rows) - len(fresh.by_id)} repeated ids")
        keys = {row.key for row in fresh.rows}
        missing = [t for t in added if fold(t) not in keys]
        if missing:
            problems.append(f"{path.name}: {len(missing)} added entries missing, e.g. {missing[0]}")
        if problems:
            b.problems += problems
            for problem in problems:
                print(f"WARNING: {problem}")
        else:
            print(
                f"check {path.name}: OK (cached line map equals a fresh parse, {len(fresh.rows)}"
                f" entries = {counts[kind]} + {len(added)} added; fresh parse {seconds:.1f} s)"
            )
    for text, counts_found in b.found.items():
        distinct = sorted(set(counts_found))
        if len(distinct) != 1:
            problem = f"searches for {text} found different numbers of entries: {distinct}"
            b.problems.append(problem)
            print(f"WARNING: {problem}")
        else:
            print(
                f"check search {text}: OK ({distinct[0]} entries in all {len(counts_found)} runs)"
            )
    if b.found[RARE] and b.found[RARE][0] != 0:
        problem = f"the rare string {RARE} is in the bank ({b.found[RARE][0]} entries)"
        b.problems.append(problem)
        print(f"WARNING: {problem}")


def print_sizes(b: Bench) -> None:
    from drafter.bank.linemap import _cache_path
    from drafter.bank.schema import KINDS

    for kind in TOUCHED:
        path = b.directory / KINDS[kind][0]
        before = b.bank.file_bytes[path.name] / MB
        backup = path.with_name(path.name + ".bak")
        cached = _cache_path(path)
        extra = f", backup {backup.stat().st_size / MB:.2f} MB" if backup.exists() else ""
        if cached is not None and cached.exists():
            extra += f", cached line map {cached.stat().st_size / MB:.2f} MB"
        print(
            f"size {path.name}: {before:.2f} MB before, {path.stat().st_size / MB:.2f} MB after"
            f"{extra}"
        )
    line_maps = sum(p.stat().st_size for p in b.cache.glob("bankfile-*.marshal")) / MB
    print(f"size of all cached line maps: {line_maps:.1f} MB")


# ── report ──────────────────────────────────────────────────────────────────────────────────


@dataclass
class Table:
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)

    def add(self, what: str, value: str, ratio: str = "", aim: str = "") -> None:
        self.rows.append((what, value, ratio, aim))

    def print(self, title: str) -> None:
        widths = [max(_width(r[i]) for r in self.rows) for i in range(3)]
        print()
        print(title)
        for what, value, ratio, aim in self.rows:
            cells = [_pad(what, widths[0]), _pad(value, widths[1], right=True)]
            line = "  " + "  ".join([*cells, _pad(ratio, widths[2], right=True), aim])
            print(line.rstrip())


def _width(text: str) -> int:
    """Columns a text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


def _verdict(seconds: float, entries: int) -> str:
    verdict = "met" if seconds < AIM_SECONDS else "NOT MET"
    note = "" if entries == AIM_ENTRIES else f" (on {entries:,} entries, not {AIM_ENTRIES:,})"
    return f"aim < {AIM_SECONDS:.0f} s: {verdict}{note}"


def report(b: Bench, cold: list[float], times: dict[str, list[float]], repeat: int) -> None:
    sub = inproc = times
    print()
    print(f"cold first bank search: median {median(cold):.3f} s (runs: {listed_runs(cold)})")
    for name, label in SUB_LABELS.items():
        print(
            f"subprocess {label}: median {median(sub[name]):.3f} s (runs: {listed_runs(sub[name])})"
        )
    for name, label in IN_LABELS.items():
        print(
            f"in-process {label}: median {median(inproc[name]):.3f} s (runs: {listed_runs(inproc[name])})"
        )
    for name in ("add-phrase", "add-point", "search-common", "search-rare"):
        rest = median(sub[name]) - median(inproc["fn-" + name])
        print(
            f"{SUB_LABELS[name]}: command minus in-process work {rest:.3f} s"
            " (process start, imports, output)"
        )

    entries = b.bank.entries
    version = median(sub["version"])
    table = Table()
    n = f"{entries / 1000:.0f}k"
    table.add(f"bank: entries / YAML size ({n})", f"{entries} / {b.bank.total_bytes / MB:.1f} MB")
    table.add("baseline: drafter --version", f"{version:.3f} s", "1.00x")
    imports = median(sub["imports"])
    table.add(
        'baseline: python -c "import yaml, typer, rich"',
        f"{imports:.3f} s",
        f"{imports / version:.2f}x",
    )
    runs = f"{len(cold)} run" + ("s" if len(cold) > 1 else "")
    table.add(f"cold: first bank search (line map build, {runs})", f"{median(cold):.3f} s")
    for name in ("add-phrase", "add-point", "search-common", "search-rare"):
        med = median(sub[name])
        table.add(
            f"warm: {SUB_LABELS[name]}",
            f"{med:.3f} s",
            f"{med / version:.2f}x",
            _verdict(med, entries),
        )
    med = median(sub["search-nopyc"])
    table.add(f"diagnostic: {SUB_LABELS['search-nopyc']}", f"{med:.3f} s", f"{med / version:.2f}x")
    for name, label in IN_LABELS.items():
        table.add(f"in-process (fresh process): {label}", f"{median(inproc[name]):.3f} s")
    ok = "OK" if not b.problems else f"WARNING ({len(b.problems)} problems)"
    table.add("check: line maps = fresh parse, entries added, counts", ok)
    table.print(f"summary (medians of {repeat} runs; ratios to drafter --version)")


# ── main ────────────────────────────────────────────────────────────────────────────────────


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: 20k-entry bank, 3 rounds, 1 cold run"
    )
    parser.add_argument("--entries", type=int, help="synthetic bank size (default 100000)")
    parser.add_argument("--repeat", type=int, help="timed rounds of every command (default 7)")
    parser.add_argument("--cold-repeat", type=int, help="cold line map builds (default 2)")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print a cProfile of one in-process add (point) and one common search",
    )
    args = parser.parse_args(argv)
    defaults = {"entries": 20_000, "repeat": 3, "cold_repeat": 1}
    if not args.quick:
        defaults = {"entries": 100_000, "repeat": 7, "cold_repeat": 2}
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.entries < 1000 or args.repeat < 1 or args.cold_repeat < 1:
        parser.error("--entries must be >= 1000, the repetitions >= 1")
    return args


def run(root: Path, args: argparse.Namespace) -> int:
    # Bytecode of this process (drafter included) goes to the temporary folder too.
    sys.pycache_prefix = str(root / "pycache-self")
    cache = root / "cache"
    os.environ["DRAFTER_CACHE_DIR"] = str(cache)
    os.environ.pop("DRAFTER_NO_CACHE", None)
    revision = git_revision()
    stamps = sources()
    print(f"python: {platform.python_version()} ({sys.executable})")
    print(f"drafter command: {' '.join(_drafter_cmd())}")
    print(f"drafter commit: {revision}")
    print(f"os.cpu_count(): {os.cpu_count()}, load average: {load_average()}")
    print(f"mode: {'quick' if args.quick else 'full'}, {args.repeat} rounds")

    bank = build_bank(root / "bank", args.entries, merged_patterns=False)
    print(f"bank entries: {bank.entries}")
    for kind, count in bank.counts.items():
        print(f"bank entries {kind}: {count}")
    print(f"bank size: {bank.total_bytes / MB:.2f} MB in {len(bank.file_bytes)} files")
    for name, size in sorted(bank.file_bytes.items(), key=lambda item: -item[1]):
        print(f"bank file {name}: {size / MB:.2f} MB")
    print(f"bank generation time: {bank.seconds:.2f} s (not measured below)")
    b = Bench(root, bank, cache)

    prewarm(b)
    cold = measure_cold(b, args.cold_repeat)
    line_maps = sum(p.stat().st_size for p in cache.glob("bankfile-*.marshal")) / MB
    print(
        f"cold: {bank.total_bytes / MB / median(cold):.2f} MB/s of YAML; line maps {line_maps:.1f} MB"
    )

    times = measure_warm(b, args.repeat)
    if args.profile:
        profile_in_process(b)

    print()
    check_bank(b, bank.counts)
    print_sizes(b)
    changed = [name for name, mtime in sources().items() if stamps.get(name) != mtime]
    if changed:
        print(f"WARNING: drafter modules changed during the run: {', '.join(changed)}")
    if {"bankfile.py", "normalize.py"} & set(changed):
        # Their times are part of every line map's cache key: the next command re-parses.
        print("WARNING: the cached line maps were voided mid-run; some warm runs were cold")
    if git_revision() != revision:
        print(f"WARNING: the commit changed during the run ({revision} -> {git_revision()})")
    report(b, cold, times, args.repeat)
    print(
        f"machine: os.cpu_count() {os.cpu_count()}, Python {platform.python_version()},"
        f" {platform.system()} {platform.machine()}, load average now {load_average()};"
        f" drafter commit {revision}"
    )
    return 1 if b.problems else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:  # one in-process timing, run by run_child
        action, directory, text, profile = argv[1:5]
        if action not in CHILD_ACTIONS:
            raise SystemExit(f"--child: unknown action {action}, one of {', '.join(CHILD_ACTIONS)}")
        child(action, Path(directory), text, profile == "1")
        return 0
    args = _args(argv)
    with tempfile.TemporaryDirectory(prefix="drafter-bench-bank-") as tmp:
        try:
            return run(Path(tmp), args)
        except Failed as exc:
            print(f"CHECK FAILED: {exc}")
            return 1


if __name__ == "__main__":
    sys.exit(main())
