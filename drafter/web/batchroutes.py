"""The batch page: a brief file uploaded, its problems shown at their lines, its drafts and
``manifest.json`` downloaded as one zip."""

from __future__ import annotations

import re
import secrets
from collections import OrderedDict

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from drafter.drafting.model import FORMATS
from drafter.web import batchrun
from drafter.web.batchrun import BatchResult
from drafter.web.context import WebContext
from drafter.web.pages import render_page
from drafter.web.security import WebError, read_form, session_of
from drafter.web.uploads import Scratch, upload_name
from drafter.workflow.examples import EXAMPLE_BRIEFS

RESULTS_KEPT = 3  # per session: an older result's folder and zip are removed
BATCH_ID = re.compile(r"^[A-Za-z0-9_-]{16}$")
BRIEF_SUFFIXES = (".yaml", ".yml")


def session_results(request: Request) -> OrderedDict[str, BatchResult]:
    results: OrderedDict[str, BatchResult] = session_of(request).data.setdefault(
        "batches", OrderedDict()
    )
    return results


def keep(results: OrderedDict[str, BatchResult], result: BatchResult) -> None:
    """Keep ``result``; beyond the cap the oldest goes, its files with it."""
    results[result.id] = result
    while len(results) > RESULTS_KEPT:
        _, dropped = results.popitem(last=False)
        dropped.scratch.close()


def result_of(request: Request) -> BatchResult:
    batch_id = request.path_params["batch_id"]
    result = session_results(request).get(batch_id) if BATCH_ID.match(batch_id) else None
    if result is None:
        raise WebError("没有这次批量起草的结果（可能已过期，或不是在这个浏览器里生成的）", 404)
    return result


def routes(context: WebContext) -> list[BaseRoute]:
    config = context.config

    async def form_page(request: Request) -> Response:
        results = list(reversed(session_results(request).values()))
        return render_page(request, "batch.html", formats=FORMATS, results=results)

    async def upload(request: Request) -> Response:
        form = await read_form(request, config)
        brief = form.get("briefs")
        if not isinstance(brief, UploadFile) or not (brief.filename or brief.size):
            raise WebError("请选择简报文件（.yaml）", 400)
        name = upload_name(brief.filename, BRIEF_SUFFIXES)
        formats = tuple(f for f in form.getlist("formats") if isinstance(f, str)) or ("md",)
        unknown = [f for f in formats if f not in FORMATS]
        if unknown:
            raise WebError(f"未知的格式“{'、'.join(unknown)}”，可选：{'、'.join(FORMATS)}", 400)
        data = await brief.read()
        result = BatchResult(
            secrets.token_urlsafe(12), name, Scratch("drafter-batch-"), form.get("check") == "1"
        )
        try:
            independent = form.get("independent") == "1"
            await run_in_threadpool(batchrun.run, context, result, data, formats, independent)
        except BaseException:
            result.scratch.close()
            raise
        keep(session_results(request), result)
        return RedirectResponse(f"/batch/{result.id}", status_code=303)

    async def show(request: Request) -> Response:
        result = result_of(request)
        status = 422 if result.problems and not result.outcomes else 200
        return render_page(request, "batch_result.html", status, result=result)

    async def download(request: Request) -> Response:
        result = result_of(request)
        if result.zip_path is None or result.scratch.closed:
            raise WebError("这次没有生成可下载的草稿", 404)
        stem = result.name.rsplit(".", 1)[0]
        return FileResponse(
            result.zip_path, media_type="application/zip", filename=f"{stem}-草稿.zip"
        )

    async def example(request: Request) -> Response:
        return Response(
            EXAMPLE_BRIEFS,
            media_type="text/yaml; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="briefs.yaml"'},
        )

    return [
        Route("/batch", form_page, methods=["GET"], name="batch"),
        Route("/batch", upload, methods=["POST"]),
        Route("/batch/example.yaml", example, methods=["GET"]),
        Route("/batch/{batch_id}.zip", download, methods=["GET"]),
        Route("/batch/{batch_id}", show, methods=["GET"]),
    ]
