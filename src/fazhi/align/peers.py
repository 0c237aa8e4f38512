"""Peers: the same commitment across plans of the same level, side by side, with what differs.

Two views, both from the office's questions: "what did the other counties write for this task?"
(``compare``: the chosen task's counterparts in each other plan, found by the same alignment that
pairs a child with its parent) and "what does every plan require of this metric?" (``targets_for``:
every target printed for one metric, such as 行政机关负责人出庭应诉率).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fazhi.align import Alignment, TaskKey, align
from fazhi.align.differences import Difference, compare_targets, differences, same_metric
from fazhi.model import Plan, Target, Task

__all__ = ["MetricTarget", "PeerMatch", "PeerRow", "compare", "targets_for"]


@dataclass(frozen=True)
class PeerMatch:
    task: Task
    score: float
    differences: tuple[Difference, ...]  # the peer's values against the chosen task's


@dataclass(frozen=True)
class PeerRow:
    name: str  # the peer plan, as the caller names it (jurisdiction or file)
    matches: tuple[PeerMatch, ...]  # best first; empty when the peer has no such task


def compare(task: Task, plan: Plan, others: Sequence[tuple[str, Plan]],
            aligned: Callable[[str, Plan], Alignment] | None = None) -> list[PeerRow]:
    """For each other plan, its tasks that correspond to ``task`` of ``plan``. ``aligned(name, other)``
    may supply the alignment of ``other`` with ``plan`` (a caller that keeps alignments); by default
    each is computed."""
    key = TaskKey.of(task)
    rows = []
    for name, other in others:
        by_key = {TaskKey.of(t): t for t in other.tasks}
        result = aligned(name, other) if aligned is not None else align(other, plan)
        found = [p for p in result.pairs if p.parent == key]
        matches = tuple(
            PeerMatch(by_key[p.child], p.score, differences(by_key[p.child], task, same_commitment=p.kind != "partial"))
            for p in sorted(found, key=lambda p: -p.score))
        rows.append(PeerRow(name, matches))
    return rows


@dataclass(frozen=True)
class MetricTarget:
    name: str  # the plan, as the caller names it
    task: Task
    target: Target
    against: str | None  # 目标提高 / 目标降低 against the first plan's target, None when equal or first


def targets_for(metric: str, plans: Sequence[tuple[str, Plan]]) -> list[MetricTarget]:
    """Every target printed for a metric in the given plans, compared with the first one found."""
    found: list[MetricTarget] = []
    for name, plan in plans:
        for task in plan.tasks:
            for target in task.targets:
                if same_metric(target.metric, metric):
                    against = compare_targets(target, found[0].target) if found else None
                    found.append(MetricTarget(name, task, target, against))
    return found
