"""Bad and hostile documents (issue 15, section 4): each is refused with a Chinese message that
names the file, quickly and in bounded memory, and the other files of the same call are parsed."""

from __future__ import annotations

import io
import struct
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from drafter.corpus.parse import parse_file, parse_paths
from drafter.errors import InputError
from drafter.formats import limits
from tests.formats.test_round_trip import SPEECH_NUMBERED
from tests.formats.writers import write_docx, write_pdf

TITLE = "在全市文化建设工作会议上的讲话"
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10)
    )
    + "]>"
)


def _good_docx(tmp_path: Path, name: str = "good.docx") -> Path:
    return write_docx(tmp_path / name, SPEECH_NUMBERED, [TITLE])


def _replace_part(source: Path, target: Path, part: str, data: bytes) -> Path:
    """A copy of a .docx with one part's bytes replaced."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, data if info.filename == part else old.read(info))
    return target


def truncated_docx(tmp_path: Path) -> Path:
    data = _good_docx(tmp_path, "whole.docx").read_bytes()
    path = tmp_path / "truncated.docx"
    path.write_bytes(data[: len(data) // 2])
    return path


def corrupt_docx(tmp_path: Path) -> Path:
    """A byte of word/document.xml's compressed data changed: the CRC no longer matches."""
    source = _good_docx(tmp_path, "whole.docx")
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    path = tmp_path / "corrupt.docx"
    path.write_bytes(bytes(data))
    return path


def not_a_zip_docx(tmp_path: Path) -> Path:
    path = tmp_path / "renamed.docx"
    path.write_text("这其实是一个文本文件，只是改了后缀。\n", encoding="utf-8")
    return path


def _with_part(path: Path, name: str, data: bytes) -> Path:
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return path


def zip_bomb_docx(tmp_path: Path) -> Path:
    """A part that unpacks to 30 MB of zeros from about 30 KB, as its directory says."""
    return _with_part(_good_docx(tmp_path, "bomb.docx"), "word/media/zeros.bin", bytes(30 * 2**20))


def lying_zip_docx(tmp_path: Path) -> Path:
    """A part whose directory says 1 KB while its data unpacks to 30 MB: caught while unpacking."""
    path = _with_part(_good_docx(tmp_path, "lying.docx"), "word/zeros.xml", bytes(30 * 2**20))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("word/zeros.xml")
    struct.pack_into("<L", data, info.header_offset + 22, 1024)  # the local header's size
    at = data.find(b"PK\x01\x02")
    while at >= 0:  # the central directory entry of the part
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length] == b"word/zeros.xml":
            struct.pack_into("<L", data, at + 24, 1024)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    return path


def entity_bomb_docx(tmp_path: Path) -> Path:
    source = _good_docx(tmp_path, "whole.docx")
    with zipfile.ZipFile(source) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    body = xml[xml.index("<w:document") :].replace("同志们", "&lol9;", 1)
    bomb = BILLION_LAUGHS.replace("lolz", "w:document") + body
    return _replace_part(source, tmp_path / "entities.docx", "word/document.xml", bomb.encode())


def entity_bomb_html(tmp_path: Path) -> Path:
    path = tmp_path / "entities.html"
    page = BILLION_LAUGHS.replace("lolz", "html") + f"<html><body><p>{TITLE}</p><p>&lol9;</p>"
    path.write_text(page + "</body></html>", encoding="utf-8")
    return path


def encrypted_pdf(tmp_path: Path) -> Path:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "locked.pdf"
    encrypt = pdfencrypt.StandardEncryption("user-secret", ownerPassword="owner-secret")
    page = canvas.Canvas(str(path), encrypt=encrypt)
    page.setFont("STSong-Light", 12)
    page.drawString(72, 700, TITLE)
    page.save()
    return path


def not_a_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "report.pdf"
    path.write_text("<html><body>下载页面出错</body></html>", encoding="utf-8")
    return path


def truncated_pdf(tmp_path: Path) -> Path:
    data = write_pdf(tmp_path / "whole.pdf", SPEECH_NUMBERED, [TITLE]).read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[:400])
    return path


