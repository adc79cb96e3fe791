"""Unreadable inputs fail with an ``InputError`` naming the file; encodings decode to one structure."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path

import pytest

from drafter.corpus.models import Document
from drafter.corpus.parse import parse_file, parse_paths, parse_text
from drafter.errors import InputError
from drafter.text.normalize import fold

# Bytes that are invalid in UTF-8, GB18030 and Big5 alike: 0x80 and 0xFF are lead bytes of none.
UNDECODABLE = b"report 2024: " + b"\x80\xff" * 40 + b"\nend\n"
# Valid GB18030 (GBK extension area, lead bytes 0x81-0xA0, which Big5 rejects), but it decodes to
# rare ideographs that no prose is made of.
GIBBERISH_GB18030 = bytes(b for i in range(300) for b in (0x81 + i % 32, 0x40 + i % 63))

SPEECH = """在全市文化建设工作会议上的讲话
同志们：文化是一个国家、一个民族的灵魂。今天召开全市文化建设工作会议，主要任务是部署下一阶段文化建设重点工作。下面，我讲三点意见。
一、加强思想引领，筑牢共同思想基础
要把学习宣传党的创新理论作为首要政治任务，推动理论学习走深走实。
一是强化理论武装。要健全理论学习制度，推动领导干部带头学、深入学。
二是深化宣传宣讲。要组建基层宣讲队伍，用群众听得懂的语言讲好党的政策。
二、繁荣文化事业，满足群众精神需求
要坚持以人民为中心的工作导向，让群众共享文化发展成果。
一是完善公共文化设施。要推进图书馆、文化馆总分馆制建设，实现乡镇全覆盖。
二是丰富文化活动供给。要常态化开展送戏下乡、全民阅读等活动，活跃群众文化生活。
三、发展文化产业，增强文化发展实力
要坚持社会效益和经济效益相统一，推动文化产业高质量发展。
一是培育市场主体。要扶持一批骨干文化企业，带动中小文化企业协同发展。
二是推动融合发展。要促进文化与旅游、科技深度融合，培育文化消费新业态。
同志们，让我们以更加坚定的文化自信，奋力开创全市文化建设新局面。
"""

# The same speech in traditional characters (as a Taiwan or Hong Kong site would print it).
SPEECH_TRADITIONAL = """在全市文化建設工作會議上的講話
同志們：文化是一個國家、一個民族的靈魂。今天召開全市文化建設工作會議，主要任務是部署下一階段文化建設重點工作。下面，我講三點意見。
一、加強思想引領，築牢共同思想基礎
要把學習宣傳黨的創新理論作為首要政治任務，推動理論學習走深走實。
一是強化理論武裝。要健全理論學習制度，推動領導幹部帶頭學、深入學。
二是深化宣傳宣講。要組建基層宣講隊伍，用群眾聽得懂的語言講好黨的政策。
二、繁榮文化事業，滿足群眾精神需求
要堅持以人民為中心的工作導向，讓群眾共享文化發展成果。
一是完善公共文化設施。要推進圖書館、文化館總分館制建設，實現鄉鎮全覆蓋。
二是豐富文化活動供給。要常態化開展送戲下鄉、全民閱讀等活動，活躍群眾文化生活。
三、發展文化產業，增強文化發展實力
要堅持社會效益和經濟效益相統一，推動文化產業高質量發展。
一是培育市場主體。要扶持一批骨幹文化企業，帶動中小文化企業協同發展。
二是推動融合發展。要促進文化與旅遊、科技深度融合，培育文化消費新業態。
同志們，讓我們以更加堅定的文化自信，奮力開創全市文化建設新局面。
"""

# A character outside GBK (4 bytes in GB18030), so the GB18030 file is not just a GBK file.
GB18030_ONLY = "𠮷"
SPEECH_GB18030 = SPEECH.replace(
    "用群众听得懂的语言", f"学习{GB18030_ONLY}祥村的做法，用群众听得懂的语言"
)

OUTLINE = [
    ("加强思想引领，筑牢共同思想基础", ["强化理论武装", "深化宣传宣讲"]),
    ("繁荣文化事业，满足群众精神需求", ["完善公共文化设施", "丰富文化活动供给"]),
    ("发展文化产业，增强文化发展实力", ["培育市场主体", "推动融合发展"]),
]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _raises_naming(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        parse_file(path)
    assert str(path) in info.value.user_message()
    assert str(path) in str(info.value)
    assert info.value.exit_code == 2
    return info.value


# --- unreadable inputs -----------------------------------------------------------------------


def test_undecodable_bytes_are_invalid_in_every_supported_encoding() -> None:
    for codec in ("utf-8", "gb18030", "big5"):
        with pytest.raises(UnicodeDecodeError):
            UNDECODABLE.decode(codec)


def test_binary_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "scan.pdf.txt", b"%PDF-1.4\n\x00\x01\x02\x00binary\x00" * 20)
    error = _raises_naming(path)
    assert "二进制" in error.message


def test_undecodable_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "garbled.txt", UNDECODABLE)
    error = _raises_naming(path)
    assert "编码" in error.message


def test_gb18030_gibberish_is_undecodable(tmp_path: Path) -> None:
    GIBBERISH_GB18030.decode("gb18030")  # it does decode, to nothing readable
    path = _write(tmp_path, "gibberish.txt", GIBBERISH_GB18030)
    error = _raises_naming(path)
    assert "编码" in error.message


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b" \t\r\n\n  \n",
        "\u3000\u3000\n\u3000\n".encode(),  # full-width spaces only
        codecs.BOM_UTF8,
        codecs.BOM_UTF8 + b"  \n",
        "  \n\u3000\n".encode("utf-16"),
    ],
    ids=["empty", "ascii-blanks", "full-width-blanks", "bom-only", "bom-blanks", "utf16-blanks"],
)
def test_empty_or_blank_file(tmp_path: Path, data: bytes) -> None:
    path = _write(tmp_path, "blank.txt", data)
    error = _raises_naming(path)
    assert "空" in error.message


def test_file_with_only_web_noise(tmp_path: Path) -> None:
    noise = "网站首页 | 网站地图 | 设为首页\n范文网> 讲话稿> 正文\n责任编辑：李明\n咨询电话：0371-66668888\n"
    path = _write(tmp_path, "noise.txt", noise.encode())
    _raises_naming(path)


def test_missing_file(tmp_path: Path) -> None:
    error = _raises_naming(tmp_path / "does-not-exist.txt")
    assert "不存在" in error.message


def test_dangling_symlink(tmp_path: Path) -> None:
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "gone.txt")
    _raises_naming(link)


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "speeches.txt"
    folder.mkdir()
    error = _raises_naming(folder)
    assert "目录" in error.message


def test_parse_paths_collects_failures_and_goes_on(tmp_path: Path) -> None:
    good_a = _write(tmp_path, "a.txt", SPEECH.encode())
    binary = _write(tmp_path, "b.bin", b"\x00\x01\x02\x03" * 100)
    garbled = _write(tmp_path, "c.txt", UNDECODABLE)
    empty = _write(tmp_path, "d.txt", b"")
    missing = tmp_path / "e.txt"
    folder = tmp_path / "f"
    folder.mkdir()
    good_b = _write(tmp_path, "g.txt", SPEECH_TRADITIONAL.encode("big5"))

    result = parse_paths([good_a, binary, garbled, empty, missing, folder, good_b])

    assert [d.source for d in result.documents] == ["a.txt", "g.txt"]
    assert all(len(d.parts) == 3 for d in result.documents)
    bad = [binary, garbled, empty, missing, folder]
    assert [f.source for f in result.failures] == [str(p) for p in bad]
    for failure, path in zip(result.failures, bad, strict=True):
        assert str(path) in failure.message
    assert "documents" in result.to_dict()


def test_parse_paths_with_no_failures(tmp_path: Path) -> None:
    result = parse_paths([_write(tmp_path, "a.txt", SPEECH.encode())])
    assert result.failures == []
    assert len(result.documents) == 1


# --- encodings -------------------------------------------------------------------------------


def _outline(doc: Document) -> list[tuple[str, str, list[str]]]:
    return [(fold(p.heading), p.numbering, [fold(pt.lead) for pt in p.points]) for p in doc.parts]


def _signature(doc: Document) -> tuple[object, ...]:
    return (doc.title, doc.opening, _outline(doc), doc.closing, doc.paragraphs)


ENCODINGS: dict[str, Callable[[], bytes]] = {
    "utf-8": lambda: SPEECH.encode("utf-8"),
    "gbk": lambda: SPEECH.encode("gbk"),
    "gb18030": lambda: SPEECH_GB18030.encode("gb18030"),
    "big5-traditional": lambda: SPEECH_TRADITIONAL.encode("big5"),
    "big5-crlf": lambda: SPEECH_TRADITIONAL.replace("\n", "\r\n").encode("big5"),
    "utf-8-bom": lambda: codecs.BOM_UTF8 + SPEECH.encode("utf-8"),
    "utf-16-le-bom": lambda: codecs.BOM_UTF16_LE + SPEECH.encode("utf-16-le"),
    "utf-16-be-bom": lambda: codecs.BOM_UTF16_BE + SPEECH.encode("utf-16-be"),
    "utf-8-traditional": lambda: SPEECH_TRADITIONAL.encode("utf-8"),
}


def test_fixture_texts_really_differ() -> None:
    """The traditional text is traditional, and the GB18030 one is not GBK-encodable."""
    assert SPEECH_TRADITIONAL != SPEECH
    assert "講話" in SPEECH_TRADITIONAL and "讲话" not in SPEECH_TRADITIONAL
    with pytest.raises(UnicodeEncodeError):
        SPEECH_GB18030.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        SPEECH.encode("gbk").decode("utf-8")


@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_every_encoding_gives_the_same_structure(tmp_path: Path, encoding: str) -> None:
    reference = parse_file(_write(tmp_path, "reference.txt", SPEECH.encode("utf-8")))
    assert len(reference) == 1
    assert _outline(reference[0]) == [
        (fold(h), "一、", [fold(x) for x in leads]) for h, leads in OUTLINE
    ]

    docs = parse_file(_write(tmp_path, f"speech-{encoding}.txt", ENCODINGS[encoding]()))

    assert len(docs) == 1
    doc = docs[0]
    assert doc.title == "在全市文化建设工作会议上的讲话"  # simplified, whatever the input script
    if encoding == "gb18030":
        assert _outline(doc) == _outline(reference[0])
        assert GB18030_ONLY in doc.parts[0].points[1].body
    else:
        assert _signature(doc) == _signature(reference[0])


def test_traditional_text_with_pinyin_artefacts_comes_out_simplified(tmp_path: Path) -> None:
    text = """在全縣應急管理工作會議上的講話
