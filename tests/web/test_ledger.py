"""The progress ledger (进展台账) of a cycle as .xlsx: the office's whole ledger matches the database row by row,
a unit's people get their own unit's rows only, drafts stay with their unit, withdrawn evidence is not
counted, and the cycle page offers each person the ledger they may download; a whole ledger too large for the
request is built as a background job and downloaded from the job's page. Who may open each URL: the
rows in test_permissions.py."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fazhi.export import ledger as core
from fazhi_web.jobs.models import Job, JobKind, JobStatus
from fazhi_web.plans.models import Assignment, AssignmentRole, Plan, Task, TaskStatus, Unit
from fazhi_web.tracking import actions
from fazhi_web.tracking.ledger import build_ledger
from fazhi_web.tracking.models import Cycle, Evidence, Progress, Report, ReportStatus

pytestmark = pytest.mark.django_db
Login = Callable[[str], Client]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIRST = core.HEADER_ROW + 2  # the first data row, counted from 1 as openpyxl does
COLUMN = {name: number for number, name in enumerate(core.HEADERS)}


def _download(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return response


def _rows(response: Any, sheet: str = "台账") -> list[dict[str, Any]]:
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [{name: row[number] for name, number in COLUMN.items()}
            for row in book[sheet].iter_rows(min_row=FIRST, values_only=True)]


def _whole(cycle: Cycle) -> str:
    return reverse("cycle-ledger", kwargs={"pk": cycle.pk})


def _of_unit(cycle: Cycle, unit: Unit) -> str:
    return reverse("cycle-unit-ledger", kwargs={"pk": cycle.pk, "unit": unit.pk})


@pytest.fixture
def reported_cycle(pingchang_plan: Plan) -> Cycle:
    """The demo cycle of 平昌县 with the most reports (the demo's year of progress)."""
    found = Cycle.objects.filter(plan=pingchang_plan).annotate(n=Count("reports")).order_by("-n", "pk").first()
    assert found is not None and found.n > 0
    return found


@pytest.fixture
def cycle(pingchang_plan: Plan) -> Cycle:
    """A cycle nobody has reported in yet."""
    return actions.open_cycles(plan=pingchang_plan, frequency="monthly", year=2025, due_days=5, user=None)[0]


@pytest.fixture
def shared_task(pingchang_plan: Plan, unit_named: Callable[[str], Unit]) -> Task:
    """The task 县司法局 leads and 县市场监督管理局 joins."""
    found = Task.objects.filter(plan=pingchang_plan, status=TaskStatus.ACTIVE,
                                assignments__unit=unit_named("县司法局"), assignments__role=AssignmentRole.LEAD) \
        .filter(assignments__unit=unit_named("县市场监督管理局"), assignments__role=AssignmentRole.PARTICIPATING) \
        .order_by("order").first()
    assert found is not None
    return found


def _write(task: Task, unit: Unit, cycle: Cycle, who: str, done: str, progress: str = Progress.IN_PROGRESS) -> Report:
    report = actions.report_for(task=task, unit=unit, cycle=cycle)
    return actions.save_report(report=report, version=report.version, user=User.objects.get(username=who),
                               progress=progress, done=done, problems="人手不足", next_steps="加快进度", values={})


def _accepted(task: Task, unit: Unit, cycle: Cycle, done: str, progress: str = Progress.LAGGING,
              evidence: int = 0) -> Report:
    """Written with ``evidence`` files attached (while it is a draft: a sent report takes no more), then carried
    through submission, approval and acceptance."""
    report = _write(task, unit, cycle, "reporter", done, progress)
    _evidence(report, evidence)
    actions.submit_report(report=report, user=User.objects.get(username="reporter"))
    actions.approve_report(report=report, user=User.objects.get(username="leader"))
    actions.accept_report(report=report, user=User.objects.get(username="office"))
    report.refresh_from_db()
    return report


def _evidence(report: Report, count: int) -> list[Evidence]:
    return [actions.add_evidence(report=report, filename=f"佐证{n}.pdf", data=b"%PDF-1.4 " + bytes([n]),
                                 user=User.objects.get(username="reporter")) for n in range(count)]


# ------------------------------------------------------------------------------------------ the whole ledger


def test_the_office_gets_one_row_per_task_and_unit_with_the_status_the_database_holds(
        login: Login, reported_cycle: Cycle) -> None:
    rows = _rows(_download(login("office"), _whole(reported_cycle)))
    assignments = Assignment.objects.filter(task__plan=reported_cycle.plan, task__status=TaskStatus.ACTIVE)
    reports = {(r.task_id, r.unit_id): r for r in Report.objects.filter(cycle=reported_cycle)}
    expected = Counter()
    for a in assignments.select_related("task", "unit"):
        report = reports.get((a.task_id, a.unit_id))
        seen = report is not None and report.status != ReportStatus.DRAFT  # the office never sees a draft
        expected[(a.task.heading, a.unit.name, report.get_status_display() if seen else "未填报",
                  report.get_progress_display() if seen else None, (report.done or None) if seen else None)] += 1
    found = Counter((r["任务"], r["责任单位"], r["填报状态"], r["进展"], r["工作进展"]) for r in rows)
    assert found == expected
    assert len(rows) == assignments.count() > 0


def test_the_whole_ledger_keeps_its_filters_and_its_chinese_file_name(login: Login, reported_cycle: Cycle) -> None:
    response = _download(login("office"), _whole(reported_cycle))
    name = f"{reported_cycle.plan.title[:40]}_{reported_cycle.label}_进展台账.xlsx"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["台账"]
    assert sheet["A1"].value == f"{reported_cycle.plan.title} {reported_cycle.label} 进展台账"
    assert sheet.auto_filter.ref == f"A{FIRST - 1}:N{sheet.max_row}"
    assert sheet.print_title_rows == f"${FIRST - 1}:${FIRST - 1}"


def test_a_large_whole_ledger_is_built_as_a_job_and_downloaded_from_its_page(
        login: Login, reported_cycle: Cycle, settings: Any) -> None:
    office = login("office")
    direct = _rows(_download(office, _whole(reported_cycle)))
    settings.FAZHI_LEDGER_DIRECT_ROWS = len(direct) - 1  # one row too many to build in the request
    offer = office.get(_whole(reported_cycle))
    assert offer.status_code == 200 and "text/html" in offer["Content-Type"]
    job_url = reverse("cycle-ledger-job", kwargs={"pk": reported_cycle.pk})
    assert f"共 {len(direct)} 行" in offer.content.decode() and f'action="{job_url}"' in offer.content.decode()
    started = office.post(job_url)
    job = Job.objects.get(owner__username="office", kind=JobKind.LEDGER)
    assert started["Location"] == job.get_absolute_url()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 3, 3)
    download = reverse("job-download", kwargs={"pk": job.pk})
    assert f'href="{download}"' in office.get(job.get_absolute_url()).content.decode()
    response = office.get(download)
    assert response["Content-Type"] == XLSX and response["Cache-Control"] == "private, no-store"
    name = f"{reported_cycle.plan.title[:40]}_{reported_cycle.label}_进展台账.xlsx"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"
    assert _rows(SimpleNamespace(content=b"".join(response.streaming_content))) == direct  # as the direct download
    assert login("reporter").get(download).status_code == 404


