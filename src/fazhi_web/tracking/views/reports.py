"""Reporting: a plan's cycles, a cycle's reports, one report (write, submit, approve, accept, return),
evidence, versions, notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fazhi_web.plans import access as plan_access
from fazhi_web.plans.access import get_or_404
from fazhi_web.uploads import refuse_oversized

from .. import access, actions
from ..forms import CommentForm, CycleForm, EvidenceForm, ReportForm
from ..models import Cycle, Evidence, Notification, Report
from ..state import status_of


@login_required
def cycles(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_access.get_plan_for_user(request.user, pk)
    manages = plan_access.can_manage(request.user, plan.jurisdiction_id)
    form = CycleForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        if not manages:
            raise PermissionDenied("只有本级法治办管理员可以设置报送周期")
        if form.is_valid():
            try:
                made = actions.open_cycles(plan=plan, user=request.user, **form.cleaned_data)
            except actions.ActionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"已设置 {len(made)} 个报送周期。")
                return redirect("cycles", pk=plan.pk)
    return render(request, "tracking/cycles.html", {"plan": plan, "cycles": plan.cycles.all(), "form": form,
                                                    "manages": manages})


@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_or_404(Cycle.objects.filter(plan__in=plan_access.visible_plans(request.user))
                       .select_related("plan"), pk)
    tasks = plan_access.visible_tasks(request.user).filter(plan=cycle.plan).order_by("order").prefetch_related(
        "assignments__unit", "deadlines")
    reports = {(r.task_id, r.unit_id): r for r in access.visible_reports(request.user).filter(cycle=cycle)}
    mine = plan_access.unit_ids(request.user)
    rows = []
    for task in tasks:
        units = [a for a in task.assignments.all() if a.unit_id in mine] if mine else \
            [a for a in task.assignments.all() if a.role != "participating"]
        rows += [(task, a, reports.get((task.pk, a.unit_id))) for a in units]
    return render(request, "tracking/cycle.html", {"cycle": cycle, "rows": rows, "mine": bool(mine)})


@login_required
@require_POST
def open_report(request: HttpRequest, pk: int, cycle: int) -> HttpResponse:
    """A reporter starts (or reopens) their unit's report on a task for a cycle."""
    task = plan_access.get_task_for_user(request.user, pk)
    found = get_or_404(Cycle.objects.filter(plan=task.plan), cycle)
    units = [u for u in access.reporter_units(request.user)
             if task.assignments.filter(unit_id=u).exists()]
    if not units:
        raise PermissionDenied("只有承担该任务的单位填报员可以填报")
    try:
        report = actions.report_for(task=task, unit=task.assignments.get(unit_id=units[0]).unit, cycle=found)
    except actions.ActionError as error:
        messages.error(request, str(error))
        return redirect("cycle", pk=found.pk)
    return redirect("report", pk=report.pk)


def _report_context(request: HttpRequest, report: Report, form: ReportForm | None = None) -> dict[str, object]:
    targets = list(report.task.targets.all())
    values = {v.target_id: v.value for v in report.values.all()}
    editable = access.may_edit(request.user, report)
    if form is None and editable:
        initial = {"version": report.version, "progress": report.progress, "done": report.done,
                   "problems": report.problems, "next_steps": report.next_steps}
        initial |= {f"target_{pk}": f"{v:g}" for pk, v in values.items()}
        form = ReportForm(initial=initial, targets=targets)
    return {
        "report": report, "task": report.task, "form": form, "editable": editable,
        "may_submit": editable, "may_approve": access.may_approve(request.user, report),
        "may_accept": access.may_accept(request.user, report), "may_return": access.may_return(request.user, report),
        "values": [(t, values.get(t.pk)) for t in targets], "evidence": report.evidence.filter(withdrawn=False),
        "contributions": actions.contributions_for(report) if report.kind == "consolidated" else [],
        "status": status_of(report.task, timezone.localdate(), unit_id=report.unit_id),
        "comment_form": CommentForm(), "evidence_form": EvidenceForm(),
    }


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk)
    if request.method != "POST":
        return render(request, "tracking/report.html", _report_context(request, report))
    access.require(access.may_edit(request.user, report), "只有本单位填报员可以修改草稿或被退回的报告")
    form = ReportForm(request.POST, targets=list(report.task.targets.all()))
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.save_report(report=report, version=data["version"], user=request.user, progress=data["progress"],
                                done=data["done"], problems=data["problems"], next_steps=data["next_steps"],
                                values=data["values"])
        except actions.StaleEdit as error:  # someone saved or sent it first: a conflict, the page says so
            messages.error(request, str(error))
            return render(request, "tracking/report.html", _report_context(request, report, form), status=409)
        except actions.ActionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "已保存草稿。确认无误后请点“报送”。")
            return redirect("report", pk=report.pk)
    return render(request, "tracking/report.html", _report_context(request, report, form), status=400)


