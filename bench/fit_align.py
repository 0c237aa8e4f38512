"""Fit the alignment's weights on the hand-checked pairs (tests/fixtures/align) and write them to
src/fazhi/rules/align_model.toml, with the figures measured by leaving each plan pair out in turn.

    .venv/bin/python bench/fit_align.py            # print the cross-validated curve and write the weights
    .venv/bin/python bench/fit_align.py --check    # print only; exit 1 when the file differs from a new fit

The model is a logistic regression over the named measures of fazhi.align.features: one weight per
measure, so the weights can be read (docs/alignment.md) and the file is data, not a trained blob. The
figures are those of what ships: the weights, then the structural steps of fazhi.align.scores
(competition, annex), with each left-out plan pair scored by weights fitted on the others.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

import fazhi
from fazhi.align import Weights, scores
from fazhi.align.features import MEASURES, Evidence, evidence

ROOT = Path(__file__).parents[1]
GOLD = ROOT / "tests" / "fixtures" / "align"
MODEL = ROOT / "src" / "fazhi" / "rules" / "align_model.toml"
REGULARISATION = 0.1  # strong: six plan pairs are few, and the weights must carry over to other plans
THRESHOLDS = [round(0.3 + 0.05 * k, 2) for k in range(13)]


def _key(item: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    return str(item["part"]), tuple(item["path"])


class Labelled:
    """One gold file: its name, the two plans and their evidence, the checked grid, the measures of every
    checked pair and whether it corresponds."""

    def __init__(self, name: str, child: fazhi.model.Plan, parent: fazhi.model.Plan, found: Evidence,
                 grid: Any, truth: Any) -> None:
        self.name, self.child, self.parent, self.found, self.grid = name, child, parent, found, grid
        self.x = found.matrix[grid].reshape(-1, len(MEASURES))
        self.y = truth[grid].ravel()

    def scored(self, weights: dict[str, Any]) -> Any:
        """The probability of every checked pair with these weights, after the structural steps."""
        model = Weights(0.5, weights["bias"], weights["mean"], weights["scale"], weights["weight"])
        return scores(self.child, self.parent, self.found, model)[self.grid].ravel()


def labelled_pairs() -> list[Labelled]:
    """For each gold file: its plans, the measures of every checked pair, and whether it corresponds."""
    plans: dict[str, fazhi.model.Plan] = {}
    out = []
    for gold_file in sorted(GOLD.glob("*.json")):
        gold = json.loads(gold_file.read_text("utf-8"))
        for name in (gold["a"], gold["b"]):
            if name not in plans:
                plans[name] = fazhi.parse_file(ROOT / "samples" / "plans" / name)
        child, parent = plans[gold["a"]], plans[gold["b"]]
        rows = {(t.part, t.path): i for i, t in enumerate(child.tasks)}
        cols = {(t.part, t.path): j for j, t in enumerate(parent.tasks)}
        checked_rows = [rows[_key(k)] for k in gold["checked_a"]]
        checked_cols = [cols[_key(k)] for k in gold["checked_b"]]
        found = evidence(child, parent)
        truth = np.zeros(found.matrix.shape[:2], dtype=bool)
        for pair in gold["pairs"]:
            truth[rows[_key(pair["a"])], cols[_key(pair["b"])]] = True
        grid = np.ix_(checked_rows, checked_cols)
        out.append(Labelled(gold_file.stem[:3] + "↔" + gold["b"][:3], child, parent, found, grid, truth))
    return out


def fit(x: Any, y: Any) -> dict[str, Any]:
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=REGULARISATION, max_iter=10000).fit((x - mean) / scale, y)
    return {"mean": mean, "scale": scale, "weight": model.coef_[0], "bias": float(model.intercept_[0])}


def cross_validated(data: list[Labelled]) -> list[tuple[str, Any, Any]]:
    """Each plan pair scored by weights fitted on the others."""
    out = []
    for k, pair in enumerate(data):
        rest = [d for m, d in enumerate(data) if m != k]
        weights = fit(np.vstack([d.x for d in rest]), np.concatenate([d.y for d in rest]))
        out.append((pair.name, pair.scored(weights), pair.y))
    return out


def figures(scored: list[tuple[str, Any, Any]], threshold: float) -> tuple[float, float]:
    chosen = np.concatenate([p >= threshold for _, p, _ in scored])
    truth = np.concatenate([y for _, _, y in scored])
    hits = int((chosen & truth).sum())
    return hits / max(int(chosen.sum()), 1), hits / max(int(truth.sum()), 1)


def render(weights: dict[str, Any], threshold: float, curve: list[str]) -> str:
    lines = [
        "# Weights of the alignment's measures (fazhi.align.features), fitted by bench/fit_align.py on the",
        "# hand-checked pairs of tests/fixtures/align. Do not edit by hand: change the measures or the pairs",
        "# and run the script again. Cross-validated figures (each plan pair scored by weights fitted on the",
        "# others), threshold: precision / recall:",
        *[f"#   {line}" for line in curve],
        f"threshold = {threshold}",
        f"bias = {weights['bias']:.6f}",
        "",
        "[measures]",
    ]
    for name, mean, scale, weight in zip(MEASURES, weights["mean"], weights["scale"], weights["weight"], strict=True):
        lines.append(f"{name} = {{ mean = {mean:.6f}, scale = {scale:.6f}, weight = {weight:.6f} }}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="do not write; fail when the file is out of date")
    args = parser.parse_args()
    data = labelled_pairs()
    scored = cross_validated(data)
    curve, best = [], (0.0, THRESHOLDS[0])
    for threshold in THRESHOLDS:
        precision, recall = figures(scored, threshold)
        f1 = 2 * precision * recall / max(precision + recall, 1e-9)
        curve.append(f"{threshold:.2f}: {precision:.3f} / {recall:.3f}")
        best = max(best, (round(f1, 3), threshold))
        print(f"threshold {threshold:.2f}: precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f}")
    threshold = best[1]
    for name, p, y in scored:
        precision, recall = figures([(name, p, y)], threshold)
        print(f"{name} (weights from the other pairs) at {threshold}: precision {precision:.3f} recall {recall:.3f}")
    weights = fit(np.vstack([d.x for d in data]), np.concatenate([d.y for d in data]))
    text = render(weights, threshold, curve)
    if args.check:
        if MODEL.read_text("utf-8") != text:
            print(f"{MODEL} is out of date: run bench/fit_align.py")
            sys.exit(1)
        return
    MODEL.write_text(text, "utf-8")
    print(f"threshold {threshold} (best F1 across the left-out pairs); weights written to {MODEL.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
