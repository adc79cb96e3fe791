"""The command line: Typer commands that parse options, call one core function and print its result.

``main`` imports the app only when called, so importing a module of this package stays cheap.
"""

from __future__ import annotations


def main() -> None:
    """The ``drafter`` console script."""
    from drafter.cli.app import main as run

    run()
