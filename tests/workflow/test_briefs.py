"""Brief files: their shapes, every problem with file:line:column and brief id, values, encodings
and the YAML safety limits (``drafter.workflow.briefs`` on top of ``drafter.files.yamlio``)."""

from __future__ import annotations

import codecs
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from drafter.drafting.model import Avoid
from drafter.errors import InputError
from drafter.files import yamlio
from drafter.files.yamlio import (
    MAX_BYTES,
    MAX_DEPTH,
    TOO_DEEP,
    PosDict,
    PosList,
    load_positioned,
    load_yaml,
    nesting_bound,
    read_yaml_text,
)
from drafter.text.normalize import fold_normalized
from drafter.workflow.briefs import FIELDS, Brief, BriefProblem, BriefSet, read_briefs, suggest

Where = tuple[int | None, int | None, str | None, str]


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def read_one(folder: Path, text: str | bytes, name: str = "brief.yaml") -> BriefSet:
    return read_briefs([write(folder, name, text)])


def where(problems: list[BriefProblem]) -> list[Where]:
    return [(p.line, p.column, p.brief, p.message) for p in problems]


def only_brief(found: BriefSet) -> Brief:
    assert found.problems == []
    assert len(found.briefs) == 1
    return found.briefs[0]


# --- file shapes ------------------------------------------------------------------------------


def test_single_brief_mapping(tmp_path: Path) -> None:
    found = read_one(tmp_path, "id: a\ntheme: 基层治理\nparts: 4\n")
    brief = only_brief(found)
    assert (brief.id, brief.theme, brief.parts, brief.points, brief.line) == (
        "a",
        "基层治理",
        4,
        3,
        1,
    )
    assert brief.file == tmp_path / "brief.yaml"
    assert brief.positions == {"id": (1, 5), "theme": (2, 8), "parts": (3, 8)}
    assert (found.files_read, found.invalid) == (1, 0)


def test_defaults_of_an_unfilled_brief(tmp_path: Path) -> None:
    brief = only_brief(read_one(tmp_path, "id: 7\ntheme: 甲\n"))
    assert brief.id == "7"  # an integer id is taken as text
    assert (brief.occasion, brief.parts, brief.points, brief.detail) == (
        "研讨发言",
        3,
        3,
        "outline",
    )
    assert (brief.seed, brief.keywords, brief.formats, brief.output) == (None, (), (), None)
    assert (brief.title, brief.template, brief.sources, brief.avoid) == (None, None, False, Avoid())
    assert brief.at("speaker") == (1, 1)  # an absent key points at the brief


def test_top_level_list(tmp_path: Path) -> None:
    found = read_one(tmp_path, "- id: a\n  theme: 甲\n- id: b\n  theme: 乙\n  points: 5\n")
    assert found.problems == []
    assert [(b.id, b.theme, b.points, b.line) for b in found.briefs] == [
        ("a", "甲", 3, 1),
        ("b", "乙", 5, 3),
    ]
    assert found.briefs[1].at("points") == (5, 11)


DEFAULTS = """\
defaults:
  parts: 4
  points: 2
  speaker: 张三
briefs:
  - id: a
    theme: 甲
  - id: b
    theme: 乙
    points: 5
"""


def test_briefs_inherit_defaults_and_override_them(tmp_path: Path) -> None:
    found = read_one(tmp_path, DEFAULTS)
    assert found.problems == []
    a, b = found.briefs
    assert (a.parts, a.points, a.speaker) == (4, 2, "张三")
    assert (b.parts, b.points, b.speaker) == (4, 5, "张三")
    # inherited values point into defaults:, a brief's own value at the brief
    assert a.at("parts") == (2, 10)
    assert a.at("points") == (3, 11)
    assert b.at("speaker") == (4, 12)
    assert b.at("points") == (10, 13)
    assert (a.line, b.line) == (6, 8)


def test_an_error_in_an_inherited_value_points_into_defaults(tmp_path: Path) -> None:
    text = "defaults:\n  parts: 9\nbriefs:\n  - id: a\n    theme: 甲\n  - id: b\n    theme: 乙\n"
    found = read_one(tmp_path, text)
    assert found.briefs == []
    assert where(found.problems) == [
        (2, 10, "a", "parts 只能是 3 或 4，而不是 9"),
        (2, 10, "b", "parts 只能是 3 或 4，而不是 9"),
    ]
    assert found.invalid == 2


MERGE = """\
- &base
  id: a
  theme: 甲
  parts: 4
  speaker: 张三
- <<: *base
  id: b
  speaker: 李四
- id: c
  <<: *base
"""


def test_yaml_merge_keys(tmp_path: Path) -> None:
    found = read_one(tmp_path, MERGE)
    assert found.problems == []
    assert [(b.id, b.theme, b.parts, b.speaker) for b in found.briefs] == [
        ("a", "甲", 4, "张三"),
        ("b", "甲", 4, "李四"),
        ("c", "甲", 4, "张三"),  # a key written before << still wins over the merged one
    ]
    b = found.briefs[1]
    assert b.at("theme") == (3, 10)  # merged values keep the anchor's position
    assert b.at("speaker") == (8, 12)
    assert found.briefs[2].at("id") == (9, 7)


