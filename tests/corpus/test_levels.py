"""A third level of structure: run-in leads inside a sub-point, and "——" summary lines.

Each report here is written for this test (none is copied from seeds/).
"""

from __future__ import annotations

from drafter.corpus.parse import parse_text
from drafter.corpus.structure import dash_lines, run_in_leads

REPORT = """某市政府工作报告
各位代表：
现在，我代表市人民政府向大会报告工作，请予审议。
一、过去一年工作回顾
过去一年，全市经济社会发展稳中有进，主要目标任务较好完成。
——经济运行总体平稳。地区生产总值增长百分之五，就业物价保持稳定。
——创新动能持续增强。新兴产业加快成长，研发投入较快增长。
——民生福祉不断增进。城乡居民收入稳步提高，公共服务更加完善。
一年来，我们主要做了以下工作。
二、今年重点工作
（一）大力提振消费，全方位扩大国内需求
促进消费和投资更好结合，使内需成为拉动增长的主动力。
更大力度促进消费。实施提振消费专项行动，加力扩围实施以旧换新。
积极扩大有效投资。加强重大项目谋划储备，优化政府投资结构。
着力稳定外贸外资。支持企业稳订单拓市场，推进服务业扩大开放。
加快建设消费城市。培育一批消费新场景，办好各类促消费活动。
（二）持续加强政府自身建设
我们要坚持依法行政，自觉接受各方面监督。
过去一年的经验表明，抓落实必须久久为功。我们将继续努力，不断提高行政效能。
各位代表！让我们团结奋斗，再创佳绩。
"""


def test_run_in_leads_are_the_points_of_a_sub_point() -> None:
    (doc,) = parse_text(REPORT, "report.txt")
    first, second = doc.parts[1].points
    assert first.lead == "大力提振消费，全方位扩大国内需求"
    assert [p.lead for p in first.points] == [
        "更大力度促进消费",
        "积极扩大有效投资",
        "着力稳定外贸外资",
        "加快建设消费城市",
    ]
    assert first.points[0].body == "实施提振消费专项行动，加力扩围实施以旧换新。"
    # Children index the text: the sub-point's body still holds all of it.
    assert "实施提振消费专项行动" in first.body and "培育一批消费新场景" in first.body
    assert second.points == ()  # prose opening with short sentences is no set of leads


def test_dash_lines_are_a_sibling_set_of_the_part() -> None:
    (doc,) = parse_text(REPORT, "report.txt")
    review = doc.parts[0]
    assert [p.lead for p in review.dashes] == [
        "经济运行总体平稳",
        "创新动能持续增强",
        "民生福祉不断增进",
    ]
    assert review.dashes[0].body == "地区生产总值增长百分之五，就业物价保持稳定。"
    assert "——经济运行总体平稳" in (review.lead or "") + (review.body or "")


def test_to_dict_shows_children_only_where_there_are_some() -> None:
    (doc,) = parse_text(REPORT, "report.txt")
    part = doc.parts[1].to_dict()
    assert [c["lead"] for c in part["points"][0]["points"]][:1] == ["更大力度促进消费"]
    assert "points" not in part["points"][1] and "dashes" not in part
    assert doc.parts[0].to_dict()["dashes"][0]["lead"] == "经济运行总体平稳"


def test_leads_need_three_close_together() -> None:
    two = ["更大力度促进消费。实施专项行动。", "积极扩大有效投资。加强项目储备。"]
    assert run_in_leads(two) == ()
    apart = [
        *two[:1],
        "正文一段，没有引领句，写得比较长，一直写下去。",
        "再写一段正文，也没有引领句。",
        two[1],
    ]
    assert run_in_leads([*apart, "着力稳定外贸外资。支持企业拓市场。"]) == ()
    long_first = [f"{'很长的第一句话' * 4}。后文。" for _ in range(4)]
    assert run_in_leads(long_first) == ()  # a long first sentence is prose, not a lead
    numbers = ["增长百分之5。后文。", "增长百分之6。后文。", "增长百分之7。后文。"]
    assert run_in_leads(numbers) == ()  # figures are no leads


def test_a_single_dash_line_is_no_set() -> None:
    assert dash_lines(["——经济运行总体平稳。正文。", "正文一段。"]) == ()
    assert [p.lead for p in dash_lines(["——甲乙丙丁。正文。", "——戊己庚辛。正文。"])] == [
        "甲乙丙丁",
        "戊己庚辛",
    ]
