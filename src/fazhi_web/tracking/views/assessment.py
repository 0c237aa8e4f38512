"""考核 pages: a plan's ranking for a year, one unit's score with every point and its records, and the
office's 不适用 markings.

The office and upper viewers see every unit; a unit's reporter or leader sees their own unit's line and
rank only, and another unit's breakdown answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fazhi_web.plans import access as plan_access
from fazhi_web.plans.models import Plan, Unit
from fazhi_web.uploads import refuse_oversized

from .. import actions
from ..access import require
from ..assessment import METHODS, assess, assessed_units, describe
from ..config import MAX_BYTES as CONFIG_MAX_BYTES
from ..config import Scoring, scoring_for
from ..models import AdjustmentKind, AssessmentConfig, ConfigKind, NotApplicable, ScoreAdjustment


@dataclass(frozen=True)
class Query:
    year: int
    as_of: date
    method: str

    @property
    def params(self) -> str:
        return f"?year={self.year}&by={self.method}&as_of={self.as_of:%Y-%m-%d}"


def _query(request: HttpRequest, plan: Plan | None = None) -> Query:
    """Year, day and method from the query string; anything unreadable falls back to today's, and the method
    to the one the plan's configuration for the year was made for."""
    today = timezone.localdate()
    year = request.GET.get("year", "")
    as_of = request.GET.get("as_of", "")
    try:
        day = date.fromisoformat(as_of) if as_of else today
    except ValueError:
        day = today
    chosen = int(year) if year.isdecimal() and 2000 <= int(year) <= 2100 else today.year
    method = request.GET.get("by", "")
    if method not in METHODS:
        method = scoring_for(plan, chosen).method if plan is not None else "rules"
    return Query(chosen, day, method)


def _oversees(request: HttpRequest, plan: Plan) -> bool:
    return plan.jurisdiction_id in plan_access.overseen_jurisdiction_ids(request.user)


def _unit_for(request: HttpRequest, plan: Plan, unit_id: int) -> Unit:
    """A unit of the plan that this person may see the score of; otherwise 404."""
    mine = plan_access.unit_ids(request.user)
    for unit in assessed_units(plan):
        if unit.pk == unit_id and (_oversees(request, plan) or unit.pk in mine):
            return unit
    raise Http404("找不到该单位，或您无权查看")


@login_required
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_access.get_plan_for_user(request.user, pk)
    query = _query(request, plan)
    scoring = scoring_for(plan, query.year)
    result = assess(plan, query.year, query.as_of, query.method, scoring)
    oversees = _oversees(request, plan)
    mine = {f"unit:{u}" for u in plan_access.unit_ids(request.user)}
    scores = [s for s in result.scores if oversees or s.unit in mine]
    rows = [(s, int(s.unit.split(":")[1])) for s in scores]
    return render(request, "tracking/assessment.html", {
        "plan": plan, "query": query, "result": result, "rows": rows, "oversees": oversees,
        "count": len(result.scores), "methods": METHODS, "years": range(query.year - 2, query.year + 2),
        "scoring": scoring, "manages": plan_access.can_manage(request.user, plan.jurisdiction_id)})


@login_required
def unit_score(request: HttpRequest, pk: int, unit: int) -> HttpResponse:
    plan = plan_access.get_plan_for_user(request.user, pk)
    found = _unit_for(request, plan, unit)
    query = _query(request, plan)
    scoring = scoring_for(plan, query.year)
    result = assess(plan, query.year, query.as_of, query.method, scoring)
    score = result.score_of(f"unit:{found.pk}")
    if score is None:
        raise Http404("找不到该单位的得分")
    links = describe([ref for line in score.lines for ref in (*line.refs, *line.of)])
    lines = [(line, [links.get(r) or r for r in line.refs], [links.get(r) or r for r in line.of if r not in line.refs])
             for line in score.lines]
    markings = NotApplicable.objects.filter(plan=plan, unit=found, year=query.year, withdrawn=False)
    adjustments = ScoreAdjustment.objects.filter(plan=plan, unit=found, year=query.year).select_related("recorded_by")
    return render(request, "tracking/assessment_unit.html", {
        "plan": plan, "unit": found, "query": query, "result": result, "score": score, "lines": lines,
        "count": len(result.scores), "markings": markings, "scoring": scoring,
        "manages": plan_access.can_manage(request.user, plan.jurisdiction_id),
        "indicators": scoring.indicators.nodes(),
        "hand_scored": [n for n in scoring.indicators.nodes() if n.checkpoint and n.measure is None],
        "adjustments": adjustments.order_by("withdrawn", "kind", "code", "-recorded_at", "-pk"),
        "adjustment_kinds": AdjustmentKind.choices, "manual_items": _manual_items(scoring)})


@login_required
@require_POST
def not_applicable(request: HttpRequest, pk: int, unit: int) -> HttpResponse:
    """The office marks an indicator 不适用 for the unit (or withdraws a marking)."""
    plan = plan_access.get_plan_for_user(request.user, pk)
    found = _unit_for(request, plan, unit)
    require(plan_access.can_manage(request.user, plan.jurisdiction_id), "只有本级法治办可以标注不适用指标")
    year = request.POST.get("year", "")
    if not year.isdecimal():
        messages.error(request, "请选择年度")
        return redirect(_back(plan, found, "", "indicators"))
    try:
        if request.POST.get("withdraw"):
            marking = NotApplicable.objects.filter(plan=plan, unit=found, pk=request.POST["withdraw"]).first()
            if marking is None:
                raise Http404("找不到该标注")
            actions.withdraw_not_applicable(marking=marking, user=request.user)  # type: ignore[arg-type]
            messages.success(request, f"已撤销“{marking.code}”的不适用标注。")
        else:
            marking = actions.mark_not_applicable(plan=plan, unit=found, year=int(year),
                                                  code=request.POST.get("code", ""),
                                                  reason=request.POST.get("reason", ""),
                                                  user=request.user)  # type: ignore[arg-type]
            messages.success(request, f"已将“{marking.code}”标注为不适用，分值调剂给同级指标。")
    except (actions.ActionError, ValueError) as error:
        messages.error(request, str(error))
    return redirect(_back(plan, found, year, "indicators"))


