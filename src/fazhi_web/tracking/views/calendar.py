"""A unit's iCalendar feed: subscribed to by a calendar client with the unit's secret in the URL (no session),
and the page where the unit's reporters and leaders find the link and can replace the secret."""

from __future__ import annotations

import secrets
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fazhi.export.ics import calendar_bytes
from fazhi_web.plans import access as plan_access
from fazhi_web.plans.models import Unit

from .. import access, actions
from ..calendar import unit_events
from ..models import CalendarFeed


def _unit_of_member(request: HttpRequest, pk: int) -> Unit:
    """The unit, for its own reporters and leaders; others who may see it get 403, the rest 404."""
    unit = plan_access.get_unit_for_user(request.user, pk)
    access.require(unit.pk in plan_access.unit_ids(request.user), "只有本单位的填报员和审核人可以查看日历订阅链接")
    return unit


def _feed_url(request: HttpRequest, feed: CalendarFeed | None) -> str:
    if feed is None:
        return ""
    path = reverse("unit-calendar-feed", kwargs={"pk": feed.unit_id})
    return request.build_absolute_uri(f"{path}?token={feed.token}")


@login_required
def subscription(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_of_member(request, pk)
    feed = CalendarFeed.objects.filter(unit=unit).first()
    url = _feed_url(request, feed)
    return render(request, "tracking/calendar.html", {"unit": unit, "feed": feed, "url": url,
                                                      "webcal": url.replace("https://", "webcal://", 1)
                                                      .replace("http://", "webcal://", 1)})


@login_required
@require_POST
def reset(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_of_member(request, pk)
    actions.reset_calendar_feed(unit=unit, user=request.user)
    messages.success(request, "已生成新的订阅链接；旧链接（如有）已失效，请在日历应用中改用新链接。")
    return redirect("unit-calendar", pk=unit.pk)


@require_GET
def feed(request: HttpRequest, pk: int) -> HttpResponse:
    """The .ics itself. A wrong, missing or replaced token answers 404, as an unknown unit does."""
    token = request.GET.get("token", "")
    found = CalendarFeed.objects.filter(unit_id=pk, unit__is_active=True).select_related("unit").first() \
        if pk < 2**31 else None
    if found is None or not token or not secrets.compare_digest(found.token.encode(), token.encode()):
        raise Http404("找不到该日历")
    today: date = timezone.localdate()
    events = unit_events(found.unit, as_of=today, base_url=request.build_absolute_uri("/").rstrip("/"))
    data = calendar_bytes(events, name=f"{found.unit.name} · 法治政府建设任务时限", stamp=timezone.now())
    return HttpResponse(data, content_type="text/calendar; charset=utf-8",
                        headers={"Cache-Control": "private, max-age=900",
                                 "Content-Disposition": 'inline; filename="fazhi.ics"'})
