"""Printable forms: the supervision order and the unit scorecard, read back with python-docx and printed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from io import BytesIO

from docx import Document

from fazhi.assess import Adjustment, UnitFacts, rules_for, score_by_rules
from fazhi.export.forms import (
    ScorecardForm,
    SupervisionOrderForm,
    format_points,
    scorecard_docx,
    scorecard_items,
    supervision_order_docx,
)
from fazhi.export.gongwen import chinese_date
from fazhi.indicators import sample_indicators, score_by_indicators
from printed import needs_libreoffice, printed_pages

ORDER = SupervisionOrderForm(
    number="督〔2025〕3号", office="平昌县全面依法治县委员会办公室", place="平昌县", unit="县司法局",
    plan_title="平昌县2025年法治政府建设工作要点", task_label="1.", task_title="动态调整权责清单",
    task_text="动态调整权责清单，规范行政许可事项，2025年6月底前完成清单更新。",
    deadline="2025年6月底前（2025年6月30日）", reason="该任务已逾期未完成，请说明原因并报送整改措施。",
    reply_due=date(2025, 3, 8), opened_on=date(2025, 3, 1), status="待回复")

FACTS = [
    UnitFacts("unit:1", "县司法局", counts={
        "reports_due": ("report:1", "report:2", "cycle:3/task:4"), "reports_on_time": ("report:1", "report:2"),
        "reports_missing": ("cycle:3/task:4",)},
        adjustments=(Adjustment("bonus", Decimal(2), "获评省级法治政府建设示范项目"),
                     Adjustment("deduction", Decimal("1.5"), "行政复议纠错案件1件", ("report:9",)))),
    UnitFacts("unit:2", "县财政局"),
]
RULES = rules_for(2025)


def read(data: bytes) -> Document:
    return Document(BytesIO(data))


def cells(data: bytes) -> list[list[str]]:
    """Each row's distinct cells (a merged cell once), as text."""
    rows = []
    for row in read(data).tables[0].rows:
        seen: list[str] = []
        ids: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) not in ids:
                ids.add(id(cell._tc))
                seen.append(cell.text)
        rows.append(seen)
    return rows


def scorecard(method: str = "rules") -> ScorecardForm:
    if method == "rules":
        result = score_by_rules(RULES, FACTS, year=2025)
    else:
        result = score_by_indicators(sample_indicators(), FACTS, year=2025)
    score = result.score_of("unit:1")
    assert score is not None
    items, adjustments = scorecard_items(score, RULES if method == "rules" else None,
                                         {"report:9": "复议决定书（2025）1号", "cycle:3/task:4": "第三季度 未报送"})
    return ScorecardForm("平昌县2025年法治政府建设工作要点", "县司法局", 2025, date(2025, 12, 31), result.title,
                         score.total, items, adjustments, "平昌县全面依法治县委员会办公室", score.rank,
                         len(result.scores))


def test_dates_are_printed_in_chinese_form_and_points_without_trailing_zeros() -> None:
    assert chinese_date(date(2025, 3, 1)) == "2025年3月1日"
    assert [format_points(Decimal(v)) for v in ("20.00", "22.50", "-0.25", "0.00", "13.33")] == \
        ["20", "22.5", "-0.25", "0", "13.33"]


def test_the_supervision_order_prints_its_title_number_and_every_field_in_the_form() -> None:
    data = supervision_order_docx(ORDER)
    paragraphs = [p.text for p in read(data).paragraphs]
    assert paragraphs[0] == "平昌县法治政府建设督办单"
    assert "编号：督〔2025〕3号" in paragraphs[2] and "状态：待回复" in paragraphs[2]
    assert paragraphs[-2:] == ["平昌县全面依法治县委员会办公室", "2025年3月1日"]
    assert cells(data) == [
        ["被督办单位", "县司法局", "督办日期", "2025年3月1日"],
        ["督办事项", "《平昌县2025年法治政府建设工作要点》\n1.动态调整权责清单"],
        ["任务要求及时限", f"{ORDER.task_text}\n完成时限：2025年6月底前（2025年6月30日）"],
        ["督办事由", ORDER.reason],
        ["办理要求及回复期限", "请于2025年3月8日前将办理情况书面回复平昌县全面依法治县委员会办公室；逾期未回复的，计入年度考核。"],
        ["办理情况（回复）", ""],
        ["签收人", "", "签收日期", "　　年　　月　　日"],
    ]


