"""Drafting a batch's briefs, in this process or in worker processes.

Workers are forked after the bank index is loaded, so they share it instead of each loading
it; each writes its own drafts (after the journal names them) and reports an ``Outcome``.
A job comes with its draft when the parent composed it (allocated among the briefs of its
meeting, which must happen in brief order); the worker then only renders and writes it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drafter.drafting.composer import compose
from drafter.drafting.index import BankIndex, load_index
from drafter.drafting.model import Draft
from drafter.errors import DrafterError, DraftError, TemplateError, UsageError
from drafter.files.decoding import read_file_bytes
from drafter.files.yamlio import MAX_BYTES, write_atomic
from drafter.output.style import load_style
from drafter.output.word import render_docx
from drafter.workflow.briefs import Brief
from drafter.workflow.manifest import FAILED, Journal, Record, sha256


@dataclass
class Outcome:
    """How one brief ended; ``files`` are relative to the output folder."""

    id: str
    brief_file: Path
    brief_line: int | None
    status: str
    files: list[str] = field(default_factory=list)
    seed: int | None = None
    message: str | None = None
    digests: dict[str, str] = field(default_factory=dict)  # file -> sha256 of what was written
    bank_version: str | None = None
    notes: list[str] = field(default_factory=list)  # remarks on a draft that succeeded
    allocation: dict[str, Any] | None = None  # the manifest's record of its allocation


@dataclass(frozen=True)
class Job:
    number: int  # position among the valid briefs: outcomes are reported in this order
    brief: Brief
    seed: int
    targets: tuple[tuple[str, str], ...]  # (format, path relative to the output folder)
    fingerprint: str
    status: str  # WRITTEN or UPDATED
    draft: Draft | None = None  # composed by the parent (allocation); None: compose here
    error: str | None = None  # why the parent could not compose it
    allocation: dict[str, Any] | None = None
    notes: tuple[str, ...] = ()  # the allocation's remarks (what the draft shares)


class Templates:
    """Templates loaded once per (template, format), with a digest of their source; for docx,
    the Word style profile and a digest of its files."""

    def __init__(self, root: Path | None, style: Path | None = None) -> None:
        self.root = root
        self.style = style
        self.loaded: dict[tuple[str | None, str], tuple[Any, str]] = {}

    def get(self, template: str | None, fmt: str) -> tuple[Any, str]:
        key = (None, fmt) if fmt == "docx" else (template, fmt)
        if key not in self.loaded:
            if fmt == "docx":
                profile = load_style(self.style)
                # Bounded reads: the file was checked a moment ago, but may have been swapped.
                source = read_file_bytes(Path(profile.default), UsageError, max_bytes=MAX_BYTES)
                if self.style:
                    source += read_file_bytes(Path(profile.source), UsageError, max_bytes=MAX_BYTES)
                self.loaded[key] = (profile, sha256(source)[:16])
                return self.loaded[key]
            from drafter.output.sandbox import TEMPLATE_MAX_BYTES
            from drafter.output.templates import load_template

            tpl = None if fmt == "json" else load_template(fmt, template, self.root)
            source = b""
            if tpl is not None and tpl.filename:
                source = read_file_bytes(
                    Path(tpl.filename), TemplateError, max_bytes=TEMPLATE_MAX_BYTES
                )
            self.loaded[key] = (tpl, sha256(source)[:16])
        return self.loaded[key]


@dataclass
class Context:
    """What a worker needs: the bank index, templates, the folder and its journal."""

    spec: tuple[str, str, str | None, str | None, tuple[str, ...]]
    index: BankIndex
    templates: Templates
    out: Path
    journal: Journal


_CONTEXT: Context | None = None  # set per run; forked workers inherit it


def context(
    bank: Path,
    out: Path,
    root: Path | None,
    fresh: bool = True,
    style: Path | None = None,
    also: tuple[Path, ...] = (),
) -> Context:
    """The run's context; ``fresh`` reloads the bank (it may have changed since last run);
    ``also`` are the banks drafted from after ``bank``."""
    global _CONTEXT
    spec = (
        str(bank),
        str(out),
        str(root) if root else None,
        str(style) if style else None,
        tuple(str(b) for b in also),
    )
    if fresh or _CONTEXT is None or _CONTEXT.spec != spec:
        index = load_index(bank, *also)
        _CONTEXT = Context(spec, index, Templates(root, style), out, Journal(out))
    return _CONTEXT


def _die_with(parent: int) -> None:
    """Make this worker die with its parent (Linux): a killed batch must not leave workers
    writing on, holding the folder's lock, while the user starts it again."""
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _init_worker(
    parent: int, bank: str, out: str, root: str | None, style: str | None, also: tuple[str, ...]
) -> None:
    import signal

    _die_with(parent)
    # Ctrl-C is the parent's to handle: it stops handing out work and writes the manifest.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    context(
        Path(bank),
        Path(out),
        Path(root) if root else None,
        False,
        Path(style) if style else None,
        tuple(Path(b) for b in also),
    )


def _render(draft: Any, fmt: str, loaded: Any, sources: bool) -> bytes:
    from drafter.output.templates import render_with

    if fmt == "docx":
        return render_docx(draft, loaded, sources)
    return render_with(draft, loaded, sources).encode("utf-8")


