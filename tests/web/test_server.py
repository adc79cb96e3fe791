"""The listening socket ``drafter serve`` binds before uvicorn starts."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from drafter.web.config import ServeConfig
from drafter.web.server import bind


def test_connections_send_without_waiting_for_acks(tmp_path: Path) -> None:
    # Nagle's algorithm off on every accepted connection: asyncio sets TCP_NODELAY only when the
    # socket says it is TCP. Without it a kept-alive page waited for the browser's delayed ACK.
    listener = bind(ServeConfig(root=tmp_path, port=0))
    port = listener.getsockname()[1]

    async def accepted_nodelay() -> int:
        writers: asyncio.Queue[asyncio.StreamWriter] = asyncio.Queue()

        async def on_connect(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await writers.put(writer)

        server = await asyncio.start_server(on_connect, sock=listener)
        async with server:
            _, client = await asyncio.open_connection("127.0.0.1", port)
            writer = await asyncio.wait_for(writers.get(), 10)
            value: int = writer.get_extra_info("socket").getsockopt(
                socket.IPPROTO_TCP, socket.TCP_NODELAY
            )
            client.close()
            writer.close()
            return value

    assert asyncio.run(accepted_nodelay()) != 0
