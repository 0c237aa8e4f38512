"""A published plan as the core's ``fazhi.model.Plan``, and the alignment of two plans (fazhi.align), kept per
process so the pages do not recompute it on every request.

The core compares tasks by what they print: title, text, units (as printed, with their roles), deadlines and
targets. A plan's tasks change only when a revised document is published, which raises ``Plan.revision``; the
caches are keyed by plan id, revision and publication time (ids can come back after a rolled-back transaction
on SQLite, the publication time cannot), so a revised plan is read and aligned afresh.

The peers page compares one plan with every other plan of its level — at a province's scale a hundred
alignments, over a minute of work — so what it shows of each (``PeerDigest``) is also stored in the database
(``StoredAlignment``), filled by the page for a few plans or by a background job (``fazhi_web.jobs``) for many,
and read back by every process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet

from fazhi import model as core
from fazhi.align import Alignment, TaskKey, align

from . import access
from .models import Assignment, Plan, StoredAlignment, Task, TaskStatus

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


# ------------------------------------------------------------------------------------------ peers, stored


def lead_names(task: core.Task) -> str:
    return "、".join(u.name for u in task.lead_units) or "、".join(u.name for u in task.own_units[:3])


def heading(task: core.Task) -> str:
    return task.title or task.text[:60]


@dataclass(frozen=True)
class PeerTask:
    """A peer plan's task as the peers page prints it."""

    ref: TaskRef
    heading: str
    leads: str
    deadlines: tuple[str, ...]
    targets: tuple[str, ...]


@dataclass(frozen=True)
class PeerPair:
    parent: TaskKey  # the task of the plan the peer is compared with
    child: PeerTask  # the peer plan's task that corresponds to it
    score: float
    differences: tuple[tuple[str, str], ...]  # (kind, described: 时限推后：… → …)


@dataclass(frozen=True)
class PeerDigest:
    """What the peers page needs of the alignment of a peer plan (as child) with a plan (as parent)."""

    pairs: tuple[PeerPair, ...]

    def matches(self, key: TaskKey) -> list[PeerPair]:
        return sorted((p for p in self.pairs if p.parent == key), key=lambda p: -p.score)


def peer_plans(user: access.AnyUser, plan: Plan) -> QuerySet[Plan]:
    """The other plans of the plan's level that this person may read whole."""
    return (access.overseen_plans(user).exclude(pk=plan.pk).filter(jurisdiction__level=plan.jurisdiction.level)
            .select_related("jurisdiction").order_by("jurisdiction__name", "title"))


def versions(child: Plan, parent: Plan) -> str:
    return "|".join(":".join(str(part) for part in plan_key(p)) for p in (child, parent))


def stored_peers(plan: Plan, others: list[Plan]) -> dict[int, PeerDigest]:
    """The stored digests of each other plan against this one, where both plans are still as they were."""
    wanted = {other.pk: versions(other, plan) for other in others}
    rows = StoredAlignment.objects.filter(parent=plan, child_id__in=wanted).values_list("child_id", "versions", "data")
    return {child: _digest_from_json(data) for child, made_from, data in rows if wanted[child] == made_from}


def store_peer(other: Plan, plan: Plan) -> PeerDigest:
    """Align the other plan with this one (``compare``), and store what the peers page needs of it."""
    comparison = compare(other, plan)
    digest = _digest(comparison)
    try:
        with transaction.atomic():
            StoredAlignment.objects.update_or_create(child=other, parent=plan, defaults={
                "versions": versions(other, plan), "data": _digest_json(digest)})
    except IntegrityError:  # another process stored the same pair at the same moment: theirs is as good
        pass
    return digest


def _digest(comparison: Comparison) -> PeerDigest:
    pairs = []
    for pair in comparison.alignment.pairs:
        ref, task = comparison.child.refs.get(pair.child), comparison.child.tasks.get(pair.child)
        if ref is None or task is None:
            continue
        child = PeerTask(ref, heading(task), lead_names(task), tuple(d.text for d in task.deadlines),
                         tuple(t.text for t in task.targets))
        pairs.append(PeerPair(pair.parent, child, pair.score, tuple((d.kind, d.describe()) for d in pair.differences)))
    return PeerDigest(tuple(pairs))


def _digest_json(digest: PeerDigest) -> dict[str, Any]:
    return {"pairs": [{
        "parent": [p.parent.part, list(p.parent.path)], "score": p.score, "differences": [list(d) for d in p.differences],
        "child": {"pk": p.child.ref.pk, "label": p.child.ref.label, "section": p.child.ref.section_id,
                  "heading": p.child.heading, "leads": p.child.leads, "deadlines": list(p.child.deadlines),
                  "targets": list(p.child.targets)},
    } for p in digest.pairs]}


def _digest_from_json(data: dict[str, Any]) -> PeerDigest:
    pairs = []
    for p in data["pairs"]:
        c = p["child"]
        child = PeerTask(TaskRef(c["pk"], c["label"], c["section"]), c["heading"], c["leads"], tuple(c["deadlines"]),
                         tuple(c["targets"]))
        pairs.append(PeerPair(TaskKey(p["parent"][0], tuple(p["parent"][1])), child, p["score"],
                              tuple((kind, text) for kind, text in p["differences"])))
    return PeerDigest(tuple(pairs))
