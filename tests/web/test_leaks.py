"""No page, list, search, export or API answer shows another unit's or another jurisdiction's data.

The world: reports, evidence files, supervision orders, extension requests, score adjustments and task texts
carrying unique marker strings, made through ``fazhi_web.tracking.actions`` by the demo accounts (see
test_permissions.py for who they are). Each case fetches one page as one account that may open it, unpacks it
(HTML, JSON, and the XML inside xlsx and docx files) and checks two things: no marker the account may not see
appears, and every marker the page is meant to show that account does appear (so the check cannot pass on an
empty page). Who may open which page is test_permissions.py's business; here the rows only list the accounts
that get the page, and the test checks they do.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fazhi_web.api.models import ApiToken
from fazhi_web.jobs.actions import enqueue_job
from fazhi_web.jobs.models import JobKind
from fazhi_web.plans import alignment
from fazhi_web.plans.models import AssignmentRole, Plan, Task, TaskStatus, Unit
from fazhi_web.plans.search import fold
from fazhi_web.tracking import actions as tracking
from fazhi_web.tracking.annual import assemble_annual_report
from fazhi_web.tracking.models import Cycle, Report

pytestmark = pytest.mark.django_db

SIGNED_IN = ("office", "office2", "reporter", "reporter2", "leader", "upper")
EVERYONE = ("anonymous", *SIGNED_IN)
# Who reads what: 平昌县's office and the level above read a unit's reports from submission on, its unit's people
# always; the lead unit's people read a participating unit's contribution once it is delivered (approved).
PINGCHANG = ("office", "reporter", "reporter2", "leader", "upper")
SFJ = ("office", "reporter", "leader", "upper")  # 县司法局's own, once submitted
SCJ = ("office", "reporter2", "upper")  # 县市场监督管理局's own, once submitted
SUINING = ("office2", "upper")
OVERSEERS = ("office", "upper")

# marker → the accounts that may see it on a signed-in page
MARKERS: dict[str, tuple[str, ...]] = {
    "MARKER-SCJ-DRAFT-7f3a": ("reporter2",),  # 县市场监督管理局's contribution, saved, not submitted
    "MARKER-SCJ-DRAFTFILE-2b91": ("reporter2",),  # a file on that draft
    "MARKER-SCJ-SUBMITTED-c4e0": SCJ,  # its report on a task 县司法局 has no part in, submitted
    "MARKER-SCJ-FILE-91d2": SCJ,  # a file on that report
    "MARKER-SCJ-ACCEPTED-5a17": SCJ,  # its report of the second quarter, accepted by the office
    "MARKER-SCJ-ORDER-e83c": SCJ,  # a supervision order to it
    "MARKER-SCJ-EXTENSION-0d4f": SCJ,  # its extension request
    "MARKER-SCJ-ADJUSTMENT-66b8": SCJ,  # a deduction from its score
    "MARKER-SFJ-SUBMITTED-38ae": SFJ,  # 县司法局's consolidated report on the shared task, submitted
    "MARKER-SFJ-ACCEPTED-f102": SFJ,  # and of the second quarter, accepted
    "MARKER-SUINING-7c55": SUINING,  # a report of a 遂宁市 unit, submitted
    "MARKER-SUINING-FILE-4e9b": SUINING,
    "MARKER-SUINING-ORDER-a3d1": SUINING,
    "MARKER-JINGCHUAN-9e26": (),  # a report of a 泾川县 unit, submitted: none of the accounts' business
    "MARKER-JINGCHUAN-FILE-d7c8": (),
    # Task texts: published plans are public, so these are everyone's on the public pages; signed in, each
    # account's lists hold only the tasks it may open.
    "MARKER-TASK-SFJ-1e4d": SFJ,
    "MARKER-TASK-SCJ-b6f0": SCJ,
    "MARKER-TASK-SUINING-83c2": SUINING,
    "MARKER-TASK-JINGCHUAN-5f7e": (),
}
PUBLIC = {m for m in MARKERS if m.startswith("MARKER-TASK-")}
TASK_MARKERS = sorted(PUBLIC)


def markers(*names: str) -> frozenset[str]:
    """The markers of these names: markers("SCJ-SUBMITTED", "SCJ-FILE")."""
    found = frozenset(m for m in MARKERS if any(re.fullmatch(rf"MARKER-{n}-[0-9a-f]{{4}}", m) for n in names))
    assert len(found) == len(names), names
    return found


# ------------------------------------------------------------------------------------------ the world


@dataclass
class World:
    """The objects the pages point at."""

    pingchang: Plan
    suining: Plan
    jingchuan: Plan
    shared: Task  # 平昌县's task 县司法局 leads and 县市场监督管理局 joins
    scj_task: Task  # 县市场监督管理局's, without 县司法局
    sfj: Unit
    scj: Unit
    quarters: dict[str, list[Cycle]]
    shared_report: Report  # 县司法局's consolidated report on the shared task, first quarter
    reports: dict[str, int]  # the other reports with a file: "scj-draft", "scj", "suining", "jingchuan"
    order: int
    suining_order: int
    annual: int
    sfj_annual: int
    ledger_job: int
    suining_unit: Unit


def _user(name: str | None) -> User | None:
    return User.objects.get(username=name) if name else None


def _report(*, task: Task, unit: Unit, cycle: Cycle, marker: str, steps: tuple[str | None, ...],
            file: str = "") -> Report:
    """A report saved by its unit's reporter with the marker in every text (and a file of that name attached),
    then carried on: each further name is the one who submits, approves and accepts it ("-": nobody named)."""
    report = tracking.report_for(task=task, unit=unit, cycle=cycle)
    writer, *moves = steps
    report = tracking.save_report(report=report, version=report.version, user=_user(writer), progress="in-progress",
                                  done=f"本季度开展专项检查 {marker}", problems=f"人员不足 {marker}",
                                  next_steps=f"继续推进 {marker}", values={})
    if file:
        tracking.add_evidence(report=report, filename=f"{file}.pdf", data=_pdf(), user=_user(writer))
    for move, who in zip((tracking.submit_report, tracking.approve_report, tracking.accept_report), moves,
                         strict=False):
        report = move(report=report, user=_user(None if who == "-" else who))
    report.refresh_from_db()
    return report


def _pdf() -> bytes:
    """A one-page PDF that opens (evidence files are checked by their content)."""
    import pypdfium2

    document, output = pypdfium2.PdfDocument.new(), io.BytesIO()
    document.new_page(100, 100)
    document.save(output)
    return output.getvalue()


def _mark_task(task: Task, marker: str) -> None:
    """The marker at the head of the task's title (if it has one) and text: where lists show it."""
    Task.objects.filter(pk=task.pk).update(title=f"{marker} {task.title}" if task.title else "",
                                           text=f"{marker} {task.text}", source_text=f"{marker} {task.source_text}",
                                           search_text=f"{fold(marker)} {task.search_text}")


