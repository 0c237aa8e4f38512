"""考核 from the database: the facts of each unit of a plan for a year, on a day, scored by the core.

Nothing is stored: the same records and the same ``as_of`` give the same result (``Assessment.digest``).
A fact is a list of references to the records behind it: ``report:12``, ``task:5``, ``order:7``, and
``cycle:3/task:5`` for a report that was never submitted.

* reports: every cycle of the year whose due day has passed, for every (task, unit) assigned; on time
  when submitted on or before the cycle's due day, late when after (by ``as_of``), missing otherwise;
* tasks: each task a unit leads or is responsible for, with its due date from ``state.status_of``
  (extensions included) falling in the year; done when its consolidated report says 已完成 and was
  approved or accepted; on time when that report was submitted by the due date;
* targets: the latest reported value of each target for each unit in the year, met or not (``TargetValue.met``);
* supervision orders with a reply due in the year: answered on time, late, or not answered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from fazhi.assess import Adjustment, Assessment, ManualScore, UnitFacts, score_by_rules
from fazhi.indicators import IndicatorSystem, score_by_indicators
from fazhi_web.plans.models import Assignment, AssignmentRole, Plan, Task, TaskStatus, Unit

from .config import Scoring, scoring_for
from .models import (
    AdjustmentKind,
    Cycle,
    NotApplicable,
    Progress,
    Report,
    ReportKind,
    ReportStatus,
    ScoreAdjustment,
    SupervisionOrder,
    TargetValue,
)
from .state import DONE_STATUSES, records_for, status_of

SUBMITTED = (ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.ACCEPTED)
METHODS = {"rules": "考核评分规则", "indicators": "指标体系"}


def indicator_system(plan: Plan, year: int) -> IndicatorSystem:
    """The indicator system in force for the plan and year (the stored one, or the built-in sample)."""
    return scoring_for(plan, year).indicators


def assessed_units(plan: Plan) -> list[Unit]:
    """The units with a part in the plan's live tasks, by name."""
    return list(Unit.objects.filter(assignments__task__plan=plan, assignments__task__status=TaskStatus.ACTIVE)
                .distinct().order_by("name", "pk"))


def assess(plan: Plan, year: int, as_of: date, method: str = "rules", scoring: Scoring | None = None) -> Assessment:
    """Score the plan's units for the year by the configuration in force for them (``scoring_for``)."""
    scoring = scoring or scoring_for(plan, year)
    facts = facts_for(plan, year, as_of, scoring.indicators if method == "indicators" else None)
    if method == "indicators":
        return score_by_indicators(scoring.indicators, facts, year=year)
    return score_by_rules(scoring.rules, facts, year=year)


def facts_for(plan: Plan, year: int, as_of: date, system: IndicatorSystem | None = None) -> list[UnitFacts]:
    units = assessed_units(plan)
    counts: dict[int, dict[str, list[str]]] = {u.pk: defaultdict(list) for u in units}
    assignments = list(Assignment.objects.filter(task__plan=plan, task__status=TaskStatus.ACTIVE)
                       .select_related("task", "task__plan").prefetch_related("task__deadlines")
                       .defer(*_TASK_TEXTS).order_by("task__order", "unit__name"))
    _reports(plan, year, as_of, assignments, counts)
    _tasks(year, as_of, assignments, counts)
    _targets(plan, year, as_of, counts)
    _orders(plan, year, as_of, counts)
    marks: dict[int, dict[str, str]] = defaultdict(dict)
    for mark in NotApplicable.objects.filter(plan=plan, year=year, withdrawn=False).order_by("code"):
        marks[mark.unit_id][mark.code] = mark.reason
    adjustments, manual = _manual(plan, year, system)
    return [UnitFacts(f"unit:{u.pk}", u.name, counts={k: tuple(v) for k, v in sorted(counts[u.pk].items())},
                      adjustments=adjustments.get(u.pk, ()), manual=manual.get(u.pk, {}),
                      not_applicable=marks.get(u.pk, {})) for u in units]


