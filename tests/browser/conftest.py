"""The browser tests' world: Debian's chromium, driven by Playwright's sync API, against pytest-django's
live server holding the demo seed (five sample plans, registries, accounts).

The live server needs a transactional database, which is flushed after every test, so each test calls
``load_demo`` again (idempotent: a no-op when the web tests' seed is still there). Loading takes ~8 s, so
on SQLite the first world is kept with the backup API and copied back after each flush (milliseconds).
Screenshots go to test-artifacts/screenshots/ (git-ignored) for a person to look at.
DJANGO_ALLOW_ASYNC_UNSAFE is set for the whole run once this file is imported (see below).
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from playwright.sync_api import Browser, Page, expect, sync_playwright

from fazhi_web.plans.demo import DEMO_PASSWORD, load_demo
from fazhi_web.plans.models import Jurisdiction

# Playwright's sync API keeps an event loop running in this thread; Django would otherwise refuse the
# ORM calls the tests make between page actions (SynchronousOnlyOperation).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One chromium for the whole run; never a downloaded browser."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests drive Debian's chromium. Run `make browser`.",
                    pytrace=False)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class DemoSnapshot:
    """The demo database as first loaded, kept with SQLite's backup API and put back after each flush.

    Loading the demo takes seconds (five plans published through the real actions); restoring a copy
    takes milliseconds. On another database the demo is simply loaded again.
    """

    def __init__(self) -> None:
        self.copy: sqlite3.Connection | None = None

    def restore(self) -> None:
        if self.copy is not None and not Jurisdiction.objects.exists():
            self.copy.backup(self._raw())
            ContentType.objects.clear_cache()

    def keep(self) -> None:
        if self.copy is None and connection.vendor == "sqlite":
            self.copy = sqlite3.connect(":memory:", check_same_thread=False)
            self._raw().backup(self.copy)

    @staticmethod
    def _raw() -> sqlite3.Connection:
        connection.ensure_connection()
        return connection.connection  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def demo_snapshot() -> Iterator[DemoSnapshot]:
    snapshot = DemoSnapshot()
    yield snapshot
    if snapshot.copy is not None:
        snapshot.copy.close()


@pytest.fixture
def demo(transactional_db: None, demo_snapshot: DemoSnapshot) -> None:
    """The demo world, in a database that the previous browser test's flush emptied."""
    demo_snapshot.restore()
    load_demo()  # a no-op when the world is already there
    demo_snapshot.keep()


@pytest.fixture
def site(live_server: object, demo: None) -> str:
    """The live server's address, with the demo world in its database."""
    return str(live_server.url)  # type: ignore[attr-defined]


@pytest.fixture
def page(browser: Browser, site: str) -> Iterator[Page]:
    context = browser.new_context(base_url=site, viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(10_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def phone(browser: Browser, site: str) -> Iterator[Page]:
    context = browser.new_context(base_url=site, viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, locale="zh-CN")
    context.set_default_timeout(10_000)
    opened = context.new_page()
    yield opened
    context.close()


def sign_in(page: Page, username: str) -> None:
    """Through the real login form, as one of the demo accounts."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")  # sticky panes are drawn where the scroll left them
    page.screenshot(path=str(path), full_page=True, timeout=30_000)  # a loaded machine (CI) renders slowly
    return path


@pytest.fixture
def shoot() -> Callable[[Page, str], Path]:
    """Keep a full-page screenshot: shoot(page, "03-plan")."""
    return screenshot


@pytest.fixture
def log_in() -> Callable[[Page, str], None]:
    """sign_in for a page of another context (the phone)."""
    return sign_in


@pytest.fixture
def signed_in(page: Page) -> Callable[[str], Page]:
    def as_user(username: str) -> Page:
        sign_in(page, username)
        return page

    return as_user


# A county's annual plan in the usual shape: 一、 / （一） / 1. numbering, responsibility clauses,
# deadlines in the text. 县档案馆 is in no registry; 县市场监管局 and 县发改局 are aliases.
COUNTY_PLAN = """平昌县2025年法治政府建设工作要点

为深入学习贯彻习近平法治思想，全面推进依法行政，结合我县实际，制定本工作要点。

一、健全依法行政制度体系

（一）加强行政规范性文件监督管理

1.严格落实行政规范性文件合法性审核机制，合法性审核率达100%，2025年底前实现全覆盖。（牵头单位：县司法局；配合单位：县财政局、县市场监管局）

2.开展行政规范性文件集中清理，2025年6月底前公布保留、修改和废止目录。（牵头单位：县司法局；配合单位：县档案馆）

（二）推进重大行政决策科学民主依法

3.严格执行重大行政决策程序，2025年3月底前编制年度重大行政决策事项目录并向社会公布。（牵头单位：县人民政府办公室；配合单位：县发改局）

二、严格规范公正文明执法

（三）深化行政执法规范化建设

4.全面落实行政执法公示、执法全过程记录、重大执法决定法制审核制度，长期坚持。（牵头单位：县综合行政执法局；配合单位：县公安局、县应急局）

5.加强行政复议规范化建设，依法纠正违法或不当行政行为，2025年底前完成。（牵头单位：县财政局；配合单位：县人民法院）
"""
COUNTY_PLAN_FILE = "平昌县2025年法治政府建设工作要点.txt"


@pytest.fixture
def county_plan() -> dict[str, object]:
    """The plan as a file for ``set_input_files``."""
    return {"name": COUNTY_PLAN_FILE, "mimeType": "text/plain", "buffer": COUNTY_PLAN.encode()}


@pytest.fixture
def desks(browser: Browser, site: str) -> Iterator[Callable[[str], Page]]:
    """A signed-in browser window per account, as on several people's desks at once: desks("office")."""
    contexts = []

    def desk(username: str) -> Page:
        context = browser.new_context(base_url=site, viewport=DESKTOP, locale="zh-CN")
        context.set_default_timeout(10_000)
        contexts.append(context)
        opened = context.new_page()
        sign_in(opened, username)
        return opened

    yield desk
    for context in contexts:
        context.close()
