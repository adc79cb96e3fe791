"""Composing drafts: parallel headings, nothing repeated, clean text, and the pure helpers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import opencc
import pytest
import yaml

from drafter.drafting.composer import (
    Composer,
    compose,
    draft_outline,
    lead_sentence,
    resolve_theme,
)
from drafter.drafting.index import BankIndex, load_index
from drafter.drafting.length import fit_body
from drafter.drafting.model import OCCASIONS, Avoid, DraftRequest, read_avoid, used_material
from drafter.errors import InputError, UsageError
from drafter.text.normalize import fold_normalized, polish
from drafter.text.numerals import int_to_chinese
from drafter.text.skeletons import skeleton
from tests.conftest import ROOT

BANK = ROOT / "phrasebank"
THEMES_YAML: dict[str, Any] = yaml.safe_load((BANK / "themes.yaml").read_text(encoding="utf-8"))
DIMENSIONS_YAML: dict[str, Any] = yaml.safe_load(
    (BANK / "dimensions.yaml").read_text(encoding="utf-8")
)
KNOWN_THEMES: list[str] = [t["name"] for t in THEMES_YAML["themes"]]
# Themes of every family the bundled corpus covers, and two it covers thinly.
FREE_THEMES = ["乡村振兴", "科技创新", "生态环境保护", "医疗卫生", "文化建设", "扩大内需"]
THIN_THEMES = ["年轻干部培养", "为基层减负"]
ALL_THEMES = [*KNOWN_THEMES, *FREE_THEMES, *THIN_THEMES]
SEEDS = range(8)

CLAUSE_MARK = re.compile("[，；：、]")
NOT_WORD = re.compile(r"[\W_]+")  # punctuation (half- and full-width) and blanks
CJK = r"\u3400-\u9fff"
ASCII_PUNCT_NEAR_CJK = re.compile(rf"[{CJK}][,;:()?!]|[,;:()?!][{CJK}]")
T2S = opencc.OpenCC("t2s")

Drafts = Callable[..., dict[str, Any]]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> BankIndex:
    # A module fixture runs before the autouse per-test cache fixture: keep the cache out of
    # the home folder here as well.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DRAFTER_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
        return load_index(BANK)


@pytest.fixture(scope="module")
def drafts(index: BankIndex) -> Drafts:
    """Draft JSON by request, composed once per module (callers must not mutate it)."""

    @cache
    def make(
        theme: str,
        parts: int = 3,
        seed: int = 1,
        points: int = 3,
        occasion: str = "研讨发言",
        detail: str = "outline",
    ) -> dict[str, Any]:
        request = DraftRequest(theme, parts, points, occasion, seed, detail)
        return compose(index, request).to_dict()

    return make


def bare(text: str) -> str:
    return NOT_WORD.sub("", text)


def in_order(pieces: list[str], text: str) -> bool:
    at = 0
    for piece in pieces:
        found = text.find(piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    return True


def material_ids(draft: dict[str, Any]) -> list[str]:
    """The bank material a draft uses, once per use: an entry id, with the part of the entry
    used when it is not the entry's text.

    A heading built from a heading pattern names the pattern (shared by every heading on
    purpose: that is the parallel skeleton) and, under "fillers", the bank headings whose words
    fill it; a heading built from whole clauses names the entries the clauses come from. The
    fillers are the material. A lead taken from an entry's body, or a sub-point that is one
    sentence of a body, is that part of the entry.
    """

    def use(source: dict[str, Any]) -> str:
        return f"{source['id']}:{source.get('field') or 'text'}"

    ids: list[str] = []
    for part in draft["parts"]:
        source = part["source"]
        if source.get("kind") == "heading_pattern":
            ids += [filler["id"] for filler in source["fillers"]]
        elif source.get("kind") == "clauses":
            ids += [f"{f['id']}:{f['text']}" for f in source["fillers"]]
        elif source.get("id"):
            ids.append(use(source))
        if part["lead_source"] and part["lead_source"].get("id"):
            ids.append(use(part["lead_source"]))
        ids += [use(p["source"]) for p in part["points"] if p["source"].get("id")]
    for key in ("opening_source", "closing_source"):
        if draft[key] and draft[key].get("id"):
            ids.append(use(draft[key]))
    return ids


def texts_of(draft: dict[str, Any]) -> Iterator[str]:
    yield draft["title"]
    yield draft["opening"]
    yield draft["closing"]
    for part in draft["parts"]:
        yield part["heading"]
        yield part["lead"]
        for point in part["points"]:
            yield point["lead"]


# ── parallel headings ────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("parts", [3, 4])
@pytest.mark.parametrize("theme", ALL_THEMES)
def test_headings_of_a_draft_share_one_skeleton(drafts: Drafts, theme: str, parts: int) -> None:
    for seed in SEEDS:
        draft = drafts(theme, parts, seed)
        headings = [p["heading"] for p in draft["parts"]]
        assert len(headings) == parts
        where = f"seed {seed}: {headings} / {draft['pattern']}"
        # Same clause marks and the same length in every clause.
        assert len({tuple(CLAUSE_MARK.findall(h)) for h in headings}) == 1, where
        assert len({tuple(map(len, CLAUSE_MARK.split(h))) for h in headings}) == 1, where
        # The skeleton the draft reports: slots ("…") and fixed text found in every heading.
        assert "…" in draft["pattern"], where
        fixed = [piece for piece in draft["pattern"].split("…") if piece]
        assert all(in_order(fixed, h) for h in headings), where
        assert all(len(h) > len("".join(fixed)) for h in headings), where
        # The skeleton recomputed from the headings alone has slots of one length each.
        shared = skeleton(headings)
        assert shared is not None, where
        assert shared.slots, where
        assert all(slot.min_len == slot.max_len for slot in shared.slots), where


@pytest.mark.parametrize("parts", [3, 4])
@pytest.mark.parametrize("theme", ALL_THEMES)
def test_nothing_is_used_twice_in_one_draft(drafts: Drafts, theme: str, parts: int) -> None:
    for seed in SEEDS:
        draft = drafts(theme, parts, seed)
        lines = [
            text
            for part in draft["parts"]
            for text in (part["heading"], part["lead"], *(p["lead"] for p in part["points"]))
        ]
        keys = [bare(text) for text in lines]
        assert all(keys), (seed, lines)
        assert len(set(keys)) == len(keys), (seed, [t for t in lines if keys.count(bare(t)) > 1])
        ids = material_ids(draft)
        assert len(ids) >= parts * 4, (seed, ids)  # heading, lead and 3 points per part
        assert len(set(ids)) == len(ids), (seed, sorted(i for i in ids if ids.count(i) > 1))


DIMENSIONS_OVERRIDE = {
    3: ["思想引领", "本领能力", "激励保护"],
    4: ["思想引领", "本领能力", "选用导向", "激励保护"],
}


@pytest.fixture(scope="module")
def dims_index(tmp_path_factory: pytest.TempPathFactory) -> BankIndex:
    """The speech bank with a theme that fixes the dimensions of its parts (the override)."""
    from tests.conftest import copy_bank

    bank = copy_bank(tmp_path_factory.mktemp("dims"))
    themes = yaml.safe_load((bank / "themes.yaml").read_text(encoding="utf-8"))
    themes["themes"][0]["dimensions"] = DIMENSIONS_OVERRIDE
    (bank / "themes.yaml").write_text(yaml.safe_dump(themes, allow_unicode=True), "utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DRAFTER_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
        return load_index(bank)


def test_a_theme_with_dimensions_has_its_parts_in_their_order(dims_index: BankIndex) -> None:
    name = THEMES_YAML["themes"][0]["name"]
    for parts in (3, 4):
        for seed in (0, 1, 2):
            draft = compose(dims_index, DraftRequest(name, parts, seed=seed)).to_dict()
            expected = DIMENSIONS_OVERRIDE[parts]
            assert draft["dimensions"] == expected
            assert [p["dimension"] for p in draft["parts"]] == expected
            assert [p["number"] for p in draft["parts"]] == list(range(1, parts + 1))
            assert draft["theme_known"] is True
            headings = [p["heading"] for p in draft["parts"]]
            sk = skeleton(headings)
            assert sk is not None and all(x.min_len == x.max_len for x in sk.slots), headings
            for part in draft["parts"]:  # no sub-point repeats its heading's own clause
                for clause in CLAUSE_MARK.split(part["heading"]):
                    assert all(bare(clause) != bare(p["lead"]) for p in part["points"])


def test_resolve_theme_follows_the_theme_book(dims_index: BankIndex, index: BankIndex) -> None:
    first = THEMES_YAML["themes"][0]
    for parts in (3, 4):
        for text in (first["name"], *first.get("aliases", [])):
            steer = resolve_theme(dims_index, text, parts)
            assert steer.fixed and steer.theme is not None and steer.theme.name == first["name"]
            assert list(steer.preferred) == DIMENSIONS_OVERRIDE[parts]
    for theme in THEMES_YAML["themes"]:  # the bundled themes: drafted by relevance
        steer = resolve_theme(index, theme["name"], 3)
        assert not steer.fixed and steer.theme is not None and steer.text == theme["name"]
        assert set(theme["keywords"]) <= set(steer.keywords)


@pytest.mark.parametrize("theme", ALL_THEMES)
def test_different_seeds_give_different_drafts(drafts: Drafts, theme: str) -> None:
    heading_sets = {tuple(p["heading"] for p in drafts(theme, 3, s)["parts"]) for s in range(1, 11)}
    # 3, not more: the bank holds one speech on 守初心担使命, and its parts are the theme's.
    assert len(heading_sets) >= 3
    whole = {json.dumps(drafts(theme, 3, s), ensure_ascii=False) for s in range(1, 11)}
    assert len(whole) >= 8


def test_same_seed_gives_the_same_draft_and_no_seed_picks_one(index: BankIndex) -> None:
    request = DraftRequest("为基层减负", 4, 4, "座谈发言", 17, "full")
    first = compose(index, request).to_json()
    assert compose(index, request).to_json() == first
    assert draft_outline(BANK, request).to_json() == first
    composer = Composer(index, DraftRequest("为基层减负", seed=None))
    draft = composer.compose()
    assert draft.seed == composer.seed
    again = compose(index, DraftRequest("为基层减负", seed=draft.seed))
    assert again.to_json() == draft.to_json()


def test_avoid_keeps_an_earlier_drafts_texts_and_entries_out(index: BankIndex) -> None:
    for seed in (1, 4, 5):
        first = compose(index, DraftRequest("激励干部担当作为", seed=seed))
        avoid = used_material(first.parts)
        assert {p.source["id"] for part in first.parts for p in part.points} <= avoid.ids
        second = compose(index, DraftRequest("激励干部担当作为", seed=seed, avoid=avoid))
        before = {bare(t) for t in texts_of(first.to_dict())} - {
            bare(first.title),
            bare(first.opening),
            bare(first.closing),
        }
        after = {bare(p.heading) for p in second.parts} | {
            bare(pt.lead) for p in second.parts for pt in p.points
        }
        assert not before & after
        point_ids = {pt.source["id"] for p in second.parts for pt in p.points}
        assert not point_ids & avoid.ids


# ── clean text ───────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("theme", ALL_THEMES)
def test_output_is_clean_simplified_chinese(drafts: Drafts, theme: str) -> None:
    for occasion in OCCASIONS:
        for seed in range(3):
            draft = drafts(theme, 4, seed, 5, occasion, "full")
            lines = list(texts_of(draft))
            bodies = [p["body"] for part in draft["parts"] for p in part["points"]]
            assert all(bodies)
            for text in [*lines, *bodies]:
                assert not ASCII_PUNCT_NEAR_CJK.search(text), text
                assert T2S.convert(text) == text, text
                assert text == text.strip() and "  " not in text and "\n" not in text, text
            for text in lines:
                assert not re.search(r"[A-Za-z\"]", text), text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("坚持问题导向,聚焦重点;狠抓落实:取得实效", "坚持问题导向，聚焦重点；狠抓落实：取得实效"),
        ("什么是担当?就是干!", "什么是担当？就是干！"),
        ("加强(党的)建设", "加强（党的）建设"),
        ('他说"要担当"。', "他说“要担当”。"),
        ("干部 , 要担当", "干部，要担当"),
        ("第一 条 措施", "第一条措施"),
        ("结尾一句.", "结尾一句。"),
        ("  前后空格  ", "前后空格"),
        ("A总书记指出", "习近平总书记指出"),
        # Numbers and Latin text keep their own punctuation.
        ("1,000元", "1,000元"),
        ("3.5亿", "3.5亿"),
        ("A:B", "A:B"),
        ("English, text; ok", "English, text; ok"),
        ("", ""),
    ],
)
def test_polish(raw: str, clean: str) -> None:
    assert polish(raw) == clean
    assert polish(clean) == clean  # idempotent


def test_polish_widens_brackets_between_chinese_characters() -> None:
    assert polish("关于(2024)年度的讲话") == "关于（2024）年度的讲话"


# ── pure helpers ─────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1, "一"),
        (2, "二"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (23, "二十三"),
        (99, "九十九"),
        (100, "一百"),
        (115, "一百一十五"),
        (120, "一百二十"),
        (1005, "一千零五"),
        (9999, "九千九百九十九"),
        (0, "0"),
        (10_000, "10000"),
    ],
)
def test_int_to_chinese(value: int, text: str) -> None:
    assert int_to_chinese(value) == text


def test_lead_sentence() -> None:
    # A short maxim is followed by the next sentence.
    assert lead_sentence("不忘初心，方得始终。面对大变局，要坚定理想信念。再来一句。") == (
        "不忘初心，方得始终。面对大变局，要坚定理想信念。"
    )
    long_first = "这是一个足够长的第一句话，已经超过了十六个字。第二句。"
    assert lead_sentence(long_first) == "这是一个足够长的第一句话，已经超过了十六个字。"
    assert lead_sentence("理想信念如炬！一经点燃必将产生无穷力量。") == (
        "理想信念如炬！一经点燃必将产生无穷力量。"
    )
    assert lead_sentence("没有句末标点的一段话") == "没有句末标点的一段话"
    assert lead_sentence("") == ""


def test_fit_body_keeps_short_text_and_trims_long_text_to_the_theme() -> None:
    short = "第一句。第二句。"
    assert fit_body(short, ("担当",)) == short
    first = "总起一句。"
    filler = [
        f"这是第{int_to_chinese(i)}句与主题无关的展开文字，用来把段落撑得足够长。"
        for i in (1, 2, 3, 4, 5, 6, 7, 8)
    ]
    on_theme = ["干部要敢于担当、善于担当。", "组织要为担当者担当。"]
    sentences = [first, filler[0], on_theme[0], *filler[1:5], on_theme[1], *filler[5:]]
    text = "".join(sentences)
    assert len(text) > 180
    out = fit_body(text, ("担当",))
    assert out.startswith(first)
    assert len(out) <= 180
    assert all(s in out for s in on_theme)
    kept = [s for s in sentences if s in out]
    assert "".join(kept) == out  # whole sentences, in their order
    assert len(kept) < len(sentences)


def test_a_free_theme_reports_its_coverage(drafts: Drafts) -> None:
    draft = drafts("乡村振兴", 3, 3)
    assert draft["theme_known"] is False
    assert draft["dimensions"] == [p["dimension"] for p in draft["parts"]]
    cover = draft["coverage"]
    assert {"乡村", "振兴"} <= set(cover["theme_words"]) and cover["expansion"]
    assert cover["sets"] and all(s["on_theme"] >= 1 for s in cover["sets"])
    assert cover["parts_on_theme"] == sum(p["on_theme"] for p in draft["parts"])
    points = [q for p in draft["parts"] for q in p["points"]]
    assert cover["points_on_theme"] == sum(q["on_theme"] for q in points)
    assert draft["characters"] > 0


@pytest.mark.parametrize("theme", THIN_THEMES)
def test_a_thinly_covered_theme_says_so(drafts: Drafts, theme: str) -> None:
    for seed in range(4):
        draft = drafts(theme, 3, seed)
        cover = draft["coverage"]
        flags = [p["on_theme"] for part in draft["parts"] for p in [part, *part["points"]]]
        if not cover["enough"]:
            assert False in flags
            assert any("drafter mine" in n for n in draft["notes"])


def test_used_material_collects_ids_and_folded_texts(index: BankIndex) -> None:
    draft = compose(index, DraftRequest("守初心担使命", seed=3))
    avoid = used_material(draft.parts)
    for part in draft.parts:
        assert fold_normalized(part.heading) in avoid.texts
        assert fold_normalized(part.lead) in avoid.texts
        assert part.lead_source is not None and part.lead_source["id"] in avoid.ids
        for point in part.points:
            assert fold_normalized(point.lead) in avoid.texts
            assert point.source["id"] in avoid.ids
            assert avoid.blocks(None, point.lead)
            assert avoid.blocks(point.source["id"], "别的文字")
    assert not avoid.blocks(None, "一句没有用过的话")
    assert used_material([]) == Avoid()


def test_read_avoid_reads_a_saved_draft(index: BankIndex, tmp_path: Path) -> None:
    draft = compose(index, DraftRequest("激励干部担当作为", seed=2))
    path = tmp_path / "draft.json"
    path.write_text(draft.to_json(), encoding="utf-8-sig")  # a BOM is accepted
    avoid = read_avoid(path)
    assert avoid.ids >= used_material(draft.parts).ids
    assert avoid.texts >= used_material(draft.parts).texts
    assert avoid.texts == used_material(draft.parts).texts


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        ('{\n  "parts": [\n  }\n', "JSON 格式错误", 3),
        ('{"title": "不是草稿"}', "不是 drafter 生成的 JSON 草稿", None),
        ("[1, 2]", "不是 drafter 生成的 JSON 草稿", None),
        ('{"parts": [1]}', "parts 里的每一项都应为对象", None),
    ],
)
def test_read_avoid_refuses_what_is_not_a_draft(
    tmp_path: Path, content: str, message: str, line: int | None
) -> None:
    path = tmp_path / "old.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_avoid(path)
    assert message in caught.value.message
    assert caught.value.path == str(path)
    assert caught.value.line == line
    assert caught.value.exit_code == 2


def test_read_avoid_missing_or_undecodable_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="文件不存在"):
        read_avoid(tmp_path / "missing.json")
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00\x80")
    with pytest.raises(InputError, match="UTF-8"):
        read_avoid(binary)


def test_read_avoid_with_points_not_a_list_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text('{"parts": [{"heading": "标题", "points": 5}]}', encoding="utf-8")
    with pytest.raises(InputError):
        read_avoid(path)


def test_draft_request_check_accepts_the_allowed_range() -> None:
    for parts in (3, 4):
        for points in (2, 3, 4, 5):
            for detail in ("outline", "full"):
                DraftRequest("主题", parts, points, "讲话", 0, detail).check()
    DraftRequest("主题", seed=None).check()


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (DraftRequest("主题", parts=2), "部分数只能是 3 或 4，而不是 2"),
        (DraftRequest("主题", parts=5), "部分数只能是 3 或 4，而不是 5"),
        (DraftRequest("主题", points=1), "每部分要点数应在 2–5 之间，而不是 1"),
        (DraftRequest("主题", points=6), "每部分要点数应在 2–5 之间，而不是 6"),
        (DraftRequest("主题", detail="half"), "详略只能是 outline 或 full，而不是 half"),
        (DraftRequest("主题", seed=-1), "种子应为非负整数"),
        (DraftRequest(" \u3000\n"), "主题不能为空"),
    ],
)
def test_draft_request_check_refuses_bad_options(request_: DraftRequest, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        request_.check()
    assert caught.value.message == message
    assert caught.value.exit_code == 2


def test_unknown_occasion_is_a_usage_error(index: BankIndex) -> None:
    with pytest.raises(
        UsageError, match="未知的场合“开会”，可选：研讨发言、座谈发言、交流发言、讲话"
    ):
        Composer(index, DraftRequest("激励干部担当作为", occasion="开会", seed=1))
