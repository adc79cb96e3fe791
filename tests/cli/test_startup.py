"""Start-up: ``drafter draft`` converts its options without pydantic, and falls back to typer's own.

Timing belongs to bench/bench_startup.py; these tests guard the mechanism: which modules a run
imports, that the stand-in converters give what typer's would, and that drafter still works when
typer's internals are not what ``cliconvert`` expects.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import requires
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import typer
import typer.main
from typer.testing import CliRunner

from drafter.cli import convert as cliconvert
from drafter.cli.app import app

DRAFT = ["draft", "--theme", "激励干部担当作为", "--seed", "1"]
HEAVY = ("pydantic", "typer._adapters")

# Runs the console-script entry point in a fresh interpreter, then names the modules that a bare
# ``import typer`` did not load already and that the converters should not need.
_PROBE = """
import json, sys
import typer
before = set(sys.modules)
sys.argv = ["drafter", *json.loads(sys.argv[1])]
from drafter.cli.app import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
heavy = sorted(m for m in set(sys.modules) - before if m.split(".")[0] == "pydantic"
               or m == "typer._adapters")
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


def _probe(args: list[str], tmp_path: Path, **env: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(args)],
        cwd=tmp_path,  # no phrasebank/ here: the bundled bank, as for a user
        # The session's index cache (conftest): a user's start-up is a warm one after the first.
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    report: dict[str, Any] = json.loads(proc.stderr.strip().splitlines()[-1])
    return report


def _typer_has_slot() -> bool:
    """typer 0.29's per-parameter converter slot, which the stand-ins go into."""
    option = typer.main.get_command(app).params[0]
    return hasattr(option, "_runtime_param") and callable(
        getattr(option, "get_runtime_param", None)
    )


def _typer_needs_pydantic() -> bool:
    return any(need.startswith("pydantic") for need in requires("typer") or [])


needs_slot = pytest.mark.skipif(
    not _typer_has_slot(),
    reason=f"typer {typer.__version__} converts options without a per-parameter slot: "
    "nothing to stand in for (drafter works, see test_fallback_*)",
)


@pytest.mark.skipif(
    not _typer_has_slot() and _typer_needs_pydantic(),
    reason=f"typer {typer.__version__} converts through pydantic without the slot drafter stands "
    "in for: drafter works, but starts slower (bench/bench_startup.py)",
)
def test_draft_runs_without_pydantic(tmp_path: Path) -> None:
    report = _probe(DRAFT, tmp_path)
    assert report == {"code": 0, "heavy": []}


@needs_slot
def test_plain_options_switch_restores_typers_converters(tmp_path: Path) -> None:
    # The bench compares both ways in one run; this says the switch really switches.
    report = _probe(DRAFT, tmp_path, **{cliconvert.DISABLE_ENV: "1"})
    assert report["code"] == 0
    if _typer_needs_pydantic():
        assert "typer._adapters" in report["heavy"]


def _params(command: Any) -> Iterator[tuple[str, Any]]:
    for param in command.params:
        yield f"{command.name} {param.name}", param
    for sub in getattr(command, "commands", {}).values():
        yield from _params(sub)


@needs_slot
def test_every_option_of_every_command_gets_a_stand_in() -> None:
    command = typer.main.get_command(app)  # the group's constructor installs them
    missing = [
        name
        for name, param in _params(command)
        if not isinstance(param._runtime_param, cliconvert._PlainParam)
    ]
    assert missing == []


def _samples(existing_file: Path, existing_dir: Path) -> list[Any]:
    texts = ["3", "-2", "+3", "03", "1_000", " 3", "3.0", "0.5", "1e3", "nan", "abc", "", "１"]
    texts += ["99999999999999999999", "a\0b", str(existing_file), str(existing_dir), "missing"]
    return [
        None,
        *texts,
        3,
        0.9,
        True,
        False,
        Path("briefs.yaml"),
        existing_file,
        existing_dir,
        (),
        ["a", "b"],
        ("3", "x"),
        (str(existing_file), "missing"),
        [str(existing_dir)],
    ]


def _outcome(convert: Any, value: Any, param: Any, ctx: Any) -> tuple[str, Any]:
    try:
        result = convert(value, param=param, ctx=ctx)
    except typer.BadParameter as exc:
        # typer's English message is shown in Chinese, as the stand-in words it
        return "error", cliconvert.chinese_bad_parameter(exc).format_message()
    except Exception as exc:  # whatever typer does, the stand-in must do the same
        return "raised", (type(exc).__name__, str(exc))
    return "value", (type(result).__name__, repr(result))  # repr: nan equals itself


