"""Benchmark: drafter's start-up time, and drafting from a large synthetic phrase bank.

Everything is written into a temporary directory (removed afterwards): the synthetic bank, the
drafter index cache (``DRAFTER_CACHE_DIR``, set for every subprocess and in-process call) and the
bytecode cache of the timed subprocesses (``PYTHONPYCACHEPREFIX``); nothing goes into the
repository or the home folder. A fixed random seed keeps runs comparable.

Start-up (subprocesses, run in alternation, medians reported):

* ``drafter draft --theme 激励干部担当作为 --seed 1`` on the bundled bank, warm index cache,
  as a ratio to ``python -c "import typer, rich, jinja2, yaml"`` (aim: at most 1.5x);
* for context ``drafter --version``, ``python -c pass``, and the same draft without bytecode
  cache writes (``PYTHONDONTWRITEBYTECODE=1``, as some environments run Python).

Large bank (default 100,000 entries, written as YAML with the shapes of the bundled bank):

* cold index build: the first ``load_index`` with an empty cache (YAML parse, index, cache write);
* warm draft in-process: ``compose(load_index(bank), DraftRequest(theme, parts=4, seed=s))`` for
  several seeds, the cache load alone, and the same for a theme that is not in themes.yaml;
* warm ``drafter draft --bank DIR --theme … --parts 4 --seed N`` as a subprocess (aim: < 0.5 s).

Run:  /tmp/venv/bin/python bench/bench_draft.py [--quick] [--entries 100000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import json
import os
import platform
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from benchlib import git_revision, timed

if TYPE_CHECKING:  # drafter is imported where used, after main() redirects the bytecode cache
    from drafter.bank.lexicon import Lexicon
    from drafter.bank.store import Bank

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "phrasebank"
MB = 1_000_000  # figures are in MB = 10^6 bytes
RANDOM_SEED = 0
THEME = "激励干部担当作为"  # in themes.yaml: fixed dimensions
FREE_THEME = "提升干部服务群众能力"  # not in themes.yaml: dimensions from its words
DRAFT_PARTS = 4
STARTUP_AIM = 1.5  # drafter draft / imports
WARM_AIM = 0.5  # seconds for a warm draft on the large bank

# Shares of the synthetic bank's entries by kind; heading patterns come one per heading set
# (or one per distinct skeleton with --patterns merged) and phrases take what is left.
SHARES = {
    "point": 0.38,
    "heading": 0.19,
    "part_lead": 0.14,
    "quotation": 0.05,
    "opening": 0.008,
    "closing": 0.003,
}
FOUR_PARTS_SHARE = 0.5
SECOND_DIM_SHARE = 0.15
PHRASE_SERIES_SHARE = 0.15
PHRASE_ALSO_IN_SHARE = 0.1
QUOTE_SPEAKER_SHARE = 0.6
POINT_TWO_CLAUSES_SHARE = 0.4
PLAIN_SKELETONS = (("…，…", 0.55), ("…", 0.15))  # the rest of the sets get anchored skeletons
SPEAKERS = (("习近平总书记", "强调"), ("习近平总书记", "指出"), ("总书记", "指出"))
MODALS = "想会敢能善愿勇乐肯真"
ADVERBS = ("乐于", "争相", "主动", "敢于", "践行", "自觉", "勇于", "善于", "积极", "奋力")
_VERB_TEXT = (
    "筑牢锤炼注重树立锻造聚焦强化抓实坚持健全完善激发"
    "夯实提升加强突出深化厚植压实营造优化建强擦亮用好"
    "守牢把稳涵养砥砺激活厚实擎起畅通延伸细化规范推进"
    "落实改进围绕增强提高练就拓宽织密构建搭建凝聚锚定"
    "紧扣扛牢"
)
EXTRA_VERBS = tuple(_VERB_TEXT[i : i + 2] for i in range(0, len(_VERB_TEXT), 2))
_NOUN_TEXT = (
    "动力源铁肩膀防护盾风向标指挥棒双行道压舱石助推器主心骨领头雁排头兵先锋队"
    "加油站定盘星试金石强引擎金钥匙连心桥顶梁柱生力军突击队硬脊梁稳定器指南针"
    "催化剂磨刀石练兵场蓄水池孵化器助力器晴雨表度量衡安全阀防火墙主阵地主战场"
)
QUOTE_NOUNS = tuple(_NOUN_TEXT[i : i + 3] for i in range(0, len(_NOUN_TEXT), 3))
TITLE_TAILS = ("研讨发言", "座谈发言", "交流发言", "讲话", "研讨发言材料", "心得体会")
_CLAUSE_SPLIT = re.compile(r"[，。；：！？、,;:!?\s]+")
_HAN = re.compile(r"^[\u3400-\u9fff]+$")
_PLAIN_BAD_START = set("-?:,[]{}#&*!|>'\"%@` \t")
_ASCII_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*|[0-9]+_[0-9a-f]+\.txt")
_RESERVED = {"null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf"}


# ── vocabulary from the bundled bank ────────────────────────────────────────────────────────


@dataclass
class Vocab:
    """Words and clauses of the bundled bank, by dimension, to recombine into new entries."""

    dims: list[str]
    clauses: list[str]  # prose clauses, 4-30 characters
    clauses_by_dim: dict[str, list[str]]
    verbs: list[str]  # two-character heading verbs
    objects: dict[tuple[str, int], list[str]]  # (dimension, length) -> what a verb acts on
    objects_any: dict[int, list[str]]
    words2: list[str]  # two-character words, for four-character phrases
    lengths: dict[str, list[int]]  # observed text lengths: point, body, part_lead, quotation, …


def _han_clauses(text: str) -> list[str]:
    return [c for c in _CLAUSE_SPLIT.split(text) if c and _HAN.match(c)]


def build_vocab(bank: Bank, lexicon: Lexicon) -> Vocab:
    dims = [d.name for d in lexicon.dimensions]
    entries = bank.entries
    prose: list[str] = []
    for kind in ("point", "part_lead", "opening", "quotation"):
        for e in entries[kind]:
            prose += [c for c in _han_clauses(e.text) if 4 <= len(c) <= 30]
            body = e.extra.get("body")
            if isinstance(body, str):
                prose += [c for c in _han_clauses(body) if 4 <= len(c) <= 30]
    clauses = sorted(set(prose))
    by_dim: dict[str, list[str]] = {d: [] for d in dims}
    for c in clauses:
        tag = lexicon.tag(c)[0]
        if tag in by_dim:
            by_dim[tag].append(c)
    verbs = set(EXTRA_VERBS)
    objects: set[str] = set()
    short = [e.text for e in entries["heading"]] + [e.text for e in entries["point"]]
    for text in short:  # "筑牢思想根基": a known verb and what it acts on
        for c in _han_clauses(text):
            if 4 <= len(c) <= 8 and c[:2] in verbs:
                objects.add(c[2:])
    for d in lexicon.dimensions:
        objects.update(k for k in d.keywords if 2 <= len(k) <= 4)
    four = [e.text for e in entries["phrase"] if len(e.text) == 4 and _HAN.match(e.text)]
    four += [c for c in clauses if len(c) == 4]
    objects.update(four)
    words2 = sorted({w for f in four for w in (f[:2], f[2:])} | {o for o in objects if len(o) == 2})
    by_key: dict[tuple[str, int], list[str]] = {}
    by_len: dict[int, list[str]] = {}
    for obj in sorted(objects):
        if not 2 <= len(obj) <= 6:
            continue
        by_key.setdefault((lexicon.tag(obj)[0], len(obj)), []).append(obj)
        by_len.setdefault(len(obj), []).append(obj)
    lengths = {
        "point": [len(e.text) for e in entries["point"]],
        "body": [len(str(e.extra.get("body") or "")) for e in entries["point"]],
        "part_lead": [len(e.text) for e in entries["part_lead"]],
        "quotation": [len(e.text) for e in entries["quotation"]],
        "opening": [len(e.text) for e in entries["opening"]],
    }
    lengths["body"] = [n for n in lengths["body"] if n] or [190]
    return Vocab(dims, clauses, by_dim, sorted(verbs), by_key, by_len, words2, lengths)


# ── text generation ─────────────────────────────────────────────────────────────────────────


class Writer:
    """Deterministic Chinese-looking texts recombined from the vocabulary."""

    def __init__(self, vocab: Vocab, rng: random.Random) -> None:
        self.v = vocab
        self.rng = rng

    def dim(self) -> str:
        return self.rng.choice(self.v.dims)

    def obj(self, dim: str, n: int) -> str:
        """Something a heading verb acts on, ``n`` characters, preferably of ``dim``."""
        rng = self.rng
        if n <= 0:
            return ""
        if n > 4:  # longer objects are two shorter ones: "干部队伍" + "建设"
            first = rng.choice((2, 4)) if n - 2 >= 2 else 2
            first = min(first, n - 2)
            return self.obj(dim, first) + self.obj(self.dim(), n - first)
        pool = self.v.objects.get((dim, n)) or self.v.objects_any.get(n)
        if pool:
            return rng.choice(pool)
        return "".join(rng.choice(self.v.words2) for _ in range(n // 2)) + (
            rng.choice(MODALS) if n % 2 else ""
        )

    def clause(self, dim: str, n: int) -> str:
        """A heading clause of ``n`` characters: verb + object ("筑牢思想根基")."""
        return self.rng.choice(self.v.verbs) + self.obj(dim, max(n - 2, 1))

    def prose(self, dim: str, length: int) -> str:
        """Sentences of about ``length`` characters; the first clause is on ``dim``."""
        rng, v = self.rng, self.v
        out: list[str] = []
        size = 0
        in_sentence = 0
        first = v.clauses_by_dim.get(dim) or v.clauses
        clause = rng.choice(first)
        while True:
            out.append(clause)
            size += len(clause) + 1
            in_sentence += 1
            if size >= length:
                out.append("。")
                break
            if in_sentence >= rng.randint(2, 4):
                out.append("。")
                in_sentence = 0
            else:
                out.append("；" if rng.random() < 0.1 else "，")
            clause = rng.choice(v.clauses)
        return "".join(out)

    def length(self, kind: str) -> int:
        return max(4, int(self.rng.choice(self.v.lengths[kind]) * self.rng.uniform(0.7, 1.3)))


# ── skeletons: how the headings of one set are built ────────────────────────────────────────

# A piece is fixed text or a slot: (what fills it, length). Fillers: "c" clause (verb+object),
# "o" object, "v" verb, "vm" verb+modal ("激活想"), "a" adverb ("乐于"), "n" a noun in quotes.
Piece = str | tuple[str, int]
ANCHORED: tuple[tuple[Piece, ...], ...] = (
    (("c", 6), "，", ("vm", 3), "担当的“", ("n", 3), "”"),
    (("c", 4), "，", ("v", 2), "广大干部", ("a", 2), "担当的", ("o", 4)),
    ("在", ("o", 4), "上下功夫"),
    ("以", ("o", 4), "促", ("o", 4)),
    (("c", 4), "，当好", ("o", 2), "的“", ("n", 3), "”"),
    (("c", 6), "，确保“", ("n", 3), "”"),
    ("聚焦", ("o", 4), "，", ("c", 6)),
    ("坚持", ("o", 4), "，推动", ("o", 4), "走深走实"),
)


def _skeleton(rng: random.Random) -> tuple[Piece, ...]:
    roll = rng.random()
    if roll < PLAIN_SKELETONS[0][1]:
        a, b = rng.choice(((4, 4), (4, 6), (6, 6), (6, 6), (6, 4), (6, 8)))
        return (("c", a), "，", ("c", b))
    if roll < PLAIN_SKELETONS[0][1] + PLAIN_SKELETONS[1][1]:
        return (("c", rng.choice((4, 6, 6, 8))),)
    return rng.choice(ANCHORED)


def _fill_piece(w: Writer, what: str, n: int, dim: str) -> str:
    rng = w.rng
    if what == "c":
        return w.clause(dim, n)
    if what == "o":
        return w.obj(dim, n)
    if what == "v":
        return rng.choice(w.v.verbs)
    if what == "vm":
        return rng.choice(w.v.verbs) + rng.choice(MODALS)
    if what == "a":
        return rng.choice(ADVERBS)
    return rng.choice(QUOTE_NOUNS)


# ── YAML text, written directly (yaml.dump is slow for 100k entries) ────────────────────────

Yaml = str | int | bool | None | list["Yaml"] | dict[str, "Yaml"]


def _scalar(value: Yaml) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[]"
    if isinstance(value, dict):
        return "{}"
    if value == "":
        return "''"
    if value.isascii():  # ids, kinds, file names: plain unless YAML would read another type
        plain = bool(_ASCII_PLAIN.fullmatch(value)) and value.lower() not in _RESERVED
        return value if plain else json.dumps(value)
    plain = (
        value[0] not in _PLAIN_BAD_START
        and ": " not in value
        and " #" not in value
        and "\n" not in value
        and not value.endswith((":", " "))
    )
    return value if plain else json.dumps(value, ensure_ascii=False)


def _block(node: Yaml, pad: str, out: list[str]) -> None:
    """Block-style YAML of a mapping or a list, the layout ``yaml.safe_dump`` gives."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, dict) and value:
                out.append(f"{pad}{key}:")
                _block(value, pad + "  ", out)
            elif isinstance(value, list) and value:
                out.append(f"{pad}{key}:")
                _block(value, pad, out)
            else:
                out.append(f"{pad}{key}: {_scalar(value)}")
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, dict) and item:
                start = len(out)
                _block(item, pad + "  ", out)
                out[start] = f"{pad}- {out[start][len(pad) + 2 :]}"
            elif isinstance(item, list) and item:
                raise ValueError("nested lists are not used in bank files")
            else:
                out.append(f"{pad}- {_scalar(item)}")
    else:
        raise ValueError("a block is a mapping or a list")


