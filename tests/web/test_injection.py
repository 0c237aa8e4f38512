"""Injection: text that looks like a spreadsheet formula stays text in every .xlsx download (and literal in every
.docx), and search and filters given SQL metacharacters answer correctly — never 500, never everything, wildcards
taken literally. (HTML and script in the browser: tests/browser/test_browser_injection.py.)"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document

from fazhi_web.plans import access, actions
from fazhi_web.plans.models import Jurisdiction, Plan, Task, Unit
from fazhi_web.plans.search import fold, terms
from fazhi_web.tracking import actions as tracking
from fazhi_web.tracking.annual import assemble_annual_report
from fazhi_web.tracking.models import AnnualReport, Cycle, Report, SupervisionOrder

pytestmark = pytest.mark.django_db

Login = Callable[[str], Client]

# What a spreadsheet would run if a cell held it as a formula (OWASP "CSV injection" prefixes).
FORMULAS = ('=HYPERLINK("http://evil.example","x")', "=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1",
            "\r=1+1")

PLAN_TEXT = """平昌县2025年法治政府建设工作要点

一、推进政府职能依法全面履行

（一）深化行政审批制度改革

1.动态调整权责清单，2025年6月底前完成清单更新。（牵头单位：县司法局；配合单位：县市场监督管理局）

2.全面推行“双随机、一公开”监管，抽查事项覆盖率达到100%。（牵头单位：县市场监督管理局；配合单位：县司法局）

二、健全依法行政制度体系

（一）严格规范性文件管理

3.落实规范性文件合法性审查机制，2025年底前完成清理。（牵头单位：县司法局）
"""


def tiny_png() -> bytes:
    """A complete one-pixel PNG (evidence is checked by its content)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")


class Hostile:
    """A published plan of 平昌县 whose texts, units, report, order and annual report begin like formulas."""

    def __init__(self) -> None:
        self.place = Jurisdiction.objects.get(name="平昌县")
        self.office, self.reporter = User.objects.get(username="office"), User.objects.get(username="reporter")
        self.leader = User.objects.get(username="leader")
        self.sfj = Unit.objects.get(jurisdiction=self.place, name="县司法局")
        self.units = [actions.create_unit(jurisdiction=self.place, name=name, user=self.office)
                      for name in ('=HYPERLINK("http://evil.example","单位")', "@SUM(A1)局")]
        self.plan = self._publish()
        self.tasks = list(self.plan.tasks.order_by("order"))
        self.cycle = tracking.open_cycles(plan=self.plan, frequency="quarterly", year=2025, due_days=5,
                                          user=self.office)[0]
        self.report = self._report()
        today = timezone.localdate()
        (self.order,) = tracking.open_orders(pairs=[(self.tasks[0], self.sfj)], reason="=1+1督办事由", user=self.office,
                                             reply_due=today + timedelta(days=7), as_of=today)
        self.annual = assemble_annual_report(plan=self.plan, year=2025, unit=None, user=self.office,
                                             as_of=date(2025, 12, 31))
        AnnualReport.objects.filter(pk=self.annual.pk).update(intro="=HYPERLINK(\"http://evil.example\",\"年报\")",
                                                              version=self.annual.version + 1)

    def _publish(self) -> Plan:
        draft = actions.import_document(jurisdiction=self.place, filename="x.txt", data=PLAN_TEXT.encode(),
                                        user=self.office)
        for key, text in (("t1", FORMULAS[0]), ("t2", "+cmd|' /C calc'!A0"), ("t3", "-2+3")):
            draft = actions.edit_draft(draft=draft, version=draft.version, user=self.office, change="edit_task",
                                       key=key, title="", text=text, lead=["县司法局"],
                                       participating=[u.name for u in self.units], deadlines="2025年6月底前", targets="")
        draft = actions.edit_draft(draft=draft, version=draft.version, user=self.office, change="edit_heading",
                                   key="h1", title="@SUM(A1)")
        return actions.publish_draft(draft=draft, version=draft.version, user=self.office)

    def _report(self) -> Report:
        report = tracking.report_for(task=self.tasks[0], unit=self.sfj, cycle=self.cycle)
        report = tracking.save_report(report=report, version=report.version, user=self.reporter, progress="in-progress",
                                      done=FORMULAS[1], problems=FORMULAS[4], next_steps=FORMULAS[5], values={})
        tracking.add_evidence(report=report, filename="=1+1.png", data=tiny_png(), user=self.reporter)
        tracking.submit_report(report=report, user=self.reporter)
        tracking.approve_report(report=report, user=self.leader)
        report.refresh_from_db()
        return report

    def texts(self) -> set[str]:
        """Every text of ours that begins like a formula, as stored (a spreadsheet must hold each as it is)."""
        report = Report.objects.get(pk=self.report.pk)
        return {*(t.text for t in self.tasks), *(u.name for u in self.units), report.done, report.problems,
                report.next_steps.replace("\r\n", "\n")} - {""}


@pytest.fixture
def hostile(db: None) -> Hostile:
    return Hostile()


