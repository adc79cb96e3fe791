"""Theme-driven drafting on small corpora written here: relevance, widening, parts from sibling
sets, headings of whole clauses, honest coverage."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from drafter.drafting.clauses import alike, heading_like
from drafter.drafting.composer import Composer, compose
from drafter.drafting.coverage import did_you_mean
from drafter.drafting.index import BankIndex, load_index
from drafter.drafting.length import fit_body
from drafter.drafting.model import DraftRequest
from drafter.drafting.overview import bank_topics
from drafter.errors import DraftError
from drafter.mining.miner import mine
from drafter.text.sentences import split_sentences
from drafter.text.skeletons import skeleton
from drafter.text.words import known_words

FARM = """关于推进乡村全面振兴的工作报告

同志们：今天召开会议，研究部署农业农村工作。

一、稳住粮食生产，夯实农业基础
粮食安全是国之大者，必须把粮食生产抓紧抓实。
（一）稳定粮食播种面积。落实粮食生产责任，稳定粮食播种面积，推动大豆油料扩种。
（二）建设高标准农田。加快建设高标准农田，改善耕地灌溉条件，提升耕地地力。
（三）强化种业科技支撑。推进种业振兴行动，加快良种推广，提高农机装备水平。

二、拓宽增收渠道，促进农民增收
农民增收是乡村工作的中心任务。
（一）发展乡村特色产业。培育乡村特色产业，延长农业产业链，带动农民就业增收。
（二）壮大县域经济。发展县域经济，推动农产品加工业向县城集聚，吸纳农民就近就业。
（三）深化农村集体产权改革。发展新型农村集体经济，盘活农村闲置资源，增加农民财产性收入。

三、建设宜居乡村，改善人居环境
宜居宜业和美乡村是农民群众的期盼。
（一）整治农村人居环境。推进农村厕所革命，治理农村生活污水，清理农村生活垃圾。
（二）完善乡村基础设施。建设农村公路，改造农村电网，保障农村饮水安全。
（三）提升乡村治理水平。健全乡村治理体系，推进移风易俗，建设文明乡风。

以上意见，请结合实际抓好落实。
"""

SAFETY = """关于安全生产工作的讲话

同志们：安全生产事关人民群众生命财产安全。

一、压实安全责任，筑牢责任防线
安全生产责任必须落实到每个岗位。
（一）落实企业主体责任。督促企业落实安全生产主体责任，健全全员安全责任制度。
（二）强化部门监管责任。明确行业监管职责，消除安全监管盲区。
（三）严格事故责任追究。严肃查处生产安全事故，依法追究责任。

二、排查事故隐患，守住安全底线
隐患就是事故，事故就要处理。
（一）开展隐患排查整治。深入排查矿山、危化品、消防等领域隐患，建立隐患台账。
（二）加强重大危险源管控。对重大危险源实行清单管理，落实监测预警措施。
（三）整治道路交通安全。排查道路交通隐患，严查超速超载行为。

三、提升应急能力，做好应急救援
应急救援是最后一道防线。
（一）完善应急预案体系。修订应急预案，开展应急演练，提高处置能力。
（二）加强救援队伍建设。建设专业救援队伍，配齐救援装备物资。
（三）提高灾害预警水平。健全灾害监测预警网络，及时发布预警信息。

以上讲话，请认真贯彻落实。
"""

CADRE = """关于激励干部担当作为的发言

同志们：激励干部担当作为，是干部工作的重要任务。

一、坚持思想引领，筑牢担当根基
理想信念是干部担当的思想根基。
（一）强化理论武装。组织干部学习党的创新理论，坚定理想信念。
（二）加强党性锻炼。引导干部在实践中锤炼党性，增强担当意识。
（三）弘扬优良作风。发扬实干精神，树立担当导向。

二、坚持实践锻炼，增强担当本领
过硬本领是干部担当的底气。
（一）选派干部基层历练。选派年轻干部到基层一线经受锻炼，积累工作经验。
（二）开展专业能力培训。围绕中心工作开展专题培训，提升干部专业能力。
（三）推行多岗交流任职。推动干部在不同岗位交流，拓宽工作视野。

