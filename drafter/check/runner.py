"""``check_file``: read a speech, run every check on it, and gather one report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drafter.check.copying import check_copying
from drafter.check.findings import SEVERITIES, Finding, Severity, at_least
from drafter.check.length import LengthStats, check_length, measure
from drafter.check.paragraphs import CheckedDocument, read_checked
from drafter.check.quotations import check_quotations, source_text
from drafter.check.repetition import check_repetition
from drafter.check.rules import check_tifa, load_rules
from drafter.check.structure import check_structure, mined_skeletons
from drafter.drafting.index import load_index
from drafter.errors import UsageError

DEFAULT_RATE = 220  # characters a minute: a measured speaking pace for an official speech
DEFAULT_REPEAT_LIMIT = 6
# Findings about the document as a whole: shown at the top, not as comments on a paragraph.
SUMMARY_RULES = frozenset({"structure.outline", "length.total"})


@dataclass(frozen=True)
class CheckRequest:
    path: Path
    bank_dirs: tuple[Path, ...] = ()  # the layered banks; none: no bank-backed checks
    against: tuple[Path, ...] = ()  # the writer's own documents to check copying against
    rules: Path | None = None  # the writer's 提法 rules, on top of the bundled ones
    rate: int = DEFAULT_RATE
    repeat_limit: int = DEFAULT_REPEAT_LIMIT
    fail_on: Severity = "error"


@dataclass
class CheckReport:
    request: CheckRequest
    document: CheckedDocument
    length: LengthStats
    findings: list[Finding] = field(default_factory=list)
    copied_share: float = 0.0
    skipped: list[str] = field(default_factory=list)  # --against files that could not be read

    @property
    def failed(self) -> bool:
        """Whether some finding is at or above ``--fail-on`` (the exit code is 1 then)."""
        return any(at_least(f.severity, self.request.fail_on) for f in self.findings)

    def counts(self) -> dict[str, int]:
        seen = Counter(f.severity for f in self.findings)
        return {s: seen.get(s, 0) for s in SEVERITIES}

    def to_dict(self) -> dict[str, Any]:
        doc = self.document
        sizes = dict(self.length.parts)
        return {
            "file": str(self.request.path),
            "title": doc.title,
            "parts": [
                {
                    "number": p.number,
                    "heading": p.heading,
                    "location": doc.paragraphs[p.at].location.to_dict(),
                    "points": [lead for _at, lead in p.points],
                    "characters": sizes.get(p.number, 0),
                }
                for p in doc.parts
            ],
            "length": self.length.to_dict(),
            "copied_share": round(self.copied_share, 4),
            "skipped": list(self.skipped),
            "counts": self.counts(),
            "fail_on": self.request.fail_on,
            "failed": self.failed,
            "findings": [f.to_dict() for f in self.findings],
        }


def check_file(request: CheckRequest) -> CheckReport:
    """Every check on ``request.path``; ``InputError`` for an input that cannot be read, the
    rule loader's error for a bad rule file (both exit code 2)."""
    if request.rate <= 0:
        raise UsageError("--rate（每分钟字数）要大于 0，如 220")
    if request.repeat_limit < 1:
        raise UsageError("--repeat-limit 要至少为 1，如 6")
    rules = load_rules(request.rules)  # first: a bad rule file is named before any work
    doc = read_checked(request.path)
    index = None
    if request.bank_dirs:
        index = load_index(*request.bank_dirs)
    length = measure(doc, request.rate)
    findings = [
        *check_structure(doc, mined_skeletons(index) if index is not None else ()),
        *check_repetition(doc, request.repeat_limit),
        *check_length(doc, length),
        *(check_quotations(doc, source_text(index)) if index is not None else []),
    ]
    # 提法 rules read every paragraph, site furniture included: a wrong form is wrong anywhere.
    paragraphs = doc.located()
    findings += check_tifa(paragraphs, rules)
    # The checked file may sit in an --against folder: it must not count as its own source.
    copying = check_copying(paragraphs, request.bank_dirs, request.against, exclude=(request.path,))
    findings += copying.findings
    findings.sort(key=_order)
    return CheckReport(request, doc, length, findings, copying.copied_share, copying.skipped)


def _order(f: Finding) -> tuple[int, int, int, str]:
    summary = 0 if f.rule in SUMMARY_RULES else 1
    return (summary, f.location.paragraph, f.location.start or 0, f.rule)