def _act(request: HttpRequest, pk: int, allowed: str, action: str) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk)
    checks = {"submit": access.may_edit, "approve": access.may_approve, "accept": access.may_accept,
              "return": access.may_return}
    step = actions.STEPS[action]
    # Refused either way; when the report has moved on (someone sent or decided it meanwhile), say that.
    access.require(checks[action](request.user, report),
                   allowed if report.status in step.allowed_from else step.refusal)
    comment = CommentForm(request.POST)
    note = comment.cleaned_data["comment"] if comment.is_valid() else ""
    try:
        if action == "submit":
            actions.submit_report(report=report, user=request.user)
        elif action == "approve":
            actions.approve_report(report=report, user=request.user)
        elif action == "accept":
            actions.accept_report(report=report, user=request.user, comment=note)
        else:
            actions.return_report(report=report, user=request.user, comment=note)
    except actions.StaleEdit as error:  # another person's step won the race: a conflict, the page says so
        messages.error(request, str(error))
        report.refresh_from_db()
        return render(request, "tracking/report.html", _report_context(request, report), status=409)
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        report.refresh_from_db()
        messages.success(request, f"报告{report.get_status_display()}。")
    return redirect("report", pk=report.pk)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "只有本单位填报员可以报送", "submit")


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "只有本单位审核人可以审核待审核的报告", "approve")


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "只有法治办可以采纳牵头单位已审核的汇总报告", "accept")


@login_required
@require_POST
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "您不能退回这份报告", "return")


@login_required
@refuse_oversized(lambda: request_limit(), "report")
@require_POST
def upload_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for_user(request.user, pk)
    access.require(access.may_edit(request.user, report), "只有本单位填报员可以上传佐证材料")
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors) or "请选择文件")
        return redirect("report", pk=report.pk)
    upload = form.cleaned_data["file"]
    if upload.size > request_limit():
        messages.error(request, f"{upload.name}：超过 {request_limit() // (1024 * 1024)} MB 上限，未保存")
        return redirect("report", pk=report.pk)
    try:
        actions.add_evidence(report=report, filename=upload.name, data=upload.read(), user=request.user)
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已上传“{upload.name}”。")
    return redirect("report", pk=report.pk)


def request_limit() -> int:
    from django.conf import settings

    return int(settings.FAZHI_MAX_EVIDENCE_BYTES)


@login_required
def download_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_or_404(Evidence.objects.filter(report__in=access.visible_reports(request.user)), pk)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every saved version of a report: who, when, and what changed."""
    report = access.get_report_for_user(request.user, pk)
    versions = list(report.history.select_related("history_user").order_by("-history_date"))
    changes = []
    for newer, older in zip(versions, [*versions[1:], None], strict=True):
        delta = newer.diff_against(older).changes if older is not None else []
        changes.append((newer, [(c.field, c.old, c.new) for c in delta
                                if c.field not in ("version", "updated_at", "updated_by")]))
    return render(request, "tracking/history.html", {"report": report, "changes": changes})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.filter(user=request.user)
    if request.method == "POST":
        mine.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notifications")
    return render(request, "tracking/notifications.html", {"items": mine[:200]})
