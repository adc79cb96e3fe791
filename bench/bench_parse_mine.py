"""Benchmark: parse a synthetic corpus of speeches and mine it into a phrase bank.

The corpus is built from the files in ``seeds/`` in a temporary directory (removed afterwards;
nothing is written into the repository). Each synthetic file holds one or two seed files with
light, deterministic variation: seed order, a numbered title, lines swapped in the noise tail,
and encoding/line-end variants (GBK, CRLF, UTF-8 BOM). A fixed random seed keeps runs comparable.

Measurements, each repeated ``--repeat`` times (the median is reported):

* baseline: read + decode + normalise every file
  (``drafter.files.decoding.read_document`` + ``drafter.text.normalize.normalize_text``);
* full job: ``drafter.corpus.parse.parse_file`` on every file, ``mine_documents`` with the
  repository's ``phrasebank/dimensions.yaml``, and ``drafter.bank.store.write_kind`` for every kind
  into a temporary directory; wall time and CPU time (``time.process_time``) per phase, and the
  parse+mine throughput per core from the CPU time;
* ``drafter mine`` itself (``mine_corpus`` into a new bank) with ``--jobs 1`` and ``--jobs 2``,
  alternating, with the ratio of their wall times; CPU time includes the worker processes;
* with ``--compare DIR``, the full job of another copy of drafter (``git archive <commit>
  drafter phrasebank | tar -x -C DIR``) and of this one, each in a fresh process, alternating.

Run:  /tmp/venv/bin/python bench/bench_parse_mine.py [--mb 50] [--repeat 3] [--seeds DIR]
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from benchlib import git_revision, timed

from drafter.bank.lexicon import load_lexicon
from drafter.bank.store import KINDS, Entry, write_kind
from drafter.corpus.models import Document
from drafter.corpus.parse import parse_file
from drafter.errors import InputError
from drafter.files.decoding import decode_bytes, read_document
from drafter.files.yamlio import MAX_BYTES as YAML_MAX_BYTES

try:
    from drafter.mining.entries import mine_documents
except ImportError:  # drafter before miner.py was split (--compare with an older copy)
    from drafter.mining.miner import mine_documents  # type: ignore[attr-defined]
from drafter.text.normalize import normalize_text

REPO = Path(__file__).resolve().parent.parent
MB = 1_000_000  # figures are in MB = 10^6 bytes
RANDOM_SEED = 20240521
SPEECH_MIN_PARTS = 2  # as in drafter.mining.miner: a speech is a document with at least two parts

# Corpus variation, as shares of the synthetic files.
TWO_SEEDS_SHARE = 0.3
GBK_SHARE = 0.2
CRLF_SHARE = 0.1
BOM_SHARE = 0.05
TAIL_MIN_LEN = 100  # the noise tail starts after the last line at least this long
_TITLE_BAD = re.compile(r"[。！？!?|>»›]|首页|首頁")


# ── corpus ──────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Seed:
    name: str
    lines: tuple[str, ...]
    title_line: int | None  # index of the title line, if one was found
    tail_start: int  # index of the first line of the noise tail (== len(lines) if none)


@dataclass
class Corpus:
    directory: Path
    files: list[Path]
    total_bytes: int
    encodings: Counter[str] = field(default_factory=Counter)
    two_seed_files: int = 0


def _load_seed(path: Path) -> Seed:
    text = decode_bytes(path.read_bytes(), str(path))
    lines = tuple(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    title_line = next(
        (
            i
            for i, line in enumerate(lines)
            if 4 <= len(line.strip()) <= 60 and not _TITLE_BAD.search(line)
        ),
        None,
    )
    long_lines = [i for i, line in enumerate(lines) if len(line.strip()) >= TAIL_MIN_LEN]
    tail_start = long_lines[-1] + 1 if long_lines else len(lines)
    return Seed(path.name, lines, title_line, tail_start)


def load_seeds(seeds_dir: Path) -> list[Seed]:
    files = sorted(p for p in seeds_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    if not files:
        raise SystemExit(f"no seed files in {seeds_dir}")
    return [_load_seed(p) for p in files]


def _vary(seed: Seed, number: int, rng: random.Random) -> str:
    """One seed's text with a numbered title and one or two line swaps in its noise tail."""
    lines = list(seed.lines)
    if seed.title_line is not None:
        title = lines[seed.title_line].strip()
        # Every copy of the title line (some pages repeat it) gets the same number.
        lines = [f"{title}{number}" if line.strip() == title else line for line in lines]
    tail = [i for i in range(seed.tail_start, len(lines)) if lines[i].strip()]
    if len(tail) >= 2:
        for _ in range(rng.randint(1, 2)):
            a, b = rng.sample(tail, 2)
            lines[a], lines[b] = lines[b], lines[a]
    return "\n".join(lines)


