"""Length: the character count, the speaking time at a given rate, and the balance of parts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median
from typing import Any

from drafter.check.findings import Finding, Severity
from drafter.check.paragraphs import CheckedDocument
from drafter.text.numerals import int_to_chinese

_BLANK = re.compile(r"\s+")
_UNEVEN = 2.0  # a part this many times the others' mean (or a fraction as small) is noted
_VERY_UNEVEN = 3.0  # … and from this on it is a warning


@dataclass(frozen=True)
class LengthStats:
    characters: int  # every character but blanks, title left out, as Word counts 字数
    rate: int  # characters a minute
    parts: tuple[tuple[int, int], ...]  # (part number, characters)

    @property
    def minutes(self) -> float:
        return self.characters / self.rate

    def to_dict(self) -> dict[str, Any]:
        return {
            "characters": self.characters,
            "rate": self.rate,
            "minutes": round(self.minutes, 1),
            "parts": [{"number": n, "characters": c} for n, c in self.parts],
        }


def count(text: str) -> int:
    return len(_BLANK.sub("", text))


def measure(doc: CheckedDocument, rate: int) -> LengthStats:
    speech = [p for p in doc.speech() if p.role != "title"]
    sizes: dict[int, int] = {part.number: 0 for part in doc.parts}
    for para in speech:
        if para.location.part in sizes:
            sizes[para.location.part] += count(para.text)
    total = sum(count(p.text) for p in speech)
    return LengthStats(total, rate, tuple(sizes.items()))


def speaking_time(minutes: float) -> str:
    whole, seconds = divmod(round(minutes * 60), 60)
    return f"{whole}分{seconds:02d}秒" if whole else f"{seconds}秒"


def check_length(doc: CheckedDocument, stats: LengthStats) -> list[Finding]:
    findings = [
        Finding(
            "length.total",
            "info",
            doc.first_location(),
            f"全文{stats.characters}字（不计标题），按每分钟{stats.rate}字计，"
            f"讲完约需{speaking_time(stats.minutes)}",
        )
    ]
    if len(stats.parts) < 2:
        return findings
    heads = {part.number: doc.paragraphs[part.at].location for part in doc.parts}
    # Against the median: one long part must not make every other part look short.
    middle = median(c for _n, c in stats.parts)
    for number, size in stats.parts:
        if middle <= 0 or size <= 0:
            continue
        ratio = size / middle
        if ratio >= _UNEVEN:
            word, times = "偏长", f"是各部分中位数（{round(middle)}字）的{ratio:.1f}倍"
        elif ratio <= 1 / _UNEVEN:
            word, times = "偏短", f"只有各部分中位数（{round(middle)}字）的{ratio:.0%}"
        else:
            continue
        very = ratio >= _VERY_UNEVEN or ratio <= 1 / _VERY_UNEVEN
        severity: Severity = "warning" if very else "info"
        findings.append(
            Finding(
                "length.balance",
                severity,
                heads[number],
                f"第{int_to_chinese(number)}部分{word}：{size}字，{times}",
                "各部分篇幅大体相当为宜：压缩长的部分，或充实短的部分",
            )
        )
    return findings
