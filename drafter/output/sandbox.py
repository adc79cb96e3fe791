"""The sandbox templates run in: a template may come with someone else's brief, so it is code we
do not trust.

Jinja's immutable sandbox, plus: names starting with ``_`` are refused when a template is compiled
(so ``batch --check`` catches them too); ``include``/``import``/``extends`` reach only files inside
the template folders after symlinks are resolved; and results that would eat the machine's memory
(``"x" * 10**10``, ``9**9**9``, huge widths, text-multiplying ``replace``) are refused.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.exceptions
import jinja2.nodes
import jinja2.sandbox

from drafter.errors import TemplateError
from drafter.files.decoding import read_file_bytes

TEMPLATE_MAX_BYTES = 1024 * 1024  # the built-in templates are under 3 KB


class ConfinedLoader(jinja2.FileSystemLoader):
    """A file-system loader that refuses files whose real path (after symlinks) is outside its
    folders, and reports a template that is not UTF-8 as the user's error, naming the file."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.searchpath:
            path = Path(folder, *pieces)
            if path.is_file():
                if not _inside(path, Path(folder)):
                    raise TemplateError(
                        f"模板文件是指向模板目录之外（{path.resolve()}）的符号链接，"
                        "模板只能使用模板目录里的文件",
                        path=path,
                    )
                break
        else:
            raise jinja2.TemplateNotFound(template)
        raw = read_file_bytes(path, TemplateError, max_bytes=TEMPLATE_MAX_BYTES)
        try:
            mtime = path.stat().st_mtime
        except OSError as exc:
            raise TemplateError(f"无法读取模板文件（{exc.strerror or exc}）", path=path) from None
        try:
            source = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise TemplateError(
                "模板文件不是 UTF-8 编码，请另存为 UTF-8 后再用", path=path, line=line
            ) from None

        def uptodate() -> bool:
            try:
                return path.stat().st_mtime == mtime
            except OSError:
                return False

        return source, str(path), uptodate


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` really (symlinks resolved) lies inside ``folder``."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return False


class UnsafeTemplate(jinja2.TemplateSyntaxError):
    """A template that names a Python internal (``__class__``, ``_x``): refused when compiled."""


class TooBig(jinja2.exceptions.SecurityError):
    """A ``*`` or ``**`` whose result would eat the machine's memory or time."""


_MAX_ITEMS = 1_000_000  # characters or items a template's ``*`` may make
_MAX_BITS = 10_000  # size of an integer a template's ``**`` may make


# A %-conversion's width and precision ("%-08.3f", "%*d"); literal text is not matched.
_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
_DIGITS_RUN = re.compile(r"\d+")
# str methods whose integer arguments set the length of the result
_PADDING = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})


def _big_number(values: Any) -> bool:
    return any(isinstance(v, int) and v > _MAX_ITEMS for v in values)


def _big_digits(text: str) -> bool:
    return any(len(n) > 18 or int(n) > _MAX_ITEMS for n in _DIGITS_RUN.findall(text))


def _big_percent(fmt: str, values: Any) -> bool:
    """Whether ``fmt % values`` asks for a field wider or more precise than the cap."""
    for match in _PERCENT.finditer(fmt):
        for size in match.groups():
            if size == "*" and _big_number(values if isinstance(values, tuple) else (values,)):
                return True
            if size and size != "*" and _big_digits(size):
                return True
    return False


def _big_braces(fmt: str, values: Any) -> bool:
    """Whether ``fmt.format(...)`` asks for a field wider or more precise than the cap."""
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return False  # the call itself reports the malformed format
    for _, _, spec, _ in fields:
        if spec and (_big_digits(spec) or ("{" in spec and _big_number(values))):
            return True
    return False


def _too_big_call(func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """A str method call whose result would pass the cap: padding to a huge width, a format
    with a huge field, or a replacement that multiplies the text."""
    target = getattr(func, "__wrapped__", func)  # the sandbox wraps str.format
    owner = getattr(target, "__self__", None)
    if not isinstance(owner, str):
        return False
    name = getattr(target, "__name__", "")
    values = (*args, *kwargs.values())
    if name in _PADDING:
        return _big_number(values)
    if name in ("format", "format_map"):
        return _big_braces(owner, values)
    if name == "replace" and len(args) >= 2 and isinstance(args[0], str):
        new = args[1] if isinstance(args[1], str) else ""
        hits = owner.count(args[0]) if args[0] else len(owner) + 1
        return hits * len(new) > _MAX_ITEMS
    return False


# The built-in filters that can make a huge result, and how to tell (filters are called directly
# by compiled templates, not through the sandbox's ``call``).
_FILTER_CHECKS: dict[str, Callable[[str, tuple[Any, ...], dict[str, Any]], bool]] = {
    "center": lambda text, rest, kwargs: _too_big_call(text.center, rest, kwargs),
    "replace": lambda text, rest, kwargs: _too_big_call(text.replace, rest, kwargs),
    "format": lambda text, rest, kwargs: _big_percent(text, rest),
    "indent": lambda text, rest, kwargs: _big_number(rest),
}


def _guarded_filter(name: str, func: Any) -> Any:
    """The built-in filter ``name``, refusing what would make a huge result."""
    check = _FILTER_CHECKS[name]

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        plain = [a for a in args if not isinstance(a, jinja2.nodes.EvalContext)]
        if plain and isinstance(plain[0], str) and check(plain[0], tuple(plain[1:]), kwargs):
            raise TooBig(f"过滤器“{name}”的结果过大")
        return func(*args, **kwargs)

    return guarded


def guard_filters(env: jinja2.Environment) -> None:
    """Replace the filters that can make a huge result with guarded ones."""
    for name in _FILTER_CHECKS:
        env.filters[name] = _guarded_filter(name, env.filters[name])


def _too_big(operator: str, left: Any, right: Any) -> bool:
    if operator == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0:
            return right * abs(left).bit_length() > _MAX_BITS
        return False
    if operator == "%":
        return isinstance(left, str) and _big_percent(left, right)
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple | bytes) and isinstance(times, int):
            return len(seq) * times > _MAX_ITEMS
    return False


class Sandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, refusing at compile time what it would refuse while rendering,
    and ``"x" * 10**10`` or ``9**9**9`` (which would also be folded while compiling)."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if _too_big(operator, left, right):
            raise TooBig(f"“{operator}”的结果过大")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if _too_big_call(__obj, args, kwargs):
            raise TooBig(f"“{getattr(__obj, '__name__', '调用')}”的结果过大")
        return super().call(__context, __obj, *args, **kwargs)

    def _parse(self, source: str, name: str | None, filename: str | None) -> jinja2.nodes.Template:
        tree = super()._parse(source, name, filename)
        for node in tree.find_all(
            (jinja2.nodes.Getattr, jinja2.nodes.Getitem, jinja2.nodes.Filter)
        ):
            key: Any = None
            if isinstance(node, jinja2.nodes.Getattr):
                key = node.attr
            elif isinstance(node, jinja2.nodes.Getitem) and isinstance(
                node.arg, jinja2.nodes.Const
            ):
                key = node.arg.value
            elif isinstance(node, jinja2.nodes.Filter) and node.name == "attr" and node.args:
                first = node.args[0]
                key = first.value if isinstance(first, jinja2.nodes.Const) else None
            if isinstance(key, str) and key.startswith("_"):
                raise UnsafeTemplate(
                    f"不允许访问“{key}”：模板只能使用草稿数据，不能访问以下划线开头的内部属性",
                    node.lineno,
                    name,
                    filename,
                )
        return tree
