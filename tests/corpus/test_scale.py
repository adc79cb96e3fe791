"""Hostile sizes: memory and work grow linearly with the input, and results stay those of the
all-against-all definitions on inputs of real size.

Growth is checked by counting (allocated bytes under tracemalloc, pairs of texts compared by
the parallel-heading search), never by timing; a budget stops the count early, so the quadratic code
these tests were written against fails in a moment instead of eating the machine.
"""

from __future__ import annotations

import random
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from drafter.corpus import noise
from drafter.corpus.noise import Para, _dedupe, clean_lines
from drafter.corpus.parse import parse_text
from drafter.text import parallel
from drafter.text.normalize import fold_normalized
from drafter.text.numerals import int_to_chinese
from drafter.text.parallel import Shape, parallel_group, similarity
from drafter.text.sentences import split_sentences


def numbered_clauses(count: int) -> str:
    """A regulation of ``count`` similar clauses, 第一条 … (only 一 … 九十九 read as numbering)."""
    rng = random.Random(count)
    verbs = ("加强", "规范", "推进", "落实", "完善", "健全")
    things = ("安全生产管理", "工作人员培训", "资金使用监督", "信息公开制度", "应急处置机制")
    lines = ["某某管理条例"]
    for i in range(1, count + 1):
        lines.append(
            f"第{int_to_chinese(i)}条 各单位应当{rng.choice(verbs)}{rng.choice(things)}。"
            "具体办法由主管部门另行制定，报上级机关备案。"
        )
    return "\n".join(lines) + "\n"


class _Budget(Exception):
    """Raised by a counter when the work it counts passes its budget."""


@contextmanager
def counted_similarity(monkeypatch: pytest.MonkeyPatch, budget: int) -> Iterator[list[int]]:
    """Count the pairs of texts the parallel-heading search compares (its unit of work);
    past ``budget`` the count raises ``_Budget`` at once."""
    count = [0]
    original = parallel.similarity

    def counting(a: Shape, b: Shape) -> int:
        count[0] += 1
        if count[0] > budget:
            raise _Budget(f"more than {budget} comparisons")
        return original(a, b)

    with monkeypatch.context() as patch:
        patch.setattr(parallel, "similarity", counting)
        yield count


