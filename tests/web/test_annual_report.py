"""The annual report: a draft assembled from the demo year's records, edited, exported, published to the public."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from fazhi.export.annual import PARTS
from fazhi_web.plans.demo import PROGRESS_YEAR
from fazhi_web.plans.models import Assignment, AssignmentRole, Plan, TaskStatus, Unit
from fazhi_web.tracking.annual import PROMPT, assemble_annual_report
from fazhi_web.tracking.dashboard import DELIVERED
from fazhi_web.tracking.models import AnnualReport, AnnualReportStatus, Progress, Report, ReportKind, ReportStatus

pytestmark = pytest.mark.django_db
YEAR_END = date(PROGRESS_YEAR, 12, 31)


@pytest.fixture
def plan() -> Plan:
    return Plan.objects.get(jurisdiction__name="平昌县", period_start=PROGRESS_YEAR)


def latest_delivered(plan: Plan) -> dict[tuple[int, int], str]:
    """Each (task, unit)'s progress in its last delivered report of the year, counted here from the records."""
    found: dict[tuple[int, int], str] = {}
    for report in Report.objects.filter(task__plan=plan, cycle__starts_on__year=PROGRESS_YEAR,
                                        status__in=DELIVERED).order_by("cycle__starts_on"):
        found[(report.task_id, report.unit_id)] = report.progress
    return found


def test_the_figures_are_counted_from_the_records(plan: Plan) -> None:
    report = assemble_annual_report(plan=plan, year=PROGRESS_YEAR, unit=None, user=None, as_of=YEAR_END)
    parts = set(Assignment.objects.filter(task__plan=plan, task__status=TaskStatus.ACTIVE)
                .exclude(role=AssignmentRole.PARTICIPATING).values_list("task_id", "unit_id"))
    progress = latest_delivered(plan)
    figures = report.figures
    assert figures["tasks"] == len(parts)
    assert figures["done"] == sum(1 for p in parts if progress.get(p) == Progress.DONE)
    assert figures["lagging"] == sum(1 for p in parts if progress.get(p) == Progress.LAGGING)
    assert figures["not_reported"] == sum(1 for p in parts if p not in progress)
    assert figures["reports_accepted"] == Report.objects.filter(
        task__plan=plan, cycle__starts_on__year=PROGRESS_YEAR, kind=ReportKind.CONSOLIDATED,
        status=ReportStatus.ACCEPTED).count() > 0
    assert f"全年方案确定的任务共{len(parts)}项" in report.measures


def test_the_measures_carry_the_accepted_reports_words_under_the_plans_sections(plan: Plan) -> None:
    report = assemble_annual_report(plan=plan, year=PROGRESS_YEAR, unit=None, user=None, as_of=YEAR_END)
    accepted = Report.objects.filter(task__plan=plan, cycle__starts_on__year=PROGRESS_YEAR,
                                     status=ReportStatus.ACCEPTED).exclude(done="")
    assert accepted.exists()
    flat = "".join(report.measures.split())
    for done in accepted.values_list("done", flat=True)[:20]:
        assert "".join(done.split()).rstrip("。") in flat
    first_section = plan.sections.filter(parent=None).order_by("order").first()
    assert f"（一）{first_section.title}" in report.measures
    problems = accepted.exclude(problems="").values_list("problems", flat=True).first()
    assert problems is None or "".join(problems.split()).rstrip("。") in "".join(report.shortcomings.split())


def test_a_units_report_speaks_only_of_that_units_tasks(plan: Plan) -> None:
    unit = Unit.objects.get(jurisdiction__name="平昌县", name="县司法局")
    report = assemble_annual_report(plan=plan, year=PROGRESS_YEAR, unit=unit, user=None, as_of=YEAR_END)
    own = Assignment.objects.filter(task__plan=plan, task__status=TaskStatus.ACTIVE, unit=unit).count()
    assert report.figures["tasks"] == own
    assert report.title == f"县司法局{PROGRESS_YEAR}年法治政府建设年度报告"
    others = Report.objects.filter(task__plan=plan, cycle__starts_on__year=PROGRESS_YEAR,
                                   status=ReportStatus.ACCEPTED).exclude(unit=unit).exclude(done="")
    mine = set(Report.objects.filter(unit=unit).values_list("done", flat=True))
    leaked = [d for d in others.values_list("done", flat=True) if d not in mine and d in report.measures]
    assert leaked == []


