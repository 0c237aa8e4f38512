"""A jurisdiction's unit registry: units, aliases, groups; add one, or import a list from xlsx/csv."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ...uploads import refuse_oversized
from .. import access, actions
from ..forms import UNIT_LIST_MAX_BYTES, AliasForm, UnitForm, UnitListForm
from ..models import UnitGroup
from ..registry import UnitListError, read_unit_list, split_list


@login_required
def registry(request: HttpRequest, pk: int) -> HttpResponse:
    place = access.get_jurisdiction_for_user(request.user, pk)
    units = access.visible_units(request.user).filter(jurisdiction=place).prefetch_related("aliases").annotate(
        task_count=Count("assignments__task", distinct=True)).order_by("name")
    groups = UnitGroup.objects.filter(jurisdiction=place).prefetch_related("members", "aliases")
    if not access.overseen_jurisdiction_ids(request.user) & {place.pk}:
        groups = groups.filter(members__in=units).distinct()  # a unit's own people see their own groups
    return render(request, "plans/units.html", {
        "place": place, "units": units, "groups": groups, "manages": access.can_manage(request.user, place),
        "unit_form": UnitForm(), "list_form": UnitListForm(),
    })


@login_required
@require_POST
def add_unit(request: HttpRequest, pk: int) -> HttpResponse:
    place = access.get_jurisdiction_for_user(request.user, pk, manage=True)
    form = UnitForm(request.POST)
    if form.is_valid():
        aliases = split_list(form.cleaned_data["aliases"])
        try:
            unit = actions.create_unit(jurisdiction=place, name=form.cleaned_data["name"], aliases=aliases,
                                       user=request.user)
        except actions.ActionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"已添加单位“{unit.name}”。")
    else:
        messages.error(request, "请填写单位名称")
    return redirect("units", pk=place.pk)


@login_required
@require_POST
def add_alias(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pk, manage=True)
    form = AliasForm(request.POST)
    if form.is_valid():
        try:
            actions.add_alias(jurisdiction=unit.jurisdiction, name=form.cleaned_data["name"], unit=unit,
                              user=request.user)
        except actions.ActionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"已为“{unit.name}”添加别名“{form.cleaned_data['name']}”。")
    return redirect("units", pk=unit.jurisdiction_id)


@login_required
@refuse_oversized(lambda: UNIT_LIST_MAX_BYTES, "units")
@require_POST
def import_list(request: HttpRequest, pk: int) -> HttpResponse:
    place = access.get_jurisdiction_for_user(request.user, pk, manage=True)
    form = UnitListForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("units", pk=place.pk)
    upload = form.cleaned_data["file"]
    try:
        rows = read_unit_list(upload.read(), upload.name)
        counts = actions.import_unit_list(jurisdiction=place, rows=rows, user=request.user)
    except UnitListError as error:
        for problem in error.problems[:30]:
            messages.error(request, problem)
        messages.error(request, "单位名录有误，未导入任何内容。请修改后重新上传。")
    except actions.ActionError as error:
        messages.error(request, f"{error}。未导入任何内容。")
    else:
        messages.success(request, f"已导入：新增单位 {counts['units']} 个、群组 {counts['groups']} 个、别名 {counts['aliases']} 个。")
    return redirect("units", pk=place.pk)
