"""提法 rules: every bundled rule fires on its wrong example and nowhere on any right example,
the seeds' real slip is found, and a writer's bad rule file is refused with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.check.findings import Location
from drafter.check.rulefile import CATEGORIES, read_rule_file
from drafter.check.rules import BUNDLED_RULES, RuleSet, check_tifa, load_rules
from drafter.errors import RuleError

BUNDLED = load_rules()
IDS = [rule.id for rule in BUNDLED.rules]


def _check(text: str, rules: RuleSet = BUNDLED) -> list[tuple[str, str, str | None]]:
    found = check_tifa([(Location(paragraph=1, line=1), text)], rules)
    return [(f.rule, f.excerpt or "", f.suggestion) for f in found]


def test_at_least_fifty_rules_each_with_reason_category_and_examples() -> None:
    assert len(BUNDLED.rules) >= 50
    for rule in BUNDLED.rules:
        assert rule.reason and rule.category in CATEGORIES
        assert rule.example_wrong and rule.example_right, rule.id
        if rule.category == "过时表述":
            assert rule.since is not None, rule.id


@pytest.mark.parametrize("rule_id", IDS)
def test_each_rule_fires_on_its_wrong_example_and_fixes_it(rule_id: str) -> None:
    rule = BUNDLED.by_id(rule_id)
    assert rule is not None and rule.example_wrong is not None
    found = check_tifa([(Location(1, 1), rule.example_wrong)], BUNDLED)
    mine = [f for f in found if f.rule == f"tifa.{rule_id}"]
    assert mine, f"{rule_id} does not fire on its own example"
    finding = mine[0]
    start, end = finding.location.start, finding.location.end
    assert start is not None and end is not None and finding.suggestion
    assert rule.example_wrong[start:end] == finding.excerpt
    fixed = rule.example_wrong[:start] + finding.suggestion + rule.example_wrong[end:]
    assert not [f for f in check_tifa([(Location(1, 1), fixed)], BUNDLED) if f.rule == finding.rule]


def test_no_rule_fires_on_any_right_example() -> None:
    # Every right example against every rule: a rule must not flag another rule's right form.
    for rule in BUNDLED.rules:
        assert rule.example_right is not None
        assert _check(rule.example_right) == [], rule.id


def test_seed_004_slip_is_found_with_its_span(seeds_dir: Path) -> None:
    (seed,) = seeds_dir.glob("004_*.txt")
    lines = seed.read_text(encoding="utf-8").splitlines()
    paragraphs = [(Location(i, line=i), text) for i, text in enumerate(lines, 1)]
    found = [f for f in check_tifa(paragraphs, BUNDLED) if f.rule == "tifa.shibada-yilai"]
    assert [f.location.line for f in found] == [21, 27]
    first = found[0]
    assert first.severity == "error" and first.suggestion == "党的十八大以来"
    assert lines[20][first.location.start : first.location.end] == "党的十八以来"
    assert "党的十八大" in first.message


def test_wrong_form_inside_the_right_form_is_no_finding() -> None:
    assert _check("党的十八大以来，严格落实中央八项规定精神，“三个代表”重要思想。") == []
    assert _check("农业部门、环境保护部门和文化部门协同推进，出席农业部长会议。") == []


def test_outdated_message_names_the_year() -> None:
    (finding,) = check_tifa([(Location(3, 7), "环境保护部通报了情况。")], BUNDLED)
    assert finding.rule == "tifa.shengtai-huanjingbu" and finding.severity == "warning"
    assert "2018 年起" in finding.message and finding.suggestion == "生态环境部"
    assert (finding.location.paragraph, finding.location.line, finding.location.start) == (3, 7, 0)


def test_overlapping_spans_are_reported_once() -> None:
    found = _check("按照中共中央国务院部署，落实国家工商总局要求。")
    assert [rule for rule, _, _ in found] == [
        "tifa.dangzhongyang-guowuyuan",
        "tifa.shichang-jianguan-zongju",
    ]


def test_bundled_file_ships_inside_the_package() -> None:
    assert BUNDLED_RULES.parent.name == "check" and BUNDLED_RULES.is_file()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_user_rule_adds_replaces_and_disables(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "rules:\n"
        "- id: shibada-yilai\n"
        "  wrong: 党的十八以来\n"
        "  right: 党的十八大召开以来\n"
        "  reason: 本单位的写法\n"
        "- id: chaoxian\n"
        "  disabled: true\n"
        "- id: our-name\n"
        "  category: 过时表述\n"
        "  wrong: 老局\n"
        "  right: 新局\n"
        "  since: 2024\n"
        "  reason: 本单位2024年更名\n"
        "  example_wrong: 老局召开会议\n"
        "  example_right: 新局召开会议\n",
    )
    rules = load_rules(path)
    assert rules.files == (BUNDLED_RULES, path)
    assert len(rules.rules) == len(BUNDLED.rules)  # one replaced, one off, one added
    assert _check("党的十八以来，北朝鲜，老局", rules) == [
        ("tifa.shibada-yilai", "党的十八以来", "党的十八大召开以来"),
        ("tifa.our-name", "老局", "新局"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("rules:\n- id: a\n  wrong: x\n\tright: y\n", 4, "Tab"),
        ("rules:\n- id: a\n  wrong: x\n  rigth: y\n  reason: r\n", 4, "right"),
        ("rules:\n- id: a\n  wrong: x\n  reason: r\n", 2, "缺少 right"),
        ("rules:\n- id: a\n  wrong: '(x'\n  regex: true\n  right: y\n  reason: r\n", 3, "正则"),
        ("rules:\n- id: a\n  wrong: (x)\n  regex: true\n  right: \\2\n  reason: r\n", 5, "分组"),
        ("rules:\n- id: a\n  wrong: x\n  right: y\n  reason: r\n  since: 今年\n", 6, "年份"),
        ("rules:\n- id: a\n  wrong: x\n  right: y\n  reason: r\n  category: 别的\n", 6, "category"),
        ("rules:\n- id: a\n  wrong: x\n  right: y\n  reason: r\n  example_wrong: z\n", 6, "找不到"),
        ("rules:\n- id: a\n  wrong: x\n  right: y\n  reason: r\n  example_right: x\n", 6, "误报"),
        (
            "rules:\n- {id: a, wrong: x, right: y, reason: r}\n- {id: a, wrong: z, right: y, reason: r}\n",
            3,
            "重复",
        ),
        ("rules:\n- 党的十八以来\n", 2, "映射"),
        ("rulez: []\n", 1, "rules"),
    ],
)
def test_bad_rule_file_is_refused_with_its_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(RuleError) as caught:
        load_rules(path)
    assert caught.value.exit_code == 2
    assert caught.value.path == str(path) and caught.value.line == line
    assert words in caught.value.message


def test_missing_rule_file_is_a_rule_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError):
        read_rule_file(tmp_path / "none.yaml")


def test_empty_rule_file_adds_nothing(tmp_path: Path) -> None:
    assert load_rules(_write(tmp_path, "# nothing yet\n")).rules == BUNDLED.rules
