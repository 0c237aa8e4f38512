"""The pages as the office and the units use them, through HTTP."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fazhi_web.plans.models import Alias, ImportDraft, Jurisdiction, Plan, Task, Unit, UnitGroup

pytestmark = pytest.mark.django_db
Login = Callable[[str], Client]

HOSTILE_PLAN = """平昌县测试方案
一、主要任务
（一）加强规范性文件管理"><svg onload=alert(1)>，<b onclick="x()">2025年底前</b>完成，A<B且C>D。（牵头单位：县司法局）
（二）推进行政复议规范化建设，审查率达100%。（牵头单位：县司法局；配合单位：县财政局）
"""


def _upload(client: Client, place: Jurisdiction, name: str, data: bytes) -> object:
    return client.post(f"/jurisdictions/{place.pk}/import/", {"file": SimpleUploadedFile(name, data)})


def test_the_office_uploads_a_document_and_lands_on_its_review(login: Login, pingchang: Jurisdiction) -> None:
    response = _upload(login("office"), pingchang, "测试.txt", HOSTILE_PLAN.encode())
    draft = ImportDraft.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == f"/imports/{draft.pk}/"


def test_document_text_with_html_is_shown_as_text_never_run(login: Login, pingchang: Jurisdiction) -> None:
    office = login("office")
    _upload(office, pingchang, "测试.txt", HOSTILE_PLAN.encode())
    page = office.get(f"/imports/{ImportDraft.objects.latest('pk').pk}/").content.decode()
    assert "<svg" not in page and "onclick" not in page and "A<B且C>D" not in page
    assert "A&lt;B且C&gt;D" in page


def test_the_review_page_marks_units_deadlines_and_targets_in_the_source(login: Login,
                                                                         pingchang: Jurisdiction) -> None:
    office = login("office")
    _upload(office, pingchang, "测试.txt", HOSTILE_PLAN.encode())
    page = office.get(f"/imports/{ImportDraft.objects.latest('pk').pk}/").content.decode()
    assert '<mark class="unit">县司法局</mark>' in page
    assert '<mark class="deadline">2025年底前</mark>' in page
    assert '<mark class="target">审查率达100%</mark>' in page


def test_a_failed_upload_shows_the_readers_message_on_its_jobs_page(login: Login, pingchang: Jurisdiction) -> None:
    response = _upload(login("office"), pingchang, "空.txt", b"   \n")
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    page = login("office").get(response["Location"]).content.decode()
    assert "未完成" in page and "空" in page and "Traceback" not in page
    assert f'href="/jurisdictions/{pingchang.pk}/import/"' in page  # 重新上传
    assert not ImportDraft.objects.filter(document__original_name="空.txt").exists()


def test_an_upload_of_the_wrong_type_is_refused_on_the_form(login: Login, pingchang: Jurisdiction) -> None:
    response = _upload(login("office"), pingchang, "方案.exe", b"MZ")
    assert response.status_code == 400
    assert "不支持的文件类型" in response.content.decode()


def test_a_stale_edit_through_the_page_says_so_and_keeps_the_other_edit(login: Login,
                                                                        pingchang: Jurisdiction) -> None:
    office = login("office")
    _upload(office, pingchang, "测试.txt", HOSTILE_PLAN.encode())
    draft = ImportDraft.objects.latest("pk")
    key = draft.content["headings"][0]["key"]
    office.post(f"/imports/{draft.pk}/headings/{key}/", {"version": 1, "title": "第一次"})
    response = office.post(f"/imports/{draft.pk}/headings/{key}/", {"version": 1, "title": "第二次"}, follow=True)
    assert "已被他人修改" in response.content.decode()
    assert ImportDraft.objects.get(pk=draft.pk).content["headings"][0]["title"] == "第一次"


def test_publishing_from_the_review_page_opens_the_plan(login: Login, pingchang: Jurisdiction) -> None:
    office = login("office")
    _upload(office, pingchang, "测试.txt", HOSTILE_PLAN.encode())
    draft = ImportDraft.objects.latest("pk")
    response = office.post(f"/imports/{draft.pk}/publish/", {"version": draft.version})
    plan = Plan.objects.latest("pk")
    assert response["Location"] == f"/plans/{plan.pk}/"
    assert plan.tasks.count() == 2


def test_the_plan_tree_filters_by_section_unit_year_and_targets(login: Login, pingchang_plan: Plan,
                                                                unit_named: Callable[[str], Unit]) -> None:
    office = login("office")
    everything = office.get(f"/plans/{pingchang_plan.pk}/").content.decode()
    assert everything.count('class="task"') == 18
    judiciary = unit_named("县司法局").pk
    by_unit = office.get(f"/plans/{pingchang_plan.pk}/?unit={judiciary}&role=lead").content.decode()
    expected = Task.objects.filter(plan=pingchang_plan, assignments__unit_id=judiciary,
                                   assignments__role="lead").count()
    assert by_unit.count('class="task"') == expected > 0
    top = pingchang_plan.sections.filter(parent=None).first()
    by_section = office.get(f"/plans/{pingchang_plan.pk}/?section={top.pk}").content.decode()
    assert by_section.count('class="task"') == Task.objects.filter(section__path__startswith=top.path,
                                                                   plan=pingchang_plan).count()
    with_targets = office.get(f"/plans/{pingchang_plan.pk}/?targets=1").content.decode()
    assert with_targets.count('class="task"') == Task.objects.filter(plan=pingchang_plan,
                                                                     targets__isnull=False).distinct().count()


def test_a_task_page_shows_its_source_passage_with_marks(login: Login, pingchang_plan: Plan) -> None:
    task = pingchang_plan.tasks.filter(deadlines__isnull=False).first()
    page = login("office").get(f"/tasks/{task.pk}/").content.decode()
    assert '<mark class="deadline">' in page and '<mark class="unit">' in page


def test_my_tasks_lists_lead_then_participating_with_due_dates_first(login: Login) -> None:
    page = login("reporter").get("/my/").content.decode()
    lead_part, participating_part = page.split("配合的任务")
    assert "牵头或负责的任务" in lead_part
    for part in (lead_part, participating_part):
        dates = re.findall(r'<td class="due">(\d{4}-\d\d-\d\d)', part)
        assert dates == sorted(dates)


def test_the_matrix_counts_each_units_tasks_per_section_and_links_to_them(login: Login, pingchang_plan: Plan,
                                                                          unit_named: Callable[[str], Unit]) -> None:
    page = login("office").get(f"/plans/{pingchang_plan.pk}/matrix/").content.decode()
    judiciary = unit_named("县司法局")
    assert f"?unit={judiciary.pk}&amp;section=" in page
    row = page.split(f'?unit={judiciary.pk}">县司法局</a>')[1].split("</tr>")[0]
    counted = sum(int(lead) + int(part) for lead, part in re.findall(r"<b>(\d+)</b> / (\d+)", row))
    assert counted == judiciary.assignments.filter(task__plan=pingchang_plan, task__section__isnull=False).count()


@pytest.mark.parametrize(("query", "must_find"), [
    pytest.param("复议", "复议", id="two-characters"),
    pytest.param("督办", "督办", id="two-characters-supervision"),
    pytest.param("法治政府建设", "法治政府建设", id="phrase"),
    pytest.param("执法 监督", "执法", id="two-terms"),
])
def test_search_finds_short_and_long_queries(login: Login, query: str, must_find: str) -> None:
    page = login("office").get("/search/", {"q": query}).content.decode()
    assert int(re.search(r'任务 <span class="count">(\d+)</span>', page).group(1)) > 0
    assert f'<mark class="hit">{must_find}' in page or '<mark class="hit">' in page


def test_a_simplified_query_finds_traditional_text(login: Login) -> None:
    upper = login("upper")  # 贵州省 is not under 四川省; the office's own plans are simplified
    page = login("office").get("/search/", {"q": "行政复议"}).content.decode()
    assert "贵州" not in page  # not visible to 平昌县's office
    client = Client()
    client.force_login(Plan.objects.get(jurisdiction__name="贵州省").published_by or _guizhou_viewer())
    page = client.get("/search/", {"q": "法治政府建设"}).content.decode()
    assert "法治政府建設" in page  # the traditional text itself is shown, found by the simplified query
    assert upper.get("/search/", {"q": "x"}).status_code == 200


def _guizhou_viewer():  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import User

    from fazhi_web.plans.models import Membership, Role

    user = User.objects.create_user("guizhou")
    Membership.objects.create(user=user, role=Role.VIEWER, jurisdiction=Jurisdiction.objects.get(name="贵州省"))
    return user


def test_search_results_are_limited_to_what_the_person_may_see(login: Login) -> None:
    page = login("reporter2").get("/search/", {"q": "复议"}).content.decode()
    visible = set(re.findall(r'href="/tasks/(\d+)/"', page))
    mine = {str(pk) for pk in Task.objects.filter(assignments__unit__name="县市场监督管理局",
                                                  plan__jurisdiction__name="平昌县").values_list("pk", flat=True)}
    assert visible <= mine


def _xlsx(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_unit_list_from_excel_adds_units_aliases_and_groups(login: Login, pingchang: Jurisdiction) -> None:
    data = _xlsx([["名称", "别名", "类型", "成员"], ["县档案馆", "档案馆、县档案局", "单位", ""],
                  ["县气象局", "", "单位", ""], ["县直相关单位", "", "群组", "县档案馆、县气象局"]])
    response = login("office").post(f"/jurisdictions/{pingchang.pk}/units/import/",
                                    {"file": SimpleUploadedFile("名录.xlsx", data)}, follow=True)
    assert "新增单位 2 个、群组 1 个、别名 2 个" in response.content.decode()
    group = UnitGroup.objects.get(jurisdiction=pingchang, name="县直相关单位")
    assert {u.name for u in group.members.all()} == {"县档案馆", "县气象局"}
    assert Alias.objects.filter(unit__name="县档案馆", name="县档案局").exists()


def test_a_bad_unit_list_reports_every_row_and_imports_nothing(login: Login, pingchang: Jurisdiction) -> None:
    data = "名称,别名,类型\n县档案馆,,单位\n,无名,单位\n县档案馆,,单位\n县气象局,,部门\n".encode()
    before = Unit.objects.count()
    page = login("office").post(f"/jurisdictions/{pingchang.pk}/units/import/",
                                {"file": SimpleUploadedFile("名录.csv", data)}, follow=True).content.decode()
    assert "第3行“名称”列为空" in page
    assert "第4行“名称”列：“县档案馆”重复" in page
    assert "第5行“类型”列" in page
    assert "未导入任何内容" in page
    assert Unit.objects.count() == before


def test_an_alias_that_already_means_another_unit_is_refused(login: Login,
                                                             unit_named: Callable[[str], Unit]) -> None:
    finance = unit_named("县财政局")
    page = login("office").post(f"/units/{finance.pk}/aliases/add/", {"name": "县发改局"}, follow=True)
    assert "已指向" in page.content.decode()
    assert not Alias.objects.filter(unit=finance, name="县发改局").exists()


def test_healthz_answers_when_the_database_is_reachable(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"


def test_pages_are_in_chinese_and_load_nothing_from_another_host(login: Login, pingchang_plan: Plan) -> None:
    office = login("office")
    for url in ["/jurisdictions/", f"/plans/{pingchang_plan.pk}/", "/search/?q=复议", "/public/"]:
        page = office.get(url).content.decode()
        assert '<html lang="zh-hans">' in page
        assert not re.search(r'(?:src|href)="(?:https?:)?//', page), url
    api_docs = office.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in api_docs
    assert not re.search(r'(?:src|href)="(?:https?:)?//', api_docs)


def test_a_reporter_sees_only_their_own_unit_in_the_registry(login: Login, pingchang: Jurisdiction) -> None:
    page = login("reporter").get(f"/jurisdictions/{pingchang.pk}/units/").content.decode()
    assert "县司法局" in page and "县财政局" not in page


@pytest.mark.parametrize("url", [
    pytest.param("/plans/{plan}/?unit=99999999999999999999999&year=99999999999&section=99999999999999999999", id="filters"),
    pytest.param("/plans/99999999999999999999999/", id="plan"),
    pytest.param("/tasks/99999999999999999999/", id="task"),
    pytest.param("/imports/99999999999999999999/", id="draft"),
])
def test_absurd_numbers_in_a_url_are_not_found_or_ignored_never_a_server_error(login: Login, url: str,
                                                                                 pingchang_plan: Plan) -> None:
    response = login("office").get(url.format(plan=pingchang_plan.pk))
    assert response.status_code in (200, 404)


def test_the_office_adds_a_reporter_for_one_of_its_units(login: Login, pingchang: Jurisdiction,
                                                         unit_named: Callable[[str], Unit]) -> None:
    from django.contrib.auth.models import User

    finance = unit_named("县财政局")
    response = login("office").post(f"/jurisdictions/{pingchang.pk}/people/", {
        "username": "caizheng", "full_name": "县财政局填报员", "role": "reporter", "unit": finance.pk,
        "password": "Caizheng-2026-pass"})
    assert response.status_code == 302
    person = User.objects.get(username="caizheng")
    assert person.password.startswith("md5$") or person.password.startswith("argon2")  # hashed, never plain
    assert person.memberships.get().unit == finance
    client = Client()
    client.force_login(person)
    assert client.get("/my/").status_code == 200


@pytest.mark.parametrize(("fields", "message"), [
    pytest.param({"role": "reporter", "unit": ""}, "须选择所属单位", id="reporter-without-unit"),
    pytest.param({"username": "office"}, "已被使用", id="taken-username"),
    pytest.param({"password": "12345678901"}, "", id="weak-password"),
])
def test_a_person_with_bad_details_is_refused_with_the_reason(login: Login, pingchang: Jurisdiction,
                                                              fields: dict[str, str], message: str) -> None:
    from django.contrib.auth.models import User

    data = {"username": "newperson", "full_name": "", "role": "office", "unit": "", "password": "Good-pass-2026x",
            **fields}
    before = User.objects.count()
    response = login("office").post(f"/jurisdictions/{pingchang.pk}/people/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.count() == before


def test_only_the_office_of_the_jurisdiction_manages_its_people(login: Login, pingchang: Jurisdiction) -> None:
    assert login("reporter").get(f"/jurisdictions/{pingchang.pk}/people/").status_code == 403
    assert login("upper").get(f"/jurisdictions/{pingchang.pk}/people/").status_code == 403
    other = Jurisdiction.objects.get(name="泾川县")
    assert login("office").get(f"/jurisdictions/{other.pk}/people/").status_code == 404


def test_the_search_box_stays_empty_on_pages_that_are_not_search(login: Login, pingchang_plan: Plan) -> None:
    page = login("office").get(f"/plans/{pingchang_plan.pk}/assessment/", {"year": 2024}).content.decode()
    assert 'name="q" value=""' in page
