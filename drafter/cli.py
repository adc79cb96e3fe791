"""The command line: each command parses its options, calls one core function, prints the result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from . import __version__
from .errors import DrafterError, InputError


class _Group(TyperGroup):
    """The one place where a ``DrafterError`` becomes a red message and an exit code."""

    def invoke(self, ctx: Any) -> Any:  # click.Context: vendored or not, by typer version
        try:
            return super().invoke(ctx)
        except DrafterError as exc:
            from .console import error

            error(exc.user_message())
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            from .console import error

            error("已中断")
            raise typer.Exit(130) from None


app = typer.Typer(
    cls=_Group,
    help="起草助手 drafter：从真实讲话语料中学习结构，生成发言提纲。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class _State:
    root: Path | None = None


def _root() -> Path:
    return _State.root or Path.cwd()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"drafter {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            help="工作目录：其中的 phrasebank/、templates/、seeds/ 优先于内置的。",
            file_okay=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", help="显示版本号。", callback=_version, is_eager=True)
    ] = False,
) -> None:
    _State.root = root


@app.command("parse")
def parse_cmd(
    files: Annotated[list[Path], typer.Argument(help="要解析的文档（可多个）。")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON 而不是树形视图。")] = False,
) -> None:
    """解析讲话文档：去除网页杂项，识别标题、开头、各部分、要点和结尾。"""
    from .parse import parse_paths

    result = parse_paths(files)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        from .console import error

        for failure in result.failures:
            error(failure.message)
    else:
        from .console import print_documents

        print_documents(result)
    if result.failures:
        raise typer.Exit(InputError.exit_code)


@app.command("mine")
def mine_cmd(
    seeds: Annotated[
        Path | None,
        typer.Argument(help="语料目录（默认：工作目录下的 seeds/）。", show_default=False),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="素材库目录（默认：工作目录下的 phrasebank/）。", show_default=False
        ),
    ] = None,
) -> None:
    """从语料中挖掘素材库（YAML）：标题、句式、要点、引言、开头结尾、引语、常用语。"""
    from .console import print_mine_report
    from .mining import mine

    report = mine(seeds or _root() / "seeds", out or _root() / "phrasebank")
    print_mine_report(report)
    if report.failures:
        raise typer.Exit(InputError.exit_code)


def main() -> None:
    """Console-script entry point."""
    app()
