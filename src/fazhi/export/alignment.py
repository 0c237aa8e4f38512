"""An alignment as an Excel workbook an office can hand in: coverage per section, every parent task
with its verdict and the child tasks that carry it out, and the child's own tasks.

Every cell written from a document is written as a string (``write_string``), so a task text that
begins with = + - @ stays text and never becomes a formula.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fazhi.align import KIND_LABELS, VERDICT_LABELS, Alignment, TaskKey
from fazhi.model import Plan, Task

__all__ = ["write_alignment_xlsx"]

_VERDICT_COLOURS = {"carried": "#e3f1e3", "partly": "#fff3cd", "missing": "#f8d7da"}


def number(key: TaskKey) -> str:
    """A task's number as a reader cites it: 二（三）5, with 附件 in front of an annex item."""
    return ("附件" if key.part == "annex" else "") + "".join(key.path)


def heading(task: Task) -> str:
    return task.title or task.text[:60]


def write_alignment_xlsx(result: Alignment, child: Plan, parent: Plan, path: Path,
                         child_name: str = "本级方案", parent_name: str = "上级方案") -> None:
    """Write the workbook; a file that cannot be created raises OSError (xlsxwriter wraps it)."""
    import xlsxwriter
    from xlsxwriter.exceptions import FileCreateError

    kids = {TaskKey.of(t): t for t in child.tasks}
    mothers = {TaskKey.of(t): t for t in parent.tasks}
    book = xlsxwriter.Workbook(str(path))
    styles = _styles(book)
    _summary(book, styles, result, child_name, parent_name)
    _parents(book, styles, result, kids, mothers)
    _local(book, styles, result, kids)
    try:
        book.close()
    except FileCreateError as error:
        cause = error.args[0] if error.args and isinstance(error.args[0], OSError) else OSError(str(error))
        raise cause from error


def _styles(book: Any) -> dict[str, Any]:
    base = {"font_name": "宋体", "font_size": 10, "text_wrap": True, "valign": "top", "border": 1}
    styles = {"head": book.add_format({**base, "bold": True, "bg_color": "#dde4ee", "align": "center"}),
              "cell": book.add_format(base), "title": book.add_format({"font_name": "黑体", "font_size": 14}),
              "percent": book.add_format({**base, "num_format": "0%"}), "number": book.add_format(base)}
    for verdict, colour in _VERDICT_COLOURS.items():
        styles[verdict] = book.add_format({**base, "bg_color": colour})
    return styles


def _table(sheet: Any, styles: dict[str, Any], row: int, headers: list[str], widths: list[int]) -> None:
    for column, (text, width) in enumerate(zip(headers, widths, strict=True)):
        sheet.set_column(column, column, width)
        sheet.write_string(row, column, text, styles["head"])
    sheet.repeat_rows(row)
    sheet.freeze_panes(row + 1, 0)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)


def _summary(book: Any, styles: dict[str, Any], result: Alignment, child_name: str, parent_name: str) -> None:
    sheet = book.add_worksheet("落实情况汇总")
    sheet.write_string(0, 0, f"{child_name} 落实 {parent_name} 情况对照", styles["title"])
    counts = {v: sum(1 for p in result.parents if p.verdict == v) for v in VERDICT_LABELS}
    sheet.write_string(1, 0, "；".join(f"{VERDICT_LABELS[v]} {n} 项" for v, n in counts.items())
                       + f"；本级自有任务 {len(result.local)} 项")
    headers = ["上级方案章节", "任务数", "已落实", "部分落实", "未落实", "落实率"]
    _table(sheet, styles, 3, headers, [44, 8, 8, 10, 8, 8])
    for row, section in enumerate(result.sections, start=4):
        sheet.write_string(row, 0, section.title, styles["cell"])
        for column, value in enumerate([section.total, section.carried, section.partly, section.missing], start=1):
            sheet.write_number(row, column, value, styles["number"])
        sheet.write_number(row, 5, section.carried / section.total if section.total else 0, styles["percent"])


def _parents(book: Any, styles: dict[str, Any], result: Alignment, kids: dict[TaskKey, Task],
             mothers: dict[TaskKey, Task]) -> None:
    sheet = book.add_worksheet("上级任务落实情况")
    headers = ["上级任务编号", "上级任务", "结论", "本级任务编号", "本级任务", "相符程度", "对应方式", "共同表述", "差异"]
    _table(sheet, styles, 0, headers, [12, 40, 9, 12, 40, 9, 9, 30, 30])
    pairs_of: dict[TaskKey, list[Any]] = {}
    for pair in result.pairs:
        pairs_of.setdefault(pair.parent, []).append(pair)
    row = 1
    for verdict in result.parents:
        style = styles[verdict.verdict]
        found = sorted(pairs_of.get(verdict.task, []), key=lambda p: -p.score) or [None]
        for pair in found:
            sheet.write_string(row, 0, number(verdict.task), style)
            sheet.write_string(row, 1, heading(mothers[verdict.task]), style)
            sheet.write_string(row, 2, VERDICT_LABELS[verdict.verdict], style)
            if pair is None:
                for column in range(3, 9):
                    sheet.write_blank(row, column, None, style)
            else:
                sheet.write_string(row, 3, number(pair.child), style)
                sheet.write_string(row, 4, heading(kids[pair.child]), style)
                sheet.write_number(row, 5, round(pair.score, 2), style)
                sheet.write_string(row, 6, KIND_LABELS[pair.kind], style)
                sheet.write_string(row, 7, "；".join(pair.shared), style)
                sheet.write_string(row, 8, "；".join(d.describe() for d in pair.differences), style)
            row += 1
    sheet.autofilter(0, 0, max(row - 1, 1), len(headers) - 1)


def _local(book: Any, styles: dict[str, Any], result: Alignment, kids: dict[TaskKey, Task]) -> None:
    sheet = book.add_worksheet("本级自有任务")
    _table(sheet, styles, 0, ["本级任务编号", "本级任务", "任务内容"], [12, 40, 80])
    for row, key in enumerate(result.local, start=1):
        task = kids[key]
        sheet.write_string(row, 0, number(key), styles["cell"])
        sheet.write_string(row, 1, heading(task), styles["cell"])
        sheet.write_string(row, 2, task.text, styles["cell"])
