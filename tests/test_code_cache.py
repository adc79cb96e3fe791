"""Caches follow the code by content: an edited module is never served a cache built by older code.

The bank index (``drafting/index.py``) and the line maps of bank files (``bank/linemap.py``) are
cached in ``DRAFTER_CACHE_DIR``, keyed with ``files.cache.code_stamp`` over the source of the modules
that shape them. The end-to-end tests run a private copy of the package in a fresh interpreter
(``PYTHONPATH`` first, so the copy is what is imported), edit a module of the copy and watch what
the next run does. Whether a run built or loaded is observed directly: the probe counts calls to the
builders, and the cache files are compared by inode and modification time.
"""

from __future__ import annotations

import compileall
import json
import marshal
import os
import shutil
import subprocess
import sys
import types
from importlib.machinery import ModuleSpec
from pathlib import Path
from typing import Any

import pytest

import drafter
from drafter.drafting import index as index_module
from drafter.drafting.index import load_index
from drafter.files.cache import code_stamp
from tests.conftest import speech_bank

PACKAGE = Path(drafter.__file__).parent
REPO = PACKAGE.parent

# Loads the index and/or reads every bank file's line map, counting how often each was built.
_PROBE = r"""
import json, sys
from pathlib import Path

import drafter
from drafter.bank import linemap
from drafter.drafting import index

built = {"index": 0, "linemap": 0}

def counted(kind, build):
    def run(*args, **kwargs):
        built[kind] += 1
        return build(*args, **kwargs)
    return run

index.build_index = counted("index", index.build_index)
linemap.build_line_map = counted("linemap", linemap.build_line_map)
bank, what = Path(sys.argv[1]), sys.argv[2]
result = {"package": drafter.__file__, "built": built}
if what == "index":
    loaded = index.load_index(bank)
    result["rows"] = {kind: len(rows) for kind, rows in loaded.rows.items()}
else:
    result["rows"] = [row.id for _, row in linemap.iter_rows(bank)]
print(json.dumps(result))
"""


