"""考核 from real records: facts built with the tracking actions, scores that name their records,
recomputing that changes nothing, and who may see and mark what."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from fazhi.assess import UnitFacts
from fazhi_web.plans.models import Deadline, Plan, Task, Unit
from fazhi_web.tracking import actions
from fazhi_web.tracking.assessment import assess, facts_for
from fazhi_web.tracking.models import Cycle, NotApplicable, Report

pytestmark = pytest.mark.django_db
Login = Callable[[str], Client]
SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = date(2026, 7, 10)  # Q1 (due 4月5日) and Q2 (due 7月5日) of 2026 have passed, Q3 not


def at(day: date) -> time_machine.travel:
    return time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def cycles(pingchang_plan: Plan) -> list[Cycle]:
    return actions.open_cycles(plan=pingchang_plan, frequency="quarterly", year=2026, due_days=5, user=None)


@pytest.fixture
def shared_task(pingchang_plan: Plan) -> Task:
    """A task 县司法局 leads and 县市场监督管理局 joins, not yet reported done (the demo's 2024 progress), due
    2026年6月30日. The tests score 2026, a year the demo has no records for."""
    task = Task.objects.filter(plan=pingchang_plan, assignments__unit__name="县司法局", assignments__role="lead") \
        .filter(assignments__unit__name="县市场监督管理局").exclude(reports__progress="done").first()
    task.deadlines.all().delete()
    Deadline.objects.create(task=task, text="2026年6月底前", kind="one-off", due_on=date(2026, 6, 30))
    return task


def facts_of(plan: Plan, unit: Unit, as_of: date = AS_OF) -> UnitFacts:
    return next(f for f in facts_for(plan, 2026, as_of) if f.unit == f"unit:{unit.pk}")


def submitted(task: Task, unit: Unit, cycle: Cycle, day: date, *, progress: str = "in-progress",
              values: dict[int, float] | None = None, approve: bool = False) -> Report:
    with at(day):
        report = actions.report_for(task=task, unit=unit, cycle=cycle)
        report = actions.save_report(report=report, version=report.version, user=None, progress=progress, done="已推进",
                                     problems="", next_steps="", values=values or {})
        report = actions.submit_report(report=report, user=None)
        if approve:
            report = actions.approve_report(report=report, user=None)
    return report


def test_reports_count_as_on_time_late_or_missing_by_the_cycles_due_day(
        pingchang_plan: Plan, cycles: list[Cycle], shared_task: Task, unit_named: Callable[[str], Unit]) -> None:
    sfj, scj = unit_named("县司法局"), unit_named("县市场监督管理局")
    on_time = submitted(shared_task, sfj, cycles[0], date(2026, 4, 5))
    late = submitted(shared_task, scj, cycles[0], date(2026, 4, 8))
    mine = facts_of(pingchang_plan, sfj)
    assert f"report:{on_time.pk}" in mine.counts["reports_on_time"]
    assert f"report:{late.pk}" in facts_of(pingchang_plan, scj).counts["reports_late"]
    assert f"cycle:{cycles[1].pk}/task:{shared_task.pk}" in mine.counts["reports_missing"]  # Q2: nothing sent
    assert all(f"cycle:{cycles[2].pk}/" not in ref for ref in mine.counts["reports_due"])  # Q3: not yet due
    assert len(mine.counts["reports_due"]) == len(mine.counts["reports_on_time"]) + len(mine.counts["reports_missing"])


def test_a_report_sent_after_the_day_of_the_assessment_does_not_count_yet(
        pingchang_plan: Plan, cycles: list[Cycle], shared_task: Task, unit_named: Callable[[str], Unit]) -> None:
    sfj = unit_named("县司法局")
    report = submitted(shared_task, sfj, cycles[0], date(2026, 4, 20))
    assert f"report:{report.pk}" not in facts_of(pingchang_plan, sfj, date(2026, 4, 10)).counts["reports_due"]
    assert f"report:{report.pk}" in facts_of(pingchang_plan, sfj, date(2026, 4, 30)).counts["reports_late"]


def test_a_task_done_by_its_deadline_counts_and_one_still_open_after_it_is_overdue(
        pingchang_plan: Plan, cycles: list[Cycle], shared_task: Task, unit_named: Callable[[str], Unit]) -> None:
    sfj = unit_named("县司法局")
    before = facts_of(pingchang_plan, sfj)
    assert f"task:{shared_task.pk}" in before.counts["tasks_overdue"]
    done = submitted(shared_task, sfj, cycles[1], date(2026, 6, 28), progress="done", approve=True)
    after = facts_of(pingchang_plan, sfj)
    assert f"report:{done.pk}" in after.counts["tasks_done"]
    assert f"task:{shared_task.pk}" not in after.counts.get("tasks_overdue", ())
    assert f"task:{shared_task.pk}" not in facts_of(pingchang_plan, unit_named("县市场监督管理局")).counts.get(
        "tasks_due", ())  # a participating unit is not scored on the lead's task


def test_the_latest_target_value_of_the_year_decides_whether_it_is_met(
        pingchang_plan: Plan, cycles: list[Cycle], unit_named: Callable[[str], Unit]) -> None:
    sfj = unit_named("县司法局")
    task = Task.objects.filter(plan=pingchang_plan, targets__op=">=", assignments__unit=sfj).exclude(
        assignments__role="participating", assignments__unit=sfj).first() or \
        Task.objects.filter(plan=pingchang_plan, targets__op=">=", assignments__unit=sfj).first()
    target = task.targets.filter(op=">=").first()
    submitted(task, sfj, cycles[0], date(2026, 4, 1), values={target.pk: target.value - 1})
    first = facts_of(pingchang_plan, sfj).counts
    assert len(first["targets_missed"]) == 1 and "targets_met" not in first
    latest = submitted(task, sfj, cycles[1], date(2026, 7, 1), values={target.pk: target.value})
    second = facts_of(pingchang_plan, sfj).counts
    assert second["targets_met"] == (f"report:{latest.pk}",) and "targets_missed" not in second


def test_supervision_orders_are_answered_on_time_late_or_not_at_all(
        pingchang_plan: Plan, shared_task: Task, unit_named: Callable[[str], Unit]) -> None:
    sfj = unit_named("县司法局")
    with at(date(2026, 5, 1)):
        orders = actions.open_orders(pairs=[(shared_task, sfj)] * 3, reason="进度滞后", reply_due=date(2026, 5, 20),
                                     user=None, as_of=date(2026, 5, 1))
    with at(date(2026, 5, 18)):
        actions.reply_order(order=orders[0], reply="已整改", user=None)
    with at(date(2026, 6, 2)):
        actions.reply_order(order=orders[1], reply="已整改", user=None)
    counts = facts_of(pingchang_plan, sfj).counts
    assert (counts["orders_on_time"], counts["orders_late"], counts["orders_unanswered"]) == (
        (f"order:{orders[0].pk}",), (f"order:{orders[1].pk}",), (f"order:{orders[2].pk}",))
    score = assess(pingchang_plan, 2026, AS_OF).score_of(f"unit:{sfj.pk}")
    line = next(line for line in score.lines if line.rule == "order-unanswered")
    assert (line.points, line.refs) == (-2, (f"order:{orders[2].pk}",))


def test_recomputing_from_the_same_records_gives_the_identical_result(
        pingchang_plan: Plan, cycles: list[Cycle], shared_task: Task, unit_named: Callable[[str], Unit],
        login: Login) -> None:
    submitted(shared_task, unit_named("县司法局"), cycles[0], date(2026, 4, 2), progress="done", approve=True)
    first, again = assess(pingchang_plan, 2026, AS_OF), assess(pingchang_plan, 2026, AS_OF)
    assert first == again and first.digest() == again.digest()
    assert len({s.unit for s in first.scores}) == len(first.scores) > 2
    assert [s.rank for s in first.scores] == sorted(s.rank for s in first.scores)
    page = login("office").get(f"/plans/{pingchang_plan.pk}/assessment/?year=2026&as_of=2026-07-10").content.decode()
    assert first.digest()[:12] in page


def test_the_breakdown_lists_every_point_with_links_to_its_records(
        pingchang_plan: Plan, cycles: list[Cycle], shared_task: Task, unit_named: Callable[[str], Unit],
        login: Login) -> None:
    sfj = unit_named("县司法局")
    report = submitted(shared_task, sfj, cycles[0], date(2026, 4, 2))
    response = login("reporter").get(f"/plans/{pingchang_plan.pk}/assessment/{sfj.pk}/?year=2026&as_of=2026-07-10")
    page = response.content.decode()
    assert response.status_code == 200
    assert f"/reports/{report.pk}/" in page and f"/cycles/{cycles[1].pk}/" in page
    score = response.context["score"]
    assert str(score.total) in page and score.total == sum(line.points for line in score.lines)


def test_a_not_applicable_indicator_moves_its_weight_to_its_siblings(
        pingchang_plan: Plan, unit_named: Callable[[str], Unit], login: Login) -> None:
    sfj = unit_named("县司法局")
    url = f"/plans/{pingchang_plan.pk}/assessment/{sfj.pk}/"
    office = login("office")
    assert office.post(f"{url}not-applicable/", {"year": 2026, "code": "4.2", "reason": "本单位执法案卷由上级评查"}
                       ).status_code == 302
    marking = NotApplicable.objects.get(unit=sfj, code="4.2")
    lines = {line.rule: line for line in office.get(f"{url}?year=2026&by=indicators").context["score"].lines}
    assert "本单位执法案卷由上级评查" in lines["4.2"].note
    assert lines["4.1.1"].weight > 4
    office.post(f"{url}not-applicable/", {"year": 2026, "withdraw": marking.pk})
    marking.refresh_from_db()
    assert marking.withdrawn and marking.history.count() == 2  # withdrawn, never deleted


@pytest.mark.parametrize(("form", "message"), [
    pytest.param({"code": "9.9", "reason": "无"}, "没有编号", id="unknown-indicator"),
    pytest.param({"code": "4.2", "reason": " "}, "理由", id="no-reason"),
])
def test_a_bad_not_applicable_marking_is_refused_with_a_message(
        pingchang_plan: Plan, unit_named: Callable[[str], Unit], login: Login, form: dict[str, str],
        message: str) -> None:
    url = f"/plans/{pingchang_plan.pk}/assessment/{unit_named('县司法局').pk}/not-applicable/"
    page = login("office").post(url, {"year": 2026, **form}, follow=True).content.decode()
    assert message in page
    assert not NotApplicable.objects.exists()


def test_the_office_and_the_upper_viewer_see_every_unit_and_a_reporter_only_their_own(
        pingchang_plan: Plan, login: Login, unit_named: Callable[[str], Unit]) -> None:
    url = f"/plans/{pingchang_plan.pk}/assessment/?year=2026"
    everyone = [s.name for s, _ in login("office").get(url).context["rows"]]
    assert len(everyone) > 2 and [s.name for s, _ in login("upper").get(url).context["rows"]] == everyone
    own = login("reporter").get(url)
    assert [s.name for s, _ in own.context["rows"]] == ["县司法局"]
    assert "县市场监督管理局" not in own.content.decode().split("<table")[1]


def test_a_reporter_cannot_open_another_units_breakdown_nor_mark_anything(
        pingchang_plan: Plan, login: Login, unit_named: Callable[[str], Unit]) -> None:
    sfj, scj = unit_named("县司法局"), unit_named("县市场监督管理局")
    base = f"/plans/{pingchang_plan.pk}/assessment/"
    assert login("reporter").get(f"{base}{scj.pk}/").status_code == 404
    assert login("reporter2").get(f"{base}{scj.pk}/").status_code == 200
    for who in ("reporter", "leader", "upper"):
        response = login(who).post(f"{base}{sfj.pk}/not-applicable/", {"year": 2026, "code": "4.2", "reason": "x"})
        assert response.status_code == 403
    assert login("reporter2").post(f"{base}{sfj.pk}/not-applicable/", {"year": 2026, "code": "4.2", "reason": "x"}
                                   ).status_code == 404
    assert not NotApplicable.objects.exists()


def test_another_jurisdictions_plan_and_units_answer_404(login: Login, pingchang_plan: Plan) -> None:
    other = Plan.objects.exclude(jurisdiction=pingchang_plan.jurisdiction).filter(
        jurisdiction__name="泾川县").first()
    unit = Unit.objects.filter(jurisdiction=other.jurisdiction).first()
    for who in ("office", "reporter", "upper"):
        assert login(who).get(f"/plans/{other.pk}/assessment/").status_code == 404
        assert login(who).get(f"/plans/{other.pk}/assessment/{unit.pk}/").status_code == 404
    assert Client().get(f"/plans/{pingchang_plan.pk}/assessment/").status_code == 302
    assert User.objects.filter(username="office").exists()
