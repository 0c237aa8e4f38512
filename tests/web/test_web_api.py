"""The JSON API: token sign-in, its OpenAPI schema, the shape of every answer, the same permissions as the
pages (the full table of who gets what is in test_permissions.py), and a schemathesis run over the schema."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from fazhi_web.api.models import ApiToken
from fazhi_web.plans.models import Jurisdiction, Plan, Task, TaskStatus, Unit

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/jurisdictions": {"get"},
    "/api/jurisdictions/{jurisdiction_id}": {"get"},
    "/api/jurisdictions/{jurisdiction_id}/units": {"get", "post"},
    "/api/units/{unit_id}": {"get"},
    "/api/plans": {"get"},
    "/api/plans/{plan_id}": {"get"},
    "/api/tasks": {"get"},
    "/api/tasks/{task_id}": {"get"},
}


@pytest.fixture
def key_of(db: None) -> Callable[[str], str]:
    """A fresh API key for a demo account."""
    return lambda username: ApiToken.issue(user=User.objects.get(username=username), name="tests")[1]


@pytest.fixture
def call(key_of: Callable[[str], str]) -> Callable[..., Any]:
    """call("office", "get", "/api/plans") → the response, signed in with that account's token."""

    def request(username: str, method: str, path: str, body: Any = None, **params: Any) -> Any:
        headers = {"Authorization": f"Bearer {key_of(username)}"}
        if method == "post":
            return Client().post(path, json.dumps(body), content_type="application/json", headers=headers)
        return Client().get(path, params, headers=headers)

    return request


def _units_of(username: str) -> set[int]:
    return set(User.objects.get(username=username).memberships.values_list("unit_id", flat=True))


