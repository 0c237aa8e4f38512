"""Template context for every page: the person's roles, for the navigation bar."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import access
from .models import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    from fazhi_web.tracking.models import Notification

    mine = access.memberships(user)
    return {
        "unread_count": Notification.objects.filter(user=user, read_at__isnull=True).count(),
        "my_memberships": mine,
        "is_office": any(m.role == Role.OFFICE for m in mine),
        "has_unit": any(m.unit_id for m in mine),
        "office_jurisdictions": [m.jurisdiction for m in mine if m.role == Role.OFFICE],
    }
