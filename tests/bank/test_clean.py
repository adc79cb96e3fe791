"""The committed phrase bank (phrasebank/) is clean: no web noise, one script, no duplicates."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from drafter.bank.lexicon import LEXICON_FILE, load_lexicon
from drafter.bank.store import KINDS, Bank, Entry, entry_id, load_bank
from drafter.mining.miner import seed_files, source_name
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
_EDITOR_NOTES = ("责任编辑", "校对", "作者系", "作者为", "最后修改", "来源：", "编辑：", "来源:")
_ADVERTS = ("联系人", "经销商", "诚招", "热线电话")
_LIST_HEADERS = ("您可能感兴趣", "阅读排行", "推荐文稿", "相关文章", "热门推荐", "猜你喜欢")
# These also occur in report text ("相关报道总点击量超610亿次"): as a list's header they open
# a line or stand alone.
_LIST_HEADS = ("相关报道", "相关文档", "相关附件", "相关链接")


def _list_header(s: str) -> bool:
    return any(w in s for w in _LIST_HEADERS) or any(
        s.startswith(w) or (len(s) <= 12 and w in s) for w in _LIST_HEADS
    )


# A page toolbar ("下载 打印 全屏 收藏", "【字号：加大 还原 减小】"), and "您的位置：".
_TOOLBAR = re.compile(
    r"【\s*字[号体]|字号\s*[:：]|加大\s*还原\s*减小|下载\s*打印|打印本页|关闭窗口|分享到|扫一扫"
    r"|(?:您|你)的位置|当前位置"
)
# Photo captions and credits: "本报记者 朱江 摄", "新华社记者 … 摄".
_CAPTION = re.compile(r"记者\s*[\u4e00-\u9fff·]{1,4}(?:\s+[\u4e00-\u9fff·]{1,4}){0,3}\s*摄")
# "来源：… 时间：…" lines and a bare publication timestamp.
_DATELINE = re.compile(r"(?:发布|发表)?时间\s*[:：]\s*\d|\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}")
# Wikisource's licence footer under the national reports.
_LICENCE = re.compile(r"维基文库|公有领域|Public\s*domain|本作品.{0,30}(?:著作权法|不适用)", re.I)
# An appendix after the text: "附件1", "名词解释", "注释" headers.
_APPENDIX = ("名词解释", "附件1", "附件2")


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


def _breadcrumb(s: str) -> bool:
    # The scan only where a ">" stands: on long texts without one the pattern backtracks.
    return (">" in s or "＞" in s) and _BREADCRUMB.search(s) is not None


def test_no_navigation_text(bank: Bank) -> None:
    assert _BREADCRUMB.search("人民论坛网·国家治理网> 党政干部谈治理> 正文")
    assert _offenders(bank, lambda s: any(w in s for w in _NAVIGATION)) == []
    assert _offenders(bank, _breadcrumb) == []


def test_no_page_toolbars_captions_datelines_or_licence_footers(bank: Bank) -> None:
    assert _TOOLBAR.search("【字号： 加大 还原 减小 】") and _TOOLBAR.search("您的位置:")
    assert _CAPTION.search("省长刘小涛代表省人民政府向大会作政府工作报告。本报记者 朱江 摄")
    assert _DATELINE.search("时间：2026-02-09") and _LICENCE.search("Public domain")
    assert _offenders(bank, _TOOLBAR.search) == []
    assert _offenders(bank, _CAPTION.search) == []
    assert _offenders(bank, _DATELINE.search) == []
    assert _offenders(bank, _LICENCE.search) == []
    assert _offenders(bank, lambda s: any(w in s for w in _APPENDIX)) == []


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
    # Adverts are short lines; a report may well speak of dealers (经销商) in its own text.
    assert _offenders(bank, lambda s: len(s) <= 80 and any(w in s for w in _ADVERTS)) == []


def test_no_list_headers(bank: Bank) -> None:
    assert _list_header("相关报道：") and not _list_header("体育盛会，相关报道总点击量超610亿次。")
    assert _offenders(bank, _list_header) == []


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
    # Sources name files by their path under seeds/ ("gov-reports/2025-CN.txt").
    seed_names = {source_name(p, seeds_dir) for p in seed_files(seeds_dir)}
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
        # The C loader where PyYAML has it: the pure-Python one takes ~20 s on the 4 MB bank.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load((BANK_DIR / name).read_text(encoding="utf-8"), Loader=loader)
        assert data["kind"] == kind
        for raw in data["entries"] or []:
            for key in ("id", "kind", "text", "dimensions", "source", "origin"):
                assert key in raw, (name, raw.get("id"), key)
            assert raw["origin"] == "mined"
            assert set(raw["source"]) >= {"file", "document"}


def _heading_sets(bank: Bank) -> dict[str, list[Entry]]:
    """Sibling sets of every level: headings (hs-…) and points (ps-…), by position."""
    sets: dict[str, list[Entry]] = defaultdict(list)
    for entry in [*bank.entries["heading"], *bank.entries["point"]]:
        sets[entry.extra["set"]].append(entry)
    return {k: sorted(v, key=lambda h: h.extra["position"]) for k, v in sets.items()}


def test_heading_sets_group_siblings(bank: Bank) -> None:
    sets = _heading_sets(bank)
    assert sets
    for set_id, members in sets.items():
        assert set_id.startswith(("hs-", "ps-"))
        sources = {(h.source.file, h.source.document) for h in members if h.source}
        assert len(sources) == 1, set_id  # one speech
        # A text keeps the set where it was first found, so a set may lack a member that an
        # earlier speech has (and frame headings such as "2025年工作回顾" are not mined).
        positions = [h.extra["position"] for h in members]
        assert positions == sorted(set(positions)) and positions[0] >= 1, set_id
        assert len({h.extra["level"] for h in members}) == 1, set_id
        if set_id.startswith("hs-"):
            assert all(h.kind == "heading" and h.extra["level"] == 1 for h in members)
            assert all(
                h.source is not None and h.source.part == h.extra["position"] for h in members
            )
            assert len({h.extra["numbering"] for h in members}) == 1, set_id
        else:
            assert all(h.kind == "point" and h.extra["level"] >= 2 for h in members)
            assert len({fold(h.extra["heading"]) for h in members}) == 1, set_id
            assert len({h.extra.get("form") for h in members}) == 1, set_id


def test_every_level_is_mined(bank: Bank) -> None:
    """Points at level 2 and 3, dash lines, patterns at several levels, verbatim quotations."""
    levels = {(p.extra["level"], p.extra.get("form")) for p in bank.entries["point"]}
    assert {(2, None), (3, None), (2, "dash"), (3, "dash")} <= levels
    assert {p.extra["level"] for p in bank.entries["heading_pattern"]} >= {1, 2, 3}
    assert all(p.extra["level"] == 1 for p in bank.entries["part_lead"])
    assert {q.extra["quoted"] for q in bank.entries["quotation"]} == {True, False}
    # Frame headings of the reports are not material: none names a dated period.
    frame = re.compile(r"\d{4}年|“十[一二三四五六七八九]五”时期")
    assert [h.text for h in bank.entries["heading"] if frame.search(h.text)] == []


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
    headings.update({p.id: p for p in bank.entries["point"]})  # fillers below level 1
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
    "navigation": lambda s: (
        any(w in s for w in _NAVIGATION) or _breadcrumb(s) or _TOOLBAR.search(s)
    ),
    "caption": _CAPTION.search,
    "dateline": _DATELINE.search,
    "licence": _LICENCE.search,
    "appendix": lambda s: any(w in s for w in _APPENDIX),
    "paid": _PAID.search,
    "editor": lambda s: any(w in s for w in _EDITOR_NOTES),
    "advert": lambda s: (
        _PHONE.search(s) or _CONTACT_LABEL.search(s) or any(w in s for w in _ADVERTS)
    ),
    "list header": _list_header,
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
        ("gov-reports/2026-AH.txt", "【字号：", "navigation"),
        ("gov-reports/2026-YN.txt", "您的位置", "navigation"),
        ("gov-reports/2026-NX.txt", "打印本页", "navigation"),
        ("gov-reports/2026-JS.txt", "本报记者 朱江 摄", "caption"),
        ("gov-reports/2026-SX.txt", "时间：2026", "dateline"),
        ("gov-reports/2026-SX.txt", "来源：山西日报", "editor"),
        ("gov-reports/2026-QH.txt", "编辑：何继红", "editor"),
        ("gov-reports/2026-SC.txt", "责任编辑", "editor"),
        ("gov-reports/2026-BJ.txt", "相关报道", "list header"),
        ("gov-reports/2025-CN.txt", "Public domain", "licence"),
        ("gov-reports/2025-CN.txt", "维基文库", "licence"),
        ("gov-reports/2026-SC.txt", "名词解释", "appendix"),
    ],
)
def test_checks_catch_the_noise_of_the_raw_seeds(
    seeds_dir: Path, file: str, fragment: str, check: str
) -> None:
    """The scans above are not vacuous: they flag the noise the seed pages really carry."""
    raw = (seeds_dir / file).read_text(encoding="utf-8", errors="replace")
    line = next(line for line in raw.splitlines() if fragment in line)
    assert _CHECKS[check](line), (check, line)
