"""A published plan as the core's ``fazhi.model.Plan``, and the alignment of two plans (fazhi.align), kept per
process so the pages do not recompute it on every request.

The core compares tasks by what they print: title, text, units (as printed, with their roles), deadlines and
targets. A plan's tasks change only when a revised document is published, which raises ``Plan.revision``; the
caches are keyed by plan id, revision and publication time (ids can come back after a rolled-back transaction
on SQLite, the publication time cannot), so a revised plan is read and aligned afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Prefetch

from fazhi import model as core
from fazhi.align import Alignment, TaskKey, align

from .models import Assignment, Plan, Task, TaskStatus

CORE_PLANS = 32  # plans kept as core Plans (a few hundred kB each at most)
ALIGNMENTS = 64  # alignments kept


@dataclass(frozen=True)
class TaskRef:
    """What a page needs to name and link a task without asking the database again."""

    pk: int
    label: str  # as printed: 1. （三） …
    section_id: int | None


@dataclass(frozen=True)
class CorePlan:
    """A DB plan as the core sees it, with the way back from a core task to its DB task."""

    plan: core.Plan
    refs: dict[TaskKey, TaskRef]
    tasks: dict[TaskKey, core.Task]


@dataclass(frozen=True)
class Comparison:
    """The alignment of a child plan with its parent, with both plans as the core saw them."""

    child: CorePlan
    parent: CorePlan
    alignment: Alignment


K = TypeVar("K")
V = TypeVar("V")


class _Lru:
    """A small least-recently-used cache, safe to share between the threads of one process."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Any, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any, make: Callable[[], V]) -> V:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]  # type: ignore[no-any-return]
        value = make()  # outside the lock: two threads may both compute, both get the same answer
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_core_plans = _Lru(CORE_PLANS)
_alignments = _Lru(ALIGNMENTS)


def plan_key(plan: Plan) -> tuple[int, int, str]:
    return plan.pk, plan.revision, plan.published_at.isoformat() if plan.published_at else ""


def task_key(task: Task) -> TaskKey:
    return TaskKey(task.part, split_path(task.path))


def split_path(path: str) -> tuple[str, ...]:
    """The DB keeps a path as its numbers joined by "/" (actions._store_task)."""
    return tuple(path.split("/")) if path else ()


def core_plan(plan: Plan) -> CorePlan:
    """The plan's active tasks in order, its headings and metadata, as a ``fazhi.model.Plan`` (cached)."""
    return _core_plans.get(plan_key(plan), lambda: _read(plan))


def compare(child: Plan, parent: Plan) -> Comparison:
    """``fazhi.align.align`` of the two plans (cached per pair of plan versions)."""
    key = (plan_key(child), plan_key(parent))

    def make() -> Comparison:
        mine, theirs = core_plan(child), core_plan(parent)
        return Comparison(mine, theirs, align(mine.plan, theirs.plan))

    return _alignments.get(key, make)


def clear_caches() -> None:
    _core_plans.clear()
    _alignments.clear()


def _read(plan: Plan) -> CorePlan:
    tasks = list(Task.objects.filter(plan=plan, status=TaskStatus.ACTIVE).order_by("order").prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("unit", "via_group").order_by("pk")),
        "deadlines", "targets"))
    headings = tuple(core.Heading(part=s.part, path=split_path(s.path), label=s.label, title=s.title, line=s.line)
                     for s in plan.sections.order_by("order"))
    converted = [_task(t) for t in tasks]
    refs: dict[TaskKey, TaskRef] = {}
    by_key: dict[TaskKey, core.Task] = {}
    for db_task, task in zip(tasks, converted, strict=True):
        key = TaskKey.of(task)
        label = f"附件{db_task.printed_label}" if db_task.part == "annex" else db_task.printed_label
        refs.setdefault(key, TaskRef(db_task.pk, label, db_task.section_id))
        by_key.setdefault(key, task)
    period = (plan.period_start, plan.period_end) if plan.period_start and plan.period_end else None
    level = plan.jurisdiction.level
    meta = core.PlanMeta(title=plan.title, jurisdiction=plan.jurisdiction.name,
                         level=core.Level(level) if level in {lv.value for lv in core.Level} else None,
                         issuers=tuple(i for i in plan.issuers.split("、") if i), doc_number=plan.doc_number or None,
                         date=plan.issued_on, period=period)
    return CorePlan(core.Plan(meta=meta, headings=headings, tasks=tuple(converted), source=plan.title), refs, by_key)


def _task(task: Task) -> core.Task:
    span = core.SourceSpan(task.line)
    return core.Task(
        part=task.part, path=split_path(task.path), title=task.title or None, text=task.text, line=task.line,
        units=_units(task.assignments.all(), span),
        deadlines=tuple(core.Deadline(
            text=d.text, kind=core.DeadlineKind(d.kind), span=core.SourceSpan(d.line or task.line), date=d.due_on,
            precision=core.Precision(d.precision) if d.precision else None,
            recurring=core.Recurrence(d.recurrence) if d.recurrence else None,
            month_day=d.month_day or None) for d in task.deadlines.all()),
        targets=tuple(core.Target(
            text=t.text, metric=t.metric, op=t.op,
            value=(t.value, t.value_high) if t.op == "range" and t.value_high is not None else t.value,
            unit=t.unit, span=core.SourceSpan(t.line or task.line)) for t in task.targets.all()),
    )


def _units(assignments: Sequence[Assignment], span: core.SourceSpan) -> tuple[core.UnitRef, ...]:
    """One reference per name as printed: a group (各镇(街道)) once, not once per member unit."""
    refs: dict[tuple[str, str], core.UnitRef] = {}
    for a in assignments:
        printed = a.printed_name or a.unit.name
        if (printed, a.role) in refs:
            continue
        grouped = a.via_group_id is not None
        refs[(printed, a.role)] = core.UnitRef(
            name=printed, role=core.UnitRole(a.role), span=span, is_group=grouped,
            resolved=a.via_group.name if grouped and a.via_group else (None if grouped else a.unit.name))
    order = {core.UnitRole.LEAD: 0, core.UnitRole.RESPONSIBLE: 1, core.UnitRole.PARTICIPATING: 2}
    return tuple(sorted(refs.values(), key=lambda u: order[u.role]))
