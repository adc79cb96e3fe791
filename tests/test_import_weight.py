"""``drafter --version`` loads only the command line's frame, none of the libraries that do the work.

Measured with ``python -X importtime`` in a fresh interpreter, for both ways a user starts drafter:
the console script (``drafter.cli:main``) and ``python -m drafter``. The libraries below each cost
noticeable start-up time; the commands that need them import them when they run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Top-level packages --version must not import. click is not listed: typer imports it (or its
# vendored copy) to build the command line at all.
HEAVY = (
    *("jinja2", "markupsafe", "yaml", "docx", "lxml", "opencc", "rich", "pydantic"),
    *("selectolax", "pdfminer", "markdown_it"),
    "prompt_toolkit",  # only `drafter new` on a terminal edits lines with it
)

_ENTRY_POINT = (
    "import sys; sys.argv = ['drafter', '--version']; from drafter.cli import main; main()"
)
STARTS = {
    "console script": ["-c", _ENTRY_POINT],
    "python -m drafter": ["-m", "drafter", "--version"],
}


def imported_modules(args: list[str], cwd: Path) -> tuple[str, list[str]]:
    """What a fresh interpreter prints and imports for ``args`` (``-X importtime``'s report)."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        cwd=cwd,
        env={**os.environ, "DRAFTER_CACHE_DIR": str(cwd / "cache")},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    modules = [
        line.rpartition("|")[2].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:") and not line.endswith("imported package")
    ]
    return proc.stdout, modules


@pytest.mark.parametrize("start", sorted(STARTS))
def test_version_imports_no_heavy_library(start: str, tmp_path: Path) -> None:
    out, modules = imported_modules(STARTS[start], tmp_path)
    assert out.startswith("drafter ")
    assert "drafter.cli.app" in modules  # the report is read right: the app was loaded
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert heavy == []
