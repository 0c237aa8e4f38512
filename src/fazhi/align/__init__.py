"""Plan alignment: which child tasks carry out which parent tasks, and what the child left out.

Method (see docs/alignment.md): each task's commitment text (title and body, simplified, without
responsibility clauses and boilerplate phrases) becomes a TF-IDF vector of character 2- and 3-grams
fitted on both plans, so phrases that every task prints weigh little. Two scores are kept for a pair:
cosine similarity (two-way likeness) and containment (how much of the narrower task's weight the
broader one covers), because a parent measure is often broader than the child task carrying out part
of it. A pair is kept when its score passes a threshold and it is among the best few for its child
task; every pair carries the longest shared passages, so the verdict can be checked by a reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache
from typing import Any

from fazhi import rules
from fazhi.model import Plan, Task
from fazhi.script import to_simplified

__all__ = ["Alignment", "Pair", "TaskKey", "align", "commitment_text"]

# Thresholds, with the reasoning in docs/alignment.md.
PAIR_SCORE = 0.25  # below this, two tasks share words, not a commitment (docs/alignment.md)
VERBATIM = 0.80  # cosine at which the child reuses the parent's wording
CONTAINMENT_WEIGHT = 0.85  # containment counts a little less than two-way likeness
MIN_CONTAINED_CHARS = 12  # a narrower task must be this long for containment to count
RUNNER_UP = 0.6  # keep others within this share of the best (one broad task, several narrow ones)
MIN_CONTENT = 8  # a task saying less than this after the boilerplate is gone pairs only when reused verbatim


@dataclass(frozen=True)
class TaskKey:
    part: str
    path: tuple[str, ...]

    @classmethod
    def of(cls, task: Task) -> TaskKey:
        return cls(task.part, task.path)


@dataclass(frozen=True)
class Pair:
    child: TaskKey
    parent: TaskKey
    score: float
    kind: str  # "verbatim", "reworded", "partial"
    shared: tuple[str, ...] = ()  # the longest passages both print


@dataclass
class Alignment:
    pairs: list[Pair] = field(default_factory=list)
    missing: list[TaskKey] = field(default_factory=list)  # parent tasks no child task carries out
    local: list[TaskKey] = field(default_factory=list)  # child tasks with no parent task

    def to_dict(self, child_name: str, parent_name: str) -> dict[str, object]:
        def key(k: TaskKey) -> dict[str, object]:
            return {"part": k.part, "path": list(k.path)}

        return {
            "child": child_name, "parent": parent_name,
            "pairs": [{"child": key(p.child), "parent": key(p.parent), "score": round(p.score, 3), "kind": p.kind,
                       "shared": list(p.shared)} for p in self.pairs],
            "missing": [key(k) for k in self.missing], "local": [key(k) for k in self.local],
        }


@cache
def _vocabulary() -> tuple[re.Pattern[str], re.Pattern[str]]:
    vocab = rules.load("align")
    words = sorted(vocab["boilerplate"], key=len, reverse=True)
    labels = "|".join(re.escape(w) for w in vocab["clause_labels"])
    boiler = re.compile("|".join(re.escape(w) for w in words))
    clause = re.compile(rf"[（(〔【][^（）()〔〕【】]*(?:{labels})[^（）()〔〕【】]*[）)〕】]|(?:{labels})[:：][^。；\n]*")
    return boiler, clause


def commitment_text(task: Task) -> str:
    """What a task commits to: title and body, simplified, without clauses and boilerplate."""
    boiler, clause = _vocabulary()
    text = to_simplified(f"{task.title or ''}。{task.text}")
    text = clause.sub("", text)
    text = boiler.sub(" ", text)
    return re.sub(r"[\s，。；、：:;,.（）()“”《》]+", " ", text).strip()


def align(child: Plan, parent: Plan) -> Alignment:
    """Pairs of (child task, parent task) that correspond, the parent's missing tasks and the child's own."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    child_texts = [commitment_text(t) for t in child.tasks]
    parent_texts = [commitment_text(t) for t in parent.tasks]
    if not child_texts or not parent_texts:
        return Alignment([], [TaskKey.of(t) for t in parent.tasks], [TaskKey.of(t) for t in child.tasks])
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True)
    matrix = vectorizer.fit_transform(child_texts + parent_texts)
    kids, parents = matrix[: len(child_texts)], matrix[len(child_texts) :]
    cosine = (kids @ parents.T).toarray()
    binary_kids, binary_parents = (kids > 0).astype(float), (parents > 0).astype(float)
    kid_mass = _weights(kids)
    parent_mass = _weights(parents)
    # containment: share of one side's tf-idf weight on n-grams the other side also prints
    kid_in_parent = (kids @ binary_parents.T).toarray() / kid_mass[:, None]
    parent_in_kid = (parents @ binary_kids.T).toarray().T / parent_mass[None, :]
    pairs = _choose(child, parent, child_texts, parent_texts, cosine, kid_in_parent, parent_in_kid)
    paired_children = {p.child for p in pairs}
    paired_parents = {p.parent for p in pairs}
    return Alignment(
        pairs,
        missing=[TaskKey.of(t) for t in parent.tasks if TaskKey.of(t) not in paired_parents],
        local=[TaskKey.of(t) for t in child.tasks if TaskKey.of(t) not in paired_children],
    )


def _weights(matrix: Any) -> Any:
    import numpy as np

    sums = np.asarray(matrix.sum(axis=1)).ravel()
    sums[sums == 0] = 1.0
    return sums


def _choose(child: Plan, parent: Plan, child_texts: list[str], parent_texts: list[str], cosine: Any,
            kid_in_parent: Any, parent_in_kid: Any) -> list[Pair]:
    import numpy as np

    kid_len = np.array([len(t) for t in child_texts])
    parent_len = np.array([len(t) for t in parent_texts])
    contained = np.where(kid_len[:, None] >= MIN_CONTAINED_CHARS, kid_in_parent, 0.0)  # child within parent
    containing = np.where(parent_len[None, :] >= MIN_CONTAINED_CHARS, parent_in_kid, 0.0)  # parent within child
    partial = np.maximum(contained, containing) * CONTAINMENT_WEIGHT
    score = np.maximum(cosine, np.minimum(partial, (cosine + partial) / 2 + 0.15))
    thin = (kid_len[:, None] < MIN_CONTENT) | (parent_len[None, :] < MIN_CONTENT)
    score = np.where(thin & (cosine < VERBATIM), 0.0, score)
    keep = _best_of_rows(score) | _best_of_rows(score.T).T  # best parents of each child, best children of each parent
    pairs = []
    for i, j in zip(*np.nonzero(keep), strict=True):
        kind = "verbatim" if cosine[i, j] >= VERBATIM else ("reworded" if cosine[i, j] >= PAIR_SCORE else "partial")
        pairs.append(Pair(TaskKey.of(child.tasks[i]), TaskKey.of(parent.tasks[j]), float(score[i, j]), kind,
                          _shared(child_texts[i], parent_texts[j])))
    return pairs


def _best_of_rows(score: Any) -> Any:
    """For each row, the columns scoring at least PAIR_SCORE and within RUNNER_UP of the row's best."""
    best = score.max(axis=1, keepdims=True)
    return (score >= PAIR_SCORE) & (score >= best * RUNNER_UP)


def _shared(a: str, b: str, limit: int = 3) -> tuple[str, ...]:
    """The longest passages (6+ characters) two commitment texts both print."""
    blocks = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    found = sorted((a[m.a : m.a + m.size].strip() for m in blocks if m.size >= 6), key=len, reverse=True)
    return tuple(found[:limit])
