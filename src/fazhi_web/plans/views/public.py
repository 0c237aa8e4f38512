"""What the public may see: published plans, their tasks and their task division tables, nothing else."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from fazhi.export.division import division_docx, division_table, division_xlsx
from fazhi_web.downloads import attachment

from .. import access
from ..alignment import core_plan
from ..models import TaskStatus

_DIVISION_WRITERS = {"xlsx": division_xlsx, "docx": division_docx}


def plans(request: HttpRequest) -> HttpResponse:
    listing = access.public_plans().select_related("jurisdiction").annotate(
        task_count=Count("tasks", filter=Q(tasks__status=TaskStatus.ACTIVE)))
    return render(request, "public/plans.html", {"plans": listing})


def plan(request: HttpRequest, pk: int) -> HttpResponse:
    found = access.public_plans().select_related("jurisdiction").filter(pk=pk).first()
    if found is None:
        raise Http404("找不到该方案")
    tasks = found.tasks.filter(status=TaskStatus.ACTIVE).select_related("section").prefetch_related(
        "assignments__unit", "deadlines")
    from fazhi_web.tracking.annual import public_progress, published_reports

    return render(request, "public/plan.html", {"plan": found, "tasks": tasks.order_by("order"),
                                                "sections": found.sections.all(),
                                                "progress": public_progress(found, timezone.localdate()),
                                                "annual_reports": published_reports().filter(plan=found)})


def division(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The published plan's task division table (任务分工表) as Excel or Word: as public as the plan."""
    if fmt not in _DIVISION_WRITERS:
        raise Http404("不支持的格式")
    found = access.public_plans().select_related("jurisdiction").filter(pk=pk).first()
    if found is None:
        raise Http404("找不到该方案")
    body = _DIVISION_WRITERS[fmt](division_table(core_plan(found).plan))
    return attachment(body, f"{found.title}任务分工表.{fmt}", private=False)
