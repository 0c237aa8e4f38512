"""Printable forms as offices print them: the supervision order (督办单) and a unit's scorecard (考核评分表).

Each form is a frozen dataclass of what is printed, built by the caller from its records (the web app from
the database, a test by hand), and written in the house typography by ``fazhi.export.gongwen``:

* 督办单 — "XX县法治政府建设督办单", the 编号 line, a bordered form (被督办单位 / 督办事项 / 任务要求及时限 /
  督办事由 / 办理要求及回复期限 / 办理情况（回复） / 签收人 and 签收日期 left blank to sign by hand), and the
  issuing office with the date in Chinese form (2025年3月1日). Fits one page unless the texts are long.
* 考核评分表 — "XX单位法治政府建设考核评分表", the plan, year and standard, a table 序号 / 考核内容 / 分值 /
  得分 / 评分依据 with a 小计 row, the 加减分 rows with their reasons, the 总分 row (with the rank when known),
  and lines for the scorers' signatures above the office and date.

``scorecard_items`` turns a unit's score from ``fazhi.assess`` (either method) into the table's lines, so the
printed figures are the engine's, never recomputed: 小计 plus 加减分 is the unit's total.

    data = supervision_order_docx(SupervisionOrderForm(...))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from fazhi.assess import ItemKind, RuleSet, ScoreLine, UnitScore
from fazhi.export.gongwen import OfficialDocument, Style, chinese_date

__all__ = ["ScoreItem", "ScorecardForm", "SupervisionOrderForm", "format_points",
           "scorecard_docx", "scorecard_items", "supervision_order_docx"]

BLANK_DATE = "　　年　　月　　日"
ADJUSTING_RULES = ("floor", "ceiling")  # the engine's bounds on a total: printed among the 加减分
PERCENT = Decimal("0.1")
LONG_TEXT = 120  # characters of task and reason past which an order's blank for the reply is halved


def format_points(value: Decimal) -> str:
    """Points as printed: 20, 22.5, -0.25 (no trailing zeros, never an exponent)."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# ------------------------------------------------------------------------------------------ 督办单


@dataclass(frozen=True)
class SupervisionOrderForm:
    number: str  # 编号, 督〔2025〕3号
    office: str  # the issuing office, signed at the foot
    place: str  # the jurisdiction the title names: 平昌县
    unit: str  # 被督办单位
    plan_title: str
    task_label: str  # as printed: "1." or "（三）"
    task_title: str
    task_text: str
    deadline: str  # 完成时限 as printed, with the date it falls due when known
    reason: str  # 督办事由
    reply_due: date  # 回复期限
    opened_on: date
    status: str  # 待回复, 已回复 …
    reply: str = ""
    replied_on: date | None = None

    @property
    def title(self) -> str:
        return f"{self.place}法治政府建设督办单"


def supervision_order_docx(form: SupervisionOrderForm) -> bytes:
    document = OfficialDocument()
    document.title(form.title)
    document.paragraph(f"编号：{form.number}　　　　状态：{form.status}", indent=False)
    table = document.grid([32, 52, 30, 52])
    _pair_row(document, table, ("被督办单位", form.unit), ("督办日期", chinese_date(form.opened_on)))
    _wide_row(document, table, "督办事项", f"《{form.plan_title}》\n{form.task_label}{form.task_title}".rstrip())
    _wide_row(document, table, "任务要求及时限", f"{form.task_text}\n完成时限：{form.deadline or '未写明'}")
    _wide_row(document, table, "督办事由", form.reason)
    _wide_row(document, table, "办理要求及回复期限",
              f"请于{chinese_date(form.reply_due)}前将办理情况书面回复{form.office}；逾期未回复的，计入年度考核。")
    reply = f"{form.reply}\n（{chinese_date(form.replied_on)}回复）" if form.reply and form.replied_on else form.reply
    row = _wide_row(document, table, "办理情况（回复）", reply)
    if not form.reply:  # room to write the reply by hand, less when the texts above are long
        _at_least(row, 60 if len(form.task_text) + len(form.reason) < LONG_TEXT else 20)
    _pair_row(document, table, ("签收人", ""), ("签收日期", BLANK_DATE))
    document.signature(form.office, chinese_date(form.opened_on))
    _keep_together(document, 3)
    return document.to_bytes()


