"""Batch drafting: every valid brief drafted and written, whatever happens to the others.

The run is planned first (briefs checked against the bank and templates, output paths made
safe, earlier runs' files recognised), then drafted serially or in worker processes.

By default the briefs of one meeting (``meeting:``; briefs without one form one meeting) are
kept apart: they are composed here, one after another in brief order, each avoiding what the
earlier ones took (``workflow.allocate``), and the workers render and write them. A brief's
draft then depends on the briefs before it in its meeting, which its fingerprint covers: when
one changes, the later ones are drafted again. With ``independent`` each brief is drafted as
if alone, in the workers. Either way a draft depends only on the briefs and the bank, never on
``--jobs`` or on what an interrupted run left, so neither changes a byte of output.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from drafter import __version__
from drafter.drafting.model import FORMATS
from drafter.errors import DrafterError, UsageError
from drafter.files.locking import folder_lock
from drafter.workflow.allocate import Allocation, Meeting, allocate, shape_of
from drafter.workflow.briefs import Brief, BriefProblem, read_briefs, theme_typos
from drafter.workflow.manifest import (
    FAILED,
    INVALID,
    OK_STATUSES,
    UNCHANGED,
    UPDATED,
    VALID,
    WRITTEN,
    History,
    Record,
    check_journal,
    read_history,
    read_output,
    sha256,
    write_manifest,
)
from drafter.workflow.outpaths import safe_name, target
from drafter.workflow.workers import Ahead, Job, Outcome, context, run_jobs

LOCK = ".drafter-batch.lock"
TEMPLATED = ("md", "txt")  # the formats a brief's template fills; docx and json have their own


@dataclass(frozen=True)
class BatchOptions:
    out: Path
    bank: Path
    formats: tuple[str, ...] = ("md",)  # for briefs that do not name their own
    jobs: int = 1
    force: bool = False
    root: Path | None = None  # workspace: its templates/ come before the built-in ones
    style: Path | None = None  # Word style profile for docx output (default: GB/T 9704)
    also: tuple[Path, ...] = ()  # banks drafted from after ``bank`` (the bundled one)
    independent: bool = False  # every brief drafted as if alone (no allocation in meetings)


@dataclass
class BatchReport:
    outcomes: list[Outcome]
    problems: list[BriefProblem]
    files_given: int
    files_read: int
    bank_version: str
    manifest: Path | None = None
    warnings: list[str] = field(default_factory=list)

    def count(self, *statuses: str) -> int:
        return sum(1 for o in self.outcomes if o.status in statuses)

    def sharing(self) -> list[Outcome]:
        """The briefs drafted this run that share material with an earlier brief of their
        meeting, the bank being too small to keep them apart."""
        return [o for o in self.outcomes if o.allocation and o.allocation.get("shared")]

    @property
    def exit_code(self) -> int:
        """0: every brief done; 1: some failed or were invalid; 2: nothing could be used."""
        usable = self.count(*OK_STATUSES, VALID, FAILED)
        if self.files_read == 0 or usable == 0:
            return 2
        return 1 if self.problems or self.count(FAILED, INVALID) else 0


class Progress(Protocol):
    def start(self, total: int, problems: list[BriefProblem]) -> None: ...

    def advance(self, outcome: Outcome) -> None: ...


def default_seed(brief_id: str, theme: str) -> int:
    """The seed of a brief that names none: fixed by its id and theme, so reruns agree."""
    digest = hashlib.sha256(f"{brief_id}\0{theme}".encode()).hexdigest()
    return int(digest[:12], 16) % 1_000_000


@dataclass
class _Plan:
    jobs: list[Job] = field(default_factory=list)
    outcomes: dict[int, Outcome] = field(default_factory=dict)  # decided without drafting
    problems: list[BriefProblem] = field(default_factory=list)
    order: list[Brief] = field(default_factory=list)
    seeds: list[int] = field(default_factory=list)  # of the briefs in ``order``


def _fingerprint(
    brief: Brief, seed: int, targets: Any, digests: list[str], bank: str, before: str | None
) -> str:
    data = [brief.settings(), seed, list(targets), digests, bank, __version__]
    if before is not None:  # allocated: the briefs before it in its meeting decide it too
        data.append(["allocated", before])
    return sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode())[:32]


class _Chains:
    """Per meeting, a digest of every brief so far (settings and seed, in order): a brief's
    allocation depends on exactly these, so its fingerprint includes the digest before it."""

    def __init__(self) -> None:
        self.heads: dict[str | None, str] = {}

    def advance(self, brief: Brief, seed: int) -> str:
        key = brief.meeting
        head = self.heads.get(key) or sha256(json.dumps(["meeting", key]).encode())
        data = json.dumps([head, brief.settings(), seed], ensure_ascii=False, sort_keys=True)
        self.heads[key] = sha256(data.encode())
        return head


def _plan(briefs: list[Brief], options: BatchOptions, index: Any, history: History | None) -> _Plan:
    """Check each brief against the bank, templates and folder; decide what to draft."""
    plan = _Plan()
    templates = context(
        options.bank, options.out, options.root, False, options.style, options.also
    ).templates
    occasions = [o.name for o in index.themes.occasions]
    taken: dict[str, str] = {}  # casefolded relative path -> the brief that writes it
    chains = None if options.independent else _Chains()
    root = options.out.resolve()
    for brief in briefs:

        def bad(key: str, message: str, brief: Brief = brief) -> None:
            line, column = brief.at(key)
            plan.problems.append(BriefProblem(brief.file, line, column, brief.id, message))

        before = len(plan.problems)
        if brief.occasion not in occasions:
            bad("occasion", f"未知的场合“{brief.occasion}”（可选：{'、'.join(occasions)}）")
        formats = brief.formats or options.formats
        if brief.template and not any(f in TEMPLATED for f in formats):
            bad(
                "template",
                f"模板只用于 {'、'.join(TEMPLATED)} 格式，而这份简报只写 {'、'.join(formats)}，"
                "用不到它（Word 版式请用 --style）；请去掉 template，或在 formats 里加上 md 或 txt",
            )
            continue
        stem = brief.output or safe_name(brief.id)
        targets: list[tuple[str, str]] = []
        digests = []
        for fmt in formats:
            rel = f"{stem}.{fmt}"
            try:
                target(options.out, stem, fmt, root)
                digests.append(templates.get(brief.template, fmt)[1])
            except DrafterError as exc:
                bad("template" if brief.template else "formats", exc.user_message())
                continue
            other = taken.setdefault(rel.casefold(), brief.id)
            if other != brief.id:
                bad("output" if brief.output else "id", f"输出文件 {rel} 与简报“{other}”的相同")
            targets.append((fmt, rel))
        if len(plan.problems) > before:
            continue
        plan.order.append(brief)
        seed = brief.seed if brief.seed is not None else default_seed(brief.id, brief.theme)
        plan.seeds.append(seed)
        earlier = chains.advance(brief, seed) if chains is not None else None
        fingerprint = _fingerprint(brief, seed, targets, digests, index.version, earlier)
        number = len(plan.order) - 1
        if history is None:  # checking only
            plan.outcomes[number] = Outcome(
                brief.id, brief.file, brief.line, VALID, [r for _, r in targets], seed
            )
            continue
        status = _decide(brief, targets, fingerprint, options, history)
        if isinstance(status, Outcome):
            status.seed = seed
            plan.outcomes[number] = status
        else:
            plan.jobs.append(Job(number, brief, seed, tuple(targets), fingerprint, status))
    return plan


def _decide(
    brief: Brief,
    targets: list[tuple[str, str]],
    fingerprint: str,
    options: BatchOptions,
    history: History,
) -> str | Outcome:
    """WRITTEN/UPDATED for a brief to draft, or its outcome when it is up to date or blocked."""
    current = {rel: _digest(options.out / rel) for _, rel in targets}
    previous = history.records.get(brief.id)
    rels = [rel for _, rel in targets]
    if (
        not options.force
        and previous is not None
        and previous.fingerprint == fingerprint
        and all(
            current[rel] is not None and previous.files.get(rel) == current[rel] for rel in rels
        )
    ):
        return Outcome(brief.id, brief.file, brief.line, UNCHANGED, rels)
    present = [rel for rel in rels if current[rel] is not None]
    foreign = [rel for rel in present if not history.ours(rel, current[rel])]
    if foreign and not options.force:
        return Outcome(
            brief.id,
            brief.file,
            brief.line,
            FAILED,
            message=f"文件已存在，且不是 drafter 为这份简报写的（或写后改过）：{'、'.join(foreign)}；"
            "要覆盖请加 --force",
        )
    return UPDATED if present else WRITTEN


def _digest(path: Path) -> str | None:
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:  # cannot exist: the write says why it fails
            return None
        return "(unreadable)"
    if not stat.S_ISREG(mode):  # a folder, FIFO or device: never ours, refused like a foreign file
        return "(special)"
    try:
        return sha256(read_output(path))
    except DrafterError:  # too big or unreadable: not ours either
        return "(unreadable)"


def _clean_temporaries(out: Path, rels: Iterable[str]) -> None:
    """Remove the temporary files a killed run left beside the files it was writing."""
    names: dict[Path, set[str]] = {}
    for rel in rels:
        path = out / rel
        names.setdefault(path.parent, set()).add(path.name)
    for folder, wanted in names.items():
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            ours = name.startswith(".") and name.endswith(".tmp")
            if ours and name[1:-4].rpartition(".")[0] in wanted:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _invalid(problems: list[BriefProblem]) -> list[Outcome]:
    """One outcome per invalid brief (problems about a file as a whole have no brief)."""
    seen: dict[tuple[Path, str], Outcome] = {}
    for problem in problems:
        if problem.brief and problem.brief != "defaults":
            key = (problem.path, problem.brief)
            if key not in seen:
                seen[key] = Outcome(
                    problem.brief, problem.path, problem.line, INVALID, message=problem.message
                )
    return list(seen.values())


def _in_order(outcomes: list[Outcome], files: list[Path]) -> list[Outcome]:
    """Outcomes in the order the briefs appear: by file as given, then by line."""
    rank = {path: i for i, path in enumerate(files)}
    return sorted(outcomes, key=lambda o: (rank.get(o.brief_file, len(rank)), o.brief_line or 0))


def _check_options(options: BatchOptions) -> None:
    if options.jobs < 1:
        raise UsageError(f"--jobs 应为正整数，而不是 {options.jobs}")
    unknown = [f for f in options.formats if f not in FORMATS]
    if unknown or not options.formats:
        raise UsageError(f"未知的格式“{'、'.join(unknown)}”，可选：{'、'.join(FORMATS)}")
    if options.out.exists() and not options.out.is_dir():
        raise UsageError("输出目录是一个文件", path=options.out)


def check_batch(paths: list[Path], options: BatchOptions) -> BatchReport:
    """Validate briefs against the schema, the bank and the templates; write nothing."""
    _check_options(options)
    found = read_briefs(paths, options.root)
    index = context(
        options.bank, options.out, options.root, True, options.style, options.also
    ).index
    plan = _plan(found.briefs, options, index, None)
    problems = found.problems + plan.problems
    outcomes = _in_order([*plan.outcomes.values(), *_invalid(problems)], found.files)
    report = BatchReport(outcomes, problems, len(found.files), found.files_read, index.version)
    report.warnings = [*found.notes, *theme_typos(found.briefs, index.themes)]
    return report


def run_batch(
    paths: list[Path], options: BatchOptions, progress: Progress | None = None
) -> BatchReport:
    """Draft every valid brief into ``options.out``; see ``BatchReport.exit_code``."""

    _check_options(options)
    found = read_briefs(paths, options.root)
    ctx = context(options.bank, options.out, options.root, True, options.style, options.also)
    index = ctx.index
    report = BatchReport([], [], len(found.files), found.files_read, index.version)
    report.warnings = [*found.notes, *theme_typos(found.briefs, index.themes)]
    if not found.briefs:
        report.problems = found.problems
        report.outcomes = _invalid(found.problems)
        return report
    busy = "另一个 drafter batch 正在向这个目录写入，请等它结束"
    try:
        options.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"无法创建输出目录（{exc.strerror}）", path=options.out) from exc
    with folder_lock(options.out, LOCK, busy):
        check_journal(options.out)
        history = read_history(options.out)
        plan = _plan(found.briefs, options, index, history)
        report.problems = found.problems + plan.problems
        report.warnings = [*found.notes, *history.problems]
        _clean_temporaries(options.out, (rel for job in plan.jobs for _, rel in job.targets))
        if progress is not None:
            progress.start(len(plan.jobs), report.problems)
        results = dict(plan.outcomes)
        by_id = {job.brief.id: job.number for job in plan.jobs}

        def finished(outcome: Outcome) -> None:
            results[by_id[outcome.id]] = outcome
            if progress is not None:
                progress.advance(outcome)

        def jobs(ahead: Ahead) -> Iterable[Job]:
            return plan.jobs if options.independent else _allocated(plan, index, history, ahead)

        try:
            run_jobs(jobs, len(plan.jobs), options.jobs, finished)
        finally:
            ctx.journal.close()
            report.outcomes = _in_order(
                [*results.values(), *_invalid(report.problems)], found.files
            )
            # An interrupted run's workers may have journaled files it never heard of.
            now = read_history(options.out) if len(results) < len(plan.order) else history
            records = _records(report.outcomes, plan, history, now)
            meta = {
                "drafter": __version__,
                "bank": str(options.bank),
                **({"also": [str(b) for b in options.also]} if options.also else {}),
                "bank_version": index.version,
                "formats": list(options.formats),
            }
            report.manifest = write_manifest(options.out, meta, records)
    return report


def _allocated(plan: _Plan, index: Any, history: History, ahead: Ahead) -> Iterator[Job]:
    """The plan's jobs with their drafts, allocated meeting by meeting in brief order.

    Every valid brief takes its share of the bank, whether it is drafted this time or not: an
    unchanged brief holds what its manifest record says it used (or, if the record does not
    say, what drafting it again gives), and a brief blocked by someone else's file is composed
    all the same, so that the briefs after it are what a clean run would give. The drafts the
    briefs would have alone come from ``ahead`` (worker processes compose them in parallel);
    only a brief that clashes with an earlier one is drafted again, here.
    """
    jobs = {job.number: job for job in plan.jobs}
    known: dict[int, Allocation] = {}
    for number, brief in enumerate(plan.order):
        if number not in jobs and plan.outcomes[number].status == UNCHANGED:
            previous = history.records.get(brief.id)
            record = Allocation.from_dict(previous.allocation) if previous else None
            if record is not None:
                known[number] = record
    drafts = ahead(
        (number, brief, plan.seeds[number])
        for number, brief in enumerate(plan.order)
        if number not in known
    )
    meetings: dict[str | None, Meeting] = {}
    for number, brief in enumerate(plan.order):
        meeting = meetings.setdefault(brief.meeting, Meeting(brief.meeting))
        request = brief.request(plan.seeds[number])
        if number in known:
            meeting.take(brief.id, shape_of(request), known[number])
            continue
        got, alone = next(drafts)
        assert got == number
        job = jobs.get(number)
        if isinstance(alone, str):  # it cannot be drafted: it takes nothing
            if job is not None:
                yield replace(job, error=alone)
            continue
        try:
            allocation = allocate(index, meeting, brief.id, request, alone)
        except DrafterError as exc:
            error = exc.user_message()
        except Exception as exc:  # one brief's unexpected failure must not cost the others
            error = f"意外错误（{type(exc).__name__}：{exc}）"
        else:
            if job is not None:
                yield replace(
                    job,
                    draft=allocation.draft,
                    allocation=allocation.to_dict(brief.meeting),
                    notes=tuple(allocation.notes(brief.meeting)),
                )
            continue
        if job is not None:
            yield replace(job, error=error)


def _records(outcomes: list[Outcome], plan: _Plan, history: History, now: History) -> list[Record]:
    """This run's briefs in order, then the rest of what the folder's history knows: earlier
    runs' briefs, and briefs this run was drafting when it was interrupted."""
    jobs = {job.brief.id: job for job in plan.jobs}
    briefs = {b.id: b for b in plan.order}
    out: list[Record] = []
    for outcome in outcomes:
        if outcome.status == INVALID and outcome.id in briefs:  # a second brief with that id
            where = f"{outcome.brief_file}:{outcome.brief_line}"
            out.append(
                Record(
                    f"{outcome.id}@{where}",
                    INVALID,
                    str(outcome.brief_file),
                    outcome.brief_line,
                    error=outcome.message,
                )
            )
            continue
        previous = history.records.get(outcome.id)
        brief, job = briefs.get(outcome.id), jobs.get(outcome.id)
        if outcome.status in OK_STATUSES and not (outcome.status == UNCHANGED and previous):
            record = Record(
                outcome.id,
                outcome.status,
                str(outcome.brief_file),
                outcome.brief_line,
                dict(outcome.digests),
                outcome.seed,
                outcome.bank_version,
                job.fingerprint if job else None,
                brief.settings() if brief else {},
                notes=outcome.notes,
                allocation=outcome.allocation,
            )
        elif previous is not None:
            # Unchanged, or failed this time: what drafter wrote before is still its own.
            error = None if outcome.status == UNCHANGED else outcome.message
            record = replace(previous, status=outcome.status, error=error)
        else:
            record = Record(
                outcome.id,
                outcome.status,
                str(outcome.brief_file),
                outcome.brief_line,
                seed=outcome.seed,
                settings=brief.settings() if brief else {},
                error=outcome.message,
            )
        out.append(record)
    current = {o.id for o in outcomes}
    out += [r for r in now.records.values() if r.id not in current]
    return out