def scanned_pdf(tmp_path: Path) -> Path:
    """Pages with only a picture on them (what a scanner makes), no text layer."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    page = canvas.Canvas(str(path))
    for _ in range(2):
        page.rect(72, 72, 400, 600, fill=1)
        page.showPage()
    page.save()
    return path


def huge_html(tmp_path: Path) -> Path:
    path = tmp_path / "huge.html"
    with path.open("wb") as out:
        out.write(b"<html><body><p>" + "讲话".encode() * 10)
        out.truncate(50 * 2**20)  # sparse: the size is checked before any byte is read
    return path


BAD: dict[str, tuple[Callable[[Path], Path], str]] = {
    "truncated docx": (truncated_docx, "zip"),
    "corrupt docx": (corrupt_docx, "校验失败"),
    "docx that is not a zip": (not_a_zip_docx, "不是 zip"),
    "zip bomb": (zip_bomb_docx, "压缩炸弹"),
    "zip directory that lies": (lying_zip_docx, "压缩炸弹"),
    "entity bomb in docx": (entity_bomb_docx, "DTD"),
    "entity bomb in html": (entity_bomb_html, "实体"),
    "encrypted pdf": (encrypted_pdf, "密码"),
    "pdf that is not one": (not_a_pdf, "不是 PDF"),
    "truncated pdf": (truncated_pdf, "损坏"),
    "scanned pdf": (scanned_pdf, "OCR"),
    "50 MB web page": (huge_html, "文件过大"),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_a_bad_file_is_refused_naming_it_and_the_others_are_parsed(
    tmp_path: Path, kind: str
) -> None:
    make, words = BAD[kind]
    bad = make(tmp_path)
    good_before = write_pdf(tmp_path / "before.pdf", SPEECH_NUMBERED, [TITLE], header=None)
    good_after = _good_docx(tmp_path, "after.docx")
    start = time.perf_counter()
    with pytest.raises(InputError) as info:
        parse_file(bad)
    assert time.perf_counter() - start < 5
    message = info.value.user_message()
    assert str(bad) in message and words in message
    assert "Traceback" not in message

    result = parse_paths([good_before, bad, good_after])
    assert [f.source for f in result.failures] == [str(bad)]
    assert [d.source for d in result.documents] == ["before.pdf", "after.docx"]
    assert all(d.title == TITLE and len(d.parts) == 3 for d in result.documents)


def test_the_docx_parser_would_not_expand_entities_either() -> None:
    """Beneath the DTD check: python-docx's parser keeps entities unexpanded (and libxml2 stops
    an amplification), so a part the check missed could not blow up either."""
    from docx.oxml.parser import parse_xml

    with pytest.raises(SyntaxError, match="amplification"):  # lxml's XMLSyntaxError
        parse_xml((BILLION_LAUGHS + "<lolz>&lol9;</lolz>").encode())
    external = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    assert parse_xml(external.encode()).text is None


def test_an_entity_bomb_in_utf16_is_refused_as_well(tmp_path: Path) -> None:
    source = _good_docx(tmp_path)
    with zipfile.ZipFile(source) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    body = xml[xml.index("<w:document") :]
    bomb = BILLION_LAUGHS.replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
    data = (bomb.replace("lolz", "w:document") + body).encode("utf-16")
    path = _replace_part(source, tmp_path / "utf16.docx", "word/document.xml", data)
    with pytest.raises(InputError, match="DTD"):
        parse_file(path)


def test_the_html_parser_expands_no_entity(tmp_path: Path) -> None:
    """lexbor knows no DTD: a declared entity stays its name, it never grows."""
    from drafter.formats.webpage import html_blocks

    page = BILLION_LAUGHS.replace("lolz", "html") + f"<p>{TITLE}</p><p>甲&lol9;乙</p>"
    text = "\n".join(b.text for b in html_blocks(page))
    assert len(text) < 200 and "lollol" not in text


def test_the_limits_are_what_the_readme_says() -> None:
    mb = 2**20
    names = [
        *("TEXT_MAX_BYTES", "HTML_MAX_BYTES", "DOCX_MAX_BYTES", "PDF_MAX_BYTES"),
        *("PDF_MAX_PAGES", "ZIP_MAX_MEMBERS", "ZIP_MAX_UNPACKED", "ZIP_MAX_XML"),
        *("ZIP_MAX_RATIO", "ZIP_RATIO_FLOOR", "TEXT_MAX_CHARS"),
    ]
    assert [getattr(limits, name) for name in names] == [
        *(20 * mb, 10 * mb, 50 * mb, 50 * mb),
        *(2000, 5000, 200 * mb, 40 * mb),
        *(200, 1 * mb, 8 * mb),
    ]


def test_a_long_repetitive_document_is_no_bomb(tmp_path: Path) -> None:
    """The same speech 400 times: its XML compresses about 70:1, well under the limit."""
    source = _good_docx(tmp_path)
    with zipfile.ZipFile(source) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    start = xml.index(">", xml.index("<w:body")) + 1
    end = xml.index("<w:sectPr")
    long_xml = xml[:start] + xml[start:end] * 400 + xml[end:]
    path = _replace_part(source, tmp_path / "long.docx", "word/document.xml", long_xml.encode())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("word/document.xml")
    assert info.file_size > limits.ZIP_RATIO_FLOOR
    assert info.file_size > info.compress_size * 40
    docs = parse_file(path)
    assert docs[0].title == TITLE


def test_a_legacy_doc_asks_to_be_saved_as_docx(tmp_path: Path) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    with pytest.raises(InputError, match=r"另存为.*\.docx") as info:
        parse_file(path)
    assert str(path) in info.value.user_message()
    wps = tmp_path / "old.wps"
    wps.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    with pytest.raises(InputError, match="wps"):
        parse_file(wps)
    with pytest.raises(InputError, match="文件不存在"):
        parse_file(tmp_path / "missing.doc")


def test_a_docx_with_too_much_text_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "TEXT_MAX_CHARS", 100)
    with pytest.raises(InputError, match="文字过多"):
        parse_file(_good_docx(tmp_path))


def test_a_zip_of_many_parts_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for k in range(limits.ZIP_MAX_MEMBERS + 1):
            archive.writestr(f"p/{k}", b"")
    path = tmp_path / "many.docx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(InputError, match="文件过多"):
        parse_file(path)
