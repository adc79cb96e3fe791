"""The checker on random text: it never crashes, and every finding points inside the text."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter.check.runner import CheckRequest, check_file
from drafter.errors import DrafterError
from tests.check.conftest import BANK

_PIECES = st.sampled_from(
    [
        "一、", "二、", "三、", "（一）", "（二）", "一是", "加强", "坚持", "，", "。", "“", "”",
        "总书记指出：“", "担当作为", "\n", "\n\n", "的", "干部", "——", "1.", " ", "党的十八以来",
    ]
)  # fmt: skip
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=60).map("".join)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT)
def test_random_text_never_crashes(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "随机.txt"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            report = check_file(CheckRequest(path, (BANK,), repeat_limit=2))
        except DrafterError:
            return  # an empty or undecodable file is refused with a message, as it should be
        count = len(report.document.paragraphs)
        for finding in report.findings:
            assert 1 <= finding.location.paragraph <= max(count, 1)
            assert finding.message
        report.to_dict()