def test_merge_of_a_list_of_mappings_first_wins(tmp_path: Path) -> None:
    text = "x: &x {parts: 4, points: 2}\ny: &y {parts: 3, theme: 乙}\nz:\n  <<: [*x, *y]\n"
    data, _ = load_positioned(write(tmp_path, "m.yaml", text), InputError)
    assert data["z"] == {"parts": 4, "points": 2, "theme": "乙"}


def test_merge_of_a_scalar_is_refused(tmp_path: Path) -> None:
    found = read_one(tmp_path, "- id: a\n  theme: 甲\n  <<: nope\n")
    assert where(found.problems) == [(3, 7, None, "合并键 << 的值必须是映射（或映射的列表）")]


def test_empty_file(tmp_path: Path) -> None:
    found = read_one(tmp_path, "")
    assert where(found.problems) == [
        (None, None, None, "文件里没有简报（应为一条简报、简报列表或 briefs:）")
    ]
    assert found.problems[0].user_message() == (
        f"{tmp_path / 'brief.yaml'}: 文件里没有简报（应为一条简报、简报列表或 briefs:）"
    )
    assert found.briefs == []


def test_comment_only_file_and_scalar_file(tmp_path: Path) -> None:
    for text in ("# 只有注释\n", "just text\n"):
        found = read_one(tmp_path, text)
        assert [p.message for p in found.problems] == [
            "文件里没有简报（应为一条简报、简报列表或 briefs:）"
        ]


def test_empty_briefs_list(tmp_path: Path) -> None:
    found = read_one(tmp_path, "briefs: []\n")
    assert where(found.problems) == [(None, None, None, "briefs 是空的")]


def test_briefs_not_a_list(tmp_path: Path) -> None:
    found = read_one(tmp_path, "briefs:\n  id: a\n  theme: 甲\n")
    assert where(found.problems) == [(2, 3, None, "briefs 应为简报的列表")]
    assert (found.briefs, found.invalid) == ([], 1)


def test_defaults_without_briefs(tmp_path: Path) -> None:
    found = read_one(tmp_path, "defaults:\n  parts: 4\n")
    assert where(found.problems) == [(1, 1, None, "briefs 应为简报的列表")]


def test_defaults_not_a_mapping(tmp_path: Path) -> None:
    found = read_one(tmp_path, "defaults: [1]\nbriefs:\n  - id: a\n    theme: 甲\n")
    assert where(found.problems) == [(1, 11, None, "defaults 应为映射（键: 值）")]
    assert found.briefs == []


def test_id_and_output_not_allowed_in_defaults(tmp_path: Path) -> None:
    text = "defaults:\n  id: x\n  output: y\nbriefs:\n  - id: a\n    theme: 甲\n"
    found = read_one(tmp_path, text)
    allowed = "、".join(k for k in FIELDS if k not in ("id", "output"))
    assert allowed.startswith("theme、title、") and allowed.endswith("、template、detail、sources")
    assert where(found.problems) == [
        (2, 3, "defaults", f"未知的键“id”（可用的键：{allowed}）"),
        (3, 3, "defaults", f"未知的键“output”（可用的键：{allowed}）"),
    ]
    assert found.problems[0].user_message() == (
        f"{tmp_path / 'brief.yaml'}:2:3: 简报“defaults”：未知的键“id”（可用的键：{allowed}）"
    )
    assert found.briefs == []  # bad defaults would change every brief: none is used


def test_unknown_top_level_key_with_suggestion(tmp_path: Path) -> None:
    text = "brief:\n  - id: x\ndefault: {}\nbriefs:\n  - id: a\n    theme: 甲\n"
    found = read_one(tmp_path, text)
    assert where(found.problems) == [
        (1, 1, None, "未知的键“brief”，是不是“briefs”？"),
        (3, 1, None, "未知的键“default”，是不是“defaults”？"),
    ]
    assert [b.id for b in found.briefs] == ["a"]  # the file's briefs are still read


def test_missing_file(tmp_path: Path) -> None:
    found = read_briefs([tmp_path / "nope.yaml"])
    assert where(found.problems) == [(None, None, None, "文件不存在")]
    assert (found.files_read, found.files) == (0, [tmp_path / "nope.yaml"])


def test_folder_is_expanded_to_its_yaml_files(tmp_path: Path) -> None:
    write(tmp_path, "b.yml", "id: b\ntheme: 乙\n")
    write(tmp_path, "a.YAML", "id: a\ntheme: 甲\n")
    write(tmp_path, "notes.txt", "id: c\n")
    found = read_briefs([tmp_path])
    assert [b.id for b in found.briefs] == ["a", "b"]
    assert found.files == [tmp_path / "a.YAML", tmp_path / "b.yml"]


# --- problems ---------------------------------------------------------------------------------


def test_unknown_keys_with_nearest_suggestion(tmp_path: Path) -> None:
    found = read_one(tmp_path, "id: a\ntheme: 甲\ntittle: 标题\nspeeker: 张三\n主题: 乙\n")
    assert where(found.problems) == [
        (3, 1, "a", "未知的键“tittle”，是不是“title”？"),
        (4, 1, "a", "未知的键“speeker”，是不是“speaker”？"),
        (5, 1, "a", "未知的键“主题”，是不是“theme”？"),
    ]
    assert found.problems[1].user_message() == (
        f"{tmp_path / 'brief.yaml'}:4:1: 简报“a”：未知的键“speeker”，是不是“speaker”？"
    )
    assert (found.briefs, found.invalid) == ([], 1)


