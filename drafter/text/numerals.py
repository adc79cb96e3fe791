"""Numbers as a speech writes them in Chinese (一、十五、一百二十): for part numbers and sources."""

from __future__ import annotations

_NUMERALS = "零一二三四五六七八九"


def int_to_chinese(value: int) -> str:
    """1 → 一, 15 → 十五, 120 → 一百二十, 1005 → 一千零五, as numbers are written in a speech
    (up to 9,999; other values stay in digits)."""
    if not 0 < value < 10_000:
        return str(value)
    if value < 10:
        return _NUMERALS[value]
    if value < 100:
        tens, ones = divmod(value, 10)
        return ("" if tens == 1 else _NUMERALS[tens]) + "十" + (_NUMERALS[ones] if ones else "")
    unit, size = ("百", 100) if value < 1000 else ("千", 1000)
    head, rest = divmod(value, size)
    if not rest:
        return _NUMERALS[head] + unit
    gap = "零" if rest < size // 10 else ""
    tail = int_to_chinese(rest)
    # 一百一十五, not 一百十五: inside a larger number the ten keeps its 一
    return _NUMERALS[head] + unit + gap + ("一" + tail if 10 <= rest < 20 else tail)
