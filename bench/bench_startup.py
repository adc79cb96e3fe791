"""Benchmark: start-up of ``drafter draft`` against the bare imports and a do-nothing Typer app.

Builds drafter's wheel from this checkout and installs it, NOT editable, into a new venv in a
temporary directory (removed afterwards), so pip resolves today's newest releases as a user's
``pip install`` does; ``--venv DIR`` reuses a venv that already has drafter installed (not
editable) instead. ``--typer VERSION`` (repeatable) adds one more venv with that typer release,
measured in the same rounds, e.g. ``--typer 0.28.0``: the last release before typer depends on
pydantic.

Timed as subprocesses, the way a user runs them (one untimed warm-up run each, which also warms
drafter's index cache in ``DRAFTER_CACHE_DIR``; then ``--runs`` rounds, every command of every venv
once per round, the order rotating; medians reported), in an empty working directory (so the
bundled phrase bank is used):

* ``python -c "import typer, rich, jinja2, yaml"``: the bare import, the baseline of each venv;
* a do-nothing Typer app with ``drafter draft``'s options (and ``--root``/``--version``), which
  imports the same four packages: what the framework costs on top of its imports;
* the same app with drafter's converters (``drafter.cli.convert.speed_up``);
* ``drafter draft --theme 激励干部担当作为 --seed 1`` (aim: at most 1.5x the bare import);
* the same with ``DRAFTER_PLAIN_OPTIONS=1``: typer converts every option itself;
* ``drafter --version``.

Prints each median with its ratio to the bare import of the same venv, for the wall-clock time
and for the CPU time the process itself used (user + system, from ``wait4``: on a busy machine it
moves much less than the wall-clock time, which also counts waiting for a core), the runs behind
the wall-clock medians, the load average before and after, and each venv's typer, click and
pydantic versions. The aim is judged on the wall-clock ratio; exit status 1 if it is not met.

Run:  python bench/bench_startup.py [--runs 15] [--typer 0.28.0] [--venv DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchlib import REPO, git_revision, listed_runs, load_average, median

THEME = "激励干部担当作为"
AIM = 1.5
BARE = "import typer, rich, jinja2, yaml"
DRAFT_ARGS = ["draft", "--theme", THEME, "--seed", "1"]
PACKAGES = ("typer", "click", "pydantic", "rich", "jinja2", "pyyaml")

# drafter draft's options, types and defaults, doing nothing; STAND_INS is replaced by a line.
_APP = '''
from pathlib import Path
from typing import Annotated

import jinja2, rich, typer, yaml  # what the bare import loads
import typer.main

app = typer.Typer(add_completion=False)


@app.callback()
def main(
    root: Annotated[Path | None, typer.Option("--root", file_okay=False)] = None,
    version: Annotated[bool, typer.Option("--version", is_eager=True)] = False,
) -> None:
    """The group's options."""


