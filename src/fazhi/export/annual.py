"""The annual report on building a rule-of-law government (法治政府建设年度报告) as a Word document.

The law asks every government and department to publish one each year, in a settled structure:

    一、主要举措和成效
    二、存在的不足和原因
    三、党政主要负责人履行推进法治建设第一责任人职责情况
    四、下一年度工作打算

The web application assembles a draft from the year's accepted reports and the office edits it; this
module holds the structure, the figures' wording and the typesetting, so the page, the Word file and the
public page say the same thing. Within a part's text a short line numbered （一） is a 楷体 sub-heading and a
line numbered 1. a bold one, as 公文 print them; a numbered line with text after its first "。" is a paragraph
led by that title in the same face; every other line is a paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from fazhi.export.gongwen import OfficialDocument, Style, chinese_date

__all__ = ["PARTS", "AnnualFigures", "AnnualReportText", "annual_report_docx"]

# (field name, heading) in the order the report prints them
PARTS: tuple[tuple[str, str], ...] = (
    ("measures", "一、主要举措和成效"),
    ("shortcomings", "二、存在的不足和原因"),
    ("leadership", "三、党政主要负责人履行推进法治建设第一责任人职责情况"),
    ("next_year", "四、下一年度工作打算"),
)

_SUBHEADING = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_NUMBERED = re.compile(r"^\d{1,2}[.．、]")
SUBHEADING_MAX = 40  # longer numbered lines are paragraphs that begin with their number


@dataclass(frozen=True)
class AnnualFigures:
    """The year's figures, counted from the records of the units that answer for each task."""

    tasks: int  # task–unit parts that report to the office (lead and responsible units)
    done: int
    ongoing: int  # 常态化推进
    in_progress: int
    lagging: int
    not_started: int
    not_reported: int
    overdue: int  # past their time limit and not done
    targets: int  # quantitative targets of those tasks
    targets_reported: int
    targets_met: int
    reports_accepted: int

    def sentence(self) -> str:
        """The figures as the report's opening sentence of 主要举措和成效."""
        done_share = f"{100 * (self.done + self.ongoing) / self.tasks:.1f}%" if self.tasks else "—"
        text = (f"全年方案确定的任务共{self.tasks}项（按牵头和责任单位计），已完成{self.done}项、常态化推进"
                f"{self.ongoing}项、推进中{self.in_progress}项、滞后{self.lagging}项、未启动{self.not_started}项，"
                f"未报送进展{self.not_reported}项，完成和常态化推进的占{done_share}；逾期未完成{self.overdue}项。")
        if self.targets:
            text += f"量化指标{self.targets}项，已报送实际值{self.targets_reported}项，其中达标{self.targets_met}项。"
        return text + f"全年采纳进展报告{self.reports_accepted}份。"


@dataclass(frozen=True)
class AnnualReportText:
    title: str
    issuer: str  # who reports: 平昌县人民政府, or a unit
    year: int
    intro: str
    measures: str
    shortcomings: str
    leadership: str
    next_year: str
    dated: date | None = None  # the report's date, printed under the issuer

    def part(self, name: str) -> str:
        return str(getattr(self, name))


def annual_report_docx(report: AnnualReportText) -> bytes:
    document = OfficialDocument()
    document.title(report.title)
    document.paragraph(report.intro)
    for name, heading in PARTS:
        document.heading(heading, 1)
        for line in report.part(name).splitlines():
            _write_line(document, line.strip())
    if report.dated is not None:
        document.signature(report.issuer, chinese_date(report.dated))
    return document.to_bytes()


def _write_line(document: OfficialDocument, line: str) -> None:
    if not line:
        return
    numbered = _SUBHEADING.match(line) or _NUMBERED.match(line)
    if not numbered:
        document.paragraph(line)
        return
    level = 2 if _SUBHEADING.match(line) else 3
    stop = line.find("。")
    if 0 < stop < len(line) - 1 and stop <= SUBHEADING_MAX:  # "1.标题。正文": the title leads the paragraph
        style = Style("heading2") if level == 2 else Style(bold=True)
        document.lead_in(line[: stop + 1], line[stop + 1 :], style=style)
    elif len(line) <= SUBHEADING_MAX:
        document.heading(line, level)
    else:
        document.paragraph(line)