def test_suggest() -> None:
    assert suggest("tittle", FIELDS) == "，是不是“title”？"
    assert suggest("Speeker", FIELDS) == "，是不是“speaker”？"
    assert suggest("关键词", FIELDS) == "，是不是“keywords”？"
    assert suggest("出处", FIELDS) == "，是不是“sources”？"
    assert suggest("zzz", ["a", "b"]) == "（可用的键：a、b）"
    # a Chinese key whose English key is not allowed here gets the list instead
    assert suggest("编号", ["theme"]) == "（可用的键：theme）"


WRONG_TYPES = """\
- id: a
  theme: 甲
  parts: "四"
- id: b
  theme: 甲
  points: [3]
- id: c
  theme: 甲
  seed: -1
- id: d
  theme: 甲
  sources: "yes"
- id: e
  theme: 甲
  keywords: {a: 1}
- id: f
  theme: 甲
  parts: 5
- id: g
  theme: 甲
  points: 9
- id: h
  theme: 甲
  formats: [md, pdf]
- id: ok
  theme: 甲
"""


def test_wrong_types_and_ranges(tmp_path: Path) -> None:
    found = read_one(tmp_path, WRONG_TYPES)
    assert [(p.line, p.column, p.brief) for p in found.problems] == [
        (3, 10, "a"),
        (6, 11, "b"),
        (9, 9, "c"),
        (12, 12, "d"),
        (15, 13, "e"),
        (18, 10, "f"),
        (21, 11, "g"),
        (24, 12, "h"),
    ]
    messages = [p.message for p in found.problems]
    assert messages[0] == "parts 应为整数（3 或 4），而不是文字“四”"
    assert messages[1] == "points 应为整数（2–5），而不是列表“[3]”"
    assert messages[2].startswith("seed ") and "不小于 0" in messages[2]
    assert messages[2].endswith("-1")
    assert messages[3] == "sources 应为 true 或 false，而不是文字"
    assert messages[4] == "keywords 应为文字列表，而不是映射"
    assert messages[5] == "parts 只能是 3 或 4，而不是 5"
    assert messages[6] == "points 只能是 2–5，而不是 9"
    assert messages[7] == "未知的格式“pdf”（可选：md、txt、json、docx）"
    assert [b.id for b in found.briefs] == ["ok"]  # valid briefs come through
    assert found.invalid == 8


def test_other_value_checks(tmp_path: Path) -> None:
    text = (
        "- id: a\n  theme: 甲\n  detail: brief\n"
        "- id: b\n  theme: 甲\n  title: |\n    两\n    行\n"
        "- id: c\n  theme: 甲\n  parts: true\n"
        f"- id: d\n  theme: 甲\n  speaker: {'长' * 201}\n"
    )
    found = read_one(tmp_path, text)
    assert where(found.problems) == [
        (3, 11, "a", "detail 只能是 outline、full，而不是“brief”"),
        (6, 10, "b", "title 应为一行文字"),
        (11, 10, "c", "parts 应为整数（3 或 4），而不是真假值“True”"),
        (14, 12, "d", "speaker 太长（201 字，上限 200 字）"),
    ]


def test_meeting_is_one_line_of_text_inherited_from_defaults(tmp_path: Path) -> None:
    text = (
        "defaults:\n  meeting: 青年干部座谈会\nbriefs:\n"
        "  - id: a\n    theme: 甲\n"
        "  - id: b\n    theme: 甲\n    meeting: 2024\n"
        "  - id: c\n    theme: 甲\n    meeting: [上午, 下午]\n"
        "  - id: d\n    theme: 甲\n    meeting: |\n      两\n      行\n"
        f"  - id: e\n    theme: 甲\n    meeting: {'会' * 201}\n"
        "  - id: f\n    theme: 甲\n    meeting: true\n"
        "  - id: g\n    theme: 甲\n    meeting:\n"
        "  - id: h\n    theme: 甲\n    会议: 上午\n"
    )
    found = read_one(tmp_path, text)
    assert where(found.problems) == [
        (11, 14, "c", "meeting 应为文字，而不是列表"),
        (14, 14, "d", "meeting 应为一行文字"),
        (19, 14, "e", "meeting 太长（201 字，上限 200 字）"),
        (22, 14, "f", "meeting 应为文字，而不是真假值"),
        (28, 5, "h", "未知的键“会议”，是不是“meeting”？"),
    ]
    meetings = {b.id: b.meeting for b in found.briefs}
    # An empty meeting is no meeting: the brief joins the briefs that name none.
    assert meetings == {"a": "青年干部座谈会", "b": "2024", "g": None}
    assert found.briefs[0].at("meeting") == (2, 12)
    assert found.briefs[0].settings()["meeting"] == "青年干部座谈会"
    assert "meeting" not in found.briefs[2].settings()