def _encode(text: str, rng: random.Random, encodings: Counter[str]) -> bytes:
    roll = rng.random()
    if roll < GBK_SHARE:
        try:
            data = text.encode("gbk")
            encodings["gbk"] += 1
        except UnicodeEncodeError:  # e.g. tone-marked pinyin: GB18030 holds every character
            data = text.encode("gb18030")
            encodings["gb18030"] += 1
        return data
    if roll < GBK_SHARE + CRLF_SHARE:
        encodings["utf-8 crlf"] += 1
        return text.replace("\n", "\r\n").encode("utf-8")
    if roll < GBK_SHARE + CRLF_SHARE + BOM_SHARE:
        encodings["utf-8 bom"] += 1
        return codecs.BOM_UTF8 + text.encode("utf-8")
    encodings["utf-8"] += 1
    return text.encode("utf-8")


def build_corpus(seeds: list[Seed], target_bytes: int, directory: Path) -> Corpus:
    """Write synthetic files into ``directory`` until they hold ``target_bytes``."""
    rng = random.Random(RANDOM_SEED)
    corpus = Corpus(directory, [], 0)
    order: list[int] = []
    number = 0
    while corpus.total_bytes < target_bytes:
        number += 1
        count = 2 if rng.random() < TWO_SEEDS_SHARE else 1
        picked: list[Seed] = []
        while len(picked) < count:
            if not order:
                order = list(range(len(seeds)))
                rng.shuffle(order)
            picked.append(seeds[order.pop()])
        if count == 2:
            corpus.two_seed_files += 1
        text = "\n\n".join(_vary(seed, number, rng) for seed in picked)
        data = _encode(text, rng, corpus.encodings)
        stems = "+".join(s.name.split("_")[0] for s in picked)
        path = directory / f"{number:06d}_{stems}.txt"
        path.write_bytes(data)
        corpus.files.append(path)
        corpus.total_bytes += len(data)
    return corpus


# ── measurements ────────────────────────────────────────────────────────────────────────────


@dataclass
class JobResult:
    documents: int
    speeches: int
    entries: dict[str, int]
    failures: list[tuple[str, str]]
    also_in: int  # sources recorded beyond each entry's first one
    bank_bytes: dict[str, int]
    phases: dict[str, float]
    cpu: dict[str, float]  # CPU seconds (process_time) by phase


def run_baseline(files: list[Path]) -> int:
    """Read, decode and normalise every file; returns the characters seen (to use the result)."""
    chars = 0
    for path in files:
        chars += len(normalize_text(read_document(path)))
    return chars


