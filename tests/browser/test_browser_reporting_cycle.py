"""A reporting cycle in the browser (report → consolidate → approve → accept) and a supervision order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from fazhi_web.plans.models import Plan, Task
from fazhi_web.tracking.models import Report, ReportStatus, SupervisionOrder


@pytest.fixture
def people(desks: Callable[[str], Page]) -> dict[str, Page]:
    return {name: desks(name) for name in ("office", "reporter", "leader")}


def test_a_report_goes_from_the_unit_to_the_office_and_is_accepted(people: dict[str, Page],
                                                                   shoot: Callable[[Page, str], Path]) -> None:
    plan = Plan.objects.get(jurisdiction__name="平昌县")
    task = Task.objects.filter(plan=plan, assignments__unit__name="县司法局", assignments__role="lead") \
        .order_by("order").first()
    office, reporter, leader = people["office"], people["reporter"], people["leader"]

    office.goto(f"/plans/{plan.pk}/cycles/")
    office.select_option("select[name=frequency]", "yearly")
    office.fill("input[name=year]", "2026")
    office.get_by_role("button", name="设置").click()
    expect(office.locator(".messages")).to_contain_text("已设置 1 个报送周期")
    cycle_link = office.get_by_role("link", name="2026年全年").first
    cycle_url = cycle_link.get_attribute("href")

    reporter.goto(str(cycle_url))
    row = reporter.locator("tr", has_text=task.heading[:10])
    row.get_by_role("button", name="填报").click()
    reporter.select_option("select[name=progress]", "done")
    reporter.fill("textarea[name=done]", "已完成全县规范性文件合法性审核，出具审核意见 36 份。")
    reporter.get_by_role("button", name="保存草稿").click()
    expect(reporter.locator(".messages")).to_contain_text("已保存草稿")
    reporter.once("dialog", lambda dialog: dialog.accept())
    reporter.get_by_role("button", name="报送审核").click()
    expect(reporter.locator("main")).to_contain_text("待审核")
    report = Report.objects.get(task=task, unit__name="县司法局", cycle__label="2026年全年")
    shoot(reporter, "16-report-submitted")

    leader.goto(f"/reports/{report.pk}/")
    leader.get_by_role("button", name="审核通过").click()
    expect(leader.locator(".messages")).to_contain_text("已审核")

    office.goto(f"/reports/{report.pk}/")
    office.fill("textarea[name=comment]", "同意，请持续推进。")
    office.get_by_role("button", name="采纳").click()
    expect(office.locator(".messages")).to_contain_text("已采纳")
    shoot(office, "17-report-accepted")
    report.refresh_from_db()
    assert (report.status, report.comment) == (ReportStatus.ACCEPTED, "同意，请持续推进。")

    office.goto(f"/reports/{report.pk}/history/")
    expect(office.locator("main")).to_contain_text("已完成全县规范性文件合法性审核")


def test_the_office_sends_a_supervision_order_and_the_unit_replies(people: dict[str, Page],
                                                                   shoot: Callable[[Page, str], Path]) -> None:
    plan = Plan.objects.get(jurisdiction__name="平昌县")
    office, reporter = people["office"], people["reporter"]
    before = set(SupervisionOrder.objects.values_list("pk", flat=True))  # the demo has orders of its own
    office.goto(f"/plans/{plan.pk}/supervision/")
    justice_row = office.locator("tr", has_text="县司法局").first
    justice_row.locator("input[name=pair]").check()
    office.fill("textarea[name=reason]", "该项任务已逾期，请书面说明原因和整改措施。")
    office.fill("input[name=reply_due]", "2030-01-10")
    office.get_by_role("button", name="发出督办单").click()
    expect(office.locator(".messages")).to_contain_text("已发出 1 份督办单")
    shoot(office, "18-supervision")
    order = SupervisionOrder.objects.exclude(pk__in=before).get()

    reporter.goto("/notifications/")
    reporter.get_by_role("link", name=order.number, exact=False).first.click()
    reporter.fill("textarea[name=reply]", "已于本月完成整改，相关材料已上传。")
    reporter.get_by_role("button", name="回复").click()
    expect(reporter.locator("main")).to_contain_text("已回复")

    office.goto(f"/orders/{order.pk}/")
    office.get_by_role("button", name="办结").click()
    expect(office.locator("h1")).to_contain_text("已办结")