def test_output_stems_take_no_suffix(tmp_path: Path) -> None:
    text = (
        "- id: a\n  theme: 甲\n  output: 组一/张三.md\n"
        "- id: b\n  theme: 甲\n  output: 张三.PDF\n"
        "- id: c\n  theme: 甲\n  output: 张三.docx\n"
        "- id: d\n  theme: 甲\n  output: 第3.5组/张三\n"
        "- id: e\n  theme: 甲\n  output: 张三.发言\n"
    )
    found = read_one(tmp_path, text)
    assert [(p.line, p.column, p.brief) for p in found.problems] == [
        (3, 11, "a"),
        (6, 11, "b"),
        (9, 11, "c"),
    ]
    first, second, third = (p.message for p in found.problems)
    assert first == (
        "output 不含后缀（按格式自动加上，“组一/张三.md”会写成“组一/张三.md.md”），请去掉“.md”"
    )
    assert second.startswith("output 不能以“.pdf”结尾") and ".docx" in second
    assert "请去掉“.docx”" in third
    # A dot inside a name is no suffix drafter knows: the format's is added after it.
    assert {b.id: b.output for b in found.briefs} == {"d": "第3.5组/张三", "e": "张三.发言"}


def test_output_stems_that_leave_the_folder(tmp_path: Path) -> None:
    text = (
        "- id: a\n  theme: 甲\n  output: ../../etc/x\n"
        "- id: b\n  theme: 甲\n  output: /abs/x\n"
        "- id: c\n  theme: 甲\n  output: C:/x\n"
        "- id: d\n  theme: 甲\n  output: 组一\\张三\n"
    )
    found = read_one(tmp_path, text)
    assert where(found.problems) == [
        (3, 11, "a", "output“../../etc/x”含有“..”，会写到输出目录之外"),
        (6, 11, "b", "output“/abs/x”是绝对路径；只能写相对于输出目录的文件名"),
        (9, 11, "c", "output“C:/x”是绝对路径；只能写相对于输出目录的文件名"),
    ]
    assert [(b.id, b.output) for b in found.briefs] == [("d", "组一/张三")]
    assert found.invalid == 3


def test_missing_id_and_theme(tmp_path: Path) -> None:
    found = read_one(tmp_path, "- theme: 甲\n- id: b\n- id: '  '\n  theme: 甲\n")
    assert where(found.problems) == [
        (1, 3, "第 1 条", "缺少必填的 id"),
        (2, 3, "b", "缺少必填的 theme"),
        (3, 7, "第 3 条", "id 不能为空"),
    ]
    assert found.problems[0].user_message() == (
        f"{tmp_path / 'brief.yaml'}:1:3: 简报“第 1 条”：缺少必填的 id"
    )


def test_duplicate_key_in_one_brief(tmp_path: Path) -> None:
    found = read_one(tmp_path, "- id: c\n  theme: 甲\n  theme: 乙\n")
    assert where(found.problems) == [(3, 3, "c", "键“theme”重复出现")]
    assert (found.briefs, found.invalid) == ([], 1)


