"""Benchmark: what reading hostile input costs, against the input's size.

Every read of a user's file goes through ``drafter.files.decoding.read_file_bytes``: the size is checked
before reading and the read stops one byte past the caller's limit. This script shows that the
cost is linear in the input below the limit and flat past it, however big the input claims to be.

Each case runs in a fresh child process (with a 3 GB address-space limit, so a regression fails
instead of exhausting the machine), which reports its wall time and its peak resident memory
(``VmHWM`` on Linux, which starts afresh at exec; ``ru_maxrss`` elsewhere). An empty child that imports the same modules is measured in the same run; the
figures printed are peak memory above that baseline.

Cases (all files in a temporary folder, removed afterwards; big files are sparse and use no disk):

* ``document``: ``read_document`` (bounded read + encoding detection) on text of 1–20 MB, then
  refused files of 32 MB (real bytes) and 100 MB, 1 GB and 3 GB (sparse); limit 20 MB;
* ``brief``: ``read_yaml_text`` (bounded read + decode + nesting check) on YAML of 1–8 MB, then
  16 MB, 100 MB and 3 GB; limit 10 MB;
* ``avoid``: ``read_avoid`` on JSON nested 10k–1M deep and on a number of 100k–1M digits, and a
  3 GB sparse file; limit 10 MB;
* ``device``: ``/dev/zero`` and a FIFO with no writer given to ``read_document``.

Run:  python bench/bench_reads.py [--repeat 3] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchlib import git_revision, listed_runs, load_average, median

MB = 2**20
CHILD_LIMIT = 3 * 2**30
LINE = "同志们：要把学习宣传党的创新理论作为首要政治任务，推动理论学习走深走实。\n".encode()

# Runs in the child: time one call and report it with the process's peak memory.
CHILD = """
import json, resource, sys, time
from pathlib import Path
from drafter.files.decoding import read_document
from drafter.drafting.model import read_avoid
from drafter.errors import DrafterError
from drafter.files.yamlio import MAX_BYTES, read_yaml_text
from drafter.errors import InputError
kind, name = sys.argv[1], sys.argv[2]
calls = {
    "none": lambda p: None,
    "document": read_document,
    "brief": lambda p: read_yaml_text(p, InputError, MAX_BYTES),
    "avoid": read_avoid,
}
start = time.perf_counter()
try:
    calls[kind](Path(name))
    outcome = "read"
except DrafterError as exc:
    outcome = "refused: " + exc.message