def peak_bytes(func: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# ── item 1: a paragraph of many sentences ──────────────────────────────────────────────────


def test_paragraph_of_many_repeated_sentences_parses_in_linear_memory() -> None:
    """ "加强学习。" × 4,000 in one line: every prefix and suffix of the sentence list took
    about 2,000 bytes per input byte (a 1 MB file passed 22 GB); now a small constant."""
    text = "加强学习。" * 4000
    size = len(text.encode())
    documents: list[Any] = []
    peak = peak_bytes(lambda: documents.extend(parse_text(text, "one-line.txt")))
    assert peak < 50 * size, f"{peak} bytes for a {size}-byte input"
    assert len(documents) == 1
    assert documents[0].opening == text  # one paragraph, nothing of it dropped


def test_memory_per_sentence_does_not_grow_with_the_paragraph() -> None:
    small = peak_bytes(lambda: clean_lines("加强学习。" * 1000))
    large = peak_bytes(lambda: clean_lines("加强学习。" * 4000))
    assert large < 5 * small  # four times the sentences: linear is 4×, quadratic 16×


def _quadratic_dedupe(paras: list[Para]) -> list[Para]:
    """The definition: keys are the folded sentence tuples, pieces every proper prefix/suffix."""
    kept: list[Para | None] = []
    full: dict[tuple[str, ...], int] = {}
    parts: set[tuple[str, ...]] = set()
    for para in paras:
        if para.role != "text" or len(para.text) < 6:
            kept.append(para)
            continue
        key = tuple(fold_normalized(s) for s in split_sentences(para.text))
        if key in full or key in parts:
            continue
        for piece in [key[:k] for k in range(1, len(key))] + [key[k:] for k in range(1, len(key))]:
            earlier = full.pop(piece, None)
            if earlier is not None:
                kept[earlier] = None
            parts.add(piece)
        full[key] = len(kept)
        kept.append(para)
    return [p for p in kept if p is not None]


def test_dedupe_keeps_and_drops_what_the_definition_does() -> None:
    rng = random.Random(12)
    sentences = ["加强学习。", "提高认识！", "抓好落实。", "狠抓落实。", "抓好 落实。", "A。"]
    for _ in range(1500):
        paras = [
            Para(
                "".join(rng.choice(sentences) for _ in range(rng.randint(1, 5))),
                line,
                rng.choice(["text", "text", "text", "byline"]),
            )
            for line in range(rng.randint(1, 8))
        ]
        assert _dedupe(paras) == _quadratic_dedupe(paras), paras


def test_slogan_lines_before_an_advertisement_take_linear_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An advertisement grew by one line per pass over the file: quadratic on a long run."""
    checks = [0]
    original = noise._is_short_unpunctuated

    def counting(text: str) -> bool:
        checks[0] += 1
        if checks[0] > 20_000:
            raise _Budget("quadratic")
        return original(text)

    monkeypatch.setattr(noise, "_is_short_unpunctuated", counting)
    lines = [f"诚信经营第{i}号店" for i in range(2000)]
    kept = clean_lines("\n".join([*lines, "咨询电话：0371-66668888", "正文第一句话。"]))
    assert [p.text for p in kept] == ["正文第一句话。"]
    assert checks[0] <= 3 * len(lines)


# ── item 2: many similar paragraphs ────────────────────────────────────────────────────────


def test_numbered_clauses_take_work_linear_in_their_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Parallel-heading search compared every pair and regrew a group from every seed:
    300 similar paragraphs took 70 s. Its work must grow with the count, not its square."""
    counts = []
    for clauses in (400, 800):
        with counted_similarity(monkeypatch, budget=100 * clauses) as count:
            parse_text(numbered_clauses(clauses), "clauses.txt")
        counts.append(count[0])
    # The clauses past 第九十九条 are the candidates: 301, then 701 (2.3 times as many); all
    # pairs of them would be 5.4 times as many.
    assert counts[1] < 3 * counts[0], counts


def unnumbered_openings(count: int, mark: str) -> str:
    """A speech of ``count`` paragraphs that open alike without numbers ("加强…管理，……")."""
    rng = random.Random(count)
    verbs = ("加强", "规范", "推进", "落实", "完善", "健全")
    things = ("安全生产管理", "工作人员培训", "资金使用监督", "信息公开制度", "应急处置机制")
    lines = ["某某讲话", "同志们：今天召开这次会议，主要任务是研究部署下一阶段工作。"]
    for i in range(count):
        lines.append(
            f"{rng.choice(verbs)}{rng.choice(things)}{mark}各单位应当认真研究第{i}项工作，"
            "具体办法由主管部门另行制定，报上级机关备案。"
        )
    return "\n".join(lines) + "\n"


@contextmanager
def counted_shapes(budget: int) -> Iterator[list[int]]:
    """Count the shape comparisons of the unnumbered-structure rules; past ``budget`` the count
    raises ``_Budget`` at once."""
    from drafter.corpus import unnumbered

    count = [0]
    original = parallel.same_shape

    def counting(a: Shape, b: Shape) -> bool:
        count[0] += 1
        if count[0] > budget:
            raise _Budget(f"more than {budget} comparisons")
        return original(a, b)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(unnumbered, "same_shape", counting)
        yield count


@pytest.mark.parametrize("mark", ["，", "。"], ids=["clause", "sentence"])
def test_unnumbered_openings_take_work_linear_in_their_count(mark: str) -> None:
    """Run-in openings tied by a skeleton were compared all against all; the shapes each is
    compared with are now the set's first members, so the work grows with the count."""
    counts = []
    for n in (300, 600):
        with counted_shapes(budget=100 * n) as count:
            parse_text(unnumbered_openings(n, mark), "speech.txt")
        counts.append(count[0])
    assert counts[1] < 2.5 * max(counts[0], 1), counts


@pytest.mark.parametrize("shared_word", [False, True])
def test_thousands_of_similar_texts_form_one_group_in_linear_work(
    monkeypatch: pytest.MonkeyPatch, shared_word: bool
) -> None:
    counts = []
    for n in (500, 1000):
        texts = [f"第{i:04d}条 各单位应当加强管理。" for i in range(1, n + 1)]
        with counted_similarity(monkeypatch, budget=100 * n) as count:
            group = parallel_group(texts, min_size=3, threshold=3, shared_word=shared_word)
        assert group == list(range(n))
        counts.append(count[0])
    assert counts[1] < 2.2 * counts[0], counts


def test_every_clause_past_the_numbering_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clauses 一 … 九十九 are numbered parts; the ones after them (第一百条 …) are parallel
    leads of the last part, all of them, not only the first 300 candidates."""
    with counted_similarity(monkeypatch, budget=80_000):  # all pairs of 300: 89,700
        (document,) = parse_text(numbered_clauses(1000), "clauses.txt")
    assert len(document.parts) == 99
    leads = [point.lead for point in document.parts[-1].points]
    assert len(leads) == 901
    assert leads[0].startswith("第一百条") and leads[-1].startswith("第一千条")


def _all_pairs_group(
    texts: list[str], min_size: int = 2, threshold: int = 2, shared_word: bool = False
) -> list[int]:
    """The definition: a group grown greedily from every seed over the full similarity matrix."""
    shapes = [Shape.of(t) for t in texts]
    n = len(shapes)
    if n < min_size:
        return []
    sim = [[similarity(shapes[i], shapes[j]) if i != j else 99 for j in range(n)] for i in range(n)]
    best: list[int] = []
    best_score = -1
    for seed in range(n):
        group = [seed]
        common = shapes[seed].bigrams
        while True:
            pick, pick_score = -1, -1
            for j in range(n):
                if j in group or any(sim[j][g] < threshold for g in group):
                    continue
                if shared_word and not (common & shapes[j].bigrams):
                    continue
                total = sum(sim[j][g] for g in group)
                if total > pick_score:
                    pick, pick_score = j, total
            if pick < 0:
                break
            group.append(pick)
            common = common & shapes[pick].bigrams
        if len(group) < min_size:
            continue
        score = sum(sim[a][b] for a in group for b in group if a < b)
        if (len(group), score) > (len(best), best_score):
            best, best_score = sorted(group), score
    return best


@pytest.mark.parametrize(
    "options",
    [{}, {"threshold": 3}, {"min_size": 3, "threshold": 3, "shared_word": True}],
    ids=["default", "threshold-3", "strict"],
)
def test_parallel_group_is_the_all_pairs_greedy_on_lists_of_real_size(
    options: dict[str, Any],
) -> None:
    rng = random.Random(7)
    words = ["加强", "学习", "提高", "认识", "抓好", "落实", "深化", "改革", "推动", "发展"]

    def text() -> str:
        clauses = rng.choice([1, 1, 2, 3])
        parts = [
            "".join(rng.choice(words) for _ in range(rng.randint(1, 4))) for _ in range(clauses)
        ]
        return "，".join(parts) + rng.choice(["。", "", "！"])

    for _ in range(300):
        texts = [text() for _ in range(rng.randint(0, 12))]
        assert parallel_group(texts, **options) == _all_pairs_group(texts, **options), texts
    texts = [text() for _ in range(100)]
    assert parallel_group(texts, **options) == _all_pairs_group(texts, **options)