@dataclass
class KindFile:
    kind: str
    lines: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    group: str | None = None
    count: int = 0

    def add(self, entry: dict[str, Yaml], group: str) -> None:
        if group != self.group:
            self.lines.append(f"# ── {group}")
            self.group = group
        _block([entry], "", self.lines)
        self.count += 1


# ── the synthetic bank ──────────────────────────────────────────────────────────────────────


@dataclass
class Doc:
    title: str
    file: str
    parts: list[tuple[str, str, list[str]]] = field(default_factory=list)  # id, text, dims

    @property
    def group(self) -> str:
        return f"{self.title}（{self.file}）"

    def source(self, part: int | None = None) -> dict[str, Yaml]:
        out: dict[str, Yaml] = {"file": self.file, "document": self.title}
        if part is not None:
            out["part"] = part
        return out


@dataclass
class SyntheticBank:
    directory: Path
    counts: dict[str, int]
    file_bytes: dict[str, int]
    documents: int
    seconds: float

    @property
    def entries(self) -> int:
        return sum(self.counts.values())

    @property
    def total_bytes(self) -> int:
        return sum(self.file_bytes.values())


def _targets(total: int) -> dict[str, int]:
    return {kind: round(total * share) for kind, share in SHARES.items()}


def build_bank(directory: Path, total: int, merged_patterns: bool) -> SyntheticBank:
    """Write a bank of about ``total`` entries into ``directory``: YAML text, deterministic."""
    from drafter.bank.layout import BANK_MAX_BYTES
    from drafter.bank.lexicon import load_lexicon
    from drafter.bank.store import KINDS, entry_id, load_bank
    from drafter.text.normalize import fold_normalized

    start = time.perf_counter()
    lexicon = load_lexicon(BUNDLED / "dimensions.yaml")
    vocab = build_vocab(load_bank(BUNDLED), lexicon)
    rng = random.Random(RANDOM_SEED)
    w = Writer(vocab, rng)
    files = {kind: KindFile(kind) for kind in KINDS}
    target = _targets(total)

    def new_id(kind: str, text: str) -> str | None:
        """``entry_id`` (the texts are already simplified), or None if the file has it."""
        key = f"{kind}\0{fold_normalized(text)}"
        eid = f"{KINDS[kind][1]}-{hashlib.sha1(key.encode()).hexdigest()[:10]}"
        if eid in files[kind].ids:
            return None
        files[kind].ids.add(eid)
        return eid

    # Documents: each holds one heading set (3 or 4 siblings) and the parts' material.
    docs: list[Doc] = []
    patterns: dict[str, dict[str, Yaml]] = {}  # merged: display -> entry
    pattern_order: list[tuple[Doc, dict[str, Yaml]]] = []
    themes = ["激励干部担当作为", "守初心担使命", "加强干部队伍建设", "作风建设", "基层治理"]
    n_headings = 0
    while n_headings < target["heading"]:
        number = len(docs)
        title = f"{rng.choice(themes)}{rng.choice(TITLE_TAILS)}（{number + 1}）"
        digest = hashlib.sha1(f"doc{number}".encode()).hexdigest()[:16]
        doc = Doc(title, f"{number:06d}_{digest}.txt")
        k = 4 if rng.random() < FOUR_PARTS_SHARE else 3
        made = _heading_set(w, k, rng)
        if made is None:
            continue
        skel, sibs = made
        set_id = "hs-" + hashlib.sha1("\0".join(t for t, _, _ in sibs).encode()).hexdigest()[:10]
        ids = [new_id("heading", text) for text, _, _ in sibs]
        if any(i is None for i in ids):
            for i in ids:
                files["heading"].ids.discard(i or "")
            continue
        docs.append(doc)
        for position, ((text, dims, _), hid) in enumerate(zip(sibs, ids, strict=True), start=1):
            assert hid is not None
            doc.parts.append((hid, text, dims))
            files["heading"].add(
                {
                    "id": hid,
                    "kind": "heading",
                    "text": text,
                    "set": set_id,
                    "position": position,
                    "numbering": "一、",
                    "dimensions": list[Yaml](dims),
                    "source": doc.source(position),
                    "origin": "mined",
                },
                doc.group,
            )
        n_headings += k
        _add_pattern(skel, sibs, ids, set_id, doc, merged_patterns, patterns, pattern_order)

    for doc, pattern in pattern_order:
        pid = str(pattern["id"])
        if pid not in files["heading_pattern"].ids:
            files["heading_pattern"].ids.add(pid)
            files["heading_pattern"].add(pattern, doc.group)

    # Part leads and points, attached to the parts, in document order.
    parts = [(d, p) for d in range(len(docs)) for p in range(len(docs[d].parts))]
    lead_parts = set(rng.sample(parts, min(target["part_lead"], len(parts))))
    point_counts = Counter(rng.choices(parts, k=target["point"]))
    for d, doc in enumerate(docs):
        for p, (_, heading, dims) in enumerate(doc.parts):
            if (d, p) in lead_parts:
                length = w.length("part_lead")
                _add_prose(w, files["part_lead"], new_id, doc, dims, length, p + 1, heading)
            for _ in range(point_counts[(d, p)]):
                _add_point(w, files["point"], new_id, doc, p, heading, dims)

    # Quotations, phrases, openings and closings: per document, in document order.
    per_doc = {
        kind: Counter(rng.choices(range(len(docs)), k=target[kind]))
        for kind in ("quotation", "opening", "closing")
    }
    n_phrase = total - sum(f.count for f in files.values()) - sum(target[k] for k in per_doc)
    per_doc["phrase"] = Counter(rng.choices(range(len(docs)), k=max(0, n_phrase)))
    for d, doc in enumerate(docs):
        for _ in range(per_doc["opening"][d]):
            _add_prose(w, files["opening"], new_id, doc, [w.dim()], w.length("opening"))
        for _ in range(per_doc["quotation"][d]):
            _add_quotation(w, files["quotation"], new_id, doc)
        for _ in range(per_doc["phrase"][d]):
            _add_phrase(w, files["phrase"], new_id, doc, docs)
        for _ in range(per_doc["closing"][d]):
            _add_prose(w, files["closing"], new_id, doc, [w.dim()], rng.randint(30, 120))

    # Spot check: the ids are what drafter's own entry_id gives for these texts.
    sample_text = docs[0].parts[0][1]
    if docs[0].parts[0][0] != entry_id("heading", sample_text):
        raise SystemExit("synthetic ids differ from drafter.bank.store.entry_id")

    directory.mkdir(parents=True, exist_ok=True)
    file_bytes: dict[str, int] = {}
    for kind, kf in files.items():
        name, _, what = KINDS[kind]
        head = [
            f"# drafter 素材库：{what}",
            "# 合成素材库（bench/bench_draft.py），形状与 `drafter mine` 生成的相同。",
            f"kind: {kind}",
            "entries:" if kf.count else "entries: []",
        ]
        data = ("\n".join(head + kf.lines) + "\n").encode("utf-8")
        (directory / name).write_bytes(data)
        file_bytes[name] = len(data)
        if len(data) > BANK_MAX_BYTES:
            print(f"WARNING: {name} is over drafter's {BANK_MAX_BYTES / 2**20:.0f} MiB limit")
    for name in ("dimensions.yaml", "themes.yaml"):
        shutil.copyfile(BUNDLED / name, directory / name)
    counts = {kind: kf.count for kind, kf in files.items()}
    return SyntheticBank(directory, counts, file_bytes, len(docs), time.perf_counter() - start)


