"""A reporting cycle from the units' reports to the office's acceptance, with its refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fazhi_web.plans.models import Membership, Plan, Role, Task, Unit
from fazhi_web.tracking import actions
from fazhi_web.tracking.models import Cycle, Evidence, Report, ReportStatus

pytestmark = pytest.mark.django_db
Login = Callable[[str], Client]


@pytest.fixture
def cycle(pingchang_plan: Plan) -> Cycle:
    return actions.open_cycles(plan=pingchang_plan, frequency="quarterly", year=2024, due_days=5, user=None)[2]


@pytest.fixture
def shared_task(pingchang_plan: Plan) -> Task:
    """A task 县司法局 leads and 县市场监督管理局 joins."""
    return Task.objects.filter(plan=pingchang_plan, assignments__unit__name="县司法局", assignments__role="lead") \
        .filter(assignments__unit__name="县市场监督管理局").first()


@pytest.fixture
def market_leader(unit_named: Callable[[str], Unit]) -> User:
    user = User.objects.create_user("leader2")
    Membership.objects.create(user=user, role=Role.LEADER, jurisdiction=unit_named("县市场监督管理局").jurisdiction,
                              unit=unit_named("县市场监督管理局"))
    return user


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _report(login: Login, who: str, task: Task, cycle: Cycle) -> Report:
    response = login(who).post(f"/tasks/{task.pk}/report/{cycle.pk}/")
    assert response.status_code == 302, response.content.decode()[:300]
    return Report.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))


def _fill(client: Client, report: Report, **fields: str) -> object:
    data = {"version": report.version, "progress": "in-progress", "done": "已完成季度工作", "problems": "",
            "next_steps": "", **fields}
    return client.post(f"/reports/{report.pk}/", data)


def test_a_full_cycle_from_contribution_to_acceptance(login: Login, cycle: Cycle, shared_task: Task,
                                                      market_leader: User) -> None:
    contribution = _report(login, "reporter2", shared_task, cycle)
    assert contribution.kind == "contribution"
    reporter2 = login("reporter2")
    assert _fill(reporter2, contribution, done="配合开展执法检查 3 次").status_code == 302
    reporter2.post(f"/reports/{contribution.pk}/submit/")
    _as(market_leader).post(f"/reports/{contribution.pk}/approve/")
    assert Report.objects.get(pk=contribution.pk).status == ReportStatus.APPROVED

    consolidated = _report(login, "reporter", shared_task, cycle)
    reporter = login("reporter")
    assert "配合开展执法检查 3 次" in reporter.get(f"/reports/{consolidated.pk}/").content.decode()
    _fill(reporter, consolidated, progress="done", done="全面完成")
    reporter.post(f"/reports/{consolidated.pk}/submit/")
    assert reporter.post(f"/reports/{consolidated.pk}/approve/").status_code == 403  # a reporter cannot approve
    login("leader").post(f"/reports/{consolidated.pk}/approve/")
    login("office").post(f"/reports/{consolidated.pk}/accept/", {"comment": "同意"})
    accepted = Report.objects.get(pk=consolidated.pk)
    assert (accepted.status, accepted.comment) == (ReportStatus.ACCEPTED, "同意")
    assert accepted.history.count() >= 4  # every version kept


def test_the_office_returns_a_report_with_a_reason_and_the_unit_can_edit_again(login: Login, cycle: Cycle,
                                                                              shared_task: Task) -> None:
    report = _report(login, "reporter", shared_task, cycle)
    _fill(login("reporter"), report)
    login("reporter").post(f"/reports/{report.pk}/submit/")
    login("leader").post(f"/reports/{report.pk}/approve/")
    login("office").post(f"/reports/{report.pk}/return/", {"comment": "请补充佐证材料"})
    report.refresh_from_db()
    assert (report.status, report.comment) == (ReportStatus.RETURNED, "请补充佐证材料")
    assert _fill(login("reporter"), report, done="已补充").status_code == 302


def test_two_people_saving_the_same_report_the_second_is_refused(login: Login, cycle: Cycle,
                                                                 shared_task: Task) -> None:
    report = _report(login, "reporter", shared_task, cycle)
    first, second = login("reporter"), login("reporter")
    _fill(first, report, done="第一人")
    page = second.post(f"/reports/{report.pk}/", {"version": report.version, "progress": "in-progress",
                                                   "done": "第二人"}, follow=True).content.decode()
    assert "已被他人修改" in page
    assert Report.objects.get(pk=report.pk).done == "第一人"


@pytest.mark.parametrize(("value", "message"), [
    pytest.param("九十", "不是数字", id="not-a-number"),
    pytest.param("120", "0—100", id="percent-over-100"),
    pytest.param("-3", "超出范围", id="negative"),
])
def test_a_bad_target_value_is_refused_at_the_field(login: Login, cycle: Cycle, pingchang_plan: Plan,
                                                    value: str, message: str) -> None:
    task = Task.objects.filter(plan=pingchang_plan, targets__unit="%", assignments__unit__name="县司法局").first()
    report = _report(login, "reporter", task, cycle)
    target = task.targets.filter(unit="%").first()
    response = _fill(login("reporter"), report, **{f"target_{target.pk}": value})
    assert response.status_code == 400 and message in response.content.decode()
    assert not report.values.exists()


@pytest.mark.parametrize(("name", "data", "message"), [
    pytest.param("a.exe", b"MZ", "只能是", id="forbidden-type"),
    pytest.param("a.pdf", b"not a pdf", "不符", id="lying-extension"),
    pytest.param("a.pdf", b"%PDF-1.4" + b"0" * 200, "上限", id="too-large"),
])
def test_bad_evidence_is_refused_before_anything_is_stored(login: Login, cycle: Cycle, shared_task: Task,
                                                            settings: object, name: str, data: bytes,
                                                            message: str) -> None:
    settings.FAZHI_MAX_EVIDENCE_BYTES = 100  # type: ignore[attr-defined]
    report = _report(login, "reporter", shared_task, cycle)
    page = login("reporter").post(f"/reports/{report.pk}/evidence/", {"file": SimpleUploadedFile(name, data)},
                                  follow=True).content.decode()
    assert message in page
    assert not Evidence.objects.exists()


def test_evidence_is_kept_and_downloaded_by_those_who_may_see_the_report(login: Login, cycle: Cycle,
                                                                        shared_task: Task) -> None:
    report = _report(login, "reporter", shared_task, cycle)
    login("reporter").post(f"/reports/{report.pk}/evidence/", {"file": SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4 x")})
    evidence = Evidence.objects.get()
    assert login("reporter").get(f"/evidence/{evidence.pk}/").status_code == 200
    assert login("reporter2").get(f"/evidence/{evidence.pk}/").status_code == 404  # another unit's draft


def test_one_unit_cannot_read_another_units_draft_nor_the_office_before_it_is_submitted(
        login: Login, cycle: Cycle, shared_task: Task) -> None:
    report = _report(login, "reporter2", shared_task, cycle)
    assert login("reporter").get(f"/reports/{report.pk}/").status_code == 404
    assert login("office").get(f"/reports/{report.pk}/").status_code == 404
    assert login("reporter2").get(f"/reports/{report.pk}/").status_code == 200


def test_a_participating_unit_cannot_edit_the_leads_consolidation(login: Login, cycle: Cycle,
                                                                  shared_task: Task) -> None:
    report = _report(login, "reporter", shared_task, cycle)
    _fill(login("reporter"), report)
    login("reporter").post(f"/reports/{report.pk}/submit/")
    login("leader").post(f"/reports/{report.pk}/approve/")
    response = _fill(login("reporter2"), report, done="篡改")
    assert response.status_code in (403, 404)
    assert Report.objects.get(pk=report.pk).done != "篡改"


def test_cycles_are_set_by_the_office_only_and_twice_changes_nothing(login: Login, pingchang_plan: Plan) -> None:
    assert login("reporter").post(f"/plans/{pingchang_plan.pk}/cycles/", {"frequency": "monthly", "year": 2025,
                                                                          "due_days": 5}).status_code == 403
    office = login("office")
    for _ in range(2):
        office.post(f"/plans/{pingchang_plan.pk}/cycles/", {"frequency": "monthly", "year": 2025, "due_days": 5})
    assert Cycle.objects.filter(plan=pingchang_plan, frequency="monthly").count() == 12
    assert Cycle.objects.get(plan=pingchang_plan, frequency="monthly", starts_on=date(2025, 12, 1)).due_on == \
        date(2026, 1, 5)


def test_every_version_of_a_report_is_viewable_with_who_and_what_changed(login: Login, cycle: Cycle,
                                                                          shared_task: Task) -> None:
    report = _report(login, "reporter", shared_task, cycle)
    _fill(login("reporter"), report, done="第一稿")
    report.refresh_from_db()
    _fill(login("reporter"), report, done="第二稿")
    page = login("reporter").get(f"/reports/{report.pk}/history/").content.decode()
    assert "第一稿" in page and "第二稿" in page and "县司法局填报员" in page


def test_a_task_shows_each_targets_reported_values_against_its_threshold(login: Login, cycle: Cycle,
                                                                        pingchang_plan: Plan) -> None:
    task = Task.objects.filter(plan=pingchang_plan, targets__unit="%", assignments__unit__name="县司法局",
                               assignments__role="lead").first()
    report = _report(login, "reporter", task, cycle)
    target = task.targets.filter(unit="%").first()
    low = target.value - 10
    _fill(login("reporter"), report, **{f"target_{target.pk}": f"{low:g}"})
    login("reporter").post(f"/reports/{report.pk}/submit/")
    page = login("office").get(f"/tasks/{task.pk}/").content.decode()
    assert "量化指标完成情况" in page and "未达标" in page


def test_a_task_page_shows_one_year_of_reports_at_a_time_with_the_other_years_linked(
        login: Login, pingchang_plan: Plan, shared_task: Task) -> None:
    """Years of quarterly reports would make the page grow without end: it shows the latest year, or the one asked."""
    earlier = actions.open_cycles(plan=pingchang_plan, frequency="quarterly", year=2023, due_days=5, user=None)[0]
    later = actions.open_cycles(plan=pingchang_plan, frequency="quarterly", year=2024, due_days=5, user=None)[0]
    for cycle in (earlier, later):
        _report(login, "reporter", shared_task, cycle)
    reporter = login("reporter")  # the drafts are its own to see
    latest = reporter.get(f"/tasks/{shared_task.pk}/").content.decode()
    assert "进展报告（2024年）" in latest and later.label in latest and earlier.label not in latest
    assert '<a href="?year=2023">2023年</a>' in latest
    chosen = reporter.get(f"/tasks/{shared_task.pk}/?year=2023").content.decode()
    assert "进展报告（2023年）" in chosen and earlier.label in chosen and later.label not in chosen
    unknown = reporter.get(f"/tasks/{shared_task.pk}/?year=1999").content.decode()
    assert "进展报告（2024年）" in unknown
