"""A unit's due dates as calendar events: each task's one-off and recurring deadlines (a recurring one as a
single event with an RRULE, by the core's rule), a granted extension's new date, and the cycles' report due
days. The feed itself is written by the core (``fazhi.export.ics``)."""

from __future__ import annotations

from datetime import date

from fazhi.export.ics import Event, recurring_event
from fazhi.tracking import implied_due
from fazhi_web.plans.models import Assignment, DeadlineKind, PlanStatus, Task, TaskStatus, Unit

from .models import Cycle, DecisionStatus, Extension


def unit_events(unit: Unit, *, as_of: date, base_url: str) -> list[Event]:
    assignments = (Assignment.objects.filter(unit=unit, task__status=TaskStatus.ACTIVE,
                                             task__plan__status=PlanStatus.PUBLISHED)
                   .select_related("task", "task__plan").prefetch_related("task__deadlines")
                   .order_by("task__plan_id", "task__order"))
    extensions: dict[int, Extension] = {}
    for extension in Extension.objects.filter(unit=unit, status=DecisionStatus.GRANTED).order_by("decided_at"):
        extensions[extension.task_id] = extension  # the latest granted one wins
    events = []
    for assignment in assignments:
        events += task_events(assignment.task, unit, as_of=as_of, base_url=base_url,
                              role=assignment.get_role_display(), extension=extensions.get(assignment.task_id))
    plans = {a.task.plan_id for a in assignments}
    for cycle in Cycle.objects.filter(plan_id__in=plans).select_related("plan").order_by("due_on"):
        events.append(Event(f"fazhi-cycle-{cycle.pk}-unit-{unit.pk}@fazhi",
                            f"【报送截止】{cycle.label}进展报告（{cycle.plan.title[:20]}）", cycle.due_on,
                            f"{cycle.plan.title}\n{cycle.label}（{cycle.starts_on:%Y-%m-%d} 至 {cycle.ends_on:%Y-%m-%d}）"
                            f"进展报告报送截止", f"{base_url}/cycles/{cycle.pk}/"))
    return events


def task_events(task: Task, unit: Unit, *, as_of: date, base_url: str, role: str = "",
                extension: Extension | None = None) -> list[Event]:
    plan = task.plan
    summary = f"【任务时限】{task.printed_label}{task.heading[:40]}"
    url = f"{base_url}/tasks/{task.pk}/"
    about = f"{plan.title}\n{task.printed_label}{task.heading}\n{unit.name}{('（' + role + '）') if role else ''}"
    first_from = date(plan.period_start, 1, 1) if plan.period_start else date(as_of.year, 1, 1)
    until = date(plan.period_end, 12, 31) if plan.period_end else None
    events: list[Event] = []
    one_off: list[tuple[str, date, str]] = []
    deadlines = list(task.deadlines.all())
    for deadline in deadlines:
        uid = f"fazhi-deadline-{deadline.pk}-unit-{unit.pk}@fazhi"
        if deadline.kind == DeadlineKind.RECURRING and deadline.recurrence:
            found = recurring_event(uid=uid, summary=summary, recurrence=deadline.recurrence,
                                    month_day=deadline.month_day or None, first_from=first_from, until=until,
                                    description=f"{about}\n时限：{deadline.text}", url=url)
            events += [found] if found else []
        elif deadline.kind == DeadlineKind.ONE_OFF and deadline.due_on:
            one_off.append((uid, deadline.due_on, deadline.text))
    if not deadlines or all(d.kind == DeadlineKind.UNRESOLVED for d in deadlines):
        implied = implied_due((plan.period_start, plan.period_end) if plan.period_start and plan.period_end else None)
        if implied:
            one_off.append((f"fazhi-task-{task.pk}-unit-{unit.pk}-year@fazhi", implied, "年内"))
    return events + _one_off_events(one_off, extension, summary, about, url, task, unit)


def _one_off_events(one_off: list[tuple[str, date, str]], extension: Extension | None, summary: str, about: str,
                    url: str, task: Task, unit: Unit) -> list[Event]:
    events = []
    moved = False
    for uid, day, text in one_off:
        if extension is not None and extension.original_due == day:
            events.append(Event(uid, f"{summary}（已延期）", extension.requested_due,
                                f"{about}\n时限：{text}，已延期至 {extension.requested_due:%Y-%m-%d}（原 {day:%Y-%m-%d}）", url))
            moved = True
        else:
            events.append(Event(uid, summary, day, f"{about}\n时限：{text}", url))
    if extension is not None and not moved:
        events.append(Event(f"fazhi-extension-{extension.pk}@fazhi", f"{summary}（延期后）", extension.requested_due,
                            f"{about}\n延期至 {extension.requested_due:%Y-%m-%d}", url))
    return events