def _first_task_and_unit(plan: Plan) -> tuple[Task, Unit]:
    task = plan.tasks.filter(status=TaskStatus.ACTIVE).order_by("order").first()
    assert task is not None
    return task, task.assignments.order_by("pk").first().unit  # type: ignore[union-attr]


def build_world() -> World:
    plans = {key: Plan.objects.get(jurisdiction__name=name)
             for key, name in (("pingchang", "平昌县"), ("suining", "遂宁市"), ("jingchuan", "泾川县"))}
    quarters = {key: tracking.open_cycles(plan=plan, frequency="quarterly", year=2025, due_days=5, user=None)
                for key, plan in plans.items()}
    units = Unit.objects.filter(jurisdiction__name="平昌县")
    sfj, scj = units.get(name="县司法局"), units.get(name="县市场监督管理局")
    live = Task.objects.filter(plan=plans["pingchang"], status=TaskStatus.ACTIVE).order_by("order")
    shared = live.filter(assignments__unit=sfj, assignments__role=AssignmentRole.LEAD) \
        .filter(assignments__unit=scj, assignments__role=AssignmentRole.PARTICIPATING).first()
    scj_task = live.filter(assignments__unit=scj, assignments__role=AssignmentRole.LEAD).exclude(
        assignments__unit=sfj).first()
    sfj_task = live.filter(assignments__unit=sfj).exclude(assignments__unit=scj).first()
    assert shared and scj_task and sfj_task
    q1, q2 = quarters["pingchang"][0], quarters["pingchang"][1]

    draft = _report(task=shared, unit=scj, cycle=q1, marker="MARKER-SCJ-DRAFT-7f3a", steps=("reporter2",),
                    file="MARKER-SCJ-DRAFTFILE-2b91")
    scj_report = _report(task=scj_task, unit=scj, cycle=q1, marker="MARKER-SCJ-SUBMITTED-c4e0",
                         steps=("reporter2", "reporter2"), file="MARKER-SCJ-FILE-91d2")
    reports = {"scj-draft": draft.pk, "scj": scj_report.pk}
    _report(task=scj_task, unit=scj, cycle=q2, marker="MARKER-SCJ-ACCEPTED-5a17",
            steps=("reporter2", "reporter2", "-", "office"))
    shared_report = _report(task=shared, unit=sfj, cycle=q1, marker="MARKER-SFJ-SUBMITTED-38ae",
                            steps=("reporter", "reporter"))
    _report(task=shared, unit=sfj, cycle=q2, marker="MARKER-SFJ-ACCEPTED-f102",
            steps=("reporter", "reporter", "leader", "office"))

    today = timezone.localdate()
    (order,) = tracking.open_orders(pairs=[(scj_task, scj)], reason="请说明进展 MARKER-SCJ-ORDER-e83c", as_of=today,
                                    reply_due=today + timedelta(days=7), user=_user("office"))
    tracking.request_extension(task=scj_task, unit=scj, requested_due=today + timedelta(days=90),
                               reason="需等待上级文件 MARKER-SCJ-EXTENSION-0d4f", original_due=None,
                               user=_user("reporter2"))
    tracking.record_adjustment(plan=plans["pingchang"], unit=scj, year=2025, kind="deduction", points="1",
                               reason="未按时报送 MARKER-SCJ-ADJUSTMENT-66b8", user=_user("office"))

    for key, marker in (("suining", "MARKER-SUINING"), ("jingchuan", "MARKER-JINGCHUAN")):
        task, unit = _first_task_and_unit(plans[key])
        suffix = {"suining": ("7c55", "4e9b"), "jingchuan": ("9e26", "d7c8")}[key]
        report = _report(task=task, unit=unit, cycle=quarters[key][0], marker=f"{marker}-{suffix[0]}",
                         steps=(None, None), file=f"{marker}-FILE-{suffix[1]}")
        reports[key] = report.pk
        if key == "suining":
            suining_unit = unit
            (suining_order,) = tracking.open_orders(pairs=[(task, unit)], reason="请说明进展 MARKER-SUINING-ORDER-a3d1",
                                                    as_of=today, reply_due=today + timedelta(days=7), user=None)

    for task, marker in ((sfj_task, "MARKER-TASK-SFJ-1e4d"), (scj_task, "MARKER-TASK-SCJ-b6f0"),
                         (_first_task_and_unit(plans["suining"])[0], "MARKER-TASK-SUINING-83c2"),
                         (_first_task_and_unit(plans["jingchuan"])[0], "MARKER-TASK-JINGCHUAN-5f7e")):
        _mark_task(task, marker)
    alignment.clear_caches()  # the plans' cached core copies: read again, with the markers

    annual = assemble_annual_report(plan=plans["pingchang"], year=2025, unit=None, user=None, as_of=date(2025, 12, 31))
    sfj_annual = assemble_annual_report(plan=plans["pingchang"], year=2025, unit=sfj, user=None,
                                        as_of=date(2025, 12, 31))
    job = enqueue_job(kind=JobKind.LEDGER, owner=_user("upper"), jurisdiction=plans["pingchang"].jurisdiction,  # type: ignore[arg-type]
                      title="台账（测试）", arguments={"cycle": q1.pk, "as_of": "2025-03-31"})
    return World(pingchang=plans["pingchang"], suining=plans["suining"], jingchuan=plans["jingchuan"], shared=shared,
                 scj_task=scj_task, sfj=sfj, scj=scj, quarters=quarters, shared_report=shared_report, reports=reports,
                 order=order.pk, suining_order=suining_order.pk,
                 annual=annual.pk, sfj_annual=sfj_annual.pk, ledger_job=job.pk, suining_unit=suining_unit)