def _heading_set(
    w: Writer, k: int, rng: random.Random
) -> tuple[tuple[Piece, ...], list[tuple[str, list[str], list[str]]]] | None:
    """``k`` sibling headings on one skeleton: (text, dimensions, filler per slot) each."""
    skel = _skeleton(rng)
    dims = rng.sample(w.v.dims, k)
    sibs: list[tuple[str, list[str], list[str]]] = []
    for dim in dims:
        fillers: list[str] = []
        text = ""
        for piece in skel:
            if isinstance(piece, str):
                text += piece
                continue
            what, n = piece
            if what == "c" and rng.random() < 0.1:
                n += rng.choice((-2, 2))  # now and then a sibling of another length
            fill = _fill_piece(w, what, n, dim)
            fillers.append(fill)
            text += fill
        tags = [dim]
        if rng.random() < SECOND_DIM_SHARE:
            tags.append(rng.choice([d for d in w.v.dims if d != dim]))
        sibs.append((text, tags, fillers))
    if len({t for t, _, _ in sibs}) < k:
        return None
    return skel, sibs


def _add_pattern(
    skel: tuple[Piece, ...],
    sibs: list[tuple[str, list[str], list[str]]],
    ids: Sequence[str | None],
    set_id: str,
    doc: Doc,
    merged: bool,
    patterns: dict[str, dict[str, Yaml]],
    order: list[tuple[Doc, dict[str, Yaml]]],
) -> None:
    """The set's heading pattern; with ``merged``, sets of one skeleton share one pattern."""
    from drafter.bank.store import entry_id

    display = "".join(p if isinstance(p, str) else "…" for p in skel)
    pieces: list[Yaml] = []
    slot_no = 0
    for p in skel:
        if isinstance(p, str):
            pieces.append(p)
        else:
            slot_no += 1
            pieces.append({"slot": slot_no})
    slots: list[Yaml] = []
    for s in range(slot_no):
        texts = [f[s] for _, _, f in sibs]
        fillers: list[Yaml] = [
            {"text": t, "heading": hid, "dimension": dims[0]}
            for t, hid, (_, dims, _) in zip(texts, ids, sibs, strict=True)
        ]
        slot: dict[str, Yaml] = {"slot": s + 1, "min": min(map(len, texts))}
        slot |= {"max": max(map(len, texts)), "fillers": fillers}
        slots.append(slot)
    dims: list[Yaml] = list(dict.fromkeys(d[0] for _, d, _ in sibs))
    anchored = any(
        c not in "，；：、。！？“”‘’《》（）—…" for p in skel if isinstance(p, str) for c in p
    )
    known = patterns.get(display) if merged else None
    if known is not None:  # as drafter mine merges the fillers of one skeleton
        assert isinstance(known["sets"], list) and isinstance(known["dimensions"], list)
        assert isinstance(known["slots"], list)
        known["sets"].append(set_id)
        known["dimensions"] += [d for d in dims if d not in known["dimensions"]]
        for mine, theirs in zip(known["slots"], slots, strict=True):
            assert isinstance(mine, dict) and isinstance(theirs, dict)
            assert isinstance(mine["fillers"], list) and isinstance(theirs["fillers"], list)
            assert isinstance(mine["min"], int) and isinstance(theirs["min"], int)
            assert isinstance(mine["max"], int) and isinstance(theirs["max"], int)
            mine["min"] = min(mine["min"], theirs["min"])
            mine["max"] = max(mine["max"], theirs["max"])
            mine["fillers"] += theirs["fillers"]
        return
    if merged:
        eid = entry_id("heading_pattern", display)
    else:  # many sets share a display text: the set makes each pattern's id unique
        key = f"heading_pattern\0{display}\0{set_id}"
        eid = f"hp-{hashlib.sha1(key.encode()).hexdigest()[:10]}"
    entry: dict[str, Yaml] = {
        "id": eid,
        "kind": "heading_pattern",
        "text": display,
        "pieces": pieces,
        "anchored": anchored,
        "slots": slots,
        "sets": [set_id],
        "dimensions": dims,
        "source": doc.source(),
        "origin": "mined",
    }
    patterns[display] = entry
    order.append((doc, entry))


