"""The command line's frame in Chinese: help headings, usage line, examples and usage errors.

typer and click print their own frame in English ("Usage:", "Options", "[default: 3]", "Missing
option", ...) and cut a long description in the help's tables with "…". ``localise`` is applied
once to the app's command tree when it is built (``_Group``): every command gets a subclass of its
own class that writes that frame in Chinese, keeps descriptions whole, ends its help with
examples, and turns click's usage errors into Chinese ones. Everything that needs Rich is set up
only when a help or an error is shown, so a plain ``drafter draft`` imports nothing more.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from functools import partial
from typing import IO, Any

from typer import BadParameter

from drafter.cli.convert import ChineseBadParameter, bad_value_message, param_name

HELP_OPTION_HELP = "显示本帮助并退出。"
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."
USAGE_PREFIX = "用法："
EXAMPLES_HEADING = "示例："
HEADINGS = {"Arguments": "参数", "Options": "选项", "Commands": "命令"}
_EXTRA = (("default: ", "默认："), ("env var: ", "环境变量："), ("required", "必填"), ("; ", "；"))

# One or two working command lines per command, by its path below ``drafter`` ("" is the app).
EXAMPLES: dict[str, tuple[str, ...]] = {
    "": ("drafter draft -t 乡村振兴 -p 4 -o 发言.docx", "drafter themes"),
    "parse": ("drafter parse 讲话.docx", "drafter parse seeds/ --json"),
    "themes": ("drafter themes", "drafter themes 乡村振兴"),
    "templates": ("drafter templates",),
    "draft": (
        "drafter draft -t 乡村振兴 -p 4 -o 发言.docx",
        "drafter draft -t 激励干部担当作为 -d full --seed 7",
    ),
    "new": ("drafter new", "drafter new --speaker 张三 --organisation 县委办公室"),
    "batch": ("drafter batch briefs.yaml --check", "drafter batch briefs.yaml --out 草稿 -j 2"),
    "mine": ("drafter mine seeds/", "drafter mine 新语料/ --into phrasebank"),
    "check": ("drafter check 发言.docx", "drafter check 发言.docx --annotate 批注.docx -f json"),
    "serve": ("drafter serve", "drafter serve --port 8080 --open"),
    "brief": ("drafter brief new briefs.yaml",),
    "brief new": ("drafter brief new briefs.yaml",),
    "bank": ("drafter bank search 担当作为", "drafter bank stats"),
    "bank list": ("drafter bank list --kind heading --limit 20",),
    "bank search": ("drafter bank search 担当作为",),
    "bank show": ("drafter bank show h-d5e4b0a40b",),
    "bank stats": ("drafter bank stats",),
    "bank validate": ("drafter bank validate",),
    "bank init": ("drafter bank init", "drafter bank init 我的素材库"),
    "bank add": ("drafter bank add --kind point 以钉钉子精神抓落实", "drafter bank add -i"),
    "bank edit": ("drafter bank edit h-d5e4b0a40b",),
    "bank remove": ("drafter bank remove h-d5e4b0a40b",),
    "bank disable": ("drafter bank disable h-d5e4b0a40b",),
    "bank enable": ("drafter bank enable h-d5e4b0a40b",),
    "bank dedupe": ("drafter bank dedupe --dry-run", "drafter bank dedupe --threshold 0.8 -y"),
    "bank export": ("drafter bank export -f csv -o 素材.csv",),
    "bank import": ("drafter bank import 素材.csv",),
}

_CONTEXTS: dict[type, type] = {}


def localise(command: Any, path: str = "") -> None:
    """Give a click command and every command below it the Chinese frame (in place).

    Each method is wrapped on the command object itself (as ``convert`` does for the help option):
    typer's classes keep working as they are, and anything click changes is left alone.
    """
    if getattr(command, "_drafter_chinese", False):
        return
    command._drafter_chinese = True
    context = _context_class(getattr(command, "context_class", None))
    if context is not None:
        command.context_class = context
    for name, wrapper in _WRAPPERS.items():
        original = getattr(command, name, None)
        if callable(original):
            setattr(command, name, partial(wrapper, original))
    if getattr(command, "options_metavar", None) == "[OPTIONS]":
        command.options_metavar = OPTIONS_METAVAR
    if getattr(command, "subcommand_metavar", None) == "COMMAND [ARGS]...":
        command.subcommand_metavar = SUBCOMMAND_METAVAR
    for param in getattr(command, "params", ()):
        _chinese_types(param)
    if not getattr(command, "epilog", None) and path in EXAMPLES:
        command.epilog = EXAMPLES_HEADING + "\n" + "\n".join(EXAMPLES[path])
    for name, sub in getattr(command, "commands", {}).items():
        localise(sub, f"{path} {name}".strip())


# typer's names for the kinds of value an option takes, as a writer reads them; a switch
# (bool) takes none, so it shows nothing.
_TYPE_NAMES = {
    "str": "文字",
    "int": "整数",
    "float": "数",
    "path": "路径",
    "dir": "目录",
    "file": "文件",
    "Path": "路径",
}
_TYPE_SHAPE = re.compile(r"^<(list\[)?(\w+)\]?>(\.\.\.)?$")


def _chinese_types(param: Any) -> None:
    """Show a parameter's kind of value in Chinese (wrapped on the object, once)."""
    shown = getattr(param, "display_type_rich", None)
    if callable(shown) and not getattr(param, "_drafter_chinese", False):
        param._drafter_chinese = True
        param.display_type_rich = partial(_chinese_type, shown)