# ------------------------------------------------------------------------------------------ the pages


@dataclass(frozen=True)
class Page:
    """A page to fetch: its URL in the world, the accounts that get it, and the markers it shows (to those of
    them that may see each); ``public`` pages may show any task text."""

    url: Callable[[World], str]
    opens: tuple[str, ...]
    shows: frozenset[str] = frozenset()
    public: bool = False
    api: bool = False


YEAR = "?year=2025"  # the year of the world's records (a score page opens on the current year)


def _q(world: World, place: str, n: int = 0) -> int:
    return world.quarters[place][n].pk


TEXTS_Q1 = markers("SCJ-SUBMITTED", "SFJ-SUBMITTED", "SCJ-DRAFT")  # the workbooks: texts, no file names

PAGES: dict[str, Page] = {
    # lists and search
    "my-tasks": Page(lambda w: reverse("my-tasks"), ("reporter", "reporter2", "leader"), markers("TASK-SFJ", "TASK-SCJ")),
    "my-tasks-without-a-unit": Page(lambda w: reverse("my-tasks"), ("office", "office2", "upper")),
    "search": Page(lambda w: reverse("search") + "?q=MARKER", SIGNED_IN, frozenset(TASK_MARKERS)),
    "jurisdictions": Page(lambda w: reverse("jurisdictions"), SIGNED_IN),
    "notifications": Page(lambda w: reverse("notifications"), SIGNED_IN),
    "plan": Page(lambda w: reverse("plan", args=[w.pingchang.pk]), PINGCHANG, markers("TASK-SFJ", "TASK-SCJ")),
    "plan-suining": Page(lambda w: reverse("plan", args=[w.suining.pk]), SUINING, markers("TASK-SUINING")),
    "matrix": Page(lambda w: reverse("matrix", args=[w.pingchang.pk]), PINGCHANG),
    "dashboard": Page(lambda w: reverse("dashboard", args=[w.pingchang.pk]), OVERSEERS),
    "supervision": Page(lambda w: reverse("supervision", args=[w.pingchang.pk]), OVERSEERS, markers("SCJ-EXTENSION")),
    "supervision-suining": Page(lambda w: reverse("supervision", args=[w.suining.pk]), SUINING),
    "order-scj": Page(lambda w: reverse("order", args=[w.order]), SCJ, markers("SCJ-ORDER")),
    "order-suining": Page(lambda w: reverse("order", args=[w.suining_order]), SUINING, markers("SUINING-ORDER")),
    "task-shared": Page(lambda w: reverse("task", args=[w.shared.pk]), PINGCHANG),
    "task-scj": Page(lambda w: reverse("task", args=[w.scj_task.pk]), SCJ, markers("TASK-SCJ")),
    "task-history-shared": Page(lambda w: reverse("task-history", args=[w.shared.pk]), PINGCHANG,
                                markers("SFJ-SUBMITTED", "SFJ-ACCEPTED", "SCJ-DRAFT")),
    "task-history-scj": Page(lambda w: reverse("task-history", args=[w.scj_task.pk]), SCJ,
                             markers("SCJ-SUBMITTED", "SCJ-ACCEPTED")),
    "report-shared": Page(lambda w: reverse("report", args=[w.shared_report.pk]), SFJ, markers("SFJ-SUBMITTED")),
    "report-scj-draft": Page(lambda w: reverse("report", args=[w.reports["scj-draft"]]), ("reporter2",),
                             markers("SCJ-DRAFT", "SCJ-DRAFTFILE")),
    "report-scj": Page(lambda w: reverse("report", args=[w.reports["scj"]]), SCJ,
                       markers("SCJ-SUBMITTED", "SCJ-FILE")),
    "report-suining": Page(lambda w: reverse("report", args=[w.reports["suining"]]), SUINING,
                           markers("SUINING", "SUINING-FILE")),
    # a cycle: its page, the bulk workbook, the ledgers
    "cycle": Page(lambda w: reverse("cycle", args=[_q(w, "pingchang")]), PINGCHANG),
    "cycle-suining": Page(lambda w: reverse("cycle", args=[_q(w, "suining")]), SUINING),
    "cycle-bulk": Page(lambda w: reverse("cycle-bulk", args=[_q(w, "pingchang")]), PINGCHANG),
    "cycle-export": Page(lambda w: reverse("cycle-export", args=[_q(w, "pingchang")]), PINGCHANG, TEXTS_Q1),
    "cycle-export-suining": Page(lambda w: reverse("cycle-export", args=[_q(w, "suining")]), SUINING,
                                 markers("SUINING")),
    "cycle-ledger": Page(lambda w: reverse("cycle-ledger", args=[_q(w, "pingchang")]), OVERSEERS, TEXTS_Q1),
    "cycle-ledger-q2": Page(lambda w: reverse("cycle-ledger", args=[_q(w, "pingchang", 1)]), OVERSEERS,
                            markers("SFJ-ACCEPTED", "SCJ-ACCEPTED")),
    "cycle-ledger-suining": Page(lambda w: reverse("cycle-ledger", args=[_q(w, "suining")]), SUINING,
                                 markers("SUINING")),
    "cycle-unit-ledger-sfj": Page(lambda w: reverse("cycle-unit-ledger", args=[_q(w, "pingchang"), w.sfj.pk]), SFJ,
                                  markers("SFJ-SUBMITTED")),
    "cycle-unit-ledger-scj": Page(lambda w: reverse("cycle-unit-ledger", args=[_q(w, "pingchang"), w.scj.pk]), SCJ,
                                  markers("SCJ-SUBMITTED", "SCJ-DRAFT")),
    "cycle-unit-ledger-suining": Page(lambda w: reverse("cycle-unit-ledger", args=[_q(w, "suining"),
                                                                                   w.suining_unit.pk]),
                                      SUINING, markers("SUINING")),
    "job-download": Page(lambda w: reverse("job-download", args=[w.ledger_job]), OVERSEERS,
                         markers("SFJ-SUBMITTED", "SCJ-SUBMITTED")),
    # assessment, annual reports and printed forms
    "assessment": Page(lambda w: reverse("assessment", args=[w.pingchang.pk]) + YEAR, PINGCHANG),
    "assessment-unit-scj": Page(lambda w: reverse("assessment-unit", args=[w.pingchang.pk, w.scj.pk]) + YEAR, SCJ,
                                markers("SCJ-ADJUSTMENT")),
    "assessment-unit-sfj": Page(lambda w: reverse("assessment-unit", args=[w.pingchang.pk, w.sfj.pk]) + YEAR, SFJ),
    "scorecard-docx-scj": Page(lambda w: reverse("scorecard-docx", args=[w.pingchang.pk, w.scj.pk]) + YEAR, SCJ,
                               markers("SCJ-ADJUSTMENT")),
    "scorecard-docx-sfj": Page(lambda w: reverse("scorecard-docx", args=[w.pingchang.pk, w.sfj.pk]) + YEAR, SFJ),
    "annual-list": Page(lambda w: reverse("annual-list", args=[w.pingchang.pk]), PINGCHANG),
    "annual": Page(lambda w: reverse("annual", args=[w.annual]), OVERSEERS, markers("SFJ-ACCEPTED", "SCJ-ACCEPTED")),
    "annual-docx": Page(lambda w: reverse("annual-docx", args=[w.annual]), OVERSEERS,
                        markers("SFJ-ACCEPTED", "SCJ-ACCEPTED")),
    "annual-docx-sfj": Page(lambda w: reverse("annual-docx", args=[w.sfj_annual]), SFJ, markers("SFJ-ACCEPTED")),
    "order-docx-scj": Page(lambda w: reverse("order-docx", args=[w.order]), SCJ, markers("SCJ-ORDER")),
    # public pages: published plans are everyone's, reports nobody's
    "public-plans": Page(lambda w: reverse("public-plans"), EVERYONE, public=True),
    "public-plan": Page(lambda w: reverse("public-plan", args=[w.pingchang.pk]), EVERYONE,
                        markers("TASK-SFJ", "TASK-SCJ"), public=True),
    "public-plan-jingchuan": Page(lambda w: reverse("public-plan", args=[w.jingchuan.pk]), EVERYONE,
                                  markers("TASK-JINGCHUAN"), public=True),
    "public-division-xlsx": Page(lambda w: reverse("public-division", args=[w.pingchang.pk, "xlsx"]), EVERYONE,
                                 markers("TASK-SFJ", "TASK-SCJ"), public=True),
    "public-division-docx": Page(lambda w: reverse("public-division", args=[w.suining.pk, "docx"]), EVERYONE,
                                 markers("TASK-SUINING"), public=True),
    "public-annual-list": Page(lambda w: reverse("public-annual-list"), EVERYONE, public=True),
    # the API, every page of each list
    "api-tasks": Page(lambda w: reverse("api:list_tasks"), SIGNED_IN, frozenset(TASK_MARKERS), api=True),
    "api-plans": Page(lambda w: reverse("api:list_plans"), SIGNED_IN, api=True),
    "api-jurisdictions": Page(lambda w: reverse("api:list_jurisdictions"), SIGNED_IN, api=True),
    "api-units": Page(lambda w: reverse("api:list_units", args=[w.pingchang.jurisdiction_id]), PINGCHANG, api=True),
}