# ------------------------------------------------------------------------------------------ 考核评分表


@dataclass(frozen=True)
class ScoreItem:
    """One line of the scorecard: an indicator, checkpoint or rule item, or a bonus or deduction."""

    label: str
    available: str  # 分值 as printed ("20", "" when the line has none, such as a deduction per record)
    earned: Decimal  # 得分: the engine's points (negative for a deduction)
    basis: str  # 评分依据


@dataclass(frozen=True)
class ScorecardForm:
    plan_title: str
    unit: str
    year: int
    as_of: date  # the records counted are those up to this day
    standard: str  # the rule set or indicator system scored by
    total: Decimal
    items: tuple[ScoreItem, ...]
    adjustments: tuple[ScoreItem, ...]  # 加减分, each with its reason
    office: str  # signs at the foot
    rank: int | None = None
    of: int | None = None  # how many units were ranked
    signers: tuple[str, ...] = ("评分人", "复核人", "被考核单位负责人")

    @property
    def title(self) -> str:
        return f"{self.unit}法治政府建设考核评分表"

    @property
    def subtotal(self) -> Decimal:
        return sum((item.earned for item in self.items), Decimal(0))

    @property
    def placing(self) -> str:
        if not self.rank:
            return ""
        return f"第{self.rank}名" + (f"（共{self.of}个单位）" if self.of else "")


def scorecard_docx(form: ScorecardForm) -> bytes:
    document = OfficialDocument()
    document.title(form.title, subtitle=f"（{form.year}年度，记录截至{chinese_date(form.as_of)}）")
    document.lead_in("考核方案：", form.plan_title)
    document.lead_in("评分标准：", form.standard)
    table = document.table(["序号", "考核内容", "分值", "得分", "评分依据"], [14, 50, 14, 18, 58])
    for number, item in enumerate(form.items, start=1):
        document.row(table, [str(number), item.label, item.available, format_points(item.earned), item.basis],
                     centred=[0, 2, 3])
    _sum_row(document, table, "小计", form.subtotal)
    document.spanning_row(table, "加减分")
    for item in form.adjustments:
        document.row(table, ["", item.label, item.available, format_points(item.earned), item.basis], centred=[2, 3])
    if not form.adjustments:
        document.row(table, ["", "无", "", "0", ""], centred=[2, 3])
    _sum_row(document, table, "总分", form.total, form.placing)
    _signers(document, form.signers)
    document.signature(form.office, chinese_date(form.as_of))
    _keep_together(document, 3)
    return document.to_bytes()


def _signers(document: OfficialDocument, signers: Sequence[str]) -> None:
    """Lines to sign by hand, two to a line, kept on the page of the office's signature below them."""
    document.blank()
    names = [f"{name}（签字）：" for name in signers]
    lines = ["".join(name.ljust(16, "　") for name in names[i:i + 2]).rstrip("　") for i in range(0, len(names), 2)]
    for line in lines:
        document.paragraph(line, indent=False)
    for paragraph in document.doc.paragraphs[-len(lines) - 1:]:  # with the signature that follows
        paragraph.paragraph_format.keep_with_next = True


def _keep_together(document: OfficialDocument, count: int) -> None:
    """Keep the last ``count`` paragraphs written on one page (an office's name and the date, say)."""
    for paragraph in document.doc.paragraphs[-count:-1]:
        paragraph.paragraph_format.keep_with_next = True


