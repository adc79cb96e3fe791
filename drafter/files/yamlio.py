"""Reading and writing YAML safely: positions in errors, no escapes, atomic replacement.

Untrusted YAML is bounded before it is parsed: a size limit, a nesting limit (libyaml's composer
recurses in C and crashes the interpreter on tens of thousands of nested ``[``), and, for
positioned loading, a budget on how far aliases may expand.

Positions come in two grains here, and a third kind of place is kept elsewhere:

* ``load_yaml``/``load_text`` give ``LineDict``: each mapping knows its first line, nothing more.
  It is the fast reader of whole bank, lexicon and theme files (PyYAML's own constructor, aliases
  shared rather than copied), whose messages name an entry's line.
* ``load_positioned``/``positioned_text`` give ``PosDict``/``PosList``: the line and column of
  every key and value, for files checked key by key (briefs, style profiles, imports, an entry
  being edited, ``bank validate``). Slower, and stricter: only plain tags, aliases on a budget.
* ``drafter.bank.linemap`` keeps line *spans* (0-based, end exclusive) of whole bank entries, to
  replace their lines when a file is edited in place; none of the above knows where a node ends.

Wherever a message names a place, ``mark_position``/``node_position`` turn the parser's 0-based
mark into the 1-based line and column.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from drafter.errors import BankError, DrafterError, UsageError
from drafter.files.decoding import detect_encoding, read_file_bytes
from drafter.files.targets import TEMP_PREFIX, TEMP_SUFFIX, real_target
from drafter.files.yamlemit import fast_dump

MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 200  # real banks and briefs nest fewer than ten levels
TOO_DEEP = f"YAML 嵌套过深（超过 {MAX_DEPTH} 层），拒绝读取"
_INDICATORS = re.compile(r"(?:[-?:][ \t]+){8,}")

Position = tuple[int, int]  # (line, column), both 1-based


def mark_position(mark: Any) -> Position:
    """Where a parser's mark (0-based line and column) points, as messages name it."""
    return mark.line + 1, mark.column + 1


def node_position(node: Any) -> Position:
    """Where a composed node begins, as messages name it."""
    return mark_position(node.start_mark)


class LineDict(dict[str, Any]):
    """A mapping that remembers the line (1-based) where it began in its file.

    Only the line, and only of mappings: what the bank's own messages need, kept cheap for
    100k-entry files (``PosDict`` places every key and value, at a cost; see the module's notes).
    """

    line: int = 0
    duplicated: bool = False  # some key was written twice (the last value won)


