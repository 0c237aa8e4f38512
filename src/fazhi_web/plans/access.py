"""Who may see and change what — the one place every page and API endpoint asks.

* office administrator: everything in their jurisdiction (manage), and read-only below it;
* unit reporter and unit leader: the tasks of their own unit only;
* upper-level viewer: read-only over their jurisdiction and every one below it (published plans);
* public: published plans through the public pages only.

Objects a person may not see answer 404 (their existence is not revealed); objects they may see but
not change answer 403.
"""

from __future__ import annotations

from typing import Any

import rules
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import (
    DraftStatus,
    ImportDraft,
    Jurisdiction,
    Membership,
    Plan,
    PlanStatus,
    Role,
    Task,
    TaskStatus,
    Unit,
)

AnyUser = User | AnonymousUser


def memberships(user: AnyUser) -> list[Membership]:
    if not user.is_authenticated:
        return []
    cached: list[Membership] | None = getattr(user, "_fazhi_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("jurisdiction", "unit"))
        user._fazhi_memberships = cached  # type: ignore[union-attr]
    return cached


def managed_jurisdiction_ids(user: AnyUser) -> set[int]:
    return {m.jurisdiction_id for m in memberships(user) if m.role == Role.OFFICE}


def overseen_jurisdiction_ids(user: AnyUser) -> set[int]:
    """Jurisdictions whose plans this person may read in full: their own (office) and those below."""
    cached: set[int] | None = getattr(user, "_fazhi_overseen", None)
    if cached is None:
        cached = set()
        for m in memberships(user):
            if m.role in (Role.OFFICE, Role.VIEWER):
                cached |= m.jurisdiction.subtree_ids()
        if user.is_authenticated:
            user._fazhi_overseen = cached  # type: ignore[union-attr]
    return cached


def unit_ids(user: AnyUser, roles: tuple[str, ...] = (Role.REPORTER, Role.LEADER)) -> set[int]:
    return {m.unit_id for m in memberships(user) if m.role in roles and m.unit_id}


def visible_jurisdictions(user: AnyUser) -> QuerySet[Jurisdiction]:
    ids = overseen_jurisdiction_ids(user) | {m.jurisdiction_id for m in memberships(user)}
    return Jurisdiction.objects.filter(pk__in=ids)


def visible_plans(user: AnyUser) -> QuerySet[Plan]:
    published = Plan.objects.filter(status=PlanStatus.PUBLISHED)
    return _scoped(user, published, "jurisdiction_id", "tasks__assignments__unit_id")


def visible_tasks(user: AnyUser) -> QuerySet[Task]:
    """Active tasks of published plans this person may open."""
    live = Task.objects.filter(status=TaskStatus.ACTIVE, plan__status=PlanStatus.PUBLISHED)
    return _scoped(user, live, "plan__jurisdiction_id", "assignments__unit_id")


def _scoped(user: AnyUser, queryset: QuerySet[Any], jurisdiction: str, unit: str) -> QuerySet[Any]:
    """Rows in the jurisdictions this person oversees, plus rows their own unit is assigned to. The unit's rows
    are picked in a subquery: joining the assignments would repeat each row once per assignment, and the
    DISTINCT that removes them again sorts every row of a plan."""
    own_units = unit_ids(user)
    overseen = overseen_jurisdiction_ids(user)
    if not overseen and not own_units:
        return queryset.none()
    scope = Q(**{f"{jurisdiction}__in": overseen})
    if own_units:
        scope |= Q(pk__in=queryset.model.objects.filter(**{f"{unit}__in": own_units}).values("pk"))
    return queryset.filter(scope)


def visible_units(user: AnyUser) -> QuerySet[Unit]:
    overseen = overseen_jurisdiction_ids(user)
    return Unit.objects.filter(jurisdiction_id__in=overseen) | Unit.objects.filter(pk__in=unit_ids(user))


def can_manage(user: AnyUser, jurisdiction: Jurisdiction | int) -> bool:
    pk = jurisdiction if isinstance(jurisdiction, int) else jurisdiction.pk
    return pk in managed_jurisdiction_ids(user)


def get_jurisdiction_for_user(user: AnyUser, pk: int, *, manage: bool = False) -> Jurisdiction:
    jurisdiction = get_or_404(visible_jurisdictions(user), pk)
    if manage and not can_manage(user, jurisdiction):
        raise PermissionDenied("只有本级法治办管理员可以进行此操作")
    return jurisdiction


def get_plan_for_user(user: AnyUser, pk: int, *, manage: bool = False) -> Plan:
    plan = get_or_404(visible_plans(user).select_related("jurisdiction"), pk)
    if manage and not can_manage(user, plan.jurisdiction_id):
        raise PermissionDenied("只有本级法治办管理员可以修改方案")
    return plan


def oversees_plan(user: AnyUser, plan: Plan) -> bool:
    """May read the whole plan, every unit's tasks: the office of its jurisdiction or a level above it."""
    return plan.jurisdiction_id in overseen_jurisdiction_ids(user)


def require_whole_plan(user: AnyUser, plan: Plan) -> None:
    """Pages that show every task of a plan at once (alignment, peers): a unit's people see their own tasks
    only, so they may know the plan exists (403), not read the rest of it."""
    if not oversees_plan(user, plan):
        raise PermissionDenied("方案对照只对本级法治办和上级查看人员开放")


def overseen_plans(user: AnyUser) -> QuerySet[Plan]:
    """Published plans this person may read in full."""
    return Plan.objects.filter(status=PlanStatus.PUBLISHED, jurisdiction_id__in=overseen_jurisdiction_ids(user))


def get_task_for_user(user: AnyUser, pk: int) -> Task:
    return get_or_404(visible_tasks(user).select_related("plan", "section", "plan__jurisdiction"), pk)


def get_unit_for_user(user: AnyUser, pk: int, *, manage: bool = False) -> Unit:
    unit = get_or_404(visible_units(user).select_related("jurisdiction"), pk)
    if manage and not can_manage(user, unit.jurisdiction_id):
        raise PermissionDenied("只有本级法治办管理员可以修改单位名录")
    return unit


def get_draft_for_office(user: AnyUser, pk: int) -> ImportDraft:
    """A draft under review is seen only by the office of its jurisdiction."""
    drafts = ImportDraft.objects.filter(jurisdiction_id__in=managed_jurisdiction_ids(user))
    return get_or_404(drafts.select_related("jurisdiction", "document", "revises"), pk)


def open_drafts(user: AnyUser) -> QuerySet[ImportDraft]:
    return ImportDraft.objects.filter(jurisdiction_id__in=managed_jurisdiction_ids(user),
                                      status=DraftStatus.REVIEW)


def public_plans() -> QuerySet[Plan]:
    return Plan.objects.filter(status=PlanStatus.PUBLISHED)


def get_or_404(queryset: QuerySet[Any], pk: int) -> Any:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("找不到该对象，或您无权查看") from None


# The same rules as permissions, for templates and admin: {% if perms.plans.manage_jurisdiction %} etc.
@rules.predicate
def _manages(user: AnyUser, jurisdiction: Jurisdiction | None) -> bool:
    return jurisdiction is not None and can_manage(user, jurisdiction)


@rules.predicate
def _sees_plan(user: AnyUser, plan: Plan | None) -> bool:
    return plan is not None and visible_plans(user).filter(pk=plan.pk).exists()


rules.add_perm("plans.manage_jurisdiction", _manages)
rules.add_perm("plans.view_plan", _sees_plan)
