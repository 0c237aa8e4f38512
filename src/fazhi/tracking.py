"""Tracking rules that need no database: reporting periods, a task's state on a day.

The date is always a parameter (``as_of``); nothing here reads the clock.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import StrEnum


class Frequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half-yearly"
    YEARLY = "yearly"


_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.HALF_YEARLY: 6, Frequency.YEARLY: 12}
_NAMES = {Frequency.QUARTERLY: ["第一季度", "第二季度", "第三季度", "第四季度"],
          Frequency.HALF_YEARLY: ["上半年", "下半年"], Frequency.YEARLY: ["全年"]}


class TaskState(StrEnum):
    DONE = "done"
    OVERDUE = "overdue"
    DUE_SOON = "due-soon"
    ON_TRACK = "on-track"
    NO_DATE = "no-date"  # standing duties and tasks without a printed time limit


def periods(frequency: Frequency | str, year: int, due_days: int = 5) -> list[tuple[str, date, date, date]]:
    """The reporting periods of a year: (label, first day, last day, report due day).

    A report is due ``due_days`` days after its period ends (5 → 一季度 due 4月5日)."""
    step = _MONTHS[Frequency(frequency)]
    found = []
    for index, first_month in enumerate(range(1, 13, step)):
        last_month = first_month + step - 1
        start = date(year, first_month, 1)
        end = date(year, last_month, calendar.monthrange(year, last_month)[1])
        found.append((_label(Frequency(frequency), year, index, first_month), start, end, end + timedelta(days=due_days)))
    return found


def _label(frequency: Frequency, year: int, index: int, month: int) -> str:
    if frequency is Frequency.MONTHLY:
        return f"{year}年{month}月"
    return f"{year}年{_NAMES[frequency][index]}"


def task_state(due: date | None, *, done: bool, as_of: date, warn_days: int = 14) -> TaskState:
    """A task's state on ``as_of``: done, overdue (its date has passed), due soon (within ``warn_days``),
    on track, or without a date."""
    if done:
        return TaskState.DONE
    if due is None:
        return TaskState.NO_DATE
    if due < as_of:
        return TaskState.OVERDUE
    if (due - as_of).days <= warn_days:
        return TaskState.DUE_SOON
    return TaskState.ON_TRACK


def implied_due(period: tuple[int, int] | None) -> date | None:
    """The time limit of a task in an annual plan that prints none: the end of the plan's year (年内)."""
    if period is None or period[0] != period[1]:
        return None
    return date(period[0], 12, 31)
