"""Integrity under concurrency and failure, an audit trail nothing can edit, protected fields, workflow order.

* Eight writers saving (or submitting) the same report at the same moment: exactly one wins, seven are told in
  Chinese that someone was first, one new version. These run in threads with their own connections, so their
  rows must be committed: they use ``committed``, which works outside any test transaction and removes exactly
  what it made afterwards — the demo seed stays for every later test (a transactional test's flush would empty
  it). pytest-django runs these last (tests without a ``django_db`` mark), and creates the test database only
  if some selected test asks for it: select one of them alone and add a database test (``-k 'eight or admin'``).
* A failure in the middle of an evidence upload, a plan import or an Excel import leaves no partial record and no
  orphan file (tests/web/test_jobs.py covers a read that fails before anything is stored; tests/web/test_bulk.py
  a stale row that rolls an Excel file back).
* The history (django-simple-history) is written, never edited: not by any URL, not in the admin, not by the API.
* A reporter's form or API call cannot set what is not theirs to set, and the workflow's order is kept by the
  actions themselves (``actions.STEPS``), not only by the pages.
"""

from __future__ import annotations

import hashlib
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connections, transaction
from django.db.models import Max, Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from simple_history.models import HistoricalRecords

from fazhi_web.api.models import ApiToken
from fazhi_web.plans import actions as plan_actions
from fazhi_web.plans.demo import load_demo
from fazhi_web.plans.models import ImportDraft, Jurisdiction, Plan, SourceDocument, Task, Unit
from fazhi_web.tracking import actions
from fazhi_web.tracking.models import (
    Cycle,
    Evidence,
    Notification,
    Report,
    ReportKind,
    ReportStatus,
    ScoreAdjustment,
    TargetValue,
)

Login = Callable[[str], Client]
WRITERS = 8
PNG = b"\x89PNG\r\n\x1a\n"  # an image is checked by its first bytes only


# ------------------------------------------------------------------------------------------ shared helpers


def _shared_task(plan: Plan) -> Task:
    """A task 县司法局 leads and 县市场监督管理局 joins (the demo accounts reporter and reporter2)."""
    task = Task.objects.filter(plan=plan, assignments__unit__name="县司法局", assignments__role="lead") \
        .filter(assignments__unit__name="县市场监督管理局").order_by("order").first()
    assert task is not None
    return task


def _unit(name: str) -> Unit:
    return Unit.objects.get(jurisdiction__name="平昌县", name=name)


def _signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _version_on_page(client: Client, report: Report) -> int:
    """The version the report's form carries (a hidden field): what a person's save is checked against."""
    page = client.get(f"/reports/{report.pk}/").content.decode()
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found is not None, "the report's form carries no version"
    return int(found[1])


def _form(version: int, **fields: object) -> dict[str, object]:
    return {"version": version, "progress": "in-progress", "done": "按计划推进", "problems": "", "next_steps": "",
            **fields}


def _media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def _chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


# ------------------------------------------------------------------------------------------ eight writers


@dataclass
class Committed:
    cycle: Cycle
    report: Report  # 县司法局's consolidated draft on the shared task, committed


@pytest.fixture
def committed(django_db_setup: None, django_db_blocker: Any) -> Iterator[Committed]:
    """A committed draft in a cycle of its own (2041), outside any test transaction; removed afterwards with
    everything made on it (versions, values, notifications, the sign-ins' sessions)."""
    with django_db_blocker.unblock():
        load_demo()  # a no-op, unless a transactional test (the browser tests) emptied the database before
        plan = Plan.objects.get(jurisdiction__name="平昌县")
        cycle = Cycle.objects.create(plan=plan, frequency="yearly", label="2041年（并发测试）", starts_on=date(2041, 1, 1),
                                     ends_on=date(2041, 12, 31), due_on=date(2042, 1, 5))
        notified = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
        counts = _counts()
        try:
            report = actions.report_for(task=_shared_task(plan), unit=_unit("县司法局"), cycle=cycle)
            yield Committed(cycle=cycle, report=report)
        finally:
            _remove(cycle, notified)
        assert _counts() == {**counts, "cycles": counts["cycles"] - 1, "cycle versions": counts["cycle versions"] - 1}


