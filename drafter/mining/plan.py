"""What a mining run mines: each file read (or found unchanged in the bank's record), its
speeches in order, copies of a speech left out, and a summary of every file given.

Files are read before the bank's lock is taken (reading is the long part); ``settle`` runs
under the lock, against the record as it is then, and reads whatever that record makes
necessary and was not read before (another run may have changed the bank meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from drafter import __version__
from drafter.corpus.models import Document, FileFailure
from drafter.errors import DrafterError, UsageError
from drafter.mining.duplicates import Duplicates
from drafter.mining.entries import Material
from drafter.mining.reading import Parsed, Task, file_digest, file_format, prepared, read_tasks
from drafter.mining.record import FileRecord
from drafter.mining.report import (
    CHANGED,
    DUPLICATE,
    EMPTY,
    FAILED,
    MINED,
    NEW,
    UNCHANGED,
    Copy,
    FileSummary,
)


@dataclass
class Reading:
    """The files of a run, each with its digest (None: unreadable) and, once read, its parse."""

    tasks: list[Task]
    digests: dict[str, str | None] = field(default_factory=dict)
    parsed: dict[str, Parsed] = field(default_factory=dict)


def _digest(task: Task) -> str | None:
    try:
        return file_digest(task.path)
    except DrafterError:
        return None  # the parse reports why


def claim_names(tasks: list[Task], record: list[FileRecord]) -> list[Task]:
    """The tasks with the names their files have in the bank's record; a file new to it whose
    name a recorded file or an earlier task already has (another folder of the same name)
    gets "#2" (or the next number) after it, so that neither takes the other's material."""
    by_where = {f.where: f.name for f in record}
    taken = set(by_where.values())
    out = []
    for task in tasks:
        name = by_where.get(task.where)
        if name is None:
            name, number = task.name, 1
            while name in taken:
                number += 1
                name = f"{task.name}#{number}"
        taken.add(name)
        out.append(replace(task, name=name))
    return out


def read_files(
    tasks: list[Task],
    record: list[FileRecord] | None,
    jobs: int,
    done: Callable[[Parsed], None],
) -> Reading:
    """Read every file the ``record`` (``--into``) does not already hold as it is now."""
    reading = Reading(tasks)
    known = {f.where: f for f in record or []}
    todo = []
    for task in tasks:
        digest = _digest(task) if record is not None else None
        reading.digests[task.name] = digest
        old = known.get(task.where)
        if digest is None or old is None or not old.current(digest):
            todo.append(task)
    for parsed in read_tasks(todo, jobs, done):
        reading.parsed[parsed.task.name] = parsed
    return reading


@dataclass
class Plan:
    """What is mined, in order, and what the run tells about each file given."""

    documents: list[Document] = field(default_factory=list)
    materials: list[Material | None] = field(default_factory=list)
    files: list[FileSummary] = field(default_factory=list)
    record: list[FileRecord] = field(default_factory=list)
    failures: list[FileFailure] = field(default_factory=list)
    duplicates: int = 0


def settle(reading: Reading, record: list[FileRecord] | None, jobs: int) -> Plan:
    """The plan against the bank's ``record`` as it is now (None for ``--out``, which mines
    only the files given); files it needs and that were not read are read now."""
    if record is not None and claim_names(reading.tasks, record) != reading.tasks:
        raise UsageError("挖掘期间另一个 drafter mine 改动了这个素材库，请再运行一次")
    known = {f.where: f for f in record or []}

    def unchanged(task: Task) -> bool:
        old, digest = known.get(task.where), reading.digests.get(task.name)
        return old is not None and digest is not None and old.current(digest)

    missing = [t for t in reading.tasks if t.name not in reading.parsed and not unchanged(t)]
    for parsed in read_tasks(missing, jobs, lambda _: None):
        reading.parsed[parsed.task.name] = parsed
    plan = Plan()
    fresh: dict[str, Parsed] = {}  # files whose speeches come from this run's parse, by where
    order = list(known) if record is not None else []
    for task in reading.tasks:
        summary = FileSummary(task.name, str(task.path), file_format(task.path), MINED)
        plan.files.append(summary)
        old = known.get(task.where)
        if old is not None and unchanged(task):
            summary.status, summary.format = UNCHANGED, old.format
            summary.count(old.documents)
            continue
        parsed = reading.parsed[task.name]
        if parsed.error is not None:
            summary.status, summary.reason = FAILED, parsed.error
            if old is not None:
                summary.reason += "；之前从它挖掘的素材保留不变"
            plan.failures.append(FileFailure(str(task.path), parsed.error))
            continue
        summary.count(parsed.documents)
        if record is not None:
            summary.status = NEW if old is None else CHANGED
            digest = reading.digests[task.name] or ""
            known[task.where] = FileRecord(
                task.name, task.where, digest, parsed.format, __version__, parsed.documents
            )
        if old is None:
            order.append(task.where)
        fresh[task.where] = parsed
    plan.record = [known[where] for where in order] if record is not None else []
    _collect(plan, order, known, fresh)
    for summary in plan.files:
        if summary.status not in (FAILED, UNCHANGED) and not summary.speeches:
            summary.status = EMPTY
            summary.reason = f"没有找到讲话：{summary.documents} 篇文档都不足两个部分（标题）"
        elif summary.status != UNCHANGED and len(summary.copies) == summary.speeches > 0:
            summary.status = DUPLICATE
    return plan


def _collect(
    plan: Plan, order: list[str], known: dict[str, FileRecord], fresh: dict[str, Parsed]
) -> None:
    """The speeches to mine in file order, each copy of an earlier one left out."""
    seen = Duplicates()
    first_seen: list[tuple[str, int]] = []  # (file, number in it) of each speech remembered
    summaries = {s.name: s for s in plan.files}
    for where in order:
        parsed = fresh.get(where) or prepared_from_record(known[where])
        name = parsed.task.name
        for number, doc in enumerate(parsed.documents, start=1):
            print_ = parsed.prints[number - 1]
            if print_ is None:
                continue  # not a speech: nothing to mine
            first = seen.first_copy(print_)
            if first is None:
                first_seen.append((name, number))
                plan.documents.append(doc)
                plan.materials.append(parsed.materials[number - 1])
                continue
            plan.duplicates += 1
            summary = summaries.get(name)
            if summary is not None:
                summary.copies.append(Copy(number, doc.title, *first_seen[first]))


def prepared_from_record(item: FileRecord) -> Parsed:
    """A recorded file's speeches, with the material and fingerprints mining needs."""
    return prepared(Task(Path(item.name), item.name), item.documents)
