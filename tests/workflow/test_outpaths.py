"""Output paths that cannot leave the output folder (``drafter.workflow.outpaths``), and the manifest and
journal that record what a batch wrote there (``drafter.workflow.manifest``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drafter.errors import UsageError
from drafter.workflow.manifest import (
    FORMAT_VERSION,
    JOURNAL,
    MANIFEST,
    History,
    Journal,
    Record,
    read_history,
    read_output,
    sha256,
    write_manifest,
)
from drafter.workflow.outpaths import MAX_NAME_BYTES, check_stem, safe_name, target

# --- safe_name --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
        ("x\x00y\x01z\x7f", "x_y_z_"),
        ("张三 李四", "张三 李四"),
        ("  张三\t\n李四  ", "张三 李四"),  # blanks collapse to one space
        ("../x", "_x"),
        (".hidden", "hidden"),
        ("name. . ", "name"),
        ("a..b", "a..b"),
        ("01-zhangsan", "01-zhangsan"),
    ],
)
def test_safe_name(text: str, name: str) -> None:
    assert safe_name(text) == name


@pytest.mark.parametrize("text", ["", " ", "..", ".", "...", " . ", "\u3000", ". .."])
def test_safe_name_is_never_empty_or_dots(text: str) -> None:
    assert safe_name(text) == "_"


def test_safe_name_never_gives_a_separator_or_a_dot_name() -> None:
    texts = ["..", "../..", "a/../b", "..\\..", " .. ", "/", "\\", "C:", "\x00", ". / ."]
    for text in texts:
        name = safe_name(text)
        assert name not in ("", ".", "..")
        assert not any(c in name for c in '/\\:*?"<>|\x00')
        assert not name.startswith((".", " ")) and not name.endswith((".", " "))


def test_safe_name_truncates_long_names_by_bytes() -> None:
    assert safe_name("张" * 200) == "张" * (MAX_NAME_BYTES // 3)
    assert len(safe_name("a" * 500)) == MAX_NAME_BYTES
    assert len(safe_name("\U00020000" * 100).encode()) == MAX_NAME_BYTES // 4 * 4
    # cut at the limit, then trailing blanks and dots go
    assert safe_name("a" * (MAX_NAME_BYTES - 1) + " b") == "a" * (MAX_NAME_BYTES - 1)
    assert safe_name("a" * (MAX_NAME_BYTES - 1) + ".b") == "a" * (MAX_NAME_BYTES - 1)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("con", "_con"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("Com1.md", "_Com1.md"),
        ("lpt9", "_lpt9"),
        ("aux.", "_aux"),
        ("prn", "_prn"),
        ("console", "console"),
        ("com10", "com10"),
        ("nul_x", "nul_x"),
    ],
)
def test_safe_name_prefixes_windows_reserved_names(text: str, name: str) -> None:
    assert safe_name(text) == name


def test_reserved_name_prefix_stays_within_the_limit() -> None:
    assert len(safe_name("nul." + "张" * 200).encode()) <= MAX_NAME_BYTES


def test_safe_name_replaces_c1_control_characters() -> None:
    assert safe_name("a\x9bb\x90c") == "a_b_c"


# --- check_stem -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stem", "checked"),
    [
        ("组一/张三", "组一/张三"),
        ("组一\\张三", "组一/张三"),
        ("  组一/张三  ", "组一/张三"),
        ("./a", "a"),
        ("a//b/", "a/b"),
        ("a/./b", "a/b"),
        ("a/b:c", "a/b_c"),
        ("a/con", "a/_con"),
        ("a/..b", "a/b"),
        ("...", "_"),
    ],
)
def test_check_stem_allows_relative_stems(stem: str, checked: str) -> None:
    assert check_stem(stem) == checked


@pytest.mark.parametrize(
    ("stem", "message"),
    [
        ("..", "output“..”含有“..”，会写到输出目录之外"),
        ("a/../../b", "output“a/../../b”含有“..”，会写到输出目录之外"),
        ("../../etc/x", "output“../../etc/x”含有“..”，会写到输出目录之外"),
        ("..\\..\\x", "output“..\\..\\x”含有“..”，会写到输出目录之外"),
        ("a/ .. /b", "output“a/ .. /b”含有“..”，会写到输出目录之外"),
        ("/x", "output“/x”是绝对路径；只能写相对于输出目录的文件名"),
        ("~/x", "output“~/x”是绝对路径；只能写相对于输出目录的文件名"),
        ("C:\\x", "output“C:\\x”是绝对路径；只能写相对于输出目录的文件名"),
        ("c:x", "output“c:x”是绝对路径；只能写相对于输出目录的文件名"),
        ("\\\\server\\share", "output“\\\\server\\share”是绝对路径；只能写相对于输出目录的文件名"),
        ("", "output 不能为空"),
        ("   ", "output 不能为空"),
        ("./", "output“./”不是文件名"),
    ],
)
def test_check_stem_refuses(stem: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        check_stem(stem)
    assert caught.value.message == message
    assert caught.value.exit_code == 2


# --- target -----------------------------------------------------------------------------------


def test_target_inside_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "real").mkdir(parents=True)
    (out / "inside").symlink_to("real")
    assert target(out, "a", "md") == out / "a.md"
    assert target(out, "组一/张三", "json") == out / "组一" / "张三.json"
    assert target(out, "inside/x", "txt") == out / "inside" / "x.txt"
    assert target(out, "not/yet/there", "md") == out / "not" / "yet" / "there.md"


def test_target_refuses_a_folder_linked_outside(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "outside").mkdir()
    (out / "link").symlink_to(tmp_path / "outside")
    for stem in ("link/x", "link/deeper/x"):
        with pytest.raises(UsageError) as caught:
            target(out, stem, "md")
        assert caught.value.message == f"输出文件“{stem}.md”经符号链接指向输出目录之外"
    assert not any((tmp_path / "outside").iterdir())


def test_target_through_a_linked_output_folder(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "out").symlink_to(tmp_path / "real")
    assert target(tmp_path / "out", "a/b", "md") == tmp_path / "out" / "a" / "b.md"


# --- manifest ---------------------------------------------------------------------------------


def full_record() -> Record:
    return Record(
        id="01-zhangsan",
        status="written",
        brief_file="简报.yaml",
        brief_line=3,
        files={"01-zhangsan.md": "a" * 64, "组一/张三.json": "b" * 64},
        seed=7,
        bank_version="v1",
        fingerprint="fp",
        settings={"theme": "甲", "keywords": ["基层"]},
        error=None,
    )


def test_record_round_trip() -> None:
    record = full_record()
    data = record.to_dict()
    assert data["files"] == [
        {"path": "01-zhangsan.md", "sha256": "a" * 64},
        {"path": "组一/张三.json", "sha256": "b" * 64},
    ]
    assert Record.from_dict(data) == record
    assert Record.from_dict(json.loads(json.dumps(data, ensure_ascii=False))) == record
    failed = Record("x", "failed", "b.yaml", None, error="素材不足")
    assert Record.from_dict(failed.to_dict()) == failed


@pytest.mark.parametrize(
    "data",
    [None, [], "x", {"status": "written"}, {"id": 1}, {"id": "x", "files": "a.md"}],
)
def test_record_from_anything_else(data: object) -> None:
    assert Record.from_dict(data) is None


def test_record_from_a_partial_dict() -> None:
    record = Record.from_dict(
        {
            "id": "x",
            "brief_line": "3",
            "seed": 1.5,
            "settings": [],
            "files": [{"path": "a.md", "sha256": "h"}, {"path": "b.md"}, "c.md", {"sha256": "h"}],
        }
    )
    assert record == Record("x", "", "", None, files={"a.md": "h"})


def test_sha256(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"abc")
    digest = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert sha256(b"abc") == digest
    assert sha256(read_output(path)) == digest  # as the batch reads what it wrote


def test_write_manifest(tmp_path: Path) -> None:
    (tmp_path / JOURNAL).write_text("{}\n", encoding="utf-8")
    records = [full_record(), Record("b", "failed", "简报.yaml", 9, error="素材不足")]
    path = write_manifest(tmp_path, {"bank_version": "v1", "command": "batch"}, records)
    assert path == tmp_path / MANIFEST
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data == {
        "format": FORMAT_VERSION,
        "bank_version": "v1",
        "command": "batch",
        "briefs": [r.to_dict() for r in records],
    }
    lines = text.splitlines()
    brief_lines = [line for line in lines if line.startswith('  {"id":')]
    assert len(brief_lines) == 2  # one brief per line
    assert json.loads(brief_lines[0].rstrip(",")) == records[0].to_dict()
    assert "组一/张三.json" in text  # real characters, not \\u escapes
    assert text.endswith("}\n")
    assert not (tmp_path / JOURNAL).exists()
    assert [p.name for p in tmp_path.iterdir()] == [MANIFEST]  # no temporary file left


def test_write_manifest_without_records_or_meta(tmp_path: Path) -> None:
    write_manifest(tmp_path, {}, [])
    assert json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8")) == {
        "format": FORMAT_VERSION,
        "briefs": [],
    }


def test_manifest_reads_back_into_history(tmp_path: Path) -> None:
    records = [full_record(), Record("b", "failed", "简报.yaml", 9, error="素材不足")]
    write_manifest(tmp_path, {"bank_version": "v1"}, records)
    history = read_history(tmp_path)
    assert history.records == {r.id: r for r in records}
    assert history.known == {"01-zhangsan.md": {"a" * 64}, "组一/张三.json": {"b" * 64}}
    assert history.problems == []


def test_history_of_an_empty_folder(tmp_path: Path) -> None:
    history = read_history(tmp_path)
    assert (history.records, history.known, history.problems) == ({}, {}, [])


def test_journal_lines_win_over_the_manifest(tmp_path: Path) -> None:
    write_manifest(tmp_path, {}, [Record("a", "written", "b.yaml", 1, {"a.md": "h1"})])
    journal = Journal(tmp_path)
    journal.append(Record("a", "updated", "b.yaml", 1, {"a.md": "h2"}))
    journal.append(Record("c", "written", "c.yaml", 2, {"sub/c.md": "h3"}))
    journal.append(Record("a", "unchanged", "b.yaml", 1, {"a.md": "h2"}))
    journal.close()
    journal.close()  # twice is fine
    history = read_history(tmp_path)
    assert {k: r.status for k, r in history.records.items()} == {"a": "unchanged", "c": "written"}
    assert history.known == {"a.md": {"h1", "h2"}, "sub/c.md": {"h3"}}
    assert history.problems == []


def test_a_torn_last_journal_line_is_skipped(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    journal.append(Record("a", "written", "b.yaml", 1, {"a.md": "h1"}))
    journal.close()
    with (tmp_path / JOURNAL).open("ab") as handle:
        handle.write(b'{"id": "d", "status": "written", "files": [{"path": "d.md", "sha')
    history = read_history(tmp_path)
    assert list(history.records) == ["a"]
    assert history.known == {"a.md": {"h1"}}
    assert history.problems == []


def test_journal_lines_that_are_not_records_are_skipped(tmp_path: Path) -> None:
    lines = [b"", b"null", b"[1]", b'"x"', b"\xff\xfe", b'{"id": 5}', b'{"id": "ok"}']
    (tmp_path / JOURNAL).write_bytes(b"\n".join(lines) + b"\n")
    assert list(read_history(tmp_path).records) == ["ok"]


@pytest.mark.parametrize(
    "text",
    ['{"briefs": [ {', "[]", '{"briefs": {}}', "{}", ""],
    ids=["torn", "list", "briefs-not-list", "no-briefs", "empty"],
)
def test_a_corrupt_manifest_is_tolerated(tmp_path: Path, text: str) -> None:
    (tmp_path / MANIFEST).write_text(text, encoding="utf-8")
    history = read_history(tmp_path)
    assert history.records == {}
    assert history.known == {}
    assert history.problems == [
        f"{tmp_path / MANIFEST}: 清单已损坏，无法读取；已有的文件不会被覆盖"
    ]


def test_a_manifest_that_is_not_utf8_is_tolerated(tmp_path: Path) -> None:
    (tmp_path / MANIFEST).write_bytes(b"\xff\xfe\x00{")
    journal = Journal(tmp_path)
    journal.append(Record("a", "written", "b.yaml", 1, {"a.md": "h1"}))
    journal.close()
    history = read_history(tmp_path)
    assert len(history.problems) == 1
    assert list(history.records) == ["a"]  # the journal is still read


def test_history_ours_only_for_known_digests() -> None:
    history = History()
    history.add(Record("a", "written", "b.yaml", 1, {"a.md": "h1"}))
    history.add(Record("a", "updated", "b.yaml", 1, {"a.md": "h2"}))
    assert history.ours("a.md", "h1")
    assert history.ours("a.md", "h2")
    assert not history.ours("a.md", "other")
    assert not history.ours("a.md", None)  # a file that is not there
    assert not history.ours("b.md", "h1")  # a digest known for another file
    assert history.records["a"].status == "updated"


def test_journal_appends_one_line_per_record(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    journal.append(full_record())
    journal.append(Record("b", "failed", "简报.yaml", None, error="素材不足"))
    journal.close()
    raw = (tmp_path / JOURNAL).read_bytes()
    assert raw.endswith(b"\n")
    lines = raw.decode("utf-8").splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0]) == full_record().to_dict()
    assert "组一/张三.json" in lines[0]


def test_a_manifest_with_a_malformed_digest_is_tolerated(tmp_path: Path) -> None:
    record = {"id": "x", "status": "written", "files": [{"path": "a.md", "sha256": ["h"]}]}
    (tmp_path / MANIFEST).write_text(json.dumps({"briefs": [record]}), encoding="utf-8")
    history = read_history(tmp_path)
    assert not history.ours("a.md", "h")


def test_a_journal_line_with_malformed_notes_is_tolerated(tmp_path: Path) -> None:
    (tmp_path / JOURNAL).write_text('{"id": "x", "notes": 5}\n{"id": "y"}\n', encoding="utf-8")
    assert set(read_history(tmp_path).records) <= {"x", "y"}