def test_duplicate_id_across_two_files(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", "- id: x\n  theme: 甲\n- id: y\n  theme: 乙\n")
    second = write(tmp_path, "b.yaml", "# 第二组\n\n- id: x\n  theme: 丙\n")
    found = read_briefs([first, second])
    assert where(found.problems) == [(3, 7, "x", f"编号重复：{first}:1 的简报已用了这个编号")]
    assert found.problems[0].path == second
    assert [(b.id, b.theme, b.file) for b in found.briefs] == [
        ("x", "甲", first),
        ("y", "乙", first),
    ]
    assert found.invalid == 1


def test_duplicate_id_in_one_file(tmp_path: Path) -> None:
    found = read_one(tmp_path, "- id: z\n  theme: 甲\n- id: z\n  theme: 乙\n")
    path = tmp_path / "brief.yaml"
    assert where(found.problems) == [(3, 7, "z", f"编号重复：{path}:1 的简报已用了这个编号")]
    assert [b.theme for b in found.briefs] == ["甲"]


MANY = """\
- just text
- id: multi
  theme: ''
  parts: 7
  points: 1
  bogus: 1
- id: good
  theme: 乙
- [a, b]
"""


def test_every_problem_of_a_brief_is_reported(tmp_path: Path) -> None:
    found = read_one(tmp_path, MANY)
    problems = where(found.problems)
    assert problems[0] == (1, 3, None, "第 1 条简报应为映射（键: 值），而不是文字")
    assert problems[1][:3] == (6, 3, "multi")
    assert problems[1][3].startswith("未知的键“bogus”（可用的键：id、theme、")
    assert problems[2:] == [
        (3, 10, "multi", "theme 不能为空"),
        (4, 10, "multi", "parts 只能是 3 或 4，而不是 7"),
        (5, 11, "multi", "points 只能是 2–5，而不是 1"),
        (9, 3, None, "第 4 条简报应为映射（键: 值），而不是列表"),
    ]
    assert [b.id for b in found.briefs] == ["good"]
    assert found.invalid == 3


def test_scalar_item_user_message(tmp_path: Path) -> None:
    found = read_one(tmp_path, "- id: a\n  theme: 甲\n- just text\n")
    assert [p.user_message() for p in found.problems] == [
        f"{tmp_path / 'brief.yaml'}:3:3: 第 2 条简报应为映射（键: 值），而不是文字"
    ]
    assert [b.id for b in found.briefs] == ["a"]


def test_yaml_syntax_error_has_its_position(tmp_path: Path) -> None:
    found = read_one(tmp_path, "id: a\ntheme: [b\n")
    assert where(found.problems) == [
        (3, 1, None, "YAML 格式错误：方括号列表 [ … ] 没有正确结束：检查逗号和右括号“]”")
    ]
    assert found.files_read == 0


# --- values -----------------------------------------------------------------------------------


def test_keywords_as_a_comma_separated_line(tmp_path: Path) -> None:
    text = "- id: a\n  theme: 甲\n  keywords: 基层，一线\n- id: b\n  theme: 甲\n  keywords: 甲、乙;丙, 甲 ,\n"
    found = read_one(tmp_path, text)
    assert [b.keywords for b in found.briefs] == [("基层", "一线"), ("甲", "乙", "丙")]


def test_formats_lowercased_and_deduplicated(tmp_path: Path) -> None:
    brief = only_brief(read_one(tmp_path, "id: a\ntheme: 甲\nformats: [MD, json, md]\n"))
    assert brief.formats == ("md", "json")


DRAFT_JSON = {
    "parts": [
        {
            "heading": "甲",
            "lead": "乙",
            "points": [{"lead": "丙", "source": {"id": "pt-aaaaaaaaaa"}}],
            "source": {},
        }
    ]
}


def test_avoid_ids_words_and_an_earlier_draft(tmp_path: Path) -> None:
    write(tmp_path, "drafts/old.json", json.dumps(DRAFT_JSON, ensure_ascii=False))
    text = "id: a\ntheme: 甲\navoid: [pt-0123456789, 形式 主義, ABC口号, drafts/old.json]\n"
    brief = only_brief(read_one(tmp_path, text))
    assert brief.avoid.ids == {"pt-0123456789", "pt-aaaaaaaaaa"}
    assert brief.avoid.words == {"形式主义", "abc口号"}  # simplified, blanks dropped, lower case
    assert brief.avoid.texts == {fold_normalized(t) for t in ("甲", "乙", "丙")}
    assert brief.avoid_given == ("pt-0123456789", "形式 主義", "ABC口号", "drafts/old.json")
    assert brief.settings()["avoid_material"] == [
        ["pt-0123456789", "pt-aaaaaaaaaa"],
        ["丙", "乙", "甲"],
        ["abc口号", "形式主义"],
    ]


def test_avoid_as_a_line_of_entry_ids(tmp_path: Path) -> None:
    brief = only_brief(read_one(tmp_path, "id: a\ntheme: 甲\navoid: pt-0123456789，h-abcdefabcd\n"))
    assert brief.avoid == Avoid(ids=frozenset({"pt-0123456789", "h-abcdefabcd"}))


def test_avoid_json_is_relative_to_the_brief_file(tmp_path: Path) -> None:
    write(tmp_path, "group/old.json", json.dumps(DRAFT_JSON, ensure_ascii=False))
    write(tmp_path, "old.json", "{}")  # not this one: it is not beside the brief
    found = read_briefs([write(tmp_path, "group/b.yaml", "id: a\ntheme: 甲\navoid: old.json\n")])
    assert only_brief(found).avoid.ids == {"pt-aaaaaaaaaa"}


def test_missing_avoid_json_is_a_problem_on_the_avoid_key(tmp_path: Path) -> None:
    found = read_one(
        tmp_path, "- id: a\n  theme: 甲\n- id: b\n  theme: 甲\n  avoid: [x, missing.json]\n"
    )
    assert where(found.problems) == [
        (5, 10, "b", "avoid 里的草稿 missing.json 无法读取：文件不存在")
    ]
    assert [b.id for b in found.briefs] == ["a"]


def test_avoid_json_that_is_not_a_draft(tmp_path: Path) -> None:
    write(tmp_path, "other.json", '{"title": "x"}')
    found = read_one(tmp_path, "id: a\ntheme: 甲\navoid: other.json\n")
    assert where(found.problems) == [
        (
            3,
            8,
            "a",
            "avoid 里的草稿 other.json 无法读取：不是 drafter 生成的 JSON 草稿（缺少 parts 列表）",
        )
    ]


def test_template_path_is_relative_to_the_brief_file(tmp_path: Path) -> None:
    text = (
        "- id: a\n  theme: 甲\n  template: tpl/mine.md.j2\n- id: b\n  theme: 甲\n  template: 正式\n"
    )
    found = read_briefs([write(tmp_path, "group/b.yaml", text)])
    assert found.problems == []
    assert [b.template for b in found.briefs] == [
        str((tmp_path / "group" / "tpl" / "mine.md.j2").resolve()),
        "正式",  # a name is looked up later, among the templates
    ]


def test_template_syntax_in_a_title_is_kept_literally(tmp_path: Path) -> None:
    brief = only_brief(read_one(tmp_path, "id: a\ntheme: 甲\ntitle: '{{ 7*7 }}{% if x %}'\n"))
    assert brief.title == "{{ 7*7 }}{% if x %}"
    assert brief.request(1).title == "{{ 7*7 }}{% if x %}"


# --- encodings --------------------------------------------------------------------------------

CHINESE_BRIEF = (
    "id: 张三\ntheme: 加强基层治理能力建设\nspeaker: 王小明\ntitle: 在全市工作会议上的发言\n"
)
EXPECTED = {
    "id": "张三",
    "theme": "加强基层治理能力建设",
    "speaker": "王小明",
    "title": "在全市工作会议上的发言",
}


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (CHINESE_BRIEF.encode("gbk"), "gb18030"),
        (codecs.BOM_UTF8 + CHINESE_BRIEF.encode("utf-8"), "utf-8"),
        (CHINESE_BRIEF.encode("utf-16"), "utf-16"),  # with its BOM
        (codecs.BOM_UTF16_BE + CHINESE_BRIEF.encode("utf-16-be"), "utf-16"),
    ],
    ids=["gbk", "utf8-bom", "utf16-bom", "utf16be-bom"],
)
def test_encodings(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = write(tmp_path, "brief.yaml", data)
    loaded, used = load_positioned(path, InputError)
    assert (loaded, used) == (EXPECTED, encoding)
    assert isinstance(loaded, PosDict)
    assert loaded.at("theme") == (2, 8)  # a BOM does not shift the columns
    brief = only_brief(read_briefs([path]))
    assert (brief.id, brief.theme, brief.speaker, brief.title) == tuple(EXPECTED.values())


def test_big5_brief(tmp_path: Path) -> None:
    path = write(tmp_path, "b.yaml", "id: 一\ntheme: 加強基層治理，為人民服務\n".encode("big5"))
    assert load_positioned(path, InputError) == (
        {"id": "一", "theme": "加強基層治理，為人民服務"},
        "big5",
    )


def test_positions_in_a_bom_file(tmp_path: Path) -> None:
    found = read_one(tmp_path, codecs.BOM_UTF8 + "tittle: x\nid: a\ntheme: 甲\n".encode())
    assert where(found.problems) == [(1, 1, "a", "未知的键“tittle”，是不是“title”？")]


# Invalid in UTF-8, GB18030 and Big5 alike; and valid GB18030 that decodes to rare ideographs only.
UNDECODABLE = b"id: a\ntheme: " + b"\x80\xff" * 40 + b"\n"
GIBBERISH = b"id: " + bytes(b for i in range(300) for b in (0x81 + i % 32, 0x40 + i % 63)) + b"\n"
RANDOM_HIGH = b"id: a\ntheme: " + bytes(random.Random(7).randrange(0x80, 0x100) for _ in range(400))


@pytest.mark.parametrize(
    "data", [UNDECODABLE, GIBBERISH, RANDOM_HIGH], ids=["undecodable", "gibberish", "random"]
)
def test_unknown_encoding_is_refused_never_garbled(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, "brief.yaml", data)
    with pytest.raises(InputError) as caught:
        load_positioned(path, InputError)
    message = "无法识别文件编码（支持 UTF-8、GB18030/GBK、Big5）；请另存为 UTF-8"
    assert (caught.value.message, caught.value.path) == (message, str(path))
    found = read_briefs([path])
    assert where(found.problems) == [(None, None, None, message)]
    assert found.briefs == []


def test_plain_utf8_only_without_detection(tmp_path: Path) -> None:
    path = write(tmp_path, "b.yaml", CHINESE_BRIEF.encode("gbk"))
    with pytest.raises(InputError, match="YAML 文件必须是 UTF-8 编码"):
        read_yaml_text(path, InputError, MAX_BYTES)
    assert read_yaml_text(path, InputError, MAX_BYTES, detect=True) == (CHINESE_BRIEF, "gb18030")


def test_broken_utf16_after_a_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "b.yaml", codecs.BOM_UTF16_LE + b"i\x00d\x00:")
    with pytest.raises(InputError) as caught:
        load_positioned(path, InputError)
    assert caught.value.message == "文件以 BOM 标明编码，但内容无法按 utf-16 解码；请另存为 UTF-8"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"id: a\x00\ntheme: b\n", "文件里有 NUL 字符，不是 YAML 文本"),
        (codecs.BOM_UTF8 + b"id: a\ntheme: \x00\n", "文件里有 NUL 字符，不是 YAML 文本"),
        ("id: 张三\x00\n".encode("gbk"), "这是二进制文件，不是文本文档；请另存为 UTF-8"),
    ],
    ids=["utf8", "utf8-bom", "gbk"],
)
def test_nul_bytes_are_refused(tmp_path: Path, data: bytes, message: str) -> None:
    path = write(tmp_path, "brief.yaml", data)
    with pytest.raises(InputError) as caught:
        load_positioned(path, InputError)
    assert caught.value.message == message
    assert [p.message for p in read_briefs([path]).problems] == [message]


