"""A draft as a file to download: the format checked against the fixed set, the bytes from
``render_file`` (as ``drafter draft -o``), the file name from the title, made safe."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from drafter.drafting.model import FORMATS, Draft
from drafter.output.templates import render_file
from drafter.web.security import WebError
from drafter.workflow.session import default_name

MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "json": "application/json",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        shown = fmt[:20]
        raise WebError(f"不能下载为“{shown}”格式：可选 {'、'.join(FORMATS)}", 404)
    return fmt


def content_disposition(name: str) -> str:
    """An attachment header for ``name``: an ASCII fallback for old clients, and the real
    (Chinese) name in RFC 5987 form. The name has no quotes, slashes or controls already
    (``default_name``); the fallback keeps only plain letters, digits, ``-``, ``_``, ``.``."""
    stem, _, suffix = name.rpartition(".")
    plain = "".join(c for c in stem if c.isascii() and (c.isalnum() or c in "-_.")) or "draft"
    return f"attachment; filename=\"{plain}.{suffix}\"; filename*=UTF-8''{quote(name, safe='')}"


def render_download(
    draft: Draft, fmt: str, root: Path, sources: bool = False
) -> tuple[bytes, str, str]:
    """The file's bytes, its media type and its Content-Disposition header."""
    data = render_file(draft, check_format(fmt), root=root, show_sources=sources)
    return data, MEDIA_TYPES[fmt], content_disposition(default_name(draft, fmt))