def _manual(plan: Plan, year: int, system: IndicatorSystem | None
            ) -> tuple[dict[int, tuple[Adjustment, ...]], dict[int, dict[str, ManualScore]]]:
    """The office's standing bonuses, deductions and hand scores, as the engine's manual inputs. A hand score
    is stored in points within the checkpoint's weight; the engine takes the share of the weight it earns."""
    adjustments: dict[int, list[Adjustment]] = defaultdict(list)
    manual: dict[int, dict[str, ManualScore]] = defaultdict(dict)
    rows = ScoreAdjustment.objects.filter(plan=plan, year=year, withdrawn=False).order_by("recorded_at", "pk")
    for row in rows:
        refs = (row.ref,) if row.ref else ()
        if row.kind != AdjustmentKind.CHECKPOINT:
            adjustments[row.unit_id].append(Adjustment(row.kind, row.points, row.reason, refs))
            continue
        node = system.find(row.code) if system is not None else None
        if node is not None and node.checkpoint and node.measure is None and node.weight > 0:
            manual[row.unit_id][row.code] = ManualScore(row.points / node.weight, f"{row.points} 分，{row.reason}", refs)
    return {k: tuple(v) for k, v in adjustments.items()}, dict(manual)


_TASK_TEXTS = ("task__text", "task__source_text", "task__search_text", "task__plan__search_text")
# What scoring reads of a report: never its texts, which are most of a report's bytes (years of them, at scale).
_WHEN = ("task_id", "unit_id", "cycle_id", "kind", "status", "submitted_at")


def _day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def _reports(plan: Plan, year: int, as_of: date, assignments: list[Assignment],
             counts: dict[int, dict[str, list[str]]]) -> None:
    cycles = list(Cycle.objects.filter(plan=plan, starts_on__year=year, due_on__lte=as_of).order_by("starts_on", "pk"))
    found = {(r.task_id, r.unit_id, r.cycle_id): r for r in Report.objects.filter(cycle__in=cycles).only(*_WHEN)}
    for cycle in cycles:
        for a in assignments:
            report = found.get((a.task_id, a.unit_id, cycle.pk))
            submitted = _day(report.submitted_at) if report is not None else None
            if report is None or submitted is None or submitted > as_of or report.status not in SUBMITTED:
                ref, kind = f"cycle:{cycle.pk}/task:{a.task_id}", "reports_missing"
            else:
                ref, kind = f"report:{report.pk}", "reports_on_time" if submitted <= cycle.due_on else "reports_late"
            counts[a.unit_id]["reports_due"].append(ref)
            counts[a.unit_id][kind].append(ref)


def _tasks(year: int, as_of: date, assignments: list[Assignment], counts: dict[int, dict[str, list[str]]]) -> None:
    done: dict[tuple[int, int], Report] = {}
    finished = Report.objects.filter(task__in={a.task_id for a in assignments}, kind=ReportKind.CONSOLIDATED,
                                     progress=Progress.DONE, status__in=DONE_STATUSES, submitted_at__isnull=False)
    for report in finished.only(*_WHEN).order_by("submitted_at", "pk"):
        done.setdefault((report.task_id, report.unit_id), report)
    records = records_for(a.task_id for a in assignments)
    for a in assignments:
        if a.role == AssignmentRole.PARTICIPATING:
            continue
        due = status_of(a.task, as_of, unit_id=a.unit_id, records=records).due
        report = done.get((a.task_id, a.unit_id))
        finished_on = _day(report.submitted_at) if report is not None else None
        if finished_on is not None and finished_on > as_of:
            report = finished_on = None
        if due is None or due.year != year or (due > as_of and finished_on is None):
            continue
        counts[a.unit_id]["tasks_due"].append(f"task:{a.task_id}")
        if report is not None and finished_on is not None and finished_on <= due:
            counts[a.unit_id]["tasks_done"].append(f"report:{report.pk}")
        elif report is not None:
            counts[a.unit_id]["tasks_late"].append(f"report:{report.pk}")
        else:
            counts[a.unit_id]["tasks_overdue"].append(f"task:{a.task_id}")


