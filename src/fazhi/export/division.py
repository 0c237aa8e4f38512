"""The task division table (任务分工表) of a plan, as Excel and Word, in the layout offices hand in:

    序号 | 重点任务 | 具体措施 | 牵头单位 | 配合单位 | 完成时限

with a row spanning the table for each heading, A4 landscape, the header repeated on every page.

How a plan becomes rows, following how plans are written:
* A task printed with a title of its own (“4.精简规范行政许可。…”) gives 重点任务 = the title and
  具体措施 = the body. An untitled measure (“1.根据…”, the rows of an annex table) takes its
  heading as 重点任务, merged down the measures under it, and that heading gets no spanning row.
* 具体措施 is the text as printed less its responsibility clause, which has columns of its own.
* A plan that never distinguishes lead from participating units (“责任单位：…”) gets one column,
  责任单位, rather than a 牵头单位 column that would claim all of them lead. Units a document-level
  rule gives every task (“以下均需各镇(街道)落实”) join the participating (or responsible) units.
* When the annex carries the division of work (its measures name units) and the body names none,
  the table is the annex's: that is the document's own task division table.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Any

from fazhi.model import Heading, Plan, Task, UnitRef, UnitRole
from fazhi.parse.units import without_clauses

__all__ = ["DivisionTable", "MeasureRow", "SectionRow", "division_docx", "division_table", "division_xlsx"]


@dataclass(frozen=True)
class SectionRow:
    text: str  # label and title as printed: "一、全面优化政府职能"
    level: int  # 1 for the outermost heading shown


@dataclass(frozen=True)
class MeasureRow:
    number: int  # 序号, counted through the table
    task: str  # 重点任务
    measure: str  # 具体措施
    leads: tuple[str, ...]  # 牵头单位 (or every 责任单位 when the plan has one column)
    participants: tuple[str, ...]
    deadline: str  # as printed, several joined by "；"
    task_from_heading: bool  # 重点任务 is the heading above: merged down consecutive equal cells


Row = SectionRow | MeasureRow


@dataclass(frozen=True)
class DivisionTable:
    title: str
    rows: tuple[Row, ...]
    split_roles: bool  # columns 牵头单位 + 配合单位; otherwise one 责任单位 column

    @property
    def header(self) -> tuple[str, ...]:
        units = ("牵头单位", "配合单位") if self.split_roles else ("责任单位",)
        return ("序号", "重点任务", "具体措施", *units, "完成时限")

    def cells(self, row: MeasureRow) -> tuple[str, ...]:
        units = ("、".join(row.leads), "、".join(row.participants)) if self.split_roles else (
            "、".join((*row.leads, *row.participants)),)
        return (str(row.number), row.task, row.measure, *units, row.deadline)

    @property
    def measures(self) -> tuple[MeasureRow, ...]:
        return tuple(r for r in self.rows if isinstance(r, MeasureRow))


def division_table(plan: Plan, title: str | None = None) -> DivisionTable:
    tasks = _tasks_of_the_division(plan)
    split = any(u.role is UnitRole.LEAD for t in tasks for u in t.units)
    headings = {(h.part, h.path): h for h in plan.headings}
    rows: list[Row] = []
    shown: set[tuple[str, tuple[str, ...]]] = set()
    for task in tasks:
        above = _headings_above(task, headings)
        from_heading = not task.title and bool(above)
        for depth, heading in enumerate(above[:-1] if from_heading else above, start=1):
            if (heading.part, heading.path) not in shown:
                shown.add((heading.part, heading.path))
                rows.append(SectionRow(_printed(heading), depth))
        name = _printed(above[-1]) if from_heading else (task.title or "")
        leads, others = _units(task, split)
        rows.append(MeasureRow(sum(isinstance(r, MeasureRow) for r in rows) + 1, name, without_clauses(task.text),
                               leads, others, "；".join(d.text for d in task.deadlines), from_heading))
    return DivisionTable(title or _title(plan), tuple(rows), split)


def _tasks_of_the_division(plan: Plan) -> tuple[Task, ...]:
    body = tuple(t for t in plan.tasks if t.part != "annex")
    annex = tuple(t for t in plan.tasks if t.part == "annex")
    if annex and any(t.own_units for t in annex) and not any(t.own_units for t in body):
        return annex
    return plan.tasks


def _headings_above(task: Task, headings: dict[tuple[str, tuple[str, ...]], Heading]) -> list[Heading]:
    return [headings[(task.part, task.path[:n])] for n in range(1, len(task.path))
            if (task.part, task.path[:n]) in headings]


def _printed(heading: Heading) -> str:
    label = heading.label or ""
    separator = "、" if label and label[-1] not in "）)、.．" else ""
    return f"{label}{separator}{heading.title}".strip()


def _units(task: Task, split: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    def names(refs: tuple[UnitRef, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(u.resolved or u.name for u in refs))

    own = task.own_units
    leads = tuple(u for u in own if u.role is UnitRole.LEAD)
    if split and not leads:  # a task that names only 责任单位 in a plan that elsewhere names leads
        leads = tuple(u for u in own if u.role is UnitRole.RESPONSIBLE)
    rest = tuple(u for u in own if u not in leads)
    return names(leads), names((*rest, *task.inherited_units))


def _title(plan: Plan) -> str:
    name = plan.meta.title or plan.source or "方案"
    return f"《{name}》任务分工表" if not name.startswith("《") else f"{name}任务分工表"


# -- Excel ---------------------------------------------------------------------------------------

_WIDTHS_XLSX = {"序号": 6, "重点任务": 22, "具体措施": 64, "牵头单位": 22, "配合单位": 26, "责任单位": 34, "完成时限": 14}


def division_xlsx(table: DivisionTable) -> bytes:
    """The workbook's bytes; every text cell is written as a string, so "=…" in a document stays text."""
    import xlsxwriter

    stream = BytesIO()
    book = xlsxwriter.Workbook(stream, {"in_memory": True})
    sheet = book.add_worksheet("任务分工表")
    styles = _xlsx_styles(book)
    columns = len(table.header)
    sheet.merge_range(0, 0, 0, columns - 1, "", styles["title"])
    sheet.write_string(0, 0, table.title, styles["title"])
    sheet.set_row(0, 36)
    for column, name in enumerate(table.header):
        sheet.write_string(1, column, name, styles["head"])
        sheet.set_column(column, column, _WIDTHS_XLSX[name])
    _xlsx_body(sheet, styles, table)
    _xlsx_page(sheet)
    book.close()
    return stream.getvalue()


