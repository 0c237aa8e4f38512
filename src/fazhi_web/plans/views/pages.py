"""Reading pages: home, a jurisdiction's plans, a plan's tree, a task, my tasks, the matrix, search."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import access
from ..highlight import mark_terms
from ..models import Assignment, AssignmentRole, Deadline, Jurisdiction, Plan, Role, Section, Task, Unit
from ..search import terms


def today() -> date:
    return timezone.localdate()


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not (for the intranet's monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("public-plans")
    roles = {m.role for m in access.memberships(request.user)}
    if Role.OFFICE in roles or Role.VIEWER in roles:
        return redirect("jurisdictions")
    if roles & {Role.REPORTER, Role.LEADER}:
        return redirect("my-tasks")
    return render(request, "plans/no_role.html")


@login_required
def jurisdictions(request: HttpRequest) -> HttpResponse:
    places = list(access.visible_jurisdictions(request.user).annotate(
        plan_count=Count("plans", filter=Q(plans__status="published"), distinct=True),
        unit_count=Count("units", distinct=True)))
    chains = _ancestor_names(places)
    for place in places:
        place.ancestor_names = chains[place.pk]  # type: ignore[attr-defined]  # shown before its name
    managed = access.managed_jurisdiction_ids(request.user)
    return render(request, "plans/jurisdictions.html", {
        "places": sorted(places, key=lambda p: [*chains[p.pk], p.name]),
        "managed": managed, "drafts": access.open_drafts(request.user).select_related("document", "jurisdiction"),
    })


def _ancestor_names(places: list[Jurisdiction]) -> dict[int, list[str]]:
    """Each place's ancestors' names, the top first — read a level at a time, never a place at a time."""
    known = {p.pk: (p.parent_id, p.name) for p in places}
    missing = {parent for parent, _ in known.values() if parent and parent not in known}
    while missing:
        known |= {pk: (parent, name) for pk, parent, name in
                  Jurisdiction.objects.filter(pk__in=missing).values_list("pk", "parent_id", "name")}
        missing = {parent for parent, _ in known.values() if parent and parent not in known}
    chains = {}
    for place in places:
        chain, node = [], place.parent_id
        while node:
            chain.append(known[node][1])
            node = known[node][0]
        chains[place.pk] = chain[::-1]
    return chains


@login_required
def jurisdiction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    place = access.get_jurisdiction_for_user(request.user, pk)
    plans = access.visible_plans(request.user).filter(jurisdiction=place).annotate(
        task_count=Count("tasks", filter=Q(tasks__status="active")))
    manages = access.can_manage(request.user, place)
    return render(request, "plans/jurisdiction.html", {
        "place": place, "plans": plans, "manages": manages,
        "drafts": access.open_drafts(request.user).filter(jurisdiction=place).select_related("document"),
        "children": access.visible_jurisdictions(request.user).filter(parent=place),
    })


def _tasks_for(request: HttpRequest, plan: Plan) -> QuerySet[Task]:
    return access.visible_tasks(request.user).filter(plan=plan).prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("unit", "via_group")
                 .order_by("role", "unit__name")),
        "deadlines", "targets")


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_plan_for_user(request.user, pk)
    tasks = _tasks_for(request, plan)
    filters = _plan_filters(request, plan)
    tasks = _apply_filters(tasks, filters)
    sections = list(plan.sections.all())
    by_section: dict[int | None, list[Task]] = defaultdict(list)
    for task in tasks.order_by("order"):
        by_section[task.section_id].append(task)
    years = sorted({d.year for d in Deadline.objects.filter(task__plan=plan, due_on__isnull=False)
                    .values_list("due_on", flat=True)})
    units = Unit.objects.filter(assignments__task__in=_tasks_for(request, plan)).distinct().order_by("name")
    manages = access.can_manage(request.user, plan.jurisdiction_id)
    return render(request, "plans/plan.html", {
        "plan": plan, "tree": _tree(sections, by_section), "loose": by_section.get(None, []),
        "shown": sum(len(v) for v in by_section.values()), "filters": filters,
        "years": years, "units": units, "top_sections": [s for s in sections if s.parent_id is None],
        "manages": manages, **_alignment_parts(request, plan, [t for ts in by_section.values() for t in ts], manages),
    })


def _alignment_parts(request: HttpRequest, plan: Plan, tasks: list[Task], manages: bool) -> dict[str, Any]:
    """The parent plan's coverage on each task, the plans to compare with, the parent-plan form (issue 5)."""
    from .align import ordered_candidates, plan_coverage

    if not access.oversees_plan(request.user, plan):
        return {}
    above = plan.jurisdiction.ancestors()
    compare_with = ordered_candidates(plan, access.overseen_plans(request.user).select_related("jurisdiction"), above)
    parent_choices = ordered_candidates(
        plan, access.visible_plans(request.user).select_related("jurisdiction"), above) if manages else []
    return {"coverage": plan_coverage(request, plan, tasks), "compare_with": compare_with,
            "parent_choices": parent_choices}


