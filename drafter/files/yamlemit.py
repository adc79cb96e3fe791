"""Writing the YAML of bank entries quickly, byte for byte as PyYAML's ``safe_dump`` would.

PyYAML's emitter is pure Python and looks at every character of every value to choose a style:
it was two thirds of ``drafter mine``'s time on the bundled corpus. Bank entries are block
mappings and lists of plain one-line texts, numbers and flags, so this module writes those
itself and answers None for anything else (a value that needs quotes, a float, a date, a list in
a list …), which ``dump_yaml`` then hands to PyYAML: the text is always the one PyYAML gives.
The rules below are PyYAML's (``Emitter.analyze_scalar``, ``choose_scalar_style``, the implicit
resolvers), narrowed to the cases that are certain; ``tests/files/test_yamlemit.py`` compares
the two on generated data.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# A first character that makes a plain scalar read as something else (an indicator).
_INDICATOR_FIRST = frozenset("#,[]{}&*!|>'\"%@`")
# Line breaks, control characters and what PyYAML will not write unescaped even with
# allow_unicode (surrogates, the byte-order mark, non-characters): such a text is quoted.
_NOT_PLAIN_CHAR = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff\U0010ffff]"
)
# PyYAML would break a longer plain line at a space past its width; far beyond any bank text.
_MAX_PLAIN = 100_000
_MAX_KEY = 128  # longer keys are written as "? key" by PyYAML
_STR_TAG = "tag:yaml.org,2002:str"


class _Unsupported(Exception):
    """A value this writer leaves to PyYAML."""


@lru_cache(maxsize=1)
def _resolver() -> Any:
    import yaml

    return yaml.resolver.Resolver()


def _resolves_to_str(text: str) -> bool:
    """Whether PyYAML reads ``text`` back, unquoted, as a string (not a number, flag, null …)."""
    import yaml

    resolver = _resolver()
    if text[:1] not in resolver.yaml_implicit_resolvers:
        return True
    return bool(resolver.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG)


@lru_cache(maxsize=1 << 16)  # ids, kinds, file names and dimensions repeat entry after entry
def plain_text(text: str) -> bool:
    """Whether PyYAML writes ``text`` as a plain (unquoted) scalar in block context."""
    if not text or len(text) > _MAX_PLAIN or text[0] == " " or text[-1] == " ":
        return False
    first = text[0]
    if first in _INDICATOR_FIRST or text.startswith(("---", "...")):
        return False
    if first in "?:-" and (len(text) == 1 or text[1] == " "):
        return False
    if text.find(": ", 1) >= 0 or (len(text) > 1 and text[-1] == ":") or " #" in text:
        return False
    if _NOT_PLAIN_CHAR.search(text) is not None:
        return False
    return _resolves_to_str(text)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return str(value)
    if type(value) is str and plain_text(value):
        return value
    raise _Unsupported


def _key(key: Any) -> str:
    if type(key) is not str or len(key) >= _MAX_KEY:
        raise _Unsupported
    return _scalar(key)


def _mapping(data: dict[Any, Any], indent: int, first: str, out: list[str]) -> None:
    """Keys at ``indent``; the first one after ``first`` (a list item's "- ")."""
    pad = " " * indent
    prefix = first
    for key, value in data.items():
        head = prefix + _key(key) + ":"
        prefix = pad
        if type(value) is dict:
            if not value:
                out.append(head + " {}")
            else:
                out.append(head)
                _mapping(value, indent + 2, " " * (indent + 2), out)
        elif type(value) is list:
            if not value:
                out.append(head + " []")
            else:
                out.append(head)
                _sequence(value, indent, out)  # a list in a mapping is not indented
        else:
            out.append(head + " " + _scalar(value))


def _sequence(items: list[Any], indent: int, out: list[str]) -> None:
    dash = " " * indent + "- "
    for item in items:
        if type(item) is dict:
            if not item:
                out.append(dash + "{}")
            else:
                _mapping(item, indent + 2, dash, out)
        elif type(item) is list:
            if item:
                raise _Unsupported  # "- - item": rare, left to PyYAML
            out.append(dash + "[]")
        else:
            out.append(dash + _scalar(item))


def fast_dump(data: Any) -> str | None:
    """``yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1_000_000, indent=2)``
    for a non-empty block list or mapping of plain values; None when PyYAML must write it."""
    out: list[str] = []
    try:
        if type(data) is list and data:
            _sequence(data, 0, out)
        elif type(data) is dict and data:
            _mapping(data, 0, "", out)
        else:
            return None
    except _Unsupported:
        return None
    out.append("")
    return "\n".join(out)
