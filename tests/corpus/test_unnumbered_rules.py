"""The rules that find parts and sub-points without numbers, one by one, on small inputs."""

from __future__ import annotations

import pytest

from drafter.corpus.cues import part_cuts, point_cuts
from drafter.corpus.cuts import Cut, may_head, split_heading
from drafter.corpus.segment import Chunk
from drafter.corpus.structure import build_document, parse_part
from drafter.corpus.unnumbered import (
    holds,
    own_line_cuts,
    run_in_cuts,
    run_in_opening,
    sibling_group,
)
from drafter.text.numbering import find_marker
from drafter.text.parallel import Shape, same_shape

BODY = "要把这项工作摆在突出位置，主要负责同志亲自抓、负总责，确保各项任务落到实处、见到实效。"


def _headings(cuts: list[Cut]) -> list[str]:
    return [c.heading for c in cuts]


# --- cues ----------------------------------------------------------------------------------


def test_the_highest_heading_level_used_twice_marks_the_parts() -> None:
    paras = ["标题重复一遍", "开场白。", "第一部分", BODY, "小点甲", BODY, "第二部分", BODY]
    cues: list[str | None] = ["h1", None, "h2", None, "h3", None, "h2", None]
    cuts, below = part_cuts(paras, cues)
    assert _headings(cuts) == ["第一部分", "第二部分"]
    assert below == "h3"
    assert [c.numbering for c in cuts] == ["none", "none"]


def test_without_a_lower_heading_level_bold_paragraphs_mark_the_sub_points() -> None:
    paras = ["开场白。", "第一部分", "压实责任。" + BODY, "第二部分", BODY]
    cuts, below = part_cuts(paras, [None, "h2", "bold", "h2", None])
    assert _headings(cuts) == ["第一部分", "第二部分"]
    assert below == "bold"


def test_bold_lines_alone_are_parts_and_bold_run_in_leads_their_points() -> None:
    paras = [
        "开场白。",
        "坚定政治信仰",
        "要学理论。" + BODY,
        "要重实践。" + BODY,
        "练就过硬本领",
        BODY,
    ]
    cues: list[str | None] = [None, "bold", "bold", "bold", "bold", None]
    cuts, below = part_cuts(paras, cues)
    assert _headings(cuts) == ["坚定政治信仰", "练就过硬本领"]
    assert below == "bold"
    points = point_cuts(paras[2:4], cues[2:4], below)
    assert _headings(points) == ["要学理论", "要重实践"]
    assert points[0].rest == BODY


def test_only_bold_run_in_paragraphs_are_the_parts_themselves() -> None:
    paras = ["开场白。", "要学理论。" + BODY, "要重实践。" + BODY]
    cuts, below = part_cuts(paras, [None, "bold", "bold"])
    assert _headings(cuts) == ["要学理论", "要重实践"]
    assert below is None


def test_one_style_over_two_numbered_levels_is_split_by_the_numbers() -> None:
    paras = ["一、基本情况", "（一）收入提高", BODY, "（二）路径拓宽", BODY, "二、存在问题", BODY]
    cues: list[str | None] = ["bold", "bold", None, "bold", None, "bold", None]
    cuts, below = part_cuts(paras, cues)
    assert _headings(cuts) == ["基本情况", "存在问题"]
    assert [c.numbering for c in cuts] == ["一、", "一、"]
    assert below == "bold"
    points = point_cuts(paras[1:5], cues[1:5], below)
    assert _headings(points) == ["收入提高", "路径拓宽"]
    assert points[0].numbering == "（一）"


def test_a_single_bold_sentence_is_emphasis_but_a_single_sub_heading_is_a_point() -> None:
    paras = ["服务就是环境。", BODY]
    assert point_cuts(paras, ["bold", None], "bold") == []
    assert _headings(point_cuts(paras, ["h3", None], "h3")) == ["服务就是环境"]


def test_addresses_and_closings_in_bold_head_nothing() -> None:
    paras = ["同志们：", BODY, "谢谢大家！", "开场白。"]
    assert part_cuts(paras, ["bold", None, "bold", None]) == ([], None)
    assert not may_head("各位代表！") and not may_head("总之，要抓好落实。")
    assert may_head("坚定政治信仰")


def test_a_style_inside_numbered_parts_marks_their_sub_points() -> None:
    body = [
        "开场白。",
        "一、深化改革",
        "导语。",
        "推进网办",
        BODY,
        "推行集成",
        BODY,
        "二、优化服务",
        BODY,
    ]
    cues: list[str | None] = [None, None, None, "bold", None, "bold", None, None, None]
    doc = build_document(Chunk("讲话", None, body, cues), "a.docx")
    assert [p.heading for p in doc.parts] == ["深化改革", "优化服务"]
    assert [p.numbering for p in doc.parts] == ["一、", "一、"]
    assert [pt.lead for pt in doc.parts[0].points] == ["推进网办", "推行集成"]


