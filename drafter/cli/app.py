"""The command line: each command parses its options, calls one core function, prints the result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from drafter import __version__
from drafter.cli.convert import speed_up
from drafter.cli.helptext import localise
from drafter.cli.options import BankOpt, StyleOpt, check_style, check_text_option
from drafter.cli.options import State as _State
from drafter.cli.options import bank_dirs as _bank_dirs
from drafter.drafting.model import FORMATS, parse_formats
from drafter.errors import DrafterError, InputError


class _Group(TyperGroup):
    """The one place where a ``DrafterError`` becomes a red message and an exit code.

    Built once per run with every command below it, so it also gives their options converters
    that need no pydantic (see ``cliconvert``): typer 0.29's cost us most of the start-up; and
    gives them all the Chinese help and error frame (see ``helptext``).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        localise(self)  # first: speed_up wraps the help option this makes Chinese
        speed_up(self)

    def invoke(self, ctx: Any) -> Any:  # click.Context: vendored or not, by typer version
        try:
            return super().invoke(ctx)
        except DrafterError as exc:
            from drafter.cli.console import error

            error(exc.user_message())
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            from drafter.cli.console import error

            error("已中断")
            raise typer.Exit(130) from None
        except BrokenPipeError:
            # The reader went away (``| head``): end quietly with status 1, as Rich does for
            # the tables and Click for everything else.
            from drafter.cli.console import discard_stdout

            discard_stdout()
            raise typer.Exit(1) from None
        except OSError as exc:  # a write no core function expected, e.g. a table to /dev/full
            from drafter.cli.console import discard_stdout, error

            discard_stdout()
            where = f"{exc.filename}：" if exc.filename else ""
            error(f"{where}无法读写（{exc.strerror or exc}）")
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=_Group,
    help="起草助手 drafter：从真实讲话语料中学习结构，生成发言提纲。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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
    files: Annotated[
        list[Path],
        typer.Argument(help="要解析的文档（可多个）：.txt、.docx、.html/.htm、.md、.pdf。"),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON 而不是树形视图。")] = False,
) -> None:
    """解析讲话文档：去除网页杂项，识别标题、开头、各部分、要点和结尾。"""
    from drafter.corpus.parse import parse_paths

    result = parse_paths(files)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        from drafter.cli.console import error

        for failure in result.failures:
            error(failure.message)
    else:
        from drafter.cli.console import print_documents

        print_documents(result)
    if result.failures:
        raise typer.Exit(InputError.exit_code)


def _write_output(path: Path, text: str | bytes, force: bool) -> Path:
    from drafter.files.yamlio import write_user_file

    return write_user_file(path, text, force)


@app.command("themes")
def themes_cmd(
    theme: Annotated[
        str | None,
        typer.Argument(
            help="查询一个主题：素材库里有多少切题的材料（可不给）。", show_default=False
        ),
    ] = None,
    bank: BankOpt = None,
) -> None:
    """列出主题表里的主题及其素材覆盖（三、四部分提纲中切题的部分和要点），以及素材库覆盖较好、
    可以直接用作 --theme 的主题。"""
    from drafter.cli.console import print_themes
    from drafter.drafting.index import load_index
    from drafter.drafting.overview import theme_overview

    if theme is not None:
        check_text_option("主题", theme)
    print_themes(theme_overview(load_index(*_bank_dirs(bank)), theme))


@app.command("templates")
def templates_cmd() -> None:
    """列出可用的模板：内置模板与工作目录 templates/ 下的模板（同名时后者优先）。"""
    from drafter.cli.console import print_templates
    from drafter.output.templates import list_templates

    print_templates(list_templates(_State.root))


def _format_for(fmt: str | None, output: Path | None, template: str | None) -> str:
    if fmt:
        return fmt.lower()
    suffix = output.suffix.lower().lstrip(".") if output else ""
    if template is None and suffix in FORMATS:
        return suffix
    return "md"