def _counts() -> dict[str, int]:
    """What the committed tests touch: all of it is as before once they are done (but the cycle they made)."""
    from django.contrib.sessions.models import Session

    return {"reports": Report.objects.count(), "versions": Report.history.count(),  # type: ignore[attr-defined]
            "values": TargetValue.objects.count(), "notifications": Notification.objects.count(),
            "sessions": Session.objects.count(), "cycles": Cycle.objects.count(),
            "cycle versions": Cycle.history.count()}  # type: ignore[attr-defined]


def _remove(cycle: Cycle, notified: int) -> None:
    reports = list(Report.objects.filter(cycle=cycle).values_list("pk", flat=True))
    values = list(TargetValue.objects.filter(report_id__in=reports).values_list("pk", flat=True))
    TargetValue.objects.filter(pk__in=values).delete()
    Report.objects.filter(pk__in=reports).delete()
    cycle_id = cycle.pk
    cycle.delete()  # (which empties cycle.pk)
    TargetValue.history.filter(id__in=values).delete()  # type: ignore[attr-defined]
    Report.history.filter(id__in=reports).delete()  # type: ignore[attr-defined]
    Cycle.history.filter(id=cycle_id).delete()  # type: ignore[attr-defined]
    Notification.objects.filter(pk__gt=notified).delete()


def _at_once(clients: list[Client], request: Callable[[int, Client], Any]) -> list[Any]:
    """Run ``request`` for every client in its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(clients))
    answers: list[Any] = [None] * len(clients)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            answers[index] = request(index, clients[index])
        except BaseException as error:  # kept, and raised again by the test
            answers[index] = error
        finally:
            connections.close_all()  # the thread's own connections (PostgreSQL drops the test database at the end)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    for answer in answers:
        if isinstance(answer, BaseException):
            raise answer
    return answers


@pytest.fixture
def writers(committed: Committed) -> Iterator[list[Client]]:
    """Eight sessions of the unit's reporter (eight browser tabs, eight colleagues at one desk)."""
    clients = [_signed_in("reporter") for _ in range(WRITERS)]
    yield clients
    for client in clients:
        client.logout()


def test_eight_people_saving_the_same_draft_at_once_one_wins_and_seven_are_told_of_the_conflict(
        committed: Committed, writers: list[Client]) -> None:
    report = committed.report
    shown = [_version_on_page(client, report) for client in writers]
    assert len(set(shown)) == 1
    versions = report.history.count()  # type: ignore[attr-defined]
    texts = [f"第{index + 1}位填报员写的进展" for index in range(WRITERS)]

    answers = _at_once(writers, lambda index, client: client.post(f"/reports/{report.pk}/",
                                                                    _form(shown[index], done=texts[index])))

    codes = sorted(answer.status_code for answer in answers)
    assert codes == [302] + [409] * (WRITERS - 1), codes
    winner = next(index for index, answer in enumerate(answers) if answer.status_code == 302)
    for answer in answers:
        if answer.status_code == 409:
            assert "这份报告已被他人修改或已报送，您的修改未保存" in answer.content.decode()
    report.refresh_from_db()
    assert report.done == texts[winner]
    assert report.version == shown[0] + 1
    assert report.history.count() == versions + 1  # type: ignore[attr-defined]


def test_eight_people_submitting_the_same_draft_at_once_submit_it_once(
        committed: Committed, writers: list[Client]) -> None:
    report = committed.report
    version = _version_on_page(writers[0], report)
    versions = report.history.count()  # type: ignore[attr-defined]

    answers = _at_once(writers, lambda index, client: client.post(f"/reports/{report.pk}/submit/"))

    codes = [answer.status_code for answer in answers]
    assert codes.count(302) == 1, codes
    for answer in answers:
        if answer.status_code != 302:  # 409: lost the race in the action; 403: came after it was sent
            assert answer.status_code in (403, 409)
            assert "这份报告已经报送，不能重复报送" in answer.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.submitted_at is not None
    assert report.version == version + 1
    assert report.history.filter(status=ReportStatus.SUBMITTED).count() == 1  # type: ignore[attr-defined]
    assert report.history.count() == versions + 1  # type: ignore[attr-defined]


