"""Finding set phrases: runs of four-character expressions, and parallel series (排比)."""

from __future__ import annotations

import re

_CJK4 = re.compile(r"^[\u4e00-\u9fff]{4}$")
_SENTENCE_BREAK = re.compile(r"[。！？!?；;：:\n]")
# Only plain clause marks delimit an expression: a piece touching quotes or brackets is a fragment.
_CLAUSE_BREAK = re.compile(r"[，,、]")
_COMMA = re.compile(r"[，,]")
_SERIES_ITEM = re.compile(r"[\u4e00-\u9fff]{2,9}")


def four_char_runs(text: str) -> list[str]:
    """Four-character expressions that stand in runs of at least two (初心不改、虽远不怠 …)."""
    found: list[str] = []
    for sentence in _SENTENCE_BREAK.split(text):
        if len(sentence) < 9:  # two expressions and a mark between them
            continue
        pieces = [p.strip() for p in _CLAUSE_BREAK.split(sentence)]
        run: list[str] = []
        for piece in [*pieces, ""]:
            if len(piece) == 4 and _CJK4.match(piece):
                run.append(piece)
                continue
            if len(run) >= 2:
                found.extend(run)
            run = []
    return found


def _items_parallel(items: list[str]) -> bool:
    lengths = sorted(len(i) for i in items)
    median = lengths[len(lengths) // 2]
    if median < 3 or any(abs(len(i) - median) > 1 for i in items):
        return False
    if len(set(lengths)) == 1:
        return True
    common = set(items[0]).intersection(*items[1:])
    return bool(common)


def series(text: str) -> list[str]:
    """Parallel series of three or more items joined by "、" (让有为者有位、能干者能上、优秀者优先)."""
    found: list[str] = []
    for sentence in _SENTENCE_BREAK.split(text):
        if sentence.count("、") < 2:  # a series has three items at least
            continue
        for clause in _COMMA.split(sentence):
            if clause.count("、") < 2:
                continue
            items = [i.strip() for i in clause.split("、")]
            if len(items) < 3 or any(not _SERIES_ITEM.fullmatch(i) for i in items):
                continue
            rest = items[1:]
            first = items[0]
            longest = max(len(i) for i in rest)
            if len(first) > longest:
                # The first item may carry words that lead into the series: keep its tail.
                first = first[len(first) - longest :]
            candidate = [first, *rest]
            if _items_parallel(candidate):
                found.append("、".join(candidate))
    return found