def _back(plan: Plan, unit: Unit, year: str, method: str) -> str:
    return reverse("assessment-unit", kwargs={"pk": plan.pk, "unit": unit.pk}) + f"?year={year}&by={method}"


def _manual_items(scoring: Scoring) -> list[str]:
    """The kinds of bonus and deduction the rule set in force counts (a rule set may have neither)."""
    return [item.measure for item in scoring.rules.items if item.kind == "manual"]


@login_required
@require_POST
def adjust(request: HttpRequest, pk: int, unit: int) -> HttpResponse:
    """The office records a bonus, a deduction or a hand score for the unit (or withdraws one)."""
    plan = plan_access.get_plan_for_user(request.user, pk)
    found = _unit_for(request, plan, unit)
    require(plan_access.can_manage(request.user, plan.jurisdiction_id), "只有本级法治办可以录入加减分和人工评分")
    year = request.POST.get("year", "")
    method = "indicators" if request.POST.get("kind") == AdjustmentKind.CHECKPOINT else "rules"
    if not year.isdecimal():
        messages.error(request, "请选择年度")
        return redirect(_back(plan, found, "", method))
    try:
        if request.POST.get("withdraw"):
            record = ScoreAdjustment.objects.filter(plan=plan, unit=found, pk=request.POST["withdraw"]).first()
            if record is None:
                raise Http404("找不到该记录")
            actions.withdraw_adjustment(adjustment=record, user=request.user)  # type: ignore[arg-type]
            method = "indicators" if record.kind == AdjustmentKind.CHECKPOINT else "rules"
            messages.success(request, f"已撤销{record.get_kind_display()}“{record.reason}”。")
        else:
            record = actions.record_adjustment(
                plan=plan, unit=found, year=int(year), kind=request.POST.get("kind", ""),
                points=request.POST.get("points", ""), reason=request.POST.get("reason", ""),
                code=request.POST.get("code", ""), ref=request.POST.get("ref", ""),
                user=request.user)  # type: ignore[arg-type]
            messages.success(request, f"已录入{record.get_kind_display()} {record.points} 分：{record.reason}")
    except (actions.ActionError, ValueError) as error:
        messages.error(request, str(error))
    return redirect(_back(plan, found, year, method))


@login_required
@refuse_oversized(lambda: CONFIG_MAX_BYTES, "assessment-config")
def config(request: HttpRequest, pk: int) -> HttpResponse:
    """考核设置: the office uploads a rule set or an indicator system for a year, chooses the built-in default,
    or puts an earlier version back in force; every version is listed with who set it and when."""
    plan = plan_access.get_plan_for_user(request.user, pk)
    require(plan_access.can_manage(request.user, plan.jurisdiction_id), "只有本级法治办可以设置考核规则")
    if request.method == "POST":
        return _set_config(request, plan)
    query = _query(request, plan)
    versions = AssessmentConfig.objects.filter(plan=plan).select_related("set_by").order_by("-year", "-set_at", "-pk")
    current = {}
    for version in versions:
        current.setdefault(version.year, version.pk)
    return render(request, "tracking/assessment_config.html", {
        "plan": plan, "query": query, "versions": versions, "current": set(current.values()),
        "scoring": scoring_for(plan, query.year), "kinds": ConfigKind.choices,
        "years": range(query.year - 2, query.year + 2)})


def _set_config(request: HttpRequest, plan: Plan) -> HttpResponse:
    year = request.POST.get("year", "")
    back = reverse("assessment-config", kwargs={"pk": plan.pk}) + (f"?year={year}" if year.isdecimal() else "")
    try:
        if request.POST.get("reinstate"):
            old = AssessmentConfig.objects.filter(plan=plan, pk=request.POST["reinstate"]).first()
            if old is None:
                raise Http404("找不到该版本")
            made = actions.set_assessment_config(plan=plan, year=old.year, kind=old.kind, filename=old.filename,
                                                 data=bytes(old.data), user=request.user)  # type: ignore[arg-type]
        else:
            upload = request.FILES.get("file")
            kind = request.POST.get("kind", "")
            if kind != ConfigKind.DEFAULT and upload is None:
                raise actions.ActionError("请选择要上传的文件")
            data = upload.read(2 * 1024 * 1024 + 1) if upload is not None and kind != ConfigKind.DEFAULT else b""
            made = actions.set_assessment_config(
                plan=plan, year=int(year) if year.isdecimal() else 0, kind=kind,
                filename=(upload.name or "") if upload is not None else "", data=data,
                user=request.user)  # type: ignore[arg-type]
        messages.success(request, f"{made.year}年度考核现按“{made.name}”（{made.get_kind_display()}）计分。")
        back = reverse("assessment-config", kwargs={"pk": plan.pk}) + f"?year={made.year}"
    except (actions.ActionError, ValueError) as error:
        messages.error(request, str(error))
    return redirect(back)