def scorecard_items(score: UnitScore, rules: RuleSet | None,
                    records: Mapping[str, str] | None = None) -> tuple[tuple[ScoreItem, ...], tuple[ScoreItem, ...]]:
    """The engine's lines as (考核内容, 加减分): the office's bonuses and deductions and the bounds on the total
    go below the 小计; everything else is a line of the table. ``rules`` is the rule set scored by (None for an
    indicator system, whose checkpoints carry their own weights); ``records`` names the records behind a line
    ("report:12" → its label), cited in the 评分依据 of per-record deductions and bonuses."""
    kinds = {item.id: item for item in (rules.items if rules is not None else ())}
    items: list[ScoreItem] = []
    adjustments: list[ScoreItem] = []
    for line in score.lines:
        item = kinds.get(line.rule)
        manual = (item is not None and item.kind is ItemKind.MANUAL) or line.rule in ADJUSTING_RULES
        available = _available(line, rules)
        printed = ScoreItem(line.label, available, line.points, _basis(line, item, records or {}))
        (adjustments if manual else items).append(printed)
    return tuple(items), tuple(adjustments)


def _available(line: ScoreLine, rules: RuleSet | None) -> str:
    if line.weight is not None:
        return format_points(line.weight)
    if rules is None:
        return ""
    if line.rule == "base":
        return format_points(rules.base)
    item = next((i for i in rules.items if i.id == line.rule), None)
    if item is not None and item.kind is ItemKind.RATE:
        return format_points(item.points)
    return ""


def _basis(line: ScoreLine, item: Any, records: Mapping[str, str]) -> str:
    parts = []
    if item is not None and item.kind is ItemKind.RATE and line.of:
        parts.append(f"完成{len(line.refs)}项，应计{len(line.of)}项，比率{format_points((line.quantity * 100).quantize(PERCENT))}%")
    elif line.note:
        parts.append(line.note)
    if item is not None and item.kind is ItemKind.PER:
        parts.append(f"{len(line.refs)}条记录" if line.refs else "")
    if item is None or item.kind is not ItemKind.RATE:
        parts += _cited(line.refs, records)
    return "；".join(p for p in parts if p)


def _cited(refs: Sequence[str], records: Mapping[str, str], most: int = 5) -> list[str]:
    named = [records.get(ref, ref) for ref in refs[:most]]
    if len(refs) > most:
        named.append(f"等{len(refs)}条")
    return named


# ------------------------------------------------------------------------------------------ form tables


def _clear(cell: Any) -> Any:
    """Take the (empty) runs out of a cell, so that merging or relabelling it adds no blank paragraph."""
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run._element.getparent().remove(run._element)
    return cell


def _label(document: OfficialDocument, cell: Any, text: str, size: str = "四号") -> None:
    document.cell(_clear(cell), text, Style("heading1", size), align=WD_ALIGN_PARAGRAPH.CENTER)


def _pair_row(document: OfficialDocument, table: Any, first: tuple[str, str], second: tuple[str, str]) -> Any:
    row = document.row(table, ["", first[1], "", second[1]], size="四号")
    _label(document, row.cells[0], first[0])
    _label(document, row.cells[2], second[0])
    _centre_vertically(row)
    _at_least(row, 10)
    return row


def _wide_row(document: OfficialDocument, table: Any, label: str, text: str) -> Any:
    row = document.row(table, ["", text, "", ""], size="四号")
    _clear(row.cells[2]), _clear(row.cells[3])
    row.cells[1].merge(row.cells[3])
    _label(document, row.cells[0], label)
    _centre_vertically(row)
    _at_least(row, 10)
    return row


def _sum_row(document: OfficialDocument, table: Any, label: str, points: Decimal, note: str = "") -> None:
    row = document.row(table, ["", "", "", "", note])
    for cell in row.cells[:3]:
        _clear(cell)
    merged = row.cells[0].merge(row.cells[2])
    _label(document, merged, label, "小四")
    _label(document, row.cells[3], format_points(points), "小四")


def _centre_vertically(row: Any) -> None:
    for cell in row.cells:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _at_least(row: Any, height_mm: float) -> None:
    row.height = Mm(height_mm)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