def test_the_office_drafts_edits_and_cannot_save_over_a_newer_version(plan: Plan,
                                                                    login: Callable[[str], Client]) -> None:
    office = login("office")
    response = office.post(reverse("annual-new", kwargs={"pk": plan.pk}), {"year": PROGRESS_YEAR, "unit": ""})
    report = AnnualReport.objects.get(plan=plan, year=PROGRESS_YEAR, unit=None)
    assert response["Location"] == reverse("annual", kwargs={"pk": report.pk})
    form = {"version": report.version, "title": report.title, "intro": report.intro, "measures": "全年完成各项任务。",
            "shortcomings": report.shortcomings, "leadership": report.leadership, "next_year": report.next_year}
    assert office.post(reverse("annual", kwargs={"pk": report.pk}), form).status_code == 302
    assert AnnualReport.objects.get(pk=report.pk).measures == "全年完成各项任务。"
    stale = office.post(reverse("annual", kwargs={"pk": report.pk}), {**form, "measures": "旧版本的修改"}, follow=True)
    assert "已被他人修改" in stale.content.decode()
    assert AnnualReport.objects.get(pk=report.pk).measures == "全年完成各项任务。"


def test_a_report_with_prompts_left_cannot_be_published(plan: Plan, login: Callable[[str], Client]) -> None:
    report = assemble_annual_report(plan=plan, year=PROGRESS_YEAR, unit=None, user=None, as_of=YEAR_END)
    assert PROMPT in report.leadership
    page = login("office").post(reverse("annual-act", kwargs={"pk": report.pk, "action": "publish"}),
                                {"version": report.version}, follow=True).content.decode()
    assert "仍有待补充的内容" in page
    assert AnnualReport.objects.get(pk=report.pk).status == AnnualReportStatus.DRAFT


def completed(report: AnnualReport) -> AnnualReport:
    texts = {name: getattr(report, name).replace(PROMPT, "【").replace("【", "").replace("】", "") for name, _ in PARTS}
    AnnualReport.objects.filter(pk=report.pk).update(**texts)
    return AnnualReport.objects.get(pk=report.pk)


def test_published_reports_are_public_and_withdrawn_ones_are_not(plan: Plan, login: Callable[[str], Client]) -> None:
    report = completed(assemble_annual_report(plan=plan, year=PROGRESS_YEAR, unit=None, user=None, as_of=YEAR_END))
    public = reverse("public-annual", kwargs={"pk": report.pk})
    assert Client().get(public).status_code == 404
    office = login("office")
    office.post(reverse("annual-act", kwargs={"pk": report.pk, "action": "publish"}), {"version": report.version})
    report.refresh_from_db()
    assert report.status == AnnualReportStatus.PUBLISHED
    page = Client().get(public).content.decode()
    assert report.title in page and PARTS[2][1] in page
    assert report.title in Client().get(reverse("public-annual-list")).content.decode()
    assert report.title in Client().get(reverse("public-plan", kwargs={"pk": plan.pk})).content.decode()
    office.post(reverse("annual-act", kwargs={"pk": report.pk, "action": "withdraw"}), {"version": report.version})
    assert Client().get(public).status_code == 404
    assert Client().get(reverse("public-annual-docx", kwargs={"pk": report.pk})).status_code == 404


def test_the_word_file_is_the_stored_text_in_the_settled_structure(plan: Plan, login: Callable[[str], Client]) -> None:
    report = assemble_annual_report(plan=plan, year=PROGRESS_YEAR, unit=None, user=None, as_of=YEAR_END)
    response = login("office").get(reverse("annual-docx", kwargs={"pk": report.pk}))
    document = Document(BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == report.title
    assert [t for t in texts if t in {h for _, h in PARTS}] == [h for _, h in PARTS]
    first_line = report.measures.splitlines()[0]
    assert first_line in texts


def test_the_public_plan_page_shows_progress_counts_and_no_report_text(plan: Plan) -> None:
    page = Client().get(reverse("public-plan", kwargs={"pk": plan.pk})).content.decode()
    assert f"{PROGRESS_YEAR}年落实进展" in page
    for report in Report.objects.filter(task__plan=plan).exclude(done="")[:30]:
        assert report.done not in page
        assert not report.problems or report.problems not in page