def test_a_reporter_may_not_start_the_whole_ledgers_job(login: Login, cycle: Cycle, settings: Any) -> None:
    settings.FAZHI_LEDGER_DIRECT_ROWS = 0
    assert login("reporter").post(reverse("cycle-ledger-job", kwargs={"pk": cycle.pk})).status_code == 403
    assert not Job.objects.filter(kind=JobKind.LEDGER).exists()


def test_the_whole_ledger_shows_summaries_evidence_and_submission_times(
        login: Login, cycle: Cycle, shared_task: Task, unit_named: Callable[[str], Unit]) -> None:
    report = _accepted(shared_task, unit_named("县司法局"), cycle, "完成权责清单动态调整", evidence=3)
    Evidence.objects.filter(pk=report.evidence.order_by("pk").last().pk).update(withdrawn=True)  # type: ignore[union-attr]  # a withdrawn file: not counted
    rows = _rows(_download(login("office"), _whole(cycle)))
    (row,) = [r for r in rows if r["任务"] == shared_task.heading and r["责任单位"] == "县司法局"]
    assert (row["填报状态"], row["进展"], row["工作进展"], row["存在问题"], row["下步打算"]) == (
        "已采纳", "滞后", "完成权责清单动态调整", "人手不足", "加快进度")
    assert (row["分工"], row["报告类型"], row["佐证材料（份）"]) == ("牵头", "牵头单位汇总", 2)
    local = timezone.localtime(report.submitted_at).replace(tzinfo=None, microsecond=0)
    assert abs((row["报送时间"] - local).total_seconds()) < 1


