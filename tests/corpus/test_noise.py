"""Web noise never reaches a document, and several documents in one file are told apart."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from drafter.corpus.models import Document
from drafter.corpus.parse import parse_text
from drafter.text.normalize import fold

SPEECH_TITLE = "在全县防汛抗旱工作会议上的讲话"

OUTLINE = [
    ("提高思想认识，牢牢绷紧防汛这根弦", ["树牢底线思维", "强化忧患意识"]),
    (
        "突出重点环节，全面排查整治风险隐患",
        ["抓好水库安全度汛", "抓好山洪灾害防范", "抓好城区防洪排涝"],
    ),
    (
        "强化应急准备，确保关键时刻拉得出冲得上",
        ["完善应急预案", "充实物资储备", "加强值班值守"],
    ),
]

# A speech of our own inside a scraped web page. The tail sentences of part two's lead come back
# as a paragraph of their own twice (once before the speech body, once after part two), a sub-point
# paragraph and a heading are repeated exactly, and the page is wrapped in navigation, metadata,
# paid-content markers, related-article lists and an advertisement.
PAGE = """网站首页 | 网站地图 | 设为首页 | 加入收藏
范文网> 讲话稿> 领导讲话> 正文
在全县防汛抗旱工作会议上的讲话
时间：2024-05-20 来源：县应急管理局 浏览次数：1024
##paidbegin##
同志们：当前，我县即将全面进入主汛期。据气象部门预测，今年汛期降水总体偏多，极端天气发生的可能性较大，防汛形势不容乐观。下面，我讲三点意见。
要坚持关口前移，把风险隐患消除在萌芽状态。
一、提高思想认识，牢牢绷紧防汛这根弦
防汛工作事关人民群众生命财产安全。各级干部要克服麻痹思想和侥幸心理，做到思想到位、责任到位、措施到位。
一是树牢底线思维。要坚持人民至上、生命至上，宁可十防九空，不可失防万一。
二是强化忧患意识。要清醒看到我县防洪基础设施依然薄弱，切实把困难估计得更充分一些。
二、突出重点环节，全面排查整治风险隐患
二、突出重点环节，全面排查整治风险隐患
隐患险于明火，防范胜于救灾。要坚持关口前移，把风险隐患消除在萌芽状态。
一是抓好水库安全度汛。要逐座落实水库安全责任人，严禁病险水库违规蓄水。
二是抓好山洪灾害防范。要对全县山洪灾害隐患点开展拉网式排查，落实群测群防措施。
二是抓好山洪灾害防范。要对全县山洪灾害隐患点开展拉网式排查，落实群测群防措施。
三是抓好城区防洪排涝。要加快疏通城区排水管网，配足配齐排涝设备。
要坚持关口前移，把风险隐患消除在萌芽状态。
三、强化应急准备，确保关键时刻拉得出冲得上
应急准备充分与否，直接关系到抢险救灾的成效。
一是完善应急预案。要结合实际修订防汛应急预案，明确转移路线和安置地点。
二是充实物资储备。要按照标准储备冲锋舟、救生衣、编织袋等防汛物资。
三是加强值班值守。汛期要严格执行领导带班和二十四小时值班制度。
同志们，防汛工作责任重于泰山。让我们以高度负责的态度，扎实做好各项防汛准备工作，确保全县安全度汛。
##paidend##
【作者系县防汛抗旱指挥部办公室工作人员】
（责任编辑：李明）
校对：张华
上一篇：在全县森林防火工作会议上的讲话
下一篇：防汛工作总结汇报材料
您可能感兴趣的文稿
- 11-07在全县森林防火工作会议上的讲话
- 11-05在全县安全生产大检查动员会上的讲话
- 10-28防汛工作总结汇报材料
阅读排行
- 11-07关于防汛工作的调研报告
- 11-02防汛救灾先进事迹材料
推荐文稿
- 10-30在全县地质灾害防治工作会议上的讲话
专业代写各类材料 包您满意
咨询电话：0371-66668888 微信号：fanwen2024
联系人：王老师 13912345678
版权所有 某某范文网 豫ICP备12345678号
"""

NOISE = [
    "网站首页",
    "网站地图",
    "加入收藏",
    "范文网",
    "正文",
    ">",
    "浏览次数",
    "来源",
    "1024",
    "paid",
    "##",
    "作者系",
    "指挥部办公室工作人员",
    "责任编辑",
    "李明",
    "校对",
    "张华",
    "上一篇",
    "下一篇",
    "感兴趣",
    "阅读排行",
    "推荐文稿",
    "11-07",
    "10-30",
    "森林防火",
    "安全生产大检查",
    "总结汇报",
    "调研报告",
    "先进事迹",
    "地质灾害防治",
    "代写",
    "包您满意",
    "咨询电话",
    "0371",
    "微信",
    "fanwen",
    "王老师",
    "13912345678",
    "版权所有",
    "ICP",
]


def _texts(doc: Document) -> Iterator[str]:
    for text in (doc.title, doc.subtitle, doc.opening, doc.closing):
        if text:
            yield text
    for part in doc.parts:
        yield part.heading
        if part.lead:
            yield part.lead
        if part.body:
            yield part.body
        for point in part.points:
            yield point.lead
            yield point.body


def _outline(doc: Document) -> list[tuple[str, list[str]]]:
    return [(fold(p.heading), [fold(pt.lead) for pt in p.points]) for p in doc.parts]


def _want(outline: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    return [(fold(h), [fold(x) for x in leads]) for h, leads in outline]


@pytest.fixture(scope="module")
def page_docs() -> list[Document]:
    return parse_text(PAGE, "page.txt")


def test_page_yields_only_the_speech(page_docs: list[Document]) -> None:
    assert [d.title for d in page_docs] == [SPEECH_TITLE]


def test_page_structure_survives_the_noise(page_docs: list[Document]) -> None:
    doc = page_docs[0]
    assert _outline(doc) == _want(OUTLINE)
    assert all(p.numbering == "一、" for p in doc.parts)
    assert doc.opening == (
        "同志们：当前，我县即将全面进入主汛期。据气象部门预测，今年汛期降水总体偏多，"
        "极端天气发生的可能性较大，防汛形势不容乐观。下面，我讲三点意见。"
    )
    assert doc.closing == (
        "同志们，防汛工作责任重于泰山。让我们以高度负责的态度，扎实做好各项防汛准备工作，"
        "确保全县安全度汛。"
    )
    assert (
        doc.parts[1].lead
        == "隐患险于明火，防范胜于救灾。要坚持关口前移，把风险隐患消除在萌芽状态。"
    )
    assert doc.parts[1].points[1].body == "要对全县山洪灾害隐患点开展拉网式排查，落实群测群防措施。"
    assert doc.parts[1].points[2].body == "要加快疏通城区排水管网，配足配齐排涝设备。"
    assert doc.parts[2].points[2].body == "汛期要严格执行领导带班和二十四小时值班制度。"


@pytest.mark.parametrize("needle", NOISE)
def test_no_noise_in_any_field(page_docs: list[Document], needle: str) -> None:
    for doc in page_docs:
        for text in _texts(doc):
            assert needle not in text, (needle, text)


def test_repeated_paragraphs_are_kept_once(page_docs: list[Document]) -> None:
    everything = "\n".join(_texts(page_docs[0]))
    assert everything.count("要坚持关口前移，把风险隐患消除在萌芽状态。") == 1
    assert everything.count("要对全县山洪灾害隐患点开展拉网式排查") == 1
    assert everything.count("突出重点环节，全面排查整治风险隐患") == 1
    # opening 1, headings 3, part leads 3, sub-points 8, closing 1: each paragraph once
    assert page_docs[0].paragraphs == 16


@pytest.mark.parametrize(
    "after_title",
    ["发布时间：2024-05-20 来源：县应急管理局\n", ""],
    ids=["meta-line-after-title", "short-opening"],
)
def test_related_list_before_the_speech_keeps_its_title(after_title: str) -> None:
    text = (
        "网站首页 | 讲话稿 | 心得体会 | 工作总结\n"
        "热门文章\n"
        "- 11-07在全县森林防火工作会议上的讲话\n"
        "- 11-05关于防汛工作的调研报告\n"
        f"{SPEECH_TITLE}\n"
        f"{after_title}"
        "同志们：当前，我县即将全面进入主汛期，防汛形势不容乐观。下面，我讲三点意见。\n"
        + PAGE[PAGE.index("一、提高") : PAGE.index("##paidend##")]
    )
    docs = parse_text(text, "page.txt")
    assert [d.title for d in docs] == [SPEECH_TITLE]
    assert _outline(docs[0]) == _want(OUTLINE)


# --- several documents in one file -------------------------------------------------------------

COLLECTION = """网站首页 | 讲话稿 | 心得体会 | 工作总结
党员干部作风建设专题研讨发言材料（2篇）
党员干部作风建设专题研讨发言材料范文（1）
作风建设永远在路上。按照这次专题研讨安排，结合自身思想和工作实际，我谈几点体会。
一、坚持以上率下，当好作风建设的示范者
领导干部的作风对干部群众具有很强的示范效应。
一是带头改进调查研究。要多到困难多、矛盾多的地方去，掌握第一手资料。
二是带头精简会议文件。要坚决压减会议数量和规模，切实为基层减负。
二、坚持问题导向，当好作风建设的攻坚者
作风问题具有顽固性和反复性。
一是聚焦形式主义问题。要坚决纠治文山会海、督查检查过多过频等突出问题。
二是聚焦官僚主义问题。要坚决纠治脱离群众、漠视群众利益等突出问题。
三、坚持常抓长效，当好作风建设的守护者
作风建设必须常抓不懈、久久为功。
一是完善制度规范。要把行之有效的经验做法固化为制度，形成长效机制。
二是强化监督检查。要常态化开展明察暗访，对顶风违纪问题严肃查处。
##paidbegin##
党员干部作风建设专题研讨发言材料范文（2）
开展作风建设专题研讨，是推动全面从严治党向纵深发展的重要举措。下面，我结合分管工作谈三点认识。
一要在学思践悟中筑牢思想根基。思想是行动的先导。强化理论学习。要原原本本学习党章党规，做到学深悟透。强化党性锻炼。要经常对照党员标准检视自身，不断校正思想偏差。
二要在真抓实干中锤炼过硬作风。实干是最好的作风。强化责任担当。要对分管领域工作主动担责，不推诿、不扯皮。强化工作落实。要建立任务清单和责任清单，确保事事有回音、件件有着落。
三要在廉洁自律中守住底线红线。廉洁是干部的立身之本。强化纪律意识。要严格遵守中央八项规定精神，坚决防止“四风”反弹。强化家风建设。要管好家属子女和身边工作人员，树立良好家风。
以上发言，不当之处，请同志们批评指正。
##paidend##
"""

COLLECTION_1 = [
    ("坚持以上率下，当好作风建设的示范者", ["带头改进调查研究", "带头精简会议文件"]),
    ("坚持问题导向，当好作风建设的攻坚者", ["聚焦形式主义问题", "聚焦官僚主义问题"]),
    ("坚持常抓长效，当好作风建设的守护者", ["完善制度规范", "强化监督检查"]),
]
COLLECTION_2 = [
    ("在学思践悟中筑牢思想根基", ["强化理论学习", "强化党性锻炼"]),
    ("在真抓实干中锤炼过硬作风", ["强化责任担当", "强化工作落实"]),
    ("在廉洁自律中守住底线红线", ["强化纪律意识", "强化家风建设"]),
]


def test_collection_of_two_speeches() -> None:
    docs = parse_text(COLLECTION, "collection.txt")
    assert [d.title for d in docs] == [
        "党员干部作风建设专题研讨发言材料范文（1）",
        "党员干部作风建设专题研讨发言材料范文（2）",
    ]
    first, second = docs
    assert _outline(first) == _want(COLLECTION_1)
    assert all(p.numbering == "一、" for p in first.parts)
    assert first.opening is not None and first.opening.startswith("作风建设永远在路上")
    assert _outline(second) == _want(COLLECTION_2)
    assert all(p.numbering == "一要" for p in second.parts)
    assert second.opening is not None and second.opening.startswith("开展作风建设专题研讨")
    assert second.closing == "以上发言，不当之处，请同志们批评指正。"
    # Nothing of the second speech leaks into the first, nor the collection header into either.
    assert "范文（2）" not in "\n".join(_texts(first))
    assert "开展作风建设专题研讨" not in "\n".join(_texts(first))
    for doc in docs:
        assert "（2篇）" not in "\n".join(_texts(doc))
        assert "网站首页" not in "\n".join(_texts(doc))


def test_collection_without_paid_markers() -> None:
    """The titles alone, numbered members of a "（2篇）" collection, split the documents."""
    text = COLLECTION.replace("##paidbegin##\n", "").replace("##paidend##\n", "")
    docs = parse_text(text, "collection.txt")
    assert [d.title for d in docs] == [
        "党员干部作风建设专题研讨发言材料范文（1）",
        "党员干部作风建设专题研讨发言材料范文（2）",
    ]
    assert _outline(docs[0]) == _want(COLLECTION_1)
    assert _outline(docs[1]) == _want(COLLECTION_2)


ARTICLE = """弘扬新时代奋斗精神
{masthead}青春由磨砺而出彩，人生因奋斗而升华。今年五四青年节，各地青年以多种方式传承五四精神，在各自岗位上展现新时代青年的精神风貌。
从田间地头到科研一线，从边防哨所到社区网格，广大青年用汗水书写奋斗故事。他们的身影告诉我们，奋斗是青春最亮丽的底色。
新时代的青年，要把个人理想融入国家发展大局，在奋斗中实现人生价值。
"""


@pytest.mark.parametrize(
    ("masthead", "subtitle"),
    [
        ("——写在五四青年节到来之际\n本报评论员\n", "——写在五四青年节到来之际"),
        ("——写在五四青年节到来之际\n", "——写在五四青年节到来之际"),
        ("本报评论员\n", None),
        ("本报记者 李华 张明\n", None),
    ],
    ids=["subtitle-and-byline", "subtitle", "commentator-byline", "reporter-byline"],
)
def test_unrelated_article_after_a_speech_is_its_own_document(
    masthead: str, subtitle: str | None
) -> None:
    speech = COLLECTION.replace("##paidbegin##\n", "").replace("##paidend##\n", "")
    text = speech + ARTICLE.replace("{masthead}", masthead)
    docs = parse_text(text, "page.txt")
    assert [d.title for d in docs] == [
        "党员干部作风建设专题研讨发言材料范文（1）",
        "党员干部作风建设专题研讨发言材料范文（2）",
        "弘扬新时代奋斗精神",
    ]
    article = docs[2]
    assert article.parts == ()
    assert article.subtitle == subtitle
    assert article.opening is not None and article.opening.startswith("青春由磨砺而出彩")
    for text_ in _texts(article):
        assert "评论员" not in text_ and "记者" not in text_
    speech_two = docs[1]
    assert _outline(speech_two) == _want(COLLECTION_2)
    assert speech_two.closing == "以上发言，不当之处，请同志们批评指正。"
    assert "弘扬新时代奋斗精神" not in "\n".join(_texts(speech_two))
    assert "青春由磨砺而出彩" not in "\n".join(_texts(speech_two))


def test_article_after_a_single_speech_is_its_own_document() -> None:
    speech = PAGE[PAGE.index(SPEECH_TITLE) : PAGE.index("##paidend##")]
    text = speech + ARTICLE.replace("{masthead}", "——写在五四青年节到来之际\n本报评论员\n")
    docs = parse_text(text, "page.txt")
    assert [d.title for d in docs] == [SPEECH_TITLE, "弘扬新时代奋斗精神"]
    assert _outline(docs[0]) == _want(OUTLINE)
    assert docs[1].parts == ()
    assert "奋斗" not in "\n".join(_texts(docs[0]))
