"""The plan dashboard: its figures from known records, who may open it, that it loads nothing from another
host, and the demo's generated year of progress (deterministic, plausible)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.db import transaction
from django.test import Client

from fazhi_web.plans import actions as plan_actions
from fazhi_web.plans.demo import PROGRESS_AS_OF, PROGRESS_YEAR
from fazhi_web.plans.models import Jurisdiction, Plan, Task, Unit
from fazhi_web.tracking import actions, dashboard
from fazhi_web.tracking.demo import generate_progress
from fazhi_web.tracking.models import Cycle, Extension, Progress, Report, ReportStatus, SupervisionOrder

pytestmark = pytest.mark.django_db
Login = Callable[[str], Client]
SHANGHAI = ZoneInfo("Asia/Shanghai")

PLAN_TEXT = """平昌县2025年法治政府建设工作要点

一、推进政府职能依法全面履行

1.动态调整权责清单，规范行政许可事项。（牵头单位：县司法局；配合单位：县市场监督管理局）

2.全面推行“双随机、一公开”监管。（牵头单位：县市场监督管理局）

二、健全依法行政制度体系

3.落实规范性文件合法性审查机制，审查率达100%。（牵头单位：县司法局）
"""


@pytest.fixture
def small_plan(pingchang: Jurisdiction) -> Plan:
    """Three tasks: 1 led by 县司法局 with 县市场监督管理局 taking part, 2 led by 县市场监督管理局, 3 (with a
    target, 审查率≥100%) led by 县司法局."""
    office = User.objects.get(username="office")
    draft = plan_actions.import_document(jurisdiction=pingchang, filename="small.txt", data=PLAN_TEXT.encode(),
                                         user=office)
    return plan_actions.publish_draft(draft=draft, version=draft.version, user=office)


def _send(task: Task, unit: Unit, cycle: Cycle, *, progress: str, on: date | None, approve: bool = True,
          accept: bool = False, values: dict[int, float] | None = None) -> Report:
    """A unit's report, submitted on a given day (None: left as a draft), then approved and accepted."""
    report = actions.report_for(task=task, unit=unit, cycle=cycle)
    report = actions.save_report(report=report, version=report.version, user=None, progress=progress, done="已推进",
                                 problems="", next_steps="", values=values or {})
    if on is None:
        return report
    with time_machine.travel(datetime.combine(on, time(10), tzinfo=SHANGHAI), tick=False):
        report = actions.submit_report(report=report, user=None)
        if approve:
            report = actions.approve_report(report=report, user=None)
        if accept:
            report = actions.accept_report(report=report, user=None)
    return report


@pytest.fixture
def known(small_plan: Plan, unit_named: Callable[[str], Unit]) -> dashboard.Dashboard:
    """Two quarters of 2025 as of 20 July: 一季度 (due 5 April) and 二季度 (due 5 July) are due, 三季度 has begun."""
    t1, t2, t3 = Task.objects.filter(plan=small_plan).order_by("order")
    judiciary, market = unit_named("县司法局"), unit_named("县市场监督管理局")
    target = t3.targets.get()
    q1, q2, *_ = actions.open_cycles(plan=small_plan, frequency="quarterly", year=2025, due_days=5, user=None)
    _send(t1, judiciary, q1, progress=Progress.IN_PROGRESS, on=date(2025, 4, 3), accept=True)
    _send(t1, market, q1, progress=Progress.IN_PROGRESS, on=date(2025, 4, 10))  # a late contribution
    _send(t3, judiciary, q1, progress=Progress.IN_PROGRESS, on=date(2025, 4, 5), accept=True,
          values={target.pk: 98})
    # 二季度: t1 done (approved, not yet accepted), t3 ongoing and its target met, t2 only a draft, t1's contribution missing
    _send(t1, judiciary, q2, progress=Progress.DONE, on=date(2025, 7, 1))
    _send(t3, judiciary, q2, progress=Progress.ONGOING, on=date(2025, 7, 4), accept=True, values={target.pk: 100})
    _send(t2, market, q2, progress=Progress.DONE, on=None)
    return dashboard.build(small_plan, as_of=date(2025, 7, 20))


