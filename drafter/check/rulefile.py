"""One 提法 rule file read and checked key by key: every problem names its file, line and column.

A rule file is YAML: a mapping with a ``rules:`` list (or the list alone); each rule a mapping
of the keys in ``KEYS`` (see the comments at the top of the bundled ``tifa.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drafter.bank.schema import unknown_key
from drafter.check.findings import SEVERITIES, Severity
from drafter.errors import RuleError
from drafter.files.yamlio import PosDict, PosList, load_positioned

CATEGORIES: dict[str, Severity] = {"错误提法": "error", "过时表述": "warning", "全称": "info"}
KEYS = (
    "id",
    "category",
    "wrong",
    "regex",
    "right",
    "reason",
    "since",
    "severity",
    "example_wrong",
    "example_right",
    "disabled",
)
_TEXT_KEYS = ("wrong", "right", "reason")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
_BACKREF = re.compile(r"\\(?:(\d+)|g<([^>]*)>)")
MAX_RULE_BYTES = 2 * 1024 * 1024  # thousands of rules; a bigger file is not a rule file


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    wrong: str
    right: str
    reason: str
    pattern: re.Pattern[str]
    regex: bool = False
    since: int | None = None
    severity: Severity = "error"
    example_wrong: str | None = None
    example_right: str | None = None
    disabled: bool = False
    file: str | None = None
    line: int | None = None

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """Spans of ``text`` where the rule fires, each with its fix (the right form in context).

        A wrong form that is part of its own right form as written (八项规定 inside
        中央八项规定) is no finding, whatever the pattern says."""
        out = []
        for match in self.pattern.finditer(text):
            found = match.group()
            if not found:
                continue  # a pattern that can match nothing flags nothing
            fix = match.expand(self.right) if self.regex else self.right
            if fix != found and not _inside(text, match.start(), found, fix):
                out.append((match.start(), match.end(), fix))
        return out

    def problem(self) -> str | None:
        """What is wrong with the rule's examples, if anything: the wrong example must fire
        the rule, the right one must not, nor may the wrong example once fixed."""
        if self.example_wrong is not None:
            hits = self.matches(self.example_wrong)
            if not hits:
                return f"规则 {self.id} 在 example_wrong 里找不到错误写法，请检查 wrong"
            start, end, fix = hits[0]
            fixed = self.example_wrong[:start] + fix + self.example_wrong[end:]
            if any(s <= start < e for s, e, _ in self.matches(fixed)):
                return f"规则 {self.id} 改正后的例句仍被它自己找出，请检查 right"
        if self.example_right is not None and self.matches(self.example_right):
            return f"规则 {self.id} 在 example_right（正确写法）里误报，请收紧 wrong"
        return None


def _inside(text: str, start: int, found: str, fix: str) -> bool:
    at = fix.find(found)
    while at >= 0:
        begin = start - at
        if begin >= 0 and text.startswith(fix, begin):
            return True
        at = fix.find(found, at + 1)
    return False


def read_rule_file(path: Path) -> list[Rule]:
    """The rules of one file, in order; ``RuleError`` at the first problem."""
    data, _ = load_positioned(path, RuleError, max_bytes=MAX_RULE_BYTES)
    if isinstance(data, PosDict):
        for key in data:
            if key != "rules":
                line, column = data.keys_at[key]
                raise RuleError(unknown_key(key, ("rules",)), path=path, line=line, column=column)
        data = data.get("rules")
    if data is None:
        return []
    if not isinstance(data, PosList):
        raise RuleError("规则文件应为“rules:”下的列表，每项是一条规则", path=path, line=1)
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for raw, (line, column) in zip(data, data.items_at, strict=True):
        rule = _rule(raw, path, line, column)
        if rule.id in seen:
            message = f"规则编号 {rule.id} 重复（另见第 {seen[rule.id]} 行）"
            raise RuleError(message, path=path, line=line, column=column)
        seen[rule.id] = line
        rules.append(rule)
    return rules


def _rule(raw: Any, path: Path, line: int, column: int) -> Rule:
    def fail(message: str, key: str | None = None) -> RuleError:  # raised by the caller
        where = raw.at(key) if isinstance(raw, PosDict) and key else (line, column)
        return RuleError(message, path=path, line=where[0], column=where[1])

    if not isinstance(raw, PosDict):
        raise fail("每条规则应是“键: 值”的映射（id、wrong、right、reason……）")
    if raw.duplicates:
        key, (dup_line, dup_column) = raw.duplicates[0]
        raise RuleError(f"键“{key}”写了两次", path=path, line=dup_line, column=dup_column)
    for key in raw:
        if key not in KEYS:
            line_at, column_at = raw.keys_at[key]
            raise RuleError(unknown_key(key, KEYS), path=path, line=line_at, column=column_at)
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        raise fail("规则缺少 id，或 id 不是英文字母、数字和连字符（如 shibada-yilai）", "id")
    disabled = raw.get("disabled", False)
    if not isinstance(disabled, bool):
        raise fail("disabled 应为 true 或 false", "disabled")
    if disabled and set(raw) <= {"id", "disabled"}:  # switching a bundled rule off
        never = re.compile(r"(?!)")
        return Rule(
            rule_id, "错误提法", "", "", "", never, disabled=True, file=str(path), line=line
        )
    for key in _TEXT_KEYS:
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise fail(f"规则 {rule_id} 缺少 {key}（非空文字）", key if key in raw else None)
    category = raw.get("category", "错误提法")
    if category not in CATEGORIES:
        raise fail(f"category 应为以下之一：{'、'.join(CATEGORIES)}", "category")
    severity = raw.get("severity", CATEGORIES[category])
    if severity not in SEVERITIES:
        raise fail(f"severity 应为以下之一：{'、'.join(SEVERITIES)}", "severity")
    since = raw.get("since")
    if since is not None and (not isinstance(since, int) or not 1949 <= since <= 2100):
        raise fail("since 应为年份，如 2018", "since")
    regex = raw.get("regex", False)
    if not isinstance(regex, bool):
        raise fail("regex 应为 true 或 false", "regex")
    examples = {}
    for key in ("example_wrong", "example_right"):
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            raise fail(f"{key} 应为一句文字", key)
        examples[key] = value
    pattern = _compile(raw["wrong"], raw["right"], regex, fail)
    rule = Rule(
        rule_id,
        category,
        raw["wrong"],
        raw["right"],
        raw["reason"].strip(),
        pattern,
        regex=regex,
        since=since,
        severity=severity,
        disabled=disabled,
        file=str(path),
        line=line,
        **examples,
    )
    problem = rule.problem()
    if problem is not None:
        raise fail(problem, "example_wrong" if "example_wrong" in problem else "example_right")
    return rule


def _compile(
    wrong: str, right: str, regex: bool, fail: Callable[[str, str], RuleError]
) -> re.Pattern[str]:
    if not regex:
        return re.compile(re.escape(wrong))
    try:
        pattern = re.compile(wrong)
    except re.error as exc:
        raise fail(
            f"wrong 不是有效的正则表达式：{exc.msg}（第 {exc.pos} 个字符处）", "wrong"
        ) from exc
    for number, name in _BACKREF.findall(right):
        known = int(number) <= pattern.groups if number else name in pattern.groupindex
        known = known or (name.isdigit() and int(name) <= pattern.groups)
        if not known:
            raise fail(f"right 引用了 wrong 中没有的分组 \\{number or name}", "right")
    return pattern
