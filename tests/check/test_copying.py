"""查重: verbatim and near-verbatim sentences are found with their source and span, sentences that
only share set phrases are not, and an index is built once and then opened from the cache."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from drafter.check import copying
from drafter.check.copying import check_copying, load_index
from drafter.check.findings import Location
from tests.conftest import speech_bank

SOURCE = (
    "今年以来，我们围绕优化营商环境出台了二十条措施。\n"
    "全市新增市场主体一万二千户，同比增长百分之十五点三。\n"
    "坚持以人民为中心的发展思想，推动高质量发展。\n"
)
VERBATIM = "全市新增市场主体一万二千户，同比增长百分之十五点三。"
NEAR = "今年以来，我们围绕改善营商环境出台了二十项措施。"  # 2 of 22 characters changed
SET_PHRASES = "我们必须坚持以人民为中心的发展思想，坚定不移推动乡村全面振兴和高质量发展。"
OWN = "下一步，街道将把老旧小区加装电梯作为民生实事的第一件来抓。"


def _paragraphs(*texts: str) -> list[tuple[Location, str]]:
    return [(Location(paragraph=i, line=i), text) for i, text in enumerate(texts, 1)]


@pytest.fixture
def against(tmp_path: Path) -> Path:
    folder = tmp_path / "往年材料"
    (folder / "2023").mkdir(parents=True)
    (folder / "2023" / "工作总结.txt").write_text(SOURCE, encoding="utf-8")
    return folder


def test_verbatim_and_near_are_found_set_phrases_are_not(against: Path) -> None:
    result = check_copying(
        _paragraphs(f"开头一句话。{VERBATIM}", NEAR, SET_PHRASES, OWN), [], [against]
    )
    by_paragraph = {f.location.paragraph: f for f in result.findings}
    assert sorted(by_paragraph) == [1, 2]
    verbatim = by_paragraph[1]
    assert verbatim.rule == "copying.verbatim" and verbatim.severity == "warning"
    assert (verbatim.location.start, verbatim.location.end) == (6, 6 + len(VERBATIM))
    assert verbatim.excerpt == VERBATIM
    assert "对照材料 2023/工作总结.txt 第 2 段" in verbatim.message
    near = by_paragraph[2]
    assert near.rule == "copying.near" and "几乎相同" in near.message and "第 1 段" in near.message
    assert near.suggestion


def test_copied_share_counts_characters_of_copied_sentences(against: Path) -> None:
    result = check_copying(_paragraphs(VERBATIM, OWN), [], [against])
    copied = len("全市新增市场主体一万二千户同比增长百分之十五点三")
    total = copied + len("下一步街道将把老旧小区加装电梯作为民生实事的第一件来抓")
    assert result.copied_share == pytest.approx(copied / total)
    assert check_copying([], [], [against]).copied_share == 0.0


def test_short_sentences_do_not_count(against: Path) -> None:
    assert check_copying(_paragraphs("坚持以人民为中心的发展思想。"), [], [against]).findings == []


def test_set_phrases_against_the_real_corpus_raise_no_alarm(seeds_dir: Path) -> None:
    own = [
        SET_PHRASES,
        "要以党的二十大精神为引领，聚焦社区养老服务短板，推动街道各项工作高质量发展。",
        "必须坚持问题导向和目标导向相统一，推动干部队伍建设和基层治理能力不断提升。",
        "全面从严治党永远在路上，党的自我革命永远在路上，我们要一以贯之抓好作风建设。",
    ]
    result = check_copying(_paragraphs(*own), [speech_bank()], [seeds_dir / "gov-reports"])
    assert result.findings == [] and result.copied_share == 0.0


def test_bank_source_names_the_entry_and_its_speech(seeds_dir: Path) -> None:
    (seed,) = seeds_dir.glob("004_*.txt")
    line = seed.read_text(encoding="utf-8").splitlines()[8]  # the opening, mined as it is
    result = check_copying(_paragraphs(line), [speech_bank()], [])
    assert result.findings and result.copied_share > 0.5
    message = result.findings[0].message
    assert "素材库 phrasebank 条目" in message and seed.name in message


def test_the_checked_file_itself_can_be_left_out(against: Path) -> None:
    path = against / "2023" / "工作总结.txt"
    assert check_copying(_paragraphs(VERBATIM), [], [against], exclude=[path]).findings == []


def test_unreadable_document_is_skipped_and_named(against: Path) -> None:
    (against / "坏文件.docx").write_bytes(b"not a zip")
    result = check_copying(_paragraphs(VERBATIM), [], [against])
    assert len(result.findings) == 1
    assert len(result.skipped) == 1 and "坏文件.docx" in result.skipped[0]


def test_index_is_cached_and_rebuilt_when_a_file_changes(
    against: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_index(against, "against")
    copying._LOADED.clear()  # as a new process would start
    built: list[Path] = []
    real_build = copying.build_index

    def counting(folder: Path, kind: str) -> copying.CopyIndex:
        built.append(folder)
        return real_build(folder, kind)

    monkeypatch.setattr(copying, "build_index", counting)
    again = load_index(against, "against")
    assert built == [] and len(again.shingles) == len(first.shingles)
    assert check_copying(_paragraphs(VERBATIM), [], [against]).findings
    (against / "新增.txt").write_text(OWN + "\n", encoding="utf-8")
    copying._LOADED.clear()
    assert len(load_index(against, "against").sources) == 2 and built == [against]


def test_without_a_cache_the_index_is_built_in_memory(
    against: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DRAFTER_NO_CACHE", "1")
    assert check_copying(_paragraphs(VERBATIM), [], [against]).findings


def test_real_sentences_with_two_characters_changed_are_all_found(seeds_dir: Path) -> None:
    from drafter.check.copysources import sentence_key, sentence_spans

    rng = random.Random(18)
    sentences = [
        line[a:b]
        for path in sorted(seeds_dir.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        for a, b in sentence_spans(line)
        if len(sentence_key(line[a:b])) >= 20
    ]
    changed = []
    for sentence in rng.sample(sentences, 100):
        chars = list(sentence)
        hanzi = [i for i, c in enumerate(chars) if "\u4e00" <= c <= "\u9fff"]
        for at in rng.sample(hanzi, 2):
            chars[at] = "屾"  # a character the corpus never uses
        changed.append("".join(chars))
    result = check_copying(_paragraphs(*changed), [], [seeds_dir])
    assert len({f.location.paragraph for f in result.findings}) == 100
