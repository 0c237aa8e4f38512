"""/api/: read jurisdictions, units, plans and tasks; add units. Token in "Authorization: Bearer …".

Every endpoint asks ``fazhi_web.plans.access`` exactly as the pages do: what a person may not see
answers 404, what they may see but not change answers 403.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema
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


class UnitIn(Schema):
    name: str
    aliases: list[str] = []


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


class TaskFilter(Schema):
    plan: int | None = None
    unit: int | None = None


@api.get("/jurisdictions", response=list[JurisdictionOut], tags=["行政区划"])
def list_jurisdictions(request: HttpRequest) -> Any:
    return access.visible_jurisdictions(request.user).order_by("pk")


@api.get("/jurisdictions/{jurisdiction_id}", response=JurisdictionOut, tags=["行政区划"])
def get_jurisdiction(request: HttpRequest, jurisdiction_id: int) -> Any:
    return access.get_jurisdiction_for_user(request.user, jurisdiction_id)


@api.get("/jurisdictions/{jurisdiction_id}/units", response=list[UnitOut], tags=["单位"])
def list_units(request: HttpRequest, jurisdiction_id: int) -> Any:
    place = access.get_jurisdiction_for_user(request.user, jurisdiction_id)
    return access.visible_units(request.user).filter(jurisdiction=place).prefetch_related("aliases").order_by("name")


@api.post("/jurisdictions/{jurisdiction_id}/units", response={201: UnitOut}, tags=["单位"])
def create_unit(request: HttpRequest, jurisdiction_id: int, payload: UnitIn) -> Any:
    place = access.get_jurisdiction_for_user(request.user, jurisdiction_id, manage=True)
    unit = actions.create_unit(jurisdiction=place, name=payload.name, aliases=tuple(payload.aliases),
                               user=request.user)  # type: ignore[arg-type]
    return 201, unit


@api.get("/units/{unit_id}", response=UnitOut, tags=["单位"])
def get_unit(request: HttpRequest, unit_id: int) -> Any:
    return access.get_unit_for_user(request.user, unit_id)


@api.get("/plans", response=list[PlanOut], tags=["方案"])
@paginate(LimitOffsetPagination)
def list_plans(request: HttpRequest, jurisdiction: int | None = None) -> Any:
    plans = access.visible_plans(request.user).order_by("pk")
    return plans.filter(jurisdiction_id=jurisdiction) if jurisdiction else plans


@api.get("/plans/{plan_id}", response=PlanOut, tags=["方案"])
def get_plan(request: HttpRequest, plan_id: int) -> Any:
    return access.get_plan_for_user(request.user, plan_id)


@api.get("/tasks", response=list[TaskOut], tags=["任务"])
@paginate(LimitOffsetPagination)
def list_tasks(request: HttpRequest, filters: Query[TaskFilter]) -> Any:
    tasks = access.visible_tasks(request.user)
    if filters.plan:
        tasks = tasks.filter(plan_id=filters.plan)
    if filters.unit:
        tasks = tasks.filter(assignments__unit_id=filters.unit)
    return _with_details(tasks.order_by("plan_id", "order"))


@api.get("/tasks/{task_id}", response=TaskOut, tags=["任务"])
def get_task(request: HttpRequest, task_id: int) -> Any:
    return access.get_task_for_user(request.user, task_id)


def _with_details(tasks: Any) -> Any:
    return tasks.select_related("section").prefetch_related("assignments__unit", "deadlines", "targets")
