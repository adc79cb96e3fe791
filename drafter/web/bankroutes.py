"""The bank page: search with the match marked, one entry with its sources and sibling set,
and add / edit / disable / enable, each a call to the library the CLI calls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from drafter.bank.layers import bank_label
from drafter.bank.ops import ADDABLE
from drafter.bank.query import entry_in_layers, search_layers
from drafter.errors import BankError, InvalidEntry, UsageError
from drafter.web import bankedit
from drafter.web.bankcache import bank_of
from drafter.web.bankedit import AddForm, check_entry_id
from drafter.web.bankviews import KIND_NAMES, SHOWN, usage_view, view
from drafter.web.context import WebContext
from drafter.web.pages import render_page
from drafter.web.security import WebError, read_form, session_of

MAX_QUERY = 100  # characters: a search is a phrase, not a document
MAX_TEXT = 20_000  # characters of one form field (an entry's YAML, a pasted paragraph)


def text_field(form: FormData, name: str, limit: int = MAX_TEXT) -> str:
    """A form field as text ("" when missing or a file), refused when over ``limit``."""
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    if len(value) > limit:
        raise WebError(f"填写的内容太长（最多 {limit} 字）", 400)
    return value


def flash(request: Request, message: str) -> None:
    """A message for the next page this session opens (after a redirect)."""
    session_of(request).data["flash"] = message


def take_flash(request: Request) -> str | None:
    message = session_of(request).data.pop("flash", None)
    return message if isinstance(message, str) else None


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def routes(context: WebContext) -> list[BaseRoute]:
    config = context.config

    def search_page(request: Request, status: int = 200, **extra: Any) -> Response:
        extra.setdefault("form", AddForm())
        extra.setdefault("error", None)
        return render_page(
            request,
            "bank.html",
            status,
            kinds=KIND_NAMES,
            addable={k: KIND_NAMES[k] for k in ADDABLE},
            notice=take_flash(request),
            **extra,
        )

    async def search(request: Request) -> Response:
        query = request.query_params.get("q", "").strip()[:MAX_QUERY]
        kind = request.query_params.get("kind", "")
        disabled = request.query_params.get("disabled") == "1"
        if kind and kind not in KIND_NAMES:
            raise WebError(f"未知的种类“{kind}”", 400)
        shown: dict[str, Any] = {"q": query, "kind": kind, "disabled": disabled}
        if not query:
            return search_page(request, results=None, total=0, **shown)
        try:
            found = await run_in_threadpool(search_layers, context.bank_dirs(), query, disabled)
        except UsageError as exc:
            return search_page(request, 400, results=None, total=0, problem=exc.message, **shown)
        found = [(bank, e) for bank, e in found if not kind or e.kind == kind]
        layered = len(context.bank_dirs()) > 1
        results = [view(e, bank if layered else "", query) for bank, e in found[:SHOWN]]
        return search_page(request, results=results, total=len(found), **shown)

    def load_entry(entry_id: str, text: str | None, given: str) -> dict[str, Any]:
        """What the entry page shows (read in a worker thread: a bank takes a moment)."""
        banks = context.bank_dirs()
        try:
            where, usage = entry_in_layers(banks, entry_id, load=bank_of)
        except UsageError as exc:
            raise WebError(exc.message, 404) from None
        own = context.own_bank()
        # The page writes to the writer's own bank only; before there is one, the first edit
        # makes it as a copy of the bundled bank, which holds this entry too.
        editable = _same(where, own) or not own.is_dir()
        shown: dict[str, Any] = {"yaml": text, "stamp": ""}
        if editable:
            yaml, stamp = bankedit.edit_text(where, entry_id)
            # A refused edit is shown again with the stamp it was made on, so that saving it
            # again still notices a change made meanwhile.
            shown["yaml"], shown["stamp"] = (yaml, stamp) if text is None else (text, given)
        label = bank_label(where) if len(banks) > 1 else ""
        return {"usage": usage_view(usage, label), "editable": editable, "own": own.name, **shown}

    async def entry_page(
        request: Request,
        entry_id: str,
        status: int = 200,
        text: str | None = None,
        given: str = "",
        error: str = "",
    ) -> Response:
        shown = await run_in_threadpool(load_entry, entry_id, text, given)
        notice = take_flash(request)
        return render_page(
            request, "bank_entry.html", status, notice=notice, error=error or None, **shown
        )

    async def entry(request: Request) -> Response:
        entry_id = check_entry_id(request.path_params["entry_id"])
        return await entry_page(request, entry_id)

    async def add(request: Request) -> Response:
        form = await read_form(request, config)
        fields = {k: text_field(form, k) for k in ("texts", "dimensions", "heading", "body")}
        typed = AddForm(text_field(form, "kind", 40), speaker=text_field(form, "speaker"), **fields)
        try:
            change = await run_in_threadpool(bankedit.add, context, typed)
        except (UsageError, BankError) as exc:
            shown = {"q": "", "kind": "", "disabled": False, "results": None, "total": 0}
            return search_page(request, 400, form=typed, error=exc.user_message(), **shown)
        flash(request, f"已添加 {len(change.entries)} 条素材到 {context.own_bank().name}")
        return _see(f"/bank/entry/{change.entries[0].id}")

    async def edit(request: Request) -> Response:
        entry_id = check_entry_id(request.path_params["entry_id"])
        form = await read_form(request, config)
        text, given = text_field(form, "yaml"), text_field(form, "stamp", 100)
        try:
            change = await run_in_threadpool(bankedit.save_edit, context, entry_id, text, given)
        except InvalidEntry as exc:
            where = f"第 {exc.line} 行：" if exc.line else ""
            return await entry_page(request, entry_id, 422, text, given, f"{where}{exc.message}")
        except (UsageError, BankError) as exc:
            return await entry_page(request, entry_id, 409, text, given, exc.message)
        if change is None:
            flash(request, "内容未改动，素材库未修改")
            return _see(f"/bank/entry/{entry_id}")
        flash(request, "已保存修改")
        return _see(f"/bank/entry/{change.entries[0].id}")

    def toggler(disabled: bool) -> Any:
        async def toggle(request: Request) -> Response:
            entry_id = check_entry_id(request.path_params["entry_id"])
            await read_form(request, config)
            change = await run_in_threadpool(bankedit.toggle, context, entry_id, disabled)
            done = "已停用：不再用于起草" if disabled else "已恢复：重新用于起草"
            flash(request, done if change.entries else "条目本来就是这个状态，未修改")
            return _see(f"/bank/entry/{entry_id}")

        return toggle

    return [
        Route("/bank", search, methods=["GET"], name="bank"),
        Route("/bank/add", add, methods=["POST"], name="bank_add"),
        Route("/bank/entry/{entry_id}", entry, methods=["GET"], name="bank_entry"),
        Route("/bank/entry/{entry_id}/edit", edit, methods=["POST"]),
        Route("/bank/entry/{entry_id}/disable", toggler(True), methods=["POST"]),
        Route("/bank/entry/{entry_id}/enable", toggler(False), methods=["POST"]),
    ]


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