def cells(body: bytes) -> Iterator[Any]:
    book = openpyxl.load_workbook(io.BytesIO(body))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from (c for c in row if c.value is not None)


def assert_text_only(body: bytes, expected: set[str], where: str) -> None:
    found = list(cells(body))
    formulas = [(c.coordinate, c.value) for c in found if c.data_type == "f"]
    assert formulas == [], f"{where}: cells written as formulas {formulas}"
    values = {str(c.value) for c in found}
    missing = {text for text in expected if not any(text in v for v in values)}
    assert missing == set(), f"{where}: texts not kept as they are {missing}"
    for c in found:
        if isinstance(c.value, str) and c.value[:1] in "=+-@\t\r":
            assert c.data_type == "s", f"{where} {c.coordinate}: {c.value!r} is {c.data_type}"


def download(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.content


def test_formula_like_text_stays_text_in_every_xlsx_download(hostile: Hostile, login: Login) -> None:
    office, reporter = login("office"), login("reporter")
    report = Report.objects.get(pk=hostile.report.pk)
    in_reports = {report.done, report.problems, report.next_steps.replace("\r\n", "\n")}
    tasks = {t.text for t in hostile.tasks}
    units = {u.name for u in hostile.units}
    cycle, plan = hostile.cycle.pk, hostile.plan.pk
    downloads = [
        (office, reverse("cycle-export", kwargs={"pk": cycle}), tasks | in_reports),
        (reporter, reverse("cycle-export", kwargs={"pk": cycle}) + f"?unit={hostile.sfj.pk}", tasks | in_reports),
        (office, reverse("cycle-ledger", kwargs={"pk": cycle}), tasks | {report.done} | units),
        (office, reverse("cycle-unit-ledger", kwargs={"pk": cycle, "unit": hostile.sfj.pk}), tasks | {report.done}),
        (Client(), reverse("public-division", kwargs={"pk": plan, "fmt": "xlsx"}), tasks | units | {"@SUM(A1)"}),
    ]
    for client, url, expected in downloads:
        assert_text_only(download(client, url), expected, url)


def test_the_alignment_workbook_keeps_formula_like_task_text_as_text(hostile: Hostile, tmp_path: Any) -> None:
    from fazhi.align import align
    from fazhi.export.alignment import write_alignment_xlsx
    from fazhi_web.plans.alignment import core_plan

    demo = Plan.objects.filter(jurisdiction=hostile.place).exclude(pk=hostile.plan.pk).order_by("pk").first()
    child, parent = core_plan(hostile.plan).plan, core_plan(demo).plan
    path = tmp_path / "对照.xlsx"
    write_alignment_xlsx(align(child, parent), child, parent, path)
    assert_text_only(path.read_bytes(), {t.text for t in hostile.tasks}, "alignment")


def docx_text(body: bytes) -> str:
    document = Document(io.BytesIO(body))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_formula_like_text_is_literal_text_in_every_docx_download(hostile: Hostile, login: Login) -> None:
    office = login("office")
    plan = hostile.plan.pk
    for client, url, expected in [
        (Client(), reverse("public-division", kwargs={"pk": plan, "fmt": "docx"}), [t.text for t in hostile.tasks]),
        (office, reverse("order-docx", kwargs={"pk": hostile.order.pk}), ["=1+1督办事由"]),
        (office, reverse("annual-docx", kwargs={"pk": hostile.annual.pk}), ['=HYPERLINK("http://evil.example","年报")']),
    ]:
        body = download(client, url)
        text = docx_text(body)
        for payload in expected:
            assert payload in text, f"{url}: {payload!r} not in the document"
        assert b"DDEAUTO" not in body and b"fldSimple" not in body, url


# ------------------------------------------------------------------------------------------ SQL metacharacters

SQL = {
    "quote": "'", "double-quote": '"', "percent": "%", "underscore": "_", "backslash": "\\",
    "or-true": "' OR '1'='1", "drop": "'; DROP TABLE plans_task; --", "percent-comment": "%' --", "bracket": "[",
    "nul": "\x00", "nul-inside": "复议\x00", "long": "法" * 10_000, "cjk-percent": "覆盖率达100%", "cjk-underscore": "编号A_B",
    "wildcards": "10_%", "escape": "\\%", "semicolon": "1; SELECT 1", "comment": "/* */", "unicode-digit": "²",
}
SQL_CASES = [pytest.param(value, id=key) for key, value in SQL.items()]


@pytest.fixture
def marked(pingchang_plan: Plan) -> list[Task]:
    """Two tasks of 平昌县 holding a literal 100% and a literal A_B, and one holding 10x (no wildcard may match)."""
    chosen = list(pingchang_plan.tasks.order_by("order")[:3])
    for task, text in zip(chosen, ("覆盖率达100%的专项", "编号A_B的专项", "覆盖率达10x的专项"), strict=True):
        task.search_text += f" {fold(text)}"
        task.save(update_fields=["search_text"])
    return chosen


def searched(client: Client, query: str) -> Any:
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code in (200, 400), f"search {query[:20]!r}: {response.status_code}"
    return response


def expected_count(user: User, query: str) -> int:
    """What a correct search finds: every visible task whose folded text holds every folded term, literally."""
    words = terms(query.replace("\x00", "").strip()[:100])  # a NUL is no part of anything searched for
    if not words:
        return 0
    return sum(all(w in text for w in words)
               for text in access.visible_tasks(user).values_list("search_text", flat=True))


@pytest.mark.parametrize("query", SQL_CASES)
def test_search_with_sql_metacharacters_finds_exactly_the_tasks_holding_them(
        query: str, marked: list[Task], login: Login) -> None:
    office = login("office")
    response = searched(office, query)
    if response.status_code == 200:
        found = response.context["page"].paginator.count
        assert found == expected_count(User.objects.get(username="office"), query)
    assert Task.objects.exists() and Plan.objects.exists()  # the tables are still there


def test_literal_percent_and_underscore_match_only_themselves(marked: list[Task], login: Login) -> None:
    office = login("office")

    def found(query: str) -> set[int]:
        return {t.pk for t in searched(office, query).context["page"].object_list}

    assert marked[0].pk in found("100%") and marked[2].pk not in found("100%")
    assert found("10_%") == set() and found("10%") == set()  # neither _ nor % is a wildcard
    assert marked[1].pk in found("A_B") and found("A%B") == set()
    assert found("' OR '1'='1") == set()


PLAN_FILTERS = ("section", "unit", "year", "targets", "role")


@pytest.mark.parametrize("value", SQL_CASES)
def test_list_filters_with_sql_metacharacters_answer_cleanly(value: str, hostile_free_world: dict[str, Any],
                                                             login: Login) -> None:
    office, upper = login("office"), login("upper")
    plan, task, cycle, sfj, other = (hostile_free_world[k] for k in ("plan", "task", "cycle", "sfj", "other"))
    pages = [
        (office, reverse("plan", kwargs={"pk": plan.pk}), PLAN_FILTERS),
        (office, reverse("task", kwargs={"pk": task.pk}), ("year",)),
        (office, reverse("dashboard", kwargs={"pk": plan.pk}), ("year",)),
        (office, reverse("assessment", kwargs={"pk": plan.pk}), ("year", "as_of", "by")),
        (office, reverse("assessment-unit", kwargs={"pk": plan.pk, "unit": sfj.pk}), ("year", "as_of", "by")),
        (office, reverse("cycle-export", kwargs={"pk": cycle.pk}), ("unit",)),
        (office, reverse("search"), ("page",)),
        (upper, reverse("align", kwargs={"child": plan.pk, "parent": other.pk}), ("verdict", "diff")),
        (upper, reverse("align-pick", kwargs={"pk": plan.pk}), ("other", "as")),
        (Client(), reverse("unit-calendar-feed", kwargs={"pk": sfj.pk}), ("token",)),
    ]
    for client, url, names in pages:
        for name in names:
            response = client.get(url, {name: value})
            assert response.status_code in (200, 302, 400, 404), f"{url}?{name}=…: {response.status_code}"
    assert Task.objects.exists()


@pytest.mark.parametrize("value", SQL_CASES)
def test_an_ignored_plan_filter_shows_the_whole_plan_not_more_or_less(value: str, pingchang_plan: Plan,
                                                                      login: Login) -> None:
    office = login("office")
    url = reverse("plan", kwargs={"pk": pingchang_plan.pk})
    whole = office.get(url).context["shown"]
    for name in PLAN_FILTERS:
        assert office.get(url, {name: value}).context["shown"] == whole, name


@pytest.mark.parametrize("value", SQL_CASES)
def test_api_list_filters_with_sql_metacharacters_are_refused_or_ignored(value: str, login: Login) -> None:
    from fazhi_web.api.models import ApiToken

    _, key = ApiToken.issue(user=User.objects.get(username="office"), name="测试")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    for url, name in [("/api/tasks", "plan"), ("/api/tasks", "unit"), ("/api/plans", "jurisdiction"),
                      ("/api/tasks", "limit"), ("/api/tasks", "offset")]:
        response = client.get(url, {name: value})
        assert response.status_code in (200, 400, 422), f"{url}?{name}=…: {response.status_code}"
    assert client.get("/api/tasks").status_code == 200


@pytest.fixture
def hostile_free_world(pingchang_plan: Plan) -> dict[str, Any]:
    place = pingchang_plan.jurisdiction
    cycle = Cycle.objects.filter(plan=pingchang_plan).order_by("pk").first() or tracking.open_cycles(
        plan=pingchang_plan, frequency="quarterly", year=2025, due_days=5, user=None)[0]
    return {"plan": pingchang_plan, "task": pingchang_plan.tasks.order_by("order").first(), "cycle": cycle,
            "sfj": Unit.objects.get(jurisdiction=place, name="县司法局"),
            "other": Plan.objects.get(jurisdiction__name="遂宁市")}


def test_the_database_still_has_its_tables_after_the_hostile_queries(login: Login) -> None:
    searched(login("office"), "'; DROP TABLE plans_task; --")
    assert "plans_task" in connection.introspection.table_names()
    assert SupervisionOrder.objects.count() >= 0
