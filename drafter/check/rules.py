"""提法: wrong, incomplete and outdated official expressions, from an editable YAML rule file.

The bundled rules (``tifa.yaml`` beside this module, shipped in the wheel) are read first; a
writer's own file is laid on top: a rule with the same id replaces the bundled one, and
``disabled: true`` switches one off. Every rule carries an example of its wrong and its right
form, checked whenever a file is loaded, so a rule that cannot fire, or fires on its own right
form, is refused with its line instead of silently missing or raising false alarms.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from drafter.check.findings import Finding, Location, Severity
from drafter.check.rulefile import Rule, read_rule_file

__all__ = ["BUNDLED_RULES", "Rule", "RuleSet", "check_tifa", "load_rules"]

BUNDLED_RULES = Path(__file__).with_name("tifa.yaml")


@dataclass(frozen=True)
class RuleSet:
    """The rules in force, in the order they are applied (bundled first, then the writer's)."""

    rules: tuple[Rule, ...]
    files: tuple[Path, ...]  # where they were read from

    def by_id(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


@functools.cache
def _bundled() -> tuple[Rule, ...]:
    # Read once per process: the file only changes with the package.
    return tuple(read_rule_file(BUNDLED_RULES))


def load_rules(user_file: Path | None = None) -> RuleSet:
    """The bundled rules with ``user_file``'s on top; ``RuleError`` (exit code 2) naming the
    file and line of the first problem in either."""
    rules = {rule.id: rule for rule in _bundled()}
    files = [BUNDLED_RULES]
    if user_file is not None:
        for rule in read_rule_file(user_file):
            rules[rule.id] = rule  # same id: the writer's rule replaces the bundled one
        files.append(user_file)
    active = tuple(rule for rule in rules.values() if not rule.disabled)
    return RuleSet(active, tuple(files))


def _message(rule: Rule, found: str, fix: str) -> str:
    if rule.category == "过时表述":
        when = f"{rule.since} 年起" if rule.since else "现"
        return f"过时表述：“{found}”{when}应为“{fix}”。依据：{rule.reason}"
    if rule.category == "全称":
        return f"宜用全称：“{found}”宜写作“{fix}”。依据：{rule.reason}"
    return f"提法有误：“{found}”应为“{fix}”。依据：{rule.reason}"


def check_tifa(paragraphs: Sequence[tuple[Location, str]], rules: RuleSet) -> list[Finding]:
    """Every wrong, incomplete or outdated expression in ``paragraphs``, one finding per span.

    Where two rules' spans overlap, the longer (the more specific rule) is kept, so one slip
    is not reported twice."""
    findings: list[Finding] = []
    for location, text in paragraphs:
        hits: list[tuple[int, int, Rule, str]] = []
        for rule in rules.rules:
            hits.extend((start, end, rule, fix) for start, end, fix in rule.matches(text))
        hits.sort(key=lambda hit: (hit[0], -(hit[1] - hit[0])))
        kept_end = -1
        for start, end, rule, fix in hits:
            if start < kept_end:
                continue
            kept_end = end
            found = text[start:end]
            severity: Severity = rule.severity
            findings.append(
                Finding(
                    rule=f"tifa.{rule.id}",
                    severity=severity,
                    location=dataclasses.replace(location, start=start, end=end),
                    message=_message(rule, found, fix),
                    suggestion=fix,
                    excerpt=found,
                )
            )
    return findings