# ------------------------------------------------------------------------------------------ the figures


def test_the_trend_counts_reports_on_time_late_missing_and_accepted_per_due_cycle(known: dashboard.Dashboard) -> None:
    rows = [(c.label, c.expected, c.on_time, c.late, c.missing, c.consolidated, c.accepted) for c in known.trend]
    assert rows == [("2025年第一季度", 4, 2, 1, 1, 3, 2), ("2025年第二季度", 4, 2, 0, 2, 3, 1)]  # 三季度 not yet due
    assert (known.trend[0].on_time_share, known.trend[1].accepted_share) == (50.0, 33.3)
    assert [c.label for c in known.facts.cycles] == ["2025年第一季度", "2025年第二季度", "2025年第三季度"]


def test_completion_counts_each_part_by_its_latest_approved_report(known: dashboard.Dashboard) -> None:
    categories = [label for _, label in dashboard.CATEGORIES]
    assert categories == ["已完成", "常态化推进", "推进中", "滞后", "未启动", "未报送"]
    # sections: the lead units' parts (t1 done; t2 a draft only; t3 ongoing)
    assert [(s.name, s.counts) for s in known.sections] == [
        ("一、推进政府职能依法全面履行", [1, 0, 0, 0, 0, 1]), ("二、健全依法行政制度体系", [0, 1, 0, 0, 0, 0])]
    # units: every part, the contribution included
    assert [(u.name, u.counts) for u in known.units] == [
        ("县司法局", [1, 1, 0, 0, 0, 0]), ("县市场监督管理局", [0, 0, 1, 0, 0, 1])]
    assert known.sections[0].done_share == 50.0


def test_the_heatmap_counts_late_and_missing_reports_by_unit_and_due_month(known: dashboard.Dashboard) -> None:
    heat = known.heatmap
    assert heat.months == ["2025年4月", "2025年5月", "2025年6月", "2025年7月"]
    assert dict(zip(heat.units, heat.counts, strict=True)) == {"县市场监督管理局": [2, 0, 0, 2], "县司法局": [0, 0, 0, 0]}
    assert heat.units[0] == "县市场监督管理局"  # the most overdue first


def test_a_target_is_judged_by_each_units_latest_approved_value(known: dashboard.Dashboard) -> None:
    (row,) = known.targets
    assert (row.met, row.not_met, row.no_data) == (1, 0, 0)  # 98 in 一季度, 100 in 二季度
    assert (row.label, row.text) == ("3.审查率 ≥100%", "审查率达100%")


def test_a_plan_without_cycles_shows_no_figures(small_plan: Plan, login: Login) -> None:
    empty = dashboard.build(small_plan, as_of=date(2025, 7, 20))
    assert (empty.trend, empty.heatmap.months, empty.on_time_share) == ([], [], 0.0)
    assert "尚未设置报送周期" in login("office").get(f"/plans/{small_plan.pk}/dashboard/").content.decode()


# ------------------------------------------------------------------------------------------ the page


def test_the_office_sees_the_figures_as_charts_and_as_tables(login: Login, known: dashboard.Dashboard,
                                                             small_plan: Plan) -> None:
    with time_machine.travel(date(2025, 7, 20)):
        page = login("office").get(f"/plans/{small_plan.pk}/dashboard/?year=2025").content.decode()
    assert 'id="dashboard-data" type="application/json"' in page
    assert 'id="chart-heatmap"' in page and "<table" in page
    assert "2025年第一季度" in page and "50.0%" in page  # the trend table


@pytest.mark.parametrize(("user", "status"), [
    pytest.param("office", 200, id="office"),
    pytest.param("upper", 200, id="upper-viewer"),
    pytest.param("reporter", 403, id="reporter"),
    pytest.param("reporter2", 403, id="reporter2"),
    pytest.param("leader", 403, id="leader"),
])
def test_only_the_office_and_the_levels_above_open_the_dashboard(login: Login, pingchang_plan: Plan, user: str,
                                                                  status: int) -> None:
    response = login(user).get(f"/plans/{pingchang_plan.pk}/dashboard/")
    assert response.status_code == status
    if status != 200:
        assert "dashboard-data" not in response.content.decode()


