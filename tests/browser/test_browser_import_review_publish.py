"""An office imports a plan in the browser: upload, review against the source, correct, resolve, publish."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from fazhi_web.plans.models import ImportDraft, Plan, SourceDocument, Unit


def open_upload_page(page: Page) -> None:
    page.goto("/jurisdictions/")
    page.locator("table.list a", has_text="平昌县").click()
    expect(page.locator("h1")).to_contain_text("平昌县")
    page.get_by_role("link", name="导入方案").click()
    expect(page.locator("h1")).to_have_text("导入方案")


def task_in_tree(page: Page, text: str) -> Locator:
    return page.locator(".tree-pane details.draft-task").filter(has_text=text)


def test_office_uploads_reviews_corrects_and_publishes_a_plan(signed_in: Callable[[str], Page],
                                                              county_plan: dict[str, object],
                                                              shoot: Callable[[Page, str], object]) -> None:
    page = signed_in("office")
    open_upload_page(page)
    page.set_input_files("input[name=file]", files=[county_plan])  # type: ignore[list-item]
    page.get_by_role("button", name="读取并进入审核").click()

    # The review page: the source with its marks on the left, the extracted tree on the right.
    expect(page).to_have_url(re.compile(r"/imports/\d+/$"))
    expect(page.locator(".messages")).to_contain_text("5 项任务")
    source = page.locator(".source-pane .lines")
    expect(source).to_contain_text("加强行政复议规范化建设")
    expect(source.locator("mark.unit", has_text="县档案馆")).to_have_count(1)
    expect(source.locator("mark.unit", has_text="县市场监管局")).to_have_count(1)
    expect(source.locator("mark.deadline", has_text="2025年6月底前")).to_have_count(1)
    expect(source.locator("mark.target", has_text="100%")).to_have_count(1)
    expect(page.locator(".tree-pane details.draft-task")).to_have_count(5)
    expect(page.locator(".tree-pane .draft-heading")).to_have_count(5)

    # 县档案馆 is unknown, so publishing is refused until it is resolved; the alias is recognised.
    publish = page.get_by_role("button", name="发布方案")
    expect(publish).to_be_disabled()
    expect(page.locator(".publish-bar")).to_contain_text("还有 1 个单位名称未确认")
    expect(task_in_tree(page, "县档案馆").locator(".chips .unit.unknown")).to_have_text("县档案馆")
    expect(task_in_tree(page, "合法性审核").locator(".chips .unit.unknown")).to_have_count(0)

    # Correct task 5: the lead unit and the deadline.
    reconsideration = task_in_tree(page, "加强行政复议规范化建设")
    reconsideration.locator("summary").click()
    form = reconsideration.locator("form.task-form")
    expect(form.locator("input[name=lead]")).to_have_value("县财政局")
    form.locator("input[name=lead]").fill("县司法局")
    form.locator("textarea[name=deadlines]").fill("2025年9月底前")
    shoot(page, "07-review")
    form.get_by_role("button", name="保存本项").click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    chips = task_in_tree(page, "加强行政复议规范化建设").locator(".chips")
    expect(chips.locator(".unit.lead")).to_have_text("县司法局")
    expect(chips.locator(".deadline")).to_have_text("2025年9月底前")

    # Resolve the unknown name by creating it as a unit; then publishing is allowed.
    resolve = page.locator("#unknown form.resolve").filter(has_text="县档案馆")
    resolve.locator("select[name=how]").select_option("create")
    resolve.get_by_role("button", name="确认").click()
    expect(page.locator(".messages")).to_contain_text("“县档案馆”已确认")
    expect(page.locator("#unknown")).to_have_count(0)
    expect(page.locator(".publish-bar")).to_contain_text("所有单位名称都已确认")
    expect(publish).to_be_enabled()
    publish.click()

    # The published plan shows the tasks with the corrected values.
    expect(page).to_have_url(re.compile(r"/plans/\d+/$"))
    expect(page.locator(".messages")).to_contain_text("5 项任务")
    expect(page.locator("h1")).to_have_text("平昌县2025年法治政府建设工作要点")
    expect(page.locator("article.task")).to_have_count(5)
    corrected = page.locator("article.task").filter(has_text="加强行政复议规范化建设")
    expect(corrected.locator(".unit.lead")).to_have_text("县司法局")
    expect(corrected.locator(".units")).not_to_contain_text("县财政局")
    expect(corrected.locator(".deadline")).to_have_text("2025年9月底前")
    aliased = page.locator("article.task").filter(has_text="合法性审核")
    expect(aliased.locator(".unit.participating", has_text="县市场监督管理局")).to_have_count(1)
    created = page.locator("article.task").filter(has_text="集中清理")
    expect(created.locator(".unit.participating")).to_have_text("县档案馆")

    plan = Plan.objects.get(title="平昌县2025年法治政府建设工作要点")
    assert Unit.objects.filter(jurisdiction=plan.jurisdiction, name="县档案馆").exists()
    task = plan.tasks.get(text__contains="加强行政复议规范化建设")
    assert [(a.unit.name, a.role) for a in task.assignments.order_by("role")] == [
        ("县司法局", "lead"), ("县人民法院", "participating")]
    assert [(d.text, d.due_on.isoformat()) for d in task.deadlines.all()] == [("2025年9月底前", "2025-09-30")]


def test_a_failed_upload_shows_the_readers_message_and_stores_nothing(signed_in: Callable[[str], Page]) -> None:
    """An empty file is refused on the form; a file the reader cannot read is refused on its job's page."""
    page = signed_in("office")
    stored = ImportDraft.objects.count(), SourceDocument.objects.count()
    open_upload_page(page)
    attempts = [
        ("空白.txt", b"", "空文件", 400),
        ("方案.docx", os.urandom(4096), "无法识别的文件", 302),
    ]
    for name, data, message, status in attempts:
        page.set_input_files("input[name=file]", files=[{"name": name, "mimeType": "application/octet-stream",
                                                         "buffer": data}])
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.get_by_role("button", name="读取并进入审核").click()
        assert answer.value.status == status
        error = page.get_by_role("alert")
        expect(error).to_contain_text(message)
        assert re.search(r"[\u4e00-\u9fff]", error.inner_text())
        if status == 302:  # the job's page, with the way back
            expect(page).to_have_url(re.compile(r"/jobs/\d+/$"))
            page.get_by_role("link", name="重新上传").click()
        expect(page.locator("h1")).to_have_text("导入方案")
    assert (ImportDraft.objects.count(), SourceDocument.objects.count()) == stored
