"""What the public may see: published plans and their tasks, nothing else."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .. import access
from ..models import TaskStatus


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
    return render(request, "public/plan.html", {"plan": found, "tasks": tasks.order_by("order"),
                                                "sections": found.sections.all()})
