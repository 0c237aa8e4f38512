"""Plan alignment: which child tasks carry out which parent tasks, what the child left out or changed.

Method (docs/alignment.md): for every pair of a child task and a parent task, ``features.evidence``
measures what a reader checks by hand — do they say the same thing, is one inside the other, does a
sentence of one say what the other says, do they print the same passages verbatim, are they under
the same heading, and is this the best counterpart either task has. A logistic model with one
readable weight per measure (rules/align_model.toml, fitted by bench/fit_align.py on the
hand-checked pairs in tests/fixtures/align) turns the measures into the probability that the two
correspond. Two structural steps follow (``scores``): a pair far weaker than both the best pair of
its child task and the best pair of its parent task is dropped (each of the two has a closer
counterpart: sibling measures that share wording), and a plan's annex (任务分工表) restates its body, so
a task that carries out an annex item carries out the body measure that item restates. Pairs at or
above the fitted threshold are kept. Every pair carries the passages both tasks print, so a reader can
check it, and the differences of deadline, target and lead unit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from functools import cache
from typing import Any

from fazhi import rules
from fazhi.align.differences import Difference, differences
from fazhi.align.features import MEASURES, Evidence, commitment_of, commitment_text, evidence, printed_text
from fazhi.model import Plan, Task

__all__ = [
    "VERDICT_LABELS", "Alignment", "Difference", "Pair", "ParentVerdict", "SectionCoverage", "TaskKey", "Weights",
    "align", "commitment_text", "restatements", "scores",
]

VERBATIM = 0.80  # cosine at which the child reuses the parent's wording
REWORDED = 0.30  # cosine at which the two say the same thing in other words; below, one covers part of the other
CARRIED = 0.60  # share of a parent task's weight its paired child tasks print, for "carried out" by several parts
VERDICT_LABELS = {"carried": "已落实", "partly": "部分落实", "missing": "未落实"}
_EDGE = " ，。；、：:;,.（）()“”"
KIND_LABELS = {"verbatim": "原文沿用", "reworded": "改写", "partial": "部分对应"}
# Log-odds by which a pair falls below both the best pair of its child task and the best pair of its parent
# task when it is dropped: odds ~150 times lower on both sides means each task has a closer counterpart.
DOMINATED = 5.0
RESTATES = 0.5  # probability at which an annex item restates a body task of its own plan


@dataclass(frozen=True)
class TaskKey:
    part: str
    path: tuple[str, ...]

    @classmethod
    def of(cls, task: Task) -> TaskKey:
        return cls(task.part, task.path)

    def to_dict(self) -> dict[str, object]:
        return {"part": self.part, "path": list(self.path)}


@dataclass(frozen=True)
class Pair:
    child: TaskKey
    parent: TaskKey
    score: float  # probability that the two correspond, 0–1
    kind: str  # "verbatim", "reworded", "partial"
    shared: tuple[str, ...] = ()  # the longest passages both print
    differences: tuple[Difference, ...] = ()


@dataclass(frozen=True)
class ParentVerdict:
    task: TaskKey
    verdict: str  # "carried", "partly", "missing"
    children: tuple[TaskKey, ...] = ()
    covered: float = 0.0  # share of the parent task's wording its child tasks print


@dataclass(frozen=True)
class SectionCoverage:
    part: str
    path: tuple[str, ...]
    title: str
    total: int
    carried: int
    partly: int
    missing: int


@dataclass
class Alignment:
    pairs: list[Pair] = field(default_factory=list)
    missing: list[TaskKey] = field(default_factory=list)  # parent tasks no child task carries out
    local: list[TaskKey] = field(default_factory=list)  # child tasks with no parent task
    parents: list[ParentVerdict] = field(default_factory=list)  # every parent task, in plan order
    sections: list[SectionCoverage] = field(default_factory=list)  # per heading of the parent

    def to_dict(self, child_name: str, parent_name: str) -> dict[str, object]:
        return {
            "child": child_name, "parent": parent_name,
            "pairs": [{"child": p.child.to_dict(), "parent": p.parent.to_dict(), "score": round(p.score, 3),
                       "kind": p.kind, "shared": list(p.shared),
                       "differences": [{"kind": d.kind, "label": d.label, "child": d.child, "parent": d.parent}
                                       for d in p.differences]} for p in self.pairs],
            "missing": [k.to_dict() for k in self.missing], "local": [k.to_dict() for k in self.local],
            "verdicts": [{**v.task.to_dict(), "verdict": v.verdict, "covered": round(v.covered, 3)}
                         for v in self.parents],
            "sections": [{"part": s.part, "path": list(s.path), "title": s.title, "total": s.total,
                          "carried": s.carried, "partly": s.partly, "missing": s.missing} for s in self.sections],
        }


@dataclass(frozen=True)
class Weights:
    threshold: float
    bias: float
    mean: Any
    scale: Any
    weight: Any


@cache
def weights() -> Weights:
    import numpy as np

    data = rules.load("align_model")
    measures = data["measures"]
    if set(measures) != set(MEASURES):
        raise RuntimeError("rules/align_model.toml does not match fazhi.align.features: run bench/fit_align.py")
    column = [measures[name] for name in MEASURES]
    return Weights(float(data["threshold"]), float(data["bias"]), np.array([c["mean"] for c in column]),
                   np.array([c["scale"] for c in column]), np.array([c["weight"] for c in column]))


def probabilities(found: Evidence, model: Weights | None = None) -> Any:
    """The probability that each (child, parent) pair corresponds, by the logistic model alone."""
    import numpy as np

    model = model or weights()
    z = ((found.matrix - model.mean) / model.scale) @ model.weight + model.bias
    return 1.0 / (1.0 + np.exp(-z))


def scores(child: Plan, parent: Plan, found: Evidence, model: Weights | None = None) -> Any:
    """The probability that each (child, parent) pair corresponds, after the two structural steps:

    * **competition** — a pair whose log-odds lie more than ``DOMINATED`` below both the best pair of its
      child task and the best pair of its parent task is dropped. Sibling measures share wording
      (综合执法体制改革 and 乡镇综合执法体制改革): each finds its own counterpart, and the crossed pairs are
      far weaker than both. A broad task paired with several narrow ones is the best of each narrow one,
      so it is kept;
    * **annex** — a plan's annex (任务分工表) restates its body measures item by item: a task that carries
      out an annex item carries out the body measure that item restates, on either side.
    """
    import numpy as np

    model = model or weights()
    score = probabilities(found, model)
    odds = np.log(np.clip(score, 1e-12, 1.0)) - np.log(np.clip(1.0 - score, 1e-12, 1.0))
    below_child_best = odds.max(axis=1, keepdims=True) - odds > DOMINATED
    below_parent_best = odds.max(axis=0, keepdims=True) - odds > DOMINATED
    score = np.where(below_child_best & below_parent_best, 0.0, score)
    parent_restates = restatements(parent, model)
    for item, measure, p in parent_restates:
        score[:, measure] = np.maximum(score[:, measure], np.minimum(score[:, item], p))
    for item, measure, p in parent_restates if child is parent else restatements(child, model):
        score[measure, :] = np.maximum(score[measure, :], np.minimum(score[item, :], p))
    return score


def restatements(plan: Plan, model: Weights | None = None) -> list[tuple[int, int, float]]:
    """(annex item, body task, probability): the body task each annex item of the plan restates, when the
    model finds one at ``RESTATES`` or above (indices into ``plan.tasks``)."""
    items = [k for k, task in enumerate(plan.tasks) if task.part == "annex"]
    body = [k for k, task in enumerate(plan.tasks) if task.part != "annex"]
    if not items or not body:
        return []
    score = probabilities(evidence(replace(plan, tasks=tuple(plan.tasks[k] for k in items)),
                                   replace(plan, tasks=tuple(plan.tasks[k] for k in body))), model)
    best = score.argmax(axis=1)
    return [(items[a], body[int(b)], float(score[a, b])) for a, b in enumerate(best) if score[a, b] >= RESTATES]


def align(child: Plan, parent: Plan) -> Alignment:
    """Pairs of (child task, parent task) that correspond, each parent task's verdict, the child's own."""
    if not child.tasks or not parent.tasks:
        return _finish(child, parent, [], None)
    import numpy as np

    found = evidence(child, parent)
    score = scores(child, parent, found)
    cosine = found.measure("cosine")
    pairs = []
    for i, j in zip(*np.nonzero(score >= weights().threshold), strict=True):
        kind = "verbatim" if cosine[i, j] >= VERBATIM else ("reworded" if cosine[i, j] >= REWORDED else "partial")
        kid, mother = child.tasks[i], parent.tasks[j]
        pairs.append(Pair(TaskKey.of(kid), TaskKey.of(mother), float(score[i, j]), kind,
                          shared_passages(kid, mother),
                          differences(kid, mother, same_commitment=kind != "partial")))
    return _finish(child, parent, pairs, found)


def _finish(child: Plan, parent: Plan, pairs: list[Pair], found: Evidence | None) -> Alignment:
    by_parent: dict[TaskKey, list[Pair]] = defaultdict(list)
    for pair in pairs:
        by_parent[pair.parent].append(pair)
    child_index = {TaskKey.of(t): i for i, t in enumerate(child.tasks)}
    verdicts = []
    for j, task in enumerate(parent.tasks):
        mine = sorted(by_parent.get(TaskKey.of(task), []), key=lambda p: -p.score)
        covered = found.covered(j, [child_index[p.child] for p in mine]) if found is not None and mine else 0.0
        verdicts.append(ParentVerdict(TaskKey.of(task), _verdict(mine, covered), tuple(p.child for p in mine),
                                      covered))
    paired_children = {p.child for p in pairs}
    return Alignment(
        pairs=sorted(pairs, key=lambda p: (child_index[p.child], -p.score)),
        missing=[v.task for v in verdicts if v.verdict == "missing"],
        local=[TaskKey.of(t) for t in child.tasks if TaskKey.of(t) not in paired_children],
        parents=verdicts, sections=_sections(parent, verdicts),
    )


def _verdict(pairs: list[Pair], covered: float) -> str:
    """Carried out when a child task says the same thing (reused or reworded) or the child tasks together
    print most of the parent's wording; partly when they carry out only part of it."""
    if not pairs:
        return "missing"
    if any(p.kind != "partial" for p in pairs) or covered >= CARRIED:
        return "carried"
    return "partly"


