"""What every check reports: findings with a location, a severity, a rule id and a message.

Each check is a function from the checked document to a list of ``Finding``; the report, the
JSON output and the annotated .docx are built from these alone, so a new check needs nothing
else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["info", "warning", "error"]
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "error")  # in rising order
SEVERITY_LABELS: dict[Severity, str] = {"info": "提示", "warning": "警告", "error": "错误"}


@dataclass(frozen=True)
class Location:
    """Where a finding is: the paragraph (1-based, in reading order of the input; for a .docx
    the index of the body paragraph, so a comment can be anchored on it), the line of the text
    as read (1-based; a .docx has none), the part it belongs to (1-based; None for the title,
    opening and closing), and the character span of the matched text in the paragraph."""

    paragraph: int
    line: int | None = None
    part: int | None = None
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "paragraph": self.paragraph,
            "line": self.line,
            "part": self.part,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class Finding:
    """One thing the writer should look at."""

    rule: str  # a stable id, e.g. "structure.parallel", "tifa.shibada-yilai"
    severity: Severity
    location: Location
    message: str  # Chinese, fit to show as it is
    suggestion: str | None = None  # Chinese: what to write instead, where one can be said
    excerpt: str | None = None  # the text the finding is about, as written

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "location": self.location.to_dict(),
            "message": self.message,
            "suggestion": self.suggestion,
            "excerpt": self.excerpt,
        }


def at_least(severity: Severity, threshold: Severity) -> bool:
    """Whether ``severity`` is at or above ``threshold``."""
    return SEVERITIES.index(severity) >= SEVERITIES.index(threshold)