def test_holds_asks_for_a_section_with_several_inner_members() -> None:
    assert holds([1, 10], [3, 5, 12])
    assert not holds([1, 10], [3, 12])  # one to a section: siblings taking turns
    assert not holds([1, 10], [0, 3, 5])  # an inner member before the first outer one
    assert not holds([1, 5, 10], [1, 5, 10])  # the same lines


def test_cues_that_do_not_match_the_paragraphs_are_not_used() -> None:
    assert part_cuts(["甲乙丙丁", BODY], ["h2"]) == ([], None)
    assert point_cuts(["甲乙丙丁", BODY], ["h2"], "h2") == []


# --- headings on lines of their own -------------------------------------------------------


def test_dash_led_headings_are_siblings_whatever_their_lengths() -> None:
    lines = [
        "“红色管家”——党建引领物业服务",
        "“民情直通车”——打通联系服务群众的最后一米",
        "“邻里议事厅”——居民的事由居民商量着办",
    ]
    assert sibling_group(lines) == [0, 1, 2]
    # a long text before the dash is no motto, and one dash-led line is no set
    assert (
        sibling_group(["书香致远——让阅读成为习惯", "这是一段很长很长的说明文字写在这里——附注"])
        == []
    )
    assert sibling_group(["书香致远——让阅读成为习惯", "凝心聚力谋发展"]) == []


def test_part_lines_that_hold_more_numerous_point_lines_are_the_parts() -> None:
    paras = [
        "开场白。",
        "坚持政治引领，把准正确方向",
        "旗帜鲜明讲政治是首要任务。",
        "强化理论武装",
        BODY,
        "严肃组织生活",
        BODY,
        "坚持服务群众，提升治理效能",
        "服务群众是根本任务。",
        "推动资源下沉",
        BODY,
        "深化网格治理",
        BODY,
    ]
    top = own_line_cuts(paras, top=True)
    assert _headings(top) == ["坚持政治引领，把准正确方向", "坚持服务群众，提升治理效能"]
    assert _headings(own_line_cuts(paras[2:7], top=False)) == ["强化理论武装", "严肃组织生活"]


def test_two_lines_alike_only_in_length_head_no_parts_of_a_document() -> None:
    paras = ["开场白。", "会议现场", BODY, "座谈交流", BODY]
    assert own_line_cuts(paras, top=True) == []
    assert _headings(own_line_cuts(paras, top=False)) == ["会议现场", "座谈交流"]


def test_names_and_labels_over_a_word_or_two_are_no_headings() -> None:
    names = [
        "通报如下。",
        "张建国 办公室主任",
        BODY,
        "李晓燕 财务科科长",
        BODY,
        "王志强 规划科副科长",
        BODY,
    ]
    assert own_line_cuts(names, top=True) == []
    labels = ["纪要如下。", "出席人员", "局领导班子成员。", "列席人员", "各科室负责同志。", BODY]
    assert own_line_cuts(labels, top=True) == []


# --- run-in openings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("para", "opening"),
    [
        (
            "创新活动载体，让老文物不再“躺平”。" + BODY,
            ("sentence", "创新活动载体，让老文物不再“躺平”"),
        ),
        ("聚焦审批提速，" + BODY, ("clause", "聚焦审批提速")),
        ("近年来，" + BODY, None),  # too short, and a time word
        ("与此同时，" + BODY, None),
        ("会议强调，" + BODY, None),  # reported speech
        ("我们将狠抓隐患排查，" + BODY, None),
        ("2024年以来，" + BODY, None),
        ("一是加强学习。" + BODY, None),  # numbered: not this rule's
        ("聚焦审批提速，抓好落实。", None),  # a clause with no paragraph behind it
    ],
)
def test_run_in_opening(para: str, opening: tuple[str, str] | None) -> None:
    found = run_in_opening(para)
    assert (found[:2] if found else None) == opening


def _run_in(openings: list[str], gap: str = "") -> list[str]:
    paras = ["开场白，简要介绍有关情况。"]
    for opening in openings:
        paras.append(opening + BODY)
        if gap:
            paras.append(gap)
    return paras


