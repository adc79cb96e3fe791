"""``drafter parse`` through Typer's test runner: JSON shape, tree view, failures and exit codes.

The installed Typer's ``CliRunner`` takes no ``mix_stderr`` argument: it always captures stdout and
stderr separately (``result.stdout``, ``result.stderr``) and also both interleaved
(``result.output``). JSON is read from ``result.stdout`` only, so error lines never corrupt it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from drafter.cli.app import app

SEED = "000_16ff8d5d1e840d54.txt"
SEED_TITLE = "激励干部担当作为座谈发言"
SEED_HEADINGS = [
    "筑牢思想根基,激活想担当的“动力源”",
    "锤炼过硬本领,厚实会担当的“铁肩膀”",
    "注重激励保护,擎起敢担当的“防护盾”",
]

SPEECH = """在全县重点项目建设推进会上的讲话
同志们：重点项目是稳增长、调结构、惠民生的重要支撑。下面，我就加快推进重点项目建设讲两个问题。
一、加快项目前期工作
前期工作是项目建设的先手棋。
一是加快要件办理。各部门要建立项目审批绿色通道，实行并联审批、限时办结。
二是做好土地保障。自然资源部门要提前谋划用地指标，确保项目落地不受影响。
二、优化项目推进机制
机制顺则项目畅。
一是实行领导包联。县级领导要带头包联重点项目，定期深入一线协调解决问题。
二是强化调度督办。要实行周调度、月通报制度，对进度滞后的项目挂牌督办。
同志们，项目建设时不我待。让我们以只争朝夕的精神，全力以赴抓项目、促发展。
"""

DOCUMENT_KEYS = {"source", "title", "opening", "parts", "closing"}
PART_KEYS = {"heading", "numbering", "lead", "points"}
POINT_KEYS = {"lead", "body"}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def speech_file(tmp_path: Path) -> Path:
    path = tmp_path / "speech.txt"
    path.write_text(SPEECH, encoding="utf-8")
    return path


@pytest.fixture
def binary_file(tmp_path: Path) -> Path:
    path = tmp_path / "broken.txt"
    path.write_bytes(b"\x00\x01\x02\x03PK\x00\x00" * 64)
    return path


def _invoke(runner: CliRunner, *args: str | Path) -> Result:
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    # A clean exit or typer.Exit(code) only: never an uncaught exception.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result


def _check_shape(payload: Any) -> None:
    assert isinstance(payload, dict)
    assert isinstance(payload["documents"], list)
    for doc in payload["documents"]:
        assert doc.keys() >= DOCUMENT_KEYS
        assert isinstance(doc["source"], str)
        assert doc["title"] is None or isinstance(doc["title"], str)
        assert doc["opening"] is None or isinstance(doc["opening"], str)
        assert doc["closing"] is None or isinstance(doc["closing"], str)
        assert isinstance(doc["parts"], list)
        for part in doc["parts"]:
            assert part.keys() >= PART_KEYS
            assert isinstance(part["heading"], str)
            assert isinstance(part["numbering"], str)
            assert part["lead"] is None or isinstance(part["lead"], str)
            assert isinstance(part["points"], list)
            for point in part["points"]:
                assert point.keys() >= POINT_KEYS
                assert isinstance(point["lead"], str)
                assert isinstance(point["body"], str)


def test_json_on_a_seed_has_the_documented_keys(runner: CliRunner, seeds_dir: Path) -> None:
    result = _invoke(runner, "parse", "--json", seeds_dir / SEED)
    assert result.exit_code == 0
    assert result.stderr == ""
    payload = json.loads(result.stdout)
    _check_shape(payload)
    docs = payload["documents"]
    assert [d["source"] for d in docs] == [SEED]
    assert docs[0]["title"] == SEED_TITLE
    assert [p["heading"] for p in docs[0]["parts"]] == SEED_HEADINGS
    assert all(p["numbering"] == "一、" for p in docs[0]["parts"])
    assert docs[0]["opening"].startswith("习近平总书记强调")


def test_json_points_have_the_documented_keys(runner: CliRunner, speech_file: Path) -> None:
    result = _invoke(runner, "parse", "--json", speech_file)
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    _check_shape(payload)
    (doc,) = payload["documents"]
    assert doc["source"] == "speech.txt"
    assert doc["title"] == "在全县重点项目建设推进会上的讲话"
    assert [p["heading"] for p in doc["parts"]] == ["加快项目前期工作", "优化项目推进机制"]
    assert [[pt["lead"] for pt in p["points"]] for p in doc["parts"]] == [
        ["加快要件办理", "做好土地保障"],
        ["实行领导包联", "强化调度督办"],
    ]
    assert (
        doc["parts"][0]["points"][0]["body"]
        == "各部门要建立项目审批绿色通道，实行并联审批、限时办结。"
    )
    assert doc["closing"].startswith("同志们，项目建设时不我待")


def test_json_is_not_ascii_escaped(runner: CliRunner, speech_file: Path) -> None:
    result = _invoke(runner, "parse", "--json", speech_file)
    assert "在全县重点项目建设推进会上的讲话" in result.stdout
    assert "\\u" not in result.stdout


def test_tree_view_shows_title_and_headings(runner: CliRunner, seeds_dir: Path) -> None:
    result = _invoke(runner, "parse", seeds_dir / SEED)
    assert result.exit_code == 0
    assert SEED_TITLE in result.stdout
    for heading in SEED_HEADINGS:
        assert heading in result.stdout
    assert SEED in result.stdout
    assert result.stderr == ""


def test_tree_view_shows_point_leads(runner: CliRunner, speech_file: Path) -> None:
    result = _invoke(runner, "parse", speech_file)
    assert result.exit_code == 0
    for text in ("在全县重点项目建设推进会上的讲话", "加快项目前期工作", "优化项目推进机制"):
        assert text in result.stdout
    for lead in ("加快要件办理", "做好土地保障", "实行领导包联", "强化调度督办"):
        assert lead in result.stdout


def test_several_files_in_one_call(runner: CliRunner, seeds_dir: Path, speech_file: Path) -> None:
    result = _invoke(runner, "parse", "--json", seeds_dir / SEED, speech_file)
    assert result.exit_code == 0
    docs = json.loads(result.stdout)["documents"]
    assert [d["source"] for d in docs] == [SEED, "speech.txt"]


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "tree"])
def test_bad_file_among_good_ones_exits_2_and_still_prints_the_good_one(
    runner: CliRunner, speech_file: Path, binary_file: Path, as_json: bool
) -> None:
    args: list[str | Path] = ["parse", *(["--json"] if as_json else []), binary_file, speech_file]
    result = _invoke(runner, *args)

    assert result.exit_code == 2
    assert str(binary_file) in result.stderr
    assert "二进制" in result.stderr
    assert str(binary_file) not in result.stdout
    if as_json:
        (doc,) = json.loads(result.stdout)["documents"]
        assert doc["source"] == "speech.txt"
        assert doc["title"] == "在全县重点项目建设推进会上的讲话"
    else:
        assert "在全县重点项目建设推进会上的讲话" in result.stdout
        assert "加快项目前期工作" in result.stdout


def test_bad_file_after_good_one(runner: CliRunner, speech_file: Path, binary_file: Path) -> None:
    result = _invoke(runner, "parse", "--json", speech_file, binary_file)
    assert result.exit_code == 2
    assert str(binary_file) in result.stderr
    assert [d["source"] for d in json.loads(result.stdout)["documents"]] == ["speech.txt"]


def _bad_input(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.txt"
    if kind == "binary":
        path.write_bytes(b"\x00" * 100)
    elif kind == "undecodable":
        path.write_bytes(b"text " + b"\x80\xff" * 50)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "blank":
        path.write_text(" \n\u3000\n\t\n", encoding="utf-8")
    elif kind == "noise-only":
        path.write_text("网站首页 | 网站地图 | 设为首页\n责任编辑：李明\n", encoding="utf-8")
    elif kind == "directory":
        path.mkdir()
    # "missing": never created
    return path


@pytest.mark.parametrize(
    "kind", ["binary", "undecodable", "empty", "blank", "noise-only", "directory", "missing"]
)
@pytest.mark.parametrize("as_json", [True, False], ids=["json", "tree"])
def test_every_bad_input_is_a_clean_error(
    runner: CliRunner, tmp_path: Path, kind: str, as_json: bool
) -> None:
    bad = _bad_input(tmp_path, kind)
    result = _invoke(runner, "parse", *(["--json"] if as_json else []), bad)
    assert result.exit_code == 2
    assert str(bad) in result.stderr
    assert "错误" in result.stderr
    if as_json:
        assert json.loads(result.stdout) == {"documents": []}
    else:
        assert result.stdout.strip() == ""


def test_no_files_is_a_usage_error_without_traceback(runner: CliRunner) -> None:
    result = _invoke(runner, "parse")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_json_on_a_docx_with_word_numbering(runner: CliRunner, tmp_path: Path) -> None:
    """A Word document is parsed like the text it holds: its automatic "一、" numbers are read back
    from the numbering definitions, so its parts are found."""
    from tests.formats.writers import write_docx

    path = write_docx(tmp_path / "讲话.docx", SPEECH, ["在全县重点项目建设推进会上的讲话"])
    result = _invoke(runner, "parse", "--json", path)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    payload = json.loads(result.stdout)
    _check_shape(payload)
    (doc,) = payload["documents"]
    assert doc["source"] == "讲话.docx"
    assert doc["title"] == "在全县重点项目建设推进会上的讲话"
    assert [p["heading"] for p in doc["parts"]] == ["加快项目前期工作", "优化项目推进机制"]
    assert all(p["numbering"] == "一、" for p in doc["parts"])


def test_a_bad_docx_among_good_files_names_it_and_exits_2(
    runner: CliRunner, tmp_path: Path, speech_file: Path
) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04" + bytes(200))
    result = _invoke(runner, "parse", "--json", broken, speech_file)
    assert result.exit_code == 2
    assert str(broken) in result.stderr and ".docx" in result.stderr
    assert [d["source"] for d in json.loads(result.stdout)["documents"]] == ["speech.txt"]
