"""Benchmark: ``drafter batch`` on 10,000 briefs, serially and with two worker processes.

Everything is written into a temporary directory (removed afterwards unless ``--keep``): the
brief file, the output folders, the drafter index cache (``DRAFTER_CACHE_DIR``) and the bytecode
cache of the timed subprocesses (``PYTHONPYCACHEPREFIX``); nothing goes into the repository or
the home folder. A fixed random seed keeps runs comparable.

The briefs (default 10,000, one YAML file with ``defaults:``) mix the bundled themes
激励干部担当作为, 守初心担使命, 加强干部队伍建设 and one free theme, 3 or 4 parts, and some
speakers, organisations, keywords, explicit seeds, other occasions and output sub-folders.

The briefs name no meeting, so they are one meeting: ``drafter batch`` keeps them apart
(``workflow.allocate``) as far as the bank allows, which for thousands of speeches on four
themes is not far; after the first few dozen most briefs share, and say so.

Timed, ``--repeat`` rounds in rotating order, medians reported:

* baseline: the same briefs allocated and rendered in this process, ``allocate_all`` +
  ``render_with`` on an index and template loaded beforehand; no brief parsing, no files (the
  drafting floor);
* alone: each brief drafted as if alone, ``compose`` + ``render_with``, in this process (the
  floor of ``--independent``; baseline minus alone is what the allocation costs);
* ``python -m drafter batch briefs.yaml --out OUT --format md --jobs J`` for J = 1 and 2, each
  into a fresh output folder, with a warm index cache (one small batch runs first);
* independent: the ``--jobs 2`` command with ``--independent`` (no allocation);
* resume: the ``--jobs 2`` command again on the folder it has just completed (all unchanged);
* diagnostic: the baseline's texts written as the same files with ``Path.write_bytes`` and
  nothing else, the file-system floor (creating 10,000 small files costs from under one to
  several seconds of system time on a shared virtual machine).

Besides wall-clock time, the CPU time each variant used (user, system; subprocesses with their
worker processes) is reported. Checked on the way (exit status 1 if not): every command exits 0;
every ``--jobs 1`` and ``--jobs 2`` folder holds exactly one ``.md`` file per brief, byte-identical
to the baseline's texts (so to each other), and every ``--independent`` folder to the alone
texts; the baselines give the same texts every round; each resume run leaves every brief
``unchanged`` in ``manifest.json``.

Run:  /tmp/venv/bin/python bench/bench_batch.py [--quick] [--briefs 10000] [--repeat 3] [--keep]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from benchlib import git_revision, listed_runs, load_average, median, timed

if TYPE_CHECKING:  # drafter is imported where used, after main() redirects the bytecode cache
    import jinja2

    from drafter.drafting.index import BankIndex
    from drafter.drafting.model import DraftRequest

T = TypeVar("T")
RANDOM_SEED = 0
AIM_BRIEFS = 10_000
AIM_SECONDS = 10.0  # for AIM_BRIEFS with --jobs 2
THEMES = ("激励干部担当作为", "守初心担使命", "加强干部队伍建设")  # in the bundled themes.yaml
FREE_THEME = "提升干部服务群众能力"  # not in themes.yaml: dimensions from its words
DEFAULT_OCCASION = "研讨发言"
OTHER_OCCASIONS = ("座谈发言", "交流发言", "讲话")
# Shares of the briefs that carry each optional field.
SHARES = {
    "four_parts": 0.5,
    "seed": 0.5,
    "speaker": 0.6,
    "organisation": 0.4,
    "keywords": 0.3,
    "occasion": 0.2,
    "output": 0.1,
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ("伟", "芳", "敏", "静", "强", "磊", "洋", "军", "勇", "艳", "建国", "晓东", "海燕", "志刚")
ORGANISATIONS = (
    "市委组织部",
    "县委办公室",
    "市发展改革委",
    "区人民政府办公室",
    "市教育局",
    "镇党委",
    "市纪委监委",
    "县委宣传部",
)
KEYWORDS = (
    "基层",
    "一线",
    "实干",
    "担当",
    "服务群众",
    "调查研究",
    "初心",
    "使命",
    "队伍",
    "年轻干部",
    "作风",
    "激励",
)
WARMUP_BRIEFS = 40
# In rotating order; "resume" after them.
VARIANTS = ("baseline", "alone", "files", "jobs1", "jobs2", "independent")
ROWS = ("baseline", "alone", "jobs1", "jobs2", "independent", "resume", "files")
LABELS = {
    "baseline": "baseline: allocate_all+render_with in-process, no files",
    "alone": "alone: compose+render_with in-process, no files",
    "jobs1": "drafter batch --jobs 1",
    "jobs2": "drafter batch --jobs 2",
    "independent": "drafter batch --jobs 2 --independent",
    "resume": "drafter batch --jobs 2, resume (all unchanged)",
    "files": "diagnostic: write the .md files alone",
}


# ── briefs ──────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class BriefSpec:
    """One synthetic brief, as written to the YAML file and as the baseline drafts it."""

    id: str
    theme: str
    parts: int
    occasion: str = DEFAULT_OCCASION
    seed: int | None = None
    speaker: str | None = None
    organisation: str | None = None
    keywords: tuple[str, ...] = ()
    output: str | None = None  # a stem with a sub-folder, "第3组/00042-王伟"

    def yaml(self) -> str:
        """The brief as a YAML list item (JSON strings are valid YAML double-quoted scalars)."""

        def q(text: str) -> str:
            return json.dumps(text, ensure_ascii=False)

        lines = [f"  - id: {q(self.id)}", f"    theme: {q(self.theme)}", f"    parts: {self.parts}"]
        if self.occasion != DEFAULT_OCCASION:
            lines.append(f"    occasion: {q(self.occasion)}")
        if self.seed is not None:
            lines.append(f"    seed: {self.seed}")
        if self.speaker:
            lines.append(f"    speaker: {q(self.speaker)}")
        if self.organisation:
            lines.append(f"    organisation: {q(self.organisation)}")
        if self.keywords:
            lines.append(f"    keywords: [{', '.join(q(k) for k in self.keywords)}]")
        if self.output:
            lines.append(f"    output: {q(self.output)}")
        return "\n".join(lines)

    def request(self) -> DraftRequest:
        """What ``Brief.request`` gives for this brief: the seed as ``drafter batch`` picks it."""
        from drafter.drafting.model import DraftRequest
        from drafter.workflow.batch import default_seed

        seed = self.seed if self.seed is not None else default_seed(self.id, self.theme)
        return DraftRequest(
            self.theme,
            self.parts,
            occasion=self.occasion,
            seed=seed,
            keywords=self.keywords,
            speaker=self.speaker,
            organisation=self.organisation,
        )

    def md_path(self) -> str:
        """The ``.md`` file the batch writes for this brief, relative to the output folder."""
        from drafter.workflow.outpaths import safe_name

        return f"{self.output or safe_name(self.id)}.md"


def make_briefs(count: int, rng: random.Random) -> list[BriefSpec]:
    def share(name: str) -> bool:
        return rng.random() < SHARES[name]

    out: list[BriefSpec] = []
    for i in range(1, count + 1):
        theme = rng.choice((*THEMES, FREE_THEME))
        speaker = rng.choice(SURNAMES) + rng.choice(GIVEN) if share("speaker") else None
        brief_id = f"{i:05d}-{speaker}" if speaker else f"{i:05d}"
        out.append(
            BriefSpec(
                id=brief_id,
                theme=theme,
                parts=4 if share("four_parts") else 3,
                occasion=rng.choice(OTHER_OCCASIONS) if share("occasion") else DEFAULT_OCCASION,
                seed=rng.randrange(1_000_000) if share("seed") else None,
                speaker=speaker,
                organisation=rng.choice(ORGANISATIONS) if share("organisation") else None,
                keywords=tuple(rng.sample(KEYWORDS, rng.randint(1, 2)))
                if share("keywords")
                else (),
                output=f"第{rng.randint(1, 9)}组/{brief_id}" if share("output") else None,
            )
        )
    return out


def write_briefs(path: Path, briefs: Sequence[BriefSpec]) -> None:
    head = (
        "# Synthetic briefs written by bench/bench_batch.py\n"
        f"defaults:\n  occasion: {DEFAULT_OCCASION}\n  points: 3\n"
        "briefs:\n"
    )
    path.write_text(head + "\n".join(b.yaml() for b in briefs) + "\n", encoding="utf-8")


# ── running and checking ────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Sample:
    """One timed run: wall-clock seconds, and the CPU seconds it used (user, system)."""

    wall: float
    user: float
    sys: float


def measure(func: Callable[[], T], children: bool) -> tuple[Sample, T]:
    """Time a call; CPU from this process, or from the subprocesses (workers included) it ran."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    before = resource.getrusage(who)
    wall, result = timed(func)
    after = resource.getrusage(who)
    return Sample(wall, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime), result


