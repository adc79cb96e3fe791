"""How a ``drafter serve`` server is set up: address, workspace, limits."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from drafter.errors import UsageError

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def is_local(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ServeConfig:
    """Everything the web application needs to know; the CLI builds it from its options."""

    root: Path  # the workspace: its phrasebank/, templates/ and drafter.yaml
    host: str = "127.0.0.1"
    port: int = 8765
    bank: Path | None = None  # --bank: this bank alone, as on the command line
    token: str | None = None  # required on every request when the host is not local
    max_upload_bytes: int = 20 * 1024 * 1024  # one request's body: files and fields together
    max_upload_files: int = 50
    session_ttl: float = 4 * 3600.0  # seconds a session lives after its last request
    max_sessions: int = 200  # the oldest session goes first beyond this
    history_limit: int = 200  # drafts kept in the workspace's history
    extra_hosts: tuple[str, ...] = field(default=())  # Host headers accepted besides the bound one

    def check(self) -> None:
        if not 0 <= self.port <= 65535:
            raise UsageError(f"端口应在 0–65535 之间（而不是 {self.port}）")
        if not is_local(self.host) and not self.token:
            raise UsageError("监听本机以外的地址时必须设置访问令牌")
        if self.max_upload_bytes <= 0:
            raise UsageError("上传大小上限必须大于 0")
