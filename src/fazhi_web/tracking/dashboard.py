"""The figures of a plan's dashboard, computed on the server from the records (the browser only draws them):
completion by plan section and by unit, overdue reports by unit and month, target attainment, and the
trend of on-time and accepted reports over the cycles. The date is a parameter (``as_of``).

``load_facts`` reads what the figures need in a handful of queries; every other function is a pure
function of those facts, so the same figures back the charts and the plain tables.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date

from django.db.models import Min
from django.utils import timezone

from fazhi_web.plans.models import Assignment, AssignmentRole, Plan, Section, Target, TaskStatus

from .models import Cycle, Progress, Report, ReportKind, ReportStatus, TargetValue

DELIVERED = (ReportStatus.APPROVED, ReportStatus.ACCEPTED)
NOT_REPORTED = "none"
# The completion categories, in the order the charts stack them, with their labels.
CATEGORIES = [(Progress.DONE.value, Progress.DONE.label), (Progress.ONGOING.value, Progress.ONGOING.label),
              (Progress.IN_PROGRESS.value, Progress.IN_PROGRESS.label), (Progress.LAGGING.value, Progress.LAGGING.label),
              (Progress.NOT_STARTED.value, Progress.NOT_STARTED.label), (NOT_REPORTED, "未报送")]


@dataclass(frozen=True)
class Part:
    """A unit's part in a task (an assignment) as the figures see it."""

    task_id: int
    unit_id: int
    consolidates: bool  # lead or responsible unit: reports to the office (a participating unit contributes)


@dataclass(frozen=True)
class Sent:
    """One report as the figures see it."""

    task_id: int
    unit_id: int
    cycle_id: int
    status: str
    progress: str
    first_submitted: date | None  # the first time it was submitted (a returned report is submitted again)


@dataclass(frozen=True)
class Attained:
    target_id: int
    label: str  # the task's number, the metric and its threshold: 12.参加听证率 ≥100%
    text: str  # as printed
    units: int  # the units that report on it (lead and responsible units)
    values: dict[int, bool]  # unit → met, from the unit's latest delivered value


@dataclass
class Facts:
    year: int
    as_of: date
    years: list[int]
    cycles: list[Cycle]  # the year's cycles that have started by as_of, in order
    parts: list[Part]
    section_of: dict[int, str]  # task → its top-level section, as printed
    sections: list[str]  # in the plan's order
    units: dict[int, str]
    reports: list[Sent]
    targets: list[Attained] = field(default_factory=list)


def load_facts(plan: Plan, *, as_of: date, year: int | None = None) -> Facts:
    years = sorted(set(Cycle.objects.filter(plan=plan, starts_on__lte=as_of).values_list("starts_on__year", flat=True)))
    if year is None:
        year = years[-1] if years else as_of.year
    cycles = list(Cycle.objects.filter(plan=plan, starts_on__year=year, starts_on__lte=as_of).order_by("starts_on", "pk"))
    assignments = list(Assignment.objects.filter(task__plan=plan, task__status=TaskStatus.ACTIVE)
                       .select_related("unit").order_by("task__order", "unit__name"))
    parts = [Part(a.task_id, a.unit_id, a.role != AssignmentRole.PARTICIPATING) for a in assignments]
    section_of, sections = _top_sections(plan)
    facts = Facts(year, as_of, years, cycles, parts, section_of, sections,
                  {a.unit_id: a.unit.name for a in assignments}, _reports(cycles))
    facts.targets = _targets(plan, facts)
    return facts


def _top_sections(plan: Plan) -> tuple[dict[int, str], list[str]]:
    rows = {s.pk: s for s in Section.objects.filter(plan=plan).order_by("order")}

    def top(pk: int | None) -> str:
        while pk is not None and rows[pk].parent_id is not None:
            pk = rows[pk].parent_id
        return rows[pk].numbered_title if pk is not None else "其他"

    names = [s.numbered_title for s in rows.values() if s.parent_id is None]
    section_of = {pk: top(section) for pk, section in plan.tasks.filter(status=TaskStatus.ACTIVE)
                  .values_list("pk", "section_id")}
    return section_of, names + (["其他"] if "其他" in section_of.values() else [])


