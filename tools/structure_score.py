"""Print the seeds-structure scores: precision, recall and F1 of part headings and point leads.

    python tools/structure_score.py            # the unnumbered documents by style, and seeds/
    python tools/structure_score.py --misses   # and each document the parser gets wrong

Scored are the speeches of tests/data/unnumbered/ (by their ``style``; the documents written
after the rules were fixed also on their own, as ``holdout``) and seeds/ against the reader's
outline in tests/data/seeds-structure.yaml. The scorer is ``tests/corpus/outline_score.py``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from tests.corpus.outline_score import (  # noqa: E402
    DATA,
    load_cases,
    parse_case,
    score_cases,
    score_outline,
    score_seeds,
    table,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the documents not exact")
    args = parser.parse_args()
    cases = load_cases()
    scores = score_cases(cases)
    scores["holdout"] = score_cases([c for c in cases if c.get("holdout")])["overall"]
    reference = yaml.safe_load((DATA / "seeds-structure.yaml").read_text(encoding="utf-8"))
    scores["seeds"] = score_seeds(ROOT / "seeds", reference)
    print(table(scores))
    if args.misses:
        for case in cases:
            doc = parse_case(case)
            score = score_outline(doc, case["parts"])
            if score.headings.f1 < 1 or score.points.f1 < 1:
                print(f"\n{case['name']}:")
                for part in doc.parts:
                    print(f"  {part.heading}  {[p.lead for p in part.points]}")


if __name__ == "__main__":
    main()
