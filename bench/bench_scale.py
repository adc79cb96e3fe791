"""Benchmark: parse time and peak memory against input size, for the two hostile shapes of issue 12.

* ``sentences``: one line of "加强学习。" repeated N times (one paragraph of N sentences); the
  largest size is the 1 MB file of the report.
* ``clauses``: a regulation of N similar clauses "第X条 ……。……。" (N paragraphs; 第一条 … 第九十九条
  read as numbering, the rest as parallel leads), timed as a whole parse and as its structure step.
* ``mine``: ``mine`` of a folder holding the largest clauses file (such a file stalled all of mine).

Every measurement runs in a fresh subprocess under an address-space cap (``RLIMIT_AS``) and a
timeout, so a quadratic build is reported as "over the cap" or "timeout" instead of eating the
machine; a shape stops growing at its first failure. Time is the median of ``--repeat`` runs;
memory is the tracemalloc peak of one more run (Python allocations during the parse) and the
child's maximum resident size. "x2" columns are the growth per doubling of the input from the
size before (the ratio, rescaled when sizes are not twice apart): ~2 for linear, ~4 quadratic.
Files are written to a temporary directory, never into the repository.

Run:   python bench/bench_scale.py [--quick] [--repeat 3] [--cap-mb 3000] [--timeout 120]
Old code, read-only, for before/after figures:
       git -C . archive <commit> drafter | tar -x -C /tmp/old && python bench/bench_scale.py --drafter /tmp/old
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchlib import REPO, git_revision, load_average, median

from drafter.text.numerals import int_to_chinese

# Run in the child: one parse (or one step of it, or mine) of the given file, with timings.
_CHILD = r"""
import json, resource, sys, time, tracemalloc
from pathlib import Path
mode, path, traced = sys.argv[1], Path(sys.argv[2]), sys.argv[3] == "1"
import drafter.corpus.parse as P
from drafter.files.decoding import read_document
from drafter.corpus.noise import clean_lines
from drafter.text.normalize import normalize_text
from drafter.corpus.segment import split_documents
from drafter.corpus.structure import build_document
if traced:
    tracemalloc.start()
start = time.perf_counter()
step = 0.0
if mode == "mine":
    from drafter.mining.miner import mine
    mine(path.parent, Path(sys.argv[4]))
else:
    chunks = split_documents(clean_lines(normalize_text(read_document(path))))
    mark = time.perf_counter()
    docs = [build_document(c, path.name) for c in chunks]
    step = time.perf_counter() - mark
total = time.perf_counter() - start
peak = tracemalloc.get_traced_memory()[1] if traced else 0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"total": total, "structure": step, "peak": peak, "rss": rss}))
"""


def sentences_file(count: int) -> str:
    return "加强学习。" * count + "\n"


def clauses_file(count: int) -> str:
    verbs = ("加强", "规范", "推进", "落实", "完善", "健全")
    things = ("安全生产管理", "工作人员培训", "资金使用监督", "信息公开制度", "应急处置机制")
    lines = ["某某管理条例"]
    for i in range(1, count + 1):
        lines.append(
            f"第{int_to_chinese(i)}条 各单位应当{verbs[i % 6]}{things[i * 7 % 5]}。"
            "具体办法由主管部门另行制定，报上级机关备案。"
        )
    return "\n".join(lines) + "\n"


@dataclass
class Run:
    """One size's figures, or why there are none."""

    total: float = 0.0
    structure: float = 0.0
    peak: int = 0
    rss: int = 0
    failure: str = ""