def test_the_office_sees_a_units_draft_as_not_reported(login: Login, cycle: Cycle, shared_task: Task,
                                                       unit_named: Callable[[str], Unit]) -> None:
    _write(shared_task, unit_named("县市场监督管理局"), cycle, "reporter2", "配合单位的草稿内容")
    rows = _rows(_download(login("office"), _whole(cycle)))
    (row,) = [r for r in rows if r["任务"] == shared_task.heading and r["责任单位"] == "县市场监督管理局"]
    assert (row["填报状态"], row["工作进展"], row["分工"], row["报告类型"]) == ("未填报", None, "配合", "配合单位报送")
    assert all(r["工作进展"] != "配合单位的草稿内容" for r in rows)


def test_the_summary_sheet_counts_each_units_rows(login: Login, cycle: Cycle, shared_task: Task,
                                                  unit_named: Callable[[str], Unit]) -> None:
    sfj = unit_named("县司法局")
    _accepted(shared_task, sfj, cycle, "完成", Progress.DONE, evidence=2)
    book = openpyxl.load_workbook(io.BytesIO(_download(login("office"), _whole(cycle)).content))
    counts = {row[0]: row[1:] for row in book["汇总"].iter_rows(min_row=FIRST, values_only=True)}
    tasks = Assignment.objects.filter(task__plan=cycle.plan, task__status=TaskStatus.ACTIVE, unit=sfj).count()
    assert counts["县司法局"] == (tasks, 1, 1, 0, 1, 2)
    assert counts["合计"][0] == Assignment.objects.filter(task__plan=cycle.plan, task__status=TaskStatus.ACTIVE).count()


def test_a_summary_that_looks_like_a_formula_stays_text(login: Login, cycle: Cycle, shared_task: Task,
                                                        unit_named: Callable[[str], Unit]) -> None:
    _accepted(shared_task, unit_named("县司法局"), cycle, '=HYPERLINK("http://evil.example","点此")')
    book = openpyxl.load_workbook(io.BytesIO(_download(login("office"), _whole(cycle)).content))
    cells = [row[COLUMN["工作进展"]] for row in book["台账"].iter_rows(min_row=FIRST)]
    (cell,) = [c for c in cells if c.value and str(c.value).startswith("=")]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://evil.example","点此")', "s")


def test_target_values_read_goal_then_actual(login: Login, cycle: Cycle, pingchang_plan: Plan) -> None:
    task = Task.objects.filter(plan=pingchang_plan, status=TaskStatus.ACTIVE, targets__isnull=False,
                               assignments__unit__memberships__user__username="reporter").distinct().first()
    assert task is not None, "the demo plan of 平昌县 has no target on a task of 县司法局"
    target = task.targets.order_by("pk").first()
    assert target is not None
    unit = task.assignments.get(unit__memberships__user__username="reporter").unit
    report = actions.report_for(task=task, unit=unit, cycle=cycle)
    actions.save_report(report=report, version=report.version, user=User.objects.get(username="reporter"),
                        progress=Progress.IN_PROGRESS, done="推进中", problems="", next_steps="",
                        values={target.pk: 87.5})
    rows = _rows(_download(login("reporter"), _of_unit(cycle, unit)))
    (row,) = [r for r in rows if r["任务"] == task.heading]
    assert f"{target.metric}：" in row["量化指标（目标 / 实际）"]
    assert f"/ 87.5{target.unit}" in row["量化指标（目标 / 实际）"]


# ------------------------------------------------------------------------------------------ a unit's ledger


