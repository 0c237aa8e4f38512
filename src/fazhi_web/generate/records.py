"""Years of tracking records for a published plan, written in bulk: quarterly cycles (opened by the
``open_cycles`` action), every assigned unit's report on each of its tasks in each cycle that has ended,
target values, evidence, supervision orders, extensions and score adjustments.

The records follow the application's workflow as ``fazhi_web.tracking.demo`` makes it through the actions
(contributions by participating units, consolidated reports by lead units; draft → submitted → approved →
accepted, or returned once and sent again), with the same texts and odds, but each record is built in
memory in its final state, its ``version`` counting the saves and moves it went through, and written with
``bulk_create`` in batches: no per-row save, so **no django-simple-history rows and no notifications** for
these records (the 历次版本 list of a generated report is empty). Times are the simulated moments, in office
hours, never after ``as_of``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.db.models import Model

from fazhi_web.plans.models import Assignment, AssignmentRole, Plan, Target, TaskStatus
from fazhi_web.tracking import actions
from fazhi_web.tracking.demo import (
    DONE_PHRASES,
    LATE_REASONS,
    NEXT_PHRASES,
    PROBLEM_PHRASES,
    REPLY_PHRASES,
    office_hours,
    reported_value,
)
from fazhi_web.tracking.models import (
    AdjustmentKind,
    Cycle,
    DecisionStatus,
    Evidence,
    Extension,
    OrderStatus,
    Progress,
    Report,
    ReportKind,
    ReportStatus,
    ScoreAdjustment,
    SupervisionOrder,
    TargetValue,
)

from .files import StoredFile
from .world import People

BATCH = 2000


@dataclass
class Counts:
    """What was written, per table."""

    cycles: int = 0
    reports: int = 0
    values: int = 0
    evidence: int = 0
    orders: int = 0
    extensions: int = 0
    adjustments: int = 0

    def add(self, other: Counts) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class _Pair:
    """One unit's part in one task, and how its years go (in cycle numbers)."""

    task_id: int
    unit_id: int
    kind: str
    starts: int
    finishes: int | None  # the cycle from which it reports 已完成 (None: ongoing work)
    lagging: frozenset[int]
    shared: bool
    targets: list[Target]
    reporter: int | None
    leader: int | None


@dataclass
class _Made:
    """A report as it ends up, with its target values and evidence."""

    report: Report
    pair: _Pair
    values: dict[int, float] = field(default_factory=dict)
    files: list[tuple[StoredFile, datetime]] = field(default_factory=list)


@dataclass(frozen=True)
class _World:
    """What every step needs: the plan, its office, the day, the random source, the evidence files."""

    plan: Plan
    office: User
    as_of: date
    rng: random.Random
    files: list[StoredFile]


def generate_records(*, plan: Plan, people: People, years: tuple[int, int], as_of: date, seed: str,
                     files: list[StoredFile]) -> Counts:
    """Cycles for every year of ``years`` and the records of the cycles ended by ``as_of``."""
    world = _World(plan, people.office, as_of, random.Random(seed), files)
    counts = Counts()
    cycles = [c for year in range(years[0], years[1] + 1)
              for c in actions.open_cycles(plan=plan, frequency="quarterly", year=year, due_days=5, user=world.office)]
    counts.cycles = len(cycles)
    ended = [c for c in cycles if c.ends_on <= as_of]
    pairs = _pairs(plan, people, world.rng, len(cycles))
    made = [m for index, cycle in enumerate(ended) for pair in pairs
            if (m := _report(pair, cycle, index, len(cycles), world)) is not None]
    with own_timestamps():
        counts.reports, counts.values, counts.evidence = _write_reports(made)
        counts.orders = _write(SupervisionOrder, list(_orders(ended, pairs, made, world)))
        counts.extensions = _write(Extension, list(_extensions(years, pairs, world)))
        counts.adjustments = _write(ScoreAdjustment, list(_adjustments(years, pairs, world)))
    return counts


@contextmanager
def own_timestamps() -> Iterator[None]:
    """Let bulk-created records keep their simulated times (``auto_now``/``auto_now_add`` off meanwhile)."""
    fields = [model._meta.get_field(name) for model, name in ((Report, "updated_at"), (Evidence, "uploaded_at"),
              (SupervisionOrder, "opened_at"), (Extension, "requested_at"), (ScoreAdjustment, "recorded_at"))]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]  # type: ignore[union-attr]
    for f in fields:
        f.auto_now = f.auto_now_add = False  # type: ignore[union-attr]
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add  # type: ignore[union-attr]


