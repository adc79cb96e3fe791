"""``drafter check``: parse its options, check one speech, print or write the result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from drafter.cli.options import BankOpt
from drafter.cli.options import bank_dirs as _bank_dirs

_FORMATS = ("text", "json")
_FAIL_ON = ("warning", "error")


def check_cmd(
    file: Annotated[
        Path, typer.Argument(help="要检查的讲话稿：.txt、.docx、.md、.html/.htm、.pdf。")
    ],
    against: Annotated[
        list[Path] | None,
        typer.Option("--against", help="查重时对照的文档目录（可给多次），如以往的讲话稿。"),
    ] = None,
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="自己的提法规则文件（YAML），与内置规则一起使用。"),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="输出格式：text（终端报告）或 json。")
    ] = "text",
    annotate: Annotated[
        Path | None,
        typer.Option(
            "--annotate",
            help="把检查结果写成批注，存为一份新的 .docx（只用于 .docx 输入；原文件不改动）。",
        ),
    ] = None,
    fail_on: Annotated[
        str,
        typer.Option(
            "--fail-on",
            help="有这一级及以上的问题时退出码为 1：warning 即警告及以上；默认只看错误级。",
            show_default=False,
        ),
    ] = "error",
    rate: Annotated[
        int, typer.Option("--rate", help="语速：每分钟多少字，用于估算讲话时长。")
    ] = 220,
    repeat_limit: Annotated[
        int, typer.Option("--repeat-limit", help="四字以上的词语全文用到超过这么多次就提示。")
    ] = 6,
    force: Annotated[
        bool, typer.Option("--force", help="--annotate 的输出文件已存在时覆盖它。")
    ] = False,
    bank: BankOpt = None,
) -> None:
    """检查一篇写好的讲话稿：结构与标题对仗、重复、提法、查重、篇幅与讲话时长、引语核对。

    每条问题注明位置（段、行）、级别、规则和建议。退出码：没有达到 --fail-on 级别的问题为 0，有为 1；
    文件读不了或规则文件有误为 2。
    """
    from drafter.check.runner import CheckRequest, check_file
    from drafter.errors import UsageError

    if fmt not in _FORMATS:
        raise UsageError(f"--format 只能是 text 或 json，不是“{fmt}”")
    if fail_on not in _FAIL_ON:
        raise UsageError(f"--fail-on 只能是 warning 或 error，不是“{fail_on}”")
    if annotate is not None:
        from drafter.check.annotate import check_target

        check_target(file, annotate, force)
    request = CheckRequest(
        file,
        _bank_dirs(bank),
        tuple(against or ()),
        rules,
        rate,
        repeat_limit,
        "warning" if fail_on == "warning" else "error",
    )
    report = check_file(request)
    if annotate is not None:
        from drafter.check.annotate import annotate_docx
        from drafter.check.runner import SUMMARY_RULES

        kept = [f for f in report.findings if f.rule not in SUMMARY_RULES]
        annotate_docx(file, annotate, kept, force)
    if fmt == "json":
        from drafter.cli.console import out

        out(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        from drafter.cli.checkconsole import print_check_report

        print_check_report(report)
        if annotate is not None:
            from drafter.cli.console import warn

            warn(f"已写入批注：{annotate}")
    if report.failed:
        raise typer.Exit(1)
