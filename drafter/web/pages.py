"""The HTML side: its own Jinja environment, with autoescape on.

Separate from ``output.templates.environment`` on purpose: that one renders drafts as plain text
and Markdown, where escaping would be wrong and user template folders may override it; this one
renders the page's own templates only, where everything from a writer, a brief or the bank must
be escaped. Building one here leaves the text templates exactly as they render for the CLI.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from drafter import __version__
from drafter.text.numerals import int_to_chinese
from drafter.web.security import CSRF_FIELD, session_of

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


@lru_cache(maxsize=1)
def html_environment() -> jinja2.Environment:
    """The page templates' environment: escaping everything, strict about undefined names."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["cn"] = int_to_chinese
    env.globals["version"] = __version__
    env.globals["csrf_name"] = CSRF_FIELD
    return env


def render_page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """``name`` rendered with the request's session (for the CSRF field) and the nav."""
    session = getattr(request.state, "session", None)
    context.setdefault("csrf", session_of(request).csrf if session is not None else "")
    context.setdefault("path", request.url.path)
    html = html_environment().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status)
