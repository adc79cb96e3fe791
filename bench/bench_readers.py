"""Benchmark: how fast each document reader turns a file into blocks, against the .txt reader.

One speech text of ``--mb`` MB is made from the top-level seeds/ (repeated, each copy with a
numbered title) and written in every format in a temporary folder (removed afterwards): .txt
(UTF-8), .docx (heading styles, bold and Word's automatic numbering, as tests/formats writes it,
the body repeated in its XML so that making a big file stays fast), .html (in a site's frame),
.md and .pdf (reportlab; a smaller text by default, ``--pdf-mb``: a PDF of a few MB of Chinese is
hundreds of pages). Each reader (``drafter.formats.read_blocks``) reads its file ``--repeat``
times; the figures are medians, in MB of the speech's text (UTF-8) per second, so that formats
whose files carry more than text compare on what they deliver. The .txt reader is the baseline:
``ratio`` is its time per MB over the reader's. For scale, the line ``parse`` times what every
format goes through after reading (``drafter.corpus.parse.parse_blocks`` on the .txt blocks).

Run:  python bench/bench_readers.py [--mb 3] [--pdf-mb 0.2] [--repeat 5]
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from benchlib import git_revision, listed_runs, load_average, median, timed

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # the writers of tests/formats make the files

from drafter.corpus.parse import parse_blocks  # noqa: E402
from drafter.formats import read_blocks  # noqa: E402
from tests.formats.writers import write_docx, write_html, write_md, write_pdf  # noqa: E402

MB = 1_000_000  # figures are in MB = 10^6 bytes


def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").glob("*.txt"))]


def speech_text(target: int) -> str:
    """The seeds, one after another with numbered titles, until the text holds ``target`` bytes."""
    seeds = seed_texts()
    parts: list[str] = []
    size = number = 0
    while size < target:
        seed = seeds[number % len(seeds)]
        number += 1
        first, _, rest = seed.strip().partition("\n")
        part = f"{first}（{number}）\n{rest}\n"
        parts.append(part)
        size += len(part.encode())
    return "".join(parts)


def write_big_docx(path: Path, text: str, copies: int) -> Path:
    """A .docx of ``text`` with its body repeated ``copies`` times in the XML: python-docx takes
    quadratic time to add paragraphs one by one."""
    small = write_docx(path.with_name("small.docx"), text, [])
    with zipfile.ZipFile(small) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = parts["word/document.xml"].decode("utf-8")
    start = xml.index(">", xml.index("<w:body")) + 1
    end = xml.rindex("<w:sectPr")
    parts["word/document.xml"] = (xml[:start] + xml[start:end] * copies + xml[end:]).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def make_files(folder: Path, mb: float, pdf_mb: float) -> dict[str, tuple[Path, int]]:
    """Each format's file and the UTF-8 size of the text it holds."""
    text = speech_text(int(mb * MB))
    size = len(text.encode())
    # The .docx repeats the body of all five seeds: its XML is over DEFLATE's 32 KB window, so
    # the file compresses like a real document, not like one paragraph copied a thousand times.
    unit = speech_text(sum(len(t.strip().encode()) for t in seed_texts()))
    copies = max(1, round(size / len(unit.encode())))
    pdf_text = speech_text(int(pdf_mb * MB))
    txt = folder / "speech.txt"
    txt.write_text(text, encoding="utf-8")
    return {
        "txt": (txt, size),
        "docx": (write_big_docx(folder / "speech.docx", unit, copies), len(unit.encode()) * copies),
        "html": (write_html(folder / "speech.html", text), size),
        "md": (write_md(folder / "speech.md", text), size),
        "pdf": (write_pdf(folder / "speech.pdf", pdf_text), len(pdf_text.encode())),
    }


def measure(call: Callable[[], object], repeat: int) -> list[float]:
    call()  # warm-up: imports, OpenCC's dictionaries, caches
    return [timed(call)[0] for _ in range(repeat)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--mb", type=float, default=3.0, help="text per file in MB (default 3)")
    parser.add_argument("--pdf-mb", type=float, default=0.2, help="text in the PDF (default 0.2)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds per reader (default 5)")
    args = parser.parse_args(argv)
    if args.mb <= 0 or args.pdf_mb <= 0 or args.repeat < 1:
        parser.error("--mb and --pdf-mb must be > 0 and --repeat >= 1")
    print(f"python: {platform.python_version()} ({sys.executable})")
    print(f"drafter commit: {git_revision()}")
    print(f"load average: {load_average()}")
    print(f"rounds: {args.repeat} (figures are medians; MB = 10^6 bytes of the text, UTF-8)")
    with tempfile.TemporaryDirectory(prefix="drafter-bench-readers-") as tmp:
        files = make_files(Path(tmp), args.mb, args.pdf_mb)
        results: dict[str, float] = {}
        for kind, (path, text_bytes) in files.items():
            runs = measure(lambda path=path: read_blocks(path), args.repeat)  # type: ignore[misc]
            speed = text_bytes / MB / median(runs)
            results[kind] = speed
            file_mb = path.stat().st_size / MB
            ratio = speed / results["txt"]
            print(
                f"{kind:5} file {file_mb:6.2f} MB, text {text_bytes / MB:5.2f} MB: "
                f"{speed:7.2f} MB/s, ratio to txt {ratio:.4f} (runs {listed_runs(runs)} s)"
            )
        txt_path, txt_bytes = files["txt"]
        blocks = read_blocks(txt_path)
        runs = measure(lambda: parse_blocks(blocks), max(1, args.repeat // 2))
        speed = txt_bytes / MB / median(runs)
        print(f"parse (after any reader): {speed:.2f} MB/s (runs {listed_runs(runs)} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
