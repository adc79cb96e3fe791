"""Fuzzing the readers of every format (tests/test_fuzz.py's rules): any bytes under any suffix,
and real .docx and .pdf files with bytes spoilt, are read or refused with a clean error naming
the file; the web page and markdown readers take any text."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from drafter.corpus.parse import parse_file
from drafter.formats.markdown import markdown_blocks
from drafter.formats.webpage import html_blocks
from tests.formats.test_round_trip import SPEECH_NUMBERED
from tests.formats.writers import write_docx, write_pdf
from tests.test_fuzz import (
    assert_clean_error,
    check_documents,
    document_bytes,
    documents,
    fuzz,
    scratch,
)

SUFFIXES = (".html", ".htm", ".md", ".docx", ".pdf", ".doc")
MARKUP = st.sampled_from(
    (
        *("<p>", "</p>", "<h1>", "<h2>", "<br>", "<b>", "</b>", "<a href=x>", "</a>", "<script>"),
        *("<table><tr><td>", "<!--", "-->", "<!DOCTYPE html>", "&amp;", "&#20320;", "&lol;"),
        *("# ", "## ", "**", "*", "- ", "1. ", "> ", "```", "[t](u)", "![i](p)", "\\", "\n\n"),
    )
)


@functools.cache
def _sample(kind: str) -> bytes:
    writer = write_docx if kind == "docx" else write_pdf
    with tempfile.TemporaryDirectory(prefix="drafter-fuzz-") as folder:
        return writer(Path(folder) / f"s.{kind}", SPEECH_NUMBERED, []).read_bytes()


@fuzz(40)
@given(st.sampled_from(SUFFIXES), document_bytes())
def test_any_bytes_under_any_suffix_are_read_or_refused(suffix: str, data: bytes) -> None:
    with scratch() as tmp:
        path = tmp / f"讲话{suffix}"
        path.write_bytes(data)
        try:
            docs = parse_file(path)
        except Exception as exc:
            assert_clean_error(exc, path)
            return
        check_documents(docs)


@fuzz(40)
@given(
    st.sampled_from(("docx", "pdf")),
    st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=4),
    st.floats(0.05, 1),
)
def test_a_spoilt_docx_or_pdf_is_read_or_refused(
    kind: str, changes: list[tuple[float, int]], keep: float
) -> None:
    data = bytearray(_sample(kind))
    for where, value in changes:
        data[int(where * (len(data) - 1))] = value
    with scratch() as tmp:
        path = tmp / f"讲话.{kind}"
        path.write_bytes(bytes(data[: max(1, int(len(data) * keep))]))
        try:
            docs = parse_file(path)
        except Exception as exc:
            assert_clean_error(exc, path)
            return
        check_documents(docs)


@fuzz(60)
@given(st.lists(st.one_of(MARKUP, documents()), max_size=30))
def test_web_page_and_markdown_readers_take_any_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    for blocks in (html_blocks(text), markdown_blocks(text)):
        assert all(b.text.strip() for b in blocks)
        assert all(b.cue in (None, "h1", "h2", "h3", "h4", "bold") for b in blocks)
