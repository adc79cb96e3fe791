"""Banks kept loaded between page views while their files stay as they are.

``drafter bank show`` loads the whole bank once per run; the entry page is opened again and
again, and a bank of a few thousand entries takes seconds to parse. The page keeps the last
few ``Bank`` objects keyed by their files' stamps, so any write (the page's, the CLI's, an
editor's) is seen at the next view.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

from drafter.bank.layout import bank_files
from drafter.bank.store import Bank, load_bank
from drafter.files.cache import stamp_files

KEPT = 3
_banks: OrderedDict[Path, tuple[str, Bank]] = OrderedDict()
_lock = threading.Lock()


def _stamp(directory: Path) -> str:
    digest = hashlib.sha1()
    stamp_files(digest, bank_files(directory))
    return digest.hexdigest()


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