def _check_target(form: str, output: Path | None, template: str | None) -> None:
    """Refuse text in a Word file and a Word file under a text name: either is unreadable."""
    from drafter.errors import UsageError

    if form == "docx" and template is not None:
        raise UsageError("docx 格式不用模板；Word 版式请用 --style 指定版式文件")
    suffix = output.suffix.lower().lstrip(".") if output else ""
    if suffix == "docx" and form != "docx":
        what = f"模板“{template}”" if template is not None else f"{form} 格式"
        raise UsageError(
            f"{what}生成的是文本，不能写成 Word 文件 {output}；要 Word 文档请去掉 "
            f"{'--template' if template is not None else '--format'}（版式用 --style），"
            "要文本请把文件名改为 .md 或 .txt",
        )
    if form == "docx" and suffix in FORMATS and suffix != "docx":
        raise UsageError(f"Word 文档不能写成 {output}，请用 .docx 后缀")


def _output_format(fmt: str | None, output: Path | None, template: str | None) -> str:
    """The format of the draft: -f, else what the suffix of -o names, else md; a suffix
    drafter does not write, or one that names another format than -f, is refused."""
    from drafter.errors import UsageError
    from drafter.files.targets import output_format

    form = output_format(output, fmt.lower() if fmt else None)
    if template is not None and form == "json":
        raise UsageError(
            "模板只用于 md、txt 格式：json 总是草稿数据本身，不用模板；请去掉 --template，"
            "或改用 md、txt"
        )
    return form


