"""``drafter check`` on the command line: the report, JSON, exit codes and usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from drafter.cli.app import app
from tests.check.conftest import BANK
from tests.check.test_checks import CLEAN

REPEATED = CLEAN.replace(
    "（三）树立鲜明导向。", "（三）树立鲜明导向。\n组织给干部撑腰鼓劲，干部就更敢在一线担责。"
)


def _run(args: list[str]) -> Result:
    result = CliRunner().invoke(app, ["check", *args, "--bank", str(BANK)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result


def _file(tmp_path: Path, text: str, name: str = "发言.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_report_exits_zero(tmp_path: Path) -> None:
    result = _run([str(_file(tmp_path, CLEAN))])
    assert result.exit_code == 0
    assert "共3个部分" not in result.output  # the outline is listed, not repeated as a finding
    assert "一、坚持政治引领，筑牢思想根基" in result.output
    assert "通过" in result.output


def test_errors_fail_and_json_has_the_documented_shape(tmp_path: Path) -> None:
    result = _run([str(_file(tmp_path, REPEATED)), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) == {
        "file", "title", "parts", "length", "copied_share", "skipped", "counts", "fail_on", "failed",
        "findings",
    }  # fmt: skip
    assert data["failed"] is True and data["counts"]["error"] == 1
    assert [p["number"] for p in data["parts"]] == [1, 2, 3]
    assert data["parts"][0]["location"]["line"] == 4
    finding = next(f for f in data["findings"] if f["severity"] == "error")
    assert finding["rule"] == "repetition.paragraph"
    assert set(finding) == {"rule", "severity", "location", "message", "suggestion", "excerpt"}
    assert finding["location"]["line"] == 19
    assert set(data["length"]) == {"characters", "rate", "minutes", "parts"}


def test_fail_on_warning(tmp_path: Path) -> None:
    text = CLEAN.replace("（一）深入基层一线。", "（一）加强基层锻炼。")
    text = text.replace("（二）勇挑急难险重。", "（二）加强实践历练。")
    text = text.replace("（三）持续学习提升。", "（三）加强理论学习。")
    path = _file(tmp_path, text)
    assert _run([str(path)]).exit_code == 0
    assert _run([str(path), "--fail-on", "warning"]).exit_code == 1


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--format", "xml"], "--format 只能是 text 或 json"),
        (["--fail-on", "info"], "--fail-on 只能是 warning 或 error"),
        (["--rate", "0"], "--rate"),
        (["--repeat-limit", "0"], "--repeat-limit"),
        (["--annotate", "批注.docx"], "只能用于 .docx"),
    ],
)
def test_usage_errors_exit_two(tmp_path: Path, args: list[str], said: str) -> None:
    result = _run([str(_file(tmp_path, CLEAN)), *args])
    assert result.exit_code == 2
    assert said in result.output


def test_unreadable_input_exits_two(tmp_path: Path) -> None:
    result = _run([str(tmp_path / "没有.txt")])
    assert result.exit_code == 2 and "文件不存在" in result.output
    binary = tmp_path / "坏.docx"
    binary.write_bytes(b"PK\x03\x04 not a zip at all")
    assert _run([str(binary)]).exit_code == 2


def test_annotate_writes_a_copy(tmp_path: Path) -> None:
    import docx

    source = tmp_path / "发言.docx"
    document = docx.Document()
    for line in REPEATED.splitlines():
        document.add_paragraph(line)
    document.save(str(source))
    before = source.read_bytes()
    out = tmp_path / "批注.docx"
    result = _run([str(source), "--annotate", str(out)])
    assert result.exit_code == 1
    assert source.read_bytes() == before
    assert len(list(docx.Document(str(out)).comments)) >= 1
    again = _run([str(source), "--annotate", str(source)])
    assert again.exit_code == 2 and "不能是被检查的文件本身" in again.output
    assert source.read_bytes() == before


def test_annotate_keeps_an_existing_file_unless_forced(tmp_path: Path) -> None:
    import docx

    source = tmp_path / "发言.docx"
    document = docx.Document()
    for line in REPEATED.splitlines():
        document.add_paragraph(line)
    document.save(str(source))
    out = tmp_path / "批注.docx"
    out.write_bytes(b"the writer's own file")
    refused = _run([str(source), "--annotate", str(out)])
    assert refused.exit_code == 2 and "--force" in refused.output
    assert out.read_bytes() == b"the writer's own file"
    forced = _run([str(source), "--annotate", str(out), "--force"])
    assert forced.exit_code == 1  # the findings, not the write, set the code
    assert len(list(docx.Document(str(out)).comments)) >= 1