def base_loader() -> Any:
    """The safe loader every parse here builds on: libyaml's when PyYAML has it (several times
    faster on big banks), else the pure-Python one; both are safe."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def _loader() -> Any:
    """A safe loader that records line numbers (built on first use: PyYAML is slow to import)."""
    import yaml

    def construct_mapping(loader: Any, node: Any) -> LineDict:
        explicit = node.value
        loader.flatten_mapping(node)
        pairs = loader.construct_pairs(node, deep=True)
        try:
            result = LineDict(pairs)
        except TypeError:  # a list or mapping as a key: PyYAML's own loader refuses it too
            raise yaml.constructor.ConstructorError(
                None, None, "映射的键必须是简单的文字", node.start_mark
            ) from None
        result.line = node_position(node)[0]
        # Fewer keys than pairs: a key written twice, whose first value is silently lost
        # (merged keys "<<" are overridden by design, and give node.value a new list).
        if len(result) < len(pairs) and node.value is explicit:
            result.duplicated = True
        return result

    loader: Any = type("_Loader", (base_loader(),), {})
    loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return loader


def _refuses_depth(exc: Exception) -> bool:
    """Whether a parser error is the parser's own nesting limit (libyaml 0.2.6 refuses past 1,000
    levels while scanning, before it yields the first event of the collection)."""
    problem = str(getattr(exc, "problem", None) or exc).lower()
    return "depth" in problem or "nest" in problem


def _event_depth(text: str, limit: int) -> int:
    """How deeply ``text`` nests collections, from the parser's events (which, unlike the
    composer, do not recurse); stops counting past ``limit``. The parser refusing to go deeper is
    an answer too: more than ``limit``."""
    import yaml

    opens = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
    closes = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
    depth = top = 0
    try:
        for event in yaml.parse(text, Loader=base_loader()):
            if isinstance(event, opens):
                depth += 1
                top = max(top, depth)
                if top > limit:
                    break
            elif isinstance(event, closes):
                depth -= 1
    except yaml.YAMLError as exc:
        # Any other error is reported by loading, with its position; nothing before it nests
        # deeper than counted, so the composer is safe up to there.
        if _refuses_depth(exc):
            return limit + 1
    return top


_OPENERS = re.compile(r"[\[{]")


def _deep_prefix(text: str, limit: int) -> str | None:
    """The shortest prefix of ``text`` holding more than ``limit`` collection openers (brackets,
    or inline indicators in one run), if there is one.

    Parsing only that prefix settles plain deep nesting fast with every parser: libyaml never
    reaches its own depth limit, and the pure-Python scanner, whose look-ahead is quadratic in
    the depth, stops after ``limit`` levels. A shallow file just pays for parsing a short prefix.
    """
    cut = None
    opener = next(itertools.islice(_OPENERS.finditer(text), limit, None), None)
    if opener is not None:
        cut = opener.end()
    for run in _INDICATORS.finditer(text):
        if cut is not None and run.start() >= cut:
            break
        marks = [m.end() for m in re.finditer(r"[-?:]", run.group())]
        if len(marks) > limit:
            end = run.start() + marks[limit]
            cut = end if cut is None else min(cut, end)
            break
    return None if cut is None else text[:cut]


def nesting_bound(text: str, limit: int = MAX_DEPTH) -> int:
    """An upper bound on how deeply ``text`` nests flow collections and inline indicators;
    exact (from the parser) whenever the quick count of brackets exceeds ``limit``.

    Quoted brackets and comments cannot fool it: they only make the quick count larger, and the
    parser then has the last word.
    """
    runs = (len(re.findall(r"[-?:]", m.group())) for m in _INDICATORS.finditer(text))
    quick = text.count("[") + text.count("{") + max(runs, default=0)
    if quick <= limit:
        return quick
    prefix = _deep_prefix(text, limit)
    if prefix is not None:
        found = _event_depth(prefix, limit)
        if found > limit:
            return found
    return _event_depth(text, limit)


def read_yaml_text(
    path: Path, error: type[DrafterError], max_bytes: int, detect: bool = False
) -> tuple[str, str]:
    """A YAML file's text and its encoding, refused when too big, too deep or undecodable.

    UTF-8 (with or without a BOM) always; with ``detect``, also UTF-16 with a BOM and GB18030/GBK
    or Big5 when the text reads as real Chinese (never a garbled guess).
    """
    data = read_file_bytes(path, error, max_bytes=max_bytes)
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        if not detect:
            raise error("YAML 文件必须是 UTF-8 编码", path=path) from exc

        try:
            text, encoding = detect_encoding(data, str(path))
        except DrafterError as bad:
            raise error(f"{bad.message}；请另存为 UTF-8", path=path) from exc
    if "\x00" in text:
        raise error("文件里有 NUL 字符，不是 YAML 文本", path=path)
    if nesting_bound(text) > MAX_DEPTH:
        raise error(TOO_DEEP, path=path)
    return text, encoding


# PyYAML's problems (and the context they arise in), in Chinese with what to do about them;
# the first pattern that matches ``problem`` (or ``problem`` after ``context``) explains it.
_YAML_PROBLEMS: tuple[tuple[str, str], ...] = (
    (r"found character '\\t' that cannot start any token", "不能用 Tab 缩进，请改用空格"),
    (
        r"found character '(.)' that cannot start any token",
        "“{0}”不能放在一个值的开头：请给整个值加引号",
    ),
    (r"found a tab character", "不能用 Tab 缩进，请改用空格"),
    (r"did not find expected key", "缩进不一致：这一行与同一层的键没有对齐（或上一行少了冒号）"),
    (r"did not find expected '-' indicator", "列表项要以“- ”开头，并与同一列表的其他项对齐"),
    (
        r"expected '?<document start>'?",
        "这一行不像“键: 值”：检查是否少了冒号，或冒号后没有空格",
    ),
    (
        r"mapping values are not allowed",
        "这里不能有冒号：值里有“: ”时请给整个值加引号，或检查上一行的缩进",
    ),
    (r"could not find expected ':'", "少了冒号：键后面要写“: ”（冒号后有空格）"),
    (r"found undefined alias", "“*”开头的值被当成了引用：请给整个值加引号"),
    (r"found duplicate anchor", "“&”开头的名字（锚点）重复了：请给整个值加引号"),
    (
        r"expected alphabetic or numeric character",
        "“&”或“*”后面要跟名字；当普通文字用时请给整个值加引号",
    ),
    (r"expected <block end>", "缩进不一致：这一行的缩进与同一层的其他行不同"),
    (
        r"found unexpected end of stream.*quoted|quoted.*found unexpected end of stream",
        "字符串里的引号要成对：这里开始的引号直到文件末尾都没有结束",
    ),
    (r"found unknown escape character", "双引号里的“\\”转义无效：改用单引号，或写成“\\\\”"),
    (r"expected ',' or '\]'", "方括号列表 [ … ] 没有正确结束：检查逗号和右括号“]”"),
    (r"expected ',' or '\}'", "花括号 { … } 没有正确结束：检查逗号和右括号“}”"),
    (r"but found another document", "文件里只能有一份内容：请删去“---”及其后的第二份"),
    (r"could not determine a constructor for the tag", "不认识以“!”开头的标记：请给整个值加引号"),
    (r"found unexpected ':'", "这里不能有冒号：请给整个值加引号"),
    (
        r"block sequence entries are not allowed",
        "这里不能开始“- ”列表：列表要另起一行，并比它所属的键多缩进",
    ),
    (r"did not find expected node content", "这里缺少值：检查逗号、括号或“- ”后面是否漏写了内容"),
    (
        r"found character that cannot start any token",
        "这里有不能开头的字符：不能用 Tab 缩进（请改用空格）；以“@”“`”开头的值请加引号",
    ),
    (r"found unexpected end of stream", "文件意外结束：检查引号和括号是否成对"),
)


def explain_yaml_problem(problem: str, context: str = "") -> str:
    """PyYAML's ``problem`` in Chinese with a hint; one it does not know, as it is."""
    import re

    for pattern, explanation in _YAML_PROBLEMS:
        found = re.search(pattern, f"{context} {problem}", re.DOTALL)
        if found:
            return explanation.format(*found.groups())
    return problem


