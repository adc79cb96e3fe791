"""Editing one entry as text: what ``drafter bank edit`` puts in the editor and takes back.

The entry is shown as it stands in its file (comments and layout included, indentation taken
off), and what comes back is checked against the schema before it replaces those lines. The
lock is not held while the user edits: the entry is compared with what was shown before saving.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from drafter.bank.check import position
from drafter.bank.fileedit import FileEdit, bank_lock
from drafter.bank.linemap import iter_rows
from drafter.bank.ops import Change, Edits, bank_lexicon, problems_error
from drafter.bank.schema import KINDS, entry_problems
from drafter.bank.store import Entry, parse_entry
from drafter.errors import InvalidEntry, UsageError
from drafter.files.yamlio import PosDict, dump_yaml, positioned_text
from drafter.text.normalize import fold

HINT = "#| "  # lines drafter adds to the text it shows; they are dropped when it is read back


@dataclass(frozen=True)
class EditDraft:
    """An entry handed out for editing."""

    kind: str
    entry_id: str
    text: str  # the entry as a YAML mapping, without its list dash and indentation
    original: str  # its lines as they stood in the file, to notice a change made meanwhile
    indent: int  # column of its keys in the file
    seq_col: int  # column of its list dash


def _dedent(block: list[str], indent: int, seq_col: int) -> str:
    out = []
    for i, line in enumerate(block):
        if i == 0:
            line = line[:seq_col] + " " + line[seq_col + 1 :]  # the dash becomes a blank
        width = len(line) - len(line.lstrip(" "))
        out.append(line[min(width, indent) :] if line.strip() else "\n")
    return "".join(out)


def begin_edit(directory: Path, entry_id: str) -> EditDraft:
    """The entry's text for the editor."""
    kind, edit, row = Edits(directory).find(entry_id)
    edit.check_editable()
    block = edit.block(row)
    seq_col = edit.line_map.layout.seq_col
    if row.indent < 0:  # a flow mapping {…}: shown as block YAML
        text, indent = dump_yaml(edit.data(row)), 0
    else:
        indent = row.indent
        text = _dedent(block, indent, seq_col)
    return EditDraft(kind, entry_id, text, "".join(block), indent, seq_col)


def editor_text(draft: EditDraft, problem: str | None = None) -> str:
    """What the editor shows: a short guide (and the last problem), then the entry."""
    lines = [
        f"编辑素材条目 {draft.entry_id}（{KINDS[draft.kind][2]}）。保存并关闭编辑器即写回素材库；",
        "内容不变或清空则不做修改。以“#|”开头的说明行不会写入。",
    ]
    if problem:
        lines += ["", "上次保存的内容有问题，请修改：", *problem.split("\n")]
    return "".join(f"{HINT}{line}\n" for line in lines) + strip_hints(draft.text)


def _lines(text: str) -> list[str]:
    """Lines broken at "\n" only: a U+2028 or a stray "\r" inside a text is not a line end."""
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _is_hint(line: str) -> bool:
    return line.startswith(HINT.rstrip())


def strip_hints(text: str) -> str:
    return "".join(line for line in _lines(text) if not _is_hint(line))


def blank_hints(text: str) -> str:
    """The text with drafter's lines blanked, so positions still name the lines the user saw."""
    return "".join("\n" if _is_hint(line) else line for line in _lines(text))


def _indented(text: str, indent: int, seq_col: int) -> list[str]:
    out: list[str] = []
    dash = False
    for line in _lines(text):
        if not line.endswith("\n"):
            line += "\n"
        if not line.strip():
            out.append("\n")
        elif not dash and line.lstrip().startswith("#"):
            # A comment above the entry's first key goes above its dash, at the list's column:
            # indented, it would read as the end of the entry before.
            out.append(" " * seq_col + line.lstrip(" "))
        elif not dash:
            out.append(" " * seq_col + "- " + " " * max(indent - seq_col - 2, 0) + line)
            dash = True
        else:
            out.append(" " * max(indent, seq_col + 2) + line)
    while out and out[-1] == "\n":
        out.pop()
    return out


def check_edit(directory: Path, draft: EditDraft, text: str, shown_as: Path) -> Entry:
    """The edited entry, or a ``BankError`` with every problem at its line in ``shown_as``."""
    raw = positioned_text(blank_hints(text), shown_as, InvalidEntry)
    if not isinstance(raw, PosDict):
        raise InvalidEntry("条目应为映射（键: 值），如 “text: …”", path=shown_as, line=1)
    dims = set(bank_lexicon(directory).names)
    problems = [(position(raw, keys), msg) for keys, msg in entry_problems(raw, draft.kind, dims)]
    problems += [(at, f"键“{key}”重复出现") for key, at in raw.duplicates]
    if raw.get("kind", draft.kind) != draft.kind:
        problems.append((raw.at("kind"), "种类不能在编辑时更改；请删除后用 drafter bank add 添加"))
    if problems:
        raise problems_error(shown_as, problems, InvalidEntry)
    new_id = raw["id"]
    key = fold(raw["text"])
    for kind, row in iter_rows(directory):
        if row.id == draft.entry_id:
            continue
        if row.id == new_id:
            raise InvalidEntry(
                f"编号 {new_id} 已被另一条素材使用", path=shown_as, line=raw.at("id")[0]
            )
        if kind == draft.kind and row.key == key:
            raise InvalidEntry(
                f"改后的文字与 {row.id}“{row.text}”重复", path=shown_as, line=raw.at("text")[0]
            )
    return parse_entry(raw, draft.kind, shown_as)


def finish_edit(directory: Path, draft: EditDraft, text: str, shown_as: Path) -> Change:
    """Put the edited entry in place of the old one (checked again under the lock)."""
    entry = check_edit(directory, draft, text, shown_as)
    change = Change(entries=[entry])
    with bank_lock(directory):
        edit = FileEdit(directory, draft.kind)
        row = edit.row(draft.entry_id)
        if row is None or "".join(edit.block(row)) != draft.original:
            raise UsageError(
                f"编辑期间条目 {draft.entry_id} 被别的命令改动或删除了，未保存；你的修改仍在这个文件里",
                path=shown_as,
            )
        edit.replace(row, _indented(strip_hints(text), draft.indent, draft.seq_col))
        change.wrote(edit.path, edit.save())
    return change