def _write(model: type[Model], rows: list[Model]) -> int:
    model._default_manager.bulk_create(rows, batch_size=BATCH)
    return len(rows)


# ---------------------------------------------------------------- who does what

def _pairs(plan: Plan, people: People, rng: random.Random, cycles: int) -> list[_Pair]:
    """Every assignment of the plan's live tasks, participating units first (the lead units consolidate after)."""
    assignments = list(Assignment.objects.filter(task__plan=plan, task__status=TaskStatus.ACTIVE)
                       .order_by("task__order", "unit__name", "pk").values_list("task_id", "unit_id", "role"))
    sharing: dict[int, int] = {}
    for task_id, _, _ in assignments:
        sharing[task_id] = sharing.get(task_id, 0) + 1
    targets: dict[int, list[Target]] = {}
    for target in Target.objects.filter(task__plan=plan).order_by("pk"):
        targets.setdefault(target.task_id, []).append(target)
    one_off = {task_id: rng.random() < 0.4 for task_id in sharing}
    pairs = [_pair(task_id, unit_id, role, rng, cycles, one_off[task_id], sharing[task_id] > 1,
                   targets.get(task_id, []), people) for task_id, unit_id, role in assignments]
    return sorted(pairs, key=lambda p: p.kind != ReportKind.CONTRIBUTION)


