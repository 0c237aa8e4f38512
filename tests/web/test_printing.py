"""Printing a supervision order and a unit's scorecard from the web app: Word read back against the records,
PDF by LibreOffice, a Chinese file name, and a clear page when the PDF cannot be made."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from io import BytesIO
from urllib.parse import quote

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from docx import Document

from fazhi.export import pdf
from fazhi.export.forms import format_points
from fazhi_web.plans.models import Plan, Task, Unit
from fazhi_web.tracking import actions
from fazhi_web.tracking.assessment import assess
from fazhi_web.tracking.models import SupervisionOrder
from printed import keep_png, needs_libreoffice, page_texts

pytestmark = pytest.mark.django_db
Login = Callable[[str], Client]
DAY = date(2025, 3, 1)


@pytest.fixture
def order(pingchang_plan: Plan) -> SupervisionOrder:
    task = Task.objects.filter(plan=pingchang_plan, assignments__unit__name="县司法局",
                               assignments__role="lead").order_by("order").first()
    assert task is not None
    unit = task.assignments.get(unit__name="县司法局").unit
    with time_machine.travel(DAY):
        (made,) = actions.open_orders(pairs=[(task, unit)], reason="该任务已逾期，请说明原因并报送整改措施",
                                      reply_due=date(2025, 3, 8), user=User.objects.get(username="office"), as_of=DAY)
    return made


def cell_texts(data: bytes) -> list[str]:
    table = Document(BytesIO(data)).tables[0]
    return [cell.text for row in table.rows for cell in row.cells]


def test_the_office_prints_a_supervision_order_as_word_with_the_records_in_the_form(
        login: Login, order: SupervisionOrder) -> None:
    response = login("office").get(f"/orders/{order.pk}/print.docx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(f'督办单{order.number}.docx')}"
    document = Document(BytesIO(response.content))
    assert document.paragraphs[0].text == "平昌县法治政府建设督办单"
    assert f"编号：{order.number}" in document.paragraphs[2].text
    texts = cell_texts(response.content)
    assert {"县司法局", "2025年3月1日", order.reason} <= set(texts)
    assert any(order.task.text in text for text in texts)
    assert any(text.startswith("请于2025年3月8日前") and "平昌县全面依法治县委员会办公室" in text for text in texts)


def test_the_ordered_units_reporter_prints_the_order_with_its_reply(
        login: Login, order: SupervisionOrder) -> None:
    with time_machine.travel(date(2025, 3, 5)):
        actions.reply_order(order=order, reply="已于3月5日完成清单更新", user=User.objects.get(username="reporter"))
    response = login("reporter").get(f"/orders/{order.pk}/print.docx")
    assert "已于3月5日完成清单更新\n（2025年3月5日回复）" in cell_texts(response.content)
    assert "状态：已回复" in Document(BytesIO(response.content)).paragraphs[2].text


def test_another_units_reporter_cannot_print_the_order(login: Login, order: SupervisionOrder) -> None:
    response = login("reporter2").get(f"/orders/{order.pk}/print.docx")
    assert response.status_code == 404
    assert order.reason not in response.content.decode()


def test_the_order_page_and_the_score_page_link_to_their_forms(
        login: Login, order: SupervisionOrder, pingchang_plan: Plan, unit_named: Callable[[str], Unit]) -> None:
    page = login("office").get(f"/orders/{order.pk}/").content.decode()
    assert f'href="/orders/{order.pk}/print.docx">打印督办单（Word）' in page
    assert f'href="/orders/{order.pk}/print.pdf">打印督办单（PDF）' in page
    sfj = unit_named("县司法局")
    page = login("reporter").get(f"/plans/{pingchang_plan.pk}/assessment/{sfj.pk}/?year=2025").content.decode()
    assert f"/plans/{pingchang_plan.pk}/assessment/{sfj.pk}/scorecard.docx?year=2025" in page
    assert "下载考核评分表（Word）" in page and "下载考核评分表（PDF）" in page


@time_machine.travel(date(2025, 7, 10))
def test_a_units_scorecard_prints_the_scores_of_its_score_page(
        login: Login, pingchang_plan: Plan, unit_named: Callable[[str], Unit]) -> None:
    sfj = unit_named("县司法局")
    actions.record_adjustment(plan=pingchang_plan, unit=sfj, year=2025, kind="bonus", points="2",
                              reason="获评省级法治政府建设示范项目", code="", ref="",
                              user=User.objects.get(username="office"))
    query = "?year=2025&by=rules&as_of=2025-07-10"
    response = login("reporter").get(f"/plans/{pingchang_plan.pk}/assessment/{sfj.pk}/scorecard.docx{query}")
    assert response.status_code == 200
    assert quote("县司法局2025年度考核评分表.docx") in response["Content-Disposition"]
    result = assess(pingchang_plan, 2025, date(2025, 7, 10), "rules")
    score = result.score_of(f"unit:{sfj.pk}")
    assert score is not None
    document = Document(BytesIO(response.content))
    assert document.paragraphs[0].text == "县司法局法治政府建设考核评分表"
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows[-1][-2:] == [format_points(score.total), f"第{score.rank}名（共{len(result.scores)}个单位）"]
    printed = {row[1]: row[3] for row in rows[1:] if len(set(row)) > 2}
    for line in score.lines:
        assert printed[line.label] == format_points(line.points)
    assert "加分：获评省级法治政府建设示范项目" in printed


def test_another_units_reporter_cannot_print_its_scorecard(
        login: Login, pingchang_plan: Plan, unit_named: Callable[[str], Unit]) -> None:
    url = f"/plans/{pingchang_plan.pk}/assessment/{unit_named('县司法局').pk}/scorecard.docx"
    assert login("reporter2").get(url).status_code == 404


@needs_libreoffice
def test_the_order_and_the_scorecard_print_as_pdf(
        login: Login, order: SupervisionOrder, pingchang_plan: Plan, unit_named: Callable[[str], Unit]) -> None:
    response = login("leader").get(f"/orders/{order.pk}/print.pdf")
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert quote(f"督办单{order.number}.pdf") in response["Content-Disposition"]
    pages = page_texts(response.content)
    keep_png(response.content, "supervision-order-web")
    assert len(pages) == 1 and "督办单" in pages[0]
    url = f"/plans/{pingchang_plan.pk}/assessment/{unit_named('县司法局').pk}/scorecard.pdf?year=2025"
    response = login("office").get(url)
    pages = page_texts(response.content)
    keep_png(response.content, "scorecard-web")
    assert "考核评分表" in pages[0] and all(text.strip() for text in pages)


def test_when_the_pdf_cannot_be_made_a_page_in_chinese_says_so(
        login: Login, order: SupervisionOrder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    response = login("office").get(f"/orders/{order.pk}/print.pdf")
    assert response.status_code == 503
    page = response.content.decode()
    assert "无法生成 PDF" in page and "请下载 Word 版本后打印" in page
    assert "Traceback" not in page
