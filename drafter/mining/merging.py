"""Putting freshly mined entries into a bank without losing what the user keeps there.

``merge`` is ``drafter mine --out``'s rule: the mined material is replaced, the user's entries,
edits and disabled marks are kept. ``merge_into`` is ``--into``'s: it also keeps, untouched, the
mined material that did not come from the files the bank's record lists (the bundled bank's,
or what an earlier ``--out`` mined), and the disabled marks on material that is gone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from drafter.bank.store import Entry, entry_id

_MAX_ALSO_IN = 10  # as mining: a pattern lists a few of the speeches it is found in


def merge(existing: list[Entry], mined: list[Entry]) -> tuple[list[Entry], int, int]:
    """Fresh mined entries plus everything the user owns in the existing file.

    Kept: entries with ``origin: user``; ``disabled: true`` on mined entries; mined entries whose
    text was edited by hand (they become the user's, and the original stays out). Returns the
    merged list and how many user entries and disabled marks were kept.
    """
    disabled: set[str] = set()
    replaced: set[str] = set()
    users: list[Entry] = []
    for entry in existing:
        if entry.origin == "user":
            users.append(entry)
            if isinstance(entry.extra.get("replaces"), str):
                replaced.add(entry.extra["replaces"])
        elif entry.kind != "heading_pattern" and entry.id != entry_id(entry.kind, entry.text):
            replaced.add(entry.id)
            extra = {**entry.extra, "replaces": entry.id}
            users.append(
                replace(entry, id=entry_id(entry.kind, entry.text), origin="user", extra=extra)
            )
        elif entry.disabled:
            disabled.add(entry.id)
    # An edit that only changes punctuation width, script or spacing keeps the id: keep the text.
    retexted = {
        e.id: e.text for e in existing if e.origin == "mined" and e.id == entry_id(e.kind, e.text)
    }
    fresh = [
        replace(e, disabled=e.id in disabled, text=retexted.get(e.id, e.text))
        for e in mined
        if e.id not in replaced
    ]
    user_ids = {u.id for u in users}
    fresh = [e for e in fresh if e.id not in user_ids]
    kept_disabled = sum(1 for e in fresh if e.disabled)
    return fresh + users, len(users), kept_disabled


@dataclass
class IntoCounts:
    """What ``merge_into`` kept, for the report."""

    user: int = 0  # the user's entries (added by hand, or mined and edited)
    disabled: int = 0  # disabled marks kept
    earlier: int = 0  # mined entries not from a recorded file, kept as they were
    enlarged: int = 0  # earlier heading patterns that took fillers of a recorded file


def merge_into(
    existing: list[Entry], mined: list[Entry], recorded: set[str]
) -> tuple[list[Entry], IntoCounts]:
    """The entries of one kind after mining into a bank whose record lists ``recorded`` files.

    Mined entries from recorded files are replaced by ``mined`` (mined again from every
    recorded file), with ``merge``'s rule for edits and disabled marks; a disabled one whose
    text is gone stays, so the mark is not lost. Other mined entries (earlier material) stay as
    they are, and a fresh entry with the same id as one of them is left out; a fresh heading
    pattern instead adds its fillers to the earlier one. Order: earlier material, fresh
    material, kept disabled entries, the user's entries.
    """
    counts = IntoCounts()
    earlier: list[Entry] = []
    managed: list[Entry] = []
    users: list[Entry] = []
    for entry in existing:
        if entry.origin == "user":
            users.append(entry)
        elif entry.source is not None and entry.source.file in recorded:
            managed.append(entry)
        else:
            earlier.append(entry)
    by_id = {e.id: at for at, e in enumerate(earlier)}
    fresh: list[Entry] = []
    for entry in mined:
        at = by_id.get(entry.id)
        if at is None:
            fresh.append(entry)
        elif entry.kind == "heading_pattern":
            enlarged = _enlarge(earlier[at], entry)
            if enlarged is not None:
                earlier[at] = enlarged
                counts.enlarged += 1
    merged, counts.user, counts.disabled = merge(managed + users, fresh)
    present = {e.id for e in merged}
    gone = [
        e
        for e in managed
        if e.disabled and e.id not in present and e.id == entry_id(e.kind, e.text)
    ]
    counts.disabled += len(gone) + sum(1 for e in earlier if e.disabled)
    counts.earlier = len(earlier)
    result = earlier + [e for e in merged if e.origin != "user"] + gone
    return result + [e for e in merged if e.origin == "user"], counts


def _enlarge(known: Entry, found: Entry) -> Entry | None:
    """``known`` with the sets and fillers of ``found`` (the same skeleton) that it lacks, as
    mining joins one skeleton found in two speeches; None when it lacks nothing."""
    sets = known.extra.get("sets")
    slots = known.extra.get("slots")
    new_sets = [s for s in found.extra.get("sets", []) if s not in (sets or [])]
    if not new_sets or not isinstance(sets, list) or not isinstance(slots, list):
        return None  # nothing new, or a pattern edited out of shape: left alone
    theirs = found.extra.get("slots", [])
    if len(slots) != len(theirs) or not all(isinstance(s, dict) for s in slots):
        return None
    extra: dict[str, Any] = {**known.extra, "sets": [*sets, *new_sets]}
    extra["slots"] = [_joined(mine, other) for mine, other in zip(slots, theirs, strict=True)]
    if isinstance(known.extra.get("level"), int) and isinstance(found.extra.get("level"), int):
        extra["level"] = min(known.extra["level"], found.extra["level"])
    dims = [*known.dimensions, *(d for d in found.dimensions if d not in known.dimensions)]
    also = list(known.also_in)
    where = found.source
    if where is not None and where not in (known.source, *also) and len(also) < _MAX_ALSO_IN:
        also.append(where)
    return replace(known, extra=extra, dimensions=dims, also_in=also)


def _joined(mine: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    fillers = list(mine.get("fillers") or [])
    fillers += [f for f in theirs.get("fillers", []) if f not in fillers]
    out = {**mine, "fillers": fillers}
    for key, pick in (("min", min), ("max", max)):
        if isinstance(mine.get(key), int) and isinstance(theirs.get(key), int):
            out[key] = pick(mine[key], theirs[key])
    return out