def _chinese_type(original: Method, *args: Any, **kwargs: Any) -> str | None:
    shown = original(*args, **kwargs)
    if not isinstance(shown, str):
        return None
    found = _TYPE_SHAPE.match(shown)
    if found is None:
        return shown  # a metavar of drafter's own, or a choice list
    listed, name, more = found.groups()
    if name == "bool":
        return None
    chinese = _TYPE_NAMES.get(name)
    if chinese is None:
        return shown
    return f"<{chinese}>" + ("..." if listed or more else "")  # "…" would read as a cut


def _context_class(context: Any) -> type | None:
    """A context class whose help formatter writes the Chinese frame (None if click changed)."""
    formatter = getattr(context, "formatter_class", None)
    if not isinstance(context, type) or not isinstance(formatter, type):
        return None
    made = _CONTEXTS.get(context)
    if made is None:
        chinese = type("HelpFormatter", (_ChineseFormatter, formatter), {})
        made = _CONTEXTS[context] = type(context.__name__, (context,), {"formatter_class": chinese})
    return made


_Base: Any = object  # a mixin: its methods extend click's, which come after it in the MRO


class _ChineseFormatter(_Base):  # type: ignore[misc]
    """click's help formatter with a Chinese usage prefix, headings and default/required marks."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, USAGE_PREFIX if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{HEADINGS.get(heading, heading)}：\n")

    def write_dl(self, rows: Any, *args: Any, **kwargs: Any) -> None:
        super().write_dl([(term, _marks(text)) for term, text in rows], *args, **kwargs)


def _marks(text: str) -> str:
    """ "[default: 3; required]" at the end of an option's help, in Chinese."""

    def chinese(match: re.Match[str]) -> str:
        inside = match.group(1)
        for english, translated in _EXTRA:
            inside = inside.replace(english, translated)
        return f"[{inside}]"

    return re.sub(r"\[([^\[\]]*)\]$", chinese, text)


Method = Callable[..., Any]


def _get_help_option(original: Method, ctx: Any) -> Any:
    option = original(ctx)
    if option is not None:
        option.help = HELP_OPTION_HELP
        _chinese_types(option)
    return option


def _format_help(original: Method, ctx: Any, formatter: Any) -> Any:
    rich_frame()
    return original(ctx, formatter)


def _format_epilog(original: Method, ctx: Any, formatter: Any) -> None:
    """Examples line by line, as they are typed (click would join them into a paragraph)."""
    epilog = ctx.command.epilog
    if not epilog:
        return
    formatter.write_paragraph()
    heading, *lines = inspect.cleandoc(epilog).splitlines()
    formatter.write_text(heading)
    with formatter.indentation():
        for line in lines:
            formatter.write(f"{'':>{formatter.current_indent}}{line}\n")


def _get_short_help_str(original: Method, limit: int = 45) -> str:
    """The whole first paragraph: click would cut it to fit the line with "..."."""
    command = getattr(original, "__self__", None)
    text = getattr(command, "short_help", None) or getattr(command, "help", None)
    if not text:
        return str(original(limit))
    first = inspect.cleandoc(text).partition("\f")[0].split("\n\n")[0]
    return "".join(line.strip() for line in first.splitlines())


def _raising_chinese(original: Method, *args: Any, **kwargs: Any) -> Any:
    try:
        return original(*args, **kwargs)
    except Exception as exc:
        raise _chinese(exc) from None


_WRAPPERS: dict[str, Callable[..., Any]] = {
    "get_help_option": _get_help_option,
    "format_help": _format_help,
    "format_epilog": _format_epilog,
    "get_short_help_str": _get_short_help_str,
    "make_context": _raising_chinese,
    "resolve_command": _raising_chinese,
    "invoke": _raising_chinese,
}


_UsageError: Any = BadParameter.__mro__[1]  # click's UsageError, vendored by typer or not


