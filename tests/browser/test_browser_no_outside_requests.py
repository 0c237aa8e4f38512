"""Every page works on an intranet cut off from the internet: nothing is fetched from another host."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from fazhi_web.plans import actions
from fazhi_web.plans.models import Jurisdiction, Plan


def visit(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
    page.wait_for_load_state("networkidle")


def test_no_page_loads_anything_from_another_host(page: Page, site: str, log_in: Callable[[Page, str], None],
                                                  county_plan: dict[str, object],
                                                  shoot: Callable[[Page, str], object]) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    place = Jurisdiction.objects.get(name="平昌县")
    plan = Plan.objects.get(jurisdiction=place)
    task = plan.tasks.order_by("order").first()
    assert task is not None
    draft = actions.import_document(jurisdiction=place, filename=str(county_plan["name"]),
                                    data=county_plan["buffer"], user=User.objects.get(username="office"))  # type: ignore[arg-type]

    visit(page, "/public/")
    shoot(page, "14-public-plans")
    visit(page, f"/public/plans/{plan.pk}/")
    shoot(page, "15-public-plan")
    visit(page, "/accounts/login/")
    shoot(page, "01-login")

    log_in(page, "office")
    office_pages = [
        ("/jurisdictions/", "02-jurisdictions"),
        (f"/jurisdictions/{place.pk}/", "03-jurisdiction"),
        (f"/plans/{plan.pk}/", "04-plan"),
        (f"/tasks/{task.pk}/", "05-task"),
        (f"/plans/{plan.pk}/matrix/", "06-matrix"),
        ("/search/?q=复议", "08-search-fuyi"),
        (f"/jurisdictions/{place.pk}/units/", "13-units"),
        (f"/imports/{draft.pk}/", None),
    ]
    for path, name in office_pages:
        visit(page, path)
        if name:
            shoot(page, name)
        if name == "06-matrix":  # a unit with no task in a part leaves its cell empty, not "0 / 0"
            expect(page.locator("table.matrix td a").first).to_be_visible()
            expect(page.locator("table.matrix td a", has_text=re.compile(r"^\s*0 / 0\s*$"))).to_have_count(0)
    expect(page.locator(".source-pane mark").first).to_be_visible()

    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    log_in(page, "reporter")
    visit(page, "/my/")

    host = urlsplit(site).netloc
    assert len(requested) > 20
    assert any(url.endswith(".css") for url in requested) and any(url.endswith(".js") for url in requested)
    elsewhere = sorted({url for url in requested if urlsplit(url).netloc != host})
    assert elsewhere == [], f"fetched from other hosts: {elsewhere}"
