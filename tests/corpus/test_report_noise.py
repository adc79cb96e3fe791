"""Web noise of scraped government work reports, each kind in a small text written here.

The texts imitate the pages' layout (a toolbar, a breadcrumb, a caption, a licence footer …),
not their words: every rule is about the form of the noise, never about one site or file.
"""

from __future__ import annotations

import pytest

from drafter.corpus.models import Document
from drafter.corpus.noise import clean_lines, rejoin
from drafter.corpus.parse import parse_text
from drafter.text.normalize import normalize_text

BODY = """各位代表：
现在，我代表市人民政府向大会报告工作，请予审议。
一、坚持创新驱动，加快建设现代化产业体系
过去一年，我们着力推动产业升级，新兴产业加快成长，传统产业改造提升取得新进展。
二、坚持改革开放，持续激发市场主体活力
过去一年，我们深化重点领域改革，营商环境持续优化，对外开放水平不断提高。
各位代表！让我们团结一心，奋力开创新局面。
"""


def _kept(text: str) -> list[str]:
    return [p.text for p in clean_lines(normalize_text(text))]


def _all_text(docs: list[Document]) -> str:
    out: list[str] = []
    for d in docs:
        out += [d.title or "", d.subtitle or "", d.opening or "", d.closing or ""]
        for part in d.parts:
            out += [part.heading, part.lead or "", part.body or ""]
            out += [f"{p.lead}{p.body}" for p in part.points]
    return "\n".join(out)


@pytest.mark.parametrize(
    ("noise", "gone"),
    [
        # a page toolbar, one tool a line, the font-size switch spread over lines
        (
            "下载\n打印\n全屏\n收藏\n【字号：\n加大\n还原\n减小\n】\n",
            ["下载", "加大", "减小", "全屏"],
        ),
        ("【字体：\n大\n中\n小\n】\n分享：\n", ["字体", "分享"]),
        # a breadcrumb with its ">" on lines of their own
        ("您的位置：\n首页\n>\n政务要闻\n>\n本地新闻\n", ["位置", "首页", "政务要闻"]),
        # a label and its value on two lines, a timestamp
        ("来源：\n某某日报\n时间：2026-02-03\n2026年02月10日 07时41分\n", ["某某日报", "时间"]),
        # a photo caption with its credit
        ("市长某某作政府工作报告。本报记者 王小明 摄\n", ["本报记者", "摄"]),
        ("会议开幕。新华社记者 李某 张某 摄\n", ["新华社记者"]),
    ],
    ids=["toolbar", "font-size", "breadcrumb", "source-and-time", "caption", "agency-caption"],
)
def test_page_noise_before_the_text_is_dropped(noise: str, gone: list[str]) -> None:
    docs = parse_text("某市政府工作报告\n" + noise + BODY, "page.txt")
    text = _all_text(docs)
    for word in gone:
        assert word not in text, word
    assert [p.heading for p in docs[0].parts] == [
        "坚持创新驱动，加快建设现代化产业体系",
        "坚持改革开放，持续激发市场主体活力",
    ]


@pytest.mark.parametrize(
    ("footer", "gone"),
    [
        ("相关报道：\n某市两会开幕\n代表热议政府工作报告\n", ["相关报道", "热议"]),
        (
            "责任编辑：\n张某某\n扫一扫在手机打开当前页\n【\n打印本页\n】\n【\n关闭窗口\n】\n",
            ["编辑", "张某某", "打印"],
        ),
        ("（来源：某某日报）\n编辑：李某\n", ["来源", "编辑"]),
        # a licence notice broken by its links, and its trailing pieces
        (
            "本作品是中华人民共和国的\n法律\n、\n法规\n，国家机关的决议。根据《\n中华人民共和国著作权法\n》"
            "第五条，本作品不适用于该法，属于\n公有领域\n。\n注：中文维基文库社群认为，某类文件，\n不总是\n"
            "具有立法性质的文件。\nPublic domain\nfalse\n",
            ["本作品", "公有领域", "维基文库", "不总是", "Public"],
        ),
        # an appendix: a glossary after the text is not speech
        (
            "名词解释\n1.“两新”：是指设备更新和以旧换新。\n2.“两重”：是指重大战略和重点领域。\n",
            ["两新", "名词解释"],
        ),
        ("附件1\n今年十件民生实事\n一是办好学校。二是建好医院。\n", ["民生实事", "附件"]),
    ],
    ids=["related-reports", "editor-and-tools", "source-note", "licence", "glossary", "attachment"],
)
def test_footer_noise_after_the_text_is_dropped(footer: str, gone: list[str]) -> None:
    docs = parse_text("某市政府工作报告\n" + BODY + footer, "page.txt")
    text = _all_text(docs)
    for word in gone:
        assert word not in text, word
    assert docs[0].closing == "各位代表！让我们团结一心，奋力开创新局面。"


def test_a_link_on_a_line_of_its_own_is_rejoined_with_its_sentence() -> None:
    text = "五年来，我们贯彻\n民族区域自治法\n，支持民族地区加快发展。\n"
    assert _kept(text) == ["五年来，我们贯彻民族区域自治法，支持民族地区加快发展。"]
    sub = "以细颗粒物（PM\n2.5\n）和可吸入颗粒物（PM\n10\n）治理为突破口。\n"
    assert _kept(sub) == ["以细颗粒物（PM2.5）和可吸入颗粒物（PM10）治理为突破口。"]
    assert _kept("政府工作报\n告\n") == ["政府工作报告"]


def test_rejoin_leaves_ordinary_lines_alone() -> None:
    lines = [
        (1, "一、总体要求"),
        (2, "做好今年工作，要坚持稳中求进。"),
        (3, "（一）扩大内需"),
        (4, "着力扩大消费。"),
        (5, "——经济运行总体平稳。"),
    ]
    assert rejoin(lines) == lines


def test_a_byline_alone_is_a_masthead_not_a_caption() -> None:
    roles = {p.text: p.role for p in clean_lines(normalize_text("本报记者 李华 张明\n" + BODY))}
    assert roles["本报记者 李华 张明"] == "byline"  # it marks where a document starts
    assert (
        roles["过去一年，我们着力推动产业升级，新兴产业加快成长，传统产业改造提升取得新进展。"]
        == "text"
    )
