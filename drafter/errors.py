"""The one exception hierarchy of drafter.

Every error a user can cause is a ``DrafterError`` carrying a message in Chinese that is fit to
show as it is; the CLI turns it into a red line on stderr and an exit code. Exceptions never print.
"""

from __future__ import annotations

from pathlib import Path


class DrafterError(Exception):
    """Base of all user-facing errors."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        super().__init__(self.user_message())

    def user_message(self) -> str:
        """The message with its location, as ``file:line:column: message``."""
        if self.path is None:
            return self.message
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class InputError(DrafterError):
    """A document that cannot be read: missing, binary, undecodable or empty."""

    exit_code = 2


class BankError(DrafterError):
    """A phrase-bank or lexicon file that is missing, malformed or of the wrong shape."""

    exit_code = 2


class UsageError(DrafterError):
    """Options that do not make sense together, or name things that do not exist."""

    exit_code = 2


class DraftError(DrafterError):
    """The bank cannot supply what a draft asks for (too little material for a dimension …)."""

    exit_code = 1


class TemplateError(DrafterError):
    """A template that is missing, malformed, or refers to something the draft does not have."""

    exit_code = 2


class InvalidEntry(BankError):
    """An entry a user wrote (``bank edit``, ``bank import``) that breaks the bank's rules."""

    exit_code = 1


class LayoutError(DrafterError):
    """A Word document that came out other than its style profile says (a run without the
    profile's fonts): drafter's own mistake, caught before the file is written."""

    exit_code = 1


class RuleError(DrafterError):
    """A 提法 rule file (bundled or the writer's own) that is malformed: bad YAML, a missing or
    unknown key, a pattern that does not compile, an example its own rule does not catch."""

    exit_code = 2