三、坚持严管厚爱，激励担当作为
激励保护是干部担当的保障。
（一）落实容错纠错机制。建立容错纠错清单，为担当者撑腰鼓劲。
（二）加强关心关爱干部。关心干部身心健康，落实带薪休假制度。
（三）树立鲜明用人导向。大力选拔敢于担当、善于作为的干部。

以上是我的发言，不妥之处请批评指正。
"""


@pytest.fixture(scope="module")
def corpus_bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    seeds = tmp_path_factory.mktemp("seeds")
    for name, text in (("farm.txt", FARM), ("safety.txt", SAFETY), ("cadre.txt", CADRE)):
        (seeds / name).write_text(text, encoding="utf-8")
    bank = tmp_path_factory.mktemp("bank")
    mine(seeds, bank)
    return bank


@pytest.fixture(scope="module")
def index(corpus_bank: Path) -> BankIndex:
    return load_index(corpus_bank)


def draft(
    index: BankIndex, theme: str, seed: int = 1, parts: int = 3, **kw: object
) -> dict[str, Any]:
    request = DraftRequest(theme=theme, parts=parts, seed=seed, **kw)  # type: ignore[arg-type]
    return compose(index, request).to_dict()


def words_of(data: dict[str, Any]) -> str:
    out = []
    for part in data["parts"]:
        out += [part["heading"], part["lead"], *(p["lead"] for p in part["points"])]
    return " ".join(out)


# ── relevance and widening ────────────────────────────────────────────────────────────────


def test_theme_words_are_found_by_longest_match_without_crossing_words() -> None:
    vocab = {"激励", "干部", "担当", "作为", "当作", "生态", "环境", "生态环境"}
    assert known_words("激励干部担当作为", vocab) == ["激励", "干部", "担当"]  # 作为: stop word
    assert known_words("生态环境保护", vocab) == ["生态环境", "生态", "环境"]


def test_a_theme_is_widened_by_the_words_of_its_parts(index: BankIndex) -> None:
    words = index.relevance.theme("乡村振兴")
    assert "乡村" in words.core
    # None of these is in the theme; they stand beside its words in the same parts.
    assert {"粮食", "农民", "农村"} & set(words.expansion)
    assert not {"事故", "隐患", "干部"} & set(words.expansion)


def test_relevance_ranks_the_matching_corpus_first(index: BankIndex) -> None:
    words = index.relevance.theme("安全生产")
    scores = index.relevance.entry_scores(words)
    best = max(scores, key=lambda k: scores[k])
    assert index.rows[best[0]][best[1]][4] == "safety.txt"


# ── drafts ───────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("theme", "source"), [("乡村振兴", "farm.txt"), ("安全生产", "safety.txt")]
)
def test_parts_come_from_the_relevant_sibling_set(
    index: BankIndex, theme: str, source: str
) -> None:
    for seed in (1, 2, 3):
        data = draft(index, theme, seed)
        assert all(p["on_theme"] for p in data["parts"]), data["parts"]
        files = {p["source"].get("file") or p["source"]["aspect"]["file"] for p in data["parts"]}
        assert files == {source}
        assert "干部" not in words_of(data)  # never cadre material for an unlisted theme


def test_farm_theme_reaches_words_no_heading_says(index: BankIndex) -> None:
    data = draft(index, "乡村振兴", 1)
    text = words_of(data)
    assert any(w in text for w in ("粮食", "耕地", "农民增收", "县域经济"))
    assert data["coverage"]["expansion"]


@pytest.mark.parametrize("theme", ["乡村振兴", "安全生产"])
@pytest.mark.parametrize("parts", [3])
def test_headings_share_one_skeleton_of_whole_clauses(
    index: BankIndex, theme: str, parts: int
) -> None:
    clauses_in_bank = set()
    for kind in ("heading", "point"):
        for row in index.rows[kind]:
            text = row[2].replace(",", "，")
            clauses_in_bank |= set(text.split("，"))
            clauses_in_bank.add(text)
    for seed in range(1, 6):
        data = draft(index, theme, seed, parts)
        headings = [p["heading"] for p in data["parts"]]
        sk = skeleton(headings)
        assert sk is not None and all(s.min_len == s.max_len for s in sk.slots), headings
        for heading in headings:
            for clause in heading.split("，"):
                # A whole clause of some bank text, never a piece cut out of a clause.
                body_clauses = {
                    c for t in index_bodies(index) for c in t.replace("。", "，").split("，")
                }
                assert clause in clauses_in_bank or clause in body_clauses, clause


def index_bodies(index: BankIndex) -> list[str]:
    return [index.body(row[0]) for row in index.rows["point"]]


def test_no_sub_point_echoes_its_heading_or_a_sibling(index: BankIndex) -> None:
    for theme in ("乡村振兴", "安全生产", "激励干部担当作为"):
        for seed in range(1, 6):
            data = draft(index, theme, seed)
            for part in data["parts"]:
                leads = [p["lead"] for p in part["points"]]
                for clause in part["heading"].split("，"):
                    assert not any(alike(lead, clause) for lead in leads), (part["heading"], leads)
                for i, a in enumerate(leads):
                    assert not any(alike(a, b) for b in leads[i + 1 :]), leads


def test_a_theme_the_bank_has_no_words_for_is_refused_plainly(index: BankIndex) -> None:
    with pytest.raises(DraftError) as caught:
        draft(index, "量子通信")
    assert "drafter mine" in caught.value.user_message()


def test_thin_material_is_refused_or_flagged_part_by_part(index: BankIndex) -> None:
    try:
        data = draft(index, "农村电网改造", 1)  # one sub-point speaks of it
    except DraftError as exc:
        assert "drafter mine" in exc.user_message()
        return
    cover = data["coverage"]
    assert cover["enough"] is False
    flags = [p["on_theme"] for part in data["parts"] for p in [part, *part["points"]]]
    assert False in flags
    assert any("drafter mine" in n and "on_theme" in n for n in data["notes"])


def test_coverage_counts_the_flags_and_notes_say_what_is_thin() -> None:
    from drafter.bank.themes import ThemeBook
    from drafter.drafting.coverage import coverage_notes, describe_coverage
    from drafter.drafting.model import Draft, DraftPart, DraftPoint
    from drafter.drafting.relevance import ThemeWords

    words = ThemeWords(("农村",), (), ("电网",), {"农村": 1.0, "电网": 0.5}, ("农村", "电网"))
    point = DraftPoint("改造农村电网", None, {"id": "a"})
    generic = DraftPoint("加强组织领导", None, {"id": "b"}, on_theme=False)
    parts = [
        DraftPart(1, "改造农村电网", "other", "", [point, generic], {"id": "c"}),
        DraftPart(2, "加强组织领导", "other", "", [generic], {"id": "d"}, on_theme=False),
    ]
    draft = Draft("题", "农村电网改造", "研讨发言", 1, "开头", parts, "结尾", "v")
    draft.coverage = describe_coverage(words, None, draft)
    cover = draft.coverage
    assert (cover["parts_on_theme"], cover["parts"]) == (1, 2)
    assert (cover["points_on_theme"], cover["points"]) == (1, 3)
    assert cover["enough"] is False and cover["theme_words"] == ["农村"]
    notes = coverage_notes("农村电网改造", ThemeBook((), (), ()), draft)
    assert len(notes) == 1 and "2 个部分中 1 个" in notes[0] and "drafter mine" in notes[0]
    draft.coverage = {**cover, "enough": True}
    assert coverage_notes("农村电网改造", ThemeBook((), (), ()), draft) == []


def test_measures_listed_in_a_sentence_can_stand_as_sub_points(index: BankIndex) -> None:
    """ "推进农村厕所革命，治理农村生活污水，清理农村生活垃圾。" names three measures: each can be
    a sub-point of a draft on the theme, developed by its sentence; a list under another
    subject (粮食生产 is not 安全生产) gives none."""
    farm = Composer(index, DraftRequest(theme="乡村振兴", seed=1))
    farm.compose()
    assert farm.topical is not None
    measures = {r.text: r for r in farm.topical._measures()}
    assert {"推进农村厕所革命", "建设农村公路", "盘活农村闲置资源"} <= set(measures)
    toilet = measures["推进农村厕所革命"]
    assert toilet.info["body"] == "推进农村厕所革命，治理农村生活污水，清理农村生活垃圾。"
    assert toilet.id.startswith(str(toilet.info["from"]) + "#")
    safety = Composer(index, DraftRequest(theme="安全生产", seed=1))
    safety.compose()
    assert safety.topical is not None
    found = [r.text for r in safety.topical._measures()]
    assert "修订应急预案" in found and not any("粮食" in t for t in found)


def test_keywords_choose_among_the_themes_material(index: BankIndex) -> None:
    """A keyword brings material that holds it forward, and never material off the theme:
    the drafts of one theme share its material whatever their keywords."""

    def text(data: dict[str, Any]) -> str:
        points = [f"{q['lead']}{q.get('body') or ''}" for p in data["parts"] for q in p["points"]]
        return words_of(data) + " ".join(points)

    seeds = range(1, 9)
    # Counted in outlines: a full draft's bodies are long enough to hold the word either way.
    plain = [draft(index, "乡村振兴", s) for s in seeds]
    chosen = [draft(index, "乡村振兴", s, keywords=("耕地",)) for s in seeds]
    assert sum(words_of(d).count("耕地") for d in chosen) > sum(
        words_of(d).count("耕地") for d in plain
    )
    wanted = [draft(index, "乡村振兴", s, detail="full", keywords=("耕地",)) for s in seeds]
    for data in wanted:
        assert "干部" not in text(data) and "事故" not in text(data)
        assert data["coverage"]["keywords"] == ["耕地"]
    # A keyword that only another subject's material holds brings none of it in.
    other = draft(index, "乡村振兴", 3, keywords=("应急救援",))
    assert "应急" not in words_of(other) and all(p["on_theme"] for p in other["parts"])


def test_the_same_seed_gives_the_same_draft(index: BankIndex) -> None:
    assert draft(index, "乡村振兴", 7) == draft(index, "乡村振兴", 7)


def test_avoid_leaves_out_an_earlier_drafts_material_or_says_what_is_missing(
    index: BankIndex,
) -> None:
    from drafter.drafting.model import used_material

    earlier = compose(index, DraftRequest(theme="安全生产", seed=7))
    request = DraftRequest(theme="安全生产", seed=8, avoid=used_material(earlier.parts))
    try:
        later = compose(index, request)
    except DraftError as exc:  # a corpus this small has one speech on the theme
        assert "drafter mine" in exc.user_message()
        return
    before = {p.heading for p in earlier.parts} | {q.lead for p in earlier.parts for q in p.points}
    after = {p.heading for p in later.parts} | {q.lead for p in later.parts for q in p.points}
    assert not before & after


def test_alternatives_keep_the_skeleton(index: BankIndex) -> None:
    composer = Composer(index, DraftRequest(theme="乡村振兴", seed=2))
    first = composer.compose()
    options = composer.alternatives(first, 1, 3)
    for option in options:
        heads = [first.parts[0].heading, option.heading, first.parts[2].heading]
        sk = skeleton(heads)
        assert sk is not None and all(s.min_len == s.max_len for s in sk.slots), heads
    if options:
        chosen = composer.choose(first, 1, 0)
        assert chosen.parts[1].heading == options[0].heading


def test_length_spreads_over_the_bodies(index: BankIndex) -> None:
    short = compose(index, DraftRequest(theme="乡村振兴", seed=1, detail="full", length=500))
    assert short.characters == short.count_characters()
    assert all(p.body for part in short.parts for p in part.points)


def test_fit_body_keeps_a_sentence_that_fits() -> None:
    text = "这是一个很长很长的开头句子，说了许多与主题无关的话，而且还在继续说下去。粮食要稳产。"
    assert fit_body(text, ("粮食",), 10) == "粮食要稳产。"


# ── themes and titles ─────────────────────────────────────────────────────────────────────


def test_a_theme_one_character_off_gets_a_guess(index: BankIndex) -> None:
    assert did_you_mean(index.themes, "激励干部担当做为") == "激励干部担当作为"
    assert did_you_mean(index.themes, "激励干部担当作为") is None
    assert did_you_mean(index.themes, "乡村振兴") is None
    data = draft(index, "激励干部担当做为")
    assert any("是不是“激励干部担当作为”" in n for n in data["notes"])


def test_free_theme_titles_read_as_titles(index: BankIndex) -> None:
    titles = {draft(index, "乡村振兴", seed)["title"] for seed in range(1, 9)}
    assert all(not t.endswith("材料") for t in titles), titles
    assert any(t.startswith("在乡村振兴") or "几点" in t for t in titles)


def test_bank_topics_are_named_by_many_sets(index: BankIndex) -> None:
    topics = bank_topics(index)
    assert all(4 <= len(t) <= 6 for t in topics)


def test_heading_like_clauses_open_with_a_verb() -> None:
    verbs, adverbs = frozenset({"稳定", "建设"}), frozenset({"加快"})
    assert heading_like("稳定粮食播种面积", verbs, adverbs)
    assert heading_like("加快建设农田", verbs, adverbs)
    assert not heading_like("粮食播种面积", verbs, adverbs)
    assert not heading_like("四要建设廉洁政府", verbs | {"四要"}, adverbs)
    assert not heading_like("稳定", verbs, adverbs)


def test_user_material_is_drafted_when_it_fits(corpus_bank: Path, tmp_path: Path) -> None:
    """A heading set and points a writer adds with ``drafter bank add`` become parts and
    sub-points of a theme they fit (today's bank never used a user's own heading set)."""
    import shutil

    from typer.testing import CliRunner

    from drafter.cli.app import app

    bank = tmp_path / "bank"
    shutil.copytree(corpus_bank, bank)
    runner = CliRunner()
    headings = ["健全冷链物流网络", "完善仓储保鲜设施", "建强农产品集散地"]
    points = [
        "建设产地冷藏保鲜设施",
        "发展农产品电商直播",
        "培育农产品流通企业",
        "建设冷链物流骨干网络",
        "提高农产品仓储能力",
        "举办农产品产销对接活动",
    ]
    for kind, texts in (("heading", headings), ("point", points)):
        result = runner.invoke(app, ["bank", "add", "--kind", kind, *texts, "--bank", str(bank)])
        assert result.exit_code == 0, result.output
    index = load_index(bank)
    used_headings: set[str] = set()
    used_points: set[str] = set()
    for seed in range(1, 6):
        data = draft(index, "农产品流通", seed, points=2)
        used_headings |= {p["heading"] for p in data["parts"]}
        used_points |= {q["lead"] for p in data["parts"] for q in p["points"]}
    assert used_headings & set(headings), used_headings
    assert used_points & set(points), used_points


def test_random_seed_order_does_not_matter(index: BankIndex) -> None:
    seeds = list(range(1, 6))
    random.Random(0).shuffle(seeds)
    first = {s: json.dumps(draft(index, "安全生产", s), ensure_ascii=False) for s in seeds}
    again = {s: json.dumps(draft(index, "安全生产", s), ensure_ascii=False) for s in sorted(seeds)}
    assert first == again


def test_a_full_draft_says_no_sentence_twice(index: BankIndex) -> None:
    """Measures of one report sentence are each developed by that sentence, and neighbouring
    entries share sentences: a full draft still says each sentence once."""
    for theme in ("乡村振兴", "安全生产", "激励干部担当作为"):
        for seed in range(1, 5):
            data = draft(index, theme, seed, detail="full")
            said: list[str] = []
            for part in data["parts"]:
                for point in part["points"]:
                    said += [s for s in split_sentences(point.get("body") or "") if len(s) > 8]
            assert len(said) == len(set(said)), (theme, seed)
