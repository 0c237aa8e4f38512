"""The annual report (法治政府建设年度报告): a draft assembled from a plan's year of records, the office's edits,
publication. The structure, the figures' wording and the Word file are the core's (``fazhi.export.annual``).

What the draft is made of:
* the figures: every lead or responsible unit's part in a task (a unit's own parts, for a unit's report),
  counted by its latest delivered progress of the year (the dashboard's rule), the parts past their time
  limit and not done on the last day of the year (or today, within the year), and the targets met;
* 主要举措和成效: the figures, then the year's accepted reports' 工作进展, task by task under the plan's
  first-level sections;
* 存在的不足和原因: tasks overdue or lagging, targets not met, and the problems the reports name;
* 党政主要负责人履行第一责任人职责情况: the reports on the plan's tasks about 第一责任人 / 主要负责人;
* 下一年度工作打算: unfinished tasks carried over and the reports' 下步打算.
What the records cannot say (the reasons, the leaders' own acts) is left as a 【请补充：…】 prompt, and a
report still holding one cannot be published.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from fazhi.export.annual import PARTS, AnnualFigures, AnnualReportText
from fazhi.tracking import TaskState
from fazhi_web.plans.actions import ActionError, StaleEdit
from fazhi_web.plans.models import Plan, PlanStatus, Target, Task, TaskStatus, Unit

from . import dashboard
from .models import AnnualReport, AnnualReportStatus, Progress, Report, ReportKind, ReportStatus
from .state import records_for, status_of

PROMPT = "【请补充"
LEADERSHIP_WORDS = ("第一责任人", "主要负责人")
FINISHED = (Progress.DONE.value, Progress.ONGOING.value)
_SECTION_NUMBER = re.compile(r"^[一二三四五六七八九十]+[、.．]\s*")
_CHINESE_ORDINALS = "一二三四五六七八九十"


def year_end_or_today(year: int, today: date) -> date:
    return min(today, date(year, 12, 31))


# ------------------------------------------------------------------------------------------ assembly


def assemble(plan: Plan, *, year: int, unit: Unit | None, as_of: date) -> dict[str, object]:
    """The draft's texts and figures, from the records as they stand on ``as_of``."""
    facts = dashboard.load_facts(plan, as_of=as_of, year=year)
    parts = [p for p in facts.parts if (p.consolidates if unit is None else p.unit_id == unit.pk)]
    tasks = {t.pk: t for t in Task.objects.filter(pk__in={p.task_id for p in parts}, status=TaskStatus.ACTIVE)
             .select_related("plan", "section").prefetch_related("deadlines")}
    progress = dashboard.latest_progress(facts)
    records = records_for(tasks)
    overdue = [p for p in parts if status_of(tasks[p.task_id], as_of, unit_id=p.unit_id, records=records).state
               == TaskState.OVERDUE]
    reports = _reports_of_year(plan, year, unit)
    figures = _figures(facts, parts, progress, overdue, len(reports), unit)
    issuer = unit.name if unit else f"{plan.jurisdiction.name}人民政府"
    names = facts.units
    unfinished = [p for p in parts if progress.get((p.task_id, p.unit_id)) not in FINISHED]
    return {
        "title": f"{unit.name if unit else plan.jurisdiction.name}{year}年法治政府建设年度报告",
        "intro": (f"{year}年，{issuer}深入学习贯彻习近平法治思想，认真落实《{plan.title}》，"
                  f"扎实推进法治政府建设。现将{year}年度法治政府建设情况报告如下。"),
        "measures": _measures(figures, facts, reports, tasks, unit is None),
        "shortcomings": _shortcomings(overdue, _lagging(parts, progress), facts, reports, tasks, names, unit),
        "leadership": _leadership(reports, unit is None),
        "next_year": _next_year(unfinished, reports, tasks, names, unit is None),
        "figures": asdict(figures),
    }


