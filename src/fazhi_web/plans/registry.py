"""A jurisdiction's unit registry in the database, as the core's ``UnitRegistry``, and unit lists
imported from xlsx/csv. The reader resolves names against exactly what the office keeps here."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import fazhi
from fazhi.units import fold_name

from .models import Alias, Jurisdiction, Unit, UnitGroup

Entry = tuple[str, int]


@dataclass
class DatabaseRegistry:
    """The core registry plus the database id of every name in it."""

    core: fazhi.UnitRegistry
    ids: dict[str, Entry] = field(default_factory=dict)  # registry name → ("unit"|"group", id)

    def entry(self, printed: str) -> Entry | None:
        unit = self.core.resolve(printed)
        return self.ids.get(unit.name) if unit else None

    def resolve_all(self, names: list[str]) -> dict[str, Entry | None]:
        return {name: self.entry(name) for name in names}


def registry_for(jurisdiction: Jurisdiction) -> DatabaseRegistry:
    aliases: dict[tuple[str, int], list[str]] = {}
    for alias in Alias.objects.filter(jurisdiction=jurisdiction):
        owner = ("unit", alias.unit_id) if alias.unit_id else ("group", alias.group_id)
        aliases.setdefault(owner, []).append(alias.name)  # type: ignore[arg-type]
    registry = DatabaseRegistry(fazhi.UnitRegistry(jurisdiction.name))
    for unit in Unit.objects.filter(jurisdiction=jurisdiction, is_active=True):
        registry.core.add(fazhi.Unit(unit.name, tuple(aliases.get(("unit", unit.pk), ()))))
        registry.ids[unit.name] = ("unit", unit.pk)
    for group in UnitGroup.objects.filter(jurisdiction=jurisdiction).prefetch_related("members"):
        members = tuple(m.name for m in group.members.all())
        registry.core.add(fazhi.Unit(group.name, tuple(aliases.get(("group", group.pk), ())), True, members))
        registry.ids[group.name] = ("group", group.pk)
    return registry


def name_is_taken(jurisdiction: Jurisdiction, name: str) -> str | None:
    """The unit or group a name already means in this jurisdiction, if any."""
    folded = fold_name(name)
    for unit in Unit.objects.filter(jurisdiction=jurisdiction):
        if fold_name(unit.name) == folded:
            return unit.name
    for group in UnitGroup.objects.filter(jurisdiction=jurisdiction):
        if fold_name(group.name) == folded:
            return group.name
    alias = Alias.objects.filter(jurisdiction=jurisdiction, folded=folded).select_related("unit", "group").first()
    if alias is not None:
        return str(alias.unit or alias.group)
    return None


@dataclass(frozen=True)
class UnitRow:
    """One row of an uploaded unit list: 名称, 别名 (、-separated), 类型 (单位/群组), 成员 (for a group)."""

    row: int
    name: str
    aliases: tuple[str, ...]
    is_group: bool
    members: tuple[str, ...]


class UnitListError(ValueError):
    """Problems in an uploaded unit list, each with its row and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


_HEADERS = {"名称": "name", "单位名称": "name", "别名": "aliases", "简称": "aliases", "类型": "kind",
            "成员": "members", "成员单位": "members"}


def read_unit_list(data: bytes, filename: str) -> list[UnitRow]:
    """Rows of a unit list from .xlsx or .csv; every bad row is reported, nothing is half-read."""
    table = _xlsx_rows(data) if filename.lower().endswith(".xlsx") else _csv_rows(data)
    if not table:
        raise UnitListError(["文件中没有数据"])
    columns = {i: _HEADERS.get(str(h).strip()) for i, h in enumerate(table[0])}
    if "name" not in columns.values():
        raise UnitListError(["第1行须有“名称”列（可选列：别名、类型、成员）"])
    rows, problems, seen = [], [], set()
    for number, cells in enumerate(table[1:], start=2):
        values = {col: str(cells[i]).strip() for i, col in columns.items() if col and i < len(cells) and cells[i]}
        if not any(values.values()):
            continue
        name = values.get("name", "")
        kind = values.get("kind", "单位")
        if not name:
            problems.append(f"第{number}行“名称”列为空")
        elif fold_name(name) in seen:
            problems.append(f"第{number}行“名称”列：“{name}”重复")
        elif kind not in ("单位", "群组", ""):
            problems.append(f"第{number}行“类型”列：应为“单位”或“群组”，实为“{kind}”")
        else:
            seen.add(fold_name(name))
            rows.append(UnitRow(number, name, split_list(values.get("aliases", "")), kind == "群组",
                                split_list(values.get("members", ""))))
    if problems:
        raise UnitListError(problems)
    return rows


def split_list(text: str) -> tuple[str, ...]:
    """Names typed or written in one cell as a list: 县司法局、县财政局 (also ，,；; or one per line)."""
    return tuple(p.strip() for p in re.split(r"[、;；,，\n]", text) if p.strip())


def _csv_rows(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return list(csv.reader(io.StringIO(data.decode(encoding))))
        except UnicodeDecodeError:
            continue
        except csv.Error as error:  # a cell over csv's field limit, a stray NUL, an unclosed quote
            raise UnitListError(["CSV 文件格式有误（单元格过长、引号不配对或含有二进制内容），请检查后重新上传"]) from error
    raise UnitListError(["无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV，或 xlsx"])


def _xlsx_rows(data: bytes) -> list[list[str]]:
    import openpyxl

    from fazhi.read.docx import check_zip

    try:
        check_zip(data, "", "xlsx 文件")  # damaged, a bomb, or entity declarations: refused before inflating
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except fazhi.FazhiError as error:
        raise UnitListError([str(error)]) from error
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UnitListError(["无法打开 xlsx 文件：文件已损坏，或不是 Excel 表格"]) from error
    sheet = book.worksheets[0]
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True, max_row=5000)]
    book.close()
    return rows
