"""Bulk progress reports as .xlsx: which rows a person exports for a cycle, the workbook (xlsxwriter, every
piece of user text written as a string, never as a formula), and checking a filled-in workbook against the
database — permissions and stale versions — before anything is stored.

The table's columns and the cell-by-cell checks are the core's (``fazhi.bulk``); saving is
``actions.import_reports``, and it runs only when ``check_import`` found no problem at all.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.db.models import Q

from fazhi import bulk as table
from fazhi.errors import FazhiError
from fazhi_web.plans import access as plan_access
from fazhi_web.plans.access import AnyUser
from fazhi_web.plans.models import Assignment, AssignmentRole, Target, Task, TaskStatus, Unit

from . import access
from .models import Cycle, Progress, Report, ReportStatus

EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


@dataclass(frozen=True)
class ExportRow:
    key: table.RowKey
    code: str
    task: str
    unit: str
    status: str
    progress: str
    done: str = ""
    problems: str = ""
    next_steps: str = ""
    targets: tuple[tuple[str, float | None], ...] = ()


@dataclass(frozen=True)
class Change:
    """A row that changes a report: what ``actions.import_reports`` saves."""

    row: int
    task: Task
    unit: Unit
    version: int
    progress: str
    done: str
    problems: str
    next_steps: str
    values: dict[int, float] = field(default_factory=dict)


@dataclass
class Checked:
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    errors: list[table.CellError] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        return table.iter_errors(self.errors)


# ---------------------------------------------------------------- export


def export_assignments(user: AnyUser, cycle: Cycle, unit: Unit | None = None) -> list[Assignment]:
    """A unit member's own units' rows (or one of them); for the office and viewers, the whole cycle:
    every lead/responsible unit's row, or every row of one unit."""
    tasks = plan_access.visible_tasks(user).filter(plan_id=cycle.plan_id)
    rows = Assignment.objects.filter(task__in=tasks).select_related("task", "unit").order_by("task__order", "unit__name")
    mine = plan_access.unit_ids(user)
    if unit is not None:
        return list(rows.filter(unit=unit))
    if mine:
        return list(rows.filter(unit_id__in=mine))
    return list(rows.exclude(role=AssignmentRole.PARTICIPATING))


def export_rows(user: AnyUser, cycle: Cycle, unit: Unit | None = None) -> list[ExportRow]:
    assignments = export_assignments(user, cycle, unit)
    reports = {(r.task_id, r.unit_id): r for r in access.visible_reports(user).filter(cycle=cycle)
               .prefetch_related("values")}
    targets: dict[int, list[Target]] = {}
    for target in Target.objects.filter(task__in={a.task_id for a in assignments}).order_by("pk"):
        targets.setdefault(target.task_id, []).append(target)
    return [_row(a, reports.get((a.task_id, a.unit_id)), targets.get(a.task_id, [])) for a in assignments]


def _row(assignment: Assignment, report: Report | None, targets: list[Target]) -> ExportRow:
    task = assignment.task
    key = table.RowKey(task.pk, assignment.unit_id, report.version if report else 0, tuple(t.pk for t in targets))
    unit = f"{assignment.unit.name}（{assignment.get_role_display()}）"
    heading = f"{task.title}：{task.text}" if task.title and not task.text.startswith(task.title) else task.text
    if report is None:
        return ExportRow(key, task.printed_label, heading, unit, "未填报", Progress.NOT_STARTED.label,
                         targets=tuple((_target_text(t), None) for t in targets))
    values = {v.target_id: v.value for v in report.values.all()}
    return ExportRow(key, task.printed_label, heading, unit, report.get_status_display(), report.get_progress_display(),
                     report.done, report.problems, report.next_steps,
                     tuple((_target_text(t), values.get(t.pk)) for t in targets))


def _target_text(target: Target) -> str:
    return f"{target.text}（填数值{('，单位：' + target.unit) if target.unit else ''}）"


