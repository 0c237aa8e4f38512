"""Bulk progress reports as a table, the way offices work: the columns of the sheet a unit fills in, and
reading a filled-in sheet back with every problem named by its row and column.

Pure: no database. The web app writes the workbook (``fazhi_web.tracking.bulk``) and saves the rows it
gets back only when ``check_rows`` found no problem at all.

Row numbers are the spreadsheet's own (the header is row 1), so a message such as
“第5行“进展状态”列：应为 未启动/推进中/已完成/常态化推进/滞后” points at the cell the user sees.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from fazhi.errors import CorruptDocument, TooLarge
from fazhi.read.docx import check_zip

CODE, TASK, UNIT, STATUS = "编号", "任务", "单位", "报告状态"
PROGRESS, DONE, PROBLEMS, NEXT_STEPS = "进展状态", "工作进展", "存在问题", "下步打算"
KEY = "记录键（请勿修改）"
FIXED = (CODE, TASK, UNIT, STATUS, PROGRESS, DONE, PROBLEMS, NEXT_STEPS)
EDITABLE = (PROGRESS, DONE, PROBLEMS, NEXT_STEPS)
TEXT_LIMITS = {DONE: 10000, PROBLEMS: 5000, NEXT_STEPS: 5000}
MAX_ROWS = 5000  # a county's cycle is a few hundred rows
MAX_COLUMNS = 200
_KEY = re.compile(r"^(\d{1,12}):(\d{1,12}):(\d{1,9}):((?:\d{1,12}(?:,\d{1,12})*)?)$")


def target_header(slot: int) -> str:
    """The column naming a task's ``slot``-th target (read-only), 1-based."""
    return f"指标{slot}"


def value_header(slot: int) -> str:
    """The column where the value of a task's ``slot``-th target is filled in."""
    return f"指标{slot}实际值"


def headers(slots: int) -> list[str]:
    """Every column in order: the fixed ones, two per target slot, and the hidden key last."""
    pairs = [h for slot in range(1, slots + 1) for h in (target_header(slot), value_header(slot))]
    return [*FIXED, *pairs, KEY]


@dataclass(frozen=True)
class RowKey:
    """What a row is: the task, the unit, the report's version when exported (0: no report yet) and the
    task's targets in slot order. Written in the hidden key column as ``task:unit:version:t1,t2``."""

    task: int
    unit: int
    version: int
    targets: tuple[int, ...] = ()

    def __str__(self) -> str:
        return f"{self.task}:{self.unit}:{self.version}:{','.join(str(t) for t in self.targets)}"

    @classmethod
    def parse(cls, text: str) -> RowKey | None:
        match = _KEY.match(text.strip())
        if match is None:
            return None
        targets = tuple(int(t) for t in match[4].split(",")) if match[4] else ()
        return cls(int(match[1]), int(match[2]), int(match[3]), targets)


