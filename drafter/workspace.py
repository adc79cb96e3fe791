"""Where drafter finds its data: a workspace folder overrides what ships with the package."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """A data folder shipped with drafter (``phrasebank`` or ``templates``).

    An installed wheel carries it inside the package; a source checkout has it at the top level.
    """
    inside = _PACKAGE / "_bundled" / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def resolve(name: str, root: Path | None = None) -> Path:
    """The workspace's own folder ``name`` if it has one, else the bundled one."""
    own = (root or Path.cwd()) / name
    return own if own.is_dir() else bundled(name)