def yaml_error(
    exc: Exception,
    path: Path,
    error: type[DrafterError],
    line_offset: int = 0,
    text: str | None = None,
) -> DrafterError:
    """A parser's exception as ``error`` at its file position (``line_offset``: where the
    parsed ``text`` starts in the file)."""
    import yaml

    if isinstance(exc, yaml.reader.ReaderError) and isinstance(exc.character, int):
        # The reader's position is in characters for the pure-Python parser and in UTF-8 bytes
        # for libyaml; the character itself locates it either way.
        line = column = None
        if text is not None and (where := text.find(chr(exc.character))) >= 0:
            line = text.count("\n", 0, where) + 1 + line_offset
            column = where - text.rfind("\n", 0, where)
        return error(
            f"YAML 文件里不能有控制字符 U+{exc.character:04X}，请删去它",
            path=path,
            line=line,
            column=column,
        )
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or str(exc)
        at = mark_position(mark) if mark else None
        line = at[0] + line_offset if at else None
        column = at[1] if at else None
        if text is not None and mark is not None and "cannot start any token" in problem:
            # libyaml does not name the character: the text does
            lines = text.splitlines()
            if mark.line < len(lines) and mark.column < len(lines[mark.line]):
                character = lines[mark.line][mark.column]
                problem = f"found character {character!r} that cannot start any token"
        explained = explain_yaml_problem(problem, exc.context or "")
        return error(f"YAML 格式错误：{explained}", path=path, line=line, column=column)
    if isinstance(exc, RecursionError):
        return error("YAML 嵌套过深，拒绝读取", path=path)
    return error(f"YAML 格式错误：{exc}", path=path)