NewId = Callable[[str, str], "str | None"]


def _add_prose(
    w: Writer,
    kf: KindFile,
    new_id: NewId,
    doc: Doc,
    dims: list[str],
    length: int,
    part: int | None = None,
    heading: str | None = None,
) -> None:
    """A paragraph entry (part lead, opening, closing) of about ``length`` characters."""
    for _ in range(5):
        text = w.prose(dims[0], length)
        eid = new_id(kf.kind, text)
        if eid is None:
            continue
        entry: dict[str, Yaml] = {"id": eid, "kind": kf.kind, "text": text}
        if heading is not None:
            entry["heading"] = heading
        entry |= {"dimensions": list[Yaml](dims), "source": doc.source(part), "origin": "mined"}
        kf.add(entry, doc.group)
        return


def _add_point(
    w: Writer, kf: KindFile, new_id: NewId, doc: Doc, p: int, heading: str, dims: list[str]
) -> None:
    rng = w.rng
    for _ in range(20):
        dim = dims[0] if rng.random() < 0.7 else w.dim()
        text = w.clause(dim, max(6, w.length("point") - 1))
        if rng.random() < POINT_TWO_CLAUSES_SHARE:
            text += "，" + w.clause(dim, rng.choice((6, 7, 8)))
        eid = new_id("point", text)
        if eid is None:
            continue
        entry: dict[str, Yaml] = {"id": eid, "kind": "point", "text": text}
        entry["body"] = w.prose(dim, w.length("body"))
        entry["heading"] = heading
        entry |= {"dimensions": [dim], "source": doc.source(p + 1), "origin": "mined"}
        kf.add(entry, doc.group)
        return