def _cases() -> list[Any]:
    return [pytest.param(page, user, id=f"{page}-{user}") for page, spec in PAGES.items() for user in spec.opens]


# ------------------------------------------------------------------------------------------ reading a page

TAG = re.compile(r"<[^>]+>")


def text_of(body: bytes, content_type: str) -> str:
    """All the text a file holds: an Office file's (zip) members' XML, or the page itself, without markup (a
    highlighted search term splits the text with tags)."""
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            parts = [archive.read(name).decode("utf-8", errors="ignore") for name in archive.namelist()]
        return "\n".join(TAG.sub("", part) for part in parts)
    if content_type.startswith("application/pdf"):
        return _pdf_text(body)
    return TAG.sub("", body.decode("utf-8", errors="ignore"))


def _pdf_text(body: bytes) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(body)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def fetch(client: Client, url: str, *, api: bool, headers: dict[str, str]) -> str:
    if not api:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        return text_of(body, response.get("Content-Type", ""))
    texts, offset = [], 0
    while True:  # every page of the list
        response = client.get(url, {"limit": 100, "offset": offset}, headers=headers)
        assert response.status_code == 200, url
        answer = response.json()
        texts.append(json.dumps(answer, ensure_ascii=False))
        offset += 100
        if isinstance(answer, list) or offset >= answer["count"]:  # a list without pages, or the last page
            return "\n".join(texts)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Built once for the module, in a transaction rolled back after its last test; each test runs inside it (in
    a savepoint of its own) and only reads."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
    alignment.clear_caches()  # nor do the marked task texts outlive the module in the plans' cached copies


