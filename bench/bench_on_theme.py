"""Benchmark: how on-theme drafts are, across themes of economy, society, governance, Party
building and cadre work, judged by hand-written topic vocabularies (bench/on_theme_topics.yaml).

Drafts come from the command line, ``drafter draft --theme T --seed S --parts P --format json
[--bank DIR]``, so the same script measures today's code and a rewrite (``--drafter CMD`` runs
another checkout's ``drafter``). Each theme is drafted with every seed in 3 and in 4 parts.

* A part is on theme when its heading, lead and point leads together hold at least two distinct
  topic words, once the theme string itself is removed from the text.
* A point is on theme when its lead (and body, if the draft has one) holds at least one topic word,
  the theme string removed likewise.
* A draft that fails (non-zero exit) is its own outcome; its message (stderr) is quoted. Notes,
  a ``coverage`` object and ``on_theme`` flags, where a draft has them, are reported and compared
  with the vocabulary judgement.

Aim: at least 0.8 of parts and 0.6 of points on theme, for the themes the corpus covers.
Also reported: how alike the outlines of different themes are (same seed), and timing.

Everything the drafts write goes into a temporary directory (index cache, bytecode cache; the
subprocesses run there, so the default bank is the drafter's bundled one); nothing is written
into the repository. ``--json OUT`` saves the per-draft results to a file outside it.

Run:  /tmp/venv/bin/python bench/bench_on_theme.py [--bank DIR] [--seeds 1,2,3] [--jobs 2]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from benchlib import REPO, git_revision, listed_runs, load_average, median

TOPICS = Path(__file__).resolve().parent / "on_theme_topics.yaml"
FAMILIES = {
    "economy": "经济 economy",
    "society": "社会 society",
    "governance": "治理 governance",
    "party": "党建 Party building",
    "cadre": "干部 cadre work",
}
PART_AIM = 0.8
POINT_AIM = 0.6
PART_MIN_WORDS = 2  # distinct topic words a part needs
POINT_MIN_WORDS = 1
VOCAB_SIZE = (15, 40)
SEP = "\x00"  # replaces removed text, so that no word forms across the gap
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# The coverage object's shape is the rewrite's to fix; these keys are read as its verdict:
# a false boolean, or a status word meaning "not covered". Other keys are only quoted.
_VERDICT_KEYS = {"covered", "on_theme", "ok", "enough", "sufficient", "draftable"}
_STATUS_KEYS = {"status", "level", "state"}
_NOT_COVERED = {"none", "uncovered", "not_covered", "not covered", "partial", "low", "missing"}


# ── topic vocabularies ──────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Topic:
    theme: str
    family: str
    words: tuple[str, ...]  # longest first, so nested words match once

    def found(self, text: str) -> list[str]:
        """The distinct topic words in ``text`` once the theme string is taken out; a longer
        word masks the shorter ones inside it at the same place ("高标准农田" is not also "农田")."""
        rest = text.replace(self.theme, SEP)
        hits = []
        for word in self.words:
            if word in rest:
                hits.append(word)
                rest = rest.replace(word, SEP)
        return hits


def load_topics(path: Path) -> list[Topic]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    topics = []
    problems = []
    for item in data["themes"]:
        theme, family, words = item["name"], item["family"], [str(w) for w in item["words"]]
        low, high = VOCAB_SIZE
        if family not in FAMILIES:
            problems.append(f"{theme}: unknown family {family!r}")
        if not low <= len(set(words)) <= high:
            problems.append(f"{theme}: {len(set(words))} words, want {low}-{high}")
        if len(set(words)) != len(words):
            dup = [w for w, n in Counter(words).items() if n > 1]
            problems.append(f"{theme}: repeated words {dup}")
        problems += [f"{theme}: word {w!r} holds the theme" for w in words if theme in w]
        ordered = tuple(sorted(set(words), key=lambda w: (-len(w), words.index(w))))
        topics.append(Topic(theme, family, ordered))
    names = [t.theme for t in topics]
    if len(set(names)) != len(names):
        problems.append("a theme is listed twice")
    if problems:
        raise SystemExit(f"{path}:\n  " + "\n  ".join(problems))
    return topics


# ── one draft ───────────────────────────────────────────────────────────────────────────────


@dataclass
class Result:
    theme: str
    family: str
    seed: int
    parts: int
    outcome: str  # "ok", "failed" (non-zero exit) or "bad-output" (exit 0, no draft JSON)
    seconds: float
    message: str = ""  # stderr of a failed draft, or what was wrong with the output
    title: str = ""
    headings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    coverage: Any = None
    not_covered: bool = False  # the coverage object says so
    part_words: list[list[str]] = field(default_factory=list)
    part_on: list[bool] = field(default_factory=list)
    point_words: list[list[list[str]]] = field(default_factory=list)
    point_on: list[list[bool]] = field(default_factory=list)
    part_flags: list[bool | None] = field(default_factory=list)  # the drafter's own on_theme
    point_flags: list[list[bool | None]] = field(default_factory=list)

    @property
    def flagged_off(self) -> bool:
        """The drafter itself says some of it is off theme."""
        flags = [*self.part_flags, *itertools.chain.from_iterable(self.point_flags)]
        return any(f is False for f in flags)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def coverage_says_not_covered(coverage: Any) -> bool:
    """Whether a draft's ``coverage`` object (shape not fixed yet) marks it as not covered:
    ``covered``/``on_theme``/``ok`` … is ``false``, or ``status``/``level``/``state`` is a word
    like "none" or "partial"; ``coverage: false`` itself counts too."""
    if isinstance(coverage, bool):
        return not coverage
    if not isinstance(coverage, dict):
        return False
    for key, value in coverage.items():
        if key in _VERDICT_KEYS and value is False:
            return True
        if key in _STATUS_KEYS and str(value).lower() in _NOT_COVERED:
            return True
    return False


def score(topic: Topic, seed: int, parts: int, seconds: float, data: Any) -> Result:
    result = Result(topic.theme, topic.family, seed, parts, "ok", seconds)
    if not isinstance(data, dict) or not isinstance(data.get("parts"), list):
        result.outcome = "bad-output"
        result.message = "output is not a draft (no parts list)"
        return result
    result.title = _text(data.get("title"))
    result.notes = [str(n) for n in data.get("notes") or []]
    result.coverage = data.get("coverage")
    result.not_covered = coverage_says_not_covered(result.coverage)
    for part in data["parts"]:
        part = part if isinstance(part, dict) else {}
        points = [p if isinstance(p, dict) else {} for p in part.get("points") or []]
        heading = _text(part.get("heading"))
        result.headings.append(heading)
        leads = [_text(p.get("lead")) for p in points]
        words = topic.found(SEP.join([heading, _text(part.get("lead")), *leads]))
        result.part_words.append(words)
        result.part_on.append(len(words) >= PART_MIN_WORDS)
        result.part_flags.append(_flag(part.get("on_theme")))
        pwords = [topic.found(_text(p.get("lead")) + SEP + _text(p.get("body"))) for p in points]
        result.point_words.append(pwords)
        result.point_on.append([len(w) >= POINT_MIN_WORDS for w in pwords])
        result.point_flags.append([_flag(p.get("on_theme")) for p in points])
    return result


def run_draft(
    cmd: Sequence[str],
    topic: Topic,
    seed: int,
    parts: int,
    bank: Path | None,
    env: dict[str, str],
    cwd: Path,
    timeout: float,
) -> Result:
    argv = [*cmd, "draft", "--theme", topic.theme, "--seed", str(seed), "--parts", str(parts)]
    argv += ["--format", "json"]
    if bank is not None:
        argv += ["--bank", str(bank)]
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            argv, env=env, cwd=cwd, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        seconds = time.perf_counter() - start
        return Result(topic.theme, topic.family, seed, parts, "failed", seconds, "timeout")
    seconds = time.perf_counter() - start
    stderr = _ANSI.sub("", proc.stderr.decode("utf-8", "replace")).strip()
    if proc.returncode != 0:
        message = " / ".join(line.strip() for line in stderr.splitlines() if line.strip())
        message = message or f"exit {proc.returncode}, no message"
        return Result(topic.theme, topic.family, seed, parts, "failed", seconds, message)
    try:
        data = json.loads(proc.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        result = Result(topic.theme, topic.family, seed, parts, "bad-output", seconds)
        result.message = f"stdout is not JSON ({exc}); stderr: {stderr[:200]}"
        return result
    return score(topic, seed, parts, seconds, data)


# ── figures ─────────────────────────────────────────────────────────────────────────────────


@dataclass
class Tally:
    drafts: int = 0
    ok: int = 0
    failed: int = 0
    not_covered: int = 0
    parts: int = 0
    parts_on: int = 0
    points: int = 0
    points_on: int = 0

    def add(self, r: Result) -> None:
        self.drafts += 1
        if r.outcome != "ok":
            self.failed += 1
            return
        self.ok += 1
        self.not_covered += r.not_covered
        self.parts += len(r.part_on)
        self.parts_on += sum(r.part_on)
        self.points += sum(len(p) for p in r.point_on)
        self.points_on += sum(sum(p) for p in r.point_on)

    @property
    def part_share(self) -> float | None:
        return self.parts_on / self.parts if self.parts else None

    @property
    def point_share(self) -> float | None:
        return self.points_on / self.points if self.points else None

    def meets(self) -> bool:
        p, q = self.part_share, self.point_share
        return p is not None and q is not None and p >= PART_AIM and q >= POINT_AIM


def tally(results: Iterable[Result]) -> Tally:
    t = Tally()
    for r in results:
        t.add(r)
    return t


def _share(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.2f}"


def _row(label: str, t: Tally, width: int) -> str:
    cells = (
        f"{t.ok}/{t.drafts}",
        str(t.failed),
        str(t.not_covered),
        f"{t.parts_on}/{t.parts}",
        _share(t.part_share),
        f"{t.points_on}/{t.points}",
        _share(t.point_share),
    )
    return f"  {_pad(label, width)}" + "".join(
        f"  {c:>{w}}" for c, w in zip(cells, _WIDTHS, strict=True)
    )


_COLUMNS = ("ok/drafts", "failed", "uncovered", "parts on", "share", "points on", "share")
_WIDTHS = tuple(max(len(c), 7) for c in _COLUMNS)


def _header(width: int, what: str) -> str:
    cells = "".join(f"  {c:>{w}}" for c, w in zip(_COLUMNS, _WIDTHS, strict=True))
    return f"  {_pad(what, width)}{cells}\n  {'-' * (width + len(cells))}"


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    cols = sum(2 if ord(c) > 0x2E7F else 1 for c in text)
    return text + " " * max(0, width - cols)


def covered_themes(by_theme: dict[str, list[Result]]) -> dict[str, bool]:
    """A theme counts as covered by the corpus unless every draft of it failed or was marked as
    not covered by the drafter itself (``coverage``)."""
    return {
        theme: any(r.outcome == "ok" and not r.not_covered for r in rs)
        for theme, rs in by_theme.items()
    }


def report_shares(topics: list[Topic], results: list[Result]) -> list[str]:
    """Print the per-theme, per-family and overall tables; return the themes under the aim."""
    by_theme: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_theme[r.theme].append(r)
    covered = covered_themes(by_theme)
    width = 18  # columns for the theme name
    print()
    print(f"per theme (aim: parts >= {PART_AIM}, points >= {POINT_AIM}):")
    print(_header(width, "theme"))
    under = []
    for topic in topics:
        t = tally(by_theme[topic.theme])
        mark = "" if t.meets() else "  under aim"
        if not covered[topic.theme]:
            mark = "  not covered (all drafts failed or marked)"
        elif not t.meets():
            under.append(topic.theme)
        print(_row(topic.theme, t, width) + f"  {topic.family}{mark}")
    print()
    print("per family (pooled over the family's drafts):")
    fwidth = 22
    print(_header(fwidth, "family"))
    for family, label in FAMILIES.items():
        rs = [r for r in results if r.family == family]
        if rs:
            print(_row(label, tally(rs), fwidth) + f"  ({len({r.theme for r in rs})} themes)")
    print()
    print("overall:")
    owidth = 28
    print(_header(owidth, "themes"))
    print(_row(f"all ({len(by_theme)})", tally(results), owidth))
    in_cov = [r for r in results if covered[r.theme]]
    n_cov = sum(covered.values())
    t_cov = tally(in_cov)
    print(_row(f"covered by the corpus ({n_cov})", t_cov, owidth))
    met = sum(1 for theme, ok in covered.items() if ok and tally(by_theme[theme]).meets())
    print()
    print(
        f"aim (parts >= {PART_AIM} and points >= {POINT_AIM}), covered themes pooled: "
        f"{'met' if t_cov.meets() else 'NOT MET'} "
        f"(parts {_share(t_cov.part_share)}, points {_share(t_cov.point_share)})"
    )
    print(f"covered themes meeting the aim on their own: {met} of {n_cov}")
    print(f"themes under the aim ({len(under)}): {'、'.join(under) if under else 'none'}")
    uncovered = [theme for theme, ok in covered.items() if not ok]
    if uncovered:
        print(f"themes not covered ({len(uncovered)}): {'、'.join(uncovered)}")
    return under


def report_messages(topics: list[Topic], results: list[Result]) -> None:
    """For every theme with failed drafts, drafts marked not covered or off theme, or notes:
    what the drafts say, each distinct message once with how many drafts said it."""
    print()
    print("what the drafts say (failures, coverage, notes, own on_theme flags), per theme:")
    any_line = False
    for topic in topics:
        rs = [r for r in results if r.theme == topic.theme]
        said: Counter[str] = Counter()
        for r in rs:
            tag = f"{r.parts} parts"
            if r.outcome != "ok":
                said[f"[{r.outcome}, {tag}] {r.message}"] += 1
                continue
            for note in dict.fromkeys(r.notes):
                said[f"[note] {note}"] += 1
            if r.not_covered:
                cov = json.dumps(r.coverage, ensure_ascii=False, sort_keys=True)
                said[f"[coverage: not covered] {cov[:300]}"] += 1
            if r.flagged_off:
                off = sum(f is False for f in r.part_flags)
                offp = sum(f is False for f in itertools.chain.from_iterable(r.point_flags))
                said[f"[on_theme false, {tag}] parts off: {off}, points off: {offp}"] += 1
        if not said:
            continue
        any_line = True
        print(f"  {topic.theme} ({len(rs)} drafts):")
        for message, count in said.most_common():
            print(f"    {count}x {message}")
    if not any_line:
        print("  (nothing: no draft failed, none has notes, coverage or on_theme false)")


def report_outlines(
    results: list[Result], seeds: Sequence[int], part_counts: Sequence[int]
) -> None:
    """How alike the outlines of different themes are: same seed, same part count."""
    print()
    print("outline overlap across themes (same seed and part count; titles left out):")
    pooled_pairs = pooled_sharing = pooled_same = 0
    for seed in seeds:
        for parts in part_counts:
            outlines = {
                r.theme: tuple(r.headings)
                for r in results
                if r.outcome == "ok" and r.seed == seed and r.parts == parts
            }
            if len(outlines) < 2:
                continue
            groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
            for theme, headings in outlines.items():
                groups[headings].append(theme)
            pairs = list(itertools.combinations(outlines.values(), 2))
            sharing = sum(1 for a, b in pairs if set(a) & set(b))
            same = sum(1 for a, b in pairs if a == b)
            pooled_pairs += len(pairs)
            pooled_sharing += sharing
            pooled_same += same
            shared, biggest = max(groups.items(), key=lambda item: len(item[1]))
            print(
                f"  seed {seed}, {parts} parts: {len(groups)} distinct heading sets for "
                f"{len(outlines)} themes; theme pairs sharing a heading {sharing}/{len(pairs)}"
                f" = {sharing / len(pairs):.2f}, identical {same}/{len(pairs)}"
                f" = {same / len(pairs):.2f}; largest identical group {len(biggest)}"
            )
            if len(biggest) > 1:
                print(f"    identical outline: {'、'.join(biggest)}")
                print(f"    headings: {' | '.join(shared)}")
    if pooled_pairs:
        print(
            f"  all seeds and part counts: theme pairs sharing a heading "
            f"{pooled_sharing / pooled_pairs:.2f}, identical outlines "
            f"{pooled_same / pooled_pairs:.2f} (of {pooled_pairs} pairs)"
        )
    every = [h for r in results if r.outcome == "ok" for h in r.headings]
    if every:
        print(
            f"  distinct part headings over all drafts: {len(set(every))} of {len(every)}"
            f" ({len(set(every)) / len(every):.2f})"
        )


def report_flags(results: list[Result]) -> None:
    """How the drafter's own on_theme flags agree with the vocabulary judgement."""
    print()
    print("the drafter's own on_theme flags against the vocabulary judgement:")
    ok = [r for r in results if r.outcome == "ok"]
    with_flags = 0
    all_agree = 0
    for level in ("parts", "points"):
        pairs: list[tuple[bool, bool]] = []
        for r in ok:
            if level == "parts":
                pairs += [
                    (f, v) for f, v in zip(r.part_flags, r.part_on, strict=True) if f is not None
                ]
            else:
                for flags, on in zip(r.point_flags, r.point_on, strict=True):
                    pairs += [(f, v) for f, v in zip(flags, on, strict=True) if f is not None]
        if not pairs:
            print(f"  {level}: no on_theme flags in the drafts")
            continue
        agree = sum(f == v for f, v in pairs)
        print(
            f"  {level}: {len(pairs)} flagged, agree {agree} ({agree / len(pairs):.2f}); "
            f"drafter on / vocabulary off {sum(f and not v for f, v in pairs)}, "
            f"drafter off / vocabulary on {sum(v and not f for f, v in pairs)}"
        )
    for r in ok:
        flags = [*r.part_flags, *itertools.chain.from_iterable(r.point_flags)]
        if all(f is None for f in flags):
            continue
        with_flags += 1
        judged = [*r.part_on, *itertools.chain.from_iterable(r.point_on)]
        all_agree += all(f is None or f == v for f, v in zip(flags, judged, strict=True))
    if with_flags:
        print(f"  drafts with flags: {with_flags} of {len(ok)}; every flag agrees in {all_agree}")