def _pair(task_id: int, unit_id: int, role: str, rng: random.Random, cycles: int, one_off: bool, shared: bool,
          targets: list[Target], people: People) -> _Pair:
    starts = rng.choices([0, 1, 2, 3], weights=[6, 3, 2, 1])[0]
    finishes = starts + rng.randint(2, max(2, cycles // 2)) if one_off else None
    lagging = frozenset(rng.sample(range(cycles), rng.randint(1, 2))) if cycles and rng.random() < 0.1 else frozenset()
    kind = ReportKind.CONTRIBUTION if role == AssignmentRole.PARTICIPATING else ReportKind.CONSOLIDATED
    reporter, leader = people.reporters.get(unit_id), people.leaders.get(unit_id)
    return _Pair(task_id, unit_id, kind, starts, finishes, lagging, shared, targets,
                 reporter.pk if reporter else None, leader.pk if leader else None)


# ---------------------------------------------------------------- reports

def _progress(pair: _Pair, index: int) -> str:
    if index in pair.lagging:
        return Progress.LAGGING
    if index < pair.starts:
        return Progress.NOT_STARTED
    if pair.finishes is not None and index >= pair.finishes:
        return Progress.DONE
    return Progress.ONGOING if pair.finishes is None and index > pair.starts else Progress.IN_PROGRESS


def _texts(pair: _Pair, progress: str, rng: random.Random) -> tuple[str, str, str]:
    if progress == Progress.NOT_STARTED:
        return "本季度正在做前期准备工作，尚未正式启动", "", "尽快制定工作方案，按计划启动实施"
    done = "；".join(rng.sample(DONE_PHRASES, 2)).format(n=rng.randint(2, 6), m=rng.randint(30, 600)) + "。"
    if pair.kind == ReportKind.CONSOLIDATED and pair.shared:
        done = "汇总各配合单位报送情况：" + done
    problems = "工作推进滞后，" + rng.choice(PROBLEM_PHRASES[3:]) if progress == Progress.LAGGING \
        else rng.choice(PROBLEM_PHRASES)
    return done, problems, rng.choice(NEXT_PHRASES) + "。"


def _values(pair: _Pair, index: int, cycles: int, rng: random.Random) -> dict[int, float]:
    """A lead unit's values for its task's targets (nine reports in ten), growing over the plan's years."""
    if pair.kind != ReportKind.CONSOLIDATED or not pair.targets or rng.random() < 0.1:
        return {}
    share = (index + 1) / max(cycles, 4)
    return {t.pk: reported_value(t.op, t.value, t.value_high, t.unit in ("%", "％"), share, rng) for t in pair.targets}


def _report(pair: _Pair, cycle: Cycle, index: int, cycles: int, world: _World) -> _Made | None:
    """One unit's report for a cycle: drafted, then submitted (on time, late or not at all) and moved on."""
    rng = world.rng
    roll = rng.random()
    if roll < 0.04:
        return None  # never started
    delay = rng.randint(1, 20) if roll < 0.2 else -rng.randint(0, 12)
    submit_on = cycle.due_on + timedelta(days=delay)
    drafted = office_hours(min(submit_on, cycle.due_on) - timedelta(days=rng.randint(2, 6)), rng)
    if drafted.date() > world.as_of:
        return None
    progress = _progress(pair, index)
    done, problems, next_steps = _texts(pair, progress, rng)
    report = Report(task_id=pair.task_id, unit_id=pair.unit_id, cycle_id=cycle.pk, kind=pair.kind,
                    status=ReportStatus.DRAFT, progress=progress, done=done, problems=problems, next_steps=next_steps,
                    version=2, updated_at=drafted, updated_by_id=pair.reporter)
    made = _Made(report, pair, _values(pair, index, cycles, rng))
    if roll >= 0.07 and submit_on <= world.as_of:
        _advance(made, submit_on, world)
    _attach(made, drafted, world)
    return made


def _step(report: Report, status: str, moment: datetime, user: int | None, *, comment: str = "") -> None:
    """One move of the workflow: a new version, by ``user``, never before the previous one."""
    moment = max(moment, report.updated_at + timedelta(minutes=10))
    report.status, report.version, report.updated_at, report.updated_by_id = status, report.version + 1, moment, user
    if status == ReportStatus.SUBMITTED:
        report.submitted_at = moment
    if comment:
        report.comment = comment


def _advance(made: _Made, day: date, world: _World) -> None:
    """Submit, approve, and (for a lead unit's report) the office's acceptance, or a return and a second try."""
    report, pair, rng = made.report, made.pair, world.rng
    _step(report, ReportStatus.SUBMITTED, office_hours(day, rng), pair.reporter)
    day += timedelta(days=rng.randint(0, 3))
    if day > world.as_of:
        return
    _step(report, ReportStatus.APPROVED, office_hours(day, rng), pair.leader)
    day += timedelta(days=rng.randint(1, 10))
    if pair.kind != ReportKind.CONSOLIDATED or day > world.as_of or rng.random() < 0.05:
        return  # a contribution goes no further; a few wait for the office
    if rng.random() < 0.06:
        _step(report, ReportStatus.RETURNED, office_hours(day, rng), world.office.pk, comment="请补充佐证材料并细化工作成效")
        day += timedelta(days=rng.randint(2, 6))
        if day > world.as_of:
            return
        report.done += "已按要求补充相关佐证材料。"
        report.version += 1  # the saved correction
        _step(report, ReportStatus.SUBMITTED, office_hours(day, rng), pair.reporter)
        _step(report, ReportStatus.APPROVED, office_hours(day, rng), pair.leader)
        day += timedelta(days=rng.randint(1, 5))
        if day > world.as_of:
            return
    _step(report, ReportStatus.ACCEPTED, office_hours(day, rng), world.office.pk,
          comment=rng.choice(["", "同意", "已审阅"]))


def _attach(made: _Made, drafted: datetime, world: _World) -> None:
    """Evidence on about a third of the sent reports (and a few drafts), uploaded while the report was written."""
    rng = world.rng
    sent = made.report.submitted_at
    if not world.files or rng.random() >= (0.15 if sent else 0.05):
        return
    for stored in rng.sample(world.files, rng.choice([1, 1, 1, 2, 3])):
        made.files.append((stored, drafted + (sent - drafted) * rng.random() if sent else drafted))


def _write_reports(made: list[_Made]) -> tuple[int, int, int]:
    """Reports in batches, then their values and evidence (which need the reports' ids)."""
    values = evidence = 0
    for start in range(0, len(made), BATCH):
        chunk = made[start:start + BATCH]
        Report.objects.bulk_create([m.report for m in chunk])
        values += _write(TargetValue, [TargetValue(report_id=m.report.pk, target_id=target, value=value)
                                       for m in chunk for target, value in m.values.items()])
        evidence += _write(Evidence, [Evidence(report_id=m.report.pk, file=f.path, original_name=f.name, size=f.size,
                                               sha256=f.sha256, uploaded_by_id=m.pair.reporter, uploaded_at=moment)
                                      for m in chunk for f, moment in m.files])
    return len(made), values, evidence


# ---------------------------------------------------------------- supervision, extensions, adjustments

def _orders(cycles: list[Cycle], pairs: list[_Pair], made: list[_Made], world: _World) -> Iterator[SupervisionOrder]:
    """Three weeks after each cycle's due day the office chases a few lead units whose report is missing,
    unsent or lagging; the units reply, and the office closes the order or escalates a late reply."""
    sent = {(m.report.cycle_id, m.pair.task_id, m.pair.unit_id) for m in made
            if m.report.submitted_at and m.report.progress != Progress.LAGGING}
    leads = [p for p in pairs if p.kind == ReportKind.CONSOLIDATED]
    numbers: dict[int, int] = {}
    for cycle in cycles:
        opened_on = cycle.due_on + timedelta(days=21)
        if opened_on > world.as_of:
            continue
        behind = [p for p in leads if (cycle.pk, p.task_id, p.unit_id) not in sent]
        for pair in world.rng.sample(behind, min(len(behind), world.rng.randint(1, 4))):
            numbers[opened_on.year] = numbers.get(opened_on.year, 0) + 1
            yield _order(pair, cycle, opened_on, numbers[opened_on.year], world)


def _order(pair: _Pair, cycle: Cycle, opened_on: date, number: int, world: _World) -> SupervisionOrder:
    rng = world.rng
    order = SupervisionOrder(task_id=pair.task_id, unit_id=pair.unit_id, number=f"督〔{opened_on.year}〕{number}号",
                             reason=f"{cycle.label}进展报告逾期未报或工作推进滞后，请说明原因并提出整改措施",
                             reply_due=opened_on + timedelta(days=10), status=OrderStatus.OPEN,
                             opened_by=world.office, opened_at=office_hours(opened_on, rng))
    replied_on = opened_on + timedelta(days=rng.randint(3, 14))
    if replied_on > world.as_of:
        return order
    order.status, order.reply = OrderStatus.REPLIED, rng.choice(REPLY_PHRASES)
    order.replied_at = max(office_hours(replied_on, rng), order.opened_at + timedelta(hours=1))
    closed_on = replied_on + timedelta(days=rng.randint(1, 4))
    if closed_on > world.as_of:
        return order
    order.closed_at = max(office_hours(closed_on, rng), order.replied_at + timedelta(hours=1))
    if replied_on <= order.reply_due:
        order.status = OrderStatus.CLOSED
    else:
        order.status, order.reply_due = OrderStatus.ESCALATED, closed_on + timedelta(days=7)
    return order


def _extensions(years: tuple[int, int], pairs: list[_Pair], world: _World) -> Iterator[Extension]:
    """Each year a few lagging lead units ask in the last quarter for a later date; the office grants most,
    refuses one and leaves the newest pending."""
    rng = world.rng
    candidates = [p for p in pairs if p.lagging and p.kind == ReportKind.CONSOLIDATED]
    for year in range(years[0], years[1] + 1):
        original = date(year, 12, 31)
        for number, pair in enumerate(rng.sample(candidates, min(4, len(candidates)))):
            asked_on = date(year, 10, 8) + timedelta(days=rng.randint(0, 50))
            if asked_on > world.as_of:
                continue
            extension = Extension(task_id=pair.task_id, unit_id=pair.unit_id, original_due=original,
                                  requested_due=original + timedelta(days=rng.choice([90, 181])),
                                  reason=rng.choice(LATE_REASONS), requested_by_id=pair.reporter,
                                  requested_at=office_hours(asked_on, rng))
            decided_on = asked_on + timedelta(days=rng.randint(3, 10))
            if number != 3 and decided_on <= world.as_of:
                extension.status = DecisionStatus.GRANTED if number != 2 else DecisionStatus.REFUSED
                extension.decision_note = "同意延期，请按新时限完成" if number != 2 else "理由不充分，请按原时限完成"
                extension.decided_by, extension.decided_at = world.office, office_hours(decided_on, rng)
            yield extension


_BONUSES = ["法治建设经验做法被上级刊发推广", "获评法治政府建设示范项目", "行政复议纠错率低于全县平均水平"]
_DEDUCTIONS = ["督办事项未按期回复", "进展报告多次逾期报送", "行政诉讼案件败诉"]


def _adjustments(years: tuple[int, int], pairs: list[_Pair], world: _World) -> Iterator[ScoreAdjustment]:
    """After each ended year the office records a few bonuses and deductions for the year's assessment."""
    rng = world.rng
    units = sorted({p.unit_id for p in pairs})
    for year in range(years[0], years[1] + 1):
        recorded_on = date(year + 1, 1, rng.randint(10, 25))
        if recorded_on > world.as_of or not units:
            continue
        for unit_id in rng.sample(units, max(1, len(units) // 12)):
            bonus = rng.random() < 0.5
            yield ScoreAdjustment(plan=world.plan, unit_id=unit_id, year=year,
                                  kind=AdjustmentKind.BONUS if bonus else AdjustmentKind.DEDUCTION,
                                  points=Decimal(rng.choice(["0.5", "1.00", "1.50", "2.00"])),
                                  reason=rng.choice(_BONUSES if bonus else _DEDUCTIONS), recorded_by=world.office,
                                  recorded_at=office_hours(recorded_on, rng))
