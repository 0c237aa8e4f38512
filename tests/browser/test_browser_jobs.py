"""An upload read as a background job, in the browser: the job's page shows the progress, htmx polls it, and the
office lands on the draft's review when the plan is read; a document that cannot be read says why, with a way
back to the upload. Jobs run in the web process's thread pool here (no broker), as in the demo."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from fazhi_web.jobs import kinds
from fazhi_web.jobs.models import JobKind
from fazhi_web.jobs.runner import JobResult
from fazhi_web.plans.models import Jurisdiction


def open_upload_page(page: Page) -> None:
    page.goto(f"/jurisdictions/{Jurisdiction.objects.get(name='平昌县').pk}/import/")
    expect(page.locator("h1")).to_have_text("导入方案")


@pytest.fixture
def in_thread_pool(settings: Any) -> None:
    settings.FAZHI_JOBS_SYNC = False
    settings.FAZHI_JOBS_BROKER = ""


@pytest.fixture
def held_after_reading(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The import job stops after its first step until the test lets it go, so the page can be seen mid-way."""
    release = threading.Event()
    real = kinds.KINDS[JobKind.IMPORT_PLAN].run

    def held(job: Any, progress: Any) -> JobResult:
        def step(done: int, total: int, message: str) -> None:
            progress(done, total, message)
            if done == 1:
                release.wait(30)

        return real(job, step)

    monkeypatch.setitem(kinds.KINDS, JobKind.IMPORT_PLAN, kinds.Kind(held))
    yield release
    release.set()


def test_the_upload_shows_its_progress_then_opens_the_review(
        signed_in: Callable[[str], Page], county_plan: dict[str, object], in_thread_pool: None,
        held_after_reading: threading.Event, shoot: Callable[[Page, str], object]) -> None:
    page = signed_in("office")
    open_upload_page(page)
    page.set_input_files("input[name=file]", files=[county_plan])  # type: ignore[list-item]
    page.get_by_role("button", name="读取并进入审核").click()

    expect(page).to_have_url(re.compile(r"/jobs/\d+/$"))
    expect(page.locator("h1")).to_have_text("读取方案文件")
    status = page.locator("#job-status")
    expect(status.locator(".job-state")).to_have_text("正在处理")
    expect(status.locator(".job-message")).to_contain_text("正在识别标题、任务")
    expect(status.locator("progress")).to_have_attribute("value", "33")
    shoot(page, "30-job-progress")

    held_after_reading.set()  # the next poll finds the draft read and htmx goes there
    expect(page).to_have_url(re.compile(r"/imports/\d+/$"), timeout=20_000)
    expect(page.locator(".messages")).to_contain_text("5 项任务")
    expect(page.locator(".tree-pane details.draft-task")).to_have_count(5)


def test_a_document_that_cannot_be_read_says_why_on_the_job_page(
        signed_in: Callable[[str], Page], in_thread_pool: None, shoot: Callable[[Page, str], object]) -> None:
    page = signed_in("office")
    open_upload_page(page)
    note = {"name": "说明.txt", "mimeType": "text/plain", "buffer": "关于报送材料的说明\n请各单位按时报送。\n".encode()}
    page.set_input_files("input[name=file]", files=[note])  # type: ignore[list-item]
    page.get_by_role("button", name="读取并进入审核").click()

    expect(page).to_have_url(re.compile(r"/jobs/\d+/$"))
    status = page.locator("#job-status")
    expect(status.locator(".job-state")).to_have_text("未完成", timeout=20_000)
    expect(status.locator(".error")).to_contain_text("没有找到编号的任务条目")
    shoot(page, "31-job-failed")
    page.get_by_role("link", name="重新上传").click()
    expect(page.locator("h1")).to_have_text("导入方案")