def report_timing(results: list[Result], wall: float, warmup: float, jobs: int) -> None:
    seconds = [r.seconds for r in results]
    print()
    print(f"timing ({jobs} job{'s' if jobs > 1 else ''}, each draft a subprocess):")
    print(f"  warm-up draft (builds the index cache, not counted): {warmup:.3f} s")
    print(
        f"  median per draft: {median(seconds):.3f} s (min {min(seconds):.3f}, max {max(seconds):.3f})"
    )
    slow = sorted(seconds)[-5:]
    print(f"  slowest five: {listed_runs(slow)} s")
    print(f"  wall time for {len(results)} drafts: {wall:.1f} s")


# ── main ────────────────────────────────────────────────────────────────────────────────────


def _ints(text: str) -> list[int]:
    try:
        values = [int(v) for v in re.split(r"[,\s]+", text.strip()) if v]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of integers: {text!r}") from None
    if not values:
        raise argparse.ArgumentTypeError("empty list")
    return values


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--bank", type=Path, help="phrase bank folder (default: drafter's bundled)")
    parser.add_argument("--seeds", type=_ints, default=[1, 2, 3], help="seeds (default 1,2,3)")
    parser.add_argument("--parts", type=_ints, default=[3, 4], help="part counts (default 3,4)")
    parser.add_argument(
        "--themes", help="a comma-separated subset of the themes in the topics file"
    )
    parser.add_argument(
        "--drafter",
        help='command prefix that runs drafter (default: "python -m drafter" of this Python), '
        'e.g. "/tmp/venv-new/bin/drafter"',
    )
    parser.add_argument("--topics", type=Path, default=TOPICS, help="topic vocabularies (YAML)")
    parser.add_argument(
        "--json", type=Path, help="save the per-draft results here (not in the repo)"
    )
    parser.add_argument("--jobs", type=int, default=1, help="drafts run in parallel (default 1)")
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds per draft (default 120)"
    )
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be >= 1")
    if any(s < 0 for s in args.seeds):
        parser.error("seeds are non-negative")
    if args.bank is not None:
        args.bank = args.bank.resolve()
        if not args.bank.is_dir():
            parser.error(f"--bank {args.bank}: not a folder")
    if args.json is not None:
        args.json = args.json.resolve()
        if args.json.is_relative_to(REPO):
            parser.error("--json: write the results outside the repository (e.g. /tmp)")
    return args


