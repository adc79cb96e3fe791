"""What every page handler shares: the server's settings, the sessions, and the banks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from drafter.bank.layers import bank_layers
from drafter.drafting.index import BankIndex, load_index
from drafter.web.config import ServeConfig
from drafter.web.sessions import SessionStore


@dataclass
class WebContext:
    config: ServeConfig
    store: SessionStore

    def bank_dirs(self) -> tuple[Path, ...]:
        """The banks drafts and searches read, the writer's own first (as on the CLI)."""
        return bank_layers(self.config.root, self.config.bank).banks

    def own_bank(self) -> Path:
        """The one bank the page edits and mines into: ``--bank``, else the workspace's
        ``phrasebank/`` (created on the first edit by the handler that needs it)."""
        return self.config.bank or self.config.root / "phrasebank"

    def index(self) -> BankIndex:
        """The drafting index of the banks; ``load_index`` keeps it while the files stay as
        they are and rebuilds it after an edit or a mine."""
        return load_index(*self.bank_dirs())