def test_a_replied_order_prints_the_reply_and_its_day() -> None:
    replied = replace(ORDER, status="已回复", reply="已于3月5日完成清单更新。", replied_on=date(2025, 3, 5))
    assert cells(supervision_order_docx(replied))[5] == ["办理情况（回复）", "已于3月5日完成清单更新。\n（2025年3月5日回复）"]


def test_scorecard_lines_are_the_engines_and_the_adjustments_go_below_the_subtotal() -> None:
    form = scorecard()
    assert [i.label for i in form.items] == ["按时报送工作进展", "重点任务按期完成", "量化指标达标", "督办事项按期回复",
                                             "未报送工作进展（每次扣 1 分）"]
    assert [(i.label, i.earned) for i in form.adjustments] == [
        ("加分：获评省级法治政府建设示范项目", Decimal(2)), ("扣分：行政复议纠错案件1件", Decimal("-1.5"))]
    assert form.subtotal + sum(i.earned for i in form.adjustments) == form.total
    assert form.items[0].available == "20" and "完成2项，应计3项，比率66.7%" in form.items[0].basis
    assert "第三季度 未报送" in form.items[4].basis  # a deduction names its records
    assert "复议决定书（2025）1号" in form.adjustments[1].basis


def test_the_scorecard_prints_a_table_of_lines_subtotal_adjustments_and_total() -> None:
    form = scorecard()
    data = scorecard_docx(form)
    paragraphs = [p.text for p in read(data).paragraphs]
    assert paragraphs[:2] == ["县司法局法治政府建设考核评分表", "（2025年度，记录截至2025年12月31日）"]
    assert "评分人（签字）：" in "".join(paragraphs) and paragraphs[-1] == "2025年12月31日"
    rows = cells(data)
    assert rows[0] == ["序号", "考核内容", "分值", "得分", "评分依据"]
    assert rows[1][:4] == ["1", "按时报送工作进展", "20", "13.33"]
    assert rows[6] == ["小计", "92.33", ""]
    assert rows[7] == ["加减分"]
    assert rows[8][1:4] == ["加分：获评省级法治政府建设示范项目", "", "2"]
    assert rows[9][1:4] == ["扣分：行政复议纠错案件1件", "", "-1.5"]
    assert rows[-1] == ["总分", format_points(form.total), f"第{form.rank}名（共2个单位）"]


def test_an_indicator_scorecard_prints_each_checkpoints_weight_as_its_points_available() -> None:
    form = scorecard("indicators")
    assert form.adjustments == ()
    assert all(item.available for item in form.items)
    assert form.subtotal == form.total
    assert cells(scorecard_docx(form))[-2] == ["", "无", "", "0", ""]


@needs_libreoffice
def test_the_supervision_order_prints_on_one_page() -> None:
    pages = printed_pages(supervision_order_docx(ORDER), "supervision-order")
    assert len(pages) == 1
    assert "督办单" in pages[0] and "签收日期" in pages[0]


@needs_libreoffice
def test_an_order_with_long_texts_and_a_reply_prints_on_at_most_two_pages() -> None:
    long = replace(ORDER, task_text=ORDER.task_text * 4, reason=ORDER.reason * 4, reply="已完成清单更新。" * 25,
                   replied_on=date(2025, 3, 5), status="已回复")
    pages = printed_pages(supervision_order_docx(long), "supervision-order-replied", page=1)
    assert 1 <= len(pages) <= 2
    assert "2025 年 3 月 5 日回复" in "".join(pages)


@needs_libreoffice
def test_the_scorecard_prints_without_empty_pages_and_ends_with_the_signature() -> None:
    pages = printed_pages(scorecard_docx(scorecard()), "scorecard")
    assert "考核评分表" in pages[0] and "序号" in pages[0]
    assert "2025" in pages[-1] and "签字" in "".join(pages)
