"""Terminal output of ``drafter check``: the outline and length at the top, then the findings
grouped by part, then the counts (Rich, imported when first used)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from drafter.cli.console import _console

if TYPE_CHECKING:
    from drafter.check.findings import Finding
    from drafter.check.runner import CheckReport

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _where(finding: Finding, is_docx: bool) -> str:
    loc = finding.location
    where = f"第{loc.paragraph}段"
    if loc.line is not None and not is_docx:
        where += f"（第{loc.line}行）"
    return where


def print_check_report(report: CheckReport) -> None:
    from rich.markup import escape

    from drafter.check.findings import SEVERITY_LABELS
    from drafter.check.length import speaking_time
    from drafter.check.runner import SUMMARY_RULES
    from drafter.text.numerals import int_to_chinese

    console = _console()
    doc = report.document
    length = report.length
    console.print(f"[bold]检查：{escape(str(report.request.path))}[/]")
    console.print(f"标题：{escape(doc.title or '（没有找到）')}")
    sizes = dict(length.parts)
    for part in doc.parts:
        console.print(
            f"  {int_to_chinese(part.number)}、{escape(part.heading)}"
            f" [dim]（{len(part.points)}条要点，{sizes.get(part.number, 0)}字）[/]"
        )
    console.print(
        f"字数：{length.characters}字，按每分钟{length.rate}字约需{speaking_time(length.minutes)}"
    )
    if report.copied_share:
        console.print(f"与素材库或对照文档相同的文字约占{report.copied_share:.0%}")
    groups: dict[int | None, list[Finding]] = {}
    for finding in report.findings:
        if finding.rule not in SUMMARY_RULES:
            groups.setdefault(finding.location.part, []).append(finding)
    headings = {p.number: p.heading for p in doc.parts}
    for number in sorted(groups, key=lambda n: -1 if n is None else n):
        name = "全文" if number is None else f"第{int_to_chinese(number)}部分"
        if number in headings:
            name += f"　{headings[number]}"
        console.print(f"\n[bold underline]{escape(name)}[/]")
        for f in groups[number]:
            label = SEVERITY_LABELS[f.severity]
            console.print(
                f"  [{_STYLE[f.severity]}]{label}[/] {_where(f, doc.is_docx)} "
                f"{escape(f.message)} [dim]{f.rule}[/]"
            )
            if f.excerpt:
                console.print(f"      [dim]原文：{escape(_clip(f.excerpt))}[/]")
            if f.suggestion:
                console.print(f"      [green]建议：[/]{escape(f.suggestion)}")
    counts = report.counts()
    summary = "，".join(f"{SEVERITY_LABELS[s]}{counts[s]}条" for s in ("error", "warning", "info"))
    verdict = "[red]未通过[/]" if report.failed else "[green]通过[/]"
    threshold = SEVERITY_LABELS[report.request.fail_on]
    console.print(f"\n共{summary}；按“{threshold}及以上不通过”：{verdict}")


def _clip(text: str, width: int = 60) -> str:
    flat = text.replace("\n", " ")
    return flat if len(flat) <= width else flat[: width - 1] + "…"
