"""年度报告 pages: a plan's annual reports, the draft's editor, its Word file, publication.

The office of the plan's jurisdiction drafts the jurisdiction's report and any unit's; a unit's reporter or
leader drafts their own unit's; the levels above read. Publishing is the office's. A unit's people never see
the jurisdiction's draft (404) nor another unit's.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fazhi.export.annual import PARTS, annual_report_docx
from fazhi_web.downloads import attachment
from fazhi_web.plans import access as plan_access
from fazhi_web.plans.actions import ActionError
from fazhi_web.plans.models import Plan, Unit

from .. import access
from ..annual import (
    PROMPT,
    TEXT_FIELDS,
    as_text,
    assemble_annual_report,
    publish_annual_report,
    published_reports,
    save_annual_report,
    withdraw_annual_report,
    year_end_or_today,
)
from ..assessment import assessed_units
from ..models import AnnualReport, AnnualReportStatus


class AnnualReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label="标题", max_length=200)
    intro = forms.CharField(label="开头", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=PARTS[0][1], required=False, widget=forms.Textarea(attrs={"rows": 18}))
    shortcomings = forms.CharField(label=PARTS[1][1], required=False, widget=forms.Textarea(attrs={"rows": 10}))
    leadership = forms.CharField(label=PARTS[2][1], required=False, widget=forms.Textarea(attrs={"rows": 8}))
    next_year = forms.CharField(label=PARTS[3][1], required=False, widget=forms.Textarea(attrs={"rows": 8}))


def _units_one_may_draft(request: HttpRequest, plan: Plan) -> list[Unit]:
    units = assessed_units(plan)
    if plan_access.can_manage(request.user, plan.jurisdiction_id):
        return units
    mine = plan_access.unit_ids(request.user)
    return [u for u in units if u.pk in mine]


@login_required
def annual_list(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_access.get_plan_for_user(request.user, pk)
    reports = access.visible_annual_reports(request.user).filter(plan=plan).select_related("unit")
    this_year = timezone.localdate().year
    return render(request, "tracking/annual_list.html", {
        "plan": plan, "reports": reports.order_by("-year", "unit__name"),
        "manages": plan_access.can_manage(request.user, plan.jurisdiction_id),
        "units": _units_one_may_draft(request, plan), "years": list(range(this_year, this_year - 5, -1))})


@login_required
@require_POST
def annual_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Assemble the year's draft (for the jurisdiction, or ?unit) from the records; existing drafts are
    assembled afresh only from their own page."""
    plan = plan_access.get_plan_for_user(request.user, pk)
    year = request.POST.get("year", "")
    if not year.isdecimal() or not 2000 <= int(year) <= 2100:
        messages.error(request, "请选择年度")
        return redirect("annual-list", pk=plan.pk)
    unit = _chosen_unit(request, plan)
    existing = AnnualReport.objects.filter(plan=plan, year=int(year), unit=unit).first()
    if existing is not None:
        messages.info(request, "该年度报告已存在，已为您打开。")
        return redirect("annual", pk=existing.pk)
    try:
        report = assemble_annual_report(plan=plan, year=int(year), unit=unit, user=request.user,
                                        as_of=year_end_or_today(int(year), timezone.localdate()))
    except ActionError as error:
        messages.error(request, str(error))
        return redirect("annual-list", pk=plan.pk)
    messages.success(request, "已根据本年度采纳的进展报告生成初稿。请修改完善，并补充标有【请补充…】的内容。")
    return redirect("annual", pk=report.pk)


def _chosen_unit(request: HttpRequest, plan: Plan) -> Unit | None:
    chosen = request.POST.get("unit", "")
    if not chosen:
        access.require(plan_access.can_manage(request.user, plan.jurisdiction_id),
                       "只有本级法治办可以起草本级政府的年度报告")
        return None
    for unit in _units_one_may_draft(request, plan):
        if str(unit.pk) == chosen:
            return unit
    raise Http404("找不到该单位，或您无权为其起草报告")


@login_required
def annual_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_annual_report_for_user(request.user, pk)
    editable = access.may_edit_annual(request.user, report) and report.status == AnnualReportStatus.DRAFT
    if request.method == "POST":
        access.require(editable, "只有起草单位可以修改草稿；已发布的报告请先撤回")
        form = AnnualReportForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                save_annual_report(report=report, version=data["version"], user=request.user,
                                   texts={name: data[name] for name in TEXT_FIELDS})
            except ActionError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, "已保存。")
                return redirect("annual", pk=report.pk)
        return _page(request, report, form, editable, status=400)
    return _page(request, report, None, editable)


def _page(request: HttpRequest, report: AnnualReport, form: AnnualReportForm | None, editable: bool,
          status: int = 200) -> HttpResponse:
    if form is None:
        form = AnnualReportForm(initial={"version": report.version, **{n: getattr(report, n) for n in TEXT_FIELDS}})
    parts = [(heading, getattr(report, name)) for name, heading in PARTS]
    return render(request, "tracking/annual.html", {
        "report": report, "form": form, "editable": editable, "parts": parts, "prompt": PROMPT,
        "pending": any(PROMPT in text for _, text in parts) or PROMPT in report.intro,
        "may_publish": access.may_publish_annual(request.user, report)}, status=status)


@login_required
@require_POST
def annual_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """重新汇总 / 发布 / 撤回发布."""
    report = access.get_annual_report_for_user(request.user, pk)
    sent = request.POST.get("version", "")
    version = int(sent) if sent.isdecimal() else 0
    try:
        if action == "assemble":
            access.require(access.may_edit_annual(request.user, report), "只有起草单位可以重新汇总")
            assemble_annual_report(plan=report.plan, year=report.year, unit=report.unit, user=request.user,
                                   as_of=year_end_or_today(report.year, timezone.localdate()))
            messages.success(request, "已按最新记录重新汇总；此前的修改可在历史中找回。")
        elif action in ("publish", "withdraw"):
            access.require(access.may_publish_annual(request.user, report), "只有本级法治办可以发布或撤回年度报告")
            move = publish_annual_report if action == "publish" else withdraw_annual_report
            move(report=report, version=version, user=request.user)
            messages.success(request, "已公开发布。" if action == "publish" else "已撤回发布，报告回到草稿状态。")
        else:
            raise Http404("未知操作")
    except ActionError as error:
        messages.error(request, str(error))
    return redirect("annual", pk=report.pk)


def docx_response(report: AnnualReport, *, private: bool) -> HttpResponse:
    return attachment(annual_report_docx(as_text(report)), f"{report.title}.docx", private=private)


@login_required
def annual_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return docx_response(access.get_annual_report_for_user(request.user, pk), private=True)


def public_list(request: HttpRequest) -> HttpResponse:
    """Published annual reports, readable without signing in."""
    return render(request, "public/annual_list.html", {"reports": published_reports().order_by("-year", "plan", "unit")})


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = published_reports().filter(pk=pk).first()
    if report is None:
        raise Http404("找不到该年度报告")
    return render(request, "public/annual.html", {"report": report,
                                                  "parts": [(h, getattr(report, n)) for n, h in PARTS]})


def public_docx(request: HttpRequest, pk: int) -> HttpResponse:
    report = published_reports().filter(pk=pk).first()
    if report is None:
        raise Http404("找不到该年度报告")
    return docx_response(report, private=False)
