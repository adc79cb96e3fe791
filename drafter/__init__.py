"""drafter (起草助手): outline drafts for Chinese official speeches, learnt from real speeches.

Use from Python::

    from drafter import parse_file, mine, draft_outline, DraftRequest
    docs = parse_file(Path("speech.txt"))
    draft = draft_outline(Path("phrasebank"), DraftRequest(theme="激励干部担当作为", seed=7))

Names are imported on first use, so ``import drafter`` (and the CLI) start quickly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Bank": "bank.store",
    "Entry": "bank.store",
    "Source": "bank.store",
    "load_bank": "bank.store",
    "Change": "bank.ops",
    "NewEntries": "bank.ops",
    "add_entries": "bank.ops",
    "remove_entries": "bank.ops",
    "set_disabled": "bank.ops",
    "search_entries": "bank.query",
    "validate_bank": "bank.check",
    "find_duplicates": "bank.dedupe",
    "merge_duplicates": "bank.dedupe",
    "import_entries": "bank.share",
    "BankError": "errors",
    "DrafterError": "errors",
    "InputError": "errors",
    "UsageError": "errors",
    "DraftError": "errors",
    "TemplateError": "errors",
    "MineReport": "mining.report",
    "FileSummary": "mining.report",
    "MineRequest": "mining.miner",
    "mine": "mining.miner",
    "mine_corpus": "mining.miner",
    "mine_documents": "mining.entries",
    "Document": "corpus.models",
    "ParseResult": "corpus.models",
    "Part": "corpus.models",
    "Point": "corpus.models",
    "parse_file": "corpus.parse",
    "parse_paths": "corpus.parse",
    "parse_text": "corpus.parse",
    "BankIndex": "drafting.index",
    "load_index": "drafting.index",
    "Draft": "drafting.model",
    "DraftPart": "drafting.model",
    "DraftPoint": "drafting.model",
    "DraftRequest": "drafting.model",
    "compose": "drafting.composer",
    "draft_outline": "drafting.composer",
    "render": "output.templates",
    "Brief": "workflow.briefs",
    "read_briefs": "workflow.briefs",
    "ServeConfig": "web.config",
    "CheckRequest": "check.runner",
    "CheckReport": "check.runner",
    "Finding": "check.findings",
    "check_file": "check.runner",
    "create_app": "web.app",
    "BatchOptions": "workflow.batch",
    "BatchReport": "workflow.batch",
    "check_batch": "workflow.batch",
    "run_batch": "workflow.batch",
}

__all__ = [
    "Bank",
    "BankError",
    "BankIndex",
    "BatchOptions",
    "BatchReport",
    "Brief",
    "Change",
    "CheckReport",
    "CheckRequest",
    "Document",
    "Draft",
    "DraftError",
    "DraftPart",
    "DraftPoint",
    "DraftRequest",
    "DrafterError",
    "Entry",
    "FileSummary",
    "Finding",
    "InputError",
    "MineReport",
    "MineRequest",
    "NewEntries",
    "ParseResult",
    "Part",
    "Point",
    "ServeConfig",
    "Source",
    "TemplateError",
    "UsageError",
    "__version__",
    "add_entries",
    "check_batch",
    "check_file",
    "compose",
    "create_app",
    "draft_outline",
    "find_duplicates",
    "import_entries",
    "load_bank",
    "load_index",
    "merge_duplicates",
    "mine",
    "mine_corpus",
    "mine_documents",
    "parse_file",
    "parse_paths",
    "parse_text",
    "read_briefs",
    "remove_entries",
    "render",
    "run_batch",
    "search_entries",
    "set_disabled",
    "validate_bank",
]

if TYPE_CHECKING:
    from drafter.bank.check import validate_bank
    from drafter.bank.dedupe import find_duplicates, merge_duplicates
    from drafter.bank.ops import Change, NewEntries, add_entries, remove_entries, set_disabled
    from drafter.bank.query import search_entries
    from drafter.bank.share import import_entries
    from drafter.bank.store import Bank, Entry, Source, load_bank
    from drafter.check.findings import Finding
    from drafter.check.runner import CheckReport, CheckRequest, check_file
    from drafter.corpus.models import Document, ParseResult, Part, Point
    from drafter.corpus.parse import parse_file, parse_paths, parse_text
    from drafter.drafting.composer import compose, draft_outline
    from drafter.drafting.index import BankIndex, load_index
    from drafter.drafting.model import Draft, DraftPart, DraftPoint, DraftRequest
    from drafter.errors import (
        BankError,
        DrafterError,
        DraftError,
        InputError,
        TemplateError,
        UsageError,
    )
    from drafter.mining.entries import mine_documents
    from drafter.mining.miner import MineRequest, mine, mine_corpus
    from drafter.mining.report import FileSummary, MineReport
    from drafter.output.templates import render
    from drafter.web.app import create_app
    from drafter.web.config import ServeConfig
    from drafter.workflow.batch import BatchOptions, BatchReport, check_batch, run_batch
    from drafter.workflow.briefs import Brief, read_briefs


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'drafter' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
