"""`drafter mine --into`: a user's corpus added to their own bank, nothing of theirs lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drafter.bank.entrytext import begin_edit, finish_edit
from drafter.bank.ops import NewEntries, add_entries, set_disabled
from drafter.bank.store import KINDS, Entry, read_kind
from drafter.errors import BankError, InputError, UsageError
from drafter.mining.miner import MineRequest, mine, mine_corpus
from drafter.mining.record import RECORD_FILE
from drafter.mining.report import MineReport
from tests.conftest import ROOT, copy_bank, snapshot
from tests.mining.corpus import BUSINESS, NOISE_ABOVE, NOISE_BELOW, RURAL, SAFETY, speech, write

USER_POINT = "把群众满意作为检验工作成效的根本标准"


def _into(bank: Path, *inputs: Path, jobs: int = 1) -> MineReport:
    return mine_corpus(MineRequest(inputs, bank, into=True, jobs=jobs))


def _entries(bank: Path) -> dict[str, Entry]:
    return {e.id: e for kind in KINDS for e in read_kind(bank, kind)}


def _from(bank: Path, file: str) -> list[Entry]:
    return [e for e in _entries(bank).values() if e.source is not None and e.source.file == file]


def _assert_kept(old: Entry, new: Entry) -> None:
    """``new`` is ``old``; a heading pattern may have taken more fillers (and sets) besides."""
    if old.kind != "heading_pattern":
        assert new.to_dict() == old.to_dict(), old.id
        return
    grown, was = new.to_dict(), old.to_dict()
    assert set(was["sets"]) <= set(grown["sets"])
    for slot, grown_slot in zip(was["slots"], grown["slots"], strict=True):
        assert all(f in grown_slot["fillers"] for f in slot["fillers"])
    rest = {k: v for k, v in was.items() if k not in ("sets", "slots", "also_in", "dimensions")}
    assert rest.items() <= grown.items()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write(
        tmp_path / "讲话稿", {"rural.txt": speech(*RURAL), "business.txt": speech(*BUSINESS)}
    )


def test_into_adds_a_corpus_and_loses_nothing_of_the_bank(tmp_path: Path, corpus: Path) -> None:
    """Earlier mined material, the user's entries and disabled marks all survive."""
    bank = copy_bank(tmp_path)
    add_entries(bank, NewEntries("point", (USER_POINT,)))
    earlier = _entries(bank)
    off = next(e.id for e in earlier.values() if e.kind == "heading")
    set_disabled(bank, [off], True)
    before = _entries(bank)

    report = _into(bank, corpus)

    after = _entries(bank)
    for eid, entry in before.items():  # every entry as it was, the disabled one still off
        _assert_kept(entry, after[eid])
    assert after[off].disabled
    enlarged = [e for e in before.values() if after[e.id].to_dict() != e.to_dict()]
    assert len(enlarged) == report.enlarged > 0
    user = [e for e in after.values() if e.text == USER_POINT]
    assert len(user) == 1 and user[0].origin == "user"
    rural = _from(bank, "讲话稿/rural.txt")
    assert {e.text for e in rural if e.kind == "heading"} == {h for h, _ in RURAL[2]}
    assert any(e.text == "加强高标准农田建设" for e in rural)
    assert _from(bank, "讲话稿/business.txt")
    assert report.added == len(after) - len(before) > 0
    assert report.removed == 0 and report.kept_earlier == len(earlier) - 1  # the user's aside
    assert (report.kept_user, report.kept_disabled) == (1, 1)
    assert [f.status for f in report.files] == ["new", "new"]  # in sorted path order
    assert (bank / RECORD_FILE).is_file()


def test_mining_the_same_files_again_changes_no_byte(tmp_path: Path, corpus: Path) -> None:
    bank = copy_bank(tmp_path)
    _into(bank, corpus)
    before = snapshot(bank)
    stamps = {p.name: p.stat().st_mtime_ns for p in bank.iterdir()}
    again = _into(bank, corpus, jobs=2)
    assert snapshot(bank) == before
    assert {p.name: p.stat().st_mtime_ns for p in bank.iterdir()} == stamps  # not even rewritten
    assert again.written == [] and again.added == again.removed == 0
    assert {f.status for f in again.files} == {"unchanged"}
    # Given file by file, or with another corpus beside them: the same names, nothing new.
    _into(bank, corpus / "rural.txt", corpus)
    assert snapshot(bank) == before


