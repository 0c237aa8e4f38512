"""Each task's due date and state for a unit on a day, from its deadlines, the plan's year,
granted extensions and the reports — the core's rules (``fazhi.tracking``) applied to the database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from fazhi.schedule import next_due
from fazhi.tracking import TaskState, implied_due, task_state
from fazhi_web.plans.models import Assignment, AssignmentRole, Task

from .models import DecisionStatus, Extension, Progress, Report, ReportKind, ReportStatus

DONE_STATUSES = (ReportStatus.APPROVED, ReportStatus.ACCEPTED)


@dataclass(frozen=True)
class TaskStatus:
    due: date | None
    state: TaskState
    extended_from: date | None = None

    @property
    def label(self) -> str:
        return {TaskState.DONE: "已完成", TaskState.OVERDUE: "已逾期", TaskState.DUE_SOON: "即将到期",
                TaskState.ON_TRACK: "正常推进", TaskState.NO_DATE: "长期/未定时限"}[self.state]


def printed_due(task: Task, as_of: date) -> date | None:
    """The next date the plan itself asks for (an annual plan's tasks without one: its year's end)."""
    dates = [next_due(d.kind, as_of, due=d.due_on, recurrence=d.recurrence or None, month_day=d.month_day or None)
             for d in task.deadlines.all()]
    found = [d for d in dates if d is not None]
    if found:
        return min(found)
    plan = task.plan
    if not task.deadlines.all() or all(d.kind == "unresolved" for d in task.deadlines.all()):
        period = (plan.period_start, plan.period_end) if plan.period_start and plan.period_end else None
        return implied_due(period)
    return None


@dataclass(frozen=True)
class Records:
    """What the states of many tasks rest on, read once for all of them: the granted extensions (latest decision
    first), the units whose approved consolidated report says 已完成, and — when asked for — each task's lead
    units. Pages listing many tasks read these once (``records_for``) instead of once per row."""

    extensions: dict[int, list[Extension]]  # task → its granted extensions, latest decided first
    finished: dict[int, set[int]]  # task → units done with it
    leads: dict[int, set[int]] | None = None  # task → lead units (None: not read)

    def extension(self, task_id: int, unit_id: int | None) -> Extension | None:
        """The latest granted extension of the task (for the unit, when one is given)."""
        return next((e for e in self.extensions.get(task_id, []) if unit_id is None or e.unit_id == unit_id), None)

    def is_done(self, task_id: int, unit_id: int | None) -> bool:
        """Done for a unit when its own approved report says 已完成; done for the task when every lead unit's does."""
        finished = self.finished.get(task_id, set())
        if unit_id is not None:
            return unit_id in finished
        if self.leads is None:
            raise ValueError("records_for(..., leads=True) is needed for the state of a whole task")
        leads = self.leads.get(task_id, set())
        return bool(leads) and leads <= finished


def records_for(task_ids: Iterable[int], *, leads: bool = False) -> Records:
    """The records behind the states of these tasks, in two queries (three with the lead units)."""
    ids = set(task_ids)
    extensions: dict[int, list[Extension]] = defaultdict(list)
    for extension in Extension.objects.filter(task_id__in=ids, status=DecisionStatus.GRANTED).order_by(
            "-decided_at", "pk"):
        extensions[extension.task_id].append(extension)
    finished: dict[int, set[int]] = defaultdict(set)
    for task_id, unit_id in Report.objects.filter(task_id__in=ids, kind=ReportKind.CONSOLIDATED,
                                                  status__in=DONE_STATUSES, progress=Progress.DONE).values_list(
            "task_id", "unit_id"):
        finished[task_id].add(unit_id)
    lead_units: dict[int, set[int]] | None = None
    if leads:
        lead_units = defaultdict(set)
        for task_id, unit_id in Assignment.objects.filter(task_id__in=ids, role=AssignmentRole.LEAD).values_list(
                "task_id", "unit_id"):
            lead_units[task_id].add(unit_id)
    return Records(dict(extensions), dict(finished), lead_units)


def status_of(task: Task, as_of: date, *, warn_days: int = 14, unit_id: int | None = None,
              records: Records | None = None) -> TaskStatus:
    """The task's due date and state on the day (for a unit, or for the whole task). Give ``records`` (from
    ``records_for``) when asking for many tasks; the task's deadlines and plan should be read with it."""
    if records is None:
        records = records_for([task.pk], leads=unit_id is None)
    due = printed_due(task, as_of)
    granted = records.extension(task.pk, unit_id)
    extended_from = None
    if granted is not None:
        extended_from, due = due, granted.requested_due
    done = records.is_done(task.pk, unit_id)
    return TaskStatus(due, task_state(due, done=done, as_of=as_of, warn_days=warn_days), extended_from)


@dataclass(frozen=True)
class TargetRow:
    """One target of a task: its reported values per (cycle, unit), each met or not."""

    target_text: str
    cells: list[tuple[str, str, float | None, str]]  # (cycle, unit, value, "met" | "not-met" | "no-data")


def target_progress(task: Task, reports: list[Report]) -> list[TargetRow]:
    """Reported values against each target's threshold, over the cycles of the given reports."""
    from .models import TargetValue

    values = {(v.report_id, v.target_id): v for v in TargetValue.objects.filter(report__in=reports)
              .select_related("target")}
    rows = []
    for target in task.targets.all():
        cells = []
        for report in sorted(reports, key=lambda r: (r.cycle.starts_on, r.unit.name)):
            found = values.get((report.pk, target.pk))
            state = "no-data" if found is None else ("met" if found.met else "not-met")
            cells.append((report.cycle.label, report.unit.name, found.value if found else None, state))
        rows.append(TargetRow(target.text, cells))
    return rows
