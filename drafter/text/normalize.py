"""Normalising text: traditional to simplified, pinyin artefacts, blanks and line ends.

Punctuation is kept as the author wrote it; ``fold`` gives the key under which two texts that
differ only in script, punctuation width or spacing compare equal.
"""

from __future__ import annotations

import operator
import re
from functools import lru_cache
from typing import Any

# A tone-marked pinyin syllable in brackets right after an ideograph, as some sites print for
# polyphonic characters: "實戰(zhàn)". Requiring a tone mark keeps real bracketed Latin text.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_TONE_MARK = re.compile(f"[{_TONED}]")  # no tone mark, no pinyin: the costly pattern is skipped
_PINYIN = re.compile(rf"(?<=[\u3400-\u9fff])[（(]\s*[a-zü]*[{_TONED}][a-zü{_TONED}]*\s*[）)]")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_BLANKS = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\x0b\x0c]+")

_PUNCT_FOLD = str.maketrans(
    {
        "，": ",",
        "、": ",",
        "；": ";",
        "：": ":",
        "。": ".",
        "．": ".",
        "！": "!",
        "？": "?",
        "（": "(",
        "）": ")",
        "【": "[",
        "】": "]",
        "〔": "[",
        "〕": "]",
        "《": "<",
        "》": ">",
        "〈": "<",
        "〉": ">",
        "“": '"',
        "”": '"',
        "‘": '"',
        "’": '"',
        "'": '"',
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "—": "-",
        "–": "-",
        "－": "-",
        "～": "~",
        "…": ".",
        "·": ".",
        "•": ".",
    }
)
_FOLD_DROP = re.compile(r"\s+")


@lru_cache(maxsize=2)
def _converter(config: str) -> Any:
    import opencc  # imported lazily: building the dictionaries costs start-up time

    return opencc.OpenCC(config)


_SAMPLE = 20000
_SURROGATES = re.compile("[\ud800-\udfff]")


def undecodable(text: str) -> bool:
    """Whether text holds bytes that were not valid UTF-8 (as lone surrogates)."""
    return _SURROGATES.search(text) is not None


_BLOCK = 512


