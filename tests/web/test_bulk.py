"""Bulk reports with Excel: export a unit's (or the office's whole) cycle, fill it in, import it back — every
bad row named by row and column, nothing stored unless the whole file is clean, permissions and stale
versions refused, and formula-looking text kept as text."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fazhi import bulk as table
from fazhi_web.plans.models import Plan, Task, Unit
from fazhi_web.tracking import actions
from fazhi_web.tracking.models import Cycle, Report, ReportStatus

pytestmark = pytest.mark.django_db
Login = Callable[[str], Client]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def cycle(pingchang_plan: Plan) -> Cycle:
    """A cycle nobody has reported in yet (the demo's generated progress fills 2024's quarters)."""
    return actions.open_cycles(plan=pingchang_plan, frequency="monthly", year=2025, due_days=5, user=None)[0]


def _export(client: Client, cycle: Cycle, **params: Any) -> Any:
    response = client.get(f"/cycles/{cycle.pk}/excel/export/", params)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _columns(book: Any) -> dict[str, int]:
    return {cell.value: cell.column for cell in book.worksheets[0][1]}


def _set(book: Any, row: int, column: str, value: object, *, as_text: bool = False) -> None:
    cell = book.worksheets[0].cell(row=row, column=_columns(book)[column], value=value)
    if as_text:
        cell.data_type = "s"  # a string that merely starts with "=", as Excel keeps text typed after a '


def _get(book: Any, row: int, column: str) -> Any:
    return book.worksheets[0].cell(row=row, column=_columns(book)[column])


def _upload(client: Client, cycle: Cycle, book: Any) -> Any:
    buffer = io.BytesIO()
    book.save(buffer)
    return client.post(f"/cycles/{cycle.pk}/excel/import/", {"file": SimpleUploadedFile("填报.xlsx", buffer.getvalue())})


def _key(book: Any, row: int) -> table.RowKey:
    key = table.RowKey.parse(_get(book, row, table.KEY).value)
    assert key is not None
    return key


def _row_with_percent_target(book: Any) -> int:
    for row in range(2, book.worksheets[0].max_row + 1):
        if "单位：%" in str(_get(book, row, "指标1").value or ""):
            return row
    raise AssertionError("no row with a percentage target")


def test_a_reporter_exports_their_units_rows_with_a_status_list_and_a_hidden_key(login: Login, cycle: Cycle,
                                                                                 unit_named: Callable[[str], Unit]) -> None:
    book = _export(login("reporter"), cycle)
    sheet = book.worksheets[0]
    assert sheet.title == "进展填报"
    header = [c.value for c in sheet[1]]
    assert header[:8] == ["编号", "任务", "单位", "报告状态", "进展状态", "工作进展", "存在问题", "下步打算"]
    assert header[-1] == table.KEY and "指标1实际值" in header
    units = {_get(book, row, "单位").value.split("（")[0] for row in range(2, sheet.max_row + 1)}
    assert units == {"县司法局"}
    sfj = unit_named("县司法局")
    assert sheet.max_row - 1 == Task.objects.filter(plan=cycle.plan, assignments__unit=sfj).count()
    assert {_key(book, row).unit for row in range(2, sheet.max_row + 1)} == {sfj.pk}
    key_letter = openpyxl.utils.get_column_letter(len(header))
    assert sheet.column_dimensions[key_letter].hidden
    validation = sheet.data_validations.dataValidation[0]
    assert validation.type == "list" and "未启动" in validation.formula1
    assert str(validation.sqref).startswith(openpyxl.utils.get_column_letter(5))


def test_a_filled_in_file_is_imported_as_drafts(login: Login, cycle: Cycle) -> None:
    reporter = login("reporter")
    book = _export(reporter, cycle)
    row = _row_with_percent_target(book)
    _set(book, row, "进展状态", "推进中")
    _set(book, row, "工作进展", "已完成清单更新的初稿")
    _set(book, row, "指标1实际值", "95%")
    _set(book, 2 if row != 2 else 3, "下步打算", "下季度完成评估")
    response = _upload(reporter, cycle, book)
    assert response.status_code == 302, response.content.decode()[:2000]
    key = _key(book, row)
    report = Report.objects.get(task_id=key.task, unit_id=key.unit, cycle=cycle)
    assert (report.progress, report.done, report.status, report.version) == ("in-progress", "已完成清单更新的初稿",
                                                                             ReportStatus.DRAFT, 2)
    assert report.values.get(target_id=key.targets[0]).value == 95
    assert Report.objects.filter(cycle=cycle).count() == 2  # untouched rows create nothing
    assert "保存 2 份报告" in reporter.get(response["Location"]).content.decode()


def test_importing_the_same_file_again_changes_nothing(login: Login, cycle: Cycle) -> None:
    reporter = login("reporter")
    book = _export(reporter, cycle)
    _set(book, 2, "工作进展", "第一次导入")
    assert _upload(reporter, cycle, book).status_code == 302
    again = _export(reporter, cycle)
    assert _upload(reporter, cycle, again).status_code == 302
    assert Report.objects.get(cycle=cycle).version == 2


def test_every_bad_row_is_reported_by_row_and_column_and_nothing_is_stored(login: Login, cycle: Cycle) -> None:
    reporter = login("reporter")
    book = _export(reporter, cycle)
    percent = _row_with_percent_target(book)
    others = [r for r in range(2, 7) if r != percent]
    _set(book, others[0], "进展状态", "进行中")
    _set(book, others[1], "工作进展", "这一行本身没有问题")
    _set(book, others[2], "工作进展", "x" * 10001)
    _set(book, percent, "指标1实际值", "九十")
    _set(book, others[3], "指标1实际值" if _get(book, others[3], "指标1").value is None else "进展状态", "")
    before = list(Report.objects.values_list("pk", "version"))
    response = _upload(reporter, cycle, book)
    assert response.status_code == 400
    page = response.content.decode()
    assert f"第{others[0]}行“进展状态”列：应为 未启动/推进中/已完成/常态化推进/滞后" in page
    assert f"第{others[2]}行“工作进展”列：超过 10000 字" in page
    assert f"第{percent}行“指标1实际值”列：“九十”不是数字" in page
    assert f"第{others[1]}行" not in page
    assert list(Report.objects.values_list("pk", "version")) == before
    assert not Report.objects.filter(cycle=cycle).exists()


@pytest.mark.parametrize(("value", "message"), [
    pytest.param(120, "百分比须在 0—100 之间", id="percent-over-100"),
    pytest.param(-3, "数值超出范围", id="negative"),
    pytest.param("=1+1", "不能使用公式", id="a-formula"),
])
def test_a_bad_target_value_is_named_at_its_cell(login: Login, cycle: Cycle, value: object, message: str) -> None:
    reporter = login("reporter")
    book = _export(reporter, cycle)
    row = _row_with_percent_target(book)
    _set(book, row, "指标1实际值", value)
    response = _upload(reporter, cycle, book)
    assert response.status_code == 400
    assert f"第{row}行“指标1实际值”列：" in response.content.decode()
    assert message in response.content.decode()
    assert not Report.objects.filter(cycle=cycle).exists()


def test_a_formula_looking_value_round_trips_as_text(login: Login, cycle: Cycle) -> None:
    reporter = login("reporter")
    book = _export(reporter, cycle)
    injection = '=HYPERLINK("http://evil.example/","点此")'
    _set(book, 2, "工作进展", injection, as_text=True)
    _set(book, 2, "存在问题", "=1+1", as_text=True)
    assert _upload(reporter, cycle, book).status_code == 302
    report = Report.objects.get(cycle=cycle)
    assert (report.done, report.problems) == (injection, "=1+1")

    again = _export(reporter, cycle)
    cell = _get(again, 2, "工作进展")
    assert (cell.value, cell.data_type) == (injection, "s")  # written as a string, never as a formula
    raw = reporter.get(f"/cycles/{cycle.pk}/excel/export/").content
    with __import__("zipfile").ZipFile(io.BytesIO(raw)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    _set(again, 2, "下步打算", "继续推进")
    assert _upload(reporter, cycle, again).status_code == 302
    report.refresh_from_db()
    assert (report.done, report.next_steps, report.version) == (injection, "继续推进", 3)


def test_a_formula_typed_into_a_text_cell_is_refused(login: Login, cycle: Cycle) -> None:
    reporter = login("reporter")
    book = _export(reporter, cycle)
    _set(book, 3, "工作进展", "=A1&A2")
    response = _upload(reporter, cycle, book)
    assert response.status_code == 400
    assert "第3行“工作进展”列：不能使用公式" in response.content.decode()


def test_reporter2_cannot_export_or_import_the_county_justice_bureaus_reports(
        login: Login, cycle: Cycle, unit_named: Callable[[str], Unit]) -> None:
    sfj = unit_named("县司法局")
    assert login("reporter2").get(f"/cycles/{cycle.pk}/excel/export/", {"unit": sfj.pk}).status_code == 404
    own = _export(login("reporter2"), cycle)
    assert {_key(own, r).unit for r in range(2, own.worksheets[0].max_row + 1)} == {unit_named("县市场监督管理局").pk}

    book = _export(login("reporter"), cycle)
    _set(book, 2, "工作进展", "冒名填报")
    response = _upload(login("reporter2"), cycle, book)
    assert response.status_code == 400
    assert "第2行：您不是“县司法局”的填报员" in response.content.decode()
    assert not Report.objects.filter(cycle=cycle).exists()


def test_a_row_exported_before_someone_else_saved_is_refused(login: Login, cycle: Cycle) -> None:
    reporter = login("reporter")
    _set_first = _export(reporter, cycle)
    _set(_set_first, 2, "工作进展", "先导出的人")
    assert _upload(reporter, cycle, _set_first).status_code == 302
    stale = _export(reporter, cycle)
    fresh = _export(reporter, cycle)
    _set(fresh, 2, "工作进展", "后来的修改")
    assert _upload(reporter, cycle, fresh).status_code == 302
    _set(stale, 2, "工作进展", "过时的修改")
    _set(stale, 3, "工作进展", "另一行")
    response = _upload(reporter, cycle, stale)
    assert response.status_code == 400
    assert "第2行：这份报告在导出后已被修改（导出时第2版，现为第3版）" in response.content.decode()
    assert Report.objects.get(cycle=cycle).done == "后来的修改"
    assert Report.objects.filter(cycle=cycle).count() == 1  # row 3 was not stored either


def test_a_submitted_report_is_not_changed_by_an_import(login: Login, cycle: Cycle) -> None:
    reporter = login("reporter")
    book = _export(reporter, cycle)
    _set(book, 2, "工作进展", "已报送的内容")
    assert _upload(reporter, cycle, book).status_code == 302
    report = Report.objects.get(cycle=cycle)
    actions.submit_report(report=report, user=User.objects.get(username="reporter"))
    again = _export(reporter, cycle)
    assert _get(again, 2, "报告状态").value == "待审核"
    assert _upload(reporter, cycle, again).status_code == 302  # unchanged rows of a sent report pass
    _set(again, 2, "工作进展", "偷改")
    response = _upload(reporter, cycle, again)
    assert response.status_code == 400 and "第2行：这份报告待审核，不能再通过导入修改" in response.content.decode()
    assert Report.objects.get(pk=report.pk).done == "已报送的内容"


def test_a_save_refused_while_storing_rolls_back_the_whole_file(login: Login, cycle: Cycle,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    reporter = login("reporter")
    book = _export(reporter, cycle)
    _set(book, 2, "工作进展", "第一行")
    _set(book, 3, "工作进展", "第二行")
    real = actions.save_report
    calls = []

    def second_is_stale(**kwargs: Any) -> Report:
        calls.append(kwargs)
        if len(calls) == 2:
            raise actions.StaleEdit("这份报告已被他人修改或已报送，您的修改未保存。")
        return real(**kwargs)

    monkeypatch.setattr(actions, "save_report", second_is_stale)
    response = _upload(reporter, cycle, book)
    assert response.status_code == 409
    assert "第3行：这份报告已被他人修改" in response.content.decode()
    assert not Report.objects.filter(cycle=cycle).exists()


def test_the_office_exports_the_whole_cycle_but_cannot_import(login: Login, cycle: Cycle) -> None:
    office = login("office")
    book = _export(office, cycle)
    rows = book.worksheets[0].max_row - 1
    assert rows > 10
    assert len({_key(book, r).unit for r in range(2, rows + 2)}) > 3
    response = _upload(office, cycle, book)
    assert response.status_code == 403


def test_a_file_that_is_not_a_workbook_is_refused(login: Login, cycle: Cycle) -> None:
    response = login("reporter").post(f"/cycles/{cycle.pk}/excel/import/",
                                      {"file": SimpleUploadedFile("填报.xlsx", b"PK\x03\x04 not really")})
    assert response.status_code == 400
    assert "已损坏" in response.content.decode()


def test_the_cycle_page_links_to_the_excel_page(login: Login, cycle: Cycle) -> None:
    page = login("reporter").get(f"/cycles/{cycle.pk}/").content.decode()
    assert f"/cycles/{cycle.pk}/excel/" in page
    bulk_page = login("reporter").get(f"/cycles/{cycle.pk}/excel/").content.decode()
    assert "导入填好的表格" in bulk_page
    assert "导入填好的表格" not in login("office").get(f"/cycles/{cycle.pk}/excel/").content.decode()