def test_a_changed_file_replaces_its_old_material_and_keeps_the_users(
    tmp_path: Path, corpus: Path
) -> None:
    bank = copy_bank(tmp_path)
    _into(bank, corpus)
    mined = {e.text: e for e in _from(bank, "讲话稿/rural.txt")}
    # The user edits one point, and disables another and a heading the new version drops.
    edited, kept_off, gone_off = (
        mined["稳定粮食播种面积"],
        mined["做强特色农业产业"],
        mined["深化农村改革，激发乡村发展活力"],
    )
    draft = begin_edit(bank, edited.id)
    text = draft.text.replace("text: 稳定粮食播种面积", "text: 稳定粮食播种面积和产量")
    finish_edit(bank, draft, text, tmp_path / "edit.yaml")
    set_disabled(bank, [kept_off.id, gone_off.id], True)

    title, theme, parts = RURAL
    changed = [parts[0], parts[1], ("推进乡村建设，建设宜居宜业和美乡村", ["改善农村人居环境"])]
    write(corpus, {"rural.txt": speech(title, theme, changed, extra_point="保障农资稳定供应")})
    report = _into(bank, corpus)

    after = _entries(bank)
    texts = {e.text for e in _from(bank, "讲话稿/rural.txt")}
    assert {"保障农资稳定供应", "推进乡村建设，建设宜居宜业和美乡村"} <= texts  # new material
    assert "稳妥推进宅基地改革" not in texts  # old material of the file is gone …
    assert after[gone_off.id].disabled  # … but a disabled mark is not lost with it
    assert after[kept_off.id].disabled and after[kept_off.id].origin == "mined"
    users = [e for e in after.values() if e.origin == "user"]
    assert [e.text for e in users] == ["稳定粮食播种面积和产量"]
    assert users[0].extra["replaces"] == edited.id and edited.id not in after
    assert report.removed > 0 and report.added > 0
    assert [f.status for f in report.files] == ["unchanged", "changed"]
    # The business speech was not touched.
    assert {e.text for e in _from(bank, "讲话稿/business.txt")} >= {"依法保护企业产权"}


def test_a_file_that_cannot_be_read_keeps_what_it_gave_before(tmp_path: Path, corpus: Path) -> None:
    bank = copy_bank(tmp_path)
    _into(bank, corpus)
    before = snapshot(bank)
    (corpus / "rural.txt").write_bytes(b"\x00\x01\x02 binary now")
    (corpus / "safety.txt").write_text(speech(*SAFETY), encoding="utf-8")
    report = _into(bank, corpus)
    rural = next(f for f in report.files if f.name == "讲话稿/rural.txt")
    assert rural.status == "failed" and "二进制" in (rural.reason or "")
    assert "之前从它挖掘的素材保留不变" in (rural.reason or "")
    assert len(report.failures) == 1
    assert _from(bank, "讲话稿/rural.txt")  # its material stays
    assert _from(bank, "讲话稿/safety.txt")  # and the rest was mined
    assert snapshot(bank) != before


def test_the_same_speech_twice_is_mined_once_and_reported(tmp_path: Path) -> None:
    """Saved from two sites: another name, another title line, other noise around it."""
    text = speech(*RURAL)
    copy = NOISE_ABOVE + text.replace(RURAL[0], RURAL[0] + "（全文）") + NOISE_BELOW
    corpus = write(tmp_path / "c", {"a.txt": text, "b/copy.txt": copy, "c.txt": speech(*BUSINESS)})
    alone = write(tmp_path / "alone", {"a.txt": text, "c.txt": speech(*BUSINESS)})
    report = mine(corpus, tmp_path / "bank")
    mine(alone, tmp_path / "bank-alone")
    assert report.duplicates == 1
    copy_summary = next(f for f in report.files if f.name == "b/copy.txt")
    assert copy_summary.status == "duplicate"
    assert [(c.document, c.same_file, c.same_document) for c in copy_summary.copies] == [
        (1, "a.txt", 1)
    ]
    for kind in KINDS:  # the copy adds nothing, not even a source
        assert read_kind(tmp_path / "bank", kind) == read_kind(tmp_path / "bank-alone", kind)
    assert report.to_dict()["files"][1]["duplicates"] == [
        {"document": 1, "title": RURAL[0] + "（全文）", "same_as": {"file": "a.txt", "document": 1}}
    ]


def test_jobs_2_writes_the_same_bytes_as_jobs_1(tmp_path: Path) -> None:
    files = {f"s{i}.txt": speech(*s) for i, s in enumerate((RURAL, BUSINESS, SAFETY))}
    files["dup.txt"] = NOISE_ABOVE + speech(*SAFETY)
    files["bad.txt"] = "\x00binary"
    corpus = write(tmp_path / "c", files)
    one = mine_corpus(MineRequest((corpus,), tmp_path / "one", jobs=1))
    two = mine_corpus(MineRequest((corpus,), tmp_path / "two", jobs=2))
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")
    assert one.to_dict() | {"bank": ""} == two.to_dict() | {"bank": ""}
    for jobs in (1, 2):
        bank = copy_bank(tmp_path, f"into-{jobs}")
        _into(bank, corpus, jobs=jobs)
    assert snapshot(tmp_path / "into-1") == snapshot(tmp_path / "into-2")


