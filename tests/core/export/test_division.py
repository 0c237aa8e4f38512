"""The task division table: rows from a parsed plan, read back from Excel and Word, and printed."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from fazhi import parse_file, parse_text
from fazhi.cli import app
from fazhi.export.division import MeasureRow, SectionRow, division_docx, division_table, division_xlsx
from printed import needs_libreoffice, printed_pages

SAMPLES = Path(__file__).resolve().parents[3] / "samples" / "plans"
PINGCHANG = SAMPLES / "004_4c3720f33ca48011.txt"  # 牵头/配合 named per task
GARZE = SAMPLES / "000_a7f8e7505c887707.txt"  # only 责任单位
GUIZHOU = SAMPLES / "003_b0a8bec7975bfe55.txt"  # body names no units; the annex is the division table

SMALL = """某县2025年法治政府建设工作要点
一、优化政府职能
1.深化改革。=HYPERLINK("http://x")推进改革。（牵头单位：县司法局；配合单位：县财政局、县发展改革局；完成时限：2025年6月底前）
2.加强审查。规范性文件合法性审查率达100%。（牵头单位：县司法局）
二、严格执法
3.推行执法三项制度，2025年底前全覆盖。（责任单位：县市场监管局）
4.规范执法行为，每年3月1日前公布执法数据。（责任单位：县市场监管局、县公安局）
"""


def test_titled_tasks_keep_their_title_and_untitled_ones_take_their_heading() -> None:
    table = division_table(parse_text(SMALL))
    assert [type(r).__name__ for r in table.rows] == ["SectionRow", "MeasureRow", "MeasureRow", "MeasureRow",
                                                        "MeasureRow"]
    first, _, third, fourth = table.measures
    assert (first.task, first.leads, first.participants, first.deadline) == (
        "深化改革", ("县司法局",), ("县财政局", "县发展改革局"), "2025年6月底前")
    assert first.measure == '=HYPERLINK("http://x")推进改革。'  # the responsibility clause has its own columns
    assert (third.task, third.task_from_heading, fourth.task) == ("二、严格执法", True, "二、严格执法")
    assert third.leads == ("县市场监管局",)  # 责任单位 alone count as lead where the plan names leads elsewhere
    assert [m.number for m in table.measures] == [1, 2, 3, 4]


def test_every_task_of_a_sample_is_a_row_with_the_units_the_reader_found() -> None:
    plan = parse_file(PINGCHANG)
    table = division_table(plan)
    assert table.split_roles and table.header == ("序号", "重点任务", "具体措施", "牵头单位", "配合单位", "完成时限")
    assert len(table.measures) == len(plan.tasks)
    for task, row in zip(plan.tasks, table.measures, strict=True):
        assert row.leads == tuple(dict.fromkeys(u.name for u in task.lead_units))
        assert "责任单位" not in row.measure and row.measure in task.text
    assert {r.text for r in table.rows if isinstance(r, SectionRow)} >= {"一、全面优化政府职能，服务保障高质量发展"}


def test_a_plan_that_names_only_responsible_units_gets_one_unit_column() -> None:
    table = division_table(parse_file(GARZE))
    assert table.header == ("序号", "重点任务", "具体措施", "责任单位", "完成时限")
    assert table.cells(table.measures[0])[3].startswith("州委编办、州发展改革委")


def test_the_annex_is_the_table_when_only_it_names_units() -> None:
    plan = parse_file(GUIZHOU)
    table = division_table(plan)
    assert len(table.measures) == sum(1 for t in plan.tasks if t.part == "annex") == 120
    assert table.measures[0].task == "一、健全政府機構職能體系,推動更好發揮政府作用"
    assert table.measures[0].leads == ("省委編辦", "省政府辦公廳")


def test_the_workbook_is_a4_landscape_with_a_repeated_header_merged_sections_and_no_formulas() -> None:
    table = division_table(parse_text(SMALL))
    sheet = load_workbook(BytesIO(division_xlsx(table))).active
    assert sheet.title == "任务分工表"
    assert sheet["A1"].value == table.title
    assert [c.value for c in sheet[2]] == list(table.header)
    assert sheet.print_title_rows == "$2:$2"
    assert (sheet.page_setup.orientation, sheet.page_setup.paperSize) == ("landscape", 9)
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:F1", "A3:F3", "B6:B7"} <= merged  # title, 一、…, 重点任务 merged down 二、's measures
    assert sheet["C4"].value == '=HYPERLINK("http://x")推进改革。' and sheet["C4"].data_type == "s"
    assert [sheet.cell(row, 1).value for row in range(4, 8)] == [1, 2, 3, 4]
    assert sheet["D4"].value == "县司法局" and sheet["E4"].value == "县财政局、县发展改革局"
    assert sheet["F4"].value == "2025年6月底前"


def test_the_word_table_has_the_rows_and_merges_the_heading_task_down_its_measures() -> None:
    table = division_table(parse_text(SMALL))
    document = Document(BytesIO(division_docx(table)))
    grid = document.tables[0]
    assert [c.text for c in grid.rows[0].cells] == list(table.header)
    assert grid.rows[1].cells[0].text == "一、优化政府职能" and grid.rows[1].cells[0]._tc is grid.rows[1].cells[5]._tc
    assert grid.rows[2].cells[2].text == '=HYPERLINK("http://x")推进改革。'
    assert grid.rows[4].cells[1]._tc is grid.rows[5].cells[1]._tc  # 二、严格执法 once, over both measures
    assert grid.rows[4].cells[1].text == "二、严格执法"
    section = document.sections[0]
    assert section.page_width > section.page_height


@needs_libreoffice
def test_a_sample_table_prints_on_landscape_pages_with_the_header_on_each() -> None:
    table = division_table(parse_file(PINGCHANG))
    pages = printed_pages(division_docx(table), "division-table-pingchang", page=1)
    assert len(pages) >= 3
    assert all("具体措施" in page for page in pages)
    assert "深入推进“放管服”改革" in "".join(pages[0].split())


def test_the_command_writes_both_files_without_a_database(tmp_path: Path) -> None:
    xlsx, docx = tmp_path / "分工表.xlsx", tmp_path / "分工表.docx"
    result = CliRunner().invoke(app, ["export", "table", str(PINGCHANG), "--xlsx", str(xlsx), "--docx", str(docx)])
    assert result.exit_code == 0, result.output
    assert "18 项任务" in result.output
    assert load_workbook(xlsx).active.max_row == 2 + len(division_table(parse_file(PINGCHANG)).rows)
    assert Document(str(docx)).tables[0].rows[0].cells[2].text == "具体措施"


@pytest.mark.parametrize(("arguments", "message"), [
    (["--xlsx", "/nonexistent/folder/t.xlsx"], "无法写入文件"),
    ([], "请用 --xlsx 或 --docx 指定输出文件"),
])
def test_the_command_refuses_with_a_message_and_exit_code_2(arguments: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["export", "table", str(PINGCHANG), *arguments])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_rows_keep_document_order() -> None:
    table = division_table(parse_file(PINGCHANG))
    numbers = [r.number for r in table.rows if isinstance(r, MeasureRow)]
    assert numbers == sorted(numbers)
