"""Who may see and do what with tracking records — the one place, on top of ``plans.access``.

A unit's reporter writes and submits its reports; its leader approves them; the lead unit sees the
contributions delivered to it (approved), never another unit's drafts; the office of the plan's
jurisdiction accepts or returns consolidated reports, opens supervision orders and decides extensions;
overseers read. Not visible → 404, visible but not allowed → 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from fazhi_web.plans import access as plan_access
from fazhi_web.plans.access import AnyUser, get_or_404
from fazhi_web.plans.models import Assignment, AssignmentRole, Role

from .models import AnnualReport, Extension, Report, ReportKind, ReportStatus, SupervisionOrder

DELIVERED = (ReportStatus.APPROVED, ReportStatus.ACCEPTED)


def reporter_units(user: AnyUser) -> set[int]:
    return plan_access.unit_ids(user, (Role.REPORTER,))


def leader_units(user: AnyUser) -> set[int]:
    return plan_access.unit_ids(user, (Role.LEADER,))


def visible_reports(user: AnyUser) -> QuerySet[Report]:
    """Reports of overseen jurisdictions that reached the office's view (submitted onwards, consolidated)
    or any report of one's own unit, or contributions delivered to a task one's unit leads."""
    own = plan_access.unit_ids(user)
    overseen = plan_access.overseen_jurisdiction_ids(user)
    led = Assignment.objects.filter(unit_id__in=own, role__in=[AssignmentRole.LEAD, AssignmentRole.RESPONSIBLE])
    query = Q(unit_id__in=own)
    if own:  # the tasks led in a subquery: a join would repeat each report once per assignment (and need DISTINCT)
        query |= Q(kind=ReportKind.CONTRIBUTION, status__in=DELIVERED, task_id__in=led.values("task_id"))
    query |= Q(task__plan__jurisdiction_id__in=overseen) & ~Q(status=ReportStatus.DRAFT)
    return Report.objects.filter(query)


def get_report_for_user(user: AnyUser, pk: int) -> Report:
    return get_or_404(visible_reports(user).select_related("task", "task__plan", "unit", "cycle"), pk)


def may_edit(user: AnyUser, report: Report) -> bool:
    return report.unit_id in reporter_units(user) and report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


def may_approve(user: AnyUser, report: Report) -> bool:
    return report.unit_id in leader_units(user) and report.status == ReportStatus.SUBMITTED


def may_accept(user: AnyUser, report: Report) -> bool:
    return (report.kind == ReportKind.CONSOLIDATED and report.status == ReportStatus.APPROVED
            and plan_access.can_manage(user, report.task.plan.jurisdiction_id))


def may_return(user: AnyUser, report: Report) -> bool:
    if report.status != ReportStatus.APPROVED:
        return False
    if report.kind == ReportKind.CONSOLIDATED:
        return plan_access.can_manage(user, report.task.plan.jurisdiction_id)
    return bool(lead_unit_ids(report) & plan_access.unit_ids(user))


def lead_unit_ids(report: Report) -> set[int]:
    return set(report.task.assignments.filter(role__in=[AssignmentRole.LEAD, AssignmentRole.RESPONSIBLE])
               .values_list("unit_id", flat=True))


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def visible_orders(user: AnyUser) -> QuerySet[SupervisionOrder]:
    return SupervisionOrder.objects.filter(Q(unit_id__in=plan_access.unit_ids(user)) | Q(
        task__plan__jurisdiction_id__in=plan_access.overseen_jurisdiction_ids(user)))


def get_order_for_user(user: AnyUser, pk: int) -> SupervisionOrder:
    return get_or_404(visible_orders(user).select_related("task", "task__plan", "unit"), pk)


def visible_extensions(user: AnyUser) -> QuerySet[Extension]:
    return Extension.objects.filter(Q(unit_id__in=plan_access.unit_ids(user)) | Q(
        task__plan__jurisdiction_id__in=plan_access.overseen_jurisdiction_ids(user)))


def get_extension_for_user(user: AnyUser, pk: int) -> Extension:
    return get_or_404(visible_extensions(user).select_related("task", "task__plan", "unit"), pk)


def visible_annual_reports(user: AnyUser) -> QuerySet[AnnualReport]:
    """A jurisdiction's annual reports: its office and the levels above; a unit's: also the unit's own people."""
    overseen = plan_access.overseen_jurisdiction_ids(user)
    return AnnualReport.objects.filter(Q(plan__jurisdiction_id__in=overseen)
                                       | Q(unit_id__in=plan_access.unit_ids(user)))


def get_annual_report_for_user(user: AnyUser, pk: int) -> AnnualReport:
    return get_or_404(visible_annual_reports(user).select_related("plan", "plan__jurisdiction", "unit"), pk)


def may_edit_annual(user: AnyUser, report: AnnualReport) -> bool:
    """The office of the plan's jurisdiction edits every report of it; a unit's reporter or leader their unit's."""
    return plan_access.can_manage(user, report.plan.jurisdiction_id) or (
        report.unit_id is not None and report.unit_id in plan_access.unit_ids(user))


def may_publish_annual(user: AnyUser, report: AnnualReport) -> bool:
    return plan_access.can_manage(user, report.plan.jurisdiction_id)
