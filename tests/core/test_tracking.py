"""Reporting periods and task states."""

from datetime import date

import pytest

from fazhi.tracking import Frequency, TaskState, implied_due, periods, task_state


def test_quarterly_periods_are_due_days_after_each_quarter() -> None:
    quarters = periods(Frequency.QUARTERLY, 2025, due_days=5)
    assert [q[0] for q in quarters] == ["2025年第一季度", "2025年第二季度", "2025年第三季度", "2025年第四季度"]
    assert quarters[0][1:] == (date(2025, 1, 1), date(2025, 3, 31), date(2025, 4, 5))
    assert quarters[3][3] == date(2026, 1, 5)  # across the year boundary


def test_monthly_periods_know_february_in_a_leap_year() -> None:
    months = periods("monthly", 2024, due_days=0)
    assert len(months) == 12 and months[1][2] == date(2024, 2, 29)
    assert periods("monthly", 2025)[1][2] == date(2025, 2, 28)


def test_half_yearly_and_yearly_periods() -> None:
    assert [p[0] for p in periods("half-yearly", 2025)] == ["2025年上半年", "2025年下半年"]
    assert periods("yearly", 2025, due_days=10)[0][1:] == (date(2025, 1, 1), date(2025, 12, 31), date(2026, 1, 10))


@pytest.mark.parametrize(("due", "done", "expected"), [
    pytest.param(date(2026, 11, 1), True, TaskState.DONE, id="done-wins"),
    pytest.param(date(2026, 11, 23), False, TaskState.OVERDUE, id="yesterday"),
    pytest.param(date(2026, 11, 24), False, TaskState.DUE_SOON, id="today"),
    pytest.param(date(2026, 12, 8), False, TaskState.DUE_SOON, id="in-14-days"),
    pytest.param(date(2026, 12, 9), False, TaskState.ON_TRACK, id="in-15-days"),
    pytest.param(None, False, TaskState.NO_DATE, id="standing"),
])
def test_task_state(due: date | None, done: bool, expected: TaskState) -> None:
    assert task_state(due, done=done, as_of=date(2026, 11, 24), warn_days=14) is expected


def test_an_annual_plan_without_a_printed_limit_is_due_at_the_end_of_its_year() -> None:
    assert implied_due((2024, 2024)) == date(2024, 12, 31)
    assert implied_due((2021, 2025)) is None
    assert implied_due(None) is None
