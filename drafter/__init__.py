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
    "Bank": "bank",
    "Entry": "bank",
    "Source": "bank",
    "load_bank": "bank",
    "Change": "bankops",
    "NewEntries": "bankops",
    "add_entries": "bankops",
    "remove_entries": "bankops",
    "set_disabled": "bankops",
    "search_entries": "bankquery",
    "validate_bank": "bankcheck",
    "find_duplicates": "dedupe",
    "merge_duplicates": "dedupe",
    "import_entries": "bankshare",
    "BankError": "errors",
    "DrafterError": "errors",
    "InputError": "errors",
    "UsageError": "errors",
    "DraftError": "errors",
    "TemplateError": "errors",
    "MineReport": "mining",
    "mine": "mining",
    "mine_documents": "mining",
    "Document": "models",
    "ParseResult": "models",
    "Part": "models",
    "Point": "models",
    "parse_file": "parse",
    "parse_paths": "parse",
    "parse_text": "parse",
    "BankIndex": "index",
    "load_index": "index",
    "Draft": "draft",
    "DraftPart": "draft",
    "DraftPoint": "draft",
    "DraftRequest": "draft",
    "compose": "compose",
    "draft_outline": "compose",
    "render": "render",
    "Brief": "briefs",
    "read_briefs": "briefs",
    "BatchOptions": "batch",
    "BatchReport": "batch",
    "check_batch": "batch",
    "run_batch": "batch",
}

__all__ = [
    "Bank",
    "BankError",
    "BankIndex",
    "BatchOptions",
    "BatchReport",
    "Brief",
    "Change",
    "Document",
    "Draft",
    "DraftError",
    "DraftPart",
    "DraftPoint",
    "DraftRequest",
    "DrafterError",
    "Entry",
    "InputError",
    "MineReport",
    "NewEntries",
    "ParseResult",
    "Part",
    "Point",
    "Source",
    "TemplateError",
    "UsageError",
    "__version__",
    "add_entries",
    "check_batch",
    "compose",
    "draft_outline",
    "find_duplicates",
    "import_entries",
    "load_bank",
    "load_index",
    "merge_duplicates",
    "mine",
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
    from .bank import Bank, Entry, Source, load_bank
    from .bankcheck import validate_bank
    from .bankops import Change, NewEntries, add_entries, remove_entries, set_disabled
    from .bankquery import search_entries
    from .bankshare import import_entries
    from .batch import BatchOptions, BatchReport, check_batch, run_batch
    from .briefs import Brief, read_briefs
    from .compose import compose, draft_outline
    from .dedupe import find_duplicates, merge_duplicates
    from .draft import Draft, DraftPart, DraftPoint, DraftRequest
    from .errors import BankError, DrafterError, DraftError, InputError, TemplateError, UsageError
    from .index import BankIndex, load_index
    from .mining import MineReport, mine, mine_documents
    from .models import Document, ParseResult, Part, Point
    from .parse import parse_file, parse_paths, parse_text
    from .render import render


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'drafter' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