class ChineseUsageError(_UsageError):  # type: ignore[misc]
    """A usage error worded in Chinese; shown as click shows one, with the frame in Chinese."""

    def format_message(self) -> str:
        return str(self.message)

    def show(self, file: IO[Any] | None = None) -> None:  # without Rich
        import sys

        from typer import echo

        stream = file if file is not None else sys.stderr
        ctx = self.ctx
        if ctx is not None:
            echo(ctx.get_usage(), file=stream, color=ctx.color)
            if ctx.command.get_help_option(ctx) is not None:
                echo(_help_hint(ctx.command_path, ctx.help_option_names[0]), file=stream)
        echo(f"错误：{self.format_message()}", file=stream)


def _help_hint(command_path: str, help_option: str) -> str:
    return f"运行“{command_path} {help_option}”查看帮助。"


def _chinese(exc: Exception) -> Exception:
    """A click usage error in Chinese; anything else (and one already in Chinese) as it is."""
    original = exc
    if not isinstance(exc, _UsageError) or isinstance(exc, ChineseUsageError):
        if type(exc).__name__ == "Abort":
            rich_frame()
        return original
    if type(exc).__name__ == "NoArgsIsHelpError":
        return original
    rich_frame()
    message = usage_message(exc)
    if message is None:
        return original
    translated = ChineseUsageError(message, exc.ctx)
    translated.exit_code = exc.exit_code
    return translated


def usage_message(exc: Any) -> str | None:
    """click's usage error in Chinese, or None for one drafter does not know."""
    name = type(exc).__name__
    message = str(getattr(exc, "message", ""))
    param = getattr(exc, "param", None)
    if name == "MissingParameter":
        if param is None:
            return "缺少必填的参数"
        if getattr(param, "param_type_name", "") == "option":
            return f"缺少必填的选项 {param_name(param)}"
        return f"缺少参数 {param_name(param)}"
    if name == "NoSuchOption":
        text = f"没有 {exc.option_name} 这个选项"
        from difflib import get_close_matches

        close = get_close_matches(exc.option_name, exc.possibilities or (), n=1, cutoff=0)
        if close:
            text += f"。是不是 {close[0]}？"
        return text
    if name == "BadOptionUsage":
        if "does not take a value" in message:
            return f"选项 {exc.option_name} 不带值"
        if "requires" in message:
            return f"选项 {exc.option_name} 后面要跟一个值"
        return f"选项 {exc.option_name} 用法不对"
    if isinstance(exc, ChineseBadParameter):
        return message
    if isinstance(exc, BadParameter):
        if param is None:
            return f"值无效：{message}"
        return bad_value_message(param_name(param), param, message)
    extra = re.fullmatch(r"Got unexpected extra argument(?:\(s\)|s)? \((.*)\)", message)
    if extra:
        return f"多余的参数：{extra.group(1)}（这个命令不接受它们）"
    command = re.match(r"No such command '(.*?)'\..*", message)
    if command:
        return _no_such_command(exc.ctx, command.group(1))
    if message == "Missing command.":
        return "缺少命令：请在后面写上要运行的命令"
    return None


def _no_such_command(ctx: Any, name: str) -> str:
    text = f"没有“{name}”这个命令"
    commands = list(getattr(getattr(ctx, "command", None), "commands", {}) or {})
    from difflib import get_close_matches

    close = get_close_matches(name, commands, n=1)
    if close:
        text += f"。是不是 {close[0]}？"
    return text


_RICH_DONE: list[bool] = []


def rich_frame() -> None:
    """typer's Rich help and error frame in Chinese, descriptions folded instead of cut.

    Imports Rich (through typer's ``rich_utils``), so it runs only when a help or an error is
    about to be shown.
    """
    if _RICH_DONE:
        return
    _RICH_DONE.append(True)
    try:
        from typer import rich_utils
    except ImportError:  # no Rich: click's plain help, which the formatter above words
        return
    rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
    rich_utils.OPTIONS_PANEL_TITLE = "选项"
    rich_utils.COMMANDS_PANEL_TITLE = "命令"
    rich_utils.ERRORS_PANEL_TITLE = "错误"
    rich_utils.DEFAULT_STRING = "[默认：{}]"
    rich_utils.ENVVAR_STRING = "[环境变量：{}]"
    rich_utils.REQUIRED_LONG_STRING = "[必填]"
    rich_utils.DEPRECATED_STRING = "（已弃用）"
    rich_utils.ABORTED_TEXT = "已取消。"
    rich_utils.RICH_HELP = "运行[blue]“{command_path} {help_option}”[/]查看帮助。"
    make_text = getattr(rich_utils, "_make_rich_text", None)
    if callable(make_text):

        def folded(*args: Any, **kwargs: Any) -> Any:
            # Chinese has no spaces to wrap at: a table cell would cut the whole text with "…".
            text = make_text(*args, **kwargs)
            if hasattr(text, "overflow"):
                text.overflow = "fold"
            return text

        rich_utils._make_rich_text = folded