def _changed(before: str, after: str) -> int:
    """How many positions differ (``sum(map(operator.ne, before, after))``), comparing blocks
    first: a conversion changes few characters, and equal blocks are skipped in C."""
    size = min(len(before), len(after))
    changed = 0
    for at in range(0, size, _BLOCK):
        end = min(at + _BLOCK, size)
        a, b = before[at:end], after[at:end]
        if a != b:
            changed += sum(map(operator.ne, a, b))
    return changed


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified ones (phrase-aware, via OpenCC).

    Traditional text goes through OpenCC's ``tw2s``, which also resolves 著 to 着 where it is the
    particle or verb (著力 -> 着力, 隨著 -> 随着). On simplified text that would corrupt 显著 or
    原著, so text that is already (nearly all) simplified only gets ``t2s`` for stray characters.
    """
    if not text or text.isascii():
        return text
    try:
        simple = str(_converter("t2s").convert(text))
    except UnicodeEncodeError:
        # Lone surrogates (bytes that were not UTF-8, kept by Python's surrogateescape) cannot
        # pass OpenCC's UTF-8 interface: they become U+FFFD. Callers refuse such input first
        # where a person can fix it; this keeps every other path from crashing.
        text = _SURROGATES.sub("\ufffd", text)
        simple = str(_converter("t2s").convert(text))
    sample = text[:_SAMPLE]
    changed = _changed(sample, simple[:_SAMPLE])
    if changed * 200 < len(sample):
        return simple
    return str(_converter("tw2s").convert(text))


def strip_pinyin(text: str) -> str:
    """Remove bracketed tone-marked pinyin glued to a character, e.g. "實戰(zhàn)" -> "實戰"."""
    if _TONE_MARK.search(text) is None:
        return text
    return _PINYIN.sub("", text)


def normalize_text(raw: str) -> str:
    """Normalise a whole document: line ends, blanks, pinyin artefacts, script."""
    text = (
        raw.replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\u2028", "\n")
        .replace("\u2029", "\n")
    )
    text = _ZERO_WIDTH.sub("", text)
    text = _BLANKS.sub(" ", text)
    text = strip_pinyin(text)
    text = to_simplified(text)
    return "\n".join(line.strip() for line in text.split("\n"))


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """The comparison key of a text: simplified, punctuation folded to one width, no blanks."""
    return _FOLD_DROP.sub("", to_simplified(text).translate(_PUNCT_FOLD)).lower()


@lru_cache(maxsize=1 << 16)  # drafting compares the same bank texts over and over
def fold_normalized(text: str) -> str:
    """``fold`` for text that is already simplified (skips the script conversion)."""
    return _FOLD_DROP.sub("", text.translate(_PUNCT_FOLD)).lower()


_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_WIDE_PUNCT = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


# What any of the patterns below needs to find: without one of these, polish changes nothing.
_POLISH_CUES = re.compile(r'[A-Z(,;:?!."\s]')


@lru_cache(maxsize=1)
def _polish_patterns() -> tuple[re.Pattern[str], ...]:
    """Compiled on first use: drafting from a cached index need not pay for them."""
    return (
        # Some sites print a placeholder letter for the leader's name: "A总书记", "A新时代中国特色…".
        re.compile(r"(?<![A-Za-z])[A-Z](?=总书记|新时代中国特色社会主义思想)"),
        re.compile(r"\(([^()]*)\)"),
        # Half-width punctuation that touches a Chinese character (or a Chinese mark) is Chinese
        # punctuation typed on the wrong keyboard; "1,000" or "A:B" stay as they are.
        re.compile(
            rf"(?<=[{_CJK}“”‘’。，；：！？、）》])\s*([,;:?!])\s*|\s*([,;:?!])\s*(?=[{_CJK}“‘（《])"
        ),
        re.compile(rf"(?<=[{_CJK}”’）])\.(?!\d)"),
        re.compile(
            rf"(?<=[{_CJK}，。；：！？、“”（）《》])\s+(?=[{_CJK}，。；：！？、“”（）《》])"
        ),
    )


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _widen_brackets(m: re.Match[str]) -> str:
    """Brackets with Chinese inside or on either side are Chinese brackets: 关于(2024)的."""
    text, inner = m.string, m.group(1)
    before = text[m.start() - 1] if m.start() else ""
    after = text[m.end()] if m.end() < len(text) else ""
    if any(_is_cjk(c) for c in (before, after, inner[:1], inner[-1:]) if c):
        return f"（{inner}）"
    return m.group(0)


def _curly_quotes(text: str) -> str:
    out: list[str] = []
    opened = False
    for char in text:
        if char == '"':
            out.append("”" if opened else "“")
            opened = not opened
        else:
            out.append(char)
    return "".join(out)


def polish(text: str) -> str:
    """Text fit to print in a draft: full-width Chinese punctuation, no stray blanks or letters."""
    if not text or not _POLISH_CUES.search(text):
        return text  # the common case, a theme or keyword typed in Chinese: nothing to mend
    name, paren, near_cjk, full_stop, cjk_gap = _polish_patterns()
    text = name.sub("习近平", text)
    text = paren.sub(_widen_brackets, text)
    text = near_cjk.sub(lambda m: _WIDE_PUNCT[m.group(1) or m.group(2)], text)
    text = full_stop.sub("。", text)
    if '"' in text:
        text = _curly_quotes(text)
    return cjk_gap.sub("", text.strip())


def simplify_input(text: str) -> str:
    """Typed input to simplified script; text GB2312 can encode is simplified already, which
    spares loading OpenCC's dictionaries on every command."""
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return to_simplified(text)
    return text