def load_yaml(path: Path, error: type[DrafterError] = BankError, max_bytes: int = MAX_BYTES) -> Any:
    """Parse a YAML file; problems become ``error`` naming the file, line and column."""
    text, _ = read_yaml_text(path, error, max_bytes)
    import yaml

    try:
        return yaml.load(text, Loader=_loader())  # derives from a safe loader
    except (yaml.YAMLError, RecursionError) as exc:
        raise yaml_error(exc, path, error, text=text) from exc


def load_text(
    text: str, path: Path, line_offset: int = 0, error: type[DrafterError] = BankError
) -> Any:
    """Parse YAML text cut from ``path`` (starting at line ``line_offset`` + 1)."""
    import yaml

    try:
        return yaml.load(text, Loader=_loader())  # derives from a safe loader
    except (yaml.YAMLError, RecursionError) as exc:
        raise yaml_error(exc, path, error, line_offset, text) from exc


class PosDict(dict[Any, Any]):
    """A mapping that knows where it, each of its keys and each of its values are in the file.

    For files checked key by key; a bank as drafting reads it only needs ``LineDict``, and an
    edit in place needs ``drafter.bank.linemap``'s line spans (see the module's notes).
    """

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line, self.column = line, column
        self.keys_at: dict[Any, Position] = {}
        self.values_at: dict[Any, Position] = {}
        self.duplicates: list[tuple[Any, Position]] = []

    def at(self, key: Any) -> Position:
        """Where the value of ``key`` is (or the mapping itself when the key is absent)."""
        return self.values_at.get(key, (self.line, self.column))


class PosList(list[Any]):
    """A sequence that knows where it and each of its items are in the file."""

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line, self.column = line, column
        self.items_at: list[Position] = []


_PLAIN_TAGS = frozenset({"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"})


class _Builder:
    """Python values from a composed node graph, with positions and an alias budget."""

    def __init__(self, path: Path, error: type[DrafterError], budget: int) -> None:
        import yaml

        self.yaml = yaml
        self.path, self.error, self.budget = path, error, budget
        self.constructor = yaml.constructor.SafeConstructor()

    def build(self, node: Any) -> Any:
        self.budget -= 1
        if self.budget < 0:  # aliases re-enter shared nodes: a tiny file can expand without end
            line, column = node_position(node)
            raise self.error(
                "YAML 的锚点和别名展开后过大，拒绝读取", path=self.path, line=line, column=column
            )
        if isinstance(node, self.yaml.ScalarNode):
            if node.tag == "tag:yaml.org,2002:str":
                return node.value  # most values: skip the constructor's bookkeeping
            return self.constructor.construct_object(node)
        if node.tag not in _PLAIN_TAGS:  # a scalar's tag is checked by its constructor
            line, column = node_position(node)
            raise self.error(
                f"不支持的 YAML 标签 {node.tag}", path=self.path, line=line, column=column
            )
        if isinstance(node, self.yaml.SequenceNode):
            items = PosList(*node_position(node))
            for child in node.value:
                items.append(self.build(child))
                items.items_at.append(node_position(child))
            return items
        return self._mapping(node)

    def _mapping(self, node: Any) -> PosDict:
        out = PosDict(*node_position(node))
        explicit = []
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged = self.build(value_node)
                for source in merged if isinstance(merged, list) else [merged]:
                    if not isinstance(source, PosDict):
                        line, column = node_position(value_node)
                        raise self.error(
                            "合并键 << 的值必须是映射（或映射的列表）",
                            path=self.path,
                            line=line,
                            column=column,
                        )
                    for key, value in source.items():
                        if key not in out:  # the first merged mapping wins, as YAML says
                            out[key] = value
                            out.keys_at[key] = source.keys_at[key]
                            out.values_at[key] = source.values_at[key]
                continue
            if not isinstance(key_node, self.yaml.ScalarNode):
                line, column = node_position(key_node)
                raise self.error(
                    "映射的键必须是简单的文字", path=self.path, line=line, column=column
                )
            explicit.append((key_node, value_node))
        seen: set[Any] = set()
        for key_node, value_node in explicit:
            key = self.constructor.construct_object(key_node)
            if key in seen:
                out.duplicates.append((key, node_position(key_node)))
            seen.add(key)
            out[key] = self.build(value_node)
            out.keys_at[key] = node_position(key_node)
            out.values_at[key] = node_position(value_node)
        return out


