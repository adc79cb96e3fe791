"""The committed phrase bank (phrasebank/) is clean: no web noise, one script, no duplicates."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from drafter.bank.lexicon import LEXICON_FILE, load_lexicon
from drafter.bank.store import KINDS, Bank, Entry, entry_id, load_bank
from drafter.text.normalize import fold, to_simplified
from tests.conftest import ROOT, all_strings

BANK_DIR = ROOT / "phrasebank"

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN = re.compile(rf"[（(]\s*[a-zü]*[{_TONED}][a-zü{_TONED}]*\s*[）)]")
_PHONE = re.compile(
    r"(?<!\d)1[3-9]\d{9}(?!\d)"  # mobile: 13319158999
    r"|[（(]0\d{2,3}[）)]\s*-?\s*\d{6,8}"  # area code in brackets: (0915)-8110009
    r"|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)"  # 0915-8110009
)
# "电话" and "热线" also occur in real speech text ("来信来访、电话短信、网络举报"); as contact
# details they are labels followed by a colon or a number.
_CONTACT_LABEL = re.compile(r"(?:电话|热线|手机|微信|QQ)\s*[:：]|(?:电话|热线)\s*[(（]?\d")
_BREADCRUMB = re.compile(r"[>＞]\s*正文|[^\s>＞]+\s*[>＞]\s*[^\s>＞]+\s*[>＞]")
_PAID = re.compile(r"##.*?##|paid\s*(?:begin|end)", re.IGNORECASE)

_NAVIGATION = ("首页", "首頁", "网站地图", "網站地圖", "返回顶部", "上一篇", "下一篇")
_EDITOR_NOTES = ("责任编辑", "校对", "作者系", "作者为", "最后修改", "来源：", "编辑：")
_ADVERTS = ("联系人", "经销商", "诚招", "热线电话")
_LIST_HEADERS = ("您可能感兴趣", "阅读排行", "推荐文稿", "相关文章", "热门推荐", "猜你喜欢")


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(BANK_DIR)


def _allall_strings(bank: Bank) -> list[tuple[str, str]]:
    """(entry id, string) for every string of every entry, disabled ones included."""
    return [(e.id, s) for e in bank.all(include_disabled=True) for s in all_strings(e.to_dict())]


def _offenders(bank: Bank, bad: Any) -> list[tuple[str, str]]:
    return [(eid, s[:80]) for eid, s in _allall_strings(bank) if bad(s)]


def test_bank_has_every_kind_and_something_to_scan(bank: Bank) -> None:
    assert set(bank.entries) == set(KINDS)
    for kind in KINDS:
        assert (BANK_DIR / KINDS[kind][0]).is_file()
    # Every kind that the seeds provide is present (the seeds have no closings).
    for kind in ("heading", "heading_pattern", "point", "part_lead", "opening", "quotation"):
        assert bank.entries[kind], kind
    assert len(_allall_strings(bank)) > 1000


def test_no_traditional_characters(bank: Bank) -> None:
    assert _offenders(bank, lambda s: s != to_simplified(s)) == []


def test_no_pinyin_artefacts(bank: Bank) -> None:
    assert _PINYIN.search("实战(zhàn)") and _PINYIN.search("态（tài）")
    assert _offenders(bank, _PINYIN.search) == []


def test_no_navigation_text(bank: Bank) -> None:
    assert _BREADCRUMB.search("人民论坛网·国家治理网> 党政干部谈治理> 正文")
    assert _offenders(bank, lambda s: any(w in s for w in _NAVIGATION)) == []
    assert _offenders(bank, _BREADCRUMB.search) == []


def test_no_paid_markers(bank: Bank) -> None:
    assert _PAID.search("##paidbegin##") and _PAID.search("##paidend##")
    assert _offenders(bank, _PAID.search) == []


def test_no_editor_or_author_notes(bank: Bank) -> None:
    assert _offenders(bank, lambda s: any(w in s for w in _EDITOR_NOTES)) == []


def test_no_advertisement_or_contact_text(bank: Bank) -> None:
    advert = "幸福热线:(0915)-8110009 诚招经销商 联系人: 姚舜斌 电话: 13319158999"
    assert len(_PHONE.findall(advert)) == 2
    assert _CONTACT_LABEL.search(advert)
    assert not _CONTACT_LABEL.search("来信来访、电话短信、网络举报")
    assert _offenders(bank, _PHONE.search) == []
    assert _offenders(bank, _CONTACT_LABEL.search) == []
    assert _offenders(bank, lambda s: any(w in s for w in _ADVERTS)) == []


def test_no_list_headers(bank: Bank) -> None:
    assert _offenders(bank, lambda s: any(w in s for w in _LIST_HEADERS)) == []


def test_no_duplicate_texts_within_a_kind(bank: Bank) -> None:
    for kind, entries in bank.entries.items():
        by_key: dict[str, list[str]] = defaultdict(list)
        for entry in entries:
            by_key[fold(entry.text)].append(entry.id)
        assert {k: v for k, v in by_key.items() if len(v) > 1} == {}, kind


def test_ids_unique_across_the_bank(bank: Bank) -> None:
    ids = [e.id for e in bank.all(include_disabled=True)]
    assert len(ids) == len(set(ids))


def test_every_entry_is_complete_and_mined(bank: Bank, seeds_dir: Path) -> None:
    names = set(load_lexicon(BANK_DIR / LEXICON_FILE).names)
    assert "other" in names
    seed_names = {p.name for p in seeds_dir.iterdir()}
    for kind, entries in bank.entries.items():
        prefix = KINDS[kind][1] + "-"
        for entry in entries:
            where = f"{KINDS[kind][0]}:{entry.line} {entry.id}"
            assert entry.id.startswith(prefix), where
            assert entry.id == entry_id(kind, entry.text), where
            assert entry.kind == kind, where
            assert entry.text.strip() == entry.text and entry.text, where
            assert entry.dimensions, where
            assert all(d in names for d in entry.dimensions), where
            assert len(set(entry.dimensions)) == len(entry.dimensions), where
            assert entry.source is not None, where
            for source in [entry.source, *entry.also_in]:
                assert source.file in seed_names, where
                assert source.document, where
            assert entry.origin == "mined", where
            assert not entry.disabled, where


def test_raw_yaml_carries_the_core_keys() -> None:
    """The keys are in the file itself, not filled in by defaults when reading."""
    import yaml

    for kind, (name, _, _) in KINDS.items():
        data = yaml.safe_load((BANK_DIR / name).read_text(encoding="utf-8"))
        assert data["kind"] == kind
        for raw in data["entries"] or []:
            for key in ("id", "kind", "text", "dimensions", "source", "origin"):
                assert key in raw, (name, raw.get("id"), key)
            assert raw["origin"] == "mined"
            assert set(raw["source"]) >= {"file", "document"}


def _heading_sets(bank: Bank) -> dict[str, list[Entry]]:
    sets: dict[str, list[Entry]] = defaultdict(list)
    for heading in bank.entries["heading"]:
        sets[heading.extra["set"]].append(heading)
    return {k: sorted(v, key=lambda h: h.extra["position"]) for k, v in sets.items()}


def test_heading_sets_group_siblings(bank: Bank) -> None:
    sets = _heading_sets(bank)
    assert sets
    for set_id, members in sets.items():
        assert set_id.startswith("hs-")
        assert len(members) >= 2, set_id
        sources = {(h.source.file, h.source.document) for h in members if h.source}
        assert len(sources) == 1, set_id  # one speech
        positions = [h.extra["position"] for h in members]
        assert positions == list(range(1, len(members) + 1)), set_id
        assert all(h.source is not None and h.source.part == h.extra["position"] for h in members)
        assert len({h.extra["numbering"] for h in members}) == 1, set_id


def _rebuild(pattern: Entry, heading_id: str) -> str:
    slots = {s["slot"]: s for s in pattern.extra["slots"]}
    out = ""
    for piece in pattern.extra["pieces"]:
        if isinstance(piece, str):
            out += piece
            continue
        fillers = [f for f in slots[piece["slot"]]["fillers"] if f["heading"] == heading_id]
        assert len(fillers) == 1, (pattern.id, piece, heading_id)
        out += fillers[0]["text"]
    return out


def test_heading_patterns_reproduce_their_headings(bank: Bank) -> None:
    sets = _heading_sets(bank)
    headings = {h.id: h for h in bank.entries["heading"]}
    patterns = bank.entries["heading_pattern"]
    assert patterns
    covered: set[str] = set()
    for pattern in patterns:
        pieces = pattern.extra["pieces"]
        slots = pattern.extra["slots"]
        assert [p["slot"] for p in pieces if isinstance(p, dict)] == [s["slot"] for s in slots]
        assert pattern.text == "".join(p if isinstance(p, str) else "…" for p in pieces)
        assert pattern.extra["sets"], pattern.id
        members = [h for set_id in pattern.extra["sets"] for h in sets[set_id]]
        for slot in slots:
            assert {f["heading"] for f in slot["fillers"]} == {h.id for h in members}
            lengths = [len(f["text"]) for f in slot["fillers"]]
            assert (slot["min"], slot["max"]) == (min(lengths), max(lengths)), pattern.id
            for filler in slot["fillers"]:
                assert filler["dimension"] == headings[filler["heading"]].dimensions[0]
        for heading in members:
            assert fold(_rebuild(pattern, heading.id)) == fold(heading.text), heading.text
        covered.update(pattern.extra["sets"])
    # A set has at most one pattern.
    assert sum(len(p.extra["sets"]) for p in patterns) == len(covered)


_CHECKS: dict[str, Any] = {
    "traditional": lambda s: s != to_simplified(s),
    "pinyin": _PINYIN.search,
    "navigation": lambda s: any(w in s for w in _NAVIGATION) or _BREADCRUMB.search(s),
    "paid": _PAID.search,
    "editor": lambda s: any(w in s for w in _EDITOR_NOTES),
    "advert": lambda s: (
        _PHONE.search(s) or _CONTACT_LABEL.search(s) or any(w in s for w in _ADVERTS)
    ),
    "list header": lambda s: any(w in s for w in _LIST_HEADERS),
}


@pytest.mark.parametrize(
    ("file", "fragment", "check"),
    [
        ("000_16ff8d5d1e840d54.txt", "您可能感兴趣的文稿", "list header"),
        ("000_16ff8d5d1e840d54.txt", "阅读排行", "list header"),
        ("001_63193f3507a87322.txt", "##paidbegin##", "paid"),
        ("002_c38ae609c570f3f6.txt", "作者系中央党校", "editor"),
        ("002_c38ae609c570f3f6.txt", "责任编辑:刘宇同校对", "editor"),
        ("003_9cf1aa6d75153188.txt", "網站首頁 | 網站地圖", "navigation"),
        ("003_9cf1aa6d75153188.txt", "黨政干部談治理> 正文", "navigation"),
        ("003_9cf1aa6d75153188.txt", "鮮明態(tài)度", "pinyin"),
        ("003_9cf1aa6d75153188.txt", "習近平總書記", "traditional"),
        ("004_d368fce8cd43ddb5.txt", "幸福热线:(0915)-8110009", "advert"),
        ("004_d368fce8cd43ddb5.txt", "电话: 13319158999", "advert"),
    ],
)
def test_checks_catch_the_noise_of_the_raw_seeds(
    seeds_dir: Path, file: str, fragment: str, check: str
) -> None:
    """The scans above are not vacuous: they flag the noise the seed pages really carry."""
    raw = (seeds_dir / file).read_text(encoding="utf-8", errors="replace")
    line = next(line for line in raw.splitlines() if fragment in line)
    assert _CHECKS[check](line), (check, line)
