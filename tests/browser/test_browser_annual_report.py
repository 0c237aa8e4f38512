"""The annual report in a browser: the office opens the demo year's draft from the plan's page, completes what
the records cannot say, publishes it and reads it on the public page — on a desk and on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from fazhi_web.plans.demo import PROGRESS_YEAR
from fazhi_web.plans.models import Plan
from fazhi_web.tracking.annual import PROMPT
from fazhi_web.tracking.models import AnnualReport

PHONE_WIDTH = 390
Shoot = Callable[[Page, str], Path]


def without_prompts(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if PROMPT not in line) or "已按要求完成。"


def test_the_office_completes_and_publishes_the_annual_report(signed_in: Callable[[str], Page], phone: Page,
                                                              shoot: Shoot) -> None:
    plan = Plan.objects.get(jurisdiction__name="平昌县", period_start=PROGRESS_YEAR)
    page = signed_in("office")
    page.goto(f"/plans/{plan.pk}/")
    page.get_by_role("link", name="年度报告").first.click()
    expect(page.locator("h1")).to_have_text("法治政府建设年度报告")
    shoot(page, "30-annual-list")
    page.get_by_role("link", name=f"平昌县{PROGRESS_YEAR}年法治政府建设年度报告").click()
    expect(page.locator(".warning")).to_contain_text("请补充")
    expect(page.locator("table.figures")).to_contain_text("采纳的报告")
    shoot(page, "31-annual-draft")

    report = AnnualReport.objects.get(plan=plan, year=PROGRESS_YEAR, unit=None)
    for name in ("measures", "shortcomings", "leadership", "next_year"):
        field = page.locator(f"textarea[name={name}]")
        field.fill(without_prompts(field.input_value()))
    page.locator("textarea[name=leadership]").fill("县政府主要负责人主持召开常务会议4次，专题研究法治政府建设。")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("ul.messages")).to_contain_text("已保存")
    page.get_by_role("button", name="公开发布").click()
    expect(page.locator("p.muted").first).to_contain_text("已公开发布")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Word").click()
    assert download.value.suggested_filename == f"{report.title}.docx"

    page.get_by_role("link", name="公开页面").click()
    expect(page).to_have_url(re.compile(rf"/public/annual/{report.pk}/$"))
    expect(page.locator("article.annual-text h2").nth(2)).to_contain_text("第一责任人")
    shoot(page, "32-annual-public")

    phone.goto(f"/public/annual/{report.pk}/")
    expect(phone.locator("h1")).to_contain_text("年度报告")
    assert phone.evaluate(f"document.documentElement.scrollWidth <= {PHONE_WIDTH} + 1"), "scrolls sideways"
    shoot(phone, "32-annual-public-phone")