def test_per_file_summary_says_what_was_found_or_why_not(tmp_path: Path) -> None:
    corpus = write(
        tmp_path / "c",
        {
            "speech.txt": speech(*RURAL),
            "article.txt": "关于做好春耕生产的通知\n\n各乡镇：现将有关事项通知如下。请认真落实。\n",
            "nav.txt": NOISE_ABOVE + NOISE_BELOW,
        },
    )
    (corpus / "scan.pdf").write_bytes(b"%PDF-1.4\n\x00\x01\x02")
    report = mine(corpus, tmp_path / "bank")
    by_name = {f.name: f for f in report.files}
    good = by_name["speech.txt"]
    assert (good.status, good.format, good.documents, good.speeches) == ("mined", "txt", 1, 1)
    assert (good.parts, good.points, good.reason) == (3, 6, None)
    article = by_name["article.txt"]
    assert article.status == "empty" and "不足两个部分" in (article.reason or "")
    assert by_name["nav.txt"].status == "failed"
    assert "没有可识别的正文" in (by_name["nav.txt"].reason or "")
    assert by_name["scan.pdf"].status == "failed" and by_name["scan.pdf"].format == "pdf"
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert [f["status"] for f in data["files"]] == ["empty", "failed", "failed", "mined"]
    assert data["files"][3] == {
        "file": "speech.txt",
        "path": str(corpus / "speech.txt"),
        "format": "txt",
        "status": "mined",
        "documents": 1,
        "speeches": 1,
        "parts": 3,
        "points": 6,
        "duplicates": [],
        "reason": None,
    }
    assert data["mode"] == "out" and data["entries"]["heading"] == 3
    assert len(data["failures"]) == 2


def test_errors_name_the_file(tmp_path: Path, corpus: Path) -> None:
    with pytest.raises(BankError, match="素材库目录不存在") as missing:
        _into(tmp_path / "没有的库", corpus)
    assert missing.value.path == str(tmp_path / "没有的库")
    with pytest.raises(InputError, match="语料目录不存在"):
        _into(copy_bank(tmp_path, "b0"), tmp_path / "没有的目录")
    bank = copy_bank(tmp_path, "b1")
    _into(bank, corpus)
    with pytest.raises(UsageError, match="--into"):  # --out would replace what --into added
        mine(corpus, bank)
    record = bank / RECORD_FILE
    data = json.loads(record.read_text(encoding="utf-8"))
    record.write_text(json.dumps({**data, "format": 99}), encoding="utf-8")
    before = snapshot(bank)
    with pytest.raises(BankError, match="较新版本") as newer:
        _into(bank, corpus)
    assert newer.value.path == str(record)
    record.write_text('{"format": 1, "files": [{"name": 3}]}', encoding="utf-8")
    with pytest.raises(BankError, match="挖掘记录已损坏"):
        _into(bank, corpus)
    record.write_text("{", encoding="utf-8")
    with pytest.raises(BankError, match="挖掘记录已损坏"):
        _into(bank, corpus)
    assert {k: v for k, v in snapshot(bank).items() if k != RECORD_FILE} == {
        k: v for k, v in before.items() if k != RECORD_FILE
    }


def test_a_deleted_record_loses_no_entry(tmp_path: Path, corpus: Path) -> None:
    bank = copy_bank(tmp_path)
    _into(bank, corpus)
    entries = _entries(bank)
    (bank / RECORD_FILE).unlink()
    report = _into(bank, corpus)
    assert _entries(bank).keys() == entries.keys()
    assert report.added == report.removed == 0


def test_folders_named_alike_do_not_collide(tmp_path: Path) -> None:
    one = write(tmp_path / "a" / "讲话", {"x.txt": speech(*RURAL)})
    two = write(tmp_path / "b" / "讲话", {"x.txt": speech(*BUSINESS)})
    together = mine(one, tmp_path / "out")  # one folder: names as they always were
    assert [f.name for f in together.files] == ["x.txt"]
    both = mine_corpus(MineRequest((one, two), tmp_path / "out2"))
    assert [f.name for f in both.files] == ["讲话/x.txt", "讲话/x.txt#2"]
    bank = copy_bank(tmp_path)
    _into(bank, one)
    report = _into(bank, two)  # another folder of the same name: its file is another file
    assert [(f.name, f.status) for f in report.files] == [("讲话/x.txt#2", "new")]
    assert {e.text for e in _from(bank, "讲话/x.txt") if e.kind == "heading"} == {
        h for h, _ in RURAL[2]
    }
    assert _from(bank, "讲话/x.txt#2")
    # A file is known by where it is, however it is given.
    again = _into(bank, two / "x.txt", one / "x.txt")
    assert [(f.name, f.status) for f in again.files] == [
        ("讲话/x.txt#2", "unchanged"),
        ("讲话/x.txt", "unchanged"),
    ]


@pytest.mark.slow
def test_jobs_2_on_the_bundled_corpus_gives_the_bundled_bank(tmp_path: Path) -> None:
    """All of seeds/ in two processes: the committed bank, byte for byte (as one process)."""
    mine(ROOT / "seeds", tmp_path / "bank", jobs=2)
    for path in sorted((ROOT / "phrasebank").glob("*.yaml")):
        assert (tmp_path / "bank" / path.name).read_bytes() == path.read_bytes(), path.name