同志們：應急管理是國家治理體系的重要組成部分。今天召開會議，主要是部署全縣應急管理重點工作。
一、提升應急處置能力
一是強化實戰(zhàn)練兵。要常態化開展綜合應急演練，提高隊伍實戰(zhàn)水平。
二是完善指揮體系。要建立統一高效的應急指揮平臺，確保反應迅速。
二、推動安全發（fā）展
一是加強風險監測。要運用信息化手段，實現風險早發(fā)現、早處置。
二是落實主體責任。要督促企業落實安全生產主體責任，守牢安全底線。
"""
    docs = parse_file(_write(tmp_path, "pinyin.txt", text.encode("utf-8")))
    assert len(docs) == 1
    doc = docs[0]
    assert doc.title == "在全县应急管理工作会议上的讲话"
    assert [p.heading for p in doc.parts] == ["提升应急处置能力", "推动安全发展"]
    assert [pt.lead for pt in doc.parts[0].points] == ["强化实战练兵", "完善指挥体系"]
    assert doc.parts[0].points[0].body == "要常态化开展综合应急演练，提高队伍实战水平。"
    assert [pt.lead for pt in doc.parts[1].points] == ["加强风险监测", "落实主体责任"]
    assert "早发现" in doc.parts[1].points[0].body
    every = "".join(
        [doc.title or "", doc.opening or ""]
        + [p.heading for p in doc.parts]
        + [pt.lead + pt.body for p in doc.parts for pt in p.points]
    )
    for artefact in ("zhàn", "fā", "(", "（"):
        assert artefact not in every
    for traditional in "縣會議講話實戰發現體處":
        assert traditional not in every


def test_bracketed_latin_without_tone_marks_is_kept() -> None:
    """Only tone-marked pinyin glued to a character is an artefact; other brackets stay."""
    text = "关于数字政府建设的讲话\n要加快建设政务服务平台(APP)，推进国内生产总值(GDP)统计改革，提升服务效能。\n"
    docs = parse_text(text)
    assert docs[0].opening is not None
    assert "(APP)" in docs[0].opening and "(GDP)" in docs[0].opening
