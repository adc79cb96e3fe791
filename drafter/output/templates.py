"""Rendering drafts: the one Jinja environment, the built-in and user templates, JSON.

Templates see the draft as data (``draft``: the JSON shape) and a few filters; text from the bank,
a brief or a theme is only ever a value, so ``{{ 7*7 }}`` inside it prints as it is.

A template may come with someone else's brief, so it runs in the sandbox of ``sandbox.py``.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.exceptions

from drafter.drafting.model import FORMATS, Draft
from drafter.errors import DrafterError, TemplateError, UsageError
from drafter.files.cache import cache_dir
from drafter.files.decoding import read_file_bytes
from drafter.output.common import describe_source, draft_byline, draft_sources, off_theme
from drafter.output.sandbox import (
    TEMPLATE_MAX_BYTES,
    ConfinedLoader,
    Sandbox,
    TooBig,
    UnsafeTemplate,
    guard_filters,
)
from drafter.text.numerals import int_to_chinese
from drafter.workspace import bundled

SUFFIX = ".j2"


def template_dirs(root: Path | None) -> list[Path]:
    """User template folders first (the workspace's ``templates/``), then the built-in one."""
    builtin = bundled("templates")
    own = (root or Path.cwd()) / "templates"
    dirs = [own] if own.is_dir() and own.resolve() != builtin.resolve() else []
    return [*dirs, builtin]


def environment(user_dirs: list[Path]) -> jinja2.Environment:
    """The one Jinja environment: sandboxed, strict about undefined names, user folders before
    built-ins.

    Built-in templates stay reachable as ``builtin/NAME`` so a user template of the same name
    can ``{% extends "builtin/md.j2" %}``.
    """
    builtin = str(bundled("templates"))
    loader = jinja2.ChoiceLoader(
        [
            ConfinedLoader([str(d) for d in user_dirs]),
            jinja2.PrefixLoader({"builtin": ConfinedLoader(builtin)}),
        ]
    )
    env = Sandbox(
        loader=loader,
        bytecode_cache=_bytecode_cache(),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.pop("lipsum", None)  # text generation a template has no use for
    guard_filters(env)
    env.filters["cn"] = int_to_chinese
    env.filters["src"] = describe_source
    env.filters["sources"] = lambda d: list(draft_sources(d))
    env.filters["off_theme"] = off_theme
    env.filters["byline"] = draft_byline
    return env


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept beside the bank index cache (Jinja checks the source's mtime)."""

    folder = cache_dir()
    if folder is None:
        return None
    # Not the folder unsandboxed versions wrote: code compiled for a plain environment calls
    # functions directly, bypassing the sandbox, and Jinja's cache key does not tell them apart.
    place = folder / "templates-sandboxed"
    try:
        place.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(place))


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    path: Path
    builtin: bool
    description: str
    overridden: bool = False


def _description(path: Path) -> str:
    try:  # bounded, and never a FIFO: listing templates must not hang on one
        data = read_file_bytes(path, TemplateError, max_bytes=TEMPLATE_MAX_BYTES)
        first = data.decode("utf-8-sig").lstrip().splitlines()[0]
    except (DrafterError, UnicodeDecodeError, IndexError):
        return ""
    if first.startswith("{#"):
        text = first.strip("{#-} ").removeprefix("说明：")
        return text.strip()
    return ""


def list_templates(root: Path | None) -> list[TemplateInfo]:
    """Every template by name; a user template hides the built-in one of the same name."""
    builtin = bundled("templates").resolve()
    seen: dict[str, TemplateInfo] = {}
    out: list[TemplateInfo] = []
    for folder in template_dirs(root):
        for path in sorted(folder.glob(f"*{SUFFIX}")):
            name = path.name.removesuffix(SUFFIX)
            is_builtin = folder.resolve() == builtin
            info = TemplateInfo(name, path, is_builtin, _description(path), name in seen)
            seen.setdefault(name, info)
            out.append(info)
    return out


def _resolve(template: str, dirs: list[Path]) -> jinja2.Template:
    """A template by name (in the user folders, then built-in) or by file path."""
    path = Path(template)
    if path.suffix and (path.is_file() or "/" in template or "\\" in template):
        if not path.is_file():
            raise TemplateError("模板文件不存在", path=path)
        real = path.resolve()  # a symlink is the user's own choice: load what it points at
        return _load(environment([real.parent, *dirs]), real.name)
    name = template if template.endswith(SUFFIX) else template + SUFFIX
    return _load(environment(dirs), name)


def _load(env: jinja2.Environment, name: str) -> jinja2.Template:
    try:
        return env.get_template(name)
    except jinja2.TemplateNotFound as exc:
        known = sorted(
            {p.name.removesuffix(SUFFIX) for d in _dirs(env) for p in d.glob(f"*{SUFFIX}")}
        )
        raise TemplateError(
            f"找不到模板“{exc.name}”；可用的模板：{'、'.join(known) or '（无）'}"
        ) from None
    except UnsafeTemplate as exc:
        raise TemplateError(
            f"模板不安全：{exc.message}", path=exc.filename or exc.name or name, line=exc.lineno
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"模板语法错误：{exc.message}", path=exc.filename or exc.name or name, line=exc.lineno
        ) from None


def _dirs(env: jinja2.Environment) -> list[Path]:
    loader = env.loader
    assert isinstance(loader, jinja2.ChoiceLoader)
    first = loader.loaders[0]
    assert isinstance(first, jinja2.FileSystemLoader)
    return [Path(p) for p in first.searchpath] + [bundled("templates")]


def _template_line(exc: BaseException, template: jinja2.Template) -> tuple[str, int | None]:
    """The template file and line a rendering error happened at (Jinja maps its frames)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(SUFFIX) or frame.filename == template.filename:
            return frame.filename, frame.lineno
    return template.filename or template.name or "?", None


def load_template(
    fmt: str = "md", template: str | None = None, root: Path | None = None
) -> jinja2.Template | None:
    """The template a format renders with (by name or path); ``None`` for plain JSON."""
    if template is None and fmt == "json":
        return None
    if fmt == "docx":
        raise UsageError("docx 格式不用模板；Word 版式请用 --style 指定版式文件")
    if template is None and fmt not in FORMATS:
        raise UsageError(f"未知的格式“{fmt}”，可选：{'、'.join(FORMATS)}")
    return _resolve(template or fmt, template_dirs(root))


def render_with(draft: Draft, tpl: jinja2.Template | None, show_sources: bool = False) -> str:
    """The draft filled into a loaded template (JSON when there is none)."""
    if tpl is None:
        return draft.to_json()
    try:
        return tpl.render(draft=draft.to_dict(), show_sources=show_sources)
    except DrafterError:
        raise  # an included template that cannot be read says so itself
    except UnsafeTemplate as exc:  # an included template, compiled while rendering
        raise TemplateError(
            f"模板不安全：{exc.message}", path=exc.filename or exc.name, line=exc.lineno
        ) from None
    except Exception as exc:  # a template is user code: any failure there is its error
        where, line = _template_line(exc, tpl)
        raise TemplateError(_failure(exc), path=where, line=line) from None


def _failure(exc: Exception) -> str:
    """What went wrong while rendering, in words."""
    if isinstance(exc, TooBig):
        return f"模板出错，已停止：{exc}"
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"模板不安全，已停止：{exc}（模板只能使用草稿数据，不能访问 Python 内部或文件）"
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"找不到模板“{exc.name}”（只能引用模板所在目录、工作目录 templates/ 和内置模板里的文件）"
    if isinstance(exc, jinja2.UndefinedError):
        return f"模板引用了不存在的内容：{exc.message}"
    if isinstance(exc, jinja2.TemplateError):
        return f"模板出错：{exc.message}"
    return f"模板出错：{exc}"


def render(
    draft: Draft,
    fmt: str = "md",
    *,
    template: str | None = None,
    root: Path | None = None,
    show_sources: bool = False,
) -> str:
    """The draft as text: JSON, or a template (by name or path) filled with it."""
    return render_with(draft, load_template(fmt, template, root), show_sources)


def render_file(
    draft: Draft,
    fmt: str = "md",
    *,
    template: str | None = None,
    root: Path | None = None,
    show_sources: bool = False,
    style: Path | None = None,
) -> bytes:
    """The bytes of an output file in any format: a filled template, JSON, or a Word document
    laid out by the style profile ``style`` (the bundled GB/T 9704 profile when None)."""
    if fmt == "docx":
        if template is not None:
            raise UsageError("docx 格式不用模板；Word 版式请用 --style 指定版式文件")
        # Word output alone needs python-docx and the page styles: loaded when asked for.
        from drafter.output.style import load_style
        from drafter.output.word import render_docx

        return render_docx(draft, load_style(style), show_sources)
    return render(draft, fmt, template=template, root=root, show_sources=show_sources).encode()