def test_another_jurisdictions_dashboard_is_not_found_and_anonymous_must_sign_in(login: Login) -> None:
    suining = Plan.objects.get(jurisdiction__name="遂宁市")
    assert login("office").get(f"/plans/{suining.pk}/dashboard/").status_code == 404
    assert login("upper").get(f"/plans/{suining.pk}/dashboard/").status_code == 200
    assert Client().get(f"/plans/{suining.pk}/dashboard/").status_code == 302


def test_the_plan_page_links_to_the_dashboard_for_the_office(login: Login, pingchang_plan: Plan) -> None:
    assert f"/plans/{pingchang_plan.pk}/dashboard/" in login("office").get(f"/plans/{pingchang_plan.pk}/").content.decode()


def test_the_page_loads_nothing_from_another_host(login: Login, pingchang_plan: Plan) -> None:
    page = login("office").get(f"/plans/{pingchang_plan.pk}/dashboard/").content.decode()
    addresses = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert "/static/vendor/echarts.min.js" in addresses and "/static/fazhi/dashboard.js" in addresses
    assert [a for a in addresses if not a.startswith(("/", "?", "#"))] == []
    assert [a for a in addresses if a.startswith("//")] == []  # no protocol-relative address either
    assert finders.find("vendor/echarts.min.js"), "run `make install`: it copies ECharts from node_modules"


def test_names_reach_the_charts_as_data_never_as_code(login: Login, pingchang_plan: Plan,
                                                      unit_named: Callable[[str], Unit]) -> None:
    Unit.objects.filter(pk=unit_named("江口街道").pk).update(name="</script><script>alert(1)</script>")
    page = login("office").get(f"/plans/{pingchang_plan.pk}/dashboard/").content.decode()
    assert "<script>alert(1)" not in page
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)" in page  # inside the json_script data


# ------------------------------------------------------------------------------------------ the demo


def _fingerprint(plan: Plan) -> list[tuple[object, ...]]:
    reports = Report.objects.filter(task__plan=plan).values_list(
        "task__order", "unit__name", "cycle__label", "status", "progress", "done", "problems", "submitted_at")
    return sorted(reports, key=repr)


def test_the_generated_progress_is_the_same_for_the_same_seed(small_plan: Plan) -> None:
    runs = []
    for seed in (7, 7, 8):
        with transaction.atomic():
            generate_progress(plan=small_plan, year=2024, as_of=date(2025, 1, 20), seed=seed)
            runs.append(_fingerprint(small_plan))
            transaction.set_rollback(True)
    assert runs[0] == runs[1] and runs[0]
    assert runs[0] != runs[2]


def test_the_demo_has_a_plausible_year_of_progress(pingchang_plan: Plan) -> None:
    figures = dashboard.build(pingchang_plan, as_of=date(2026, 1, 1), year=PROGRESS_YEAR)
    assert len(figures.trend) == 4
    assert 60 <= figures.on_time_share <= 95
    assert all(c.late and c.missing and c.accepted for c in figures.trend)
    reports = Report.objects.filter(task__plan=pingchang_plan)
    assert set(reports.values_list("progress", flat=True)) == set(Progress.values)  # every status occurs
    assert {ReportStatus.ACCEPTED, ReportStatus.APPROVED, ReportStatus.DRAFT} <= set(reports.values_list("status", flat=True))
    moments = [m for m in reports.values_list("submitted_at", flat=True) if m]
    assert date(2024, 3, 1) <= min(moments).date() and max(moments).date() <= PROGRESS_AS_OF
    assert Extension.objects.filter(task__plan=pingchang_plan).count() >= 2
    assert SupervisionOrder.objects.filter(task__plan=pingchang_plan).count() >= 2
    assert any(t.met and t.not_met for t in figures.targets)
