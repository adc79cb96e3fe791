"""A speech reads the same whatever format it comes in: each seed, and speeches written here, turned
into .docx (heading styles, bold, Word's automatic numbering), a web page in a site's frame,
markdown and a PDF, parse to the outline the .txt gives (titles, part headings, point leads)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from drafter.corpus.models import Document
from drafter.corpus.parse import parse_file, parse_text
from drafter.text.normalize import fold
from tests.conftest import ROOT
from tests.formats.writers import FURNITURE_WORDS, write_docx, write_html, write_md, write_pdf

SEEDS = sorted((ROOT / "seeds").glob("*.txt"))

# Numbered at two levels ("一、", "（一）") with the sub-points starting again under each part.
SPEECH_NUMBERED = """在全市文化建设工作会议上的讲话
同志们：文化是一个国家、一个民族的灵魂。今天召开全市文化建设工作会议，主要任务是部署下一阶段文化建设重点工作。下面，我讲三点意见。
一、加强思想引领，筑牢共同思想基础
要把学习宣传党的创新理论作为首要政治任务，推动理论学习走深走实。
（一）强化理论武装
要健全理论学习制度，推动领导干部带头学、深入学，做到学思用贯通、知信行统一。
（二）深化宣传宣讲
要组建基层宣讲队伍，用群众听得懂的语言讲好党的政策，让党的声音传遍千家万户。
二、繁荣文化事业，满足群众精神需求
要坚持以人民为中心的工作导向，让群众共享文化发展成果。
（一）完善公共文化设施
要推进图书馆、文化馆总分馆制建设，实现乡镇全覆盖，打通服务群众“最后一公里”。
（二）丰富文化活动供给
要常态化开展送戏下乡、全民阅读等活动，活跃群众文化生活，提升群众获得感。
三、发展文化产业，增强文化发展实力
要坚持社会效益和经济效益相统一，推动文化产业高质量发展。
（一）培育市场主体
要扶持一批骨干文化企业，带动中小文化企业协同发展，形成大中小企业融通格局。
（二）推动融合发展
要促进文化与旅游、科技深度融合，培育文化消费新业态，打造一批文旅融合精品线路。
同志们，让我们以更加坚定的文化自信，奋力开创全市文化建设新局面。
"""

# Parts under unnumbered heading lines, sub-points numbered "1." and starting again in each part,
# and a second speech in the same file whose numbering starts again.
SPEECH_DECIMAL = """在全县安全生产工作会议上的讲话
同志们：安全生产事关人民群众生命财产安全，事关改革发展稳定大局。下面，我讲两个方面的意见。
一、清醒认识当前安全生产形势
近年来，全县安全生产形势总体平稳，但风险隐患依然不少，必须保持高度警惕。
1.事故总量仍然偏高。去年全县共发生各类生产安全事故十二起，比上年有所增加。
2.重点行业风险突出。道路交通、建筑施工、危险化学品等领域隐患排查整治任务繁重。
二、全力抓好安全生产重点工作
各乡镇、各部门要把安全生产摆在突出位置，坚决守牢安全底线。
1.压实安全责任。要严格落实党政同责、一岗双责、齐抓共管、失职追责，层层传导压力。
2.深化隐患排查。要开展拉网式排查，建立问题清单、整改清单、责任清单，逐项销号。
同志们，安全生产只有起点、没有终点。让我们以对人民高度负责的精神，全力以赴抓好安全生产。
在全县防汛工作会议上的讲话
同志们：今年汛期即将到来，防汛形势严峻复杂。下面，我讲两点意见。
一、充分认识做好防汛工作的极端重要性
防汛工作事关人民群众生命财产安全，必须坚持人民至上、生命至上。
1.汛期降雨偏多。气象部门预测今年主汛期降雨量较常年偏多两到三成。
2.防汛基础薄弱。部分水库、堤防存在病险隐患，山洪地质灾害点多面广。
二、扎实做好防汛各项准备
各乡镇、各部门要立足防大汛、抗大洪、抢大险，全面做好各项准备。
1.完善应急预案。要修订完善各类防汛预案，明确转移路线、安置地点和责任人。
2.备足防汛物资。要按照分级储备原则，足额储备编织袋、救生衣、冲锋舟等物资。
同志们，防汛工作责任重于泰山。让我们迅速行动起来，确保安全度汛。
"""

SPEECHES = {"numbered": SPEECH_NUMBERED, "decimal": SPEECH_DECIMAL}
Writer = Callable[[Path, str, list[str]], Path]
WRITERS: dict[str, Writer] = {
    "docx": lambda p, t, titles: write_docx(p, t, titles),
    "html": lambda p, t, titles: write_html(p, t, titles),
    "md": lambda p, t, titles: write_md(p, t, titles),
    "pdf": lambda p, t, titles: write_pdf(p, t, titles),
}


def outline(docs: list[Document]) -> list[tuple[str, list[str], list[list[str]]]]:
    return [
        (
            fold(d.title or ""),
            [fold(p.heading) for p in d.parts],
            [[fold(pt.lead) for pt in p.points] for p in d.parts],
        )
        for d in docs
    ]


def _all_text(docs: list[Document]) -> str:
    return repr([d.to_dict() for d in docs])


def _check(tmp_path: Path, name: str, text: str, kind: str) -> None:
    reference = parse_text(text, f"{name}.txt")
    titles = [d.title for d in reference if d.title]
    written = WRITERS[kind](tmp_path / f"{name}.{kind}", text, titles)
    docs = parse_file(written)
    assert outline(docs) == outline(reference)
    body = _all_text(docs)
    for word in FURNITURE_WORDS:
        assert word not in body


@pytest.mark.parametrize("kind", sorted(WRITERS))
@pytest.mark.parametrize("seed", SEEDS, ids=[s.name[:3] for s in SEEDS])
def test_a_seed_has_the_same_outline_in_every_format(tmp_path: Path, seed: Path, kind: str) -> None:
    _check(tmp_path, seed.stem, seed.read_text(encoding="utf-8"), kind)


@pytest.mark.parametrize("kind", sorted(WRITERS))
@pytest.mark.parametrize("name", sorted(SPEECHES))
def test_a_written_speech_has_the_same_outline_in_every_format(
    tmp_path: Path, name: str, kind: str
) -> None:
    _check(tmp_path, name, SPEECHES[name], kind)
