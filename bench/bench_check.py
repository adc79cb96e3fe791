"""Bench of `drafter check`'s 查重 and 提法: a 10,000-character speech against a 100,000-entry
bank and a 50 MB --against folder, built synthetically from the real corpus.

Run from the repository root: ``python bench/bench_check.py`` (``--entries``, ``--mb``,
``--chars``, ``--repeat`` to change the sizes). Everything is written to a temporary folder, the
cache included; nothing in the repository or the user's cache is touched.

The corpus (seeds/ and seeds/gov-reports/) is cut into clauses, shuffled with a fixed seed and
joined again into new sentences, so the bank and the folder hold text with the corpus's phrases
but not its 2.5 MB repeated twenty times. The speech is a tenth copied (half verbatim, half with
a few characters changed), the rest new sentences made the same way.

Printed: the time to build each index (cold) and to open it from the cache; the median time of
a check (提法 + 查重, indexes opened from the on-disk cache as a new process would) over
``--repeat`` runs; and the baseline measured in the same run: splitting the speech into
sentences and looking each up in a Python set of every indexed sentence (exact matches only),
with the ratio of the two.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import tempfile
import time
from pathlib import Path

from benchlib import REPO, git_revision, listed_runs, load_average, median, timed

_CLAUSE = re.compile(r"[^，。；！？\n]{4,40}")


def corpus_clauses() -> list[str]:
    files = sorted((REPO / "seeds").glob("*.txt")) + sorted(
        (REPO / "seeds/gov-reports").glob("*.txt")
    )
    return [m.group() for f in files for m in _CLAUSE.finditer(f.read_text(encoding="utf-8"))]


def new_sentence(rng: random.Random, clauses: list[str]) -> str:
    return "，".join(rng.choice(clauses) for _ in range(rng.randint(2, 4))) + "。"


def write_bank(folder: Path, entries: int, rng: random.Random, clauses: list[str]) -> list[str]:
    """A bank of ``entries`` points (text and a body of 2-3 sentences); its sentences."""
    from drafter.bank.store import Entry, Source, entry_id, write_kind

    folder.mkdir()
    made, sentences = [], []
    for i in range(entries):
        body = [new_sentence(rng, clauses) for _ in range(rng.randint(2, 3))]
        sentences += body
        text = f"{rng.choice(clauses)}（{i}）"
        extra = {"body": "".join(body), "heading": "", "level": 2, "set": "ps-bench", "position": 1}
        source = Source(f"bench-{i % 500}.txt", f"合成讲话 {i % 500}", 1 + i % 4)
        made.append(Entry(entry_id("point", text), "point", text, [], source, extra=extra))
    write_kind(folder, "point", made)
    return sentences


def write_folder(folder: Path, mb: float, rng: random.Random, clauses: list[str]) -> list[str]:
    """About ``mb`` MB of .txt documents of 500 KB each; their sentences."""
    folder.mkdir()
    sentences: list[str] = []
    size, number = 0, 0
    while size < mb * 1e6:
        lines, bytes_in = [], 0
        while bytes_in < 500_000:
            paragraph = [new_sentence(rng, clauses) for _ in range(rng.randint(3, 6))]
            sentences += paragraph
            lines.append("".join(paragraph))
            bytes_in += len(lines[-1].encode())
        (folder / f"材料{number:04d}.txt").write_text("\n".join(lines), encoding="utf-8")
        size, number = size + bytes_in, number + 1
    return sentences


def make_speech(chars: int, rng: random.Random, clauses: list[str], known: list[str]) -> str:
    paragraphs, length, count = [], 0, 0
    while length < chars:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            count += 1
            if count % 10 == 0:
                sentence = list(rng.choice(known))
                if count % 20 == 0:  # near-verbatim: two characters changed
                    for at in rng.sample(range(len(sentence) - 1), 2):
                        sentence[at] = "新"
                sentences.append("".join(sentence))
            else:
                sentences.append(new_sentence(rng, clauses))
        paragraphs.append("".join(sentences))
        length += len(paragraphs[-1])
    return "\n".join(paragraphs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--mb", type=float, default=50.0)
    parser.add_argument("--chars", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        os.environ["DRAFTER_CACHE_DIR"] = str(Path(tmp) / "cache")
        os.environ.pop("DRAFTER_NO_CACHE", None)
        return run(Path(tmp), args)


def run(tmp: Path, args: argparse.Namespace) -> int:
    from drafter.check import copying
    from drafter.check.copysources import sentence_key, sentence_spans
    from drafter.check.findings import Location
    from drafter.check.rules import check_tifa, load_rules

    rng = random.Random(18)
    clauses = corpus_clauses()
    rng.shuffle(clauses)
    bank, folder = tmp / "phrasebank", tmp / "against"
    known = write_bank(bank, args.entries, rng, clauses)
    known += write_folder(folder, args.mb, rng, clauses)
    mb = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
    speech = make_speech(args.chars, rng, clauses, known)
    paragraphs = [(Location(i, line=i), t) for i, t in enumerate(speech.split("\n"), 1)]
    print(f"commit {git_revision()}, load {load_average()}, cpus {os.cpu_count()}")
    print(f"bank: {args.entries} entries; --against: {mb:.1f} MB; speech: {len(speech)} chars")

    build_bank, _ = timed(lambda: copying.load_index(bank, "bank"))
    copying._LOADED.clear()
    build_folder, index = timed(lambda: copying.load_index(folder, "against"))
    print(f"index build (cold): bank {build_bank:.1f} s, --against {build_folder:.1f} s")
    print(f"index size: {len(index.shingles)} sentences, {len(index.shingles.hashes)} fingerprints")

    rules = load_rules()
    runs, cpu, result = [], [], None
    for _ in range(args.repeat):
        copying._LOADED.clear()  # open the indexes from the disk cache, as a new process does

        def check() -> copying.CopyingResult:
            check_tifa(paragraphs, rules)
            return copying.check_copying(paragraphs, [bank], [folder])

        before = time.process_time()
        seconds, result = timed(check)
        cpu.append(time.process_time() - before)
        runs.append(seconds)
    assert result is not None
    index_keys = {sentence_key(s) for s in known}

    def baseline() -> int:
        keys = [sentence_key(t[a:b]) for _, t in paragraphs for a, b in sentence_spans(t)]
        return sum(key in index_keys for key in keys)

    base_runs = [timed(baseline)[0] for _ in range(args.repeat)]
    exact = baseline()
    print(
        f"check (提法 + 查重, indexes from cache): median {median(runs):.3f} s  {listed_runs(runs)}"
    )
    # On a machine shared with other work the wall clock stretches; CPU time much less.
    print(f"check CPU time: median {median(cpu):.3f} s  {listed_runs(cpu)}")
    print(f"baseline (split + exact set lookup): median {median(base_runs) * 1000:.1f} ms")
    print(f"ratio check/baseline: {median(runs) / median(base_runs):.0f}x")
    verbatim = sum(f.rule == "copying.verbatim" for f in result.findings)
    print(
        f"found: {verbatim} verbatim, {len(result.findings) - verbatim} near "
        f"(exact lookup finds {exact}); copied share {result.copied_share:.1%}"
    )
    if median(runs) >= 1.0:
        print("WARNING: a check took 1 s or more")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
