"""The task division table of a published plan, downloaded from the plan's pages, built from the records."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import unquote

from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from fazhi_web.plans.models import Assignment, AssignmentRole, Plan, TaskStatus, Unit


def download(plan: Plan, fmt: str) -> bytes:
    response = Client().get(reverse("public-division", kwargs={"pk": plan.pk, "fmt": fmt}))
    assert response.status_code == 200
    disposition = unquote(response["Content-Disposition"])
    assert f"{plan.title}任务分工表.{fmt}" in disposition
    return response.content


def test_the_workbook_has_a_row_for_every_active_task_with_its_registry_units(pingchang_plan: Plan) -> None:
    sheet = load_workbook(BytesIO(download(pingchang_plan, "xlsx"))).active
    numbered = [row for row in sheet.iter_rows(min_row=3, values_only=True) if isinstance(row[0], int)]
    tasks = list(pingchang_plan.tasks.filter(status=TaskStatus.ACTIVE).order_by("order"))
    assert len(numbered) == len(tasks)
    for row, task in zip(numbered, tasks, strict=True):
        leads = [a.unit.name for a in task.assignments.filter(role=AssignmentRole.LEAD).select_related("unit")
                 .order_by("pk")]
        assert row[3] == "、".join(dict.fromkeys(leads))
        assert row[2] and row[2] in task.text


def test_a_correction_made_in_the_application_is_what_the_table_prints(pingchang_plan: Plan) -> None:
    task = pingchang_plan.tasks.filter(status=TaskStatus.ACTIVE).order_by("order").first()
    lead = task.assignments.filter(role=AssignmentRole.LEAD).first()
    other = Unit.objects.filter(jurisdiction=pingchang_plan.jurisdiction).exclude(
        pk__in=task.assignments.values("unit_id")).first()
    Assignment.objects.filter(pk=lead.pk).update(unit=other, printed_name="")
    Plan.objects.filter(pk=pingchang_plan.pk).update(revision=pingchang_plan.revision + 1)  # as a correction does
    sheet = load_workbook(BytesIO(download(Plan.objects.get(pk=pingchang_plan.pk), "xlsx"))).active
    first = next(row for row in sheet.iter_rows(min_row=3, values_only=True) if row[0] == 1)
    assert other.name in first[3]


def test_the_word_table_is_landscape_with_the_plans_sections(pingchang_plan: Plan) -> None:
    document = Document(BytesIO(download(pingchang_plan, "docx")))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["序号", "重点任务", "具体措施"]
    first_section = pingchang_plan.sections.order_by("order").first()
    assert any(first_section.title in row.cells[0].text for row in table.rows[1:3])
    assert document.sections[0].page_width > document.sections[0].page_height


def test_an_unknown_format_or_a_withdrawn_plan_answers_404(pingchang_plan: Plan) -> None:
    url = reverse("public-division", kwargs={"pk": pingchang_plan.pk, "fmt": "pdf"})
    assert Client().get(url).status_code == 404
    Plan.objects.filter(pk=pingchang_plan.pk).update(status="withdrawn")
    assert Client().get(reverse("public-division", kwargs={"pk": pingchang_plan.pk, "fmt": "xlsx"})).status_code == 404


def test_the_plan_page_links_both_downloads(login, pingchang_plan: Plan) -> None:  # type: ignore[no-untyped-def]
    page = login("office").get(reverse("plan", kwargs={"pk": pingchang_plan.pk})).content.decode()
    for fmt in ("xlsx", "docx"):
        assert reverse("public-division", kwargs={"pk": pingchang_plan.pk, "fmt": fmt}) in page