class Copy:
    """A private copy of the package and of the bundled bank, and a cache folder for them."""

    def __init__(self, tmp_path: Path) -> None:
        self.src = tmp_path / "src"
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(PACKAGE, self.src / "drafter", ignore=ignore)
        self.bank = tmp_path / "bank"
        shutil.copytree(speech_bank(), self.bank)  # small: the caches, not the content, are tested
        self.cache = tmp_path / "cache"
        self.cache.mkdir()

    def module(self, name: str) -> Path:
        return self.src / (name.replace(".", "/") + ".py")

    def edit(self, name: str) -> None:
        """Change a module's source without changing what it does."""
        with self.module(name).open("a", encoding="utf-8") as handle:
            handle.write("\n# edited by tests/test_code_cache.py\n")

    def run(self, what: str, src: Path | None = None) -> dict[str, Any]:
        proc = subprocess.run(
            [sys.executable, "-c", _PROBE, str(self.bank), what],
            cwd=self.cache.parent,
            env={
                **os.environ,
                "PYTHONPATH": str(src or self.src),
                "PYTHONDONTWRITEBYTECODE": "1",
                "DRAFTER_CACHE_DIR": str(self.cache),
            },
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert proc.returncode == 0, proc.stderr
        report: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
        assert report["package"] == str((src or self.src) / "drafter" / "__init__.py")
        return report

    def files(self, prefix: str) -> dict[str, tuple[int, int]]:
        """The cache files that start with ``prefix``, by name: (inode, modification time)."""
        return {
            p.name: (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(self.cache.iterdir())
            if p.name.startswith(prefix)
        }


@pytest.fixture
def copy(tmp_path: Path) -> Copy:
    return Copy(tmp_path)


def test_index_cache_is_used_then_rebuilt_when_a_shaping_module_changes(copy: Copy) -> None:
    first = copy.run("index")
    assert first["built"]["index"] == 1
    stored = copy.files("bank-")
    assert len(stored) == 2  # the index and the point bodies

    again = copy.run("index")
    assert again["built"]["index"] == 0
    assert again["rows"] == first["rows"]
    assert copy.files("bank-") == stored  # read, not written again

    copy.edit("drafter.text.normalize")  # shapes every text in the index
    edited = copy.run("index")
    assert edited["built"]["index"] == 1
    assert edited["rows"] == first["rows"]
    now = copy.files("bank-")
    assert len(now) == 4 and set(stored) < set(now)  # stored under a new key

    assert copy.run("index")["built"]["index"] == 0  # and that one is used from then on


def test_line_map_cache_is_used_then_rebuilt_when_its_module_changes(copy: Copy) -> None:
    first = copy.run("linemap")
    files = first["built"]["linemap"]
    assert files > 1 and first["rows"]
    stored = copy.files("bankfile-")
    assert len(stored) == files

    again = copy.run("linemap")
    assert again["built"]["linemap"] == 0
    assert again["rows"] == first["rows"]
    assert copy.files("bankfile-") == stored

    copy.edit("drafter.bank.linemap")
    edited = copy.run("linemap")
    assert edited["built"]["linemap"] == files
    assert edited["rows"] == first["rows"]
    now = copy.files("bankfile-")
    assert set(now) == set(stored)  # one cache file per bank file, replaced
    assert all(now[name] != stored[name] for name in stored)

    assert copy.run("linemap")["built"]["linemap"] == 0


def test_the_same_code_elsewhere_shares_the_caches(copy: Copy, tmp_path: Path) -> None:
    # By content, not by path: a checkout and its installed wheel need not build twice.
    copy.run("index")
    copy.run("linemap")
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(copy.src, elsewhere)
    assert copy.run("index", elsewhere)["built"]["index"] == 0
    assert copy.run("linemap", elsewhere)["built"]["linemap"] == 0


def test_without_readable_source_nothing_is_cached(copy: Copy) -> None:
    # A bytecode-only install: the index cannot know which code built a cache, so it keeps none.
    source = copy.module("drafter.text.normalize")
    assert compileall.compile_file(source, quiet=1, legacy=True)
    source.unlink()
    for what in ("index", "linemap", "index"):
        report = copy.run(what)
        assert report["built"][what] > 0
        assert report["rows"]
    assert list(copy.cache.iterdir()) == []


# ``code_stamp`` itself. It keeps its answers for the life of the process (the code does not change
# under a running command), so these tests call the function it wraps, on modules of their own.


def _stamp(*modules: str) -> str | None:
    result: str | None = code_stamp.__wrapped__(*modules)
    return result


def _module(monkeypatch: pytest.MonkeyPatch, name: str, origin: str | None) -> None:
    module = types.ModuleType(name)
    module.__spec__ = ModuleSpec(name, None, origin=origin)
    monkeypatch.setitem(sys.modules, name, module)


def test_code_stamp_changes_with_the_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "shaping.py"
    path.write_text("X = 1\n", encoding="utf-8")
    _module(monkeypatch, "_drafter_test_shaping", str(path))
    _module(monkeypatch, "_drafter_test_other", str(PACKAGE / "errors.py"))
    before = _stamp("_drafter_test_shaping", "_drafter_test_other")
    assert before is not None
    assert _stamp("_drafter_test_shaping", "_drafter_test_other") == before
    assert _stamp("_drafter_test_other", "_drafter_test_shaping") != before  # order is part of it

    path.write_text("X = 1\n# a comment\n", encoding="utf-8")
    after = _stamp("_drafter_test_shaping", "_drafter_test_other")
    assert after is not None and after != before


@pytest.mark.parametrize(
    "origin",
    [
        None,  # no origin at all (built-in, or a module made at run time)
        "frozen",
        "normalize.cpython-311-x86_64-linux-gnu.so",  # compiled
        "normalize.pyc",  # bytecode only
        "missing.py",  # the file is gone
    ],
)
def test_code_stamp_is_none_without_readable_source(
    origin: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _module(monkeypatch, "_drafter_test_unreadable", origin and str(tmp_path / origin))
    assert _stamp("drafter.errors", "_drafter_test_unreadable") is None


def test_code_stamp_is_none_for_a_module_not_imported() -> None:
    assert _stamp("drafter.errors", "_drafter_test_never_imported") is None


def test_load_index_works_without_a_cache_when_the_code_cannot_be_stamped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(cache))
    _module(monkeypatch, "_drafter_test_unreadable", None)
    monkeypatch.setattr(
        index_module, "_SHAPING", (*index_module._SHAPING, "_drafter_test_unreadable")
    )
    bank = tmp_path / "bank"
    shutil.copytree(speech_bank(), bank)
    first = load_index(bank)
    assert first.count("heading") > 0 and first.cache_key == ""  # built, not loaded
    assert load_index(bank).rows == first.rows
    assert not cache.exists() or list(cache.iterdir()) == []


def test_cached_entries_carry_the_code_stamp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the keys are made of, read back from the files: the index's name, the line map's digest.
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    bank = tmp_path / "bank"
    shutil.copytree(speech_bank(), bank)
    from drafter.bank.linemap import _code_stamp, iter_rows

    list(iter_rows(bank))
    stamp = _code_stamp()
    assert stamp is not None
    for path in (tmp_path / "cache").glob("bankfile-*.marshal"):
        assert marshal.loads(path.read_bytes())["digest"].endswith(stamp)