# --- safety -----------------------------------------------------------------------------------


def test_file_over_max_bytes_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "big.yaml", b"# " + b"x" * (3 * 2**20) + b"\n")
    with pytest.raises(InputError) as caught:
        load_positioned(path, InputError, max_bytes=2**20)
    assert caught.value.message == "文件过大（3.00 MB，上限 1.00 MB）"
    assert caught.value.path == str(path)


def test_file_at_max_bytes_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "b.yaml", b"id: a\n" + b"#" * 993 + b"\n")
    assert path.stat().st_size == 1000
    assert load_positioned(path, InputError, max_bytes=1000) == ({"id": "a"}, "utf-8")


def test_small_limit_is_enforced(tmp_path: Path) -> None:
    path = write(tmp_path, "big.yaml", b"# " + b"x" * 2000 + b"\n")
    with pytest.raises(InputError, match="文件过大"):
        load_positioned(path, InputError, max_bytes=1000)


def test_size_message_names_the_real_size(tmp_path: Path) -> None:
    path = write(tmp_path, "big.yaml", b"# " + b"x" * 2000 + b"\n")
    with pytest.raises(InputError) as caught:
        load_positioned(path, InputError, max_bytes=1000)
    assert caught.value.message == "文件过大（2.0 KB，上限 1.0 KB）"


