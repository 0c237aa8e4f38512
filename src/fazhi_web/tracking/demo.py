"""A year of plausible progress for a published plan, made through the real actions (so every record
has its history), for the demo and the web tests: quarterly cycles; each unit's report on each of its
tasks, written, submitted, approved by the leader and accepted (or returned once) by the office; a few
late or missing reports, extensions and supervision orders.

Deterministic given the seed; the date is a parameter (``as_of``: nothing happens after it). The actions
stamp records with the clock, so each record's times (and its history's) are set afterwards to the
simulated moment it happened in the year.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from fazhi_web.plans.models import Assignment, AssignmentRole, Membership, Plan, Role, Target, Task, Unit

from . import actions
from .models import Cycle, Progress, Report, ReportKind

DONE_PHRASES = [
    "召开专题推进会{n}次，研究部署具体措施，明确责任分工和时间节点",
    "制定工作方案并印发实施，建立工作台账，实行清单化管理",
    "组织开展专项检查{n}次，发现问题已督促整改到位",
    "开展法治宣传活动{n}场，发放宣传资料{m}份，群众知晓率进一步提高",
    "组织干部职工集中学法{n}次，参训{m}人次",
    "对照任务清单逐项推进，相关制度已修订完善",
    "完成相关事项的梳理和公开，及时更新办事指南",
    "配合牵头单位提供相关资料{n}份，按时报送工作信息",
    "开展案卷评查{n}件，评查结果已通报",
    "通过政府网站和政务新媒体公开信息{m}条",
]
PROBLEM_PHRASES = [
    "", "", "",
    "基层法治工作力量较为薄弱，专业人员不足",
    "部分工作推进进度不平衡，个别环节衔接不够顺畅",
    "信息化支撑不足，数据共享仍有障碍",
    "经费保障不足，影响部分工作开展",
    "宣传形式较为单一，覆盖面有待扩大",
]
NEXT_PHRASES = [
    "下一步将持续跟踪推进，确保按时完成年度任务",
    "加强与牵头单位的沟通协调，形成工作合力",
    "强化督促检查，及时发现和解决问题",
    "总结经验做法，推动工作常态化、制度化",
    "加大培训力度，提升工作人员业务能力",
]
LATE_REASONS = ["涉及多个部门协调，需等待相关部门意见", "上级相关文件尚未出台，需待文件下发后实施",
                "项目资金尚未到位，需调整实施进度"]
REPLY_PHRASES = ["已召开专题会议研究整改措施，明确专人负责，将于本月底前补报进展",
                 "已对照督办事项逐项整改，相关材料已补报"]


@dataclass
class Summary:
    """What was made (for the `load_demo` message and the tests)."""

    cycles: int = 0
    reports: int = 0
    submitted: int = 0
    accepted: int = 0
    extensions: int = 0
    orders: int = 0


@dataclass
class _Pair:
    """One unit's part in one task, and how its year goes."""

    task: Task
    unit: Unit
    kind: str  # ReportKind
    starts: int  # the cycle in which work starts
    finishes: int | None  # the cycle from which it reports 已完成 (None: ongoing work)
    lagging: int | None  # a cycle it reports 滞后
    shared: bool  # other units take part (the lead consolidates their contributions)
    targets: list[Target]
    reporter: User | None = None
    leader: User | None = None


@dataclass
class _Clock:
    """The simulated moments of each record's versions, applied once everything is made."""

    report_times: dict[int, list[tuple[datetime, datetime | None]]] = field(default_factory=dict)
    submitted: dict[int, datetime] = field(default_factory=dict)

    def stamp(self, report: Report, moment: datetime, *, submits: bool = False) -> None:
        """The moment of the report's newest version (``submits``: the version made by submitting it)."""
        if submits:
            self.submitted[report.pk] = moment
        self.report_times.setdefault(report.pk, []).append((moment, self.submitted.get(report.pk)))


def generate_progress(*, plan: Plan, year: int, as_of: date, seed: int,
                      open_for: Iterable[Unit] = ()) -> Summary:
    """Quarterly progress of ``plan`` for ``year`` up to ``as_of``. The units in ``open_for`` (the demo
    accounts' units) get only the first half of the year, leaving their later cycles to be written by hand."""
    rng = random.Random(seed)
    office = _office(plan)
    left_open = {u.pk for u in open_for}
    summary = Summary()
    with transaction.atomic():
        cycles = actions.open_cycles(plan=plan, frequency="quarterly", year=year, due_days=5, user=office)
        cycles = [c for c in cycles if c.ends_on <= as_of]
        summary.cycles = len(cycles)
        pairs = _pairs(plan, rng, len(cycles))
        clock = _Clock()
        for index, cycle in enumerate(cycles):
            for pair in pairs:  # contributions first, then the lead units consolidate them
                if index >= 2 and pair.unit.pk in left_open:
                    continue
                _report(pair, cycle, index, rng=rng, as_of=as_of, office=office, clock=clock, summary=summary)
            _supervise(plan, cycle, rng=rng, as_of=as_of, office=office, left_open=left_open, summary=summary)
        _extensions(pairs, cycles, rng=rng, as_of=as_of, office=office, left_open=left_open, summary=summary)
        _apply_report_times(clock)
    return summary


