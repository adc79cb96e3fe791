"""Telling the same speech saved twice (another file name, other web noise) from a new one.

A speech is known by the set of its sentences (folded, eight characters or more): a copy from
another site keeps nearly all of them and adds or loses only what noise removal left behind,
while two different speeches, even two years' reports of one government, share a few percent.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from drafter.corpus.models import Document
from drafter.mining.entries import speech_texts
from drafter.text.normalize import fold_normalized
from drafter.text.sentences import split_sentences

_MIN_SENTENCE = 8  # shorter sentences ("各位代表：") are shared by many speeches
# The share of sentences two copies have in common, of the larger one. Between different
# speeches of the bundled corpus it is 4 % at most.
_SAME = 0.8

Fingerprint = frozenset[bytes]


def fingerprint(doc: Document) -> Fingerprint:
    """The speech's sentences, each as a short digest (the same in every process)."""
    found: set[bytes] = set()
    for text in [*(p.heading for p in doc.parts), *speech_texts(doc)]:
        for sentence in split_sentences(text):
            key = fold_normalized(sentence)
            if len(key) >= _MIN_SENTENCE:
                found.add(hashlib.blake2b(key.encode(), digest_size=8).digest())
    if not found:  # a speech of short lines only: its headings stand for it
        whole = "\0".join(fold_normalized(p.heading) for p in doc.parts)
        found.add(hashlib.blake2b(whole.encode(), digest_size=8).digest())
    return frozenset(found)


@dataclass
class Duplicates:
    """The speeches seen so far; each new one is matched against them, in the order given."""

    prints: list[Fingerprint] = field(default_factory=list)
    postings: dict[bytes, list[int]] = field(default_factory=dict)

    def first_copy(self, print_: Fingerprint) -> int | None:
        """The number of the earlier speech this one copies, or None; then it is remembered."""
        shared: Counter[int] = Counter()
        for key in print_:
            shared.update(self.postings.get(key, ()))
        for number, count in sorted(shared.items()):
            if count >= _SAME * max(len(print_), len(self.prints[number])):
                return number
        number = len(self.prints)
        self.prints.append(print_)
        for key in print_:
            self.postings.setdefault(key, []).append(number)
        return None
