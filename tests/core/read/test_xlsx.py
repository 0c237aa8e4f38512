"""The .xlsx reader: rows as ROW blocks with their row numbers, merges filled, values as printed."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from fazhi.errors import CorruptDocument, TooLarge
from fazhi.model import BlockKind
from fazhi.read import limits, read_bytes
from fazhi.read.xlsx import read


def _to_bytes(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _task_workbook() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "任务分工表"
    sheet["A1"] = "某县2024年法治政府建设重点任务分工表"
    sheet.merge_cells("A1:E1")
    sheet.append(["序号", "工作任务", "牵头单位", "配合单位", "完成时限"])
    sheet.append(["一、深化行政执法体制改革"])
    sheet.merge_cells("A3:E3")
    sheet.append([1, "推进乡镇综合执法改革，年底前实现全覆盖", "县司法局", "各乡镇人民政府", date(2024, 12, 31)])
    sheet.append([2, "规范行政执法程序，全面推行三项制度", None, "县直各执法部门", "2024年6月底前"])
    sheet.merge_cells("C4:C5")
    sheet.append([])  # an empty row is skipped, numbering goes on
    sheet.append([3, "行政规范性文件合法性审核率", "县司法局", None, 1])
    sheet["E7"].number_format = "0%"
    sheet.append([4.0, "开展执法案卷评查", "县司法局", "县直各执法部门", datetime(2024, 11, 1)])
    sheet.append([None, "备注：\r\n各单位每季度末报送进展"])
    notes = workbook.create_sheet("填表说明")
    notes["A1"] = "本表由县司法局汇总。"
    hidden = workbook.create_sheet("数据字典")
    hidden["A1"] = "单位代码"
    hidden.sheet_state = "hidden"
    workbook.create_sheet("空表")
    workbook.properties.title = "重点任务分工表"
    workbook.properties.creator = "县法治办"
    return _to_bytes(workbook)


def test_rows_with_row_numbers_merges_filled_and_collapsed() -> None:
    text = read(_task_workbook(), "分工表.xlsx")
    assert text.format == "xlsx"
    rows = [(block.line, block.cells) for block in text.blocks]
    assert rows[:8] == [
        (1, ("某县2024年法治政府建设重点任务分工表",)),
        (2, ("序号", "工作任务", "牵头单位", "配合单位", "完成时限")),
        (3, ("一、深化行政执法体制改革",)),
        (4, ("1", "推进乡镇综合执法改革，年底前实现全覆盖", "县司法局", "各乡镇人民政府", "2024-12-31")),
        (5, ("2", "规范行政执法程序，全面推行三项制度", "县司法局", "县直各执法部门", "2024年6月底前")),
        (7, ("3", "行政规范性文件合法性审核率", "县司法局", "", "100%")),
        (8, ("4", "开展执法案卷评查", "县司法局", "县直各执法部门", "2024-11-01")),
        (9, ("", "备注：\n各单位每季度末报送进展")),
    ]
    assert all(block.kind is BlockKind.ROW for block in text.blocks)
    assert text.blocks[3].text == "1\t推进乡镇综合执法改革，年底前实现全覆盖\t县司法局\t各乡镇人民政府\t2024-12-31"


def test_hidden_sheets_read_last_and_named_in_metadata() -> None:
    text = read(_task_workbook(), "分工表.xlsx")
    assert [(block.line, block.text) for block in text.blocks[8:]] == [(1, "本表由县司法局汇总。"), (1, "单位代码")]
    assert text.metadata == {
        "sheet": "任务分工表",
        "sheets": "任务分工表、填表说明、数据字典",
        "hidden_sheets": "数据字典",
        "title": "重点任务分工表",
        "author": "县法治办",
    }
    assert [warning.code for warning in text.warnings] == ["read.xlsx-sheets"]


def test_row_limit_warns_and_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_XLSX_ROWS", 3)
    text = read(_task_workbook(), "分工表.xlsx")
    assert [block.line for block in text.blocks] == [1, 2, 3]
    limit_warnings = [warning for warning in text.warnings if warning.code == "read.xlsx-rows"]
    assert len(limit_warnings) == 1
    assert "第 4 行起未读取" in limit_warnings[0].message


def test_read_through_dispatch() -> None:
    text = read_bytes(_task_workbook(), "任务.xlsx")
    assert text.format == "xlsx"
    assert text.blocks[2].text == "一、深化行政执法体制改革"


def test_truncated_xlsx_is_corrupt() -> None:
    data = _task_workbook()
    with pytest.raises(CorruptDocument) as caught:
        read_bytes(data[: len(data) // 2], "截断.xlsx")
    assert re.search(r"[\u4e00-\u9fff]", caught.value.message)
    assert "Excel" in caught.value.message


def test_broken_sheet_xml_is_corrupt() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_task_workbook())) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            target.writestr(item, content)
    with pytest.raises(CorruptDocument):
        read(buffer.getvalue(), "坏表.xlsx")


def test_xlsx_zip_bomb_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_UNCOMPRESSED_BYTES", 5_000)
    with pytest.raises(TooLarge) as caught:
        read(_task_workbook(), "大表.xlsx")
    assert "Excel 表格解压后过大" in caught.value.message
