"""The guard: host, token, sessions, cross-site POSTs, body size, error pages."""

from __future__ import annotations

from dataclasses import replace

from starlette.routing import Route
from starlette.testclient import TestClient

from drafter.web.app import create_app
from drafter.web.config import ServeConfig
from drafter.web.sessions import SessionStore
from tests.web.conftest import BASE, Page, csrf_of


def test_home_page_is_chinese_and_sets_a_session(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="zh-CN"' in response.text
    assert "drafter_session" in response.cookies
    assert "HttpOnly" in response.headers["set-cookie"]
    assert "SameSite=Strict" in response.headers["set-cookie"]


def test_a_foreign_host_header_is_refused(client: TestClient) -> None:
    # DNS rebinding: a page elsewhere resolves its own name to 127.0.0.1.
    response = client.get("/", headers={"host": "attacker.example:8765"})
    assert response.status_code == 400
    assert "主机名" in response.text


def test_a_post_without_the_csrf_field_is_refused(page: Page) -> None:
    response = page.client.post("/draft", data={"theme": "乡村振兴"})
    assert response.status_code == 403
    assert "表单已过期" in response.text


def test_a_post_from_another_site_is_refused(page: Page) -> None:
    for headers in ({"origin": "http://evil.example"}, {"sec-fetch-site": "cross-site"}):
        response = page.post("/draft", {"theme": "乡村振兴"}, headers=headers)
        assert response.status_code == 403, headers
        assert "其他网站" in response.text


def test_a_post_without_a_session_is_refused(client: TestClient) -> None:
    response = client.post("/draft", data={"theme": "乡村振兴", "csrf": "x"})
    assert response.status_code == 403
    assert "页面已过期" in response.text


def test_every_post_route_checks_the_csrf_field(config: ServeConfig) -> None:
    app = create_app(config)
    with TestClient(app, base_url=BASE) as client:
        Page(client)  # a session, but no token in the forms below
        posts = [
            r.path
            for r in app.routes
            if isinstance(r, Route) and "POST" in (r.methods or ()) and "{" not in r.path
        ]
        assert posts
        for path in posts:
            response = client.post(path, data={"x": "1"})
            assert response.status_code == 403, path


def test_a_body_over_the_limit_is_refused(workspace) -> None:  # type: ignore[no-untyped-def]
    small = ServeConfig(root=workspace, max_upload_bytes=1024)
    with TestClient(create_app(small), base_url=BASE) as client:
        page = Page(client)
        response = page.post("/draft", {"theme": "乡" * 2000})
        assert response.status_code == 413
        assert "太大" in response.text


def test_a_non_local_host_needs_the_token(workspace) -> None:  # type: ignore[no-untyped-def]
    config = ServeConfig(root=workspace, host="0.0.0.0", token="s3cret")
    app = create_app(config)
    with TestClient(app, base_url="http://0.0.0.0:8765") as client:
        assert client.get("/").status_code == 403
        assert client.get("/", headers={"x-drafter-token": "wrong"}).status_code == 403
        moved = client.get("/?token=s3cret", follow_redirects=False)
        assert moved.status_code == 303
        assert moved.headers["location"] == "/"
        assert client.get("/").status_code == 200  # the cookie carries it from now on
        assert "drafter_token" in client.cookies


def test_unknown_pages_and_methods_get_chinese_pages(client: TestClient) -> None:
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert "没有这个页面" in missing.text
    assert client.put("/").status_code == 405


def test_a_bug_is_a_chinese_page_without_a_traceback(config: ServeConfig) -> None:
    app = create_app(config)

    async def broken(request):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret internals")

    app.router.routes.append(Route("/broken", broken))
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as client:
        response = client.get("/broken")
    assert response.status_code == 500
    assert "内部错误" in response.text
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text


def test_sessions_expire_and_are_capped() -> None:
    now = [0.0]
    store = SessionStore(ttl=10, limit=3, clock=lambda: now[0])
    first = store.create()
    assert store.get(first.id) is first
    now[0] = 11
    assert store.get(first.id) is None
    made = [store.create() for _ in range(5)]
    assert len(store) == 3
    assert store.get(made[0].id) is None
    assert store.get(made[-1].id) is made[-1]


def test_the_token_is_required_for_other_addresses(workspace) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from drafter.errors import UsageError

    with pytest.raises(UsageError):
        create_app(ServeConfig(root=workspace, host="192.168.1.5"))
    create_app(replace(ServeConfig(root=workspace), host="::1"))


def test_csrf_token_differs_between_sessions(config: ServeConfig) -> None:
    app = create_app(config)
    with TestClient(app, base_url=BASE) as a, TestClient(app, base_url=BASE) as b:
        assert csrf_of(a.get("/").text) != csrf_of(b.get("/").text)


def test_assets_make_no_session(config: ServeConfig) -> None:
    app = create_app(config)
    with TestClient(app, base_url=BASE) as client:
        for _ in range(5):
            response = client.get("/static/app.css")
            assert response.status_code == 200
            assert "set-cookie" not in response.headers
        assert len(app.state.context.store) == 0
