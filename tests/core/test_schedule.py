"""When a deadline next falls due."""

from datetime import date

import pytest

from fazhi.schedule import next_due

AS_OF = date(2026, 11, 24)


@pytest.mark.parametrize(("kind", "kwargs", "expected"), [
    pytest.param("one-off", {"due": date(2025, 12, 31)}, date(2025, 12, 31), id="one-off-past-stays-due"),
    pytest.param("recurring", {"recurrence": "yearly", "month_day": "03-01"}, date(2027, 3, 1), id="yearly-next-year"),
    pytest.param("recurring", {"recurrence": "yearly", "month_day": "12-31"}, date(2026, 12, 31), id="yearly-this-year"),
    pytest.param("recurring", {"recurrence": "quarterly"}, date(2026, 12, 31), id="quarter-end"),
    pytest.param("recurring", {"recurrence": "monthly"}, date(2026, 11, 30), id="month-end"),
    pytest.param("recurring", {"recurrence": "half-yearly"}, date(2026, 12, 31), id="half-year-end"),
    pytest.param("recurring", {"recurrence": "biennial"}, None, id="biennial-without-day"),
    pytest.param("standing", {}, None, id="standing-has-no-date"),
])
def test_next_due(kind: str, kwargs: dict[str, object], expected: date | None) -> None:
    assert next_due(kind, AS_OF, **kwargs) == expected  # type: ignore[arg-type]


def test_february_29_falls_back_to_the_last_day_of_february() -> None:
    assert next_due("recurring", date(2026, 3, 1), recurrence="yearly", month_day="02-29") == date(2027, 2, 28)
