"""Reading a filled-in bulk report table: every problem by row and column, in the user's words."""

from __future__ import annotations

from datetime import date

import pytest

from fazhi.bulk import KEY, Formula, RowKey, check_rows, headers, iter_errors
from fazhi.export.ics import calendar_bytes, recurrence_rule, recurring_event

LABELS = ["未启动", "推进中", "已完成", "常态化推进", "滞后"]
HEADER = headers(2)


def _row(key: str, progress: object = "推进中", done: object = "", value1: object = None) -> list[object]:
    cells: list[object] = ["1.", "任务", "县司法局", "草稿", progress, done, "", "", "指标", value1, "", None, key]
    assert len(cells) == len(HEADER)
    return cells


def _check(*rows: list[object]) -> list[str]:
    return iter_errors(check_rows([HEADER, *rows], progress_labels=LABELS, target_units={7: "%", 8: ""}).errors)


def test_a_clean_table_gives_its_rows_with_values_by_target() -> None:
    checked = check_rows([HEADER, _row("1:2:3:7,8", value1="95%"), [], _row("4:2:0:")],
                         progress_labels=LABELS, target_units={7: "%"})
    assert checked.clean
    assert [(r.row, r.key, dict(r.values)) for r in checked.rows] == [
        (2, RowKey(1, 2, 3, (7, 8)), {7: 95.0}), (4, RowKey(4, 2, 0, ()), {})]


@pytest.mark.parametrize(("row", "message"), [
    pytest.param(_row("1:2:3:7", progress="进行中"), "第2行“进展状态”列：应为 未启动/推进中/已完成/常态化推进/滞后",
                 id="unknown-status"),
    pytest.param(_row("1:2:3:7", progress=None), "第2行“进展状态”列：应为", id="empty-status"),
    pytest.param(_row("1:2:3:7", value1="九十"), "第2行“指标1实际值”列：“九十”不是数字", id="not-a-number"),
    pytest.param(_row("1:2:3:7", value1=101), "第2行“指标1实际值”列：数值超出范围（百分比须在 0—100 之间）",
                 id="percent-over-100"),
    pytest.param(_row("1:2:3:7", value1=date(2025, 1, 1)), "第2行“指标1实际值”列：“2025-01-01”不是数字", id="a-date"),
    pytest.param(_row("1:2:3:", value1=5), "第2行“指标1实际值”列：该任务没有这一项指标", id="no-such-target"),
    pytest.param(_row("1:2:3:7", done=Formula("=A1")), "第2行“工作进展”列：不能使用公式", id="formula"),
    pytest.param(_row("1:2:3:7", done="字" * 10001), "第2行“工作进展”列：超过 10000 字", id="too-long"),
    pytest.param(_row("", done="新增的行"), f"第2行“{KEY}”列：缺少记录键", id="a-new-row"),
    pytest.param(_row("1:2", done="x"), f"第2行“{KEY}”列：记录键已被改动", id="a-tampered-key"),
])
def test_each_bad_cell_is_named_by_row_and_column(row: list[object], message: str) -> None:
    errors = _check(row)
    assert len(errors) == 1 and errors[0].startswith(message)


def test_every_bad_row_is_reported_not_only_the_first() -> None:
    errors = _check(_row("1:2:3:7", progress="进行中"), _row("2:2:3:7"), _row("3:2:3:7", value1="x"),
                    _row("1:2:5:7"))
    assert [e[:3] for e in errors] == ["第2行", "第4行", "第5行"]
    assert "与第2行是同一条记录" in errors[2]


def test_a_sheet_without_the_exported_header_is_refused() -> None:
    errors = iter_errors(check_rows([["编号", "任务"], ["1", "x"]], progress_labels=LABELS, target_units={}).errors)
    assert errors == ["第1行：缺少“进展状态”、“工作进展”、“存在问题”、“下步打算”、“记录键（请勿修改）”列，"
                      "请使用本系统导出的表格填写，不要改动表头"]


def test_a_cell_typed_as_a_number_is_read_as_text_without_a_trailing_zero() -> None:
    (row,) = check_rows([HEADER, _row("1:2:3:", done=3.0)], progress_labels=LABELS, target_units={}).rows
    assert row.done == "3"


@pytest.mark.parametrize(("recurrence", "month_day", "rule"), [
    pytest.param("quarterly", None, {"FREQ": "MONTHLY", "INTERVAL": 3, "BYMONTHDAY": -1}, id="quarterly"),
    pytest.param("yearly", "02-29", {"FREQ": "YEARLY", "BYMONTH": 2, "BYMONTHDAY": -1}, id="leap-day"),
    pytest.param("biennial", None, None, id="biennial-has-no-date"),
])
def test_recurrence_rules_follow_the_schedule(recurrence: str, month_day: str | None, rule: object) -> None:
    assert recurrence_rule(recurrence, month_day) == rule


def test_a_recurring_event_starts_at_its_first_due_date_and_stops_at_the_plans_end() -> None:
    event = recurring_event(uid="x", summary="季度", recurrence="half-yearly", month_day=None,
                            first_from=date(2024, 7, 1), until=date(2025, 12, 31))
    assert event is not None and event.day == date(2024, 12, 31) and event.rule is not None
    assert event.rule["UNTIL"] == date(2025, 12, 31)
    assert recurring_event(uid="y", summary="", recurrence="yearly", month_day=None, first_from=date(2026, 1, 1),
                           until=date(2025, 12, 31)) is None
    ics = calendar_bytes([event], name="县司法局").decode()
    assert "RRULE:FREQ=MONTHLY;UNTIL=20251231;INTERVAL=6;BYMONTHDAY=-1" in ics
    assert "DTSTART;VALUE=DATE:20241231" in ics
