"""The bank as drafting reads it: compact records by kind and dimension, cached between runs.

Reading a large bank's YAML takes seconds; drafting needs a fraction of it. The first run builds
an index (texts polished, entries grouped by dimension, heading clauses pre-split) and stores it
with ``marshal`` in the user's cache folder, keyed by the bank files' size and modification time.
Later runs load that in milliseconds, without importing YAML at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from . import __version__
from .bank import KINDS, Entry, bank_files, bank_version, load_bank
from .lexicon import LEXICON_FILE, OTHER, Lexicon, parse_lexicon
from .normalize import fold_normalized, polish
from .themes import THEMES_FILE, ThemeBook, parse_themes
from .workspace import bundled

_FORMAT = 3  # bump when the cached shape changes
_CLAUSE_MARKS = "，；：、"


class Rec(NamedTuple):
    """One enabled bank entry, with its text polished for output."""

    id: str
    kind: str
    text: str
    dims: tuple[str, ...]
    file: str | None
    document: str | None
    part: int | None
    info: dict[str, Any]  # kind-specific: body, heading, speaker, verb, pieces, slots …

    def source(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "file": self.file,
            "document": self.document,
            "part": self.part,
        }


class Clause(NamedTuple):
    """A clause of a bank heading, for filling a whole-clause slot of a heading pattern."""

    text: str
    dim: str
    heading: str  # id of the heading it comes from
    position: str  # "first", "middle", "last" or "only"


@dataclass
class BankIndex:
    directory: Path
    version: str
    records: dict[str, list[Rec]]
    by_dim: dict[str, dict[str, list[int]]]  # kind -> dimension -> positions in records[kind]
    clauses: list[Clause]
    lexicon: Lexicon
    themes: ThemeBook

    def of(self, kind: str, dim: str | None = None) -> list[Rec]:
        recs = self.records.get(kind, [])
        if dim is None:
            return recs
        return [recs[i] for i in self.by_dim.get(kind, {}).get(dim, [])]


def clause_position(index: int, count: int) -> str:
    if count == 1:
        return "only"
    return "first" if index == 0 else "last" if index == count - 1 else "middle"


def split_clauses(text: str) -> list[str]:
    out, current = [], ""
    for char in text:
        if char in _CLAUSE_MARKS:
            out.append(current)
            current = ""
        else:
            current += char
    out.append(current)
    return out


def _record(entry: Entry) -> Rec:
    info: dict[str, Any] = {}
    for key, value in entry.extra.items():
        info[key] = (
            polish(value) if key in ("body", "heading") and isinstance(value, str) else value
        )
    src = entry.source
    return Rec(
        entry.id,
        entry.kind,
        polish(entry.text),
        tuple(entry.dimensions) or (OTHER,),
        src.file if src else None,
        src.document if src else None,
        src.part if src else None,
        _plain(info),
    )


def _plain(value: Any) -> Any:
    """Builtin types only (marshal cannot store the YAML loader's dict subclass)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _clauses(headings: list[Rec], lexicon: Lexicon) -> list[Clause]:
    out: list[Clause] = []
    for rec in headings:
        parts = split_clauses(rec.text)
        for i, part in enumerate(parts):
            # Only plain clauses: quoted metaphors belong to their frame, not to a free slot.
            if 2 <= len(part) <= 16 and all("\u3400" <= c <= "\u9fff" for c in part):
                tags = lexicon.tag(part)
                dim = tags[0] if tags[0] != OTHER else rec.dims[0]
                out.append(Clause(part, dim, rec.id, clause_position(i, len(parts))))
    return out


def _config_paths(directory: Path) -> tuple[Path, Path]:
    def pick(name: str) -> Path:
        own = directory / name
        return own if own.exists() else bundled("phrasebank") / name

    return pick(LEXICON_FILE), pick(THEMES_FILE)


def build_index(directory: Path) -> tuple[BankIndex, dict[str, Any]]:
    """Read and check the bank's YAML; the index and its cacheable form."""
    from .yamlio import load_yaml

    lexicon_path, themes_path = _config_paths(directory)
    # Checked as read (errors keep their line numbers); cached as plain data.
    lexicon_raw = load_yaml(lexicon_path)
    lexicon = parse_lexicon(lexicon_raw, lexicon_path)
    themes_raw = load_yaml(themes_path)
    themes = parse_themes(themes_raw, themes_path, set(lexicon.names))
    lexicon_data, themes_data = _plain(lexicon_raw), _plain(themes_raw)
    bank = load_bank(directory)
    _check_patterns(directory, bank.entries["heading_pattern"])
    records = {kind: [_record(e) for e in bank.entries[kind] if not e.disabled] for kind in KINDS}
    data = {
        "version": bank_version(directory),
        "records": {k: [tuple(r) for r in v] for k, v in records.items()},
        "clauses": [tuple(c) for c in _clauses(records["heading"], lexicon)],
        "lexicon": lexicon_data,
        "themes": themes_data,
    }
    return _from_data(directory, data, lexicon, themes), data


def _check_patterns(directory: Path, entries: list[Entry]) -> None:
    """A hand-edited pattern of the wrong shape is named here, not met mid-draft."""
    from .errors import BankError
    from .headings import PatternShapeError, parse_pattern

    for entry in entries:
        try:
            parse_pattern(_plain(entry.extra))
        except PatternShapeError as exc:
            raise BankError(
                f"句式 {entry.id}：{exc}",
                path=directory / KINDS["heading_pattern"][0],
                line=entry.line,
            ) from None


def _from_data(
    directory: Path, data: dict[str, Any], lexicon: Lexicon, themes: ThemeBook
) -> BankIndex:
    records = {k: [Rec(*r) for r in v] for k, v in data["records"].items()}
    by_dim: dict[str, dict[str, list[int]]] = {}
    for kind, recs in records.items():
        groups: dict[str, list[int]] = {}
        for i, rec in enumerate(recs):
            for dim in rec.dims:
                groups.setdefault(dim, []).append(i)
        by_dim[kind] = groups
    return BankIndex(
        directory,
        data["version"],
        records,
        by_dim,
        [Clause(*c) for c in data["clauses"]],
        lexicon,
        themes,
    )


def cache_dir() -> Path | None:
    """Where indexes are cached; ``DRAFTER_CACHE_DIR`` overrides, ``DRAFTER_NO_CACHE`` disables."""
    if os.environ.get("DRAFTER_NO_CACHE"):
        return None
    own = os.environ.get("DRAFTER_CACHE_DIR")
    if own:
        return Path(own)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "drafter"


def _cache_key(directory: Path) -> str:
    stamp = hashlib.sha1(f"{_FORMAT}\0{__version__}\0{directory.resolve()}".encode())
    # The code that shapes the index is part of the key too, so an edited checkout is not
    # served an index built by older code.
    here = Path(__file__).parent
    code = [here / f"{m}.py" for m in ("index", "normalize", "lexicon", "themes", "bank")]
    for path in [*bank_files(directory), *_config_paths(directory), *code]:
        try:
            st = path.stat()
            stamp.update(f"\0{path}\0{st.st_size}\0{st.st_mtime_ns}".encode())
        except OSError:
            stamp.update(f"\0{path}\0-".encode())
    return stamp.hexdigest()


def load_index(directory: Path) -> BankIndex:
    """The drafting index of the bank in ``directory``, from the cache when it is current."""
    from .errors import BankError

    if not directory.is_dir():
        raise BankError("素材库目录不存在", path=directory)
    folder = cache_dir()
    key = _cache_key(directory)
    cached = folder / f"bank-{key[:20]}.marshal" if folder else None
    if cached is not None:
        with contextlib.suppress(OSError, EOFError, ValueError, TypeError, KeyError):
            data = marshal.loads(cached.read_bytes())
            if isinstance(data, dict) and data.get("key") == key:
                lexicon_path, themes_path = _config_paths(directory)
                lexicon = parse_lexicon(data["lexicon"], lexicon_path)
                themes = parse_themes(data["themes"], themes_path, set(lexicon.names))
                return _from_data(directory, data, lexicon, themes)
    index, data = build_index(directory)
    if cached is not None:
        _store(cached, {**data, "key": key})
    return index


def _store(path: Path, data: dict[str, Any]) -> None:
    """Best effort: a cache that cannot be written only costs time on the next run."""
    with contextlib.suppress(OSError, ValueError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".bank-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(marshal.dumps(data))
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def fold_key(text: str) -> str:
    """Comparison key of polished (already simplified) text."""
    return fold_normalized(text)
