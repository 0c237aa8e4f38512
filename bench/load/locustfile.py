"""What a unit reporter and an office do most, as Locust users (run by bench/load/run.py, never by the tests).

Each simulated person signs in once with a real account of the database under test (bench/load/run.py picks
them and writes ``accounts.json``), then works with a think time between clicks:

- a reporter (five of every six users): 我的任务, a task page, the plan's tree, a search, and now and then
  writes a report for real — opens the report of one of its tasks for the current cycle, saves the draft with
  the version the page gave and submits it — or downloads its unit's ledger;
- an office administrator: the dashboard, the matrix, the plan tree, a cycle's reports, supervision,
  the assessment ranking, a search, and the division table as Excel.

Requests are named by page, not by URL, so the figures group by what a user opened.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from collections.abc import Iterator
from itertools import cycle
from pathlib import Path
from typing import Any

from locust import FastHttpUser, between, events, task

ACCOUNTS_FILE = Path(os.environ.get("FAZHI_LOAD_ACCOUNTS", Path(__file__).with_name("accounts.json")))
THINK = (float(os.environ.get("FAZHI_LOAD_THINK_MIN", "2")), float(os.environ.get("FAZHI_LOAD_THINK_MAX", "6")))
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
TARGET_FIELD = re.compile(r'name="(target_\d+)"')

TIMINGS_FILE = os.environ.get("FAZHI_LOAD_TIMINGS", "")

_accounts: dict[str, Any] = {}
_people: dict[str, Iterator[dict[str, Any]]] = {}
# Every response once all users have signed in: page name → [milliseconds], and the failures, so run.py can
# take exact percentiles over the pages (Locust's own table rounds them and mixes in the sign-ins).
_timings: dict[str, list[float]] = {}
_failures: dict[str, int] = {}
_measuring = [False]
_window: dict[str, float] = {}


@events.init.add_listener
def _load_accounts(**_: Any) -> None:
    _accounts.update(json.loads(ACCOUNTS_FILE.read_text("utf-8")))
    _people["reporter"] = cycle(_accounts["reporters"])
    _people["office"] = cycle(_accounts["offices"])


@events.spawning_complete.add_listener
def _all_spawned(user_count: int, **_: Any) -> None:
    _window["users"] = user_count
    _start_when_all_signed_in()


def _start_when_all_signed_in() -> None:
    """Measure from the moment every user has signed in: a burst of Argon2 sign-ins is not the day's work."""
    if not _measuring[0] and _window.get("users") and _window.get("signed_in", 0) >= _window["users"]:
        _measuring[0] = True
        _window["start"] = time.monotonic()


@events.request.add_listener
def _record(name: str, response_time: float, exception: BaseException | None, **_: Any) -> None:
    if not _measuring[0]:
        return
    if exception is not None:
        _failures[name] = _failures.get(name, 0) + 1
    else:
        _timings.setdefault(name, []).append(response_time)


@events.quitting.add_listener
def _write_timings(**_: Any) -> None:
    if TIMINGS_FILE:
        seconds = time.monotonic() - _window.get("start", time.monotonic())
        Path(TIMINGS_FILE).write_text(json.dumps({"seconds": seconds, "timings": _timings, "failures": _failures}),
                                      "utf-8")


class _Person(FastHttpUser):
    abstract = True
    wait_time = between(*THINK)
    role = ""

    def on_start(self) -> None:
        self.me = next(_people[self.role])
        page = self.client.get("/accounts/login/", name="登录")
        token = TOKEN.search(page.text or "")
        self.client.post("/accounts/login/", name="登录", data={
            "username": self.me["username"], "password": _accounts["password"],
            "csrfmiddlewaretoken": token.group(1) if token else ""}, headers={"Referer": self.host + "/accounts/login/"})
        _window["signed_in"] = _window.get("signed_in", 0) + 1
        _start_when_all_signed_in()

    def post(self, url: str, name: str, data: dict[str, str], page: str) -> Any:
        """A form post as a browser makes it: the CSRF token from the page it was on, that page as referer."""
        token = TOKEN.search(page)
        data = {**data, "csrfmiddlewaretoken": token.group(1) if token else ""}
        return self.client.post(url, name=name, data=data, headers={"Referer": self.host + url})

    def search(self) -> None:
        self.client.get("/search/", params={"q": random.choice(_accounts["search_terms"])}, name="搜索")


class Reporter(_Person):
    weight = 5
    role = "reporter"

    @task(4)
    def my_tasks(self) -> None:
        self.client.get("/my/", name="我的任务")

    @task(2)
    def task_page(self) -> None:
        self.client.get(f"/tasks/{random.choice(self.me['tasks'])}/", name="任务页")

    @task(1)
    def plan_tree(self) -> None:
        self.client.get(f"/plans/{self.me['plan']}/", name="方案（任务树）")

    @task(1)
    def search_plans(self) -> None:
        self.search()

    @task(1)
    def write_report(self) -> None:
        """Open the report of the next unreported task, save it as a draft, submit it."""
        if not self.me["open"]:
            return
        task_pk, cycle_pk = self.me["open"].pop()
        page = self.client.get(f"/tasks/{task_pk}/", name="任务页").text or ""
        opened = self.post(f"/tasks/{task_pk}/report/{cycle_pk}/", "填报：打开报告", {}, page)
        form = opened.text or ""
        version = VERSION.search(form)
        if not version or "/reports/" not in opened.url:
            return
        report_url = opened.url.split(self.host, 1)[-1]
        data = {"version": version.group(1), "progress": "in-progress",
                "done": "已按方案要求制定工作计划，召开专题会议部署推进，完成阶段性任务。",
                "problems": "基层执法力量不足。", "next_steps": "下一季度继续推进并开展督导检查。"}
        data |= {field: "95" for field in TARGET_FIELD.findall(form)}
        saved = self.post(report_url, "填报：保存草稿", data, form)
        self.post(f"{report_url}submit/", "填报：报送", {}, saved.text or "")

    @task(1)
    def unit_ledger(self) -> None:
        self.client.get(f"/cycles/{self.me['cycle']}/units/{self.me['unit']}/ledger.xlsx", name="导出：本单位台账")


class Office(_Person):
    weight = 1
    role = "office"

    @task(3)
    def dashboard(self) -> None:
        self.client.get(f"/plans/{self.me['plan']}/dashboard/", name="工作台（统计）")

    @task(2)
    def matrix(self) -> None:
        self.client.get(f"/plans/{self.me['plan']}/matrix/", name="任务矩阵")

    @task(2)
    def plan_tree(self) -> None:
        self.client.get(f"/plans/{self.me['plan']}/", name="方案（任务树）")

    @task(1)
    def cycle_reports(self) -> None:
        self.client.get(f"/cycles/{self.me['cycle']}/", name="报送周期")

    @task(1)
    def supervision(self) -> None:
        self.client.get(f"/plans/{self.me['plan']}/supervision/", name="督办")

    @task(1)
    def assessment(self) -> None:
        self.client.get(f"/plans/{self.me['plan']}/assessment/", name="考核排名")

    @task(1)
    def search_plans(self) -> None:
        self.search()

    @task(1)
    def division_table(self) -> None:
        self.client.get(f"/public/plans/{self.me['plan']}/division.xlsx", name="导出：任务分工表")
