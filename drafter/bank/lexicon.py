"""The dimension lexicon: which dimension (思想引领, 本领能力 …) a text serves, from editable YAML."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from drafter.errors import BankError
from drafter.files.yamlio import load_yaml

LEXICON_FILE = "dimensions.yaml"
OTHER = "other"


@dataclass(frozen=True)
class Dimension:
    name: str
    keywords: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Lexicon:
    dimensions: tuple[Dimension, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return (*(d.name for d in self.dimensions), OTHER)

    def canonical(self, name: str) -> str | None:
        """The dimension a name or alias refers to, or None."""
        for dim in self.dimensions:
            if name == dim.name or name in dim.aliases:
                return dim.name
        return OTHER if name == OTHER else None

    @cached_property
    def _keywords_by_char(self) -> dict[str, list[tuple[int, str]]]:
        """(dimension number, keyword) by the keyword's first character."""
        index: dict[str, list[tuple[int, str]]] = {}
        for number, dim in enumerate(self.dimensions):
            for keyword in dim.keywords:
                if keyword:  # an empty keyword weighs nothing
                    index.setdefault(keyword[0], []).append((number, keyword))
        return index

    def scores(self, text: str) -> dict[str, int]:
        """Keyword evidence per dimension; longer keywords weigh more."""
        # Only keywords whose first character is in the text are counted: mining tags every
        # entry, and counting each of a hundred keywords in each text was half its time.
        totals = [0] * len(self.dimensions)
        index = self._keywords_by_char
        for char in index.keys() & set(text):
            for number, keyword in index[char]:
                totals[number] += len(keyword) * text.count(keyword)
        return {
            dim.name: total for dim, total in zip(self.dimensions, totals, strict=True) if total
        }

    def tag(self, text: str, fallback: str = "") -> list[str]:
        """Dimensions of a text, strongest first; the fallback text decides when the text is mute."""
        return list(self._tag(text, fallback))

    @lru_cache(maxsize=8192)  # noqa: B019 - lexicons are few and long-lived; texts repeat
    def _tag(self, text: str, fallback: str) -> tuple[str, ...]:
        scores = self.scores(text) or self.scores(fallback)
        if not scores:
            return (OTHER,)
        top = max(scores.values())
        order = {d.name: i for i, d in enumerate(self.dimensions)}
        chosen = [n for n, s in scores.items() if s * 4 >= top * 3]
        return tuple(sorted(chosen, key=lambda n: (-scores[n], order[n])))


def load_lexicon(path: Path) -> Lexicon:
    """Read ``dimensions.yaml``; shape errors name the file and line."""
    return parse_lexicon(load_yaml(path), path)


def parse_lexicon(data: Any, path: Path) -> Lexicon:
    """A lexicon from parsed YAML (``path`` only names the file in errors)."""
    if not isinstance(data, dict) or not isinstance(data.get("dimensions"), list):
        raise BankError("词表应包含 dimensions: 列表", path=path)
    dims: list[Dimension] = []
    for item in data["dimensions"]:
        line = getattr(item, "line", None)
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise BankError("每个维度都需要 name（文字）", path=path, line=line)
        keywords = item.get("keywords", [])
        aliases = item.get("aliases", [])
        if not isinstance(keywords, list) or not all(isinstance(k, str) and k for k in keywords):
            raise BankError(f"维度“{item['name']}”的 keywords 应为文字列表", path=path, line=line)
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise BankError(f"维度“{item['name']}”的 aliases 应为文字列表", path=path, line=line)
        dims.append(
            Dimension(
                item["name"], tuple(keywords), tuple(aliases), str(item.get("description", ""))
            )
        )
    if not dims:
        raise BankError("词表里没有任何维度", path=path)
    return Lexicon(tuple(dims))
