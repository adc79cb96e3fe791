"""Running the application: bind, say where, serve until Ctrl-C."""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable

from drafter.errors import UsageError
from drafter.web.config import ServeConfig, is_local


def address(config: ServeConfig) -> str:
    """The address a writer opens, with the token when one is needed."""
    host = f"[{config.host}]" if ":" in config.host else config.host
    url = f"http://{host}:{config.port}/"
    return f"{url}?token={config.token}" if config.token and not is_local(config.host) else url


def bind(config: ServeConfig) -> socket.socket:
    """The listening socket, bound before uvicorn starts so that a port in use is a plain
    message rather than uvicorn's log line and exit."""
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    # IPPROTO_TCP spelled out: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on
    # connections whose socket says so. With proto 0, every response on a kept-alive connection
    # (headers and body are two writes) waited ~40 ms for the browser's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((config.host, config.port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(
                f"端口 {config.port} 已被占用（可能 drafter serve 已在运行），可用 --port 换一个"
            ) from None
        raise UsageError(f"无法监听 {config.host}:{config.port}（{exc.strerror or exc}）") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(config: ServeConfig, ready: Callable[[str], None] | None = None) -> None:
    """Serve ``config``'s application until interrupted; ``ready`` gets the address once the
    socket is bound."""
    import uvicorn

    from drafter.web.app import create_app

    app = create_app(config)
    sock = bind(config)
    if ready is not None:
        ready(address(config))
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    )
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