def _child(args: argparse.Namespace, mode: str, path: Path, traced: bool, out: Path) -> Run:
    cap = args.cap_mb * 2**20

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    env = dict(os.environ, PYTHONPATH=str(args.drafter), PYTHONDONTWRITEBYTECODE="1")
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, mode, str(path), "1" if traced else "0", str(out)],
            capture_output=True,
            text=True,
            timeout=args.timeout,
            preexec_fn=limit,
            cwd=path.parent,  # not the repository: its drafter/ would shadow --drafter
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Run(failure=f"timeout >{args.timeout:.0f}s")
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["killed"])[-1]
        return Run(failure="over the cap" if "MemoryError" in last else last[:60])
    return Run(**json.loads(done.stdout.strip().splitlines()[-1]))


def measure(args: argparse.Namespace, mode: str, path: Path, out: Path) -> Run:
    runs = []
    for _ in range(args.repeat):
        run = _child(args, mode, path, False, out)
        if run.failure:
            return run
        runs.append(run)
    traced = _child(args, mode, path, True, out)
    if traced.failure:
        return traced
    return Run(
        total=median([r.total for r in runs]),
        structure=median([r.structure for r in runs]),
        peak=traced.peak,
        rss=max(r.rss for r in runs),
    )


def _ratio(now: float, before: float | None, sizes: float) -> str:
    """Growth per doubling of the input between two sizes ``sizes`` apart (a ratio)."""
    if not before or now <= 0:
        return "    -"
    return f"{(now / before) ** (1 / math.log2(sizes)):5.2f}"


def ladder(args: argparse.Namespace, work: Path, shape: str, sizes: list[int]) -> None:
    print(f"\n{shape}: size, input KB, parse s (x2), structure s, traced peak MB (x2), max RSS MB")
    before: Run | None = None
    last = 0
    for size in sizes:
        text = sentences_file(size) if shape == "sentences" else clauses_file(size)
        folder = work / f"{shape}-{size}"
        folder.mkdir()
        path = folder / "input.txt"
        path.write_text(text, encoding="utf-8")
        run = measure(args, "parse", path, work / "unused")
        kb = len(text.encode()) / 1000
        step = size / last if last else 2.0
        t0, m0 = (before.total, before.peak) if before else (None, None)
        if run.failure:
            print(f"  {size:>7} {kb:9.1f}  {run.failure}")
            return
        print(
            f"  {size:>7} {kb:9.1f} {run.total:8.3f} ({_ratio(run.total, t0, step)})"
            f" {run.structure:8.3f} {run.peak / 2**20:9.2f} "
            f"({_ratio(run.peak, m0, step)}) {run.rss / 2**20:8.1f}"
        )
        before, last = run, size


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes only, one run each")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per size (median)")
    parser.add_argument("--cap-mb", type=int, default=3000, help="address-space cap per run")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per run")
    parser.add_argument("--drafter", type=Path, default=REPO, help="folder holding drafter/")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat = 1
    return args


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    args.drafter = args.drafter.resolve()
    source = "this checkout" if args.drafter == REPO else str(args.drafter)
    print(f"drafter: {source} (repository at {git_revision()}); python {sys.version.split()[0]}")
    print(f"cap {args.cap_mb} MB, timeout {args.timeout:.0f} s, median of {args.repeat}")
    print(f"load average before: {load_average()}")
    sentence_sizes = [1000, 2000, 4000, 8000] if args.quick else [2**k * 1000 for k in range(7)]
    clause_sizes = [100, 200, 400, 800] if args.quick else [250 * 2**k for k in range(6)]
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        work = Path(tmp)
        ladder(args, work, "sentences", [*sentence_sizes, 70_000])  # 70,000 x 15 B: the 1 MB file
        ladder(args, work, "clauses", clause_sizes)
        folder = work / "mine"
        folder.mkdir()
        count = clause_sizes[-1]
        (folder / "clauses.txt").write_text(clauses_file(count), encoding="utf-8")
        run = measure(args, "mine", folder / "clauses.txt", work / "bank")
        shown = run.failure or f"{run.total:.2f} s, traced peak {run.peak / 2**20:.1f} MB"
        print(f"\nmine of one file of {count} clauses: {shown}")
    print(f"\nload average after: {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
