"""Removing a generated province (``gen-data --replace``): its bulk records with plain DELETE statements
(they have no history to keep), then its plans, units, people and jurisdictions through the ORM."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import QuerySet

from fazhi_web.plans.models import Alias, ImportDraft, Jurisdiction, Plan, SourceDocument, Unit, UnitGroup
from fazhi_web.tracking.models import (
    AnnualReport,
    AssessmentConfig,
    CalendarFeed,
    Cycle,
    Evidence,
    Extension,
    Follow,
    NotApplicable,
    Report,
    ScoreAdjustment,
    SupervisionOrder,
    TargetValue,
)

from .world import UPPER


def generated_provinces() -> list[Jurisdiction]:
    """The provinces the generator made (the generated upper viewer's)."""
    return list(Jurisdiction.objects.filter(memberships__user__username=UPPER).distinct())


def remove_generated() -> None:
    """Remove every generated province and every generated account, all or nothing."""
    with transaction.atomic():
        for province in generated_provinces():
            _remove_tree(province)
        User.objects.filter(username__startswith="gen-").delete()


def _remove_tree(province: Jurisdiction) -> None:
    places = province.subtree_ids()
    plans = Plan.objects.filter(jurisdiction_id__in=places)
    reports = Report.objects.filter(task__plan__in=plans)
    for queryset in (TargetValue.objects.filter(report__in=reports), Evidence.objects.filter(report__in=reports),
                     reports, SupervisionOrder.objects.filter(task__plan__in=plans),
                     Extension.objects.filter(task__plan__in=plans), ScoreAdjustment.objects.filter(plan__in=plans),
                     NotApplicable.objects.filter(plan__in=plans), AssessmentConfig.objects.filter(plan__in=plans),
                     AnnualReport.objects.filter(plan__in=plans), Follow.objects.filter(task__plan__in=plans),
                     Cycle.history.filter(plan_id__in=plans.values("pk")),  # type: ignore[attr-defined]
                     Cycle.objects.filter(plan__in=plans)):
        _delete_rows(queryset)
    ImportDraft.objects.filter(jurisdiction_id__in=places).delete()
    plans.update(parent_plan=None)
    plans.delete()
    SourceDocument.objects.filter(jurisdiction_id__in=places).delete()
    CalendarFeed.objects.filter(unit__jurisdiction_id__in=places).delete()
    Alias.objects.filter(jurisdiction_id__in=places).delete()
    UnitGroup.objects.filter(jurisdiction_id__in=places).delete()
    User.objects.filter(memberships__jurisdiction_id__in=places).delete()
    Unit.objects.filter(jurisdiction_id__in=places).delete()
    for depth_first in sorted(places, key=lambda pk: -len(Jurisdiction.objects.get(pk=pk).ancestors())):
        Jurisdiction.objects.filter(pk=depth_first).delete()


def _delete_rows(queryset: QuerySet) -> None:  # type: ignore[type-arg]
    """DELETE … WHERE id IN (the queryset): no objects loaded, no signals (a million reports go in seconds)."""
    model = queryset.model
    inner, params = queryset.values("pk").query.sql_with_params()
    table, key = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {key} IN ({inner})", params)
