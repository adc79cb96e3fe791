"""The draft page: the form, a draft shown the way it will look on paper, the moves on each
part, downloads and the workspace's history.

Handlers only read the request, call the library (``Composer`` through ``workflow.review``,
``render_file``, the history) in a worker thread, and render or redirect. Every move is a plain
form posted to ``/part/{n}/…`` and answered with a redirect to ``/`` (post/redirect/get), so
the page works without JavaScript; the state stays in the server-side session.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from drafter.errors import DrafterError, DraftError
from drafter.output.common import describe_source, draft_byline, off_theme
from drafter.web import draftstate
from drafter.web.context import WebContext
from drafter.web.downloads import render_download
from drafter.web.draftform import TEXT_MAX, DraftForm, to_request
from drafter.web.draftstate import DraftState, current, say_edited, say_rerolled
from drafter.web.history import History
from drafter.web.pages import render_page
from drafter.web.security import WebError, read_form, session_of
from drafter.web.suggest import suggestions
from drafter.workflow.review import StaleOffer

_MOVES = ("keep", "unkeep", "reroll", "lock", "unlock", "edit")


def _texts(form: FormData) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _field(form: FormData, name: str, label: str) -> str:
    value = form.get(name, "")
    if not isinstance(value, str):
        raise WebError(f"{label}应为文字", 400)
    if len(value) > TEXT_MAX * 5:
        raise WebError(f"{label}太长", 400)
    return value


def _see_draft() -> Response:
    return RedirectResponse("/", status_code=303)


def routes(context: WebContext) -> list[BaseRoute]:
    config = context.config
    history = History(config.root, config.history_limit)

    def page_data(state: DraftState | None, form: DraftForm | None) -> dict[str, Any]:
        """What the page shows besides the draft, read in a worker thread (the index may be
        loaded here for the first time)."""
        index = context.index()
        return {
            "suggestions": suggestions(index),
            "occasions": [o.name for o in index.themes.occasions],
            "history": history.entries(),
            "form": form or (state.form if state else DraftForm()),
        }

    async def show(
        request: Request,
        status: int = 200,
        form: DraftForm | None = None,
        error: str | None = None,
    ) -> Response:
        session = session_of(request)
        state = session.data.get(draftstate.KEY)
        state = state if isinstance(state, DraftState) else None
        data = await run_in_threadpool(page_data, state, form)
        review = state.review if state else None
        return render_page(
            request,
            "draft.html",
            status,
            error=error,
            messages=state.take_messages() if state else [],
            draft=review.draft.to_dict() if review else None,
            locked=review.locked if review else set(),
            kept=review.kept if review else set(),
            version=state.version if state else "",
            history_id=state.history_id if state else None,
            src=describe_source,
            off_theme=off_theme,
            byline=draft_byline,
            **data,
        )

    async def home(request: Request) -> Response:
        return await show(request)

    def remember(state: DraftState) -> None:
        """The draft as it stands, in the history (the same id after each move)."""
        try:
            state.history_id = history.save(state.review.draft, state.history_id)
        except (OSError, DrafterError):
            state.say("warning", "草稿没能存入历史记录（工作目录无法写入），但仍可下载。")

    async def make_draft(request: Request) -> Response:
        form = await read_form(request, config)
        avoid_ids = [a for a in form.getlist("avoid") if isinstance(a, str)]
        fields = DraftForm.read(_texts(form), avoid_ids)
        try:
            avoid = history.avoid(fields.avoid)
            draft_request = to_request(fields, avoid)
            # The seed is not kept in the form: "生成提纲" again should give another draft
            # (the seed of this one is shown above it, and kept in its JSON).
            kept = replace(fields, seed="")
            state = await run_in_threadpool(draftstate.start, context.index(), draft_request, kept)
        except DrafterError as exc:
            # A bad field is 400; a request the bank cannot serve (DraftError) is 422.
            status = (
                exc.status
                if isinstance(exc, WebError)
                else (422 if isinstance(exc, DraftError) else 400)
            )
            return await show(request, status, fields, exc.user_message())
        await run_in_threadpool(remember, state)
        session_of(request).data[draftstate.KEY] = state
        return _see_draft()

    async def move(request: Request) -> Response:
        form = await read_form(request, config)
        state = current(session_of(request))
        draftstate.check_version(state, form.get("version"))
        i = state.part(request.path_params["n"])
        action = request.path_params["action"]
        if action not in _MOVES:
            raise WebError("没有这种操作", 404)
        review = state.review
        if action in ("keep", "unkeep", "lock", "unlock"):
            getattr(review, action)(i)
            return _see_draft()
        if action == "reroll":
            if i in review.locked:
                raise WebError("这一部分已锁定：先解锁再重抽", 409)
            done = await run_in_threadpool(state.run, lambda: review.reroll([i]))
            say_rerolled(state, done)
        else:
            heading = _field(form, "heading", "标题")
            lead = _field(form, "lead", "引言")
            points = [p for p in form.getlist("point") if isinstance(p, str)]
            if len(points) != len(review.draft.parts[i].points):
                raise WebError("要点的条数与草稿不符：请回到起草页刷新后再编辑", 400)
            if any(len(p) > TEXT_MAX * 5 for p in points):
                raise WebError("要点太长", 400)
            edited = await run_in_threadpool(
                state.run, lambda: review.edit(i, heading, lead, points)
            )
            say_edited(state, i, edited)
        await run_in_threadpool(remember, state)
        return _see_draft()

    async def reroll_rest(request: Request) -> Response:
        form = await read_form(request, config)
        state = current(session_of(request))
        draftstate.check_version(state, form.get("version"))
        done = await run_in_threadpool(state.run, state.review.reroll_rest)
        say_rerolled(state, done)
        if done.tried:
            await run_in_threadpool(remember, state)
        return _see_draft()

    async def alternatives(request: Request) -> Response:
        state = current(session_of(request))
        i = state.part(request.path_params["n"])
        if i in state.review.locked:
            raise WebError("这一部分已锁定：先解锁再换备选", 409)
        offer = await run_in_threadpool(state.run, lambda: state.review.alternatives(i))
        return render_page(
            request,
            "alternatives.html",
            number=i + 1,
            part=state.review.draft.parts[i].to_dict(),
            options=[part.to_dict() for _, part in offer.options],
            version=state.version,
            src=describe_source,
        )

    async def choose(request: Request) -> Response:
        form = await read_form(request, config)
        state = current(session_of(request))
        draftstate.check_version(state, form.get("version"))
        i = state.part(request.path_params["n"])
        picked = form.get("alternative", "")
        if not isinstance(picked, str) or not picked.isdecimal() or len(picked) > 3:
            raise WebError("请选择一个备选（序号）", 400)
        try:
            await run_in_threadpool(state.run, lambda: state.review.choose(i, int(picked) - 1))
        except StaleOffer:
            raise WebError("这些备选已经过期（草稿在此后改过）：请重新打开备选", 409) from None
        except IndexError:
            raise WebError(f"没有第 {picked} 个备选", 400) from None
        state.say("done", f"已换用备选 {picked}。", i)
        await run_in_threadpool(remember, state)
        return _see_draft()

    async def download(request: Request) -> Response:
        state = current(session_of(request))
        fmt = request.path_params["fmt"]
        sources = request.query_params.get("sources") == "1"
        data, media, disposition = await run_in_threadpool(
            render_download, state.review.draft, fmt, config.root, sources
        )
        return Response(data, media_type=media, headers={"content-disposition": disposition})

    return [
        Route("/", home, methods=["GET"], name="home"),
        Route("/draft", make_draft, methods=["POST"], name="draft"),
        Route("/reroll-rest", reroll_rest, methods=["POST"], name="reroll_rest"),
        Route("/part/{n}/alternatives", alternatives, methods=["GET"], name="alternatives"),
        Route("/part/{n}/choose", choose, methods=["POST"], name="choose"),
        Route("/part/{n}/{action}", move, methods=["POST"], name="move"),
        Route("/download/{fmt}", download, methods=["GET"], name="download"),
    ]
