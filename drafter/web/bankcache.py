"""Banks kept loaded between page views while their files stay as they are.

``drafter bank show`` loads the whole bank once per run; the entry page is opened again and
again, and a bank of a few thousand entries takes seconds to parse. The page keeps the last
few ``Bank`` objects keyed by their files' stamps, so any write (the page's, the CLI's, an
editor's) is seen at the next view.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from drafter.bank.layout import bank_files
from drafter.bank.linemap import load_line_map
from drafter.bank.query import Usage, entry_usage
from drafter.bank.schema import KINDS
from drafter.bank.store import Bank, load_bank

KEPT = 3
_Stamp = tuple[tuple[str, int, int, int], ...]
_banks: OrderedDict[Path, tuple[_Stamp, Bank]] = OrderedDict()
_lock = threading.Lock()


def _stamp(directory: Path) -> _Stamp:
    out = []
    for path in bank_files(directory):
        try:
            info = path.stat()
        except OSError:
            continue
        out.append((path.name, info.st_ino, info.st_size, info.st_mtime_ns))
    return tuple(out)


def bank_of(directory: Path) -> Bank:
    """``load_bank(directory)``, from memory while its files are unchanged."""
    key, stamp = directory.resolve(), _stamp(directory)
    with _lock:
        kept = _banks.get(key)
        if kept is not None and kept[0] == stamp:
            _banks.move_to_end(key)
            return kept[1]
    bank = load_bank(directory)
    with _lock:
        _banks[key] = (stamp, bank)
        while len(_banks) > KEPT:
            _banks.popitem(last=False)
    return bank


def entry_in_layers(directories: tuple[Path, ...], entry_id: str) -> tuple[Path, Usage]:
    """``bank.query.entry_in_layers`` with the banks kept loaded: the first bank whose line
    maps hold ``entry_id`` (the writer's before the bundled), and the entry's usage there."""
    for directory in directories[:-1]:
        if any(entry_id in load_line_map(directory, kind)[0].by_id for kind in KINDS):
            return directory, entry_usage(bank_of(directory), entry_id)
    return directories[-1], entry_usage(bank_of(directories[-1]), entry_id)
