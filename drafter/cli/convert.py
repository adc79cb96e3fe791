"""Option values converted without pydantic, so a command starts about as fast as its imports.

typer 0.29 converts every option of the command that runs through a pydantic ``TypeAdapter``,
built on first use: importing pydantic and building ~15 adapters costs more than all of drafter's
own start-up. drafter's options are plain ``str``, ``int``, ``float``, ``bool`` and ``Path`` values
(or lists of them), so each gets a small converter for the values it accepts as they are; any other
value (a bad number, a file where a folder belongs, ...) goes to typer's own converter, so what
is refused stays what typer refuses; its English message is reworded in Chinese here
(``chinese_bad_parameter``), and the same wording is given when typer converts every option itself
(``DRAFTER_PLAIN_OPTIONS=1``: ``helptext`` rewords it). A typer without these internals (older ones,
or a later change) is left as it is: drafter then works as before, only slower.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args, get_origin

from typer import BadParameter

DISABLE_ENV = (
    "DRAFTER_PLAIN_OPTIONS"  # set to 1: typer converts every option itself (bench, debugging)
)

_MISS: Any = object()  # "not a plain value": typer's own converter decides
Convert = Callable[[Any], Any]

# ASCII digits only: Python's int() also takes "１" or "٣", which typer (pydantic) refuses.
_INT = re.compile(r"[+-]?[0-9]{1,18}")
_FLOAT = re.compile(r"[+-]?[0-9]{1,15}(?:\.[0-9]{1,15})?")


def _to_str(value: Any) -> Any:
    return value if type(value) is str else _MISS


def _to_bool(value: Any) -> Any:
    return value if type(value) is bool else _MISS


def _to_int(value: Any) -> Any:
    if type(value) is int:
        return value
    if type(value) is str and _INT.fullmatch(value):
        return int(value)
    return _MISS


def _to_float(value: Any) -> Any:
    if type(value) is float:
        return value
    if type(value) is str and _FLOAT.fullmatch(value):
        return float(value)
    return _MISS


def _path_converter(info: Any) -> Convert | None:
    """Typer's path checks for a path that passes them; a failing one is left to typer's message."""
    if info.allow_dash or info.path_type is not None or info.resolve_path:
        return None
    exists, file_okay, dir_okay = bool(info.exists), bool(info.file_okay), bool(info.dir_okay)
    readable, writable = bool(info.readable), bool(info.writable)

    def convert(value: Any) -> Any:
        if isinstance(value, Path):
            path = value
        elif type(value) is str and value:
            path = Path(value)
        else:
            return _MISS
        try:
            mode = os.stat(path).st_mode
        except ValueError:  # a NUL byte: typer words that
            return _MISS
        except OSError:
            return _MISS if exists else path
        if (
            (not file_okay and stat.S_ISREG(mode))
            or (not dir_okay and stat.S_ISDIR(mode))
            or (readable and not os.access(path, os.R_OK))
            or (writable and not os.access(path, os.W_OK))
        ):
            return _MISS
        return path

    return convert


def _leaf_converter(annotation: Any, info: Any) -> Convert | None:
    if annotation is str:
        return _to_str
    if annotation is bool:
        return _to_bool
    if annotation in (int, float):
        if info.min is not None or info.max is not None or info.clamp:
            return None
        return _to_int if annotation is int else _to_float
    if annotation is Path:
        return _path_converter(info)
    return None


def _each(convert: Convert) -> Convert:
    def convert_all(value: Any) -> Any:
        if not isinstance(value, list | tuple):
            return _MISS
        items = [convert(item) for item in value]
        return _MISS if any(item is _MISS for item in items) else items

    return convert_all


class _PlainParam:
    """Stands in for typer's runtime converter of one parameter (same ``coerce`` call)."""

    def __init__(self, param: Any, convert: Convert, multiple: bool) -> None:
        self.param = param
        self.convert = convert
        self.multiple = multiple

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None:
            return () if self.multiple else None
        if not (self.multiple and isinstance(value, str)):
            result = self.convert(value)
            if result is not _MISS:
                return result
        try:
            return self._typers().coerce(value, param=param, ctx=ctx)
        except BadParameter as exc:
            raise chinese_bad_parameter(exc) from None

    def _typers(self) -> Any:
        """typer's own converter, built now and kept in the slot for this parameter's later use."""
        self.param._runtime_param = None
        return self.param.get_runtime_param()

    def __getattr__(self, name: str) -> Any:
        # Whatever else a later typer asks of its converter, its own converter answers.
        if name.startswith("__") or name in ("param", "convert", "multiple"):
            raise AttributeError(name)
        return getattr(self._typers(), name)


