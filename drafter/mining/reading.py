"""Reading corpus files for mining, in this process or in several worker processes.

Parsing is most of the work and each file stands alone, so ``--jobs N`` hands files to N
processes. What a worker sends back holds everything the main process then needs of the
file (its speeches, their quotations and set phrases, their fingerprints), and the results are
taken in the files' order, so the bank is the same byte for byte whatever the number of jobs.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from drafter.corpus.models import Document
from drafter.corpus.parse import parse_file
from drafter.errors import DrafterError, InputError
from drafter.files.decoding import read_file_bytes
from drafter.mining.duplicates import Fingerprint, fingerprint
from drafter.mining.entries import Material, is_speech, material_of


@dataclass(frozen=True)
class Task:
    """A corpus file to read: where it is, how the bank will cite it, the title its folder's
    provenance file records for it (for a speech that has no title line)."""

    path: Path
    name: str
    title: str | None = None

    @property
    def where(self) -> str:
        """The file's identity on this machine, however it is given (a folder or the file, a
        relative or absolute path): a digest of its real path, which names no folder."""
        return hashlib.sha1(str(self.path.resolve()).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Parsed:
    """A file read: its speeches with what mining needs of each, or why it could not be read."""

    task: Task
    format: str
    documents: tuple[Document, ...] = ()
    materials: tuple[Material | None, ...] = ()  # by document; None for what is no speech
    prints: tuple[Fingerprint | None, ...] = ()
    error: str | None = None


def file_format(path: Path) -> str:
    """The kind of file, as the report names it: its suffix, or "txt" when it has none."""
    return path.suffix.lower().lstrip(".") or "txt"


# Bigger than any document a reader accepts: a file too big to parse is refused by its reader,
# with its own message, not here.
_DIGEST_MAX_BYTES = 256 * 2**20


def file_digest(path: Path) -> str:
    """The sha1 of a file's bytes (``InputError`` if it cannot be read)."""
    return hashlib.sha1(read_file_bytes(path, max_bytes=_DIGEST_MAX_BYTES)).hexdigest()


def prepared(task: Task, documents: tuple[Document, ...]) -> Parsed:
    """A file's speeches with their material and fingerprints found."""
    docs = tuple(replace(d, title=d.title or task.title) for d in documents)
    return Parsed(
        task,
        file_format(task.path),
        docs,
        tuple(material_of(d) if is_speech(d) else None for d in docs),
        tuple(fingerprint(d) if is_speech(d) else None for d in docs),
    )


def read_task(task: Task) -> Parsed:
    """Parse one file; a file that cannot be read, or breaks the parser, gives its reason."""
    try:
        return prepared(task, tuple(parse_file(task.path, task.name)))
    except DrafterError as exc:
        return Parsed(task, file_format(task.path), error=exc.user_message())
    except (RecursionError, MemoryError) as exc:
        message = f"{task.path}: 文件过于复杂，无法解析（{type(exc).__name__}）"
        return Parsed(task, file_format(task.path), error=message)
    except Exception as exc:  # one file's unexpected failure must not cost the others
        message = f"{task.path}: 解析时出现意外错误（{type(exc).__name__}：{exc}）"
        return Parsed(task, file_format(task.path), error=message)


def _init_worker(parent: int) -> None:
    import signal

    # Ctrl-C is the parent's to handle; a killed parent takes its workers with it (Linux).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)


def read_tasks(tasks: list[Task], jobs: int, done: Callable[[Parsed], None]) -> list[Parsed]:
    """Every task read, in the tasks' order; ``done`` hears of each as it finishes."""
    workers = min(jobs, len(tasks))
    if workers <= 1:
        results = []
        for task in tasks:
            results.append(read_task(task))
            done(results[-1])
        return results
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    found: dict[int, Parsed] = {}
    # Largest files first, so that a big one started last does not leave a worker idle.
    order = sorted(range(len(tasks)), key=lambda i: -_size(tasks[i].path))
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(os.getpid(),)
    ) as pool:
        futures = {pool.submit(read_task, tasks[i]): i for i in order}
        try:
            for future in as_completed(futures):
                found[futures[future]] = future.result()
                done(found[futures[future]])
        except BrokenProcessPool as exc:  # a worker was killed (out of memory, a signal …)
            raise InputError(
                "解析语料的进程意外退出（可能是内存不足或被终止）；素材库没有改动，"
                "可以用较小的 --jobs 再试"
            ) from exc
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return [found[i] for i in range(len(tasks))]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
