"""Mining uploaded documents into the writer's own bank, as a background job with progress.

A job owns a private temporary folder (``uploads.Scratch``) holding the uploaded files under
their checked names, runs ``mine_corpus`` with ``into`` (what ``drafter mine --into`` runs) in
a thread of its own, and removes the folder when it ends. One job mines at a time per server
(they would queue on the bank's lock anyway); each session keeps its last few jobs only.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drafter.bank.linemap import load_line_map
from drafter.errors import DrafterError
from drafter.mining.miner import MineRequest, mine_corpus
from drafter.mining.report import FileSummary, MineReport, Step
from drafter.web.bankedit import own_bank
from drafter.web.context import WebContext
from drafter.web.uploads import Scratch

log = logging.getLogger("drafter.web")

UPLOADS = "上传"  # the folder the files are mined from: the bank cites them as 上传/<name>
JOBS_KEPT = 5  # per session: older finished jobs are forgotten
HEADINGS_SHOWN = 8  # per file, in the summary
STATUS = {
    "mined": "已挖掘",
    "new": "新加入",
    "changed": "已更新",
    "unchanged": "未变（之前已挖掘）",
    "duplicate": "重复",
    "empty": "没有找到讲话",
    "failed": "失败",
}
STAGES = {"queued": "排队等待", "read": "读取文档", "mine": "挖掘", "write": "写入素材库"}


@dataclass
class FileRow:
    """One uploaded file in the summary."""

    name: str
    format: str
    status: str
    label: str
    counts: tuple[int, int, int, int]  # documents, speeches, parts, points
    note: str
    headings: list[tuple[str, str]] = field(default_factory=list)  # (id, text) mined from it


@dataclass
class MineJob:
    id: str
    names: list[str]
    scratch: Scratch
    state: str = "queued"  # queued, running, done, failed
    stage: str = "queued"
    done: int = 0
    total: int = 0
    current: str | None = None
    files: list[FileRow] = field(default_factory=list)
    totals: dict[str, Any] = field(default_factory=dict)
    message: str | None = None
    started: float = field(default_factory=time.monotonic)
    seconds: float | None = None

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    def step(self, step: Step) -> None:
        self.stage, self.done, self.total = step.stage, step.done, step.total or self.total
        self.current = step.name or self.current

    def status(self) -> dict[str, Any]:
        """What the progress page polls."""
        return {
            "state": self.state,
            "stage": STAGES.get(self.stage, self.stage),
            "done": self.done,
            "total": self.total or len(self.names),
            "current": self.current,
            "finished": self.finished,
        }


def _note(summary: FileSummary, folder: Path) -> str:
    if summary.reason:
        reason = summary.reason.removeprefix(f"{summary.path}: ")
        return reason.replace(str(folder), UPLOADS)  # never show the server's temporary path
    return "；".join(
        f"第 {c.document} 篇与 {c.same_file} 中的讲话相同，不再挖掘" for c in summary.copies
    )


def summarise(job: MineJob, report: MineReport, bank: Path, folder: Path) -> None:
    # The headings file's line map (what ``bank search`` reads, cached for it too), not the
    # whole bank parsed again: that would double the job's time on a large bank.
    rows = load_line_map(bank, "heading")[0].rows
    for f in report.files:
        headings = [r for r in rows if r.file == f.name and not r.disabled]
        job.files.append(
            FileRow(
                f.name.removeprefix(f"{UPLOADS}/"),
                f.format,
                f.status,
                STATUS.get(f.status, f.status),
                (f.documents, f.speeches, f.parts, f.points),
                _note(f, folder),
                [(h.id, h.text) for h in headings[:HEADINGS_SHOWN]],
            )
        )
    job.totals = {
        "bank": bank.name,
        "added": report.added,
        "removed": report.removed,
        "speeches": report.speeches,
        "duplicates": report.duplicates,
        "written": bool(report.written),
    }


class MineJobs:
    """The server's mining jobs: started here, kept in their sessions."""

    def __init__(self, context: WebContext) -> None:
        self.context = context
        self.gate = threading.Semaphore(1)

    def start(self, jobs: OrderedDict[str, MineJob], names: list[str], scratch: Scratch) -> MineJob:
        job = MineJob(secrets.token_urlsafe(12), names, scratch)
        while len(jobs) >= JOBS_KEPT:
            oldest = next((k for k, j in jobs.items() if j.finished), None)
            if oldest is None:
                break
            jobs.pop(oldest).scratch.close()
        jobs[job.id] = job
        threading.Thread(target=self._run, args=(job,), name=f"mine-{job.id}").start()
        return job

    def _run(self, job: MineJob) -> None:
        folder = job.scratch.path / UPLOADS
        try:
            with self.gate:
                job.state = "running"
                bank = own_bank(self.context)
                report = mine_corpus(MineRequest((folder,), bank, into=True), job.step)
                summarise(job, report, bank, folder)
                job.state = "done"
        except DrafterError as exc:
            job.message = exc.user_message().replace(str(folder), UPLOADS)
            job.state = "failed"
        except Exception:  # the traceback is for the server's log, never for the page
            log.exception("挖掘任务 %s 出错", job.id)
            job.message = "服务器内部错误：这是 drafter 的问题。请把运行 drafter serve 的窗口里的信息反馈给维护者。"
            job.state = "failed"
        finally:
            job.seconds = time.monotonic() - job.started
            job.scratch.close()  # the uploads are in the bank now (or refused): nothing to keep