def test_run_in_openings_close_together_and_sharing_a_skeleton_are_parts() -> None:
    paras = _run_in(
        [
            "以党建为引领，拧紧治理“主心骨”。",
            "以服务为根本，打通服务“最后一米”。",
            "以自治为基础，激活居民“主人翁”意识。",
        ],
        gap="今年以来，通过居民议事会解决了一批难题，群众满意度明显提升。",
    )
    cuts = run_in_cuts(paras, start=1, strict=True)
    assert [c.index for c in cuts] == [1, 3, 5]
    assert cuts[0].rest == BODY


def test_run_in_openings_alike_only_in_length_are_parts_only_inside_a_part() -> None:
    paras = _run_in(["突出政治标准，", "注重实干实绩，", "坚持人岗相适，"])
    assert run_in_cuts(paras, start=1, strict=True) == []
    assert _headings(run_in_cuts(paras, start=1, strict=False)) == [
        "突出政治标准",
        "注重实干实绩",
        "坚持人岗相适",
    ]


def test_run_in_openings_far_apart_or_too_few_are_no_parts() -> None:
    filler = [f"第{n}段文字只作说明之用而不带任何结构上的意味。" for n in "一二三四五六"]
    far = _run_in(["聚焦审批提速，", "聚焦要素保障，"]) + filler + ["聚焦政策落实，" + BODY]
    assert run_in_cuts(far, start=1, strict=True) == []
    first = ["聚焦审批提速，" + BODY, "聚焦要素保障，" + BODY, "聚焦政策落实，" + BODY]
    assert run_in_cuts(first, start=1, strict=True) == []  # the first paragraph opens the text


# --- order words, headings, shapes ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "family", "value", "rest"),
    [
        ("第一点，要提高站位", "第一，", 1, "要提高站位"),
        ("第二个方面，加强保障", "第一，", 2, "加强保障"),
        ("其三，严格考核", "第一，", 3, "严格考核"),
        ("第一要加强学习", "第一，", 1, "要加强学习"),
        ("第一条 为了规范管理", "第一，", 1, "条 为了规范管理"),
        ("首先要坚定理想信念", "首先", 1, "要坚定理想信念"),
        ("最后要严守纪律", "首先", 0, "要严守纪律"),
    ],
)
def test_order_markers(text: str, family: str, value: int, rest: str) -> None:
    marker = find_marker(text)
    assert marker is not None
    assert (marker.family, marker.value, text[marker.end :]) == (family, value, rest)


@pytest.mark.parametrize(
    "text", ["第一方阵的队员们", "首先是一个问题", "其实我们都知道", "第一次全体会议"]
)
def test_words_that_only_look_like_order_markers(text: str) -> None:
    assert find_marker(text) is None


def test_inline_di_yi_sentences_are_the_points_of_a_part() -> None:
    part = parse_part(
        "坚持立德树人",
        "首先",
        [
            "教育的根本任务是立德树人。第一，抓实思政课建设。要推动课程改革。第二，抓好劳动教育。要建设实践基地。"
        ],
    )
    assert [p.lead for p in part.points] == ["抓实思政课建设", "抓好劳动教育"]
    assert part.points[0].body == "要推动课程改革。"
    assert part.lead == "教育的根本任务是立德树人。"


def test_a_part_follows_its_siblings_in_taking_lead_sentences_as_points() -> None:
    body = [
        "开场白。",
        "夯实组织基础，筑牢战斗堡垒",
        "组织是力量之源。",
        "整顿软弱涣散。" + BODY,
        "完善阵地建设。" + BODY,
        "建强骨干队伍，激活红色引擎",
        "队伍是关键。",
        "选强带头队伍。" + BODY,
        "抓实教育培训。" + BODY,
        "健全制度机制，打通服务链条",
        "制度管根本。",
        "建设数字平台。" + BODY,
        "推广移动服务办理。" + BODY,
    ]
    doc = build_document(Chunk("讲话", None, body), "a")
    assert [p.lead for p in doc.parts[2].points] == ["建设数字平台", "推广移动服务办理"]


def test_split_heading() -> None:
    assert split_heading("坚定政治信仰") == ("坚定政治信仰", None)
    assert split_heading("要学理论。学了要用。") == ("要学理论", "学了要用。")


def test_same_shape_asks_for_clause_structure_and_length_only() -> None:
    assert same_shape(Shape.of("以党建为引领，拧紧主心骨"), Shape.of("以服务为根本，打通最后一米"))
    assert not same_shape(Shape.of("以党建为引领"), Shape.of("以服务为根本，打通最后一米"))
    assert not same_shape(Shape.of("甲乙丙丁"), Shape.of("甲乙丙丁戊己庚辛壬癸"))
