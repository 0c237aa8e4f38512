"""Deadline wording of 公文, resolved against the plan's own year — never today's date."""

from __future__ import annotations

from datetime import date

import pytest

from fazhi.model import DeadlineKind, Recurrence
from fazhi.parse.deadlines import find_deadlines, standing_deadline

ONE_OFF = [
    ("year-end-before", "2022年底前建成", None, date(2022, 12, 31)),
    ("year-year-end", "2022 年年底前完成", None, date(2022, 12, 31)),
    ("by-year", "到2025年，基本建成", None, date(2025, 12, 31)),
    ("year-before", "2023 年前将乡镇权责事项纳入", None, date(2023, 12, 31)),
    ("bare-year-goal", "2023年实现与企业信用信息共享", None, date(2023, 12, 31)),
    ("month-end-with-year", "2024年6月底前完成清理", None, date(2024, 6, 30)),
    ("leap-february", "2024年2月底前报送", None, date(2024, 2, 29)),
    ("day-with-year", "2025年3月15日前公布", None, date(2025, 3, 15)),
    ("first-half", "2024年上半年完成", None, date(2024, 6, 30)),
    ("third-quarter", "2024年第三季度前完成", None, date(2024, 9, 30)),
    ("month-in-annual-plan", "6月底前完成清理结果公示", 2024, date(2024, 6, 30)),
    ("day-in-annual-plan", "9月30日前完成", 2024, date(2024, 9, 30)),
    ("within-year-annual", "年内至少新增3人", 2024, date(2024, 12, 31)),
    ("fourteenth-five-year", "“十四五”期间实现公职律师工作全覆盖", None, date(2025, 12, 31)),
    ("fifteenth-five-year", "“十五五”期间全面建成", None, date(2030, 12, 31)),
]


@pytest.mark.parametrize(("text", "plan_year", "expected"), [c[1:] for c in ONE_OFF], ids=[c[0] for c in ONE_OFF])
def test_one_off_deadlines_resolve_to_the_last_day_allowed(text: str, plan_year: int | None, expected: date) -> None:
    found = find_deadlines(text, plan_year)
    assert [(d.kind, d.date) for d in found] == [(DeadlineKind.ONE_OFF, expected)]


RECURRING = [
    ("yearly-day", "每年3月1日前报送", Recurrence.YEARLY, "03-01"),
    ("yearly-dec", "每年 12 月 31 日前主动公开", Recurrence.YEARLY, "12-31"),
    ("yearly-year-end", "每年年底对案件进行统计分析", Recurrence.YEARLY, "12-31"),
    ("yearly-month-end", "每年3月底前报送", Recurrence.YEARLY, "03-31"),
    ("quarterly", "每季度通报一次", Recurrence.QUARTERLY, None),
    ("monthly", "每月10日前报送", Recurrence.MONTHLY, None),
    ("biennial", "每2年组织开展一次评估", Recurrence.BIENNIAL, None),
    ("biennial-chinese", "每两年开展一次", Recurrence.BIENNIAL, None),
]


@pytest.mark.parametrize(("text", "rule", "month_day"), [c[1:] for c in RECURRING], ids=[c[0] for c in RECURRING])
def test_recurring_deadlines_are_rules_not_dates(text: str, rule: Recurrence, month_day: str | None) -> None:
    found = find_deadlines(text, None)
    assert [(d.kind, d.recurring, d.month_day) for d in found][:1] == [(DeadlineKind.RECURRING, rule, month_day)]


def test_a_month_day_governed_by_each_year_in_the_same_sentence_is_yearly_too() -> None:
    found = find_deadlines("每年3月1日前报送上一年度报告，4月1日前向社会公开。", None)
    assert [d.month_day for d in found] == ["03-01", "04-01"]


NOT_DEADLINES = [
    ("year-as-scope", "对 2023 年度涉企行政许可处罚案件开展评查"),
    ("campaign-name", "开展2024年监管执法专项行动"),
    ("document-period", "实施提升行政执法质量三年行动计划（2023—2025年）"),
    ("since", "2021年以来，我县持续推进"),
    ("effective-date", "自2024年1月1日起施行"),
    ("frequency-without-date", "每年定期开展行政执法人员培训"),
    ("years-within", "三年内完成"),
]


@pytest.mark.parametrize("text", [c[1] for c in NOT_DEADLINES], ids=[c[0] for c in NOT_DEADLINES])
def test_years_that_name_or_scope_something_are_not_deadlines(text: str) -> None:
    assert find_deadlines(text, 2024) == []


def test_a_month_without_a_year_in_a_multi_year_plan_is_kept_unresolved_not_guessed() -> None:
    found = find_deadlines("6月底前完成清理", None)
    assert [(d.kind, d.date) for d in found] == [(DeadlineKind.UNRESOLVED, None)]


@pytest.mark.parametrize("cell", ["长期坚持", "持续推进", "常态化"], ids=["long-term", "ongoing", "routine"])
def test_a_deadline_cell_that_says_standing_duty_is_a_standing_deadline(cell: str) -> None:
    deadline = standing_deadline(cell)
    assert deadline is not None and deadline.kind is DeadlineKind.STANDING and deadline.date is None