def _office(plan: Plan) -> User | None:
    found = Membership.objects.filter(jurisdiction_id=plan.jurisdiction_id, role=Role.OFFICE).order_by("pk").first()
    return found.user if found else None


def _pairs(plan: Plan, rng: random.Random, cycles: int) -> list[_Pair]:
    """Every assignment, participating units first; each task is either one-off (done at some point) or
    ongoing (常态化推进), and a few units lag."""
    people: dict[tuple[str, int], User] = {}
    for m in Membership.objects.filter(unit__isnull=False).select_related("user").order_by("-pk"):
        people[(m.role, m.unit_id)] = m.user  # type: ignore[index]
    tasks = {t.pk: t for t in plan.tasks.prefetch_related("targets", "deadlines", "assignments")}
    one_off: dict[int, bool] = {}
    pairs = []
    assignments = Assignment.objects.filter(task__plan=plan, task__status="active").select_related("task", "unit") \
        .order_by("task__order", "unit__name", "pk")
    for a in assignments:
        task = tasks[a.task_id]
        if a.task_id not in one_off:
            one_off[a.task_id] = any(d.kind == "one-off" for d in task.deadlines.all()) or rng.random() < 0.3
        starts = rng.choices([0, 1, 2], weights=[6, 3, 1])[0]
        finishes = starts + rng.randint(1, 3) if one_off[a.task_id] else None
        lagging = rng.randrange(cycles) if cycles and rng.random() < 0.1 else None
        kind = ReportKind.CONTRIBUTION if a.role == AssignmentRole.PARTICIPATING else ReportKind.CONSOLIDATED
        pairs.append(_Pair(task, a.unit, kind, starts, finishes, lagging, len(task.assignments.all()) > 1,
                           sorted(task.targets.all(), key=lambda t: t.pk), people.get((Role.REPORTER, a.unit_id)),
                           people.get((Role.LEADER, a.unit_id))))
    return sorted(pairs, key=lambda p: p.kind != ReportKind.CONTRIBUTION)


def _progress(pair: _Pair, index: int) -> str:
    if index == pair.lagging:
        return Progress.LAGGING
    if index < pair.starts:
        return Progress.NOT_STARTED
    if pair.finishes is not None and index >= pair.finishes:
        return Progress.DONE
    if pair.finishes is None and index > pair.starts:
        return Progress.ONGOING
    return Progress.IN_PROGRESS


def _texts(pair: _Pair, progress: str, rng: random.Random) -> tuple[str, str, str]:
    if progress == Progress.NOT_STARTED:
        return "本季度正在做前期准备工作，尚未正式启动", "", "尽快制定工作方案，按计划启动实施"
    done = "；".join(rng.sample(DONE_PHRASES, 2)).format(n=rng.randint(2, 6), m=rng.randint(30, 600)) + "。"
    if pair.kind == ReportKind.CONSOLIDATED and pair.shared:
        done = "汇总各配合单位报送情况：" + done
    problems = "工作推进滞后，" + rng.choice(PROBLEM_PHRASES[3:]) if progress == Progress.LAGGING \
        else rng.choice(PROBLEM_PHRASES)
    return done, problems, rng.choice(NEXT_PHRASES) + "。"


def reported_value(op: str, threshold: float, high: float | None, percent: bool, share: float, rng: random.Random) -> float:
    """A reported value near the threshold: met about three times in four; counts grow over the year."""
    if op == "<=":
        return round(threshold * rng.uniform(0.6, 1.15), 1)
    if op == "range":
        return round(rng.uniform(threshold * 0.9, (high or threshold) * 1.05), 1)
    if percent:
        met = rng.random() < 0.75
        value = rng.uniform(threshold, min(100.0, threshold + 5)) if met else threshold - rng.uniform(0.5, 8)
        return round(max(0.0, min(100.0, value)), 1)
    return float(max(0, round(threshold * share * rng.uniform(0.8, 1.3))))


