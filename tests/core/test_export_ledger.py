"""The progress ledger workbook (fazhi.export.ledger), read back with openpyxl."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from fazhi.export.ledger import HEADERS, Ledger, LedgerRow, count_by_unit, ledger_bytes, target_line, write_ledger

ROWS = (
    LedgerRow("1.", "（一）深化行政审批制度改革", "动态调整权责清单", "县司法局", "牵头", "牵头单位汇总", "已采纳",
              "已完成", "完成清单更新\r\n共调整 12 项", "", "持续跟踪", ("清单更新率：≥100% / 100%",), 2,
              datetime(2025, 4, 3, 9, 30)),
    LedgerRow("1.", "（一）深化行政审批制度改革", "动态调整权责清单", "县市场监督管理局", "配合", "配合单位报送",
              "待审核", "滞后", "=HYPERLINK(\"http://x\")", "+人手不足", "-加快进度", (), 0,
              datetime(2025, 4, 4, 17, 0)),
    LedgerRow("2.", "（一）深化行政审批制度改革", "推行双随机一公开", "县市场监督管理局", "牵头", "牵头单位汇总",
              "未填报", "", targets=("抽查事项覆盖率：≥100% / 未填",)),
)
LEDGER = Ledger("平昌县法治政府建设实施方案 2025年第一季度 进展台账", "2025年第一季度", date(2025, 4, 10), ROWS)


def _sheets(ledger: Ledger = LEDGER) -> tuple[Worksheet, ...]:
    book = load_workbook(io.BytesIO(ledger_bytes(ledger)))
    return tuple(book[name] for name in book.sheetnames)


def test_the_ledger_has_a_title_the_cycle_the_day_and_a_header_row() -> None:
    sheet = _sheets()[0]
    assert sheet.title == "台账"
    assert sheet["A1"].value == LEDGER.title
    assert [sheet.cell(2, c).value for c in (1, 2, 3, 4)] == ["报送周期", "2025年第一季度", "范围：全部单位", "截至"]
    assert sheet["E2"].value == datetime(2025, 4, 10)
    assert sheet["E2"].is_date
    assert [c.value for c in sheet[3]] == list(HEADERS)


def test_each_row_carries_the_report_of_one_unit_on_one_task() -> None:
    sheet = _sheets()[0]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert len(values) == 3
    assert values[0][:8] == ["1.", "（一）深化行政审批制度改革", "动态调整权责清单", "县司法局", "牵头", "牵头单位汇总",
                             "已采纳", "已完成"]
    assert values[0][8:10] == ["完成清单更新\n共调整 12 项", None]
    assert values[0][11:] == ["清单更新率：≥100% / 100%", 2, datetime(2025, 4, 3, 9, 30)]
    assert sheet["N4"].is_date
    assert values[2][6:8] == ["未填报", None]
    assert values[2][12:] == [0, None]


def test_text_that_looks_like_a_formula_stays_a_string() -> None:
    sheet = _sheets()[0]
    for ref, text in (("I5", "=HYPERLINK(\"http://x\")"), ("J5", "+人手不足"), ("K5", "-加快进度")):
        assert (sheet[ref].value, sheet[ref].data_type) == (text, "s")


def test_the_header_is_an_auto_filter_frozen_and_printed_on_every_page() -> None:
    sheet = _sheets()[0]
    assert sheet.auto_filter.ref == "A3:N6"
    assert sheet.freeze_panes == "A4"
    assert sheet.print_title_rows == "$3:$3"


def test_the_ledger_prints_on_a4_landscape_one_page_wide() -> None:
    sheet = _sheets()[0]
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9
    assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)  # 1 wide is the default
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.column_dimensions["I"].width > sheet.column_dimensions["A"].width


def test_lagging_and_done_are_coloured_differently_from_the_rest() -> None:
    sheet = _sheets()[0]
    done, lagging, blank = (sheet[f"H{row}"].fill.fgColor.rgb for row in (4, 5, 6))
    assert done.endswith("E3F1E3") and lagging.endswith("F8D7DA")
    assert blank not in (done, lagging)


def test_the_summary_counts_each_unit_and_adds_a_total() -> None:
    sheet = _sheets()[1]
    assert sheet.title == "汇总"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert rows == [["责任单位", "任务数", "已报送", "已采纳", "滞后", "已完成", "佐证材料（份）"],
                    ["县司法局", 1, 1, 1, 0, 1, 2],
                    ["县市场监督管理局", 2, 1, 0, 1, 0, 0],
                    ["合计", 3, 2, 1, 1, 1, 2]]
    assert sheet.auto_filter.ref == "A3:G5"


def test_a_units_ledger_has_no_summary_sheet() -> None:
    ledger = Ledger("县司法局 进展台账", "2025年第一季度", date(2025, 4, 10), ROWS[:1], scope="县司法局",
                    summary=False)
    assert [s.title for s in _sheets(ledger)] == ["台账"]


def test_an_empty_ledger_still_has_its_header_and_filter() -> None:
    sheet = _sheets(Ledger("空台账", "2025年第一季度", date(2025, 4, 10), ()))[0]
    assert [c.value for c in sheet[3]] == list(HEADERS)
    assert sheet.auto_filter.ref == "A3:N4"


def test_the_ledger_is_written_to_a_path_too(tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    write_ledger(LEDGER, path)
    assert load_workbook(path)["台账"]["A1"].value == LEDGER.title


def test_a_time_with_a_time_zone_is_refused() -> None:
    from datetime import UTC

    row = LedgerRow("1.", "", "任务", "县司法局", "牵头", "牵头单位汇总", "待审核",
                    submitted_at=datetime(2025, 4, 3, tzinfo=UTC))
    with pytest.raises(TypeError):
        ledger_bytes(Ledger("台账", "2025年第一季度", date(2025, 4, 10), (row,)))


def test_counts_keep_the_order_units_first_appear_in() -> None:
    assert [c.unit for c in count_by_unit(ROWS)] == ["县司法局", "县市场监督管理局"]


@pytest.mark.parametrize(("args", "expected"), [
    pytest.param(("审查率", ">=", 100.0, None, "%", 98.0), "审查率：≥100% / 98%", id="at-least"),
    pytest.param(("办理时限", "<=", 5.0, None, "个工作日", None), "办理时限：≤5个工作日 / 未填", id="at-most-unfilled"),
    pytest.param(("覆盖率", "range", 80.0, 90.0, "%", 85.5), "覆盖率：80–90% / 85.5%", id="range"),
    pytest.param(("示范点", "=", 3.0, None, "个", 3.0), "示范点：3个 / 3个", id="exactly"),
])
def test_a_target_reads_metric_goal_and_actual(args: tuple[str, str, float, float | None, str, float | None],
                                               expected: str) -> None:
    assert target_line(*args) == expected