def _reports_of_year(plan: Plan, year: int, unit: Unit | None) -> list[Report]:
    """The year's accepted consolidated reports (and, for a unit, its contributions its leader delivered)."""
    found = Report.objects.filter(task__plan=plan, task__status=TaskStatus.ACTIVE, cycle__starts_on__year=year)
    accepted = Q(kind=ReportKind.CONSOLIDATED, status=ReportStatus.ACCEPTED)
    if unit is None:
        found = found.filter(accepted)
    else:
        found = found.filter(unit=unit).filter(accepted | Q(kind=ReportKind.CONTRIBUTION,
                                                            status__in=dashboard.DELIVERED))
    return list(found.select_related("task", "unit", "cycle").order_by("task__order", "unit__name",
                                                                        "cycle__starts_on", "pk"))


def _figures(facts: dashboard.Facts, parts: list[dashboard.Part], progress: dict[tuple[int, int], str],
             overdue: list[dashboard.Part], accepted: int, unit: Unit | None) -> AnnualFigures:
    counted = Counter(progress.get((p.task_id, p.unit_id), dashboard.NOT_REPORTED) for p in parts)
    reporting = {(p.task_id, p.unit_id) for p in parts}
    task_of = dict(Target.objects.filter(pk__in=[a.target_id for a in facts.targets]).values_list("pk", "task_id"))
    targets = reported = met = 0
    for attained in facts.targets:
        units = {u for t, u in reporting if t == task_of[attained.target_id]}
        targets += len(units)
        reported += sum(1 for u in units if u in attained.values)
        met += sum(1 for u in units if attained.values.get(u))
    return AnnualFigures(
        tasks=len(parts), done=counted[Progress.DONE], ongoing=counted[Progress.ONGOING],
        in_progress=counted[Progress.IN_PROGRESS], lagging=counted[Progress.LAGGING],
        not_started=counted[Progress.NOT_STARTED], not_reported=counted[dashboard.NOT_REPORTED],
        overdue=len(overdue), targets=targets, targets_reported=reported, targets_met=met,
        reports_accepted=accepted)


def _ordinal(n: int) -> str:
    return f"（{_CHINESE_ORDINALS[n - 1] if n <= 10 else n}）"


def _task_name(task: Task) -> str:
    return task.title or task.text[:24]


def _distinct(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(t.strip() for t in texts if t and t.strip()))


def _measures(figures: AnnualFigures, facts: dashboard.Facts, reports: list[Report], tasks: dict[int, Task],
              name_units: bool) -> str:
    lines = [figures.sentence()]
    by_section: dict[str, list[Report]] = {}
    for report in reports:
        by_section.setdefault(facts.section_of.get(report.task_id, "其他"), []).append(report)
    for n, section in enumerate([s for s in facts.sections if s in by_section], start=1):
        lines.append(_ordinal(n) + _SECTION_NUMBER.sub("", section))
        by_task: dict[int, list[Report]] = {}
        for report in by_section[section]:
            by_task.setdefault(report.task_id, []).append(report)
        for m, (task_id, found) in enumerate(by_task.items(), start=1):
            lines.append(f"{m}.{_task_name(tasks.get(task_id) or found[0].task)}。" + _said(found, "done", name_units))
    if len(lines) == 1:
        lines.append(f"{PROMPT}：本年度尚无采纳的进展报告，请补充主要举措和成效】")
    return "\n".join(lines)


def _said(reports: list[Report], field: str, name_units: bool) -> str:
    """What the reports say in one field, each text once, with its unit when several units report."""
    by_unit: dict[str, list[str]] = {}
    for report in reports:
        by_unit.setdefault(report.unit.name, []).append(getattr(report, field))
    pieces = []
    for unit, texts in by_unit.items():
        joined = "".join(_sentence(t) for t in _distinct(texts))
        if joined:
            pieces.append(f"{unit}：{joined}" if name_units else joined)
    return "".join(pieces)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith(("。", "！", "；", ".")) else text + "。"


def _lagging(parts: list[dashboard.Part], progress: dict[tuple[int, int], str]) -> list[dashboard.Part]:
    return [p for p in parts if progress.get((p.task_id, p.unit_id)) == Progress.LAGGING]


