"""What keeps the local page local: the Host check (DNS rebinding), the access token for other
addresses, the body-size cap, sessions, and the cross-site checks on every POST.

One ASGI middleware does the checks that need no body; ``read_form`` does the ones that do (the
CSRF field and the upload limits), and every POST handler reads its form through it.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.datastructures import FormData
from starlette.formparsers import MultiPartException
from starlette.requests import Request

from drafter.errors import DrafterError
from drafter.web.config import LOCAL_HOSTS, ServeConfig, is_local
from drafter.web.sessions import COOKIE, Session, SessionStore

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOKEN_COOKIE = "drafter_token"
TOKEN_HEADER = "x-drafter-token"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
STATIC_PREFIX = "/static/"


class WebError(DrafterError):
    """A request the page refuses; ``status`` is its HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def allowed_hosts(config: ServeConfig) -> frozenset[str]:
    """The Host headers a request may carry: the address the server listens on, by name too
    when it is this machine. A page elsewhere that points its own name at 127.0.0.1 (DNS
    rebinding) sends its own name, and is refused."""
    names = set(LOCAL_HOSTS) if is_local(config.host) else {config.host}
    names |= set(config.extra_hosts)
    hosts = set()
    for name in names:
        shown = f"[{name}]" if ":" in name else name
        hosts |= (
            {f"{shown}:{config.port}", shown} if config.port == 80 else {f"{shown}:{config.port}"}
        )
    return frozenset(hosts)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookies(headers: dict[str, str]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed Cookie header is no cookie at all
        return {}
    return {k: m.value for k, m in jar.items()}


def _cookie_header(name: str, value: str) -> tuple[bytes, bytes]:
    return (b"set-cookie", f"{name}={value}; Path=/; HttpOnly; SameSite=Strict".encode())


class Guard:
    """The middleware: refuses what must not reach a page, and gives every request a session
    (``request.state.session``)."""

    def __init__(
        self,
        app: ASGIApp,
        config: ServeConfig,
        store: SessionStore,
        refuse: Callable[[Scope, WebError], Awaitable[Any]],
    ) -> None:
        self.app = app
        self.config = config
        self.store = store
        self.hosts = allowed_hosts(config)
        self.refuse = refuse  # renders the Chinese error page for a refused request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        cookies = _cookies(headers)
        try:
            self._check_host(headers)
            fresh_token = self._check_token(scope, headers, cookies)
            if scope["path"].startswith(STATIC_PREFIX) and scope["method"] in _SAFE:
                # Assets need no session: a burst of them must not push out writers' sessions.
                await self.app(scope, receive, send)
                return
            session, new = self._session(scope, cookies)
            self._check_cross_site(scope, headers, session, new)
            self._check_length(headers)
        except WebError as exc:
            response = await self.refuse(scope, exc)
            await response(scope, receive, send)
            return
        if fresh_token:  # the token came in the address: keep it in a cookie, drop it from view
            await self._redirect_without_token(scope, send, session if new else None)
            return
        scope.setdefault("state", {})["session"] = session
        limit = self.config.max_upload_bytes
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise WebError(_too_big(limit), 413)
            return message

        async def with_cookie(message: Message) -> None:
            if new and message["type"] == "http.response.start":
                message.setdefault("headers", []).append(_cookie_header(COOKIE, session.id))
            await send(message)

        await self.app(scope, counted, with_cookie)

    def _check_host(self, headers: dict[str, str]) -> None:
        if headers.get("host", "").lower() not in self.hosts:
            raise WebError("请求的主机名不对：请用启动时显示的地址打开本页面", 400)

    def _check_token(self, scope: Scope, headers: dict[str, str], cookies: dict[str, str]) -> bool:
        """True when the token was given in the address (and must move to a cookie)."""
        token = self.config.token
        if not token:
            return False
        given = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [])
        for value in (headers.get(TOKEN_HEADER), cookies.get(TOKEN_COOKIE)):
            if value is not None and secrets.compare_digest(value.encode(), token.encode()):
                return False
        if given and secrets.compare_digest(given[0].encode(), token.encode()):
            return True
        raise WebError("需要访问令牌：请用启动时显示的完整地址（含 token=…）打开本页面", 403)

    def _session(self, scope: Scope, cookies: dict[str, str]) -> tuple[Session, bool]:
        session = self.store.get(cookies.get(COOKIE))
        if session is not None:
            return session, False
        return self.store.create(), True

    def _check_cross_site(
        self, scope: Scope, headers: dict[str, str], session: Session, new: bool
    ) -> None:
        if scope["method"] in _SAFE:
            return
        site = headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            raise WebError("拒绝来自其他网站的请求", 403)
        origin = headers.get("origin")
        if origin not in (None, "null") and urlsplit(origin).netloc.lower() not in self.hosts:
            raise WebError("拒绝来自其他网站的请求", 403)
        if new:  # a POST needs the form of a page this session was given
            raise WebError("页面已过期（会话已结束），请刷新页面后重试", 403)

    def _check_length(self, headers: dict[str, str]) -> None:
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                raise WebError("请求头 Content-Length 无效", 400)
            if int(length) > self.config.max_upload_bytes:
                raise WebError(_too_big(self.config.max_upload_bytes), 413)

    async def _redirect_without_token(self, scope: Scope, send: Send, new: Session | None) -> None:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        query.pop("token", None)
        target = scope.get("path", "/") + (f"?{urlencode(query, doseq=True)}" if query else "")
        headers = [
            (b"location", target.encode("latin-1", "replace")),
            _cookie_header(TOKEN_COOKIE, self.config.token or ""),
        ]
        if new is not None:
            headers.append(_cookie_header(COOKIE, new.id))
        await send({"type": "http.response.start", "status": 303, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


def _too_big(limit: int) -> str:
    return f"上传的内容太大：一次最多 {limit // (1024 * 1024)} MB"


def session_of(request: Request) -> Session:
    session: Session = request.state.session
    return session


async def read_form(request: Request, config: ServeConfig) -> FormData:
    """A POST's form, after its CSRF token is checked; within the upload limits."""
    try:
        form = await request.form(
            max_files=config.max_upload_files,
            max_fields=200,
            max_part_size=min(config.max_upload_bytes, 1024 * 1024),
        )
    except MultiPartException as exc:
        raise WebError(f"表单无法读取（{exc.message}）", 400) from None
    given = form.get(CSRF_FIELD)
    if not isinstance(given, str):
        given = request.headers.get(CSRF_HEADER, "")
    expected = session_of(request).csrf
    if not secrets.compare_digest(given.encode("utf-8", "replace"), expected.encode()):
        raise WebError("表单已过期或来源不明，请刷新页面后重试", 403)
    return form
