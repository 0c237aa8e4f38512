"""Bulk reporting with Excel: a cycle's export page, the .xlsx export (a unit's rows, or the whole cycle for
the office), and the import that stores nothing unless every row of the file is right."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fazhi_web.downloads import attachment
from fazhi_web.plans import access as plan_access
from fazhi_web.plans.access import get_or_404
from fazhi_web.plans.models import Unit
from fazhi_web.uploads import refuse_oversized

from .. import access, actions, bulk
from ..models import Cycle


class ImportForm(forms.Form):
    file = forms.FileField(label="填好的 Excel 表格（.xlsx）")


def _cycle_for_user(request: HttpRequest, pk: int) -> Cycle:
    return get_or_404(Cycle.objects.filter(plan__in=plan_access.visible_plans(request.user)).select_related("plan"), pk)


def _units(request: HttpRequest, cycle: Cycle) -> list[Unit]:
    """The units whose rows this person may export one by one: their own."""
    return list(Unit.objects.filter(pk__in=plan_access.unit_ids(request.user), assignments__task__plan=cycle.plan)
                .distinct().order_by("name"))


@login_required
def page(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_for_user(request, pk)
    return _render(request, cycle, ImportForm())


def _render(request: HttpRequest, cycle: Cycle, form: ImportForm, errors: list[str] | None = None,
            status: int = 200) -> HttpResponse:
    return render(request, "tracking/bulk.html", {
        "cycle": cycle, "form": form, "errors": errors or [], "units": _units(request, cycle),
        "may_import": bool(access.reporter_units(request.user)), "whole": not plan_access.unit_ids(request.user),
        "limit_mb": settings.FAZHI_MAX_UPLOAD_BYTES // (1024 * 1024)}, status=status)


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """?unit=ID: that unit's rows (a unit one may see); without it, one's own units' rows or, for the office
    and viewers, the whole cycle."""
    cycle = _cycle_for_user(request, pk)
    unit = None
    if request.GET.get("unit"):
        unit = plan_access.get_unit_for_user(request.user, _int(request.GET["unit"]))  # another unit's: 404
    rows = bulk.export_rows(request.user, cycle, unit)
    name = f"{cycle.plan.title[:40]}_{cycle.label}_{unit.name if unit else '进展填报'}.xlsx"
    data = bulk.workbook_bytes(rows, title=f"{cycle.plan.title} {cycle.label} 进展填报")
    return attachment(data, name, private=True)


def _int(text: str) -> int:
    return int(text) if text.isdecimal() and len(text) < 12 else 0


@login_required
@refuse_oversized(lambda: int(settings.FAZHI_MAX_UPLOAD_BYTES), "cycle-bulk")
@require_POST
def import_file(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_for_user(request, pk)
    access.require(bool(access.reporter_units(request.user)), "只有单位填报员可以导入进展报告")
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, cycle, form, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > settings.FAZHI_MAX_UPLOAD_BYTES or not upload.name.lower().endswith(".xlsx"):
        return _render(request, cycle, form, [f"请上传导出的 .xlsx 表格（不超过 {settings.FAZHI_MAX_UPLOAD_BYTES // (1024 * 1024)} MB）"],
                       status=400)
    checked = bulk.check_import(request.user, cycle, upload.read())
    if checked.errors:
        return _render(request, cycle, form, checked.messages, status=400)
    try:
        saved = actions.import_reports(cycle=cycle, changes=checked.changes, user=request.user)
    except actions.ActionError as error:
        return _render(request, cycle, form, [str(error)], status=409)
    messages.success(request, f"已导入：保存 {len(saved)} 份报告的草稿，{checked.unchanged} 行未改动。请逐项核对后报送。")
    return redirect("cycle", pk=cycle.pk)
