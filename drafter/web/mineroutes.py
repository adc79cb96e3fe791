"""The upload-and-mine page: documents in, a job mining them into the writer's own bank, its
progress (polled by pages.js, or a refresh without JS), and a summary file by file."""

from __future__ import annotations

import re
from collections import OrderedDict

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from drafter.formats import SUFFIXES
from drafter.web.bankroutes import take_flash
from drafter.web.context import WebContext
from drafter.web.minejobs import UPLOADS, MineJob, MineJobs
from drafter.web.pages import render_page
from drafter.web.security import WebError, read_form, session_of
from drafter.web.uploads import Scratch, named_uploads, save_upload

JOB_ID = re.compile(r"^[A-Za-z0-9_-]{16}$")


def session_jobs(request: Request) -> OrderedDict[str, MineJob]:
    jobs: OrderedDict[str, MineJob] = session_of(request).data.setdefault(
        "mine_jobs", OrderedDict()
    )
    return jobs


def job_of(request: Request) -> MineJob:
    """The job named in the address, if this session started it (any other is "not found")."""
    job_id = request.path_params["job_id"]
    job = session_jobs(request).get(job_id) if JOB_ID.match(job_id) else None
    if job is None:
        raise WebError("没有这个挖掘任务（可能已过期，或不是在这个浏览器里开始的）", 404)
    return job


def routes(context: WebContext) -> list[BaseRoute]:
    config = context.config
    manager = MineJobs(context)

    async def form_page(request: Request) -> Response:
        jobs = list(reversed(session_jobs(request).values()))
        return render_page(
            request,
            "bank_mine.html",
            jobs=jobs,
            suffixes=SUFFIXES,
            own=context.own_bank().name,
            notice=take_flash(request),
            limit=config.max_upload_bytes // (1024 * 1024),
            max_files=config.max_upload_files,
        )

    async def upload(request: Request) -> Response:
        form = await read_form(request, config)
        jobs = session_jobs(request)
        if any(not job.finished for job in jobs.values()):
            raise WebError("上一次上传的文档还在挖掘，请等它完成后再上传", 409)
        given = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
        # A form sent with no file chosen still carries one empty part without a name.
        given = [f for f in given if f.filename or f.size]
        named = named_uploads(given, SUFFIXES)
        scratch = Scratch("drafter-mine-")
        try:
            folder = scratch.path / UPLOADS
            folder.mkdir()
            for upload_file, name in named:
                await save_upload(upload_file, folder, name)
        except BaseException:
            scratch.close()
            raise
        job = manager.start(jobs, [name for _, name in named], scratch)
        return RedirectResponse(f"/bank/mine/{job.id}", status_code=303)

    async def progress(request: Request) -> Response:
        job = job_of(request)
        return render_page(request, "bank_job.html", job=job, state=job.status())

    async def status(request: Request) -> Response:
        return JSONResponse(job_of(request).status(), headers={"cache-control": "no-store"})

    return [
        Route("/bank/mine", form_page, methods=["GET"], name="bank_mine"),
        Route("/bank/mine", upload, methods=["POST"]),
        Route("/bank/mine/{job_id}.json", status, methods=["GET"]),
        Route("/bank/mine/{job_id}", progress, methods=["GET"]),
    ]
