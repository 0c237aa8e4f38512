"""What to warn whom about on a day: tasks due within N days or overdue, and cycle reports due or overdue
that a unit has not yet sent. Reads only; ``actions.send_warnings`` notifies and e-mails.

Each warning has a key naming the task or cycle, the unit, the due date and the state, so a person hears
of each once (running twice sends nothing new) and again only when something changes: the state moves from
due soon to overdue, or a recurring deadline comes round again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, QuerySet

from fazhi.tracking import TaskState
from fazhi_web.plans.models import Assignment, PlanStatus, Role, TaskStatus, Unit

from .models import Cycle, Report, ReportStatus
from .state import records_for, status_of

SENT = (ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.ACCEPTED)


@dataclass(frozen=True)
class DueWarning:
    unit: Unit
    key: str
    text: str
    link: str


def due_warnings(*, as_of: date, days: int) -> list[DueWarning]:
    return [*task_warnings(as_of=as_of, days=days), *cycle_warnings(as_of=as_of, days=days)]


def task_warnings(*, as_of: date, days: int) -> Iterator[DueWarning]:
    assignments = (Assignment.objects.filter(task__status=TaskStatus.ACTIVE, task__plan__status=PlanStatus.PUBLISHED,
                                             unit__in=_staffed_units())
                   .select_related("task", "task__plan", "unit").prefetch_related("task__deadlines")
                   .order_by("task__plan_id", "task__order", "unit__name"))
    found = list(assignments)
    records = records_for(a.task_id for a in found)
    for assignment in found:
        task, unit = assignment.task, assignment.unit
        status = status_of(task, as_of, warn_days=days, unit_id=unit.pk, records=records)
        if status.due is None or status.state not in (TaskState.DUE_SOON, TaskState.OVERDUE):
            continue
        gap = (status.due - as_of).days
        when = f"已逾期 {-gap} 天" if gap < 0 else ("今天到期" if gap == 0 else f"还有 {gap} 天")
        head = "任务已逾期" if status.state == TaskState.OVERDUE else "任务即将到期"
        yield DueWarning(unit, f"warn:task:{task.pk}:{unit.pk}:{status.due.isoformat()}:{status.state}",
                         f"{head}：{task.printed_label}{task.heading[:40]}，时限 {_day(status.due)}（{when}）",
                         f"/tasks/{task.pk}/")


def cycle_warnings(*, as_of: date, days: int) -> Iterator[DueWarning]:
    cycles = Cycle.objects.filter(plan__status=PlanStatus.PUBLISHED, due_on__lte=as_of + timedelta(days=days),
                                  starts_on__lte=as_of).select_related("plan").order_by("due_on", "pk")
    for cycle in cycles:
        for unit, pending in _pending(cycle):
            overdue = cycle.due_on < as_of
            state = "overdue" if overdue else "due"
            when = f"已于 {_day(cycle.due_on)}截止" if overdue else f"将于 {_day(cycle.due_on)}截止"
            yield DueWarning(unit, f"warn:cycle:{cycle.pk}:{unit.pk}:{state}",
                             f"进展报送{'已逾期' if overdue else '即将截止'}：{cycle.plan.title[:30]} {cycle.label}"
                             f"{when}，{unit.name}还有 {pending} 项任务未报送", f"/cycles/{cycle.pk}/")


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _staffed_units() -> QuerySet[Unit]:
    """Active units with someone to warn (a reporter or leader); the rest have nobody to tell."""
    return Unit.objects.filter(is_active=True, memberships__role__in=[Role.REPORTER, Role.LEADER],
                               memberships__user__is_active=True).distinct()


def _pending(cycle: Cycle) -> Iterator[tuple[Unit, int]]:
    """Each unit with tasks in the cycle's plan, and how many of its reports have not been sent."""
    assigned = dict(Assignment.objects.filter(task__plan_id=cycle.plan_id, task__status=TaskStatus.ACTIVE,
                                              unit__in=_staffed_units())
                    .values("unit_id").annotate(n=Count("task_id", distinct=True)).values_list("unit_id", "n"))
    sent = dict(Report.objects.filter(cycle=cycle, status__in=SENT, task__status=TaskStatus.ACTIVE)
                .values("unit_id").annotate(n=Count("task_id", distinct=True)).values_list("unit_id", "n"))
    units = Unit.objects.in_bulk([u for u, n in assigned.items() if n > sent.get(u, 0)])
    for unit_id in sorted(units, key=lambda pk: units[pk].name):
        yield units[unit_id], assigned[unit_id] - sent.get(unit_id, 0)
