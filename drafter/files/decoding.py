"""Reading raw files into text: encoding detection for UTF-8, GB18030/GBK and Big5."""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path

from drafter.errors import DrafterError, InputError

# The most frequent characters of Chinese prose, in both scripts. A wrong guess between GB18030
# and Big5 still decodes to valid ideographs, but almost never to these.
_COMMON = frozenset(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子"
    "说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当"
    "使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你"
    "明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果"
    "料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农"
    "指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济"
    "阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示"
    "议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装"
    "影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克"
    "何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适"
    "属圆包火住调满县局照参红细引听该铁价严龙飞"
    "這個為們來時會國說發過對學動後還經當種與開進實現機體點業應義麼從間樣關問題黨員務將幹"
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


# Control bytes that text does not hold (tab, line feed, form feed, carriage return and escape
# are allowed): more than 5 % of them means binary.
_CONTROLS = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def _looks_binary(data: bytes) -> bool:
    # The whole data, not only its first block; both scans run in C (memchr, translate).
    if b"\x00" in data:
        return True
    controls = len(data) - len(data.translate(None, _CONTROLS))
    return controls > len(data) * 0.05


_HAN = re.compile("[\u4e00-\u9fff]")
# Private-use characters and rare ideographs: what a wrong guess of encoding tends to give.
_ODD = re.compile("[\ue000-\uf8ff\u3400-\u4dbf]")


def _plausibility(text: str) -> float:
    """Share of the text's ideographs that are common ones (1.0 for text with none)."""
    sample = text[:20000]
    han = _HAN.findall(sample)
    odd = len(_ODD.findall(sample))
    if not han:
        return 0.0 if odd else 1.0
    return sum(map(_COMMON.__contains__, han)) / (len(han) + odd)


def detect_encoding(data: bytes, name: str = "<input>") -> tuple[str, str]:
    """Decode bytes and name the encoding used; ``InputError`` for binary or undecodable data."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec.removesuffix("-sig")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"文件以 BOM 标明编码，但内容无法按 {codec} 解码", path=name
                ) from exc
    if _looks_binary(data):
        raise InputError("这是二进制文件，不是文本文档", path=name)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best: tuple[float, str, str] | None = None
    for codec in ("gb18030", "big5"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text)
        if best is None or score > best[0]:
            best = (score, text, codec)
    # Random bytes sometimes decode as GB18030; real prose has a high share of common characters.
    if best is None or best[0] < 0.3:
        raise InputError("无法识别文件编码（支持 UTF-8、GB18030/GBK、Big5）", path=name)
    return best[1], best[2]


def decode_bytes(data: bytes, name: str = "<input>") -> str:
    """Decode a document's bytes, raising ``InputError`` for binary or undecodable data."""
    return detect_encoding(data, name)[0]


# A document bigger than this is refused before it is read. The largest real speech or report
# seen (a provincial government work report) is under 100 KB; 20 MB is 200 times that, and
# parsing it takes seconds at the measured 3 MB/s, not minutes.
DOCUMENT_MAX_BYTES = 20 * 2**20
_CHUNK = 2**20

# O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever. O_BINARY: no newline
# translation where the platform has it. Both are missing on some platforms.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_KINDS = (
    (stat.S_ISDIR, "目录"),
    (stat.S_ISFIFO, "命名管道（FIFO）"),
    (stat.S_ISCHR, "字符设备"),
    (stat.S_ISBLK, "块设备"),
    (stat.S_ISSOCK, "套接字"),
)


def file_kind(mode: int) -> str | None:
    """What a file that is not a regular one is, in words (None for a regular file or an
    unknown kind)."""
    return next((name for test, name in _KINDS if test(mode)), None)


def size_text(count: int) -> str:
    """A byte count as people read it (KB below a megabyte, MB above)."""
    if count < 2**20:
        return f"{count / 1024:.1f} KB"
    if count < 2**30:
        return f"{count / 2**20:.2f} MB"
    return f"{count / 2**30:.2f} GB"


def _too_big(
    error: type[DrafterError], path: Path, max_bytes: int, size: int | None = None
) -> DrafterError:
    stated = f"{size_text(size)}，" if size is not None else ""
    return error(f"文件过大（{stated}上限 {size_text(max_bytes)}）", path=path)


def _refuse_special(mode: int, error: type[DrafterError], path: Path) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise error("这是一个目录，不是文件", path=path)
    kind = file_kind(mode)
    raise error(
        f"这是{kind}，不是普通文件，拒绝读取" if kind else "这不是普通文件，拒绝读取", path=path
    )


def read_file_bytes(
    path: Path, error: type[DrafterError] = InputError, *, max_bytes: int = DOCUMENT_MAX_BYTES
) -> bytes:
    """A regular file's bytes, at most ``max_bytes`` of them; anything else becomes ``error``
    naming the file: missing, a folder, a FIFO or device, unreadable, or too big.

    The size is checked before reading, and the read itself stops one byte past the limit (a
    file can grow meanwhile, and /proc files report a size of 0), so memory stays bounded.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError as exc:
        raise error("文件不存在", path=path) from exc
    except IsADirectoryError as exc:
        raise error("这是一个目录，不是文件", path=path) from exc
    except OSError as exc:
        raise error(f"无法读取文件（{exc.strerror}）", path=path) from exc
    try:
        info = os.fstat(fd)
        _refuse_special(info.st_mode, error, path)
        if info.st_size > max_bytes:
            raise _too_big(error, path, max_bytes, info.st_size)
        # One read of the stated size (plus one byte to see the end) is the usual case.
        chunks = [os.read(fd, min(info.st_size, max_bytes) + 1)]
        total = len(chunks[0])
        while chunks[-1] and total <= max_bytes:
            chunks.append(os.read(fd, min(_CHUNK, max_bytes + 1 - total)))
            total += len(chunks[-1])
        if total > max_bytes:
            raise _too_big(error, path, max_bytes)
        return b"".join(chunks)
    except OSError as exc:
        raise error(f"无法读取文件（{exc.strerror}）", path=path) from exc
    finally:
        os.close(fd)


def read_document(path: Path) -> str:
    """Read and decode one document file."""
    data = read_file_bytes(path)
    if not data.strip():
        raise InputError("文件是空的", path=path)
    text = decode_bytes(data, str(path))
    if not text.strip():
        raise InputError("文件是空的", path=path)
    return text