def _reports(cycles: list[Cycle]) -> list[Sent]:
    found = Report.objects.filter(cycle__in=cycles)
    first = dict(Report.history.filter(id__in=found.values("pk"), status=ReportStatus.SUBMITTED)
                 .values("id").annotate(first=Min("submitted_at")).values_list("id", "first"))
    rows = []
    for r in found.values("pk", "task_id", "unit_id", "cycle_id", "status", "progress", "submitted_at"):
        moment = first.get(r["pk"]) or r["submitted_at"]
        rows.append(Sent(r["task_id"], r["unit_id"], r["cycle_id"], r["status"], r["progress"],
                         timezone.localdate(moment) if moment else None))
    return rows


def _targets(plan: Plan, facts: Facts) -> list[Attained]:
    reporting = {(p.task_id, p.unit_id) for p in facts.parts if p.consolidates}
    order = {c.pk: i for i, c in enumerate(facts.cycles)}
    values = TargetValue.objects.filter(report__cycle__in=facts.cycles, report__status__in=DELIVERED,
                                        report__kind=ReportKind.CONSOLIDATED).select_related("target", "report")
    latest: dict[tuple[int, int], tuple[int, bool]] = {}
    for v in values:
        key = (v.target_id, v.report.unit_id)
        if key not in latest or order[v.report.cycle_id] > latest[key][0]:
            latest[key] = (order[v.report.cycle_id], v.met)
    found = []
    for task in plan.tasks.filter(status=TaskStatus.ACTIVE).order_by("order").prefetch_related("targets"):
        units = {u for t, u in reporting if t == task.pk}
        for target in task.targets.all():
            met = {u: latest[(target.pk, u)][1] for u in units if (target.pk, u) in latest}
            found.append(Attained(target.pk, f"{task.printed_label}{target.metric} {_threshold(target)}", target.text,
                                  len(units), met))
    return found


def _threshold(target: Target) -> str:
    number = f"{target.value:g}"
    if target.op == "range":
        number = f"{target.value:g}—{(target.value_high or target.value):g}"
    return f"{_OPS.get(target.op, '')}{number}{target.unit}"


_OPS = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<", "range": ""}


# ------------------------------------------------------------------------------------------ the figures


@dataclass(frozen=True)
class Completion:
    """One row of a completion chart: how many task–unit parts stand in each category."""

    name: str
    counts: list[int]  # in the order of CATEGORIES

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def done_share(self) -> float:
        return round(100 * self.counts[0] / self.total, 1) if self.total else 0.0


def latest_progress(facts: Facts) -> dict[tuple[int, int], str]:
    """Each (task, unit)'s progress in its latest delivered (leader-approved) report of the year."""
    order = {c.pk: i for i, c in enumerate(facts.cycles)}
    latest: dict[tuple[int, int], tuple[int, str]] = {}
    for r in facts.reports:
        if r.status in DELIVERED and r.cycle_id in order:
            key = (r.task_id, r.unit_id)
            if key not in latest or order[r.cycle_id] > latest[key][0]:
                latest[key] = (order[r.cycle_id], r.progress)
    return {key: progress for key, (_, progress) in latest.items()}


def _completion(facts: Facts, parts: list[Part], name_of: dict[tuple[int, int], str], names: list[str]) -> list[Completion]:
    progress = latest_progress(facts)
    counted: dict[str, Counter[str]] = {name: Counter() for name in names}
    for p in parts:
        counted[name_of[(p.task_id, p.unit_id)]][progress.get((p.task_id, p.unit_id), NOT_REPORTED)] += 1
    return [Completion(name, [counted[name][key] for key, _ in CATEGORIES]) for name in names if counted[name]]


def completion_by_section(facts: Facts) -> list[Completion]:
    """Lead and responsible units' parts (the reports the office receives), by top-level section."""
    parts = [p for p in facts.parts if p.consolidates]
    return _completion(facts, parts, {(p.task_id, p.unit_id): facts.section_of[p.task_id] for p in parts},
                       facts.sections)


def completion_by_unit(facts: Facts) -> list[Completion]:
    """Every part of every unit (contributions included), units by name."""
    names = sorted(set(facts.units.values()))
    return _completion(facts, facts.parts, {(p.task_id, p.unit_id): facts.units[p.unit_id] for p in facts.parts},
                       names)


@dataclass(frozen=True)
class Heatmap:
    """Reports not submitted by their due day (late or still missing), by unit and by the month they fell due."""

    months: list[str]
    units: list[str]
    counts: list[list[int]]  # one row per unit, one column per month