@app.command("draft")
def draft_cmd(
    theme: Annotated[
        str, typer.Option("--theme", "-t", help="主题，如“激励干部担当作为”；可自由输入。")
    ],
    parts: Annotated[int, typer.Option("--parts", "-p", help="分几部分：3 或 4。")] = 3,
    points: Annotated[int, typer.Option("--points", "-n", help="每部分的要点数（2–5）。")] = 3,
    occasion: Annotated[
        str, typer.Option("--occasion", "-c", help="场合：研讨发言、座谈发言、交流发言、讲话。")
    ] = "研讨发言",
    seed: Annotated[
        int | None,
        typer.Option("--seed", "-s", help="随机种子：同一种子得到同一份草稿。", show_default=False),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="输出格式：md、txt、json、docx（Word，公文版式）；默认按 -o 的后缀"
            "（.md/.markdown、.txt、.json、.docx），否则 md。后缀与格式不符时拒绝写入。",
        ),
    ] = None,
    template: Annotated[
        str | None, typer.Option("--template", help="模板名称或模板文件路径。", show_default=False)
    ] = None,
    detail: Annotated[
        str, typer.Option("--detail", "-d", help="outline：只列要点；full：每个要点附一段展开。")
    ] = "outline",
    sources: Annotated[
        bool, typer.Option("--sources", help="注明每一行素材的出处，并标出与主题关联弱的通用素材。")
    ] = False,
    length: Annotated[
        int | None,
        typer.Option(
            "--length",
            help="全文目标字数（仅 --detail full）：展开段落按此分配到各部分，实际字数会报告。",
            show_default=False,
        ),
    ] = None,
    avoid: Annotated[
        list[Path] | None,
        typer.Option(
            "--avoid", help="之前生成的 JSON 草稿：其中用过的素材不再使用（可多次给出）。"
        ),
    ] = None,
    keyword: Annotated[
        list[str] | None,
        typer.Option("--keyword", "-k", help="优先选用含这个词的素材（可多次给出）。"),
    ] = None,
    speaker: Annotated[
        str | None,
        typer.Option(
            "--speaker", help="发言人：与单位一起写在标题下一行（同批量起草）。", show_default=False
        ),
    ] = None,
    organisation: Annotated[
        str | None,
        typer.Option(
            "--organisation", help="单位：写在标题下一行、发言人之前。", show_default=False
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="写入文件（默认输出到屏幕）。", show_default=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的输出文件。")] = False,
    style: StyleOpt = None,
    bank: BankOpt = None,
) -> None:
    """按主题生成一份发言提纲：标题、开头、对仗的分部标题、要点和结尾。"""
    from drafter.drafting.composer import compose
    from drafter.drafting.index import load_index
    from drafter.drafting.model import Avoid, DraftRequest, read_avoid
    from drafter.errors import UsageError
    from drafter.output.templates import render_file

    check_text_option("--theme", theme)
    check_text_option("--occasion", occasion)
    check_text_option("--keyword", *(keyword or ()))
    check_text_option("--speaker", *(x for x in [speaker] if x is not None))
    check_text_option("--organisation", *(x for x in [organisation] if x is not None))
    material = Avoid()
    for path in avoid or []:
        material = material | read_avoid(path)
    request = DraftRequest(
        theme,
        parts,
        points,
        occasion,
        seed,
        detail,
        material,
        tuple(keyword or ()),
        speaker=speaker,
        organisation=organisation,
        length=length,
    )
    request.check()
    if fmt is not None:
        parse_formats([fmt])  # an unknown -f is named as such, before any suffix is judged
    _check_target(_format_for(fmt, output, template), output, template)
    form = _output_format(fmt, output, template)
    if form == "docx" and output is None:
        raise UsageError("Word 文档不能输出到屏幕，请用 -o 指定文件，如 -o 发言.docx")
    if style is not None and form != "docx":
        raise UsageError("--style 只对 docx 格式有效")
    if form == "docx":
        check_style(style)
    index = load_index(*_bank_dirs(bank))
    draft = compose(index, request)
    data = render_file(
        draft, form, template=template, root=_State.root, show_sources=sources, style=style
    )
    written = None
    if output is not None:
        written = _write_output(output, data, force)
    else:
        from drafter.cli.console import out

        out(data.decode("utf-8"))
    if seed is None or draft.notes or output is not None or length is not None:
        from drafter.cli.console import note, warn

        for remark in draft.notes:
            warn(remark)
        if length is not None:
            note(f"全文 {draft.characters} 字（目标约 {length} 字）")
        if seed is None:
            note(f"随机种子：{draft.seed}（加 --seed {draft.seed} 可重现这份草稿）")
        if output is not None:
            via = f"（符号链接，已写入它指向的 {written}）" if written != output else ""
            note(f"已写入 {output}{via}")


@app.command("new")
def new_cmd(
    seed: Annotated[
        int | None, typer.Option("--seed", "-s", help="随机种子。", show_default=False)
    ] = None,
    script: Annotated[
        bool,
        typer.Option("--script", help="不需要终端：从标准输入逐行读取每个问题的回答。"),
    ] = False,
    speaker: Annotated[
        str | None,
        typer.Option(
            "--speaker",
            help="发言人（问到时作默认值，回车即用）：写在标题下一行。",
            show_default=False,
        ),
    ] = None,
    organisation: Annotated[
        str | None,
        typer.Option(
            "--organisation",
            help="单位（问到时作默认值，回车即用）：写在标题下一行。",
            show_default=False,
        ),
    ] = None,
    style: StyleOpt = None,
    bank: BankOpt = None,
) -> None:
    """在终端里一步步起草：选主题、部分数、要点数、场合和详略，填上发言人和单位，逐部分保留、重抽、
    挑备选或修改（原文预先填好，可直接改），最后保存。Ctrl-C 随时退出，不保存。"""
    import sys

    from drafter.errors import UsageError

    if not script and not sys.stdin.isatty():
        raise UsageError(
            "drafter new 需要在终端里交互运行。非交互时请用 drafter draft --theme 主题 …，"
            "或用 drafter new --script 从标准输入逐行读取回答。"
        )
    from drafter.cli.prompts import RichAsker
    from drafter.drafting.index import load_index
    from drafter.workflow.session import run_session

    check_text_option("--speaker", *(x for x in [speaker] if x is not None))
    check_text_option("--organisation", *(x for x in [organisation] if x is not None))
    index = load_index(*_bank_dirs(bank))
    if style is not None:
        check_style(style)  # named now, not after the writer's work
    # The command that reproduces the first draft names the same workspace and bank.
    program = ["drafter"]
    if _State.root is not None:
        program += ["--root", str(_State.root)]
    program.append("draft")
    if bank is not None:
        program += ["--bank", str(bank)]
    try:
        saved = run_session(
            index,
            RichAsker(scripted=script),
            seed=seed,
            root=_State.root,
            style=style,
            program=program,
            speaker=speaker,
            organisation=organisation,
        )
    except KeyboardInterrupt:
        # Leaving with Ctrl-C is the writer's choice, not an error: no message, status 130.
        raise typer.Exit(130) from None
    from drafter.cli.console import note

    if saved is None:
        note("已放弃，未保存任何文件。")
    else:
        note(f"已保存到 {saved.path}（种子 {saved.draft.seed}）")


brief_app = typer.Typer(
    help="简报文件：为批量起草准备的 YAML。", no_args_is_help=True, add_completion=False
)
app.add_typer(brief_app, name="brief")


@brief_app.command("new")
def brief_new_cmd(
    path: Annotated[Path, typer.Argument(help="要写入的简报文件（默认 briefs.yaml）。")] = Path(
        "briefs.yaml"
    ),
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件。")] = False,
) -> None:
    """写一个带注释的示例简报文件，照着改即可用于 drafter batch。"""
    from drafter.cli.console import note
    from drafter.workflow.examples import write_example

    written = write_example(path, force)
    note(f"已写入 {written}；修改后运行：drafter batch {written} --out 输出目录")


@app.command("batch")
def batch_cmd(
    briefs: Annotated[
        list[Path], typer.Argument(help="简报文件（YAML，可多个；给目录则读其中的 .yaml）。")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出目录。")] = Path("drafts"),
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="没有写 formats 的简报用这些格式，逗号分隔：md,txt,json,docx。",
        ),
    ] = "md",
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="并行的进程数。")] = 1,
    force: Annotated[
        bool, typer.Option("--force", help="全部重新生成，并覆盖输出目录里已有的同名文件。")
    ] = False,
    check: Annotated[
        bool, typer.Option("--check", help="只检查简报（格式、场合、模板、文件名），不生成。")
    ] = False,
    independent: Annotated[
        bool,
        typer.Option(
            "--independent",
            help="每条简报单独起草，不与同一会议（meeting）的其他简报错开素材。",
        ),
    ] = False,
    style: StyleOpt = None,
    bank: BankOpt = None,
) -> None:
    """按简报文件批量起草：每条简报一份提纲；有问题的简报单独报告，其余照常写出。

    同一会议（简报的 meeting；没写的同属一组）的发言按简报顺序错开素材：分部标题、要点和引语
    互不重复，素材库不够时才共用，并在说明和 manifest.json 里列出共用了什么。

    退出码：0 全部成功；1 有简报失败或有误；2 没有一条简报可用。
    """
    from drafter.cli.console import BatchProgress, print_batch_report, print_problems
    from drafter.workflow.batch import BatchOptions, check_batch, run_batch

    if style is not None:
        check_style(style)  # one clear error, not one per brief
    import re

    # Unknown formats are left to check_batch/run_batch, which name them all in one message.
    formats = parse_formats(re.split(r"[,，、\s]+", fmt), check=False)
    first, *more = _bank_dirs(bank)
    options = BatchOptions(
        out, first, formats, jobs, force, _State.root, style, tuple(more), independent
    )
    if check:
        report = check_batch(briefs, options)
        print_problems(report.problems)
        print_batch_report(report, checked=True)
        raise typer.Exit(report.exit_code)
    progress = BatchProgress()
    try:
        report = run_batch(briefs, options, progress)
    finally:
        progress.stop()
    if not progress.started:
        print_problems(report.problems)
    print_batch_report(report)
    raise typer.Exit(report.exit_code)


from drafter.cli.bank import bank_app  # noqa: E402 - the group needs the app's shared options first
from drafter.cli.checkcmd import check_cmd  # noqa: E402 - the same: it reads the bank options
from drafter.cli.minecmd import mine_cmd  # noqa: E402 - the same: it reads the workspace root
from drafter.cli.servecmd import serve_cmd  # noqa: E402 - the same: it reads the workspace root

app.command("mine")(mine_cmd)
app.command("check")(check_cmd)
app.command("serve")(serve_cmd)

app.add_typer(bank_app, name="bank")


def main() -> None:
    """Console-script entry point."""
    app()
