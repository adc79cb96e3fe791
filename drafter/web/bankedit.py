"""What the bank page changes, as plain functions over the library's own bank operations.

Every write goes through ``drafter.bank.ops`` / ``drafter.bank.entrytext`` (the functions
``drafter bank add/edit/disable/enable`` call), so the page gets the same checks, the same lock
and the same atomic replacement of the file. Only the writer's own bank is ever written.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from drafter.bank.create import init_bank
from drafter.bank.entrytext import begin_edit, finish_edit, strip_hints
from drafter.bank.ops import Change, NewEntries, add_entries, set_disabled
from drafter.bank.schema import KINDS
from drafter.errors import UsageError
from drafter.web.context import WebContext
from drafter.web.security import WebError
from drafter.workspace import bundled

# An id as the bank writes them (prefix, dash, hex digest), or as a user renamed it in an
# edit: letters, digits, "_" and "-" only, so an id is never a path or markup.
_PREFIXES = "|".join(sorted((p for _, p, _ in KINDS.values()), key=len, reverse=True))
ENTRY_ID = re.compile(rf"^(?:{_PREFIXES})-[0-9A-Za-z_-]{{1,64}}$")
# Kinds whose texts are one line each: several lines in the box are several entries.
PER_LINE = ("heading", "point", "phrase", "quotation")
_INIT_LOCK = threading.Lock()  # two first edits at once must not both copy the bundled bank


def check_entry_id(raw: str) -> str:
    if not ENTRY_ID.match(raw):
        raise WebError("条目编号格式不对（应如 h-d5e4b0a40b）", 404)
    return raw


def own_bank(context: WebContext) -> Path:
    """The writer's own bank, made as ``drafter bank init`` makes it before the first write."""
    target = context.own_bank()
    if target.resolve() == bundled("phrasebank").resolve():
        raise UsageError("drafter 自带的素材库不能修改；请用 --bank 指定自己的素材库目录")
    with _INIT_LOCK:
        if not target.is_dir() or not any(target.iterdir()):
            init_bank(target)
    return target


@dataclass(frozen=True)
class AddForm:
    """The add form as typed; kept to show it again when it is refused."""

    kind: str = "heading"
    texts: str = ""
    dimensions: str = ""
    heading: str = ""
    body: str = ""
    speaker: str = ""

    def request(self) -> NewEntries:
        text = self.texts.replace("\r\n", "\n")
        if self.kind in PER_LINE:
            texts = tuple(line for line in text.split("\n") if line.strip())
        else:
            texts = (text,) if text.strip() else ()
        dims = tuple(d for d in re.split(r"[,，、\s]+", self.dimensions) if d)
        return NewEntries(
            self.kind,
            texts,
            dims,
            self.body.replace("\r\n", "\n") or None,
            self.heading or None,
            self.speaker or None,
        )


def add(context: WebContext, form: AddForm) -> Change:
    return add_entries(own_bank(context), form.request())


def toggle(context: WebContext, entry_id: str, disabled: bool) -> Change:
    return set_disabled(own_bank(context), [entry_id], disabled)


def stamp(original: str) -> str:
    """What the edit form carries of the entry as it was shown, to notice a change meanwhile."""
    return hashlib.sha256(original.encode()).hexdigest()[:32]


def edit_text(directory: Path, entry_id: str) -> tuple[str, str]:
    """The entry's YAML as ``drafter bank edit`` shows it, and its stamp."""
    draft = begin_edit(directory, entry_id)
    return draft.text, stamp(draft.original)


def save_edit(context: WebContext, entry_id: str, text: str, given: str) -> Change | None:
    """Replace the entry with ``text`` (checked as ``bank edit`` checks it); None if unchanged."""
    directory = own_bank(context)
    draft = begin_edit(directory, entry_id)
    if stamp(draft.original) != given:
        raise UsageError("打开编辑框之后，这个条目已被别处修改；请重新打开条目页，在最新内容上修改")
    # Browsers send a text box's line ends as CRLF: the bank's lines end in LF.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if strip_hints(text).strip() == draft.text.replace("\r\n", "\n").strip():
        return None
    return finish_edit(directory, draft, text, Path(f"{entry_id}.yaml"))
