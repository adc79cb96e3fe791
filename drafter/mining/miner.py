"""Mining a corpus into a phrase bank: which files, read how, merged into the bank how.

``drafter mine --out BANK`` mines the files given and replaces the bank's mined material with
what they give (the bundled bank is made so). ``drafter mine --into BANK`` adds them to a
bank: its record (``record.py``) says which files were mined into it before, and only their
material is mined again; everything else in the bank stays. Either way the user's entries,
edits and disabled marks are kept, the bank's files are read in full before any is written,
each is replaced atomically, and all under the bank's lock.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from drafter.bank.fileedit import BUSY, LOCK_NAME, LOCK_WAIT
from drafter.bank.lexicon import LEXICON_FILE, Lexicon, load_lexicon
from drafter.bank.store import KINDS, Entry, read_kind, render_kind, write_bank_file
from drafter.bank.themes import THEMES_FILE
from drafter.errors import BankError, DrafterError, InputError, UsageError
from drafter.files.decoding import read_file_bytes
from drafter.files.locking import folder_lock
from drafter.files.yamlio import load_yaml
from drafter.mining.entries import mine_documents
from drafter.mining.merging import merge, merge_into
from drafter.mining.plan import Plan, claim_names, read_files, settle
from drafter.mining.reading import Parsed, Task
from drafter.mining.record import RECORD_FILE, RECORD_MAX_BYTES, load_record, render_record
from drafter.mining.report import MineReport, Progress, Step
from drafter.workspace import bundled


@dataclass(frozen=True)
class MineRequest:
    """Mine ``inputs`` (folders or files) into ``bank``: ``into`` adds to it, otherwise its
    mined material is replaced; ``jobs`` processes parse the files."""

    inputs: tuple[Path, ...]
    bank: Path
    into: bool = False
    jobs: int = 1


# Provenance and other metadata beside the texts (seeds/sources.yaml): never corpus text.
_METADATA_SUFFIXES = (".yaml", ".yml")


def seed_files(seeds_dir: Path) -> list[Path]:
    """The corpus files under ``seeds_dir``, subfolders included, in sorted path order.

    Hidden files and folders and YAML files (provenance, metadata) are skipped; symlinked
    folders are not followed, so a link cannot make the walk loop or leave the folder.
    """
    if not seeds_dir.is_dir():
        raise InputError("语料目录不存在", path=seeds_dir)
    files: list[Path] = []
    for folder, dirs, names in os.walk(seeds_dir):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            path = Path(folder) / name
            if name.startswith(".") or name.lower().endswith(_METADATA_SUFFIXES):
                continue
            if path.is_file():
                files.append(path)
    files.sort(key=lambda p: p.relative_to(seeds_dir).parts)
    if not files:
        raise InputError("语料目录里没有文件", path=seeds_dir)
    return files


SOURCES_FILE = "sources.yaml"


def recorded_titles(seeds_dir: Path) -> dict[str, str]:
    """Titles by file, from the corpus's provenance file (``sources.yaml``: ``documents:``, each
    with ``file`` relative to the folder and ``title``), if the folder has one."""
    path = seeds_dir / SOURCES_FILE
    if not path.is_file():
        return {}
    data = load_yaml(path, InputError)
    docs = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(docs, list):
        raise InputError("来源清单应为映射，并包含 documents: 列表", path=path)
    return {
        d["file"]: d["title"]
        for d in docs
        if isinstance(d, dict)
        and isinstance(d.get("file"), str)
        and isinstance(d.get("title"), str)
    }


def source_name(path: Path, seeds_dir: Path) -> str:
    """How mined entries name a corpus file: its path under the mined folder, "/" separated."""
    return path.relative_to(seeds_dir).as_posix()


def _folder_name(folder: Path) -> str:
    return folder.resolve().name


def corpus_tasks(inputs: tuple[Path, ...], prefixed: bool) -> list[Task]:
    """The files to mine, in the order given (a folder's in sorted path order), each once.

    A file's name in the bank is its path under the folder given; ``prefixed`` puts the
    folder's own name first ("讲话稿/2024/a.txt"), so that files of folders mined at different
    times do not take each other's names (``plan.claim_names`` numbers any that still do); a
    file given itself is named as if its folder were
    given ("讲话稿/a.txt", or "a.txt" unprefixed).
    """
    tasks: list[Task] = []
    seen: set[str] = set()

    def add(task: Task) -> None:
        if task.where not in seen:  # a file given twice (a folder and a file in it) is read once
            seen.add(task.where)
            tasks.append(task)

    for given in inputs:
        if given.is_dir():
            titles = recorded_titles(given)
            base = _folder_name(given) if prefixed else ""
            for path in seed_files(given):
                rel = source_name(path, given)
                add(Task(path, f"{base}/{rel}" if base else rel, titles.get(rel)))
        elif given.exists():  # a file (or something else: its reader says why)
            base = _folder_name(given.parent) if prefixed else ""
            add(Task(given, f"{base}/{given.name}" if base else given.name))
        else:
            raise InputError("语料文件不存在" if given.suffix else "语料目录不存在", path=given)
    return tasks


def _check_bank(bank: Path, into: bool) -> None:
    for folder in (bank, *bank.parents):
        if folder.exists() and not folder.is_dir():
            # A bank is a folder of files; never write beside or over a file the user named.
            option = "--into" if into else "--out"
            raise UsageError(f"{option} 应为素材库目录，但这是一个文件，不是目录", path=folder)
    if into and not bank.is_dir():
        raise BankError(
            "素材库目录不存在；--into 把语料加入已有的素材库。新建素材库请用 "
            "drafter bank init（复制内置素材库）或 drafter mine … --out",
            path=bank,
        )
    if not into and (bank / RECORD_FILE).exists():
        raise UsageError(
            f"这个素材库用 --into 加入过语料（记录在 {RECORD_FILE}）；--out 会用这次的语料替换"
            "全部挖掘所得的素材。请改用 --into；确要重建，先删除这个记录文件",
            path=bank,
        )


def _lexicon(bank: Path) -> Lexicon:
    own = bank / LEXICON_FILE
    return load_lexicon(own if own.exists() else bundled("phrasebank") / LEXICON_FILE)


def mine_corpus(request: MineRequest, progress: Progress | None = None) -> MineReport:
    """Mine the corpus files of ``request`` into its bank; ``progress`` hears each step.

    The bank is checked before the files are read, and all its files are read again under its
    lock before anything is written: a file that cannot be read in full (a YAML error, an
    unknown or repeated key, a broken entry) stops the run and is never replaced, as that
    would drop what the user keeps in it. Files that cannot be read are reported and skipped.
    """
    if request.jobs < 1:
        raise UsageError(f"--jobs 应为正整数，而不是 {request.jobs}")
    bank, into = request.bank, request.into
    _check_bank(bank, into)
    tasks = corpus_tasks(request.inputs, prefixed=into or len(request.inputs) > 1)
    lexicon = _lexicon(bank)
    # A bank that cannot be read stops the run before the long part.
    checked = {kind: _read_kind(bank, kind) for kind in KINDS}
    tell = progress or (lambda step: None)
    total = len(tasks)
    done = [0]

    def read_one(parsed: Parsed) -> None:
        done[0] += 1
        tell(Step("read", done[0], total, parsed.task.name))

    tell(Step("read", 0, total))
    record = load_record(bank) if into else None
    tasks = claim_names(tasks, record or [])
    reading = read_files(tasks, record, request.jobs, read_one)
    # The bank's lock: a `drafter bank add` running meanwhile lands before or after, not lost.
    with folder_lock(bank, LOCK_NAME, BUSY, wait=LOCK_WAIT):
        existing = {kind: _read_kind(bank, kind, checked[kind]) for kind in KINDS}
        plan = settle(reading, load_record(bank) if into else None, request.jobs)
        tell(Step("mine"))
        mined = mine_documents(plan.documents, lexicon, plan.materials)
        tell(Step("write"))
        report = _report(request, plan)
        merged = _merged(report, plan, {k: entries for k, (_, entries) in existing.items()}, mined)
        for name in (LEXICON_FILE, THEMES_FILE):  # a bank folder is complete for drafting
            if not (bank / name).exists():
                shutil.copyfile(bundled("phrasebank") / name, bank / name)
        if into:  # first: a run killed after it mines the same again, the bank catches up
            _write(bank / RECORD_FILE, render_record(plan.record), report, RECORD_MAX_BYTES)
        for kind in KINDS:
            _write(bank / KINDS[kind][0], render_kind(kind, merged[kind]).encode(), report)
    return report


_Stamp = tuple[int, int, int] | None  # a file's inode, size and change time; None: no file


def _stamp(path: Path) -> _Stamp:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


def _read_kind(
    bank: Path, kind: str, before: tuple[_Stamp, list[Entry]] | None = None
) -> tuple[_Stamp, list[Entry]]:
    """A kind's entries with the stamp of the file they were read from; read again only if
    the file is no longer the one ``before`` read (a big bank takes seconds to parse)."""
    stamp = _stamp(bank / KINDS[kind][0])
    if before is not None and before[0] == stamp and stamp is not None:
        return before
    return stamp, read_kind(bank, kind)


def _report(request: MineRequest, plan: Plan) -> MineReport:
    report = MineReport(request.bank, into=request.into, files=plan.files)
    report.failures = plan.failures
    report.duplicates = plan.duplicates
    report.documents = sum(f.documents for f in plan.files if f.status != "failed")
    report.speeches = sum(f.speeches for f in plan.files if f.status != "failed")
    return report


def _merged(
    report: MineReport,
    plan: Plan,
    existing: dict[str, list[Entry]],
    mined: dict[str, list[Entry]],
) -> dict[str, list[Entry]]:
    recorded = {f.name for f in plan.record}
    out: dict[str, list[Entry]] = {}
    for kind in KINDS:
        if report.into:
            entries, counts = merge_into(existing[kind], mined[kind], recorded)
            report.kept_user += counts.user
            report.kept_disabled += counts.disabled
            report.kept_earlier += counts.earlier
            report.enlarged += counts.enlarged
        else:
            entries, users, disabled = merge(existing[kind], mined[kind])
            report.kept_user += users
            report.kept_disabled += disabled
        before = {e.id for e in existing[kind]}
        after = {e.id for e in entries}
        edited = {e.extra.get("replaces") for e in entries if e.id not in before}
        report.added += sum(
            1 for e in entries if e.id not in before and e.extra.get("replaces") not in before
        )
        report.removed += len(before - after - edited)
        report.counts[kind] = len(entries)
        out[kind] = entries
    return out


def _write(path: Path, data: bytes, report: MineReport, limit: int = 0) -> None:
    """Replace a bank file (atomically, keeping a backup) when its bytes change."""
    try:
        same = read_file_bytes(path, BankError, max_bytes=limit or len(data)) == data
    except DrafterError:
        same = False  # missing, or not these bytes
    if not same:
        write_bank_file(path, data, compare=False)
        report.written.append(path.name)


def mine(
    seeds_dir: Path, out_dir: Path, *, jobs: int = 1, progress: Progress | None = None
) -> MineReport:
    """Parse every file in ``seeds_dir`` and write the phrase bank to ``out_dir``, replacing the
    mined material there (``drafter mine --out``); see ``mine_corpus``."""
    return mine_corpus(MineRequest((seeds_dir,), out_dir, jobs=jobs), progress)