@dataclass(frozen=True)
class CellError:
    """One problem, at a row and (when it is one cell's) a column."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第{self.row}行“{self.column}”列" if self.column else f"第{self.row}行"
        return f"{where}：{self.message}"


@dataclass(frozen=True)
class FilledRow:
    """A row as filled in. ``progress`` is the label as written (未启动…); ``values`` only the target values
    that were filled in (a blank cell leaves a stored value as it is)."""

    row: int
    key: RowKey
    progress: str
    done: str
    problems: str
    next_steps: str
    values: Mapping[int, float] = field(default_factory=dict)


class Formula(str):
    """A cell holding a formula (its text, ``=…``). Refused on import: a report is text and numbers."""

    __slots__ = ()


@dataclass
class Checked:
    rows: list[FilledRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.errors


# ---------------------------------------------------------------- reading the workbook


def read_sheet(data: bytes, *, source: str = "") -> list[list[object]]:
    """The first sheet's cells, row by row (index 0 is row 1; blank rows kept so numbers match).

    Refuses a damaged file or a bomb before inflating it; formula cells come back as ``Formula``."""
    check_zip(data, source, "Excel 表格")
    import openpyxl  # read-only; defusedxml is installed, so openpyxl parses the XML safely

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:
        raise CorruptDocument("Excel 表格已损坏或不完整，无法打开", source=source) from exc
    try:
        return _rows(workbook.worksheets[0], source)
    except (CorruptDocument, TooLarge):
        raise
    except Exception as exc:
        raise CorruptDocument("Excel 表格内容有损坏，无法读取", source=source) from exc
    finally:
        workbook.close()


def _rows(sheet: Any, source: str) -> list[list[object]]:
    sheet.reset_dimensions()
    rows: list[list[object]] = []
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        number = next((c.row for c in cells if getattr(c, "row", None)), number)
        if number > MAX_ROWS + 1:
            raise TooLarge(f"表格超过 {MAX_ROWS} 行，请分批导入", source=source)
        rows.extend([] for _ in range(number - 1 - len(rows)))
        rows.append([_value(c) for c in cells[:MAX_COLUMNS]])
    return rows


def _value(cell: Any) -> object:
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", "") == "f" and isinstance(value, str):
        return Formula(value)
    return value


# ---------------------------------------------------------------- checking the rows


def check_rows(rows: Sequence[Sequence[object]], *, progress_labels: Sequence[str],
               target_units: Mapping[int, str]) -> Checked:
    """Every row with a key, checked cell by cell; ``target_units`` maps a target's id to its unit (%: 0–100).

    Rows left blank are skipped; a row with content but no key, two rows with one key, an unknown status,
    a value that is not a number or is out of range, a formula, a text over its length — each is an error."""
    checked = Checked()
    if not rows:
        checked.errors.append(CellError(1, "", "表格是空的，请使用导出的表格填写"))
        return checked
    columns = _columns(rows[0], checked)
    if columns is None:
        return checked
    seen: dict[tuple[int, int], int] = {}
    for number, cells in enumerate(rows[1:], start=2):
        row = _check_row(number, cells, columns, progress_labels, target_units, checked, seen)
        if row is not None:
            checked.rows.append(row)
    return checked


def _columns(header: Sequence[object], checked: Checked) -> dict[str, int] | None:
    names = [_text(cell) for cell in header]
    columns = {name: index for index, name in reversed(list(enumerate(names))) if name}
    missing = [name for name in (PROGRESS, DONE, PROBLEMS, NEXT_STEPS, KEY) if name not in columns]
    if missing:
        listed = "、".join(f"“{name}”" for name in missing)
        checked.errors.append(CellError(1, "", f"缺少{listed}列，请使用本系统导出的表格填写，不要改动表头"))
        return None
    return columns


def _check_row(number: int, cells: Sequence[object], columns: Mapping[str, int], progress_labels: Sequence[str],
               target_units: Mapping[int, str], checked: Checked, seen: dict[tuple[int, int], int]) -> FilledRow | None:
    def cell(name: str) -> object:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    raw_key = cell(KEY)
    if raw_key is None or not _text(raw_key):
        if any(_text(cells[i]) for i in _editable(columns) if i < len(cells)):
            checked.errors.append(CellError(number, KEY, "缺少记录键：请在导出的行里填写，不要新增行"))
        return None
    key = RowKey.parse(_text(raw_key))
    if key is None:
        checked.errors.append(CellError(number, KEY, "记录键已被改动，无法识别这一行；请重新导出后填写"))
        return None
    earlier = seen.setdefault((key.task, key.unit), number)
    if earlier != number:
        checked.errors.append(CellError(number, "", f"与第{earlier}行是同一条记录，请删去重复的行"))
        return None
    before = len(checked.errors)
    progress = _progress(number, cell(PROGRESS), progress_labels, checked)
    texts = {name: _long_text(number, name, cell(name), checked) for name in (DONE, PROBLEMS, NEXT_STEPS)}
    values = _values(number, key, cell, columns, target_units, checked)
    if len(checked.errors) > before:
        return None
    return FilledRow(number, key, progress, texts[DONE], texts[PROBLEMS], texts[NEXT_STEPS], values)


def _editable(columns: Mapping[str, int]) -> list[int]:
    return [index for name, index in columns.items() if name in EDITABLE or name.endswith("实际值")]


def _progress(number: int, value: object, labels: Sequence[str], checked: Checked) -> str:
    text = _text(value)
    if text not in labels or isinstance(value, Formula):
        checked.errors.append(CellError(number, PROGRESS, f"应为 {'/'.join(labels)}"))
    return text


def _long_text(number: int, name: str, value: object, checked: Checked) -> str:
    if isinstance(value, Formula):
        checked.errors.append(CellError(number, name, "不能使用公式，请直接填写文字"))
        return ""
    text = _text(value)
    if len(text) > TEXT_LIMITS[name]:
        checked.errors.append(CellError(number, name, f"超过 {TEXT_LIMITS[name]} 字（现有 {len(text)} 字）"))
    return text


def _values(number: int, key: RowKey, cell: Any, columns: Mapping[str, int], target_units: Mapping[int, str],
            checked: Checked) -> dict[int, float]:
    values: dict[int, float] = {}
    slots = [name for name in columns if name.startswith("指标") and name.endswith("实际值")]
    for name in slots:
        raw = cell(name)
        if raw is None or _text(raw) == "":
            continue
        slot = _slot(name)
        if slot is None or slot > len(key.targets):
            checked.errors.append(CellError(number, name, "该任务没有这一项指标，请留空"))
            continue
        target = key.targets[slot - 1]
        value = _number(raw, target_units.get(target, ""))
        if isinstance(value, str):
            checked.errors.append(CellError(number, name, value))
        else:
            values[target] = value
    return values


def _slot(name: str) -> int | None:
    digits = name[len("指标"):-len("实际值")]
    return int(digits) if digits.isdigit() else None


def _number(raw: object, unit: str) -> float | str:
    """The value, or the message saying what is wrong with it (the same rules as the report form)."""
    if isinstance(raw, Formula):
        return "不能使用公式，请直接填写数值"
    if isinstance(raw, bool | date | time):
        return f"“{_text(raw)}”不是数字，请只填写数值"
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = _text(raw).rstrip("%％").strip()
        try:
            value = float(text)
        except ValueError:
            return f"“{_text(raw)}”不是数字，请只填写数值"
    percent = unit in ("%", "％")
    if not math.isfinite(value) or value < 0 or (percent and value > 100):
        return "数值超出范围" + ("（百分比须在 0—100 之间）" if percent else "（不能为负数）")
    return value


def _text(value: object) -> str:
    """A cell as text: numbers without a spurious “.0”, dates as ISO, surrounding white space removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip()


def iter_errors(errors: Iterable[CellError]) -> list[str]:
    """The messages in row order, as a user reads them."""
    return [str(e) for e in sorted(errors, key=lambda e: e.row)]