def _targets(plan: Plan, year: int, as_of: date, counts: dict[int, dict[str, list[str]]]) -> None:
    values: QuerySet[TargetValue] = TargetValue.objects.filter(
        report__task__plan=plan, report__cycle__starts_on__year=year, report__status__in=SUBMITTED,
        report__submitted_at__isnull=False).select_related("target", "report", "report__cycle").only(
        "value", "target", "report__cycle__starts_on", *(f"report__{name}" for name in _WHEN))
    latest: dict[tuple[int, int], TargetValue] = {}
    for value in values.order_by("report__cycle__starts_on", "report__submitted_at", "pk"):
        submitted = _day(value.report.submitted_at)
        if submitted is not None and submitted <= as_of and value.report.unit_id in counts:
            latest[(value.report.unit_id, value.target_id)] = value
    for (unit_id, _), value in sorted(latest.items()):
        ref = f"report:{value.report_id}"
        counts[unit_id]["targets_reported"].append(ref)
        counts[unit_id]["targets_met" if value.met else "targets_missed"].append(ref)


def _orders(plan: Plan, year: int, as_of: date, counts: dict[int, dict[str, list[str]]]) -> None:
    for order in SupervisionOrder.objects.filter(task__plan=plan, reply_due__year=year).order_by("reply_due", "pk"):
        if order.unit_id not in counts:
            continue
        replied = _day(order.replied_at)
        if replied is not None and replied > as_of:
            replied = None
        if replied is None and order.reply_due >= as_of:
            continue  # not yet due and not answered: nothing to count
        ref = f"order:{order.pk}"
        counts[order.unit_id]["orders_due"].append(ref)
        kind = "orders_unanswered" if replied is None else \
            "orders_on_time" if replied <= order.reply_due else "orders_late"
        counts[order.unit_id][kind].append(ref)


# ------------------------------------------------------------------------------------------ references as links


@dataclass(frozen=True)
class RecordLink:
    ref: str
    label: str
    url: str


def describe(refs: Iterable[str]) -> dict[str, RecordLink]:
    """A label and a link for each reference, read in one query per kind."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for ref in refs:
        for part in ref.split("/"):
            kind, _, pk = part.partition(":")
            if pk.isdecimal():
                wanted[kind].add(int(pk))
    reports = Report.objects.filter(pk__in=wanted["report"]).select_related("task", "cycle").in_bulk()
    tasks = Task.objects.filter(pk__in=wanted["task"]).in_bulk()
    cycles = Cycle.objects.filter(pk__in=wanted["cycle"]).in_bulk()
    orders = SupervisionOrder.objects.filter(pk__in=wanted["order"]).in_bulk()
    found: dict[str, RecordLink] = {}
    for pk, report in reports.items():
        found[f"report:{pk}"] = RecordLink(f"report:{pk}", f"{report.cycle.label} · {report.task.printed_label}"
                                           f"{report.task.heading[:24]}（{report.get_status_display()}）",
                                           reverse("report", kwargs={"pk": pk}))
    for pk, task in tasks.items():
        found[f"task:{pk}"] = RecordLink(f"task:{pk}", f"任务 {task.printed_label}{task.heading[:30]}",
                                         reverse("task", kwargs={"pk": pk}))
    for pk, order in orders.items():
        found[f"order:{pk}"] = RecordLink(f"order:{pk}", f"督办单 {order.number}", reverse("order", kwargs={"pk": pk}))
    for ref in refs:
        if ref.startswith("cycle:"):
            cycle_part, _, task_part = ref.partition("/")
            cycle, task = cycles.get(int(cycle_part[6:])), tasks.get(int(task_part[5:] or 0))
            if cycle is not None:
                what = f"{task.printed_label}{task.heading[:24]}" if task is not None else ""
                found[ref] = RecordLink(ref, f"{cycle.label} 未报送 · {what}", reverse("cycle", kwargs={"pk": cycle.pk}))
    return found