def _months(first: date, last: date) -> list[tuple[int, int]]:
    months, (year, month) = [], (first.year, first.month)
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def overdue_heatmap(facts: Facts) -> Heatmap:
    due = [c for c in facts.cycles if c.due_on < facts.as_of]
    if not due:
        return Heatmap([], [], [])
    months = _months(min(c.due_on for c in due), max(c.due_on for c in due))
    column = {m: i for i, m in enumerate(months)}
    submitted = {(r.task_id, r.unit_id, r.cycle_id): r.first_submitted for r in facts.reports}
    rows: dict[str, list[int]] = {name: [0] * len(months) for name in facts.units.values()}
    for cycle in due:
        for p in facts.parts:
            sent = submitted.get((p.task_id, p.unit_id, cycle.pk))
            if sent is None or sent > cycle.due_on:
                rows[facts.units[p.unit_id]][column[(cycle.due_on.year, cycle.due_on.month)]] += 1
    units = sorted(rows, key=lambda name: (-sum(rows[name]), name))
    return Heatmap([f"{y}年{m}月" for y, m in months], units, [rows[name] for name in units])


@dataclass(frozen=True)
class Attainment:
    label: str
    text: str
    met: int
    not_met: int
    no_data: int


def target_attainment(facts: Facts) -> list[Attainment]:
    """Each target: how many of its reporting units met it, did not, or reported no value (latest values)."""
    found = []
    for t in facts.targets:
        met = sum(t.values.values())
        found.append(Attainment(t.label, t.text, met, len(t.values) - met, t.units - len(t.values)))
    return found


@dataclass(frozen=True)
class CycleTrend:
    label: str
    due_on: date
    expected: int  # every unit's part in every task
    on_time: int
    late: int
    missing: int  # not submitted (as of the date)
    consolidated: int  # the lead and responsible units' parts: what the office accepts
    accepted: int

    @property
    def on_time_share(self) -> float:
        return round(100 * self.on_time / self.expected, 1) if self.expected else 0.0

    @property
    def accepted_share(self) -> float:
        return round(100 * self.accepted / self.consolidated, 1) if self.consolidated else 0.0


def cycle_trend(facts: Facts) -> list[CycleTrend]:
    """Per cycle whose due day has passed: reports on time, late, missing, and accepted by the office."""
    sent = {(r.task_id, r.unit_id, r.cycle_id): r for r in facts.reports}
    rows = []
    for cycle in facts.cycles:
        if cycle.due_on >= facts.as_of:
            continue
        tally: Counter[str] = Counter()
        for p in facts.parts:
            report = sent.get((p.task_id, p.unit_id, cycle.pk))
            day = report.first_submitted if report else None
            tally["missing" if day is None else "on_time" if day <= cycle.due_on else "late"] += 1
            tally["accepted"] += bool(report and p.consolidates and report.status == ReportStatus.ACCEPTED)
        consolidated = sum(p.consolidates for p in facts.parts)
        rows.append(CycleTrend(cycle.label, cycle.due_on, len(facts.parts), tally["on_time"], tally["late"],
                               tally["missing"], consolidated, tally["accepted"]))
    return rows


@dataclass(frozen=True)
class Dashboard:
    facts: Facts
    sections: list[Completion]
    units: list[Completion]
    heatmap: Heatmap
    targets: list[Attainment]
    trend: list[CycleTrend]

    @property
    def on_time_share(self) -> float:
        expected = sum(c.expected for c in self.trend)
        return round(100 * sum(c.on_time for c in self.trend) / expected, 1) if expected else 0.0

    def chart_data(self) -> dict[str, object]:
        """What dashboard.js draws (passed with ``json_script``: text, never code)."""
        return {
            "categories": [label for _, label in CATEGORIES],
            "sections": [asdict(c) for c in self.sections],
            "units": [asdict(c) for c in self.units],
            "heatmap": asdict(self.heatmap),
            "targets": [asdict(t) for t in self.targets],
            "trend": [{"label": c.label, "on_time_share": c.on_time_share, "accepted_share": c.accepted_share,
                       "on_time": c.on_time, "late": c.late, "missing": c.missing} for c in self.trend],
        }


def build(plan: Plan, *, as_of: date, year: int | None = None) -> Dashboard:
    facts = load_facts(plan, as_of=as_of, year=year)
    return Dashboard(facts, completion_by_section(facts), completion_by_unit(facts), overdue_heatmap(facts),
                     target_attainment(facts), cycle_trend(facts))