def _env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["DRAFTER_CACHE_DIR"] = str(root / "cache")
    env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("DRAFTER_NO_CACHE", None)
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "400"  # long messages stay on one line
    return env


def _version(cmd: Sequence[str], env: dict[str, str], cwd: Path) -> str:
    try:
        proc = subprocess.run(
            [*cmd, "--version"], env=env, cwd=cwd, capture_output=True, text=True, check=False
        )
    except OSError as exc:
        raise SystemExit(f"cannot run drafter ({' '.join(cmd)}): {exc}") from None
    return (proc.stdout or proc.stderr).strip() or f"exit {proc.returncode}"


def _save(path: Path, args: argparse.Namespace, cmd: Sequence[str], results: list[Result]) -> None:
    rows = []
    for r in results:
        row = dict(vars(r))
        row["not_covered"] = r.not_covered
        rows.append(row)
    meta = {
        "drafter": list(cmd),
        "bank": str(args.bank) if args.bank else None,
        "seeds": args.seeds,
        "parts": args.parts,
        "topics": str(args.topics),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"meta": meta, "drafts": rows}, ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    print(f"per-draft results written to {path}")


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    topics = load_topics(args.topics)
    if args.themes:
        wanted = [t for t in re.split(r"[,，、\s]+", args.themes) if t]
        known = {t.theme: t for t in topics}
        missing = [t for t in wanted if t not in known]
        if missing:
            raise SystemExit(f"--themes: not in {args.topics.name}: {'、'.join(missing)}")
        topics = [known[t] for t in dict.fromkeys(wanted)]
    cmd = shlex.split(args.drafter) if args.drafter else [sys.executable, "-m", "drafter"]
    with tempfile.TemporaryDirectory(prefix="drafter-bench-") as tmp:
        root = Path(tmp)
        work = root / "cwd"  # no phrasebank/ here: the default bank is the bundled one
        work.mkdir()
        env = _env(root)
        print(f"python: {platform.python_version()} ({sys.executable})")
        print(f"drafter command: {' '.join(cmd)} ({_version(cmd, env, work)})")
        print(f"bench commit: {git_revision()}")
        print(f"os.cpu_count(): {os.cpu_count()}, load average: {load_average()}")
        print(f"bank: {args.bank or 'bundled (the drafter command’s own)'}")
        counts = Counter(t.family for t in topics)
        print(
            f"themes: {len(topics)} ("
            + ", ".join(f"{f} {counts[f]}" for f in FAMILIES if counts[f])
            + f"); topic words per theme {min(len(t.words) for t in topics)}"
            f"-{max(len(t.words) for t in topics)}"
        )
        print(f"seeds: {','.join(map(str, args.seeds))}; parts: {','.join(map(str, args.parts))}")
        jobs = [(t, s, p) for t in topics for s in args.seeds for p in args.parts]
        print(f"drafts: {len(jobs)}, jobs: {args.jobs}")

        def one(job: tuple[Topic, int, int]) -> Result:
            topic, seed, parts = job
            return run_draft(cmd, topic, seed, parts, args.bank, env, work, args.timeout)

        # Warm-up: the first draft builds the index cache; the rest then read it in parallel.
        warm = one(jobs[0])
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(one, jobs))
        wall = time.perf_counter() - start
        outcomes = Counter(r.outcome for r in results)
        print(f"outcomes: {', '.join(f'{k} {v}' for k, v in sorted(outcomes.items()))}")
        ok = [r for r in results if r.outcome == "ok"]
        print(
            f"drafts with coverage: {sum(r.coverage is not None for r in ok)}, with notes: "
            f"{sum(bool(r.notes) for r in ok)}, with on_theme flags: "
            f"{sum(any(f is not None for f in r.part_flags) for r in ok)} (of {len(ok)})"
        )
        report_shares(topics, results)
        report_messages(topics, results)
        report_outlines(results, args.seeds, args.parts)
        report_flags(results)
        report_timing(results, wall, warm.seconds, args.jobs)
        if args.json is not None:
            _save(args.json, args, cmd, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
