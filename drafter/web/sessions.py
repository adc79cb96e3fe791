"""Server-side sessions: a random id in a cookie, the state in memory, with an expiry and a cap
so that memory does not grow with every visitor.

A session holds what one browser is working on (the draft on screen, its locks, the last batch
or mining job); nothing in it is needed after the browser goes away, so expiry just drops it.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

COOKIE = "drafter_session"


@dataclass
class Session:
    """One browser's state. ``data`` is free for the pages (draft state, jobs) to use."""

    id: str
    csrf: str
    created: float
    seen: float
    data: dict[str, Any] = field(default_factory=dict)


class SessionStore:
    """Sessions by id, least recently used first; expired ones are dropped as they are met."""

    def __init__(self, ttl: float, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.limit = limit
        self._clock = clock
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, session_id: str | None) -> Session | None:
        """The live session of ``session_id``, touched; None if unknown or expired."""
        if not session_id:
            return None
        now = self._clock()
        with self._lock:
            self._expire(now)
            session = self._sessions.get(session_id)
            if session is None:
                return None
            session.seen = now
            self._sessions.move_to_end(session_id)
            return session

    def create(self) -> Session:
        now = self._clock()
        session = Session(secrets.token_urlsafe(24), secrets.token_urlsafe(24), now, now)
        with self._lock:
            self._expire(now)
            while len(self._sessions) >= self.limit:
                self._sessions.popitem(last=False)
            self._sessions[session.id] = session
        return session

    def _expire(self, now: float) -> None:
        # Least recently seen first: stop at the first live one.
        while self._sessions:
            oldest = next(iter(self._sessions.values()))
            if now - oldest.seen <= self.ttl:
                break
            self._sessions.popitem(last=False)