def load_positioned(
    path: Path, error: type[DrafterError], max_bytes: int = MAX_BYTES
) -> tuple[Any, str]:
    """A YAML file as ``PosDict``/``PosList``/scalars, and the encoding it was read in.

    Meant for files people write by hand (briefs), so other encodings than UTF-8 are detected.
    """
    text, encoding = read_yaml_text(path, error, max_bytes, detect=True)
    return positioned_text(text, path, error), encoding


def positioned_text(text: str, path: Path, error: type[DrafterError]) -> Any:
    """YAML text (read from ``path``, or to be shown as it) as ``PosDict``/``PosList``/scalars.

    The text must have passed ``read_yaml_text``'s checks (size, nesting)."""
    import yaml

    try:
        node = yaml.compose(text, Loader=base_loader())
        if node is None:
            return None
        # Every node is at least a few characters of text; far more visits means aliases. The
        # cap keeps even a 10 MB file of aliases to a few million values.
        budget = min(10 * len(text) + 100_000, 3_000_000)
        return _Builder(path, error, budget).build(node)
    except (yaml.YAMLError, RecursionError) as exc:
        raise yaml_error(exc, path, error, text=text) from exc


def plain(value: Any) -> Any:
    """Builtin dicts and lists all the way down (the loaders' positioned subclasses are not
    something ``safe_dump`` or ``marshal`` will write)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def dump_yaml(data: Any) -> str:
    """YAML text with real Chinese characters, keys in the given order, no line wrapping."""
    data = plain(data)
    text = fast_dump(data)  # bank entries: the same text as below, written many times faster
    if text is not None:
        return text
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1_000_000, indent=2)


@functools.cache
def _umask() -> int:
    mask = os.umask(0)  # the only way to read it is to set it
    os.umask(mask)
    return mask


def _mode_for(path: Path) -> int:
    """The existing file's mode, or what a plain new file would get under the umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_umask()


def write_atomic(path: Path, text: str | bytes, durable: bool = True) -> Path:
    """Write a whole file or nothing: a temporary file beside it, then a rename; the path of
    the file written (a symlink's target: see ``targets.real_target``, which also refuses a
    device, FIFO, socket or folder with a ``UsageError``).

    ``durable`` also flushes it to disk before the rename (survives a power cut, not only a
    killed process); a batch of thousands of small files skips that and stays fast.
    """
    path = real_target(path)
    prefix = f"{TEMP_PREFIX}{path.name}."
    try:
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=TEMP_SUFFIX, dir=path.parent)
    except FileNotFoundError:  # the folder is new
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        os.chmod(tmp, _mode_for(path))
        data = text.encode("utf-8") if isinstance(text, str) else text
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def write_user_file(path: Path, text: str | bytes, force: bool = False) -> Path:
    """Write a file the user named: never over a folder or other special file, over a file
    only with ``force``; the path written (through a symlink: the file it points at)."""

    if path.is_dir():
        raise UsageError("输出路径是一个目录，请给出文件名", path=path)
    real_target(path)  # a device or FIFO is refused before "exists": --force would not help
    if path.exists() and not force:
        raise UsageError("文件已存在；要覆盖请加 --force", path=path)
    try:
        return write_atomic(path, text)
    except OSError as exc:
        raise UsageError(f"无法写入文件（{exc.strerror}）", path=path) from exc
