"""The public API of ``import drafter``: what ``__all__`` names is what you get, whatever else is loaded.

The bug this guards: ``compose`` and ``render`` were both exported functions and module names, so once
``drafter.session`` had imported the module ``drafter.render``, ``from drafter import render`` gave the
module. The package's root exports names lazily (``_EXPORTS`` and a module ``__getattr__``), and a
submodule import sets an attribute on its parent that wins over ``__getattr__``.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import drafter

PACKAGE = Path(drafter.__file__).parent
EXPORTS: dict[str, str] = drafter._EXPORTS

# Case-only matches between an export and a module: they cannot shadow anything (Python names are
# case-sensitive, and ``drafter.bank`` is a different attribute from ``drafter.Bank``), but they do
# invite ``from drafter import bank`` by mistake. Known ones are listed here so that none is added
# unnoticed; a renamed one must be taken off the list.
CASE_ONLY_MATCHES = {
    ("Bank", "drafter.bank"),
    ("Bank", "drafter.cli.bank"),
}

# Runs in a fresh interpreter, so that importing every module cannot change what other tests see.
# It resolves every export three times: before anything else is loaded, after every submodule has
# been imported (the order that hid the bug), and through ``from drafter import name``.
_PROBE = r"""
import importlib, json, pkgutil, sys, types

import drafter

def resolve(name):
    value = getattr(drafter, name)
    scope = {}
    exec(f"from drafter import {name}", scope)
    return value, scope[name]

first = {name: getattr(drafter, name) for name in drafter.__all__}
imported = []
for info in pkgutil.walk_packages(drafter.__path__, "drafter."):
    if info.name.split(".")[-1] == "__main__":  # runs the command line
        continue
    importlib.import_module(info.name)
    imported.append(info.name)

problems = []
for name in drafter.__all__:
    by_attr, by_from = resolve(name)
    home = drafter._EXPORTS.get(name)
    expected = getattr(importlib.import_module(f"drafter.{home}"), name) if home else None
    for how, value in (("getattr(drafter, name)", by_attr), ("from drafter import", by_from)):
        if isinstance(value, types.ModuleType):
            problems.append(f"{how} {name} gives the module {value.__name__}")
        elif home is not None and value is not expected:
            problems.append(f"{how} {name} is not drafter.{home}.{name}")
        elif value is not first[name]:
            problems.append(f"{how} {name} changed after every submodule was imported")
print(json.dumps({"imported": imported, "problems": problems}))
"""


def test_exports_resolve_to_their_home_objects_after_importing_everything(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=tmp_path,
        env={**os.environ, "DRAFTER_CACHE_DIR": str(tmp_path / "cache")},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["problems"] == []
    # Every module of the package was imported, so a clash anywhere would have shown.
    modules = {_module_name(path) for path in PACKAGE.rglob("*.py")} - {
        "drafter",
        "drafter.__main__",
    }
    assert set(report["imported"]) == modules


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules_and_packages() -> set[str]:
    """Every module and subpackage of drafter, read from the files (nothing is imported)."""
    return {_module_name(path) for path in PACKAGE.rglob("*.py")} - {"drafter"}


def test_no_module_is_named_like_an_export() -> None:
    exact, case_only = [], set()
    for module in sorted(_modules_and_packages()):
        last = module.rpartition(".")[2]
        for name in EXPORTS:
            if last == name:
                exact.append(f"{module} has the name of the export {name}")
            elif last.lower() == name.lower():
                case_only.add((name, module))
    assert exact == []
    assert case_only == CASE_ONLY_MATCHES, (
        "a module differs from an export only in case (rename it), "
        "or a listed match was renamed (take it off CASE_ONLY_MATCHES)"
    )


def _type_checking_imports() -> dict[str, str]:
    """``name: module`` for the names the root imports under ``if TYPE_CHECKING:``."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    blocks = [
        node
        for node in tree.body
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name)
        if node.test.id == "TYPE_CHECKING"
    ]
    assert len(blocks) == 1
    for node in blocks[0].body:
        assert isinstance(node, ast.ImportFrom) and node.module, ast.dump(node)
        assert node.level == 0 and node.module.startswith("drafter."), node.module
        for alias in node.names:
            assert alias.asname is None, f"{alias.name} is imported as {alias.asname}"
            assert alias.name not in found, f"{alias.name} is imported twice"
            found[alias.name] = node.module.removeprefix("drafter.")
    return found


def test_exports_all_and_type_checking_imports_agree() -> None:
    assert len(drafter.__all__) == len(set(drafter.__all__)), "a name is in __all__ twice"
    assert set(drafter.__all__) == {*EXPORTS, "__version__"}
    assert _type_checking_imports() == EXPORTS
    for name, module in EXPORTS.items():
        assert (PACKAGE / (module.replace(".", "/") + ".py")).is_file(), f"{name}: no {module}"


def test_unknown_names_are_refused() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        drafter.__getattr__("no_such_name")