def _listed(parts: list[dashboard.Part], tasks: dict[int, Task], names: dict[int, str], unit: Unit | None) -> str:
    return "；".join(f"{_task_name(tasks[p.task_id])}" + ("" if unit else f"（{names.get(p.unit_id, '')}）")
                    for p in parts)


def _shortcomings(overdue: list[dashboard.Part], lagging: list[dashboard.Part], facts: dashboard.Facts,
                  reports: list[Report], tasks: dict[int, Task], names: dict[int, str], unit: Unit | None) -> str:
    blocks: list[tuple[str, str]] = []
    if overdue:
        blocks.append(("部分任务逾期未完成", f"{len(overdue)}项任务已过完成时限仍未完成：{_listed(overdue, tasks, names, unit)}。"))
    if lagging:
        blocks.append(("部分任务进展滞后", f"{len(lagging)}项任务报告进展滞后：{_listed(lagging, tasks, names, unit)}。"))
    missed = [a.label for a in facts.targets if a.values and not all(a.values.values())]
    if missed:
        blocks.append(("部分量化指标未达标", "、".join(missed) + "。"))
    problems = _said(reports, "problems", unit is None)
    if problems:
        blocks.append(("工作中存在的问题", problems))
    blocks.append(("原因分析", f"{PROMPT}：结合上述情况分析原因】"))
    return "\n".join(f"{_ordinal(n)}{title}\n{text}" for n, (title, text) in enumerate(blocks, start=1))


def _leadership(reports: list[Report], name_units: bool) -> str:
    about = [r for r in reports if any(w in f"{r.task.title}{r.task.text}" for w in LEADERSHIP_WORDS)]
    lines = []
    by_task: dict[int, list[Report]] = {}
    for report in about:
        by_task.setdefault(report.task_id, []).append(report)
    for n, found in enumerate(by_task.values(), start=1):
        lines.append(f"{n}.{_task_name(found[0].task)}。" + _said(found, "done", name_units))
    lines.append(f"{PROMPT}：党政主要负责人研究部署法治政府建设、听取工作汇报、带头学法述法等情况】")
    return "\n".join(lines)


def _next_year(unfinished: list[dashboard.Part], reports: list[Report], tasks: dict[int, Task],
               names: dict[int, str], name_units: bool) -> str:
    lines = []
    if unfinished:
        listed = "；".join(dict.fromkeys(_task_name(tasks[p.task_id]) for p in unfinished))
        lines += [f"{_ordinal(len(lines) // 2 + 1)}继续推进未完成任务",
                  f"{len(unfinished)}项任务尚未完成，转入下一年度继续推进：{listed}。"]
    latest: dict[tuple[int, int], Report] = {}
    for report in reports:
        latest[(report.task_id, report.unit_id)] = report  # reports are in cycle order: the last one wins
    steps = _said(list(latest.values()), "next_steps", name_units)
    if steps:
        lines += [f"{_ordinal(len(lines) // 2 + 1)}各项任务下步打算", steps]
    lines += [f"{_ordinal(len(lines) // 2 + 1)}总体安排", f"{PROMPT}：下一年度法治政府建设的总体思路和重点】"]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ public


def published_reports() -> QuerySet[AnnualReport]:
    """What the public may read: published reports of published plans."""
    return AnnualReport.objects.filter(status=AnnualReportStatus.PUBLISHED, plan__status=PlanStatus.PUBLISHED) \
        .select_related("plan", "plan__jurisdiction", "unit")


@dataclass(frozen=True)
class PublicProgress:
    """A plan's progress for the public: counts only, by first-level section, for the latest year with cycles."""

    year: int
    categories: list[str]
    rows: list[dashboard.Completion]
    total: dashboard.Completion


def public_progress(plan: Plan, as_of: date) -> PublicProgress | None:
    facts = dashboard.load_facts(plan, as_of=as_of)
    if not facts.cycles:
        return None
    rows = dashboard.completion_by_section(facts)
    total = dashboard.Completion("合计", [sum(r.counts[i] for r in rows) for i in range(len(dashboard.CATEGORIES))])
    return PublicProgress(facts.year, [label for _, label in dashboard.CATEGORIES], rows, total)


# ------------------------------------------------------------------------------------------ actions