def test_a_save_and_a_submission_racing_each_advance_the_version(committed: Committed,
                                                                  writers: list[Client]) -> None:
    """The submission counts from the stored version, not from the one it read before the save committed."""
    report = committed.report
    version = _version_on_page(writers[0], report)
    pair = writers[:2]

    def act(index: int, client: Client) -> Any:
        if index == 0:
            return client.post(f"/reports/{report.pk}/", _form(version, done="抢在报送前保存"))
        return client.post(f"/reports/{report.pk}/submit/")

    _at_once(pair, act)
    report.refresh_from_db()
    stored = list(report.history.order_by("history_id").values_list("version", flat=True))  # type: ignore[attr-defined]
    assert stored == sorted(set(stored)), stored  # every stored version is a new number
    assert report.version == stored[-1] == version + (2 if report.done == "抢在报送前保存" else 1)


# ------------------------------------------------------------------------------------------ failure in the middle


@pytest.fixture
def cycle(pingchang_plan: Plan) -> Cycle:
    """A cycle nobody has reported in (the demo's progress fills 2024)."""
    return actions.open_cycles(plan=pingchang_plan, frequency="yearly", year=2040, due_days=5, user=None)[0]


@pytest.fixture
def draft(cycle: Cycle, pingchang_plan: Plan) -> Report:
    return actions.report_for(task=_shared_task(pingchang_plan), unit=_unit("县司法局"), cycle=cycle)


def _unexpected(client: Client) -> Client:
    client.raise_request_exception = False  # answer as the server would: the project's 500 page
    return client


def _broken_history(monkeypatch: pytest.MonkeyPatch, model: type[Model], *, after: int = 0) -> None:
    """Writing ``model``'s history fails (a full disk, a lost connection) after ``after`` successful writes."""
    real = HistoricalRecords.create_historical_record
    written = []

    def failing(self: HistoricalRecords, instance: Model, history_type: str, using: str | None = None) -> None:
        if isinstance(instance, model):
            if len(written) >= after:
                raise RuntimeError("history write failed")
            written.append(instance.pk)
        real(self, instance, history_type, using=using)

    monkeypatch.setattr(HistoricalRecords, "create_historical_record", failing)


def _is_chinese_error_page(response: Any) -> None:
    page = response.content.decode()
    assert response.status_code == 500 and "系统出错，操作未完成" in page
    assert "Traceback" not in page and "history write failed" not in page