@app.command()
def draft(
    theme: Annotated[str, typer.Option("--theme", "-t")],
    parts: Annotated[int, typer.Option("--parts", "-p")] = 3,
    points: Annotated[int, typer.Option("--points", "-n")] = 3,
    occasion: Annotated[str, typer.Option("--occasion", "-c")] = "研讨发言",
    seed: Annotated[int | None, typer.Option("--seed", "-s")] = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f")] = None,
    template: Annotated[str | None, typer.Option("--template")] = None,
    detail: Annotated[str, typer.Option("--detail", "-d")] = "outline",
    sources: Annotated[bool, typer.Option("--sources")] = False,
    avoid: Annotated[list[Path] | None, typer.Option("--avoid")] = None,
    keyword: Annotated[list[str] | None, typer.Option("--keyword", "-k")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    force: Annotated[bool, typer.Option("--force")] = False,
    style: Annotated[Path | None, typer.Option("--style")] = None,
    bank: Annotated[Path | None, typer.Option("--bank")] = None,
) -> None:
    """Does nothing."""


@app.command()
def other() -> None:
    """A second command, so that draft is a subcommand as in drafter."""


command = typer.main.get_command(app)
STAND_INS
command()
'''


@dataclass
class Venv:
    """One environment to measure: its interpreter, drafter script and package versions."""

    label: str
    python: Path
    cache: Path
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def drafter(self) -> Path:
        return self.python.with_name("drafter")


def _quiet(cmd: Sequence[str]) -> None:
    """Run an install step; its output only if it fails (pip warns about absent local indexes)."""
    proc = subprocess.run(list(cmd), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")


def build_wheel(work: Path) -> Path:
    out = work / "wheel"
    _quiet([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(REPO)])
    return next(out.glob("drafter-*.whl"))


def make_venv(directory: Path, wheel: Path, typer: str | None) -> Path:
    _quiet([sys.executable, "-m", "venv", str(directory)])
    python = directory / "bin" / "python"
    pins = [f"typer=={typer}"] if typer else []
    _quiet([str(python), "-m", "pip", "install", "-q", str(wheel), *pins])
    return python


_VERSIONS = """
import json, sys
from importlib import metadata
import drafter
found = {}
for name in sys.argv[1:]:
    try:
        found[name] = metadata.version(name)
    except metadata.PackageNotFoundError:
        found[name] = "-"
found["drafter at"] = drafter.__file__
print(json.dumps(found))
"""


def describe(venv: Venv) -> None:
    """Package versions; refuse a venv whose drafter lies outside it (an editable install)."""
    out = subprocess.run(
        [str(venv.python), "-c", _VERSIONS, *PACKAGES],
        capture_output=True,
        text=True,
        check=True,
        cwd=venv.cache.parent,
    ).stdout
    venv.versions = json.loads(out)
    where = Path(venv.versions["drafter at"]).resolve()
    home = venv.python.parent.parent.resolve()
    if not where.is_relative_to(home):
        raise SystemExit(f"{home}: drafter is imported from {where}, not installed in the venv")


def _commands(
    venv: Venv, app: Path, app_plain: Path
) -> dict[str, tuple[list[str], dict[str, str]]]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")
    }
    env["DRAFTER_CACHE_DIR"] = str(venv.cache)
    env.pop("DRAFTER_PLAIN_OPTIONS", None)
    typers = {**env, "DRAFTER_PLAIN_OPTIONS": "1"}
    py, drafter = str(venv.python), str(venv.drafter)
    return {
        "imports": ([py, "-c", BARE], env),
        "app": ([py, str(app), *DRAFT_ARGS], env),
        "app-plain": ([py, str(app_plain), *DRAFT_ARGS], env),
        "draft": ([drafter, *DRAFT_ARGS], env),
        "draft-typer": ([drafter, *DRAFT_ARGS], typers),
        "version": ([drafter, "--version"], env),
    }


LABELS = {
    "imports": f'python -c "{BARE}"',
    "app": "do-nothing Typer app, draft's options",
    "app-plain": "  the same with drafter's converters",
    "draft": f"drafter {' '.join(DRAFT_ARGS)}",
    "draft-typer": "  the same, DRAFTER_PLAIN_OPTIONS=1",
    "version": "drafter --version",
}


Key = tuple[str, str]  # (venv label, command name)


@dataclass
class Times:
    """Wall-clock seconds, and the CPU seconds (user + system) the child itself used."""

    wall: dict[Key, list[float]] = field(default_factory=dict)
    cpu: dict[Key, list[float]] = field(default_factory=dict)


def _run(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    err = proc.stderr.read()  # a command writes little to stderr; read before wait4 reaps it
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    if proc.returncode != 0:
        text = err.decode("utf-8", "replace").strip()
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{text}")
    return elapsed, usage.ru_utime + usage.ru_stime


def measure(venvs: list[Venv], work: Path, runs: int) -> Times:
    """Every command of every venv once untimed, then ``runs`` rounds, the order rotating."""
    app, app_plain = work / "app.py", work / "app_plain.py"
    app.write_text(_APP.replace("STAND_INS", "pass"), encoding="utf-8")
    app_plain.write_text(
        _APP.replace("STAND_INS", "from drafter.cli.convert import speed_up\nspeed_up(command)"),
        encoding="utf-8",
    )
    cwd = work / "cwd"
    cwd.mkdir(exist_ok=True)
    jobs = {
        (venv.label, name): job
        for venv in venvs
        for name, job in _commands(venv, app, app_plain).items()
    }
    keys = list(jobs)
    for key in keys:
        _run(*jobs[key], cwd)
    times = Times({key: [] for key in keys}, {key: [] for key in keys})
    for r in range(runs):
        shift = r % len(keys)
        for key in keys[shift:] + keys[:shift]:
            wall, cpu = _run(*jobs[key], cwd)
            times.wall[key].append(wall)
            times.cpu[key].append(cpu)
    return times


def _pad(text: str, width: int) -> str:
    """Left-justify in terminal columns: a CJK character takes two."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - columns)


def report(venvs: list[Venv], times: Times) -> bool:
    """Print each venv's medians and ratios; whether every ``drafter draft`` met the aim."""
    met = True
    summary: list[str] = []
    for venv in venvs:
        v = venv.versions
        print()
        print(
            f"[{venv.label}] typer {v['typer']}, click {v['click']}, pydantic {v['pydantic']}, "
            f"rich {v['rich']}, jinja2 {v['jinja2']}, pyyaml {v['pyyaml']}"
        )
        print(f"  {_pad('median of', 52)} {'wall':>8} {'ratio':>6}  {'cpu':>7} {'ratio':>6}")
        base_wall = median(times.wall[(venv.label, "imports")])
        base_cpu = median(times.cpu[(venv.label, "imports")])
        for name, label in LABELS.items():
            wall, cpu = (
                median(times.wall[(venv.label, name)]),
                median(times.cpu[(venv.label, name)]),
            )
            ratio, cpu_ratio = wall / base_wall, cpu / base_cpu
            aim = ""
            if name == "draft":
                ok = ratio <= AIM
                met = met and ok
                aim = f"  aim <= {AIM}x: {'met' if ok else 'NOT MET'}"
                summary.append(
                    f"  typer {v['typer']:<8} drafter draft {wall:.3f} s = {ratio:.2f}x bare import"
                    f" (cpu {cpu_ratio:.2f}x); do-nothing app "
                    f"{median(times.wall[(venv.label, 'app')]) / base_wall:.2f}x"
                )
            print(
                f"  {_pad(label, 52)} {wall:6.3f} s {ratio:5.2f}x  {cpu:5.3f} s {cpu_ratio:5.2f}x{aim}"
            )
        for name in LABELS:
            print(f"  wall runs {name}: {listed_runs(times.wall[(venv.label, name)])}")
    print()
    print("summary (medians; ratios against the bare import of the same venv)")
    print("\n".join(summary))
    return met


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15, help="timed rounds (default 15)")
    parser.add_argument(
        "--typer",
        action="append",
        default=[],
        metavar="VERSION",
        help="also measure a venv with this typer release (repeatable)",
    )
    parser.add_argument(
        "--venv",
        type=Path,
        help="reuse this venv (drafter installed, not editable) as the main one",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    print(f"python {platform.python_version()}, commit {git_revision()}, cpus {os.cpu_count()}")
    work = Path(tempfile.mkdtemp(prefix="drafter-startup-"))
    try:
        wheel = build_wheel(work) if args.typer or args.venv is None else None
        venvs: list[Venv] = []
        if args.venv is not None:
            venvs.append(Venv("given venv", args.venv.resolve() / "bin" / "python", work / "c0"))
        else:
            assert wheel is not None
            python = make_venv(work / "newest", wheel, None)
            venvs.append(Venv("newest releases", python, work / "c0"))
        for i, version in enumerate(args.typer, 1):
            assert wheel is not None
            python = make_venv(work / f"typer-{version}", wheel, version)
            venvs.append(Venv(f"typer=={version}", python, work / f"c{i}"))
        for venv in venvs:
            venv.cache.mkdir()
            describe(venv)
        print(f"load average before: {load_average()}")
        times = measure(venvs, work, args.runs)
        print(f"load average after:  {load_average()}")
        print(f"rounds: {args.runs}, every command of every venv once per round, order rotating")
        return 0 if report(venvs, times) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
