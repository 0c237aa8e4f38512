"""A cycle's progress ledger (进展台账) from the database: one row per active task of the cycle's plan and unit
assigned to it, with that unit's report for the cycle — if the reader may see it (``access.visible_reports``:
the office never sees a unit's draft, so it reads 未填报). The workbook itself is the core's
(``fazhi.export.ledger``). A fixed number of queries, however many rows.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, QuerySet
from django.utils import timezone

from fazhi.export.ledger import NOT_REPORTED, Ledger, LedgerRow, target_line
from fazhi_web.plans.access import AnyUser
from fazhi_web.plans.models import Assignment, AssignmentRole, Target, TaskStatus, Unit

from . import access
from .models import Cycle, Evidence, Report, ReportKind

_ROLE_ORDER = {AssignmentRole.LEAD: 0, AssignmentRole.RESPONSIBLE: 1, AssignmentRole.PARTICIPATING: 2}


def build_ledger(user: AnyUser, cycle: Cycle, as_of: date, unit: Unit | None = None) -> Ledger:
    """The whole jurisdiction's ledger (with the sheet 汇总), or one unit's. The caller has checked that the
    reader may read these rows (views.ledger)."""
    assignments = _assignments(cycle, unit)
    task_ids = {a.task_id for a in assignments}
    reports = {(r.task_id, r.unit_id): r for r in access.visible_reports(user).filter(cycle=cycle, task_id__in=task_ids)
               .prefetch_related("values")}
    evidence = dict(Evidence.objects.filter(report__in=[r.pk for r in reports.values()], withdrawn=False)
                    .values("report_id").annotate(n=Count("pk")).values_list("report_id", "n"))
    targets: dict[int, list[Target]] = {}
    for target in Target.objects.filter(task_id__in=task_ids).order_by("pk"):
        targets.setdefault(target.task_id, []).append(target)
    rows = tuple(_row(a, reports.get((a.task_id, a.unit_id)), targets.get(a.task_id, []), evidence)
                 for a in assignments)
    scope = unit.name if unit else "全部单位"
    return Ledger(title=f"{cycle.plan.title} {cycle.label} {'' if unit is None else unit.name + ' '}进展台账",
                  cycle=cycle.label, as_of=as_of, rows=rows, scope=scope, summary=unit is None)


def row_count(cycle: Cycle, unit: Unit | None = None) -> int:
    """How many rows the ledger has: a large one is built as a background job (views.ledger)."""
    return _rows(cycle, unit).count()


def _rows(cycle: Cycle, unit: Unit | None) -> QuerySet[Assignment]:
    found = Assignment.objects.filter(task__plan_id=cycle.plan_id, task__status=TaskStatus.ACTIVE)
    return found if unit is None else found.filter(unit=unit)


def _assignments(cycle: Cycle, unit: Unit | None) -> list[Assignment]:
    found = _rows(cycle, unit).select_related("task", "task__section", "unit")
    return sorted(found, key=lambda a: (a.task.order, a.task_id, _ROLE_ORDER.get(a.role, 9), a.unit.name))


def _row(assignment: Assignment, report: Report | None, targets: list[Target], evidence: dict[int, int]) -> LedgerRow:
    task = assignment.task
    kind = ReportKind.CONTRIBUTION if assignment.role == AssignmentRole.PARTICIPATING else ReportKind.CONSOLIDATED
    common = {"label": task.printed_label, "section": task.section.numbered_title if task.section else "",
              "task": task.heading, "unit": assignment.unit.name, "role": assignment.get_role_display()}
    values = {v.target_id: v.value for v in report.values.all()} if report else {}
    lines = tuple(target_line(t.metric, t.op, t.value, t.value_high, t.unit, values.get(t.pk)) for t in targets)
    if report is None:
        return LedgerRow(**common, kind=kind.label, status=NOT_REPORTED, targets=lines)
    submitted = timezone.localtime(report.submitted_at).replace(tzinfo=None) if report.submitted_at else None
    return LedgerRow(**common, kind=report.get_kind_display(), status=report.get_status_display(),
                     progress=report.get_progress_display(), done=report.done, problems=report.problems,
                     next_steps=report.next_steps, targets=lines, evidence=evidence.get(report.pk, 0),
                     submitted_at=submitted)


def file_name(cycle: Cycle, unit: Unit | None) -> str:
    return f"{cycle.plan.title[:40]}_{cycle.label}_{unit.name + '_' if unit else ''}进展台账.xlsx"


def has_ledger(cycle: Cycle, unit: Unit) -> bool:
    """A unit of the plan's jurisdiction, or one with a part in the plan, has a ledger for the cycle (perhaps
    empty); any other unit has none."""
    return unit.jurisdiction_id == cycle.plan.jurisdiction_id or Assignment.objects.filter(
        task__plan_id=cycle.plan_id, unit=unit).exists()
