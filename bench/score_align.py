"""Alignment accuracy on the hand-checked pair set (tests/fixtures/align): precision and recall of
"these two tasks correspond", per plan pair and overall. Prints figures; the floors live in tests.

    .venv/bin/python bench/score_align.py
"""

from __future__ import annotations

import json
from pathlib import Path

import fazhi
from fazhi.align import align

ROOT = Path(__file__).parents[1]


def key(item: dict[str, object]) -> tuple[str, tuple[str, ...]]:
    return str(item["part"]), tuple(item["path"])  # type: ignore[arg-type]


def score_file(gold_file: Path) -> tuple[int, int, int]:
    gold = json.loads(gold_file.read_text("utf-8"))
    plan_a = fazhi.parse_file(ROOT / "samples" / "plans" / gold["a"])
    plan_b = fazhi.parse_file(ROOT / "samples" / "plans" / gold["b"])
    checked_a = {key(k) for k in gold["checked_a"]}
    checked_b = {key(k) for k in gold["checked_b"]}
    expected = {(key(p["a"]), key(p["b"])) for p in gold["pairs"]}
    found = {((p.child.part, p.child.path), (p.parent.part, p.parent.path)) for p in align(plan_a, plan_b).pairs}
    found = {pair for pair in found if pair[0] in checked_a and pair[1] in checked_b}
    return len(found & expected), len(found - expected), len(expected - found)


def main() -> None:
    totals = [0, 0, 0]
    for gold_file in sorted((ROOT / "tests" / "fixtures" / "align").glob("*.json")):
        tp, fp, fn = score_file(gold_file)
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
        print(f"{gold_file.stem}: precision {tp / max(tp + fp, 1):.3f} recall {tp / max(tp + fn, 1):.3f} "
              f"(tp {tp} fp {fp} fn {fn})")
    tp, fp, fn = totals
    print(f"overall: precision {tp / max(tp + fp, 1):.3f} recall {tp / max(tp + fn, 1):.3f} (tp {tp} fp {fp} fn {fn})")


if __name__ == "__main__":
    main()