def _xlsx_body(sheet: Any, styles: dict[str, Any], table: DivisionTable) -> None:
    columns = len(table.header)
    row = 2
    merge_from: int | None = None
    for index, entry in enumerate(table.rows):
        if isinstance(entry, SectionRow):
            sheet.merge_range(row, 0, row, columns - 1, "", styles[f"section{min(entry.level, 2)}"])
            sheet.write_string(row, 0, entry.text, styles[f"section{min(entry.level, 2)}"])
        else:
            for column, text in enumerate(table.cells(entry)):
                if column == 0:
                    sheet.write_number(row, 0, entry.number, styles["centre"])
                else:
                    sheet.write_string(row, column, text, styles["cell"])
            merge_from = _merge_task_cells(sheet, styles, table.rows, index, row, merge_from)
        row += 1


def _merge_task_cells(sheet: Any, styles: dict[str, Any], rows: tuple[Row, ...], index: int, row: int,
                      merge_from: int | None) -> int | None:
    """Merge 重点任务 down a run of measures under the same heading; returns where the open run began."""
    entry = rows[index]
    assert isinstance(entry, MeasureRow)
    start = merge_from if merge_from is not None else row
    if _shares_task_cell(rows, index):
        return start
    if row > start:
        sheet.merge_range(start, 1, row, 1, "", styles["cell"])
        sheet.write_string(start, 1, entry.task, styles["cell"])
    return None


def _shares_task_cell(rows: tuple[Row, ...], index: int) -> bool:
    """Whether the measure at ``index`` and the next row are under the same heading taken as 重点任务, so
    that one merged cell holds it for both."""
    entry = rows[index]
    following = rows[index + 1] if index + 1 < len(rows) else None
    return (isinstance(entry, MeasureRow) and isinstance(following, MeasureRow) and entry.task_from_heading
            and following.task_from_heading and following.task == entry.task)


def _xlsx_styles(book: Any) -> dict[str, Any]:
    base = {"font_name": "仿宋_GB2312", "font_size": 11, "text_wrap": True, "valign": "vcenter", "border": 1}
    return {
        "title": book.add_format({"font_name": "方正小标宋简体", "font_size": 18, "align": "center",
                                  "valign": "vcenter"}),
        "head": book.add_format({**base, "font_name": "黑体", "bold": True, "align": "center",
                                 "bg_color": "#E7E6E6"}),
        "section1": book.add_format({**base, "font_name": "黑体", "bold": True, "bg_color": "#F2F2F2"}),
        "section2": book.add_format({**base, "font_name": "楷体_GB2312", "bold": True}),
        "cell": book.add_format(base),
        "centre": book.add_format({**base, "align": "center"}),
    }


def _xlsx_page(sheet: Any) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.repeat_rows(1)  # the header row on every printed page
    sheet.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    sheet.center_horizontally()
    sheet.set_margins(left=0.6, right=0.6, top=0.8, bottom=0.8)
    sheet.set_footer("&C第 &P 页，共 &N 页")
    sheet.freeze_panes(2, 0)


# -- Word ----------------------------------------------------------------------------------------

_WIDTHS_DOCX = {"序号": 13, "重点任务": 36, "具体措施": 110, "牵头单位": 34, "配合单位": 40, "责任单位": 60, "完成时限": 24}


def division_docx(table: DivisionTable) -> bytes:
    from fazhi.export.gongwen import OfficialDocument

    document = OfficialDocument(landscape=True)
    document.title(table.title)
    grid = document.table(table.header, [_WIDTHS_DOCX[name] for name in table.header], size="五号")
    run_start: Any = None
    for index, entry in enumerate(table.rows):
        if isinstance(entry, SectionRow):
            document.spanning_row(grid, entry.text, level=entry.level, size="五号")
            continue
        starts_run = run_start is None
        cells = list(table.cells(entry))
        if not starts_run:
            cells[1] = ""  # written once, in the first cell of the merged run
        row = document.row(grid, cells, size="五号", centred=(0, len(cells) - 1))
        run_start = row.cells[1] if starts_run else run_start
        if not _shares_task_cell(table.rows, index):
            if row.cells[1]._tc is not run_start._tc:
                _drop_empty_paragraphs(run_start.merge(row.cells[1]))
            run_start = None
    return document.to_bytes()


def _drop_empty_paragraphs(cell: Any) -> None:
    """Merging moves the merged cells' empty paragraphs into the first: keep only its text."""
    for paragraph in cell.paragraphs[1:]:
        if not paragraph.text:
            paragraph._element.getparent().remove(paragraph._element)