def _plain_param(param: Any) -> _PlainParam | None:
    """A stand-in for a parameter typer would convert through pydantic, if it is a plain one."""
    if getattr(param, "_runtime_param", _MISS) is not None:
        return None  # no such slot (typer before 0.29, or changed), or already built
    if not callable(getattr(param, "get_runtime_param", None)):
        return None
    descriptor = getattr(param, "type_descriptor", None)
    info = getattr(descriptor, "parameter_info", None)
    if info is None or getattr(descriptor, "file_annotation", None) is not None:
        return None
    if getattr(info, "parser", None) is not None:
        return None
    annotation = getattr(descriptor, "annotation", None)
    multiple = bool(getattr(param, "multiple", False)) or getattr(param, "nargs", 1) == -1
    if get_origin(annotation) is list:
        leaf = _leaf_converter(get_args(annotation)[0], info)
        convert = _each(leaf) if leaf is not None and multiple else None
    else:
        convert = _leaf_converter(annotation, info) if not multiple else None
    return None if convert is None else _PlainParam(param, convert, multiple)


def speed_up(command: Any) -> int:
    """Give each plain parameter of a click command tree a pydantic-free converter; how many."""
    if os.environ.get(DISABLE_ENV, "") not in ("", "0"):
        return 0
    count = sum(_install(param) for param in getattr(command, "params", ()))
    _watch_help_option(command)
    for sub in getattr(command, "commands", {}).values():
        count += speed_up(sub)
    return count


def _install(param: Any) -> bool:
    try:
        plain = _plain_param(param)
        if plain is not None:
            param._runtime_param = plain
            return True
    except (AttributeError, TypeError, ValueError):
        pass  # an unexpected shape: typer converts this one itself
    return False


def _watch_help_option(command: Any) -> None:
    """``--help`` is made when a command parses its arguments (and kept): convert it plainly too."""
    made = getattr(command, "get_help_option", None)
    if not callable(made):
        return

    def get_help_option(ctx: Any) -> Any:
        option = made(ctx)
        if option is not None:
            _install(option)
        return option

    command.get_help_option = get_help_option


class ChineseBadParameter(BadParameter):
    """A refused option value, worded in Chinese (its message is shown as it is)."""

    def format_message(self) -> str:
        return str(self.message)


def chinese_bad_parameter(exc: BadParameter) -> BadParameter:
    """typer's refusal of a value, in Chinese; one already in Chinese as it is."""
    if isinstance(exc, ChineseBadParameter) or exc.param is None:
        return exc
    name = param_name(exc.param)
    return ChineseBadParameter(bad_value_message(name, exc.param, str(exc.message)), exc.ctx)


def param_name(param: Any) -> str:
    """An option by its names (``--parts（-p）``), an argument by its metavar."""
    opts = [str(o) for o in getattr(param, "opts", ()) if str(o).startswith("-")]
    if getattr(param, "param_type_name", "") == "option" and opts:
        ordered = sorted(opts, key=len, reverse=True)
        return ordered[0] + (f"（{'、'.join(ordered[1:])}）" if ordered[1:] else "")
    name = getattr(param, "metavar", None) or getattr(param, "name", None) or "?"
    return str(name).upper()


_PATH_PROBLEM = re.compile(
    r"(?:file|directory|dir|path) '(.*)' "
    r"(does not exist|is a file|is a directory|is not readable|is not writable)\.",
    re.IGNORECASE | re.DOTALL,
)
_PATH_WORDS = {
    "does not exist": "不存在",
    "is a file": "是一个文件，这里要的是目录",
    "is a directory": "是一个目录，这里要的是文件",
    "is not readable": "无法读取（没有权限）",
    "is not writable": "无法写入（没有权限）",
}


def bad_value_message(name: str, param: Any, message: str) -> str:
    """What is wrong with an option's value, in Chinese, from typer's English ``message``."""
    problem = _PATH_PROBLEM.fullmatch(message.strip())
    name += "" if name.endswith("）") else " "
    if "null byte" in message:
        return f"{name}的值里有空字节（\\0），不能用作路径"
    if problem:
        return f"{name}的路径“{problem.group(1)}”{_PATH_WORDS[problem.group(2).lower()]}"
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    while get_origin(annotation) is list or type(None) in get_args(annotation):
        inner = [a for a in get_args(annotation) if a is not type(None)]
        if not inner:
            break
        annotation = inner[0]
    if annotation is int:
        return f"{name}要一个整数，如 3"
    if annotation is float:
        return f"{name}要一个数字，如 0.8"
    if annotation is Path:
        return f"{name}要一个文件或目录的路径"
    return f"{name}的值无效"
