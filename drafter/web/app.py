"""The ASGI application: routes, the guard, and the error pages."""

from __future__ import annotations

import logging
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from drafter.errors import DrafterError, DraftError
from drafter.web import bankroutes, batchroutes, draftroutes, mineroutes
from drafter.web.config import ServeConfig
from drafter.web.context import WebContext
from drafter.web.pages import STATIC, render_page
from drafter.web.security import Guard, Scope, WebError
from drafter.web.sessions import SessionStore

log = logging.getLogger("drafter.web")

_STATUS_TEXT = {
    404: "没有这个页面",
    405: "这个地址不接受这种请求",
}


def _status(exc: DrafterError) -> int:
    if isinstance(exc, WebError):
        return exc.status
    if isinstance(exc, DraftError):
        return 422
    return 400


async def _drafter_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DrafterError)
    return render_page(request, "error.html", _status(exc), message=exc.user_message())


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = _STATUS_TEXT.get(exc.status_code, "请求无法处理")
    return render_page(request, "error.html", exc.status_code, message=message)


async def _server_error(request: Request, exc: Exception) -> Response:
    # The traceback goes to the server's log for whoever runs it, never to the page.
    log.error("内部错误：%s %s", request.method, request.url.path, exc_info=exc)
    return render_page(
        request,
        "error.html",
        500,
        message="服务器内部错误：这是 drafter 的问题，不是您的操作有误。请把运行 drafter serve "
        "的窗口里显示的信息反馈给维护者。",
    )


def create_app(config: ServeConfig) -> Starlette:
    """The web application for ``config``; serve it with any ASGI server (uvicorn here)."""
    config.check()
    store = SessionStore(config.session_ttl, config.max_sessions)
    context = WebContext(config, store)

    async def refuse(scope: Scope, exc: WebError) -> Response:
        request = Request(scope)
        return render_page(request, "error.html", exc.status, message=exc.message)

    routes: list[BaseRoute] = [
        *draftroutes.routes(context),
        *bankroutes.routes(context),
        *mineroutes.routes(context),
        *batchroutes.routes(context),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    handlers: dict[Any, Any] = {
        DrafterError: _drafter_error,
        HTTPException: _http_error,
        Exception: _server_error,
    }
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard, config=config, store=store, refuse=refuse)],
        exception_handlers=handlers,
    )
    app.state.context = context
    return app