def billion_laughs() -> str:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    path = write(tmp_path, "lol.yaml", billion_laughs())
    start = time.perf_counter()
    with pytest.raises(InputError) as caught:
        load_positioned(path, InputError)
    assert time.perf_counter() - start < 1.0
    assert caught.value.message == "YAML 的锚点和别名展开后过大，拒绝读取"
    assert caught.value.line == 1  # where the expansion ran out: inside the first anchor
    found = read_briefs([path])
    assert [(p.line, p.message) for p in found.problems] == [
        (1, "YAML 的锚点和别名展开后过大，拒绝读取")
    ]


def test_moderate_alias_use_is_fine(tmp_path: Path) -> None:
    text = "defaults: &d\n  keywords: [基层, 一线, 担当]\nbriefs:\n" + "".join(
        f"  - <<: *d\n    id: b{i}\n    theme: 主题\n" for i in range(200)
    )
    data, _ = load_positioned(write(tmp_path, "b.yaml", text), InputError)
    assert len(data["briefs"]) == 200
    assert data["briefs"][199]["keywords"] == ["基层", "一线", "担当"]


def _loaders() -> list[Any]:
    """Every safe loader this PyYAML offers, named for the parser behind it: libyaml (whose 0.2.6
    refuses to scan past 1,000 levels, where 0.2.5 goes on) and the pure-Python one."""
    import yaml

    found = [pytest.param(yaml.SafeLoader, id="pure-python")]
    if hasattr(yaml, "CSafeLoader"):
        from yaml import _yaml

        version = _yaml.get_version_string()
        found.insert(0, pytest.param(yaml.CSafeLoader, id=f"libyaml-{version}"))
    return found


@pytest.fixture(params=_loaders())
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Every parse in drafter runs on this loader for the test."""
    monkeypatch.setattr(yamlio, "base_loader", lambda: request.param)
    yamlio._loader.cache_clear()
    yield request.param
    yamlio._loader.cache_clear()


SHAPES = {
    "flow": lambda n: "[" * n + "]" * n,
    "flow-mapping": lambda n: "{a: " * n + "1" + "}" * n,
    "block": lambda n: "- " * n + "x\n",
    # Each level also holds a quoted "]": a running count of brackets never passes 1.
    "quoted-closers": lambda n: '["]", ' * n + "1" + "]" * n,
}


@pytest.mark.parametrize("depth", [1_500, 100_000])
@pytest.mark.parametrize("shape", list(SHAPES))
def test_deep_nesting_is_refused_with_every_loader(
    tmp_path: Path, loader: Any, shape: str, depth: int
) -> None:
    text = SHAPES[shape](depth)
    # Checked first: were the guard to miss it, libyaml would crash the interpreter below.
    assert nesting_bound(text) > MAX_DEPTH
    path = write(tmp_path, "deep.yaml", text)
    assert [p.message for p in read_briefs([path]).problems] == [TOO_DEEP]


def test_every_reader_gives_the_same_refusal(tmp_path: Path, loader: Any) -> None:
    path = write(tmp_path, "deep.yaml", "[" * 1_500 + "]" * 1_500)
    for read in (
        lambda: read_yaml_text(path, InputError, MAX_BYTES, detect=True),
        lambda: load_positioned(path, InputError),
        lambda: load_yaml(path, InputError),
    ):
        with pytest.raises(InputError) as caught:
            read()
        assert caught.value.message == TOO_DEEP == f"YAML 嵌套过深（超过 {MAX_DEPTH} 层），拒绝读取"


class _RefusingParser:
    """A parser that, like libyaml 0.2.6 past 1,000 levels, refuses before its first event."""

    def __init__(self, text: str) -> None:
        import yaml

        mark = yaml.Mark("<text>", 0, 0, 0, text, 0)
        raise yaml.scanner.ScannerError(
            "while increasing flow level", mark, "exceeded maximum nesting depth", mark
        )


def test_the_parsers_own_depth_refusal_counts_as_too_deep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "base_loader", lambda: _RefusingParser)
    # No prefix of this passes the limit by counting brackets, so the whole text is parsed.
    text = '["]", ' * 1_500 + "1" + "]" * 1_500
    assert nesting_bound(text) == MAX_DEPTH + 1


def test_other_parser_errors_are_left_to_loading(tmp_path: Path, loader: Any) -> None:
    """A shallow file with a syntax error is reported where the error is, not as too deep."""
    text = "x: [1, 2]\n" * 300 + "y: [1, 2\n"
    assert nesting_bound(text) <= MAX_DEPTH
    with pytest.raises(InputError) as caught:
        load_positioned(write(tmp_path, "bad.yaml", text), InputError)
    assert caught.value.message.startswith("YAML 格式错误")
    assert caught.value.line is not None and caught.value.line > 300


def test_nesting_bound() -> None:
    assert nesting_bound("id: a\ntheme: b\n") == 0
    assert nesting_bound("a: [1, {b: [2]}]") == 3
    assert nesting_bound("- " * 10 + "x") == 10
    assert nesting_bound("[" * (MAX_DEPTH + 1)) == MAX_DEPTH + 1
    assert nesting_bound("]]][[") == 2  # stray closers do not lower the count


def test_moderately_deep_but_legal_nesting_is_read(tmp_path: Path) -> None:
    text = "x: " + "[" * 50 + "1" + "]" * 50 + "\n"
    data, _ = load_positioned(write(tmp_path, "b.yaml", text), InputError)
    value = data["x"]
    for _ in range(50):
        assert isinstance(value, PosList)
        value = value[0]
    assert value == 1


# Each level opens a "[" and also holds a quoted "]": a count of brackets sees depth 1.
QUOTED_CLOSERS = '["]", ' * 100_000 + "1" + "]" * 100_000


def test_nesting_bound_is_not_fooled_by_quoted_brackets() -> None:
    assert nesting_bound(QUOTED_CLOSERS) > MAX_DEPTH
    assert nesting_bound("[ # ]\n" * 1000 + "1" + "]" * 1000) > MAX_DEPTH


_CRASH_PROBE = """
import sys
from pathlib import Path
from drafter.errors import DrafterError, InputError
from drafter.files.yamlio import load_positioned
try:
    load_positioned(Path(sys.argv[1]), InputError)
