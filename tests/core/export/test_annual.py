"""The annual report's Word file: its settled structure, sub-headings as 公文 print them, the figures' sentence."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from docx import Document
from docx.oxml.ns import qn

from fazhi.export.annual import PARTS, AnnualFigures, AnnualReportText, annual_report_docx
from fazhi.export.gongwen import chinese_date
from printed import needs_libreoffice, printed_pages

FIGURES = AnnualFigures(tasks=40, done=20, ongoing=6, in_progress=8, lagging=2, not_started=1, not_reported=3,
                        overdue=2, targets=10, targets_reported=9, targets_met=7, reports_accepted=120)

REPORT = AnnualReportText(
    title="某县2025年法治政府建设年度报告", issuer="某县人民政府", year=2025,
    intro="2025年，某县深入学习贯彻习近平法治思想。现将有关情况报告如下。",
    measures=FIGURES.sentence() + "\n（一）全面优化政府职能\n1.深入推进“放管服”改革。县行政审批局：完成清单动态调整。" * 12,
    shortcomings="（一）部分任务逾期未完成\n2项任务已过完成时限仍未完成。",
    leadership="县长主持召开常务会议4次，专题研究法治政府建设。",
    next_year="（一）继续推进未完成任务\n转入下一年度继续推进。",
    dated=date(2026, 1, 15))


def test_the_figures_read_as_one_sentence_with_the_done_share() -> None:
    sentence = FIGURES.sentence()
    assert sentence.startswith("全年方案确定的任务共40项")
    assert "完成和常态化推进的占65.0%" in sentence
    assert "量化指标10项，已报送实际值9项，其中达标7项" in sentence
    assert "逾期未完成2项" in sentence


def test_the_report_prints_its_four_parts_in_order_with_subheadings_in_kaiti() -> None:
    document = Document(BytesIO(annual_report_docx(REPORT)))
    texts = [p.text for p in document.paragraphs]
    positions = [texts.index(heading) for _, heading in PARTS]
    assert positions == sorted(positions)
    assert texts[0] == REPORT.title
    sub = next(p for p in document.paragraphs if p.text == "（一）全面优化政府职能")
    assert sub.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    first_part = next(p for p in document.paragraphs if p.text == PARTS[0][1])
    assert first_part.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert texts[-2:] == ["某县人民政府", "2026年1月15日"]


def test_a_numbered_point_is_a_paragraph_led_by_its_title_in_bold() -> None:
    document = Document(BytesIO(annual_report_docx(REPORT)))
    line = next(p for p in document.paragraphs if p.text.startswith("1.深入推进"))
    assert [(r.text, bool(r.font.bold)) for r in line.runs] == [
        ("1.深入推进“放管服”改革。", True), ("县行政审批局：完成清单动态调整。", False)]


def test_dates_are_printed_as_official_documents_print_them() -> None:
    assert chinese_date(date(2026, 1, 5)) == "2026年1月5日"


@needs_libreoffice
def test_the_report_prints_on_a4_pages_none_empty() -> None:
    pages = printed_pages(annual_report_docx(REPORT), "annual-report", page=0)
    assert 2 <= len(pages) <= 4
    assert "年度报告" in "".join(pages[0].split())
    assert "2026年1月15日" in "".join(pages[-1].split())