@pytest.mark.parametrize(("page", "user"), _cases())
def test_a_page_shows_the_markers_its_reader_may_see_and_no_other(page: str, user: str, world: World,
                                                                  db: None) -> None:
    spec = PAGES[page]
    client, headers = Client(), {}
    if user != "anonymous":
        account = User.objects.get(username=user)
        client.force_login(account)
        if spec.api:
            _, key = ApiToken.issue(user=account, name="leak test")
            headers["Authorization"] = f"Bearer {key}"
    text = fetch(client, spec.url(world), api=spec.api, headers=headers)
    found = {m for m in MARKERS if m in text}
    may_see = {m for m, readers in MARKERS.items() if user in readers} | (PUBLIC if spec.public else set())
    assert found - may_see == set(), "shown to someone who may not see it"
    assert (spec.shows & may_see) - found == set(), "the page should show these to this reader"


def test_every_marker_is_shown_to_someone_who_may_see_it_and_hidden_from_everyone_else() -> None:
    """The table itself: each marker a page shows is one somebody may see, and each marker somebody may see is
    shown by some page (else its absence everywhere would prove nothing)."""
    shown = set().union(*(spec.shows for spec in PAGES.values()))
    seen = {m for m, readers in MARKERS.items() if readers}
    assert seen - shown == set()
    assert {r for readers in MARKERS.values() for r in readers} <= set(SIGNED_IN)