def _add_quotation(w: Writer, kf: KindFile, new_id: NewId, doc: Doc) -> None:
    rng = w.rng
    for _ in range(5):
        dim = w.dim()
        text = w.prose(dim, w.length("quotation"))
        eid = new_id("quotation", text)
        if eid is None:
            continue
        speaker, verb = rng.choice(SPEAKERS) if rng.random() < QUOTE_SPEAKER_SHARE else (None, None)
        entry: dict[str, Yaml] = {"id": eid, "kind": "quotation", "text": text}
        entry |= {"speaker": speaker, "verb": verb, "dimensions": [dim]}
        entry |= {"source": doc.source(), "origin": "mined"}
        kf.add(entry, doc.group)
        return


def _add_phrase(w: Writer, kf: KindFile, new_id: NewId, doc: Doc, docs: list[Doc]) -> None:
    rng = w.rng
    for _ in range(20):
        if rng.random() < PHRASE_SERIES_SHARE:
            form = "series"
            n = rng.choice((3, 3, 4))
            size = rng.choice((4, 4, 5, 6))
            text = "、".join(w.clause(w.dim(), size) for _ in range(n))
        else:
            form = "four_char"
            text = rng.choice(w.v.words2) + rng.choice(w.v.words2)
        eid = new_id("phrase", text)
        if eid is None:
            continue
        entry: dict[str, Yaml] = {"id": eid, "kind": "phrase", "text": text, "form": form}
        also: list[Yaml] = []
        if rng.random() < PHRASE_ALSO_IN_SHARE:
            others = rng.sample(docs, min(len(docs), rng.randint(1, 3)))
            also = [o.source() for o in others if o is not doc]
            if also:
                entry["occurrences"] = len(also) + 1
        entry["dimensions"] = [w.dim() if rng.random() < 0.5 else "other"]
        entry["source"] = doc.source()
        if also:
            entry["also_in"] = also
        entry["origin"] = "mined"
        kf.add(entry, doc.group)
        return


