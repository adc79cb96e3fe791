"""The draft page: the form, and a draft shown the way it will look on paper."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from drafter.drafting.composer import compose
from drafter.drafting.model import DraftRequest
from drafter.web.context import WebContext
from drafter.web.pages import render_page
from drafter.web.security import read_form


def routes(context: WebContext) -> list[BaseRoute]:
    config = context.config

    async def home(request: Request) -> Response:
        return render_page(request, "draft.html", draft=None)

    async def make_draft(request: Request) -> Response:
        form = await read_form(request, config)
        theme = str(form.get("theme", "")).strip()
        draft_request = DraftRequest(theme=theme)
        draft_request.check()
        draft = await run_in_threadpool(compose, context.index(), draft_request)
        return render_page(request, "draft.html", draft=draft.to_dict())

    return [
        Route("/", home, methods=["GET"], name="home"),
        Route("/draft", make_draft, methods=["POST"], name="draft"),
    ]
