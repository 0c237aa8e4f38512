"""Extensions, supervision orders, following a task, and the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from fazhi_web.plans.models import Plan, Task, Unit
from fazhi_web.tracking.models import DecisionStatus, Extension, Notification, OrderStatus, SupervisionOrder

pytestmark = pytest.mark.django_db
Login = Callable[[str], Client]


@pytest.fixture
def judiciary_task(pingchang_plan: Plan) -> Task:
    return Task.objects.filter(plan=pingchang_plan, assignments__unit__name="县司法局",
                               assignments__role="lead").order_by("order").first()


@time_machine.travel(date(2025, 3, 1))
def test_an_annual_plans_tasks_are_overdue_after_its_year_and_the_office_orders_in_bulk(
        login: Login, pingchang_plan: Plan) -> None:
    office = login("office")
    page = office.get(f"/plans/{pingchang_plan.pk}/supervision/").content.decode()
    pairs = [p.split('"')[0] for p in page.split('name="pair" value="')[1:]]
    assert len(pairs) > 5  # the 2024 plan's tasks are overdue in 2025
    judiciary = str(Unit.objects.get(jurisdiction=pingchang_plan.jurisdiction, name="县司法局").pk)
    picked = [p for p in pairs if p.endswith(":" + judiciary)][:3]
    response = office.post(f"/plans/{pingchang_plan.pk}/supervision/open/",
                           {"pair": picked, "reason": "请说明逾期原因", "reply_due": "2025-03-08"})
    assert response.status_code == 302
    orders = SupervisionOrder.objects.filter(opened_at__year=2025).order_by("pk")  # the demo has 2024's
    assert [o.number for o in orders] == ["督〔2025〕1号", "督〔2025〕2号", "督〔2025〕3号"]
    reporter = User.objects.get(username="reporter")
    assert Notification.objects.filter(user=reporter, text__contains="督〔2025〕1号").exists()


@time_machine.travel(date(2025, 3, 1))
def test_a_unit_replies_and_the_office_closes_or_escalates(login: Login, judiciary_task: Task) -> None:
    from fazhi_web.tracking import actions

    judiciary = judiciary_task.assignments.get(unit__name="县司法局").unit
    (order,) = actions.open_orders(pairs=[(judiciary_task, judiciary)], reason="逾期", reply_due=date(2025, 3, 8),
                                   user=User.objects.get(username="office"), as_of=date(2025, 3, 1))
    assert login("reporter2").get(f"/orders/{order.pk}/").status_code == 404  # another unit's order
    assert login("reporter").post(f"/orders/{order.pk}/", {"action": "close"}).status_code == 403
    login("reporter").post(f"/orders/{order.pk}/", {"action": "reply", "reply": "已于3月5日完成"})
    order.refresh_from_db()
    assert (order.status, order.reply) == (OrderStatus.REPLIED, "已于3月5日完成")
    login("office").post(f"/orders/{order.pk}/", {"action": "close"})
    assert SupervisionOrder.objects.get(pk=order.pk).status == OrderStatus.CLOSED
    history = login("office").get(f"/tasks/{judiciary_task.pk}/history/").content.decode()
    assert "已于3月5日完成" in history  # the reply is part of the task's history


@time_machine.travel(date(2024, 12, 1))
def test_an_extension_granted_moves_the_due_date_and_the_history_shows_both(login: Login,
                                                                             judiciary_task: Task) -> None:
    response = login("reporter").post(f"/tasks/{judiciary_task.pk}/extension/",
                                      {"requested_due": "2025-06-30", "reason": "需等待上级文件"})
    assert response.status_code == 302
    extension = Extension.objects.get(task=judiciary_task, unit__name="县司法局")
    assert extension.original_due == date(2024, 12, 31)
    assert login("reporter").post(f"/extensions/{extension.pk}/decide/", {"grant": "1"}).status_code == 403
    login("office").post(f"/extensions/{extension.pk}/decide/", {"grant": "1", "note": "同意"})
    extension.refresh_from_db()
    assert extension.status == DecisionStatus.GRANTED
    page = login("reporter").get(f"/tasks/{judiciary_task.pk}/").content.decode()
    assert "2025-06-30" in page and "原 2024-12-31" in page


def test_an_extension_to_an_earlier_date_or_without_reason_is_refused(login: Login, judiciary_task: Task) -> None:
    reporter = login("reporter")
    assert reporter.post(f"/tasks/{judiciary_task.pk}/extension/",
                         {"requested_due": "2020-01-01", "reason": "x"}).status_code == 400
    assert reporter.post(f"/tasks/{judiciary_task.pk}/extension/",
                         {"requested_due": "2030-01-01", "reason": ""}).status_code == 400
    assert not Extension.objects.filter(task=judiciary_task, unit__name="县司法局").exists()


def test_a_unit_not_on_the_task_cannot_ask_for_an_extension(login: Login, pingchang_plan: Plan) -> None:
    task = Task.objects.filter(plan=pingchang_plan).exclude(assignments__unit__name="县市场监督管理局").first()
    assert login("reporter2").get(f"/tasks/{task.pk}/extension/").status_code == 404


def test_followers_hear_when_a_report_changes_status(login: Login, judiciary_task: Task) -> None:
    from fazhi_web.tracking import actions

    login("office").post(f"/tasks/{judiciary_task.pk}/follow/", {"on": "1"})
    cycle = actions.open_cycles(plan=judiciary_task.plan, frequency="yearly", year=2024, due_days=10, user=None)[0]
    report = actions.report_for(task=judiciary_task, unit=judiciary_task.assignments.get(
        unit__name="县司法局").unit, cycle=cycle)
    actions.submit_report(report=report, user=User.objects.get(username="reporter"))
    office = User.objects.get(username="office")
    assert Notification.objects.filter(user=office, link=f"/reports/{report.pk}/").exists()
    assert "通知 <span class=\"badge\">" in login("office").get("/jurisdictions/").content.decode()


def test_the_supervision_desk_is_for_the_office_and_the_level_above(login: Login, pingchang_plan: Plan) -> None:
    assert login("office").get(f"/plans/{pingchang_plan.pk}/supervision/").status_code == 200
    assert login("upper").get(f"/plans/{pingchang_plan.pk}/supervision/").status_code == 200
    assert login("reporter").get(f"/plans/{pingchang_plan.pk}/supervision/").status_code == 403
    assert login("upper").post(f"/plans/{pingchang_plan.pk}/supervision/open/", {}).status_code == 403