def run_job(job: Job) -> Outcome:
    """Draft one brief and put its files in place (after the journal names them)."""

    ctx = _CONTEXT
    assert ctx is not None
    brief = job.brief
    outcome = Outcome(brief.id, brief.file, brief.line, FAILED, seed=job.seed)
    if job.error is not None:
        outcome.message = job.error
        return outcome
    try:
        draft = job.draft or compose(ctx.index, brief.request(job.seed))
        texts = [
            (rel, _render(draft, fmt, ctx.templates.get(brief.template, fmt)[0], brief.sources))
            for fmt, rel in job.targets
        ]
        record = Record(
            brief.id,
            job.status,
            str(brief.file),
            brief.line,
            {rel: sha256(data) for rel, data in texts},
            job.seed,
            draft.bank_version,
            job.fingerprint,
            brief.settings(),
            allocation=job.allocation,
        )
        ctx.journal.append(record)
        for rel, text in texts:
            write_atomic(ctx.out / rel, text, durable=False)
    except DrafterError as exc:
        outcome.message = exc.user_message()
        return outcome
    except OSError as exc:
        outcome.message = f"无法写入文件（{exc.strerror or exc}）"
        return outcome
    except Exception as exc:  # one brief's unexpected failure must not cost the others
        outcome.message = f"意外错误（{type(exc).__name__}：{exc}）"
        return outcome
    outcome.status, outcome.files, outcome.digests = job.status, list(record.files), record.files
    outcome.bank_version = draft.bank_version
    outcome.notes = [*draft.notes, *job.notes]
    outcome.message = "；".join(outcome.notes) or None
    outcome.allocation = job.allocation
    return outcome


def _run_chunk(jobs: list[Job]) -> list[Outcome]:
    return [run_job(job) for job in jobs]


Alone = tuple[int, Brief, int]  # (number, brief, seed): a brief to draft as if alone
Composed = tuple[int, Draft | str]  # its draft, or why it could not be drafted
Ahead = Callable[[Iterable[Alone]], Iterator[Composed]]


def compose_alone(brief: Brief, seed: int) -> Draft | str:
    """A brief's draft as if it were alone, or the message saying why there is none."""
    ctx = _CONTEXT
    assert ctx is not None
    try:
        return compose(ctx.index, brief.request(seed))
    except DrafterError as exc:
        return exc.user_message()
    except Exception as exc:  # one brief's unexpected failure must not cost the others
        return f"意外错误（{type(exc).__name__}：{exc}）"


def _compose_chunk(items: list[Alone]) -> list[Composed]:
    return [(number, compose_alone(brief, seed)) for number, brief, seed in items]


def _here(items: Iterable[Alone]) -> Iterator[Composed]:
    return ((number, compose_alone(brief, seed)) for number, brief, seed in items)


def run_jobs(
    make: Callable[[Ahead], Iterable[Job]],
    total: int,
    processes: int,
    done: Callable[[Outcome], None],
) -> None:
    """Run the ``total`` jobs of the current context, here or in ``processes`` worker
    processes. ``make`` gives the jobs; it may compose their drafts here (a generator: the
    workers write what it has composed while it composes the next), and it is handed a way to
    have drafts composed as if alone ahead of need, by the workers, and given back in order."""
    ctx = _CONTEXT
    assert ctx is not None
    workers = min(processes, total)
    if workers <= 1:
        for job in make(_here):
            done(run_job(job))
        return
    import itertools
    import multiprocessing
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    # fork shares the loaded index with the workers; elsewhere they load it from the cache.
    methods = multiprocessing.get_all_start_methods()
    mp = multiprocessing.get_context("fork" if "fork" in methods else None)
    size = max(1, min(64, total // (workers * 8)))
    spec = (os.getpid(), *ctx.spec)
    with ProcessPoolExecutor(
        workers, mp_context=mp, initializer=_init_worker, initargs=spec
    ) as pool:
        pending: set[Future[list[Outcome]]] = set()

        def harvest(futures: Iterable[Future[list[Outcome]]]) -> None:
            for future in futures:
                pending.discard(future)
                for outcome in future.result():
                    done(outcome)

        def ahead(items: Iterable[Alone]) -> Iterator[Composed]:
            """Drafts composed by the workers a few chunks ahead of the one asked for."""
            source = iter(items)
            queue: deque[Future[list[Composed]]] = deque()

            def fill() -> None:
                while len(queue) < 2 * workers:
                    chunk = list(itertools.islice(source, size))
                    if not chunk:
                        return
                    queue.append(pool.submit(_compose_chunk, chunk))

            fill()
            while queue:
                head = queue.popleft()
                fill()
                yield from head.result()

        try:
            chunk: list[Job] = []
            for job in make(ahead):
                chunk.append(job)
                if len(chunk) >= size:
                    pending.add(pool.submit(_run_chunk, chunk))
                    chunk = []
                    harvest([f for f in pending if f.done()])
            if chunk:
                pending.add(pool.submit(_run_chunk, chunk))
            harvest(as_completed(list(pending)))
        except BrokenProcessPool as exc:  # a worker was killed (out of memory, a signal …)
            raise DraftError(
                "起草进程意外退出（可能是内存不足或被终止）；已写出的文件都是完整的，"
                "再运行一次同样的命令即可补完"
            ) from exc
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
