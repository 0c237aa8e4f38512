"""How far the alignment's measures can go: other learners over the same measures, and what a flexible
model reaches on the very pairs it was fitted on.

    .venv/bin/python bench/align_ceiling.py

The shipped model is a logistic regression with one readable weight per measure (bench/fit_align.py).
This script answers the question its figures raise — would a more flexible learner over the same
measures reach precision 0.95 at recall 0.90? — in two ways:

* **left out**: each plan pair scored by a learner fitted on the others, then the structural steps
  (competition, annex), exactly as bench/fit_align.py scores the shipped model;
* **in-sample**: gradient-boosted trees fitted on all the hand-checked pairs and scored on the same pairs. This is an
  upper bound, not an estimate: when even a model that has seen the answers cannot separate the pairs
  at a shallow depth, the measures do not carry the distinction, and no threshold or weight will.

Prints figures only; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from fit_align import REGULARISATION, Labelled, figures, labelled_pairs
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

import fazhi.align

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)

LEARNERS: dict[str, Callable[[], Any]] = {
    "logistic regression (shipped)": lambda: make_pipeline(
        StandardScaler(), LogisticRegression(C=REGULARISATION, max_iter=10000)),
    "logistic regression, pairwise products": lambda: make_pipeline(
        StandardScaler(), PolynomialFeatures(2, interaction_only=True, include_bias=False), StandardScaler(),
        LogisticRegression(C=0.01, max_iter=20000)),
    "gradient-boosted trees, depth 2": lambda: HistGradientBoostingClassifier(
        max_depth=2, learning_rate=0.05, max_iter=300, random_state=0),
    "gradient-boosted trees, depth 3": lambda: HistGradientBoostingClassifier(
        max_depth=3, learning_rate=0.05, max_iter=200, l2_regularization=1.0, random_state=0),
    "random forest": lambda: RandomForestClassifier(
        n_estimators=300, min_samples_leaf=5, n_jobs=2, random_state=0),
}


def _use_learners_in_scores() -> None:
    """Let fazhi.align.scores take a fitted scikit-learn model where it takes the shipped weights, so the
    structural steps run on every learner's probabilities alike."""
    shipped = fazhi.align.probabilities

    def probabilities(found: Any, model: Any = None) -> Any:
        if hasattr(model, "predict_proba"):
            rows = found.matrix.reshape(-1, found.matrix.shape[-1])
            return model.predict_proba(rows)[:, 1].reshape(found.matrix.shape[:2])
        return shipped(found, model)

    fazhi.align.probabilities = probabilities


def left_out(data: list[Labelled], make: Callable[[], Any]) -> list[tuple[str, Any, Any]]:
    out = []
    for k, pair in enumerate(data):
        rest = [d for m, d in enumerate(data) if m != k]
        model = make().fit(np.vstack([d.x for d in rest]), np.concatenate([d.y for d in rest]))
        scored = fazhi.align.scores(pair.child, pair.parent, pair.found, model)[pair.grid].ravel()
        out.append((pair.name, scored, pair.y))
    return out


def curve(scored: list[tuple[str, Any, Any]]) -> str:
    points = []
    for threshold in THRESHOLDS:
        precision, recall = figures(scored, threshold)
        points.append(f"{threshold:.1f} {precision:.3f}/{recall:.3f}")
    return "  ".join(points)


def main() -> None:
    _use_learners_in_scores()
    data = labelled_pairs()
    print("left out (threshold precision/recall):")
    for name, make in LEARNERS.items():
        print(f"  {name}: {curve(left_out(data, make))}")
    x, y = np.vstack([d.x for d in data]), np.concatenate([d.y for d in data])
    print("in-sample, gradient-boosted trees fitted and scored on all pairs (an upper bound):")
    for depth in (2, 3, 6):
        model = HistGradientBoostingClassifier(max_depth=depth, max_iter=300, learning_rate=0.1, random_state=0)
        scored = [("all", model.fit(x, y).predict_proba(x)[:, 1], y)]
        print(f"  depth {depth}: {curve(scored)}")


if __name__ == "__main__":
    main()