@needs_slot
def test_stand_ins_convert_exactly_as_typer_does(tmp_path: Path) -> None:
    from typer._coercion import build_runtime_param

    existing_file = tmp_path / "a.yaml"
    existing_file.write_text("x", encoding="utf-8")
    existing_dir = tmp_path / "d"
    existing_dir.mkdir()
    command = typer.main.get_command(app)
    seen: set[tuple[Any, ...]] = set()
    checked = 0
    for name, param in _params(command):
        info = param.type_descriptor.parameter_info
        kind = (repr(param.type_descriptor.annotation), param.multiple, param.nargs)
        key = (*kind, info.file_okay, info.dir_okay, info.exists)
        if key in seen:
            continue
        seen.add(key)
        ctx = typer.Context(command)
        for value in _samples(existing_file, existing_dir):
            theirs = build_runtime_param(param.type_descriptor)
            param._runtime_param = None  # a fallback keeps typer's converter in the slot
            ours = cliconvert._plain_param(param)
            assert ours is not None, name
            expected = _outcome(theirs.coerce, value, param, ctx)
            got = _outcome(ours.coerce, value, param, ctx)
            assert got == expected, (name, value)
            checked += 1
    assert checked > 100


@pytest.mark.parametrize(
    "args",
    [
        DRAFT,
        [*DRAFT, "--parts", "abc"],  # typer's own message for a bad number
        [*DRAFT, "--points", "１"],  # a full-width digit: typer refuses it, so must we
        [*DRAFT, "--parts", "4", "-k", "担当", "-k", "作为", "-f", "json"],
        ["--root", "a.yaml", "themes"],  # a file where a folder belongs
        ["bank", "list", "--limit", "2"],
        ["bank", "dedupe", "--threshold", "x1", "--dry-run"],
        ["--help"],
        ["draft", "--help"],  # --help is made while parsing: it gets a stand-in then
        ["bank", "search", "--help"],
        ["--version"],
    ],
)
def test_fallback_same_output_with_typers_converters(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.yaml").write_text("x", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    fast = CliRunner().invoke(app, args)
    monkeypatch.setenv(cliconvert.DISABLE_ENV, "1")
    plain = CliRunner().invoke(app, args)
    assert (fast.exit_code, fast.output) == (plain.exit_code, plain.output)


def test_fallback_when_typer_has_no_slot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A typer that converts some other way (older, or changed): nothing is installed, all works.
    monkeypatch.setattr(cliconvert, "_plain_param", lambda param: None)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, DRAFT)
    assert result.exit_code == 0
    assert result.output.startswith("# ")
    bad = CliRunner().invoke(app, [*DRAFT, "--parts", "abc"])
    assert bad.exit_code == 2


@pytest.mark.parametrize(
    "param",
    [
        SimpleNamespace(name="x"),  # no slot at all
        SimpleNamespace(_runtime_param=None, get_runtime_param=lambda: None),  # no descriptor
        SimpleNamespace(
            _runtime_param=None,
            get_runtime_param=lambda: None,
            type_descriptor=SimpleNamespace(annotation=int, parameter_info=object()),
        ),  # parameter info of another shape
        SimpleNamespace(
            _runtime_param=None,
            get_runtime_param=lambda: None,
            multiple=False,
            nargs=1,
            type_descriptor=SimpleNamespace(
                annotation=complex, parameter_info=SimpleNamespace(parser=None)
            ),
        ),  # a type drafter does not convert
    ],
)
def test_unexpected_parameter_shapes_are_left_to_typer(param: Any) -> None:
    command = SimpleNamespace(params=[param], commands={})
    assert cliconvert.speed_up(command) == 0
    assert getattr(param, "_runtime_param", None) is None


def test_a_value_it_does_not_take_goes_to_typers_converter() -> None:
    built: list[str] = []

    class Theirs:
        def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
            return f"typer:{value}"

    class Param:
        multiple = False
        nargs = 1
        type_descriptor = SimpleNamespace(
            annotation=int,
            parameter_info=SimpleNamespace(parser=None, min=None, max=None, clamp=None),
            file_annotation=None,
        )

        def __init__(self) -> None:
            self._runtime_param: Any = None

        def get_runtime_param(self) -> Any:
            if self._runtime_param is None:
                built.append("built")
                self._runtime_param = Theirs()
            return self._runtime_param

    param = Param()
    assert cliconvert.speed_up(SimpleNamespace(params=[param])) == 1
    assert param.get_runtime_param().coerce("12", param=param, ctx=None) == 12
    assert built == []
    assert param.get_runtime_param().coerce("1e2", param=param, ctx=None) == "typer:1e2"
    assert built == ["built"]
    assert param.get_runtime_param().coerce("7", param=param, ctx=None) == "typer:7"  # kept


def test_anything_else_typer_asks_goes_to_its_converter() -> None:
    param = SimpleNamespace(
        _runtime_param=None,
        multiple=False,
        nargs=1,
        type_descriptor=SimpleNamespace(
            annotation=str, parameter_info=SimpleNamespace(parser=None), file_annotation=None
        ),
    )
    theirs = SimpleNamespace(describe=lambda: "typer's", coerce=lambda *a, **k: None)

    def get_runtime_param() -> Any:
        if param._runtime_param is None:
            param._runtime_param = theirs
        return param._runtime_param

    param.get_runtime_param = get_runtime_param
    assert cliconvert.speed_up(SimpleNamespace(params=[param])) == 1
    assert param._runtime_param.describe() == "typer's"
    assert param._runtime_param is theirs
