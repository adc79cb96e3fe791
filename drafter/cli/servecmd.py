"""``drafter serve``: parse its options, start the local web page, say where it is."""

from __future__ import annotations

import secrets
from typing import Annotated

import typer

from drafter.cli.options import BankOpt
from drafter.cli.options import root as _root


def serve_cmd(
    port: Annotated[int, typer.Option("--port", help="端口。")] = 8765,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="监听地址（默认只接受本机访问）。设为其他地址时会生成访问令牌，"
            "每个请求都须带上它。",
        ),
    ] = "127.0.0.1",
    open_browser: Annotated[
        bool, typer.Option("--open", help="启动后用默认浏览器打开页面。")
    ] = False,
    upload_limit: Annotated[
        int, typer.Option("--upload-limit", help="一次上传的大小上限（MB）。")
    ] = 20,
    bank: BankOpt = None,
) -> None:
    """在本机启动起草助手网页版：不会终端的同事用浏览器起草、查素材、批量起草。"""
    from drafter.cli.console import note
    from drafter.web.config import ServeConfig, is_local
    from drafter.web.server import serve

    token = None if is_local(host) else secrets.token_urlsafe(18)
    config = ServeConfig(
        root=_root(),
        host=host,
        port=port,
        bank=bank,
        token=token,
        max_upload_bytes=upload_limit * 1024 * 1024,
    )
    config.check()

    def ready(url: str) -> None:
        note(f"起草助手网页版已启动：{url}")
        if token:
            note("本机以外的地址需要令牌：请把上面的完整地址（含 token=…）发给使用者")
        note("按 Ctrl-C 停止")
        if open_browser:
            import webbrowser

            webbrowser.open(url)

    serve(config, ready)
