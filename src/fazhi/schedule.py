"""When a deadline next falls due, given the day it is asked on (the date is always a parameter)."""

from __future__ import annotations

import calendar
from datetime import date

from fazhi.model import DeadlineKind, Recurrence

_MONTHS_BETWEEN = {Recurrence.MONTHLY: 1, Recurrence.QUARTERLY: 3, Recurrence.HALF_YEARLY: 6,
                   Recurrence.YEARLY: 12, Recurrence.BIENNIAL: 24}


def next_due(kind: str, as_of: date, *, due: date | None = None, recurrence: str | None = None,
             month_day: str | None = None) -> date | None:
    """The next date on or after ``as_of`` a deadline asks for; a one-off date is returned even if past
    (an overdue task stays due). Standing duties and recurrences without a day have no date."""
    if kind == DeadlineKind.ONE_OFF:
        return due
    if kind != DeadlineKind.RECURRING or not recurrence:
        return None
    if month_day:
        month, day = (int(p) for p in month_day.split("-"))
        return _next_yearly(as_of, month, day)
    step = _MONTHS_BETWEEN.get(Recurrence(recurrence))
    return _period_end(as_of, step) if step and step <= 12 else None


def _next_yearly(as_of: date, month: int, day: int) -> date:
    this_year = _safe_date(as_of.year, month, day)
    return this_year if this_year >= as_of else _safe_date(as_of.year + 1, month, day)


def _period_end(as_of: date, months: int) -> date:
    """The last day of the month/quarter/half-year/year that contains ``as_of``."""
    last_month = ((as_of.month - 1) // months + 1) * months
    return _safe_date(as_of.year, last_month, 31)


def _safe_date(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))