def _plan_filters(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    def number(name: str) -> int | None:
        value = request.GET.get(name, "")
        return int(value) if value.isdecimal() and len(value) <= 9 else None  # an id, never a 64-bit overflow

    return {"section": number("section"), "unit": number("unit"), "year": number("year"),
            "targets": request.GET.get("targets") == "1", "role": request.GET.get("role", "")}


def _apply_filters(tasks: QuerySet[Task], filters: dict[str, Any]) -> QuerySet[Task]:
    if filters["section"]:
        section = Section.objects.filter(pk=filters["section"]).first()
        if section is not None:
            tasks = tasks.filter(Q(section__path__startswith=section.path + "/") | Q(section=section),
                                 section__plan_id=section.plan_id, section__part=section.part)
    if filters["unit"]:
        roles = [filters["role"]] if filters["role"] in AssignmentRole.values else AssignmentRole.values
        tasks = tasks.filter(assignments__unit_id=filters["unit"], assignments__role__in=roles)
    if filters["year"]:
        tasks = tasks.filter(deadlines__due_on__year=filters["year"])
    if filters["targets"]:
        tasks = tasks.filter(targets__isnull=False)
    joined = filters["unit"] or filters["year"] or filters["targets"]  # several assignments, deadlines or targets a task
    return tasks.distinct() if joined else tasks


def _tree(sections: list[Section], by_section: dict[int | None, list[Task]]) -> list[tuple[Section, list[Task]]]:
    """Sections in document order with their tasks, leaving out sections with nothing under them."""
    has_tasks: set[int] = set()
    parents = {s.pk: s.parent_id for s in sections}
    for section_id in (k for k, v in by_section.items() if k is not None and v):
        node: int | None = section_id
        while node is not None:
            has_tasks.add(node)
            node = parents.get(node)
    return [(s, by_section.get(s.pk, [])) for s in sections if s.pk in has_tasks]


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = access.get_task_for_user(request.user, pk)
    prefetch_related_objects([task], Prefetch("assignments", queryset=Assignment.objects.select_related("unit")
                                              .order_by("role", "unit__name")))
    needles = [(name, "unit") for name in {a.printed_name for a in task.assignments.all() if a.printed_name}]
    needles += [(d.text, "deadline") for d in task.deadlines.all()]
    needles += [(t.text, "target") for t in task.targets.all()]
    return render(request, "plans/task.html", {
        "task": task, "source": mark_terms(task.source_text, needles),
        "ancestors": _section_chain(task.section), "as_of": today(),
        "oversees": access.oversees_plan(request.user, task.plan),
        **_tracking(request, task),
    })


def _tracking(request: HttpRequest, task: Task) -> dict[str, object]:
    """The task's state and reports as this person may see them (from the tracking app)."""
    from fazhi_web.tracking import access as tracking_access
    from fazhi_web.tracking.models import Follow
    from fazhi_web.tracking.state import status_of, target_progress

    own = access.unit_ids(request.user)
    assigned = [a.unit_id for a in task.assignments.all() if a.unit_id in own]
    visible = tracking_access.visible_reports(request.user).filter(task=task)
    years, year = _report_years(visible, request.GET.get("year", ""))
    reports = list(visible.filter(cycle__starts_on__year=year).select_related("cycle", "unit")
                   .order_by("-cycle__starts_on", "unit__name")) if year else []
    return {
        "state": status_of(task, today(), unit_id=assigned[0] if assigned else None),
        "reports": reports, "report_years": years, "report_year": year,
        "target_rows": target_progress(task, reports) if reports else [],
        "can_request_extension": bool(assigned),
        "following": Follow.objects.filter(task=task, user_id=request.user.pk).exists(),
    }


def _report_years(reports: QuerySet[Any], asked: str) -> tuple[list[int], int | None]:
    """The years with reports on the task, and the one to show: the one asked for, else the latest. One year at a
    time keeps the page the same size however many years of reports a plan gathers."""
    years = sorted(set(reports.values_list("cycle__starts_on__year", flat=True)))
    chosen = int(asked) if asked.isdecimal() and int(asked) in years else None
    return years, chosen or (years[-1] if years else None)


def _section_chain(section: Section | None) -> list[Section]:
    chain = []
    while section is not None:
        chain.append(section)
        section = section.parent
    return chain[::-1]


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    """The unit's tasks, lead (or responsible) then participating, each with its state and soonest date first."""
    from fazhi_web.tracking.state import records_for, status_of

    units = access.unit_ids(request.user)
    assignments = list(Assignment.objects.filter(unit_id__in=units, task__in=access.visible_tasks(request.user))
                       .select_related("task", "task__plan", "unit").prefetch_related("task__deadlines",
                                                                                      "task__targets"))
    as_of = today()
    records = records_for(a.task_id for a in assignments)
    rows = [(a, status_of(a.task, as_of, unit_id=a.unit_id, records=records)) for a in assignments]
    rows.sort(key=lambda r: (r[1].state == "done", r[1].due is None, r[1].due or as_of, r[0].task.plan_id,
                             r[0].task.order))
    return render(request, "plans/my_tasks.html", {
        "lead": [r for r in rows if r[0].role != AssignmentRole.PARTICIPATING],  # leading, or responsible alone
        "participating": [r for r in rows if r[0].role == AssignmentRole.PARTICIPATING],
        "units": Unit.objects.filter(pk__in=units), "as_of": as_of,
    })


@login_required
def matrix(request: HttpRequest, pk: int) -> HttpResponse:
    """Units × top-level sections: how many tasks each unit leads or joins in each part of the plan."""
    plan = access.get_plan_for_user(request.user, pk)
    tops = [s for s in plan.sections.all() if s.parent_id is None]
    top_of = _top_section_of(plan)
    counts: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    unit_names: dict[int, str] = {}
    for unit_id, unit_name, section_id, role in Assignment.objects.filter(
            task__in=access.visible_tasks(request.user).filter(plan=plan)).values_list(
            "unit_id", "unit__name", "task__section_id", "role"):
        top = top_of.get(section_id)
        if top is None:
            continue
        counts[(unit_id, top)][0 if role == AssignmentRole.LEAD else 1] += 1
        unit_names[unit_id] = unit_name
    def weight(uid: int) -> tuple[int, int]:  # units leading most tasks first, then most involved
        cells = [counts.get((uid, s.pk), [0, 0]) for s in tops]
        return -sum(c[0] for c in cells), -sum(c[1] for c in cells)

    rows = [(uid, name, [(s, counts.get((uid, s.pk))) for s in tops])
            for uid, name in sorted(unit_names.items(), key=lambda kv: weight(kv[0]))]
    return render(request, "plans/matrix.html", {"plan": plan, "tops": tops, "rows": rows})


def _top_section_of(plan: Plan) -> dict[int, int]:
    sections = {s.pk: s for s in plan.sections.all()}
    tops = {}
    for pk, section in sections.items():
        node = section
        while node.parent_id is not None:
            node = sections[node.parent_id]
        tops[pk] = node.pk
    return tops


@login_required
def search(request: HttpRequest) -> HttpResponse:
    # No control characters: a NUL ends the pattern early in SQLite (every task matched) and PostgreSQL refuses it.
    query = "".join(c for c in request.GET.get("q", "") if c.isprintable() or c.isspace()).strip()[:100]
    words = terms(query)
    tasks = access.visible_tasks(request.user).select_related("plan", "plan__jurisdiction")
    plans = access.visible_plans(request.user)
    for word in words:
        tasks = tasks.filter(search_text__contains=word)
        in_tasks = Task.objects.filter(search_text__contains=word).values("plan_id")
        plans = plans.filter(Q(search_text__contains=word) | Q(pk__in=in_tasks))
    page = Paginator(tasks.order_by("plan_id", "order") if words else tasks.none(), 30).get_page(
        request.GET.get("page"))
    needles = [(w, "hit") for w in words]
    return render(request, "plans/search.html", {
        "query": query, "search_query": query, "page": page, "plans": plans[:20] if words else [],
        "results": [(t, mark_terms(t.source_text, needles)) for t in page],
    })