def _values(pair: _Pair, index: int, cycles: int, rng: random.Random) -> dict[int, float]:
    if pair.kind != ReportKind.CONSOLIDATED or rng.random() < 0.1:
        return {}
    share = (index + 1) / max(cycles, 4)
    return {t.pk: reported_value(t.op, t.value, t.value_high, t.unit in ("%", "％"), share, rng)
            for t in pair.targets}


def office_hours(day: date, rng: random.Random) -> datetime:
    """A moment in office hours of a day, in the site's time zone."""
    moment = datetime.combine(day, time(rng.randint(8, 17), rng.randrange(60)))
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _report(pair: _Pair, cycle: Cycle, index: int, *, rng: random.Random, as_of: date, office: User | None,
            clock: _Clock, summary: Summary) -> None:
    """One unit's report for a cycle: drafted, submitted (on time, late or not at all), approved and accepted."""
    roll = rng.random()
    if roll < 0.05:
        return  # never started
    delay = rng.randint(1, 20) if roll < 0.2 else -rng.randint(0, 12)
    submit_on = cycle.due_on + timedelta(days=delay)
    report = actions.report_for(task=pair.task, unit=pair.unit, cycle=cycle)
    summary.reports += 1
    clock.stamp(report, office_hours(min(submit_on, cycle.due_on) - timedelta(days=rng.randint(2, 6)), rng))
    _write(report, pair, index, rng=rng, clock=clock, submit_on=submit_on, cycles=4)
    if roll < 0.08 or submit_on > as_of:
        return  # a draft never submitted
    _move(report, pair, rng=rng, as_of=as_of, office=office, clock=clock, submit_on=submit_on, summary=summary)


def _write(report: Report, pair: _Pair, index: int, *, rng: random.Random, clock: _Clock, submit_on: date,
           cycles: int) -> Report:
    progress = _progress(pair, index)
    done, problems, next_steps = _texts(pair, progress, rng)
    report = actions.save_report(report=report, version=report.version, user=pair.reporter, progress=progress,
                                 done=done, problems=problems, next_steps=next_steps,
                                 values=_values(pair, index, cycles, rng))
    clock.stamp(report, office_hours(submit_on - timedelta(days=1), rng))
    return report


def _move(report: Report, pair: _Pair, *, rng: random.Random, as_of: date, office: User | None, clock: _Clock,
          submit_on: date, summary: Summary) -> None:
    """Submit, approve, and (for a lead unit's report) the office's acceptance, or a return and a second try."""
    day = submit_on
    report = actions.submit_report(report=report, user=pair.reporter)
    clock.stamp(report, office_hours(day, rng), submits=True)
    summary.submitted += 1
    day += timedelta(days=rng.randint(0, 3))
    if day > as_of:
        return
    report = actions.approve_report(report=report, user=pair.leader)
    clock.stamp(report, office_hours(day, rng))
    if pair.kind != ReportKind.CONSOLIDATED:
        return
    day += timedelta(days=rng.randint(1, 10))
    if day > as_of or rng.random() < 0.05:
        return  # waiting for the office
    if rng.random() < 0.06:
        report = actions.return_report(report=report, user=office, comment="请补充佐证材料并细化工作成效")
        clock.stamp(report, office_hours(day, rng))
        day += timedelta(days=rng.randint(2, 6))
        if day > as_of:
            return
        report = actions.save_report(report=report, version=report.version, user=pair.reporter,
                                     progress=report.progress, done=report.done + "已按要求补充相关佐证材料。",
                                     problems=report.problems, next_steps=report.next_steps, values={})
        clock.stamp(report, office_hours(day, rng))
        report = actions.submit_report(report=report, user=pair.reporter)
        clock.stamp(report, office_hours(day, rng), submits=True)
        report = actions.approve_report(report=report, user=pair.leader)
        clock.stamp(report, office_hours(day, rng))
        day += timedelta(days=rng.randint(1, 5))
        if day > as_of:
            return
    report = actions.accept_report(report=report, user=office, comment=rng.choice(["", "同意", "已审阅"]))
    clock.stamp(report, office_hours(day, rng))
    summary.accepted += 1


