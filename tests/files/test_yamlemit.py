"""The quick YAML writer gives PyYAML's text exactly, or leaves the data to PyYAML."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from drafter.bank.store import KINDS, read_kind
from drafter.files.yamlemit import fast_dump, plain_text
from drafter.files.yamlio import dump_yaml, plain
from tests.conftest import ROOT

# Characters and words that decide PyYAML's choice of style: indicators, blanks and breaks,
# characters it escapes, and texts its resolvers read as numbers, flags, nulls or dates.
_CHARS = [
    *"ab yntoNYFT~=<.:#-?!&*|>'\"%@`[]{},\t\n\r\x00\x85\x7f",
    *"\u2028\ufeff\ud800\u00a0\u3000“：发展019ex_",
]
_WORDS = [
    "yes",
    "No",
    "ON",
    "off",
    "null",
    "Null",
    "~",
    "true",
    "FALSE",
    "1.5",
    "0x1F",
    "0o17",
    "1_000",
    "12:30",
    "-3",
    "+4",
    ".inf",
    ".NaN",
    "2024-01-01",
    "2024-01-01 10:00:00",
    "<<",
    "=",
    "---",
    "...",
    "- a",
    "a: b",
    "a #b",
    "a:",
    "h-0a1b2c3d4e",
    "000_16ff8d5d1e840d54.txt",
    "gov-reports/2025-CN.txt",
    "坚持党的全面领导，推动高质量发展",
]
texts = st.one_of(st.sampled_from(_WORDS), st.text(st.sampled_from(_CHARS), max_size=12))
scalars = st.one_of(
    texts, st.integers(-(10**12), 10**12), st.booleans(), st.none(), st.floats(allow_nan=False)
)
data = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(texts, inner, max_size=4)),
    max_leaves=12,
)


def _pyyaml(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=1_000_000, indent=2)


@settings(max_examples=600, deadline=None)
@given(data)
def test_dump_yaml_is_pyyamls_text(value: Any) -> None:
    assert dump_yaml(value) == _pyyaml(value)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_plain_texts_read_back_as_themselves(text: str) -> None:
    if plain_text(text):
        assert _pyyaml([text]) == f"- {text}\n"
        assert yaml.safe_load(f"- {text}\n") == [text]


def test_bundled_bank_entries_take_the_quick_path() -> None:
    """Nearly every entry is written without PyYAML, and each one as PyYAML writes it."""
    quick = total = 0
    for kind in KINDS:
        for entry in read_kind(ROOT / "phrasebank", kind)[:300]:
            item = plain([entry.to_dict()])  # as dump_yaml hands it over
            text = fast_dump(item)
            total += 1
            if text is not None:
                quick += 1
                assert text == _pyyaml(item)
    assert quick >= total * 0.95
