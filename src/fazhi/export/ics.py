"""Due dates → an iCalendar (.ics) feed a calendar client subscribes to.

All-day events; a recurring deadline becomes one event with an RRULE that follows the core's rule in
``fazhi.schedule`` (the last day of each month/quarter/half-year/year, or a fixed day each year), so a
calendar shows every occurrence without the feed listing them one by one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fazhi.model import DeadlineKind, Recurrence
from fazhi.schedule import next_due

_PERIOD_MONTHS = {Recurrence.MONTHLY: 1, Recurrence.QUARTERLY: 3, Recurrence.HALF_YEARLY: 6}


@dataclass(frozen=True)
class Event:
    """One all-day event. ``rule`` is an RRULE as a dict (``{"FREQ": "MONTHLY", …}``) or None."""

    uid: str
    summary: str
    day: date
    description: str = ""
    url: str = ""
    rule: dict[str, Any] | None = None


def recurrence_rule(recurrence: str, month_day: str | None = None, until: date | None = None) -> dict[str, Any] | None:
    """The RRULE of a recurring deadline, matching ``next_due``: a fixed day each year (``month_day`` "MM-DD";
    29 February falls on the month's last day), else the last day of each period. None when the core gives
    no date (biennial without a day)."""
    rule: dict[str, Any]
    if month_day:
        month, day = (int(p) for p in month_day.split("-"))
        rule = {"FREQ": "YEARLY", "BYMONTH": month, "BYMONTHDAY": -1 if (month, day) == (2, 29) else day}
    elif recurrence == Recurrence.YEARLY:
        rule = {"FREQ": "YEARLY", "BYMONTH": 12, "BYMONTHDAY": 31}
    elif recurrence in _PERIOD_MONTHS:
        rule = {"FREQ": "MONTHLY", "INTERVAL": _PERIOD_MONTHS[Recurrence(recurrence)], "BYMONTHDAY": -1}
    else:
        return None
    if until is not None:
        rule["UNTIL"] = until
    return rule


def recurring_event(*, uid: str, summary: str, recurrence: str, month_day: str | None, first_from: date,
                    until: date | None = None, description: str = "", url: str = "") -> Event | None:
    """A recurring deadline as one event: its first occurrence on or after ``first_from`` and its RRULE."""
    first = next_due(DeadlineKind.RECURRING, first_from, recurrence=recurrence, month_day=month_day)
    rule = recurrence_rule(recurrence, month_day, until)
    if first is None or rule is None or (until is not None and first > until):
        return None
    return Event(uid, summary, first, description, url, rule)


def calendar_bytes(events: Iterable[Event], *, name: str, stamp: datetime | None = None) -> bytes:
    """The feed. ``stamp`` (DTSTAMP) defaults to the Unix epoch so the same data gives the same bytes."""
    from icalendar import Calendar
    from icalendar import Event as IcsEvent

    calendar = Calendar()
    calendar.add("prodid", "-//fazhi//法治政府建设任务时限//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    when = stamp or datetime(1970, 1, 1, tzinfo=UTC)
    for event in events:
        item = IcsEvent()
        item.add("uid", event.uid)
        item.add("dtstamp", when)
        item.add("summary", event.summary)
        item.add("dtstart", event.day)
        item.add("dtend", event.day + timedelta(days=1))
        item.add("transp", "TRANSPARENT")
        if event.description:
            item.add("description", event.description)
        if event.url:
            item.add("url", event.url)
        if event.rule:
            item.add("rrule", event.rule)
        calendar.add_component(item)
    data: bytes = calendar.to_ical()
    return data
