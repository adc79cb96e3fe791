"""``drafter mine``: parse its options, mine the corpus into the bank, print what it did."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from drafter.cli.options import root as _root
from drafter.errors import InputError


def mine_cmd(
    inputs: Annotated[
        list[Path] | None,
        typer.Argument(
            help="语料目录或文件，可以给多个（默认：工作目录下的 seeds/）。", show_default=False
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="素材库目录：挖掘所得替换库里原有的挖掘条目（默认：工作目录下的 phrasebank/）。",
            show_default=False,
        ),
    ] = None,
    into: Annotated[
        Path | None,
        typer.Option(
            "--into",
            help="把语料加入这个已有的素材库：原有素材、用户条目、改动和停用标记都保留；"
            "同样的文件再挖一次不改变任何内容，改过的文件换上新挖的素材。",
            show_default=False,
        ),
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="解析语料的并行进程数。")] = 1,
    as_json: Annotated[
        bool, typer.Option("--json", help="输出 JSON：每个文件的结果和素材库的变化。")
    ] = False,
) -> None:
    """从语料中挖掘素材库（YAML）：标题、句式、要点、引言、开头结尾、引语、常用语。

    逐个文件报告找到的文档、讲话、部分和要点，或为什么没有找到；同一篇讲话存了两份（文件名、网页杂项不同）只挖一次，报告为重复。

    读不了的文件跳过并说明原因，其余照常挖掘（退出码 2）。
    """
    from drafter.cli.mineconsole import MineProgress, print_mine_report
    from drafter.errors import UsageError
    from drafter.mining.miner import MineRequest, mine_corpus

    if out is not None and into is not None:
        raise UsageError("--out 和 --into 只能选一个：--out 替换挖掘所得，--into 加入已有素材库")
    request = MineRequest(
        tuple(inputs) if inputs else (_root() / "seeds",),
        into or out or _root() / "phrasebank",
        into=into is not None,
        jobs=jobs,
    )
    progress = MineProgress()
    try:
        report = mine_corpus(request, progress.step)
    finally:
        progress.stop()
    if as_json:
        from drafter.cli.console import error
        from drafter.cli.console import out as print_out

        print_out(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
        for failure in report.failures:
            error(failure.message)
    else:
        print_mine_report(report)
    if report.failures:
        raise typer.Exit(InputError.exit_code)