def test_a_reporters_unit_ledger_holds_only_their_units_rows_and_its_drafts(
        login: Login, cycle: Cycle, shared_task: Task, unit_named: Callable[[str], Unit]) -> None:
    sfj, scj = unit_named("县司法局"), unit_named("县市场监督管理局")
    _write(shared_task, sfj, cycle, "reporter", "本单位的草稿")
    _write(shared_task, scj, cycle, "reporter2", "别的单位的草稿")
    response = _download(login("reporter"), _of_unit(cycle, sfj))
    rows = _rows(response)
    assert {r["责任单位"] for r in rows} == {"县司法局"}
    assert len(rows) == Assignment.objects.filter(task__plan=cycle.plan, task__status=TaskStatus.ACTIVE,
                                                  unit=sfj).count()
    (row,) = [r for r in rows if r["任务"] == shared_task.heading]
    assert (row["填报状态"], row["工作进展"]) == ("草稿", "本单位的草稿")
    assert b"\xe5\x88\xab\xe7\x9a\x84" not in response.content  # 别的: nothing of the other unit's
    assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames == ["台账"]


def test_the_office_reads_a_units_ledger_without_its_drafts(login: Login, cycle: Cycle, shared_task: Task,
                                                            unit_named: Callable[[str], Unit]) -> None:
    sfj = unit_named("县司法局")
    _write(shared_task, sfj, cycle, "reporter", "本单位的草稿")
    rows = _rows(_download(login("office"), _of_unit(cycle, sfj)))
    assert {r["责任单位"] for r in rows} == {"县司法局"}
    assert all(r["填报状态"] == "未填报" for r in rows)


def test_a_unit_without_a_part_in_the_plan_has_no_ledger(login: Login, cycle: Cycle) -> None:
    elsewhere = Unit.objects.filter(jurisdiction__name="遂宁市").first()  # the upper viewer sees it
    assert elsewhere is not None and not elsewhere.assignments.filter(task__plan=cycle.plan).exists()
    assert login("upper").get(_of_unit(cycle, elsewhere)).status_code == 404


def test_a_reporter_may_not_download_the_whole_ledger(login: Login, cycle: Cycle) -> None:
    response = login("reporter").get(_whole(cycle))
    assert response.status_code == 403
    assert response["Content-Type"] != XLSX


# ------------------------------------------------------------------------------------------ the cycle page


def test_the_cycle_page_offers_the_office_the_whole_ledger_only(login: Login, cycle: Cycle) -> None:
    page = login("office").get(reverse("cycle", kwargs={"pk": cycle.pk})).content.decode()
    assert f'href="{_whole(cycle)}"' in page and "下载本周期进展台账（Excel）" in page
    assert "下载本单位台账" not in page


def test_the_cycle_page_offers_a_reporter_their_units_ledger_only(login: Login, cycle: Cycle,
                                                                  unit_named: Callable[[str], Unit]) -> None:
    page = login("reporter").get(reverse("cycle", kwargs={"pk": cycle.pk})).content.decode()
    assert f'href="{_of_unit(cycle, unit_named("县司法局"))}"' in page and "下载本单位台账（县司法局）" in page
    assert _whole(cycle) not in page


# ------------------------------------------------------------------------------------------ the builder


def test_the_ledger_is_built_in_the_same_few_queries_however_many_rows(reported_cycle: Cycle,
                                                                       django_assert_max_num_queries: Any) -> None:
    office = User.objects.get(username="office")
    build_ledger(office, reported_cycle, timezone.localdate())  # memberships cached on the user
    with django_assert_max_num_queries(6):
        built = build_ledger(office, reported_cycle, timezone.localdate())
    assert len(built.rows) > 20


def test_the_core_counts_by_the_labels_the_web_app_shows() -> None:
    assert core.NOT_REPORTED == "未填报"
    assert set(core.REPORTED) == {ReportStatus.SUBMITTED.label, ReportStatus.APPROVED.label,
                                  ReportStatus.ACCEPTED.label}
    assert ReportStatus.ACCEPTED.label == core.ACCEPTED
    assert (Progress.LAGGING.label, Progress.DONE.label) == (core.LAGGING, core.DONE)