except DrafterError as exc:
    print(exc.message)
"""


def _small_stack() -> None:
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_STACK)
    soft = 2**20 if hard == resource.RLIM_INFINITY else min(2**20, hard)
    resource.setrlimit(resource.RLIMIT_STACK, (soft, hard))


@pytest.mark.skipif(sys.platform != "linux", reason="stack limit set with setrlimit")
def test_deep_nesting_hidden_by_quoted_brackets_is_refused(tmp_path: Path, repo_root: Path) -> None:
    """In a child process, so the crash cannot take the test run down. With the default 8 MB
    stack the crash needs about 25 000 levels and takes libyaml 1.5 s to reach (its flow scanner
    is quadratic); the child runs on a 1 MB stack, where 8 000 levels crash in a moment. The
    guard must refuse this before parsing, whatever the stack."""
    path = write(tmp_path, "deep.yaml", '["]", ' * 8000 + "1" + "]" * 8000)
    done = subprocess.run(
        [sys.executable, "-c", _CRASH_PROBE, str(path)],
        cwd=repo_root,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        preexec_fn=_small_stack,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"YAML 嵌套过深（超过 {MAX_DEPTH} 层），拒绝读取"


def test_python_tag_on_a_scalar_is_refused(tmp_path: Path) -> None:
    found = read_one(tmp_path, "id: !!python/name:os.system\ntheme: x\n")
    assert where(found.problems) == [
        (
            1,
            5,
            None,
            "YAML 格式错误：不认识以“!”开头的标记：请给整个值加引号",
        )
    ]
    assert found.briefs == []


@pytest.mark.parametrize(
    "text",
    [
        "!!python/object:os.system\nid: a\ntheme: x\n",
        "id: a\ntheme: x\nkeywords: !!python/object/apply:os.system [echo hi]\n",
    ],
    ids=["mapping", "sequence"],
)
def test_python_tags_on_collections_are_refused(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "brief.yaml", text)
    with pytest.raises(InputError, match="python/object"):
        load_positioned(path, InputError)


def test_python_tags_never_run_code(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"id: a\ntheme: x\nkeywords: !!python/object/apply:os.system ['touch {marker}']\n"
    path = write(tmp_path, "brief.yaml", text)
    found = read_briefs([path])
    assert found.briefs == [] and "不支持的 YAML 标签" in found.problems[0].message
    with pytest.raises(InputError, match="不支持的 YAML 标签"):
        load_positioned(path, InputError)
    assert not marker.exists()


def test_multi_document_file_is_a_yaml_error(tmp_path: Path) -> None:
    found = read_one(tmp_path, "id: a\ntheme: b\n---\nid: c\ntheme: d\n")
    second = "YAML 格式错误：文件里只能有一份内容：请删去“---”及其后的第二份"
    assert where(found.problems) == [(3, 1, None, second)]
    assert found.problems[0].user_message() == f"{tmp_path / 'brief.yaml'}:3:1: {second}"
    assert found.briefs == []


def test_a_directory_is_not_a_brief_file(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").mkdir()
    with pytest.raises(InputError, match="这是一个目录，不是文件"):
        load_positioned(tmp_path / "x.yaml", InputError)


def test_whole_file_is_fast(tmp_path: Path) -> None:
    text = "briefs:\n" + "".join(f"  - id: b{i}\n    theme: 主题{i}\n" for i in range(1000))
    start = time.perf_counter()
    found = read_one(tmp_path, text)
    assert time.perf_counter() - start < 2.0
    assert len(found.briefs) == 1000
    assert found.problems == []


@pytest.mark.parametrize("text", ["id: a\ntheme: 主题\x1f\n", "\x1f", "id: a\n\x08theme: b\n"])
def test_a_control_character_is_named_with_its_line(tmp_path: Path, loader: Any, text: str) -> None:
    """Found by the fuzz suite: the parser's reader error had no line and English text."""
    path = write(tmp_path, "b.yaml", text)
    with pytest.raises(InputError) as caught:
        load_positioned(path, InputError)
    bad = next(ch for ch in text if ch in "\x1f\x08")
    assert caught.value.message == f"YAML 文件里不能有控制字符 U+{ord(bad):04X}，请删去它"
    where = text.index(bad)
    assert caught.value.line == text.count("\n", 0, where) + 1
    assert caught.value.column == where - text.rfind("\n", 0, where)
