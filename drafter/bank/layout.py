"""Which files make up a bank folder, how big they may be, and which lexicon and theme book it uses."""

from __future__ import annotations

import hashlib
from pathlib import Path

from drafter.bank.lexicon import LEXICON_FILE
from drafter.bank.schema import KINDS
from drafter.bank.themes import THEMES_FILE
from drafter.errors import BankError
from drafter.files.decoding import read_file_bytes
from drafter.workspace import bundled

# Bank files grow with a team's material; the lower limit for briefs does not fit them.
BANK_MAX_BYTES = 64 * 1024 * 1024


def bank_files(directory: Path) -> list[Path]:
    """The files whose content makes up a bank: entries, lexicon and themes, in a fixed order."""
    names = [name for name, _, _ in KINDS.values()] + [LEXICON_FILE, THEMES_FILE]
    return [directory / name for name in names]


def bank_version(directory: Path) -> str:
    """Hash of the bank files' bytes (a missing file counts as absent, not as empty)."""
    digest = hashlib.sha1()
    for path in bank_files(directory):
        digest.update(path.name.encode() + b"\0")
        if path.exists():
            digest.update(read_file_bytes(path, BankError, max_bytes=BANK_MAX_BYTES))
        else:
            digest.update(b"\1missing")
    return digest.hexdigest()[:12]


def config_paths(directory: Path) -> tuple[Path, Path]:
    """The lexicon and theme book a bank uses: its own, or the bundled ones."""

    def pick(name: str) -> Path:
        own = directory / name
        return own if own.exists() else bundled("phrasebank") / name

    return pick(LEXICON_FILE), pick(THEMES_FILE)