# ── measurements ────────────────────────────────────────────────────────────────────────────

T = TypeVar("T")


def _run(cmd: Sequence[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        list(cmd), env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return elapsed


def alternate(
    commands: dict[str, Sequence[str]], envs: dict[str, dict[str, str]], cwd: Path, repeat: int
) -> dict[str, list[float]]:
    """Each command once untimed (warm-up), then ``repeat`` rounds, the order rotating."""
    names = list(commands)
    for name in names:
        _run(commands[name], envs[name], cwd)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeat):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(_run(commands[name], envs[name], cwd))
    return times


def _env(cache: Path, pycache: Path | None) -> dict[str, str]:
    """The environment of a timed subprocess: private index cache, private bytecode cache."""
    env = dict(os.environ)
    env["DRAFTER_CACHE_DIR"] = str(cache)
    if pycache is None:  # no bytecode cache writes: only what is already on disk is used
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def _drafter_cmd() -> list[str]:
    script = Path(sys.executable).parent / "drafter"
    return [str(script)] if script.exists() else [sys.executable, "-m", "drafter"]


def _med(values: Sequence[float]) -> float:
    return statistics.median(values)


def _runs(values: Sequence[float]) -> str:
    return ", ".join(f"{v:.3f}" for v in values)


@dataclass
class Table:
    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, what: str, value: str, aim: str = "") -> None:
        self.rows.append((what, value, aim))

    def print(self) -> None:
        width = max(len(r[0]) for r in self.rows)
        vwidth = max(len(r[1]) for r in self.rows)
        print()
        print("summary (medians)")
        for what, value, aim in self.rows:
            print(f"  {what:<{width}}  {value:>{vwidth}}  {aim}".rstrip())


def _verdict(ok: bool, aim: str) -> str:
    return f"aim {aim}: {'met' if ok else 'NOT MET'}"


# A Typer app with the draft command's option types that does nothing: what the CLI framework
# itself costs before any drafter code runs (typer >= 0.29 builds a pydantic adapter per option).
_TYPER_FLOOR = """
from pathlib import Path
from typing import Annotated
import typer, jinja2
app = typer.Typer()
@app.callback()
def main(root: Annotated[Path | None, typer.Option("--root")] = None) -> None: ...
@app.command()
def draft(
    theme: Annotated[str, typer.Option("--theme")],
    parts: int = 3, points: int = 3, occasion: str = "x",
    seed: Annotated[int | None, typer.Option()] = None,
    fmt: Annotated[str | None, typer.Option("--format")] = None,
    template: Annotated[str | None, typer.Option()] = None,
    detail: str = "outline", sources: bool = False,
    avoid: Annotated[list[Path] | None, typer.Option()] = None,
    output: Annotated[Path | None, typer.Option()] = None,
    force: bool = False,
    bank: Annotated[Path | None, typer.Option()] = None,
) -> None:
    typer.echo(theme)
app(["draft", "--theme", "t", "--seed", "1"])
"""


