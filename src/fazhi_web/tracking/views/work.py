"""Extensions, supervision orders (one or in bulk from the overdue list), following a task, and the
audit trail of any tracked object."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fazhi_web.plans import access as plan_access
from fazhi_web.plans.models import Assignment, AssignmentRole, Plan, Task

from .. import access, actions
from ..forms import ExtensionForm, OrderForm, ReplyForm
from ..state import records_for, status_of


@login_required
def request_extension(request: HttpRequest, pk: int) -> HttpResponse:
    task = plan_access.get_task_for_user(request.user, pk)
    units = [a.unit for a in task.assignments.select_related("unit") if a.unit_id in access.reporter_units(request.user)
             or a.unit_id in access.leader_units(request.user)]
    if not units:
        raise PermissionDenied("只有承担该任务的单位可以申请延期")
    status = status_of(task, timezone.localdate(), unit_id=units[0].pk)
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.request_extension(task=task, unit=units[0], requested_due=form.cleaned_data["requested_due"],
                                      reason=form.cleaned_data["reason"], original_due=status.due, user=request.user)
        except actions.ActionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "延期申请已提交，等待法治办审批。")
            return redirect("task", pk=task.pk)
    return render(request, "tracking/extension_form.html", {"task": task, "form": form, "status": status},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def decide_extension(request: HttpRequest, pk: int) -> HttpResponse:
    extension = access.get_extension_for_user(request.user, pk)
    access.require(plan_access.can_manage(request.user, extension.task.plan.jurisdiction_id), "只有法治办可以审批延期")
    try:
        actions.decide_extension(extension=extension, grant=request.POST.get("grant") == "1",
                                 note=request.POST.get("note", "")[:2000], user=request.user)
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "已审批。")
    return redirect("supervision", pk=extension.task.plan_id)


@login_required
def supervision(request: HttpRequest, pk: int) -> HttpResponse:
    """The office's desk for a plan: overdue and lagging tasks by unit, open orders, pending extensions."""
    plan = plan_access.get_plan_for_user(request.user, pk)
    manages = plan_access.can_manage(request.user, plan.jurisdiction_id)
    if not manages and plan.jurisdiction_id not in plan_access.overseen_jurisdiction_ids(request.user):
        raise PermissionDenied("督办页面只对法治办和上级开放")
    as_of = timezone.localdate()
    overdue = _overdue(plan, as_of)
    return render(request, "tracking/supervision.html", {
        "plan": plan, "manages": manages, "overdue": overdue, "as_of": as_of,
        "orders": access.visible_orders(request.user).filter(task__plan=plan).select_related("task", "unit"),
        "extensions": access.visible_extensions(request.user).filter(task__plan=plan).select_related("task", "unit"),
        "form": OrderForm(initial={"reply_due": as_of + timedelta(days=7)}),
    })


def _overdue(plan: Plan, as_of: date) -> list[tuple[Task, Assignment, object]]:
    rows = []
    tasks = list(plan.tasks.filter(status="active").prefetch_related("deadlines", "assignments__unit")
                 .order_by("order"))
    records = records_for(task.pk for task in tasks)
    for task in tasks:
        leads = [a for a in task.assignments.all() if a.role != AssignmentRole.PARTICIPATING]
        for assignment in leads:
            status = status_of(task, as_of, unit_id=assignment.unit_id, records=records)
            if status.state == "overdue":
                rows.append((task, assignment, status))
    return rows


@login_required
@require_POST
def open_orders(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_access.get_plan_for_user(request.user, pk, manage=True)
    form = OrderForm(request.POST)
    picked = [value.split(":") for value in request.POST.getlist("pair") if value.count(":") == 1]
    pairs = []
    for task_id, unit_id in picked:
        found = Assignment.objects.filter(task__plan=plan, task_id=task_id if task_id.isdecimal() else 0,
                                          unit_id=unit_id if unit_id.isdecimal() else 0).select_related("task", "unit")
        pairs += [(a.task, a.unit) for a in found]
    if not form.is_valid() or not pairs:
        messages.error(request, "请勾选要督办的任务，并填写督办事由和回复期限")
        return redirect("supervision", pk=plan.pk)
    try:
        orders = actions.open_orders(pairs=pairs, reason=form.cleaned_data["reason"], user=request.user,
                                     reply_due=form.cleaned_data["reply_due"], as_of=timezone.localdate())
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已发出 {len(orders)} 份督办单。")
    return redirect("supervision", pk=plan.pk)


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = access.get_order_for_user(request.user, pk)
    mine = order.unit_id in plan_access.unit_ids(request.user)
    manages = plan_access.can_manage(request.user, order.task.plan.jurisdiction_id)
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action", "reply")
        try:
            if action == "reply":
                access.require(mine, "只有被督办单位可以回复")
                if not form.is_valid():
                    raise actions.ActionError("回复内容不能为空")
                actions.reply_order(order=order, reply=form.cleaned_data["reply"], user=request.user)
            elif action == "close":
                access.require(manages, "只有法治办可以办结督办单")
                actions.close_order(order=order, user=request.user)
            elif action == "escalate":
                access.require(manages, "只有法治办可以升级督办")
                actions.escalate_order(order=order, user=request.user,
                                       reply_due=timezone.localdate() + timedelta(days=3))
            else:
                raise actions.ActionError("未知的操作")
        except actions.ActionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "已办理。")
        return redirect("order", pk=order.pk)
    return render(request, "tracking/order.html", {"order": order, "mine": mine, "manages": manages, "form": form})


@login_required
@require_POST
def follow(request: HttpRequest, pk: int) -> HttpResponse:
    task = plan_access.get_task_for_user(request.user, pk)
    actions.follow(task=task, user=request.user, on=request.POST.get("on") == "1")  # type: ignore[arg-type]
    return redirect("task", pk=task.pk)


@login_required
def task_history(request: HttpRequest, pk: int) -> HttpResponse:
    """全过程留痕: everything recorded about a task — its own changes, assignments, reports, orders and
    extensions — who, when, and what before and after."""
    task = plan_access.get_task_for_user(request.user, pk)
    entries = []
    sources = [task.history.all(), Assignment.history.filter(task_id=task.pk)]
    reports = access.visible_reports(request.user).filter(task=task)
    from ..models import Extension, Report, SupervisionOrder

    sources += [Report.history.filter(id__in=reports.values("pk")),
                SupervisionOrder.history.filter(id__in=access.visible_orders(request.user).filter(task=task)
                                                .values("pk")),
                Extension.history.filter(id__in=access.visible_extensions(request.user).filter(task=task)
                                         .values("pk"))]
    for source in sources:
        previous: dict[int, object] = {}
        for record in source.select_related("history_user").order_by("history_date", "history_id"):
            before = previous.get(record.id)  # the object's previous version, compared in memory
            changes = record.diff_against(before).changes if before is not None else []
            previous[record.id] = record
            entries.append((record, source.model._meta.verbose_name, [
                (c.field, c.old, c.new) for c in changes if c.field not in ("version", "updated_at", "search_text")]))
    entries.sort(key=lambda e: e[0].history_date, reverse=True)
    return render(request, "tracking/task_history.html", {"task": task, "entries": entries[:500]})