def test_an_evidence_upload_failing_after_its_file_was_written_leaves_no_row_and_no_file(
        login: Login, draft: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _media_files()
    _broken_history(monkeypatch, Evidence)
    upload = SimpleUploadedFile("会议照片.png", PNG + uuid.uuid4().bytes)
    response = _unexpected(login("reporter")).post(f"/reports/{draft.pk}/evidence/", {"file": upload})
    _is_chinese_error_page(response)
    assert not Evidence.objects.filter(report=draft).exists()
    assert _media_files() == files
    stored = Report.objects.get(pk=draft.pk)
    assert (stored.status, stored.version) == (ReportStatus.DRAFT, draft.version)


def test_an_evidence_upload_to_a_report_sent_meanwhile_is_refused_and_its_file_removed(
        login: Login, draft: Report) -> None:
    """The page allowed the upload; the report was submitted before the upload was stored."""
    files = _media_files()
    actions.submit_report(report=draft, user=None)
    with pytest.raises(actions.StaleEdit, match="不能再上传佐证材料"):
        actions.add_evidence(report=draft, filename="照片.png", data=PNG + uuid.uuid4().bytes, user=None)
    assert not Evidence.objects.filter(report=draft).exists() and _media_files() == files


def test_a_plan_import_failing_after_its_document_was_stored_leaves_no_document_draft_or_file(
        login: Login, pingchang: Jurisdiction, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(**fields: object) -> None:
        raise RuntimeError("history write failed")

    monkeypatch.setattr(plan_actions, "ImportDraft", SimpleNamespace(objects=SimpleNamespace(create=refuse)))
    files, documents, drafts = _media_files(), SourceDocument.objects.count(), ImportDraft.objects.count()
    plan = "平昌县测试要点\n一、主要任务\n（一）加强规范性文件管理。（牵头单位：县司法局）\n"
    upload = SimpleUploadedFile(f"要点{uuid.uuid4().hex[:6]}.txt", plan.encode())
    office = login("office")
    response = office.post(f"/jurisdictions/{pingchang.pk}/import/", {"file": upload})
    job_page = office.get(response["Location"]).content.decode()
    assert "history write failed" not in job_page and "Traceback" not in job_page
    assert (SourceDocument.objects.count(), ImportDraft.objects.count()) == (documents, drafts)
    assert _media_files() == files


def test_an_excel_import_failing_midway_saves_no_row_and_stores_no_file(
        login: Login, cycle: Cycle, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    import openpyxl

    reporter = _unexpected(login("reporter"))
    book = openpyxl.load_workbook(io.BytesIO(reporter.get(f"/cycles/{cycle.pk}/excel/export/").content))
    sheet = book.worksheets[0]
    column = next(cell.column for cell in sheet[1] if cell.value == "工作进展")
    for row in (2, 3, 4):
        sheet.cell(row=row, column=column, value=f"第{row}行的进展")
    buffer = io.BytesIO()
    book.save(buffer)
    files = _media_files()
    _broken_history(monkeypatch, Report, after=2 * 2)  # a report's first row and its first version, twice
    response = reporter.post(f"/cycles/{cycle.pk}/excel/import/",
                             {"file": SimpleUploadedFile("填报.xlsx", buffer.getvalue())})
    _is_chinese_error_page(response)
    assert not Report.objects.filter(cycle=cycle).exists()
    assert _media_files() == files


# ------------------------------------------------------------------------------------------ the audit trail


def _historical_models() -> list[type[Model]]:
    return [model for model in apps.get_models() if hasattr(model, "instance_type") and hasattr(model, "history_id")]


def _marks() -> dict[str, int]:
    """The last history row of every historical model, now."""
    return {model._meta.label: model.objects.aggregate(last=Max("history_id"))["last"] or 0
            for model in _historical_models()}


def _history_up_to(marks: dict[str, int]) -> dict[str, tuple[int, str]]:
    """Per historical model: how many rows up to the mark, and a digest of every column of each of them."""
    prints = {}
    for model in _historical_models():
        columns = [field.attname for field in model._meta.concrete_fields]
        rows = model.objects.filter(history_id__lte=marks[model._meta.label]).order_by("history_id")
        digest = hashlib.sha256()
        for row in rows.values_list(*columns).iterator(chunk_size=2000):
            digest.update(repr(row).encode())
        prints[model._meta.label] = (rows.count(), digest.hexdigest())
    return prints


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def test_the_project_has_historical_models_for_every_tracked_record() -> None:
    labels = {model._meta.label for model in _historical_models()}
    assert {"tracking.HistoricalReport", "tracking.HistoricalEvidence", "tracking.HistoricalScoreAdjustment",
            "plans.HistoricalPlan", "plans.HistoricalTask"} <= labels


def test_the_admin_offers_no_historical_model_and_no_add_change_or_delete_of_history(db: None) -> None:
    historical = set(_historical_models())
    assert not historical & set(admin.site._registry)
    superuser = User.objects.create_superuser("root-integrity")
    client = Client()
    client.force_login(superuser)
    for model in historical:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 404
        assert client.post(url + "add/", {}).status_code == 404


def test_reverting_a_plan_in_the_admin_adds_a_version_and_changes_none_of_the_earlier_ones(
        db: None, pingchang_plan: Plan) -> None:
    superuser = User.objects.create_superuser("root-revert")
    client = Client()
    client.force_login(superuser)
    versions = pingchang_plan.history.count()  # type: ignore[attr-defined]
    oldest = pingchang_plan.history.earliest("history_id")  # type: ignore[attr-defined]
    marks = _marks()
    before = _history_up_to(marks)
    url = f"/admin/plans/plan/{pingchang_plan.pk}/history/{oldest.history_id}/"
    form = client.get(url)
    assert form.status_code == 200
    fields = dict(re.findall(r'name="([a-z_]+)"[^>]*value="([^"]*)"', form.content.decode()))
    client.post(url, fields)
    assert _history_up_to(marks) == before  # a revert, if it saved, appended a row; no earlier row changed
    assert pingchang_plan.history.count() >= versions  # type: ignore[attr-defined]


def _filled(route: str, values: dict[str, str]) -> str | None:
    """A route with its parameters filled in; None for a regular-expression route (the admin's app index)."""
    if route.startswith("^") or "(?P<" in route:
        return None
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: values.get(m[2], values["pk"]), route)


def _sweep(user: User, values: dict[str, str]) -> int:
    """Post to every route (the API's: put, patch and delete too) as ``user``, with the ids of real records."""
    _token, key = ApiToken.issue(user=user, name="integrity")
    body = {"post": "yes", "comment": "审计测试", "status": "accepted", "history_id": "1", "history_type": "-",
            "reason": "审计测试", "reply": "审计测试", "year": "2024"}
    pages = Client(raise_request_exception=False)
    pages.force_login(user)
    api = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {key}"})
    swept = 0
    for route, _pattern in _routes(get_resolver().url_patterns):
        url = _filled(route, values)
        if url is None or "logout" in url or url.endswith(".pdf"):  # a PDF takes seconds to print and only reads
            continue
        client = api if url.startswith("/api/") else pages
        for method in ("post", "put", "patch", "delete") if client is api else ("post",):
            try:
                with transaction.atomic():  # a view's database error must not end the test's transaction
                    if method == "post":
                        client.post(url, body)
                    else:
                        getattr(client, method)(url, "{}", content_type="application/json")
            except DatabaseError:
                pass
            swept += 1
    assert "_auth_user_id" in pages.session  # still signed in: every route was tried as ``user``
    return swept


def test_no_url_of_the_project_changes_or_deletes_an_earlier_history_row(db: None, pingchang_plan: Plan) -> None:
    """Every route, posted to by the office and by a superuser (the admin), each with an API token, with the ids
    of real records: the history may grow, but no row written before changes or goes. (It found the admin's
    delete of a person, which emptied "who" in every history row they wrote: people are now only deactivated.)"""
    plan_version = pingchang_plan.history.latest("history_id")  # type: ignore[attr-defined]
    report = Report.objects.filter(task__plan=pingchang_plan, unit__name="县司法局").order_by("pk").first()
    leader = User.objects.get(username="leader")
    values = {"pk": str(report.pk), "object_id": str(leader.pk), "version_id": str(plan_version.history_id),
              "unit": str(report.unit_id), "cycle": str(report.cycle_id), "key": "t1", "action": "publish",
              "fmt": "xlsx", "jurisdiction_id": str(pingchang_plan.jurisdiction_id), "plan_id": str(pingchang_plan.pk),
              "task_id": str(report.task_id), "unit_id": str(report.unit_id), "child": str(pingchang_plan.pk),
              "parent": str(pingchang_plan.pk)}
    marks = _marks()
    before = _history_up_to(marks)
    swept = _sweep(User.objects.create_superuser("root-sweep"), values)
    swept += _sweep(User.objects.get(username="office"), {**values, "pk": str(pingchang_plan.pk)})
    assert swept > 200
    assert User.objects.filter(pk=leader.pk).exists()
    assert _history_up_to(marks) == before


def test_the_api_has_no_operation_that_writes_history_or_reports(db: None) -> None:
    superuser = User.objects.create_superuser("root-api")
    _token, key = ApiToken.issue(user=superuser, name="integrity")
    schema = Client().get("/api/openapi.json", headers={"Authorization": f"Bearer {key}"}).json()
    writes = {(method.upper(), path) for path, operations in schema["paths"].items()
              for method in operations if method in ("post", "put", "patch", "delete")}
    assert writes == {("POST", "/api/jurisdictions/{jurisdiction_id}/units")}
    assert not [path for path in schema["paths"] if "histor" in path or "report" in path]


# ------------------------------------------------------------------------------------------ protected fields


@pytest.fixture
def other(pingchang_plan: Plan, cycle: Cycle) -> SimpleNamespace:
    """Ids a reporter might try to slip in: another unit, task, cycle, the leader and the office."""
    other_cycle = actions.open_cycles(plan=pingchang_plan, frequency="yearly", year=2039, due_days=5, user=None)[0]
    task = Task.objects.filter(plan=pingchang_plan).exclude(pk=_shared_task(pingchang_plan).pk).order_by("order").first()
    return SimpleNamespace(unit=_unit("县市场监督管理局").pk, task=task.pk, cycle=other_cycle.pk,
                           leader=User.objects.get(username="leader").pk, office=User.objects.get(username="office").pk)


EXTRAS = [
    pytest.param(lambda o: {"status": "accepted"}, id="status"),
    pytest.param(lambda o: {"score": "100", "points": "100"}, id="score"),
    pytest.param(lambda o: {"unit": o.unit, "unit_id": o.unit}, id="unit"),
    pytest.param(lambda o: {"approved_by": o.leader, "approved": "1"}, id="approval"),
    pytest.param(lambda o: {"version": 999}, id="version"),
    pytest.param(lambda o: {"cycle": o.cycle, "cycle_id": o.cycle}, id="cycle"),
    pytest.param(lambda o: {"task": o.task, "task_id": o.task}, id="task"),
    pytest.param(lambda o: {"kind": ReportKind.CONTRIBUTION}, id="kind"),
    pytest.param(lambda o: {"comment": "同意", "submitted_at": "2020-01-01 00:00"}, id="office-comment"),
    pytest.param(lambda o: {"updated_by": o.office, "id": 1, "pk": 1}, id="author-and-id"),
]


def _protected(report: Report) -> tuple[object, ...]:
    report.refresh_from_db()
    return (report.task_id, report.unit_id, report.cycle_id, report.kind, report.status, report.comment,
            report.submitted_at)


@pytest.mark.parametrize("extra", EXTRAS)
def test_a_reporters_save_cannot_set_a_protected_field(login: Login, draft: Report, other: SimpleNamespace,
                                                        extra: Callable[[SimpleNamespace], dict[str, object]]) -> None:
    fields = extra(other)
    before, version = _protected(draft), draft.version
    response = login("reporter").post(f"/reports/{draft.pk}/", {**_form(version, done="正常保存的内容"), **fields})
    after = _protected(draft)
    assert after == before
    assert not ScoreAdjustment.objects.filter(ref=f"report:{draft.pk}").exists()
    if "version" in fields:  # a made-up version is an old one: the save is refused, nothing stored
        assert response.status_code == 409 and (draft.version, draft.done) == (version, "")
    else:
        assert response.status_code == 302 and (draft.version, draft.done) == (version + 1, "正常保存的内容")
        assert draft.updated_by.username == "reporter"


@pytest.mark.parametrize("extra", EXTRAS)
def test_a_reporters_submission_cannot_set_a_protected_field(login: Login, draft: Report, other: SimpleNamespace,
                                                              extra: Callable[[SimpleNamespace], dict[str, object]]
                                                              ) -> None:
    before = _protected(draft)
    assert login("reporter").post(f"/reports/{draft.pk}/submit/", extra(other)).status_code == 302
    task, unit, cycle, kind, status, comment, submitted_at = _protected(draft)
    assert (task, unit, cycle, kind, comment) == (before[0], before[1], before[2], before[3], before[5])
    assert status == ReportStatus.SUBMITTED and submitted_at is not None and submitted_at.year != 2020


def test_a_reporter_cannot_write_through_the_api(login: Login, draft: Report, pingchang: Jurisdiction) -> None:
    _token, key = ApiToken.issue(user=User.objects.get(username="reporter"), name="integrity")
    api = Client(headers={"Authorization": f"Bearer {key}"})
    before, version = _protected(draft), draft.version
    payload = {"name": "冒充的单位", "status": "accepted", "score": 100, "unit": _unit("县市场监督管理局").pk}
    assert api.post(f"/api/jurisdictions/{pingchang.pk}/units", payload, content_type="application/json"
                    ).status_code == 403
    for method in ("post", "put", "patch", "delete"):
        for url in (f"/api/reports/{draft.pk}", f"/api/tasks/{draft.task_id}"):
            assert getattr(api, method)(url, payload, content_type="application/json").status_code in (404, 405)
    assert _protected(draft) == before and draft.version == version
    assert not Unit.objects.filter(name="冒充的单位").exists()


def test_the_apis_one_write_ignores_fields_it_does_not_take(login: Login, pingchang: Jurisdiction) -> None:
    _token, key = ApiToken.issue(user=User.objects.get(username="office"), name="integrity")
    elsewhere = Jurisdiction.objects.exclude(pk=pingchang.pk).order_by("pk").first()
    taken = Unit.objects.order_by("pk").first()
    response = Client(headers={"Authorization": f"Bearer {key}"}).post(
        f"/api/jurisdictions/{pingchang.pk}/units", {"name": "县测试局", "id": taken.pk, "jurisdiction_id": elsewhere.pk,
                                                      "is_active": False}, content_type="application/json")
    assert response.status_code == 201
    made = Unit.objects.get(pk=response.json()["id"])
    assert made.pk != taken.pk and made.jurisdiction_id == pingchang.pk and made.is_active
    assert Unit.objects.get(pk=taken.pk).name == taken.name


# ------------------------------------------------------------------------------------------ workflow order


OPERATIONS = ("save", "evidence", "submit", "approve", "accept", "return")


def _allowed_from(operation: str) -> tuple[str, ...]:
    return actions.EDITABLE if operation in ("save", "evidence") else actions.STEPS[operation].allowed_from


def _table(allowed: bool) -> list[Any]:
    """Every (operation, state) pair of a consolidated report, derived from the actions' own table."""
    return [pytest.param(operation, state, id=f"{operation}-{state}") for operation in OPERATIONS
            for state in ReportStatus.values if (state in _allowed_from(operation)) is allowed]


def _do(operation: str, report: Report) -> None:
    office = User.objects.get(username="office")
    run = {
        "save": lambda: actions.save_report(report=report, version=report.version, user=None, progress="done",
                                            done="越序修改", problems="", next_steps="", values={}),
        "evidence": lambda: actions.add_evidence(report=report, filename="越序.png", data=PNG + uuid.uuid4().bytes,
                                                 user=None),
        "submit": lambda: actions.submit_report(report=report, user=None),
        "approve": lambda: actions.approve_report(report=report, user=None),
        "accept": lambda: actions.accept_report(report=report, user=office, comment="越序采纳"),
        "return": lambda: actions.return_report(report=report, user=office, comment="越序退回"),
    }
    run[operation]()


def _in_state(report: Report, state: str) -> Report:
    Report.objects.filter(pk=report.pk).update(status=state)
    report.refresh_from_db()
    return report


def _snapshot(report: Report) -> tuple[object, ...]:
    report.refresh_from_db()
    return (report.status, report.version, report.done, report.comment, report.evidence.count(),
            report.history.count())  # type: ignore[attr-defined]


@pytest.mark.parametrize(("operation", "state"), _table(allowed=False))
def test_an_action_out_of_the_workflows_order_is_refused_by_the_action_itself(
        draft: Report, operation: str, state: str) -> None:
    report = _in_state(draft, state)
    before, files = _snapshot(report), _media_files()
    with pytest.raises(actions.ActionError) as refused:
        _do(operation, report)
    assert _chinese(str(refused.value))
    assert _snapshot(report) == before and _media_files() == files


@pytest.mark.parametrize(("operation", "state"), _table(allowed=True))
def test_an_action_in_the_workflows_order_goes_through(draft: Report, operation: str, state: str) -> None:
    report = _in_state(draft, state)
    _do(operation, report)
    report.refresh_from_db()
    expected = {"save": state, "evidence": state}.get(operation) or actions.STEPS[operation].to
    assert report.status == expected


WHO = {"save": "reporter", "evidence": "reporter", "submit": "reporter", "approve": "leader", "accept": "office",
       "return": "office"}


def _post(client: Client, operation: str, report: Report) -> Any:
    url = {"save": f"/reports/{report.pk}/", "evidence": f"/reports/{report.pk}/evidence/"}.get(
        operation, f"/reports/{report.pk}/{operation}/")
    data: dict[str, object] = {"comment": "越序"}
    if operation == "save":
        data = _form(report.version, done="越序修改")
    elif operation == "evidence":
        data = {"file": SimpleUploadedFile("越序.png", PNG + uuid.uuid4().bytes)}
    return client.post(url, data)


@pytest.mark.parametrize(("operation", "state"), _table(allowed=False))
def test_a_page_refuses_an_action_out_of_the_workflows_order_even_to_the_person_whose_step_it_is(
        login: Login, draft: Report, operation: str, state: str) -> None:
    report = _in_state(draft, state)
    before, files = _snapshot(report), _media_files()
    response = _post(login(WHO[operation]), operation, report)
    if response.status_code == 302:  # refused with a message on the report's page (an upload)
        assert operation == "evidence"
    else:
        assert response.status_code in (403, 404, 409)  # 404: the office does not see a unit's draft
    assert _snapshot(report) == before and _media_files() == files


@pytest.mark.parametrize("state", ReportStatus.values)
def test_the_office_never_accepts_a_participating_units_contribution(draft: Report, pingchang_plan: Plan,
                                                                      state: str) -> None:
    """A contribution goes to the lead unit, which consolidates it; the office accepts only the consolidation."""
    contribution = actions.report_for(task=_shared_task(pingchang_plan), unit=_unit("县市场监督管理局"),
                                      cycle=draft.cycle)
    assert contribution.kind == ReportKind.CONTRIBUTION
    report = _in_state(contribution, state)
    before = _snapshot(report)
    with pytest.raises(actions.ActionError):
        _do("accept", report)
    assert _snapshot(report) == before


def test_a_draft_cannot_be_the_record_behind_a_score(login: Login, draft: Report, pingchang_plan: Plan) -> None:
    """Nothing is scored before it is submitted: the office cannot cite a draft (nor even learn it exists)."""
    url = f"/plans/{pingchang_plan.pk}/assessment/{draft.unit_id}/adjustments/"
    form = {"year": 2040, "kind": "deduction", "points": "2", "reason": "报送质量差", "ref": f"/reports/{draft.pk}/"}
    page = login("office").post(url, form, follow=True).content.decode()
    assert "找不到本方案中该单位的这条记录" in page
    assert not ScoreAdjustment.objects.filter(ref=f"report:{draft.pk}").exists()
    actions.submit_report(report=draft, user=None)
    login("office").post(url, form)
    assert ScoreAdjustment.objects.filter(ref=f"report:{draft.pk}").count() == 1


# ------------------------------------------------------------------------------------------ a burst of sign-ins

BURST = 16


def test_sixteen_wrong_passwords_at_once_lock_the_name_without_an_error(django_db_setup: None,
                                                                        django_db_blocker: Any) -> None:
    """A burst of guesses from one address, all at the same moment (committed, like the eight writers): each is
    answered (a wrong-password page or the lock-out), none fails, and afterwards the right password is refused too."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    with django_db_blocker.unblock():
        load_demo()
        try:
            answers = _at_once([Client() for _ in range(BURST)], lambda index, client: client.post(
                "/accounts/login/", {"username": "leader", "password": f"wrong-guess-{index}"}))
            codes = [answer.status_code for answer in answers]
            assert set(codes) <= {200, 429}, codes
            assert all(("用户名或密码不正确" if code == 200 else "锁定") in answer.content.decode()
                       for code, answer in zip(codes, answers, strict=True))
            checked = codes.count(200)
            print(f"sign-in burst: {checked} of {BURST} guesses checked, {BURST - checked} locked out at once")
            # bounded: measured 4 of 16 on SQLite and PostgreSQL; twice the limit leaves room for scheduling
            assert checked <= 2 * settings.AXES_FAILURE_LIMIT and codes.count(429) == BURST - checked
            after = Client().post("/accounts/login/", {"username": "leader", "password": "demo-pass-2024"})
            assert after.status_code == 429 and "锁定" in after.content.decode()
            attempt = AccessAttempt.objects.get(username="leader")
            assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT
        finally:
            for model in (AccessAttempt, AccessFailureLog, AccessLog):
                model.objects.filter(username="leader").delete()
