"""A cycle's progress ledger (进展台账) as an Excel workbook: one row per task per unit with the report's
status, progress, summary, target values and evidence count, and for the whole jurisdiction a second sheet
that counts per unit.

The sheet 台账 prints on A4 landscape, one page wide, with its header row repeated on every page and kept
as an Excel auto-filter, so a reader filters by unit, status or progress without losing anything.

Every piece of text from the database is written with ``write_string``: a summary that begins with = + - @
stays text and never becomes a formula. Days and times are real Excel dates: pass local times without a
time zone (xlsxwriter refuses an aware one).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

__all__ = ["ACCEPTED", "DONE", "LAGGING", "NOT_REPORTED", "REPORTED", "Ledger", "LedgerRow", "UnitCount",
           "count_by_unit", "ledger_bytes", "target_line", "write_ledger"]

# The words the ledger counts by: the labels of the web app's statuses and progress (a web test checks them).
NOT_REPORTED = "未填报"
REPORTED = ("待审核", "已审核", "已采纳")  # submitted and not sent back: 已报送 in the summary
ACCEPTED = "已采纳"
LAGGING = "滞后"
DONE = "已完成"

HEADERS = ("编号", "所属章节", "任务", "责任单位", "分工", "报告类型", "填报状态", "进展", "工作进展", "存在问题",
           "下步打算", "量化指标（目标 / 实际）", "佐证材料（份）", "报送时间")
WIDTHS = (8, 18, 30, 16, 6, 12, 9, 10, 40, 26, 26, 24, 8, 16)
SUMMARY_HEADERS = ("责任单位", "任务数", "已报送", "已采纳", "滞后", "已完成", "佐证材料（份）")
SUMMARY_WIDTHS = (24, 8, 8, 8, 8, 8, 12)
HEADER_ROW = 2  # below the title and the line naming the cycle and the day

_OPS = {">=": "≥", "<=": "≤", "=": "", "range": ""}
_PROGRESS_COLOURS = {LAGGING: "#F8D7DA", DONE: "#E3F1E3"}
_STATUS_COLOURS = {NOT_REPORTED: "#EDEDED", "已退回": "#FFF3CD", ACCEPTED: "#E3F1E3"}


@dataclass(frozen=True)
class LedgerRow:
    """One task for one unit. ``status``, ``progress`` and ``kind`` are the labels a reader sees (未填报 when the
    unit has no report the reader may see); ``targets`` one "指标：目标 / 实际" line per target."""

    label: str
    section: str
    task: str
    unit: str
    role: str
    kind: str
    status: str
    progress: str = ""
    done: str = ""
    problems: str = ""
    next_steps: str = ""
    targets: tuple[str, ...] = ()
    evidence: int = 0
    submitted_at: datetime | None = None


@dataclass(frozen=True)
class Ledger:
    """A ledger: ``scope`` names whose rows these are (全部单位 or one unit); ``summary`` adds the sheet 汇总."""

    title: str
    cycle: str
    as_of: date
    rows: tuple[LedgerRow, ...]
    scope: str = "全部单位"
    summary: bool = True


@dataclass(frozen=True)
class UnitCount:
    unit: str
    tasks: int = 0
    reported: int = 0
    accepted: int = 0
    lagging: int = 0
    done: int = 0
    evidence: int = 0

    def plus(self, row: LedgerRow) -> UnitCount:
        return UnitCount(self.unit, self.tasks + 1, self.reported + (row.status in REPORTED),
                         self.accepted + (row.status == ACCEPTED), self.lagging + (row.progress == LAGGING),
                         self.done + (row.progress == DONE), self.evidence + row.evidence)

    @property
    def numbers(self) -> tuple[int, ...]:
        return self.tasks, self.reported, self.accepted, self.lagging, self.done, self.evidence


def count_by_unit(rows: Iterable[LedgerRow]) -> list[UnitCount]:
    """Counts per unit, in the order the units first appear."""
    counts: dict[str, UnitCount] = {}
    for row in rows:
        counts[row.unit] = counts.get(row.unit, UnitCount(row.unit)).plus(row)
    return list(counts.values())


def target_line(metric: str, op: str, value: float, high: float | None, unit: str, actual: float | None) -> str:
    """审查率：≥100% / 98%; a range 80–90%; an actual value not reported yet: 未填."""
    goal = f"{value:g}–{high:g}" if op == "range" and high is not None else f"{_OPS.get(op, op)}{value:g}"
    return f"{metric}：{goal}{unit} / {'未填' if actual is None else f'{actual:g}{unit}'}"


def ledger_bytes(ledger: Ledger) -> bytes:
    stream = io.BytesIO()
    write_ledger(ledger, stream)
    return stream.getvalue()


def write_ledger(ledger: Ledger, target: str | Path | IO[bytes]) -> None:
    """Write the workbook to a path or a binary stream."""
    import xlsxwriter

    book = xlsxwriter.Workbook(target if not isinstance(target, Path) else str(target), {
        "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False})
    book.set_properties({"title": ledger.title, "author": "fazhi"})
    styles = _styles(book)
    _ledger_sheet(book.add_worksheet("台账"), styles, ledger)
    if ledger.summary:
        _summary_sheet(book.add_worksheet("汇总"), styles, ledger)
    book.close()


def _styles(book: Any) -> dict[str, Any]:
    base = {"font_name": "宋体", "font_size": 10, "text_wrap": True, "valign": "top", "border": 1}
    styles = {"title": book.add_format({"font_name": "黑体", "font_size": 14, "bold": True}),
              "note": book.add_format({"font_name": "宋体", "font_size": 10}),
              "day": book.add_format({"font_name": "宋体", "font_size": 10, "num_format": "yyyy年m月d日",
                                      "align": "left"}),
              "head": book.add_format({**base, "bold": True, "bg_color": "#DDE4EE", "align": "center"}),
              "cell": book.add_format(base), "number": book.add_format({**base, "num_format": "0"}),
              "time": book.add_format({**base, "num_format": "yyyy-mm-dd hh:mm"})}
    for label, colour in {**_PROGRESS_COLOURS, **_STATUS_COLOURS}.items():
        styles[label] = book.add_format({**base, "bg_color": colour})
    return styles


def _heading(sheet: Any, styles: dict[str, Any], ledger: Ledger, headers: tuple[str, ...],
             widths: tuple[int, ...]) -> None:
    sheet.merge_range(0, 0, 0, len(headers) - 1, "", styles["title"])
    sheet.write_string(0, 0, ledger.title, styles["title"])
    sheet.write_string(1, 0, "报送周期", styles["note"])
    sheet.write_string(1, 1, ledger.cycle, styles["note"])
    sheet.write_string(1, 2, f"范围：{ledger.scope}", styles["note"])
    sheet.write_string(1, 3, "截至", styles["note"])
    sheet.write_datetime(1, 4, datetime.combine(ledger.as_of, datetime.min.time()), styles["day"])
    for column, (text, width) in enumerate(zip(headers, widths, strict=True)):
        sheet.set_column(column, column, width)
        sheet.write_string(HEADER_ROW, column, text, styles["head"])
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    sheet.repeat_rows(HEADER_ROW)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.set_footer("&C第 &P 页，共 &N 页")


def _ledger_sheet(sheet: Any, styles: dict[str, Any], ledger: Ledger) -> None:
    _heading(sheet, styles, ledger, HEADERS, WIDTHS)
    for number, row in enumerate(ledger.rows, start=HEADER_ROW + 1):
        _write_row(sheet, styles, number, row)
    sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + max(len(ledger.rows), 1), len(HEADERS) - 1)


def _write_row(sheet: Any, styles: dict[str, Any], number: int, row: LedgerRow) -> None:
    cell = styles["cell"]
    texts = (row.label, row.section, row.task, row.unit, row.role, row.kind)
    for column, text in enumerate(texts):
        _text(sheet, number, column, text, cell)
    _text(sheet, number, 6, row.status, styles.get(row.status, cell))
    _text(sheet, number, 7, row.progress, styles.get(row.progress, cell))
    for column, text in enumerate((row.done, row.problems, row.next_steps, "\n".join(row.targets)), start=8):
        _text(sheet, number, column, _lines(text), cell)
    sheet.write_number(number, 12, row.evidence, styles["number"])
    if row.submitted_at is None:
        sheet.write_blank(number, 13, None, cell)
    else:
        sheet.write_datetime(number, 13, row.submitted_at, styles["time"])


def _text(sheet: Any, row: int, column: int, text: str, style: Any) -> None:
    """Text always as a string, never a formula; nothing as an empty (but bordered) cell."""
    if text:
        sheet.write_string(row, column, text, style)
    else:
        sheet.write_blank(row, column, None, style)


def _lines(text: str) -> str:
    """Line ends as Excel keeps them inside a cell."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _summary_sheet(sheet: Any, styles: dict[str, Any], ledger: Ledger) -> None:
    _heading(sheet, styles, ledger, SUMMARY_HEADERS, SUMMARY_WIDTHS)
    counts = count_by_unit(ledger.rows)
    total = UnitCount("合计")
    for row in ledger.rows:
        total = total.plus(row)
    for number, count in enumerate([*counts, total], start=HEADER_ROW + 1):
        sheet.write_string(number, 0, count.unit, styles["head"] if count is total else styles["cell"])
        for column, value in enumerate(count.numbers, start=1):
            sheet.write_number(number, column, value, styles["number"])
    sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + max(len(counts), 1), len(SUMMARY_HEADERS) - 1)
