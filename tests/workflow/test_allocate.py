"""`drafter batch` keeps the speakers of one meeting apart: no two drafts share a part heading, a
sub-point or a quotation while the bank allows (``drafter.workflow.allocate``).

Drafts are read back from their JSON (written beside the Markdown), and compared item by item.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from drafter.drafting.index import load_index
from drafter.drafting.model import DraftRequest
from drafter.workflow.allocate import (
    Allocation,
    Meeting,
    allocate,
    allocate_all,
    items_of,
    shape_of,
)
from drafter.workflow.batch import default_seed
from tests.conftest import speech_bank
from tests.workflow.test_batch import batch, drafts, records, statuses, write_briefs

THEME = "激励干部担当作为"
SPEAKERS = ("张三", "李四", "王五", "赵六", "钱七")


def speakers(theme: str = THEME, count: int = 5, **fields: Any) -> list[dict[str, Any]]:
    """Briefs of one theme, with distinct ids, as the speakers of a 座谈会 have."""
    names = [*SPEAKERS, *(f"发言人{i}" for i in range(len(SPEAKERS), count))][:count]
    return [
        {"id": f"{n:02d}-{name}", "theme": theme, "speaker": name, **fields}
        for n, name in enumerate(names, start=1)
    ]


Items = dict[str, set[str]]


def material(data: dict[str, Any]) -> Items:
    """What a draft's JSON holds that a meeting keeps apart: headings by text, sub-points and
    part leads by text and by entry id, the quotation it opens with by entry id."""
    out: Items = {"heading": set(), "point": set(), "lead": set(), "quotation": set()}
    quote = (data.get("opening_source") or {}).get("id")
    if quote:
        out["quotation"].add(quote)
    for part in data["parts"]:
        out["heading"].add(part["heading"])
        if part["lead"]:
            out["lead"].add(part["lead"])
            lead = part["lead_source"] or {}
            if lead.get("id") and "field" not in lead:  # not a sub-point's body
                out["lead"].add(lead["id"])
        for point in part["points"]:
            out["point"].add(point["lead"])
            if point["source"].get("id"):
                out["point"].add(point["source"]["id"])
    return out


def json_drafts(out: Path) -> dict[str, Items]:
    return {
        rel: material(json.loads(data))
        for rel, data in drafts(out).items()
        if rel.endswith(".json")
    }


def shared(found: dict[str, Items]) -> list[tuple[str, str, str, set[str]]]:
    """Every pair of drafts that share something, and what."""
    out = []
    for (a, one), (b, two) in itertools.combinations(sorted(found.items()), 2):
        for kind in one:
            common = one[kind] & two[kind]
            if common:
                out.append((a, b, kind, common))
    return out


# ── five speakers, one theme ─────────────────────────────────────────────────────────────


def test_five_speakers_on_one_theme_share_nothing_and_jobs_change_no_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_briefs(tmp_path / "briefs.yaml", speakers(), defaults={"occasion": "座谈发言"})
    one = batch("briefs.yaml", "--out", "one", "--format", "md,json", "--jobs", "1")
    two = batch("briefs.yaml", "--out", "two", "--format", "md,json", "--jobs", "2")
    assert one.exit_code == 0, one.stderr
    assert two.exit_code == 0, two.stderr
    found = json_drafts(tmp_path / "one")
    assert len(found) == 5
    assert shared(found) == []
    assert drafts(tmp_path / "one") == drafts(tmp_path / "two")
    assert records(tmp_path / "one") == records(tmp_path / "two")

    kept = records(tmp_path / "one")
    for record in kept.values():
        allocation = record["allocation"]
        assert allocation["meeting"] is None
        assert allocation["shared"] == []
        assert set(allocation["used"]) == {"heading", "point", "quotation"}
    # The first speaker has nothing to avoid; the others avoided what came before them.
    first, *rest = kept.values()
    assert first["allocation"]["avoided"] == []
    avoided = [t for r in rest for t in r["allocation"]["avoided"]]
    assert avoided
    ids = list(kept)
    for taken in avoided:
        assert taken["kind"] in ("heading", "lead", "point", "quotation")
        assert taken["brief"] in ids
        assert "id" in taken or "text" in taken

    # Drafted alone, the same five would repeat each other: that is what was avoided.
    alone = batch("briefs.yaml", "--out", "alone", "--format", "md,json", "--independent")
    assert alone.exit_code == 0, alone.stderr
    assert shared(json_drafts(tmp_path / "alone"))
    assert all(r["allocation"] is None for r in records(tmp_path / "alone").values())
    # The first of a meeting is drafted as it would be alone.
    name = f"{ids[0]}.md"
    assert drafts(tmp_path / "alone")[name] == drafts(tmp_path / "one")[name]


def test_independent_is_each_brief_drafted_as_if_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    briefs = speakers(count=3)
    write_briefs(tmp_path / "briefs.yaml", briefs)
    result = batch("briefs.yaml", "--out", "together", "--independent")
    assert result.exit_code == 0, result.stderr
    # Each brief the only one of its meeting: drafted alone, so the same bytes.
    for number, brief in enumerate(briefs):
        brief["meeting"] = f"第{number}场"
    write_briefs(tmp_path / "apart.yaml", briefs)
    assert batch("apart.yaml", "--out", "apart").exit_code == 0
    assert drafts(tmp_path / "together") == drafts(tmp_path / "apart")
    assert batch("apart.yaml", "--out", "apart-too", "--independent").exit_code == 0
    assert drafts(tmp_path / "apart-too") == drafts(tmp_path / "apart")


# ── meetings ─────────────────────────────────────────────────────────────────────────────


def test_meeting_scopes_who_avoids_whom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    # Two meetings of the same two speeches (same seeds), in one file: each meeting keeps its
    # two apart, but the meetings do not avoid each other, so they come out alike.
    briefs: list[dict[str, Any]] = []
    for meeting in ("上午场", "下午场"):
        for n in (1, 2):
            brief = {"id": f"{meeting}-{n}", "theme": THEME, "seed": n, "meeting": meeting}
            briefs.append({**brief, "formats": ["json"]})
    # And a brief of no meeting, with the first seed: alone in its (unnamed) meeting.
    briefs.append({"id": "无会议", "theme": THEME, "seed": 1, "formats": ["json"]})
    write_briefs(tmp_path / "briefs.yaml", briefs)
    result = batch("briefs.yaml", "--out", "out")
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "out"
    found = drafts(out)
    assert found["上午场-1.json"] == found["下午场-1.json"] == found["无会议.json"]
    assert found["上午场-2.json"] == found["下午场-2.json"]
    by_file = json_drafts(out)
    assert shared({k: v for k, v in by_file.items() if k.startswith("上午场")}) == []
    kept = records(out)
    assert kept["上午场-2"]["allocation"]["meeting"] == "上午场"
    assert kept["上午场-2"]["settings"]["meeting"] == "上午场"
    assert {t["brief"] for t in kept["下午场-2"]["allocation"]["avoided"]} <= {"下午场-1"}
    assert kept["无会议"]["allocation"]["meeting"] is None
    assert "meeting" not in kept["无会议"]["settings"]


def test_a_meeting_for_the_whole_file_through_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_briefs(tmp_path / "a.yaml", speakers(count=2), defaults={"meeting": "座谈会"})
    write_briefs(tmp_path / "b.yaml", speakers(count=1), defaults={"meeting": "另一场"})
    (tmp_path / "b.yaml").write_text(
        (tmp_path / "b.yaml").read_text(encoding="utf-8").replace("01-张三", "03-别人"),
        encoding="utf-8",
    )
    result = batch("a.yaml", "b.yaml", "--out", "out")
    assert result.exit_code == 0, result.stderr
    meetings = {i: r["allocation"]["meeting"] for i, r in records(tmp_path / "out").items()}
    assert meetings == {"01-张三": "座谈会", "02-李四": "座谈会", "03-别人": "另一场"}


def test_a_changed_brief_redrafts_the_later_briefs_of_its_meeting_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    briefs = speakers(count=4)
    briefs[0]["meeting"] = briefs[2]["meeting"] = "甲"
    briefs[1]["meeting"] = briefs[3]["meeting"] = "乙"
    write_briefs(tmp_path / "briefs.yaml", briefs)
    assert batch("briefs.yaml", "--out", "out").exit_code == 0
    ids = [b["id"] for b in briefs]
    assert statuses(tmp_path / "out") == dict.fromkeys(ids, "written")
    briefs[0]["points"] = 4
    write_briefs(tmp_path / "briefs.yaml", briefs)
    assert batch("briefs.yaml", "--out", "out").exit_code == 0
    assert statuses(tmp_path / "out") == {
        ids[0]: "updated",
        ids[1]: "unchanged",
        ids[2]: "updated",  # after ids[0] in meeting 甲
        ids[3]: "unchanged",
    }
    assert batch("briefs.yaml", "--out", "fresh").exit_code == 0
    assert drafts(tmp_path / "out") == drafts(tmp_path / "fresh")


def test_a_bad_meeting_is_reported_where_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = "briefs:\n  - id: a\n    theme: 甲\n    meeting: [上午, 下午]\n"
    (tmp_path / "briefs.yaml").write_text(text, encoding="utf-8")
    result = batch("briefs.yaml", "--check")
    assert result.exit_code == 2
    assert "briefs.yaml:4:14: 简报“a”：meeting 应为文字，而不是列表" in result.stderr


# ── a bank too small to keep them apart ─────────────────────────────────────────────────


def test_a_bank_too_small_falls_back_to_sharing_and_names_what(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # Five speeches' worth of material: not enough for eight speakers on one theme.
    briefs = speakers("加强干部队伍建设", count=8, meeting="组织工作座谈会")
    write_briefs(tmp_path / "briefs.yaml", briefs)
    bank = str(speech_bank())
    result = batch("briefs.yaml", "--out", "out", "--bank", bank, "--format", "md,json")
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "out"
    kept = records(out)
    assert set(statuses(out).values()) == {"written"}
    sharing = {i: r for i, r in kept.items() if r["allocation"]["shared"]}
    assert sharing, "the bank was big enough: make the meeting larger"
    ids = list(kept)
    assert ids[0] not in sharing
    for brief_id, record in sharing.items():
        earlier = ids[: ids.index(brief_id)]
        for taken in record["allocation"]["shared"]:
            assert taken["brief"] in earlier
        # The note names the meeting, the shared material and the brief it came from.
        note = next(n for n in record["notes"] if "共用" in n)
        assert "会议“组织工作座谈会”" in note
        first = record["allocation"]["shared"][0]
        label = {"heading": "分部标题", "lead": "分部引言", "point": "要点", "quotation": "引语"}
        assert f"{label[first['kind']]}“" in note
        assert f"（同“{first['brief']}”）" in note
    # What the note says is what the drafts hold.
    found = json_drafts(out)
    for brief_id, record in sharing.items():
        mine = found[f"{brief_id}.json"]
        for taken in record["allocation"]["shared"]:
            theirs = found[f"{taken['brief']}.json"]
            kind = taken["kind"]
            assert taken.get("text", taken.get("id")) in mine[kind] | mine["point"]
            if kind in ("heading", "quotation"):
                assert taken.get("text", taken.get("id")) in theirs[kind]
    # The report says so: in the brief's row and in a line under the table.
    assert "共用" in result.stdout
    assert f"{len(sharing)} 份草稿" in result.stdout
    # Those that share nothing still share nothing with anyone before them.
    clean = {f"{i}.json": found[f"{i}.json"] for i in kept if i not in sharing}
    assert shared(clean) == []


# ── the library ──────────────────────────────────────────────────────────────────────────


def test_allocation_is_a_function_of_the_briefs_before_and_reads_back_from_the_manifest() -> None:
    index = load_index(speech_bank())
    requests = [
        (f"b{n}", None, DraftRequest(THEME, seed=default_seed(f"b{n}", THEME))) for n in range(6)
    ]
    first = list(allocate_all(index, requests))
    again = list(allocate_all(index, requests))
    assert [(b, a.to_dict(None)) for b, a in first if isinstance(a, Allocation)] == [
        (b, a.to_dict(None)) for b, a in again if isinstance(a, Allocation)
    ]
    # A meeting rebuilt from the manifest's records of the first briefs allocates the rest
    # as the meeting that drafted them all.
    meeting = Meeting(None)
    for (brief, _, request), (_, done) in zip(requests[:4], first[:4], strict=True):
        assert isinstance(done, Allocation)
        known = Allocation.from_dict(json.loads(json.dumps(done.to_dict(None))))
        assert known is not None and known.draft is None
        meeting.take(brief, shape_of(request), known)
    for (brief, _, request), (_, done) in zip(requests[4:], first[4:], strict=True):
        assert isinstance(done, Allocation) and done.draft is not None
        redone = allocate(index, meeting, brief, request)
        assert redone.draft is not None
        assert redone.draft.to_dict() == done.draft.to_dict()
        assert redone.to_dict(None) == done.to_dict(None)


def test_items_name_what_a_reader_meets() -> None:
    index = load_index(speech_bank())
    meeting = Meeting("会")
    first = allocate(index, meeting, "a", DraftRequest(THEME, seed=1))
    assert first.draft is not None
    kinds = [item.kind for item in items_of(first.draft)]
    assert kinds.count("heading") == 3
    assert kinds.count("point") == 9
    assert first.avoided == first.shared == []
    assert first.notes("会") == []


@pytest.mark.parametrize(
    "data",
    [None, [], {"used": {}}, {"used": {"heading": {"ids": [1], "texts": []}}, "exhausted": []}],
)
def test_an_unusable_allocation_record_is_none(data: Any) -> None:
    assert Allocation.from_dict(data) is None
