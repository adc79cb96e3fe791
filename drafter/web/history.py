"""The workspace's draft history: each draft made on the page, saved as the JSON of
``drafter draft -f json``, so that a later draft can avoid its material (as ``--avoid`` does).

Ids are made here and checked against one pattern before they name a file: an id from a form
is never a path. The history lives in ``<root>/.drafter/history/``; beyond the limit the
oldest drafts go.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from drafter.drafting.model import Avoid, Draft, read_avoid
from drafter.errors import DrafterError
from drafter.files.yamlio import write_atomic
from drafter.web.security import WebError

HISTORY_DIR = Path(".drafter") / "history"
_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")
_SUMMARY_MAX = 2 * 2**20  # a page's own draft is far smaller; anything bigger is not one


@dataclass(frozen=True)
class Entry:
    """One saved draft as the page lists it."""

    id: str
    title: str
    theme: str
    saved: str  # "2025-01-31 14:05", from the id


def is_id(text: str) -> bool:
    return bool(_ID.match(text))


def _when(entry_id: str) -> str:
    day, clock = entry_id.split("-")[:2]
    return f"{day[:4]}-{day[4:6]}-{day[6:]} {clock[:2]}:{clock[2:4]}"


class History:
    """The saved drafts of one workspace, newest first."""

    def __init__(self, root: Path, limit: int) -> None:
        self.folder = root / HISTORY_DIR
        self.limit = max(1, limit)
        self._lock = threading.Lock()
        self._titles: dict[str, Entry] = {}  # saved files change only by save(): read once
        # The ids on disk, newest first, with the folder's mtime they were listed at: listing
        # the folder on every draft cost as much as composing the draft.
        self._listed: tuple[int, list[str]] | None = None

    def _path(self, entry_id: str) -> Path:
        if not is_id(entry_id):
            raise WebError("没有这份历史草稿（编号无效）", 400)
        return self.folder / f"{entry_id}.json"

    def new_id(self) -> str:
        return f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"

    def save(self, draft: Draft, entry_id: str | None = None) -> str:
        """Write ``draft`` under ``entry_id`` (a new id when None) atomically; the oldest
        drafts beyond the limit are removed. Returns the id."""
        entry_id = entry_id or self.new_id()
        path = self._path(entry_id)
        # Compact JSON: the same data as ``drafter draft -f json`` (``--avoid`` reads either),
        # written by json's C encoder, which an indented dump does not use (5x the time).
        text = json.dumps(draft.to_dict(), ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            write_atomic(path, text, durable=False)
            self._titles[entry_id] = Entry(entry_id, draft.title, draft.theme, _when(entry_id))
            ids = self._ids(known=entry_id)
            for old in ids[self.limit :]:
                self._titles.pop(old, None)
                self._path(old).unlink(missing_ok=True)
            # What this save changed is known: keep the list rather than list the folder again.
            self._listed = (self.folder.stat().st_mtime_ns, ids[: self.limit])
        return entry_id

    def _ids(self, known: str | None = None) -> list[str]:
        """The ids on disk, newest first; ``known``: an id just written, added to the list
        kept from before the write instead of listing the folder again."""
        listed = self._listed
        if known is not None and listed is not None:
            return sorted({*listed[1], known}, reverse=True)
        try:
            stamp = self.folder.stat().st_mtime_ns
        except OSError:
            return []
        if listed is None or listed[0] != stamp:
            ids = [p.stem for p in self.folder.glob("*.json") if is_id(p.stem)]
            listed = self._listed = (stamp, sorted(ids, reverse=True))
        return list(listed[1])

    def entries(self) -> list[Entry]:
        """The saved drafts, newest first; a file that cannot be read is left out."""
        out = []
        for entry_id in self._ids():
            entry = self._titles.get(entry_id) or self._summary(entry_id)
            if entry is not None:
                out.append(entry)
        return out

    def _summary(self, entry_id: str) -> Entry | None:
        path = self._path(entry_id)
        try:
            if path.stat().st_size > _SUMMARY_MAX or not path.is_file():
                return None
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(data, dict):
            return None
        title, theme = data.get("title"), data.get("theme")
        entry = Entry(
            entry_id,
            title if isinstance(title, str) else "（无标题）",
            theme if isinstance(theme, str) else "",
            _when(entry_id),
        )
        self._titles[entry_id] = entry
        return entry

    def avoid(self, ids: list[str]) -> Avoid:
        """The material of the saved drafts ``ids`` (each checked, then read as ``--avoid``)."""
        material = Avoid()
        for entry_id in dict.fromkeys(ids):
            path = self._path(entry_id)
            if not path.is_file():
                raise WebError("要避开的历史草稿已不存在（可能已被清理），请刷新页面后重选", 400)
            try:
                material = material | read_avoid(path)
            except DrafterError as exc:
                raise WebError(f"历史草稿无法读取：{exc.message}", 400) from None
        return material
