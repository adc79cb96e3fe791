"""drafter (起草助手): outline drafts for Chinese official speeches, learnt from real speeches.

Use from Python::

    from drafter import parse_file, mine
    docs = parse_file(Path("speech.txt"))
"""

from __future__ import annotations

__version__ = "0.1.0"

from .bank import Bank, Entry, Source, load_bank
from .errors import BankError, DrafterError, InputError, UsageError
from .mining import MineReport, mine, mine_documents
from .models import Document, ParseResult, Part, Point
from .parse import parse_file, parse_paths, parse_text

__all__ = [
    "Bank",
    "BankError",
    "Document",
    "DrafterError",
    "Entry",
    "InputError",
    "MineReport",
    "ParseResult",
    "Part",
    "Point",
    "Source",
    "UsageError",
    "__version__",
    "load_bank",
    "mine",
    "mine_documents",
    "parse_file",
    "parse_paths",
    "parse_text",
]
