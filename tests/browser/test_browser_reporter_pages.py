"""A unit's reporter sees their unit's tasks and nothing else, on a desk and on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from fazhi_web.plans.models import Plan, Task, TaskStatus, Unit


def task_ids_linked_from(page: Page, selector: str) -> set[int]:
    hrefs = page.locator(selector).evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return {int(re.fullmatch(r"/tasks/(\d+)/", href).group(1)) for href in hrefs}  # type: ignore[union-attr]


def test_reporter_sees_only_their_units_tasks(signed_in: Callable[[str], Page],
                                              shoot: Callable[[Page, str], object]) -> None:
    justice = Unit.objects.get(jurisdiction__name="平昌县", name="县司法局")
    theirs = set(Task.objects.filter(assignments__unit=justice, status=TaskStatus.ACTIVE).values_list("pk", flat=True))
    assert theirs

    page = signed_in("reporter")
    page.get_by_role("link", name="我的任务").click()
    expect(page).to_have_url(re.compile(r"/my/$"))
    expect(page.locator("h1")).to_contain_text("县司法局")
    assert task_ids_linked_from(page, "table.tasks a[href^='/tasks/']") == theirs
    shoot(page, "09-my-tasks")

    other = Task.objects.filter(plan__jurisdiction__name="平昌县", status=TaskStatus.ACTIVE) \
        .exclude(assignments__unit=justice).first()
    assert other is not None
    response = page.goto(f"/tasks/{other.pk}/")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("找不到页面")
    expect(page.locator("main")).not_to_contain_text(other.text[:20])

    plan = Plan.objects.get(jurisdiction__name="平昌县")
    page.goto(f"/plans/{plan.pk}/")
    shown = task_ids_linked_from(page, "article.task h4 a")
    assert shown == set(plan.tasks.filter(pk__in=theirs).values_list("pk", flat=True))
    assert shown < set(plan.tasks.values_list("pk", flat=True))
    expect(page.locator("article.task").filter(has_not_text="县司法局")).to_have_count(0)


PHONE_WIDTH = 390


def has_no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate(f"document.documentElement.scrollWidth <= {PHONE_WIDTH} + 1"))


def test_pages_fit_a_phone(phone: Page, log_in: Callable[[Page, str], None],
                           shoot: Callable[[Page, str], object]) -> None:
    log_in(phone, "reporter")
    assert phone.viewport_size == {"width": PHONE_WIDTH, "height": 844}
    phone.goto("/my/")
    assert has_no_sideways_scroll(phone), "my tasks scroll sideways on a phone"

    nav = phone.locator("#nav")
    menu = phone.get_by_role("button", name="菜单")
    expect(nav).to_be_hidden()
    menu.click()
    expect(nav).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="我的任务")).to_be_visible()
    expect(nav.get_by_role("searchbox")).to_be_visible()
    shoot(phone, "10-phone-my-tasks")
    menu.click()
    expect(nav).to_be_hidden()

    plan = Plan.objects.get(jurisdiction__name="平昌县")
    phone.goto(f"/plans/{plan.pk}/")
    expect(phone.locator("article.task").first).to_be_visible()
    assert has_no_sideways_scroll(phone), "the plan page scrolls sideways on a phone"
    shoot(phone, "11-phone-plan")

    phone.locator("article.task h4 a").first.click()
    expect(phone).to_have_url(re.compile(r"/tasks/\d+/$"))
    assert has_no_sideways_scroll(phone), "the task page scrolls sideways on a phone"
    shoot(phone, "12-phone-task")