def _env(cache: Path, pycache: Path) -> dict[str, str]:
    """The environment of a timed subprocess: private index cache, private bytecode cache."""
    env = dict(os.environ)
    env["DRAFTER_CACHE_DIR"] = str(cache)
    env.pop("DRAFTER_NO_CACHE", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as after a normal install's first run
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


class Failed(Exception):
    """A command failed or an essential check could not run: the benchmark stops."""


@dataclass
class Command:
    """``python -m drafter batch`` with a fixed environment and working folder."""

    briefs: Path
    env: dict[str, str]
    cwd: Path
    last_lines: dict[str, list[str]] = field(default_factory=dict)

    def argv(self, out: Path, jobs: int, independent: bool = False) -> list[str]:
        cmd = [sys.executable, "-m", "drafter", "batch", str(self.briefs), "--out", str(out)]
        return [*cmd, "--format", "md", "--jobs", str(jobs)] + ["--independent"] * independent

    def run(self, out: Path, jobs: int, label: str, independent: bool = False) -> Sample:
        """How long the command took; a command that fails ends the benchmark."""
        cmd = self.argv(out, jobs, independent)
        sample, proc = measure(
            lambda: subprocess.run(
                cmd, env=self.env, cwd=self.cwd, capture_output=True, text=True, check=False
            ),
            children=True,
        )
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
            raise Failed(f"command failed (exit {proc.returncode}): {' '.join(cmd)}\n{tail}")
        self.last_lines.setdefault(label, proc.stdout.strip().splitlines()[-2:])
        return sample


def draft_all(
    index: BankIndex, tpl: jinja2.Template | None, requests: Sequence[DraftRequest]
) -> list[str]:
    """The alone baseline: every brief drafted as if alone and rendered, kept in memory."""
    from drafter.drafting.composer import compose
    from drafter.output.templates import render_with

    return [render_with(compose(index, r), tpl) for r in requests]


def allocate_all(
    index: BankIndex, tpl: jinja2.Template | None, briefs: Sequence[tuple[str, DraftRequest]]
) -> list[str]:
    """The baseline: the briefs allocated as one meeting, in order, and rendered."""
    from drafter.output.templates import render_with
    from drafter.workflow.allocate import allocate_all as allocate

    texts = []
    for brief, done in allocate(index, ((b, None, r) for b, r in briefs)):
        if isinstance(done, Exception) or done.draft is None:
            raise Failed(f"brief {brief} could not be drafted: {done}")
        texts.append(render_with(done.draft, tpl))
    return texts


def write_files(folder: Path, files: Sequence[tuple[str, bytes]]) -> None:
    """The diagnostic file-system floor: the same files written plainly, nothing else."""
    for sub in sorted({Path(rel).parent for rel, _ in files}):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for rel, data in files:
        (folder / rel).write_bytes(data)


def md_files(folder: Path) -> dict[str, bytes]:
    """Every ``.md`` file under ``folder`` (sub-folders too) by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.md")}


def compare(reference: dict[str, bytes], folder: Path, expected: int, what: str) -> list[str]:
    """Problems found comparing an output folder with the reference files (empty: identical)."""
    found = md_files(folder)
    problems = []
    if len(found) != expected:
        problems.append(f"{what}: {len(found):,} .md files, expected {expected:,}")
    missing = sorted(set(reference) - set(found))
    extra = sorted(set(found) - set(reference))
    differ = sorted(rel for rel in set(found) & set(reference) if found[rel] != reference[rel])
    for name, rels in (("missing", missing), ("extra", extra), ("different", differ)):
        if rels:
            problems.append(f"{what}: {len(rels):,} {name} vs the reference, e.g. {rels[:3]}")
    return problems


def manifest_statuses(folder: Path) -> Counter[str]:
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return Counter(str(b.get("status")) for b in data.get("briefs", []))


# ── report ──────────────────────────────────────────────────────────────────────────────────


def print_table(samples: dict[str, list[Sample]], count: int) -> None:
    base = median([s.wall for s in samples["baseline"]])
    rows = [("variant", "median s", "briefs/s", "x baseline", "CPU user s", "CPU sys s")]
    for key in ROWS:
        runs = samples[key]
        med = median([s.wall for s in runs])
        rows.append(
            (
                LABELS[key],
                f"{med:.3f}",
                f"{count / med:,.0f}",
                f"{med / base:.2f}x",
                f"{median([s.user for s in runs]):.2f}",
                f"{median([s.sys for s in runs]):.2f}",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    print()
    print(f"summary ({count:,} briefs, medians of {len(samples['baseline'])} runs)")
    for i, row in enumerate(rows):
        cells = [f"{row[0]:<{widths[0]}}"] + [
            f"{cell:>{w}}" for cell, w in zip(row[1:], widths[1:], strict=True)
        ]
        print("  " + "  ".join(cells))
        if i == 0:
            print("  " + "-" * (sum(widths) + 2 * (len(widths) - 1)))


def allocation_cost(samples: dict[str, list[Sample]]) -> str:
    """What keeping the briefs apart costs: in-process, and as the command runs."""

    def cpu(key: str) -> float:
        return median([s.user + s.sys for s in samples[key]])

    def wall(key: str) -> float:
        return median([s.wall for s in samples[key]])

    return (
        f"allocation cost: in-process {wall('baseline') / wall('alone'):.2f}x the time of alone"
        f" ({cpu('baseline') - cpu('alone'):+.2f} s CPU); drafter batch --jobs 2"
        f" {wall('jobs2') / wall('independent'):.2f}x the time of --independent"
        f" ({cpu('jobs2') - cpu('independent'):+.2f} s CPU)"
    )


def aim_verdict(samples: dict[str, list[Sample]], count: int) -> str:
    med = median([s.wall for s in samples["jobs2"]])
    aim = f'aim "{AIM_BRIEFS:,} briefs in under {AIM_SECONDS:.0f} s with --jobs 2"'
    if count != AIM_BRIEFS:
        return (
            f"{aim}: not judged ({count:,} briefs in this run, median {med:.3f} s,"
            f" {count / med:,.0f} briefs/s; run with the default --briefs to judge)"
        )
    verdict = "met" if med < AIM_SECONDS else "NOT MET"
    return f"{aim}: {verdict} (median {med:.3f} s)"


# ── main ────────────────────────────────────────────────────────────────────────────────────


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smoke test: 1,000 briefs, 2 rounds")
    parser.add_argument("--briefs", type=int, help="number of briefs (default 10000)")
    parser.add_argument("--repeat", type=int, help="timed rounds of every variant (default 3)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory and say where it is"
    )
    args = parser.parse_args(argv)
    defaults = {"briefs": 1_000, "repeat": 2} if args.quick else {"briefs": 10_000, "repeat": 3}
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.briefs < 1 or args.repeat < 1:
        parser.error("--briefs and --repeat must be >= 1")
    return args


def describe(briefs: Sequence[BriefSpec], path: Path) -> str:
    themes = Counter(b.theme for b in briefs)
    counts = {
        "4 parts": sum(b.parts == 4 for b in briefs),
        "speaker": sum(b.speaker is not None for b in briefs),
        "organisation": sum(b.organisation is not None for b in briefs),
        "keywords": sum(bool(b.keywords) for b in briefs),
        "seed": sum(b.seed is not None for b in briefs),
        "other occasion": sum(b.occasion != DEFAULT_OCCASION for b in briefs),
        "output sub-folder": sum(b.output is not None for b in briefs),
    }
    return (
        f"briefs: {len(briefs):,} in {path.stat().st_size / 1e6:.2f} MB of YAML; themes "
        + ", ".join(f"{t} {n}" for t, n in themes.items())
        + "; "
        + ", ".join(f"{k} {n}" for k, n in counts.items())
    )


def run(root: Path, args: argparse.Namespace) -> int:
    count, repeat = args.briefs, args.repeat
    # Bytecode of this process (drafter included) goes to the temporary folder too.
    sys.pycache_prefix = str(root / "pycache-self")
    cache = root / "cache"
    os.environ["DRAFTER_CACHE_DIR"] = str(cache)
    os.environ.pop("DRAFTER_NO_CACHE", None)
    revision = git_revision()
    print(f"python: {platform.python_version()} ({sys.executable})")
    print(f"drafter commit: {revision}")
    print(f"os.cpu_count(): {os.cpu_count()}, load average: {load_average()}")
    print(f"mode: {'quick' if args.quick else 'full'}, {count:,} briefs, {repeat} rounds")

    briefs = make_briefs(count, random.Random(RANDOM_SEED))
    brief_file = root / "briefs.yaml"
    write_briefs(brief_file, briefs)
    warm_file = root / "warmup.yaml"
    write_briefs(warm_file, briefs[:WARMUP_BRIEFS])
    print(describe(briefs, brief_file))

    # Warm-up: one small batch builds the index cache, Jinja's and Python's bytecode caches.
    command = Command(brief_file, _env(cache, root / "pycache"), root)
    warm = Command(warm_file, command.env, root)
    warm_s = warm.run(root / "out-warmup", 1, "warmup").wall
    cache_files = len(list(cache.glob("bank-*.marshal")))
    if not cache_files:
        raise Failed(f"the warm-up run left no index cache in {cache}")
    print(f"warm-up: drafter batch on {WARMUP_BRIEFS} briefs, --jobs 1: {warm_s:.3f} s")

    from drafter.drafting.index import load_index
    from drafter.output.templates import load_template
    from drafter.workspace import resolve

    bank = resolve("phrasebank", root)  # what the command, run in root, drafts from
    load_s, index = timed(lambda: load_index(bank))
    tpl = load_template("md", None, root)
    requests = [b.request() for b in briefs]
    named = [(b.id, r) for b, r in zip(briefs, requests, strict=True)]
    # Warm-up of the baselines (lazy imports, caches); the texts feed the file-system floor.
    warm_s, texts = timed(lambda: allocate_all(index, tpl, named))
    alone_s, alone_texts = timed(lambda: draft_all(index, tpl, requests))
    files = [(b.md_path(), t.encode("utf-8")) for b, t in zip(briefs, texts, strict=True)]
    alone_files = [(b.md_path(), t.encode()) for b, t in zip(briefs, alone_texts, strict=True)]
    print(
        f"bank: {bank}; in-process load_index (warm cache) {load_s:.3f} s and untimed"
        f" warm-up passes of the baseline {warm_s:.3f} s and of alone {alone_s:.3f} s"
    )

    samples: dict[str, list[Sample]] = {key: [] for key in ROWS}
    problems: list[str] = []
    outs: list[tuple[str, Path]] = []
    alone_outs: list[tuple[str, Path]] = []
    for r in range(repeat):
        shift = r % len(VARIANTS)
        for key in VARIANTS[shift:] + VARIANTS[:shift]:
            folder = root / f"out-{key}-{r}"
            if key == "baseline":
                sample, again = measure(lambda: allocate_all(index, tpl, named), children=False)
                if again != texts:
                    problems.append(f"baseline round {r}: texts differ from the warm-up pass")
            elif key == "alone":
                sample, again = measure(lambda: draft_all(index, tpl, requests), children=False)
                if again != alone_texts:
                    problems.append(f"alone round {r}: texts differ from the warm-up pass")
            elif key == "files":
                sample, _ = measure(functools.partial(write_files, folder, files), children=False)
            elif key == "independent":
                sample = command.run(folder, 2, key, independent=True)
                alone_outs.append((f"{key} round {r + 1}", folder))
            else:
                sample = command.run(folder, int(key[-1]), key)
                outs.append((f"{key} round {r + 1}", folder))
            samples[key].append(sample)
        # Resume: the --jobs 2 command again on the folder it has just completed.
        folder = root / f"out-jobs2-{r}"
        samples["resume"].append(command.run(folder, 2, "resume"))
        statuses = manifest_statuses(folder)
        if statuses != Counter({"unchanged": count}):
            problems.append(f"resume round {r + 1}: manifest statuses {dict(statuses)}")
        line = ", ".join(f"{key} {samples[key][-1].wall:.3f} s" for key in ROWS)
        print(f"round {r + 1}/{repeat}: {line}  (load {load_average()})")

    # Correctness, untimed: every output folder against the baseline's texts.
    reference = dict(files)
    if len(reference) != count:
        problems.append(f"{len(reference):,} distinct output paths for {count:,} briefs")
    for what, folder in outs:
        problems += compare(reference, folder, count, what)
    for what, folder in alone_outs:
        problems += compare(dict(alone_files), folder, count, what)
    if len(list(cache.glob("bank-*.marshal"))) != cache_files:
        print("WARNING: a run rebuilt the index cache (drafter's sources edited mid-run?)")
    if git_revision() != revision:
        print(f"WARNING: the commit changed during the run ({revision} -> {git_revision()})")

    print()
    for key in ROWS:
        print(f"{LABELS[key]}: runs {listed_runs([s.wall for s in samples[key]])} s")
    for key in ("jobs1", "resume"):
        print(f"{key} command output ends: " + " / ".join(command.last_lines.get(key, [])))
    size = sum(len(data) for data in reference.values())
    print(f"output: {len(reference):,} .md files, {size / 1e6:.1f} MB per folder")
    print_table(samples, count)
    print()
    jobs1, jobs2 = (median([s.wall for s in samples[k]]) for k in ("jobs1", "jobs2"))
    print(f"speed-up of --jobs 2 over --jobs 1: {jobs1 / jobs2:.2f}x")
    print(allocation_cost(samples))
    print(aim_verdict(samples, count))
    print(
        f"machine: os.cpu_count() {os.cpu_count()}, Python {platform.python_version()},"
        f" {platform.system()} {platform.machine()}, load average now {load_average()};"
        f" drafter commit {revision}"
    )
    if problems:
        print()
        for problem in problems:
            print(f"CHECK FAILED: {problem}")
        return 1
    print(
        f"checks: every --jobs 1 and --jobs 2 folder holds the same {count:,} .md files"
        " (bytes compared with the baseline's texts), every --independent folder the alone"
        " texts; every resume found all briefs unchanged"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    root = Path(tempfile.mkdtemp(prefix="drafter-bench-batch-"))
    try:
        return run(root, args)
    except Failed as exc:
        print(f"CHECK FAILED: {exc}")
        return 1
    finally:
        if args.keep:
            print(f"kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
