"""Plans side by side in a browser: the picker on a plan's page, the alignment page and its filter, the peer
view, and the parent plan's coverage on a plan's page — on a desk and on a phone (no sideways scrolling)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from fazhi_web.plans.models import Plan

PHONE_WIDTH = 390
Shoot = Callable[[Page, str], Path]


def fits_a_phone(page: Page) -> bool:
    return bool(page.evaluate(f"document.documentElement.scrollWidth <= {PHONE_WIDTH} + 1"))


def test_the_upper_viewer_compares_two_prefectures_plans(signed_in: Callable[[str], Page], phone: Page,
                                                         log_in: Callable[[Page, str], None], shoot: Shoot) -> None:
    suining = Plan.objects.get(jurisdiction__name="遂宁市")
    ganzi = Plan.objects.get(jurisdiction__name="甘孜藏族自治州")
    page = signed_in("upper")
    page.goto(f"/plans/{suining.pk}/")
    page.get_by_label("与其他方案对照").select_option(str(ganzi.pk))
    page.get_by_label("对方是").select_option("parent")
    page.get_by_role("button", name="对照").click()
    expect(page).to_have_url(re.compile(rf"/plans/{suining.pk}/align/{ganzi.pk}/$"))
    expect(page.locator("h1")).to_have_text("方案对照")
    items = page.locator("article.align-item")
    total = items.count()
    assert total == ganzi.tasks.filter(status="active").count()
    expect(page.locator("article.align-item mark.same").first).to_be_visible()
    shoot(page, "20-align-desktop")

    page.get_by_label("落实情况").select_option("partly")
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"verdict=partly"))
    shown = items.count()
    assert 0 < shown < total
    expect(page.locator("article.align-item.partly")).to_have_count(shown)

    # from a paired task to its peers in the other prefecture
    first_child = page.locator("article.align-item .pair-head a").first
    first_child.click()
    page.get_by_role("link", name="各地同类任务对照").click()
    expect(page.locator("h1")).to_have_text("各地同类任务对照")
    expect(page.locator("table.peers tbody tr").nth(1)).to_contain_text("甘孜藏族自治州")
    shoot(page, "21-peers-desktop")

    log_in(phone, "upper")
    phone.goto(f"/plans/{suining.pk}/align/{ganzi.pk}/")
    expect(phone.locator("article.align-item").first).to_be_visible()
    assert fits_a_phone(phone), "the alignment page scrolls sideways on a phone"
    shoot(phone, "20-align-phone")
    phone.goto(f"/plans/{suining.pk}/align/{ganzi.pk}/?verdict=partly")  # a few tasks: their passages open
    assert fits_a_phone(phone), "the filtered alignment page scrolls sideways on a phone"
    passages = phone.locator("article.align-item .side-by-side").first.locator(".passage")
    upper, lower = passages.nth(0).bounding_box(), passages.nth(1).bounding_box()
    assert upper and lower and lower["y"] >= upper["y"] + upper["height"]  # stacked, not squeezed side by side
    shoot(phone, "20-align-partly-phone")
    phone.goto(page.url)
    assert fits_a_phone(phone), "the peer view scrolls sideways on a phone"
    shoot(phone, "21-peers-phone")


def test_a_plans_page_shows_its_parents_coverage(page: Page, phone: Page, log_in: Callable[[Page, str], None],
                                                 shoot: Shoot) -> None:
    """泾川县's plan carries out 贵州省's in the demo; the demo viewer at 中华人民共和国 reads both."""
    jingchuan = Plan.objects.get(jurisdiction__name="泾川县")
    log_in(page, "nation")
    page.goto(f"/plans/{jingchuan.pk}/")
    expect(page.locator(".coverage-line")).to_contain_text("上级方案：貴州省法治政府建設實施方案")
    expect(page.locator("p.carries")).to_have_count(32)
    shoot(page, "22-plan-coverage-desktop")
    page.locator(".coverage-line").get_by_role("link", name="查看对照").click()
    expect(page.locator("article.align-item")).to_have_count(152)
    shoot(page, "23-align-152-desktop")
    # from a task's line on the plan page to its parent task, passages unfolded
    page.go_back()
    page.locator("p.carries a").first.click()
    anchor = re.search(r"#(p-\d+)$", page.url)
    assert anchor
    expect(page.locator(f"#{anchor.group(1)} .side-by-side").first).to_be_visible()

    log_in(phone, "nation")
    phone.goto(page.url)
    assert fits_a_phone(phone), "the 152-task alignment page scrolls sideways on a phone"
    shoot(phone, "23-align-152-phone")
    phone.goto(f"/plans/{jingchuan.pk}/")
    assert fits_a_phone(phone), "the plan page with its parent's coverage scrolls sideways on a phone"
