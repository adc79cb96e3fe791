"""Reading and writing YAML safely: positions in errors, no escapes, atomic replacement."""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from pathlib import Path
from typing import Any

from .errors import BankError, DrafterError

MAX_BYTES = 10 * 1024 * 1024


class LineDict(dict[str, Any]):
    """A mapping that remembers the line (1-based) where it began in its file."""

    line: int = 0


@functools.cache
def _loader() -> Any:
    """A safe loader that records line numbers (built on first use: PyYAML is slow to import)."""
    import yaml

    # libyaml's parser when PyYAML has it (several times faster on big banks); both are safe.
    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def construct_mapping(loader: Any, node: Any) -> LineDict:
        loader.flatten_mapping(node)
        result = LineDict(loader.construct_pairs(node, deep=True))
        result.line = node.start_mark.line + 1
        return result

    loader: Any = type("_Loader", (base,), {})
    loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return loader


def load_yaml(path: Path, error: type[DrafterError] = BankError, max_bytes: int = MAX_BYTES) -> Any:
    """Parse a YAML file; problems become ``error`` naming the file, line and column."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise error("文件不存在", path=path) from exc
    except OSError as exc:
        raise error(f"无法读取文件（{exc.strerror}）", path=path) from exc
    if len(data) > max_bytes:
        size, limit = len(data) / 2**20, max_bytes / 2**20
        raise error(f"文件过大（{size:.1f} MB，上限 {limit:.0f} MB）", path=path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error("YAML 文件必须是 UTF-8 编码", path=path) from exc
    import yaml

    try:
        return yaml.load(text, Loader=_loader())  # derives from a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or str(exc)
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise error(f"YAML 格式错误：{problem}", path=path, line=line, column=column) from exc
    except yaml.YAMLError as exc:
        raise error(f"YAML 格式错误：{exc}", path=path) from exc


def dump_yaml(data: Any) -> str:
    """YAML text with real Chinese characters, keys in the given order, no line wrapping."""
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1_000_000, indent=2)


def _mode_for(path: Path) -> int:
    """The existing file's mode, or what a plain new file would get under the umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_atomic(path: Path, text: str) -> None:
    """Write a whole file or nothing: a temporary file beside it, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, _mode_for(path))
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