def run_full_job(files: list[Path], lexicon_path: Path, out_dir: Path) -> JobResult:
    """Parse every file, mine the documents and write every bank file into ``out_dir``."""
    t0, c0 = time.perf_counter(), time.process_time()
    lexicon = load_lexicon(lexicon_path)
    documents: list[Document] = []
    failures: list[tuple[str, str]] = []
    for path in files:
        try:
            documents.extend(parse_file(path))
        except InputError as exc:
            failures.append((path.name, exc.user_message()))
    t1, c1 = time.perf_counter(), time.process_time()
    mined: dict[str, list[Entry]] = mine_documents(documents, lexicon)
    t2, c2 = time.perf_counter(), time.process_time()
    bank_bytes = {kind: write_kind(out_dir, kind, mined[kind]).stat().st_size for kind in KINDS}
    t3, c3 = time.perf_counter(), time.process_time()
    return JobResult(
        documents=len(documents),
        speeches=sum(1 for d in documents if len(d.parts) >= SPEECH_MIN_PARTS),
        entries={kind: len(mined[kind]) for kind in KINDS},
        failures=failures,
        also_in=sum(len(e.also_in) for entries in mined.values() for e in entries),
        bank_bytes=bank_bytes,
        phases={"parse": t1 - t0, "mine": t2 - t1, "write": t3 - t2},
        cpu={"parse": c1 - c0, "mine": c2 - c1, "write": c3 - c2},
    )


@dataclass
class MineRun:
    wall: float
    cpu: float  # this process and its (finished) worker processes
    duplicates: int
    speeches: int
    digest: str  # of the bank written, to check that --jobs changes no byte


def _cpu_with_children() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_mine(corpus_dir: Path, out_dir: Path, jobs: int) -> MineRun:
    """``drafter mine CORPUS --out OUT --jobs J``, in this process (workers are its children)."""
    import hashlib

    from drafter.mining.miner import MineRequest, mine_corpus

    cpu0, t0 = _cpu_with_children(), time.perf_counter()
    report = mine_corpus(MineRequest((corpus_dir,), out_dir, jobs=jobs))
    wall, cpu = time.perf_counter() - t0, _cpu_with_children() - cpu0
    digest = hashlib.sha1()
    for path in sorted(out_dir.glob("*.yaml")):
        digest.update(path.read_bytes())
    return MineRun(wall, cpu, report.duplicates, report.speeches, digest.hexdigest())


def run_child(corpus_dir: Path, lexicon_path: Path, out_dir: Path) -> None:
    """One full job in this (fresh) process, its figures as JSON on stdout (``--compare``)."""
    files = sorted(p for p in corpus_dir.iterdir() if p.is_file())
    normalize_text(read_document(files[0]))  # OpenCC's dictionaries, outside the timing
    result = run_full_job(files, lexicon_path, out_dir)
    print(json.dumps({"phases": result.phases, "cpu": result.cpu, "entries": result.entries}))