def measure_startup(root: Path, repeat: int, table: Table) -> None:
    cache = root / "cache-startup"
    pycache = root / "pycache"
    py = sys.executable
    draft = [*_drafter_cmd(), "draft", "--theme", THEME, "--seed", "1"]
    commands: dict[str, Sequence[str]] = {
        "draft": draft,
        "imports": [py, "-c", "import typer, rich, jinja2, yaml"],
        "version": [*_drafter_cmd(), "--version"],
        "pass": [py, "-c", "pass"],
        "draft-nopyc": draft,
        "typer-floor": [py, "-c", _TYPER_FLOOR],
    }
    envs = {name: _env(cache, pycache) for name in commands}
    envs["draft-nopyc"] = _env(cache, None)
    times = alternate(commands, envs, root, repeat)
    med = {name: _med(t) for name, t in times.items()}
    ratio = med["draft"] / med["imports"]
    print(f"start-up command: {' '.join(draft)}")
    print(f"start-up repeats: {repeat} per command, alternating, after one warm-up run each")
    labels = {
        "draft": "drafter draft (bundled bank, warm index cache)",
        "imports": 'python -c "import typer, rich, jinja2, yaml"',
        "version": "drafter --version",
        "pass": 'python -c "pass"',
        "draft-nopyc": "drafter draft, no bytecode cache writes (PYTHONDONTWRITEBYTECODE=1)",
        "typer-floor": "a do-nothing Typer app with the draft options, importing jinja2",
    }
    for name, label in labels.items():
        print(f"start-up {label} median: {med[name]:.3f} s (runs: {_runs(times[name])})")
    print(f"start-up ratio draft/imports: {ratio:.2f}x")
    print(f"start-up draft minus imports: {med['draft'] - med['imports']:.3f} s")
    table.add("start-up: drafter draft (bundled bank)", f"{med['draft']:.3f} s")
    table.add("start-up: import typer, rich, jinja2, yaml", f"{med['imports']:.3f} s")
    table.add(
        "start-up: ratio draft/imports",
        f"{ratio:.2f}x",
        _verdict(ratio <= STARTUP_AIM, f"<= {STARTUP_AIM}x"),
    )
    table.add("start-up: drafter --version", f"{med['version']:.3f} s")
    table.add("start-up: python -c pass", f"{med['pass']:.3f} s")
    table.add("start-up: draft, PYTHONDONTWRITEBYTECODE=1", f"{med['draft-nopyc']:.3f} s")
    floor = med["typer-floor"]
    table.add("start-up: do-nothing Typer app + jinja2", f"{floor:.3f} s")
    table.add("start-up: ratio floor/imports", f"{floor / med['imports']:.2f}x")
    table.add("start-up: ratio draft/floor", f"{med['draft'] / floor:.2f}x")


def _profile(func: Callable[[], object]) -> None:
    """One warm in-process draft under cProfile: the top functions, printed (no file)."""
    profiler = cProfile.Profile()
    profiler.runcall(func)
    print()
    print("profile of one warm in-process draft (load_index + compose), by cumulative time:")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.strip_dirs().sort_stats("cumulative").print_stats(25)


_COLD_CHILD = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from drafter.drafting.index import load_index\n"
    "start = time.perf_counter()\n"
    "load_index(Path(sys.argv[1]))\n"
    "print(time.perf_counter() - start)\n"
)