seconds = time.perf_counter() - start
# VmHWM starts afresh at exec; ru_maxrss would also count the parent's memory before the exec.
try:
    status = Path("/proc/self/status").read_text()
    peak = int(next(l for l in status.splitlines() if l.startswith("VmHWM:")).split()[1]) * 1024
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak": peak, "outcome": outcome}))
"""


@dataclass
class Case:
    kind: str
    label: str
    size: int  # bytes the input holds (or claims to)
    make: Callable[[Path], Path]


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_LIMIT, CHILD_LIMIT))


def run_child(kind: str, path: Path | str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit,
        check=False,
    )
    if done.returncode != 0:
        return {"seconds": float("nan"), "peak": 0, "outcome": "CRASH " + done.stderr[-300:]}
    result: dict[str, object] = json.loads(done.stdout)
    return result


def text_file(size: int, suffix: str = ".txt") -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / f"text-{size}{suffix}"
        body = (LINE * (size // len(LINE) + 1))[:size]
        # Cut at a line end, so the text stays valid UTF-8.
        path.write_bytes(body[: body.rfind(b"\n") + 1])
        return path

    return make


def yaml_file(size: int) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / f"brief-{size}.yaml"
        item = f"- id: b{{}}\n  theme: 激励干部担当作为\n  keywords: [{'担当, ' * 8}作为]\n"
        lines, total, n = [], 0, 0
        while total < size:
            line = item.format(n)
            lines.append(line)
            total += len(line.encode())
            n += 1
        path.write_text("".join(lines), encoding="utf-8")
        return path

    return make


def sparse_file(size: int, suffix: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / f"sparse-{size}{suffix}"
        with path.open("wb") as handle:
            handle.truncate(size)
        return path

    return make


def nested_json(depth: int) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / f"deep-{depth}.json"
        path.write_text("[" * depth + "]" * depth, encoding="utf-8")
        return path

    return make


def long_number(digits: int) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / f"digits-{digits}.json"
        path.write_text('{"parts": [], "seed": ' + "7" * digits + "}", encoding="utf-8")
        return path

    return make


def fixed(path: str) -> Callable[[Path], Path]:
    return lambda folder: Path(path)


def fifo(folder: Path) -> Path:
    path = folder / "pipe.txt"
    if not path.exists():
        os.mkfifo(path)
    return path


def cases(quick: bool) -> list[Case]:
    doc_sizes = [1, 4, 16] if quick else [1, 2, 4, 8, 16, 20]
    brief_sizes = [1, 4, 8] if quick else [1, 2, 4, 8]
    out = [Case("document", f"{n} MB text", n * MB, text_file(n * MB)) for n in doc_sizes]
    out.append(Case("document", "32 MB text", 32 * MB, text_file(32 * MB)))
    out += [
        Case("document", f"{label} sparse", size, sparse_file(size, ".txt"))
        for label, size in (("100 MB", 100 * MB), ("1 GB", 2**30), ("3 GB", 3 * 2**30))
    ]
    out += [Case("brief", f"{n} MB YAML", n * MB, yaml_file(n * MB)) for n in brief_sizes]
    out.append(Case("brief", "16 MB YAML", 16 * MB, yaml_file(16 * MB)))
    out += [
        Case("brief", f"{label} sparse", size, sparse_file(size, ".yaml"))
        for label, size in (("100 MB", 100 * MB), ("3 GB", 3 * 2**30))
    ]
    depths = [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000]
    out += [Case("avoid", f"JSON {d:,} deep", 2 * d, nested_json(d)) for d in depths]
    out += [Case("avoid", f"{d:,}-digit number", d, long_number(d)) for d in depths[1:]]
    out.append(Case("avoid", "3 GB sparse", 3 * 2**30, sparse_file(3 * 2**30, ".json")))
    out.append(Case("document", "/dev/zero", 0, fixed("/dev/zero")))
    out.append(Case("document", "FIFO, no writer", 0, fifo))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="fewer sizes, one round")
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    print(f"commit {git_revision()}  python {platform.python_version()}  cpus {os.cpu_count()}")
    print(f"load average before: {load_average()}")
    base_peaks = [int(str(run_child("none", "-")["peak"])) for _ in range(repeat)]
    base = median(base_peaks)
    print(f"baseline child (imports only): peak {base / MB:.1f} MB")
    print()
    print(
        f"{'reader':9} {'input':22} {'size':>10} {'time s':>8} {'peak+ MB':>9} {'peak/size':>9}  outcome"
    )
    failures = 0
    with tempfile.TemporaryDirectory(prefix="bench-reads-") as tmp:
        folder = Path(tmp)
        for case in cases(args.quick):
            path = case.make(folder)
            runs = [run_child(case.kind, path) for _ in range(repeat)]
            seconds = median([float(str(r["seconds"])) for r in runs])
            extra = median([int(str(r["peak"])) for r in runs]) - base
            outcome = str(runs[0]["outcome"])
            failures += outcome.startswith("CRASH")
            # Per-byte figures only where the bytes were read: a refusal reads nothing.
            read = outcome == "read" and case.size > 0
            ratio = f"{extra / case.size:.2f}" if read else "-"
            per_mb = f"{seconds / (case.size / MB):.3f}" if read else "-"
            size = f"{case.size / MB:.1f} MB" if case.size else "-"
            print(
                f"{case.kind:9} {case.label:22} {size:>10} {seconds:8.3f} {per_mb:>6}"
                f" {extra / MB:9.1f} {ratio:>9}  {outcome[:60]}"
            )
            if len(runs) > 1:
                print(f"{'':9} runs: {listed_runs([float(str(r['seconds'])) for r in runs])}")
            if path.parent == folder and path.is_file():
                path.unlink()  # the real-content files use disk: one at a time
    print()
    print(f"load average after: {load_average()}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