def _all_items(call: Callable[..., Any], username: str, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a paginated list, page by page."""
    items: list[dict[str, Any]] = []
    while True:
        page = call(username, "get", path, offset=len(items), limit=50, **params).json()
        items += page["items"]
        if not page["items"] or len(items) >= page["count"]:
            return items


# ------------------------------------------------------------------------------------------ signing in


@pytest.mark.parametrize("header", [
    pytest.param(None, id="no-header"),
    pytest.param("Bearer fz_not-a-real-key", id="unknown-key"),
    pytest.param("Bearer ", id="empty-key"),
    pytest.param("Token {key}", id="wrong-scheme"),
    pytest.param("{key}", id="key-without-scheme"),
])
def test_a_request_without_a_valid_token_is_refused_with_401(header: str | None, key_of: Callable[[str], str],
                                                             pingchang: Jurisdiction) -> None:
    key = key_of("office")
    headers = {"Authorization": header.format(key=key)} if header is not None else {}
    before = Unit.objects.count()
    assert Client().get("/api/plans", headers=headers).status_code == 401
    response = Client().post(f"/api/jurisdictions/{pingchang.pk}/units", json.dumps({"name": "县测试新增局"}),
                             content_type="application/json", headers=headers)
    assert response.status_code == 401
    assert Unit.objects.count() == before


def test_the_token_of_a_deactivated_account_is_refused(key_of: Callable[[str], str]) -> None:
    key = key_of("office")
    User.objects.filter(username="office").update(is_active=False)
    assert Client().get("/api/plans", headers={"Authorization": f"Bearer {key}"}).status_code == 401


def test_a_signed_in_browser_session_is_not_an_api_token(login: Callable[[str], Client],
                                                         pingchang: Jurisdiction) -> None:
    session = login("office")
    assert session.get("/api/plans").status_code == 401
    response = session.post(f"/api/jurisdictions/{pingchang.pk}/units", json.dumps({"name": "县测试新增局"}),
                            content_type="application/json")
    assert response.status_code == 401
    assert not Unit.objects.filter(name="县测试新增局").exists()


def test_a_token_call_needs_no_csrf_token_and_records_its_use(key_of: Callable[[str], str],
                                                             pingchang: Jurisdiction) -> None:
    key = key_of("office")
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/api/jurisdictions/{pingchang.pk}/units", json.dumps({"name": "县测试新增局"}),
                           content_type="application/json", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 201
    assert ApiToken.objects.get(prefix=key[:8]).last_used_at is not None


def test_only_the_digest_of_a_key_is_stored(key_of: Callable[[str], str]) -> None:
    key = key_of("office")
    token = ApiToken.objects.get(prefix=key[:8])
    assert key not in (token.key_digest, token.prefix)
    assert len(token.key_digest) == 64


# ------------------------------------------------------------------------------------------ the schema


def test_the_openapi_schema_is_served_without_a_token_and_lists_every_path() -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {path: set(methods) for path, methods in schema["paths"].items()} == PATHS
    assert "TokenAuth" in schema["components"]["securitySchemes"]
    assert all(op["security"] == [{"TokenAuth": []}] for methods in schema["paths"].values() for op in methods.values())


# ------------------------------------------------------------------------------------------ shapes, as office


def test_the_office_lists_its_own_jurisdiction(call: Callable[..., Any], pingchang: Jurisdiction) -> None:
    response = call("office", "get", "/api/jurisdictions")
    assert response.status_code == 200
    assert response.json() == [{"id": pingchang.pk, "name": "平昌县", "level": "county",
                                "parent_id": pingchang.parent_id}]
    assert call("office", "get", f"/api/jurisdictions/{pingchang.pk}").json() == response.json()[0]


def test_the_office_lists_its_units_with_their_aliases(call: Callable[..., Any], pingchang: Jurisdiction,
                                                       unit_named: Callable[[str], Unit]) -> None:
    units = call("office", "get", f"/api/jurisdictions/{pingchang.pk}/units").json()
    assert len(units) == Unit.objects.filter(jurisdiction=pingchang).count()
    justice = unit_named("县司法局")
    entry = next(u for u in units if u["id"] == justice.pk)
    assert {k: v for k, v in entry.items() if k != "aliases"} == {"id": justice.pk, "name": "县司法局",
                                                                  "jurisdiction_id": pingchang.pk}
    assert set(entry["aliases"]) == {"司法局", "平昌县司法局"}
    assert call("office", "get", f"/api/units/{justice.pk}").json() == entry


def test_the_office_lists_its_plans_page_by_page(call: Callable[..., Any], pingchang_plan: Plan) -> None:
    page = call("office", "get", "/api/plans").json()
    assert page["count"] == 1
    plan = page["items"][0]
    assert set(plan) == {"id", "title", "jurisdiction_id", "doc_number", "issued_on", "period_start",
                         "period_end", "revision", "status"}
    assert (plan["id"], plan["title"], plan["status"]) == (pingchang_plan.pk, pingchang_plan.title, "published")
    assert plan["doc_number"] == "平昌府办发〔2024〕29号"
    assert call("office", "get", f"/api/plans/{pingchang_plan.pk}").json() == plan
    assert call("office", "get", "/api/plans", jurisdiction=pingchang_plan.jurisdiction_id).json() == page


def test_the_office_lists_every_task_of_its_plan_with_units_deadlines_and_targets(
        call: Callable[..., Any], pingchang_plan: Plan) -> None:
    tasks = _all_items(call, "office", "/api/tasks")
    assert [t["id"] for t in tasks] == list(pingchang_plan.tasks.filter(status=TaskStatus.ACTIVE)
                                            .order_by("order").values_list("pk", flat=True))
    first = tasks[0]
    assert set(first) == {"id", "plan_id", "path", "label", "title", "text", "line", "section", "assignments",
                          "deadlines", "targets"}
    assert first["path"] == "一/1"
    assert first["section"].startswith("一")
    lead = next(a for a in first["assignments"] if a["role"] == "lead")
    assert set(lead) == {"unit_id", "unit", "role", "printed_name"}
    assert lead["unit"] == "县行政审批和数据局"
    assert call("office", "get", f"/api/tasks/{first['id']}").json() == first


def test_a_task_lists_its_deadlines_and_targets(call: Callable[..., Any], pingchang_plan: Plan) -> None:
    task = Task.objects.filter(plan=pingchang_plan, deadlines__isnull=False, targets__isnull=False).first()
    assert task is not None
    body = call("office", "get", f"/api/tasks/{task.pk}").json()
    assert [d["text"] for d in body["deadlines"]] == [d.text for d in task.deadlines.all()]
    assert all(set(d) == {"text", "kind", "due_on", "precision", "recurrence", "month_day"} for d in body["deadlines"])
    assert [t["text"] for t in body["targets"]] == [t.text for t in task.targets.all()]
    assert all(set(t) == {"text", "metric", "op", "value", "value_high", "unit"} for t in body["targets"])


def test_the_task_list_filters_by_plan_and_by_unit(call: Callable[..., Any], pingchang_plan: Plan,
                                                   unit_named: Callable[[str], Unit]) -> None:
    justice = unit_named("县司法局")
    by_unit = _all_items(call, "office", "/api/tasks", unit=justice.pk)
    assert {t["id"] for t in by_unit} == set(pingchang_plan.tasks.filter(assignments__unit=justice)
                                             .values_list("pk", flat=True))
    assert len(_all_items(call, "office", "/api/tasks", plan=pingchang_plan.pk)) == 18
    other_plan = Plan.objects.get(jurisdiction__name="泾川县")
    assert call("office", "get", "/api/tasks", plan=other_plan.pk).json() == {"items": [], "count": 0}


def test_the_office_adds_a_unit_with_aliases(call: Callable[..., Any], pingchang: Jurisdiction) -> None:
    response = call("office", "post", f"/api/jurisdictions/{pingchang.pk}/units",
                    {"name": "县数据资源中心", "aliases": ["县数据中心"]})
    assert response.status_code == 201
    unit = Unit.objects.get(jurisdiction=pingchang, name="县数据资源中心")
    assert response.json() == {"id": unit.pk, "name": "县数据资源中心", "jurisdiction_id": pingchang.pk,
                               "aliases": ["县数据中心"]}


@pytest.mark.parametrize(("name", "message"), [
    pytest.param("县司法局", "“县司法局”已是“县司法局”的名称或别名", id="a-unit-name"),
    pytest.param("司法局", "“司法局”已是“县司法局”的名称或别名", id="an-alias"),
    pytest.param("  ", "单位名称不能为空", id="blank"),
])
def test_adding_a_unit_under_a_name_already_taken_is_refused_in_chinese(
        name: str, message: str, call: Callable[..., Any], pingchang: Jurisdiction) -> None:
    before = Unit.objects.count()
    response = call("office", "post", f"/api/jurisdictions/{pingchang.pk}/units", {"name": name})
    assert (response.status_code, response.json()) == (400, {"detail": message})
    assert Unit.objects.count() == before


@pytest.mark.parametrize("body", [
    pytest.param({"name": "县" * 101}, id="name-too-long"),
    pytest.param({"name": "县测试\x00局"}, id="name-with-nul"),
    pytest.param({"name": "县测试新增局", "aliases": ["别" * 101]}, id="alias-too-long"),
    pytest.param({"aliases": ["县测试局"]}, id="no-name"),
])
def test_a_unit_the_database_could_not_store_is_refused_with_422(body: dict[str, Any], call: Callable[..., Any],
                                                                 pingchang: Jurisdiction) -> None:
    before = Unit.objects.count()
    assert call("office", "post", f"/api/jurisdictions/{pingchang.pk}/units", body).status_code == 422
    assert Unit.objects.count() == before


# ------------------------------------------------------------------------------------------ permissions


@pytest.mark.parametrize("username", ["reporter", "reporter2", "leader"])
def test_a_unit_member_lists_only_their_units_tasks(username: str, call: Callable[..., Any]) -> None:
    tasks = _all_items(call, username, "/api/tasks")
    theirs = Task.objects.filter(status=TaskStatus.ACTIVE, plan__status="published",
                                 assignments__unit_id__in=_units_of(username)).distinct()
    assert {t["id"] for t in tasks} == set(theirs.values_list("pk", flat=True))
    assert all(_units_of(username) & {a["unit_id"] for a in t["assignments"]} for t in tasks)
    assert Task.objects.filter(plan__jurisdiction__name="平昌县").exclude(pk__in=theirs).exists()


def test_a_reporter_cannot_open_another_units_task_or_unit(call: Callable[..., Any],
                                                           unit_named: Callable[[str], Unit]) -> None:
    justice, market = unit_named("县司法局"), unit_named("县市场监督管理局")
    others = Task.objects.filter(assignments__unit=market).exclude(assignments__unit=justice)
    assert others.exists()
    for task in others:
        assert call("reporter", "get", f"/api/tasks/{task.pk}").status_code == 404
    assert call("reporter", "get", f"/api/units/{market.pk}").status_code == 404
    shared = Task.objects.filter(assignments__unit=market).filter(assignments__unit=justice)
    listed = _all_items(call, "reporter", "/api/tasks", unit=market.pk)
    assert {t["id"] for t in listed} == set(shared.values_list("pk", flat=True))


def test_a_reporter_sees_only_their_own_unit_in_the_unit_list(call: Callable[..., Any], pingchang: Jurisdiction,
                                                               unit_named: Callable[[str], Unit]) -> None:
    units = call("reporter", "get", f"/api/jurisdictions/{pingchang.pk}/units").json()
    assert [u["id"] for u in units] == [unit_named("县司法局").pk]


@pytest.mark.parametrize(("username", "status"), [("reporter", 403), ("leader", 403), ("upper", 403),
                                                  ("office", 201)])
def test_only_the_office_of_the_jurisdiction_adds_units(username: str, status: int, call: Callable[..., Any],
                                                        pingchang: Jurisdiction) -> None:
    response = call(username, "post", f"/api/jurisdictions/{pingchang.pk}/units", {"name": "县测试新增局"})
    assert response.status_code == status
    assert Unit.objects.filter(name="县测试新增局").exists() == (status == 201)
    if status == 403:
        assert "法治办" in response.json()["detail"]


def test_the_office_cannot_add_a_unit_to_another_county(call: Callable[..., Any]) -> None:
    jingchuan = Jurisdiction.objects.get(name="泾川县")
    response = call("office", "post", f"/api/jurisdictions/{jingchuan.pk}/units", {"name": "县测试新增局"})
    assert response.status_code == 404
    assert not Unit.objects.filter(name="县测试新增局").exists()


def test_the_upper_viewer_reads_plans_below_them_and_no_others(call: Callable[..., Any]) -> None:
    plans = _all_items(call, "upper", "/api/plans")
    assert {p["jurisdiction_id"] for p in plans} == set(Jurisdiction.objects.filter(
        name__in=["平昌县", "遂宁市", "甘孜藏族自治州"]).values_list("pk", flat=True))
    for place in ("泾川县", "贵州省"):
        plan = Plan.objects.get(jurisdiction__name=place)
        assert call("upper", "get", f"/api/plans/{plan.pk}").status_code == 404
        assert call("upper", "get", "/api/tasks", plan=plan.pk).json()["count"] == 0


@pytest.mark.parametrize("path", ["/api/plans/{big}", "/api/tasks/{big}", "/api/units/{big}",
                                  "/api/jurisdictions/{big}", "/api/jurisdictions/{big}/units"])
def test_an_id_beyond_any_database_integer_answers_404(path: str, call: Callable[..., Any]) -> None:
    assert call("office", "get", path.format(big=10**20)).status_code == 404


@pytest.mark.parametrize("path", ["/api/tasks?plan={big}", "/api/tasks?unit={big}", "/api/plans?jurisdiction={big}"])
@pytest.mark.parametrize("big", [10**20, -(10**20), 0])
def test_a_filter_id_outside_the_database_range_is_refused_with_422(path: str, big: int,
                                                                    call: Callable[..., Any]) -> None:
    assert call("office", "get", path.format(big=big)).status_code == 422


@pytest.mark.parametrize("query", ["offset=10000000000000000000000", "limit=10000000000000000000000", "offset=-1",
                                   "limit=0"])
@pytest.mark.parametrize("path", ["/api/plans", "/api/tasks"])
def test_a_page_outside_the_database_range_is_refused_with_422(path: str, query: str, call: Callable[..., Any]) -> None:
    assert call("office", "get", f"{path}?{query}").status_code == 422


# ------------------------------------------------------------------------------------------ schemathesis

OPERATIONS = sorted((path, method) for path, methods in PATHS.items() for method in methods)


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m.upper()} {p}" for p, m in OPERATIONS])
def test_every_generated_request_gets_an_answer_the_schema_allows(path: str, method: str,
                                                                  key_of: Callable[[str], str],
                                                                  pingchang_plan: Plan) -> None:
    """Schemathesis generates requests from /api/openapi.json (random ids, and ids that exist) and sends
    them to the app through WSGI with the office's token: no 5xx, no status code the schema does not document, and every answer conforms to its documented shape."""
    with _keeping_the_test_connection():
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())  # as a WSGI server calls it
    operation = schema[path][method.upper()]
    task = pingchang_plan.tasks.first()
    assert task is not None
    existing = {"jurisdiction_id": pingchang_plan.jurisdiction_id, "plan_id": pingchang_plan.pk,
                "task_id": task.pk, "unit_id": task.assignments.first().unit_id}  # type: ignore[union-attr]
    known = {name: existing[name] for name in existing if "{" + name + "}" in path}
    strategy = operation.as_strategy() | operation.as_strategy(path_parameters=known)
    headers = {"Authorization": f"Bearer {key_of('office')}"}

    @settings(max_examples=50, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def answers_within_the_schema(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=[not_a_server_error, status_code_conformance, response_schema_conformance])

    with _keeping_the_test_connection():
        answers_within_the_schema()


@contextmanager
def _keeping_the_test_connection() -> Iterator[None]:
    """A WSGI request closes the database connection when it ends; the test's transaction lives on it.
    Django's test client does the same as this while it runs a request."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)