def assemble_annual_report(*, plan: Plan, year: int, unit: Unit | None, user: User | None,
                           as_of: date) -> AnnualReport:
    """Create the year's report from the records, or assemble an existing draft afresh (its edits are
    replaced; the history keeps them). A published report is withdrawn first."""
    drafted = assemble(plan, year=year, unit=unit, as_of=as_of)
    with transaction.atomic():
        # ordered by pk: the model's ordering by plan and unit would join the nullable unit, which FOR UPDATE refuses
        found = AnnualReport.objects.select_for_update().filter(plan=plan, year=year, unit=unit).order_by("pk").first()
        if found is not None and found.status == AnnualReportStatus.PUBLISHED:
            raise ActionError("已发布的年度报告不能重新汇总，请先撤回发布")
        report = found or AnnualReport(plan=plan, year=year, unit=unit)
        for name, value in drafted.items():
            setattr(report, name, value)
        report.assembled_at = timezone.now()
        report.updated_by = user
        report.version = (found.version + 1) if found else 1
        report._history_user = user  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError as error:  # two offices pressing 汇总 at once: the other one's draft stands
            raise StaleEdit("该年度报告刚刚已由他人生成，请刷新页面。") from error
    return report


TEXT_FIELDS = ("title", "intro", *(name for name, _ in PARTS))


def save_annual_report(*, report: AnnualReport, version: int, user: User | None, texts: dict[str, str]) -> AnnualReport:
    """Save the office's edits; a save made on an older version than the stored one is refused."""
    if set(texts) != set(TEXT_FIELDS):
        raise ActionError("报告内容不完整")
    if not texts["title"].strip():
        raise ActionError("请填写标题")
    with transaction.atomic():
        updated = AnnualReport.objects.filter(pk=report.pk, version=version, status=AnnualReportStatus.DRAFT).update(
            **{k: v.strip() for k, v in texts.items()}, version=version + 1, updated_by=user,
            updated_at=timezone.now())
        if not updated:
            raise StaleEdit("这份年度报告已被他人修改或已发布，您的修改未保存。请刷新页面查看最新内容后再改。")
        report.refresh_from_db()
        report._history_user = user  # type: ignore[attr-defined]
        report.save(update_fields=["updated_at"])
    return report


def publish_annual_report(*, report: AnnualReport, version: int, user: User | None) -> AnnualReport:
    """Publish the text as stored, once nothing in it still asks to be completed."""
    report.refresh_from_db()
    pending = [heading for name, heading in PARTS if PROMPT in getattr(report, name)]
    if PROMPT in report.intro:
        pending.insert(0, "开头")
    if pending:
        raise ActionError(f"报告中仍有待补充的内容（{PROMPT}…】）：{'、'.join(pending)}。请补充并删去提示后再发布")
    return _move(report, version, user, AnnualReportStatus.DRAFT, AnnualReportStatus.PUBLISHED, timezone.now())


def withdraw_annual_report(*, report: AnnualReport, version: int, user: User | None) -> AnnualReport:
    return _move(report, version, user, AnnualReportStatus.PUBLISHED, AnnualReportStatus.DRAFT, None)


def _move(report: AnnualReport, version: int, user: User | None, origin: str, to: str,
          published_at: object) -> AnnualReport:
    with transaction.atomic():
        if not AnnualReport.objects.filter(pk=report.pk, version=version, status=origin).update(
                status=to, published_at=published_at, version=version + 1, updated_by=user):
            raise StaleEdit("年度报告的状态已变化，请刷新页面。")
        report.refresh_from_db()
        report._history_user = user  # type: ignore[attr-defined]
        report.save(update_fields=["updated_at"])
    return report


def as_text(report: AnnualReport) -> AnnualReportText:
    """The stored report as the core's document, dated the day it was published (or last edited)."""
    moment = report.published_at or report.updated_at
    return AnnualReportText(title=report.title, issuer=report.issuer, year=report.year, intro=report.intro,
                            measures=report.measures, shortcomings=report.shortcomings,
                            leadership=report.leadership, next_year=report.next_year,
                            dated=timezone.localdate(moment) if moment else None)
