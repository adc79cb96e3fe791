"""Every limit the document readers hold a file to, in one place, and the check of archives.

Each limit is far above any real speech or report (the largest seen, a provincial government work
report, is under 100 KB of text; as a .docx with photos, a few MB) and low enough that a hostile
file is refused in well under a second, before it can take the machine's memory or minutes.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from drafter.errors import InputError
from drafter.files.decoding import DOCUMENT_MAX_BYTES, size_text

MB = 2**20

# File sizes, checked before a byte is parsed. Plain text and markdown share the text limit.
TEXT_MAX_BYTES = DOCUMENT_MAX_BYTES  # 20 MB
# A web page's own text is rarely 1 MB; 10 MB leaves room for inline styles and pictures.
HTML_MAX_BYTES = 10 * MB
# Word documents and PDFs carry pictures and fonts beside the text.
DOCX_MAX_BYTES = 50 * MB
PDF_MAX_BYTES = 50 * MB
PDF_MAX_PAGES = 2000

# A .docx is a zip archive: its directory is checked before anything is unpacked, and each part
# is then unpacked in bounded pieces, so a directory that lies about sizes is caught too.
ZIP_MAX_MEMBERS = 5000
ZIP_MAX_UNPACKED = 200 * MB  # all parts together, pictures included
ZIP_MAX_XML = 40 * MB  # the XML parts, which are parsed into a tree (about 10 times their size)
# Word's XML compresses about 10:1 (50:1 for very repetitive text); a zip bomb, 1000:1. Parts
# under ZIP_RATIO_FLOOR are not held to the ratio: a small part cannot do harm whatever it is.
ZIP_MAX_RATIO = 200
ZIP_RATIO_FLOOR = 1 * MB

# The text a reader hands on, whatever the format: about what a 20 MB UTF-8 .txt of Chinese holds.
TEXT_MAX_CHARS = 8 * MB

_PIECE = MB
# A DTD in a part of a .docx is never Word's (OOXML forbids one); it is how entity bombs and
# external entities come in, so a part that declares one is refused before it is parsed.
# XML may come in UTF-16 too.
_DOCTYPES = tuple("<!DOCTYPE".encode(codec) for codec in ("ascii", "utf-16-le", "utf-16-be"))
_OVERLAP = max(len(d) for d in _DOCTYPES)
# A part's local header: signature, version, flags, method, time, date, CRC, sizes, name and
# extra field lengths (APPNOTE 4.3.7); the part's data follows the name and the extra field.
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"


def check_text_size(chars: int, path: Path) -> None:
    """Refuse a document whose text is longer than ``TEXT_MAX_CHARS``."""
    if chars > TEXT_MAX_CHARS:
        raise InputError(f"文档文字过多（{chars} 字，上限 {TEXT_MAX_CHARS} 字）", path=path)


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels"))


def _ratio_ok(info: zipfile.ZipInfo) -> bool:
    if info.file_size < ZIP_RATIO_FLOOR:
        return True
    return info.file_size <= max(info.compress_size, 1) * ZIP_MAX_RATIO


def check_archive(data: bytes, path: Path) -> None:
    """Refuse a zip bomb, by its directory and then by what each part really unpacks to, and a
    part that declares a DTD; ``InputError`` too for data that is not a sound zip archive.

    The parts are unpacked here in bounded pieces: python-docx unpacks each whole at once, as
    much as the data makes, whatever the directory says."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(
            "不是有效的 .docx 文件（不是完整的 zip 压缩包，可能已损坏或被截断）", path=path
        ) from exc
    if len(infos) > ZIP_MAX_MEMBERS:
        raise InputError(
            f"压缩包内文件过多（{len(infos)} 个，上限 {ZIP_MAX_MEMBERS} 个）", path=path
        )
    total = sum(i.file_size for i in infos)
    xml = sum(i.file_size for i in infos if _is_xml(i.filename))
    if total > ZIP_MAX_UNPACKED or xml > ZIP_MAX_XML:
        raise InputError(
            f"解压后过大（共 {size_text(total)}，其中 XML {size_text(xml)}；上限 "
            f"{size_text(ZIP_MAX_UNPACKED)}，XML {size_text(ZIP_MAX_XML)}），疑为压缩炸弹",
            path=path,
        )
    for info in infos:
        if not _ratio_ok(info):
            raise InputError(
                f"其中 {info.filename} 的压缩比异常（{size_text(info.compress_size)} 解压为 "
                f"{size_text(info.file_size)}），疑为压缩炸弹",
                path=path,
            )
    for info in infos:
        _check_part(data, info, path)


def _part_data(data: bytes, info: zipfile.ZipInfo, path: Path) -> bytes:
    """The compressed bytes of one part, found through its local header."""
    start = info.header_offset
    header = data[start : start + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or header[:4] != _LOCAL_SIGNATURE:
        raise InputError(f"压缩包已损坏（{info.filename} 的文件头无效）", path=path)
    *_, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    begin = start + _LOCAL_HEADER.size + name_length + extra_length
    if begin + info.compress_size > len(data):
        raise InputError(f"压缩包已损坏或被截断（{info.filename} 不完整）", path=path)
    return data[begin : begin + info.compress_size]


def _check_part(data: bytes, info: zipfile.ZipInfo, path: Path) -> None:
    """Unpack one part piece by piece: never more than its directory entry says, with the CRC it
    says, and no DTD in an XML part."""
    if info.flag_bits & 1:
        raise InputError("文档已加密（设有打开密码），请在 Word 中取消密码、另存后再试", path=path)
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise InputError(f"其中 {info.filename} 使用了 Word 不用的压缩方式，无法读取", path=path)
    pending = _part_data(data, info, path)
    inflate = zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type else None
    xml = _is_xml(info.filename)
    size = crc = 0
    tail = b""
    try:
        while pending:
            if inflate is None:
                piece, pending = pending[:_PIECE], pending[_PIECE:]
            else:
                piece = inflate.decompress(pending, _PIECE)
                pending = inflate.unconsumed_tail
                if not piece:
                    break
            size += len(piece)
            if size > info.file_size:
                raise InputError(
                    f"其中 {info.filename} 解压后比压缩包目录所记的大，疑为压缩炸弹", path=path
                )
            if xml and any(d in tail + piece for d in _DOCTYPES):
                raise InputError(
                    f"其中 {info.filename} 含有 DTD（<!DOCTYPE>），Word 文档不会有它，"
                    "疑为实体炸弹等恶意构造，拒绝读取",
                    path=path,
                )
            tail = piece[-_OVERLAP:]
            crc = zlib.crc32(piece, crc)
    except zlib.error as exc:
        raise InputError(f"压缩包已损坏（{info.filename} 无法解压）", path=path) from exc
    if size != info.file_size or crc != info.CRC:
        raise InputError(f"压缩包已损坏或被截断（{info.filename} 校验失败）", path=path)