def _supervise(plan: Plan, cycle: Cycle, *, rng: random.Random, as_of: date, office: User | None,
               left_open: set[int], summary: Summary) -> None:
    """Three weeks after a cycle's due day the office chases two of the units whose report is still missing or lagging."""
    opened_on = cycle.due_on + timedelta(days=21)
    if opened_on > as_of:
        return
    reported = Report.objects.filter(cycle=cycle, kind=ReportKind.CONSOLIDATED, submitted_at__isnull=False) \
        .exclude(progress=Progress.LAGGING).values_list("task_id", "unit_id")
    done = set(reported)
    behind = [(a.task, a.unit) for a in Assignment.objects.filter(task__plan=plan)
              .exclude(role=AssignmentRole.PARTICIPATING).exclude(unit_id__in=left_open)
              .select_related("task", "unit").order_by("task__order", "unit__name") if (a.task_id, a.unit_id) not in done]
    if not behind:
        return
    reply_due = opened_on + timedelta(days=10)
    orders = actions.open_orders(pairs=rng.sample(behind, min(2, len(behind))), user=office, as_of=opened_on,
                                 reason=f"{cycle.label}进展报告逾期未报或工作推进滞后，请说明原因并提出整改措施",
                                 reply_due=reply_due)
    for order in orders:
        summary.orders += 1
        _restamp(order, opened_at=office_hours(opened_on, rng))
        replied_on = opened_on + timedelta(days=rng.randint(3, 12))
        if replied_on > as_of:
            continue
        order = actions.reply_order(order=order, reply=rng.choice(REPLY_PHRASES), user=None)
        _restamp(order, replied_at=office_hours(replied_on, rng))
        closed_on = replied_on + timedelta(days=rng.randint(1, 4))
        if closed_on > as_of:
            continue
        order = actions.close_order(order=order, user=office) if replied_on <= reply_due else \
            actions.escalate_order(order=order, user=office, reply_due=closed_on + timedelta(days=7))
        _restamp(order, closed_at=office_hours(closed_on, rng))


def _extensions(pairs: list[_Pair], cycles: list[Cycle], *, rng: random.Random, as_of: date, office: User | None,
                left_open: set[int], summary: Summary) -> None:
    """A few lagging units ask for a later date in the last quarter; the office grants most, refuses one and
    leaves the newest pending."""
    if len(cycles) < 4:
        return
    candidates = [p for p in pairs if p.lagging is not None and p.unit.pk not in left_open
                  and p.kind == ReportKind.CONSOLIDATED]
    original = date(cycles[-1].ends_on.year, 12, 31)
    for number, pair in enumerate(rng.sample(candidates, min(4, len(candidates)))):
        asked_on = date(original.year, 10, 8) + timedelta(days=rng.randint(0, 50))
        extension = actions.request_extension(task=pair.task, unit=pair.unit, original_due=original,
                                              requested_due=original + timedelta(days=rng.choice([90, 181])),
                                              reason=rng.choice(LATE_REASONS), user=pair.reporter)
        summary.extensions += 1
        _restamp(extension, requested_at=office_hours(asked_on, rng))
        decided_on = asked_on + timedelta(days=rng.randint(3, 10))
        if number == 3 or decided_on > as_of:
            continue
        extension = actions.decide_extension(extension=extension, grant=number != 2, user=office,
                                             note="同意延期，请按新时限完成" if number != 2 else "理由不充分，请按原时限完成")
        _restamp(extension, decided_at=office_hours(decided_on, rng))


def _restamp(record: Model, **moments: datetime) -> None:
    """Set a record's times, and its newest history row's, to the simulated moment."""
    type(record)._default_manager.filter(pk=record.pk).update(**moments)
    history: QuerySet[Any] = record.history.order_by("-history_id")  # type: ignore[attr-defined]
    latest = history.first()
    if latest is not None:
        history.filter(history_id=latest.history_id).update(history_date=max(moments.values()), **moments)


def _apply_report_times(clock: _Clock) -> None:
    """Each report's versions get the moments recorded as they were made, in order (one statement run over
    all rows: a bulk update's CASE expression over thousands of rows is far slower)."""
    history = Report.history.model
    rows = history.objects.filter(id__in=clock.report_times).order_by("id", "history_id").values_list("id", "history_id")
    seen: dict[int, int] = {}
    changes = []
    for report_id, history_id in rows:
        times = clock.report_times[report_id]
        position = seen.get(report_id, 0)
        seen[report_id] = position + 1
        moment, submitted = times[min(position, len(times) - 1)]
        changes.append((moment, moment, submitted, history_id))
    table, key = history._meta.db_table, history._meta.pk.column
    latest = [(times[-1][0], times[-1][1], pk) for pk, times in clock.report_times.items()]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET history_date = %s, updated_at = %s, submitted_at = %s "
                           f"WHERE {key} = %s", [_adapt(row) for row in changes])
        cursor.executemany(f"UPDATE {Report._meta.db_table} SET updated_at = %s, submitted_at = %s WHERE id = %s",
                           [_adapt(row) for row in latest])


def _adapt(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Datetimes as the database backend stores them (UTC, as Django's own queries would)."""
    return tuple(connection.ops.adapt_datetimefield_value(v) if isinstance(v, datetime) else v for v in row)