def workbook_bytes(rows: list[ExportRow], *, title: str) -> bytes:
    """The sheet a unit fills in: read-only columns shaded, a list for 进展状态, the key column hidden."""
    import xlsxwriter

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    book.set_properties({"title": title, "author": "fazhi"})
    sheet = book.add_worksheet("进展填报")
    slots = max((len(r.targets) for r in rows), default=0)
    names = table.headers(slots)
    formats = _formats(book)
    for column, name in enumerate(names):
        sheet.write_string(0, column, name, formats["head"])
    for number, row in enumerate(rows, start=1):
        _write_row(sheet, number, row, formats, key_column=len(names) - 1)
    _layout(sheet, names, len(rows))
    _instructions(book.add_worksheet("填写说明"), formats)
    book.close()
    return output.getvalue()


def _formats(book: object) -> dict[str, object]:
    add = book.add_format  # type: ignore[attr-defined]
    return {"head": add({"bold": True, "bg_color": "#DDE7F0", "text_wrap": True, "valign": "top", "border": 1}),
            "fixed": add({"bg_color": "#F2F2F2", "text_wrap": True, "valign": "top"}),
            "text": add({"text_wrap": True, "valign": "top"}),
            "number": add({"valign": "top", "num_format": "0.##"})}


def _write_row(sheet: object, number: int, row: ExportRow, formats: dict[str, object], *, key_column: int) -> None:
    write_string = sheet.write_string  # type: ignore[attr-defined]
    for column, text in enumerate((row.code, row.task, row.unit, row.status)):
        write_string(number, column, text, formats["fixed"])
    for column, text in enumerate((row.progress, row.done, row.problems, row.next_steps), start=4):
        write_string(number, column, _lines(text), formats["text"])
    column = len(table.FIXED)
    for text, value in row.targets:
        write_string(number, column, text, formats["fixed"])
        if value is not None:
            sheet.write_number(number, column + 1, value, formats["number"])  # type: ignore[attr-defined]
        column += 2
    write_string(number, key_column, str(row.key))


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n")


def _layout(sheet: object, names: list[str], count: int) -> None:
    widths = {table.CODE: 8, table.TASK: 50, table.UNIT: 18, table.STATUS: 9, table.PROGRESS: 12, table.DONE: 45,
              table.PROBLEMS: 30, table.NEXT_STEPS: 30}
    set_column = sheet.set_column  # type: ignore[attr-defined]
    for column, name in enumerate(names):
        hidden = name == table.KEY
        set_column(column, column, widths.get(name, 16 if name.endswith("实际值") else 28), None, {"hidden": hidden})
    sheet.freeze_panes(1, 3)  # type: ignore[attr-defined]
    if count:
        column = names.index(table.PROGRESS)
        sheet.data_validation(1, column, count, column, {  # type: ignore[attr-defined]
            "validate": "list", "source": list(Progress.labels), "error_title": "进展状态",
            "error_message": f"请选择：{'/'.join(Progress.labels)}"})


def _instructions(sheet: object, formats: dict[str, object]) -> None:
    lines = ["填写说明",
             "1. 只填写“进展状态”“工作进展”“存在问题”“下步打算”和“指标N实际值”列；灰色列仅供参考，改动不会保存。",
             f"2. “进展状态”从下拉列表中选择：{'/'.join(Progress.labels)}。",
             "3. 指标实际值只填数值（百分比填 0—100 之间的数，可带 %）；不填则保留原值。",
             "4. 不要新增、删除或调整行的顺序以外的内容，不要改动表头和隐藏的“记录键”列；不要使用公式。",
             "5. 已报送（待审核、已审核、已采纳）的报告不能通过导入修改。",
             "6. 导入时整份表格逐行检查，只要有一处错误，整份表格都不会保存；请按提示改正后重新导入。"]
    sheet.set_column(0, 0, 100)  # type: ignore[attr-defined]
    for number, line in enumerate(lines):
        sheet.write_string(number, 0, line, formats["head"] if number == 0 else formats["text"])  # type: ignore[attr-defined]


# ---------------------------------------------------------------- import


