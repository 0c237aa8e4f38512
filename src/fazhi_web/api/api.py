"""/api/: read jurisdictions, units, plans and tasks; add units. Token in "Authorization: Bearer …".

Every endpoint asks ``fazhi_web.plans.access`` exactly as the pages do: what a person may not see
answers 404, what they may see but not change answers 403.
"""

# No ``from __future__ import annotations`` here: django-ninja resolves the annotations of a
# @paginate-wrapped view in ninja.pagination's namespace, where a string such as "Query[TaskFilter]"
# cannot be resolved, and GET /api/tasks and /api/openapi.json then answered 500.

from datetime import date
from typing import Annotated, Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer

from fazhi_web.plans import access, actions
from fazhi_web.plans.models import Assignment, Task

from .models import ApiToken, digest


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = ApiToken.objects.select_related("user").filter(key_digest=digest(token)).first()
        if found is None or not found.user.is_active:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


api = NinjaAPI(title="法治政府建设任务管理接口", version="1", auth=TokenAuth(), urls_namespace="api",
               description="行政区划、单位、方案和任务。认证：请求头 Authorization: Bearer <令牌>。")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": "找不到该对象，或您无权查看"}, status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "无权进行此操作"}, status=403)


@api.exception_handler(actions.ActionError)
def _refused(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=400)


class ErrorOut(Schema):
    detail: str | list[dict[str, Any]]  # a sentence; for 422, the parameters that were refused and why


def answers(success: Any, *refusals: int, status: int = 200) -> dict[int, Any]:
    """Every answer an operation can give, for the schema: its success, 401 (no or unknown token), 422 (a
    parameter of the wrong type or range) and its own refusals (404 not found or not theirs to see, 403 seen but
    not theirs to change, 400 refused by a rule)."""
    return {status: success, 401: ErrorOut, 422: ErrorOut, **{code: ErrorOut for code in refusals}}


class JurisdictionOut(Schema):
    id: int
    name: str
    level: str
    parent_id: int | None


class UnitOut(Schema):
    id: int
    name: str
    jurisdiction_id: int
    aliases: list[str]

    @staticmethod
    def resolve_aliases(obj: Any) -> list[str]:
        return [a.name for a in obj.aliases.all()]


# What the unit form accepts too: at most 100 characters (the column's length), no NUL (PostgreSQL refuses it).
UnitName = Annotated[str, Field(max_length=100, pattern=r"^[^\x00]*$")]


class UnitIn(Schema):
    name: UnitName
    aliases: list[UnitName] = []


class PlanOut(Schema):
    id: int
    title: str
    jurisdiction_id: int
    doc_number: str
    issued_on: date | None
    period_start: int | None
    period_end: int | None
    revision: int
    status: str


class DeadlineOut(Schema):
    text: str
    kind: str
    due_on: date | None
    precision: str
    recurrence: str
    month_day: str


class TargetOut(Schema):
    text: str
    metric: str
    op: str
    value: float
    value_high: float | None
    unit: str


class AssignmentOut(Schema):
    unit_id: int
    unit: str
    role: str
    printed_name: str

    @staticmethod
    def resolve_unit(obj: Assignment) -> str:
        return obj.unit.name


class TaskOut(Schema):
    id: int
    plan_id: int
    path: str
    label: str
    title: str
    text: str
    line: int
    section: str | None
    assignments: list[AssignmentOut]
    deadlines: list[DeadlineOut]
    targets: list[TargetOut]

    @staticmethod
    def resolve_section(obj: Task) -> str | None:
        return str(obj.section) if obj.section else None

    @staticmethod
    def resolve_assignments(obj: Task) -> list[Assignment]:
        return list(obj.assignments.all())

    @staticmethod
    def resolve_deadlines(obj: Task) -> list[Any]:
        return list(obj.deadlines.all())

    @staticmethod
    def resolve_targets(obj: Task) -> list[Any]:
        return list(obj.targets.all())


# An id in a filter: 64-bit like every primary key here (a larger one crashed SQLite with a 500).
FilterId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class Pages(LimitOffsetPagination):
    """ninja's limit and offset, each within a 64-bit integer (a larger offset answered 500)."""

    class Input(LimitOffsetPagination.Input):
        limit: int = Field(ninja_settings.PAGINATION_PER_PAGE, ge=1, le=2**62)
        offset: int = Field(0, ge=0, le=2**62)


class TaskFilter(Schema):
    plan: FilterId | None = None
    unit: FilterId | None = None


@api.get("/jurisdictions", response=answers(list[JurisdictionOut]), tags=["行政区划"])
def list_jurisdictions(request: HttpRequest) -> Any:
    return access.visible_jurisdictions(request.user).order_by("pk")


@api.get("/jurisdictions/{jurisdiction_id}", response=answers(JurisdictionOut, 404), tags=["行政区划"])
def get_jurisdiction(request: HttpRequest, jurisdiction_id: int) -> Any:
    return access.get_jurisdiction_for_user(request.user, jurisdiction_id)


@api.get("/jurisdictions/{jurisdiction_id}/units", response=answers(list[UnitOut], 404), tags=["单位"])
def list_units(request: HttpRequest, jurisdiction_id: int) -> Any:
    place = access.get_jurisdiction_for_user(request.user, jurisdiction_id)
    return access.visible_units(request.user).filter(jurisdiction=place).prefetch_related("aliases").order_by("name")


@api.post("/jurisdictions/{jurisdiction_id}/units", response=answers(UnitOut, 400, 403, 404, status=201), tags=["单位"])
def create_unit(request: HttpRequest, jurisdiction_id: int, payload: UnitIn) -> Any:
    place = access.get_jurisdiction_for_user(request.user, jurisdiction_id, manage=True)
    unit = actions.create_unit(jurisdiction=place, name=payload.name, aliases=tuple(payload.aliases),
                               user=request.user)  # type: ignore[arg-type]
    return Status(201, unit)


@api.get("/units/{unit_id}", response=answers(UnitOut, 404), tags=["单位"])
def get_unit(request: HttpRequest, unit_id: int) -> Any:
    return access.get_unit_for_user(request.user, unit_id)


@api.get("/plans", response=answers(list[PlanOut]), tags=["方案"])
@paginate(Pages)
def list_plans(request: HttpRequest, jurisdiction: FilterId | None = None) -> Any:
    plans = access.visible_plans(request.user).order_by("pk")
    return plans.filter(jurisdiction_id=jurisdiction) if jurisdiction else plans


@api.get("/plans/{plan_id}", response=answers(PlanOut, 404), tags=["方案"])
def get_plan(request: HttpRequest, plan_id: int) -> Any:
    return access.get_plan_for_user(request.user, plan_id)


@api.get("/tasks", response=answers(list[TaskOut]), tags=["任务"])
@paginate(Pages)
def list_tasks(request: HttpRequest, filters: Query[TaskFilter]) -> Any:
    tasks = access.visible_tasks(request.user)
    if filters.plan:
        tasks = tasks.filter(plan_id=filters.plan)
    if filters.unit:
        tasks = tasks.filter(assignments__unit_id=filters.unit)
    return _with_details(tasks.order_by("plan_id", "order"))


@api.get("/tasks/{task_id}", response=answers(TaskOut, 404), tags=["任务"])
def get_task(request: HttpRequest, task_id: int) -> Any:
    return access.get_task_for_user(request.user, task_id)


def _with_details(tasks: Any) -> Any:
    return tasks.select_related("section").prefetch_related("assignments__unit", "deadlines", "targets")
