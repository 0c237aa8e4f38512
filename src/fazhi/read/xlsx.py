"""Excel .xlsx → ``Text``: one ROW block per non-empty row, ``line`` = the row number.

Visible sheets are read first, hidden ones after (and named in ``metadata``).
Merged areas are filled with their top-left value, so a row that continues a
vertically merged 牵头单位 is complete; a row whose non-empty cells then all hold
the same text (a section title spanning the table) becomes a single-cell row.
Finding the header and mapping columns is the parser's job, not ours.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from fazhi.errors import CorruptDocument, FazhiError
from fazhi.model import Block, BlockKind, Severity, Text, Warning
from fazhi.read import limits, repair
from fazhi.read.docx import check_zip

MAX_COLUMNS = 512  # a plan's table has a dozen columns; a merge over A:XFD must not blow up a row
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)"')
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Merge:
    min_col: int
    min_row: int
    max_col: int
    max_row: int


@dataclass
class _Sheet:
    """Reading state of one sheet: the open merges and the values they carry."""

    merges: list[Merge]
    values: dict[Merge, str] = field(default_factory=dict)


@dataclass
class _Result:
    blocks: list[Block] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    full: bool = False


def read(data: bytes, source: str) -> Text:
    check_zip(data, source, "Excel 表格")
    workbook = _open(data, source)
    try:
        result, metadata = _read_workbook(workbook, data)
    except FazhiError:
        raise
    except Exception as exc:  # malformed sheet XML, broken shared strings, ...
        raise CorruptDocument("Excel 表格内容有损坏，无法读取", source=source) from exc
    finally:
        workbook.close()
    cleaned = repair.clean_blocks(result.blocks)
    return Text(blocks=tuple(cleaned.blocks), source=source, format="xlsx", metadata=metadata,
                repairs=tuple(cleaned.repairs), warnings=tuple(result.warnings + cleaned.warnings))


def _open(data: bytes, source: str) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise CorruptDocument("Excel 表格已损坏或不完整，无法打开", source=source) from exc


def _read_workbook(workbook: Any, data: bytes) -> tuple[_Result, dict[str, str]]:
    result = _Result()
    sheets = list(workbook.worksheets)
    visible = [ws for ws in sheets if getattr(ws, "sheet_state", "visible") == "visible"]
    hidden = [ws for ws in sheets if ws not in visible]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for ws in visible + hidden:
            if not result.full:
                _read_sheet(ws, _Sheet(_merges(archive, ws)), result)
    metadata = _metadata(workbook, result.sheets, [ws.title for ws in hidden])
    if len(result.sheets) > 1:
        result.warnings.append(Warning("read.xlsx-sheets", f"工作簿有 {len(result.sheets)} 个工作表"
                                       f"（{'、'.join(result.sheets)}），行号按各表分别计", None, Severity.INFO))
    return result, metadata


def _metadata(workbook: Any, read_sheets: list[str], hidden: list[str]) -> dict[str, str]:
    metadata: dict[str, str] = {}
    if read_sheets:
        metadata["sheet"] = read_sheets[0]
        metadata["sheets"] = "、".join(read_sheets)
    if hidden:
        metadata["hidden_sheets"] = "、".join(hidden)
    properties = getattr(workbook, "properties", None)
    for key, attribute in (("title", "title"), ("author", "creator")):
        value = getattr(properties, attribute, None)
        if isinstance(value, str) and value.strip():
            metadata[key] = value.strip()
    return metadata


def _read_sheet(ws: Any, sheet: _Sheet, result: _Result) -> None:
    ws.reset_dimensions()  # the stored dimension is often wrong; read what is there
    count = 0
    for number, row in enumerate(ws.iter_rows(), start=1):
        cells = _fill_merges(sheet, number, [_cell_text(cell) for cell in row[:MAX_COLUMNS]])
        cells = _collapse(_trim(cells))
        if not any(cells):
            continue
        if len(result.blocks) >= limits.MAX_XLSX_ROWS:
            result.warnings.append(Warning("read.xlsx-rows", f"表格超过 {limits.MAX_XLSX_ROWS} 行，"
                                           f"从工作表“{ws.title}”第 {number} 行起未读取", number))
            result.full = True
            break
        result.blocks.append(Block(text="\t".join(cells), line=number, kind=BlockKind.ROW, cells=tuple(cells)))
        count += 1
    if count:
        result.sheets.append(ws.title)


# ---------------------------------------------------------------- merged cells


def _merges(archive: zipfile.ZipFile, ws: Any) -> list[Merge]:
    """The sheet's ``<mergeCell ref=…>`` list, scanned from the raw XML in constant memory.

    Read-only mode has no merge information; a full load would hold the whole sheet.
    """
    path = getattr(ws, "_worksheet_path", None)
    if not isinstance(path, str):
        return []
    try:
        refs = _scan_refs(archive, path.lstrip("/"))
    except (KeyError, OSError, zipfile.BadZipFile):
        return []
    return sorted((_merge(ref) for ref in refs), key=lambda m: (m.min_row, m.min_col))


def _scan_refs(archive: zipfile.ZipFile, path: str) -> set[str]:
    refs: set[str] = set()
    tail = b""
    with archive.open(path) as member:
        while chunk := member.read(_CHUNK):
            window = tail + chunk
            refs.update(match.decode("ascii") for match in _MERGE.findall(window))
            tail = window[-512:]
    return refs


def _merge(ref: str) -> Merge:
    from openpyxl.utils.cell import range_boundaries

    min_col, min_row, max_col, max_row = range_boundaries(ref if ":" in ref else f"{ref}:{ref}")
    return Merge(min_col, min_row, min(max_col, MAX_COLUMNS), max_row)


def _fill_merges(sheet: _Sheet, number: int, cells: list[str]) -> list[str]:
    """Give every cell of a merged area the text of its top-left cell."""
    for merge in _active(sheet, number):
        if number == merge.min_row:
            sheet.values[merge] = cells[merge.min_col - 1] if merge.min_col <= len(cells) else ""
        value = sheet.values.get(merge, "")
        if len(cells) < merge.max_col:
            cells.extend([""] * (merge.max_col - len(cells)))
        cells[merge.min_col - 1: merge.max_col] = [value] * (merge.max_col - merge.min_col + 1)
    return cells


def _active(sheet: _Sheet, number: int) -> Iterator[Merge]:
    """Merges covering row ``number``; those that ended are forgotten (merges are sorted by row)."""
    keep = [merge for merge in sheet.merges if merge.max_row >= number]
    if len(keep) != len(sheet.merges):
        sheet.merges = keep
        sheet.values = {merge: value for merge, value in sheet.values.items() if merge.max_row >= number}
    for merge in sheet.merges:
        if merge.min_row > number:
            break
        yield merge


def _trim(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _collapse(cells: list[str]) -> list[str]:
    """A section row spanning the table (the same text in every non-empty cell) → one cell."""
    texts = [cell for cell in cells if cell]
    if len(texts) > 1 and len(set(texts)) == 1:
        return [texts[0]]
    return cells


# ---------------------------------------------------------------- cell values


def _cell_text(cell: Any) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number_text(value, getattr(cell, "number_format", None) or "")
    return _value_text(value)


def _value_text(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _number_text(value: float, number_format: str) -> str:
    """Integers without ``.0``; a percentage cell as printed (1 with format 0% → 100%)."""
    if "%" in number_format:
        return _plain_number(round(value * 100, 10)) + "%"
    return _plain_number(value)


def _plain_number(value: float) -> str:
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    return repr(round(value, 10))