def measure_bank(root: Path, args: argparse.Namespace, table: Table) -> None:
    from drafter.drafting.composer import compose
    from drafter.drafting.index import load_index
    from drafter.drafting.model import DraftRequest
    from drafter.errors import DrafterError
    from drafter.files.cache import cache_dir

    bank = build_bank(root / "bank", args.entries, args.patterns == "merged")
    mb = bank.total_bytes / MB
    print(f"bank entries: {bank.entries} ({args.patterns} heading patterns)")
    for kind, count in bank.counts.items():
        print(f"bank entries {kind}: {count}")
    print(f"bank documents (heading sets): {bank.documents}")
    print(f"bank size: {mb:.2f} MB")
    name, size = max(bank.file_bytes.items(), key=lambda item: item[1])
    print(f"bank largest file: {name} {size / MB:.2f} MB")
    print(f"bank generation time: {bank.seconds:.2f} s (not measured below)")

    # (a) cold: the first load_index with an empty cache folder, each in a fresh process
    # (timed inside it, so imports are left out; no lru caches carried over between runs).
    cold: list[float] = []
    cache = root / "cache-bank"
    for r in range(args.cold_repeat):
        folder = cache if r == 0 else root / f"cache-cold-{r}"
        env = _env(folder, root / "pycache")
        proc = subprocess.run(
            [sys.executable, "-c", _COLD_CHILD, str(bank.directory)],
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise SystemExit(f"cold index build failed:\n{proc.stderr.strip()}")
        cold.append(float(proc.stdout.split()[-1]))
        if folder != cache:
            shutil.rmtree(folder)
    os.environ["DRAFTER_CACHE_DIR"] = str(cache)
    if cache_dir() != cache:
        raise SystemExit("DRAFTER_CACHE_DIR is not honoured (DRAFTER_NO_CACHE set?)")
    cache_files = sorted(cache.glob("bank-*.marshal"))
    cache_mb = sum(p.stat().st_size for p in cache_files) / MB
    print(f"cold index build (first load_index, empty cache) median: {_med(cold):.3f} s")
    print(f"cold index build runs: {_runs(cold)} s (each in a fresh process)")
    print(f"cold index build throughput: {mb / _med(cold):.2f} MB/s of bank YAML")
    print(f"index cache file: {cache_mb:.2f} MB")

    # (b) warm, in-process: cache load alone, and cache load + compose.
    seeds = list(range(1, args.seeds + 1))
    loads: list[float] = []
    drafts: dict[str, list[float]] = {THEME: [], FREE_THEME: []}
    composes: dict[str, list[float]] = {THEME: [], FREE_THEME: []}
    failures: list[str] = []
    index = load_index(bank.directory)  # warm-up: file system cache, lazy imports
    held = {kind: len(index.of(kind)) for kind in bank.counts}
    if held != bank.counts:
        print(f"WARNING: the index holds other counts than were written: {held}")
    del index
    for seed in seeds:
        for theme in (THEME, FREE_THEME):
            start = time.perf_counter()
            index = load_index(bank.directory)
            loaded = time.perf_counter()
            try:
                compose(index, DraftRequest(theme=theme, parts=DRAFT_PARTS, seed=seed))
            except DrafterError as exc:
                failures.append(f"{theme} seed {seed}: {exc.user_message()}")
            end = time.perf_counter()
            if theme == THEME:
                loads.append(loaded - start)
            drafts[theme].append(end - start)
            composes[theme].append(end - loaded)
            del index
    print(f"warm seeds: {seeds[0]}..{seeds[-1]} ({len(seeds)}), parts={DRAFT_PARTS}")
    print(f"warm load_index (cache load alone) median: {_med(loads):.3f} s (runs: {_runs(loads)})")
    for theme, label in ((THEME, "theme"), (FREE_THEME, "free theme")):
        print(
            f"warm in-process draft, {label} {theme}: load_index+compose median"
            f" {_med(drafts[theme]):.3f} s, compose alone {_med(composes[theme]):.3f} s"
            f" (runs: {_runs(drafts[theme])})"
        )
    for failure in failures:
        print(f"WARNING: draft failed: {failure}")
    # Diagnostic: the same cache load with the cyclic garbage collector paused.
    nogc: list[float] = []
    for _ in seeds:
        gc.disable()
        try:
            elapsed, index = timed(lambda: load_index(bank.directory))
        finally:
            gc.enable()
        nogc.append(elapsed)
        del index
    print(f"warm load_index with gc.disable() median: {_med(nogc):.3f} s (diagnostic)")
    if len(list(cache.glob("bank-*.marshal"))) != len(cache_files):
        print("WARNING: an in-process load rebuilt the index (drafter's sources edited mid-run?)")
        cache_files = sorted(cache.glob("bank-*.marshal"))

    # (c) warm, as a subprocess: the whole command on the cached index.
    cmd = [*_drafter_cmd(), "draft", "--bank", str(bank.directory), "--theme", THEME]
    cmd += ["--parts", str(DRAFT_PARTS)]
    env = _env(cache, root / "pycache")
    _run([*cmd, "--seed", "0"], env, root)  # warm-up (also checks the cache is current)
    sub = [_run([*cmd, "--seed", str(s)], env, root) for s in seeds]
    print(f"warm subprocess command: {' '.join(cmd)} --seed N")
    print(f"warm subprocess draft median: {_med(sub):.3f} s (runs: {_runs(sub)})")
    if len(list(cache.glob("bank-*.marshal"))) != len(cache_files):
        print("WARNING: the subprocess wrote a new index cache file (cache was not current)")
    if args.profile:
        _profile(lambda: compose(load_index(bank.directory), DraftRequest(THEME, DRAFT_PARTS)))

    n = f"{bank.entries / 1000:.0f}k"
    table.add(f"bank: entries / YAML size ({n})", f"{bank.entries} / {mb:.1f} MB")
    table.add("bank: cold index build", f"{_med(cold):.3f} s")
    table.add("bank: index cache file", f"{cache_mb:.1f} MB")
    table.add("bank: warm load_index alone", f"{_med(loads):.3f} s")
    warm = _med(drafts[THEME])
    table.add(
        "bank: warm draft in-process (load+compose)",
        f"{warm:.3f} s",
        _verdict(warm < WARM_AIM, f"< {WARM_AIM} s"),
    )
    table.add("bank: warm compose alone", f"{_med(composes[THEME]):.3f} s")
    table.add("bank: warm load_index, gc disabled (diagnostic)", f"{_med(nogc):.3f} s")
    table.add("bank: warm draft in-process, free theme", f"{_med(drafts[FREE_THEME]):.3f} s")
    table.add(
        "bank: warm drafter draft subprocess",
        f"{_med(sub):.3f} s",
        _verdict(_med(sub) < WARM_AIM, f"< {WARM_AIM} s"),
    )


# ── main ────────────────────────────────────────────────────────────────────────────────────


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: 20k-entry bank, few repetitions"
    )
    parser.add_argument("--entries", type=int, help="synthetic bank size (default 100000)")
    parser.add_argument("--repeat", type=int, help="start-up repetitions per command (default 15)")
    parser.add_argument("--seeds", type=int, help="warm drafts per measurement (default 7)")
    parser.add_argument("--cold-repeat", type=int, help="cold index builds (default 3)")
    parser.add_argument(
        "--patterns",
        choices=("per-set", "merged"),
        default="per-set",
        help="one heading pattern per heading set (default), or one per skeleton as drafter mine"
        " writes them",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print a cProfile of one warm in-process draft on the large bank",
    )
    parser.add_argument(
        "--only",
        choices=("all", "startup", "bank"),
        default="all",
        help="run only one part (e.g. under a profiler)",
    )
    args = parser.parse_args(argv)
    quick = args.quick
    defaults = {"entries": 20_000, "repeat": 5, "seeds": 3, "cold_repeat": 1}
    if not quick:
        defaults = {"entries": 100_000, "repeat": 15, "seeds": 7, "cold_repeat": 3}
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.entries < 1000 or args.repeat < 1 or args.seeds < 1 or args.cold_repeat < 1:
        parser.error("--entries must be >= 1000, the repetitions >= 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    with tempfile.TemporaryDirectory(prefix="drafter-bench-") as tmp:
        root = Path(tmp)
        # Bytecode of this process (drafter included) goes to the temporary folder too.
        sys.pycache_prefix = str(root / "pycache-self")
        os.environ["DRAFTER_CACHE_DIR"] = str(root / "cache-self")
        print(f"python: {platform.python_version()} ({sys.executable})")
        print(f"drafter command: {' '.join(_drafter_cmd())}")
        print(f"drafter commit: {git_revision()}")
        print(f"os.cpu_count(): {os.cpu_count()}")
        print(f"mode: {'quick' if args.quick else 'full'}")
        table = Table()
        if args.only in ("all", "startup"):
            measure_startup(root, args.repeat, table)
        if args.only in ("all", "bank"):
            measure_bank(root, args, table)
        table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
