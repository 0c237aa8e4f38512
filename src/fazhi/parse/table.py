"""Task-division tables (任务分工表): header row found by its words, columns mapped by role.

Works on table rows from any reader: Word tables, spreadsheet rows, and tab-separated
lines in plain text. Section rows (one value spanning the table) become headings; a
row with no number and no task text continues the row above; a row that cannot be read
is reported with its row number and skipped, never failing the whole table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fazhi import rules
from fazhi.model import Block, Passage, Warning
from fazhi.script import to_simplified

ROLES = ("number", "group", "task", "lead", "participating", "responsible", "deadline", "target")


@dataclass(frozen=True)
class Section:
    printed: str
    title: str
    line: int


@dataclass
class TableRow:
    line: int
    number: int | None
    label: str
    cells: dict[str, str]
    section: Section | None

    @property
    def title(self) -> str | None:
        """The 重点任务 cell, when the table also has a 具体措施 column for the body."""
        group, task = self.cells.get("group", ""), self.cells.get("task", "")
        return group if group and task and group != task else None

    @property
    def task_text(self) -> str:
        return self.cells.get("task", "") or self.cells.get("group", "")


@dataclass
class Table:
    columns: dict[str, int] | None = None
    rows: list[TableRow] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)


def read_table(blocks: list[Block], previous: dict[str, int] | None = None) -> Table:
    """Rows of one table; ``previous`` is the column map of the table before it, for a table whose
    section rows were written as paragraphs and so cut it into pieces without their own header."""
    table = Table()
    header_at, columns = _find_header(blocks)
    if columns is None and previous is not None and len(blocks[0].cells) > max(previous.values()):
        header_at, columns = -1, previous
    table.columns = columns
    if columns is None:
        for block in blocks:
            table.passages.append(Passage(" ".join(c for c in block.cells if c), block.line, "table-without-header"))
        table.warnings.append(Warning("table.no-header", f"第 {blocks[0].line} 行起的表格没有可识别的表头（序号、任务、"
                                      "牵头单位、完成时限等），已作为普通文字保留", blocks[0].line))
        return table
    for block in blocks[:header_at + 1]:
        table.passages.append(Passage(" ".join(c for c in block.cells if c), block.line, "table-header"))
    _read_rows(blocks[header_at + 1 :], columns, table)
    return table


def _find_header(blocks: list[Block]) -> tuple[int, dict[str, int] | None]:
    for index, block in enumerate(blocks[:10]):
        columns = _map_columns(block.cells)
        if "task" in columns and len(columns) >= 2 and ({"lead", "responsible", "deadline", "number"} & set(columns)):
            return index, columns
    return 0, None


def _map_columns(cells: tuple[str, ...]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = re.sub(r"\s+", "", to_simplified(cell))
        if not name or len(name) > 12:
            continue
        role = _role_of(name, taken=set(columns))
        if role:
            columns[role] = index
    if "group" in columns and "task" not in columns:
        columns["task"] = columns.pop("group")
    return columns


def _role_of(name: str, taken: set[str]) -> str | None:
    for exact in (True, False):
        for role in ROLES:
            if role in taken:
                continue
            for word in rules.load("table")[role]:
                if (name == word) if exact else (word in name):
                    return role
    return None


def _read_rows(blocks: list[Block], columns: dict[str, int], table: Table) -> None:
    section: Section | None = None
    counter = 0
    for block in blocks:
        values = [c.strip() for c in block.cells]
        filled = {v for v in values if v}
        if not filled:
            continue
        if len(filled) == 1 and (len(values) == 1 or not _cell(values, columns, "number").isdigit()):
            section = Section(next(iter(filled)), _strip_number(next(iter(filled))), block.line)
            continue
        cells = {role: _cell(values, columns, role) for role in columns}
        if len(values) < max(columns.values()) + 1 and not cells.get("task"):
            table.warnings.append(Warning("table.short-row", f"第 {block.line} 行的单元格少于表头列数，已跳过",
                                          block.line))
            continue
        if not cells.get("number") and not cells.get("task") and table.rows:
            _continue_row(table.rows[-1], cells)
            continue
        counter = _row_number(cells.get("number", ""), counter)
        table.rows.append(TableRow(block.line, counter, cells.get("number") or str(counter), cells, section))


def _cell(values: list[str], columns: dict[str, int], role: str) -> str:
    index = columns.get(role)
    return values[index] if index is not None and index < len(values) else ""


def _row_number(printed: str, counter: int) -> int:
    digits = re.sub(r"\D", "", printed)
    return int(digits) if digits else counter + 1


def _continue_row(row: TableRow, cells: dict[str, str]) -> None:
    for role, value in cells.items():
        if value and value not in row.cells.get(role, ""):
            row.cells[role] = (row.cells.get(role, "") + value).strip()


def _strip_number(text: str) -> str:
    return re.sub(r"^[（(]?[一二三四五六七八九十]+[、）).．]\s*", "", text).strip()
