"""A plan's dashboard, for the office of its jurisdiction and the levels above (overseers)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from fazhi_web.plans import access as plan_access

from .. import access, dashboard


@login_required
def plan_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_access.get_plan_for_user(request.user, pk)
    access.require(plan.jurisdiction_id in plan_access.overseen_jurisdiction_ids(request.user),
                   "统计分析仅供本级法治办和上级查看")
    year = request.GET.get("year", "")
    figures = dashboard.build(plan, as_of=timezone.localdate(), year=int(year) if year.isdecimal() and len(year) == 4 else None)
    return render(request, "tracking/dashboard.html", {
        "plan": plan, "d": figures, "facts": figures.facts, "categories": [label for _, label in dashboard.CATEGORIES],
        "chart_data": figures.chart_data(), "heat_rows": zip(figures.heatmap.units, figures.heatmap.counts, strict=True),
    })