def check_import(user: AnyUser, cycle: Cycle, data: bytes) -> Checked:
    """Every problem in the file, by row and column; the changes to save when there is none."""
    checked = Checked()
    try:
        cells = table.read_sheet(data, source="")
    except FazhiError as error:
        checked.errors.append(table.CellError(1, "", str(error)))
        return checked
    units = dict(Target.objects.filter(task__plan_id=cycle.plan_id).values_list("pk", "unit"))
    found = table.check_rows(cells, progress_labels=list(Progress.labels), target_units=units)
    checked.errors.extend(found.errors)
    context = _Context.load(user, cycle, found.rows)
    for row in found.rows:
        change = _check_against_database(row, context, checked)
        if change is not None:
            checked.changes.append(change)
    if not checked.errors and not checked.changes and not checked.unchanged:
        checked.errors.append(table.CellError(2, "", "表格里没有可导入的行"))
    return checked


@dataclass
class _Context:
    cycle: Cycle
    mine: set[int]
    tasks: dict[int, Task]
    assigned: set[tuple[int, int]]
    units: dict[int, Unit]
    reports: dict[tuple[int, int], Report]
    targets: dict[int, tuple[int, ...]]

    @classmethod
    def load(cls, user: AnyUser, cycle: Cycle, rows: list[table.FilledRow]) -> _Context:
        task_ids = {r.key.task for r in rows}
        tasks = {t.pk: t for t in Task.objects.filter(pk__in=task_ids, plan_id=cycle.plan_id,
                                                      status=TaskStatus.ACTIVE)}
        pairs = Assignment.objects.filter(task_id__in=tasks).values_list("task_id", "unit_id")
        units = {u.pk: u for u in Unit.objects.filter(pk__in={r.key.unit for r in rows})}
        reports = {(r.task_id, r.unit_id): r for r in Report.objects.filter(cycle=cycle, task_id__in=tasks)
                   .filter(Q(unit_id__in=units)).prefetch_related("values")}
        targets: dict[int, list[int]] = {}
        for task_id, target_id in Target.objects.filter(task_id__in=tasks).order_by("pk").values_list("task_id", "pk"):
            targets.setdefault(task_id, []).append(target_id)
        return cls(cycle, access.reporter_units(user), tasks, set(pairs), units, reports,
                   {k: tuple(v) for k, v in targets.items()})


def _check_against_database(row: table.FilledRow, context: _Context, checked: Checked) -> Change | None:
    key = row.key
    task, unit = context.tasks.get(key.task), context.units.get(key.unit)
    problem = _refusal(row, task, unit, context)
    if problem:
        checked.errors.append(table.CellError(row.row, "", problem))
        return None
    assert task is not None and unit is not None
    report = context.reports.get((task.pk, unit.pk))
    expected = key.version or 1
    if report is not None and report.version != expected:
        checked.errors.append(table.CellError(row.row, "", f"这份报告在导出后已被修改（导出时第{key.version}版，现为第"
                                              f"{report.version}版）；为免覆盖他人的修改，请重新导出后再填"))
        return None
    progress = Progress(next(v for v, label in Progress.choices if label == row.progress))
    if _unchanged(row, progress, report):
        checked.unchanged += 1
        return None
    if report is not None and report.status not in EDITABLE_STATUSES:
        checked.errors.append(table.CellError(row.row, "", f"这份报告{report.get_status_display()}，不能再通过导入修改"))
        return None
    return Change(row.row, task, unit, expected, progress, row.done, row.problems, row.next_steps, dict(row.values))


def _refusal(row: table.FilledRow, task: Task | None, unit: Unit | None, context: _Context) -> str:
    if task is None or unit is None or (task.pk, unit.pk) not in context.assigned:
        return "找不到这一行的任务或单位（可能已调整，或不属于本报送周期的方案）；请重新导出后再填"
    if unit.pk not in context.mine:
        return f"您不是“{unit.name}”的填报员，不能填报该单位的报告"
    if context.targets.get(task.pk, ()) != row.key.targets:
        return "该任务的量化指标在导出后有调整；请重新导出后再填"
    return ""


def _unchanged(row: table.FilledRow, progress: str, report: Report | None) -> bool:
    stored = {v.target_id: v.value for v in report.values.all()} if report else {}
    fields = (report.progress, report.done, report.problems, report.next_steps) if report else \
        (Progress.NOT_STARTED, "", "", "")
    same_values = all(stored.get(target) == value for target, value in row.values.items())
    return (progress, row.done, row.problems, row.next_steps) == tuple(_lines(f).strip() for f in fields) and same_values