def _sections(parent: Plan, verdicts: list[ParentVerdict]) -> list[SectionCoverage]:
    """Coverage per heading that directly holds tasks, in the parent's order."""
    titles = {(h.part, h.path): h.title for h in parent.headings}
    counts: dict[tuple[str, tuple[str, ...]], dict[str, int]] = {}
    for verdict in verdicts:
        place = (verdict.task.part, verdict.task.path[:-1])
        tally = counts.setdefault(place, {"carried": 0, "partly": 0, "missing": 0})
        tally[verdict.verdict] += 1
    return [SectionCoverage(part, path, titles.get((part, path), "（未分章节）"), sum(tally.values()),
                            tally["carried"], tally["partly"], tally["missing"])
            for (part, path), tally in counts.items()]


def shared_passages(child: Task, parent: Task, limit: int = 3) -> tuple[str, ...]:
    """The longest passages both tasks print (simplified script, 6+ characters of commitment), as they are
    printed, so a page can mark them in both texts."""
    a, b = printed_text(child), printed_text(parent)
    blocks = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    found = {a[m.a : m.a + m.size].strip(_EDGE) for m in blocks if m.size >= 6}
    found = {text for text in found if len(commitment_of(text).replace(" ", "")) >= 6}
    return tuple(sorted(found, key=len, reverse=True)[:limit])