def compare_full_jobs(
    other: Path, corpus: Corpus, lexicon: Path, root: Path, repeat: int
) -> dict[str, list[dict[str, dict[str, float]]]]:
    """The full job of drafter at ``other`` and of this one, in fresh processes, alternating."""
    runs: dict[str, list[dict[str, dict[str, float]]]] = {"other": [], "this": []}
    for r in range(repeat):
        for label in ("other", "this") if r % 2 == 0 else ("this", "other"):
            env = dict(os.environ)
            env.pop("PYTHONPATH", None)
            if label == "other":
                env["PYTHONPATH"] = str(other)
            out = root / f"compare-{label}-{r}"
            out.mkdir()
            child = [sys.executable, __file__, "--child", str(corpus.directory), str(out)]
            done = subprocess.run(
                [*child, "--lexicon", str(lexicon)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            runs[label].append(json.loads(done.stdout.strip().splitlines()[-1]))
            shutil.rmtree(out)
    if [r["entries"] for r in runs["other"]] != [r["entries"] for r in runs["this"]]:
        print("WARNING: the two copies of drafter mined different entries")
    return runs


T = TypeVar("T")


# ── main ────────────────────────────────────────────────────────────────────────────────────


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--mb", type=float, default=50.0, help="corpus size in MB (default 50)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument(
        "--seeds", type=Path, default=REPO / "seeds", help="seed directory (default: repo seeds/)"
    )
    parser.add_argument(
        "--lexicon",
        type=Path,
        default=REPO / "phrasebank" / "dimensions.yaml",
        help="dimension lexicon (default: repo phrasebank/dimensions.yaml)",
    )
    parser.add_argument(
        "--only",
        choices=("both", "baseline", "full", "jobs"),
        default="both",
        help="run only one measurement (e.g. under a profiler); both: all of them",
    )
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="DIR",
        help="also time the full job of the drafter package in DIR (e.g. the last release)",
    )
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.mb <= 0 or args.repeat < 1:
        parser.error("--mb must be > 0 and --repeat >= 1")
    return args


def _per_core(mb: float, cpu: dict[str, float]) -> float:
    return mb / (cpu["parse"] + cpu["mine"])


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    if args.child:
        run_child(args.child[0], args.lexicon, args.child[1])
        return 0
    seeds = load_seeds(args.seeds)
    cores = os.cpu_count()
    with tempfile.TemporaryDirectory(prefix="drafter-bench-") as tmp:
        root = Path(tmp)
        corpus_dir = root / "corpus"
        corpus_dir.mkdir()
        t_build, corpus = timed(lambda: build_corpus(seeds, int(args.mb * MB), corpus_dir))
        files = corpus.files
        mb = corpus.total_bytes / MB

        # Warm-up outside the timings: OpenCC builds its dictionaries on first use.
        normalize_text(read_document(files[0]))

        base_times: list[float] = []
        full_times: list[float] = []
        results: list[JobResult] = []
        mine_runs: dict[int, list[MineRun]] = {1: [], 2: []}
        for r in range(args.repeat):
            if args.only in ("both", "jobs"):
                for jobs in (1, 2) if r % 2 == 0 else (2, 1):
                    out_dir = root / f"mine-{r}-{jobs}"
                    mine_runs[jobs].append(run_mine(corpus_dir, out_dir, jobs))
                    shutil.rmtree(out_dir)
            if args.only in ("both", "baseline"):
                start = time.perf_counter()
                run_baseline(files)
                base_times.append(time.perf_counter() - start)
            if args.only in ("both", "full"):
                out_dir = root / f"bank-{r}"
                out_dir.mkdir()
                start = time.perf_counter()
                result = run_full_job(files, args.lexicon, out_dir)
                elapsed = time.perf_counter() - start
                full_times.append(elapsed)
                results.append(result)
                shutil.rmtree(out_dir)

        print(f"python: {platform.python_version()} ({sys.executable})")
        print(f"drafter commit: {git_revision()}")
        print(f"os.cpu_count(): {cores}")
        print(f"seed files: {len(seeds)} ({args.seeds})")
        print(f"corpus size: {mb:.2f} MB (MB = 10^6 bytes)")
        print(f"corpus files: {len(files)}")
        print(f"corpus files with two seeds: {corpus.two_seed_files}")
        enc = ", ".join(f"{k} {v}" for k, v in sorted(corpus.encodings.items()))
        print(f"corpus encodings: {enc}")
        print(f"corpus build time: {t_build:.2f} s (not measured below)")
        print(f"repeats: {args.repeat} (figures are medians)")
        if base_times:
            base = statistics.median(base_times)
            print(f"baseline (read+decode+normalise) median: {base:.3f} s")
            print(f"baseline runs: {', '.join(f'{t:.3f}' for t in base_times)} s")
            print(f"baseline throughput: {mb / base:.2f} MB/s")
            print(f"baseline throughput per core (single process): {mb / base:.2f} MB/s")
        if full_times:
            full = statistics.median(full_times)
            print(f"full job (parse+mine+write) median: {full:.3f} s")
            print(f"full job runs: {', '.join(f'{t:.3f}' for t in full_times)} s")
            for phase in ("parse", "mine", "write"):
                median = statistics.median(res.phases[phase] for res in results)
                cpu = statistics.median(res.cpu[phase] for res in results)
                print(f"full job {phase} median: {median:.3f} s (CPU {cpu:.3f} s)")
            print(f"full job throughput: {mb / full:.2f} MB/s")
            print(f"full job throughput per core (single process): {mb / full:.2f} MB/s")
            per_core = [_per_core(mb, res.cpu) for res in results]
            print(
                f"parse+mine throughput per core (CPU time) median: "
                f"{statistics.median(per_core):.2f} MB/s "
                f"(runs: {', '.join(f'{v:.2f}' for v in per_core)})"
            )
            if base_times:
                print(f"ratio full/baseline time: {full / statistics.median(base_times):.2f}")
            last = results[-1]
            print(f"documents: {last.documents}")
            print(f"speeches: {last.speeches}")
            print(f"entries: {sum(last.entries.values())}")
            for kind, count in last.entries.items():
                print(f"entries {kind}: {count}")
            print(f"entries also_in sources: {last.also_in}")
            print(f"bank size: {sum(last.bank_bytes.values()) / MB:.2f} MB")
            kind, size = max(last.bank_bytes.items(), key=lambda item: item[1])
            print(f"largest bank file: {KINDS[kind][0]} {size / MB:.2f} MB")
            if size > YAML_MAX_BYTES:
                print(
                    f"WARNING: {KINDS[kind][0]} is over the {YAML_MAX_BYTES / 2**20:.0f} MiB limit"
                    " that drafter applies when it reads a bank file back"
                )
            print(f"failed files: {len(last.failures)}")
            for name, message in last.failures[:10]:
                print(f"failed file: {name}: {message}")
            if any(
                (r.documents, r.speeches, r.entries)
                != (last.documents, last.speeches, last.entries)
                for r in results
            ):
                print("WARNING: counts differ between repeats")
        if mine_runs[1]:
            _print_jobs(mb, mine_runs)
        if args.compare:
            runs = compare_full_jobs(args.compare, corpus, args.lexicon, root, args.repeat)
            _print_compare(mb, runs, args.compare)
    return 0


def _print_jobs(mb: float, runs: dict[int, list[MineRun]]) -> None:
    first = runs[1][0]
    print(
        f"drafter mine (mine_corpus, --out a new bank): {first.speeches} speeches, "
        f"{first.duplicates} left out as copies of others"
    )
    walls = {jobs: statistics.median(r.wall for r in rs) for jobs, rs in runs.items()}
    for jobs, rs in runs.items():
        cpu = statistics.median(r.cpu for r in rs)
        print(
            f"drafter mine --jobs {jobs} median: {walls[jobs]:.3f} s wall "
            f"({', '.join(f'{r.wall:.3f}' for r in rs)}), {mb / walls[jobs]:.2f} MB/s, "
            f"CPU {cpu:.3f} s incl. workers ({mb / cpu:.2f} MB/s per core)"
        )
    print(
        f"ratio --jobs 2 / --jobs 1 wall time: {walls[2] / walls[1]:.2f} ({walls[1] / walls[2]:.2f}x faster)"
    )
    digests = {r.digest for rs in runs.values() for r in rs}
    print(f"--jobs 1 and --jobs 2 banks identical: {'yes' if len(digests) == 1 else 'NO'}")


def _print_compare(
    mb: float, runs: dict[str, list[dict[str, dict[str, float]]]], other: Path
) -> None:
    per_core = {
        label: statistics.median(_per_core(mb, r["cpu"]) for r in rs) for label, rs in runs.items()
    }
    for label, rs in runs.items():
        name = str(other) if label == "other" else "this checkout"
        values = ", ".join(f"{_per_core(mb, r['cpu']):.2f}" for r in rs)
        print(f"compare: parse+mine per core (CPU), {name}: {per_core[label]:.2f} MB/s ({values})")
    print(f"compare: ratio this / {other}: {per_core['this'] / per_core['other']:.2f}x")


if __name__ == "__main__":
    sys.exit(main())
