"""The package's layering, read from the source: imports point one way, and none is circular.

errors/workspace < files < text < formats < corpus < bank < mining | drafting < output < workflow
< cli.
An import inside a function hides a cycle from Python until it bites, so those count too. They are
allowed only where they keep start-up fast: in the CLI, and for modules that load a heavy
third-party library as they are imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import drafter

PACKAGE = Path(drafter.__file__).parent
# Libraries that cost noticeable start-up time to import.
HEAVY = {
    *("jinja2", "yaml", "docx", "lxml", "opencc", "rich", "typer", "click", "pydantic"),
    *("selectolax", "pdfminer", "markdown_it"),
    "prompt_toolkit",  # line editing for `drafter new` on a terminal
}
LAYERS = {
    "errors": 0,
    "workspace": 0,
    "files": 1,
    "text": 2,
    "formats": 3,
    "corpus": 4,
    "bank": 5,
    "mining": 6,
    "drafting": 6,
    "output": 7,
    "check": 7,  # drafter check: reads documents (formats) and banks, reports like output
    "workflow": 8,
    "cli": 9,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def group(module: str) -> str:
    """The subpackage (or top-level module) a module belongs to: ``drafter.bank.store`` → bank."""
    return module.split(".")[1] if module.count(".") else ""


class _Imports(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool) -> None:
        self.module = module
        self.base = module if is_package else module.rpartition(".")[0]
        self.found: list[tuple[str, int, bool]] = []  # (target, line, inside a function)
        self.third_party: set[str] = set()  # libraries imported as the module loads
        self.depth = 0
        self.typing_only = 0

    def visit_If(self, node: ast.If) -> None:
        checking = isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
        self.typing_only += checking
        for child in node.body:
            self.visit(child)
        self.typing_only -= checking
        for child in node.orelse:
            self.visit(child)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] == "drafter":
                self.found.append((alias.name, node.lineno, self.depth > 0))
            elif not self.depth and not self.typing_only:
                self.third_party.add(alias.name.split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.base.split(".")
            base = base[: len(base) - node.level + 1]
            target = ".".join([*base, *([node.module] if node.module else [])])
        else:
            target = node.module or ""
        if target.split(".")[0] != "drafter":
            if not node.level and not self.depth and not self.typing_only:
                self.third_party.add(target.split(".")[0])
            return
        for alias in node.names:
            # ``from drafter.bank import store`` imports the module drafter.bank.store
            sub = f"{target}.{alias.name}"
            named = sub if (PACKAGE.parent / (sub.replace(".", "/") + ".py")).exists() else target
            self.found.append((named, node.lineno, self.depth > 0))


def all_imports() -> tuple[dict[str, list[tuple[str, int, bool]]], dict[str, set[str]]]:
    result, libraries = {}, {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        visitor = _Imports(module, path.name == "__init__.py")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # The root package names every export lazily; its type-checking imports are not edges.
        body = [n for n in tree.body if module != "drafter"]
        for node in body:
            visitor.visit(node)
        result[module] = visitor.found
        libraries[module] = visitor.third_party
    return result, libraries


IMPORTS, LIBRARIES = all_imports()


def heavy(module: str, seen: frozenset[str] = frozenset()) -> bool:
    """Whether importing ``module`` loads a heavy library, directly or through its own imports."""
    if LIBRARIES.get(module, set()) & HEAVY:
        return True
    return any(
        heavy(target, seen | {module})
        for target, _, inside in IMPORTS.get(module, [])
        if not inside and target not in seen and target != module
    )


def test_every_module_has_a_layer() -> None:
    for module in IMPORTS:
        if module in ("drafter", "drafter.__main__"):
            continue
        assert group(module) in LAYERS, f"{module} is in no layer; add its folder to LAYERS"


def _layer(module: str) -> int | None:
    if module == "drafter":  # only ``__version__`` comes from the root
        return 0
    return LAYERS.get(group(module))


@pytest.mark.parametrize(
    "module", sorted(m for m in IMPORTS if m not in ("drafter", "drafter.__main__"))
)
def test_imports_point_down(module: str) -> None:
    mine = _layer(module)
    assert mine is not None
    for target, line, _ in IMPORTS[module]:
        theirs = _layer(target)
        if group(target) == group(module):
            continue
        assert theirs is not None and theirs < mine, (
            f"{module}:{line} imports {target}, which is not below it "
            f"({group(module)}={mine}, {group(target)}={theirs})"
        )


# Late imports of light modules that a draft from a current index cache never needs, each
# with what it spares every `drafter draft` (measured with -X importtime).
LATE_FOR_START_UP = {
    ("drafter.drafting.index", "drafter.bank.store"): "the YAML store, read on a stale cache",
    ("drafter.output.templates", "drafter.output.style"): "Word page styles, for docx only",
    ("drafter.output.templates", "drafter.output.word"): "the Word writer, for docx only",
}


def test_functions_import_drafter_modules_only_to_start_fast() -> None:
    late = [
        f"{module}:{line} imports {target} inside a function"
        for module, found in IMPORTS.items()
        for target, line, inside in found
        if inside
        and group(module) != "cli"
        and module not in ("drafter", "drafter.__main__")
        and not heavy(target)
        and (module, target) not in LATE_FOR_START_UP
    ]
    assert late == []


def test_no_circular_imports() -> None:
    graph = {m: {t for t, _, _ in found if t in IMPORTS and t != m} for m, found in IMPORTS.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                pytest.fail("circular import: " + " → ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
