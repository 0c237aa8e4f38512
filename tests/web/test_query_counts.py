"""Issue 7: no page's query count grows with the number of rows it shows.

Each main page is opened on a small world and again once a larger one has been built the same way — more tasks,
more units taking part, more reports, extensions, supervision orders, notifications and search hits — through
the project's own actions. The two counts must be equal, and under the page's bound, so that a query per row
(an N+1) or a creeping extra query shows as a failing test. Each page is opened once before it is measured, so
per-process caches (content types, the indicator system…) do not count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fazhi_web.api.models import ApiToken
from fazhi_web.plans import actions as plan_actions
from fazhi_web.plans.models import Jurisdiction, Plan, Task, Unit
from fazhi_web.tracking import actions, annual
from fazhi_web.tracking.models import Cycle, Report

pytestmark = pytest.mark.django_db
Login = Callable[[str], Client]

TODAY = datetime(2025, 8, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # Q2 is due and past; June's deadlines too
AS_OF = TODAY.date()
SEARCHED = "计数任务"  # every task of every world says it


@dataclass
class World:
    """A published 2025 plan of 平昌县: each task led by 县司法局 with new units taking part, two quarters
    reported (contributions approved, consolidated reports approved, the first quarter accepted), extensions
    asked for (half granted), a supervision order per task, and drafts of the third quarter."""

    plan: Plan
    cycle: Cycle  # the second quarter, fully reported
    consolidated: Report  # 县司法局's report on the first task for the second quarter
    drafts: list[Report]  # 县司法局's third-quarter drafts, one per task
    lead: Unit


def _plan_text(tag: str, tasks: int, partners: list[str]) -> str:
    lines = [f"平昌县2025年法治政府建设工作要点（{tag}）", ""]
    for i in range(1, tasks + 1):
        if i % 3 == 1:
            lines += [f"{'一二三四五六七八九'[i // 3]}、第{i // 3 + 1}部分重点工作", ""]
        lines += [f"{i}.{SEARCHED}{tag}{i}，规范行政许可事项，审查率达100%，公开率达到95%以上。2025年6月底前完成。"
                  f"（牵头单位：县司法局；配合单位：{'、'.join(partners)}）", ""]
    return "\n".join(lines)


def _world(tag: str, *, tasks: int, partners: int) -> World:
    place = Jurisdiction.objects.get(name="平昌县")
    office = User.objects.get(username="office")
    units = [plan_actions.create_unit(jurisdiction=place, name=f"县{tag}第{k}局", aliases=(f"{tag}第{k}局",), user=office)
             for k in range(1, partners + 1)]
    draft = plan_actions.import_document(jurisdiction=place, filename=f"{tag}.txt",
                                         data=_plan_text(tag, tasks, [u.name for u in units]).encode(), user=office)
    plan = plan_actions.publish_draft(draft=draft, version=draft.version, user=office)
    lead = Unit.objects.get(jurisdiction=place, name="县司法局")
    cycles = actions.open_cycles(plan=plan, frequency="quarterly", year=2025, due_days=10, user=office)
    plan_tasks = list(Task.objects.filter(plan=plan).order_by("order"))
    assert len(plan_tasks) == tasks
    for index, cycle in enumerate(cycles[:2]):
        for task in plan_tasks:
            for unit in units:
                _send(task, unit, cycle, accept=False)
            _send(task, lead, cycle, accept=index == 0)
    for number, task in enumerate(plan_tasks):
        asked = actions.request_extension(task=task, unit=lead, requested_due=date(2025, 7, 31), reason="汛期",
                                          original_due=date(2025, 6, 30), user=None)
        if number % 2 == 0:
            actions.decide_extension(extension=asked, grant=True, note="同意", user=office)
        actions.follow(task=task, user=office, on=True)
    actions.open_orders(pairs=[(task, lead) for task in plan_tasks], reason="请加快推进", reply_due=date(2025, 8, 30),
                        user=office, as_of=AS_OF)
    drafts = [actions.report_for(task=task, unit=lead, cycle=cycles[2]) for task in plan_tasks]
    consolidated = Report.objects.get(task=plan_tasks[0], unit=lead, cycle=cycles[1])
    return World(plan, cycles[1], consolidated, drafts, lead)


def _send(task: Task, unit: Unit, cycle: Cycle, *, accept: bool) -> Report:
    report = actions.report_for(task=task, unit=unit, cycle=cycle)
    values = {t.pk: 98.0 for t in task.targets.all()}
    report = actions.save_report(report=report, version=report.version, user=None, progress="in-progress",
                                 done=f"{unit.name}已推进", problems="人手不足", next_steps="继续推进", values=values)
    for step in (actions.submit_report, actions.approve_report):
        report = step(report=report, user=None)
    if accept:
        report = actions.accept_report(report=report, user=None, comment="同意")
    return report


# ------------------------------------------------------------------------------------------ the pages


Opener = Callable[[World, Client], Any]


@dataclass(frozen=True)
class Page:
    who: str | None  # a demo account, or None for the public
    open: Opener  # opens the page on a world and returns the response
    bound: int  # the most queries it may take


def _get(name: str, **kwargs: Callable[[World], object]) -> Opener:
    def opener(world: World, client: Client) -> Any:
        return client.get(reverse(name, kwargs={k: f(world) for k, f in kwargs.items()}))
    return opener


def _get_with(name: str, params: dict[str, str], **kwargs: Callable[[World], object]) -> Opener:
    def opener(world: World, client: Client) -> Any:
        return client.get(reverse(name, kwargs={k: f(world) for k, f in kwargs.items()}), params)
    return opener


def _plan(world: World) -> int:
    return world.plan.pk


def _cycle(world: World) -> int:
    return world.cycle.pk


def _submit(world: World, client: Client) -> Any:
    report = world.drafts.pop()
    return client.post(reverse("report-submit", kwargs={"pk": report.pk}))


def _api(path: Callable[[World], str]) -> Opener:
    def opener(world: World, client: Client) -> Any:
        user = User.objects.get(username="office")
        _, key = ApiToken.issue(user=user, name="query counts")
        return Client().get(path(world), headers={"Authorization": f"Bearer {key}"})
    return opener


ASSESSED = {"year": "2025", "as_of": AS_OF.isoformat(), "by": "rules"}

PAGES = {
    "my tasks of a reporter": Page("reporter", _get("my-tasks"), 12),
    "my tasks of the office": Page("office", _get("my-tasks"), 6),
    "the plan tree": Page("office", _get("plan", pk=_plan), 20),
    "the plan tree of a reporter": Page("reporter", _get("plan", pk=_plan), 14),
    "the responsibility matrix": Page("office", _get("matrix", pk=_plan), 10),
    "the dashboard": Page("office", _get("dashboard", pk=_plan), 18),
    "search": Page("office", lambda world, client: client.get(reverse("search"), {"q": SEARCHED}), 10),
    "a cycle for the office": Page("office", _get("cycle", pk=_cycle), 12),
    "a cycle for a reporter": Page("reporter", _get("cycle", pk=_cycle), 12),
    "a consolidated report": Page("office", _get("report", pk=lambda w: w.consolidated.pk), 17),
    "submitting a report": Page("reporter", _submit, 20),
    "the supervision desk": Page("office", _get("supervision", pk=_plan), 16),
    "the assessment ranking": Page("office", _get_with("assessment", ASSESSED, pk=_plan), 21),
    "a units score": Page("office", _get_with("assessment-unit", ASSESSED, pk=_plan, unit=lambda w: w.lead.pk), 25),
    "the notifications": Page("reporter", _get("notifications"), 6),
    "the jurisdiction": Page("office", _get("jurisdiction", pk=lambda w: w.plan.jurisdiction_id), 14),
    "the public plan page": Page(None, _get("public-plan", pk=_plan), 18),
    "the api list of plans": Page(None, _api(lambda w: "/api/plans?limit=1000"), 9),
    "the api list of tasks": Page(None, _api(lambda w: "/api/tasks?limit=1000"), 14),
    "the api list of a plans tasks": Page(None, _api(lambda w: f"/api/tasks?plan={w.plan.pk}&limit=1000"), 14),
    "the api list of units": Page(None, _api(lambda w: f"/api/jurisdictions/{w.plan.jurisdiction_id}/units"), 10),
    "the api list of jurisdictions": Page(None, _api(lambda w: "/api/jurisdictions"), 8),
    "the cycles ledger": Page("office", _get("cycle-ledger", pk=_cycle), 13),
    "the public division table": Page(None, _get("public-division", pk=_plan, fmt=lambda w: "xlsx"), 2),
    "the cycles bulk export": Page("office", _get("cycle-export", pk=_cycle), 10),
    "a units bulk export": Page("reporter", _get_with("cycle-export", {}, pk=_cycle), 10),
}


def _client(login: Login, who: str | None) -> Client:
    return login(who) if who else Client()


def _count(page: Page, world: World, client: Client) -> int:
    page.open(world, client)  # warm: per-process caches are not the page's cost
    with CaptureQueriesContext(connection) as queries:
        response = page.open(world, client)
    assert response.status_code in (200, 302), (response.status_code, response.content[:300])
    return len(queries)


@pytest.mark.parametrize("name", [pytest.param(name, id=name.replace(" ", "-")) for name in PAGES])
def test_the_query_count_does_not_grow_with_the_rows_shown(name: str, login: Login) -> None:
    page = PAGES[name]
    with time_machine.travel(TODAY, tick=False):
        small = _world("计数甲", tasks=2, partners=1)
        client = _client(login, page.who)
        before = _count(page, small, client)
        big = _world("计数乙", tasks=7, partners=4)
        after = _count(page, big, client)
    assert (before, after) == (before, before), f"{name}: {before} queries on the small world, {after} on the big one"
    assert after <= page.bound


def _assembly_queries(plan: Plan, unit: Unit | None) -> int:
    with CaptureQueriesContext(connection) as queries:
        annual.assemble(plan, year=2025, unit=unit, as_of=AS_OF)
    return len(queries)


@pytest.mark.parametrize("for_unit", [pytest.param(False, id="the-jurisdictions"), pytest.param(True, id="a-units")])
def test_assembling_an_annual_report_reads_as_many_queries_for_any_number_of_tasks(for_unit: bool) -> None:
    with time_machine.travel(TODAY, tick=False):
        small = _world("计数甲", tasks=2, partners=1)
        big = _world("计数乙", tasks=7, partners=4)
        before = _assembly_queries(small.plan, small.lead if for_unit else None)
        after = _assembly_queries(big.plan, big.lead if for_unit else None)
    assert before == after <= 16


def test_the_list_of_jurisdictions_reads_as_many_queries_for_more_jurisdictions(login: Login) -> None:
    """An upper viewer's list names each place under its ancestors; more places at the same depths, same count."""
    upper = login("upper")
    page = Page("upper", _get("jurisdictions"), 12)
    before = _count(page, None, upper)  # type: ignore[arg-type]
    bazhong = Jurisdiction.objects.get(name="巴中市")
    added = Jurisdiction.objects.create(name="计数州", level="prefecture", parent=bazhong.parent)
    for name, parent in [("计数一县", bazhong), ("计数二县", bazhong), ("计数三县", added)]:
        Jurisdiction.objects.create(name=name, level="county", parent=parent)
    after = _count(page, None, upper)  # type: ignore[arg-type]
    assert "四川省 › </span><span class=\"muted\">计数州 › </span>计数三县" in upper.get(reverse("jurisdictions")).content.decode()
    assert before == after <= page.bound
